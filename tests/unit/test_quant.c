/*
 * Colour quantization unit tests (internal module src/quant/quant.h).
 *
 * Truths: brute-force nearest-colour searches, images built from known
 * colour sets (exact palettes must come back with zero error), error bounds
 * worked out by hand in comments, and properties of the dithering contract
 * (mean colour kept, kept pixels untouched, period 8 for Bayer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/quant/quant.h"
#include "testutil.h"

/* Deterministic test data (xorshift32). */
static uint32_t rng = 2463534242u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void *q_mem, *r_mem, *d_mem;

static int32_t dist2(const uint8_t *p, int r, int g, int b)
{
    return (p[0] - r) * (p[0] - r) + (p[1] - g) * (p[1] - g) + (p[2] - b) * (p[2] - b);
}

/* Nearest entry by scanning the palette, ties to the lowest index. */
static int brute_nearest(const giflow__palette *pal, int skip, int r, int g, int b)
{
    int best = -1;
    int32_t bd = 0;
    for (int i = 0; i < (int)pal->n; i++) {
        int32_t d = dist2(pal->rgb + 3 * i, r, g, b);
        if (i != skip && (best < 0 || d < bd)) {
            best = i;
            bd = d;
        }
    }
    return best;
}

static void put(uint8_t *px, uint32_t rgb, uint8_t a)
{
    px[0] = (uint8_t)(rgb >> 16);
    px[1] = (uint8_t)(rgb >> 8);
    px[2] = (uint8_t)rgb;
    px[3] = a;
}

/* k distinct random colours. */
static void distinct_colours(uint32_t *c, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++) {
        uint32_t v;
        int dup;
        do {
            v = rnd() & 0xFFFFFF;
            dup = 0;
            for (uint32_t j = 0; j < i; j++)
                dup |= c[j] == v;
        } while (dup);
        c[i] = v;
    }
}

static int in_palette(const giflow__palette *pal, uint32_t rgb)
{
    for (uint32_t i = 0; i < pal->n; i++) {
        const uint8_t *p = pal->rgb + 3 * i;
        if (((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) == rgb)
            return 1;
    }
    return 0;
}

/* Squared RGB error per channel of mapping img through remap r (no dither). */
static double remap_mse(giflow__remap *r, const giflow__palette *pal, const uint8_t *img,
                        size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = img + 4 * i;
        int k = giflow__remap_nearest(r, p[0], p[1], p[2]);
        s += dist2(pal->rgb + 3 * k, p[0], p[1], p[2]);
    }
    return s / (3.0 * n);
}

/* Colour sets: exact membership, overflow, alpha threshold, luma order. */
static void test_colorset(void)
{
    static uint32_t c[300];
    static uint8_t img[6000 * 4];
    giflow__colorset s;
    giflow__palette pal;
    distinct_colours(c, 300);
    /* 200 colours in random order, plus transparent pixels of the other
     * 100 colours, which must not count. */
    for (int i = 0; i < 6000; i++) {
        if (i % 5 == 4)
            put(img + 4 * i, c[200 + rnd() % 100], (uint8_t)(rnd() % 128));
        else
            put(img + 4 * i, c[rnd() % 200], (uint8_t)(128 + rnd() % 128));
    }
    for (int i = 0; i < 200; i++) /* make sure each one occurs */
        put(img + 4 * (5 * i), c[i], 255);
    giflow__colorset_init(&s, 256);
    TU_CHECK(giflow__colorset_add(&s, img, 3000, 128) == 1, "first half");
    TU_CHECK(giflow__colorset_add(&s, img + 4 * 3000, 3000, 128) == 1, "second half");
    TU_CHECK(!s.overflow && s.n == 200, "n %u overflow %d", s.n, s.overflow);
    giflow__colorset_palette(&s, &pal);
    TU_CHECK(pal.n == 200, "palette n %u", pal.n);
    for (int i = 0; i < 200; i++)
        TU_CHECK(in_palette(&pal, c[i]), "colour %06x missing", c[i]);
    for (uint32_t i = 1; i < pal.n; i++) {
        const uint8_t *a = pal.rgb + 3 * (i - 1), *b = pal.rgb + 3 * i;
        TU_CHECK(299 * a[0] + 587 * a[1] + 114 * a[2] <= 299 * b[0] + 587 * b[1] + 114 * b[2],
                 "luma order at %u", i);
    }
    /* 257 distinct opaque colours do not fit in 256. */
    giflow__colorset_init(&s, 256);
    for (int i = 0; i < 257; i++)
        put(img + 4 * i, c[i], 255);
    TU_CHECK(giflow__colorset_add(&s, img, 256, 1) == 1, "256 fit");
    TU_CHECK(giflow__colorset_add(&s, img + 4 * 256, 1, 1) == 0 && s.overflow, "257th");
    TU_CHECK(giflow__colorset_add(&s, img, 1, 1) == 0, "stays overflowed");
    /* A small max: 16 fit, 17 do not. */
    giflow__colorset_init(&s, 16);
    TU_CHECK(giflow__colorset_add(&s, img, 16, 1) == 1 && s.n == 16, "16 of 16");
    TU_CHECK(giflow__colorset_add(&s, img + 4 * 16, 1, 1) == 0, "17 of 16");
}

/* An image drawn from k known colours, in random order. */
static void known_image(uint8_t *img, size_t n, const uint32_t *c, uint32_t k)
{
    for (size_t i = 0; i < n; i++)
        put(img + 4 * i, c[i < k ? i : rnd() % k], 255);
}

/* k <= max colours: the quantizer returns exactly them, with zero error,
 * and remapping is lossless. */
static void test_exact_palettes(void)
{
    static const uint32_t ks[] = {1, 2, 17, 255, 256};
    static uint32_t c[256];
    static uint8_t img[20000 * 4];
    giflow__palette pal;
    giflow__quant *q = giflow__quant_init(q_mem);
    for (size_t t = 0; t < sizeof ks / sizeof ks[0]; t++) {
        uint32_t k = ks[t];
        distinct_colours(c, k);
        known_image(img, 20000, c, k);
        for (uint32_t max = k; max <= 256; max += 256 - k + (k == 256)) {
            giflow__quant_reset(q);
            giflow__quant_add(q, img, 20000, 128, 1);
            double mse = giflow__quant_build(q, max, &pal);
            TU_CHECK(mse == 0.0 && pal.n == k, "k %u max %u: mse %g n %u", k, max, mse, pal.n);
            for (uint32_t i = 0; i < k; i++)
                TU_CHECK(in_palette(&pal, c[i]), "k %u: %06x missing", k, c[i]);
            giflow__remap *r = giflow__remap_init(r_mem, &pal, -1);
            TU_CHECK(remap_mse(r, &pal, img, 20000) == 0.0, "k %u: remap not lossless", k);
        }
    }
}

/* k > max: the error the quantizer reports is the error of remapping the
 * same pixels (exact statistics while colours are few). */
static void test_reported_error(void)
{
    static uint32_t c[1000];
    static uint8_t img[30000 * 4];
    giflow__palette pal;
    giflow__quant *q = giflow__quant_init(q_mem);
    distinct_colours(c, 1000);
    known_image(img, 30000, c, 1000);
    for (uint32_t max = 1; max <= 256; max *= 4) {
        giflow__quant_reset(q);
        giflow__quant_add(q, img, 30000, 128, 1);
        double mse = giflow__quant_build(q, max, &pal);
        giflow__remap *r = giflow__remap_init(r_mem, &pal, -1);
        double real = remap_mse(r, &pal, img, 30000);
        TU_CHECK(pal.n >= 1 && pal.n <= max, "max %u: n %u", max, pal.n);
        TU_CHECK(real > 0 && mse > real * 0.999 && mse < real * 1.001,
                 "max %u: reported %g, remap %g", max, mse, real);
    }
}

/* Builds a palette for img and returns the per-channel MSE of remapping it
 * (no dithering); *reported gets what the quantizer said. */
static double quantize(const uint8_t *img, size_t n, uint32_t max, giflow__palette *pal,
                       double *reported)
{
    giflow__quant *q = giflow__quant_init(q_mem);
    giflow__quant_add(q, img, n, 128, 1);
    *reported = giflow__quant_build(q, max, pal);
    giflow__remap *r = giflow__remap_init(r_mem, pal, -1);
    return remap_mse(r, pal, img, n);
}

/*
 * Smooth gradients, 16 colours. A grey ramp 0..255 (each level equally
 * often) is best cut into 16 runs of 16 levels. A run of 16 consecutive
 * integers has variance (16^2 - 1) / 12 = 21.25 around its mean, which ends
 * in .5; rounding the palette entry to an integer adds 0.5^2 = 0.25. So
 * the per-channel MSE is at most 21.5 (all three channels carry the ramp).
 * A ramp in red and green only (blue constant) has the same error in two
 * channels and none in the third: (21.5 + 21.5 + 0) / 3 = 14.33.
 */
static void test_gradients(void)
{
    static uint8_t img[256 * 8 * 4];
    giflow__palette pal;
    double rep;
    for (int i = 0; i < 256 * 8; i++)
        put(img + 4 * i, (uint32_t)(i & 255) * 0x010101u, 255);
    double mse = quantize(img, 256 * 8, 16, &pal, &rep);
    TU_CHECK(pal.n == 16 && mse <= 21.5 + 1e-9, "grey ramp: n %u mse %g", pal.n, mse);
    for (int i = 0; i < 256 * 8; i++)
        put(img + 4 * i, (uint32_t)(i & 255) << 16 | (uint32_t)(255 - (i & 255)) << 8 | 128, 255);
    mse = quantize(img, 256 * 8, 16, &pal, &rep);
    TU_CHECK(pal.n == 16 && mse <= 43.0 / 3 + 1e-9, "colour ramp: n %u mse %g", pal.n, mse);
}

/*
 * Uniform random colours, far more than the exact statistics hold (the
 * buckets coarsen). A regular 6 x 6 x 7 grid of 252 colours has cells of
 * 256/6 = 42.7 and 256/7 = 36.6 levels, whose per-channel MSE is
 * (42.7^2 + 42.7^2 + 36.6^2) / 12 / 3 = 138.5; 256 colours placed by the
 * quantizer must do at least as well.
 */
static void test_noise(void)
{
    size_t n = 512 * 512;
    uint8_t *img = malloc(n * 4);
    giflow__palette pal;
    double rep;
    if (!img)
        return;
    for (size_t i = 0; i < n; i++)
        put(img + 4 * i, rnd() & 0xFFFFFF, 255);
    double mse = quantize(img, n, 256, &pal, &rep);
    TU_CHECK(pal.n == 256 && mse <= 138.5 && rep <= 138.5, "noise: n %u mse %g reported %g",
             pal.n, mse, rep);
    free(img);
}

/* A random palette of one of several shapes: uniform, clustered in a small
 * box (many near ties), greys, with duplicated entries (exact ties), or on
 * a lattice of multiples of 16 (ties between entries along the remap's
 * cell boundaries). */
static void random_palette(giflow__palette *pal, uint32_t n, int shape)
{
    uint32_t base = rnd() & 0xC0C0C0;
    pal->n = n;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *p = pal->rgb + 3 * i;
        uint32_t v = rnd();
        if (shape == 1) {
            v = base + (v & 0x0F0F0F);
        } else if (shape == 2) {
            v = (v & 0xFF) * 0x010101u;
        } else if (shape == 3 && i > 0 && v % 3 == 0) {
            memcpy(p, pal->rgb + 3 * (rnd() % i), 3);
            continue;
        } else if (shape == 4) {
            for (int c = 0; c < 3; c++)
                p[c] = (uint8_t)((v >> (8 * c)) % 16 * 16 + ((v >> 30) ? 0 : 15));
            continue;
        }
        p[0] = (uint8_t)(v >> 16);
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)v;
    }
}

/* remap_nearest is the exact nearest entry, ties to the lowest index, for
 * in-range and out-of-range (clamped) colours, with and without skip. */
static void test_remap_brute(void)
{
    giflow__palette pal;
    int bad = 0;
    for (int t = 0; t < 300 && bad < 5; t++) {
        uint32_t n = t < 4 ? (uint32_t)t + 1 : t < 8 ? 256 - (uint32_t)(t - 4) : 1 + rnd() % 256;
        random_palette(&pal, n, t % 5);
        int skip = (t % 3 == 0 || n == 1) ? -1 : (int)(rnd() % n);
        giflow__remap *r = giflow__remap_init(r_mem, &pal, skip);
        for (int i = 0; i < 3000; i++) {
            int c[3];
            if (i % 7 == 0 && pal.n) { /* palette colours themselves: ties */
                const uint8_t *p = pal.rgb + 3 * (rnd() % pal.n);
                c[0] = p[0], c[1] = p[1], c[2] = p[2];
            } else {
                for (int k = 0; k < 3; k++)
                    c[k] = (int)(rnd() % 300) - 22;
            }
            int want = brute_nearest(&pal, skip, c[0] < 0 ? 0 : c[0] > 255 ? 255 : c[0],
                                     c[1] < 0 ? 0 : c[1] > 255 ? 255 : c[1],
                                     c[2] < 0 ? 0 : c[2] > 255 ? 255 : c[2]);
            int got = giflow__remap_nearest(r, c[0], c[1], c[2]);
            if (got != want && bad++ < 5)
                TU_CHECK(got == want, "palette %d (n %u shape %d skip %d): %d,%d,%d -> %d not %d",
                         t, n, t % 5, skip, c[0], c[1], c[2], got, want);
        }
        /* Whole rows (cells batched by kind, a new remap): the same. Pixels
         * near palette colours land in cells that several entries share. */
        static uint8_t row[1500 * 4], out[1500];
        for (int i = 0; i < 1500; i++) {
            const uint8_t *p = pal.rgb + 3 * (rnd() % pal.n);
            for (int k = 0; k < 3; k++) {
                int v = i % 3 ? p[k] + (int)(rnd() % 9) - 4 : (int)(rnd() % 256);
                row[4 * i + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
            row[4 * i + 3] = (uint8_t)(rnd() % 256); /* ignored: alpha_min 0 */
        }
        r = giflow__remap_init(r_mem, &pal, skip);
        giflow__dither *d = giflow__dither_init(d_mem, 1024, GIFLOW_DITHER_NONE);
        for (int pass = 0; pass < 2; pass++) { /* cells filled, then reused */
            giflow__dither_row(d, r, row, 1500, 0, 0, -1, NULL, NULL, out);
            for (int i = 0; i < 1500; i++) {
                const uint8_t *q = row + 4 * i;
                int want = brute_nearest(&pal, skip, q[0], q[1], q[2]);
                if (out[i] != want && bad++ < 5)
                    TU_CHECK(out[i] == want, "row: palette %d (n %u skip %d): %d,%d,%d -> %d not %d",
                             t, n, skip, q[0], q[1], q[2], out[i], want);
            }
        }
    }
}

/* Degenerate palettes: empty, or one entry that is skipped, give index 0
 * in every mode without reading outside the palette; one usable entry is
 * always chosen. */
static void test_degenerate(void)
{
    static uint8_t img[16 * 4 * 4], out[16 * 4];
    giflow__palette none = {0, {0}}, one = {1, {10, 20, 30}}, two = {2, {0, 0, 0, 9, 9, 9}};
    for (int i = 0; i < 64; i++)
        put(img + 4 * i, rnd() & 0xFFFFFF, 255);
    for (int mode = 0; mode < 3; mode++) {
        const giflow__palette *pals[3] = {&none, &one, &two};
        int skips[3] = {-1, 0, 0};
        for (int t = 0; t < 3; t++) {
            giflow__remap *r = giflow__remap_init(r_mem, pals[t], skips[t]);
            giflow__dither *d = giflow__dither_init(d_mem, 16, mode);
            for (uint32_t y = 0; y < 4; y++)
                giflow__dither_row(d, r, img + 64 * y, 16, y, 128, 0, NULL, NULL, out + 16 * y);
            for (int i = 0; i < 64; i++)
                TU_CHECK(out[i] == (t == 2 ? 1 : 0), "mode %d palette %d: index %d", mode, t,
                         out[i]);
        }
    }
}

/* Dithers a w x h image through palette pal; returns indices in out. */
static void dither_image(const uint8_t *img, uint32_t w, uint32_t h, const giflow__palette *pal,
                         int mode, uint8_t *out)
{
    giflow__remap *r = giflow__remap_init(r_mem, pal, -1);
    giflow__dither *d = giflow__dither_init(d_mem, w, mode);
    for (uint32_t y = 0; y < h; y++)
        giflow__dither_row(d, r, img + (size_t)4 * w * y, w, y, 128, -1, NULL, NULL,
                           out + (size_t)w * y);
}

static void fill(uint8_t *img, size_t n, uint32_t rgb)
{
    for (size_t i = 0; i < n; i++)
        put(img + 4 * i, rgb, 255);
}

/* Mean colour of the palette entries chosen, minus the source colour,
 * largest over channels. */
static double mean_error(const uint8_t *idx, size_t n, const giflow__palette *pal, uint32_t rgb)
{
    double worst = 0;
    for (int c = 0; c < 3; c++) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += pal->rgb[3 * idx[i] + c];
        double e = s / n - (double)((rgb >> (16 - 8 * c)) & 0xFF);
        e = e < 0 ? -e : e;
        worst = e > worst ? e : worst;
    }
    return worst;
}

/* Floyd-Steinberg over a flat area keeps its mean colour (within 2 levels)
 * even when no palette entry is near it; without dithering the nearest
 * entry is far off. Palettes: the 27 colours of a 3-level cube, and black
 * and white only. */
static void test_fs_mean(void)
{
    static uint8_t img[64 * 64 * 4], idx[64 * 64];
    giflow__palette cube, bw = {2, {0}};
    cube.n = 27;
    for (int i = 0; i < 27; i++)
        for (int c = 0; c < 3; c++) {
            int l = c == 0 ? i / 9 : c == 1 ? i / 3 % 3 : i % 3;
            cube.rgb[3 * i + c] = (uint8_t)(l == 0 ? 0 : l == 1 ? 128 : 255);
        }
    memset(bw.rgb + 3, 255, 3);
    static const uint32_t cols[] = {0x6496C8, 0x202020, 0xE0D0B0, 0x646464};
    for (size_t t = 0; t < sizeof cols / sizeof cols[0]; t++) {
        fill(img, 64 * 64, cols[t]);
        const giflow__palette *pal = t == 3 ? &bw : &cube;
        dither_image(img, 64, 64, pal, GIFLOW_DITHER_FS, idx);
        double fs = mean_error(idx, 64 * 64, pal, cols[t]);
        dither_image(img, 64, 64, pal, GIFLOW_DITHER_NONE, idx);
        double none = mean_error(idx, 64 * 64, pal, cols[t]);
        TU_CHECK(fs <= 2.0 && none >= 20.0, "%06x: FS mean off by %.2f, plain by %.2f", cols[t],
                 fs, none);
    }
}

/* keep/prev: kept pixels take prev exactly, in every mode; transparent
 * pixels take trans. Kept rows pass no error on: after a band of fully
 * kept rows, FS output equals a fresh start at the first unkept row. */
static void test_keep(void)
{
    enum { W = 48, H = 16 };
    static uint8_t img[W * H * 4], keep[W], prev[W], out[W * H], ref[W * H];
    giflow__palette pal;
    random_palette(&pal, 16, 0);
    for (int mode = 0; mode < 3; mode++) {
        giflow__remap *r = giflow__remap_init(r_mem, &pal, 15);
        giflow__dither *d = giflow__dither_init(d_mem, W, mode);
        for (int i = 0; i < W * H; i++)
            put(img + 4 * i, rnd() & 0xFFFFFF, i % 11 == 3 ? 0 : 255);
        for (uint32_t y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                keep[x] = rnd() % 3 == 0;
                prev[x] = (uint8_t)(rnd() % 15);
            }
            uint8_t *o = out + W * y;
            giflow__dither_row(d, r, img + 4 * W * y, W, y, 128, 15, keep, prev, o);
            for (int x = 0; x < W; x++) {
                int want = img[4 * (W * y + x) + 3] < 128 ? 15 : keep[x] ? prev[x] : -1;
                TU_CHECK(want < 0 ? o[x] < 15 : o[x] == want, "mode %d y %u x %d: %d want %d",
                         mode, y, x, o[x], want);
            }
        }
    }
    /* A flat colour between palette entries, rows 0..7 kept entirely. */
    fill(img, W * H, 0x5A7A9A);
    memset(keep, 1, W);
    giflow__remap *r = giflow__remap_init(r_mem, &pal, -1);
    giflow__dither *d = giflow__dither_init(d_mem, W, GIFLOW_DITHER_FS);
    for (uint32_t y = 0; y < H; y++)
        giflow__dither_row(d, r, img + 4 * W * y, W, y, 128, -1, y < 8 ? keep : NULL, prev,
                           out + W * y);
    giflow__dither_frame(d);
    for (uint32_t y = 8; y < H; y++)
        giflow__dither_row(d, r, img + 4 * W * y, W, y, 128, -1, NULL, NULL, ref + W * y);
    TU_CHECK(memcmp(out + 8 * W, ref + 8 * W, 8 * W) == 0, "error leaked from kept rows");
}

/* Ordered dithering: deterministic, periodic with period 8 both ways, and
 * it does dither (a flat colour between entries uses more than one). */
static void test_ordered(void)
{
    enum { W = 40, H = 24 };
    static uint8_t img[W * H * 4], a[W * H], b[W * H];
    giflow__palette pal = {8, {0}};
    for (int i = 0; i < 8; i++)
        memset(pal.rgb + 3 * i, i * 36, 3);
    fill(img, W * H, 0x5A5A5A); /* 90: between 72 and 108 */
    dither_image(img, W, H, &pal, GIFLOW_DITHER_ORDERED, a);
    dither_image(img, W, H, &pal, GIFLOW_DITHER_ORDERED, b);
    TU_CHECK(memcmp(a, b, sizeof a) == 0, "ordered output differs between runs");
    int distinct = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            TU_CHECK(a[W * y + x] == a[W * (y % 8) + x % 8], "not periodic at %d,%d", x, y);
            distinct |= a[W * y + x] != a[0];
        }
    TU_CHECK(distinct, "flat area not dithered");
    TU_CHECK(mean_error(a, W * H, &pal, 0x5A5A5A) <= 6.0, "ordered mean off by %.2f",
             mean_error(a, W * H, &pal, 0x5A5A5A));
}

/* Weight 2 counts like adding the pixels twice; transparent pixels count
 * for nothing; reset forgets everything. */
static void test_weights_alpha(void)
{
    static uint32_t c[600];
    static uint8_t img[8000 * 4];
    giflow__palette p1, p2;
    giflow__quant *q = giflow__quant_init(q_mem);
    distinct_colours(c, 600);
    known_image(img, 8000, c, 600);
    giflow__quant_add(q, img, 8000, 128, 1);
    giflow__quant_add(q, img, 8000, 128, 1);
    double m1 = giflow__quant_build(q, 32, &p1);
    giflow__quant_reset(q);
    giflow__quant_add(q, img, 8000, 128, 2);
    double m2 = giflow__quant_build(q, 32, &p2);
    TU_CHECK(m1 == m2 && p1.n == p2.n && memcmp(p1.rgb, p2.rgb, 3 * p1.n) == 0,
             "weight 2 differs from twice: %g %g", m1, m2);
    /* 10 opaque colours among transparent noise: exactly those 10. */
    for (int i = 0; i < 8000; i++)
        put(img + 4 * i, i % 2 ? c[i / 2 % 10] : rnd() & 0xFFFFFF, i % 2 ? 200 : 100);
    giflow__quant_reset(q);
    giflow__quant_add(q, img, 8000, 128, 1);
    double m3 = giflow__quant_build(q, 256, &p1);
    TU_CHECK(m3 == 0 && p1.n == 10, "alpha: mse %g n %u", m3, p1.n);
    /* One colour: 3 black pixels and 1 white: the mean, 63.75 -> 64. */
    giflow__quant_reset(q);
    for (int i = 0; i < 4; i++)
        put(img + 4 * i, i == 3 ? 0xFFFFFF : 0, 255);
    giflow__quant_add(q, img, 4, 128, 1);
    giflow__quant_build(q, 1, &p1);
    TU_CHECK(p1.n == 1 && p1.rgb[0] == 64 && p1.rgb[1] == 64 && p1.rgb[2] == 64,
             "mean colour %u,%u,%u", p1.rgb[0], p1.rgb[1], p1.rgb[2]);
}

/*
 * Tuned for SSIM (giflow__quant_set_tune).
 * Weights, worked out by hand: 3 black pixels over an identical row have
 * no gradient and weigh 1 + 30 = 31 each (93); in the run white, black
 * each has a luma step of 255 levels (65280 in luma x 256, squared
 * 4.2615e9 against C2 = 58.5 x 65536 = 3.834e6) and weighs
 * 1 + 30 x 3.834e6 / (4.2615e9 + 3.834e6) = 1.02696. One entry is their
 * weighted mean, 255 x 1.02696 / (93 + 2 x 1.02696) = 2.755 -> 3 per
 * channel; untuned it is 255 / 5 = 51 (4 black, 1 white).
 * Channels: colours varying in green and blue only, 16 entries: weighing
 * green above blue must lower the luma error (0.587 G + 0.114 B) of the
 * remapped pixels, while plain RGB error, what the untuned quantizer
 * minimises, can only be higher; the error reported stays plain RGB, of
 * the tuned assignment, so at least that of the nearest-RGB remap.
 */
static double luma_mse(giflow__remap *r, const giflow__palette *pal, const uint8_t *img,
                       size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = img + 4 * i, *c = pal->rgb + 3 * giflow__remap_nearest(r, p[0], p[1], p[2]);
        double d = 0.299 * (p[0] - c[0]) + 0.587 * (p[1] - c[1]) + 0.114 * (p[2] - c[2]);
        s += d * d;
    }
    return s / (double)n;
}

static void test_tune_ssim(void)
{
    static uint8_t img[20000 * 4];
    giflow__palette pal;
    giflow__quant *q = giflow__quant_init(q_mem);
    for (int tune = GIFLOW_TUNE_PSNR; tune <= GIFLOW_TUNE_SSIM; tune++) {
        giflow__quant_set_tune(q, tune);
        giflow__quant_reset(q);
        for (int i = 0; i < 5; i++)
            put(img + 4 * i, i == 3 ? 0xFFFFFF : 0, 255);
        giflow__quant_add_smooth(q, img, 3, img, 128);
        giflow__quant_add_smooth(q, img + 4 * 3, 2, NULL, 128);
        giflow__quant_build(q, 1, &pal);
        int want = tune == GIFLOW_TUNE_SSIM ? 3 : 51;
        TU_CHECK(pal.n == 1 && pal.rgb[0] == want && pal.rgb[1] == want && pal.rgb[2] == want,
                 "tune %d: mean %u,%u,%u, want %d", tune, pal.rgb[0], pal.rgb[1], pal.rgb[2],
                 want);
    }
    double luma[2], rgb[2], rep[2];
    for (int i = 0; i < 20000; i++)
        put(img + 4 * i, 0x800000u | (rnd() & 0xFFFF), 255);
    for (int tune = GIFLOW_TUNE_PSNR; tune <= GIFLOW_TUNE_SSIM; tune++) {
        giflow__quant_set_tune(q, tune);
        giflow__quant_reset(q);
        giflow__quant_add(q, img, 20000, 128, 1);
        rep[tune] = giflow__quant_build(q, 16, &pal);
        giflow__remap *r = giflow__remap_init(r_mem, &pal, -1);
        luma[tune] = luma_mse(r, &pal, img, 20000);
        rgb[tune] = remap_mse(r, &pal, img, 20000);
        TU_CHECK(rgb[tune] <= rep[tune] * 1.001, "tune %d: reported %g below remap %g", tune,
                 rep[tune], rgb[tune]);
    }
    TU_CHECK(luma[1] < 0.98 * luma[0], "luma error: tuned %g, plain %g", luma[1], luma[0]);
    TU_CHECK(rgb[1] >= rgb[0], "RGB error: tuned %g below plain %g", rgb[1], rgb[0]);
    giflow__quant_set_tune(q, GIFLOW_TUNE_PSNR);
}

int main(void)
{
    /* Fixed working memory, independent of image size. */
    TU_CHECK(giflow__quant_bytes() <= 4u << 20, "quant bytes %zu", giflow__quant_bytes());
    TU_CHECK(giflow__remap_bytes() <= 3u << 19, "remap bytes %zu", giflow__remap_bytes());
    q_mem = malloc(giflow__quant_bytes());
    r_mem = malloc(giflow__remap_bytes());
    d_mem = malloc(giflow__dither_bytes(1024));
    if (!q_mem || !r_mem || !d_mem)
        return 1;
    test_colorset();
    test_exact_palettes();
    test_reported_error();
    test_gradients();
    test_noise();
    test_remap_brute();
    test_degenerate();
    test_fs_mean();
    test_keep();
    test_ordered();
    test_weights_alpha();
    test_tune_ssim();
    free(q_mem);
    free(r_mem);
    free(d_mem);
    if (tu_failures)
        fprintf(stderr, "%d check(s) failed\n", tu_failures);
    return tu_failures != 0;
}
