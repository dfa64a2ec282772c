/*
 * TAIL and BUFFER modes (lzw.h): a flat string table, then the pixel pass.
 */
#include "lzw_impl.h"
#include "pixels.h"

/* Both decode indices with a flat string table: per code, the offset of
 * one occurrence of its string in the output and its length, packed in one
 * 64-bit entry (one load, one store per code). Literals are 256 bytes
 * (byte c at offset c) just before the output, so a literal and a table
 * string are the same case, every string is one copy from earlier output,
 * and a short one is a single 16-byte move. No chains are walked. The
 * workspace is the table, the literals, then the frame's indices:
 * TAIL: the first frame of a fresh canvas that covers it has nothing under
 * it to keep, so the canvas (n pixels, 4n bytes) is the workspace; the
 * indices fill its last n bytes. They become RGBA from the front as soon
 * as their bytes are no longer needed, the rest when the frame ends.
 * FRONT: a later opaque frame as wide as the canvas: the table and the
 * literals at the start of its canvas bytes, the indices right after;
 * they become RGBA in place when the frame stops (front_expand).
 * BUFFER: a heap workspace (GIFLOW__LZW_WORK_BYTES); rows are painted into
 * the canvas as they complete. */
#define FLAT_SLOTS (GIFLOW__LZW_TABLE + 1) /* the last one is a dummy */
#define FLAT_TABLE GIFLOW__LZW_FLAT_TABLE_BYTES

typedef struct flat {
    uint8_t *tab;         /* the table: FLAT_SLOTS entries of 8 bytes */
    uint8_t *base;        /* the literals */
    uint8_t *out;         /* the indices, base + 256 */
} flat;

static inline uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void st64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* A table entry: where the string starts (counted from the table) and its
 * length. */
static inline uint64_t entry(uint32_t src, uint32_t len)
{
    return (uint64_t)src | (uint64_t)len << 32;
}

/* 16 bytes from s to d, loaded before they are stored. */
static inline void copy16(uint8_t *d, const uint8_t *s)
{
    uint8_t t[16];
    memcpy(t, s, 16);
    memcpy(d, t, 16);
}

/* The workspace of a frame of n pixels: at the end of the canvas (TAIL),
 * indices exactly in its last n bytes, at its start (FRONT: the table,
 * then the indices), or at the start of work (BUFFER). */
static flat flat_at(const giflow__lzw *z, const giflow__sink *s)
{
    uint8_t *t, *base;
    if (z->mode == GIFLOW__LZW_TAIL) {
        base = s->canvas + 3 * z->total - 256;
        t = base - FLAT_TABLE;
        t -= (uintptr_t)t & 7; /* aligned entries, wherever the canvas is */
    } else if (z->mode == GIFLOW__LZW_FRONT) {
        t = s->canvas + (-(uintptr_t)s->canvas & 7); /* (GIFLOW__FRONT_LEAD) */
        base = t + FLAT_TABLE;
    } else {
        t = s->work;
        base = t + FLAT_TABLE;
    }
    flat f = {t, base, base + 256};
    return f;
}

/* The entries of the clear and end codes (never defined by the stream):
 * the sign bit sends them to the control path once loaded (as a length,
 * 2^31, longer than any room); bit 0 tells the end code, and the clear
 * code's bits 8..11 hold the minimum code size (flat_start). */
#define CTRL ((uint64_t)1 << 63)

/* The literal bytes: byte c at offset c. */
static const uint8_t lit_bytes[256] = {
#define B4(i) i, i + 1, i + 2, i + 3
#define B16(i) B4(i), B4(i + 4), B4(i + 8), B4(i + 12)
#define B64(i) B16(i), B16(i + 16), B16(i + 32), B16(i + 48)
    B64(0), B64(64), B64(128), B64(192)
#undef B4
#undef B16
#undef B64
};

/* The literal entries and bytes every frame starts from. Offsets count
 * from the table, so the literals' depend on where it sits (TAIL aligns
 * it below the indices): built here, in registers. */
static void flat_start(giflow__lzw *z, const flat *f)
{
    /* Literal codes stop at the clear code (flat modes need code size 8
     * at most). */
    const unsigned clear = z->clear;
    uint64_t e = entry((uint32_t)(f->base - f->tab), 1);
    /* Two entries per 16-byte store (clear is a power of two, at least 4:
     * the flat modes take code sizes 2..8). */
    for (unsigned i = 0; i < clear; i += 2) {
        uint64_t two[2] = {e + i, e + i + 1};
        memcpy(f->tab + 8 * (size_t)i, two, 16);
    }
    memcpy(f->base, lit_bytes, clear);
    st64(f->tab + 8 * (size_t)clear, CTRL | (uint64_t)z->lit_width << 8);
    st64(f->tab + 8 * (size_t)clear + 8, CTRL | 1);
    z->prev = -1;
    z->t.flat.prev_src = 0;
    z->prev_len = 0;
    z->next = clear + 2;
    z->t.flat.ready = 1;
}

/* Copies the string of table code c (l bytes from sp) or, kwk set, the
 * code being defined (prev's string at sp, l - 1 bytes ending right at o,
 * then its first byte) to o. Writes at most 15 bytes past the string (16
 * at o at least). Inline
 * 16-byte steps, no memcpy call: the fast loop then keeps its values in
 * registers. Each step is loaded after the last is stored: a string longer
 * than 16 bytes starts at least 16 bytes before o (for the code being
 * defined, prev's string is at least 16 bytes long), so a step only reads
 * what is already in place, and the code being defined gets its last byte,
 * a copy of o[0], from the first step. */
static inline __attribute__((always_inline)) void
fast_copy(uint8_t *o, const uint8_t *sp, unsigned l, int kwk)
{
    copy16(o, sp);
    if (l <= 16) {
        if (kwk)
            o[l - 1] = sp[0]; /* the copy read it before it was written */
        return;
    }
    for (unsigned i = 16; i < l; i += 16)
        copy16(o + i, sp + i);
}

/* Where the fast loop's room ends: a string of l bytes is copied there
 * only while o + l <= olim, which leaves the over-copy of fast_copy() (at
 * most 15 bytes past the string, 16 for a 1-byte one) inside the output.
 * o itself when there is no such room. */
static inline uint8_t *fast_olim(uint8_t *o, uint8_t *oend)
{
    return oend - o > 16 ? oend - 16 : o;
}

/* Where the fast loop must stop reading: 8 bytes must remain at ip. */
static inline const uint8_t *fast_ilim(const uint8_t *ip, const uint8_t *end)
{
    return end - ip >= 8 ? end - 7 : ip;
}

/* The decoder's state while it runs (flat_run); the fast loop takes and
 * gives it back whole. */
typedef struct flat_state {
    uint64_t bits;
    /* The entry the next code defines: prev's string plus one byte. It is
     * also the string of the KwKwK code (code == next). */
    uint64_t pdef;
    const uint8_t *ip, *ilim; /* ilim: fast_ilim() of the current sub-block */
    uint8_t *o, *olim, *oend; /* olim: fast_olim() */
    uint8_t *tab;
    unsigned nbits, width, mask, next, clear, lit_width;
    int have_prev;
} flat_state;

enum { FAST_LIMIT, FAST_EOI, FAST_BAD };

/* Branch weights for the fast loop's layout and register choice: the
 * rare paths (control codes, bad codes, the end of the room, a wider
 * code) are kept out of the way of the common one. */
#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#endif

/* The fast loop: codes while the input lasts (ip < ilim) and each code's
 * string fits before olim. The room is checked against the string itself,
 * before the code is taken from the bit buffer (so a code that does not
 * fit is left there for the careful step): no longest-string bound to keep
 * per code, and small frames run in this loop to their last 16 bytes.
 * Clear codes are handled here too. A function of its own so that its
 * dozen values stay in registers. Returns why it stopped. */
static __attribute__((noinline)) int fast_run(flat_state *st)
{
    uint64_t bits = st->bits, pdef = st->pdef, e;
    const uint8_t *ip = st->ip;
    const uint8_t *const ilim = st->ilim;
    uint8_t *o = st->o;
    uint8_t *const olim = st->olim, *const tab = st->tab;
    unsigned nbits = st->nbits, width = st->width;
    /* Word-sized: codes index the table without a zero-extension. */
    size_t mask = st->mask, next = st->next, c;
    unsigned l;
    int why = FAST_LIMIT, have_prev = st->have_prev;

    if (!have_prev)
        goto first;
    while (ip < ilim) {
        const uint8_t *sp;
        /* 56..63 bits after a refill: four codes or more before the next
         * one (a well-predicted branch, cheaper than a load per code). */
        if (nbits < 12)
            lzw_load8(&bits, &nbits, &ip);
        c = (size_t)bits & mask;
        if (LIKELY(c < next)) {
            e = ld64(tab + 8 * (size_t)c);
            l = (unsigned)(e >> 32);
            /* The clear and end codes' lengths are 2^31 (CTRL): they fail
             * this test too, so the common path has no test of its own. */
            if (UNLIKELY((uintptr_t)o + l > (uintptr_t)olim)) {
                if ((int64_t)e < 0)
                    goto control;
                break; /* the code stays in the bit buffer */
            }
            sp = tab + (uint32_t)e;
            fast_copy(o, sp, l, 0);
        } else {
            if (UNLIKELY(c != next))
                goto bad;
            l = (unsigned)(pdef >> 32);
            if (UNLIKELY((uintptr_t)o + l > (uintptr_t)olim))
                break;
            sp = tab + (uint32_t)pdef;
            fast_copy(o, sp, l, 1);
        }
        bits >>= width;
        nbits -= width;
        st64(tab + 8 * (size_t)next, pdef);
        if (LIKELY(next < mask)) {
            next++;
        } else if (width < 12) {
            next++;
            width++;
            mask = mask * 2 + 1;
        } else {
            next = GIFLOW__LZW_TABLE; /* full: the dummy slot from now on */
        }
        pdef = entry((uint32_t)(o - tab), l + 1);
        o += l;
        continue;
    control:
        bits >>= width;
        nbits -= width;
        /* The clear code's entry holds the code size: the loop then
         * needs nothing from st (one register more for its values). */
        if (e & 1) {
            why = FAST_EOI;
            break;
        }
        width = (unsigned)(e >> 8 & 15) + 1;
        mask = (1u << width) - 1;
        next = (mask >> 1) + 3; /* the clear code + 2 */
    first:
        /* The first code after a clear: a literal (or a control code),
         * which defines nothing. */
        have_prev = 0;
        if (!(o < olim && ip < ilim))
            break;
        lzw_load8(&bits, &nbits, &ip);
        c = (size_t)bits & mask;
        if (c >= next) {
            why = FAST_BAD;
            break;
        }
        e = ld64(tab + 8 * (size_t)c);
        if ((int64_t)e < 0)
            goto control;
        bits >>= width;
        nbits -= width;
        *o = (uint8_t)c; /* a literal: its byte is its code */
        have_prev = 1;
        pdef = entry((uint32_t)(o - tab), 2);
        o++;
        continue;
    bad:
        why = FAST_BAD;
        break;
    }
    st->bits = bits;
    st->pdef = pdef;
    st->ip = ip;
    st->o = o;
    st->nbits = nbits;
    st->width = width;
    st->mask = (unsigned)mask;
    st->next = (unsigned)next;
    st->have_prev = have_prev;
    return why;
}

/* Decodes into f->out until the frame is full, the input is used up or
 * z->status leaves RUNNING. Reads rd->ip up to rd->blk_end; when rd->framed
 * that is the end of the current sub-block of the raw stream, and the
 * sub-blocks after it, through the terminator, are all in memory (so the
 * stream is followed without copying, and without returning every 255
 * bytes). Advances rd; rd->ended: the terminator was read.
 * Most codes take the fast loop (fast_run); codes near the end of the
 * output or of a sub-block take the careful step. */
static void flat_run(giflow__lzw *z, giflow__lzw_in *rd, const flat *f)
{
    if (!z->t.flat.ready)
        flat_start(z, f);
    const uint8_t *end = rd->blk_end;
    const int framed = rd->framed;
    uint8_t *const out = f->out;
    flat_state st;
    st.bits = z->bits;
    st.pdef = entry(z->t.flat.prev_src, z->prev_len + 1);
    st.ip = rd->ip;
    st.ilim = fast_ilim(st.ip, end);
    st.o = out + z->pos;
    st.oend = out + z->total;
    st.tab = f->tab;
    st.nbits = z->nbits;
    st.width = z->width;
    st.mask = (1u << st.width) - 1;
    st.next = z->next;
    st.clear = z->clear;
    st.lit_width = z->lit_width;
    st.have_prev = z->prev >= 0;
    st.olim = fast_olim(st.o, st.oend);
    int status = GIFLOW__LZW_RUNNING;
    uint8_t *const tab = f->tab;

    for (;;) {
        if (st.o < st.olim && st.ip < st.ilim) {
            int why = fast_run(&st);
            if (why == FAST_EOI) {
                status = GIFLOW__LZW_EOI;
                break;
            }
            if (why == FAST_BAD) {
                status = GIFLOW__LZW_BAD_CODE;
                break;
            }
        }
        /* The careful step: one code, every check. */
        uint8_t *o = st.o;
        const uint8_t *ip = st.ip;
        unsigned c, l;
        uint64_t e;
        if (o >= st.oend)
            break;
        if (end - ip >= 8) {
            lzw_load8(&st.bits, &st.nbits, &ip);
        } else {
            while (st.nbits <= 56) {
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
                    st.ilim = fast_ilim(ip, end);
                }
                st.bits |= (uint64_t)*ip++ << st.nbits;
                st.nbits += 8;
            }
            if (st.nbits < st.width) {
                st.ip = ip;
                break;
            }
        }
        st.ip = ip;
        c = (unsigned)st.bits & st.mask;
        st.bits >>= st.width;
        st.nbits -= st.width;
        {
            size_t room = (size_t)(st.oend - o);
            const uint8_t *sp;
            if (c < st.next) {
                e = ld64(tab + 8 * (size_t)c);
                if ((int64_t)e < 0)
                    goto control;
                sp = tab + (uint32_t)e;
                l = (unsigned)(e >> 32);
                if (l <= 16 && room >= 16) {
                    copy16(o, sp); /* bytes past it are rewritten later */
                } else {
                    if (l > room)
                        l = (unsigned)room;
                    memmove(o, sp, l);
                }
            } else {
                if (c != st.next || !st.have_prev)
                    goto bad;
                /* prev's string then its first byte: prev ends right at
                 * o, so its l - 1 bytes are one copy that does not
                 * overlap (was a byte loop: the long runs that end small
                 * frames, 5% of short-app-extension-string). */
                sp = tab + (uint32_t)st.pdef;
                unsigned full = (unsigned)(st.pdef >> 32);
                l = full > room ? (unsigned)room : full;
                memcpy(o, sp, l < full ? l : full - 1);
                if (l == full)
                    o[full - 1] = sp[0];
            }
        }
        if (st.have_prev) {
            st64(tab + 8 * (size_t)st.next, st.pdef);
            if (st.next < st.mask) {
                st.next++;
            } else if (st.width < 12) {
                st.next++;
                st.width++;
                st.mask = st.mask * 2 + 1;
            } else {
                st.next = GIFLOW__LZW_TABLE;
            }
        }
        st.have_prev = 1;
        st.pdef = entry((uint32_t)(o - tab), l + 1);
        st.o = o + l;
        st.olim = fast_olim(st.o, st.oend);
        continue;
    control:
        if (c != st.clear) {
            status = GIFLOW__LZW_EOI;
            break;
        }
        st.next = st.clear + 2;
        st.width = st.lit_width + 1;
        st.mask = (1u << st.width) - 1;
        st.have_prev = 0;
        continue;
    bad:
        status = GIFLOW__LZW_BAD_CODE;
        break;
    }
    z->bits = st.bits;
    z->nbits = st.nbits;
    z->width = st.width;
    z->next = st.next;
    z->prev = st.have_prev ? 0 : -1;
    z->t.flat.prev_src = (uint32_t)st.pdef;
    z->prev_len = (unsigned)(st.pdef >> 32) - 1;
    z->pos = (uint64_t)(st.o - out);
    z->status = status;
    rd->ip = st.ip;
    rd->blk_end = end;
}

/* Paints indices [from, to) of the BUFFER workspace (stream order) into
 * the canvas: row by row, clipped, transparent pixels left alone. Rows of
 * a frame as wide as a canvas without padding are one run. */
static void buffer_paint(const giflow__sink *s, unsigned span, const uint8_t *idx,
                         uint64_t from, uint64_t to)
{
    unsigned trans = (unsigned)s->transparent;
    if (s->x0 == 0 && s->clip_w == s->w && s->stride == (size_t)s->w * 4 && !s->interlaced &&
        (uint64_t)s->y0 + s->h <= s->canvas_h) {
        uint8_t *d = s->canvas + (size_t)s->y0 * s->stride + 4 * from;
        if (trans)
            giflow__px_paint(d, idx + from, s->lut, span, (size_t)(to - from), trans - 1);
        else
            giflow__px_convert(d, idx + from, s->lut, span, (size_t)(to - from));
        return;
    }
    giflow__px_rows px;
    giflow__px_rows_init(&px, s->lut, span, trans, to - from);
    while (from < to) {
        uint64_t k = from / s->w;
        uint32_t x = (uint32_t)(from % s->w);
        uint64_t e = (k + 1) * s->w < to ? (k + 1) * s->w : to;
        uint8_t *rp = giflow__sink_row(s, k);
        uint32_t xe = x + (uint32_t)(e - from) < s->clip_w ? x + (uint32_t)(e - from) : s->clip_w;
        const uint8_t *ip = idx + from - x;
        if (rp && x < xe)
            giflow__px_rows_run(&px, rp + 4 * (size_t)x, ip + x, xe - x);
        from = e;
    }
}

/* FRONT: indices [0, n) at px + lead become pixels [0, n) at px, in
 * place. Up to lead / 3 they go front to back in one pass (px_convert's in
 * place rule: pixel k's bytes never reach index k + 1). Above that, back to
 * front in pieces whose pixels lie past their own indices (4a >= lead + b
 * for piece [a, b)), so no index is overwritten before it is read; the
 * pieces shrink toward lead / 3, where the last few go through a copy on
 * the stack. */
static void front_expand(uint8_t *px, size_t lead, size_t n, const uint32_t *lut, unsigned span)
{
    size_t m = lead / 3 < n ? lead / 3 : n, b = n;
    giflow__px_convert(px, px + lead, lut, span, m);
    while (b > m) {
        size_t a = (lead + b + 3) / 4;
        if (a + 64 <= b) {
            if (a < m)
                a = m;
            giflow__px_convert(px + 4 * a, px + lead + a, lut, span, b - a);
        } else {
            uint8_t tmp[1024];
            a = b - m < sizeof tmp ? m : b - sizeof tmp;
            memcpy(tmp, px + lead + a, b - a);
            giflow__px_convert(px + 4 * a, tmp, lut, span, b - a);
        }
        b = a;
    }
}

/* TAIL, interlaced (a later frame known to complete, or a first frame on
 * a fresh canvas, compose.c): the indices in the canvas's last n bytes
 * are in stored-row order. Once the frame is over, everything below them
 * is free: they are gathered just below in canvas-row order, then become
 * RGBA in place. A first frame that stopped early leaves the pixels it never
 * reached transparent, as the canvas was. */
static void tail_deinterlace(giflow__lzw *z, const giflow__sink *s)
{
    static const uint8_t first[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    const size_t n = (size_t)z->total, w = s->w, pos = (size_t)z->pos;
    uint8_t *px = s->canvas, *idx = px + 3 * n, *ord = px + 2 * n;
    memset(idx + pos, 0, n - pos); /* (valid indices for the pass) */
    for (int p = 0; p < 4; p++)
        for (size_t y = first[p]; y < s->h; y += step[p], idx += w)
            memcpy(ord + y * w, idx, w);
    /* In canvas order 2n bytes in: the first rows, up to 2n / 3 pixels,
     * convert front to back in place; the rest as FRONT's (their
     * pixels start at most 3w bytes before their indices). */
    size_t m = 2 * n / 3 / w * w;
    giflow__px_convert(px, ord, s->lut, z->clear, m);
    front_expand(px + 4 * m, 2 * n - 3 * m, n - m, s->lut, z->clear);
    for (size_t k = 0, p = 0; p < 4 && pos < n; p++)
        for (size_t y = first[p]; y < s->h; y += step[p], k++)
            if ((k + 1) * w > pos) { /* stored row k, from column pos - k w on */
                size_t x = k * w < pos ? pos - k * w : 0;
                memset(px + 4 * (y * w + x), 0, 4 * (w - x));
            }
    z->conv = n;
}

void giflow__lzw_settle(giflow__lzw *z, const giflow__sink *s, int done)
{
    const uint64_t n = z->total;
    if (z->mode == GIFLOW__LZW_FRONT) {
        /* Only at the end: until then the indices are the dictionary. The
         * pixels never decoded keep what was there (nothing of them was
         * touched: GIFLOW__FRONT_SURE). */
        if (done && z->pos > z->conv) {
            const uint8_t *idx = flat_at(z, s).out;
            front_expand(s->canvas, (size_t)(idx - s->canvas), (size_t)z->pos, s->lut, z->clear);
            z->conv = z->pos;
        }
        return;
    }
    if (z->mode == GIFLOW__LZW_BUFFER) {
        /* Whole rows as they complete; the partial last one at the end. */
        uint64_t upto = done ? z->pos : z->pos - z->pos % s->w;
        if (upto > z->conv) {
            buffer_paint(s, z->clear, flat_at(z, s).out, z->conv, upto);
            z->conv = upto;
        }
        return;
    }
    uint8_t *px = s->canvas;
    if (s->interlaced) {
        if (done && z->conv < n)
            tail_deinterlace(z, s);
        return;
    }
    /* Pixel k's RGBA lands on bytes [4k, 4k + 4): clear of the table. */
    uint64_t safe = done ? z->pos : (uint64_t)(flat_at(z, s).tab - px) / 4;
    if (safe > z->pos)
        safe = z->pos;
    if (safe > z->conv) {
        giflow__px_convert(px + 4 * z->conv, px + 3 * n + z->conv, s->lut, z->clear,
                           safe - z->conv);
        z->conv = safe;
    }
    if (done && z->conv < n) {
        memset(px + 4 * z->conv, 0, 4 * (n - z->conv)); /* never decoded */
        z->conv = n;
    }
}

size_t giflow__lzw_compose_flat(giflow__lzw *z, const uint8_t *src, size_t len,
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
