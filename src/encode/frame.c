/*
 * One frame of the encoder: what must change on screen, which palette,
 * indices (with dithering), LZW, and the canvas model update.
 *
 * The model: `shown` is what a browser displays before this frame is drawn.
 * A pixel must be written when its source is opaque and either changed
 * since the previous frame or not displayed (cleared). Everything else in
 * the frame's rectangle is the transparent index, so still areas keep
 * exactly the pixels they had (no shimmer) and compress to nothing.
 * A frame can only make pixels transparent through the previous frame's
 * disposal, so when the next frame needs transparency where this one is
 * opaque, this frame's rectangle covers those pixels and it uses disposal 2.
 */
#include <string.h>

#include "encoder.h"
#include "../common/gif_format.h"

#define ALPHA(p) ((p)[3])

typedef struct rect {
    uint32_t x0, y0, x1, y1; /* x1, y1 exclusive; empty when x1 <= x0 */
} rect;

static void rect_add(rect *r, uint32_t x, uint32_t y)
{
    if (r->x1 <= r->x0) {
        r->x0 = x;
        r->y0 = y;
        r->x1 = x + 1;
        r->y1 = y + 1;
        return;
    }
    if (x < r->x0)
        r->x0 = x;
    if (x >= r->x1)
        r->x1 = x + 1;
    if (y < r->y0)
        r->y0 = y;
    if (y >= r->y1)
        r->y1 = y + 1;
}

/* Whether a pixel's new colour is within lim (squared, summed over R, G,
 * B) of the colour on screen. */
static inline int near_shown(const uint8_t *s, const uint8_t *b, int32_t lim)
{
    int32_t dr = s[0] - b[0], dg = s[1] - b[1], db = s[2] - b[2];
    return dr * dr + dg * dg + db * db <= lim;
}

/* Marks the pixels that must be written and returns the rectangle that
 * covers them and the pixels the next frame needs cleared. *clear_next is
 * set when there are any of the latter. */
static rect analyse(giflow_encoder *enc, const uint8_t *next, int *clear_next)
{
    const uint32_t w = enc->w, h = enc->h;
    const uint8_t a = enc->opt.alpha_threshold;
    const int full = !enc->have_prev || !enc->opt.optimize;
    /* Lossy: squared distances (sum over R, G, B) a changed pixel may be
     * from what is shown and still be kept, continuing a run or not. */
    const int32_t run_lim = 3 * enc->opt.lossy * enc->opt.lossy, seed_lim = run_lim / 16;
    rect r = {0, 0, 0, 0};
    *clear_next = 0;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *s = enc->pend + (size_t)y * w * 4;
        const uint8_t *p = enc->prev + (size_t)y * w * 4;
        const uint8_t *b = enc->shown + (size_t)y * w * 4;
        const uint8_t *nx = next ? next + (size_t)y * w * 4 : NULL;
        uint8_t *d = enc->dirty + (size_t)y * w;
        for (uint32_t x = 0; x < w; x++) {
            int opaque = ALPHA(s + 4 * x) >= a;
            int must = opaque && (full || ALPHA(b + 4 * x) == 0 ||
                                  (memcmp(s + 4 * x, p + 4 * x, 4) != 0 &&
                                   (!run_lim || !near_shown(s + 4 * x, b + 4 * x,
                                                            x && !d[x - 1] ? run_lim : seed_lim))));
            d[x] = (uint8_t)must;
            if (must)
                rect_add(&r, x, y);
            if (nx && opaque && ALPHA(nx + 4 * x) < a) {
                *clear_next = 1;
                rect_add(&r, x, y);
            }
        }
    }
    if (!enc->have_prev || !enc->opt.optimize) {
        r.x0 = r.y0 = 0;
        r.x1 = w;
        r.y1 = h;
    } else if (r.x1 <= r.x0) {
        /* Nothing changes on screen: a 1x1 transparent frame keeps time. */
        r.x0 = r.y0 = 0;
        r.x1 = r.y1 = 1;
    }
    return r;
}

/* Whether any pixel of the rectangle is left alone (transparent index). */
static int needs_transparency(const giflow_encoder *enc, rect r)
{
    for (uint32_t y = r.y0; y < r.y1; y++) {
        const uint8_t *d = enc->dirty + (size_t)y * enc->w;
        for (uint32_t x = r.x0; x < r.x1; x++)
            if (!d[x])
                return 1;
    }
    return 0;
}

/* The first x in [x, end) where d[x] != v (dirty flags are 0 or 1), eight
 * at a time through long runs. */
static uint32_t skip_bytes(const uint8_t *d, uint32_t x, uint32_t end, uint8_t v)
{
    const uint64_t all = v ? 0x0101010101010101u : 0;
    while (x + 8 <= end) {
        uint64_t q;
        memcpy(&q, d + x, 8);
        if (q != all)
            break;
        x += 8;
    }
    while (x < end && d[x] == v)
        x++;
    return x;
}

/* Packs the rectangle's pixels that must be written into a scratch run of
 * RGBA (reusing idx as a buffer is not possible: it is one byte per pixel),
 * feeding them to fn in row pieces. */
static void each_dirty_run(const giflow_encoder *enc, rect r,
                           void (*fn)(void *ctx, const uint8_t *rgba, size_t n), void *ctx)
{
    for (uint32_t y = r.y0; y < r.y1; y++) {
        const uint8_t *s = enc->pend + ((size_t)y * enc->w) * 4;
        const uint8_t *d = enc->dirty + (size_t)y * enc->w;
        uint32_t x = r.x0;
        while (x < r.x1) {
            x = skip_bytes(d, x, r.x1, 0);
            uint32_t x0 = x;
            x = skip_bytes(d, x, r.x1, 1);
            if (x > x0)
                fn(ctx, s + 4 * (size_t)x0, x - x0);
        }
    }
}

static void colorset_fn(void *ctx, const uint8_t *rgba, size_t n)
{
    giflow__colorset_add(ctx, rgba, n, 0);
}

/* Runs of the pending frame go to the quantizer with the row below them
 * (tuned for SSIM, it weighs pixels by their gradients). */
typedef struct quant_ctx {
    giflow__quant *q;
    const uint8_t *last_row; /* the canvas's last row: no row below */
    size_t stride;
} quant_ctx;

static void quant_fn(void *ctx, const uint8_t *rgba, size_t n)
{
    quant_ctx *c = ctx;
    giflow__quant_add_smooth(c->q, rgba, n, rgba < c->last_row ? rgba + c->stride : NULL, 0);
}

static quant_ctx quant_ctx_of(const giflow_encoder *enc)
{
    quant_ctx c = {enc->quant, enc->pend + ((size_t)enc->h - 1) * enc->w * 4,
                   (size_t)enc->w * 4};
    return c;
}

typedef struct mse_ctx {
    giflow__remap *r;
    const giflow__palette *pal;
    double sum;
    uint64_t n, seen;
} mse_ctx;

/* Error of a palette on a sample of the pixels (every 5th). */
static void mse_fn(void *ctx, const uint8_t *rgba, size_t n)
{
    mse_ctx *m = ctx;
    for (size_t i = 0; i < n; i++, m->seen++) {
        if (m->seen % 5)
            continue;
        const uint8_t *p = rgba + 4 * i;
        const uint8_t *c = m->pal->rgb + 3 * giflow__remap_nearest(m->r, p[0], p[1], p[2]);
        int dr = p[0] - c[0], dg = p[1] - c[1], db = p[2] - c[2];
        m->sum += (double)(dr * dr + dg * dg + db * db) / 3.0;
        m->n++;
    }
}

/* Index of the exact colour in pal, or -1. An empty palette (a first
 * frame with no opaque pixel) holds nothing: the nearest index it gives
 * is the transparent slot, whose black must not pass for a colour. */
static int exact_index(giflow__remap *r, const giflow__palette *pal, const uint8_t *rgb)
{
    if (!pal->n)
        return -1;
    int i = giflow__remap_nearest(r, rgb[0], rgb[1], rgb[2]);
    return (uint32_t)i >= pal->n || memcmp(pal->rgb + 3 * i, rgb, 3) ? -1 : i;
}

/* Appends a transparent slot (black) when there is room; returns its index,
 * or -1 when the palette is full. */
static int add_trans_slot(giflow__palette *pal)
{
    if (pal->n >= 256)
        return -1;
    memset(pal->rgb + 3 * pal->n, 0, 3);
    return (int)pal->n++;
}

typedef struct choice {
    giflow__palette local;
    const giflow__palette *pal; /* palette the indices refer to */
    int is_local;              /* pal must be written with the frame */
    int trans;                 /* transparent index, or -1 */
    int exact;                 /* no quantization happened */
} choice;

/* The global palette's transparent slot: after its colours when there is
 * room, else its last entry (which is then never used as a colour). */
static int global_trans(const giflow_encoder *enc)
{
    return enc->global.n < 256 ? (int)enc->global.n : 255;
}

/* One remap for the global palette, built once: its cache stays warm from
 * frame to frame. A full 256-entry palette gives up its last entry to
 * transparency, unless the frames are known to need none (rows mode). */
giflow__remap *giflow__enc_global_remap(giflow_encoder *enc)
{
    if (!enc->gremap)
        enc->gremap = giflow__remap_init(enc->gremap_mem, &enc->global,
                                         enc->global.n == 256 && !enc->opaque_rows ? 255 : -1);
    return enc->gremap;
}

#define global_remap giflow__enc_global_remap

double giflow__enc_build_global(giflow_encoder *enc, uint32_t max_colors)
{
    giflow__quant_set_effort(enc->quant, GIFLOW_EFFORT_BEST);
    double mse = giflow__quant_build(enc->quant, max_colors, &enc->global);
    giflow__quant_set_effort(enc->quant, enc->opt.effort);
    return mse;
}

/* The global palette: from the sampled frames if there were any (their
 * exact colours when few enough), else from the first frame. One slot
 * stays free for the transparent index of later frames. */
static int build_global(giflow_encoder *enc, rect r)
{
    uint32_t maxc = enc->opt.max_colors > 2 ? enc->opt.max_colors - 1 : 2;
    if (enc->samples && !enc->sample_set.overflow) {
        giflow__colorset_palette(&enc->sample_set, &enc->global);
        enc->global_mse = 0;
    } else {
        if (!enc->samples) {
            quant_ctx qc = quant_ctx_of(enc);
            giflow__quant_reset(enc->quant);
            each_dirty_run(enc, r, quant_fn, &qc);
        }
        enc->global_mse = giflow__enc_build_global(enc, maxc);
    }
    enc->have_global = 1;
    return 0;
}

/* Picks the palette: the exact colours when they fit, else the global
 * palette when policy and its error allow, else a palette for this frame. */
static int choose_palette(giflow_encoder *enc, rect r, int need_trans, choice *c)
{
    const giflow_encode_options *o = &enc->opt;
    uint32_t maxc = o->max_colors - (need_trans ? 1 : 0);
    giflow__colorset set;
    giflow__colorset_init(&set, maxc);
    each_dirty_run(enc, r, colorset_fn, &set);
    c->trans = -1;
    c->exact = !set.overflow;
    /* The header carries the global palette, built from the first frame. */
    if (o->palette != GIFLOW_PALETTE_LOCAL && !enc->have_global && !enc->header_written)
        build_global(enc, r);
    if (!set.overflow) {
        giflow__colorset_palette(&set, &c->local);
        /* Reuse the global palette if it holds every colour exactly. */
        if (enc->have_global && o->palette != GIFLOW_PALETTE_LOCAL) {
            int gt = need_trans ? global_trans(enc) : -1;
            giflow__remap *rm = global_remap(enc);
            uint32_t i = 0;
            while (i < c->local.n && exact_index(rm, &enc->global, c->local.rgb + 3 * i) >= 0)
                i++;
            if (i == c->local.n) {
                c->pal = &enc->global;
                c->is_local = 0;
                c->trans = gt;
                return GIFLOW_OK;
            }
        }
        if (o->palette != GIFLOW_PALETTE_GLOBAL) {
            c->pal = &c->local;
            c->is_local = 1;
            if (need_trans)
                c->trans = add_trans_slot(&c->local);
            return GIFLOW_OK;
        }
        c->exact = 0; /* the global palette is imposed: remap to it */
    }
    if (o->lossless)
        return giflow__enc_fail(enc, GIFLOW_ERR_TOO_MANY_COLORS);

    int use_global = enc->have_global;
    if (use_global && o->palette == GIFLOW_PALETTE_AUTO && enc->global_skip) {
        enc->global_skip--; /* it was far off lately: not worth a look */
        use_global = 0;
    } else if (use_global && o->palette == GIFLOW_PALETTE_AUTO) {
        mse_ctx m = {global_remap(enc), &enc->global, 0, 0, 0};
        each_dirty_run(enc, r, mse_fn, &m);
        double mse = m.n ? m.sum / (double)m.n : 0;
        /* Global while its error stays near what it had on its own frame. */
        double limit = 2.0 * enc->global_mse + 4.0;
        use_global = mse <= limit;
        if (!use_global) {
            uint32_t b = enc->global_backoff;
            enc->global_backoff = b ? (b < 16 ? 2 * b : 16) : 1;
            enc->global_skip = enc->global_backoff;
        } else {
            enc->global_backoff = 0;
        }
    }
    if (use_global) {
        c->pal = &enc->global;
        c->is_local = 0;
        c->trans = need_trans ? global_trans(enc) : -1;
        return GIFLOW_OK;
    }
    quant_ctx qc = quant_ctx_of(enc);
    giflow__quant_reset(enc->quant);
    each_dirty_run(enc, r, quant_fn, &qc);
    giflow__quant_build(enc->quant, maxc, &c->local);
    c->pal = &c->local;
    c->is_local = 1;
    if (need_trans)
        c->trans = add_trans_slot(&c->local);
    return GIFLOW_OK;
}

unsigned giflow__enc_global_bits(const giflow_encoder *enc)
{
    uint32_t n = enc->global.n < 256 ? enc->global.n + 1 : 256;
    return giflow__gw_table_bits(n);
}

int giflow__enc_header(giflow_encoder *enc)
{
    const giflow_encode_options *o = &enc->opt;
    giflow__gifout *out = &enc->out;
    unsigned gbits = enc->have_global ? giflow__enc_global_bits(enc) : 0;
    int r = giflow__gw_screen(out, enc->w, enc->h, gbits, 0, 0);
    if (r == GIFLOW_OK && gbits)
        r = giflow__gw_palette(out, enc->global.rgb, enc->global.n, gbits);
    if (r == GIFLOW_OK && o->loop_count >= 0)
        r = giflow__gw_loop(out, (unsigned)o->loop_count);
    if (r == GIFLOW_OK && o->comment && o->comment_size)
        r = giflow__gw_extension(out, GIFLOW__GIF_COMMENT, o->comment, o->comment_size);
    enc->header_written = r == GIFLOW_OK;
    return r;
}

/* Lossy LZW's limits for one row: a written pixel accepts any colour
 * whose squared error exceeds that of its index by at most 3 lossy_lzw^2
 * (lossy_lzw levels, root mean square over R, G, B); a kept pixel the
 * colour on screen (GIFLOW__LZW_SAME: no change, no flicker); a
 * transparent one only its index. */
static void lossy_limits(const giflow_encoder *enc, const choice *c, const uint8_t *src,
                         const uint8_t *shown, const uint8_t *idx, const uint8_t *keep,
                         uint32_t n, int32_t *lim)
{
    const int32_t extra = 3 * enc->opt.lossy_lzw * enc->opt.lossy_lzw;
    for (uint32_t x = 0; x < n; x++) {
        const uint8_t *s = src + 4 * x, *p = c->pal->rgb + 3 * idx[x];
        if (s[3] < enc->opt.alpha_threshold) {
            lim[x] = -1;
        } else if (keep[x]) {
            lim[x] = shown[4 * x + 3] == 255 ? GIFLOW__LZW_SAME : -1;
        } else {
            int32_t dr = s[0] - p[0], dg = s[1] - p[1], db = s[2] - p[2];
            lim[x] = dr * dr + dg * dg + db * db + extra;
        }
    }
}

/* Maps the rectangle to indices row by row and compresses them. */
static void encode_pixels(giflow_encoder *enc, rect r, const choice *c, unsigned mcs)
{
    const uint32_t rw = r.x1 - r.x0;
    int mode = c->exact ? GIFLOW_DITHER_NONE : enc->opt.dither;
    giflow__remap *rm = c->is_local ? giflow__remap_init(enc->remap_mem, c->pal, c->trans)
                                     : global_remap(enc);
    giflow__dither *dt = giflow__dither_init(enc->dither_mem, enc->w, mode);
    giflow__dither_origin(dt, r.x0); /* the Bayer pattern follows the canvas */
    /* Kept pixels take the transparent index: out = prev = trans. */
    uint8_t *row = enc->idx, *keep = enc->idx + enc->w, *tprev = enc->idx + 2 * (size_t)enc->w;
    memset(tprev, c->trans >= 0 ? c->trans : 0, rw);
    giflow__lzwenc_begin(enc->lzw, mcs, giflow__gw_sink, &enc->out);
    for (uint32_t y = r.y0; y < r.y1; y++) {
        const uint8_t *d = enc->dirty + (size_t)y * enc->w + r.x0;
        int any_keep = 0;
        for (uint32_t x = 0; x < rw; x++) {
            keep[x] = (uint8_t)!d[x];
            any_keep |= keep[x];
        }
        const uint8_t *src = enc->pend + ((size_t)y * enc->w + r.x0) * 4;
        uint8_t *b = enc->shown + ((size_t)y * enc->w + r.x0) * 4;
        giflow__dither_row(dt, rm, src, rw, y, enc->opt.alpha_threshold, c->trans,
                           any_keep ? keep : NULL, tprev, row);
        if (enc->lossy_lim) {
            lossy_limits(enc, c, src, b, row, keep, rw, enc->lossy_lim);
            giflow__lzw_lossy l = {c->pal->rgb, src, b, enc->lossy_lim, c->trans};
            giflow__lzwenc_push_lossy(enc->lzw, row, rw, &l);
        } else {
            giflow__lzwenc_push(enc->lzw, row, rw);
        }
        /* The screen now shows these pixels. */
        for (uint32_t x = 0; x < rw; x++) {
            if ((int)row[x] == c->trans)
                continue;
            memcpy(b + 4 * x, c->pal->rgb + 3 * row[x], 3);
            b[4 * x + 3] = 255;
        }
    }
    giflow__lzwenc_end(enc->lzw);
}

int giflow__enc_frame(giflow_encoder *enc, uint32_t delay_cs, const uint8_t *next)
{
    int clear_next;
    rect r = analyse(enc, next, &clear_next);
    int need_trans = needs_transparency(enc, r) || clear_next;
    choice c;
    int st = choose_palette(enc, r, need_trans, &c);
    if (st != GIFLOW_OK)
        return st;
    if (!enc->header_written && (st = giflow__enc_header(enc)) != GIFLOW_OK)
        return st;

    if (enc->before_block && (st = enc->before_block(enc->hook_user, &enc->out)) != GIFLOW_OK)
        return st;
    /* Graphic control (delay, disposal, transparency), then the image. */
    unsigned bits = c.is_local ? giflow__gw_table_bits(c.pal->n) : giflow__enc_global_bits(enc);
    giflow__gifout *out = &enc->out;
    if ((st = giflow__gw_gce(out, clear_next ? 2 : 1, delay_cs, c.trans)) != GIFLOW_OK ||
        (st = giflow__gw_image(out, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0, 0,
                               c.is_local ? bits : 0)) != GIFLOW_OK ||
        (c.is_local && (st = giflow__gw_palette(out, c.pal->rgb, c.pal->n, bits)) != GIFLOW_OK))
        return st;
    unsigned mcs = bits < 2 ? 2 : bits;
    encode_pixels(enc, r, &c, mcs);
    if (enc->status)
        return enc->status;
    if (clear_next) {
        for (uint32_t y = r.y0; y < r.y1; y++)
            memset(enc->shown + ((size_t)y * enc->w + r.x0) * 4, 0, (size_t)(r.x1 - r.x0) * 4);
    }
    enc->stats.frames_out++;
    enc->stats.local_palettes += (uint32_t)c.is_local;
    enc->stats.lossless_frames += (uint32_t)c.exact;
    enc->stats.duration_cs += delay_cs;
    enc->last_delay_cs = delay_cs;
    return GIFLOW_OK;
}
