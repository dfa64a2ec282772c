/*
 * GIF LZW decoder, kept apart from the container parser (libnsgif style).
 *
 * Bounded memory: the whole state is one struct with a 12 KiB table and no
 * stack. Output goes into any caller buffer, of any length, and a string
 * that does not fit is resumed on the next call (it is regenerated from the
 * table instead of being buffered). Input is the de-chunked payload of the
 * image sub-blocks; bytes may arrive in pieces of any size.
 *
 * Table layout, per code >= first free code:
 *   link[c] bit 15 set   -> a run: string is suffix[c] repeated, length in
 *                           bits 0..11. Runs emit with memset, whatever
 *                           their length, which is what flat areas and
 *                           transparency are made of.
 *   link[c] bit 15 clear -> bits 0..11 prefix code, bits 12..14 length - 1
 *                           when the length is 2..8, else 0 (walk to count).
 * Literal codes (below the clear code) are implicit: one byte, the code.
 */
#ifndef GIFLOW_DECODE_LZW_H
#define GIFLOW_DECODE_LZW_H

#include <stddef.h>
#include <stdint.h>

#define GIFLOW__LZW_TABLE 4096

enum {
    GIFLOW__LZW_RUNNING = 0,
    GIFLOW__LZW_EOI = 1,      /* end-of-information code seen */
    GIFLOW__LZW_BAD_CODE = -1 /* code above the next free code */
};

typedef struct giflow__lzw {
    uint64_t bits;     /* bit buffer, LSB first */
    unsigned nbits;    /* valid bits in bits */
    unsigned lit_width; /* minimum code size */
    unsigned clear;    /* clear code = 1 << lit_width */
    unsigned next;     /* next free code; 4096 when the table is full */
    unsigned width;    /* current code width */
    int prev;          /* previous code, -1 right after a clear */
    unsigned prev_len; /* length of prev's string */
    uint8_t prev_first; /* first byte of prev's string */
    int status;        /* GIFLOW__LZW_* */
    /* A string that did not fit the output: code, length, bytes done. */
    unsigned pend_code, pend_len, pend_done;
    uint16_t link[GIFLOW__LZW_TABLE];
    uint8_t suffix[GIFLOW__LZW_TABLE];
} giflow__lzw;

/* lit_width is the stream's minimum code size (0..11 are accepted here;
 * the parser enforces the browser's limit). */
void giflow__lzw_init(giflow__lzw *z, unsigned lit_width);

/* Decodes from src[0..len) into dst[0..n). Returns the bytes written and
 * stores the input bytes consumed in *used. Stops when dst is full, when the
 * input is used up, or when z->status leaves GIFLOW__LZW_RUNNING. */
size_t giflow__lzw_decode(giflow__lzw *z, const uint8_t *src, size_t len,
                          size_t *used, uint8_t *dst, size_t n);

#endif
