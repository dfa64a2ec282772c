/*
 * The GIF byte writer: the output sink (a callback or a growing memory
 * buffer) and one writer per block of the format. Everything the encoder
 * and the transcoder put in a file goes through here, so block layout,
 * palette padding and sub-block framing exist once.
 *
 * Errors are sticky through *status, which the owner (encoder or
 * transcoder) shares: once a write failed, every later one returns it.
 */
#ifndef GIFLOW_ENCODE_GIFWRITE_H
#define GIFLOW_ENCODE_GIFWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "giflow.h"
#include "../common/mem.h"
#include "../common/gif_format.h"

typedef struct giflow__gifout {
    giflow__heap *heap;    /* for the memory buffer */
    int *status;           /* the owner's sticky error */
    giflow_write_fn write; /* NULL with to_memory 0: bytes are dropped */
    void *user;
    int to_memory;
    uint8_t *mem;
    size_t mem_len, mem_cap;
    uint64_t bytes;        /* written so far */
} giflow__gifout;

void giflow__gw_init(giflow__gifout *o, giflow__heap *heap, int *status);
void giflow__gw_set_callback(giflow__gifout *o, giflow_write_fn fn, void *user);
void giflow__gw_set_memory(giflow__gifout *o);
/* Frees the memory buffer. */
void giflow__gw_release(giflow__gifout *o);

/* Raw bytes. Returns GIFLOW_OK or the sticky error (GIFLOW_ERR_IO when the
 * callback failed, NOMEM / LIMIT_MEMORY when the buffer could not grow). */
int giflow__gw_bytes(giflow__gifout *o, const void *data, size_t size);
/* A byte sink for giflow__lzwenc: returns nonzero on failure. */
int giflow__gw_sink(void *user, const uint8_t *data, size_t size);

/* Bits of a colour table holding n entries (1..8; n <= 256). */
unsigned giflow__gw_table_bits(uint32_t n);

/* "GIF89a" and the logical screen descriptor. gct_bits: size of the
 * global colour table (2 << (bits - 1) entries), 0 for none. */
int giflow__gw_screen(giflow__gifout *o, uint32_t w, uint32_t h, unsigned gct_bits,
                      unsigned background, unsigned aspect);
/* A colour table of 1 << bits entries: n RGB triplets, zero padded. */
int giflow__gw_palette(giflow__gifout *o, const uint8_t *rgb, uint32_t n, unsigned bits);
/* NETSCAPE2.0 loop extension (0: forever, N: N repeats). */
int giflow__gw_loop(giflow__gifout *o, unsigned loop);
/* Graphic control: disposal 0..7, delay in centiseconds, transparent
 * index or -1. */
int giflow__gw_gce(giflow__gifout *o, unsigned disposal, uint32_t delay_cs, int trans);
/* Image descriptor; local_bits as gct_bits above. */
int giflow__gw_image(giflow__gifout *o, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                     int interlaced, unsigned local_bits);
/* A whole extension: label, data cut into 255-byte sub-blocks, terminator.
 * size 0 writes the label and the terminator alone. */
int giflow__gw_extension(giflow__gifout *o, unsigned label, const uint8_t *data, size_t size);
/* The same in pieces, for extensions copied sub-block by sub-block. */
int giflow__gw_ext_begin(giflow__gifout *o, unsigned label);
int giflow__gw_sub_block(giflow__gifout *o, const uint8_t *data, size_t size); /* <= 255 */
int giflow__gw_block_end(giflow__gifout *o); /* the 0 terminator */
int giflow__gw_trailer(giflow__gifout *o);

/* Sub-block framing of a byte stream (LZW data): bytes gather into
 * 255-byte blocks, each written with its length byte as it fills. A NULL
 * sink only counts. */
typedef int (*giflow__byte_sink)(void *user, const uint8_t *data, size_t size);

typedef struct giflow__blocks {
    giflow__byte_sink sink;
    void *user;
    uint64_t bytes;      /* produced, framing included */
    int failed;          /* the sink reported an error */
    unsigned len;
    uint8_t block[1 + GIFLOW__GIF_SUB_BLOCK_MAX]; /* block[0]: the length byte */
} giflow__blocks;

void giflow__blocks_begin(giflow__blocks *b, giflow__byte_sink sink, void *user);
void giflow__blocks_flush(giflow__blocks *b);
static inline void giflow__blocks_put(giflow__blocks *b, uint8_t v)
{
    b->block[++b->len] = v;
    if (b->len == GIFLOW__GIF_SUB_BLOCK_MAX)
        giflow__blocks_flush(b);
}
/* n bytes, as n giflow__blocks_put calls. */
void giflow__blocks_write(giflow__blocks *b, const uint8_t *data, size_t n);
/* Writes what is left and the terminator. Returns 0, or -1 if the sink
 * failed at any point. */
int giflow__blocks_end(giflow__blocks *b);

#endif
