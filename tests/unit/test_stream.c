/*
 * Stream-level unit tests through the public API: sub-block framing, the
 * parser across chunk boundaries, interlace row order, metadata.
 *
 * Truths: GIFs built by tests/common/gifbuild.c with known pixels, and the
 * GIF89a interlace definition (passes start 0,4,2,1 step 8,8,4,2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gifbuild.h"
#include "testutil.h"

static const uint8_t pal4[12] = {0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255};

/* Decodes every row of every frame, feeding the stream in pieces of
 * `piece` bytes copied into a scratch buffer that is poisoned after each
 * call, so the decoder cannot rely on bytes it was given earlier. Rows are
 * written into out (frame after frame, true row order). Returns the final
 * status; *nframes receives the frame count. */
static int decode_rows(const uint8_t *gif, size_t n, size_t piece, uint8_t *out,
                       size_t cap, uint32_t *nframes, uint32_t *ys, size_t ycap)
{
    giflow_decoder *dec = giflow_decoder_new(NULL);
    uint8_t *scratch = malloc(piece + 1);
    size_t pos = 0, o = 0, nys = 0;
    giflow_input in = {scratch, 0, 0, 0};
    int r;
    *nframes = 0;
#define NEXT()                                                         \
    do {                                                               \
        memset(scratch, 0xA5, piece);                                  \
        size_t k = n - pos < piece ? n - pos : piece;                  \
        memcpy(scratch, gif + pos, k);                                 \
        pos += k;                                                      \
        in.size = k;                                                   \
        in.pos = 0;                                                    \
        in.eof = pos == n;                                             \
    } while (0)
    NEXT();
    giflow_image_info im;
    while ((r = giflow_decode_image_info(dec, &in, &im)) == GIFLOW_NEED_INPUT)
        NEXT();
    while (r == GIFLOW_OK) {
        giflow_frame_info f;
        while ((r = giflow_decode_frame_info(dec, &in, &f)) == GIFLOW_NEED_INPUT)
            NEXT();
        if (r != GIFLOW_OK)
            break;
        ++*nframes;
        size_t base = o;
        o += (size_t)f.width * f.height;
        for (;;) {
            giflow_row row;
            while ((r = giflow_decode_row(dec, &in, &row)) == GIFLOW_NEED_INPUT)
                NEXT();
            if (r != GIFLOW_OK)
                break;
            if (nys < ycap)
                ys[nys++] = row.y;
            if (base + (size_t)(row.y + 1) * row.width <= cap)
                memcpy(out + base + (size_t)row.y * row.width, row.indices, row.width);
        }
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
    }
#undef NEXT
    giflow_decoder_free(dec);
    free(scratch);
    return r;
}

static void make_pixels(uint8_t *px, size_t n, unsigned mask, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        /* Mostly runs with some noise, so strings of all kinds occur. */
        px[i] = (uint8_t)(((seed >> 28) ? (i / 11) : (seed >> 16)) & mask);
    }
}

/* Sub-block sizes 1, 2, 17, 255 and a mix of extensions must all decode to
 * the same pixels, fed in every piece size from 1 to 40 and whole. */
static void test_framing_and_chunks(void)
{
    enum { W = 37, H = 23 };
    uint8_t px[3][W * H];
    for (int f = 0; f < 3; f++)
        make_pixels(px[f], W * H, 3, 77u + (uint32_t)f);
    static const unsigned blocks[] = {1, 2, 17, 255};
    for (size_t bi = 0; bi < 4; bi++) {
        tb_buf b = {0};
        tb_header(&b, W, H, pal4, 4, 0);
        tb_netscape(&b, 0);
        tb_comment(&b, "a comment that spans more than one byte");
        /* An unknown extension with an empty sub-block chain. */
        tb_bytes(&b, "\x21\x42\x00", 3);
        for (int f = 0; f < 3; f++) {
            tb_gce(&b, 1, 5, -1);
            tb_image im = {0, 0, W, H, NULL, 0, f == 1, 2, blocks[bi], {0}};
            tb_image_data(&b, &im, px[f]);
        }
        tb_trailer(&b);
        /* Bytes after the trailer are ignored. */
        tb_bytes(&b, "garbage", 7);
        uint8_t out[3 * W * H];
        uint32_t nf, ys[3 * H];
        for (size_t piece = 1; piece <= 41; piece++) {
            size_t p = piece == 41 ? b.len : piece;
            memset(out, 0xEE, sizeof out);
            int r = decode_rows(b.data, b.len, p, out, sizeof out, &nf, ys, 3 * H);
            TU_CHECK(r == GIFLOW_END && nf == 3, "blocks %u piece %zu: r=%d frames=%u",
                     blocks[bi], p, r, nf);
            TU_CHECK(!memcmp(out, px, sizeof out), "blocks %u piece %zu: pixels differ",
                     blocks[bi], p);
        }
        tb_free(&b);
    }
}

/* Rows of an interlaced frame come in pass order, each at its true row. */
static void test_interlace(void)
{
    for (unsigned h = 1; h <= 20; h++) {
        unsigned w = 3;
        uint8_t px[3 * 20];
        for (unsigned y = 0; y < h; y++)
            memset(px + y * w, (int)(y % 4), w);
        tb_buf b = {0};
        tb_header(&b, w, h, pal4, 4, 0);
        tb_image im = {0, 0, w, h, NULL, 0, 1, 2, 0, {0}};
        tb_image_data(&b, &im, px);
        tb_trailer(&b);
        uint8_t out[3 * 20];
        uint32_t nf, ys[20];
        int r = decode_rows(b.data, b.len, b.len, out, sizeof out, &nf, ys, 20);
        TU_CHECK(r == GIFLOW_END && nf == 1, "interlace h=%u: r=%d", h, r);
        TU_CHECK(!memcmp(out, px, w * h), "interlace h=%u: pixels", h);
        /* The order by definition. */
        unsigned want[20], k = 0;
        static const unsigned start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
        for (int p = 0; p < 4; p++)
            for (unsigned y = start[p]; y < h; y += step[p])
                want[k++] = y;
        TU_CHECK(!memcmp(ys, want, h * sizeof *ys), "interlace h=%u: row order", h);
        tb_free(&b);
    }
}

typedef struct meta_log {
    char text[256];
    size_t len;
    int comments, terminators, app_blocks;
    char app[12];
} meta_log;

static int on_meta(void *user, const giflow_meta *m)
{
    meta_log *l = user;
    if (m->last) {
        l->terminators++;
        return 0;
    }
    if (m->kind == GIFLOW_META_COMMENT) {
        if (m->block_index == 0)
            l->comments++;
        if (l->len + m->size < sizeof l->text) {
            memcpy(l->text + l->len, m->data, m->size);
            l->len += m->size;
        }
    } else if (m->kind == GIFLOW_META_APPLICATION) {
        l->app_blocks++;
        memcpy(l->app, m->app_id, 12);
    }
    return 0;
}

/* Metadata arrives sub-block by sub-block; loop counts follow the last
 * NETSCAPE2.0 extension; a missing one means "play once" (-1). */
static void test_metadata(void)
{
    uint8_t px[4] = {0, 1, 2, 3};
    tb_buf b = {0};
    tb_header(&b, 2, 2, pal4, 4, 0);
    /* A comment split into sub-blocks of 1 and 3 bytes. */
    tb_bytes(&b, "\x21\xFE\x01h\x03iya\x00", 9);
    tb_netscape(&b, 7);
    tb_image im = {0, 0, 2, 2, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&b, &im, px);
    tb_netscape(&b, 3);
    tb_trailer(&b);
    meta_log log;
    memset(&log, 0, sizeof log);
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_decoder_set_meta_callback(dec, on_meta, &log);
    giflow_input in = {b.data, b.len, 0, 1};
    giflow_frame_info f;
    int r = giflow_decode_frame_info(dec, &in, &f);
    TU_CHECK(r == GIFLOW_OK && giflow_decoder_loop_count(dec) == 7, "loop before frame: %d",
             giflow_decoder_loop_count(dec));
    r = giflow_decode_frame_info(dec, &in, &f);
    TU_CHECK(r == GIFLOW_END && giflow_decoder_loop_count(dec) == 3, "loop at end: %d",
             giflow_decoder_loop_count(dec));
    TU_CHECK(log.comments == 1 && log.len == 4 && !memcmp(log.text, "hiya", 4),
             "comment: %d '%.*s'", log.comments, (int)log.len, log.text);
    TU_CHECK(log.terminators == 3 && log.app_blocks == 4 && !strcmp(log.app, "NETSCAPE2.0"),
             "meta events: %d terminators, %d app blocks", log.terminators, log.app_blocks);
    giflow_decoder_free(dec);

    /* No loop extension: -1. */
    tb_buf c = {0};
    tb_header(&c, 2, 2, pal4, 4, 0);
    tb_image_data(&c, &im, px);
    tb_trailer(&c);
    dec = giflow_decoder_new(NULL);
    giflow_input in2 = {c.data, c.len, 0, 1};
    while ((r = giflow_decode_frame_info(dec, &in2, &f)) == GIFLOW_OK)
        ;
    TU_CHECK(r == GIFLOW_END && giflow_decoder_loop_count(dec) == -1, "no loop ext: %d",
             giflow_decoder_loop_count(dec));
    giflow_decoder_free(dec);
    tb_free(&b);
    tb_free(&c);
}

/* A graphic control block must be 4 bytes plus the terminator (Chromium's
 * rule); a wrong length is an error, reported before the next frame. */
static void test_bad_gce(void)
{
    uint8_t px[4] = {0, 1, 2, 3};
    tb_buf b = {0};
    tb_header(&b, 2, 2, pal4, 4, 0);
    tb_image im = {0, 0, 2, 2, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&b, &im, px);
    tb_bytes(&b, "\x21\xF9\x03\x00\x00\x00\x00", 7);
    tb_image_data(&b, &im, px);
    tb_trailer(&b);
    tu_decoded d;
    tu_decode(b.data, b.len, 0, 0, 0, &d);
    TU_CHECK(d.nframes == 1 && d.status == GIFLOW_ERR_BAD_EXTENSION,
             "bad gce: %u frames, status %d", d.nframes, d.status);
    tu_decoded_free(&d);
    tb_free(&b);
}

int main(void)
{
    test_framing_and_chunks();
    test_interlace();
    test_metadata();
    test_bad_gce();
    printf("test_stream: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
