/*
 * CANVAS mode (lzw.h): chain-table decoding straight into the canvas, for
 * any frame: clipped, interlaced, transparent. A string is painted from
 * its end, one table step per pixel; runs of one index are fills.
 */
#include "giflow.h"
#ifdef GIFLOW_CONFIG_NO_CANVAS
#error "canvas code in a build configured without the canvas (src/sources/canvas.txt)"
#endif
#include "lzw_impl.h"

/* Where the next pixel goes: frame row k (stream order), column col, and
 * that row's canvas address (NULL when the row is outside the canvas). */
typedef struct cursor {
    uint64_t k;
    uint32_t col;
    uint8_t *rp;
} cursor;

static void cursor_at(cursor *cur, const giflow__sink *s, uint64_t pos)
{
    cur->k = pos / s->w;
    cur->col = (uint32_t)(pos % s->w);
    cur->rp = giflow__sink_row(s, cur->k);
}

static void cursor_advance(cursor *cur, const giflow__sink *s, uint64_t n)
{
    uint64_t col = cur->col + n;
    if (col < s->w) {
        cur->col = (uint32_t)col;
        return;
    }
    cur->k += col / s->w;
    cur->col = (uint32_t)(col % s->w);
    cur->rp = giflow__sink_row(s, cur->k);
}

/* n words v at d: four per step (two 8-byte stores, which compilers
 * merge), the rest one by one. */
static inline void fill32(uint8_t *d, uint32_t v, uint32_t n)
{
    uint64_t v2 = v * (uint64_t)0x100000001u;
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(d + 4 * (size_t)i, &v2, 8);
        memcpy(d + 4 * (size_t)i + 8, &v2, 8);
    }
    for (; i < n; i++)
        memcpy(d + 4 * (size_t)i, &v, 4);
}

/* Paints n pixels of word v from the cursor on, row by row, clipped. */
static void fill_forward(const giflow__sink *s, const cursor *c0, uint64_t n, uint32_t v)
{
    uint64_t k = c0->k;
    uint32_t x = c0->col;
    uint8_t *rp = c0->rp;
    while (n) {
        uint32_t take = n < s->w - x ? (uint32_t)n : s->w - x;
        if (rp && x < s->clip_w) {
            uint32_t end = x + take < s->clip_w ? x + take : s->clip_w;
            fill32(rp + 4 * (size_t)x, v, end - x);
        }
        n -= take;
        x = 0;
        if (n)
            rp = giflow__sink_row(s, ++k);
    }
}

/* Paints the string of chain code c (length len) at the cursor. Bytes at
 * or past lim (the end of the frame) are dropped. Returns its first byte.
 * The string is walked from its end, one row segment at a time. */
static unsigned paint_chain(const giflow__lzw *z, const giflow__sink *s, const cursor *cur,
                            unsigned c, unsigned len, uint64_t lim)
{
    const uint16_t *link = z->t.chain.link;
    const uint8_t *suffix = z->t.chain.suffix;
    const uint32_t *lut = s->lut;
    uint32_t w = s->w, first_row = w - cur->col;
    /* The segment holding the string's last byte. */
    uint64_t seg_k = cur->k;
    uint32_t seg_start = 0, seg_col = cur->col;
    if (len > first_row) {
        uint32_t m = (len - 1 - first_row) / w;
        seg_k += 1 + m;
        seg_start = first_row + m * w;
        seg_col = 0;
    }
    uint8_t *rp = seg_k == cur->k ? cur->rp : giflow__sink_row(s, seg_k);
    uint32_t i = len;
    while (c > z->clear && !(link[c] & LZW_RUN)) {
        i--;
        if (i < seg_start) {
            seg_k--;
            seg_start = seg_k == cur->k ? 0 : seg_start - w;
            seg_col = seg_k == cur->k ? cur->col : 0;
            rp = seg_k == cur->k ? cur->rp : giflow__sink_row(s, seg_k);
        }
        uint32_t x = seg_col + (i - seg_start);
        uint32_t v = lut[suffix[c]];
        if (v && rp && x < s->clip_w && i < lim)
            memcpy(rp + 4 * (size_t)x, &v, 4);
        c = link[c] & LZW_FIELD;
    }
    unsigned root = c < z->clear ? lzw_lit(c) : suffix[c];
    uint32_t v = lut[root];
    if (v && i)
        fill_forward(s, cur, i < lim ? i : lim, v);
    return root;
}

/* Chain-table decoding into the canvas. The state lives in locals (canvas
 * stores go through byte pointers, which would force reloads of every
 * field). Instantiated for frames wholly inside the canvas, where every
 * row is visible and unclipped, and for the rest. */
static inline __attribute__((always_inline)) size_t
chain_loop(giflow__lzw *z, const uint8_t *src, size_t len, const giflow__sink *s,
           const int inside)
{
    const uint8_t *ip = src, *end = src + len;
    uint16_t *link = z->t.chain.link;
    uint8_t *suffix = z->t.chain.suffix;
    const uint32_t *lut = s->lut;
    const unsigned clear = z->clear;
    const uint32_t w = s->w;
    uint64_t bits = z->bits;
    unsigned nbits = z->nbits, width = z->width, next = z->next;
    unsigned mask = (1u << width) - 1;
    unsigned prev_len = z->prev_len, prev_first = z->prev_first;
    int prev = z->prev, status = GIFLOW__LZW_RUNNING;
    uint64_t pos = z->pos, total = z->total;
    cursor cur;
    cursor_at(&cur, s, pos);

    unsigned c;
    while (pos < total && lzw_read(&bits, &nbits, &ip, end, width, mask, &c)) {
        unsigned slen, first;
        uint64_t lim = total - pos;
        if (c < clear) {
            first = lzw_lit(c);
            uint32_t v = lut[first];
            if (v && (inside || (cur.rp && cur.col < s->clip_w)))
                memcpy(cur.rp + 4 * (size_t)cur.col, &v, 4);
            slen = 1;
        } else if (c > clear + 1 && c <= next && (c < next || prev >= 0)) {
            unsigned cc = c;
            if (c == next) {
                /* The code being defined: define it first, then paint it. */
                first = prev_first;
                slen = prev_len + 1;
                if (next <= GIFLOW__LZW_MAX_CODE) {
                    z->prev = prev;
                    z->prev_len = prev_len;
                    lzw_chain_define(z, next, first);
                }
            } else {
                slen = lzw_chain_length(z, c);
            }
            unsigned lv = link[cc];
            if (lv & LZW_RUN) {
                first = suffix[cc];
                uint32_t v = lut[first];
                if (!v) {
                    /* A transparent run leaves the canvas alone. */
                } else if (inside && slen <= w - cur.col) {
                    fill32(cur.rp + 4 * (size_t)cur.col, v, slen);
                } else {
                    fill_forward(s, &cur, slen < lim ? slen : lim, v);
                }
            } else if (!inside && slen <= w - cur.col &&
                       (!cur.rp || cur.col >= s->clip_w)) {
                /* Within one row, none of it visible (clipped frames):
                 * only its first byte matters. */
                while (cc > clear && !(link[cc] & LZW_RUN))
                    cc = link[cc] & LZW_FIELD;
                first = cc < clear ? lzw_lit(cc) : suffix[cc];
            } else if (slen <= w - cur.col && (inside || (cur.rp && cur.col + slen <= s->clip_w))) {
                /* Within one visible row: walk from the end, in place, one
                 * table load per step. */
                uint8_t *d = cur.rp + 4 * (size_t)cur.col;
                unsigned i = slen;
                for (;;) {
                    uint32_t v = lut[suffix[cc]], old;
                    i--;
                    /* No branch on transparency: it mispredicts on
                     * dithered transparency. */
                    memcpy(&old, d + 4 * (size_t)i, 4);
                    v = v ? v : old;
                    memcpy(d + 4 * (size_t)i, &v, 4);
                    cc = lv & LZW_FIELD;
                    if (cc < clear)
                        break;
                    lv = link[cc];
                    if (lv & LZW_RUN)
                        break;
                }
                first = cc < clear ? lzw_lit(cc) : suffix[cc];
                uint32_t v = lut[first];
                if (v)
                    fill32(d, v, i);
            } else {
                first = paint_chain(z, s, &cur, cc, slen, lim);
            }
            if (c == next) {
                first = prev_first;
                if (next <= GIFLOW__LZW_MAX_CODE) {
                    next++;
                    if (next > mask && width < 12) {
                        width++;
                        mask = mask * 2 + 1;
                    }
                }
                goto advance;
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
            if (prev >= 0) {
                z->prev = prev;
                z->prev_len = prev_len;
                lzw_chain_define(z, next, first);
            }
            next++;
            if (next > mask && width < 12) {
                width++;
                mask = mask * 2 + 1;
            }
        }
    advance:
        prev = (int)c;
        prev_len = slen;
        prev_first = first;
        {
            uint64_t n = slen < lim ? slen : lim;
            pos += n;
            if (cur.col + n < w)
                cur.col += (uint32_t)n;
            else
                cursor_advance(&cur, s, n);
        }
    }
    z->bits = bits;
    z->nbits = nbits;
    z->width = width;
    z->next = next;
    z->prev = prev;
    z->prev_len = prev_len;
    z->prev_first = (uint8_t)prev_first;
    z->pos = pos;
    z->status = status;
    return (size_t)(ip - src);
}

size_t giflow__lzw_compose_chain(giflow__lzw *z, const uint8_t *src, size_t len,
                                 const giflow__sink *s)
{
    if (s->clip_w == s->w && (uint64_t)s->y0 + s->h <= s->canvas_h)
        return chain_loop(z, src, len, s, 1);
    return chain_loop(z, src, len, s, 0);
}
