/*
 * LZW encoder unit tests (internal module src/encode/lzw_enc.h).
 *
 * Truths: giflib decodes what the encoder writes (an independent decoder),
 * and so does giflow's decoder; for inputs where the encoder's choices are
 * forced (literal-only data), the exact code stream of the independent test
 * encoder in tests/common/gifbuild.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/encode/lzw_enc.h"
#include "gifbuild.h"
#include "gifmem.h"
#include "testutil.h"

static int append(void *user, const uint8_t *data, size_t size)
{
    tb_bytes(user, data, size);
    return 0;
}

/* A GIF header with a grey palette of 1 << mcs entries and a w x h frame
 * header, up to the LZW data. */
static void frame_start(tb_buf *g, unsigned mcs, uint32_t w, uint32_t h)
{
    uint8_t pal[768];
    unsigned n = 1u << mcs;
    for (unsigned i = 0; i < n; i++)
        memset(pal + 3 * i, (int)(i * 255 / (n - 1)), 3);
    tb_header(g, w, h, pal, n, 0);
    tb_bytes(g, "\x2C\0\0\0\0", 5);
    tb_u16(g, w);
    tb_u16(g, h);
    tb_u8(g, 0);
}

/* A one-frame GIF of w x h with a grey palette of 1 << mcs entries. */
static void make_gif(tb_buf *g, unsigned mcs, const uint8_t *px, uint32_t w, uint32_t h,
                     giflow__lzwenc *e, size_t piece)
{
    frame_start(g, mcs, w, h);
    giflow__lzwenc_begin(e, mcs, append, g);
    size_t total = (size_t)w * h;
    for (size_t i = 0; i < total; i += piece)
        giflow__lzwenc_push(e, px + i, total - i < piece ? total - i : piece);
    TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
    tb_trailer(g);
}

/* giflib's reading of the frame's indices must equal px. */
static int giflib_agrees(const tb_buf *g, const uint8_t *px, size_t n)
{
    tu_gifmem m;
    int err;
    GifFileType *gif = tu_gif_open(&m, g->data, g->len, &err);
    if (!gif)
        return 0;
    int ok = DGifSlurp(gif) == GIF_OK && gif->ImageCount == 1 &&
             !memcmp(gif->SavedImages[0].RasterBits, px, n);
    DGifCloseFile(gif, &err);
    return ok;
}

static int giflow_agrees(const tb_buf *g, const uint8_t *px, size_t n)
{
    tu_decoded d;
    tu_decode(g->data, g->len, 0, 0, 1, &d);
    int ok = d.status == GIFLOW_END && d.nframes == 1;
    for (size_t i = 0; ok && i < n; i++)
        ok = d.frames[0].rgba[4 * i + 3] == 255; /* every pixel drawn */
    /* Compare grey levels back to indices. */
    unsigned levels = (unsigned)d.image.global_palette_size;
    for (size_t i = 0; ok && i < n; i++)
        ok = d.frames[0].rgba[4 * i] == (uint8_t)(px[i] * 255 / (levels - 1));
    tu_decoded_free(&d);
    return ok;
}

static void roundtrip(giflow__lzwenc *e, unsigned mcs, const uint8_t *px, uint32_t w,
                      uint32_t h, const char *what)
{
    static const size_t pieces[] = {1, 7, 4096, (size_t)1 << 30};
    for (size_t k = 0; k < 4; k++) {
        tb_buf g = {0};
        make_gif(&g, mcs, px, w, h, e, pieces[k]);
        TU_CHECK(giflib_agrees(&g, px, (size_t)w * h), "%s mcs %u piece %zu: giflib", what,
                 mcs, pieces[k]);
        TU_CHECK(giflow_agrees(&g, px, (size_t)w * h), "%s mcs %u piece %zu: giflow", what,
                 mcs, pieces[k]);
        tb_free(&g);
    }
}

/* Lossy LZW on a noisy grey ramp with the 256-grey palette: the stream
 * decodes (giflib) to exactly the indices it reports, every pixel stays
 * within its limit, pixels without a choice keep their index, kept pixels
 * show the screen's grey, and the file shrinks. */
static void test_lossy(giflow__lzwenc *e)
{
    enum { LW = 320, LH = 120, B = 4 };
    uint8_t pal[768], *src = malloc(LW * LH * 4), *shown = malloc(LW * LH * 4);
    uint8_t *px = malloc(LW * LH), *orig = malloc(LW * LH);
    int32_t *lim = malloc(LW * LH * sizeof *lim);
    uint32_t seed = 5;
    for (int i = 0; i < 256; i++)
        memset(pal + 3 * i, i, 3);
    for (int i = 0; i < LW * LH; i++) {
        seed = seed * 1103515245u + 12345u;
        int x = i % LW, v = x * 200 / LW + 20 + (int)((seed >> 16) % 7) - 3;
        memset(src + 4 * i, v, 3);
        src[4 * i + 3] = 255;
        memset(shown + 4 * i, 90, 3);
        shown[4 * i + 3] = 255;
        px[i] = orig[i] = (uint8_t)v;
        /* Columns 0-9 have no choice; the last 30 are kept (screen 90). */
        lim[i] = x < 10 ? -1 : 3 * B * B;
        if (x >= LW - 30) {
            lim[i] = GIFLOW__LZW_SAME;
            px[i] = orig[i] = 90;
        }
    }
    size_t sizes[2];
    for (int lossy = 0; lossy < 2; lossy++) {
        tb_buf g = {0};
        tb_header(&g, LW, LH, pal, 256, 0);
        tb_bytes(&g, "\x2C\0\0\0\0", 5);
        tb_u16(&g, LW);
        tb_u16(&g, LH);
        tb_u8(&g, 0);
        giflow__lzwenc_begin(e, 8, append, &g);
        for (int y = 0; y < LH; y++) {
            giflow__lzw_lossy l = {pal, src + 4 * y * LW, shown + 4 * y * LW, lim + y * LW, -1};
            if (lossy)
                giflow__lzwenc_push_lossy(e, px + y * LW, LW, &l);
            else
                giflow__lzwenc_push(e, px + y * LW, LW);
        }
        TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
        tb_trailer(&g);
        sizes[lossy] = g.len;
        TU_CHECK(giflib_agrees(&g, px, LW * LH), "lossy %d: giflib reads other indices", lossy);
        tb_free(&g);
    }
    int bad = 0;
    for (int i = 0; i < LW * LH; i++) {
        int d = px[i] - orig[i], x = i % LW;
        bad += x < 10 ? d != 0 : x >= LW - 30 ? px[i] != 90 : 3 * d * d > 3 * B * B;
    }
    TU_CHECK(bad == 0, "%d pixels outside their limit", bad);
    TU_CHECK(sizes[1] * 10 < sizes[0] * 7, "lossy %zu bytes, lossless %zu", sizes[1], sizes[0]);
    free(src);
    free(shown);
    free(px);
    free(orig);
    free(lim);
}

/* Deferred clearing: on a long cycle of noise, coding on with the full
 * table (decoders stop adding entries) beats clearing at the fill, which
 * learns the cycle again; both streams decode to the pixels (giflib and
 * giflow), pushed whole or in pieces, and pieces change nothing. */
static void test_defer(giflow__lzwenc *e)
{
    enum { W = 400, H = 300 };
    uint8_t *px = malloc((size_t)W * H);
    uint32_t seed = 7;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        seed = seed * 1103515245u + 12345u;
        px[i] = i < 3000 ? (uint8_t)((seed >> 16) & 15) : px[i % 3000];
    }
    size_t len[2];
    for (int defer = 0; defer < 3; defer++) {
        if (defer == 2) /* a second cycle of other noise: the deferred clear comes */
            for (size_t i = (size_t)W * H / 2; i < (size_t)W * H; i++) {
                seed = seed * 1103515245u + 12345u;
                px[i] = i < (size_t)W * H / 2 + 2000 ? (uint8_t)((seed >> 16) & 15) : px[i - 2000];
            }
        static const size_t pieces[] = {(size_t)W * H, 4096, 1};
        for (int k = 0; k < 3; k++) {
            tb_buf g = {0};
            frame_start(&g, 4, W, H);
            giflow__lzwenc_begin(e, 4, append, &g);
            e->defer = defer ? 4096 : 0;
            e->clears = 0;
            for (size_t i = 0; i < (size_t)W * H; i += pieces[k])
                giflow__lzwenc_push(e, px + i,
                                    (size_t)W * H - i < pieces[k] ? (size_t)W * H - i : pieces[k]);
            TU_CHECK(e->fills > 0, "defer %d: the table never filled", defer);
            TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
            tb_trailer(&g);
            TU_CHECK(giflib_agrees(&g, px, (size_t)W * H), "defer %d piece %zu: giflib", defer,
                     pieces[k]);
            TU_CHECK(giflow_agrees(&g, px, (size_t)W * H), "defer %d piece %zu: giflow", defer,
                     pieces[k]);
            uint32_t clears = e->clears;
            if (k == 0 && defer < 2)
                len[defer] = g.len;
            else if (defer < 2)
                TU_CHECK(g.len == len[defer], "defer %d: pieces change the stream", defer);
            else
                TU_CHECK(clears > 1, "no deferred clear");
            tb_free(&g);
        }
    }
    TU_CHECK(len[1] < len[0], "deferred %zu bytes, cleared at the fill %zu", len[1], len[0]);
    free(px);
}

/* A full table kept (deferred clear) reaches strings at its last code,
 * 4095; followed by index 255 their key, 4095 << 8 | 255, is the hash's
 * empty mark. Cycles of noise over {0..7, 255} with mcs 8 get there; the
 * greedy and the search coders must still decode exactly (giflib). */
static void test_last_code(giflow__lzwenc *e)
{
    enum { N = 40000, CYCLE = 2500 };
    uint8_t *px = malloc(N), *alt = malloc(N);
    uint16_t *scratch = malloc(GIFLOW__LZWE_SCRATCH * sizeof *scratch);
    uint32_t seed = 11;
    for (int run = 0; run < 48; run++) {
        for (size_t i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            uint8_t v = (uint8_t)((seed >> 16) % 9);
            px[i] = i < CYCLE ? (v == 8 ? 255 : v) : px[i - CYCLE];
            alt[i] = px[i];
        }
        for (int best = 0; best < 2; best++) {
            tb_buf g = {0};
            frame_start(&g, 8, N / 400, 400);
            giflow__lzwenc_begin(e, 8, append, &g);
            e->defer = 1u << 20;
            if (best)
                giflow__lzwenc_push_best(e, px, alt, N, scratch);
            else
                giflow__lzwenc_push(e, px, N);
            TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
            tb_trailer(&g);
            TU_CHECK(giflib_agrees(&g, px, N), "run %d %s: giflib reads other indices", run,
                     best ? "push_best" : "push");
            tb_free(&g);
        }
    }
    free(px);
    free(alt);
    free(scratch);
}

/* push_best: every pixel decodes (giflib) to px[i] or alt[i]; with no
 * choice anywhere it writes exactly push's stream; with choices it is
 * shorter than coding px alone. */
static void test_best(giflow__lzwenc *e)
{
    enum { W = 320, H = 200 };
    uint8_t *px = malloc((size_t)W * H), *alt = malloc((size_t)W * H);
    uint8_t *got = malloc((size_t)W * H);
    uint16_t *scratch = malloc(GIFLOW__LZWE_SCRATCH * sizeof *scratch);
    uint32_t seed = 3;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        size_t x = i % W, y = i / W;
        seed = seed * 1103515245u + 12345u;
        uint8_t colour = (uint8_t)((x / 3 + y / 2 + (seed >> 24) % 2) % 12);
        /* Bands of colour where a third of the pixels, at random, are free:
         * transparent (15) or the band's colour, already on screen. */
        int free_px = (seed >> 16) % 3 == 0;
        px[i] = free_px ? 15 : colour;
        alt[i] = colour;
    }
    size_t len[4];
    for (int mode = 0; mode < 4; mode++) {
        tb_buf g = {0};
        frame_start(&g, 4, W, H);
        giflow__lzwenc_begin(e, 4, append, &g);
        e->defer = mode == 3 ? 512 : 0; /* 3: choices, the clear deferred */
        if (mode == 0)
            giflow__lzwenc_push(e, px, (size_t)W * H);
        else
            giflow__lzwenc_push_best(e, px, mode == 1 ? px : alt, (size_t)W * H, scratch);
        TU_CHECK(e->fills > 0, "mode %d: the table never filled", mode);
        TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
        tb_trailer(&g);
        len[mode] = g.len;
        tu_gifmem m;
        int err, ok = 0;
        GifFileType *gif = tu_gif_open(&m, g.data, g.len, &err);
        if (gif && DGifSlurp(gif) == GIF_OK && gif->ImageCount == 1) {
            memcpy(got, gif->SavedImages[0].RasterBits, (size_t)W * H);
            ok = 1;
        }
        if (gif)
            DGifCloseFile(gif, &err);
        TU_CHECK(ok, "mode %d: giflib cannot read it", mode);
        int bad = 0;
        const uint8_t *a = mode >= 2 ? alt : px;
        for (size_t i = 0; ok && i < (size_t)W * H; i++)
            bad += got[i] != px[i] && got[i] != a[i];
        TU_CHECK(bad == 0, "mode %d: %d pixels are neither choice", mode, bad);
        tb_free(&g);
    }
    TU_CHECK(len[1] == len[0], "no choices: %zu bytes, push %zu", len[1], len[0]);
    TU_CHECK(len[2] < len[0], "choices: %zu bytes, px alone %zu", len[2], len[0]);
    free(px);
    free(alt);
    free(got);
    free(scratch);
}

/* Codes in a GIF's first frame (its LZW data read with the decoder's
 * width rules; a clear and the end code count too). */
static size_t count_codes(const tb_buf *g, size_t data_at, size_t *clears, size_t *first_clear)
{
    const uint8_t *d = g->data;
    size_t p = data_at;
    unsigned mcs = d[p++], width = mcs + 1, next = (1u << mcs) + 2, clear = 1u << mcs;
    uint64_t acc = 0;
    unsigned nacc = 0, blk = 0;
    size_t codes = 0;
    int first = 1;
    for (;;) {
        while (nacc < width) {
            if (!blk && !(blk = d[p++]))
                return codes;
            acc |= (uint64_t)d[p++] << nacc;
            nacc += 8, blk--;
        }
        unsigned c = (unsigned)(acc & ((1u << width) - 1));
        acc >>= width, nacc -= width, codes++;
        if (c == clear) {
            if (clears && (*clears)++ == 1)
                *first_clear = next; /* the table's size when it was first cleared */
            width = mcs + 1, next = clear + 2, first = 1;
            continue;
        }
        if (c == clear + 1)
            return codes;
        if (!first && next < 4096 && ++next == (1u << width) && width < 12)
            width++;
        first = 0;
    }
}

/* Flexible parsing once a kept table is full. Literals whose pairs never
 * repeat fill the table with known strings: 11 12, 11 12 13 and 10 11
 * among them, not 10 11 12 nor 12 13. Then 10 11 12 13 takes greedy three
 * codes (10 11, 12, 13) and the look-ahead two (10, 11 12 13). giflib
 * reads both streams back to the pixels. */
static void test_flex(giflow__lzwenc *e)
{
    enum { FILL = 4200 };
    static const uint8_t head[] = {11, 12, 200, 11, 12, 13, 201, 10, 11, 202};
    static const uint8_t tail[] = {10, 11, 12, 13};
    uint8_t px[sizeof head + FILL + sizeof tail];
    size_t n = 0;
    memcpy(px, head, sizeof head);
    n += sizeof head;
    /* Pairs over 20..199 each used once: a prefix of the de Bruijn sequence
     * that concatenates the Lyndon words a, a b (a < b) in order. */
    for (unsigned a = 0, m = 0; m < FILL; a++)
        for (unsigned b = a; b < 180 && m < FILL; b++) {
            if (b == a)
                px[n++] = (uint8_t)(20 + a), m++;
            else {
                px[n++] = (uint8_t)(20 + a), m++;
                if (m < FILL)
                    px[n++] = (uint8_t)(20 + b), m++;
            }
        }
    memcpy(px + n, tail, sizeof tail);
    n += sizeof tail;
    uint16_t *scratch = malloc(GIFLOW__LZWE_SCRATCH * sizeof *scratch);
    size_t codes[2][2];
    for (int best = 0; best < 2; best++)
        for (int flex = 0; flex < 2; flex++) {
            tb_buf g = {0};
            frame_start(&g, 8, (uint32_t)n, 1);
            size_t at = g.len;
            giflow__lzwenc_begin(e, 8, append, &g);
            e->defer = GIFLOW__LZWE_KEEP;
            e->flex = flex;
            if (best)
                giflow__lzwenc_push_best(e, px, px, n, scratch);
            else
                giflow__lzwenc_push(e, px, n);
            TU_CHECK(e->fills == 1, "the table filled %u times", e->fills);
            TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
            tb_trailer(&g);
            TU_CHECK(giflib_agrees(&g, px, n), "%s flex %d: giflib reads other indices",
                     best ? "push_best" : "push", flex);
            codes[best][flex] = count_codes(&g, at, NULL, NULL);
            tb_free(&g);
        }
    for (int best = 0; best < 2; best++)
        TU_CHECK(codes[best][1] + 1 == codes[best][0], "%s: %zu codes with look-ahead, %zu greedy",
                 best ? "push_best" : "push", codes[best][1], codes[best][0]);
    free(scratch);
}

/* The early clear: with early set, the table is cleared once when it
 * reaches 2048 codes (where 12-bit codes would start), then kept to the
 * end (KEEP). giflib reads the pixels back, and the stream holds exactly
 * two clears, the second at 2048 codes. */
static void test_early(giflow__lzwenc *e)
{
    enum { N = 60000 };
    uint8_t *px = malloc(N), *alt = malloc(N);
    uint16_t *scratch = malloc(GIFLOW__LZWE_SCRATCH * sizeof *scratch);
    uint32_t seed = 5;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        px[i] = (uint8_t)((seed >> 16) % 6);
        alt[i] = i % 7 ? px[i] : 9; /* a few choices */
    }
    for (int best = 0; best < 2; best++) {
        tb_buf g = {0};
        frame_start(&g, 4, N / 300, 300);
        size_t at = g.len, clears = 0, first = 0;
        giflow__lzwenc_begin(e, 4, append, &g);
        e->defer = GIFLOW__LZWE_KEEP;
        e->flex = 1;
        e->early = 1;
        if (best)
            giflow__lzwenc_push_best(e, px, alt, N, scratch);
        else
            giflow__lzwenc_push(e, px, N);
        TU_CHECK(e->fills == 1, "the table filled %u times", e->fills);
        TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
        tb_trailer(&g);
        tu_gifmem m;
        int err, bad = -1;
        GifFileType *gif = tu_gif_open(&m, g.data, g.len, &err);
        if (gif && DGifSlurp(gif) == GIF_OK && gif->ImageCount == 1) {
            const uint8_t *got = gif->SavedImages[0].RasterBits;
            bad = 0;
            for (size_t i = 0; i < N; i++)
                bad += got[i] != px[i] && (!best || got[i] != alt[i]);
        }
        if (gif)
            DGifCloseFile(gif, &err);
        TU_CHECK(bad == 0, "%s: giflib read %d other pixels", best ? "push_best" : "push", bad);
        count_codes(&g, at, &clears, &first);
        TU_CHECK(clears == 2 && first == 2048, "%s: %zu clears, the early one at %zu codes",
                 best ? "push_best" : "push", clears, first);
        tb_free(&g);
    }
    free(px);
    free(alt);
    free(scratch);
}

/* Coding on from a snapshot: a stream resumed at its fill with the table
 * kept is byte for byte the stream coded with the table kept from the
 * start; resumed at 2048 codes with a clear, giflib reads it back. */
static void test_resume_push(giflow__lzwenc *e, const uint8_t *px, size_t n)
{
    static giflow__lzwe_snap fill;
    tb_buf a = {0}, b = {0}, c = {0};
    frame_start(&a, 4, (uint32_t)n / 300, 300);
    frame_start(&b, 4, (uint32_t)n / 300, 300);
    const size_t at = a.len;
    fill.taken = 0;
    giflow__lzwenc_begin(e, 4, append, &a);
    e->snap_fill = &fill;
    giflow__lzwenc_push(e, px, n);
    TU_CHECK(giflow__lzwenc_end(e) == 0 && fill.taken, "push: no snapshot at the fill");
    giflow__lzwenc_begin(e, 4, append, &b);
    e->defer = GIFLOW__LZWE_KEEP;
    e->flex = 1;
    giflow__lzwenc_push(e, px, n);
    TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
    tb_trailer(&b);
    tb_bytes(&c, a.data, at + (size_t)fill.bytes);
    giflow__lzwenc_resume(e, &fill, 4, append, &c);
    e->defer = GIFLOW__LZWE_KEEP;
    e->flex = 1;
    giflow__lzwenc_resume_push(e, &fill, 0, px, NULL, n, NULL);
    TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
    tb_trailer(&c);
    TU_CHECK(c.len == b.len && !memcmp(c.data, b.data, b.len),
             "push resumed at the fill: %zu bytes, kept from the start %zu", c.len, b.len);
    TU_CHECK(giflib_agrees(&c, px, n), "push resumed: giflib reads other indices");
    tb_free(&a);
    tb_free(&b);
    tb_free(&c);
}

static void test_resume(giflow__lzwenc *e)
{
    enum { N = 60000 };
    uint8_t *px = malloc(N), *alt = malloc(N);
    uint16_t *scratch = malloc(GIFLOW__LZWE_SCRATCH * sizeof *scratch);
    giflow__lzwe_snap *fill = calloc(1, sizeof *fill), *early = calloc(1, sizeof *early);
    uint32_t seed = 17;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        px[i] = (uint8_t)((seed >> 16) % 6);
        alt[i] = i % 5 ? px[i] : 9;
    }
    test_resume_push(e, px, N);
    tb_buf a = {0}, b = {0};
    frame_start(&a, 4, N / 300, 300);
    frame_start(&b, 4, N / 300, 300);
    const size_t at = a.len;
    giflow__lzwenc_begin(e, 4, append, &a);
    e->snap_fill = fill, e->snap_early = early;
    giflow__lzwenc_push_best(e, px, alt, N, scratch); /* cleared at the fill */
    TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
    TU_CHECK(fill->taken && early->taken, "snapshots %d %d", fill->taken, early->taken);
    giflow__lzwenc_begin(e, 4, append, &b);
    e->defer = GIFLOW__LZWE_KEEP;
    e->flex = 1;
    giflow__lzwenc_push_best(e, px, alt, N, scratch);
    TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
    tb_trailer(&b);
    for (int k = 0; k < 2; k++) {
        const giflow__lzwe_snap *s = k ? early : fill;
        tb_buf c = {0};
        tb_bytes(&c, a.data, at + (size_t)s->bytes);
        giflow__lzwenc_resume(e, s, 4, append, &c);
        e->defer = GIFLOW__LZWE_KEEP;
        e->flex = 1;
        giflow__lzwenc_resume_push(e, s, k, px, alt, N, scratch);
        TU_CHECK(giflow__lzwenc_end(e) == 0, "end");
        tb_trailer(&c);
        if (!k)
            TU_CHECK(c.len == b.len && !memcmp(c.data, b.data, b.len),
                     "resumed at the fill: %zu bytes, kept from the start %zu", c.len, b.len);
        tu_gifmem m;
        int err, bad = -1;
        GifFileType *gif = tu_gif_open(&m, c.data, c.len, &err);
        if (gif && DGifSlurp(gif) == GIF_OK && gif->ImageCount == 1) {
            const uint8_t *got = gif->SavedImages[0].RasterBits;
            bad = 0;
            for (size_t i = 0; i < N; i++)
                bad += got[i] != px[i] && got[i] != alt[i];
        }
        if (gif)
            DGifCloseFile(gif, &err);
        TU_CHECK(bad == 0, "resumed %s: giflib read %d other pixels", k ? "early" : "at the fill",
                 bad);
        tb_free(&c);
    }
    tb_free(&a);
    tb_free(&b);
    free(fill);
    free(early);
    free(px);
    free(alt);
    free(scratch);
}

int main(void)
{
    static giflow__lzwenc e; /* zeroed: generation 0 */
    enum { W = 640, H = 360 };
    uint8_t *px = malloc((size_t)W * H);
    uint32_t seed = 99;
    for (unsigned mcs = 2; mcs <= 8; mcs++) {
        unsigned mask = (1u << mcs) - 1;
        for (size_t i = 0; i < (size_t)W * H; i++) {
            seed = seed * 1103515245u + 12345u;
            px[i] = (uint8_t)((seed >> 16) & mask);
        }
        roundtrip(&e, mcs, px, W, H, "noise");
        for (size_t i = 0; i < (size_t)W * H; i++)
            px[i] = (uint8_t)(((i % W) / 16 + (i / W) / 8) & mask);
        roundtrip(&e, mcs, px, W, H, "bands");
        memset(px, (int)mask, (size_t)W * H);
        roundtrip(&e, mcs, px, W, H, "flat");
    }
    /* A 1x1 image and a single row. */
    for (size_t i = 0; i < W; i++)
        px[i] = (uint8_t)(i * 7 / 5 % 4);
    roundtrip(&e, 2, px, 1, 1, "1x1");
    roundtrip(&e, 2, px, W, 1, "row");

    /* Literal-only data of distinct pairs forces the encoder's choices, so
     * its code stream must equal the independent test encoder's byte for
     * byte: 0 1 2 3 0 2 1 3 ... never repeats a pair until the table would
     * need clearing, so compare only a short stream. */
    {
        uint8_t lit[12] = {0, 1, 2, 3, 0, 2, 1, 3, 0, 3, 1, 0};
        tb_buf a = {0}, b = {0};
        giflow__lzwenc_begin(&e, 2, append, &a);
        giflow__lzwenc_push(&e, lit, sizeof lit);
        giflow__lzwenc_end(&e);
        tb_buf codes = {0};
        tb_lzw(&codes, 2, lit, sizeof lit, NULL);
        tb_u8(&b, 2);
        tb_subblocks(&b, codes.data, codes.len, 255);
        TU_CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len),
                 "code stream differs from the reference encoder (%zu vs %zu bytes)", a.len,
                 b.len);
        tb_free(&a);
        tb_free(&b);
        tb_free(&codes);
    }
    test_lossy(&e);
    test_defer(&e);
    test_best(&e);
    test_last_code(&e);
    test_flex(&e);
    test_early(&e);
    test_resume(&e);
    free(px);
    printf("test_lzwenc: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
