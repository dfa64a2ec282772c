/*
 * Crop, flip and rotate move pixels without changing them, in one pass.
 * A resize follows: nearest pixel (the source pixel under each output
 * pixel's centre), or an area average with exact fractional coverage,
 * colours weighted by alpha, every division rounding half up (the rule of
 * the decoder's viewport).
 */
#include <string.h>

#include "geometry.h"
#include "giflow.h"

int giflow__geom_init(giflow__geom *g, giflow__heap *heap, uint32_t in_w, uint32_t in_h,
                      uint32_t crop_x, uint32_t crop_y, uint32_t crop_w, uint32_t crop_h,
                      int flip, int rotate, uint32_t width, uint32_t height, int nearest)
{
    memset(g, 0, sizeof *g);
    g->heap = heap;
    g->in_w = in_w;
    g->in_h = in_h;
    g->cw = in_w;
    g->ch = in_h;
    if (crop_w) {
        if (crop_x >= in_w || crop_y >= in_h)
            return GIFLOW_ERR_ARG;
        g->cx = crop_x;
        g->cy = crop_y;
        g->cw = crop_w < in_w - crop_x ? crop_w : in_w - crop_x;
        g->ch = crop_h && crop_h < in_h - crop_y ? crop_h : in_h - crop_y;
    }
    g->flip = flip;
    g->rotate = rotate;
    int quarter = rotate == 90 || rotate == 270;
    g->ow = quarter ? g->ch : g->cw;
    g->oh = quarter ? g->cw : g->ch;
    uint64_t w = width, h = height;
    if (!w && h)
        w = ((uint64_t)g->ow * h + g->oh / 2) / g->oh;
    if (!h && w)
        h = ((uint64_t)g->oh * w + g->ow / 2) / g->ow;
    if (!w)
        w = g->ow, h = g->oh;
    /* A side rounded to 0 (a thin input made small) keeps one pixel; one
     * past GIF's 16 bits (a grown or enlarged canvas) cannot be written. */
    w += !w;
    h += !h;
    if (w > 65535 || h > 65535)
        return GIFLOW_ERR_LIMIT_CANVAS;
    g->out_w = (uint32_t)w;
    g->out_h = (uint32_t)h;
    g->resize = g->out_w != g->ow || g->out_h != g->oh;
    g->nearest = nearest;
    if (!g->resize)
        return GIFLOW_OK;
    int over;
    g->mid = giflow__alloc(heap, (size_t)g->ow * g->oh * 4, &over);
    if (g->mid && nearest)
        g->xmap = giflow__alloc(heap, (size_t)g->out_w * 4, &over);
    else if (g->mid)
        g->acc = giflow__alloc(heap, (size_t)g->out_w * 4 * sizeof(uint64_t), &over);
    if (!g->mid || (!g->xmap && !g->acc)) {
        giflow__geom_free(g);
        return over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM;
    }
    return GIFLOW_OK;
}

void giflow__geom_free(giflow__geom *g)
{
    giflow__free(g->heap, g->mid, (size_t)g->ow * g->oh * 4);
    giflow__free(g->heap, g->acc, (size_t)g->out_w * 4 * sizeof(uint64_t));
    giflow__free(g->heap, g->xmap, (size_t)g->out_w * 4);
    g->mid = NULL;
    g->acc = NULL;
    g->xmap = NULL;
}

int giflow__geom_identity(const giflow__geom *g)
{
    return g->cw == g->in_w && g->ch == g->in_h && !g->flip && !g->rotate && !g->resize;
}

/* Crop, flip, rotate: dst is ow x oh. Each output pixel reads the source
 * pixel that lands on it. */
static void orient(const giflow__geom *g, const uint8_t *src, uint8_t *dst)
{
    const uint32_t cw = g->cw, ch = g->ch;
    for (uint32_t Y = 0; Y < g->oh; Y++) {
        uint8_t *d = dst + (size_t)Y * g->ow * 4;
        for (uint32_t X = 0; X < g->ow; X++, d += 4) {
            uint32_t x, y; /* in the flipped crop */
            switch (g->rotate) {
            case 90: x = Y, y = ch - 1 - X; break;
            case 180: x = cw - 1 - X, y = ch - 1 - Y; break;
            case 270: x = cw - 1 - Y, y = X; break;
            default: x = X, y = Y; break;
            }
            if (g->flip & GIFLOW_FLIP_H)
                x = cw - 1 - x;
            if (g->flip & GIFLOW_FLIP_V)
                y = ch - 1 - y;
            memcpy(d, src + ((size_t)(g->cy + y) * g->in_w + g->cx + x) * 4, 4);
        }
    }
}

static void resize_nearest(giflow__geom *g, const uint8_t *src, uint8_t *dst)
{
    for (uint32_t x = 0; x < g->out_w; x++)
        g->xmap[x] = (uint32_t)(((uint64_t)2 * x + 1) * g->ow / (2 * (uint64_t)g->out_w));
    for (uint32_t y = 0; y < g->out_h; y++) {
        uint32_t sy = (uint32_t)(((uint64_t)2 * y + 1) * g->oh / (2 * (uint64_t)g->out_h));
        const uint8_t *s = src + (size_t)sy * g->ow * 4;
        uint8_t *d = dst + (size_t)y * g->out_w * 4;
        for (uint32_t x = 0; x < g->out_w; x++)
            memcpy(d + 4 * x, s + 4 * (size_t)g->xmap[x], 4);
    }
}

/* Overlap of source cell s (scaled by d) and output cell o (scaled by
 * n): both measured in units of 1 / (n * d) of the axis. */
static inline uint64_t overlap(uint64_t s, uint64_t d, uint64_t o, uint64_t n)
{
    uint64_t a0 = s * d, a1 = a0 + d, b0 = o * n, b1 = b0 + n;
    uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

static void resize_area(giflow__geom *g, const uint8_t *src, uint8_t *dst)
{
    const uint64_t sw = g->ow, sh = g->oh, dw = g->out_w, dh = g->out_h;
    const uint64_t total = sw * sh;
    for (uint64_t oy = 0; oy < dh; oy++) {
        memset(g->acc, 0, (size_t)dw * 4 * sizeof(uint64_t));
        uint64_t y0 = oy * sh / dh, y1 = ((oy + 1) * sh + dh - 1) / dh;
        for (uint64_t sy = y0; sy < y1 && sy < sh; sy++) {
            uint64_t wy = overlap(sy, dh, oy, sh);
            const uint8_t *row = src + sy * sw * 4;
            for (uint64_t ox = 0; ox < dw; ox++) {
                uint64_t x0 = ox * sw / dw, x1 = ((ox + 1) * sw + dw - 1) / dw;
                uint64_t *a = g->acc + 4 * ox;
                for (uint64_t sx = x0; sx < x1 && sx < sw; sx++) {
                    const uint8_t *p = row + 4 * sx;
                    uint64_t wa = overlap(sx, dw, ox, sw) * wy * p[3];
                    a[0] += wa;
                    a[1] += wa * p[0];
                    a[2] += wa * p[1];
                    a[3] += wa * p[2];
                }
            }
        }
        uint8_t *d = dst + oy * dw * 4;
        for (uint64_t ox = 0; ox < dw; ox++, d += 4) {
            const uint64_t *a = g->acc + 4 * ox;
            uint64_t alpha = (2 * a[0] + total) / (2 * total);
            if (!alpha) {
                memset(d, 0, 4);
                continue;
            }
            for (int c = 0; c < 3; c++)
                d[c] = (uint8_t)((2 * a[1 + c] + a[0]) / (2 * a[0]));
            d[3] = (uint8_t)alpha;
        }
    }
}

void giflow__geom_apply(giflow__geom *g, const uint8_t *src, uint8_t *dst)
{
    if (!g->resize) {
        orient(g, src, dst);
        return;
    }
    orient(g, src, g->mid);
    if (g->nearest)
        resize_nearest(g, g->mid, dst);
    else
        resize_area(g, g->mid, dst);
}
