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

/* A one-frame GIF of w x h with a grey palette of 1 << mcs entries. */
static void make_gif(tb_buf *g, unsigned mcs, const uint8_t *px, uint32_t w, uint32_t h,
                     giflow__lzwenc *e, size_t piece)
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
    free(px);
    printf("test_lzwenc: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
