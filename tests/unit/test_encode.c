/*
 * Encoder tests through the public API. Truths: the source frames
 * themselves (lossless cases must come back exactly, from both giflow's
 * decoder and giflib), hand-worked timing sums, and the GIF structure as
 * giflib parses it.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gifmem.h"
#include "testutil.h"

enum { W = 64, H = 48 };

typedef struct buf {
    uint8_t *d;
    size_t n, cap;
    int fail_after; /* fail writes after this many bytes (0: never) */
} buf;

static int put(void *user, const uint8_t *data, size_t size)
{
    buf *b = user;
    if (b->fail_after && b->n + size > (size_t)b->fail_after)
        return 1;
    if (b->n + size > b->cap) {
        b->cap = (b->n + size) * 2;
        b->d = realloc(b->d, b->cap);
    }
    memcpy(b->d + b->n, data, size);
    b->n += size;
    return 0;
}

/* A frame: a still gradient background with a moving 8x8 square; alpha
 * optional outside a centre box (then transparent where alpha is 0). */
static void make_frame(uint8_t *rgba, int t, int with_alpha, int colors)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = rgba + 4 * (y * W + x);
            /* 'colors' distinct background colours (a lossless palette). */
            int k = ((x / 4) + (y / 4) * 16) % colors;
            p[0] = (uint8_t)(k * 37);
            p[1] = (uint8_t)(k * 91);
            p[2] = (uint8_t)(k * 13);
            p[3] = 255;
            if (with_alpha && (x < 8 || x >= W - 8))
                memset(p, 0, 4);
            if (x >= 10 + 3 * t && x < 18 + 3 * t && y >= 20 && y < 28) {
                p[0] = 255;
                p[1] = p[2] = 0;
                p[3] = 255;
            }
        }
}

typedef struct decoded {
    tu_decoded d;
    int ok;
} decoded;

/* Every frame decoded by giflow must equal the source, pixel for pixel
 * (transparent pixels compare as all-zero). */
static int frames_equal(const tu_decoded *d, uint8_t **src, int n)
{
    if ((int)d->nframes != n || d->image.canvas_width != W || d->image.canvas_height != H)
        return 0;
    for (int i = 0; i < n; i++)
        for (int p = 0; p < W * H; p++) {
            const uint8_t *a = d->frames[i].rgba + 4 * p, *b = src[i] + 4 * p;
            if (b[3] < 128 ? a[3] != 0 : memcmp(a, b, 3) || a[3] != 255)
                return 0;
        }
    return 1;
}

/* giflib reads the file and its images' indices map to the colours
 * giflow shows (for frames drawn as whole-canvas images only: frame 0). */
static int giflib_frame0(const buf *b, const uint8_t *src)
{
    tu_gifmem m;
    int err;
    GifFileType *g = tu_gif_open(&m, b->d, b->n, &err);
    if (!g || DGifSlurp(g) != GIF_OK) {
        if (g)
            DGifCloseFile(g, &err);
        return 0;
    }
    SavedImage *s = &g->SavedImages[0];
    ColorMapObject *cm = s->ImageDesc.ColorMap ? s->ImageDesc.ColorMap : g->SColorMap;
    GraphicsControlBlock gcb;
    gcb.TransparentColor = -1;
    DGifSavedExtensionToGCB(g, 0, &gcb);
    int ok = s->ImageDesc.Width == W && s->ImageDesc.Height == H && cm;
    for (int p = 0; ok && p < W * H; p++) {
        int i = s->RasterBits[p];
        const uint8_t *q = src + 4 * p;
        if (q[3] < 128)
            ok = i == gcb.TransparentColor;
        else
            ok = i != gcb.TransparentColor && i < cm->ColorCount &&
                 cm->Colors[i].Red == q[0] && cm->Colors[i].Green == q[1] &&
                 cm->Colors[i].Blue == q[2];
    }
    DGifCloseFile(g, &err);
    return ok;
}

/* The defaults, for a W x H canvas. */
static giflow_encode_options wh_options(void)
{
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    o.width = W;
    o.height = H;
    return o;
}

static giflow_encoder *start(buf *b, giflow_encode_options *o)
{
    giflow_encoder *e = giflow_encoder_new(NULL);
    giflow_encoder_set_output(e, put, b);
    TU_CHECK(giflow_encode_begin(e, o) == GIFLOW_OK, "begin");
    return e;
}

static void test_lossless(int with_alpha, int palette, const char *what)
{
    enum { N = 8 };
    uint8_t *src[N];
    buf b = {0};
    giflow_encode_options o = wh_options();
    o.palette = palette;
    o.lossless = 1;
    giflow_encoder *e = start(&b, &o);
    for (int t = 0; t < N; t++) {
        src[t] = malloc(W * H * 4);
        make_frame(src[t], t, with_alpha, 40);
        giflow_frame f = {0};
        f.rgba = src[t];
        f.delay_cs = 7;
        TU_CHECK(giflow_encode_frame(e, &f) == GIFLOW_OK, "%s frame %d", what, t);
    }
    TU_CHECK(giflow_encode_finish(e, -1) == GIFLOW_OK, "%s finish", what);
    giflow_encode_stats st;
    giflow_encoder_stats(e, &st);
    TU_CHECK(st.frames_out == N && st.lossless_frames == N, "%s: %u frames, %u lossless", what,
             st.frames_out, st.lossless_frames);
    giflow_encoder_free(e);

    tu_decoded d;
    tu_decode(b.d, b.n, 0, 0, 1, &d);
    TU_CHECK(d.status == GIFLOW_END, "%s: decode status %d", what, d.status);
    TU_CHECK(frames_equal(&d, src, N), "%s: frames differ from the source", what);
    /* Frame differencing: after the first, frames are small rectangles
     * around the moving square (3 px per frame + its 8 px size). */
    for (uint32_t i = 1; i < d.nframes; i++)
        TU_CHECK(d.frames[i].info.width <= 11 && d.frames[i].info.height == 8,
                 "%s: frame %u is %ux%u", what, i, d.frames[i].info.width,
                 d.frames[i].info.height);
    for (uint32_t i = 0; i < d.nframes; i++)
        TU_CHECK(d.frames[i].info.delay_cs == 7, "%s: delay %u", what, d.frames[i].info.delay_cs);
    tu_decoded_free(&d);
    TU_CHECK(giflib_frame0(&b, src[0]), "%s: giflib disagrees on frame 0", what);
    for (int t = 0; t < N; t++)
        free(src[t]);
    free(b.d);
}

/* A sprite over a transparent background: a pixel that was opaque in one
 * frame and is transparent in the next can only be cleared by disposal 2
 * of the earlier frame. */
static void test_moving_sprite_alpha(void)
{
    enum { N = 6 };
    uint8_t *src[N];
    buf b = {0};
    giflow_encode_options o = wh_options();
    giflow_encoder *e = start(&b, &o);
    for (int t = 0; t < N; t++) {
        src[t] = calloc(W * H, 4);
        for (int y = 10; y < 20; y++)
            for (int x = 5 * t; x < 5 * t + 10; x++) {
                uint8_t *p = src[t] + 4 * (y * W + x);
                p[1] = 200;
                p[3] = 255;
            }
        giflow_frame f = {0};
        f.rgba = src[t];
        f.delay_cs = 5;
        giflow_encode_frame(e, &f);
    }
    TU_CHECK(giflow_encode_finish(e, -1) == GIFLOW_OK, "finish");
    giflow_encoder_free(e);
    tu_decoded d;
    tu_decode(b.d, b.n, 0, 0, 1, &d);
    TU_CHECK(frames_equal(&d, src, N), "sprite over transparency differs");
    int clears = 0;
    for (uint32_t i = 0; i < d.nframes; i++)
        clears += d.frames[i].info.disposal == 2;
    TU_CHECK(clears >= N - 1, "disposal 2 used %d times", clears);
    tu_decoded_free(&d);
    for (int t = 0; t < N; t++)
        free(src[t]);
    free(b.d);
}

/* Durations of 33 ms: delays alternate 3 and 4 cs so that the total stays
 * exact (30 frames x 33 ms = 990 ms = 99 cs). Identical frames merge. */
static void test_timing(void)
{
    uint8_t *a = malloc(W * H * 4), *c = malloc(W * H * 4);
    make_frame(a, 0, 0, 10);
    make_frame(c, 1, 0, 10);
    buf b = {0};
    giflow_encode_options o = wh_options();
    giflow_encoder *e = start(&b, &o);
    for (int t = 0; t < 30; t++) {
        giflow_frame f = {0};
        f.rgba = t % 2 ? a : c;
        f.time_mode = GIFLOW_TIME_DURATION_MS;
        f.duration_ms = 33;
        giflow_encode_frame(e, &f);
    }
    giflow_encode_finish(e, -1);
    giflow_encode_stats st;
    giflow_encoder_stats(e, &st);
    TU_CHECK(st.duration_cs == 99, "total %llu cs, want 99", (unsigned long long)st.duration_cs);
    giflow_encoder_free(e);
    tu_decoded d;
    tu_decode(b.d, b.n, 0, 0, 0, &d);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < d.nframes; i++) {
        sum += d.frames[i].info.delay_cs;
        TU_CHECK(d.frames[i].info.delay_cs == 3 || d.frames[i].info.delay_cs == 4,
                 "delay %u", d.frames[i].info.delay_cs);
    }
    TU_CHECK(sum == 99 && d.nframes == 30, "decoded %u frames, %u cs", d.nframes, sum);
    tu_decoded_free(&d);
    free(b.d);

    /* 100 fps timestamps: 1 cs apart is below the 2 cs minimum browsers
     * honour, so every other frame is dropped and the total stays 2 s. */
    memset(&b, 0, sizeof b);
    e = start(&b, &o);
    uint8_t *moving = malloc(W * H * 4);
    for (int t = 0; t < 200; t++) {
        giflow_frame f = {0};
        make_frame(moving, t % 8, 0, 10); /* kept frames always differ */
        f.rgba = moving;
        f.time_mode = GIFLOW_TIME_TIMESTAMP_MS;
        f.timestamp_ms = 10 * t;
        giflow_encode_frame(e, &f);
    }
    giflow_encode_finish(e, 2000);
    giflow_encoder_stats(e, &st);
    TU_CHECK(st.duration_cs == 200 && st.frames_out == 100, "100 fps: %u frames, %llu cs",
             st.frames_out, (unsigned long long)st.duration_cs);
    giflow_encoder_free(e);
    free(b.d);
    free(moving);

    /* Delay mode: identical consecutive frames become one longer frame. */
    memset(&b, 0, sizeof b);
    e = start(&b, &o);
    for (int t = 0; t < 5; t++) {
        giflow_frame f = {0};
        f.rgba = t < 3 ? a : c;
        f.delay_cs = 10;
        giflow_encode_frame(e, &f);
    }
    giflow_encode_finish(e, -1);
    tu_decode(b.d, b.n, 0, 0, 0, &d);
    TU_CHECK(d.nframes == 2 && d.frames[0].info.delay_cs == 30 && d.frames[1].info.delay_cs == 20,
             "merged: %u frames", d.nframes);
    tu_decoded_free(&d);
    giflow_encoder_free(e);
    free(b.d);
    free(a);
    free(c);
}

/* Indexed input with its palette comes back exactly; the loop count and
 * comment are written. */
static void test_indexed_and_metadata(void)
{
    uint8_t idx[W * H], pal[12] = {0, 0, 0, 255, 255, 255, 10, 20, 30, 200, 100, 50};
    for (int i = 0; i < W * H; i++)
        idx[i] = (uint8_t)((i / 3 + i / W) % 4);
    buf b = {0};
    giflow_encode_options o = wh_options();
    o.loop_count = 3;
    o.comment = (const uint8_t *)"made by test_encode";
    o.comment_size = 19;
    giflow_encoder *e = start(&b, &o);
    giflow_frame f = {0};
    f.indices = idx;
    f.palette = pal;
    f.palette_size = 4;
    f.transparent_index = -1;
    f.delay_cs = 50;
    giflow_encode_frame(e, &f);
    giflow_encode_finish(e, -1);
    giflow_encoder_free(e);
    tu_decoded d;
    tu_decode(b.d, b.n, 0, 0, 1, &d);
    int ok = d.nframes == 1;
    for (int i = 0; ok && i < W * H; i++)
        ok = !memcmp(d.frames[0].rgba + 4 * i, pal + 3 * idx[i], 3);
    TU_CHECK(ok, "indexed frame differs");
    TU_CHECK(d.loop_count == 3, "loop %d", d.loop_count);
    tu_decoded_free(&d);
    TU_CHECK(b.n > 19 && memmem(b.d, b.n, "made by test_encode", 19) != NULL, "comment");
    free(b.d);
}

/* A frame with more than 256 colours is quantized, and --lossless refuses
 * it. The frame is a 2-D ramp: red in steps of 4 (64 values), green in
 * steps of 5 (48 values), blue fixed: 3,072 colours. Cutting it into 16x16
 * equal cells of 4x3 colours (256 entries) leaves per-channel variances of
 * 20 (red: 0,4,8,12) and 16.7 (green: 0,5,10), so MSE (20+16.7+0)/3 = 12.2,
 * PSNR 37.3 dB. A good quantizer does at least that well without dither. */
static void test_lossy(void)
{
    uint8_t *src = malloc(W * H * 4);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = src + 4 * (y * W + x);
            p[0] = (uint8_t)(x * 4);
            p[1] = (uint8_t)(y * 5);
            p[2] = 128;
            p[3] = 255;
        }
    for (int lossless = 0; lossless < 2; lossless++) {
        buf b = {0};
        giflow_encode_options o = wh_options();
        o.lossless = lossless;
        o.dither = GIFLOW_DITHER_NONE;
        o.palette = GIFLOW_PALETTE_LOCAL; /* all 256 entries for the frame */
        giflow_encoder *e = start(&b, &o);
        giflow_frame f = {0};
        f.rgba = src;
        int r = giflow_encode_frame(e, &f);
        if (r == GIFLOW_OK)
            r = giflow_encode_finish(e, -1);
        giflow_encoder_free(e);
        if (lossless) {
            TU_CHECK(r == GIFLOW_ERR_TOO_MANY_COLORS, "lossless refuses: %d", r);
        } else {
            tu_decoded d;
            tu_decode(b.d, b.n, 0, 0, 1, &d);
            double se = 0;
            for (int i = 0; d.nframes && i < W * H; i++)
                for (int k = 0; k < 3; k++) {
                    double diff = (double)d.frames[0].rgba[4 * i + k] - src[4 * i + k];
                    se += diff * diff;
                }
            double psnr = 10 * log10(255.0 * 255 / (se / (W * H * 3)));
            TU_CHECK(d.nframes == 1 && psnr >= 36.5, "lossy PSNR %.2f dB (bound 37.3)", psnr);
            tu_decoded_free(&d);
        }
        free(b.d);
    }
    free(src);
}

/* Temporal stability: a lossy clip (a smooth 3,072-colour field) whose left
 * half never changes while the right half moves. With every dither mode,
 * the decoded left half must be identical in all frames (no shimmer). */
static void test_temporal_stability(void)
{
    static const int modes[3] = {GIFLOW_DITHER_NONE, GIFLOW_DITHER_FS, GIFLOW_DITHER_ORDERED};
    uint8_t *src = malloc(W * H * 4);
    for (int m = 0; m < 3; m++) {
        buf b = {0};
        giflow_encode_options o = wh_options();
        o.dither = modes[m];
        giflow_encoder *e = start(&b, &o);
        for (int t = 0; t < 6; t++) {
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    uint8_t *p = src + 4 * (y * W + x);
                    int shift = x >= W / 2 ? 7 * t : 0;
                    p[0] = (uint8_t)(x * 4);
                    p[1] = (uint8_t)(y * 5);
                    p[2] = (uint8_t)((x + y + shift) * 3);
                    p[3] = 255;
                }
            giflow_frame f = {0};
            f.rgba = src;
            f.delay_cs = 5;
            giflow_encode_frame(e, &f);
        }
        giflow_encode_finish(e, -1);
        giflow_encoder_free(e);
        tu_decoded d;
        tu_decode(b.d, b.n, 0, 0, 1, &d);
        int stable = d.nframes == 6;
        for (uint32_t i = 1; stable && i < d.nframes; i++)
            for (int y = 0; stable && y < H; y++)
                stable = !memcmp(d.frames[i].rgba + 4 * y * W, d.frames[0].rgba + 4 * y * W,
                                 4 * (W / 2));
        TU_CHECK(stable, "dither mode %d: the still half changed", modes[m]);
        tu_decoded_free(&d);
        free(b.d);
    }
    free(src);
}

/* Lossy kept pixels: a background of 8 flat bands brightening by one level
 * per frame, and a moving square; every frame has few colours, so written
 * pixels are exact. With lossy N, every decoded pixel of every frame stays
 * within N (RMS over R, G, B) of its source: the drift never accumulates,
 * however many frames keep a pixel. And the file is smaller than without. */
static size_t lossy_clip(int lossy, int *worst_sq)
{
    enum { T = 40 };
    uint8_t *src = malloc((size_t)T * W * H * 4);
    for (int t = 0; t < T; t++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                uint8_t *p = src + 4 * ((size_t)t * W * H + y * W + x);
                int band = x / 8;
                p[0] = (uint8_t)(20 * band + t);
                p[1] = (uint8_t)(100 + 10 * band + t);
                p[2] = (uint8_t)(200 - 20 * band);
                p[3] = 255;
                if (x >= t && x < t + 8 && y >= 16 && y < 24)
                    p[0] = 255, p[1] = p[2] = 0;
            }
    buf b = {0};
    giflow_encode_options o = wh_options();
    o.lossy = lossy;
    giflow_encoder *e = start(&b, &o);
    for (int t = 0; t < T; t++) {
        giflow_frame f = {0};
        f.rgba = src + (size_t)t * W * H * 4;
        f.delay_cs = 4;
        TU_CHECK(giflow_encode_frame(e, &f) == GIFLOW_OK, "lossy %d: frame %d", lossy, t);
    }
    TU_CHECK(giflow_encode_finish(e, -1) == GIFLOW_OK, "lossy %d: finish", lossy);
    giflow_encoder_free(e);
    tu_decoded d;
    tu_decode(b.d, b.n, 0, 0, 1, &d);
    TU_CHECK(d.nframes == T, "lossy %d: %u frames", lossy, d.nframes);
    *worst_sq = 0;
    for (uint32_t t = 0; t < d.nframes; t++)
        for (int i = 0; i < W * H; i++) {
            int sq = 0;
            for (int k = 0; k < 3; k++) {
                int diff = d.frames[t].rgba[4 * i + k] - src[4 * ((size_t)t * W * H + i) + k];
                sq += diff * diff;
            }
            *worst_sq = sq > *worst_sq ? sq : *worst_sq;
        }
    tu_decoded_free(&d);
    free(src);
    free(b.d);
    return b.n;
}

static void test_lossy_bound(void)
{
    int worst0, worst6;
    size_t n0 = lossy_clip(0, &worst0), n6 = lossy_clip(6, &worst6);
    TU_CHECK(worst0 == 0, "lossy 0: not exact (worst squared error %d)", worst0);
    TU_CHECK(worst6 <= 3 * 6 * 6 && worst6 > 0, "lossy 6: worst squared error %d (bound 108)",
             worst6);
    TU_CHECK(n6 < n0 * 3 / 4, "lossy 6: %zu bytes, not much below %zu", n6, n0);
}

/* Lossy LZW on a noisy grey ramp (few enough colours to be exact) with a
 * moving square: every decoded pixel is within lossy_lzw levels (3 B^2
 * squared) of its source, the lossless run is exact, and the file is
 * smaller. */
static size_t lzw_clip(int lossy_lzw, int *worst_sq)
{
    enum { T = 20 };
    uint8_t *src = malloc((size_t)T * W * H * 4);
    uint32_t seed = 17;
    for (int t = 0; t < T; t++)
        for (int i = 0; i < W * H; i++) {
            uint8_t *p = src + 4 * ((size_t)t * W * H + i);
            int x = i % W, y = i / W;
            seed = seed * 1103515245u + 12345u;
            memset(p, 60 + x / 2 + (int)((seed >> 16) % 5) - 2, 3);
            p[3] = 255;
            if (t && x >= 2 * t && x < 2 * t + 10 && y >= 10 && y < 20)
                memset(p, 220, 3);
            else if (t) /* the background holds still */
                memcpy(p, src + 4 * i, 3);
        }
    buf b = {0};
    giflow_encode_options o = wh_options();
    o.lossy_lzw = lossy_lzw;
    o.denoise = 0;
    giflow_encoder *e = start(&b, &o);
    for (int t = 0; t < T; t++) {
        giflow_frame f = {0};
        f.rgba = src + (size_t)t * W * H * 4;
        f.delay_cs = 4;
        TU_CHECK(giflow_encode_frame(e, &f) == GIFLOW_OK, "lossy_lzw %d: frame %d", lossy_lzw, t);
    }
    TU_CHECK(giflow_encode_finish(e, -1) == GIFLOW_OK, "lossy_lzw %d: finish", lossy_lzw);
    giflow_encoder_free(e);
    tu_decoded d;
    tu_decode(b.d, b.n, 0, 0, 1, &d);
    TU_CHECK(d.nframes == T, "lossy_lzw %d: %u frames", lossy_lzw, d.nframes);
    *worst_sq = -1;
    for (uint32_t t = 0; t < d.nframes; t++)
        for (int i = 0; i < W * H; i++) {
            int sq = 0;
            for (int k = 0; k < 3; k++) {
                int diff = d.frames[t].rgba[4 * i + k] - src[4 * ((size_t)t * W * H + i) + k];
                sq += diff * diff;
            }
            *worst_sq = sq > *worst_sq ? sq : *worst_sq;
        }
    tu_decoded_free(&d);
    free(src);
    free(b.d);
    return b.n;
}

static void test_lossy_lzw(void)
{
    int worst0, worst4;
    size_t n0 = lzw_clip(0, &worst0), n4 = lzw_clip(4, &worst4);
    TU_CHECK(worst0 == 0, "lossy_lzw 0: not exact (worst squared error %d)", worst0);
    TU_CHECK(worst4 <= 3 * 4 * 4 && worst4 > 0, "lossy_lzw 4: worst squared error %d (bound 48)",
             worst4);
    TU_CHECK(n4 < n0 * 4 / 5, "lossy_lzw 4: %zu bytes, not much below %zu", n4, n0);
}

/* The quality knob: 95 is the defaults, the anchors hold, the tools grow
 * monotonically as quality falls, bad values change nothing, and a 0.1
 * sized struct gets only its own fields written. */
static void test_quality(void)
{
    giflow_encode_options d, o;
    giflow_encode_options_default(&d);
    o = d;
    TU_CHECK(giflow_encode_options_quality(&o, 95) == GIFLOW_OK && !memcmp(&o, &d, sizeof o),
             "quality 95 is not the defaults");
    TU_CHECK(giflow_encode_options_quality(&o, 50) == GIFLOW_OK && o.denoise == 55 &&
                 o.lossy_lzw == 8 && o.lossy == 10 && o.max_colors == 128,
             "quality 50: %d %d %d %u", o.denoise, o.lossy_lzw, o.lossy, o.max_colors);
    giflow_encode_options p = d;
    int mono = 1;
    for (int q = 100; q >= 1; q--) {
        o = d;
        mono &= giflow_encode_options_quality(&o, q) == GIFLOW_OK;
        mono &= q == 100 || (o.denoise >= p.denoise && o.lossy_lzw >= p.lossy_lzw &&
                             o.lossy >= p.lossy && o.max_colors <= p.max_colors);
        p = o;
    }
    TU_CHECK(mono && p.denoise == 100 && p.max_colors == 16, "not monotonic");
    o = d;
    TU_CHECK(giflow_encode_options_quality(&o, 0) == GIFLOW_ERR_ARG &&
                 giflow_encode_options_quality(&o, 101) == GIFLOW_ERR_ARG &&
                 giflow_encode_options_quality(NULL, 50) == GIFLOW_ERR_ARG &&
                 !memcmp(&o, &d, sizeof o),
             "bad quality accepted or applied");
    unsigned char old[sizeof(giflow_encode_options) + 16];
    size_t v0 = offsetof(giflow_encode_options, denoise);
    memset(old, 0xAB, sizeof old);
    giflow_encode_options_init_size((giflow_encode_options *)old, v0);
    TU_CHECK(giflow_encode_options_quality((giflow_encode_options *)old, 30) == GIFLOW_OK &&
                 ((giflow_encode_options *)old)->max_colors == 64 && old[v0] == 0xAB &&
                 old[sizeof old - 1] == 0xAB,
             "a 0.1-sized struct was written past its size");
}

/* tune: GIFLOW_TUNE_SSIM gives a smooth area more of the palette than a
 * busy one. Left half: a dark gradient (about 600 colours, steps of one
 * level); right half: random colours. With 32 local colours, the tuned
 * palette's squared error over the gradient (decoded by giflow, against
 * the source) must be well below the plain one's; out-of-range values are
 * refused and the default is PSNR. */
static double tune_clip(int tune, const uint8_t *src)
{
    buf b = {0};
    giflow_encode_options o = wh_options();
    o.tune = tune;
    o.max_colors = 32;
    o.palette = GIFLOW_PALETTE_LOCAL;
    giflow_encoder *e = start(&b, &o);
    giflow_frame f = {0};
    f.rgba = src;
    TU_CHECK(giflow_encode_frame(e, &f) == GIFLOW_OK && giflow_encode_finish(e, -1) == GIFLOW_OK,
             "tune %d: encode", tune);
    giflow_encoder_free(e);
    tu_decoded d;
    tu_decode(b.d, b.n, 0, 0, 1, &d);
    double se = 0;
    for (int y = 0; d.nframes && y < H; y++)
        for (int x = 0; x < W / 2; x++)
            for (int k = 0; k < 3; k++) {
                double diff = (double)d.frames[0].rgba[4 * (y * W + x) + k] - src[4 * (y * W + x) + k];
                se += diff * diff;
            }
    TU_CHECK(d.nframes == 1, "tune %d: %u frames", tune, d.nframes);
    tu_decoded_free(&d);
    free(b.d);
    return se / (H * (W / 2) * 3);
}

static void test_tune(void)
{
    uint8_t *src = malloc(W * H * 4);
    uint32_t seed = 12345;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = src + 4 * (y * W + x);
            seed = seed * 1103515245u + 12345u;
            if (x < W / 2) {
                p[0] = (uint8_t)(10 + x / 4);
                p[1] = (uint8_t)(20 + y / 3);
                p[2] = (uint8_t)(60 + (x + y) / 5);
            } else {
                p[0] = (uint8_t)(seed >> 24);
                p[1] = (uint8_t)(seed >> 16);
                p[2] = (uint8_t)(seed >> 8);
            }
            p[3] = 255;
        }
    double plain = tune_clip(GIFLOW_TUNE_PSNR, src), tuned = tune_clip(GIFLOW_TUNE_SSIM, src);
    TU_CHECK(tuned < 0.5 * plain, "gradient error: tuned %g, plain %g", tuned, plain);
    giflow_encode_options o = wh_options();
    TU_CHECK(o.tune == GIFLOW_TUNE_PSNR, "default tune %d", o.tune);
    const int bad[] = {-1, 2};
    for (int i = 0; i < 2; i++) {
        o.tune = bad[i];
        giflow_encoder *e = giflow_encoder_new(NULL);
        TU_CHECK(giflow_encode_begin(e, &o) == GIFLOW_ERR_ARG, "tune %d accepted", bad[i]);
        giflow_encoder_free(e);
    }
    free(src);
}

/* A failing output callback stops the encoder with a sticky I/O error. */
static void test_write_failure(void)
{
    uint8_t *src = malloc(W * H * 4);
    make_frame(src, 0, 0, 30);
    buf b = {0};
    b.fail_after = 100;
    giflow_encode_options o = wh_options();
    giflow_encoder *e = start(&b, &o);
    giflow_frame f = {0};
    f.rgba = src;
    giflow_encode_frame(e, &f);
    int r = giflow_encode_finish(e, -1);
    TU_CHECK(r == GIFLOW_ERR_IO, "write failure: %d", r);
    TU_CHECK(giflow_encode_frame(e, &f) == GIFLOW_ERR_IO, "sticky");
    giflow_encoder_free(e);
    free(b.d);
    free(src);
}

/* Memory does not grow with the number of frames. */
static void test_flat_memory(void)
{
    uint8_t *src = malloc(W * H * 4);
    size_t peaks[2];
    for (int k = 0; k < 2; k++) {
        giflow_encoder *e = giflow_encoder_new(NULL);
        giflow_encoder_set_output_memory(e);
        giflow_encode_options o = wh_options();
        giflow_encode_begin(e, &o);
        int n = k ? 400 : 20;
        for (int t = 0; t < n; t++) {
            make_frame(src, t % 16, 0, 50);
            giflow_frame f = {0};
            f.rgba = src;
            f.delay_cs = 4;
            giflow_encode_frame(e, &f);
        }
        giflow_encode_finish(e, -1);
        size_t out;
        giflow_encoder_output(e, &out);
        giflow_encode_stats st;
        giflow_encoder_stats(e, &st);
        /* The memory output buffer grows with the file; the rest does not. */
        peaks[k] = st.peak_heap - out;
        giflow_encoder_free(e);
    }
    TU_CHECK(peaks[1] <= peaks[0] + peaks[0] / 10 + 65536 * 4,
             "peak heap (without the output) %zu for 20 frames, %zu for 400", peaks[0], peaks[1]);
    free(src);
}

/* Row streaming: rows in, one row at a time, memory independent of the
 * height. Exact colours come back exactly; the lossy ramp meets the same
 * hand-derived bound as whole frames (37.3 dB, see test_lossy). */
static void rows_image(uint8_t *row, int w, int y, int kind)
{
    for (int x = 0; x < w; x++) {
        uint8_t *p = row + 4 * x;
        if (kind != 1) { /* 48 colours */
            p[0] = (uint8_t)((x / 7) % 6 * 50);
            p[1] = (uint8_t)((y / 5) % 8 * 30);
            p[2] = 77;
        } else { /* the 2-D ramp, tiled */
            p[0] = (uint8_t)(x % 64 * 4);
            p[1] = (uint8_t)(y % 48 * 5);
            p[2] = 128;
        }
        p[3] = kind == 2 && x < 10 ? 0 : 255;
    }
}

static size_t rows_encode(buf *b, int w, int h, int kind, int dither, int sample)
{
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    o.width = (uint32_t)w;
    o.height = (uint32_t)h;
    o.row_streaming = 1;
    o.dither = dither;
    giflow_encoder *e = giflow_encoder_new(NULL);
    giflow_encoder_set_output(e, put, b);
    giflow_encode_begin(e, &o);
    uint8_t *row = malloc((size_t)w * 4);
    /* First pass: every row (or none, to see the error). */
    for (int y = 0; sample && y < h; y++) {
        rows_image(row, w, y, kind);
        giflow_encode_sample_rows(e, row, 1, 0);
    }
    giflow_frame f = {0};
    f.delay_cs = 0;
    int r = giflow_encode_rows_begin(e, &f);
    for (int y = 0; r == GIFLOW_OK && y < h; y++) {
        rows_image(row, w, y, kind);
        r = giflow_encode_rows(e, row, 1, 0);
    }
    if (r == GIFLOW_OK)
        r = giflow_encode_rows_end(e);
    if (r == GIFLOW_OK)
        r = giflow_encode_finish(e, -1);
    giflow_encode_stats st;
    giflow_encoder_stats(e, &st);
    giflow_encoder_free(e);
    free(row);
    return r == GIFLOW_OK ? st.peak_heap : 0;
}

static void test_rows(void)
{
    enum { RW = 256, RH = 96 };
    uint8_t *row = malloc(RW * 4);
    for (int kind = 0; kind < 3; kind++) {
        buf b = {0};
        size_t peak = rows_encode(&b, RW, RH, kind, kind ? GIFLOW_DITHER_NONE : GIFLOW_DITHER_FS, 1);
        tu_decoded d;
        tu_decode(b.d, b.n, 0, 0, 1, &d);
        int ok = peak && d.status == GIFLOW_END && d.nframes == 1;
        double se = 0;
        int exact = 1;
        for (int y = 0; ok && y < RH; y++) {
            rows_image(row, RW, y, kind);
            for (int x = 0; x < RW; x++) {
                const uint8_t *a = d.frames[0].rgba + 4 * (y * RW + x), *s0 = row + 4 * x;
                if (s0[3] == 0) {
                    exact &= a[3] == 0;
                    continue;
                }
                for (int k = 0; k < 3; k++) {
                    double diff = (double)a[k] - s0[k];
                    se += diff * diff;
                    exact &= a[k] == s0[k];
                }
            }
        }
        if (kind != 1)
            TU_CHECK(ok && exact, "rows kind %d: not exact", kind);
        else
            TU_CHECK(ok && 10 * log10(255.0 * 255 / (se / (RW * RH * 3))) >= 36.5,
                     "rows ramp PSNR %.2f", 10 * log10(255.0 * 255 / (se / (RW * RH * 3))));
        tu_decoded_free(&d);
        free(b.d);
    }
    /* Without a palette there is nothing to quantize with. */
    buf b = {0};
    TU_CHECK(rows_encode(&b, RW, RH, 0, GIFLOW_DITHER_FS, 0) == 0, "rows without palette");
    free(b.d);
    /* A tall image: heap is rows + fixed state, far below one canvas. */
    memset(&b, 0, sizeof b);
    size_t peak = rows_encode(&b, 2048, 4096, 1, GIFLOW_DITHER_FS, 1);
    TU_CHECK(peak > 0 && peak < 4u << 20, "rows peak heap %zu for a 32 MB canvas", peak);
    free(b.d);
    free(row);
}

/* A caller's 256-entry palette in rows mode keeps every entry when the
 * rows cannot be transparent (alpha_threshold 0) or the sampled rows
 * showed no transparency: each pixel comes back with its exact colour,
 * entry 255's included (no slot is taken for transparency). */
static void test_rows_caller_palette(void)
{
    enum { PW = 256, PH = 8 };
    uint8_t pal[768], row[PW * 4];
    for (int i = 0; i < 256; i++) {
        pal[3 * i] = (uint8_t)i;
        pal[3 * i + 1] = (uint8_t)(255 - i);
        pal[3 * i + 2] = (uint8_t)(i * 7);
    }
    for (int sample = 0; sample < 2; sample++) {
        giflow_encode_options o;
        giflow_encode_options_default(&o);
        o.width = PW;
        o.height = PH;
        o.row_streaming = 1;
        o.global_palette = pal;
        o.global_palette_size = 256;
        o.alpha_threshold = sample ? 128 : 0;
        buf b = {0};
        giflow_encoder *e = giflow_encoder_new(NULL);
        giflow_encoder_set_output(e, put, &b);
        int r = giflow_encode_begin(e, &o);
        for (int pass = sample ? 0 : 1; pass < 2; pass++) {
            giflow_frame f = {0};
            if (pass == 1 && r == GIFLOW_OK)
                r = giflow_encode_rows_begin(e, &f);
            for (int y = 0; y < PH && r == GIFLOW_OK; y++) {
                for (int x = 0; x < PW; x++) {
                    memcpy(row + 4 * x, pal + 3 * ((x + y) % 256), 3);
                    row[4 * x + 3] = 255;
                }
                r = pass ? giflow_encode_rows(e, row, 1, 0) : giflow_encode_sample_rows(e, row, 1, 0);
            }
        }
        if (r == GIFLOW_OK)
            r = giflow_encode_rows_end(e);
        if (r == GIFLOW_OK)
            r = giflow_encode_finish(e, -1);
        giflow_encoder_free(e);
        tu_decoded d;
        tu_decode(b.d, b.n, 0, 0, 1, &d);
        int exact = r == GIFLOW_OK && d.status == GIFLOW_END && d.nframes == 1;
        for (int y = 0; exact && y < PH; y++)
            for (int x = 0; x < PW; x++) {
                const uint8_t *a = d.frames[0].rgba + 4 * (y * PW + x);
                exact &= !memcmp(a, pal + 3 * ((x + y) % 256), 3) && a[3] == 255;
            }
        TU_CHECK(exact, "rows, caller's 256 colours (%s): not exact",
                 sample ? "sampled" : "alpha_threshold 0");
        tu_decoded_free(&d);
        free(b.d);
    }
}

int main(void)
{
    test_lossless(0, GIFLOW_PALETTE_AUTO, "opaque/auto");
    test_lossless(0, GIFLOW_PALETTE_LOCAL, "opaque/local");
    test_lossless(1, GIFLOW_PALETTE_AUTO, "alpha/auto");
    test_moving_sprite_alpha();
    test_timing();
    test_indexed_and_metadata();
    test_lossy();
    test_lossy_bound();
    test_lossy_lzw();
    test_quality();
    test_tune();
    test_write_failure();
    test_temporal_stability();
    test_rows();
    test_rows_caller_palette();
    test_flat_memory();
    printf("test_encode: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
