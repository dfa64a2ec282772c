/*
 * Viewport decoding: frames composed straight into a cropped, downscaled
 * canvas, by area averaging, as rows of indices arrive.
 *
 * Geometry, per axis: with g = gcd(crop, out), a source pixel is s = out/g
 * units long and an output pixel o = crop/g units, both counted from the
 * crop's origin. The weight of a source pixel in an output pixel is the
 * product of its x and y overlaps in units; the weights of an output
 * pixel sum to area = ox * oy. Since s <= o, a source pixel overlaps at
 * most two output pixels per axis. Every sum is exact in 64 bits: colour
 * sums stay below 255 * 255 * area <= 2^50.
 *
 * Each source row inside the crop is first reduced along x (hsum, one per
 * output column), then added with its y weights to the sums of the one or
 * two output rows it overlaps (acc). In-order frames keep two output rows
 * of sums (a ring); interlaced frames keep one per output row they touch.
 * An output row is blended into the caller's canvas once the source rows
 * under it are all in.
 */
#include <string.h>

#include "decoder.h"

typedef struct vp_axis {
    uint32_t c0, len; /* crop start and length on the canvas */
    uint32_t out;     /* output pixels */
    uint64_t s, o;    /* units per source pixel, per output pixel */
} vp_axis;

typedef struct vp_hsum {
    uint32_t w, c[3]; /* opaque weight, weight * colour */
} vp_hsum;

typedef struct vp_acc {
    uint64_t w, c[3];
} vp_acc;

struct giflow__scale {
    vp_axis ax, ay;
    uint64_t area;               /* units in one output pixel */
    /* Current frame: its part of the crop on the canvas (empty when
     * x0 == x1), the output pixels it touches, and progress. */
    uint32_t x0, x1, y0, y1;
    uint32_t i0, i1, j0, j1;
    uint32_t rows_left;          /* rows inside the crop still to come */
    uint32_t next_final;         /* first output row not yet blended */
    uint32_t ring;               /* output rows of sums kept */
    /* Previous frame's disposal, its part of the crop and output pixels. */
    int prev_disposal;
    uint32_t px0, px1, py0, py1;
    uint32_t pi0, pi1, pj0, pj1;
    vp_hsum *h;
    size_t h_cap;                /* entries */
    vp_acc *acc;
    size_t acc_cap;              /* entries */
    uint8_t *saved;              /* output pixels before the frame: all it
                                    touches (disposal 3, 4) or those it
                                    cuts (disposal 2) */
    size_t saved_cap;            /* bytes */
};

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static void axis_init(vp_axis *a, uint32_t c0, uint32_t len, uint32_t out)
{
    uint64_t g = gcd64(len, out);
    a->c0 = c0;
    a->len = len;
    a->out = out;
    a->s = out / g;
    a->o = len / g;
}

/* Output pixels [*k0, *k1) touched by canvas span [p0, p1) (inside the crop). */
static void axis_span(const vp_axis *a, uint32_t p0, uint32_t p1, uint32_t *k0, uint32_t *k1)
{
    *k0 = (uint32_t)((p0 - a->c0) * a->s / a->o);
    *k1 = (uint32_t)(((p1 - a->c0) * a->s + a->o - 1) / a->o);
}

/* Units of output pixel k covered by canvas span [p0, p1). */
static uint64_t axis_cover(const vp_axis *a, uint32_t p0, uint32_t p1, uint32_t k)
{
    uint64_t u0 = (p0 - a->c0) * a->s, u1 = (p1 - a->c0) * a->s;
    uint64_t b0 = k * a->o, b1 = b0 + a->o;
    uint64_t lo = u0 > b0 ? u0 : b0, hi = u1 < b1 ? u1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* Writes the mean of an output pixel from its alpha-weighted sums:
 * a_sum = sum of weight * alpha, c_sum = sum of weight * alpha * colour. */
static void put(uint8_t *dst, uint64_t a_sum, const uint64_t c_sum[3], uint64_t area)
{
    uint64_t a = (2 * a_sum + area) / (2 * area);
    if (a == 0) { /* as in the full canvas: alpha 0 is transparent black */
        memset(dst, 0, 4);
        return;
    }
    for (int k = 0; k < 3; k++)
        dst[k] = (uint8_t)((2 * c_sum[k] + a_sum) / (2 * a_sum));
    dst[3] = (uint8_t)a;
}

/* dst = p over wp units and q over wq units (wp + wq = area). */
static void mix(uint8_t *dst, const uint8_t *p, uint64_t wp, const uint8_t *q, uint64_t wq,
                uint64_t area)
{
    uint64_t ap = p[3] * wp, aq = q[3] * wq, c[3];
    for (int k = 0; k < 3; k++)
        c[k] = ap * p[k] + aq * q[k];
    put(dst, ap + aq, c, area);
}

/* Makes *cap at least need entries of size bytes (the old contents are
 * not kept). Sizes are checked before they are multiplied. */
static void *grow(giflow_decoder *dec, void *p, size_t *cap, uint64_t need, size_t size)
{
    if (*cap >= need)
        return p;
    int over = 1;
    void *np = need <= SIZE_MAX / size ? giflow__alloc(&dec->heap, (size_t)need * size, &over)
                                       : NULL;
    if (!np) {
        giflow__fail(dec, over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM);
        return NULL;
    }
    giflow__free(&dec->heap, p, *cap * size);
    *cap = (size_t)need;
    return np;
}

static void scale_release(giflow__heap *heap, struct giflow__scale *s)
{
    if (!s)
        return;
    giflow__free(heap, s->h, s->h_cap * sizeof *s->h);
    giflow__free(heap, s->acc, s->acc_cap * sizeof *s->acc);
    giflow__free(heap, s->saved, s->saved_cap);
    giflow__free(heap, s, sizeof *s);
}

static void viewport_release(giflow_decoder *dec)
{
    scale_release(&dec->heap, dec->render_state);
    dec->render_state = NULL;
}

/* Resolves zero sizes and checks the viewport against the canvas. */
static int resolve(const giflow_image_info *im, const giflow_viewport *in, giflow_viewport *v)
{
    *v = *in;
    if (v->crop_x >= im->canvas_width || v->crop_y >= im->canvas_height)
        return GIFLOW_ERR_ARG;
    if (!v->crop_width)
        v->crop_width = im->canvas_width - v->crop_x;
    if (!v->crop_height)
        v->crop_height = im->canvas_height - v->crop_y;
    if ((uint64_t)v->crop_x + v->crop_width > im->canvas_width ||
        (uint64_t)v->crop_y + v->crop_height > im->canvas_height)
        return GIFLOW_ERR_ARG;
    if (!v->out_width && !v->out_height) {
        v->out_width = v->crop_width;
        v->out_height = v->crop_height;
    }
    if (!v->out_width || !v->out_height || v->out_width > v->crop_width ||
        v->out_height > v->crop_height)
        return GIFLOW_ERR_ARG;
    return GIFLOW_OK;
}

int giflow_decoder_set_viewport(giflow_decoder *dec, giflow_viewport *vp)
{
    if (!dec)
        return GIFLOW_ERR_ARG;
    int r = giflow__output_settable(dec);
    if (r != GIFLOW_OK)
        return r;
    giflow_viewport v;
    if (vp && resolve(&dec->image, vp, &v) != GIFLOW_OK)
        return GIFLOW_ERR_ARG;
    /* Back to the full canvas first, so that no viewport is set on failure. */
    giflow__reset_renderer(dec);
    if (!vp)
        return GIFLOW_OK;
    if (!dec->heap.alloc.alloc)
        return GIFLOW_ERR_SMALL_BUFFER;
    /* The buffers every frame needs are taken now, so that a budget too
     * small for them shows here rather than in the middle of a frame. */
    int over = 0, over2 = 0, over3 = 0;
    struct giflow__scale *s = giflow__alloc(&dec->heap, sizeof *s, &over);
    vp_hsum *h = s ? giflow__alloc(&dec->heap, v.out_width * sizeof *h, &over2) : NULL;
    vp_acc *acc = h ? giflow__alloc(&dec->heap, 2 * (size_t)v.out_width * sizeof *acc, &over3)
                    : NULL;
    if (!acc) {
        giflow__free(&dec->heap, h, v.out_width * sizeof *h);
        giflow__free(&dec->heap, s, sizeof *s);
        return over || over2 || over3 ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM;
    }
    memset(s, 0, sizeof *s);
    axis_init(&s->ax, v.crop_x, v.crop_width, v.out_width);
    axis_init(&s->ay, v.crop_y, v.crop_height, v.out_height);
    s->area = s->ax.o * s->ay.o;
    s->h = h;
    s->h_cap = v.out_width;
    s->acc = acc;
    s->acc_cap = 2 * (size_t)v.out_width;
    dec->render = &giflow__viewport_renderer;
    dec->render_state = s;
    dec->out_width = v.out_width;
    *vp = v;
    return GIFLOW_OK;
}

/* The part of [p, p + n) inside [lo, hi); empty as *a == *b. */
static void overlap(uint32_t p, uint32_t n, uint32_t lo, uint32_t hi, uint32_t *a, uint32_t *b)
{
    uint64_t e = (uint64_t)p + n;
    *a = p > lo ? p : lo;
    *b = (uint32_t)(e < hi ? e : hi);
    if (*b < *a)
        *b = *a;
}

/* Units of output pixel (i, j) inside the frame's part of the crop. */
static uint64_t frame_cover(const struct giflow__scale *s, uint32_t i, uint32_t j)
{
    return axis_cover(&s->ax, s->x0, s->x1, i) * axis_cover(&s->ay, s->y0, s->y1, j);
}

/* Saves the output pixels the frame's disposal will need: those the frame
 * touches for restore-previous, those it cuts for disposal 2 (at most two
 * rows and two columns). */
static int save_before(giflow_decoder *dec, struct giflow__scale *s, const uint8_t *out,
                       size_t stride)
{
    int d = dec->frame.disposal;
    uint32_t w = s->i1 - s->i0, h = s->j1 - s->j0;
    if (d != 2 && d != 3 && d != 4)
        return GIFLOW_OK;
    uint64_t need = (d == 2 ? 2 * ((uint64_t)w + h) : (uint64_t)w * h) * 4;
    uint8_t *sv = grow(dec, s->saved, &s->saved_cap, need, 1);
    if (!sv)
        return dec->status;
    s->saved = sv;
    for (uint32_t j = s->j0; j < s->j1; j++) {
        const uint8_t *row = out + (size_t)j * stride + (size_t)s->i0 * 4;
        if (d != 2) {
            memcpy(sv, row, (size_t)w * 4);
            sv += (size_t)w * 4;
            continue;
        }
        for (uint32_t i = s->i0; i < s->i1; i++)
            if (frame_cover(s, i, j) < s->area) {
                memcpy(sv, row + (size_t)(i - s->i0) * 4, 4);
                sv += 4;
            }
    }
    return GIFLOW_OK;
}

/* Disposal of the previous frame. It changed nothing outside its
 * rectangle, so the part of a cut output pixel outside it is still what it
 * was before the frame: restore-previous puts back the saved pixels whole,
 * and disposal 2 blends transparent (inside) with the saved value
 * (outside) by coverage. */
static void dispose(const struct giflow__scale *s, uint8_t *out, size_t stride)
{
    static const uint8_t clear[4] = {0, 0, 0, 0};
    uint32_t w = s->pi1 - s->pi0;
    const uint8_t *sv = s->saved;
    for (uint32_t j = s->pj0; j < s->pj1; j++) {
        uint8_t *row = out + (size_t)j * stride + (size_t)s->pi0 * 4;
        if (s->prev_disposal != 2) {
            memcpy(row, sv, (size_t)w * 4);
            sv += (size_t)w * 4;
            continue;
        }
        uint64_t cy = axis_cover(&s->ay, s->py0, s->py1, j);
        for (uint32_t i = 0; i < w; i++) {
            uint64_t cov = cy * axis_cover(&s->ax, s->px0, s->px1, s->pi0 + i);
            if (cov == s->area) {
                memset(row + (size_t)i * 4, 0, 4);
            } else {
                mix(row + (size_t)i * 4, clear, cov, sv, s->area - cov, s->area);
                sv += 4;
            }
        }
    }
}

static void viewport_dispose(const giflow_decoder *dec, uint8_t *out, size_t stride)
{
    const struct giflow__scale *s = dec->render_state;
    if (dec->canvas_ready &&
        (s->prev_disposal == 2 || s->prev_disposal == 3 || s->prev_disposal == 4))
        dispose(s, out, stride);
}

static void viewport_restart(giflow_decoder *dec)
{
    struct giflow__scale *s = dec->render_state;
    s->prev_disposal = 0;
}

static int viewport_begin(giflow_decoder *dec, uint8_t *out, size_t stride)
{
    struct giflow__scale *s = dec->render_state;
    const giflow_frame_info *f = &dec->frame;
    if (!dec->canvas_ready) {
        for (uint32_t j = 0; j < s->ay.out; j++)
            memset(out + (size_t)j * stride, 0, (size_t)s->ax.out * 4);
        dec->canvas_ready = 1;
    } else {
        viewport_dispose(dec, out, stride);
    }
    s->prev_disposal = 0;

    overlap(f->clip_x, f->clip_width, s->ax.c0, s->ax.c0 + s->ax.len, &s->x0, &s->x1);
    overlap(f->clip_y, f->clip_height, s->ay.c0, s->ay.c0 + s->ay.len, &s->y0, &s->y1);
    if (s->x0 == s->x1 || s->y0 == s->y1)
        s->x0 = s->x1 = s->y0 = s->y1 = 0;
    s->i0 = s->i1 = s->j0 = s->j1 = 0;
    s->rows_left = s->y1 - s->y0;
    if (!s->rows_left)
        return GIFLOW_OK;
    axis_span(&s->ax, s->x0, s->x1, &s->i0, &s->i1);
    axis_span(&s->ay, s->y0, s->y1, &s->j0, &s->j1);
    s->next_final = s->j0;
    uint32_t w = s->i1 - s->i0, hgt = s->j1 - s->j0;

    /* Rows out of order need sums for every output row, unless each
     * source row is one output row (no vertical scaling). */
    s->ring = f->interlaced && s->ay.s != s->ay.o ? hgt : 2;
    vp_acc *acc = grow(dec, s->acc, &s->acc_cap, (uint64_t)s->ring * w, sizeof *acc);
    if (!acc)
        return dec->status;
    s->acc = acc;
    memset(acc, 0, (size_t)s->ring * w * sizeof *acc);

    int r = save_before(dec, s, out, stride);
    if (r != GIFLOW_OK)
        return r;
    giflow__build_lut(dec);
    return GIFLOW_OK;
}

/* Blends output row j's sums over the canvas and clears them. */
static void finish_row(struct giflow__scale *s, uint32_t j, uint8_t *out, size_t stride)
{
    uint32_t w = s->i1 - s->i0;
    vp_acc *acc = s->acc + (size_t)((j - s->j0) % s->ring) * w;
    uint8_t *px = out + (size_t)j * stride + (size_t)s->i0 * 4;
    for (uint32_t k = 0; k < w; k++, px += 4) {
        vp_acc *a = &acc[k];
        if (!a->w)
            continue;
        /* Opaque frame pixels bring their colour; the rest of the area
         * (transparent or outside the frame) keeps the old output. */
        uint64_t rest = (s->area - a->w) * px[3], c[3];
        for (int q = 0; q < 3; q++)
            c[q] = 255 * a->c[q] + rest * px[q];
        put(px, 255 * a->w + rest, c, s->area);
        memset(a, 0, sizeof *a);
    }
}

/* Reduces the frame row now in dec->row along x, over the crop. Returns
 * nonzero if it has an opaque pixel there. */
static int reduce_row(giflow_decoder *dec, struct giflow__scale *s)
{
    const vp_axis *a = &s->ax;
    const uint8_t *idx = dec->row + (s->x0 - dec->frame.x);
    const uint32_t *lut = dec->lut;
    vp_hsum *h = s->h;
    memset(h, 0, (size_t)(s->i1 - s->i0) * sizeof *h);
    uint64_t u = (s->x0 - a->c0) * a->s, b = ((u / a->o) + 1) * a->o;
    uint32_t k = 0;
    int any = 0;
    for (uint32_t n = s->x1 - s->x0, x = 0; x < n; x++) {
        uint32_t px = lut[idx[x]];
        uint64_t e = u + a->s;
        if (px) {
            uint32_t c[3] = {px & 0xFF, (px >> 8) & 0xFF, (px >> 16) & 0xFF};
            uint32_t w = (uint32_t)((e <= b ? e : b) - u);
            h[k].w += w;
            for (int q = 0; q < 3; q++)
                h[k].c[q] += w * c[q];
            if (e > b) { /* the pixel straddles two output columns */
                w = (uint32_t)(e - b);
                h[k + 1].w += w;
                for (int q = 0; q < 3; q++)
                    h[k + 1].c[q] += w * c[q];
            }
            any = 1;
        }
        u = e;
        if (u >= b) {
            k++;
            b += a->o;
        }
    }
    return any;
}

static void add_row(struct giflow__scale *s, uint32_t j, uint64_t wy)
{
    uint32_t w = s->i1 - s->i0;
    vp_acc *acc = s->acc + (size_t)((j - s->j0) % s->ring) * w;
    for (uint32_t k = 0; k < w; k++) {
        const vp_hsum *h = &s->h[k];
        if (!h->w)
            continue;
        acc[k].w += wy * h->w;
        for (int q = 0; q < 3; q++)
            acc[k].c[q] += wy * h->c[q];
    }
}

/* Takes canvas row y (inside the crop) of the frame; blends the output rows
 * it completes. */
static void take_row(giflow_decoder *dec, struct giflow__scale *s, uint32_t y, uint8_t *out,
                     size_t stride)
{
    const vp_axis *a = &s->ay;
    uint64_t u = (y - a->c0) * a->s, e = u + a->s;
    uint32_t j = (uint32_t)(u / a->o);
    uint64_t b = (j + 1) * a->o;
    if (reduce_row(dec, s)) {
        add_row(s, j, (e <= b ? e : b) - u);
        if (e > b)
            add_row(s, j + 1, e - b);
    }
    s->rows_left--;
    if (dec->frame.interlaced && a->s == a->o) { /* row j is whole already */
        finish_row(s, j, out, stride);
        if (!s->rows_left)
            s->next_final = s->j1;
        return;
    }
    uint64_t done = dec->frame.interlaced ? s->j0 : e / a->o;
    if (!s->rows_left)
        done = s->j1;
    while (s->next_final < done)
        finish_row(s, s->next_final++, out, stride);
}

/* Rows of indices, composed at the output scale. */
static int viewport_frame(giflow_decoder *dec, giflow_input *in, uint8_t *out, size_t stride)
{
    struct giflow__scale *s = dec->render_state;
    while (s->rows_left) {
        uint32_t y;
        int r = giflow__next_row(dec, in, &y);
        if (r != GIFLOW_OK)
            return r; /* FRAME_END cannot come first: rows were left */
        y += dec->frame.y;
        if (y >= s->y0 && y < s->y1)
            take_row(dec, s, y, out, stride);
    }
    /* Nothing below the crop can change the output. */
    return giflow__skip_pixels(dec, in);
}

static void viewport_end(giflow_decoder *dec)
{
    struct giflow__scale *s = dec->render_state;
    s->prev_disposal = dec->frame.disposal;
    s->px0 = s->x0;
    s->px1 = s->x1;
    s->py0 = s->y0;
    s->py1 = s->y1;
    s->pi0 = s->i0;
    s->pi1 = s->i1;
    s->pj0 = s->j0;
    s->pj1 = s->j1;
}

/* Rows are blended as they complete: a stop inside a frame leaves nothing
 * to paint. */
static void viewport_unwritten(giflow_decoder *dec, uint8_t *out, size_t stride, int broken)
{
    (void)dec, (void)out, (void)stride, (void)broken;
}

const giflow__renderer giflow__viewport_renderer = {viewport_begin,   viewport_frame,
                                                    viewport_end,     viewport_unwritten,
                                                    viewport_release, viewport_dispose,
                                                    viewport_restart};
