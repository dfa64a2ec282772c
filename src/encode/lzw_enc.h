/*
 * GIF LZW encoder: pixels in (any number per call), sub-blocked bytes out.
 *
 * Strings are found through an open-addressing hash table keyed by
 * (prefix code, next byte); entries carry a generation number, so a clear
 * costs nothing. Code widths follow exactly the rule decoders use (the
 * first code after a clear advances the counter without an entry), and the
 * table is cleared when it fills.
 */
#ifndef GIFLOW_ENCODE_LZW_ENC_H
#define GIFLOW_ENCODE_LZW_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "gifwrite.h"

#define GIFLOW__LZWE_HASH 8192 /* twice the code space: short probe runs */

/* Finished sub-blocks go to a giflow__byte_sink (gifwrite.h); a NULL sink
 * only counts bytes (out.bytes, framing included; used to compare
 * candidate encodings). */
typedef struct giflow__lzwenc {
    giflow__blocks out;    /* sub-block framing */
    uint64_t acc;          /* bit accumulator, LSB first */
    unsigned nacc;
    unsigned mcs, clear, next, width;
    int cur;               /* code of the string matched so far, -1 none */
    int alt_colour;        /* push_alt: the last pixel was a colour */
    uint32_t gen;          /* generation of the live table entries */
    uint32_t key[GIFLOW__LZWE_HASH]; /* gen << 20 | prefix << 8 | byte */
    uint16_t code[GIFLOW__LZWE_HASH];
} giflow__lzwenc;

/* Starts a code stream with minimum code size mcs (2..8); writes the code
 * size byte and a clear code. */
void giflow__lzwenc_begin(giflow__lzwenc *e, unsigned mcs, giflow__byte_sink sink,
                          void *user);
/* Encodes n indices (each below 1 << mcs). */
void giflow__lzwenc_push(giflow__lzwenc *e, const uint8_t *px, size_t n);
/* Encodes n pixels where pixel i may be either px[i] or alt[i] (equal
 * when there is no choice, e.g. a changed pixel; different for a pixel
 * that may stay transparent or repeat the colour on screen). Greedy: a
 * string grows by px[i] when the table holds it, else (policy) by alt[i]:
 * never (NONE), next to colour (NEAR), or anywhere, runs of the
 * alternative then starting strings of their own (ANY). */
#define GIFLOW__ALT_NONE 0
#define GIFLOW__ALT_NEAR 1
#define GIFLOW__ALT_ANY 2
void giflow__lzwenc_push_alt(giflow__lzwenc *e, const uint8_t *px, const uint8_t *alt,
                             size_t n, int policy);
/* Ends the stream: last code, end code, last sub-block, terminator.
 * Returns 0, or -1 if the sink failed. */
int giflow__lzwenc_end(giflow__lzwenc *e);

#endif
