/*
 * Composition by the browser model (docs/browser-model.md), through the
 * public API, on small hand-built GIFs whose expected pixels are worked
 * out by hand in the comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gifbuild.h"
#include "testutil.h"

/* Palette: 0 black, 1 red, 2 green, 3 blue. */
static const uint8_t pal4[12] = {0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255};

#define T 0x00000000u /* transparent black */
#define K 0xFF000000u /* opaque black */
#define R 0xFF0000FFu /* red as bytes R,G,B,A read little-endian */
#define G 0xFF00FF00u
#define B 0xFFFF0000u

static uint32_t px_at(const tu_frame *f, uint32_t cw, uint32_t x, uint32_t y)
{
    const uint8_t *p = f->rgba + ((size_t)y * cw + x) * 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Checks a whole frame against want[] (row-major, cw*ch words). */
static void check_frame(const tu_decoded *d, uint32_t i, const uint32_t *want, const char *what)
{
    if (i >= d->nframes) {
        TU_CHECK(0, "%s: frame %u missing (%u frames)", what, i, d->nframes);
        return;
    }
    uint32_t cw = d->image.canvas_width, ch = d->image.canvas_height;
    for (uint32_t y = 0; y < ch; y++)
        for (uint32_t x = 0; x < cw; x++) {
            uint32_t got = px_at(&d->frames[i], cw, x, y);
            if (got != want[y * cw + x]) {
                TU_CHECK(0, "%s: frame %u pixel %u,%u: got %08x want %08x", what, i, x, y,
                         got, want[y * cw + x]);
                return;
            }
        }
}

static void image(tb_buf *b, unsigned x, unsigned y, unsigned w, unsigned h, const uint8_t *px)
{
    tb_image im = {x, y, w, h, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(b, &im, px);
}

static void decode(tb_buf *b, tu_decoded *d)
{
    tb_trailer(b);
    tu_decode(b->data, b->len, 0, 0, 1, d);
    TU_CHECK(d->status == GIFLOW_END, "status %d", d->status);
}

/* 3x1 canvas. Frame 0 fills red, red, red. Frame 1 (disposal 2, with no
 * transparency) draws green at x=1. Frame 2 draws blue at x=2 with index 0
 * transparent at x=0: after frame 1's disposal, x=1 is transparent again. */
static void test_disposal_background(void)
{
    tb_buf b = {0};
    tb_header(&b, 3, 1, pal4, 4, 2); /* background index 2 is never painted */
    uint8_t f0[3] = {1, 1, 1}, f1[1] = {2}, f2[3] = {0, 0, 3};
    image(&b, 0, 0, 3, 1, f0);
    tb_gce(&b, 2, 0, -1);
    image(&b, 1, 0, 1, 1, f1);
    tb_gce(&b, 0, 0, 0);
    image(&b, 0, 0, 3, 1, f2);
    tu_decoded d;
    decode(&b, &d);
    const uint32_t w0[] = {R, R, R}, w1[] = {R, G, R}, w2[] = {R, T, B};
    check_frame(&d, 0, w0, "dispose2");
    check_frame(&d, 1, w1, "dispose2");
    check_frame(&d, 2, w2, "dispose2");
    tu_decoded_free(&d);
    tb_free(&b);
}

/* Restore previous, chained, and on the first frame. 2x1 canvas.
 * Frame 0 (disposal 3) draws red, red -> shown R R, then restored to T T.
 * Frame 1 (disposal 1) draws green at x=0 -> G T.
 * Frame 2 (disposal 3) draws blue at x=1 -> G B, restored to G T.
 * Frame 3 (disposal 4, same as 3) draws red at x=0 -> R T, restored: G T.
 * Frame 4 (disposal 5: keep) draws blue at x=1 -> G B. */
static void test_disposal_previous(void)
{
    tb_buf b = {0};
    tb_header(&b, 2, 1, pal4, 4, 0);
    uint8_t rr[2] = {1, 1}, g[1] = {2}, bl[1] = {3}, r1[1] = {1};
    tb_gce(&b, 3, 0, -1);
    image(&b, 0, 0, 2, 1, rr);
    tb_gce(&b, 1, 0, -1);
    image(&b, 0, 0, 1, 1, g);
    tb_gce(&b, 3, 0, -1);
    image(&b, 1, 0, 1, 1, bl);
    tb_gce(&b, 4, 0, -1);
    image(&b, 0, 0, 1, 1, r1);
    tb_gce(&b, 5, 0, -1);
    image(&b, 1, 0, 1, 1, bl);
    tu_decoded d;
    decode(&b, &d);
    const uint32_t w0[] = {R, R}, w1[] = {G, T}, w2[] = {G, B}, w3[] = {R, T}, w4[] = {G, B};
    check_frame(&d, 0, w0, "previous");
    check_frame(&d, 1, w1, "previous");
    check_frame(&d, 2, w2, "previous");
    check_frame(&d, 3, w3, "previous");
    check_frame(&d, 4, w4, "previous");
    TU_CHECK(d.nframes == 5 && d.frames[3].info.restore_bytes == 4,
             "restore_bytes %zu", d.nframes == 5 ? d.frames[3].info.restore_bytes : 0);
    tu_decoded_free(&d);
    tb_free(&b);
}

/* Indices beyond the palette and a missing palette are opaque black; the
 * transparent index leaves the transparent start visible on frame 0, even
 * when it is beyond the palette. 4x1 canvas, 2-entry global palette. */
static void test_out_of_range(void)
{
    static const uint8_t pal2[6] = {0, 0, 255, 255, 0, 0}; /* blue, red */
    tb_buf b = {0};
    tb_header(&b, 4, 1, pal2, 2, 0);
    uint8_t f0[4] = {0, 1, 2, 3};
    tb_gce(&b, 0, 0, 3);
    image(&b, 0, 0, 4, 1, f0);
    tu_decoded d;
    decode(&b, &d);
    const uint32_t w0[] = {B, R, K, T};
    check_frame(&d, 0, w0, "out of range");
    tu_decoded_free(&d);
    tb_free(&b);

    tb_buf c = {0};
    tb_header(&c, 2, 1, NULL, 0, 0); /* no global palette, no local one */
    uint8_t f1[2] = {0, 3};
    image(&c, 0, 0, 2, 1, f1);
    decode(&c, &d);
    const uint32_t w1[] = {K, K};
    check_frame(&d, 0, w1, "no palette");
    tu_decoded_free(&d);
    tb_free(&c);
}

/* Last graphic control before an image wins; it applies to that image
 * only, so the next image has delay 0, disposal 0, no transparency. */
static void test_gce_scope(void)
{
    tb_buf b = {0};
    tb_header(&b, 1, 1, pal4, 4, 0);
    uint8_t p0[1] = {1}, p1[1] = {0};
    tb_gce(&b, 2, 77, -1);
    tb_gce(&b, 1, 300, 0);
    image(&b, 0, 0, 1, 1, p0);
    image(&b, 0, 0, 1, 1, p1);
    tu_decoded d;
    decode(&b, &d);
    TU_CHECK(d.nframes == 2, "frames %u", d.nframes);
    if (d.nframes == 2) {
        const giflow_frame_info *a = &d.frames[0].info, *c = &d.frames[1].info;
        TU_CHECK(a->delay_cs == 300 && a->disposal == 1 && a->transparent_index == 0,
                 "last gce: delay %u disposal %d trans %d", a->delay_cs, a->disposal,
                 a->transparent_index);
        TU_CHECK(c->delay_cs == 0 && c->disposal == 0 && c->transparent_index == -1,
                 "gce scope: delay %u disposal %d trans %d", c->delay_cs, c->disposal,
                 c->transparent_index);
        /* Delay 0 and 1 cs play as 100 ms; 300 cs as 3000 ms. */
        TU_CHECK(a->played_delay_ms == 3000 && c->played_delay_ms == 100, "played %u %u",
                 a->played_delay_ms, c->played_delay_ms);
        const uint32_t w1[] = {K};
        check_frame(&d, 1, w1, "second image opaque");
    }
    tu_decoded_free(&d);
    tb_free(&b);
}

/* The canvas grows to hold the first frame only; later frames are clipped.
 * Screen 2x1; frame 0 is 3x2 at 0,0 -> canvas 3x2. Frame 1 is 2x1 at 2,1:
 * only its left pixel lands (x=2, y=1). */
static void test_canvas_growth(void)
{
    tb_buf b = {0};
    tb_header(&b, 2, 1, pal4, 4, 0);
    uint8_t f0[6] = {1, 1, 1, 1, 1, 1}, f1[2] = {2, 3};
    image(&b, 0, 0, 3, 2, f0);
    image(&b, 2, 1, 2, 1, f1);
    tu_decoded d;
    decode(&b, &d);
    TU_CHECK(d.image.canvas_width == 3 && d.image.canvas_height == 2 &&
                 d.image.screen_width == 2 && d.image.screen_height == 1,
             "canvas %ux%u", d.image.canvas_width, d.image.canvas_height);
    const uint32_t w1[] = {R, R, R, R, R, G};
    check_frame(&d, 1, w1, "clip");
    if (d.nframes == 2)
        TU_CHECK(d.frames[1].info.clip_width == 1 && d.frames[1].info.clip_height == 1,
                 "clip rect %ux%u", d.frames[1].info.clip_width, d.frames[1].info.clip_height);
    tu_decoded_free(&d);
    tb_free(&b);
}

/* A local palette replaces the global one for its frame only. */
static void test_local_palette(void)
{
    static const uint8_t lct[6] = {0, 255, 0, 0, 0, 255}; /* green, blue */
    tb_buf b = {0};
    tb_header(&b, 2, 1, pal4, 4, 0);
    uint8_t f[2] = {0, 1};
    tb_image im = {0, 0, 2, 1, lct, 2, 0, 2, 0, {0}};
    tb_image_data(&b, &im, f);
    image(&b, 0, 0, 2, 1, f);
    tu_decoded d;
    decode(&b, &d);
    const uint32_t w0[] = {G, B}, w1[] = {K, R};
    check_frame(&d, 0, w0, "local palette");
    check_frame(&d, 1, w1, "global after local");
    tu_decoded_free(&d);
    tb_free(&b);
}

/* Cut short inside frame 1: frame 0 stands, frame 1 reports an error and
 * the rows that did decode are drawn; fed whole or byte by byte alike. */
static void test_truncated(void)
{
    enum { W = 8, H = 8 };
    uint8_t f0[W * H], f1[W * H];
    memset(f0, 1, sizeof f0);
    for (int i = 0; i < W * H; i++)
        f1[i] = (uint8_t)(2 + (i / W) % 2);
    tb_buf b = {0};
    tb_header(&b, W, H, pal4, 4, 0);
    tb_image im = {0, 0, W, H, NULL, 0, 0, 2, 0, {.literal_only = 1}};
    tb_image_data(&b, &im, f0);
    size_t frame1_at = b.len;
    tb_image_data(&b, &im, f1);
    /* Literal-only 3-bit codes: 8 pixels per 3 bytes. Keep about 3 rows of
     * frame 1: descriptor 10 bytes, code size 1, sub-block length 1. */
    size_t cut = frame1_at + 10 + 1 + 1 + 10;
    for (int chunked = 0; chunked < 2; chunked++) {
        tu_decoded d;
        tu_decode(b.data, cut, chunked, 0, 1, &d);
        TU_CHECK(d.nframes == 2 && d.frames[0].status == GIFLOW_FRAME_END &&
                     d.frames[1].status == GIFLOW_ERR_TRUNCATED,
                 "truncated (chunked %d): %u frames", chunked, d.nframes);
        if (d.nframes == 2) {
            /* Row 0 of frame 1 is complete: green; the last row still red. */
            TU_CHECK(px_at(&d.frames[1], W, 3, 0) == G && px_at(&d.frames[1], W, 3, H - 1) == R,
                     "partial rows drawn");
        }
        tu_decoded_free(&d);
    }
    tb_free(&b);
}

/* The zero-delay grouping option draws images with no delay into the
 * following frame (pygif / gdk-pixbuf model). */
static void test_merge_zero_delay(void)
{
    tb_buf b = {0};
    tb_header(&b, 2, 1, pal4, 4, 0);
    uint8_t r1[1] = {1}, g1[1] = {2};
    tb_gce(&b, 0, 0, -1);
    image(&b, 0, 0, 1, 1, r1);
    tb_gce(&b, 0, 25, -1);
    image(&b, 1, 0, 1, 1, g1);
    tb_gce(&b, 0, 0, -1);
    image(&b, 1, 0, 1, 1, r1);
    tb_trailer(&b);
    tu_decoded d;
    tu_decode(b.data, b.len, 1, GIFLOW_FLAG_MERGE_ZERO_DELAY, 1, &d);
    TU_CHECK(d.status == GIFLOW_END && d.nframes == 2, "merged: %u frames", d.nframes);
    const uint32_t w0[] = {R, G}, w1[] = {R, R};
    check_frame(&d, 0, w0, "merged group");
    check_frame(&d, 1, w1, "last image alone");
    tu_decoded_free(&d);
    tu_decode(b.data, b.len, 0, 0, 1, &d);
    TU_CHECK(d.nframes == 3, "unmerged: %u frames", d.nframes);
    tu_decoded_free(&d);
    tb_free(&b);
}

/* Without the working buffer (GIFLOW_FLAG_SMALL_MEMORY), frames that lie
 * inside the canvas are decoded by copying strings from the frame's own
 * earlier output, transparent pixels marked in the canvas's alpha while the
 * frame decodes (lzw_copy.c). The default mode (a flat table and a pixel
 * pass, code shared with neither) is the reference: every frame, whole
 * and chunked, must match it, and no alpha other than 0 or 255 may show. */
static void compare_small_memory(const tb_buf *b, const char *what)
{
    tu_decoded ref, got;
    tu_decode(b->data, b->len, 0, 0, 1, &ref);
    for (int chunk = 0; chunk < 2; chunk++) {
        tu_decode(b->data, b->len, chunk ? 7 : 0, GIFLOW_FLAG_SMALL_MEMORY, 1, &got);
        TU_CHECK(got.nframes == ref.nframes && got.status == ref.status,
                 "%s (chunk %d): %u frames status %d, want %u and %d", what, chunk,
                 got.nframes, got.status, ref.nframes, ref.status);
        size_t bytes = (size_t)ref.image.canvas_width * ref.image.canvas_height * 4;
        for (uint32_t i = 0; i < got.nframes && i < ref.nframes; i++) {
            TU_CHECK(got.frames[i].status == ref.frames[i].status, "%s: frame %u status", what, i);
            TU_CHECK(memcmp(got.frames[i].rgba, ref.frames[i].rgba, bytes) == 0,
                     "%s (chunk %d): frame %u differs from the default mode", what, chunk, i);
            for (size_t k = 3; k < bytes; k += 4)
                if (got.frames[i].rgba[k] != 0 && got.frames[i].rgba[k] != 255) {
                    TU_CHECK(0, "%s: frame %u: alpha %u left at byte %zu", what, i,
                             got.frames[i].rgba[k], k);
                    break;
                }
        }
        tu_decoded_free(&got);
    }
    tu_decoded_free(&ref);
}

/* The same for b cut short at from, from + step, ... below end. */
static void compare_truncated(const tb_buf *b, size_t from, size_t end, size_t step,
                              const char *what)
{
    for (size_t cut = from; cut < end; cut += step) {
        tb_buf t = {0};
        tb_bytes(&t, b->data, cut);
        compare_small_memory(&t, what);
        tb_free(&t);
    }
}

static void frame_at(tb_buf *b, unsigned x, unsigned y, unsigned w, unsigned h, int interlaced,
                     const uint8_t *px)
{
    tb_image im = {x, y, w, h, NULL, 0, interlaced, 2, 0, {0}};
    tb_image_data(b, &im, px);
}

static void test_small_memory_copy(void)
{
    enum { W = 12, H = 10 };
    uint8_t f0[W * H], f1[7 * 5], f2[W * 4], f3[9 * 7], f4[W * H], f5[6 * 6];
    for (int i = 0; i < W * H; i++)
        f0[i] = (uint8_t)((i * 7) % 3 + 1);
    /* Transparent pixels (0) inside repeated strings, which the encoder
     * then codes as table strings that cross the frame's rows. */
    for (int i = 0; i < 7 * 5; i++)
        f1[i] = (uint8_t)(i % 5 < 2 ? 0 : 1 + i % 3);
    /* Full width (rows contiguous on the canvas); transparent 3, runs. */
    for (int i = 0; i < W * 4; i++)
        f2[i] = (uint8_t)(i % 9 < 4 ? 3 : i % 9 == 4 ? 1 : 2);
    /* Interlaced, transparent 2. */
    for (int i = 0; i < 9 * 7; i++)
        f3[i] = (uint8_t)((i / 3) % 4);
    /* Interlaced, opaque. */
    for (int i = 0; i < W * H; i++)
        f4[i] = (uint8_t)(i % 4 == 3 ? 1 : (i / W) % 3);
    /* Over the transparent hole f4's disposal leaves: transparent 0. */
    for (int i = 0; i < 6 * 6; i++)
        f5[i] = (uint8_t)(i % 6 < 3 ? 0 : 3);

    tb_buf b = {0};
    tb_header(&b, W, H, pal4, 4, 0);
    frame_at(&b, 0, 0, W, H, 0, f0);
    tb_gce(&b, 0, 0, 0);
    frame_at(&b, 3, 2, 7, 5, 0, f1);
    tb_gce(&b, 0, 0, 3);
    frame_at(&b, 0, 3, W, 4, 0, f2);
    tb_gce(&b, 0, 0, 2);
    frame_at(&b, 1, 1, 9, 7, 1, f3);
    tb_gce(&b, 2, 0, -1);
    frame_at(&b, 0, 0, W, H, 1, f4);
    size_t last_at = b.len;
    tb_gce(&b, 0, 0, 0);
    frame_at(&b, 2, 2, 6, 6, 0, f5);
    size_t end = b.len;
    tb_trailer(&b);

    tu_decoded d;
    tu_decode(b.data, b.len, 0, GIFLOW_FLAG_SMALL_MEMORY, 1, &d);
    TU_CHECK(d.status == GIFLOW_END && d.nframes == 6, "small memory: %u frames", d.nframes);
    if (d.nframes >= 2) {
        /* f1's first pixel is transparent: f0's pixel 2 * 12 + 3 shows,
         * index 27 * 7 % 3 + 1 = 1 (red); its third is index 1 + 2 % 3. */
        TU_CHECK(px_at(&d.frames[1], W, 3, 2) == R && px_at(&d.frames[1], W, 5, 2) == B,
                 "small memory: transparent pixel of frame 1");
    }
    tu_decoded_free(&d);
    compare_small_memory(&b, "small memory copy");

    /* Broken inside the last frame (transparent, over a cleared hole):
     * what was decoded stands, unmarked. */
    compare_truncated(&b, last_at + 12, end, 3, "small memory copy, truncated");
    tb_free(&b);
}

/* Without the working buffer, a later opaque frame as wide as the canvas
 * (16,384 pixels or more) decodes in its own canvas bytes (FRONT: the
 * table at their start, then the indices) once a scan of its data shows
 * that it makes at least GIFLOW__FRONT_SURE (11,025) pixels; one that ends
 * early (end code, or a bad code) must lose none of the pixels it never
 * reaches: they show what was under it, both when it ends before that
 * point (no FRONT) and just after it. All checked against the default
 * mode. */
static void short_frame(tb_buf *b, unsigned y, unsigned w, unsigned h, const uint8_t *px,
                        size_t coded, int bad, int interlaced)
{
    tb_u8(b, 0x2C);
    tb_u16(b, 0);
    tb_u16(b, y);
    tb_u16(b, w);
    tb_u16(b, h);
    tb_u8(b, interlaced ? 0x40 : 0);
    tb_u8(b, 2);
    tb_buf lz = {0};
    tb_lzw(&lz, 2, px, coded, NULL);
    if (bad && lz.len > 8)
        lz.data[lz.len - 3] = 0xFF; /* a code far above the table's next */
    tb_subblocks(b, lz.data, lz.len, 255);
    tb_free(&lz);
}

static void test_small_memory_tail(void)
{
    enum { W = 128, H = 160, Y = 16, FH = 136 };
    static uint8_t f0[W * H], f1[W * FH];
    for (int i = 0; i < W * H; i++)
        f0[i] = (uint8_t)((i / 5) % 4);
    for (int i = 0; i < W * FH; i++)
        f1[i] = (uint8_t)((i * 3 / 7 + i / W) % 4);
    /* A frame stops decoding at the first broken frame: one file each. */
    for (int k = 0; k < 9; k++) {
        tb_buf b = {0};
        tb_header(&b, W, H, pal4, 4, 0);
        frame_at(&b, 0, 0, W, H, 0, f0);
        frame_at(&b, 0, Y, W, FH, k >= 6, f1); /* complete */
        size_t end = b.len;
        if (k == 1)
            short_frame(&b, Y, W, FH, f0, W * FH / 2, 0, 0); /* end code halfway */
        if (k == 2)
            short_frame(&b, 0, W, FH, f1, W * FH, 1, 0); /* a bad code near its end */
        if (k == 3)
            short_frame(&b, Y, W, FH, f0, 11030, 0, 0); /* end code just past 11,025 */
        if (k == 4)
            short_frame(&b, 8, W, FH, f1, 11800, 1, 0); /* bad code just past it */
        if (k == 5)
            short_frame(&b, 24, W, FH, f0 + 3, 16000, 0, 0);
        /* Interlaced (TAIL only when the scan finds all of its pixels):
         * complete (frame 1 above), ending early, a bad code near the end. */
        if (k == 7)
            short_frame(&b, Y, W, FH, f0, W * FH - 700, 0, 1);
        if (k == 8)
            short_frame(&b, 8, W, FH, f1, W * FH, 1, 1);
        tb_trailer(&b);
        compare_small_memory(&b, k % 6 ? "small memory tail, broken" : "small memory tail");
        if (k % 6 == 0) {
            /* Cut inside the complete frame: its data is not all at hand. */
            tb_buf t = {0};
            tb_bytes(&t, b.data, end - 600);
            compare_small_memory(&t, "small memory tail, truncated");
            tb_free(&t);
        }
        tb_free(&b);
    }
}

/* Without the working buffer, a first frame covering a fresh canvas with
 * its data at hand decodes in the canvas (TAIL) from 11,013 pixels on,
 * interlaced too (its rows put in canvas order at the end). One that stops
 * early (cut, or a bad code) leaves the pixels it never reached
 * transparent. Checked against the default mode (a working buffer, no
 * code shared) for both layouts. */
static void test_small_memory_first(void)
{
    /* (One row and one column too: the row order's edge cases.) */
    static const unsigned sizes[3][2] = {{120, 100}, {11100, 1}, {1, 11100}};
    static uint8_t f0[12000];
    for (int i = 0; i < 12000; i++)
        f0[i] = (uint8_t)((i * 5 / 11 + i / 120) % 4);
    for (int il = 0; il < 6; il++) {
        const unsigned W = sizes[il / 2][0], H = sizes[il / 2][1];
        tb_buf b = {0};
        tb_header(&b, W, H, pal4, 4, 0);
        size_t at = b.len;
        frame_at(&b, 0, 0, W, H, il & 1, f0);
        size_t end = b.len;
        tb_trailer(&b);
        compare_small_memory(&b, il & 1 ? "small memory first, interlaced" : "small memory first");
        for (size_t cut = at + 40; cut < end; cut += (end - at) / 5) {
            tb_buf t = {0};
            tb_bytes(&t, b.data, cut);
            compare_small_memory(&t, "small memory first, truncated");
            t.data[cut - 5] = 0xFF; /* and a bad code there */
            compare_small_memory(&t, "small memory first, bad code");
            tb_free(&t);
        }
        tb_free(&b);
    }
}

/* Strings of more than 8 pixels in marked copies: with a transparent pixel
 * (copied through marks) and without (copied plainly, as their table
 * entry tells): periods of 3 and 2 with a rare transparent pixel. */
static void test_small_memory_long(void)
{
    enum { W = 40, H = 30 };
    static uint8_t f0[W * H], f1[33 * 25], f2[W * 12];
    for (int i = 0; i < W * H; i++)
        f0[i] = (uint8_t)((i * 7) % 3 + 1);
    for (int i = 0; i < 33 * 25; i++)
        f1[i] = (uint8_t)(i % 37 == 17 ? 0 : 1 + i % 3);
    for (int i = 0; i < W * 12; i++)
        f2[i] = (uint8_t)(i % 29 == 11 ? 2 : i % 2 ? 1 : 3);
    tb_buf b = {0};
    tb_header(&b, W, H, pal4, 4, 0);
    frame_at(&b, 0, 0, W, H, 0, f0);
    tb_gce(&b, 0, 0, 0);
    frame_at(&b, 3, 2, 33, 25, 0, f1);
    tb_gce(&b, 0, 0, 2);
    frame_at(&b, 0, 10, W, 12, 0, f2);
    tb_trailer(&b);
    compare_small_memory(&b, "small memory copy, long strings");
    tb_free(&b);
}

/* Marked copies skip strings that are all transparent (runs of the
 * transparent index) and mark them only once an entry that is not all
 * transparent starts in them: transparent runs of many lengths, single
 * transparent pixels between opaque ones, strings that run from a
 * transparent run into opaque pixels, across rows and clears, with the
 * table full and kept (deferred clear). Against the default mode. */
static void skip_pattern(uint8_t *px, size_t n, uint32_t seed, unsigned trans)
{
    uint32_t x = seed;
    size_t i = 0;
    while (i < n) {
        x = x * 1103515245u + 12345u;
        unsigned run = (x >> 16) % 23 + 1, k = (x >> 8) % 4;
        for (unsigned j = 0; j < run && i < n; j++)
            px[i++] = (uint8_t)trans;
        /* opaque stretch: a short period, sometimes one transparent pixel */
        unsigned len = (x >> 20) % 17;
        for (unsigned j = 0; j < len && i < n; j++)
            px[i++] = (uint8_t)(j % 5 == 4 && k == 0 ? trans : (trans + 1 + (j + k) % 3) % 4);
    }
}

static void test_small_memory_skip(void)
{
    enum { W = 160, H = 120 };
    static uint8_t f0[W * H], f1[120 * 90], f2[W * 80], f3[W * H], f4[W * H];
    for (int i = 0; i < W * H; i++)
        f0[i] = (uint8_t)((i * 7) % 3 + 1);
    skip_pattern(f1, sizeof f1, 1, 0);
    skip_pattern(f2, sizeof f2, 2, 3);
    skip_pattern(f3, sizeof f3, 3, 1);
    skip_pattern(f4, sizeof f4, 4, 2);
    for (int deferred = 0; deferred < 2; deferred++) {
        tb_buf b = {0};
        tb_header(&b, W, H, pal4, 4, 0);
        frame_at(&b, 0, 0, W, H, 0, f0);
        tb_gce(&b, 0, 0, 0);
        frame_at(&b, 2, 3, 120, 90, 0, f1); /* rows apart */
        tb_gce(&b, 1, 0, 3);
        frame_at(&b, 0, 7, W, 80, 0, f2); /* rows contiguous */
        tb_gce(&b, 1, 0, 1);
        tb_image im = {0, 0, W, H, NULL, 0, 0, 2, 0, {0}};
        im.lzw.deferred_clear = deferred;
        tb_image_data(&b, &im, f3);
        size_t last_at = b.len;
        tb_gce(&b, 1, 0, 2);
        im.x = 1;
        im.w = W - 1; /* rows apart, one pixel of each row left out */
        tb_image_data(&b, &im, f4);
        size_t end = b.len;
        tb_trailer(&b);
        compare_small_memory(&b, deferred ? "small memory skip, table kept" : "small memory skip");
        compare_truncated(&b, last_at + 40, end, 97, "small memory skip, truncated");
        tb_free(&b);
    }
}

/* Marked copies make an entry of a skipped transparent run and the
 * opaque pixel after it (R, lzw_copy.c) without marking the run: only its
 * last pixel is copied when the entry is used, and the run is marked
 * once a string goes on past that pixel (the entry after an R code, and
 * the code being defined right after one). Periodic runs and opaque
 * pixels, (t^k o)^m, make both: in a frame whose rows are apart, one as
 * wide as the canvas, and an interlaced one (the general loop). */
static void r_pattern(uint8_t *px, size_t n, uint32_t seed, unsigned trans)
{
    uint32_t x = seed;
    size_t i = 0;
    while (i < n) {
        x = x * 1103515245u + 12345u;
        unsigned k = (x >> 16) % 7 + 1, m = (x >> 8) % 6 + 2, o = (x >> 24) % 2 + 1;
        for (unsigned r = 0; r < m && i < n; r++) {
            for (unsigned j = 0; j < k && i < n; j++)
                px[i++] = (uint8_t)trans;
            for (unsigned j = 0; j < o && i < n; j++)
                px[i++] = (uint8_t)((trans + 1 + (r + j) % 3) % 4);
        }
    }
}

/* A frame of the given codes (code size 2: clear 4, end 5), in widths
 * as the decoder reads them. */
static void codes_frame(tb_buf *b, unsigned x, unsigned y, unsigned w, unsigned h,
                        int interlaced, const unsigned *codes, size_t n)
{
    tb_u8(b, 0x2C);
    tb_u16(b, x);
    tb_u16(b, y);
    tb_u16(b, w);
    tb_u16(b, h);
    tb_u8(b, interlaced ? 0x40 : 0);
    tb_u8(b, 2);
    tb_buf data = {0};
    tb_bits bits = {&data, 0, 0};
    unsigned width = 3, next = 6, first = 1;
    for (size_t i = 0; i < n; i++) {
        tb_bits_put(&bits, codes[i], width);
        if (codes[i] == 4) {
            width = 3, next = 6, first = 1;
            continue;
        }
        if (!first && next < 4096 && ++next > (1u << width) - 1 && width < 12)
            width++;
        first = 0;
    }
    tb_bits_flush(&bits);
    tb_subblocks(b, data.data, data.len, 255);
    tb_free(&data);
}

static void test_small_memory_r(void)
{
    /* By hand: t, t, 6 = tt (skipped), o, 8 = tto (R), then 10, the code
     * being defined (tto + t: the R string's run marked first), and 10
     * again (a copy of it). 16 pixels. */
    static const unsigned kwkwk[] = {4, 0, 0, 6, 1, 8, 10, 10, 5};
    for (int interlaced = 0; interlaced < 2; interlaced++) {
        uint8_t bg[8 * 8]; /* green and blue: never the frame's red */
        for (int i = 0; i < 8 * 8; i++)
            bg[i] = (uint8_t)(i % 2 + 2);
        tb_buf k = {0};
        tb_header(&k, 8, 8, pal4, 4, 0);
        frame_at(&k, 0, 0, 8, 8, 0, bg);
        tb_gce(&k, 1, 0, 0);
        codes_frame(&k, 2, 3, 4, 4, interlaced, kwkwk, sizeof kwkwk / sizeof kwkwk[0]);
        tb_trailer(&k);
        compare_small_memory(&k, interlaced ? "small memory R, then the code being defined, "
                                              "interlaced"
                                            : "small memory R, then the code being defined");
        tu_decoded d;
        tu_decode(k.data, k.len, 0, GIFLOW_FLAG_SMALL_MEMORY, 1, &d);
        /* Hand-checked: t t t t o t t o t t o t t t o t, row by row (the
         * interlaced frame stores rows 0, 2, 1, 3); t shows frame 0. */
        static const char want[] = "ttttottottotttot";
        for (int i = 0; d.nframes == 2 && i < 16; i++) {
            static const int stored[4] = {0, 2, 1, 3};
            int row = i / 4, y = interlaced ? stored[row] : row;
            uint32_t px = px_at(&d.frames[1], 8, (uint32_t)(2 + i % 4), (uint32_t)(3 + y));
            uint32_t under = px_at(&d.frames[0], 8, (uint32_t)(2 + i % 4), (uint32_t)(3 + y));
            TU_CHECK(px == (want[i] == 't' ? under : R), "small memory R: pixel %d", i);
        }
        TU_CHECK(d.nframes == 2, "small memory R: %u frames", d.nframes);
        tu_decoded_free(&d);
        tb_free(&k);
    }

    enum { W = 160, H = 120 };
    static uint8_t f0[W * H], f1[120 * 90], f2[W * 70], f3[100 * 80];
    for (int i = 0; i < W * H; i++)
        f0[i] = (uint8_t)((i * 7) % 3 + 1);
    r_pattern(f1, sizeof f1, 11, 0);
    r_pattern(f2, sizeof f2, 12, 2);
    r_pattern(f3, sizeof f3, 13, 1);
    tb_buf b = {0};
    tb_header(&b, W, H, pal4, 4, 0);
    frame_at(&b, 0, 0, W, H, 0, f0);
    tb_gce(&b, 1, 0, 0);
    frame_at(&b, 2, 3, 120, 90, 0, f1); /* rows apart */
    tb_gce(&b, 1, 0, 2);
    frame_at(&b, 0, 40, W, 70, 0, f2); /* rows contiguous */
    size_t last_at = b.len;
    tb_gce(&b, 1, 0, 1);
    frame_at(&b, 30, 20, 100, 80, 1, f3); /* interlaced */
    size_t end = b.len;
    tb_trailer(&b);
    compare_small_memory(&b, "small memory R entries");
    compare_truncated(&b, last_at + 30, end, 89, "small memory R entries, truncated");
    tb_free(&b);
}

/* Frames that reach past the canvas's right and bottom edges paint
 * through chain tables (CANVAS): strings wholly in the visible columns,
 * wholly outside them (only their first index is needed), across the
 * edge and across rows; with and without transparency. */
static void test_small_memory_clipped(void)
{
    enum { W = 40, H = 30 };
    static uint8_t f0[W * H], f1[32 * 24], f2[32 * 20];
    for (int i = 0; i < W * H; i++)
        f0[i] = (uint8_t)((i * 7) % 3 + 1);
    for (int i = 0; i < 32 * 24; i++)
        f1[i] = (uint8_t)((i / 3 + i / 32) % 4);
    skip_pattern(f2, sizeof f2, 5, 0);
    tb_buf b = {0};
    tb_header(&b, W, H, pal4, 4, 0);
    frame_at(&b, 0, 0, W, H, 0, f0);
    frame_at(&b, 20, 12, 32, 24, 0, f1); /* 20 of 32 columns, 18 of 24 rows */
    tb_gce(&b, 1, 0, 0);
    frame_at(&b, 29, 3, 32, 20, 0, f2); /* 11 columns, transparent 0 */
    tb_trailer(&b);
    compare_small_memory(&b, "small memory, clipped frames");
    tb_free(&b);
}

/* Without the working buffer, an opaque frame whose rows are contiguous
 * (as wide as the canvas) and too small for FRONT takes COPY's fast loop
 * (lzw_copy.c, copy_plain_fast; copy_rows_fast for a frame whose rows
 * are apart), which hands control codes, the code after a clear and the
 * input's last bytes to the general loop: a frame
 * of literals with a clear every five codes (as animated-10color.gif
 * has), one of table strings and runs (the code being defined), and one
 * cut short by a bad code, each checked against the default mode, whole
 * and in 7-byte pieces, and truncated anywhere in the last frame. */
static void clear_every(tb_buf *b, unsigned w, unsigned h, const uint8_t *px, unsigned every,
                        int bad_at)
{
    tb_u8(b, 0x2C);
    tb_u16(b, 0);
    tb_u16(b, 0);
    tb_u16(b, w);
    tb_u16(b, h);
    tb_u8(b, 0);
    tb_u8(b, 2); /* code size 2: clear 4, end 5 */
    tb_buf codes = {0};
    tb_bits bits = {&codes, 0, 0};
    unsigned width = 3, next = 6;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        int first = i % every == 0;
        if (first) {
            tb_bits_put(&bits, 4, width);
            width = 3;
            next = 6;
        }
        if (bad_at >= 0 && (size_t)bad_at == i) {
            /* above the next free code (the widths here keep it so) */
            tb_bits_put(&bits, (1u << width) - 1, width);
            break;
        }
        tb_bits_put(&bits, px[i], width);
        /* The decoder makes an entry for every code but the first after
         * a clear, and widens the code after the one that fills a width. */
        if (!first && next < 4096 && ++next > (1u << width) - 1 && width < 12)
            width++;
    }
    tb_bits_put(&bits, 5, width);
    tb_bits_flush(&bits);
    tb_subblocks(b, codes.data, codes.len, 255);
    tb_free(&codes);
}

static void test_small_memory_fast(void)
{
    enum { W = 40, H = 30 };
    uint8_t lit[W * H], str[W * H], alt[W * H];
    uint32_t r = 7;
    for (int i = 0; i < W * H; i++) {
        r = r * 1103515245u + 12345u;
        lit[i] = (uint8_t)(r >> 16 & 3);
        /* repeated patterns and runs: table strings, the code being defined */
        str[i] = (uint8_t)(i % 97 < 40 ? (i / 5) % 3 : i % 97 < 70 ? 2 : (i * 7 / 3) % 4);
        /* abab...: codes being defined whose string is not one colour */
        alt[i] = (uint8_t)(i % 2 + (i / 50) % 2 * 2);
    }
    tb_buf b = {0};
    tb_header(&b, W, H, pal4, 4, 0);
    tb_gce(&b, 0, 0, -1);
    clear_every(&b, W, H, lit, 5, -1);
    tb_gce(&b, 0, 0, -1);
    frame_at(&b, 0, 0, W, H, 0, str);
    tb_gce(&b, 0, 0, -1);
    clear_every(&b, W, H, str, 300, -1);
    /* Rows apart (copy_rows_fast): strings within a row and across rows. */
    tb_gce(&b, 0, 0, -1);
    frame_at(&b, 3, 2, 25, 20, 0, str);
    tb_gce(&b, 0, 0, -1);
    frame_at(&b, 1, 4, 30, 20, 0, alt);
    /* A transparent index first used after 70 pixels of table strings: the
     * fast loops until then, the marked loops after (contiguous rows and
     * rows apart). */
    tb_gce(&b, 0, 0, 3);
    frame_at(&b, 0, 0, W, H, 0, str);
    tb_gce(&b, 0, 0, 3);
    frame_at(&b, 2, 3, 33, 25, 0, str);
    size_t last_at = b.len;
    tb_gce(&b, 0, 0, -1);
    clear_every(&b, W, H, lit, 9, 700);
    size_t end = b.len;
    tb_trailer(&b);
    compare_small_memory(&b, "small memory fast copy");
    tu_decoded d;
    tu_decode(b.data, b.len, 0, GIFLOW_FLAG_SMALL_MEMORY, 1, &d);
    TU_CHECK(d.nframes == 8 && d.status == GIFLOW_ERR_BAD_CODE, /* (the broken one counted) */
             "small memory fast copy: %u frames, status %d", d.nframes, d.status);
    if (d.nframes >= 1) /* the literals themselves, hand-checked: index 1 is red */
        for (int i = 0; i < W * H; i++)
            if (px_at(&d.frames[0], W, (uint32_t)(i % W), (uint32_t)(i / W)) !=
                (lit[i] == 1 ? R : lit[i] == 2 ? G : lit[i] == 3 ? B : K)) {
                TU_CHECK(0, "small memory fast copy: frame 0 pixel %d", i);
                break;
            }
    tu_decoded_free(&d);
    compare_truncated(&b, last_at + 20, end, 17, "small memory fast copy, truncated");
    tb_free(&b);
}

int main(void)
{
    test_disposal_background();
    test_disposal_previous();
    test_out_of_range();
    test_gce_scope();
    test_canvas_growth();
    test_local_palette();
    test_truncated();
    test_merge_zero_delay();
    test_small_memory_copy();
    test_small_memory_long();
    test_small_memory_skip();
    test_small_memory_r();
    test_small_memory_clipped();
    test_small_memory_fast();
    test_small_memory_tail();
    test_small_memory_first();
    printf("test_compose: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
