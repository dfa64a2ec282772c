/*
 * COPY mode (lzw.h): opaque frames wholly inside the canvas. The canvas
 * already holds the frame's earlier output, so a code is a copy of pixels
 * from where its string was last written.
 */
#include "lzw_impl.h"

static inline uint32_t get24(const giflow__lzw *z, unsigned e)
{
    return z->t.pos24.lo[e] | (uint32_t)z->t.pos24.hi[e] << 16;
}

static inline void put24(giflow__lzw *z, unsigned e, uint32_t v)
{
    z->t.pos24.lo[e] = (uint16_t)v;
    z->t.pos24.hi[e] = (uint8_t)(v >> 16);
}

/* Canvas address of stream position p of an unclipped frame. */
static uint8_t *copy_addr(const giflow__sink *s, uint64_t p)
{
    uint64_t k = p / s->w;
    return s->canvas + (size_t)(s->y0 + k) * s->stride +
           ((size_t)s->x0 + (size_t)(p - k * s->w)) * 4;
}

/* Copies n pixels from stream position q to p (q + n <= p), row by row. */
static void copy_rows(const giflow__sink *s, uint64_t q, uint64_t p, uint64_t n)
{
    while (n) {
        uint64_t qc = q % s->w, pc = p % s->w;
        uint64_t k = n;
        if (k > s->w - qc)
            k = s->w - qc;
        if (k > s->w - pc)
            k = s->w - pc;
        memcpy(copy_addr(s, p), copy_addr(s, q), 4 * k);
        q += k;
        p += k;
        n -= k;
    }
}

/* Copies n pixels from q to p (q + n <= p). Rows of a full-width frame are
 * contiguous: strings of 2..8 pixels then move as two overlapping 8- or
 * 16-byte blocks, exactly and without branching on the length. */
static inline void copy_pixels(const giflow__sink *s, uint8_t *base, int contiguous,
                               uint64_t q, uint64_t p, uint64_t n)
{
    if (!contiguous) {
        copy_rows(s, q, p, n);
        return;
    }
    uint8_t *d = base + 4 * p;
    const uint8_t *sp = base + 4 * q;
    if (n >= 2 && n <= 4) {
        size_t tail = 4 * (size_t)n - 8;
        uint64_t x, y;
        memcpy(&x, sp, 8);
        memcpy(&y, sp + tail, 8);
        memcpy(d, &x, 8);
        memcpy(d + tail, &y, 8);
    } else if (n >= 4 && n <= 8) {
        size_t tail = 4 * (size_t)n - 16;
        uint8_t x[16], y[16];
        memcpy(x, sp, 16);
        memcpy(y, sp + tail, 16);
        memcpy(d, x, 16);
        memcpy(d + tail, y, 16);
    } else {
        memcpy(d, sp, 4 * n);
    }
}

/* The hot loop keeps the decoder state in locals: canvas stores go through
 * byte pointers, which would otherwise force reloads of every field. It is
 * instantiated twice, for contiguous rows (full-width frames) and not. */
static inline __attribute__((always_inline)) size_t
copy_loop(giflow__lzw *z, const uint8_t *src, size_t len, const giflow__sink *s,
          const int contiguous)
{
    const uint8_t *ip = src, *end = src + len;
    const uint32_t *lut = s->lut;
    uint8_t *base = s->canvas + (size_t)s->y0 * s->stride;
    const unsigned clear = z->clear;
    uint64_t bits = z->bits;
    unsigned nbits = z->nbits, width = z->width, next = z->next, prev_len = z->prev_len;
    unsigned mask = (1u << width) - 1;
    uint64_t pos = z->pos, total = z->total, epoch = z->epoch, prev_pos = z->prev_pos;
    int prev = z->prev, status = GIFLOW__LZW_RUNNING;

    unsigned c;
    while (pos < total && lzw_read(&bits, &nbits, &ip, end, width, mask, &c)) {
        uint64_t slen;
        if (c < clear) {
            uint32_t v = lut[c];
            memcpy(contiguous ? base + 4 * pos : copy_addr(s, pos), &v, 4);
            slen = 1;
        } else if (c > clear + 1 && c < next) {
            uint32_t a = get24(z, c);
            slen = (uint64_t)get24(z, c + 1) - a + 1;
            if (slen > total - pos)
                slen = total - pos; /* the frame ends inside this string */
            copy_pixels(s, base, contiguous, epoch + a, pos, slen);
        } else if (c == clear) {
            next = clear + 1;
            width = z->lit_width + 1;
            mask = (1u << width) - 1;
            prev = -1;
            epoch = pos;
            continue;
        } else if (c == next && prev >= 0) {
            /* The code being defined: prev's string, then its first pixel. */
            slen = (uint64_t)prev_len + 1;
            uint64_t n = slen < total - pos ? slen : total - pos;
            copy_pixels(s, base, contiguous, prev_pos, pos, n < prev_len ? n : prev_len);
            if (n == slen)
                copy_pixels(s, base, contiguous, prev_pos, pos + prev_len, 1);
            slen = n;
        } else {
            status = c == clear + 1 ? GIFLOW__LZW_EOI : GIFLOW__LZW_BAD_CODE;
            break;
        }
        if (next <= GIFLOW__LZW_MAX_CODE) {
            /* Entry next = prev's string + this string's first pixel: it
             * starts at prev_pos and ends where this string starts. The
             * first code after a clear writes the unused end-code slot. */
            uint64_t b = pos - epoch;
            if (b >= (1u << 24)) {
                status = GIFLOW__LZW_BAD_CODE; /* cannot happen; see lzw.h */
                break;
            }
            put24(z, next, (uint32_t)(prev_pos - epoch));
            put24(z, next + 1, (uint32_t)b);
            if (++next > mask && width < 12) {
                width++;
                mask = mask * 2 + 1;
            }
        }
        prev = (int)c;
        prev_len = (unsigned)slen;
        prev_pos = pos;
        pos += slen;
    }
    z->bits = bits;
    z->nbits = nbits;
    z->width = width;
    z->next = next;
    z->prev = prev;
    z->prev_len = prev_len;
    z->pos = pos;
    z->epoch = epoch;
    z->prev_pos = prev_pos;
    z->status = status;
    return (size_t)(ip - src);
}

size_t giflow__lzw_compose_copy(giflow__lzw *z, const uint8_t *src, size_t len,
                                const giflow__sink *s)
{
    if (s->x0 == 0 && (size_t)s->w * 4 == s->stride)
        return copy_loop(z, src, len, s, 1);
    return copy_loop(z, src, len, s, 0);
}
