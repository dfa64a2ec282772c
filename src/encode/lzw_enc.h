/*
 * GIF LZW encoder: pixels in (any number per call), sub-blocked bytes out.
 *
 * Strings are found through an open-addressing hash table keyed by
 * (prefix code, next byte); a clear empties it (32 KB). Code widths follow exactly the rule decoders use (the
 * first code after a clear advances the counter without an entry), and the
 * table is cleared when it fills, or (defer) later, when coding on with the
 * full table stops paying.
 */
#ifndef GIFLOW_ENCODE_LZW_ENC_H
#define GIFLOW_ENCODE_LZW_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "../common/gif_format.h"
#include "gifwrite.h"

#define GIFLOW__LZWE_HASH 16384 /* four times the code space: short probe runs */
#define GIFLOW__LZWE_EMPTY 0xFFFFFFFFu /* no entry has prefix 4095 */
#define GIFLOW__LZWE_KEEP 0xFFFFFFFFu  /* defer: a full table is kept to the end */

/* A coder's state at one point of a stream, to code on from there in
 * another trial that codes the same way up to it (the bytes before it
 * are the caller's to copy). */
typedef struct giflow__lzwe_snap {
    int taken;             /* 0: the point was not reached */
    uint64_t pos;          /* the pixel the next string starts at */
    unsigned v;            /* its first value */
    unsigned next, width, nacc;
    uint64_t acc, bytes;   /* bytes: given to the sink before it */
    unsigned len;          /* the sub-block being filled */
    uint8_t block[1 + GIFLOW__GIF_SUB_BLOCK_MAX];
    uint32_t slot[GIFLOW__LZWE_HASH]; /* the table (fill snapshots only) */
} giflow__lzwe_snap;

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
    uint64_t limit;        /* pushes stop once out.bytes passes it (a
                              trial that has lost; begin: no limit) */
    uint32_t defer;        /* 0 (begin): clear when the table fills; else
                              code on with the full table (decoders stop
                              adding entries) and clear once a window of
                              defer pixels codes in more bits per pixel
                              than the one before it; GIFLOW__LZWE_KEEP:
                              never clear */
    int early;             /* begin: 0; else the table is cleared once
                              when it reaches 2048 codes (12-bit codes
                              would start) */
    uint32_t fills;        /* times the table filled (begin: 0) */
    giflow__lzwe_snap *snap_fill;  /* begin: NULL; else filled at the
                              table's first fill (push, push_best) */
    giflow__lzwe_snap *snap_early; /* likewise where it reaches 2048 codes
                              (push_best only: push's hot loop ran 12%
                              slower with that check) */
    int flex;              /* begin: 0; else, once the table is full,
                              strings may end a pixel short where the
                              next reaches further (push and push_best;
                              the look-ahead ends with each push, so the
                              stream then depends on how it is cut) */
    uint32_t clears;       /* times it was emptied */
    uint64_t pos;          /* pixels consumed before the current push */
    uint64_t win_pos, win_bits, win_num, win_den; /* the window so far, and
                              the last one's pixels and bits */
    /* (prefix << 8 | byte) << 12 | code, or GIFLOW__LZWE_EMPTY: one load
     * per probe, and 32 KB that stay in L1 between rows. */
    uint32_t slot[GIFLOW__LZWE_HASH];
    /* The table as a tree, for lossy pushes only: each code's first child
     * (0: none), next sibling and last byte. */
    uint16_t child[GIFLOW__LZW_MAX_CODE + 1], sibling[GIFLOW__LZW_MAX_CODE + 1];
    uint8_t last[GIFLOW__LZW_MAX_CODE + 1];
} giflow__lzwenc;

#define GIFLOW__LZW_SAME (-2)

/* What a lossy push may accept at each pixel of the row it is given. */
typedef struct giflow__lzw_lossy {
    const uint8_t *pal;     /* RGB of every index (256 entries readable) */
    const uint8_t *src;     /* the row's source pixels, RGBA */
    const uint8_t *shown;   /* the screen under the row, RGBA: what the
                               transparent index shows */
    const int32_t *limit;   /* per pixel: the largest squared RGB error
                               (sum over R, G, B) against src accepted;
                               -1: only the given index; GIFLOW__LZW_SAME:
                               any index showing exactly the screen's
                               colour (the transparent one included) */
    int trans;              /* transparent index, or -1 */
} giflow__lzw_lossy;

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
/* Like push_alt, for a whole stream's pixels in one push (the first),
 * choosing freely between px[i] and alt[i]: each string is the longest
 * the table holds over those choices (a depth-first search, a few
 * branches deep), and where a string starts at a pixel with a choice, it
 * starts with the value whose string then reaches further (px, the
 * transparent index, on a tie). scratch: GIFLOW__LZWE_SCRATCH entries. */
#define GIFLOW__LZWE_SCRATCH (6 * (GIFLOW__LZW_MAX_CODE + 2))
void giflow__lzwenc_push_best(giflow__lzwenc *e, const uint8_t *px, const uint8_t *alt,
                              size_t n, uint16_t *scratch);
/* Lossy LZW: encodes n indices like giflow__lzwenc_push, but where the
 * string so far has no entry for the next index, it may continue with
 * another index whose colour is within l->limit of the source pixel
 * (the transparent index counts as the screen's colour), and px[] is
 * updated to what was encoded. Deterministic. A stream should use either
 * this or giflow__lzwenc_push. */
void giflow__lzwenc_push_lossy(giflow__lzwenc *e, uint8_t *px, size_t n,
                               const giflow__lzw_lossy *l);
/* Codes px[s->pos..n) (alt as push_best's, or NULL for push) on from a
 * snapshot of a stream of minimum code size mcs: early, the table
 * cleared there (s: snap_early), else kept to the end from its fill (s:
 * snap_fill). The caller sets limit and flex after begin-like defaults. */
void giflow__lzwenc_resume(giflow__lzwenc *e, const giflow__lzwe_snap *s, unsigned mcs,
                           giflow__byte_sink sink, void *user);
void giflow__lzwenc_resume_push(giflow__lzwenc *e, const giflow__lzwe_snap *s, int early,
                                const uint8_t *px, const uint8_t *alt, size_t n,
                                uint16_t *scratch);
/* Ends the stream: last code, end code, last sub-block, terminator.
 * Returns 0, or -1 if the sink failed. */
int giflow__lzwenc_end(giflow__lzwenc *e);

#endif
