/*
 * Internals of the quantization module, shared by its .c files only.
 *
 * Quantizer statistics: a dense list of colour buckets found through an
 * open-addressing hash whose 32-bit slots hold 16 more bits of the hash
 * and the bucket's index, so a probe costs one cache miss before the
 * bucket itself. A bucket is an exact colour while there are at
 * most GIFLOW__Q_ENT distinct colours; past that, one channel at a time
 * (blue, red, green, blue...) loses a bit, halving the key space, and
 * buckets merge until they fit. Buckets keep the sum of their pixels'
 * offsets from the bucket base, so mean colours stay exact.
 *
 * Remap: a table of small cells (4x4x4 values) that gives the answer at
 * once where one entry is nearest to all of the cell, then a direct-mapped
 * cache of exact colours, in front of a two-level grid whose cells list,
 * lazily, every palette entry that can be nearest to some point of the
 * cell (sorted by distance to the cell).
 */
#ifndef GIFLOW_QUANT_QUANT_IMPL_H
#define GIFLOW_QUANT_QUANT_IMPL_H

#include "quant.h"

/* ---- Quantizer ----------------------------------------------------------*/
#define GIFLOW__Q_ENT 32767u        /* buckets at most (indices fit 16 bits) */
#define GIFLOW__Q_SLOT_BITS 16
#define GIFLOW__Q_SLOTS (1u << GIFLOW__Q_SLOT_BITS) /* load at most 1/2 */
#define GIFLOW__Q_EMPTY 0xFFFFFFFFu  /* a slot: tag << 16 | bucket index */
#define GIFLOW__WU_N 32             /* Wu grid cells per channel */
#define GIFLOW__WU_S (GIFLOW__WU_N + 1)
#define GIFLOW__WU_CELLS (GIFLOW__WU_S * GIFLOW__WU_S * GIFLOW__WU_S)

typedef struct giflow__qent {
    uint32_t key;    /* channels >> their shift, packed as 0xRRGGBB */
    float off[3];    /* sum of weight * (channel - bucket base); integers */
    double w;        /* sum of weights */
} giflow__qent;

typedef struct giflow__qpt {
    float x[3];      /* mean colour of a bucket */
    float w;
} giflow__qpt;

/* k-means state (see palette.c). */
#define GIFLOW__KM_NL 32 /* neighbours listed per centroid */
typedef struct giflow__km {
    uint32_t k;
    float c[256][3];          /* centroids */
    float soa[3][256];        /* the same by channel; unused ones far away */
    float move[256];          /* how far each moved in the last update */
    float at[256][3];         /* where each was when the lists were made */
    float disp[256];          /* distance from there */
    float maxdisp;
    float slack[256];         /* disp of a plus the largest disp it lists */
    float half[256];          /* at most half the distance to the nearest other */
    float near[256];          /* largest last move among listed neighbours */
    float far[256];           /* no unlisted centroid is nearer than this, now */
    float big;                /* largest last move of all */
    uint32_t scans;           /* searches that fell back to every centroid */
    float rest[256];          /* no unlisted centroid was nearer than this */
    uint8_t nn[256];          /* list lengths */
    uint8_t nb[256][GIFLOW__KM_NL]; /* nearest other centroids, nearest first */
    float nd[256][GIFLOW__KM_NL];   /* their distances when listed */
    double acc[256][4];       /* cluster sums: weight, weighted r, g, b */
    int scaled;               /* colours are scaled by sc (tuned for SSIM) */
    float sc[3];
} giflow__km;

/* The k-means bounds (two floats per bucket) fit in the slots. */
_Static_assert(GIFLOW__Q_SLOTS / 2 >= GIFLOW__Q_ENT, "bounds overflow the hash slots");

struct giflow__quant {
    uint32_t n;          /* buckets in use */
    uint32_t steps;      /* bits dropped so far, one channel at a time */
    uint32_t sh[3];      /* bits dropped per channel */
    uint64_t seen;       /* pixels added since the last reset */
    uint32_t last_px;    /* run cache: last pixel's RGB and bucket */
    uint32_t last_idx;
    int last_ok;
    int hash_ok;         /* build borrows the slot keys; rebuilt on demand */
    int effort;          /* giflow__quant_set_effort(); kept by reset */
    int tune;            /* giflow__quant_set_tune(); kept by reset */
    union {
        uint32_t tag_idx[GIFLOW__Q_SLOTS];   /* hash tag << 16 | bucket */
        float bound[GIFLOW__Q_SLOTS / 2][2]; /* build: k-means bounds */
    } slot;
    giflow__qent ent[GIFLOW__Q_ENT];
    uint8_t assign[GIFLOW__Q_ENT]; /* build: cluster of each bucket */
    giflow__km km;
    union {                        /* build scratch: Wu first, then k-means */
        struct {
            double m[4][GIFLOW__WU_CELLS]; /* weight, sum r, g, b */
            uint8_t tag[GIFLOW__WU_N * GIFLOW__WU_N * GIFLOW__WU_N];
        } wu;
        giflow__qpt pt[GIFLOW__Q_ENT];
    } s;
};

/* Wu's variance-minimising cuts over the buckets, adapted to the data's
 * range. Writes up to k centroids (cx: 3 floats each) and each bucket's
 * box into q->assign. Returns the number of boxes made. */
uint32_t giflow__wu_boxes(giflow__quant *q, uint32_t k, float *cx);

/* Mean colour of bucket e. */
static inline void giflow__qent_mean(const giflow__quant *q, const giflow__qent *e, float x[3])
{
    for (int c = 0; c < 3; c++) {
        uint32_t base = ((e->key >> (16 - 8 * c)) & 0xFF) << q->sh[c];
        x[c] = (float)(base + (double)e->off[c] / e->w);
    }
}

/* ---- Remap ---------------------------------------------------------------*/
#define GIFLOW__RM_CACHE_BITS 14      /* exact-colour cache, 64 KB */
#define GIFLOW__RM_CACHE (1u << GIFLOW__RM_CACHE_BITS)
#define GIFLOW__RM_CBITS 3              /* coarse grid: 8 cells per channel */
#define GIFLOW__RM_FBITS 5              /* fine grid: 32 cells per channel */
#define GIFLOW__RM_POOL (1u << 17)      /* candidate list storage (entries) */
#define GIFLOW__RM_SBITS 6              /* small cells: 64 per channel */
#define GIFLOW__RM_SLOTS (1u << 14)     /* small cells with a list, per kind */
/* A small cell's kind, in the top two bits of its value. */
#define GIFLOW__RM_ONE 3u               /* one entry, in the low byte */
#define GIFLOW__RM_FOUR 2u              /* up to 4, listed in slot4[low 14 bits] */
#define GIFLOW__RM_EIGHT 1u             /* 5 to 8, listed in slot8[low 14 bits] */
#define GIFLOW__RM_MANY 1u              /* (whole value) more: cache and lists */

struct giflow__remap {
    int n;                  /* palette entries */
    int skip;               /* index never chosen, or -1 */
    int spread;             /* ordered dither amplitude; -1: not computed */
    uint32_t pool_used;
    int32_t rgb[3][256];
    /* colour << 8 | index. An empty slot holds a colour that cannot hash
     * to it (white, or black in white's slot). */
    uint32_t cache[GIFLOW__RM_CACHE];
    /* Cell lists: offset << 9 | length; 0 = not built yet. A list entry
     * is (squared distance from the entry to the cell) << 8 | index, and
     * lists are sorted, nearest first. */
    uint32_t coarse[1u << (3 * GIFLOW__RM_CBITS)];
    uint32_t fine[1u << (3 * GIFLOW__RM_FBITS)];
    uint32_t pool[GIFLOW__RM_POOL];
    /* Small cells (4x4x4 values): 0 = not looked at yet, else kind << 14 |
     * index or slot, or RM_MANY. Slots list the entries that can be
     * nearest in the cell, indices ascending, one per byte, the last
     * repeated to fill the slot. */
    uint16_t cell[1u << (3 * GIFLOW__RM_SBITS)];
    uint32_t used4, used8;
    uint32_t slot4[GIFLOW__RM_SLOTS];
    uint64_t slot8[GIFLOW__RM_SLOTS];
    uint32_t packed[256];   /* entry colours as 0xRRGGBB, 0 past n */
};

/* Typical distance between neighbouring palette colours (computed once). */
int giflow__remap_spread(giflow__remap *r);

/* The slow path of giflow__remap_nearest: exact nearest entry. */
uint8_t giflow__remap_search(giflow__remap *r, int red, int green, int blue);
/* Fills small cell c (never looked at yet) and returns its value. */
uint16_t giflow__remap_cell(giflow__remap *r, uint32_t c);
/* Maps n in-range pixels (RGBA, alpha ignored) to their nearest entries;
 * where skip (or NULL) is nonzero, out is left undefined (the caller
 * overwrites it: kept pixels). */
void giflow__remap_row(giflow__remap *r, const uint8_t *rgba, uint32_t n, const uint8_t *skip,
                       uint8_t *out);

static inline uint32_t giflow__remap_slot(uint32_t key)
{
    return (key * 0x9E3779B1u) >> (32 - GIFLOW__RM_CACHE_BITS);
}

static inline uint32_t giflow__remap_cell_of(int red, int green, int blue)
{
    const int sh = 8 - GIFLOW__RM_SBITS;
    return (uint32_t)(red >> sh) << (2 * GIFLOW__RM_SBITS) |
           (uint32_t)(green >> sh) << GIFLOW__RM_SBITS | (uint32_t)(blue >> sh);
}

static inline int32_t giflow__remap_d(uint32_t rgb, int red, int green, int blue)
{
    int32_t dr = red - (int32_t)(rgb >> 16), dg = green - (int32_t)(rgb >> 8 & 255),
            db = blue - (int32_t)(rgb & 255);
    return dr * dr + dg * dg + db * db;
}

/* The nearest of a slot's entries (k of them, one per byte of s): the
 * smallest of distance << 8 | index, so ties go to the lowest index,
 * without branches to mispredict. */
#if !defined(GIFLOW_PORTABLE) && defined(__SSE2__)
#include <emmintrin.h>

static inline __m128i giflow__remap_min4(__m128i a, __m128i b)
{
    __m128i gt = _mm_cmpgt_epi32(a, b);
    return _mm_or_si128(_mm_and_si128(gt, b), _mm_andnot_si128(gt, a));
}

/* Keys of the four entries whose indices are the bytes of s, against the
 * pixel p (int16 lanes b, g, r, 0, twice). */
static inline __m128i giflow__remap_keys4(const giflow__remap *r, uint32_t s, __m128i p)
{
    const __m128i z = _mm_setzero_si128();
    __m128i c = _mm_set_epi32((int)r->packed[s >> 24], (int)r->packed[s >> 16 & 255],
                              (int)r->packed[s >> 8 & 255], (int)r->packed[s & 255]);
    __m128i lo = _mm_sub_epi16(_mm_unpacklo_epi8(c, z), p);
    __m128i hi = _mm_sub_epi16(_mm_unpackhi_epi8(c, z), p);
    __m128 d01 = _mm_castsi128_ps(_mm_madd_epi16(lo, lo)); /* b2+g2, r2 per entry */
    __m128 d23 = _mm_castsi128_ps(_mm_madd_epi16(hi, hi));
    __m128i d = _mm_add_epi32(_mm_castps_si128(_mm_shuffle_ps(d01, d23, _MM_SHUFFLE(2, 0, 2, 0))),
                              _mm_castps_si128(_mm_shuffle_ps(d01, d23, _MM_SHUFFLE(3, 1, 3, 1))));
    __m128i ix = _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128((int)s), z), z);
    return _mm_or_si128(_mm_slli_epi32(d, 8), ix);
}

static inline uint8_t giflow__remap_list(const giflow__remap *r, uint64_t s, int k, int red,
                                         int green, int blue)
{
    __m128i p = _mm_set_epi16(0, (short)red, (short)green, (short)blue, 0, (short)red,
                              (short)green, (short)blue);
    __m128i m = giflow__remap_keys4(r, (uint32_t)s, p);
    if (k > 4)
        m = giflow__remap_min4(m, giflow__remap_keys4(r, (uint32_t)(s >> 32), p));
    m = giflow__remap_min4(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(1, 0, 3, 2)));
    m = giflow__remap_min4(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(2, 3, 0, 1)));
    return (uint8_t)_mm_cvtsi128_si32(m);
}
#else
static inline uint8_t giflow__remap_list(const giflow__remap *r, uint64_t s, int k, int red,
                                         int green, int blue)
{
    uint32_t best = UINT32_MAX;
    for (int j = 0; j < k; j++) {
        uint32_t i = (uint32_t)(s >> 8 * j) & 255;
        uint32_t key = (uint32_t)giflow__remap_d(r->packed[i], red, green, blue) << 8 | i;
        best = key < best ? key : best;
    }
    return (uint8_t)best;
}
#endif

/* Nearest entry for an in-range colour: one load where one entry is
 * nearest to the whole small cell (most pixels of a photo), a few
 * distances where the cell lists up to eight, else through the cache. It
 * matters most in Floyd-Steinberg, where each pixel waits for the
 * previous one's entry. */
static inline uint8_t giflow__remap_fast(giflow__remap *r, int red, int green, int blue)
{
    uint32_t v = r->cell[giflow__remap_cell_of(red, green, blue)];
    if (!v)
        v = giflow__remap_cell(r, giflow__remap_cell_of(red, green, blue));
    switch (v >> 14) {
    case GIFLOW__RM_ONE:
        return (uint8_t)v;
    case GIFLOW__RM_FOUR:
        return giflow__remap_list(r, r->slot4[v & (GIFLOW__RM_SLOTS - 1)], 4, red, green, blue);
    default:
        break;
    }
    if (v != GIFLOW__RM_MANY)
        return giflow__remap_list(r, r->slot8[v & (GIFLOW__RM_SLOTS - 1)], 8, red, green, blue);
    uint32_t key = (uint32_t)red << 16 | (uint32_t)green << 8 | (uint32_t)blue;
    uint32_t s = giflow__remap_slot(key), e = r->cache[s];
    if (e >> 8 == key)
        return (uint8_t)e;
    uint8_t i = giflow__remap_search(r, red, green, blue);
    r->cache[s] = key << 8 | i;
    return i;
}

#endif
