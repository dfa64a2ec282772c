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

/* Tops up the scan's bit buffer: 8 bytes at a time inside a sub-block,
 * else a byte at a time (to 56 bits or the data's end), following the
 * sub-blocks. Returns the bits then held. */
static inline unsigned fills_top(uint64_t *bits, unsigned *nbits, const uint8_t **ip,
                                 const uint8_t **blk_end, const uint8_t *end)
{
    if (*blk_end - *ip >= 8) {
        lzw_load8(bits, nbits, ip);
        return *nbits;
    }
    while (*nbits <= 56) {
        if (*ip == *blk_end) { /* the next sub-block */
            if (*ip >= end || **ip == 0)
                break;
            *blk_end = *ip + 1 + **ip;
            (*ip)++;
            if (*blk_end > end)
                *blk_end = end;
            continue;
        }
        *bits |= (uint64_t) * (*ip)++ << *nbits;
        *nbits += 8;
    }
    return *nbits;
}

int giflow__lzw_fills(giflow__lzw *z, unsigned lit_width, const uint8_t *ip,
                      const uint8_t *blk_end, const uint8_t *end, uint64_t n)
{
    /* String lengths, literals' included; 0 for the clear and end codes,
     * so that one test sends them and bad codes to the careful step. The
     * entry the next code defines is one longer than the last string,
     * whatever that code is, so its length is stored before the code is
     * looked up: the code being defined (KwKwK) then needs no case of its
     * own (it was a mispredicted branch). Slot 4096 takes the definitions
     * once the table is full. */
    uint16_t *len = z->t.pos24.lo;
    const unsigned clear = 1u << lit_width;
    for (unsigned i = 0; i < clear; i++)
        len[i] = 1;
    len[clear] = len[clear + 1] = 0;
    unsigned width, mask, next, c, l, plen;
    uint64_t pos = 0, bits = 0;
    unsigned nbits = 0;
restart:
    /* After a clear (or at the start): a literal, which defines nothing. */
    width = lit_width + 1;
    mask = (1u << width) - 1;
    next = clear + 2;
    do {
        if (nbits < width && fills_top(&bits, &nbits, &ip, &blk_end, end) < width)
            return 0; /* the data ends */
        c = (unsigned)bits & mask;
        bits >>= width;
        nbits -= width;
    } while (c == clear);
    if (c > clear)
        return 0; /* the end code before the frame's last pixel, or a bad code */
    plen = 1;
    if (++pos >= n)
        return 1;
    for (;;) {
        if (nbits < 12 && fills_top(&bits, &nbits, &ip, &blk_end, end) < width)
            return 0;
        len[next] = (uint16_t)(plen + 1);
        c = (unsigned)bits & mask;
        l = len[c];
        bits >>= width;
        nbits -= width;
        if (l == 0 || c > next) {
            if (c == clear)
                goto restart;
            return 0;
        }
        next += next < GIFLOW__LZW_TABLE;
        if (next > mask && width < 12) {
            width++;
            mask = mask * 2 + 1;
        }
        plen = l;
        pos += l;
        if (pos >= n)
            return 1;
    }
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
