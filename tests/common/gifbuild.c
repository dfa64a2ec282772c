#include "gifbuild.h"

#include <stdlib.h>
#include <string.h>

void tb_free(tb_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void tb_bytes(tb_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            abort();
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void tb_u8(tb_buf *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    tb_bytes(b, &c, 1);
}

void tb_u16(tb_buf *b, unsigned v)
{
    tb_u8(b, v & 0xFF);
    tb_u8(b, v >> 8);
}

static unsigned table_bits(unsigned entries)
{
    unsigned k = 0;
    while ((2u << k) < entries)
        k++;
    return k;
}

void tb_header(tb_buf *b, unsigned w, unsigned h, const uint8_t *gct,
               unsigned entries, unsigned bg)
{
    tb_bytes(b, "GIF89a", 6);
    tb_u16(b, w);
    tb_u16(b, h);
    tb_u8(b, gct && entries ? 0x80 | 0x70 | table_bits(entries) : 0x70);
    tb_u8(b, bg);
    tb_u8(b, 0);
    if (gct && entries)
        tb_bytes(b, gct, 3 * (size_t)entries);
}

void tb_gce(tb_buf *b, unsigned disposal, unsigned delay, int trans)
{
    uint8_t g[8] = {0x21, 0xF9, 4, (uint8_t)((disposal & 7) << 2 | (trans >= 0)),
                    (uint8_t)delay, (uint8_t)(delay >> 8),
                    (uint8_t)(trans >= 0 ? trans : 0), 0};
    tb_bytes(b, g, 8);
}

void tb_netscape(tb_buf *b, unsigned loops)
{
    tb_bytes(b, "\x21\xFF\x0BNETSCAPE2.0\x03\x01", 16);
    tb_u16(b, loops);
    tb_u8(b, 0);
}

void tb_comment(tb_buf *b, const char *text)
{
    tb_u8(b, 0x21);
    tb_u8(b, 0xFE);
    tb_subblocks(b, (const uint8_t *)text, strlen(text), 255);
}

void tb_trailer(tb_buf *b)
{
    tb_u8(b, 0x3B);
}

void tb_subblocks(tb_buf *b, const uint8_t *data, size_t n, unsigned maxblock)
{
    if (maxblock == 0 || maxblock > 255)
        maxblock = 255;
    while (n) {
        unsigned k = n < maxblock ? (unsigned)n : maxblock;
        tb_u8(b, k);
        tb_bytes(b, data, k);
        data += k;
        n -= k;
    }
    tb_u8(b, 0);
}

void tb_bits_put(tb_bits *w, unsigned code, unsigned width)
{
    w->acc |= (uint32_t)code << w->n;
    w->n += width;
    while (w->n >= 8) {
        tb_u8(w->out, w->acc & 0xFF);
        w->acc >>= 8;
        w->n -= 8;
    }
}

void tb_bits_flush(tb_bits *w)
{
    if (w->n)
        tb_u8(w->out, w->acc & 0xFF);
    w->acc = w->n = 0;
}

/* Encoder state mirroring the decoder's code accounting. After each data
 * code the next-code counter advances (to at most 4096) and the width grows
 * when the counter reaches 1 << width. The entry a decoder creates while
 * reading code k+1 is "code k + first byte of code k+1", in slot
 * clear + 1 + k; the encoder knows it as soon as it has written code k. */
typedef struct enc {
    tb_bits bits;
    unsigned mcs, clear, next, width;
    uint16_t (*child)[256]; /* child[code][byte] = slot, 0 = none */
} enc;

static void enc_reset(enc *e)
{
    memset(e->child, 0, 4096 * sizeof *e->child);
    e->next = e->clear + 1;
    e->width = e->mcs + 1;
}

void tb_lzw(tb_buf *out, unsigned mcs, const uint8_t *px, size_t n,
            const tb_lzw_opts *o)
{
    tb_lzw_opts none = {0};
    if (!o)
        o = &none;
    enc e;
    memset(&e, 0, sizeof e);
    e.bits.out = out;
    e.mcs = mcs;
    e.clear = 1u << mcs;
    e.child = calloc(4096, sizeof *e.child);
    if (!e.child)
        abort();
    enc_reset(&e);
    if (!o->no_initial_clear)
        tb_bits_put(&e.bits, e.clear, e.width);
    size_t i = 0;
    while (i < n) {
        unsigned code = px[i++], c;
        while (!o->literal_only && i < n && (c = e.child[code][px[i]]) != 0) {
            code = c;
            i++;
        }
        tb_bits_put(&e.bits, code, e.width);
        if (e.next <= 4095) {
            e.next++;
            if (e.width < 12)
                e.width += (e.next >> e.width) & 1;
            if (e.next <= 4095 && i < n)
                e.child[code][px[i]] = (uint16_t)e.next;
        }
        if (e.next > 4095 && !o->deferred_clear && i < n) {
            tb_bits_put(&e.bits, e.clear, e.width);
            enc_reset(&e);
        }
    }
    if (!o->no_eoi)
        tb_bits_put(&e.bits, e.clear + 1, e.width);
    tb_bits_flush(&e.bits);
    free(e.child);
}

void tb_image_data(tb_buf *b, const tb_image *im, const uint8_t *px)
{
    unsigned mcs = im->mcs ? im->mcs : 8;
    tb_u8(b, 0x2C);
    tb_u16(b, im->x);
    tb_u16(b, im->y);
    tb_u16(b, im->w);
    tb_u16(b, im->h);
    uint8_t flags = (uint8_t)(im->interlaced ? 0x40 : 0);
    if (im->lct && im->lct_entries)
        flags |= (uint8_t)(0x80 | table_bits(im->lct_entries));
    tb_u8(b, flags);
    if (im->lct && im->lct_entries)
        tb_bytes(b, im->lct, 3 * (size_t)im->lct_entries);
    tb_u8(b, mcs);
    size_t n = (size_t)im->w * im->h;
    uint8_t *order = malloc(n ? n : 1);
    if (!order)
        abort();
    if (im->interlaced) {
        static const unsigned start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
        size_t k = 0;
        for (int p = 0; p < 4; p++)
            for (unsigned y = start[p]; y < im->h; y += step[p])
                memcpy(order + (k++) * im->w, px + (size_t)y * im->w, im->w);
    } else if (n) {
        memcpy(order, px, n);
    }
    tb_buf lzw = {0};
    tb_lzw(&lzw, mcs, order, n, &im->lzw);
    tb_subblocks(b, lzw.data, lzw.len, im->maxblock);
    tb_free(&lzw);
    free(order);
}
