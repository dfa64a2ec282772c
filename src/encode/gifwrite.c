/* The GIF byte writer: output sink and block writers (see gifwrite.h). */
#include <string.h>

#include "gifwrite.h"
#include "../common/bytes.h"
#include "../common/gif_format.h"

void giflow__gw_init(giflow__gifout *o, giflow__heap *heap, int *status)
{
    memset(o, 0, sizeof *o);
    o->heap = heap;
    o->status = status;
}

void giflow__gw_set_callback(giflow__gifout *o, giflow_write_fn fn, void *user)
{
    o->write = fn;
    o->user = user;
    o->to_memory = 0;
}

void giflow__gw_set_memory(giflow__gifout *o)
{
    o->write = NULL;
    o->to_memory = 1;
}

void giflow__gw_release(giflow__gifout *o)
{
    giflow__free(o->heap, o->mem, o->mem_cap);
    o->mem = NULL;
    o->mem_len = o->mem_cap = 0;
}

/* Grows the memory output geometrically (the allocator hook has no
 * realloc). */
static int mem_append(giflow__gifout *o, const void *data, size_t size)
{
    if (o->mem_len + size > o->mem_cap) {
        size_t cap = o->mem_cap ? o->mem_cap : 65536;
        while (cap < o->mem_len + size)
            cap *= 2;
        int over;
        uint8_t *p = giflow__alloc(o->heap, cap, &over);
        if (!p)
            return over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM;
        if (o->mem_len)
            memcpy(p, o->mem, o->mem_len);
        giflow__free(o->heap, o->mem, o->mem_cap);
        o->mem = p;
        o->mem_cap = cap;
    }
    memcpy(o->mem + o->mem_len, data, size);
    o->mem_len += size;
    return GIFLOW_OK;
}

int giflow__gw_bytes(giflow__gifout *o, const void *data, size_t size)
{
    if (*o->status)
        return *o->status;
    int r = GIFLOW_OK;
    if (o->to_memory)
        r = mem_append(o, data, size);
    else if (o->write && o->write(o->user, data, size))
        r = GIFLOW_ERR_IO;
    if (r != GIFLOW_OK)
        return *o->status = r;
    o->bytes += size;
    return GIFLOW_OK;
}

int giflow__gw_sink(void *user, const uint8_t *data, size_t size)
{
    return giflow__gw_bytes(user, data, size) != GIFLOW_OK;
}

unsigned giflow__gw_table_bits(uint32_t n)
{
    unsigned b = 1;
    while ((1u << b) < n)
        b++;
    return b;
}

int giflow__gw_screen(giflow__gifout *o, uint32_t w, uint32_t h, unsigned gct_bits,
                      unsigned background, unsigned aspect)
{
    /* Colour resolution 8 bits (0x70), as every encoder writes it. */
    uint8_t b[GIFLOW__GIF_HEADER_SIZE] = {
        'G', 'I', 'F', '8', '9', 'a', 0, 0, 0, 0,
        (uint8_t)(gct_bits ? GIFLOW__GIF_HAS_PALETTE | 0x70 | (gct_bits - 1) : 0x70),
        (uint8_t)background, (uint8_t)aspect};
    giflow__put_le16(b + 6, w);
    giflow__put_le16(b + 8, h);
    return giflow__gw_bytes(o, b, sizeof b);
}

int giflow__gw_palette(giflow__gifout *o, const uint8_t *rgb, uint32_t n, unsigned bits)
{
    uint8_t pad[3 * 256];
    size_t size = (size_t)3 << bits, used = 3 * (size_t)n;
    if (used > size)
        used = size;
    memcpy(pad, rgb, used);
    memset(pad + used, 0, size - used);
    return giflow__gw_bytes(o, pad, size);
}

int giflow__gw_loop(giflow__gifout *o, unsigned loop)
{
    uint8_t b[19] = {GIFLOW__GIF_EXTENSION, GIFLOW__GIF_APPLICATION, GIFLOW__GIF_APP_ID_SIZE,
                     'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0',
                     3, 1, 0, 0, 0};
    giflow__put_le16(b + 16, loop);
    return giflow__gw_bytes(o, b, sizeof b);
}

int giflow__gw_gce(giflow__gifout *o, unsigned disposal, uint32_t delay_cs, int trans)
{
    uint8_t b[8] = {GIFLOW__GIF_EXTENSION, GIFLOW__GIF_GCE, GIFLOW__GIF_GCE_SIZE,
                    (uint8_t)((disposal & 7) << GIFLOW__GIF_GCE_DISPOSAL_SHIFT |
                              (trans >= 0 ? GIFLOW__GIF_GCE_TRANSPARENT : 0)),
                    0, 0, (uint8_t)(trans >= 0 ? trans : 0), 0};
    giflow__put_le16(b + 4, delay_cs);
    return giflow__gw_bytes(o, b, sizeof b);
}

int giflow__gw_image(giflow__gifout *o, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                     int interlaced, unsigned local_bits)
{
    uint8_t b[1 + GIFLOW__GIF_DESC_SIZE] = {GIFLOW__GIF_IMAGE};
    giflow__put_le16(b + 1, x);
    giflow__put_le16(b + 3, y);
    giflow__put_le16(b + 5, w);
    giflow__put_le16(b + 7, h);
    b[9] = (uint8_t)((local_bits ? GIFLOW__GIF_HAS_PALETTE | (local_bits - 1) : 0) |
                     (interlaced ? GIFLOW__GIF_INTERLACED : 0));
    return giflow__gw_bytes(o, b, sizeof b);
}

int giflow__gw_ext_begin(giflow__gifout *o, unsigned label)
{
    uint8_t b[2] = {GIFLOW__GIF_EXTENSION, (uint8_t)label};
    return giflow__gw_bytes(o, b, 2);
}

int giflow__gw_sub_block(giflow__gifout *o, const uint8_t *data, size_t size)
{
    uint8_t n = (uint8_t)size;
    int r = giflow__gw_bytes(o, &n, 1);
    return r == GIFLOW_OK && size ? giflow__gw_bytes(o, data, size) : r;
}

int giflow__gw_block_end(giflow__gifout *o)
{
    return giflow__gw_bytes(o, "", 1);
}

int giflow__gw_extension(giflow__gifout *o, unsigned label, const uint8_t *data, size_t size)
{
    int r = giflow__gw_ext_begin(o, label);
    const size_t max = GIFLOW__GIF_SUB_BLOCK_MAX;
    for (size_t i = 0; r == GIFLOW_OK && i < size; i += max)
        r = giflow__gw_sub_block(o, data + i, size - i < max ? size - i : max);
    return r == GIFLOW_OK ? giflow__gw_block_end(o) : r;
}

int giflow__gw_trailer(giflow__gifout *o)
{
    const uint8_t t = GIFLOW__GIF_TRAILER;
    return giflow__gw_bytes(o, &t, 1);
}

void giflow__blocks_begin(giflow__blocks *b, giflow__byte_sink sink, void *user)
{
    b->sink = sink;
    b->user = user;
    b->bytes = 0;
    b->failed = 0;
    b->len = 0;
}

void giflow__blocks_flush(giflow__blocks *b)
{
    if (!b->len)
        return;
    b->block[0] = (uint8_t)b->len;
    if (b->sink && !b->failed && b->sink(b->user, b->block, b->len + 1u))
        b->failed = 1;
    b->bytes += b->len + 1u;
    b->len = 0;
}

void giflow__blocks_write(giflow__blocks *b, const uint8_t *data, size_t n)
{
    while (n) {
        size_t room = GIFLOW__GIF_SUB_BLOCK_MAX - b->len, k = n < room ? n : room;
        memcpy(b->block + 1 + b->len, data, k);
        b->len += (unsigned)k;
        data += k;
        n -= k;
        if (b->len == GIFLOW__GIF_SUB_BLOCK_MAX)
            giflow__blocks_flush(b);
    }
}

int giflow__blocks_end(giflow__blocks *b)
{
    giflow__blocks_flush(b);
    uint8_t zero = 0;
    if (b->sink && !b->failed && b->sink(b->user, &zero, 1))
        b->failed = 1;
    b->bytes++;
    return b->failed ? -1 : 0;
}
