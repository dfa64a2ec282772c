/*
 * Bounded work on hostile input (issue 15).
 *
 * Row 2, metadata limits: endless comments, application extensions, empty
 * extensions and graphic controls stop with their own error, where the
 * limit says, and a 0.1-sized giflow_limits gets the new limits' defaults.
 *
 * Row 12, GIFLOW_FLAG_ZEROED_CANVAS: a short file claiming a huge first
 * frame writes only what its data decodes into a zeroed canvas (checked
 * with a sentinel: every byte the decoder writes is seen), and the flag
 * changes no pixel of any corpus file.
 *
 * Truth: the stop offsets are worked out by hand from the byte layout of
 * each stream (see each case), and the limits' documented accounting:
 * every non-graphic-control sub-block costs its payload plus its length
 * byte (terminators included); every extension introducer counts once.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gifbuild.h"
#include "testutil.h"


#define HEADER 13 /* signature + logical screen, no global palette */

/* Offers prefix, then unit repeated forever, in chunks, until the decoder
 * stops asking for input or cap bytes have gone in. Returns the status;
 * *used is how many bytes the decoder consumed. */
static int endless(const giflow_limits *lim, const uint8_t *prefix, size_t plen,
                   const uint8_t *unit, size_t ulen, uint64_t cap, uint64_t *used)
{
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (lim)
        TU_CHECK(giflow_decoder_set_limits(dec, lim) == GIFLOW_OK, "set_limits");
    size_t reps = 65536 / ulen, n = reps * ulen;
    uint8_t *chunk = malloc(n);
    for (size_t i = 0; i < reps; i++)
        memcpy(chunk + i * ulen, unit, ulen);
    giflow_image_info ii;
    giflow_input in = {prefix, plen, 0, 0};
    uint64_t offered = plen, done = 0;
    int r;
    while ((r = giflow_decode_image_info(dec, &in, &ii)) == GIFLOW_NEED_INPUT && offered < cap) {
        done += in.pos;
        in.src = chunk;
        in.size = n;
        in.pos = 0;
        offered += n;
    }
    *used = done + in.pos;
    /* Sticky: the same error again, consuming nothing. */
    size_t pos = in.pos;
    if (r < 0)
        TU_CHECK(giflow_decode_image_info(dec, &in, &ii) == r && in.pos == pos, "sticky %d", r);
    giflow_decoder_free(dec);
    free(chunk);
    return r;
}

static void header(tb_buf *b)
{
    tb_header(b, 4, 4, NULL, 0, 0);
}

static void check_stop(const char *what, int r, uint64_t used, int want, uint64_t want_used)
{
    TU_CHECK(r == want, "%s: status %d (%s), want %d", what, r, giflow_strerror(r), want);
    TU_CHECK(used == want_used, "%s: stopped after %llu bytes, want %llu", what,
             (unsigned long long)used, (unsigned long long)want_used);
}

/* A 256x256 opaque first frame covering the canvas, with 12 bytes of
 * data that break after a few codes. Bytes of a canvas of 0xEE written by
 * the decoder: with the flag, only pixels the data reached. Each code
 * paints at most as many pixels as codes came before it plus one, so 12
 * bytes of 9-bit codes (10 codes) reach at most 55 pixels. */
static void zeroed_canvas(void)
{
    enum { W = 256, H = 256 };
    static const uint8_t data[12] = {0x00, 0x01, 0x07, 0x1c, 0x70, 0xc0, 0x01, 0x07,
                                     0xff, 0xff, 0xff, 0xff};
    static uint8_t canvas[W * H * 4];
    tb_buf g = {0};
    tb_header(&g, W, H, NULL, 0, 0);
    tb_bytes(&g, "\x2c\0\0\0\0\0\x01\0\x01\x87", 10); /* 256x256, local 256 */
    for (int i = 0; i < 768; i++)
        tb_u8(&g, (unsigned)i);
    tb_u8(&g, 8);
    tb_u8(&g, sizeof data);
    tb_bytes(&g, data, sizeof data);
    tb_u8(&g, 0);
    for (int zeroed = 0; zeroed < 2; zeroed++) {
        memset(canvas, 0xEE, sizeof canvas);
        giflow_decoder *dec = giflow_decoder_new(NULL);
        TU_CHECK(giflow_decoder_set_flags(dec, zeroed ? GIFLOW_FLAG_ZEROED_CANVAS : 0) ==
                     GIFLOW_OK, "set_flags");
        giflow_input in = {g.data, g.len, 0, 1};
        giflow_image_info ii;
        giflow_frame_info fi;
        int r = giflow_decode_image_info(dec, &in, &ii);
        if (r == GIFLOW_OK)
            r = giflow_decode_frame_info(dec, &in, &fi);
        if (r == GIFLOW_OK)
            r = giflow_decode_frame_rgba(dec, &in, canvas, W * 4);
        size_t written = 0;
        for (size_t i = 0; i < sizeof canvas; i++)
            written += canvas[i] != 0xEE;
        TU_CHECK(r < 0, "the frame breaks: %d", r);
        if (zeroed)
            TU_CHECK(written <= 55 * 4, "zeroed canvas: %zu bytes written", written);
        else
            TU_CHECK(written >= sizeof canvas - 55 * 4, "plain canvas: the transparent start "
                     "is painted (%zu bytes)", written);
        giflow_decoder_free(dec);
    }
    tb_free(&g);
}

/* Decodes data with and without the flag; every frame must be the same. */
static void same_frames(const uint8_t *data, size_t size, const char *label)
{
    tu_decoded a, b;
    tu_decode(data, size, 0, 0, 1, &a);
    tu_decode(data, size, 0, GIFLOW_FLAG_ZEROED_CANVAS, 1, &b);
    size_t bytes = (size_t)a.image.canvas_width * a.image.canvas_height * 4;
    int same = a.status == b.status && a.nframes == b.nframes && a.nframes > 0;
    for (uint32_t i = 0; same && i < a.nframes; i++)
        same = a.frames[i].status == b.frames[i].status &&
               !memcmp(a.frames[i].rgba, b.frames[i].rgba, bytes);
    TU_CHECK(same, "%s: the flag changed the frames", label);
    tu_decoded_free(&a);
    tu_decoded_free(&b);
}

/* The flag changes no pixel: corpus files (transparency, disposal 2, a
 * first frame smaller than the canvas, interlacing, truncation) and a
 * restore-previous first frame, which then needs no buffer. */
static void zeroed_same(const char *corpora)
{
    static const char *const files[] = {
        "wuffs/test/data/animated-red-blue.gif", "wuffs/test/data/gifplayer-muybridge.gif",
        "wuffs/test/data/hippopotamus.interlaced.gif",
        "wuffs/test/data/hippopotamus.interlaced.truncated.gif",
        "wuffs/test/data/harvesters.gif", NULL};
    for (int k = 0; files[k]; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", corpora, files[k]);
        size_t size;
        uint8_t *data = tu_read_file(path, &size);
        TU_CHECK(data != NULL, "%s", path);
        if (data)
            same_frames(data, size, files[k]);
        free(data);
    }
    static const uint8_t pal[12] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9};
    uint8_t px[16];
    for (int i = 0; i < 16; i++)
        px[i] = (uint8_t)(i % 3);
    tb_buf g = {0};
    tb_header(&g, 8, 8, pal, 4, 0);
    tb_gce(&g, 3, 10, -1); /* restore previous: the transparent start */
    tb_image a = {2, 2, 4, 4, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&g, &a, px);
    tb_gce(&g, 0, 10, -1);
    tb_image b = {0, 0, 2, 2, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&g, &b, px);
    tb_trailer(&g);
    same_frames(g.data, g.len, "restore-previous first frame");
    tb_free(&g);
}

int main(int argc, char **argv)
{
    giflow_limits lim;
    uint64_t used;
    int r;
    tb_buf p = {0};
    header(&p);
    TU_CHECK(p.len == HEADER, "header is %zu bytes", p.len);

    /* 1. One comment of endless 1-byte sub-blocks ("01 41", 2 bytes each).
     * Limit 1000: the 501st sub-block brings the count to 1002 > 1000, and
     * the decoder stops on its length byte: 13 + 2 (21 FE) + 2*500 + 1. */
    static const uint8_t c1[] = {0x01, 'A'};
    tb_u8(&p, 0x21);
    tb_u8(&p, 0xFE);
    giflow_limits_default(&lim);
    lim.max_metadata_bytes = 1000;
    r = endless(&lim, p.data, p.len, c1, 2, 1 << 20, &used);
    check_stop("endless comment, limit 1000", r, used, GIFLOW_ERR_LIMIT_METADATA,
               HEADER + 2 + 2 * 500 + 1);
    /* The default, 64 MiB: sub-block number 2^25 + 1 crosses it. */
    r = endless(NULL, p.data, p.len, c1, 2, (uint64_t)80 << 20, &used);
    check_stop("endless comment, default limit", r, used, GIFLOW_ERR_LIMIT_METADATA,
               HEADER + 2 + 2 * ((uint64_t)1 << 25) + 1);

    /* 2. An endless NETSCAPE2.0 extension: its identifier sub-block costs
     * 1 + 11, then "03 01 00 00" loop blocks cost 4 each. Limit 1000:
     * 12 + 4k > 1000 first at k = 248, on its length byte. */
    static const uint8_t loop[] = {0x03, 0x01, 0x00, 0x00};
    p.len = HEADER;
    tb_bytes(&p, "\x21\xFF\x0BNETSCAPE2.0", 14);
    r = endless(&lim, p.data, p.len, loop, 4, 1 << 20, &used);
    check_stop("endless NETSCAPE2.0", r, used, GIFLOW_ERR_LIMIT_METADATA,
               HEADER + 14 + 4 * 247 + 1);

    /* 3. Endless empty comments "21 FE 00". Limit 100 extensions: the
     * 101st fails on its label, after its introducer. */
    static const uint8_t empty[] = {0x21, 0xFE, 0x00};
    p.len = HEADER;
    giflow_limits_default(&lim);
    lim.max_extensions = 100;
    r = endless(&lim, p.data, p.len, empty, 3, 1 << 20, &used);
    check_stop("endless empty extensions, limit 100", r, used, GIFLOW_ERR_LIMIT_EXTENSIONS,
               HEADER + 3 * 100 + 2);
    r = endless(NULL, p.data, p.len, empty, 3, (uint64_t)20 << 20, &used);
    check_stop("endless empty extensions, default", r, used, GIFLOW_ERR_LIMIT_EXTENSIONS,
               HEADER + 3 * (uint64_t)4000000 + 2);

    /* 4. Endless graphic controls (8 bytes each) count as extensions but
     * not as metadata: a metadata limit of 1 does not stop them. */
    static const uint8_t gce[] = {0x21, 0xF9, 0x04, 0x00, 0x05, 0x00, 0x00, 0x00};
    lim.max_metadata_bytes = 1;
    r = endless(&lim, p.data, p.len, gce, 8, 1 << 20, &used);
    check_stop("endless graphic controls", r, used, GIFLOW_ERR_LIMIT_EXTENSIONS,
               HEADER + 8 * 100 + 2);

    /* 5. A caller built against the 0.1 header passes the 0.1 size: the
     * new fields (bytes it does not have) take their defaults, so the
     * 4,000,000-extension default still ends the stream. */
    giflow_limits big;
    memset(&big, 0xAB, sizeof big);
    giflow_limits_default(&big);
    big.size = offsetof(giflow_limits, max_metadata_bytes);
    big.max_metadata_bytes = 1;  /* past the 0.1 size: must be ignored */
    big.max_extensions = 1;
    r = endless(&big, p.data, p.len, empty, 3, (uint64_t)20 << 20, &used);
    check_stop("0.1-sized limits get the defaults", r, used, GIFLOW_ERR_LIMIT_EXTENSIONS,
               HEADER + 3 * (uint64_t)4000000 + 2);

    /* 6. Exactly at the limit is fine, and 0 means no limit: a 4x4 image
     * after a 297-byte comment (sub-blocks of 255 and 42, each with its
     * length byte, and the terminator: 256 + 43 + 1 = 300 counted bytes)
     * decodes to the end. */
    tb_buf g = {0};
    header(&g);
    char text[298];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = 0;
    tb_comment(&g, text);
    uint8_t px[16] = {0};
    static const uint8_t lct[6] = {0, 0, 0, 255, 255, 255};
    tb_image im = {0, 0, 4, 4, lct, 2, 0, 2, 0, {0}};
    tb_image_data(&g, &im, px);
    tb_trailer(&g);
    for (int k = 0; k < 3; k++) {
        giflow_limits_default(&lim);
        lim.max_metadata_bytes = k == 0 ? 300 : k == 1 ? 299 : 0;
        lim.max_extensions = k == 2 ? 0 : 1;
        giflow_decoder *dec = giflow_decoder_new(NULL);
        giflow_decoder_set_limits(dec, &lim);
        giflow_input in = {g.data, g.len, 0, 1};
        giflow_image_info ii;
        giflow_frame_info fi;
        r = giflow_decode_image_info(dec, &in, &ii);
        if (r == GIFLOW_OK)
            r = giflow_decode_frame_info(dec, &in, &fi);
        if (r == GIFLOW_OK)
            r = giflow_decode_frame_info(dec, &in, &fi); /* skips the data */
        int want = k == 1 ? GIFLOW_ERR_LIMIT_METADATA : GIFLOW_END;
        TU_CHECK(r == want, "comment of 300 counted bytes, limit %llu: %s",
                 (unsigned long long)lim.max_metadata_bytes, giflow_strerror(r));
        giflow_decoder_free(dec);
    }
    TU_CHECK(strcmp(giflow_strerror(GIFLOW_ERR_LIMIT_METADATA), "unknown status") &&
                 strcmp(giflow_strerror(GIFLOW_ERR_LIMIT_EXTENSIONS), "unknown status"),
             "the new codes have messages");
    tb_free(&p);
    tb_free(&g);
    zeroed_canvas();
    if (argc > 1)
        zeroed_same(argv[1]);
    printf("test_limits: %d failures\n", tu_failures);
    return tu_failures != 0;
}
