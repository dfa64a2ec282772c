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
    z->pos = z->epoch = z->prev_pos = z->conv = 0;
    z->total = total;
    lzw_reset(z);
    if (mode >= GIFLOW__LZW_TAIL)
        z->t.flat.ready = 0;
}

/* Writes bytes [a, b) of the string of code c (length len) to dst. The
 * string is the root's run followed by one suffix byte per chain step, so
 * it is walked from its end; bytes at or past b are skipped. */
static void emit_range(const giflow__lzw *z, unsigned c, unsigned len,
                       unsigned a, unsigned b, uint8_t *dst)
{
    const uint16_t *link = z->t.chain.link;
    const uint8_t *suffix = z->t.chain.suffix;
    unsigned pos = len;
    while (c > z->clear && !(link[c] & LZW_RUN)) {
        pos--;
        if (pos < a)
            return;
        if (pos < b)
            dst[pos - a] = suffix[c];
        c = link[c] & LZW_FIELD;
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

/* Emits table code c (length slen) into dst[0..room); a string that does
 * not fit is left pending. Returns the bytes written. */
static size_t emit_code(giflow__lzw *z, unsigned c, unsigned slen, uint8_t *dst,
                        size_t room)
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

size_t giflow__lzw_decode(giflow__lzw *z, const uint8_t *src, size_t len,
                          size_t *used, uint8_t *dst, size_t n)
{
    const uint8_t *ip = src, *end = src + len;
    size_t o = 0;
    if (z->pend_len)
        o = emit_pending(z, dst, n);
    while (o < n && !z->pend_len && z->status == GIFLOW__LZW_RUNNING) {
        if (z->nbits < z->width && !lzw_refill(z, &ip, end))
            break;
        unsigned c = lzw_take(z), slen, first, slot;
        if (c < z->clear) {
            first = lzw_lit(c);
            dst[o++] = (uint8_t)first;
            slen = 1;
            if ((slot = lzw_bump(z)) != 0)
                lzw_chain_define(z, slot, first);
        } else {
            int k = lzw_control(z, c);
            if (k > 0)
                continue;
            if (k == 0)
                break;
            if (c == z->next) {
                /* The code being defined: prev's string plus its first byte. */
                first = z->prev_first;
                slen = z->prev_len + 1;
                if ((slot = lzw_bump(z)) != 0)
                    lzw_chain_define(z, slot, first);
                o += emit_code(z, c, slen, dst + o, n - o);
            } else {
                size_t o0 = o;
                slen = lzw_chain_length(z, c);
                o += emit_code(z, c, slen, dst + o, n - o);
                first = dst[o0];
                if ((slot = lzw_bump(z)) != 0)
                    lzw_chain_define(z, slot, first);
            }
        }
        z->prev = (int)c;
        z->prev_len = slen;
        z->prev_first = (uint8_t)first;
    }
    *used = (size_t)(ip - src);
    return o;
}
