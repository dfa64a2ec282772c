/*
 * The pixel pass of the flat modes: palette indices to RGBA words through
 * the frame's lookup table (lut[t] is 0 for the transparent index t).
 *
 * The portable C path is always built and is the reference. Vector paths:
 * - x86-64, chosen at run time: AVX-512 VBMI looks up any palette with
 *   byte permutes, 64 pixels per step, transparency by masked stores.
 *   Without it, AVX2 or SSSE3 look up frames whose indices are all below
 *   64 (AVX2) or 32 (SSSE3) (a code size of 6 or less: screen recordings,
 *   few-colour animations) with byte shuffles, 32 or 16 pixels per step,
 *   transparency merged by mask; for other frames SSE2 (always there)
 *   finds 16-pixel blocks that are wholly transparent (skipped) or wholly
 *   opaque.
 * - ARM64: NEON table lookups for indices below 64 (tbl over up to four
 *   registers), interleaved by one vst4 store.
 * Without VBMI a 256-entry lookup has no fast vector form: AVX2 gathers
 * measured no faster than the scalar loop (0.73 against 0.70 cycles per
 * pixel), so those frames take the scalar loop with the SSE2 block test
 * for transparency.
 * Building with GIFLOW_PORTABLE defined (CMake option GIFLOW_PORTABLE)
 * leaves only the portable path; the tests run both.
 *
 * Every access to the canvas and the indices is a memcpy or a vector
 * load/store without alignment requirements, so strict-alignment targets
 * never see an unaligned scalar access.
 */
#include "pixels.h"

#include <string.h>

#include "../common/bytes.h"

#if !defined(GIFLOW_PORTABLE) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PX_X86 1
#include <immintrin.h>
#elif !defined(GIFLOW_PORTABLE) && defined(__aarch64__) && defined(__ARM_NEON)
#define PX_NEON 1
#include <arm_neon.h>
#endif

/* ---- Portable C --------------------------------------------------------- */

static void convert_c(uint8_t *d, const uint8_t *idx, const uint32_t *lut, size_t n)
{
    size_t i = 0;
    /* Four per step: the loop's own count, test and branch were half of
     * the instructions per pixel. */
    for (; i + 4 <= n; i += 4) {
        uint32_t a = lut[idx[i]], b = lut[idx[i + 1]], c = lut[idx[i + 2]], e = lut[idx[i + 3]];
        memcpy(d + 4 * i, &a, 4);
        memcpy(d + 4 * i + 4, &b, 4);
        memcpy(d + 4 * i + 8, &c, 4);
        memcpy(d + 4 * i + 12, &e, 4);
    }
    for (; i < n; i++)
        memcpy(d + 4 * i, &lut[idx[i]], 4);
}

/* Eight at a time: all opaque are stored, all transparent skipped, a mix
 * merged without a branch per pixel (which mispredicts on dithered
 * transparency). */
static void paint_c(uint8_t *d, const uint8_t *ip, const uint32_t *lut, size_t n, unsigned t)
{
    const uint64_t ones = 0x0101010101010101u, tt = ones * t;
    size_t x = 0;
    for (; x + 8 <= n; x += 8) {
        uint64_t q = giflow__le64(ip + x) ^ tt; /* zero bytes: transparent */
        if (((q - ones) & ~q & (ones << 7)) == 0) {
            convert_c(d + 4 * x, ip + x, lut, 8);
        } else if (q != 0) {
            for (unsigned i = 0; i < 8; i++) {
                uint32_t v = lut[ip[x + i]], old;
                memcpy(&old, d + 4 * (x + i), 4);
                v = v ? v : old;
                memcpy(d + 4 * (x + i), &v, 4);
            }
        }
    }
    for (; x < n; x++) {
        uint32_t v = lut[ip[x]];
        if (v)
            memcpy(d + 4 * x, &v, 4);
    }
}

/* Palette entries to opaque RGBA words, from i on. On little-endian hosts
 * one 4-byte load per entry (its fourth byte, the next entry's red, is
 * replaced by the opaque alpha), all but the last entry. */
static void lut_c(uint32_t *lut, const uint8_t *pal, uint32_t i, uint32_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i + 1 < n; i++) {
        uint32_t v;
        memcpy(&v, pal + 3 * i, 4);
        lut[i] = v | 0xFF000000u;
    }
#endif
    for (; i < n; i++) {
        uint8_t px[4] = {pal[3 * i], pal[3 * i + 1], pal[3 * i + 2], 255};
        memcpy(&lut[i], px, 4);
    }
}

/* ---- x86-64 ------------------------------------------------------------- */

#ifdef PX_X86
/* Byte shuffles look up 16 entries at a time. Up to four 16-entry tables
 * (64 entries) are combined: for table j the index becomes
 * sat(x - 16j + 0x70), whose low nibble is x - 16j and whose top bit (which
 * makes the shuffle give 0) is set unless x is in that table's range. */

/* The four byte planes (R, G, B, A) of lut[0..15]. */
typedef struct planes16 {
    __m128i r, g, b, a;
} planes16;

__attribute__((target("ssse3"))) static planes16 planes_of(const uint32_t *lut)
{
    const __m128i split = _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    __m128i x0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)lut), split);
    __m128i x1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(lut + 4)), split);
    __m128i x2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(lut + 8)), split);
    __m128i x3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(lut + 12)), split);
    __m128i rg01 = _mm_unpacklo_epi32(x0, x1), rg23 = _mm_unpacklo_epi32(x2, x3);
    __m128i ba01 = _mm_unpackhi_epi32(x0, x1), ba23 = _mm_unpackhi_epi32(x2, x3);
    planes16 p = {_mm_unpacklo_epi64(rg01, rg23), _mm_unpackhi_epi64(rg01, rg23),
                  _mm_unpacklo_epi64(ba01, ba23), _mm_unpackhi_epi64(ba01, ba23)};
    return p;
}

/* SSSE3: 16 pixels per step, nt tables. */
__attribute__((target("ssse3"))) static inline __attribute__((always_inline)) void
shuf16(const planes16 *p, unsigned nt, __m128i x, __m128i o[4])
{
    __m128i R = _mm_setzero_si128(), G = R, B = R, A = R;
    for (unsigned j = 0; j < nt; j++) {
        __m128i y = _mm_adds_epu8(_mm_sub_epi8(x, _mm_set1_epi8((char)(16 * j))),
                                  _mm_set1_epi8(0x70));
        R = _mm_or_si128(R, _mm_shuffle_epi8(p[j].r, y));
        G = _mm_or_si128(G, _mm_shuffle_epi8(p[j].g, y));
        B = _mm_or_si128(B, _mm_shuffle_epi8(p[j].b, y));
        A = _mm_or_si128(A, _mm_shuffle_epi8(p[j].a, y));
    }
    __m128i rg0 = _mm_unpacklo_epi8(R, G), rg1 = _mm_unpackhi_epi8(R, G);
    __m128i ba0 = _mm_unpacklo_epi8(B, A), ba1 = _mm_unpackhi_epi8(B, A);
    o[0] = _mm_unpacklo_epi16(rg0, ba0);
    o[1] = _mm_unpackhi_epi16(rg0, ba0);
    o[2] = _mm_unpacklo_epi16(rg1, ba1);
    o[3] = _mm_unpackhi_epi16(rg1, ba1);
}

/* Looks up n indices (below 16 * nt) into d; with trans (1 + the
 * transparent index) transparent pixels keep d. Returns the pixels done
 * (a multiple of 16). */
__attribute__((target("ssse3"))) static inline __attribute__((always_inline)) size_t
lookup_ssse3(uint8_t *d, const uint8_t *idx, const uint32_t *lut, const unsigned nt, size_t n,
             unsigned trans)
{
    planes16 p[4];
    for (unsigned j = 0; j < nt; j++)
        p[j] = planes_of(lut + 16 * j);
    const __m128i tt = _mm_set1_epi8((char)(trans - 1));
    size_t x = 0;
    for (; x + 16 <= n; x += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(idx + x)), o[4];
        __m128i m = _mm_cmpeq_epi8(v, tt);
        int bits = trans ? _mm_movemask_epi8(m) : 0;
        if (bits == 0xFFFF)
            continue;
        shuf16(p, nt, v, o);
        uint8_t *q = d + 4 * x;
        for (int k = 0; k < 4; k++) {
            if (bits) {
                /* lut[t] is 0: keep the old word there. */
                __m128i old = _mm_loadu_si128((const __m128i *)(q + 16 * k));
                __m128i z = _mm_cmpeq_epi32(o[k], _mm_setzero_si128());
                o[k] = _mm_or_si128(o[k], _mm_and_si128(z, old));
            }
            _mm_storeu_si128((__m128i *)(q + 16 * k), o[k]);
        }
    }
    return x;
}

/* AVX2: 32 pixels per step. In-lane shuffles leave each lane with its own
 * 16 pixels split over the four results, so lanes are recombined before
 * the stores. */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) size_t
lookup_avx2(uint8_t *d, const uint8_t *idx, const uint32_t *lut, const unsigned nt, size_t n,
            unsigned trans)
{
    __m256i r[4], g[4], b[4], a[4];
    for (unsigned j = 0; j < nt; j++) {
        planes16 p = planes_of(lut + 16 * j);
        r[j] = _mm256_broadcastsi128_si256(p.r);
        g[j] = _mm256_broadcastsi128_si256(p.g);
        b[j] = _mm256_broadcastsi128_si256(p.b);
        a[j] = _mm256_broadcastsi128_si256(p.a);
    }
    const __m256i tt = _mm256_set1_epi8((char)(trans - 1)), zero = _mm256_setzero_si256();
    size_t x = 0;
    for (; x + 32 <= n; x += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(idx + x));
        unsigned bits = trans ? (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, tt)) : 0;
        if (bits == 0xFFFFFFFFu)
            continue;
        __m256i R = zero, G = zero, B = zero, A = zero;
        for (unsigned j = 0; j < nt; j++) {
            __m256i y = _mm256_adds_epu8(_mm256_sub_epi8(v, _mm256_set1_epi8((char)(16 * j))),
                                         _mm256_set1_epi8(0x70));
            R = _mm256_or_si256(R, _mm256_shuffle_epi8(r[j], y));
            G = _mm256_or_si256(G, _mm256_shuffle_epi8(g[j], y));
            B = _mm256_or_si256(B, _mm256_shuffle_epi8(b[j], y));
            A = _mm256_or_si256(A, _mm256_shuffle_epi8(a[j], y));
        }
        __m256i rg0 = _mm256_unpacklo_epi8(R, G), rg1 = _mm256_unpackhi_epi8(R, G);
        __m256i ba0 = _mm256_unpacklo_epi8(B, A), ba1 = _mm256_unpackhi_epi8(B, A);
        __m256i q0 = _mm256_unpacklo_epi16(rg0, ba0), q1 = _mm256_unpackhi_epi16(rg0, ba0);
        __m256i q2 = _mm256_unpacklo_epi16(rg1, ba1), q3 = _mm256_unpackhi_epi16(rg1, ba1);
        __m256i o[4] = {_mm256_permute2x128_si256(q0, q1, 0x20),
                        _mm256_permute2x128_si256(q2, q3, 0x20),
                        _mm256_permute2x128_si256(q0, q1, 0x31),
                        _mm256_permute2x128_si256(q2, q3, 0x31)};
        uint8_t *q = d + 4 * x;
        for (int k = 0; k < 4; k++) {
            if (bits)
                o[k] = _mm256_blendv_epi8(o[k], _mm256_loadu_si256((const __m256i *)(q + 32 * k)),
                                          _mm256_cmpeq_epi32(o[k], zero));
            _mm256_storeu_si256((__m256i *)(q + 32 * k), o[k]);
        }
    }
    return x;
}

/* Any palette: SSE2 tells wholly transparent and wholly opaque blocks of
 * 16 apart; a mixed block is merged by the portable code. */
static size_t paint_sse2(uint8_t *d, const uint8_t *idx, const uint32_t *lut, size_t n,
                         unsigned t)
{
    const __m128i tt = _mm_set1_epi8((char)t);
    size_t x = 0;
    for (; x + 16 <= n; x += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(idx + x));
        int bits = _mm_movemask_epi8(_mm_cmpeq_epi8(v, tt));
        if (bits == 0)
            convert_c(d + 4 * x, idx + x, lut, 16);
        else if (bits != 0xFFFF)
            paint_c(d + 4 * x, idx + x, lut, 16, t);
    }
    return x;
}

/* One copy of each loop per table count, so that the table loop unrolls. */
#define LOOKUP_N(isa, attr, k)                                                            \
    attr static size_t lookup_##isa##_##k(uint8_t *d, const uint8_t *idx,               \
                                          const uint32_t *lut, size_t n, unsigned trans) \
    {                                                                                     \
        return lookup_##isa(d, idx, lut, k, n, trans);                                    \
    }
#define AVX2 __attribute__((target("avx2")))
#define SSSE3 __attribute__((target("ssse3")))
LOOKUP_N(avx2, AVX2, 1)
LOOKUP_N(avx2, AVX2, 2)
LOOKUP_N(avx2, AVX2, 3)
LOOKUP_N(avx2, AVX2, 4)
LOOKUP_N(ssse3, SSSE3, 1)
LOOKUP_N(ssse3, SSSE3, 2)

/* SSSE3: four entries per step, one 16-byte load (12 bytes used) spread
 * to four words by a shuffle. Returns the entries done; every load stays
 * inside the palette's 3n bytes. */
__attribute__((target("ssse3"))) static uint32_t lut_ssse3(uint32_t *lut, const uint8_t *pal,
                                                           uint32_t n)
{
    const __m128i spread = _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
    const __m128i alpha = _mm_set1_epi32((int)0xFF000000u);
    uint32_t i = 0;
    for (; i + 6 <= n; i += 4) { /* 3i + 16 <= 3n */
        __m128i v = _mm_loadu_si128((const __m128i *)(pal + 3 * (size_t)i));
        _mm_storeu_si128((__m128i *)(lut + i), _mm_or_si128(_mm_shuffle_epi8(v, spread), alpha));
    }
    return i;
}

/* AVX-512 VBMI: byte permutes look up any palette, 64 pixels per step
 * (the scalar loop's 0.46 ns per pixel on 256 colours became 0.10 on the
 * development machine). Each byte plane of the table is one register per
 * 64 entries: vpermb for up to 64, vpermt2b for 128, two of those and a
 * blend on the index's top bit for 256. The indices are first put in the
 * order that makes the in-lane unpacks interleaving the planes leave the
 * pixels in order. The last partial step uses masked loads and stores, so
 * nothing outside the n pixels is read or written. */
#define VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))

/* Byte 16L + 4m + j takes pixel 16m + 4L + j: unpack lane L of result m
 * then holds pixels 16m + 4L .. 16m + 4L + 3. */
static const uint8_t vbmi_order[64] = {
#define O4(b) b, b + 1, b + 2, b + 3
#define OL(l) O4(4 * l), O4(16 + 4 * l), O4(32 + 4 * l), O4(48 + 4 * l)
    OL(0), OL(1), OL(2), OL(3)
#undef OL
#undef O4
};

/* 4 (j mod 32): byte j's word in a pair of 16-word registers. */
static const uint8_t vbmi_word4[64] = {
#define W4(j) 4 * (j), 4 * (j + 1), 4 * (j + 2), 4 * (j + 3)
#define W16(j) W4(j), W4(j + 4), W4(j + 8), W4(j + 12)
    W16(0), W16(16), W16(0), W16(16)
#undef W16
#undef W4
};

/* One byte plane: 64 entries per register, nt of them used. */
typedef struct vb_plane {
    __m512i t0, t1, t2, t3;
} vb_plane;

/* 16 words from lut + i, the ones at or past ne zero (never read). */
VBMI static inline __attribute__((always_inline)) __m512i vb_words(const uint32_t *lut,
                                                                   unsigned i, unsigned ne)
{
    __mmask16 m = i >= ne ? 0 : ne - i >= 16 ? 0xFFFF : (__mmask16)((1u << (ne - i)) - 1);
    return _mm512_maskz_loadu_epi32(m, lut + i);
}

/* Entries i .. i + 63 of plane p (byte p of each word), in registers: a
 * plane built through memory stalled on store forwarding (rows of 36
 * pixels then took longer than the scalar loop). */
VBMI static inline __attribute__((always_inline)) __m512i vb_chunk(const uint32_t *lut,
                                                                   unsigned i, unsigned ne,
                                                                   __m512i sel)
{
    __m512i lo = _mm512_permutex2var_epi8(vb_words(lut, i, ne), sel, vb_words(lut, i + 16, ne));
    __m512i hi =
        _mm512_permutex2var_epi8(vb_words(lut, i + 32, ne), sel, vb_words(lut, i + 48, ne));
    return _mm512_mask_blend_epi8((__mmask64)0xFFFFFFFF00000000u, lo, hi);
}

VBMI static inline __attribute__((always_inline)) vb_plane vb_plane_of(const uint32_t *lut,
                                                                       unsigned ne, int p,
                                                                       unsigned nt)
{
    const __m512i sel =
        _mm512_add_epi8(_mm512_loadu_si512((const void *)vbmi_word4), _mm512_set1_epi8((char)p));
    vb_plane t;
    t.t0 = vb_chunk(lut, 0, ne, sel);
    t.t1 = t.t2 = t.t3 = t.t0;
    if (nt >= 2)
        t.t1 = vb_chunk(lut, 64, ne, sel);
    if (nt == 4) {
        t.t2 = vb_chunk(lut, 128, ne, sel);
        t.t3 = vb_chunk(lut, 192, ne, sel);
    }
    return t;
}

VBMI static inline __attribute__((always_inline)) __m512i vb_look(vb_plane t, __m512i v,
                                                                  __mmask64 top, unsigned nt)
{
    if (nt == 1)
        return _mm512_permutexvar_epi8(v, t.t0);
    __m512i lo = _mm512_permutex2var_epi8(t.t0, v, t.t1);
    if (nt == 2)
        return lo;
    return _mm512_mask_blend_epi8(top, lo, _mm512_permutex2var_epi8(t.t2, v, t.t3));
}

/* nt registers per plane (1, 2 or 4); trans: 1 + the transparent index, or
 * 0. Does all n pixels. */
VBMI static inline __attribute__((always_inline)) void
lookup_vbmi(uint8_t *d, const uint8_t *idx, const unsigned nt, size_t n, unsigned trans,
            const vb_plane pr, const vb_plane pg, const vb_plane pb, const vb_plane pa)
{
    const __m512i order = _mm512_loadu_si512((const void *)vbmi_order);
    const __m512i tt = _mm512_set1_epi8((char)(trans - 1));
    for (size_t x = 0; x < n; x += 64) {
        __mmask64 in = n - x >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - x)) - 1;
        __m512i v = _mm512_maskz_loadu_epi8(in, idx + x);
        __mmask64 keep = trans ? _mm512_mask_cmpneq_epi8_mask(in, v, tt) : in;
        if (!keep)
            continue;
        v = _mm512_permutexvar_epi8(order, v);
        __mmask64 top = _mm512_movepi8_mask(v);
        __m512i R = vb_look(pr, v, top, nt), G = vb_look(pg, v, top, nt);
        __m512i B = vb_look(pb, v, top, nt), A = vb_look(pa, v, top, nt);
        __m512i rg0 = _mm512_unpacklo_epi8(R, G), rg1 = _mm512_unpackhi_epi8(R, G);
        __m512i ba0 = _mm512_unpacklo_epi8(B, A), ba1 = _mm512_unpackhi_epi8(B, A);
        __m512i o0 = _mm512_unpacklo_epi16(rg0, ba0), o1 = _mm512_unpackhi_epi16(rg0, ba0);
        __m512i o2 = _mm512_unpacklo_epi16(rg1, ba1), o3 = _mm512_unpackhi_epi16(rg1, ba1);
        uint8_t *q = d + 4 * x;
        if (keep == ~(__mmask64)0) {
            _mm512_storeu_si512((void *)q, o0);
            _mm512_storeu_si512((void *)(q + 64), o1);
            _mm512_storeu_si512((void *)(q + 128), o2);
            _mm512_storeu_si512((void *)(q + 192), o3);
        } else {
            _mm512_mask_storeu_epi32((void *)q, (__mmask16)keep, o0);
            _mm512_mask_storeu_epi32((void *)(q + 64), (__mmask16)(keep >> 16), o1);
            _mm512_mask_storeu_epi32((void *)(q + 128), (__mmask16)(keep >> 32), o2);
            _mm512_mask_storeu_epi32((void *)(q + 192), (__mmask16)(keep >> 48), o3);
        }
    }
}

/* Registers per plane for indices below span. */
#define VB_NT(span) ((span) <= 64 ? 1u : (span) <= 128 ? 2u : 4u)

/* The planes straight from the first max(16, span) words of lut
 * (pixels.h), or from memory (giflow__px_rows_init). */
#define LOOKUP_VBMI(k)                                                                    \
    VBMI static size_t lookup_vbmi_##k(uint8_t *d, const uint8_t *idx, const uint32_t *lut, \
                                       unsigned span, size_t n, unsigned trans)           \
    {                                                                                     \
        const unsigned ne = span < 16 ? 16 : span;                                        \
        lookup_vbmi(d, idx, k, n, trans, vb_plane_of(lut, ne, 0, k), vb_plane_of(lut, ne, 1, k), \
                    vb_plane_of(lut, ne, 2, k), vb_plane_of(lut, ne, 3, k));              \
        return n;                                                                         \
    }                                                                                     \
    VBMI static void lookup_vbmi_mem_##k(uint8_t *d, const uint8_t *idx,                  \
                                         const uint8_t (*pl)[256], size_t n, unsigned trans) \
    {                                                                                     \
        lookup_vbmi(d, idx, k, n, trans, vb_load(pl[0], k), vb_load(pl[1], k),            \
                    vb_load(pl[2], k), vb_load(pl[3], k));                                \
    }

/* A plane stored by vb_store(). */
VBMI static inline __attribute__((always_inline)) vb_plane vb_load(const uint8_t *pl, unsigned nt)
{
    vb_plane t;
    t.t0 = _mm512_load_si512((const void *)pl);
    t.t1 = t.t2 = t.t3 = t.t0;
    if (nt >= 2)
        t.t1 = _mm512_load_si512((const void *)(pl + 64));
    if (nt == 4) {
        t.t2 = _mm512_load_si512((const void *)(pl + 128));
        t.t3 = _mm512_load_si512((const void *)(pl + 192));
    }
    return t;
}

/* Stores with the loads' width and alignment: each load then forwards
 * from one store. */
VBMI static void vb_store(uint8_t (*pl)[256], const uint32_t *lut, unsigned span)
{
    const unsigned ne = span < 16 ? 16 : span, nt = VB_NT(span);
    for (int p = 0; p < 4; p++) {
        vb_plane t = vb_plane_of(lut, ne, p, nt);
        _mm512_store_si512((void *)pl[p], t.t0);
        if (nt >= 2)
            _mm512_store_si512((void *)(pl[p] + 64), t.t1);
        if (nt == 4) {
            _mm512_store_si512((void *)(pl[p] + 128), t.t2);
            _mm512_store_si512((void *)(pl[p] + 192), t.t3);
        }
    }
}

LOOKUP_VBMI(1)
LOOKUP_VBMI(2)
LOOKUP_VBMI(4)

static int has_vbmi(void)
{
    return __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw");
}

/* The vector lookup for indices below span, or 0 pixels done. */
static size_t lookup_x86(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                         size_t n, unsigned trans)
{
    if (n < 16)
        return 0;
    /* Building the planes costs about 20 ns for 256 entries: shorter runs
     * of a big palette go on with the scalar loop. */
    if (n >= (span <= 64 ? 32u : span <= 128 ? 64u : 128u) && has_vbmi())
        return (span <= 64 ? lookup_vbmi_1 : span <= 128 ? lookup_vbmi_2 : lookup_vbmi_4)(
            d, idx, lut, span, n, trans);
    if (span > 64)
        return 0;
    static size_t (*const avx2[4])(uint8_t *, const uint8_t *, const uint32_t *, size_t,
                                   unsigned) = {lookup_avx2_1, lookup_avx2_2, lookup_avx2_3,
                                                lookup_avx2_4};
    unsigned nt = (span + 15) / 16;
    if (n >= 32 && __builtin_cpu_supports("avx2"))
        return avx2[nt - 1](d, idx, lut, n, trans);
    if (nt <= 2 && __builtin_cpu_supports("ssse3"))
        return (nt == 1 ? lookup_ssse3_1 : lookup_ssse3_2)(d, idx, lut, n, trans);
    return 0;
}
#endif

/* ---- ARM64 -------------------------------------------------------------- */

#ifdef PX_NEON
/* The byte planes of lut[0..span) for vqtbl: up to 64 entries, four
 * registers per plane. */
typedef struct planes64 {
    uint8x16x4_t r, g, b, a;
} planes64;

static planes64 planes64_of(const uint32_t *lut, unsigned span)
{
    planes64 p;
    uint8_t buf[64 * 4];
    memset(buf, 0, sizeof buf);
    memcpy(buf, lut, 4 * (size_t)span);
    /* vld4 splits interleaved RGBA bytes into planes. */
    uint8x16x4_t q0 = vld4q_u8(buf), q1 = vld4q_u8(buf + 64), q2 = vld4q_u8(buf + 128),
                 q3 = vld4q_u8(buf + 192);
    p.r = (uint8x16x4_t){{q0.val[0], q1.val[0], q2.val[0], q3.val[0]}};
    p.g = (uint8x16x4_t){{q0.val[1], q1.val[1], q2.val[1], q3.val[1]}};
    p.b = (uint8x16x4_t){{q0.val[2], q1.val[2], q2.val[2], q3.val[2]}};
    p.a = (uint8x16x4_t){{q0.val[3], q1.val[3], q2.val[3], q3.val[3]}};
    return p;
}

/* trans: 1 + the transparent index, or 0. */
static size_t lookup64_neon(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                            size_t n, unsigned trans)
{
    planes64 p = planes64_of(lut, span);
    const uint8x16_t tt = vdupq_n_u8((uint8_t)(trans - 1));
    size_t x = 0;
    for (; x + 16 <= n; x += 16) {
        uint8x16_t v = vld1q_u8(idx + x);
        uint8x16x4_t o;
        if (trans) {
            uint8x16_t m = vceqq_u8(v, tt);
            uint64x2_t m2 = vreinterpretq_u64_u8(m);
            uint64_t lo = vgetq_lane_u64(m2, 0), hi = vgetq_lane_u64(m2, 1);
            if ((lo & hi) == ~(uint64_t)0)
                continue; /* all transparent */
            o.val[0] = vqtbl4q_u8(p.r, v);
            o.val[1] = vqtbl4q_u8(p.g, v);
            o.val[2] = vqtbl4q_u8(p.b, v);
            o.val[3] = vqtbl4q_u8(p.a, v);
            if (lo | hi) {
                uint8x16x4_t old = vld4q_u8(d + 4 * x);
                for (int k = 0; k < 4; k++)
                    o.val[k] = vbslq_u8(m, old.val[k], o.val[k]);
            }
        } else {
            o.val[0] = vqtbl4q_u8(p.r, v);
            o.val[1] = vqtbl4q_u8(p.g, v);
            o.val[2] = vqtbl4q_u8(p.b, v);
            o.val[3] = vqtbl4q_u8(p.a, v);
        }
        vst4q_u8(d + 4 * x, o);
    }
    return x;
}
#endif

/* ---- Entry points ------------------------------------------------------- */

void giflow__px_convert(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                        size_t n)
{
    size_t x = 0;
#if defined(PX_X86)
    x = lookup_x86(d, idx, lut, span, n, 0);
#elif defined(PX_NEON)
    if (span <= 64 && n >= 16)
        x = lookup64_neon(d, idx, lut, span, n, 0);
#else
    (void)span;
#endif
    convert_c(d + 4 * x, idx + x, lut, n - x);
}

void giflow__px_paint(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                      size_t n, unsigned t)
{
    size_t x = 0;
#if defined(PX_X86)
    x = lookup_x86(d, idx, lut, span, n, t + 1);
    if (x == 0 && n >= 16)
        x = paint_sse2(d, idx, lut, n, t);
#elif defined(PX_NEON)
    if (span <= 64 && n >= 16)
        x = lookup64_neon(d, idx, lut, span, n, t + 1);
#else
    (void)span;
#endif
    paint_c(d + 4 * x, idx + x, lut, n - x, t);
}

void giflow__px_lut(uint32_t *lut, const uint8_t *pal, uint32_t n)
{
    uint32_t i = 0;
#if defined(PX_X86)
    if (n >= 6 && __builtin_cpu_supports("ssse3"))
        i = lut_ssse3(lut, pal, n);
#endif
    lut_c(lut, pal, i, n);
}

void giflow__px_rows_init(giflow__px_rows *r, const uint32_t *lut, unsigned span,
                          unsigned trans, uint64_t pixels)
{
    r->lut = lut;
    r->span = span;
    r->trans = trans;
    r->planes = 0;
#if defined(PX_X86)
    if (pixels >= 128 && has_vbmi()) {
        vb_store(r->plane, lut, span);
        r->planes = 1;
    }
#else
    (void)pixels;
#endif
}

void giflow__px_rows_run(const giflow__px_rows *r, uint8_t *d, const uint8_t *idx, size_t n)
{
#if defined(PX_X86)
    if (r->planes && n >= 16) {
        const unsigned nt = VB_NT(r->span);
        (nt == 1 ? lookup_vbmi_mem_1 : nt == 2 ? lookup_vbmi_mem_2 : lookup_vbmi_mem_4)(
            d, idx, (const uint8_t(*)[256])r->plane, n, r->trans);
        return;
    }
#endif
    if (r->trans)
        giflow__px_paint(d, idx, r->lut, r->span, n, r->trans - 1);
    else
        giflow__px_convert(d, idx, r->lut, r->span, n);
}
