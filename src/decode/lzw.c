/*
 * GIF LZW decoder: initialisation and INDEX mode (indices into any buffer,
 * resumable at any output size).
 *
 * Code-width accounting follows what browsers do: the first code after a
 * clear also advances the next-code counter (without creating an entry), and
 * the width grows when that counter reaches 1 << width. This matters only
 * for a literal width of 0 or 1, but those streams exist.
 */
#include "lzw_impl.h"

void giflow__lzw_init(giflow__lzw *z, unsigned lit_width, int mode, uint64_t total)
{
    z->bits = 0;
    z->nbits = 0;
    z->lit_width = lit_width;
    z->clear = 1u << lit_width;
    z->mode = mode;
    z->status = GIFLOW__LZW_RUNNING;
    z->pend_len = 0;
    z->prev_len = 0;
    z->prev_first = 0;
    lzw_reset(z);
#ifdef GIFLOW_CONFIG_NO_CANVAS
    (void)total; /* INDEX mode only */
#else
    z->pos = z->epoch = z->prev_pos = z->conv = 0;
    z->mark_from = UINT64_MAX;
    z->total = total;
    if (mode >= GIFLOW__LZW_TAIL)
        z->t.flat.ready = 0;
#endif
}

/* Writes bytes [a, b) of the string of code c (length len) to dst. The
 * string is the root's run followed by one suffix byte per chain step, so
 * it is walked from its end; bytes at or past b are skipped. */
static void emit_range(const giflow__lzw *z, unsigned c, unsigned len,
                       unsigned a, unsigned b, uint8_t *dst)
{
    const lzw_link_t *link = z->t.chain.link;
    const uint8_t *suffix = z->t.chain.suffix;
    unsigned pos = len;
    while (c > z->clear && !lzw_is_run(lzw_link(link, c), c)) {
        pos--;
        if (pos < a)
            return;
        if (pos < b)
            dst[pos - a] = suffix[c];
        c = lzw_prefix(lzw_link(link, c));
    }
    /* The root covers [0, pos): a literal (pos == 1) or a run. */
    unsigned v = c < z->clear ? lzw_lit(c) : suffix[c];
    if (a < pos)
        memset(dst, (int)v, (pos < b ? pos : b) - a);
}

static size_t emit_pending(giflow__lzw *z, uint8_t *dst, size_t n)
{
    unsigned left = z->pend_len - z->pend_done;
    unsigned k = n < left ? (unsigned)n : left;
    emit_range(z, z->pend_code, z->pend_len, z->pend_done, z->pend_done + k, dst);
    z->pend_done += k;
    if (z->pend_done == z->pend_len)
        z->pend_len = 0;
    return k;
}

/* The INDEX loop's bit buffer. 64-bit machines top it up with one 8-byte
 * load per several codes; 32-bit ones (a Cortex-M0 has neither 64-bit
 * shifts nor unaligned loads) keep 32 bits and add a byte at a time, so
 * no code costs a helper call. */
#if UINTPTR_MAX > 0xFFFFFFFFu
typedef uint64_t lzw_bits;
#define LZW_FILL(bits, nbits, ip, end) lzw_fill(&(bits), &(nbits), &(ip), (end))
#else
typedef uint32_t lzw_bits;
/* Used when nbits < width <= 12: two bytes always fit (nbits <= 27). */
#define LZW_FILL(bits, nbits, ip, end)                                                      \
    if ((end) - (ip) >= 2) {                                                                \
        (bits) |= ((lzw_bits)(ip)[0] | (lzw_bits)(ip)[1] << 8) << (nbits);                  \
        (ip) += 2;                                                                          \
        (nbits) += 16;                                                                      \
    } else if ((ip) < (end)) {                                                              \
        (bits) |= (lzw_bits) * (ip)++ << (nbits);                                           \
        (nbits) += 8;                                                                       \
    }
#endif

/* Fills [p, p + n) with byte b: words once aligned (memset may be a byte
 * loop in a size-optimised libc). */
static void fill_run(uint8_t *p, uint8_t *e, unsigned b)
{
    for (; p < e && ((uintptr_t)p & 3); p++)
        *p = (uint8_t)b;
    uint32_t w = b * 0x01010101u;
    for (; e - p >= 8; p += 8) {
#if defined(__GNUC__)
        uint8_t *q = __builtin_assume_aligned(p, 4); /* two word stores */
#else
        uint8_t *q = p;
#endif
        memcpy(q, &w, 4);
        memcpy(q + 4, &w, 4);
    }
    for (; p < e; p++)
        *p = (uint8_t)b;
}

#ifndef GIFLOW_CONFIG_SMALL_LZW
/* Writes the whole string of chain code c, which ends just before d and
 * starts at start: walked from its end, one table step per byte, down to
 * its root (a literal, or a run filled in one go). Kept out of line with
 * few live values, so that a Cortex-M0 keeps them all in registers. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void walk(const lzw_link_t *link, const uint8_t *suffix, unsigned clear, unsigned c,
                 uint8_t *start, uint8_t *d)
{
    for (;;) {
        unsigned v = lzw_link(link, c);
        *--d = suffix[c];
        if (lzw_is_run(v, c)) {
            fill_run(start, d, *d);
            return;
        }
        c = lzw_prefix(v);
        if (c < clear)
            break;
    }
    *--d = (uint8_t)lzw_lit(c);
}
#else
/* The small table caches no lengths, so a chain's string is written in
 * one walk without knowing its length: the bytes after its root backwards
 * from hi, then, once the root (a literal or a run) is reached, moved down
 * behind it at lo. Returns the length, or 0 when the string does not fit
 * in [lo, hi) (nothing useful written). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static unsigned walk_back(const lzw_link_t *link, const uint8_t *suffix, unsigned clear,
                          unsigned c, unsigned v, uint8_t *lo, uint8_t *hi)
{
    /* c is a chain code, and v its link (the caller has unpacked it). */
    uint8_t *d = hi;
    for (;;) {
        if (d == lo)
            return 0;
        *--d = suffix[c];
        c = v;
        if (c < clear)
            break;
        v = lzw_link(link, c);
        if (lzw_is_run(v, c))
            break;
    }
    unsigned k = (unsigned)(hi - d), rlen = c < clear ? 1 : lzw_run_len(v);
    unsigned b = c < clear ? lzw_lit(c) : suffix[c];
    if (rlen > (unsigned)(d - lo))
        return 0;
    uint8_t *to = lo + rlen;
    if (to != d)
        for (unsigned i = 0; i < k; i++) /* down: overlap-safe */
            to[i] = d[i];
    if (rlen == 1)
        *lo = (uint8_t)b;
    else
        fill_run(lo, to, b);
    return k + rlen;
}
#endif

/* lzw_chain_define() with prev's facts at hand: slot = prev + first, a
 * run when prev's string is first repeated. */
#if defined(__GNUC__)
__attribute__((always_inline)) /* once per code: no call at -Os */
#endif
static inline void define(lzw_link_t *link, uint8_t *suffix, unsigned slot, unsigned prev,
                          unsigned prev_len, unsigned prev_run, unsigned first)
{
#ifdef GIFLOW_CONFIG_SMALL_LZW
    lzw_set_link(link, slot,
                 prev_run == first && prev_len + 1 <= LZW_SMALL_RUN_END - slot
                     ? LZW_SMALL_RUN_END - (prev_len + 1)
                     : prev);
#else
    link[slot] = (uint16_t)(prev_run == first ? LZW_RUN | (prev_len + 1)
                            : prev | (prev_len < 8 ? prev_len << LZW_LEN_SHIFT : 0));
#endif
    suffix[slot] = (uint8_t)first;
}

size_t giflow__lzw_decode(giflow__lzw *z, const uint8_t *src, size_t len,
                          size_t *used, uint8_t *dst, size_t n)
{
    size_t o = 0;
    *used = 0;
    if (z->status != GIFLOW__LZW_RUNNING || (z->pend_len && (o = emit_pending(z, dst, n), z->pend_len)))
        return o;
    /* The state in locals: dst stores would otherwise force reloads. */
    const uint8_t *ip = src, *const end = src + len;
    lzw_link_t *const link = z->t.chain.link;
    uint8_t *const suffix = z->t.chain.suffix;
    const unsigned clear = z->clear;
    lzw_bits bits = (lzw_bits)z->bits;
    unsigned nbits = z->nbits, width = z->width, next = z->next;
    unsigned mask = (1u << width) - 1, prev_len = z->prev_len, first = z->prev_first;
    int prev = z->prev, status = GIFLOW__LZW_RUNNING;
    /* prev's byte when its string is one byte repeated (a literal or a
     * run), else 256: an entry made of it and that byte is a run too. */
    unsigned prev_run = prev < 0                ? 256
                        : (unsigned)prev < clear ? lzw_lit((unsigned)prev)
                        : lzw_is_run(lzw_link(link, prev), (unsigned)prev) ? suffix[prev]
                                                 : 256;
    /* The output as pointers: fewer live values than dst, o and n. */
    uint8_t *d = dst + o, *const dend = dst + n;
    while (d < dend) {
        if (nbits < width) {
            LZW_FILL(bits, nbits, ip, end);
            if (nbits < width)
                break;
        }
        unsigned c = (unsigned)bits & mask, slen;
        bits >>= width;
        nbits -= width;
        unsigned run;
        if (c < clear) {
            first = run = lzw_lit(c);
            *d++ = (uint8_t)first;
            slen = 1;
        } else if (c > clear + 1 && c <= next && (c < next || prev >= 0)) {
            if (c == next) {
                /* The code being defined: prev's string plus its first
                 * byte. Defined now, so that it can be walked. */
                slen = prev_len + 1;
                if (next <= GIFLOW__LZW_MAX_CODE)
                    define(link, suffix, c, (unsigned)prev, prev_len, prev_run, first);
            }
#ifdef GIFLOW_CONFIG_SMALL_LZW
            /* One unpack of c's link: a run is filled, a chain walked once. */
            unsigned v = lzw_link(link, c);
            if (lzw_is_run(v, c)) {
                run = suffix[c];
                slen = lzw_run_len(v);
                if (slen <= (size_t)(dend - d)) {
                    fill_run(d, d + slen, run);
                    goto written;
                }
            } else {
                run = 256;
                if ((slen = walk_back(link, suffix, clear, c, v, d, dend)) != 0)
                    goto written;
                slen = lzw_chain_length(z, c);
            }
            {
#else
            if (c != next)
                slen = lzw_chain_length(z, c);
            run = lzw_is_run(lzw_link(link, c), c) ? suffix[c] : 256;
            if (slen <= (size_t)(dend - d)) {
                walk(link, suffix, clear, c, d, d + slen);
            } else {
#endif
                /* It does not fit: the rest is regenerated next call. */
                emit_range(z, c, slen, 0, (unsigned)(dend - d), d);
                z->pend_code = c;
                z->pend_len = slen;
                z->pend_done = (unsigned)(dend - d);
            }
#ifdef GIFLOW_CONFIG_SMALL_LZW
        written:
#endif
            first = *d;
            d += slen < (size_t)(dend - d) ? slen : (size_t)(dend - d);
            if (c == next) {
                next += next <= GIFLOW__LZW_MAX_CODE;
                goto grown;
            }
        } else if (c == clear) {
            next = clear + 1;
            width = z->lit_width + 1;
            mask = (1u << width) - 1;
            prev = -1;
            continue;
        } else {
            status = c == clear + 1 ? GIFLOW__LZW_EOI : GIFLOW__LZW_BAD_CODE;
            break;
        }
        if (next <= GIFLOW__LZW_MAX_CODE) {
            if (prev >= 0)
                define(link, suffix, next, (unsigned)prev, prev_len, prev_run, first);
            next++;
        }
    grown:
        if (next > mask && width < 12) {
            width++;
            mask = mask * 2 + 1;
        }
        prev = (int)c;
        prev_len = slen;
        prev_run = run;
    }
    z->bits = bits;
    z->nbits = nbits;
    z->width = width;
    z->next = next;
    z->prev = prev;
    z->prev_len = prev_len;
    z->prev_first = (uint8_t)first;
    if (status != GIFLOW__LZW_RUNNING)
        z->status = status;
    *used = (size_t)(ip - src);
    return (size_t)(d - dst);
}
