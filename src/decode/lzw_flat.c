/*
 * TAIL and BUFFER modes (lzw.h): a flat string table, then the pixel pass.
 */
#include "lzw_impl.h"
#include "pixels.h"

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

/* Paints indices [from, to) of the BUFFER workspace (stream order) into
 * the canvas: row by row, clipped, transparent pixels left alone. */
static void buffer_paint(const giflow__sink *s, const uint8_t *idx, uint64_t from, uint64_t to)
{
    const uint32_t *lut = s->lut;
    while (from < to) {
        uint64_t k = from / s->w;
        uint32_t x = (uint32_t)(from % s->w);
        uint64_t e = (k + 1) * s->w < to ? (k + 1) * s->w : to;
        uint8_t *rp = giflow__sink_row(s, k);
        uint32_t xe = x + (uint32_t)(e - from) < s->clip_w ? x + (uint32_t)(e - from) : s->clip_w;
        const uint8_t *ip = idx + from - x;
        if (rp && x < xe && s->transparent) {
            giflow__px_paint(rp + 4 * (size_t)x, ip + x, lut, xe - x,
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
        giflow__px_convert(px + 4 * z->conv, px + 3 * n + z->conv, s->lut, safe - z->conv);
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
