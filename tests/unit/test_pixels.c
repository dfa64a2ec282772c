/*
 * The pixel pass (src/decode/pixels.c) against a plain reference: every
 * vector path the build has (whichever the CPU offers, each called
 * directly), the portable C path, and the entry points, for every span,
 * with and without a transparent index, for lengths 0..200 at every
 * alignment, and in place the way TAIL converts (indices in the last
 * quarter of the canvas). The file is included, so its static paths can
 * be called one by one; with its vector paths even in a GIFLOW_PORTABLE
 * build (the ASan run), so they are checked under the sanitizers too.
 */
#undef GIFLOW_PORTABLE
#include "../../src/decode/pixels.c"

#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

int tu_failures;

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* The reference: lut[i] per pixel, transparent (trans = 1 + t) kept. */
static void ref(uint8_t *d, const uint8_t *idx, const uint32_t *lut, size_t n, unsigned trans)
{
    for (size_t i = 0; i < n; i++)
        if (!trans || idx[i] != trans - 1)
            memcpy(d + 4 * i, &lut[idx[i]], 4);
}

typedef size_t (*path_fn)(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                          size_t n, unsigned trans);

/* Wrappers giving every path one signature; each returns the pixels done
 * (the entry points and the C paths do all). */
static size_t p_entry(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                      size_t n, unsigned trans)
{
    if (trans)
        giflow__px_paint(d, idx, lut, span, n, trans - 1);
    else
        giflow__px_convert(d, idx, lut, span, n);
    return n;
}

static size_t p_c(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span, size_t n,
                  unsigned trans)
{
    (void)span;
    if (trans)
        paint_c(d, idx, lut, n, trans - 1);
    else
        convert_c(d, idx, lut, n);
    return n;
}

/* Rows with the set-up done once (BUFFER's row pass), planes built. */
static size_t p_rows(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                     size_t n, unsigned trans)
{
    giflow__px_rows r;
    giflow__px_rows_init(&r, lut, span, trans, 1000);
    giflow__px_rows_run(&r, d, idx, n);
    return n;
}

#ifdef PX_X86
#define X86_PATH(name, call, ok)                                                          \
    static size_t name(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span, \
                       size_t n, unsigned trans)                                          \
    {                                                                                     \
        (void)span;                                                                       \
        if (!(ok))                                                                        \
            return (size_t)-1;                                                            \
        return call;                                                                      \
    }
#define HAS_AVX2 __builtin_cpu_supports("avx2")
#define HAS_SSSE3 __builtin_cpu_supports("ssse3")
X86_PATH(p_avx2_1, lookup_avx2_1(d, idx, lut, n, trans), HAS_AVX2 && span <= 16)
X86_PATH(p_avx2_2, lookup_avx2_2(d, idx, lut, n, trans), HAS_AVX2 && span <= 32)
X86_PATH(p_avx2_3, lookup_avx2_3(d, idx, lut, n, trans), HAS_AVX2 && span <= 48)
X86_PATH(p_avx2_4, lookup_avx2_4(d, idx, lut, n, trans), HAS_AVX2 && span <= 64)
X86_PATH(p_ssse3_1, lookup_ssse3_1(d, idx, lut, n, trans), HAS_SSSE3 && span <= 16)
X86_PATH(p_ssse3_2, lookup_ssse3_2(d, idx, lut, n, trans), HAS_SSSE3 && span <= 32)
X86_PATH(p_sse2, paint_sse2(d, idx, lut, n, trans - 1), trans != 0)
#define HAS_VBMI (__builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw"))
X86_PATH(p_vbmi_1, lookup_vbmi_1(d, idx, lut, span, n, trans), HAS_VBMI && span <= 64)
X86_PATH(p_vbmi_2, lookup_vbmi_2(d, idx, lut, span, n, trans), HAS_VBMI && span <= 128)
X86_PATH(p_vbmi_4, lookup_vbmi_4(d, idx, lut, span, n, trans), HAS_VBMI)
#endif
#ifdef PX_NEON
static size_t p_neon(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                     size_t n, unsigned trans)
{
    if (span > 64)
        return (size_t)-1;
    return lookup64_neon(d, idx, lut, span, n, trans);
}
#endif

static const struct {
    const char *name;
    path_fn fn;
} paths[] = {
    {"entry", p_entry},
    {"rows", p_rows},
    {"portable", p_c},
#ifdef PX_X86
    {"avx2/1", p_avx2_1},   {"avx2/2", p_avx2_2},   {"avx2/3", p_avx2_3},
    {"avx2/4", p_avx2_4},   {"ssse3/1", p_ssse3_1}, {"ssse3/2", p_ssse3_2},
    {"sse2", p_sse2},       {"vbmi/1", p_vbmi_1},   {"vbmi/2", p_vbmi_2},
    {"vbmi/4", p_vbmi_4},
#endif
#ifdef PX_NEON
    {"neon", p_neon},
#endif
};
#define NPATHS (sizeof paths / sizeof paths[0])

static long ran[NPATHS];

/* One case: path p over n indices below span at offset off. The part a
 * vector path leaves (n - done) is finished by the reference, as the entry
 * points finish it with the C path. */
static void one(size_t p, unsigned span, size_t n, size_t off, unsigned trans, int runs)
{
    static uint8_t idx[256 + 64], got[4 * (256 + 64)], want[4 * (256 + 64)];
    uint32_t lut[256];
    for (unsigned i = 0; i < 256; i++)
        lut[i] = i < span ? (rnd() | 0xFF000000u) : 0xDEADBEEFu; /* never read */
    if (trans && trans - 1 < 256)
        lut[trans - 1] = 0;
    for (size_t i = 0; i < n + off; i++) {
        /* Runs of one index and of transparency, as real frames have. */
        idx[i] = runs && i && rnd() % 4 ? idx[i - 1] : (uint8_t)(rnd() % span);
    }
    for (size_t i = 0; i < sizeof got; i++)
        got[i] = want[i] = (uint8_t)rnd();
    ref(want + 4 * off, idx + off, lut, n, trans);
    size_t done = paths[p].fn(got + 4 * off, idx + off, lut, span, n, trans);
    if (done == (size_t)-1)
        return; /* not for this span or CPU */
    ran[p]++;
    TU_CHECK(done <= n, "%s: did %zu of %zu", paths[p].name, done, n);
    if (done > n)
        return;
    ref(got + 4 * (off + done), idx + off + done, lut, n - done, trans);
    TU_CHECK(!memcmp(got, want, sizeof got),
             "%s: span %u, n %zu, offset %zu, transparent %d, runs %d: pixels differ",
             paths[p].name, span, n, off, (int)trans - 1, runs);
}

/* TAIL's in-place conversion: indices in the last n bytes of a 4n-byte
 * canvas become RGBA front to back, in pieces. */
static void in_place(unsigned span, size_t n)
{
    uint8_t *c = malloc(4 * n), *idx = malloc(n), *want = malloc(4 * n);
    uint32_t lut[256];
    for (unsigned i = 0; i < 256; i++)
        lut[i] = rnd() | 0xFF000000u;
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint8_t)(rnd() % span);
    memcpy(c + 3 * n, idx, n);
    ref(want, idx, lut, n, 0);
    size_t at = 0;
    while (at < n) {
        size_t k = 1 + rnd() % 700;
        if (k > n - at)
            k = n - at;
        giflow__px_convert(c + 4 * at, c + 3 * n + at, lut, span, k);
        at += k;
    }
    TU_CHECK(!memcmp(c, want, 4 * n), "in place: span %u, n %zu: pixels differ", span, n);
    free(c);
    free(idx);
    free(want);
}

/* The palette LUT (giflow__px_lut): the portable path, SSSE3 where the
 * CPU has it, and the entry point against a plain reference, for every
 * palette size 0..256, from a palette of exactly 3n bytes (a read past it
 * is an ASan error), with the words past n left alone. */
static void lut_paths(void)
{
    for (uint32_t n = 0; n <= 256; n++) {
        uint8_t *pal = malloc(3 * (size_t)n + 1);
        uint32_t want[260], got[260];
        for (uint32_t i = 0; i < 3 * n; i++)
            pal[i] = (uint8_t)rnd();
        for (uint32_t i = 0; i < n; i++) {
            uint8_t px[4] = {pal[3 * i], pal[3 * i + 1], pal[3 * i + 2], 255};
            memcpy(&want[i], px, 4);
        }
        for (int path = 0; path < 3; path++) {
            for (uint32_t i = 0; i < 260; i++)
                got[i] = 0x5A5A5A5Au;
            if (path == 0) {
                lut_c(got, pal, 0, n);
            } else if (path == 1) {
#if defined(PX_X86)
                if (!__builtin_cpu_supports("ssse3"))
                    continue;
                uint32_t done = n >= 6 ? lut_ssse3(got, pal, n) : 0;
                TU_CHECK(done <= n, "lut ssse3: n %u: %u done", n, done);
                lut_c(got, pal, done, n);
#else
                continue;
#endif
            } else {
                giflow__px_lut(got, pal, n);
            }
            TU_CHECK(!memcmp(got, want, 4 * (size_t)n), "lut path %d: n %u: words differ", path,
                     n);
            for (uint32_t i = n; i < 260; i++)
                TU_CHECK(got[i] == 0x5A5A5A5Au, "lut path %d: n %u: word %u written", path, n, i);
        }
        free(pal);
    }
}

int main(void)
{
    lut_paths();
    static const unsigned spans[] = {2, 4, 8, 16, 17, 32, 33, 48, 64, 65, 128, 256};
    for (size_t p = 0; p < NPATHS; p++)
        for (size_t s = 0; s < sizeof spans / sizeof spans[0]; s++)
            for (size_t n = 0; n <= 200; n += n < 40 ? 1 : 7)
                for (int runs = 0; runs < 2; runs++) {
                    unsigned span = spans[s];
                    one(p, span, n, rnd() % 33, 0, runs);
                    one(p, span, n, rnd() % 33, 1 + rnd() % span, runs);
                }
    for (size_t s = 0; s < sizeof spans / sizeof spans[0]; s++)
        in_place(spans[s], 5000 + rnd() % 3000);
    for (size_t p = 0; p < NPATHS; p++)
        printf("%-9s %ld cases\n", paths[p].name, ran[p]);
    if (tu_failures) {
        printf("FAILED: %d checks\n", tu_failures);
        return 1;
    }
    printf("pixel pass: every path matches the reference\n");
    return 0;
}
