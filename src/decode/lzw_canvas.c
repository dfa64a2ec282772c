/*
 * LZW straight into an RGBA canvas (CANVAS and COPY modes, see lzw.h).
 * No row buffer and no second pass: every string lands in its final place.
 */
#include "lzw_impl.h"

/* Where the next pixel goes: frame row k (stream order), column col, and
 * that row's canvas address (NULL when the row is outside the canvas). */
typedef struct cursor {
    uint64_t k;
    uint32_t col;
    uint8_t *rp;
} cursor;

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

static uint8_t *row_ptr(const giflow__sink *s, uint64_t k)
{
    if (k >= s->h || s->clip_w == 0)
        return NULL;
    uint64_t y = (uint64_t)s->y0 + (s->interlaced ? interlace_y(k, s->h) : k);
    if (y >= s->canvas_h)
        return NULL;
    return s->canvas + (size_t)y * s->stride + (size_t)s->x0 * 4;
}

static void cursor_at(cursor *cur, const giflow__sink *s, uint64_t pos)
{
    cur->k = pos / s->w;
    cur->col = (uint32_t)(pos % s->w);
    cur->rp = row_ptr(s, cur->k);
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
    cur->rp = row_ptr(s, cur->k);
}

static void fill32(uint8_t *d, uint32_t v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
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
            rp = row_ptr(s, ++k);
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
    uint8_t *rp = seg_k == cur->k ? cur->rp : row_ptr(s, seg_k);
    uint32_t i = len;
    while (c > z->clear && !(link[c] & LZW_RUN)) {
        i--;
        if (i < seg_start) {
            seg_k--;
            seg_start = seg_k == cur->k ? 0 : seg_start - w;
            seg_col = seg_k == cur->k ? cur->col : 0;
            rp = seg_k == cur->k ? cur->rp : row_ptr(s, seg_k);
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
                if (next <= 4095) {
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
            } else if (inside && slen <= w - cur.col) {
                /* Within one visible row: walk from the end, in place, one
                 * table load per step. */
                uint8_t *d = cur.rp + 4 * (size_t)cur.col;
                unsigned i = slen;
                for (;;) {
                    uint32_t v = lut[suffix[cc]];
                    i--;
                    if (v)
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
                if (next <= 4095) {
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
        if (next <= 4095) {
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

static size_t compose_chain(giflow__lzw *z, const uint8_t *src, size_t len,
                            const giflow__sink *s)
{
    if (s->clip_w == s->w && (uint64_t)s->y0 + s->h <= s->canvas_h)
        return chain_loop(z, src, len, s, 1);
    return chain_loop(z, src, len, s, 0);
}

/* ---- COPY mode ---------------------------------------------------------- */

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
        if (next <= 4095) {
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

static size_t compose_copy(giflow__lzw *z, const uint8_t *src, size_t len,
                           const giflow__sink *s)
{
    if (s->x0 == 0 && (size_t)s->w * 4 == s->stride)
        return copy_loop(z, src, len, s, 1);
    return copy_loop(z, src, len, s, 0);
}

/* ---- Flat table: TAIL and BUFFER modes ---------------------------------- */

/* Both decode indices with a flat string table: per code, the offset of
 * one occurrence of its string in the output (u32) and its length (u16).
 * Literals are 256 bytes (byte c at offset c) just before the output, so
 * a literal and a table string are the same case, every string is one
 * copy from earlier output, and a short one is a single 16-byte move. No
 * chains are walked. The workspace is the table, the literals, then the
 * frame's indices:
 * TAIL: the first frame of a fresh canvas that covers it has nothing under
 * it to keep, so the canvas (n pixels, 4n bytes) is the workspace; the
 * indices fill its last n bytes. They become RGBA from the front as soon
 * as their bytes are no longer needed, the rest when the frame ends.
 * BUFFER: a heap workspace (GIFLOW__LZW_WORK_BYTES); rows are painted into
 * the canvas as they complete. */
#define FLAT_SLOTS (GIFLOW__LZW_TABLE + 1) /* the last one is a dummy */
#define FLAT_DUMMY GIFLOW__LZW_TABLE
#define FLAT_TABLE (FLAT_SLOTS * 6 + 2)    /* the table, padded to 4 */

typedef struct flat {
    uint8_t *tsrc, *tlen; /* the table */
    uint8_t *base;        /* the literals; string offsets count from here */
    uint8_t *out;         /* the indices, base + 256 */
} flat;

static inline uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void st32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static inline unsigned ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static inline void st16(uint8_t *p, unsigned v)
{
    uint16_t w = (uint16_t)v;
    memcpy(p, &w, 2);
}

/* The workspace of a frame of n pixels: at the end of the canvas (TAIL),
 * indices exactly in its last n bytes, or at the start of work (BUFFER). */
static flat flat_at(const giflow__lzw *z, const giflow__sink *s)
{
    uint8_t *t, *base;
    if (z->mode == GIFLOW__LZW_TAIL) {
        base = s->canvas + 3 * z->total - 256;
        t = s->canvas + ((3 * z->total - 256 - FLAT_TABLE) & ~(uint64_t)3);
    } else {
        t = s->work;
        base = t + FLAT_TABLE;
    }
    flat f = {t, t + 4 * FLAT_SLOTS, base, base + 256};
    return f;
}

static void flat_start(giflow__lzw *z, const flat *f)
{
    for (unsigned i = 0; i < 256; i++) {
        f->base[i] = (uint8_t)i;
        st32(f->tsrc + 4 * i, i);
        st16(f->tlen + 2 * i, 1);
    }
    z->t.flat.save = FLAT_DUMMY;
    z->t.flat.prev_src = 0;
    z->next = z->clear + 2;
    z->t.flat.ready = 1;
}

/* Decodes into f->out until the frame is full, the input is used up or
 * z->status leaves RUNNING. Reads rd->ip up to rd->blk_end; when rd->framed
 * that is the end of the current sub-block of the raw stream, and the
 * sub-blocks after it, through the terminator, are all in memory (so the
 * stream is followed without copying, and without returning every 255
 * bytes). Advances rd; rd->ended: the terminator was read. */
static inline __attribute__((always_inline)) void
flat_run(giflow__lzw *z, giflow__lzw_in *rd, const flat *f)
{
    if (!z->t.flat.ready)
        flat_start(z, f);
    const uint8_t *ip = rd->ip, *end = rd->blk_end;
    const int framed = rd->framed;
    const unsigned clear = z->clear;
    uint8_t *const base = f->base, *const tsrc = f->tsrc, *const tlen = f->tlen;
    uint8_t *o = f->out + z->pos, *const oend = f->out + z->total;
    uint64_t bits = z->bits;
    unsigned nbits = z->nbits, width = z->width, next = z->next, mask = (1u << width) - 1;
    unsigned save = z->t.flat.save, prev_len = z->prev_len;
    uint32_t prev_src = z->t.flat.prev_src;
    int status = GIFLOW__LZW_RUNNING;

    while (o < oend) {
        if (end - ip >= 8) {
            lzw_load8(&bits, &nbits, &ip);
        } else {
            while (nbits <= 56) {
                if (ip == end) {
                    /* The sub-block is over: the next one's length, or
                     * the terminator. */
                    if (!framed || rd->ended)
                        break;
                    end = ip + 1 + *ip;
                    if (*ip++ == 0) {
                        rd->ended = 1;
                        break;
                    }
                }
                bits |= (uint64_t)*ip++ << nbits;
                nbits += 8;
            }
            if (nbits < width)
                break;
        }
        unsigned c = (unsigned)bits & mask;
        bits >>= width;
        nbits -= width;
        if (c - clear < 2u) {
            if (c != clear) {
                status = GIFLOW__LZW_EOI;
                break;
            }
            next = clear + 2;
            width = z->lit_width + 1;
            mask = (1u << width) - 1;
            save = FLAT_DUMMY;
            continue;
        }
        size_t room = (size_t)(oend - o);
        unsigned l;
        if (c < next) {
            const uint8_t *sp = base + ld32(tsrc + 4 * c);
            l = ld16(tlen + 2 * c);
            if (l <= 16 && room >= 16) {
                /* Bytes past the string are rewritten by the next codes. */
                uint8_t tmp[16];
                memcpy(tmp, sp, 16);
                memcpy(o, tmp, 16);
            } else {
                if (l > room)
                    l = (unsigned)room;
                memmove(o, sp, l);
            }
        } else {
            if (c > next || save == FLAT_DUMMY) {
                status = GIFLOW__LZW_BAD_CODE;
                break;
            }
            /* prev's string then its first byte: prev ends right at o, so
             * a forward byte copy repeats it. */
            const uint8_t *sp = base + prev_src;
            l = prev_len + 1 < room ? prev_len + 1 : (unsigned)room;
            for (unsigned i = 0; i < l; i++)
                o[i] = sp[i];
        }
        st32(tsrc + 4 * save, prev_src);
        st16(tlen + 2 * save, prev_len + 1);
        next += save != FLAT_DUMMY;
        if (next > mask && width < 12) {
            width++;
            mask = mask * 2 + 1;
        }
        save = next < GIFLOW__LZW_TABLE ? next : FLAT_DUMMY;
        prev_src = (uint32_t)(o - base);
        prev_len = l;
        o += l;
    }
    z->bits = bits;
    z->nbits = nbits;
    z->width = width;
    z->next = next;
    z->t.flat.save = save;
    z->t.flat.prev_src = prev_src;
    z->prev_len = prev_len;
    z->pos = (uint64_t)(o - f->out);
    z->status = status;
    rd->ip = ip;
    rd->blk_end = end;
}

/* n indices to their RGBA words, every one stored. In place is safe for
 * TAIL: pixel k's RGBA never reaches an index above k. */
static inline void lut_convert(uint8_t *d, const uint8_t *idx, const uint32_t *lut, size_t n)
{
    for (size_t i = 0; i < n; i++)
        memcpy(d + 4 * i, &lut[idx[i]], 4);
}

/* Paints n indices where the frame has a transparent index t. Eight at a
 * time: all opaque are stored, all transparent skipped, a mix merged. */
static void paint_transparent(uint8_t *d, const uint8_t *ip, const uint32_t *lut, uint32_t n,
                              unsigned t)
{
    const uint64_t ones = 0x0101010101010101u, tt = ones * t;
    uint32_t x = 0;
    for (; x + 8 <= n; x += 8) {
        uint64_t q = giflow__le64(ip + x) ^ tt; /* zero bytes: transparent */
        if (((q - ones) & ~q & (ones << 7)) == 0) {
            for (unsigned i = 0; i < 8; i++)
                memcpy(d + 4 * (size_t)(x + i), &lut[ip[x + i]], 4);
        } else if (q != 0) {
            for (unsigned i = 0; i < 8; i++) {
                uint32_t v = lut[ip[x + i]], old;
                memcpy(&old, d + 4 * (size_t)(x + i), 4);
                v = v ? v : old;
                memcpy(d + 4 * (size_t)(x + i), &v, 4);
            }
        }
    }
    for (; x < n; x++) {
        uint32_t v = lut[ip[x]];
        if (v)
            memcpy(d + 4 * (size_t)x, &v, 4);
    }
}

/* Paints indices [from, to) of the BUFFER workspace (stream order) into
 * the canvas: row by row, clipped, transparent pixels left alone. */
static void buffer_paint(const giflow__sink *s, const uint8_t *idx, uint64_t from, uint64_t to)
{
    const uint32_t *lut = s->lut;
    while (from < to) {
        uint64_t k = from / s->w;
        uint32_t x = (uint32_t)(from % s->w);
        uint64_t e = (k + 1) * s->w < to ? (k + 1) * s->w : to;
        uint8_t *rp = row_ptr(s, k);
        uint32_t xe = x + (uint32_t)(e - from) < s->clip_w ? x + (uint32_t)(e - from) : s->clip_w;
        const uint8_t *ip = idx + from - x;
        if (rp && x < xe && s->transparent) {
            paint_transparent(rp + 4 * (size_t)x, ip + x, lut, xe - x,
                              (unsigned)s->transparent - 1);
        } else if (rp) {
            for (; x < xe; x++)
                memcpy(rp + 4 * (size_t)x, &lut[ip[x]], 4);
        }
        from = e;
    }
}

void giflow__lzw_settle(giflow__lzw *z, const giflow__sink *s, int done)
{
    const uint64_t n = z->total;
    if (z->mode == GIFLOW__LZW_BUFFER) {
        /* Whole rows as they complete; the partial last one at the end. */
        uint64_t upto = done ? z->pos : z->pos - z->pos % s->w;
        if (upto > z->conv) {
            buffer_paint(s, flat_at(z, s).out, z->conv, upto);
            z->conv = upto;
        }
        return;
    }
    uint8_t *px = s->canvas;
    /* Pixel k's RGBA lands on bytes [4k, 4k + 4): clear of the table. */
    uint64_t safe = done ? z->pos : (uint64_t)(flat_at(z, s).tsrc - px) / 4;
    if (safe > z->pos)
        safe = z->pos;
    if (safe > z->conv) {
        lut_convert(px + 4 * z->conv, px + 3 * n + z->conv, s->lut, safe - z->conv);
        z->conv = safe;
    }
    if (done && z->conv < n) {
        memset(px + 4 * z->conv, 0, 4 * (n - z->conv)); /* never decoded */
        z->conv = n;
    }
}

static size_t compose_flat(giflow__lzw *z, const uint8_t *src, size_t len,
                           const giflow__sink *s)
{
    giflow__lzw_in rd = {src, src + len, 0, 0};
    giflow__lzw_compose_in(z, &rd, s);
    return (size_t)(rd.ip - src);
}

void giflow__lzw_compose_in(giflow__lzw *z, giflow__lzw_in *rd, const giflow__sink *s)
{
    flat f = flat_at(z, s);
    flat_run(z, rd, &f);
    giflow__lzw_settle(z, s, z->pos == z->total);
}

size_t giflow__lzw_compose(giflow__lzw *z, const uint8_t *src, size_t len,
                           const giflow__sink *s)
{
    if (z->mode >= GIFLOW__LZW_TAIL)
        return compose_flat(z, src, len, s);
    if (z->mode == GIFLOW__LZW_COPY)
        return compose_copy(z, src, len, s);
    return compose_chain(z, src, len, s);
}
