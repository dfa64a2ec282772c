/*
 * API contract tests: errors and their codes, sticky errors, limits, the
 * no-malloc static init, and the input-consumption contract.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gifbuild.h"
#include "testutil.h"

static const uint8_t pal4[12] = {0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255};

static int decode_status(const uint8_t *data, size_t n, uint32_t *frames)
{
    tu_decoded d;
    tu_decode(data, n, 0, 0, 0, &d);
    int st = d.status;
    if (frames)
        *frames = d.nframes;
    tu_decoded_free(&d);
    return st;
}

static void test_errors(void)
{
    uint32_t nf;
    /* Not a GIF. */
    TU_CHECK(decode_status((const uint8_t *)"GIF90a\0\0\0\0\0\0\0", 13, NULL) ==
                 GIFLOW_ERR_NOT_GIF, "bad signature");
    /* Empty and cut-short headers. */
    TU_CHECK(decode_status((const uint8_t *)"", 0, NULL) == GIFLOW_ERR_TRUNCATED, "empty");
    TU_CHECK(decode_status((const uint8_t *)"GIF89a\1\0", 8, NULL) == GIFLOW_ERR_TRUNCATED,
             "short header");
    /* A stream that ends before any image has no frames and is fine. */
    tb_buf b = {0};
    tb_header(&b, 4, 4, pal4, 4, 0);
    TU_CHECK(decode_status(b.data, b.len, &nf) == GIFLOW_END && nf == 0, "no images");
    /* A canvas with no area (0x0 screen, 0x0 first frame) is refused, as in
     * Chromium; a 0x0 screen grown by its first frame is fine. */
    {
        tb_buf z = {0};
        uint8_t one[1] = {1};
        tb_header(&z, 0, 0, pal4, 4, 0);
        tb_image e = {0, 0, 0, 0, NULL, 0, 0, 2, 0, {0}};
        tb_image_data(&z, &e, one);
        TU_CHECK(decode_status(z.data, z.len, &nf) == GIFLOW_ERR_EMPTY_IMAGE, "0x0 canvas");
        tb_free(&z);
        tb_header(&z, 0, 0, pal4, 4, 0);
        tb_image g = {0, 0, 1, 1, NULL, 0, 0, 2, 0, {0}};
        tb_image_data(&z, &g, one);
        TU_CHECK(decode_status(z.data, z.len, &nf) == GIFLOW_END && nf == 1, "grown 0x0 screen");
        tb_free(&z);
    }
    /* The first frame's local palette cut short: stage 1 still succeeds
     * (the rectangle sized the canvas), the frame then fails. */
    {
        tb_buf z = {0};
        tb_header(&z, 3, 2, pal4, 4, 0);
        tb_bytes(&z, "\x2C\0\0\0\0\1\0\1\0\x81\0\0", 12);
        giflow_decoder *dec = giflow_decoder_new(NULL);
        giflow_input in = {z.data, z.len, 0, 1};
        giflow_image_info ii;
        giflow_frame_info fi;
        TU_CHECK(giflow_decode_image_info(dec, &in, &ii) == GIFLOW_OK && ii.canvas_width == 3,
                 "rect is enough for stage 1");
        TU_CHECK(giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_ERR_TRUNCATED,
                 "truncated local palette");
        giflow_decoder_free(dec);
        tb_free(&z);
    }
    /* Unknown block type. */
    tb_u8(&b, 0x99);
    TU_CHECK(decode_status(b.data, b.len, &nf) == GIFLOW_ERR_BAD_BLOCK, "bad block");
    tb_free(&b);

    /* Minimum code size 9 is an error for that frame (browser model), and
     * accepted with the lenient flag. */
    uint8_t px[4] = {0, 1, 2, 3};
    tb_header(&b, 2, 2, pal4, 4, 0);
    tb_image im = {0, 0, 2, 2, NULL, 0, 0, 9, 0, {0}};
    tb_image_data(&b, &im, px);
    tb_trailer(&b);
    TU_CHECK(decode_status(b.data, b.len, &nf) == GIFLOW_ERR_BAD_CODE_SIZE,
             "code size 9");
    tu_decoded d;
    tu_decode(b.data, b.len, 0, GIFLOW_FLAG_LENIENT_CODE_SIZE, 0, &d);
    TU_CHECK(d.status == GIFLOW_END && d.nframes == 1, "lenient code size: %d", d.status);
    tu_decoded_free(&d);
    tb_free(&b);

    /* Image data that ends before the frame is full. */
    tb_header(&b, 2, 2, pal4, 4, 0);
    tb_bytes(&b, "\x2C\0\0\0\0\2\0\2\0\0\x02\x01\x04\x00", 14); /* clear, then end of data */
    tb_trailer(&b);
    TU_CHECK(decode_status(b.data, b.len, &nf) == GIFLOW_ERR_MISSING_PIXELS,
             "missing pixels");
    tb_free(&b);

    /* Every pixel decoded but the file ends before the data terminator: the
     * frame is cut short (Chromium does not count it complete). With the
     * terminator it completes, even without a trailer. */
    {
        uint8_t px4[4] = {1, 1, 1, 1};
        tb_buf z = {0};
        tb_header(&z, 2, 2, pal4, 4, 0);
        tb_image e = {0, 0, 2, 2, NULL, 0, 0, 2, 0, {0}};
        tb_image_data(&z, &e, px4);
        tu_decoded dz;
        tu_decode(z.data, z.len - 1, 0, 0, 0, &dz);
        TU_CHECK(dz.nframes == 1 && dz.frames[0].status == GIFLOW_ERR_TRUNCATED,
                 "no terminator: %d", dz.nframes ? dz.frames[0].status : 0);
        tu_decoded_free(&dz);
        tu_decode(z.data, z.len, 0, 0, 0, &dz);
        TU_CHECK(dz.nframes == 1 && dz.frames[0].status == GIFLOW_FRAME_END &&
                     dz.status == GIFLOW_END,
                 "terminator, no trailer: %d", dz.status);
        tu_decoded_free(&dz);
        tb_free(&z);
    }
    /* Errors are sticky. */
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_input in = {(const uint8_t *)"NOTGIF_______", 13, 0, 1};
    giflow_image_info ii;
    giflow_frame_info fi;
    TU_CHECK(giflow_decode_image_info(dec, &in, &ii) == GIFLOW_ERR_NOT_GIF, "first");
    TU_CHECK(giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_ERR_NOT_GIF, "sticky");
    giflow_decoder_free(dec);

    /* Every status has a message. */
    for (int s = -40; s <= 3; s++)
        TU_CHECK(giflow_strerror(s) && *giflow_strerror(s), "strerror %d", s);
    TU_CHECK(strcmp(giflow_strerror(GIFLOW_ERR_TRUNCATED), "unknown status"), "truncated msg");
}

/* NEED_INPUT is only returned once every offered byte has been consumed,
 * so a caller can always refill its whole buffer. */
static void test_consumption(void)
{
    uint8_t px[64];
    memset(px, 2, sizeof px);
    tb_buf b = {0};
    tb_header(&b, 8, 8, pal4, 4, 0);
    tb_image im = {0, 0, 8, 8, NULL, 0, 0, 2, 3, {0}};
    tb_image_data(&b, &im, px);
    tb_trailer(&b);
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_input in = {b.data, 0, 0, 0};
    giflow_image_info ii;
    giflow_frame_info fi;
    giflow_row row;
    int r = 0, stage = 0, bad = 0;
    for (size_t n = 1; n <= b.len; n++) {
        in.size = n;
        in.eof = n == b.len;
        for (;;) {
            if (stage == 0)
                r = giflow_decode_image_info(dec, &in, &ii);
            else if (stage == 1)
                r = giflow_decode_frame_info(dec, &in, &fi);
            else
                r = giflow_decode_row(dec, &in, &row);
            if (r == GIFLOW_NEED_INPUT) {
                bad += in.pos != in.size;
                break;
            }
            if (r == GIFLOW_OK && stage < 2)
                stage++;
            else if (r == GIFLOW_FRAME_END)
                stage = 1;
            else if (r != GIFLOW_OK)
                break;
        }
        if (r == GIFLOW_END || r < 0)
            break;
    }
    TU_CHECK(r == GIFLOW_END && !bad, "consumption: r=%d, %d early returns", r, bad);
    giflow_decoder_free(dec);
    tb_free(&b);
}

typedef struct counting {
    size_t calls, bytes;
} counting;

static void *count_alloc(void *user, size_t n)
{
    counting *c = user;
    c->calls++;
    c->bytes += n;
    return malloc(n);
}

static void count_free(void *user, void *p)
{
    (void)user;
    free(p);
}

/* A 65535x65535 canvas with a 1x1 frame: over the default canvas limit, so
 * it fails with its own code, and nothing canvas-sized is allocated. */
static void test_limits(void)
{
    uint8_t px[1] = {1};
    tb_buf b = {0};
    tb_header(&b, 65535, 65535, pal4, 4, 0);
    tb_image im = {0, 0, 1, 1, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&b, &im, px);
    tb_trailer(&b);
    counting c = {0, 0};
    giflow_allocator a = {count_alloc, count_free, &c};
    giflow_decoder *dec = giflow_decoder_new(&a);
    giflow_input in = {b.data, b.len, 0, 1};
    giflow_image_info ii;
    TU_CHECK(giflow_decode_image_info(dec, &in, &ii) == GIFLOW_ERR_LIMIT_CANVAS, "canvas limit");
    size_t peak;
    giflow_decoder_heap(dec, &peak);
    TU_CHECK(peak == giflow_decoder_state_size() && c.calls == 1,
             "only the state was allocated: peak %zu, %zu calls", peak, c.calls);
    giflow_decoder_free(dec);

    /* The same file is fine when the caller raises the limit, and rows
     * still cost one row, not a canvas. */
    giflow_limits lim;
    giflow_limits_default(&lim);
    lim.max_canvas_pixels = 0;
    dec = giflow_decoder_new(&a);
    giflow_decoder_set_limits(dec, &lim);
    in.pos = 0;
    giflow_frame_info fi;
    giflow_row row;
    TU_CHECK(giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_OK, "no limit");
    TU_CHECK(giflow_decode_row(dec, &in, &row) == GIFLOW_OK && row.indices[0] == 1, "row");
    giflow_decoder_heap(dec, &peak);
    TU_CHECK(peak <= giflow_decoder_state_size() + 64, "row mode heap %zu", peak);
    giflow_decoder_free(dec);

    /* A 1000x1000 preview of it composes at that size: O(output) heap
     * (state, one row of 65535 indices, 80 bytes per output column). */
    dec = giflow_decoder_new(&a);
    giflow_decoder_set_limits(dec, &lim);
    in.pos = 0;
    giflow_image_info vi;
    giflow_viewport vp = {0, 0, 0, 0, 1000, 1000};
    uint8_t *out = malloc(1000 * 1000 * 4);
    TU_CHECK(giflow_decode_image_info(dec, &in, &vi) == GIFLOW_OK &&
                 giflow_decoder_set_viewport(dec, &vp) == GIFLOW_OK &&
                 giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_OK &&
                 giflow_decode_frame_rgba(dec, &in, out, 1000 * 4) == GIFLOW_FRAME_END,
             "1000x1000 preview of a 65535x65535 canvas");
    giflow_decoder_heap(dec, &peak);
    TU_CHECK(peak <= giflow_decoder_state_size() + 65535 + 80 * 1000 + 4096,
             "preview heap %zu", peak);
    free(out);
    giflow_decoder_free(dec);

    /* Frame count limit. */
    lim.max_frames = 1;
    tb_buf m = {0};
    tb_header(&m, 1, 1, pal4, 4, 0);
    tb_image one = {0, 0, 1, 1, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&m, &one, px);
    tb_image_data(&m, &one, px);
    tb_trailer(&m);
    dec = giflow_decoder_new(NULL);
    giflow_decoder_set_limits(dec, &lim);
    giflow_input in2 = {m.data, m.len, 0, 1};
    TU_CHECK(giflow_decode_frame_info(dec, &in2, &fi) == GIFLOW_OK, "frame 0");
    TU_CHECK(giflow_decode_frame_info(dec, &in2, &fi) == GIFLOW_ERR_LIMIT_FRAMES, "frame limit");
    giflow_decoder_free(dec);

    /* Memory budget: a restore-previous frame larger than the budget. */
    tb_buf r = {0};
    enum { S = 64 };
    uint8_t big[S * S];
    memset(big, 1, sizeof big);
    tb_header(&r, S, S, pal4, 4, 0);
    tb_gce(&r, 3, 0, -1);
    tb_image bi = {0, 0, S, S, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&r, &bi, big);
    tb_trailer(&r);
    giflow_limits_default(&lim);
    lim.max_memory = giflow_decoder_state_size() + S + 1000;
    dec = giflow_decoder_new(NULL);
    giflow_decoder_set_limits(dec, &lim);
    giflow_input in3 = {r.data, r.len, 0, 1};
    uint8_t *canvas = malloc(S * S * 4);
    TU_CHECK(giflow_decode_frame_info(dec, &in3, &fi) == GIFLOW_OK, "budget frame");
    TU_CHECK(giflow_decode_frame_rgba(dec, &in3, canvas, S * 4) == GIFLOW_ERR_LIMIT_MEMORY,
             "memory budget");
    giflow_decoder_free(dec);
    free(canvas);
    tb_free(&b);
    tb_free(&m);
    tb_free(&r);
}

/* The whole decoder in caller memory: no allocator is ever called. Row
 * mode needs the fixed state plus one row; restore-previous compositing
 * uses caller scratch. */
static void test_static(void)
{
    TU_CHECK(giflow_decoder_state_size() <= 16384, "state %zu bytes > 16 KiB",
             giflow_decoder_state_size());
    enum { W = 40, H = 10 };
    uint8_t px[W * H];
    for (int i = 0; i < W * H; i++)
        px[i] = (uint8_t)(i % 7 % 4);
    tb_buf b = {0};
    tb_header(&b, W, H, pal4, 4, 0);
    tb_gce(&b, 3, 0, -1);
    tb_image im = {0, 0, W, H, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&b, &im, px);
    tb_trailer(&b);

    size_t need = giflow_decoder_static_size(W);
    TU_CHECK(need <= 16384 + W + 8, "static size %zu", need);
    uint64_t *mem = malloc(need);
    TU_CHECK(giflow_decoder_init_static(mem, need - 1) == NULL ||
                 giflow_decoder_static_size(W - 1) <= need - 1,
             "size check");
    TU_CHECK(giflow_decoder_init_static((uint8_t *)mem + 1, need) == NULL, "alignment");
    giflow_decoder *dec = giflow_decoder_init_static(mem, need);
    TU_CHECK(dec != NULL, "init_static");
    giflow_input in = {b.data, b.len, 0, 1};
    giflow_frame_info fi;
    giflow_row row;
    int r = giflow_decode_frame_info(dec, &in, &fi), rows = 0, ok = 1;
    while ((r = giflow_decode_row(dec, &in, &row)) == GIFLOW_OK) {
        ok &= !memcmp(row.indices, px + row.y * W, W);
        rows++;
    }
    TU_CHECK(r == GIFLOW_FRAME_END && rows == H && ok, "static rows: r=%d rows=%d", r, rows);
    size_t peak;
    TU_CHECK(giflow_decoder_heap(dec, &peak) == 0 && peak == 0, "static heap");
    giflow_decoder_free(dec); /* frees nothing */

    /* Compose with restore-previous: fails without scratch, works with. */
    uint8_t canvas[W * H * 4], scratch[W * H * 4];
    for (int with_scratch = 0; with_scratch < 2; with_scratch++) {
        dec = giflow_decoder_init_static(mem, need);
        if (with_scratch)
            giflow_decoder_set_scratch(dec, scratch, sizeof scratch);
        giflow_input in2 = {b.data, b.len, 0, 1};
        giflow_decode_frame_info(dec, &in2, &fi);
        r = giflow_decode_frame_rgba(dec, &in2, canvas, W * 4);
        TU_CHECK(r == (with_scratch ? GIFLOW_FRAME_END : GIFLOW_ERR_SMALL_BUFFER),
                 "static compose (scratch %d): %d", with_scratch, r);
    }
    /* A frame wider than the static row fails cleanly. */
    dec = giflow_decoder_init_static(mem, giflow_decoder_static_size(W - 1));
    giflow_input in3 = {b.data, b.len, 0, 1};
    giflow_decode_frame_info(dec, &in3, &fi);
    TU_CHECK(giflow_decode_row(dec, &in3, &row) == GIFLOW_ERR_SMALL_BUFFER, "narrow static");
    free(mem);
    tb_free(&b);
}

int main(void)
{
    test_errors();
    test_consumption();
    test_limits();
    test_static();
    printf("test_api: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
