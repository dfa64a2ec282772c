/*
 * libFuzzer target: the decoder on arbitrary bytes.
 *
 * Each input is decoded twice, whole and in chunks whose sizes come from the
 * input itself, through both the compose and the row stages; the two runs
 * must agree exactly, and so must a chunked compose run with
 * GIFLOW_FLAG_SMALL_MEMORY (the other LZW modes). Chunk sizes are random,
 * drawn from the input's hash (fuzz_util.h).
 *
 * A third way must paint the same pixels: display output
 * (giflow_decode_frame_draw), in RGBA8888 or RGB565 as the input's hash
 * picks, pulled through a callback source that reads in random sizes, with
 * restore-previous done by readback or by re-decoding from the start in
 * bands of a small scratch, by a heap decoder or one in caller memory
 * (giflow_decoder_init_static, never allocating). Every complete frame it
 * shows must be the composed canvas in that format (fill's colour where
 * transparent).
 *
 * Crashes, hangs, leaks and sanitizer reports are what libFuzzer looks
 * for; the comparisons turn silent bugs into crashes too. Limits keep
 * allocations small.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

#define MAXF 64

typedef struct run {
    int status;
    uint32_t frames;
    uint32_t crc;
    uint32_t crc565;        /* the same canvases in RGB565 (see canon) */
    uint32_t fcrc[MAXF];    /* per frame, RGBA: complete frames only */
    uint32_t fcrc565[MAXF];
    int fstatus[MAXF];
} run;

/* What fill() paints: a colour, as a display shows a background. A
 * readback reads it as any other pixel, and a restore may draw it back. */
#define FILL_RGBA 0x010203u
#define FILL_565 0xF81Fu

/* A pixel as the display shows it, in the display's format: the fill
 * colour where transparent. */
static uint32_t canon(const uint8_t *p, int fmt)
{
    if (fmt == GIFLOW_FORMAT_RGBA8888)
        return p[3] ? (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2] : FILL_RGBA;
    return p[3] ? (uint32_t)(p[0] >> 3) << 11 | (uint32_t)(p[1] >> 2) << 5 | p[2] >> 3 : FILL_565;
}

static uint32_t canvas_crc(const uint8_t *canvas, size_t pixels, int fmt)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < pixels; i++) {
        uint32_t v = canon(canvas + 4 * i, fmt);
        h = fuzz_mix(h, (const uint8_t *)&v, 4);
    }
    return h;
}

/* chunk == 0: everything at once; else chunk sizes 1..chunk cycling. */
static run decode(const uint8_t *data, size_t size, unsigned chunk, int rows, unsigned flags)
{
    run out;
    memset(&out, 0, sizeof out);
    out.crc = 2166136261u;
    giflow_decoder *dec = fuzz_decoder(64, flags);
    fuzz_feed fd;
    fuzz_feed_init(&fd, data, size, chunk);
    giflow_image_info ii;
    int r;
    while ((r = giflow_decode_image_info(dec, &fd.in, &ii)) == GIFLOW_NEED_INPUT)
        fuzz_feed_more(&fd);
    uint8_t *canvas = NULL;
    size_t stride = (size_t)ii.canvas_width * 4;
    if (r == GIFLOW_OK && !rows) {
        canvas = malloc(stride * ii.canvas_height + 1);
        if (!canvas)
            abort();
    }
    while (r == GIFLOW_OK) {
        giflow_frame_info fi;
        while ((r = giflow_decode_frame_info(dec, &fd.in, &fi)) == GIFLOW_NEED_INPUT)
            fuzz_feed_more(&fd);
        if (r != GIFLOW_OK)
            break;
        out.frames++;
        if (rows) {
            giflow_row row;
            for (;;) {
                while ((r = giflow_decode_row(dec, &fd.in, &row)) == GIFLOW_NEED_INPUT)
                    fuzz_feed_more(&fd);
                if (r != GIFLOW_OK)
                    break;
                out.crc = fuzz_mix(out.crc, row.indices, row.width) ^ row.y;
            }
        } else {
            while ((r = giflow_decode_frame_rgba(dec, &fd.in, canvas, stride)) == GIFLOW_NEED_INPUT)
                fuzz_feed_more(&fd);
            out.crc = fuzz_mix(out.crc, canvas, stride * ii.canvas_height);
            if (out.frames <= MAXF) {
                size_t px = (size_t)ii.canvas_width * ii.canvas_height;
                out.fstatus[out.frames - 1] = r;
                out.fcrc[out.frames - 1] = canvas_crc(canvas, px, GIFLOW_FORMAT_RGBA8888);
                out.fcrc565[out.frames - 1] = canvas_crc(canvas, px, GIFLOW_FORMAT_RGB565);
            }
        }
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
    }
    out.status = r;
    free(canvas);
    giflow_decoder_free(dec);
    return out;
}

/* ---- Display output through a pull source ------------------------------ */

typedef struct screen {
    int fmt;
    uint32_t w, h;
    uint32_t *px; /* canon() values: what the display shows */
    const uint8_t *data;
    size_t size, pos;
    uint32_t rng;
} screen;

static int draw(void *user, uint32_t x, uint32_t y, uint32_t n, const void *pixels)
{
    screen *s = user;
    if (y >= s->h || x > s->w || n > s->w - x)
        abort(); /* drawn outside the canvas */
    const uint8_t *p = pixels;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v;
        if (s->fmt == GIFLOW_FORMAT_RGBA8888) {
            if (p[4 * i + 3] != 255)
                abort(); /* drawn pixels are opaque */
            v = (uint32_t)p[4 * i] << 16 | (uint32_t)p[4 * i + 1] << 8 | p[4 * i + 2];
        } else {
            uint16_t q;
            memcpy(&q, p + 2 * i, 2);
            v = q;
        }
        s->px[(size_t)y * s->w + x + i] = v;
    }
    return 0;
}

static int fill(void *user, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    screen *s = user;
    if (x > s->w || y > s->h || w > s->w - x || h > s->h - y)
        abort();
    uint32_t v = s->fmt == GIFLOW_FORMAT_RGBA8888 ? FILL_RGBA : FILL_565;
    for (uint32_t j = 0; j < h; j++)
        for (uint32_t i = 0; i < w; i++)
            s->px[(size_t)(y + j) * s->w + x + i] = v;
    return 0;
}

/* Readback: the pixels as the display shows them. */
static int readback(void *user, uint32_t x, uint32_t y, uint32_t n, void *pixels)
{
    screen *s = user;
    if (y >= s->h || x > s->w || n > s->w - x)
        abort();
    uint8_t *p = pixels;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = s->px[(size_t)y * s->w + x + i];
        if (s->fmt == GIFLOW_FORMAT_RGBA8888) {
            uint8_t q[4] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, 255};
            memcpy(p + 4 * i, q, 4);
        } else {
            uint16_t q = (uint16_t)v;
            memcpy(p + 2 * i, &q, 2);
        }
    }
    return 0;
}

static ptrdiff_t src_read(void *user, uint8_t *buf, size_t n)
{
    screen *s = user;
    size_t k = 1 + fuzz_rand(&s->rng) % n;
    if (k > s->size - s->pos)
        k = s->size - s->pos;
    memcpy(buf, s->data + s->pos, k);
    s->pos += k;
    return (ptrdiff_t)k;
}

static int src_seek(void *user, uint64_t offset)
{
    screen *s = user;
    if (offset > s->size)
        return -1;
    s->pos = (size_t)offset;
    return 0;
}

/* Draws every frame; per complete frame, checks the screen against the
 * compose run c. Returns the final status. */
static int display(const uint8_t *data, size_t size, uint32_t seed, const run *c)
{
    /* The MCU's decoder half the time: no allocator at all, in caller
     * memory sized for rows up to all of GIF's width or a random one
     * (wider frames fail, before drawing, with GIFLOW_ERR_SMALL_BUFFER). */
    void *mem = NULL;
    giflow_decoder *dec;
    if ((seed >> 10) & 1) {
        size_t row = (seed >> 11) & 1 ? 65535 * 4 : 1 + (seed >> 12) % 1024;
        mem = malloc(GIFLOW_DECODER_STATIC_SIZE(row));
        dec = fuzz_limit(giflow_decoder_init_static(mem, GIFLOW_DECODER_STATIC_SIZE(row)), MAXF, 0);
    } else {
        dec = fuzz_decoder(MAXF, 0);
    }
    screen s = {(seed & 1) ? GIFLOW_FORMAT_RGB565 : GIFLOW_FORMAT_RGBA8888, 0, 0, NULL,
                data, size, 0, seed | 1};
    uint8_t buf[97];
    giflow_source src;
    giflow_source_callbacks(&src, src_read, src_seek, &s, buf, 1 + (seed >> 1) % sizeof buf);
    giflow_decoder_set_source(dec, &src);
    giflow_image_info ii;
    int r = giflow_decode_image_info(dec, NULL, &ii);
    uint8_t *scratch = NULL;
    uint32_t frames = 0;
    if (r == GIFLOW_OK) {
        s.w = ii.canvas_width;
        s.h = ii.canvas_height;
        s.px = malloc((size_t)s.w * s.h * 4 + 1);
        /* Readback: room for any frame; re-decode: a few rows at most. */
        int redecode = (seed >> 8) & 1;
        size_t ss = redecode ? 1 + (seed >> 9) % 4096 : (size_t)s.w * s.h * 4;
        scratch = malloc(ss);
        if (!s.px || !scratch)
            abort();
        giflow_display d;
        giflow_display_init(&d);
        d.format = s.fmt;
        d.draw = draw;
        d.fill = fill;
        d.read = redecode ? NULL : readback;
        d.user = &s;
        d.scratch = scratch;
        d.scratch_size = ss;
        d.restore = redecode ? GIFLOW_RESTORE_REDECODE : GIFLOW_RESTORE_READBACK;
        if (giflow_decoder_set_display(dec, &d) != GIFLOW_OK)
            abort();
    }
    while (r == GIFLOW_OK && frames < MAXF) {
        giflow_frame_info fi;
        if ((r = giflow_decode_frame_info(dec, NULL, &fi)) != GIFLOW_OK)
            break;
        r = giflow_decode_frame_draw(dec, NULL);
        if (r == GIFLOW_ERR_SMALL_BUFFER)
            break; /* re-decode scratch too small: refused before drawing */
        if (frames >= c->frames || r != c->fstatus[frames])
            abort(); /* the display decode ended otherwise than compose */
        if (r == GIFLOW_FRAME_END) {
            uint32_t h = 2166136261u;
            for (size_t i = 0; i < (size_t)s.w * s.h; i++)
                h = fuzz_mix(h, (const uint8_t *)&s.px[i], 4);
            if (h != (s.fmt == GIFLOW_FORMAT_RGBA8888 ? c->fcrc : c->fcrc565)[frames])
                abort(); /* the display shows another picture */
            r = GIFLOW_OK;
        }
        frames++;
    }
    free(s.px);
    free(scratch);
    giflow_decoder_free(dec);
    free(mem);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned chunk = size ? 1 + data[size - 1] % 17 : 1;
    for (int rows = 0; rows < 2; rows++) {
        run a = decode(data, size, 0, rows, 0), b = decode(data, size, chunk, rows, 0);
        if (a.status != b.status || a.frames != b.frames || a.crc != b.crc)
            abort(); /* chunking changed the result */
        if (!rows) {
            /* The fixed-state LZW modes must paint what the flat ones do. */
            run c = decode(data, size, chunk, 0, GIFLOW_FLAG_SMALL_MEMORY);
            if (a.status != c.status || a.frames != c.frames || a.crc != c.crc)
                abort();
            display(data, size, fuzz_mix(2166136261u, data, size), &a);
        }
    }
    return 0;
}
