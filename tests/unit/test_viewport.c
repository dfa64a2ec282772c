/*
 * Viewport decoding (giflow_decoder_set_viewport), through the public API.
 *
 * Truths: the full-size decode (checked against the corpora elsewhere),
 * reduced here by a deliberately plain area average: for each output
 * pixel, a 2-D loop over its source pixels, each weighted by the exact
 * fraction it covers (in units of 1/out_width by 1/out_height source
 * pixel). Colours are weighted by alpha and every division rounds half up,
 * as the header documents; the sums are exact integers on both sides, so
 * the two must agree exactly, not within a level. For animations the
 * truth is the full-size composition reduced the same way, and the header's
 * promise is checked: exact wherever no frame draws, clears or restores
 * part of an output pixel over non-uniform content. Hand-worked values are
 * in comments.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gifbuild.h"
#include "testutil.h"

#define MAXF 64

typedef struct rng {
    uint64_t s;
} rng;

static uint32_t rnd(rng *r, uint32_t n)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return n ? (uint32_t)((r->s >> 11) % n) : 0;
}

/* 16 distinct opaque colours. */
static void make_palette(uint8_t pal[48])
{
    for (int i = 0; i < 16; i++) {
        pal[3 * i] = (uint8_t)(i * 17);
        pal[3 * i + 1] = (uint8_t)(255 - i * 13);
        pal[3 * i + 2] = (uint8_t)((i * 71) & 0xFF);
    }
}

/* ------------------------------------------------------------------------ */
/* Reference area average                                                    */
/* ------------------------------------------------------------------------ */

typedef struct geom {
    uint32_t cx, cy, cw, ch, ow, oh;
} geom;

static geom geom_of(const giflow_viewport *v)
{
    geom g = {v->crop_x, v->crop_y, v->crop_width, v->crop_height, v->out_width, v->out_height};
    return g;
}

/* Source pixels [*p0, *p1) under output pixel k of an axis: crop start c,
 * crop length n, m output pixels. Output pixel k spans [k*n/m, (k+1)*n/m). */
static void src_range(uint32_t c, uint32_t n, uint32_t m, uint32_t k, uint32_t *p0, uint32_t *p1)
{
    *p0 = c + (uint32_t)((uint64_t)k * n / m);
    *p1 = c + (uint32_t)(((uint64_t)(k + 1) * n + m - 1) / m);
}

/* How much of output pixel k source pixel p covers, in 1/m units. */
static uint64_t cover1(uint32_t p, uint32_t c, uint32_t n, uint32_t m, uint32_t k)
{
    uint64_t a = (uint64_t)(p - c) * m, b = a + m, lo = (uint64_t)k * n, hi = lo + n;
    uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
    return y > x ? y - x : 0;
}

/* The reduced pixel (i, j) of an RGBA canvas with cw pixels per row. */
static void ref_pixel(const uint8_t *rgba, uint32_t cw, const geom *g, uint32_t i, uint32_t j,
                      uint8_t out[4])
{
    uint32_t x0, x1, y0, y1;
    src_range(g->cx, g->cw, g->ow, i, &x0, &x1);
    src_range(g->cy, g->ch, g->oh, j, &y0, &y1);
    uint64_t area = (uint64_t)g->cw * g->ch, a_sum = 0, c_sum[3] = {0, 0, 0};
    for (uint32_t y = y0; y < y1; y++) {
        uint64_t wy = cover1(y, g->cy, g->ch, g->oh, j);
        for (uint32_t x = x0; x < x1; x++) {
            uint64_t w = wy * cover1(x, g->cx, g->cw, g->ow, i);
            const uint8_t *p = rgba + ((size_t)y * cw + x) * 4;
            a_sum += w * p[3];
            for (int q = 0; q < 3; q++)
                c_sum[q] += w * p[3] * p[q];
        }
    }
    uint64_t a = (2 * a_sum + area) / (2 * area);
    memset(out, 0, 4);
    if (a == 0)
        return;
    for (int q = 0; q < 3; q++)
        out[q] = (uint8_t)((2 * c_sum[q] + a_sum) / (2 * a_sum));
    out[3] = (uint8_t)a;
}

/* Whether every source pixel under output pixel (i, j) has one value. */
static int block_uniform(const uint8_t *rgba, uint32_t cw, const geom *g, uint32_t i, uint32_t j)
{
    uint32_t x0, x1, y0, y1;
    src_range(g->cx, g->cw, g->ow, i, &x0, &x1);
    src_range(g->cy, g->ch, g->oh, j, &y0, &y1);
    const uint8_t *first = rgba + ((size_t)y0 * cw + x0) * 4;
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++)
            if (memcmp(rgba + ((size_t)y * cw + x) * 4, first, 4))
                return 0;
    return 1;
}

/* Weight of the set source pixels of a canvas-sized mask under (i, j). */
static uint64_t block_weight(const uint8_t *mask, uint32_t cw, const geom *g, uint32_t i, uint32_t j)
{
    uint32_t x0, x1, y0, y1;
    src_range(g->cx, g->cw, g->ow, i, &x0, &x1);
    src_range(g->cy, g->ch, g->oh, j, &y0, &y1);
    uint64_t sum = 0;
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++)
            if (mask[(size_t)y * cw + x])
                sum += cover1(y, g->cy, g->ch, g->oh, j) * cover1(x, g->cx, g->cw, g->ow, i);
    return sum;
}

/* ------------------------------------------------------------------------ */
/* Viewport decoding                                                         */
/* ------------------------------------------------------------------------ */

typedef struct vp_out {
    int status;            /* GIFLOW_END, or what stopped decoding */
    int set_status;        /* giflow_decoder_set_viewport()'s result */
    giflow_viewport vp;    /* as resolved */
    uint32_t n;            /* frames with a status */
    uint8_t *rgba[MAXF];   /* out_width * out_height * 4 each */
    int fstatus[MAXF];
    size_t peak;
} vp_out;

static void vp_free(vp_out *o)
{
    for (uint32_t k = 0; k < o->n; k++)
        free(o->rgba[k]);
    memset(o, 0, sizeof *o);
}

/* Decodes feeding chunk bytes at a time (0: all at once) through viewport
 * *want, into a canvas with a padded stride. */
static void vp_decode(const uint8_t *data, size_t size, size_t chunk, unsigned flags,
                      const giflow_limits *lim, const giflow_viewport *want, vp_out *o)
{
    memset(o, 0, sizeof *o);
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_decoder_set_flags(dec, flags);
    if (lim)
        giflow_decoder_set_limits(dec, lim);
    giflow_input in = {data, chunk ? (chunk < size ? chunk : size) : size, 0, 0};
    in.eof = in.size == size;
    giflow_image_info ii;
    int r;
#define VP_FEED(call)                                                 \
    while ((r = (call)) == GIFLOW_NEED_INPUT && !in.eof) {            \
        in.size = chunk && in.size + chunk < size ? in.size + chunk : size; \
        in.eof = in.size == size;                                     \
    }
    VP_FEED(giflow_decode_image_info(dec, &in, &ii));
    o->status = r;
    if (r != GIFLOW_OK) {
        giflow_decoder_free(dec);
        return;
    }
    o->vp = *want;
    o->set_status = r = giflow_decoder_set_viewport(dec, &o->vp);
    if (r != GIFLOW_OK) {
        o->status = r;
        giflow_decoder_free(dec);
        return;
    }
    size_t stride = (size_t)o->vp.out_width * 4 + 12, rb = (size_t)o->vp.out_width * 4;
    uint8_t *canvas = malloc(stride * o->vp.out_height);
    memset(canvas, 0xA5, stride * o->vp.out_height); /* the decoder must clear it */
    while (r == GIFLOW_OK && o->n < MAXF) {
        giflow_frame_info fi;
        VP_FEED(giflow_decode_frame_info(dec, &in, &fi));
        if (r != GIFLOW_OK)
            break;
        VP_FEED(giflow_decode_frame_rgba(dec, &in, canvas, stride));
        o->fstatus[o->n] = r;
        uint8_t *copy = malloc(rb * o->vp.out_height + 1);
        for (uint32_t j = 0; j < o->vp.out_height; j++)
            memcpy(copy + j * rb, canvas + j * stride, rb);
        o->rgba[o->n++] = copy;
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
    }
#undef VP_FEED
    o->status = r;
    giflow_decoder_heap(dec, &o->peak);
    giflow_decoder_free(dec);
    free(canvas);
}

/* Compares a viewport frame with the reference reduction of a full frame.
 * exact (optional) selects the output pixels to compare; returns the
 * number compared. */
static uint32_t check_reduced(const uint8_t *got, const uint8_t *full, uint32_t cw,
                              const geom *g, const uint8_t *exact, const char *what,
                              uint32_t frame)
{
    uint32_t n = 0;
    for (uint32_t j = 0; j < g->oh; j++)
        for (uint32_t i = 0; i < g->ow; i++) {
            if (exact && !exact[(size_t)j * g->ow + i])
                continue;
            uint8_t want[4];
            ref_pixel(full, cw, g, i, j, want);
            const uint8_t *p = got + ((size_t)j * g->ow + i) * 4;
            n++;
            if (memcmp(p, want, 4)) {
                TU_CHECK(0, "%s: frame %u out %u,%u (crop %u,%u %ux%u -> %ux%u): got "
                         "%02x%02x%02x%02x want %02x%02x%02x%02x",
                         what, frame, i, j, g->cx, g->cy, g->cw, g->ch, g->ow, g->oh, p[0], p[1],
                         p[2], p[3], want[0], want[1], want[2], want[3]);
                return n;
            }
        }
    return n;
}

/* ------------------------------------------------------------------------ */
/* Test animations                                                           */
/* ------------------------------------------------------------------------ */

typedef struct aframe {
    uint32_t x, y, w, h;
    int disposal, trans, interlaced, local;
    uint8_t *px;
} aframe;

typedef struct anim {
    uint32_t sw, sh;
    uint32_t nf;
    aframe f[8];
} anim;

static void anim_free(anim *a)
{
    for (uint32_t k = 0; k < a->nf; k++)
        free(a->f[k].px);
}

static void anim_build(const anim *a, tb_buf *b)
{
    uint8_t pal[48], lct[48];
    make_palette(pal);
    for (int i = 0; i < 48; i++)
        lct[i] = (uint8_t)(255 - pal[i]);
    tb_header(b, a->sw, a->sh, pal, 16, 0);
    for (uint32_t k = 0; k < a->nf; k++) {
        const aframe *f = &a->f[k];
        tb_gce(b, (unsigned)f->disposal, 5, f->trans);
        tb_image im = {f->x, f->y, f->w, f->h, f->local ? lct : NULL, f->local ? 16 : 0,
                       f->interlaced, 4, (unsigned)(1 + k * 37 % 255), {0}};
        tb_image_data(b, &im, f->px);
    }
    tb_trailer(b);
}

/* Fills a frame's indices: runs of colours, and where it has a transparent
 * index, transparency that is fine-grained, or constant over cells of
 * cell x cell pixels (counted from canvas position ox, oy). */
static void fill_frame(rng *r, aframe *f, uint32_t cell, uint32_t ox, uint32_t oy)
{
    f->px = malloc((size_t)f->w * f->h + 1);
    uint8_t c = (uint8_t)rnd(r, 16);
    for (uint32_t y = 0; y < f->h; y++)
        for (uint32_t x = 0; x < f->w; x++) {
            if (!rnd(r, 3))
                c = (uint8_t)rnd(r, 16);
            if ((int)c == f->trans)
                c = (uint8_t)((c + 1) & 15);
            f->px[(size_t)y * f->w + x] = c;
        }
    if (f->trans < 0)
        return;
    for (uint32_t y = 0; y < f->h; y++)
        for (uint32_t x = 0; x < f->w; x++) {
            int clear;
            if (cell) {
                uint32_t bx = (f->x + x - ox) / cell, by = (f->y + y - oy) / cell;
                clear = ((bx * 7 + by * 13 + (uint32_t)f->trans) % 3) == 0;
            } else {
                clear = rnd(r, 3) == 0;
            }
            if (clear)
                f->px[(size_t)y * f->w + x] = (uint8_t)f->trans;
        }
}

/* Canvas-sized mask of the pixels frame k draws (opaque, inside the canvas). */
static void frame_mask(const aframe *f, uint32_t cw, uint32_t ch, uint8_t *mask)
{
    memset(mask, 0, (size_t)cw * ch);
    for (uint32_t y = 0; y < f->h; y++)
        for (uint32_t x = 0; x < f->w; x++)
            if (f->x + x < cw && f->y + y < ch && f->px[(size_t)y * f->w + x] != f->trans)
                mask[(size_t)(f->y + y) * cw + f->x + x] = 1;
}

/* ------------------------------------------------------------------------ */
/* Exactness tracker: which output pixels must equal the reduced full-size   */
/* composition, by the header's rule.                                        */
/* ------------------------------------------------------------------------ */

typedef struct tracker {
    geom g;
    uint64_t checked, total; /* output pixels compared, and all of them */
} tracker;

static void rect_in_crop(const geom *g, const giflow_frame_info *fi, uint32_t r[4])
{
    uint32_t x0 = fi->clip_x > g->cx ? fi->clip_x : g->cx;
    uint32_t y0 = fi->clip_y > g->cy ? fi->clip_y : g->cy;
    uint32_t x1 = fi->clip_x + fi->clip_width, y1 = fi->clip_y + fi->clip_height;
    if (x1 > g->cx + g->cw)
        x1 = g->cx + g->cw;
    if (y1 > g->cy + g->ch)
        y1 = g->cy + g->ch;
    r[0] = x0;
    r[1] = x1 > x0 ? x1 : x0;
    r[2] = y0;
    r[3] = y1 > y0 ? y1 : y0;
}

static uint64_t rect_cover(const geom *g, const uint32_t r[4], uint32_t i, uint32_t j)
{
    uint64_t cx = 0, cy = 0;
    for (uint32_t x = r[0]; x < r[1]; x++)
        cx += cover1(x, g->cx, g->cw, g->ow, i);
    for (uint32_t y = r[2]; y < r[3]; y++)
        cy += cover1(y, g->cy, g->ch, g->oh, j);
    return cx * cy;
}

/* Runs the tracker over an animation and checks the viewport frames
 * against the reduced full-size frames where the rule says exact. */
static void track(const anim *a, const tu_decoded *full, const vp_out *vo, const char *what,
                  tracker *t)
{
    const geom *g = &t->g;
    uint32_t cw = full->image.canvas_width, ch = full->image.canvas_height;
    size_t cb = (size_t)cw * ch * 4, ob = (size_t)g->ow * g->oh;
    uint64_t area = (uint64_t)g->cw * g->ch;
    uint8_t *pre = calloc(cb, 1), *prev_pre = calloc(cb, 1), *mask = malloc((size_t)cw * ch);
    uint8_t *exact = malloc(ob), *saved = malloc(ob);
    memset(exact, 1, ob); /* the transparent start is uniform */
    for (uint32_t k = 0; k < full->nframes && k < vo->n; k++) {
        const giflow_frame_info *fi = &full->frames[k].info;
        if (k > 0) {
            /* The previous frame's disposal, on pre (full size) and on the
             * flags. Restoring puts back saved output pixels; clearing an
             * output pixel the frame cut keeps its saved value for the
             * part outside, exact if the content there was uniform. */
            const giflow_frame_info *pf = &full->frames[k - 1].info;
            const uint8_t *shown = full->frames[k - 1].rgba;
            uint32_t r[4];
            rect_in_crop(g, pf, r);
            for (uint32_t j = 0; j < g->oh; j++)
                for (uint32_t i = 0; i < g->ow; i++) {
                    uint64_t cov = r[0] < r[1] && r[2] < r[3] ? rect_cover(g, r, i, j) : 0;
                    uint8_t *e = &exact[(size_t)j * g->ow + i];
                    if (!cov || pf->disposal < 2 || pf->disposal > 4)
                        continue;
                    int s = saved[(size_t)j * g->ow + i];
                    if (pf->disposal != 2)
                        *e = s;
                    else
                        *e = cov == area || (s && block_uniform(prev_pre, cw, g, i, j));
                }
            memcpy(pre, shown, cb);
            for (uint32_t y = pf->clip_y; y < pf->clip_y + pf->clip_height; y++) {
                uint8_t *row = pre + ((size_t)y * cw + pf->clip_x) * 4;
                size_t n = (size_t)pf->clip_width * 4;
                if (pf->disposal == 2)
                    memset(row, 0, n);
                else if (pf->disposal == 3 || pf->disposal == 4)
                    memcpy(row, prev_pre + (row - pre), n);
            }
        }
        /* pre is now the canvas the frame draws on; our output should be
         * its reduction wherever exact[] says so. */
        if (fi->disposal >= 2 && fi->disposal <= 4)
            memcpy(saved, exact, ob);
        frame_mask(&a->f[k], cw, ch, mask);
        for (uint32_t j = 0; j < g->oh; j++)
            for (uint32_t i = 0; i < g->ow; i++) {
                uint64_t w = block_weight(mask, cw, g, i, j);
                uint8_t *e = &exact[(size_t)j * g->ow + i];
                if (w == area)
                    *e = 1;
                else if (w)
                    *e = *e && block_uniform(pre, cw, g, i, j);
            }
        if (vo->fstatus[k] == GIFLOW_FRAME_END && full->frames[k].status == GIFLOW_FRAME_END)
            t->checked += check_reduced(vo->rgba[k], full->frames[k].rgba, cw, g, exact, what, k);
        t->total += ob;
        memcpy(prev_pre, pre, cb);
    }
    free(pre);
    free(prev_pre);
    free(mask);
    free(exact);
    free(saved);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */

static void test_args(void)
{
    uint8_t pal[48];
    make_palette(pal);
    tb_buf b = {0};
    tb_header(&b, 40, 30, pal, 16, 0);
    uint8_t px[40 * 30];
    memset(px, 3, sizeof px);
    tb_image im = {0, 0, 40, 30, NULL, 0, 0, 4, 0, {0}};
    tb_image_data(&b, &im, px);
    tb_trailer(&b);

    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_viewport v = {0, 0, 0, 0, 10, 10};
    giflow_input in = {b.data, b.len, 0, 1};
    TU_CHECK(giflow_decoder_set_viewport(NULL, &v) == GIFLOW_ERR_ARG, "NULL decoder");
    TU_CHECK(giflow_decoder_set_viewport(dec, &v) == GIFLOW_ERR_STATE, "before image info");
    giflow_image_info ii;
    TU_CHECK(giflow_decode_image_info(dec, &in, &ii) == GIFLOW_OK, "image info");
    static const giflow_viewport bad[] = {
        {40, 0, 0, 0, 0, 0},     /* crop starts at the right edge */
        {0, 30, 0, 0, 0, 0},     /* ... at the bottom edge */
        {10, 0, 31, 0, 0, 0},    /* 10 + 31 > 40 */
        {0, 5, 0, 26, 0, 0},     /* 5 + 26 > 30 */
        {1, 0, 0xFFFFFFFFu, 0, 0, 0}, /* wraps around in 32 bits */
        {0, 0, 0, 0, 41, 30},    /* upscaling */
        {0, 0, 20, 10, 20, 11},  /* upscaling the crop */
        {0, 0, 0, 0, 10, 0},     /* one size 0 */
        {0, 0, 0, 0, 0, 10},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        giflow_viewport w = bad[k];
        TU_CHECK(giflow_decoder_set_viewport(dec, &w) == GIFLOW_ERR_ARG, "bad viewport %zu", k);
    }
    /* Zero sizes resolve: crop to the edges, output = crop. */
    giflow_viewport z = {4, 6, 0, 0, 0, 0};
    TU_CHECK(giflow_decoder_set_viewport(dec, &z) == GIFLOW_OK && z.crop_width == 36 &&
                 z.crop_height == 24 && z.out_width == 36 && z.out_height == 24,
             "resolved %u %u %u %u", z.crop_width, z.crop_height, z.out_width, z.out_height);
    TU_CHECK(giflow_decoder_set_viewport(dec, NULL) == GIFLOW_OK, "remove");
    TU_CHECK(giflow_decoder_set_viewport(dec, &v) == GIFLOW_OK, "10x10");
    giflow_frame_info fi;
    TU_CHECK(giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_OK, "frame info");
    /* Still allowed after frame info, before the first composition. A bad
     * one then leaves the 10x10 viewport in place (the 40-byte stride
     * below only fits it). */
    TU_CHECK(giflow_decoder_set_viewport(dec, &v) == GIFLOW_OK, "after frame info");
    giflow_viewport up = {0, 0, 5, 5, 6, 6};
    TU_CHECK(giflow_decoder_set_viewport(dec, &up) == GIFLOW_ERR_ARG, "upscaling refused");
    uint8_t out[10 * 10 * 4 + 4];
    TU_CHECK(giflow_decode_frame_rgba(dec, &in, out, 9 * 4) == GIFLOW_ERR_ARG, "stride");
    TU_CHECK(giflow_decode_frame_rgba(dec, &in, out, 10 * 4) == GIFLOW_FRAME_END, "frame");
    /* Index 3 everywhere: every output pixel is palette colour 3. */
    TU_CHECK(out[0] == pal[9] && out[1] == pal[10] && out[2] == pal[11] && out[3] == 255 &&
                 !memcmp(out, out + 99 * 4, 4),
             "solid colour");
    TU_CHECK(giflow_decoder_set_viewport(dec, &v) == GIFLOW_ERR_STATE, "after a frame");
    giflow_decoder_free(dec);

    /* A static decoder has no allocator for the viewport's buffers. */
    size_t need = giflow_decoder_static_size(64);
    uint64_t *mem = malloc(need);
    dec = giflow_decoder_init_static(mem, need);
    in.pos = 0;
    TU_CHECK(giflow_decode_image_info(dec, &in, &ii) == GIFLOW_OK, "static image info");
    TU_CHECK(giflow_decoder_set_viewport(dec, &v) == GIFLOW_ERR_SMALL_BUFFER, "static");
    free(mem);

    /* Memory budget: 80 bytes per output column do not fit in 1,000 bytes
     * over the state. Not sticky: a narrower viewport then works. */
    giflow_limits lim;
    giflow_limits_default(&lim);
    lim.max_memory = giflow_decoder_state_size() + 1000;
    dec = giflow_decoder_new(NULL);
    giflow_decoder_set_limits(dec, &lim);
    in.pos = 0;
    TU_CHECK(giflow_decode_image_info(dec, &in, &ii) == GIFLOW_OK, "budget image info");
    giflow_viewport wide = {0, 0, 0, 0, 40, 30};
    TU_CHECK(giflow_decoder_set_viewport(dec, &wide) == GIFLOW_ERR_LIMIT_MEMORY, "budget");
    giflow_viewport narrow = {0, 0, 0, 0, 4, 3};
    TU_CHECK(giflow_decoder_set_viewport(dec, &narrow) == GIFLOW_OK, "narrow fits");
    giflow_decoder_free(dec);
    tb_free(&b);
}

/* Stills of random content, sizes, crops and ratios (integer and not,
 * extreme and 1:1) against the reference reduction of the full decode. */
static void test_stills(void)
{
    rng r = {0x9E3779B97F4A7C15ull};
    for (int iter = 0; iter < 120; iter++) {
        anim a = {0};
        a.sw = 1 + rnd(&r, iter < 100 ? 60 : 300);
        a.sh = 1 + rnd(&r, iter < 100 ? 60 : 40);
        a.nf = 1;
        aframe *f = &a.f[0];
        f->w = a.sw;
        f->h = a.sh;
        f->trans = rnd(&r, 2) ? (int)rnd(&r, 16) : -1;
        f->interlaced = (int)rnd(&r, 2);
        f->local = (int)rnd(&r, 2);
        fill_frame(&r, f, 0, 0, 0);
        tb_buf b = {0};
        anim_build(&a, &b);
        tu_decoded full;
        tu_decode(b.data, b.len, 0, 0, 1, &full);
        TU_CHECK(full.status == GIFLOW_END && full.nframes == 1, "full decode %d", full.status);
        for (int v = 0; v < 4 && full.nframes; v++) {
            giflow_viewport vp = {0, 0, 0, 0, 0, 0};
            if (v > 0) {
                vp.crop_x = rnd(&r, a.sw);
                vp.crop_y = rnd(&r, a.sh);
                vp.crop_width = 1 + rnd(&r, a.sw - vp.crop_x);
                vp.crop_height = 1 + rnd(&r, a.sh - vp.crop_y);
            }
            uint32_t cw = vp.crop_width ? vp.crop_width : a.sw;
            uint32_t ch = vp.crop_height ? vp.crop_height : a.sh;
            vp.out_width = v == 3 ? 1 : 1 + rnd(&r, cw);
            vp.out_height = v == 3 ? 1 : 1 + rnd(&r, ch);
            vp_out o;
            vp_decode(b.data, b.len, 0, 0, NULL, &vp, &o);
            TU_CHECK(o.status == GIFLOW_END && o.n == 1, "still %d/%d: status %d", iter, v,
                     o.status);
            if (o.n == 1) {
                geom g = geom_of(&o.vp);
                check_reduced(o.rgba[0], full.frames[0].rgba, a.sw, &g, NULL, "still", 0);
            }
            vp_free(&o);
        }
        tu_decoded_free(&full);
        tb_free(&b);
        anim_free(&a);
    }
}

/* Hand-worked: a 5x1 image of red, red, blue, transparent, transparent
 * reduced to 2x1. Output pixel 0 covers source 0, 1 and half of 2: alpha
 * 255, colour (2*255 + 0.5*0, 0, 0.5*255) / 2.5 = (204, 0, 51). Output
 * pixel 1 covers half of 2, then 3 and 4 (transparent): alpha 255 * 0.5 /
 * 2.5 = 51, and the colour is the opaque part's alone: pure blue. */
static void test_hand_worked(void)
{
    static const uint8_t pal[12] = {255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0};
    uint8_t px[5] = {0, 0, 1, 2, 2};
    tb_buf b = {0};
    tb_header(&b, 5, 1, pal, 4, 0);
    tb_gce(&b, 0, 0, 2);
    tb_image im = {0, 0, 5, 1, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&b, &im, px);
    tb_trailer(&b);
    giflow_viewport vp = {0, 0, 0, 0, 2, 1};
    vp_out o;
    vp_decode(b.data, b.len, 0, 0, NULL, &vp, &o);
    static const uint8_t want[8] = {204, 0, 51, 255, 0, 0, 255, 51};
    TU_CHECK(o.n == 1 && !memcmp(o.rgba[0], want, 8), "hand-worked 5x1 -> 2x1");
    vp_free(&o);
    tb_free(&b);

    /* Where the header says the result is approximate: a 2x1 canvas shown
     * as 1x1. Frame 0 draws red at x=0 only: (255, 0, 0) at alpha 127.5
     * -> 128. Frame 1 draws blue at x=0 and leaves x=1 alone; the old
     * output (red, alpha 128) stands in for x=1, weight 1 of 2:
     * alpha (255 + 128) / 2 = 191.5 -> 192; red 128*255 / 383 = 85.2 -> 85;
     * blue 255*255 / 383 = 169.8 -> 170. (The full-size truth would be
     * blue at alpha 128: red was under x=0, not x=1.) */
    tb_buf c = {0};
    tb_header(&c, 2, 1, pal, 4, 0);
    uint8_t red[1] = {0}, blue[1] = {1};
    tb_image one = {0, 0, 1, 1, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&c, &one, red);
    tb_image_data(&c, &one, blue);
    tb_trailer(&c);
    giflow_viewport px1 = {0, 0, 0, 0, 1, 1};
    vp_decode(c.data, c.len, 0, 0, NULL, &px1, &o);
    static const uint8_t f0[4] = {255, 0, 0, 128}, f1[4] = {85, 0, 170, 192};
    TU_CHECK(o.n == 2 && !memcmp(o.rgba[0], f0, 4) && !memcmp(o.rgba[1], f1, 4),
             "old output standing in: %02x%02x%02x%02x", o.n == 2 ? o.rgba[1][0] : 0,
             o.n == 2 ? o.rgba[1][1] : 0, o.n == 2 ? o.rgba[1][2] : 0,
             o.n == 2 ? o.rgba[1][3] : 0);
    vp_free(&o);
    tb_free(&c);
}

/* Random animation: frames anywhere (also beyond the canvas), every
 * disposal, transparency fine or in cells, interlacing, local palettes. */
static void random_anim(rng *r, anim *a, uint32_t cell, uint32_t ox, uint32_t oy,
                        uint32_t align)
{
    memset(a, 0, sizeof *a);
    a->sw = align ? align * (2 + rnd(r, 8)) + ox : 4 + rnd(r, 50);
    a->sh = align ? align * (2 + rnd(r, 6)) + oy : 4 + rnd(r, 40);
    a->nf = 2 + rnd(r, 6);
    for (uint32_t k = 0; k < a->nf; k++) {
        aframe *f = &a->f[k];
        if (align) {
            uint32_t nx = (a->sw - ox) / align, ny = (a->sh - oy) / align;
            uint32_t bx = rnd(r, nx), by = rnd(r, ny);
            f->x = ox + bx * align;
            f->y = oy + by * align;
            f->w = align * (1 + rnd(r, nx - bx));
            f->h = align * (1 + rnd(r, ny - by));
        } else {
            f->x = k ? rnd(r, a->sw + 4) : rnd(r, a->sw / 2);
            f->y = k ? rnd(r, a->sh + 4) : rnd(r, a->sh / 2);
            f->w = 1 + rnd(r, a->sw);
            f->h = 1 + rnd(r, a->sh);
        }
        f->disposal = (int)rnd(r, 5);
        f->trans = rnd(r, 3) ? (int)rnd(r, 16) : -1;
        f->interlaced = rnd(r, 3) == 0;
        f->local = rnd(r, 4) == 0;
        /* Fine transparency only on the first frame, drawn over the
         * (uniform) transparent start, when the content must stay exact. */
        fill_frame(r, f, k == 0 ? 0 : cell, ox, oy);
    }
}

static void run_anim(const anim *a, const giflow_viewport *want, size_t chunk, int require_all,
                     const char *what, tracker *t)
{
    tb_buf b = {0};
    anim_build(a, &b);
    tu_decoded full;
    tu_decode(b.data, b.len, 0, 0, 1, &full);
    TU_CHECK(full.status == GIFLOW_END, "%s: full decode %d", what, full.status);
    vp_out o;
    vp_decode(b.data, b.len, chunk, 0, NULL, want, &o);
    TU_CHECK(o.status == GIFLOW_END && o.n == full.nframes, "%s: viewport %d, %u frames", what,
             o.status, o.n);
    if (o.set_status == GIFLOW_OK) {
        t->g = geom_of(&o.vp);
        uint64_t before = t->checked;
        track(a, &full, &o, what, t);
        if (require_all)
            TU_CHECK(t->checked - before == (uint64_t)full.nframes * o.vp.out_width *
                                                o.vp.out_height,
                     "%s: aligned content left pixels inexact", what);
    }
    vp_free(&o);
    tu_decoded_free(&full);
    tb_free(&b);
}

/* Frame rectangles and transparency cells aligned to output pixels: the
 * output must equal the reduced full-size composition everywhere, in every
 * frame, for every disposal. Factor 4 (integer) and 2.5 (5 source pixels
 * per 2 output pixels, so the cells are 5 pixels), with the crop's origin
 * off the canvas's. */
static void test_anim_aligned(void)
{
    rng r = {12345};
    tracker t;
    memset(&t, 0, sizeof t);
    for (int iter = 0; iter < 60; iter++) {
        anim a;
        int half = iter & 1;
        uint32_t cell = half ? 5 : 4, ox = half ? 3 : 0, oy = half ? 2 : 0;
        random_anim(&r, &a, cell, ox, oy, cell);
        giflow_viewport vp = {ox, oy, (a.sw - ox) / cell * cell, (a.sh - oy) / cell * cell, 0, 0};
        vp.out_width = half ? vp.crop_width * 2 / 5 : vp.crop_width / 4;
        vp.out_height = half ? vp.crop_height * 2 / 5 : vp.crop_height / 4;
        run_anim(&a, &vp, iter % 3 == 0 ? 1 : 0, 1, half ? "aligned 2.5" : "aligned 4", &t);
        anim_free(&a);
    }
}

/* Anything goes: the tracker decides which pixels the header promises to
 * be exact, and those must be; most must be. */
static void test_anim_random(void)
{
    rng r = {777};
    tracker t;
    memset(&t, 0, sizeof t);
    for (int iter = 0; iter < 150; iter++) {
        anim a;
        random_anim(&r, &a, 0, 0, 0, 0);
        giflow_viewport vp;
        vp.crop_x = rnd(&r, a.sw / 3);
        vp.crop_y = rnd(&r, a.sh / 3);
        vp.crop_width = 1 + rnd(&r, a.sw - vp.crop_x);
        vp.crop_height = 1 + rnd(&r, a.sh - vp.crop_y);
        vp.out_width = 1 + rnd(&r, vp.crop_width);
        vp.out_height = 1 + rnd(&r, vp.crop_height);
        run_anim(&a, &vp, iter % 5 == 0 ? 3 : 0, 0, "random", &t);
        anim_free(&a);
    }
    printf("random animations: %llu of %llu output pixels promised exact, all were\n",
           (unsigned long long)t.checked, (unsigned long long)t.total);
    TU_CHECK(t.checked * 2 > t.total, "too few exact pixels to mean anything");
}

/* Out size = crop size: every frame is exactly that rectangle of the full
 * decode, whatever the content (each output pixel is one source pixel). */
static void test_crop_exact(void)
{
    rng r = {4242};
    for (int iter = 0; iter < 60; iter++) {
        anim a;
        random_anim(&r, &a, 0, 0, 0, 0);
        tb_buf b = {0};
        anim_build(&a, &b);
        tu_decoded full;
        tu_decode(b.data, b.len, 0, 0, 1, &full);
        uint32_t cw = full.image.canvas_width, ch = full.image.canvas_height;
        giflow_viewport vp = {rnd(&r, cw), rnd(&r, ch), 0, 0, 0, 0};
        vp.crop_width = 1 + rnd(&r, cw - vp.crop_x);
        vp.crop_height = 1 + rnd(&r, ch - vp.crop_y);
        vp_out o;
        vp_decode(b.data, b.len, 0, 0, NULL, &vp, &o);
        TU_CHECK(o.status == GIFLOW_END && o.n == full.nframes && o.vp.out_width == vp.crop_width,
                 "crop: %d", o.status);
        for (uint32_t k = 0; k < o.n && k < full.nframes; k++) {
            int same = 1;
            for (uint32_t y = 0; y < o.vp.out_height; y++)
                same &= !memcmp(o.rgba[k] + (size_t)y * o.vp.out_width * 4,
                                full.frames[k].rgba +
                                    ((size_t)(vp.crop_y + y) * cw + vp.crop_x) * 4,
                                (size_t)o.vp.out_width * 4);
            TU_CHECK(same, "crop %d frame %u differs from the full decode", iter, k);
        }
        vp_free(&o);
        tu_decoded_free(&full);
        tb_free(&b);
        anim_free(&a);
    }
}

/* An interlaced image and the same image stored in order give the same
 * output, for crops whose rows end early and late in the passes. */
static void test_interlaced(void)
{
    rng r = {99};
    for (int iter = 0; iter < 30; iter++) {
        anim a = {0};
        a.sw = 8 + rnd(&r, 70);
        a.sh = 8 + rnd(&r, 70);
        a.nf = 1;
        a.f[0].w = a.sw;
        a.f[0].h = a.sh;
        a.f[0].trans = iter % 3 ? 5 : -1;
        fill_frame(&r, &a.f[0], 0, 0, 0);
        giflow_viewport vp = {rnd(&r, a.sw), rnd(&r, a.sh), 0, 0, 0, 0};
        vp.crop_width = 1 + rnd(&r, a.sw - vp.crop_x);
        vp.crop_height = 1 + rnd(&r, a.sh - vp.crop_y);
        vp.out_width = 1 + rnd(&r, vp.crop_width);
        vp.out_height = 1 + rnd(&r, vp.crop_height);
        vp_out o[2];
        for (int il = 0; il < 2; il++) {
            a.f[0].interlaced = il;
            tb_buf b = {0};
            anim_build(&a, &b);
            vp_decode(b.data, b.len, il ? 2 : 0, 0, NULL, &vp, &o[il]);
            TU_CHECK(o[il].status == GIFLOW_END && o[il].n == 1, "interlaced %d: %d", il,
                     o[il].status);
            tb_free(&b);
        }
        if (o[0].n == 1 && o[1].n == 1)
            TU_CHECK(!memcmp(o[0].rgba[0], o[1].rgba[0],
                             (size_t)o[0].vp.out_width * o[0].vp.out_height * 4),
                     "interlaced %d: differs from in-order", iter);
        vp_free(&o[0]);
        vp_free(&o[1]);
        anim_free(&a);
    }
}

/* Feeding one byte at a time (and 7) gives the same frames as all at once. */
static void test_chunking(void)
{
    rng r = {31337};
    for (int iter = 0; iter < 25; iter++) {
        anim a;
        random_anim(&r, &a, 0, 0, 0, 0);
        tb_buf b = {0};
        anim_build(&a, &b);
        giflow_viewport vp = {rnd(&r, a.sw / 2), rnd(&r, a.sh / 2), 0, 0, 0, 0};
        vp.crop_width = 1 + rnd(&r, a.sw - vp.crop_x);
        vp.crop_height = 1 + rnd(&r, a.sh - vp.crop_y);
        vp.out_width = 1 + rnd(&r, vp.crop_width);
        vp.out_height = 1 + rnd(&r, vp.crop_height);
        vp_out whole, bytes, sevens;
        vp_decode(b.data, b.len, 0, 0, NULL, &vp, &whole);
        vp_decode(b.data, b.len, 1, 0, NULL, &vp, &bytes);
        vp_decode(b.data, b.len, 7, 0, NULL, &vp, &sevens);
        size_t fb = (size_t)whole.vp.out_width * whole.vp.out_height * 4;
        int same = whole.status == GIFLOW_END && bytes.status == whole.status &&
                   sevens.status == whole.status && bytes.n == whole.n && sevens.n == whole.n;
        for (uint32_t k = 0; same && k < whole.n; k++)
            same = !memcmp(whole.rgba[k], bytes.rgba[k], fb) &&
                   !memcmp(whole.rgba[k], sevens.rgba[k], fb);
        TU_CHECK(same, "chunking %d: output depends on how the input was split", iter);
        vp_free(&whole);
        vp_free(&bytes);
        vp_free(&sevens);
        tb_free(&b);
        anim_free(&a);
    }
}

/* With GIFLOW_FLAG_MERGE_ZERO_DELAY, a 1:1 viewport of the whole canvas
 * shows exactly what the full decode shows. */
static void test_merge_zero_delay(void)
{
    uint8_t pal[48];
    make_palette(pal);
    tb_buf b = {0};
    tb_header(&b, 12, 10, pal, 16, 0);
    uint8_t px[120];
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < 120; i++)
            px[i] = (uint8_t)((i * (k + 3) / 7) & 15);
        tb_gce(&b, (unsigned)(k & 3), k == 1 ? 0 : 4, k ? 2 : -1);
        tb_image im = {(unsigned)k, (unsigned)k, 12u - (unsigned)k * 2, 10u - (unsigned)k * 2,
                       NULL, 0, k == 2, 4, 0, {0}};
        tb_image_data(&b, &im, px);
    }
    tb_trailer(&b);
    tu_decoded full;
    tu_decode(b.data, b.len, 0, GIFLOW_FLAG_MERGE_ZERO_DELAY, 1, &full);
    giflow_viewport vp = {0, 0, 0, 0, 0, 0};
    vp_out o;
    vp_decode(b.data, b.len, 0, GIFLOW_FLAG_MERGE_ZERO_DELAY, NULL, &vp, &o);
    TU_CHECK(full.status == GIFLOW_END && o.status == GIFLOW_END && o.n == full.nframes &&
                 o.n == 3,
             "merged frames: %u vs %u", o.n, full.nframes);
    for (uint32_t k = 0; k < o.n && k < full.nframes; k++)
        TU_CHECK(!memcmp(o.rgba[k], full.frames[k].rgba, 120 * 4), "merged frame %u", k);
    vp_free(&o);
    tu_decoded_free(&full);
    tb_free(&b);
}

/* Rows below the crop are skipped without LZW work, up to the data
 * terminator. A frame whose data ends after 60 of its 100 rows is broken
 * for a full decode (missing pixels) but complete for a crop of its top
 * 40 rows, and the next frame decodes; a frame that misses the crop is
 * skipped whole, yet a bad code size still fails it; and a file that ends
 * inside skipped data is truncated. */
static void test_early_stop(void)
{
    uint8_t pal[48];
    make_palette(pal);
    enum { W = 50, H = 100 };
    uint8_t px[W * H];
    for (int i = 0; i < W * H; i++)
        px[i] = (uint8_t)(i % 13);
    tb_buf b = {0};
    tb_header(&b, W, H, pal, 16, 0);
    /* Frame 0: 60 rows of data for a 100-row frame. */
    tb_u8(&b, 0x2C);
    tb_u16(&b, 0);
    tb_u16(&b, 0);
    tb_u16(&b, W);
    tb_u16(&b, H);
    tb_u8(&b, 0);
    tb_u8(&b, 4);
    tb_buf lzw = {0};
    tb_lzw(&lzw, 4, px, W * 60, NULL);
    tb_subblocks(&b, lzw.data, lzw.len, 255);
    size_t frame1 = b.len;
    tb_image im = {0, 0, W, H, NULL, 0, 0, 4, 0, {0}};
    tb_image_data(&b, &im, px);
    size_t frame2 = b.len;
    tb_image low = {0, 80, W, 20, NULL, 0, 0, 4, 0, {0}};
    tb_image_data(&b, &low, px);
    tb_trailer(&b);

    tu_decoded full;
    tu_decode(b.data, b.len, 0, 0, 1, &full);
    TU_CHECK(full.status == GIFLOW_ERR_MISSING_PIXELS && full.nframes == 1,
             "full decode: %d", full.status);
    giflow_viewport vp = {0, 0, W, 40, 25, 20};
    vp_out o;
    vp_decode(b.data, b.len, 0, 0, NULL, &vp, &o);
    TU_CHECK(o.status == GIFLOW_END && o.n == 3, "viewport: %d, %u frames", o.status, o.n);
    /* Frame 0's top 40 rows decoded: they equal the reduced full decode
     * (whose broken frame holds its first 60 rows). */
    geom g = geom_of(&o.vp);
    if (o.n >= 1 && full.nframes == 1)
        check_reduced(o.rgba[0], full.frames[0].rgba, W, &g, NULL, "early stop", 0);
    vp_free(&o);
    tu_decoded_free(&full);

    /* Truncated in frame 1's rows below the crop: not complete. */
    vp_decode(b.data, frame1 + (frame2 - frame1) / 2, 0, 0, NULL, &vp, &o);
    TU_CHECK(o.status == GIFLOW_ERR_TRUNCATED && o.n == 2 && o.fstatus[1] == GIFLOW_ERR_TRUNCATED,
             "truncated in skipped data: %d", o.status);
    vp_free(&o);

    /* Frame 2 (rows 80..99) misses the crop, but a code size of 12 fails
     * it as in a full decode. */
    b.data[frame2 + 10] = 12;
    vp_decode(b.data, b.len, 0, 0, NULL, &vp, &o);
    TU_CHECK(o.status == GIFLOW_ERR_BAD_CODE_SIZE && o.n == 3, "bad code size: %d", o.status);
    vp_free(&o);
    tb_free(&lzw);
    tb_free(&b);
}

/* A 16000x16000 canvas shown 500x500 (32:1): the heap stays at the fixed
 * state plus small buffers, never near the canvas's 1 GB. Frames:
 * 0: 64x64 red at (3200, 6400), i.e. output pixels 100..101 x 200..201
 *    exactly: those four are red, the rest transparent;
 * 1: a 16000x4 strip at y = 9600 (output row 300) alternating green and
 *    blue: each output pixel there is 4/32 opaque, alpha 255 * 4/32 =
 *    31.875 -> 32, colour half green half blue: (0, 127.5, 127.5) -> 128;
 * 2: an interlaced 100x50 frame with disposal 3, then frame 3 (1x1, 0,0)
 *    sees the restored canvas: output (10, 10) is transparent again. */
static void test_huge_canvas(void)
{
    static const uint8_t pal[12] = {0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255};
    enum { S = 16000 };
    tb_buf b = {0};
    tb_header(&b, S, S, pal, 4, 0);
    uint8_t *px = malloc((size_t)S * 4);
    memset(px, 1, 64 * 64);
    tb_image f0 = {3200, 6400, 64, 64, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&b, &f0, px);
    for (int i = 0; i < S * 4; i++)
        px[i] = (uint8_t)(2 + (i & 1));
    tb_image f1 = {0, 9600, S, 4, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&b, &f1, px);
    memset(px, 1, 100 * 50);
    tb_gce(&b, 3, 0, -1);
    tb_image f2 = {320, 320, 100, 50, NULL, 0, 1, 2, 0, {0}};
    tb_image_data(&b, &f2, px);
    tb_gce(&b, 0, 0, 0);
    tb_image f3 = {0, 0, 1, 1, NULL, 0, 0, 2, 0, {0}};
    px[0] = 0;
    tb_image_data(&b, &f3, px);
    tb_trailer(&b);
    free(px);

    giflow_viewport vp = {0, 0, 0, 0, 500, 500};
    vp_out o;
    vp_decode(b.data, b.len, 0, 0, NULL, &vp, &o);
    TU_CHECK(o.status == GIFLOW_END && o.n == 4, "huge: %d, %u frames", o.status, o.n);
    printf("16000x16000 canvas -> 500x500: peak heap %zu bytes (state %zu)\n", o.peak,
           giflow_decoder_state_size());
    TU_CHECK(o.peak < 256 * 1024, "peak heap %zu", o.peak);
    if (o.n == 4) {
        const uint8_t *f = o.rgba[0];
        static const uint8_t red[4] = {255, 0, 0, 255}, clear[4] = {0, 0, 0, 0};
        int ok = 1;
        for (uint32_t j = 0; j < 500; j++)
            for (uint32_t i = 0; i < 500; i++) {
                int in = i >= 100 && i < 102 && j >= 200 && j < 202;
                ok &= !memcmp(f + ((size_t)j * 500 + i) * 4, in ? red : clear, 4);
            }
        TU_CHECK(ok, "huge frame 0");
        static const uint8_t strip[4] = {0, 128, 128, 32};
        ok = 1;
        for (uint32_t i = 0; i < 500; i++)
            ok &= !memcmp(o.rgba[1] + ((size_t)300 * 500 + i) * 4, strip, 4);
        TU_CHECK(ok, "huge frame 1 strip: %02x%02x%02x%02x", o.rgba[1][300 * 2000],
                 o.rgba[1][300 * 2000 + 1], o.rgba[1][300 * 2000 + 2], o.rgba[1][300 * 2000 + 3]);
        TU_CHECK(o.rgba[2][(10 * 500 + 10) * 4 + 3] == 255, "huge frame 2 drawn");
        TU_CHECK(!memcmp(o.rgba[3] + (10 * 500 + 10) * 4, clear, 4) &&
                     !memcmp(o.rgba[3], o.rgba[1], 500 * 500 * 4),
                 "huge frame 3: frame 2 restored");
    }
    vp_free(&o);
    tb_free(&b);
}

/* Real files: a 1:1 viewport of the whole canvas shows every complete frame
 * exactly as the full decode; reduced first frames equal the reference
 * reduction. Where statuses differ, the viewport may only be more lenient,
 * and only for a frame with rows outside the canvas (skipped). */
static void corpus_file(const char *path, uint64_t *frames, uint64_t *files)
{
    size_t size;
    uint8_t *data = tu_read_file(path, &size);
    if (!data || size > (1u << 20)) {
        free(data);
        return;
    }
    tu_decoded full;
    if (tu_decode(data, size, 0, 0, 1, &full) || full.stage < 1 ||
        (uint64_t)full.image.canvas_width * full.image.canvas_height > (1u << 20)) {
        tu_decoded_free(&full);
        free(data);
        return;
    }
    (*files)++;
    uint32_t cw = full.image.canvas_width, ch = full.image.canvas_height;
    giflow_viewport id = {0, 0, 0, 0, 0, 0};
    vp_out o;
    vp_decode(data, size, 0, 0, NULL, &id, &o);
    for (uint32_t k = 0; k < o.n && k < full.nframes; k++) {
        int fs = full.frames[k].status, vs = o.fstatus[k];
        if (fs != vs) {
            const giflow_frame_info *fi = &full.frames[k].info;
            TU_CHECK(vs == GIFLOW_FRAME_END &&
                         (fi->clip_width == 0 || fi->clip_height < fi->height),
                     "%s frame %u: status %d, full decode %d", path, k, vs, fs);
            break;
        }
        if (fs != GIFLOW_FRAME_END)
            break;
        TU_CHECK(!memcmp(o.rgba[k], full.frames[k].rgba, (size_t)cw * ch * 4),
                 "%s frame %u: 1:1 viewport differs", path, k);
        (*frames)++;
    }
    vp_free(&o);
    if (full.nframes && full.frames[0].status == GIFLOW_FRAME_END) {
        giflow_viewport half = {0, 0, 0, 0, (cw + 1) / 2, (ch + 1) / 2};
        giflow_viewport odd = {cw / 5, ch / 7, cw - cw / 5, ch - ch / 7, 0, 0};
        odd.out_width = odd.crop_width * 5 / 7 ? odd.crop_width * 5 / 7 : 1;
        odd.out_height = odd.crop_height * 3 / 8 ? odd.crop_height * 3 / 8 : 1;
        const giflow_viewport *vs[2] = {&half, &odd};
        for (int v = 0; v < 2; v++) {
            vp_decode(data, size, 0, 0, NULL, vs[v], &o);
            geom g = geom_of(&o.vp);
            TU_CHECK(o.n >= 1 && o.fstatus[0] == GIFLOW_FRAME_END, "%s: reduced frame 0", path);
            if (o.n >= 1)
                check_reduced(o.rgba[0], full.frames[0].rgba, cw, &g, NULL, path, 0);
            vp_free(&o);
        }
    }
    tu_decoded_free(&full);
    free(data);
}

static void walk(const char *dir, uint64_t *frames, uint64_t *files)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        size_t n = strlen(path);
        if (stat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode))
            walk(path, frames, files);
        else if (n > 4 && !strcmp(path + n - 4, ".gif"))
            corpus_file(path, frames, files);
    }
    closedir(d);
}

static void test_corpora(const char *root)
{
    uint64_t frames = 0, files = 0;
    walk(root, &frames, &files);
    printf("corpora: %llu files, %llu frames identical through a 1:1 viewport\n",
           (unsigned long long)files, (unsigned long long)frames);
    TU_CHECK(files > 50, "only %llu corpus files found under %s", (unsigned long long)files, root);
}

int main(int argc, char **argv)
{
    test_args();
    test_hand_worked();
    test_stills();
    test_crop_exact();
    test_anim_aligned();
    test_anim_random();
    test_interlaced();
    test_chunking();
    test_merge_zero_delay();
    test_early_stop();
    test_huge_canvas();
    if (argc > 1)
        test_corpora(argv[1]);
    printf("test_viewport: %d failures\n", tu_failures);
    return tu_failures != 0;
}
