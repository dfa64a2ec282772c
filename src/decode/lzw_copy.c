/*
 * COPY mode (lzw.h): frames wholly inside the canvas. The canvas already
 * holds the frame's earlier output, so a code is a copy of pixels from
 * where its string was last written.
 *
 * Frames with a transparent index are "marked" while they decode: a
 * transparent pixel keeps the canvas's colour but flips the lowest bit of
 * its alpha (255 -> 254, 0 -> 1; the canvas's alpha is otherwise 0 or
 * 255), so the frame's own output still tells which of its pixels were
 * transparent, and a copy of such a pixel flips its destination instead.
 * giflow__lzw_copy_unmark() takes the marks out when the frame stops, in
 * the same call (compose.c picks marked copies only with the frame's data
 * all at hand).
 */
#include "lzw_impl.h"

#if defined(__GNUC__)
#define COPY_INLINE inline __attribute__((always_inline))
#define COPY_NOINLINE __attribute__((noinline))
#define COPY_LIKELY(x) __builtin_expect(!!(x), 1)
#define COPY_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define COPY_LIKELY(x) (x)
#define COPY_UNLIKELY(x) (x)
#define COPY_INLINE inline
#define COPY_NOINLINE
#endif

/* Where the alpha byte sits in a pixel loaded as a native word, and its
 * lowest bit. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ALPHA_SHIFT 0
#else
#define ALPHA_SHIFT 24
#endif
#define MARK_BIT (1u << ALPHA_SHIFT)
/* Marked frames: an entry's string holds a transparent pixel (the top bit
 * of its 24-bit position: a clear's output while entries are made stays
 * below 2^23 pixels, lzw.h). */
#define T_BIT (1u << 23)
/* ... and whether it is all transparent (bit 22 with bit 23: marked
 * frames are below 2^22 pixels, compose.c). Such strings are skipped, not
 * copied: they leave the canvas as it is, unmarked. Bit 22 alone (R): all
 * transparent but the last pixel, which is opaque; only that one is
 * copied. An R entry is made from a skipped string and an opaque pixel
 * after it; the skipped run is marked only when a string goes on past
 * an R string's last pixel (the entry made after an R code, or the code
 * being defined). */
#define A_BIT (1u << 22)
#define POS_MASK (A_BIT - 1)

/* A marked pixel's alpha is 1 or 254: its two lowest bits differ. */
static inline uint32_t marked_mask(uint32_t v)
{
    return 0u - (((v ^ (v >> 1)) >> ALPHA_SHIFT) & 1u);
}

/* v marked, whether or not it was (alpha 0 -> 1, 255 -> 254). */
static inline uint32_t mark_set(uint32_t v)
{
    return (v & ~MARK_BIT) | (~(v >> 1) & MARK_BIT);
}

/* The copy of source pixel s over destination pixel d. */
static inline uint32_t mark_sel(uint32_t s, uint32_t d)
{
    return s ^ ((s ^ d ^ MARK_BIT) & marked_mask(s));
}

static inline uint32_t get24(const giflow__lzw *z, unsigned e)
{
    return z->t.pos24.lo[e] | (uint32_t)z->t.pos24.hi[e] << 16;
}

static inline void put24(giflow__lzw *z, unsigned e, uint32_t v)
{
    z->t.pos24.lo[e] = (uint16_t)v;
    z->t.pos24.hi[e] = (uint8_t)(v >> 16);
}

/* 4 * n bytes from s to d (disjoint), as 2..4 blocks of 4 pixels. */
#define SEL_BLOCK(k, dst, src)                                                              \
    do {                                                                                    \
        uint32_t a_[k], b_[k];                                                              \
        memcpy(a_, (src), 4 * (k));                                                         \
        memcpy(b_, (dst), 4 * (k));                                                         \
        for (int i_ = 0; i_ < (k); i_++)                                                    \
            a_[i_] = mark_sel(a_[i_], b_[i_]);                                              \
        memcpy((dst), a_, 4 * (k));                                                         \
    } while (0)

/* Copies n pixels from sp to d (the source lies wholly before the
 * destination in the frame's stream order, so they never overlap).
 * Strings of 2..8 pixels move as two overlapping 8- or 16-byte blocks,
 * exactly and without branching on the length; marked: both blocks are
 * read before either is written. */
static COPY_INLINE void copy_seg(uint8_t *d, const uint8_t *sp, uint64_t n, const int marked,
                                 unsigned t)
{
    if (n == 1) {
        uint32_t x, y;
        memcpy(&x, sp, 4);
        if (marked) {
            memcpy(&y, d, 4);
            x = mark_sel(x, y);
        }
        memcpy(d, &x, 4);
    } else if (n <= 4) {
        size_t tail = 4 * (size_t)n - 8;
        uint32_t x[2], y[2];
        memcpy(x, sp, 8);
        memcpy(y, sp + tail, 8);
        if (marked) {
            uint32_t dx[2], dy[2];
            memcpy(dx, d, 8);
            memcpy(dy, d + tail, 8);
            for (int i = 0; i < 2; i++) {
                x[i] = mark_sel(x[i], dx[i]);
                y[i] = mark_sel(y[i], dy[i]);
            }
        }
        memcpy(d, x, 8);
        memcpy(d + tail, y, 8);
    } else if (n <= 8) {
        size_t tail = 4 * (size_t)n - 16;
        uint32_t x[4], y[4];
        memcpy(x, sp, 16);
        memcpy(y, sp + tail, 16);
        if (marked) {
            uint32_t dx[4], dy[4];
            memcpy(dx, d, 16);
            memcpy(dy, d + tail, 16);
            for (int i = 0; i < 4; i++) {
                x[i] = mark_sel(x[i], dx[i]);
                y[i] = mark_sel(y[i], dy[i]);
            }
        }
        memcpy(d, x, 16);
        memcpy(d + tail, y, 16);
    } else if (!marked || !t) {
        memcpy(d, sp, 4 * n); /* (no transparent pixel in a longer string: plain) */
    } else {
        /* Blocks of 4, the last one (which may overlap the one before)
         * computed first, from the destination as it was. */
        size_t tail = 4 * (size_t)n - 16, i;
        uint32_t y[4], dy[4];
        memcpy(y, sp + tail, 16);
        memcpy(dy, d + tail, 16);
        for (int k = 0; k < 4; k++)
            y[k] = mark_sel(y[k], dy[k]);
        for (i = 0; i < tail; i += 16)
            SEL_BLOCK(4, d + i, sp + i);
        memcpy(d + tail, y, 16);
    }
}

#if !defined(GIFLOW_PORTABLE) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define COPY_WIDE 1
#define WIDE_TARGET __attribute__((target("avx512f,avx512vl")))
/* copy_seg with AVX-512 (VL, 256-bit): blocks of 8 pixels, the last one
 * masked, so strings of up to 8 take no branch on their length (copy_seg's
 * length classes mispredicted about once in two codes). Marked: a select
 * per block, whatever the entry's flag. (16-pixel blocks were slower.) */
WIDE_TARGET static inline void seg_wide(uint8_t *d, const uint8_t *sp, uint64_t n,
                                        const int marked)
{
    const __m256i mb = _mm256_set1_epi32((int)MARK_BIT);
    __mmask8 k = (__mmask8)((1u << n) - 1);
    __m256i v = _mm256_maskz_loadu_epi32(k, sp);
    if (marked) {
        __m256i o = _mm256_maskz_loadu_epi32(k, d);
        __mmask8 m = _mm256_test_epi32_mask(_mm256_xor_si256(v, _mm256_srli_epi32(v, 1)), mb);
        v = _mm256_mask_xor_epi32(v, m, o, mb);
    }
    _mm256_mask_storeu_epi32(d, k, v);
}

/* Longer strings, 8 pixels a block, the last block masked (no call to
 * memcpy); sel: the string holds a transparent pixel. */
WIDE_TARGET static inline void seg_wide_long(uint8_t *d, const uint8_t *sp, uint64_t n,
                                             const int sel)
{
    const __m256i mb = _mm256_set1_epi32((int)MARK_BIT);
    uint64_t i = 0;
    for (;; i += 8) {
        __mmask8 k = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
        __m256i v = _mm256_maskz_loadu_epi32(k, sp + 4 * (size_t)i);
        if (sel) {
            __m256i o = _mm256_maskz_loadu_epi32(k, d + 4 * (size_t)i);
            __mmask8 m =
                _mm256_test_epi32_mask(_mm256_xor_si256(v, _mm256_srli_epi32(v, 1)), mb);
            v = _mm256_mask_xor_epi32(v, m, o, mb);
        }
        _mm256_mask_storeu_epi32(d + 4 * (size_t)i, k, v);
        if (n - i <= 8)
            break;
    }
}

/* Marks n pixels at p, 1 <= n <= 8. */
WIDE_TARGET static inline void mark_short(uint8_t *p, uint64_t n)
{
    const __m256i mb = _mm256_set1_epi32((int)MARK_BIT);
    __mmask8 k = (__mmask8)((1u << n) - 1);
    __m256i v = _mm256_maskz_loadu_epi32(k, p);
    v = _mm256_ternarylogic_epi32(v, _mm256_srli_epi32(v, 1), mb, 0x72);
    _mm256_mask_storeu_epi32(p, k, v);
}

/* Marks (imm 0x72: (v & ~MARK) | (~v >> 1 & MARK)) or unmarks (0xD8:
 * v ^ ((v ^ v >> 1) & MARK)) n pixels at p, 8 at a time, each one
 * ternary-logic op; the tail masked. */
#define REMARK_WIDE(name, imm)                                                                  \
    WIDE_TARGET static COPY_NOINLINE void name(uint8_t *p, uint64_t n)                        \
    {                                                                                          \
        const __m256i mb = _mm256_set1_epi32((int)MARK_BIT);                                   \
        uint64_t i = 0;                                                                        \
        for (; i + 8 <= n; i += 8) {                                                           \
            void *q = p + 4 * (size_t)i;                                                       \
            __m256i v = _mm256_loadu_si256((const __m256i *)q);                                \
            v = _mm256_ternarylogic_epi32(v, _mm256_srli_epi32(v, 1), mb, imm);                \
            _mm256_storeu_si256((__m256i *)q, v);                                              \
        }                                                                                      \
        if (i < n) {                                                                           \
            __mmask8 k = (__mmask8)((1u << (n - i)) - 1);                                      \
            __m256i v = _mm256_maskz_loadu_epi32(k, p + 4 * (size_t)i);                        \
            v = _mm256_ternarylogic_epi32(v, _mm256_srli_epi32(v, 1), mb, imm);                \
            _mm256_mask_storeu_epi32(p + 4 * (size_t)i, k, v);                                 \
        }                                                                                      \
    }
REMARK_WIDE(mark_wide, 0x72)
REMARK_WIDE(unmark_wide, 0xD8)
#else
#define COPY_WIDE 0
static inline void mark_wide(uint8_t *p, uint64_t n)
{
    (void)p, (void)n;
}
static inline void seg_wide(uint8_t *d, const uint8_t *sp, uint64_t n, const int marked)
{
    (void)d, (void)sp, (void)n, (void)marked;
}
static inline void seg_wide_long(uint8_t *d, const uint8_t *sp, uint64_t n, const int sel)
{
    (void)d, (void)sp, (void)n, (void)sel;
}
static inline void mark_short(uint8_t *p, uint64_t n)
{
    (void)p, (void)n;
}
#endif

/* The frame's layout on the canvas, for frames whose rows are apart
 * (narrower than the canvas, or interlaced). Stream positions relative to
 * the last clear are split into row and column by a multiply: for n below
 * 2^25 and 2^(l-1) < w <= 2^l, n / w == n * ceil(2^(25+l) / w) >> (25 + l). */
typedef struct geom {
    uint8_t *base;       /* the frame's top left pixel */
    size_t stride;
    uint32_t w, h;
    uint32_t p1, p2, p3; /* interlaced: first stored row of passes 2..4 */
    int interlaced;
    uint64_t recip;
    unsigned shift;
} geom;

static void geom_init(geom *g, const giflow__sink *s)
{
    g->base = s->canvas + (size_t)s->y0 * s->stride + (size_t)s->x0 * 4;
    g->stride = s->stride;
    g->w = s->w;
    g->h = s->h;
    g->interlaced = s->interlaced;
    g->p1 = (uint32_t)(((uint64_t)s->h + 7) / 8);
    g->p2 = g->p1 + (uint32_t)(((uint64_t)s->h + 3) / 8);
    g->p3 = g->p2 + (uint32_t)(((uint64_t)s->h + 1) / 4);
    unsigned l = 0;
    while ((1ull << l) < s->w)
        l++;
    g->shift = 25 + l;
    g->recip = ((1ull << g->shift) + s->w - 1) / s->w;
}

/* Canvas address of the frame's k-th stored row (k < h). */
static inline uint8_t *geom_row(const geom *g, uint32_t k)
{
    uint32_t y = k;
    if (g->interlaced) {
        if (k < g->p1)
            y = 8 * k;
        else if (k < g->p2)
            y = 8 * (k - g->p1) + 4;
        else if (k < g->p3)
            y = 4 * (k - g->p2) + 2;
        else
            y = 2 * (k - g->p3) + 1;
    }
    return g->base + (size_t)y * g->stride;
}

/* A place in the frame: stored row k, column col, and the row's address
 * (NULL past the last row). */
typedef struct at {
    uint32_t k, col;
    uint8_t *row;
} at;

static inline void at_set(at *a, const geom *g, uint32_t k, uint32_t col)
{
    a->k = k;
    a->col = col;
    a->row = k < g->h ? geom_row(g, k) : NULL;
}

/* a moved on by n pixels. */
static inline void at_step(at *a, const geom *g, uint64_t n)
{
    uint64_t col = a->col + n;
    if (col < g->w) {
        a->col = (uint32_t)col;
    } else if (col < 2 * (uint64_t)g->w) {
        at_set(a, g, a->k + 1, (uint32_t)(col - g->w));
    } else {
        at_set(a, g, a->k + (uint32_t)(col / g->w), (uint32_t)(col % g->w));
    }
}

/* r pixels (r < 2^24) after the place e. */
static inline at at_rel(const geom *g, const at *e, uint32_t r)
{
    uint64_t off = (uint64_t)e->col + r;
    uint32_t dk = (uint32_t)((off * g->recip) >> g->shift);
    at a;
    a.k = e->k + dk;
    a.col = (uint32_t)(off - (uint64_t)dk * g->w);
    a.row = geom_row(g, a.k);
    return a;
}

/* Copies n pixels from src to dst, row by row. */
static COPY_NOINLINE void copy_split(const geom *g, at src, at dst, uint64_t n, const int marked,
                                     unsigned t)
{
    while (n) {
        uint64_t k = n;
        if (k > g->w - src.col)
            k = g->w - src.col;
        if (k > g->w - dst.col)
            k = g->w - dst.col;
        copy_seg(dst.row + 4 * (size_t)dst.col, src.row + 4 * (size_t)src.col, k, marked, t);
        n -= k;
        if (n) { /* (one of the two reached its row's end) */
            at_step(&src, g, k);
            at_step(&dst, g, k);
        }
    }
}

/* n pixels within one row at both ends (marked: with the select). */
static COPY_INLINE void seg_marked(uint8_t *d, const uint8_t *sp, uint64_t n, unsigned t,
                                   const int marked, const int wide)
{
    if (wide && n <= 8)
        seg_wide(d, sp, n, marked);
    else if (wide)
        seg_wide_long(d, sp, n, marked && t);
    else
        copy_seg(d, sp, n, marked, t);
}

static COPY_INLINE void copy_at(const geom *g, const at *src, const at *dst, uint64_t n,
                                const int marked, unsigned t, const int wide)
{
    if (src->col + n <= g->w && dst->col + n <= g->w)
        seg_marked(dst->row + 4 * (size_t)dst->col, src->row + 4 * (size_t)src->col, n, t, marked,
                   wide);
    else
        copy_split(g, *src, *dst, n, marked, t);
}

/* Marks n pixels at p (they are transparent: skipped strings). */
static void mark_seg(uint8_t *p, uint64_t n)
{
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) { /* (blocks of a fixed size: vectorised at -O2) */
        uint32_t v[8];
        memcpy(v, p + 4 * (size_t)i, 32);
        for (int k = 0; k < 8; k++)
            v[k] = mark_set(v[k]);
        memcpy(p + 4 * (size_t)i, v, 32);
    }
    for (; i < n; i++) {
        uint32_t v;
        memcpy(&v, p + 4 * (size_t)i, 4);
        v = mark_set(v);
        memcpy(p + 4 * (size_t)i, &v, 4);
    }
}

/* Marks the pixel at p. */
static inline void mark_one(uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    v = mark_set(v);
    memcpy(p, &v, 4);
}

/* The same from place a on, row by row. */
static COPY_NOINLINE void mark_at(const geom *g, at a, uint64_t n, const int wide)
{
    while (n) {
        uint64_t k = g->w - a.col < n ? g->w - a.col : n;
        if (wide)
            mark_wide(a.row + 4 * (size_t)a.col, k);
        else
            mark_seg(a.row + 4 * (size_t)a.col, k);
        n -= k;
        if (n)
            at_step(&a, g, k);
    }
}

/* The hot loop keeps the decoder state in locals: canvas stores go through
 * byte pointers, which would otherwise force reloads of every field. It is
 * instantiated for contiguous rows (full-width, not interlaced: stream
 * position p is at base + 4p) and not, each with and without marks. */
static COPY_INLINE size_t
copy_loop(giflow__lzw *z, const uint8_t *src, size_t len, const giflow__sink *s,
          const int contiguous, const int marked, const int wide, const int one)
{
    const uint8_t *ip = src, *end = src + len;
    const uint32_t *lut = s->lut;
    uint8_t *base = s->canvas + (size_t)s->y0 * s->stride + (size_t)s->x0 * 4;
    const unsigned clear = z->clear;
    uint64_t bits = z->bits;
    unsigned nbits = z->nbits, width = z->width, next = z->next, prev_len = z->prev_len;
    unsigned mask = (1u << width) - 1;
    uint64_t pos = z->pos, total = z->total, epoch = z->epoch, prev_pos = z->prev_pos;
    uint64_t mark_from = z->mark_from;
    int prev = z->prev, status = GIFLOW__LZW_RUNNING;
    /* Marked: whether prev's string holds a transparent pixel (entries
     * carry the same in their position's top bit: strings without one
     * are plain copies). */
    unsigned prev_t = marked ? z->prev_first & 1 : 0;
    unsigned prev_a = marked ? z->prev_first >> 1 & 1 : 0; /* prev was skipped */
    /* Rows apart: where pos, the last clear and prev's string are. */
    geom g;
    at cur = {0, 0, NULL}, ep = cur, pv = cur;
    if (!contiguous) {
        geom_init(&g, s);
        at_set(&cur, &g, (uint32_t)(pos / g.w), (uint32_t)(pos % g.w));
        at_set(&ep, &g, (uint32_t)(epoch / g.w), (uint32_t)(epoch % g.w));
        at_set(&pv, &g, (uint32_t)(prev_pos / g.w), (uint32_t)(prev_pos % g.w));
    }

    unsigned c;
    while (pos < total) {
        /* Topped up every code while 8 bytes remain: the branch on the
         * bit count mispredicted about once per refill. */
        if (COPY_LIKELY(end - ip >= 8))
            lzw_load8(&bits, &nbits, &ip);
        if (!lzw_read(&bits, &nbits, &ip, end, width, mask, &c))
            break;
        uint64_t slen;
        /* Marked: this string holds a transparent pixel (t), starts with
         * one (first_t), is all transparent and skipped (a). */
        unsigned t = 0, first_t = 0, a_cur = 0;
        if (c < clear) {
            uint8_t *d = contiguous ? base + 4 * pos : cur.row + 4 * (size_t)cur.col;
            uint32_t v = lut[c];
            if (marked) { /* (transparent: written back as it was) */
                uint32_t old;
                memcpy(&old, d, 4);
                mark_from = v || pos > mark_from ? mark_from : pos;
                t = first_t = a_cur = v == 0;
                v = v ? v : old;
            }
            memcpy(d, &v, 4);
            slen = 1;
        } else if (c > clear + 1 && c < next) {
            uint32_t a = get24(z, c), e = get24(z, c + 1);
            if (marked) {
                t = a >> 23;
                a_cur = a >> 22 & 1;
                a &= POS_MASK;
                e &= POS_MASK;
            }
            slen = (uint64_t)e - a + 1;
            uint64_t whole = slen;
            if (slen > total - pos)
                slen = total - pos; /* the frame ends inside this string */
            /* Marked: the first pixel's mark is the source's (read before
             * the copy: reading the copy back waited on its stores). */
            uint32_t w0 = MARK_BIT;
            if (marked && a_cur) {
                /* all transparent: nothing to write; R: but the last pixel */
                if (!t && slen == whole) {
                    if (contiguous) {
                        copy_seg(base + 4 * (pos + whole - 1), base + 4 * (epoch + a + whole - 1),
                                 1, 1, 0);
                    } else {
                        at from = at_rel(&g, &ep, a + (uint32_t)whole - 1), last = cur;
                        at_step(&last, &g, whole - 1);
                        copy_seg(last.row + 4 * (size_t)last.col,
                                 from.row + 4 * (size_t)from.col, 1, 1, 0);
                    }
                }
            } else if (contiguous) {
                const uint8_t *sp = base + 4 * (epoch + a);
                memcpy(&w0, sp, 4);
                copy_seg(base + 4 * pos, sp, slen, marked, t);
            } else {
                at from = at_rel(&g, &ep, a);
                memcpy(&w0, from.row + 4 * (size_t)from.col, 4);
                copy_at(&g, &from, &cur, slen, marked, t, wide);
            }
            if (marked) /* (unmarked when t is 0: no branch on t) */
                first_t = (uint32_t)marked_mask(w0) & 1;
        } else if (c == clear) {
            next = clear + 1;
            width = z->lit_width + 1;
            mask = (1u << width) - 1;
            prev = -1;
            prev_a = 0;
            epoch = pos;
            ep = cur;
            if (one)
                break;
            continue;
        } else if (c == next && prev >= 0) {
            /* The code being defined: prev's string, then its first pixel. */
            slen = (uint64_t)prev_len + 1;
            uint64_t n = slen < total - pos ? slen : total - pos;
            uint64_t m = n < prev_len ? n : prev_len;
            if (marked && prev_a && !prev_t) {
                /* R: its run is copied too now, so it is marked first */
                if (contiguous)
                    mark_seg(base + 4 * prev_pos, prev_len - 1);
                else
                    mark_at(&g, pv, prev_len - 1, wide);
                prev_t = 1;
                prev_a = 0;
            }
            t = prev_t;
            a_cur = prev_a;
            uint32_t w0 = MARK_BIT;
            if (marked && a_cur) {
                /* all transparent: nothing to write */
            } else if (contiguous) {
                memcpy(&w0, base + 4 * prev_pos, 4);
                copy_seg(base + 4 * pos, base + 4 * prev_pos, m, marked, t);
                if (n == slen)
                    copy_seg(base + 4 * (pos + prev_len), base + 4 * prev_pos, 1, marked, t);
            } else {
                memcpy(&w0, pv.row + 4 * (size_t)pv.col, 4);
                copy_at(&g, &pv, &cur, m, marked, t, wide);
                if (n == slen) {
                    at last = cur;
                    at_step(&last, &g, prev_len);
                    copy_seg(last.row + 4 * (size_t)last.col, pv.row + 4 * (size_t)pv.col, 1,
                             marked, t);
                }
            }
            if (marked)
                first_t = (uint32_t)marked_mask(w0) & 1;
            slen = n;
        } else {
            status = c == clear + 1 ? GIFLOW__LZW_EOI : GIFLOW__LZW_BAD_CODE;
            break;
        }
        if (next <= GIFLOW__LZW_MAX_CODE) {
            /* Entry next = prev's string + this string's first pixel: it
             * starts at prev_pos and ends where this string starts. The
             * first code after a clear writes the unused end-code slot. */
            uint64_t b = pos - epoch;
            if (!marked && b >= (1u << 24)) { /* (marked: below 2^22) */
                status = GIFLOW__LZW_BAD_CODE; /* cannot happen; see lzw.h */
                break;
            }
            uint32_t flags = 0;
            if (marked) {
                unsigned all = prev_a & prev_t, r = prev_a & ~prev_t & 1;
                /* (One branch for both cases; prev_a is 0 after a clear, so
                 * the second may mark a pixel that needs none: harmless.) */
                if (COPY_UNLIKELY((r | (a_cur & ~all)) & 1)) {
                    if (r) {
                        /* prev's string is R (skipped but its last pixel),
                         * and the new entry goes on past that pixel: the
                         * run is marked now. */
                        if (contiguous)
                            mark_seg(base + 4 * prev_pos, prev_len - 1);
                        else
                            mark_at(&g, pv, prev_len - 1, wide);
                    }
                    if (a_cur & ~all) {
                        /* It ends with this skipped string's first pixel. */
                        mark_one(contiguous ? base + 4 * pos : cur.row + 4 * (size_t)cur.col);
                    }
                }
                /* prev all transparent: the new entry is so too, or R */
                unsigned nt = all ? first_t : (prev_t | prev_a | first_t) & 1;
                flags = nt << 23 | all << 22;
            }
            put24(z, next, (uint32_t)(prev_pos - epoch) | flags);
            put24(z, next + 1, (uint32_t)b);
            if (++next > mask && width < 12) {
                width++;
                mask = mask * 2 + 1;
            }
        }
        prev = (int)c;
        prev_len = (unsigned)slen;
        prev_t = marked ? t : 0;
        prev_a = marked ? a_cur : 0;
        prev_pos = pos;
        pos += slen;
        if (!contiguous) {
            pv = cur;
            at_step(&cur, &g, slen);
        }
        if (one)
            break;
    }
    z->bits = bits;
    z->nbits = nbits;
    z->width = width;
    z->next = next;
    z->prev = prev;
    z->prev_len = prev_len;
    z->pos = pos;
    z->epoch = epoch;
    z->prev_pos = prev_pos;
    z->mark_from = mark_from;
    if (marked)
        z->prev_first = (uint8_t)(prev_t | prev_a << 1);
    z->status = status;
    return (size_t)(ip - src);
}

/* Whether a fast loop may take the next code: 8 input bytes remain (it
 * reads 8 at a time), or, on a zero-padded copy of the input's last bytes
 * (tail), the code's bits are all real. */
static COPY_INLINE int fast_more(const uint8_t *ip, const uint8_t *ilim, const uint8_t *end,
                                 unsigned nbits, unsigned width, const int tail)
{
    if (!tail)
        return ip < ilim; /* (ilim: 7 bytes before the end) */
    return 8 * (end - ip) + (ptrdiff_t)nbits >= (ptrdiff_t)width;
}

/* A fast loop's state back into z (prev's string: the plen pixels before
 * pos). Returns the input bytes it used; on a padded tail, the bits it
 * loaded from the padding are given back (they are zeros). */
static COPY_INLINE size_t fast_save(giflow__lzw *z, const uint8_t *ip, const uint8_t *src,
                                    size_t len, uint64_t bits, unsigned nbits, unsigned width,
                                    size_t next, int prev, uint64_t pos, uint64_t epoch,
                                    uint64_t plen)
{
    size_t used = (size_t)(ip - src);
    if (used > len) {
        nbits -= 8 * (unsigned)(used - len);
        used = len;
    }
    z->bits = bits;
    z->nbits = nbits;
    z->width = width;
    z->next = (unsigned)next;
    z->prev = prev;
    z->prev_len = (unsigned)plen;
    z->pos = pos;
    z->epoch = epoch;
    z->prev_pos = pos - plen;
    return used;
}

/* The fast loops' entry step: entry next is made (its start was stored by
 * the code before), its end stored as the start b of the string written
 * now (below 2^24 from the clear while entries are made: lzw.h), and the
 * code width grows as the table fills. */
static COPY_INLINE void fast_entry(giflow__lzw *z, size_t *next, size_t *mask, unsigned *width,
                                   uint64_t b)
{
    if (*next > GIFLOW__LZW_MAX_CODE)
        return;
    put24(z, (unsigned)*next + 1, (uint32_t)b);
    if (++*next > *mask && *width < 12) {
        ++*width;
        *mask = *mask * 2 + 1;
    }
}

/* COPY, an opaque frame whose rows are contiguous: the codes that need no
 * check beyond the input and the room, in a loop of few live values (the
 * general loop keeps a dozen more and spilled them: about 60 instructions
 * per literal). Pointers stand for positions (o for pos, ep for the last
 * clear, pp for prev's string), and each code stores only the entry after
 * the one it makes: the general loop and this one store, as the end of the
 * newest entry, where the current string starts, which is the start of the
 * entry the next code makes. Stops, with z updated, at a control or bad
 * code, a string that would pass the frame's end, the literal tstop (a
 * frame's first transparent pixel: compose_copy), or when fewer than 8
 * input bytes remain (tail: when the next code's bits are not all there);
 * returns the input bytes consumed. */
static COPY_INLINE size_t plain_loop(giflow__lzw *z, const uint8_t *src, size_t len,
                                     const giflow__sink *s, size_t tstop, const int tail)
{
    if (len < 8 && !tail)
        return 0;
    const uint8_t *ip = src, *const iend = src + len, *const ilim = tail ? src : iend - 7;
    const uint32_t *const lut = s->lut;
    uint8_t *const base = s->canvas + (size_t)s->y0 * s->stride + (size_t)s->x0 * 4;
    uint8_t *o = base + 4 * z->pos, *const oend = base + 4 * z->total;
    uint8_t *ep = base + 4 * z->epoch, *pp = base + 4 * z->prev_pos;
    uint64_t bits = z->bits;
    unsigned nbits = z->nbits, width = z->width;
    const size_t clear = z->clear;
    size_t next = z->next, mask = ((size_t)1 << width) - 1, c = 0;
    int prev = z->prev;
    while (fast_more(ip, ilim, iend, nbits, width, tail)) {
        if (nbits < 12)
            lzw_load8(&bits, &nbits, &ip);
        c = (size_t)bits & mask;
        size_t l;
        if (c < clear) {
            if (o == oend || c == tstop)
                break;
            memcpy(o, &lut[c], 4);
            l = 1;
        } else if (c > clear + 1 && c < next) {
            size_t a = get24(z, (unsigned)c), e = get24(z, (unsigned)c + 1);
            l = e - a + 1;
            if (4 * l > (size_t)(oend - o))
                break;
            copy_seg(o, ep + 4 * a, l, 0, 0);
        } else if (c == next && prev >= 0 && c > clear + 1) {
            /* prev's string (pp up to o), then its first pixel */
            l = (size_t)(o - pp) / 4 + 1;
            if (4 * l > (size_t)(oend - o))
                break;
            copy_seg(o, pp, l - 1, 0, 0);
            memcpy(o + 4 * (l - 1), pp, 4);
        } else if (c == clear) {
            bits >>= width;
            nbits -= width;
            width = z->lit_width + 1;
            mask = ((size_t)1 << width) - 1;
            next = clear + 1; /* the first code then makes the end code's slot */
            ep = o;
            prev = -1;
            continue;
        } else {
            break; /* the end code, or a bad one */
        }
        bits >>= width;
        nbits -= width;
        fast_entry(z, &next, &mask, &width, (uint64_t)(o - ep) / 4);
        prev = (int)c;
        pp = o;
        o += 4 * l;
    }
    return fast_save(z, ip, src, len, bits, nbits, width, next, prev, (uint64_t)(o - base) / 4,
                     (uint64_t)(ep - base) / 4, (uint64_t)(o - pp) / 4);
}

/* A place in a frame whose rows are apart (not interlaced), as byte
 * offsets from the frame's top left pixel: the pixel, and the end of its
 * row (a cheaper form than at's for the marked fast loop below). */
typedef struct spot {
    size_t p, end;
} spot;

static inline spot spot_at(const geom *g, uint64_t n)
{
    size_t row = (size_t)(n / g->w) * g->stride;
    spot a = {row + 4 * (size_t)(n % g->w), row + 4 * (size_t)g->w};
    return a;
}

/* The place r pixels past column 0 of the row at byte offset erow (r
 * below 2^25: geom's multiply). */
static inline spot spot_rel(const geom *g, size_t erow, uint64_t r)
{
    uint64_t dk = (r * g->recip) >> g->shift;
    size_t row = erow + (size_t)dk * g->stride;
    spot a = {row + 4 * (size_t)(r - dk * g->w), row + 4 * (size_t)g->w};
    return a;
}

/* a moved on by n pixels. */
static inline void spot_step(spot *a, const geom *g, uint64_t n)
{
    a->p += 4 * (size_t)n;
    if (a->p >= a->end) {
        uint64_t ex = (a->p - a->end) / 4; /* pixels into the rows below */
        uint64_t k = ex < g->w ? 0 : ex / g->w;
        a->end += (size_t)(k + 1) * g->stride;
        a->p = a->end - 4 * (size_t)g->w + 4 * (size_t)(ex - k * g->w);
    }
}

/* n pixels from src to dst (as copy_split), and marks n pixels from a. */
static COPY_NOINLINE void copy_spots(const geom *g, spot src, spot dst, uint64_t n,
                                     const int marked, unsigned t)
{
    for (;;) {
        uint64_t k = n, ks = (src.end - src.p) / 4, kd = (dst.end - dst.p) / 4;
        k = k < ks ? k : ks;
        k = k < kd ? k : kd;
        copy_seg(g->base + dst.p, g->base + src.p, k, marked, t);
        if (!(n -= k))
            return;
        spot_step(&src, g, k);
        spot_step(&dst, g, k);
    }
}

static COPY_NOINLINE void mark_spots(const geom *g, spot a, uint64_t n, const int wide)
{
    for (;;) {
        uint64_t k = (a.end - a.p) / 4;
        k = k < n ? k : n;
        if (wide)
            mark_wide(g->base + a.p, k);
        else
            mark_seg(g->base + a.p, k);
        if (!(n -= k))
            return;
        spot_step(&a, g, k);
    }
}

/* Marks n pixels from a (the run of an R string). */
static COPY_INLINE void mark_run(const geom *g, spot a, uint64_t n, const int wide)
{
    if (wide && n <= 8 && a.p + 4 * (size_t)n <= a.end)
        mark_short(g->base + a.p, n);
    else
        mark_spots(g, a, n, wide);
}

/* An R string's last pixel: from r pixels past column 0 of the row erow
 * (a position counted from the last clear, plus its column), to k pixels
 * past the string's start cur. */
static COPY_NOINLINE void r_last(const geom *g, size_t erow, uint64_t r, spot cur, uint64_t k)
{
    spot from = spot_rel(g, erow, r);
    spot_step(&cur, g, k);
    copy_seg(g->base + cur.p, g->base + from.p, 1, 1, 0);
}

/* COPY's fast loop for an opaque frame whose rows are apart (narrower
 * than the canvas), and, marked, for any frame once its first transparent
 * pixel is written (mark_from is then set for good); not interlaced.
 * Places are spots and positions count from the last clear (rel): a step
 * is an add and a compare, a source one multiply. Marked, each string
 * carries its entry's flags (T_BIT, A_BIT, R) as in the general loop,
 * whose table this one reads and writes alike; a skipped string's first
 * pixel is marked as it is skipped. Stops as plain_loop does. */
static COPY_INLINE size_t rows_loop(giflow__lzw *z, const uint8_t *src, size_t len,
                                    const giflow__sink *s, size_t tstop, const int tail,
                                    const int marked, const int wide)
{
    if ((len < 8 && !tail) || s->interlaced || z->pos >= z->total)
        return 0;
    geom g;
    geom_init(&g, s);
    uint8_t *const fb = g.base;
    const uint8_t *ip = src, *const iend = src + len, *const ilim = tail ? src : iend - 7;
    const uint32_t *const lut = s->lut;
    const uint32_t w = g.w;
    uint64_t epoch = z->epoch, rel = z->pos - epoch, relmax = z->total - epoch;
    uint64_t plen = z->prev_len;
    spot cur = spot_at(&g, z->pos), pv = spot_at(&g, z->prev_pos);
    size_t erow = (size_t)(epoch / w) * g.stride; /* the last clear's row and column */
    uint64_t ecol = epoch % w;
    uint64_t bits = z->bits;
    unsigned nbits = z->nbits, width = z->width;
    const size_t clear = z->clear;
    size_t next = z->next, mask = ((size_t)1 << width) - 1, c = 0;
    int prev = z->prev;
    /* prev's string's flags, placed as in an entry */
    uint32_t pf = (uint32_t)(z->prev_first & 1) << 23 | (uint32_t)(z->prev_first >> 1 & 1) << 22;
    if (prev < 0 || !marked)
        pf = 0; /* (as after a clear in the loop) */
    while (fast_more(ip, ilim, iend, nbits, width, tail) && rel < relmax) {
        lzw_load8(&bits, &nbits, &ip); /* (every code: see the general loop) */
        c = (size_t)bits & mask;
        uint8_t *d = fb + cur.p;
        uint64_t l;
        uint32_t f = 0, first_t = 1; /* this string's flags; its first pixel transparent */
        if (c < clear) {
            uint32_t v = lut[c];
            if (marked) {
                uint32_t old;
                memcpy(&old, d, 4);
                first_t = v == 0;
                f = (0u - first_t) & (T_BIT | A_BIT);
                v = v ? v : mark_set(old); /* (transparent: skipped, its pixel marked) */
            } else if (c == tstop) {
                break;
            }
            memcpy(d, &v, 4);
            l = 1;
        } else if (c > clear + 1 && c < next) {
            uint32_t a = get24(z, (unsigned)c), e = get24(z, (unsigned)c + 1);
            if (marked) {
                f = a & (T_BIT | A_BIT);
                a &= POS_MASK;
                e &= POS_MASK;
            }
            l = (uint64_t)e - a + 1;
            if (l > relmax - rel)
                break;
            if (marked && (f & A_BIT)) {
                mark_one(d);
                if (COPY_UNLIKELY(!(f & T_BIT))) /* R: its last pixel */
                    r_last(&g, erow, ecol + a + l - 1, cur, l - 1);
            } else {
                spot from = spot_rel(&g, erow, ecol + a);
                const uint8_t *sp = fb + from.p;
                uint32_t w0;
                memcpy(&w0, sp, 4);
                if (from.p + 4 * (size_t)l <= from.end && cur.p + 4 * (size_t)l <= cur.end)
                    seg_marked(d, sp, l, f >> 23, marked, wide);
                else
                    copy_spots(&g, from, cur, l, marked, f >> 23);
                first_t = marked_mask(w0) & 1;
            }
        } else if (c == next && prev >= 0 && c > clear + 1) {
            /* prev's string (it ends where this one starts), then its
             * first pixel */
            l = plen + 1;
            if (l > relmax - rel)
                break;
            if (marked && pf == A_BIT) { /* R: its run is copied too now */
                mark_run(&g, pv, plen - 1, wide);
                pf = T_BIT;
            }
            f = pf;
            if (marked && (f & A_BIT)) {
                mark_one(d);
            } else {
                const uint8_t *sp = fb + pv.p;
                uint32_t w0;
                memcpy(&w0, sp, 4);
                if (pv.p + 4 * (size_t)plen <= pv.end && cur.p + 4 * (size_t)l <= cur.end) {
                    seg_marked(d, sp, plen, f >> 23, marked, wide);
                    copy_seg(d + 4 * (size_t)plen, sp, 1, marked, 1);
                } else {
                    copy_spots(&g, pv, cur, plen, marked, f >> 23);
                    spot last = cur;
                    spot_step(&last, &g, plen);
                    copy_seg(fb + last.p, sp, 1, marked, 1);
                }
                first_t = marked_mask(w0) & 1;
            }
        } else if (c == clear) {
            bits >>= width;
            nbits -= width;
            width = z->lit_width + 1;
            mask = ((size_t)1 << width) - 1;
            next = clear + 1;
            epoch += rel;
            relmax -= rel;
            rel = 0;
            erow = cur.end - 4 * (size_t)w;
            ecol = (cur.p - erow) / 4;
            prev = -1;
            pf = 0;
            continue;
        } else {
            break;
        }
        bits >>= width;
        nbits -= width;
        /* A skipped string's first pixel is marked as it is skipped (for
         * the entry that ends with it); an R string's run is marked when
         * the new entry goes on past its last pixel. */
        if (marked && COPY_UNLIKELY(pf == A_BIT))
            mark_run(&g, pv, plen - 1, wide);
        if (marked && next <= GIFLOW__LZW_MAX_CODE) {
            uint32_t all = pf == (T_BIT | A_BIT);
            uint32_t nt = all ? first_t : (pf != 0) | first_t;
            put24(z, (unsigned)next, (uint32_t)(rel - plen) | nt << 23 | all << 22);
        }
        fast_entry(z, &next, &mask, &width, rel);
        prev = (int)c;
        pv = cur;
        plen = l;
        pf = f;
        rel += l;
        spot_step(&cur, &g, l);
    }
    if (marked)
        z->prev_first = (uint8_t)(pf >> 23 | (pf >> 22 & 1) << 1);
    return fast_save(z, ip, src, len, bits, nbits, width, next, prev, epoch + rel, epoch, plen);
}

/* The fast loops' instances: each with its tail case apart (tail a
 * constant in each loop: the check it adds to the loop's condition had
 * cost 7 instructions a code). */
#define FAST_PAIR(name, attr, call)                                                            \
    static COPY_NOINLINE attr size_t name##_0(giflow__lzw *z, const uint8_t *src, size_t len,  \
                                              const giflow__sink *s, size_t tstop)             \
    {                                                                                          \
        const int tail = 0;                                                                    \
        return call;                                                                           \
    }                                                                                          \
    static COPY_NOINLINE attr size_t name##_1(giflow__lzw *z, const uint8_t *src, size_t len,  \
                                              const giflow__sink *s, size_t tstop)             \
    {                                                                                          \
        const int tail = 1;                                                                    \
        return call;                                                                           \
    }
FAST_PAIR(copy_plain_fast, , plain_loop(z, src, len, s, tstop, tail))
FAST_PAIR(copy_rows_fast, , rows_loop(z, src, len, s, tstop, tail, 0, 0))
FAST_PAIR(marked_rows_fast, , rows_loop(z, src, len, s, tstop, tail, 1, 0))
#if COPY_WIDE
FAST_PAIR(marked_rows_wide, WIDE_TARGET, rows_loop(z, src, len, s, tstop, tail, 1, 1))
#endif

/* One function per instance: each then gets registers to itself (in one
 * function, the four loops' spills had added three instructions per code
 * to opaque frames). */
#define COPY_INSTANCE(name, contiguous, marked, wide, one, attr)                                 \
    static COPY_NOINLINE attr size_t name(giflow__lzw *z, const uint8_t *src, size_t len,       \
                                          const giflow__sink *s)                                \
    {                                                                                          \
        return copy_loop(z, src, len, s, contiguous, marked, wide, one);                       \
    }
COPY_INSTANCE(copy_plain_one, 1, 0, 0, 1, ) /* one code: beside copy_plain_fast */
COPY_INSTANCE(copy_plain_rows, 0, 0, 0, 0, )
COPY_INSTANCE(copy_rows_one, 0, 0, 0, 1, ) /* beside copy_rows_fast */
COPY_INSTANCE(copy_marked_rows, 0, 1, 0, 0, )
COPY_INSTANCE(copy_marked_one, 1, 1, 0, 1, )
COPY_INSTANCE(copy_marked_rows_one, 0, 1, 0, 1, )
#if COPY_WIDE
COPY_INSTANCE(wide_marked_rows, 0, 1, 1, 0, WIDE_TARGET)
#endif

/* Interlaced frames: the general loop for every code. */
static size_t copy_interlaced(giflow__lzw *z, const uint8_t *src, size_t len,
                              const giflow__sink *s)
{
#if COPY_WIDE
    if (s->transparent && __builtin_cpu_supports("avx512vl"))
        return wide_marked_rows(z, src, len, s);
#endif
    return s->transparent ? copy_marked_rows(z, src, len, s) : copy_plain_rows(z, src, len, s);
}

/* The fast loops as far as they go, and the general one, a code at a
 * time, for each code that stops them (control codes, the code after a
 * clear, a string past the frame's end, a frame's first transparent
 * pixel). tail: src is a zero-padded copy of the input's last bytes
 * (fewer than 8), which the fast loops then read too; else they stop 8
 * bytes short of the end, and so does this (returns the bytes used). */
static size_t copy_run(giflow__lzw *z, const uint8_t *src, size_t len, const giflow__sink *s,
                       int contiguous, int tail)
{
    const size_t tstop = s->transparent ? (size_t)s->transparent - 1 : SIZE_MAX;
    size_t done = 0;
    for (;;) {
        /* A frame with a transparent index whose output has no transparent
         * pixel yet is, so far, an opaque frame (no marks, no entry flags):
         * the first transparent pixel is always a literal, so the opaque
         * fast loops stop before writing one, and the marked one takes
         * over from there. */
        size_t (*fast)(giflow__lzw *, const uint8_t *, size_t, const giflow__sink *, size_t);
        if (s->transparent && z->mark_from != UINT64_MAX) {
            fast = tail ? marked_rows_fast_1 : marked_rows_fast_0;
#if COPY_WIDE
            if (__builtin_cpu_supports("avx512vl"))
                fast = tail ? marked_rows_wide_1 : marked_rows_wide_0;
#endif
        } else if (contiguous) {
            fast = tail ? copy_plain_fast_1 : copy_plain_fast_0;
        } else {
            fast = tail ? copy_rows_fast_1 : copy_rows_fast_0;
        }
        done += fast(z, src + done, len - done, s, tstop);
        if (z->pos == z->total || z->status != GIFLOW__LZW_RUNNING || (!tail && len - done < 8))
            return done;
        unsigned nbits = z->nbits;
        size_t k = s->transparent
                       ? (contiguous ? copy_marked_one : copy_marked_rows_one)(z, src + done,
                                                                            len - done, s)
                       : (contiguous ? copy_plain_one : copy_rows_one)(z, src + done, len - done, s);
        done += k;
        if (z->pos == z->total || z->status != GIFLOW__LZW_RUNNING || (k == 0 && z->nbits == nbits))
            return done; /* (no code taken: the input is used up) */
    }
}

size_t giflow__lzw_compose_copy(giflow__lzw *z, const uint8_t *src, size_t len,
                                const giflow__sink *s)
{
    if (s->interlaced)
        return copy_interlaced(z, src, len, s);
    int contiguous = s->x0 == 0 && (size_t)s->w * 4 == s->stride;
    size_t done = copy_run(z, src, len, s, contiguous, 0);
    if (done == len || len - done >= 8 || z->pos == z->total ||
        z->status != GIFLOW__LZW_RUNNING)
        return done; /* (8 or more left: cannot happen, copy_run stops short of 8) */
    /* The last bytes, padded: room for a fast loop's 8-byte reads from up
     * to 7 bytes past them. */
    uint8_t t[32] = {0};
    memcpy(t, src + done, len - done);
    return done + copy_run(z, t, len - done, s, contiguous, 1);
}

/* Unmarks one row of n pixels. */
static void unmark_row(uint8_t *p, uint32_t n)
{
    uint32_t i = 0;
    /* Blocks of a fixed size: vectorised at -O2 too. */
    for (; i + 8 <= n; i += 8) {
        uint32_t v[8];
        memcpy(v, p + 4 * (size_t)i, 32);
        for (int k = 0; k < 8; k++)
            v[k] ^= (v[k] ^ (v[k] >> 1)) & MARK_BIT;
        memcpy(p + 4 * (size_t)i, v, 32);
    }
    for (; i < n; i++) {
        uint32_t v;
        memcpy(&v, p + 4 * (size_t)i, 4);
        v ^= (v ^ (v >> 1)) & MARK_BIT;
        memcpy(p + 4 * (size_t)i, &v, 4);
    }
}

void giflow__lzw_copy_unmark(giflow__lzw *z, const giflow__sink *s)
{
    if (z->mark_from >= z->pos)
        return; /* no transparent pixel was written */
    geom g;
    geom_init(&g, s);
    /* Marks lie from the first transparent pixel on, in stream order. */
    uint32_t k0 = (uint32_t)(z->mark_from / s->w), k1 = (uint32_t)((z->pos - 1) / s->w);
    if (s->interlaced) {
        k0 = 0;
        k1 = s->h - 1;
    }
#if COPY_WIDE
    if (__builtin_cpu_supports("avx512vl")) {
        for (uint32_t k = k0; k <= k1; k++)
            unmark_wide(geom_row(&g, k), s->w);
        z->mark_from = UINT64_MAX;
        return;
    }
#endif
    for (uint32_t k = k0; k <= k1; k++)
        unmark_row(geom_row(&g, k), s->w);
    z->mark_from = UINT64_MAX;
}
