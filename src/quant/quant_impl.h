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
 * Remap: a direct-mapped cache of exact colours in front of a two-level
 * grid whose cells list, lazily, every palette entry that can be nearest
 * to some point of the cell (sorted by distance to the cell).
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
};

/* Typical distance between neighbouring palette colours (computed once). */
int giflow__remap_spread(giflow__remap *r);

/* The cache miss path of giflow__remap_nearest: exact nearest entry. */
uint8_t giflow__remap_search(giflow__remap *r, int red, int green, int blue);

static inline uint32_t giflow__remap_slot(uint32_t key)
{
    return (key * 0x9E3779B1u) >> (32 - GIFLOW__RM_CACHE_BITS);
}

/* Nearest entry for an in-range colour, through the cache: one load,
 * which matters most in Floyd-Steinberg, where each pixel waits for the
 * previous one's entry. */
static inline uint8_t giflow__remap_fast(giflow__remap *r, int red, int green, int blue)
{
    uint32_t key = (uint32_t)red << 16 | (uint32_t)green << 8 | (uint32_t)blue;
    uint32_t s = giflow__remap_slot(key), e = r->cache[s];
    if (e >> 8 == key)
        return (uint8_t)e;
    uint8_t i = giflow__remap_search(r, red, green, blue);
    r->cache[s] = key << 8 | i;
    return i;
}

#endif
