/*
 * The display renderer: frames composed by the browser model straight
 * onto the caller's display, through draw and fill callbacks, with no
 * canvas. Rows of indices (INDEX mode) are converted in place in the row
 * buffer and handed out as runs of opaque pixels.
 *
 * Restore previous keeps no canvas either: see giflow.h for the three
 * ways (fill, readback into scratch, re-decode into scratch).
 */
#include <string.h>

#include "decoder.h"
#include "../common/api.h"

/* How the previous frame's restore-previous disposal is done. */
enum { RESTORE_NONE, RESTORE_FILL, RESTORE_SAVED, RESTORE_REDECODE };

static unsigned format_bpp(int format)
{
    return format == GIFLOW_FORMAT_RGBA8888 ? 4 : format == GIFLOW_FORMAT_INDEX8 ? 1 : 2;
}

void giflow_display_init_size(giflow_display *d, size_t size)
{
    giflow_display v;
    memset(&v, 0, sizeof v);
    v.size = sizeof v;
    v.format = GIFLOW_FORMAT_RGB565;
    v.restore = GIFLOW_RESTORE_READBACK | GIFLOW_RESTORE_REDECODE;
    if (d)
        giflow__struct_out(d, size, &v, sizeof v);
}

int giflow_decoder_set_display(giflow_decoder *dec, const giflow_display *d)
{
    if (!dec)
        return GIFLOW_ERR_ARG;
    int r = giflow__output_settable(dec);
    if (r != GIFLOW_OK)
        return r;
    giflow_display v;
    giflow_display_init(&v);
    if (d && (giflow__struct_in(&v, sizeof v, d, GIFLOW__DISPLAY_V0, 0) != GIFLOW_OK ||
              !v.draw || !v.fill || v.format < GIFLOW_FORMAT_RGB565 ||
              v.format > GIFLOW_FORMAT_INDEX8 || (!v.scratch && v.scratch_size)))
        return GIFLOW_ERR_ARG;
    giflow__reset_renderer(dec);
    if (!d)
        return GIFLOW_OK;
    dec->render = &giflow__display_renderer;
    dec->display = v;
    dec->row_bpp = format_bpp(v.format);
    dec->lut_key = -1;
    return GIFLOW_OK;
}

static uint16_t rgb565(const uint8_t *p, int swapped)
{
    unsigned v = (unsigned)(p[0] >> 3) << 11 | (unsigned)(p[1] >> 2) << 5 | p[2] >> 3;
    return (uint16_t)(swapped ? (v >> 8 | v << 8) : v);
}

/* The current frame's palette in the display's format (an index beyond
 * the palette is opaque black). The global palette's table is kept. */
static void display_lut(giflow_decoder *dec)
{
    const giflow_frame_info *f = &dec->frame;
    int fmt = dec->display.format;
    int32_t key = f->palette == dec->gct ? 0 : -1;
    if (fmt == GIFLOW_FORMAT_INDEX8 || (key == 0 && dec->lut_key == 0))
        return;
    dec->lut_key = key;
    dec->lut_filled = 0; /* not the canvas renderer's table (compose.c) */
    static const uint8_t black[3] = {0, 0, 0};
#ifdef GIFLOW_CONFIG_NO_CANVAS
    if (fmt == GIFLOW_FORMAT_RGBA8888)
        return; /* rgba_at() reads the palette */
#endif
    for (unsigned i = 0; i < 256; i++) {
        const uint8_t *p = i < f->palette_size ? f->palette + 3 * i : black;
        if (fmt == GIFLOW_FORMAT_RGBA8888) {
#ifndef GIFLOW_CONFIG_NO_CANVAS
            uint8_t px[4] = {p[0], p[1], p[2], 255};
            memcpy(&dec->lut[i], px, 4);
#endif
        } else {
            dec->lut16[i] = rgb565(p, fmt == GIFLOW_FORMAT_RGB565_SWAPPED);
        }
    }
}

/* The RGBA8888 pixel of index v at q (4 bytes). */
static void rgba_at(const giflow_decoder *dec, unsigned v, uint8_t *q)
{
#ifdef GIFLOW_CONFIG_NO_CANVAS
    const giflow_frame_info *f = &dec->frame;
    if (v < f->palette_size) {
        const uint8_t *c = f->palette + 3 * v;
        q[0] = c[0], q[1] = c[1], q[2] = c[2];
    } else {
        q[0] = q[1] = q[2] = 0; /* beyond the palette: opaque black */
    }
    q[3] = 255;
#else
    memcpy(q, &dec->lut[v], 4);
#endif
}

/* 256 when the frame has no transparent index in its data. */
static unsigned transparent_of(const giflow_frame_info *f)
{
    return giflow__has_transparency(f) ? (unsigned)f->transparent_index : 256;
}

static int io(giflow_decoder *dec, int callback_result)
{
    return callback_result ? giflow__fail(dec, GIFLOW_ERR_IO) : GIFLOW_OK;
}

static int fill(giflow_decoder *dec, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    if (!w || !h)
        return GIFLOW_OK;
    return io(dec, dec->display.fill(dec->display.user, x, y, w, h));
}

/* The aligned 4 indices at p as a word (the indices start 4-aligned). */
static inline uint32_t word_at(const uint8_t *p)
{
    uint32_t w;
#if defined(__GNUC__)
    p = __builtin_assume_aligned(p, 4); /* one load, also on a Cortex-M0 */
#endif
    memcpy(&w, p, 4);
    return w;
}

/* The first index from p on (up to e) that is not t: a word at a time. */
static const uint8_t *skip_transparent(const uint8_t *idx, const uint8_t *p, const uint8_t *e,
                                       unsigned t)
{
    uint32_t tt = t * 0x01010101u;
    while (p < e && ((p - idx) & 3))
        if (*p != t)
            return p;
        else
            p++;
    while (e - p >= 4 && word_at(p) == tt)
        p += 4;
    while (p < e && *p == t)
        p++;
    return p;
}

/* Converts indices from p on, up to e or the first transparent one (t),
 * into RGB565 pixels at q; returns where it stopped. Pointers, not
 * indices, and four pixels per step while a word holds no t: a Cortex-M0
 * has eight registers to keep them in. */
/* Four pixels of indices p at q. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void put4(uint16_t *q, const uint8_t *p, const uint16_t *lut)
{
    unsigned a = p[0], b = p[1];
    q[0] = lut[a];
    q[1] = lut[b];
    a = p[2], b = p[3];
    q[2] = lut[a];
    q[3] = lut[b];
}

/* Out of line, so that its loops get the registers (not draw_row's). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static const uint8_t *run16(const uint8_t *idx, uint16_t *q, const uint8_t *p,
                            const uint8_t *e, unsigned t, const uint16_t *lut)
{
    for (; p < e && ((p - idx) & 3); p++, q++) {
        unsigned v = *p;
        if (v == t)
            return p;
        *q = lut[v];
    }
    if (t > 255) {
        /* No transparency: a counted loop, no word tests. */
        for (size_t k = (size_t)(e - p) >> 2; k; k--, p += 4, q += 4)
            put4(q, p, lut);
    } else {
        /* Each index tested as it is converted: no word test constants. */
        for (; e - p >= 4; p += 4, q += 4) {
            unsigned a = p[0], b = p[1];
            if (a == t || b == t)
                break;
            q[0] = lut[a];
            q[1] = lut[b];
            a = p[2], b = p[3];
            if (a == t || b == t) {
                p += 2, q += 2;
                break;
            }
            q[2] = lut[a];
            q[3] = lut[b];
        }
    }
    for (unsigned v; p < e && (v = *p) != t; p++)
        *q++ = lut[v];
    return p;
}

static const uint8_t *run32(const giflow_decoder *dec, uint8_t *q, const uint8_t *p,
                            const uint8_t *e, unsigned t)
{
    for (unsigned v; p < e && (v = *p) != t; p++, q += 4)
        rgba_at(dec, v, q);
    return p;
}

/* Draws the opaque runs among the first n pixels of the frame row in the
 * row buffer, at canvas row y. Pixel i is written at byte i * bpp, which
 * never reaches an index not yet read (they start at width * (bpp - 1)). */
static int draw_row(giflow_decoder *dec, uint32_t y, uint32_t n)
{
    const giflow_frame_info *f = &dec->frame;
    const giflow_display *d = &dec->display;
    const uint8_t *idx = giflow__row_indices(dec), *p = idx, *e;
    unsigned t = transparent_of(f), bpp = dec->row_bpp;
    e = idx + (n < f->clip_width ? n : f->clip_width);
    while (p < e) {
        if (t < 256)
            p = skip_transparent(idx, p, e, t);
        const uint8_t *a = p;
        uint32_t i = (uint32_t)(a - idx);
        uint8_t *out = dec->row + (size_t)i * bpp;
        if (bpp == 2)
            p = run16(idx, (uint16_t *)(void *)out, p, e, t, dec->lut16);
        else if (bpp == 4)
            p = run32(dec, out, p, e, t);
        else
            while (p < e && *p != t)
                p++;
        if (p > a && d->draw(d->user, f->x + i, y, (uint32_t)(p - a), out))
            return giflow__fail(dec, GIFLOW_ERR_IO);
    }
    return GIFLOW_OK;
}

static int display_frame(giflow_decoder *dec, giflow_input *in, uint8_t *out, size_t stride)
{
    (void)out, (void)stride;
    for (;;) {
        uint32_t y;
        int r = giflow__next_row(dec, in, &y);
        if (r != GIFLOW_OK)
            return r;
        y += dec->frame.y;
        if (y < dec->image.canvas_height && (r = draw_row(dec, y, dec->frame.width)) != GIFLOW_OK)
            return r;
    }
}

/* Decoding stopped inside the frame: a broken frame's partial row is
 * drawn, and a first frame that skipped the transparent start fills what
 * it has not drawn (as the canvas renderer does). */
static void display_unwritten(giflow_decoder *dec, uint8_t *out, size_t stride, int broken)
{
    (void)out, (void)stride;
    const giflow_frame_info *f = &dec->frame;
    uint32_t x = 0, y = f->y + dec->row_y;
    if (broken && dec->lzw_ready && dec->row_x && y < dec->image.canvas_height &&
        draw_row(dec, y, dec->row_x) == GIFLOW_OK)
        x = dec->row_x;
    if (!dec->clear_pending)
        return;
    dec->clear_pending = 0; /* the frame covers the canvas, rows in order */
    uint32_t w = dec->image.canvas_width, h = dec->image.canvas_height;
    if (y < h && fill(dec, x, y, w - x, 1) == GIFLOW_OK)
        fill(dec, 0, y + 1, w, h - y - 1);
}

/* ---- Restore previous --------------------------------------------------- */

/* Scratch bytes per row of a re-decoded band w pixels wide: the pixels,
 * then one bit per pixel, set where it is opaque. */
static size_t band_row_bytes(const giflow_decoder *dec, uint32_t w)
{
    return (size_t)w * dec->row_bpp + (w + 7) / 8;
}

static int overlaps(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* Chooses how the current frame's restore will be done, before it is
 * drawn; a readback happens now. */
static int plan_restore(giflow_decoder *dec)
{
    const giflow_frame_info *f = &dec->frame;
    const giflow_display *d = &dec->display;
    uint32_t x = f->clip_x, y = f->clip_y, w = f->clip_width, h = f->clip_height;
    dec->restore_how = RESTORE_NONE;
    if (!w || !h)
        return GIFLOW_OK;
    if (!overlaps(x, x + w, dec->drawn_x0, dec->drawn_x1) ||
        !overlaps(y, y + h, dec->drawn_y0, dec->drawn_y1)) {
        dec->restore_how = RESTORE_FILL; /* still the transparent start */
        return GIFLOW_OK;
    }
    size_t row = (size_t)w * dec->row_bpp;
    if ((d->restore & GIFLOW_RESTORE_READBACK) && d->read && d->scratch_size / row >= h) {
        for (uint32_t j = 0; j < h; j++)
            if (d->read(d->user, x, y + j, w, (uint8_t *)d->scratch + j * row))
                return giflow__fail(dec, GIFLOW_ERR_IO);
        dec->restore_how = RESTORE_SAVED;
        return GIFLOW_OK;
    }
    if ((d->restore & GIFLOW_RESTORE_REDECODE) && giflow_source_can_seek(dec->source) &&
        d->scratch_size >= band_row_bytes(dec, w)) {
        dec->restore_how = RESTORE_REDECODE;
        return GIFLOW_OK;
    }
    return giflow__fail(dec, GIFLOW_ERR_SMALL_BUFFER);
}

/* Rows [y0, y1) of the rectangle being restored, composed in scratch. */
typedef struct band {
    uint32_t x, w, y0, y1;
    uint8_t *px, *mask;
} band;

static void band_put(const giflow_decoder *dec, const band *b, uint32_t i, uint32_t j,
                     unsigned index)
{
    size_t k = (size_t)j * b->w + i;
    uint8_t *p = b->px + k * dec->row_bpp;
    switch (dec->display.format) {
    case GIFLOW_FORMAT_INDEX8: *p = (uint8_t)index; break;
    case GIFLOW_FORMAT_RGBA8888: rgba_at(dec, index, p); break;
    default: memcpy(p, &dec->lut16[index], 2); break;
    }
    b->mask[k >> 3] |= (uint8_t)(1u << (k & 7));
}

/* Disposal 2 of an earlier frame over the band. */
static void band_clear(const giflow_frame_info *f, const band *b)
{
    uint32_t x0 = f->clip_x > b->x ? f->clip_x : b->x, y0 = f->clip_y > b->y0 ? f->clip_y : b->y0;
    uint32_t x1 = f->clip_x + f->clip_width, y1 = f->clip_y + f->clip_height;
    x1 = x1 < b->x + b->w ? x1 : b->x + b->w;
    y1 = y1 < b->y1 ? y1 : b->y1;
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++) {
            size_t k = (size_t)(y - b->y0) * b->w + (x - b->x);
            b->mask[k >> 3] &= (uint8_t)~(1u << (k & 7));
        }
}

/* The window replays read: the attached source's. */
static giflow_input *src_in(giflow_decoder *dec)
{
    return &dec->source->in;
}

/* Draws an earlier frame's opaque pixels inside the band: its rows down to
 * the band's last (all of them when interlaced). */
static int band_frame(giflow_decoder *dec, const band *b)
{
    const giflow_frame_info *f = &dec->frame;
    unsigned t = transparent_of(f);
    uint32_t x0 = f->clip_x > b->x ? f->clip_x : b->x;
    uint32_t x1 = f->clip_x + f->clip_width < b->x + b->w ? f->clip_x + f->clip_width
                                                           : b->x + b->w;
    display_lut(dec);
    for (;;) {
        uint32_t y;
        int r;
        do
            r = giflow__next_row(dec, src_in(dec), &y);
        while (giflow__pull_more(dec, NULL, &r));
        if (r != GIFLOW_OK)
            return r == GIFLOW_FRAME_END ? GIFLOW_OK : r;
        y += f->y;
        const uint8_t *idx = giflow__row_indices(dec) - f->x;
        if (y >= b->y0 && y < b->y1)
            for (uint32_t x = x0; x < x1; x++)
                if (idx[x] != t)
                    band_put(dec, b, x - b->x, y - b->y0, idx[x]);
        if (!f->interlaced && y + 1 >= b->y1)
            return GIFLOW_OK; /* the rest is skipped */
    }
}

/* Moves the parser to stream offset `offset` (a block boundary). */
static int rewind_to(giflow_decoder *dec, uint64_t offset)
{
    int r = giflow_source_seek(dec->source, dec->source_origin + offset);
    if (r != GIFLOW_OK)
        return giflow__fail(dec, r == GIFLOW_ERR_IO ? r : GIFLOW_ERR_STATE);
    dec->offset = offset;
    dec->pstate = P_BLOCK;
    dec->tmp_len = 0;
    dec->gce_seen = 0;
    dec->gce_trans = -1;
    return GIFLOW_OK;
}

/* Parses to the next image descriptor and starts it as a frame. */
static int next_image(giflow_decoder *dec)
{
    int ev, r;
    do
        r = giflow__parse(dec, src_in(dec), &ev, 0);
    while (giflow__pull_more(dec, NULL, &r));
    if (r == GIFLOW_OK && ev != EV_FRAME) /* the file changed under us */
        r = giflow__fail(dec, GIFLOW_ERR_TRUNCATED);
    return r == GIFLOW_OK ? giflow__start_frame(dec) : r;
}

/* Composes frames 0 .. k - 1 into the band from the start of the file:
 * restore-previous frames leave no trace, disposal 2 clears, the rest
 * draw. */
static int band_replay(giflow_decoder *dec, uint32_t k, const band *b)
{
    const giflow_frame_info *f = &dec->frame;
    uint32_t gct = dec->image.has_global_palette ? dec->gct_size : 0;
    int r = rewind_to(dec, 13 + 3 * (uint64_t)gct);
    dec->frames_seen = 0;
    dec->total_pixels = 0;
    while (r == GIFLOW_OK && dec->frames_seen < k && (r = next_image(dec)) == GIFLOW_OK) {
        int d = f->disposal;
        if (d == 2)
            band_clear(f, b);
        else if (d != 3 && d != 4 &&
                 overlaps(f->clip_x, f->clip_x + f->clip_width, b->x, b->x + b->w) &&
                 overlaps(f->clip_y, f->clip_y + f->clip_height, b->y0, b->y1))
            r = band_frame(dec, b);
        if (r != GIFLOW_OK)
            break;
        do
            r = giflow__skip_pixels(dec, src_in(dec));
        while (giflow__pull_more(dec, NULL, &r));
        r = r == GIFLOW_FRAME_END ? GIFLOW_OK : r;
    }
    return r;
}

/* Draws the band: opaque runs with draw, transparent ones with fill. */
static int band_blit(giflow_decoder *dec, const band *b)
{
    const giflow_display *d = &dec->display;
    for (uint32_t j = 0; j < b->y1 - b->y0; j++)
        for (uint32_t i = 0; i < b->w;) {
            size_t k = (size_t)j * b->w + i;
            int on = (b->mask[k >> 3] >> (k & 7)) & 1;
            uint32_t a = i;
            for (; i < b->w; i++, k++)
                if (((b->mask[k >> 3] >> (k & 7)) & 1) != on)
                    break;
            int r = on ? io(dec, d->draw(d->user, b->x + a, b->y0 + j, i - a,
                                        b->px + ((size_t)j * b->w + a) * dec->row_bpp))
                       : fill(dec, b->x + a, b->y0 + j, i - a, 1);
            if (r != GIFLOW_OK)
                return r;
        }
    return GIFLOW_OK;
}

/* Restores the previous frame's rectangle by re-decoding it, band by
 * band, then puts the parser back at the current frame's data. */
static int redecode(giflow_decoder *dec)
{
    giflow_frame_info cur = dec->frame;
    uint32_t frames_seen = dec->frames_seen;
    uint64_t total_pixels = dec->total_pixels;
    int loop_count = dec->loop_count;
    uint32_t x = dec->prev_x, w = dec->prev_w, y1 = dec->prev_y + dec->prev_h;
    size_t per_row = band_row_bytes(dec, w);
    uint32_t rows = (uint32_t)(dec->display.scratch_size / per_row);
    int r = GIFLOW_OK;
    dec->replaying = 1;
    for (uint32_t y = dec->prev_y; r == GIFLOW_OK && y < y1; y += rows) {
        uint32_t n = rows < y1 - y ? rows : y1 - y;
        band b = {x, w, y, y + n, dec->display.scratch, NULL};
        b.mask = b.px + (size_t)n * w * dec->row_bpp;
        memset(b.mask, 0, ((size_t)n * w + 7) / 8);
        if ((r = band_replay(dec, cur.index - 1, &b)) == GIFLOW_OK)
            r = band_blit(dec, &b);
    }
    /* Back to the current frame: its descriptor again (for its local
     * palette), then the state it had. */
    if (r == GIFLOW_OK && (r = rewind_to(dec, cur.offset)) == GIFLOW_OK)
        r = next_image(dec);
    dec->replaying = 0;
    dec->frame = cur;
    dec->frames_seen = frames_seen;
    dec->total_pixels = total_pixels;
    dec->loop_count = loop_count;
    dec->lut_key = -1;
    return r;
}

/* The previous frame's restore-previous disposal. */
static int restore(giflow_decoder *dec)
{
    const giflow_display *d = &dec->display;
    uint32_t x = dec->prev_x, y = dec->prev_y, w = dec->prev_w, h = dec->prev_h;
    int r = GIFLOW_OK;
    switch (dec->restore_how) {
    case RESTORE_FILL:
        return fill(dec, x, y, w, h);
    case RESTORE_SAVED:
        for (uint32_t j = 0; j < h && r == GIFLOW_OK; j++)
            r = io(dec, d->draw(d->user, x, y + j, w,
                                (uint8_t *)d->scratch + (size_t)j * w * dec->row_bpp));
        return r;
    case RESTORE_REDECODE:
        return redecode(dec);
    default:
        return GIFLOW_OK;
    }
}

/* ---- The renderer ------------------------------------------------------- */

static int display_begin(giflow_decoder *dec, uint8_t *out, size_t stride)
{
    (void)out, (void)stride;
    const giflow_frame_info *f = &dec->frame;
    uint32_t cw = dec->image.canvas_width, ch = dec->image.canvas_height;
    int r = GIFLOW_OK;
    if (!dec->canvas_ready) {
        /* As in the canvas renderer: an opaque first frame covering the
         * canvas draws every pixel, so the start is filled only if it
         * stops early. */
        dec->clear_pending = f->x == 0 && f->y == 0 && f->width == cw && f->height == ch &&
                             !f->interlaced && !giflow__has_transparency(f);
        if (!dec->clear_pending)
            r = fill(dec, 0, 0, cw, ch);
        dec->canvas_ready = 1;
        dec->drawn_x0 = dec->drawn_x1 = dec->drawn_y0 = dec->drawn_y1 = 0;
    } else if (dec->prev_disposal == 2) {
        r = fill(dec, dec->prev_x, dec->prev_y, dec->prev_w, dec->prev_h);
        if (dec->prev_x <= dec->drawn_x0 && dec->prev_y <= dec->drawn_y0 &&
            dec->prev_x + dec->prev_w >= dec->drawn_x1 &&
            dec->prev_y + dec->prev_h >= dec->drawn_y1)
            dec->drawn_x0 = dec->drawn_x1 = dec->drawn_y0 = dec->drawn_y1 = 0;
    } else if (dec->prev_disposal == 3 || dec->prev_disposal == 4) {
        r = restore(dec);
    }
    dec->prev_disposal = 0;
    if (r == GIFLOW_OK && (f->disposal == 3 || f->disposal == 4))
        r = plan_restore(dec);
    if (r == GIFLOW_OK)
        display_lut(dec);
    return r;
}

/* Remembers the frame's disposal, and what it left drawn. */
static void display_end(giflow_decoder *dec)
{
    const giflow_frame_info *f = &dec->frame;
    giflow__remember_disposal(dec);
    if (f->disposal == 2 || f->disposal == 3 || f->disposal == 4 || !f->clip_width ||
        !f->clip_height)
        return;
    uint32_t x1 = f->clip_x + f->clip_width, y1 = f->clip_y + f->clip_height;
    if (dec->drawn_x0 == dec->drawn_x1) {
        dec->drawn_x0 = f->clip_x;
        dec->drawn_y0 = f->clip_y;
        dec->drawn_x1 = x1;
        dec->drawn_y1 = y1;
        return;
    }
    dec->drawn_x0 = f->clip_x < dec->drawn_x0 ? f->clip_x : dec->drawn_x0;
    dec->drawn_y0 = f->clip_y < dec->drawn_y0 ? f->clip_y : dec->drawn_y0;
    dec->drawn_x1 = x1 > dec->drawn_x1 ? x1 : dec->drawn_x1;
    dec->drawn_y1 = y1 > dec->drawn_y1 ? y1 : dec->drawn_y1;
}

static void display_release(giflow_decoder *dec)
{
    dec->row_bpp = 1;
}

/* The caller's screen cannot be copied or restarted over (no dispose, no
 * restart: giflow_decoder_dispose/_restart return GIFLOW_ERR_STATE). */
const giflow__renderer giflow__display_renderer = {display_begin, display_frame, display_end,
                                                   display_unwritten, display_release,
                                                   NULL, NULL};
