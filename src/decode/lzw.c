/*
 * GIF LZW decoder: bounded memory, any output size, resumable.
 *
 * Code-width accounting follows what browsers do: the first code after a
 * clear also advances the next-code counter (without creating an entry), and
 * the width grows when that counter reaches 1 << width. This matters only
 * for a literal width of 0 or 1, but those streams exist.
 */
#include "lzw.h"

#include <string.h>

#include "../common/bytes.h"

#define RUN 0x8000u
#define FIELD 0x0FFFu
#define LEN_SHIFT 12
#define LEN_MASK 7u

static unsigned lit(const giflow__lzw *z, unsigned c)
{
    (void)z;
    return c > 255 ? 255 : c; /* only reachable with lenient code sizes */
}

static void lzw_reset(giflow__lzw *z)
{
    z->next = z->clear + 1; /* nothing saved yet: the end code's slot */
    z->width = z->lit_width + 1;
    z->prev = -1;
}

void giflow__lzw_init(giflow__lzw *z, unsigned lit_width)
{
    z->bits = 0;
    z->nbits = 0;
    z->lit_width = lit_width;
    z->clear = 1u << lit_width;
    z->status = GIFLOW__LZW_RUNNING;
    z->pend_len = 0;
    z->prev_len = 0;
    z->prev_first = 0;
    lzw_reset(z);
}

/* Length of the string of table code c. Short and run lengths are stored;
 * longer ones are counted by walking to the root. */
static unsigned code_length(const giflow__lzw *z, unsigned c)
{
    unsigned v = z->link[c];
    if (v & RUN)
        return v & FIELD;
    if (v >> LEN_SHIFT)
        return (v >> LEN_SHIFT) + 1;
    unsigned n = 0;
    while (c > z->clear && !(z->link[c] & RUN)) {
        n++;
        c = z->link[c] & FIELD;
    }
    return n + (c < z->clear ? 1 : (z->link[c] & FIELD));
}

/* Writes bytes [a, b) of the string of code c (length len) to dst. The
 * string is the root's run followed by one suffix byte per chain step, so
 * it is walked from its end; bytes at or past b are skipped. */
static void emit_range(const giflow__lzw *z, unsigned c, unsigned len,
                       unsigned a, unsigned b, uint8_t *dst)
{
    unsigned pos = len;
    while (c > z->clear && !(z->link[c] & RUN)) {
        pos--;
        if (pos < a)
            return;
        if (pos < b)
            dst[pos - a] = z->suffix[c];
        c = z->link[c] & FIELD;
    }
    /* The root covers [0, pos): a literal (pos == 1) or a run. */
    unsigned v = c < z->clear ? lit(z, c) : z->suffix[c];
    if (a < pos)
        memset(dst, (int)v, (pos < b ? pos : b) - a);
}

static void add_entry(giflow__lzw *z, unsigned first)
{
    unsigned prev = (unsigned)z->prev, plen = z->prev_len, c = z->next;
    int prev_is_run = prev < z->clear || (z->link[prev] & RUN);
    unsigned prev_val = prev < z->clear ? lit(z, prev) : z->suffix[prev];
    if (prev_is_run && prev_val == first)
        z->link[c] = (uint16_t)(RUN | (plen + 1));
    else
        z->link[c] = (uint16_t)(prev | (plen + 1 <= 8 ? plen << LEN_SHIFT : 0));
    z->suffix[c] = (uint8_t)first;
}

/* Advances the save slot after a non-control code; first is the first byte
 * of that code's string, which completes the entry prev + first. */
static void bump(giflow__lzw *z, unsigned first)
{
    if (z->next <= 4095) {
        if (z->prev >= 0)
            add_entry(z, first);
        z->next++;
        if (z->width < 12)
            z->width += (z->next >> z->width) & 1;
    }
}

static size_t emit_pending(giflow__lzw *z, uint8_t *dst, size_t n)
{
    unsigned left = z->pend_len - z->pend_done;
    unsigned k = n < left ? (unsigned)n : left;
    emit_range(z, z->pend_code, z->pend_len, z->pend_done, z->pend_done + k,
               dst);
    z->pend_done += k;
    if (z->pend_done == z->pend_len)
        z->pend_len = 0;
    return k;
}

/* Emits table code c (length slen) into dst[0..room); a string that does
 * not fit is left pending. Returns the bytes written. */
static size_t emit_code(giflow__lzw *z, unsigned c, unsigned slen,
                        uint8_t *dst, size_t room)
{
    if (slen <= room) {
        emit_range(z, c, slen, 0, slen, dst);
        return slen;
    }
    emit_range(z, c, slen, 0, (unsigned)room, dst);
    z->pend_code = c;
    z->pend_len = slen;
    z->pend_done = (unsigned)room;
    return room;
}

static int refill(giflow__lzw *z, const uint8_t **ipp, const uint8_t *end)
{
    const uint8_t *ip = *ipp;
    if (end - ip >= 8) {
        z->bits |= giflow__le64(ip) << z->nbits;
        ip += (63 - z->nbits) >> 3;
        z->nbits |= 56;
    } else {
        while (z->nbits <= 56 && ip < end) {
            z->bits |= (uint64_t)*ip++ << z->nbits;
            z->nbits += 8;
        }
    }
    *ipp = ip;
    return z->nbits >= z->width;
}

size_t giflow__lzw_decode(giflow__lzw *z, const uint8_t *src, size_t len,
                          size_t *used, uint8_t *dst, size_t n)
{
    const uint8_t *ip = src, *end = src + len;
    size_t o = 0;
    if (z->pend_len)
        o = emit_pending(z, dst, n);
    while (o < n && !z->pend_len && z->status == GIFLOW__LZW_RUNNING) {
        if (z->nbits < z->width && !refill(z, &ip, end))
            break;
        unsigned c = (unsigned)z->bits & ((1u << z->width) - 1);
        z->bits >>= z->width;
        z->nbits -= z->width;

        unsigned slen, first;
        if (c < z->clear) {
            first = lit(z, c);
            dst[o++] = (uint8_t)first;
            slen = 1;
            bump(z, first);
        } else if (c == z->clear) {
            lzw_reset(z);
            continue;
        } else if (c == z->clear + 1) {
            z->status = GIFLOW__LZW_EOI;
            break;
        } else if (c > z->next || z->prev < 0) {
            z->status = GIFLOW__LZW_BAD_CODE;
            break;
        } else if (c == z->next) {
            /* The code being defined: prev's string plus its first byte. */
            first = z->prev_first;
            slen = z->prev_len + 1;
            bump(z, first);
            o += emit_code(z, c, slen, dst + o, n - o);
        } else {
            size_t o0 = o;
            slen = code_length(z, c);
            o += emit_code(z, c, slen, dst + o, n - o);
            first = dst[o0];
            bump(z, first);
        }
        z->prev = (int)c;
        z->prev_len = slen;
        z->prev_first = (uint8_t)first;
    }
    *used = (size_t)(ip - src);
    return o;
}
