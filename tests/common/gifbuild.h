/* Builds GIF streams in memory for tests. Its LZW encoder is a separate,
 * deliberately naive implementation (a full trie, no hashing), so the
 * decoder is checked against code that shares nothing with it. */
#ifndef GIFLOW_GIFBUILD_H
#define GIFLOW_GIFBUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct tb_buf {
    uint8_t *data;
    size_t len, cap;
} tb_buf;

void tb_free(tb_buf *b);
void tb_bytes(tb_buf *b, const void *p, size_t n);
void tb_u8(tb_buf *b, unsigned v);
void tb_u16(tb_buf *b, unsigned v);

/* Header + logical screen. gct: entries RGB triplets (entries a power of two
 * from 2 to 256), or NULL/0 for none. */
void tb_header(tb_buf *b, unsigned w, unsigned h, const uint8_t *gct,
               unsigned entries, unsigned bg);
/* Graphic control: disposal 0..7, delay in cs, transparent index or -1. */
void tb_gce(tb_buf *b, unsigned disposal, unsigned delay, int trans);
void tb_netscape(tb_buf *b, unsigned loops);
void tb_comment(tb_buf *b, const char *text);
void tb_trailer(tb_buf *b);

/* Splits data into sub-blocks of at most maxblock (1..255) bytes and ends
 * them with a terminator. */
void tb_subblocks(tb_buf *b, const uint8_t *data, size_t n, unsigned maxblock);

/* LZW code stream (no sub-blocks) for pixel indices px[0..n). Codes are
 * packed LSB first with the width rule browsers use. */
typedef struct tb_lzw_opts {
    int no_initial_clear; /* omit the leading clear code */
    int no_eoi;           /* omit the end code */
    int deferred_clear;   /* when the table is full, keep coding without a
                             clear (12-bit codes, no new entries) */
    int literal_only;     /* never use multi-byte strings */
} tb_lzw_opts;
void tb_lzw(tb_buf *out, unsigned mcs, const uint8_t *px, size_t n,
            const tb_lzw_opts *opts);

/* Packs explicit codes: each code with its width (LSB first). */
typedef struct tb_bits {
    tb_buf *out;
    uint32_t acc;
    unsigned n;
} tb_bits;
void tb_bits_put(tb_bits *w, unsigned code, unsigned width);
void tb_bits_flush(tb_bits *w);

/* Image descriptor + optional local palette + LZW data in sub-blocks.
 * px holds w*h indices in true row order; interlaced frames are written in
 * interlace order. */
typedef struct tb_image {
    unsigned x, y, w, h;
    const uint8_t *lct;
    unsigned lct_entries;
    int interlaced;
    unsigned mcs;        /* 0 means 8 */
    unsigned maxblock;   /* sub-block size, 0 means 255 */
    tb_lzw_opts lzw;
} tb_image;
void tb_image_data(tb_buf *b, const tb_image *im, const uint8_t *px);

#endif
