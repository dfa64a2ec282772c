/*
 * LZW straight into an RGBA canvas: the modes that write a frame where it
 * is shown (see lzw.h), one file each:
 *   lzw_chain.c  CANVAS: chain tables, strings painted from their end
 *   lzw_copy.c   COPY: the canvas itself is the dictionary (opaque frames)
 *   lzw_flat.c   TAIL and BUFFER: a flat string table, then the pixel pass
 *                (pixels.c)
 * This file holds what they share: where a frame's rows lie on the canvas,
 * and the call that picks the mode's loop.
 */
#include "lzw_impl.h"

/* Row of the k-th stored row of an interlaced frame of height h: passes
 * start at rows 0, 4, 2, 1 and step by 8, 8, 4, 2. */
static uint32_t interlace_y(uint64_t k, uint32_t h)
{
    uint64_t n = ((uint64_t)h + 7) / 8;
    if (k < n)
        return (uint32_t)(8 * k);
    k -= n;
    n = ((uint64_t)h + 3) / 8;
    if (k < n)
        return (uint32_t)(4 + 8 * k);
    k -= n;
    n = ((uint64_t)h + 1) / 4;
    if (k < n)
        return (uint32_t)(2 + 4 * k);
    return (uint32_t)(1 + 2 * (k - n));
}

uint8_t *giflow__sink_row(const giflow__sink *s, uint64_t k)
{
    if (k >= s->h || s->clip_w == 0)
        return NULL;
    uint64_t y = (uint64_t)s->y0 + (s->interlaced ? interlace_y(k, s->h) : k);
    if (y >= s->canvas_h)
        return NULL;
    return s->canvas + (size_t)y * s->stride + (size_t)s->x0 * 4;
}

size_t giflow__lzw_compose(giflow__lzw *z, const uint8_t *src, size_t len,
                           const giflow__sink *s)
{
    if (z->mode >= GIFLOW__LZW_TAIL)
        return giflow__lzw_compose_flat(z, src, len, s);
    if (z->mode == GIFLOW__LZW_COPY)
        return giflow__lzw_compose_copy(z, src, len, s);
    return giflow__lzw_compose_chain(z, src, len, s);
}
