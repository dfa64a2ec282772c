/* Pieces shared by the LZW modes (lzw.c and the canvas modes: lzw_canvas.c,
 * lzw_chain.c, lzw_copy.c, lzw_flat.c). */
#ifndef GIFLOW_DECODE_LZW_IMPL_H
#define GIFLOW_DECODE_LZW_IMPL_H

#include <string.h>

#include "../common/bytes.h"
#include "lzw.h"

#define LZW_RUN 0x8000u
#define LZW_FIELD 0x0FFFu
#define LZW_LEN_SHIFT 12

/* The chain table's links. With GIFLOW_CONFIG_SMALL_LZW a link is 12 bits
 * packed two to three bytes (byte loads only: no unaligned access): a
 * prefix, or a run's length (lzw_is_run below); no length bits, so a
 * chain's string is written without knowing its length (lzw.c,
 * walk_back). */
#ifdef GIFLOW_CONFIG_SMALL_LZW
typedef uint8_t lzw_link_t;
#if defined(__GNUC__)
__attribute__((always_inline)) /* -Os would call it once per table step */
#endif
static inline unsigned lzw_link12(const uint8_t *t, unsigned c)
{
    /* Entry c is 12 bits at nibble 3c: no branch on its parity. */
    const uint8_t *p = t + c + (c >> 1);
    unsigned w = (unsigned)p[0] | (unsigned)p[1] << 8;
    return (w >> ((c & 1) << 2)) & 0xFFFu;
}
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void lzw_set_link(uint8_t *t, unsigned c, unsigned v)
{
    /* Entries are defined in code order, so entry c + 1 is not defined yet
     * when c is: an even entry may clear the nibble the next one shares. */
    uint8_t *p = t + c + (c >> 1);
    if (c & 1) {
        p[0] = (uint8_t)((p[0] & 15) | v << 4);
        p[1] = (uint8_t)(v >> 4);
    } else {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
    }
}
#define lzw_link(t, c) lzw_link12((t), (unsigned)(c))
/* Runs without a flag bit: a chain entry's prefix is always below its own
 * code, so a link v >= c marks entry c as a run of suffix[c], of length
 * LZW_SMALL_RUN_END - v (a run too long for its code to hold that way,
 * at most LZW_SMALL_RUN_END - c, stays a plain chain: correct, slower). */
#define LZW_SMALL_RUN_END (GIFLOW__LZW_TABLE + 1)
#define lzw_is_run(v, c) ((v) >= (c))
#define lzw_run_len(v) (LZW_SMALL_RUN_END - (v))
#define lzw_prefix(v) (v)
#else
typedef uint16_t lzw_link_t;
/* A macro: the same code as a plain array access. */
#define lzw_link(t, c) ((t)[c])
static inline void lzw_set_link(uint16_t *t, unsigned c, unsigned v)
{
    t[c] = (uint16_t)v;
}
#define lzw_is_run(v, c) ((v) & LZW_RUN)
#define lzw_run_len(v) ((v) & LZW_FIELD)
#define lzw_prefix(v) ((v) & LZW_FIELD)
#endif

/* Literal value of code c: only lenient code sizes (9..11) reach above 255. */
static inline unsigned lzw_lit(unsigned c)
{
    return c > 255 ? 255 : c;
}

static inline void lzw_reset(giflow__lzw *z)
{
    z->next = z->clear + 1; /* nothing saved yet: the end code's slot */
    z->width = z->lit_width + 1;
    z->prev = -1;
}

/* The refill fast path: one unaligned 8-byte load tops the bit buffer up
 * to 56..63 bits. Needs 8 readable bytes at *ip. The loops keep bits,
 * nbits and ip in locals; once inlined, these stay in registers. */
static inline void lzw_load8(uint64_t *bits, unsigned *nbits, const uint8_t **ip)
{
    *bits |= giflow__le64(*ip) << *nbits;
    *ip += (63 - *nbits) >> 3;
    *nbits |= 56;
}

/* Tops the bit buffer up from [*ip, end): a byte at a time near the end. */
static inline void lzw_fill(uint64_t *bits, unsigned *nbits, const uint8_t **ip,
                            const uint8_t *end)
{
    if (end - *ip >= 8) {
        lzw_load8(bits, nbits, ip);
        return;
    }
    while (*nbits <= 56 && *ip < end) {
        *bits |= (uint64_t)*(*ip)++ << *nbits;
        *nbits += 8;
    }
}

/* The next code (width bits, mask = (1 << width) - 1), topping the bit
 * buffer up from [*ip, end) first when needed. Returns 0 when the input
 * ran out before a whole code. */
static inline int lzw_read(uint64_t *bits, unsigned *nbits, const uint8_t **ip,
                           const uint8_t *end, unsigned width, unsigned mask, unsigned *c)
{
    if (*nbits < width) {
        lzw_fill(bits, nbits, ip, end);
        if (*nbits < width)
            return 0;
    }
    *c = (unsigned)*bits & mask;
    *bits >>= width;
    *nbits -= width;
    return 1;
}

/* Tops up z's bit buffer from [*ipp, end). Returns nonzero when at least
 * one code's worth of bits is available. */
static inline int lzw_refill(giflow__lzw *z, const uint8_t **ipp, const uint8_t *end)
{
    lzw_fill(&z->bits, &z->nbits, ipp, end);
    return z->nbits >= z->width;
}

static inline unsigned lzw_take(giflow__lzw *z)
{
    unsigned c = (unsigned)z->bits & ((1u << z->width) - 1);
    z->bits >>= z->width;
    z->nbits -= z->width;
    return c;
}

/* Handles a code at or above the clear code that is not a table code in
 * use. Returns 1 if the code was a clear (continue), 0 if decoding must
 * stop (status set), -1 if c is a valid table code. */
static inline int lzw_control(giflow__lzw *z, unsigned c)
{
    if (c == z->clear) {
        lzw_reset(z);
        return 1;
    }
    if (c == z->clear + 1) {
        z->status = GIFLOW__LZW_EOI;
        return 0;
    }
    if (c > z->next || z->prev < 0) {
        z->status = GIFLOW__LZW_BAD_CODE;
        return 0;
    }
    return -1;
}

/* Advances the save slot after a data code. Returns the slot that the
 * caller must fill (prev + first byte of this code), or 0 when there is
 * none (right after a clear, or with a full table). */
static inline unsigned lzw_bump(giflow__lzw *z)
{
    unsigned slot = 0;
    if (z->next <= GIFLOW__LZW_MAX_CODE) {
        if (z->prev >= 0)
            slot = z->next;
        z->next++;
        if (z->width < 12)
            z->width += (z->next >> z->width) & 1;
    }
    return slot;
}

/* Chain tables: defines slot as prev + first. Runs stay runs. */
static inline void lzw_chain_define(giflow__lzw *z, unsigned slot, unsigned first)
{
    unsigned prev = (unsigned)z->prev, plen = z->prev_len;
#ifdef GIFLOW_CONFIG_SMALL_LZW
    (void)plen; /* (the canvas modes, the only callers, are not built) */
    lzw_set_link(z->t.chain.link, slot, prev);
#else
    int prev_is_run = prev < z->clear || (z->t.chain.link[prev] & LZW_RUN);
    unsigned prev_val = prev < z->clear ? lzw_lit(prev) : z->t.chain.suffix[prev];
    if (prev_is_run && prev_val == first)
        z->t.chain.link[slot] = (uint16_t)(LZW_RUN | (plen + 1));
    else
        z->t.chain.link[slot] =
            (uint16_t)(prev | (plen + 1 <= 8 ? plen << LZW_LEN_SHIFT : 0));
#endif
    z->t.chain.suffix[slot] = (uint8_t)first;
}

/* Length of the string of chain table code c. */
static inline unsigned lzw_chain_length(const giflow__lzw *z, unsigned c)
{
    const lzw_link_t *link = z->t.chain.link;
    unsigned v = lzw_link(link, c);
    if (lzw_is_run(v, c))
        return lzw_run_len(v);
#ifndef GIFLOW_CONFIG_SMALL_LZW
    if (v >> LZW_LEN_SHIFT)
        return (v >> LZW_LEN_SHIFT) + 1;
    /* Walk to the first entry that knows its length: a run, a string of
     * 2..8 (never more than len - 8 steps), or a literal. */
    unsigned n = 0;
    for (;;) {
        n++;
        c = v & LZW_FIELD;
        if (c < z->clear)
            return n + 1;
        v = lzw_link(link, c);
        if (v & LZW_RUN)
            return n + (v & LZW_FIELD);
        if (v >> LZW_LEN_SHIFT)
            return n + (v >> LZW_LEN_SHIFT) + 1;
    }
#else
    unsigned n = 1;
    for (c = lzw_prefix(v); c > z->clear; c = lzw_prefix(v), n++) {
        v = lzw_link(link, c);
        if (lzw_is_run(v, c))
            return n + lzw_run_len(v);
    }
    return n + 1; /* the literal root */
#endif
}

/* Canvas address of the frame's k-th stored row (interlacing applied), at
 * the frame's left edge; NULL when the row is outside the canvas. */
uint8_t *giflow__sink_row(const giflow__sink *s, uint64_t k);

/* giflow__lzw_compose() for each family of modes. */
size_t giflow__lzw_compose_chain(giflow__lzw *z, const uint8_t *src, size_t len,
                                 const giflow__sink *s);
size_t giflow__lzw_compose_copy(giflow__lzw *z, const uint8_t *src, size_t len,
                                const giflow__sink *s);
size_t giflow__lzw_compose_flat(giflow__lzw *z, const uint8_t *src, size_t len,
                                const giflow__sink *s);

#endif
