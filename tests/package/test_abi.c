/*
 * The API about the API: the version, the extensible option structs (their
 * size field), the safe default frame and the 0.1 names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "testutil.h"

typedef struct membuf {
    uint8_t *p;
    size_t n;
} membuf;

/* The runtime version is the header's, and CMake's project version (passed
 * in as GIFLOW_TEST_PROJECT_VERSION) was derived from the same lines. */
static void test_version(void)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", GIFLOW_VERSION_MAJOR, GIFLOW_VERSION_MINOR,
             GIFLOW_VERSION_PATCH);
    TU_CHECK(giflow_version() == GIFLOW_VERSION_NUMBER, "version %u", giflow_version());
    TU_CHECK(GIFLOW_VERSION_NUMBER ==
                 GIFLOW_VERSION_MAJOR * 10000 + GIFLOW_VERSION_MINOR * 100 + GIFLOW_VERSION_PATCH,
             "number");
    TU_CHECK(!strcmp(giflow_version_string(), want), "string %s", giflow_version_string());
    TU_CHECK(!strcmp(GIFLOW_VERSION_STRING, want), "macro %s", GIFLOW_VERSION_STRING);
    TU_CHECK(!strcmp(GIFLOW_TEST_PROJECT_VERSION, want), "cmake %s", GIFLOW_TEST_PROJECT_VERSION);
}

/* Encodes one 2x1 indexed frame (indices 0, 1; palette (10,20,30),
 * (40,50,60)) and decodes it: returns the status of encode_frame, and the
 * decoded pixels in px when it succeeded. */
static int encode_indexed(const giflow_frame *f, uint8_t px[8])
{
    giflow_encoder *enc = giflow_encoder_new(NULL);
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    o.width = 2;
    o.height = 1;
    giflow_encoder_set_output_memory(enc);
    int r = giflow_encode_begin(enc, &o);
    int fr = giflow_encode_frame(enc, f);
    if (r == GIFLOW_OK && fr == GIFLOW_OK)
        r = giflow_encode_finish(enc, -1);
    memset(px, 0xEE, 8);
    if (r == GIFLOW_OK && fr == GIFLOW_OK) {
        size_t n;
        const uint8_t *gif = giflow_encoder_output(enc, &n);
        tu_decoded d;
        tu_decode(gif, n, 0, 0, 1, &d);
        if (d.status == GIFLOW_END && d.nframes == 1)
            memcpy(px, d.frames[0].rgba, 8);
        tu_decoded_free(&d);
    }
    giflow_encoder_free(enc);
    return fr;
}

static const uint8_t idx2[2] = {0, 1};
static const uint8_t pal2[6] = {10, 20, 30, 40, 50, 60};

/* 0.1's `giflow_frame f = {0}` made index 0 transparent; now a zeroed frame
 * and giflow_frame_init() both mean "no transparency". */
static void test_default_frame(void)
{
    static const uint8_t opaque[8] = {10, 20, 30, 255, 40, 50, 60, 255};
    static const uint8_t clear0[8] = {0, 0, 0, 0, 40, 50, 60, 255};
    uint8_t px[8];

    giflow_frame z = {0};
    z.indices = idx2;
    z.palette = pal2;
    z.palette_size = 2;
    TU_CHECK(encode_indexed(&z, px) == GIFLOW_OK && !memcmp(px, opaque, 8),
             "zeroed frame: %u,%u,%u,%u", px[0], px[1], px[2], px[3]);

    giflow_frame f;
    memset(&f, 0x5A, sizeof f);
    giflow_frame_init(&f);
    TU_CHECK(f.size == sizeof f && !f.rgba && !f.has_transparency && f.transparent_index == 0 &&
                 f.time_mode == GIFLOW_TIME_DELAY_CS && f.delay_cs == 0,
             "giflow_frame_init fields");
    f.indices = idx2;
    f.palette = pal2;
    f.palette_size = 2;
    TU_CHECK(encode_indexed(&f, px) == GIFLOW_OK && !memcmp(px, opaque, 8), "init frame");

    f.transparent_index = -1; /* 0.1's "none" is still accepted */
    TU_CHECK(encode_indexed(&f, px) == GIFLOW_OK && !memcmp(px, opaque, 8), "index -1");

    f.has_transparency = 1;
    f.transparent_index = 0;
    TU_CHECK(encode_indexed(&f, px) == GIFLOW_OK && !memcmp(px, clear0, 8),
             "index 0 transparent: %u,%u,%u,%u", px[0], px[1], px[2], px[3]);
    f.transparent_index = 256;
    TU_CHECK(encode_indexed(&f, px) == GIFLOW_ERR_ARG, "index 256");

    /* Code written for 0.1 (an index, no flag) is refused, not ignored. */
    f.has_transparency = 0;
    f.transparent_index = 1;
    TU_CHECK(encode_indexed(&f, px) == GIFLOW_ERR_ARG, "index without has_transparency");
}

/* The size field: init writes only the caller's bytes; takers read the
 * first size bytes, accept a newer caller's larger struct while its extra
 * bytes are zero, and refuse sizes that cannot be right. */
static void test_sizes(void)
{
    enum { EXTRA = 16 };
    union {
        giflow_limits l;
        giflow_encode_options o;
        giflow_frame f;
        unsigned char b[sizeof(giflow_encode_options) + sizeof(giflow_frame) + EXTRA];
    } u;

    /* A caller whose struct is smaller (an older header): nothing past it
     * is written. */
    memset(&u, 0xAA, sizeof u);
    giflow_limits_init_size(&u.l, 3 * sizeof(size_t));
    TU_CHECK(u.l.size == 3 * sizeof(size_t) && u.b[3 * sizeof(size_t)] == 0xAA,
             "short limits init wrote past its size");
    memset(&u, 0xAA, sizeof u);
    giflow_encode_options_init_size(&u.o, sizeof u.o + EXTRA);
    TU_CHECK(u.o.size == sizeof u.o + EXTRA && u.o.max_colors == 256 && u.o.optimize == 1 &&
                 u.b[sizeof u.o] == 0 && u.b[sizeof u.o + EXTRA - 1] == 0 &&
                 u.b[sizeof u.o + EXTRA] == 0xAA,
             "long options init");

    giflow_decoder *dec = giflow_decoder_new(NULL);
    memset(&u, 0, sizeof u);
    TU_CHECK(giflow_decoder_set_limits(dec, &u.l) == GIFLOW_ERR_ARG, "limits size 0");
    giflow_limits_init_size(&u.l, sizeof u.l + EXTRA);
    TU_CHECK(giflow_decoder_set_limits(dec, &u.l) == GIFLOW_OK, "larger limits, zero tail");
    u.b[sizeof u.l + 3] = 1;
    TU_CHECK(giflow_decoder_set_limits(dec, &u.l) == GIFLOW_ERR_ARG, "larger limits, used tail");
    /* The 0.1 layout ends before max_metadata_bytes (added after it). */
    giflow_limits_default(&u.l);
    u.l.size = offsetof(giflow_limits, max_metadata_bytes);
    TU_CHECK(giflow_decoder_set_limits(dec, &u.l) == GIFLOW_OK, "0.1-sized limits");
    u.l.size = offsetof(giflow_limits, max_metadata_bytes) - 1;
    TU_CHECK(giflow_decoder_set_limits(dec, &u.l) == GIFLOW_ERR_ARG, "limits below 0.1");
    giflow_decoder_free(dec);

    giflow_encoder *enc = giflow_encoder_new(NULL);
    giflow_encoder_set_output_memory(enc);
    memset(&u, 0, sizeof u);
    u.o.width = u.o.height = 1;
    u.o.max_colors = 256;
    TU_CHECK(giflow_encode_begin(enc, &u.o) == GIFLOW_ERR_ARG, "options size 0");
    giflow_encode_options_init_size(&u.o, sizeof u.o + EXTRA);
    u.o.width = u.o.height = 1;
    u.b[sizeof u.o + EXTRA - 1] = 7;
    TU_CHECK(giflow_encode_begin(enc, &u.o) == GIFLOW_ERR_ARG, "options, used tail");
    u.b[sizeof u.o + EXTRA - 1] = 0;
    TU_CHECK(giflow_encode_begin(enc, &u.o) == GIFLOW_OK, "options, zero tail");

    static const uint8_t px[4] = {1, 2, 3, 255};
    memset(&u, 0, sizeof u);
    u.f.rgba = px;
    u.f.size = sizeof u.f + EXTRA;
    u.b[sizeof u.f] = 1;
    TU_CHECK(giflow_encode_frame(enc, &u.f) == GIFLOW_ERR_ARG, "frame, used tail");
    u.b[sizeof u.f] = 0;
    TU_CHECK(giflow_encode_frame(enc, &u.f) == GIFLOW_OK, "frame, zero tail");
    u.f.size = 0;
    TU_CHECK(giflow_encode_frame(enc, &u.f) == GIFLOW_OK, "frame size 0 (zeroed)");
    u.f.size = 1;
    TU_CHECK(giflow_encode_frame(enc, &u.f) == GIFLOW_ERR_ARG, "frame size 1");
    giflow_encoder_free(enc);
}

static int to_mem(void *user, const uint8_t *data, size_t size)
{
    membuf *m = user;
    uint8_t *p = realloc(m->p, m->n + size);
    if (!p)
        return 1;
    memcpy(p + m->n, data, size);
    m->p = p;
    m->n += size;
    return 0;
}

/* The 0.1 names are the same functions. */
static void test_old_names(void)
{
    membuf m = {NULL, 0};
    giflow_encoder *enc = giflow_encoder_new(NULL);
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    o.width = o.height = 1;
    o.loop_count = 3;
    giflow_encoder_set_output(enc, to_mem, &m);
    giflow_frame f;
    giflow_frame_init(&f);
    static const uint8_t px[4] = {9, 9, 9, 255};
    f.rgba = px;
    int r = giflow_encode_begin(enc, &o);
    if (r == GIFLOW_OK)
        r = giflow_encode_frame(enc, &f);
    if (r == GIFLOW_OK)
        r = giflow_encode_finish(enc, -1);
    giflow_encoder_free(enc);
    TU_CHECK(r == GIFLOW_OK, "encode: %s", giflow_strerror(r));

    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_input in = {m.p, m.n, 0, 1};
    giflow_image_info ii;
    giflow_frame_info fi;
    giflow_row row;
    TU_CHECK(giflow_current_frame(dec) == NULL && giflow_decoder_current_frame(dec) == NULL,
             "no frame yet");
    r = giflow_decode_image_info(dec, &in, &ii);
    if (r == GIFLOW_OK)
        r = giflow_decode_frame_info(dec, &in, &fi);
    if (r == GIFLOW_OK)
        r = giflow_decode_row(dec, &in, &row);
    TU_CHECK(r == GIFLOW_OK, "decode: %s", giflow_strerror(r));
    TU_CHECK(giflow_loop_count(dec) == 3 && giflow_decoder_loop_count(dec) == 3, "loop count");
    TU_CHECK(giflow_current_frame(dec) == giflow_decoder_current_frame(dec) &&
                 giflow_decoder_current_frame(dec) != NULL,
             "current frame");
    uint32_t y1 = 9, y2 = 8;
    TU_CHECK(giflow_partial_row(dec, &y1) == giflow_decoder_partial_row(dec, &y2) && y1 == y2,
             "partial row");
    giflow_decoder_free(dec);
    free(m.p);
}

static int failing_write(void *user, const uint8_t *data, size_t size)
{
    (void)user, (void)data, (void)size;
    return 1;
}

/* The error model in giflow.h: GIFLOW_ERR_ARG and GIFLOW_ERR_STATE are
 * refusals that leave the object usable; other errors are sticky, while
 * queries still answer. */
static void test_error_model(void)
{
    /* A 1x1 GIF with one frame, by hand: header, screen with a 2-colour
     * global palette, image descriptor, LZW min size 2, data (clear, 0,
     * end: 0x44 0x01), trailer. */
    static const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0,
                                  0, 0, 0, 255, 255, 255, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0,
                                  0, 2, 2, 0x44, 0x01, 0, 0x3B};
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_input in = {gif, sizeof gif, 0, 1};
    giflow_image_info ii;
    giflow_frame_info fi;
    giflow_row row;
    TU_CHECK(giflow_decode_row(dec, &in, &row) == GIFLOW_ERR_STATE, "row before frame");
    TU_CHECK(giflow_decode_image_info(dec, NULL, &ii) == GIFLOW_ERR_ARG, "NULL input");
    TU_CHECK(in.pos == 0, "a refusal consumed input");
    TU_CHECK(giflow_decode_image_info(dec, &in, &ii) == GIFLOW_OK && ii.canvas_width == 1,
             "image info after refusals");
    TU_CHECK(giflow_decoder_set_limits(dec, NULL) == GIFLOW_ERR_ARG, "limits NULL");
    int r = giflow_decode_frame_info(dec, &in, &fi);
    if (r == GIFLOW_OK)
        r = giflow_decode_row(dec, &in, &row);
    TU_CHECK(r == GIFLOW_OK && row.indices[0] == 0, "row: %d", r);
    TU_CHECK(giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_END, "end");
    TU_CHECK(giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_END, "end again");
    giflow_decoder_free(dec);

    /* Bad data (a code above the next free one: 7 at 3 bits) is sticky. */
    uint8_t bad[sizeof gif];
    memcpy(bad, gif, sizeof gif);
    bad[31] = 0x3C; /* codes 4 (clear), 7 */
    dec = giflow_decoder_new(NULL);
    giflow_input b = {bad, sizeof bad, 0, 1};
    r = giflow_decode_frame_info(dec, &b, &fi);
    if (r == GIFLOW_OK)
        r = giflow_decode_row(dec, &b, &row);
    TU_CHECK(r == GIFLOW_ERR_BAD_CODE, "bad code: %d", r);
    giflow_input again = {gif, sizeof gif, 0, 1};
    TU_CHECK(giflow_decode_frame_info(dec, &again, &fi) == GIFLOW_ERR_BAD_CODE &&
                 giflow_decode_image_info(dec, &again, &ii) == GIFLOW_ERR_BAD_CODE,
             "not sticky");
    size_t peak = 0;
    TU_CHECK(giflow_decoder_heap(dec, &peak) > 0 && peak > 0 &&
                 giflow_decoder_current_frame(dec) != NULL,
             "queries after a failure");
    giflow_decoder_free(dec);

    /* Encoder: refusals, then a sticky write error. */
    giflow_encoder *enc = giflow_encoder_new(NULL);
    giflow_encoder_set_output(enc, failing_write, NULL);
    giflow_frame f;
    giflow_frame_init(&f);
    static const uint8_t px[4] = {1, 2, 3, 255};
    f.rgba = px;
    TU_CHECK(giflow_encode_frame(enc, &f) == GIFLOW_ERR_STATE, "frame before begin");
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    TU_CHECK(giflow_encode_begin(enc, &o) == GIFLOW_ERR_ARG, "width 0");
    o.width = o.height = 1;
    o.row_streaming = 1;
    TU_CHECK(giflow_encode_begin(enc, &o) == GIFLOW_OK, "begin after a refusal");
    TU_CHECK(giflow_encode_rows_begin(enc, &f) == GIFLOW_ERR_STATE, "rows without a palette");
    TU_CHECK(giflow_encode_sample_rows(enc, px, 1, 0) == GIFLOW_OK, "sample after refusal");
    r = giflow_encode_rows_begin(enc, &f);
    TU_CHECK(r == GIFLOW_ERR_IO, "failing output: %d", r);
    TU_CHECK(giflow_encode_finish(enc, -1) == GIFLOW_ERR_IO &&
                 giflow_encode_rows(enc, px, 1, 0) == GIFLOW_ERR_IO,
             "write error not sticky");
    giflow_encode_stats st;
    TU_CHECK(giflow_encoder_stats(enc, &st) == GIFLOW_OK, "stats after a failure");
    giflow_encoder_free(enc);
}

int main(int argc, char **argv)
{
    /* For tests/package/docs_test.py: the figure the docs quote. */
    if (argc > 1 && !strcmp(argv[1], "--state-size")) {
        printf("%zu\n", giflow_decoder_state_size());
        return 0;
    }
    test_version();
    test_error_model();
    test_default_frame();
    test_sizes();
    test_old_names();
    printf("test_abi: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
