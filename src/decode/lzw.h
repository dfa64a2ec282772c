/*
 * GIF LZW decoder, kept apart from the container parser (libnsgif style).
 *
 * Bounded memory: the whole state is one struct with a 12 KiB table and no
 * stack. It runs in one of three modes, chosen per frame:
 *
 * - GIFLOW__LZW_INDEX: palette indices into any caller buffer, of any
 *   length. A string that does not fit is resumed on the next call (it is
 *   regenerated from the table instead of being buffered). Used for rows.
 * - GIFLOW__LZW_CANVAS: straight into an RGBA canvas through a palette
 *   lookup table, skipping transparent pixels, clipping, interlacing.
 * - GIFLOW__LZW_COPY: unclipped frames into a canvas. Each table entry
 *   remembers where its string was last written, so a code is emitted by
 *   copying pixels forward from the canvas itself (the frame's own earlier
 *   output is the dictionary). Transparent pixels are marked in the
 *   canvas while the frame decodes (lzw_copy.c).
 *
 * Chain tables (INDEX, CANVAS), per code >= first free code:
 *   link[c] bit 15 set   -> a run: the string is suffix[c] repeated, length
 *                           in bits 0..11. Runs emit with memset (or are
 *                           skipped when transparent), whatever their length.
 *   link[c] bit 15 clear -> bits 0..11 prefix code, bits 12..14 length - 1
 *                           when the length is 2..8, else 0 (walk to count).
 * Literal codes (below the clear code) are implicit: one byte, the code.
 *
 * Copy table (COPY): pos24[e] is where entry e's string starts, counted in
 * pixels from the last clear code, as 24 bits (16 + 8 in two aligned
 * arrays: each load then matches one earlier store, which matters because
 * new entries are read right after they are written). Entry e was made
 * from the strings written at two consecutive steps, so its length is
 * pos24[e + 1] - pos24[e] + 1. 24 bits always suffice: while entries are
 * still being made, a clear's worth of output is at most about 8.4 million
 * pixels (lengths 1, 2, ... 4094).
 */
#ifndef GIFLOW_DECODE_LZW_H
#define GIFLOW_DECODE_LZW_H

#include <stddef.h>
#include <stdint.h>

#include "../common/gif_format.h"
#include "giflow.h" /* the GIFLOW_CONFIG_* implications */

/* Codes 0..GIFLOW__LZW_MAX_CODE (12 bits). */
#define GIFLOW__LZW_TABLE (GIFLOW__LZW_MAX_CODE + 1)

enum {
    GIFLOW__LZW_RUNNING = 0,
    GIFLOW__LZW_EOI = 1,      /* end-of-information code seen */
    GIFLOW__LZW_BAD_CODE = -1 /* code above the next free code */
};

enum {
    GIFLOW__LZW_INDEX,
    GIFLOW__LZW_CANVAS,
    GIFLOW__LZW_COPY,
    GIFLOW__LZW_TAIL,  /* flat table in the canvas (lzw_flat.c): a first frame
                          that covers it */
    GIFLOW__LZW_BUFFER, /* flat table in a heap workspace */
    GIFLOW__LZW_FRONT  /* flat table at the front of the frame's own bytes:
                          a later opaque full-width frame that is known to
                          reach GIFLOW__FRONT_SURE pixels (compose.c) */
};

/* The flat modes' table: 8 bytes for each code and a dummy. */
#define GIFLOW__LZW_FLAT_TABLE_BYTES ((GIFLOW__LZW_TABLE + 1) * 8)
/* BUFFER mode's workspace for a frame of n pixels: the flat table, the
 * literals, the indices and 64 bytes of slack. */
#define GIFLOW__LZW_WORK_BYTES(n) ((size_t)(n) + GIFLOW__LZW_FLAT_TABLE_BYTES + 256 + 64)

/* Mode thresholds (decoder.c picks the mode per frame). */
/* TAIL keeps the flat table and the indices in the frame's own 4n canvas
 * bytes: from this size on they fit with room to convert while decoding. */
#define GIFLOW__TAIL_MIN_PIXELS (1u << 14)
/* FRONT: the table (8-byte aligned) and the literals lie before index 0,
 * which is at most this many bytes into the frame's canvas bytes. */
#define GIFLOW__FRONT_LEAD (GIFLOW__LZW_FLAT_TABLE_BYTES + 256 + 7)
/* FRONT writes index k at byte LEAD + k, and up to 16 bytes past the
 * output: once a frame has made p >= this many pixels, every byte it
 * touched lies in pixels below p (LEAD + p + 15 < 4p), all of them its own
 * new pixels, so no old pixel is lost wherever it stops after. */
#define GIFLOW__FRONT_SURE ((GIFLOW__FRONT_LEAD + 15) / 3 + 1)
/* The flat table's string offsets are 32-bit: frames must stay below. */
#define GIFLOW__FLAT_MAX_PIXELS (1u << 30)
/* BUFFER's workspace may take at most 1 / GIFLOW__WORK_CANVAS_SHARE of the
 * canvas's bytes, so the heap stays below the canvas plus the state. */
#define GIFLOW__WORK_CANVAS_SHARE 2
/* ... except that a workspace up to this size is always allowed: small
 * images and frames then take the flat path too. */
#define GIFLOW__WORK_MIN_BYTES (64u * 1024)

/* Where CANVAS and COPY modes write. Pixels are 4 bytes; lut maps an index
 * to the word stored, and 0 means transparent (leave the canvas alone). */
typedef struct giflow__sink {
    uint8_t *canvas;
    size_t stride;
    uint32_t canvas_h;
    uint32_t x0, y0;     /* frame origin on the canvas */
    uint32_t w, h;       /* frame size */
    uint32_t clip_w;     /* columns of each frame row inside the canvas */
    int interlaced;
    const uint32_t *lut;
    int transparent;     /* BUFFER: 1 + the transparent index, or 0 */
    uint8_t *work;       /* BUFFER mode's workspace */
} giflow__sink;

typedef struct giflow__lzw {
    uint64_t bits;     /* bit buffer, LSB first */
    unsigned nbits;    /* valid bits in bits */
    unsigned lit_width; /* minimum code size */
    unsigned clear;    /* clear code = 1 << lit_width */
    unsigned next;     /* next free code; GIFLOW__LZW_TABLE when full */
    unsigned width;    /* current code width */
    int mode;          /* GIFLOW__LZW_* mode */
    int prev;          /* previous code, -1 right after a clear */
    unsigned prev_len; /* length of prev's string */
    uint8_t prev_first; /* first byte of prev's string */
    int status;        /* GIFLOW__LZW_* status */
    /* INDEX: a string that did not fit the output: code, length, done. */
    unsigned pend_code, pend_len, pend_done;
#ifndef GIFLOW_CONFIG_NO_CANVAS /* INDEX mode only: none of the canvas modes' fields */
    /* CANVAS, COPY: pixels written so far, and the frame's total. */
    uint64_t pos, total;
    /* COPY: position of the last clear, and where prev's string starts. */
    uint64_t epoch, prev_pos;
    uint64_t conv;     /* TAIL, BUFFER: pixels painted so far */
    uint64_t mark_from; /* COPY with marks: the first transparent pixel */
#endif
    union {
#ifdef GIFLOW_CONFIG_SMALL_LZW
        /* Small LZW: 12-bit links, two in three bytes (a prefix, or a run's
         * length; no cached lengths): 10 KiB instead of 12 (lzw_impl.h). */
        struct {
            uint8_t link[GIFLOW__LZW_TABLE * 3 / 2];
            uint8_t suffix[GIFLOW__LZW_TABLE];
        } chain;
#else
        struct {
            uint16_t link[GIFLOW__LZW_TABLE];
            uint8_t suffix[GIFLOW__LZW_TABLE];
        } chain;
#ifndef GIFLOW_CONFIG_NO_CANVAS
        struct {
            uint16_t lo[GIFLOW__LZW_TABLE + 1];
            uint8_t hi[GIFLOW__LZW_TABLE + 1];
        } pos24;
#endif
#endif
#ifndef GIFLOW_CONFIG_NO_CANVAS
        struct {
            unsigned ready;       /* the literal entries are in place */
            uint32_t prev_src;    /* where prev's string starts */
        } flat;
#endif
    } t;
} giflow__lzw;

/* lit_width is the stream's minimum code size (0..11 are accepted here;
 * the parser enforces the browser's limit). total is the frame's pixel
 * count (used by the canvas modes). */
void giflow__lzw_init(giflow__lzw *z, unsigned lit_width, int mode, uint64_t total);

/* INDEX mode. Decodes from src[0..len) into dst[0..n). Returns the bytes
 * written and stores the input bytes consumed in *used. Stops when dst is
 * full, when the input is used up, or when z->status leaves RUNNING. */
size_t giflow__lzw_decode(giflow__lzw *z, const uint8_t *src, size_t len,
                          size_t *used, uint8_t *dst, size_t n);

/* TAIL and BUFFER modes: paints decoded indices into the canvas as far as
 * is safe (TAIL) or as rows complete (BUFFER) while the frame goes on, or
 * all of them once it is over (done: the frame is complete, or broken;
 * then TAIL makes pixels never decoded transparent). */
void giflow__lzw_settle(giflow__lzw *z, const giflow__sink *s, int done);

/* TAIL and BUFFER modes, reading rd->ip up to rd->blk_end. With
 * rd->framed, that is the end of the current sub-block of the raw stream,
 * and the sub-blocks after it, through the terminator, must all be in
 * memory: they are followed without copying. Advances rd->ip and
 * rd->blk_end (the current sub-block's end); rd->ended tells that the
 * terminator was read. Stops like giflow__lzw_compose(). */
typedef struct giflow__lzw_in {
    const uint8_t *ip, *blk_end;
    int framed, ended;
} giflow__lzw_in;
void giflow__lzw_compose_in(giflow__lzw *z, giflow__lzw_in *rd, const giflow__sink *s);

/* CANVAS, COPY, TAIL and BUFFER modes. Decodes from src[0..len) into the
 * sink until the frame is full (z->pos == z->total), the input is used up,
 * or z->status leaves RUNNING. Returns the input bytes consumed. */
size_t giflow__lzw_compose(giflow__lzw *z, const uint8_t *src, size_t len,
                           const giflow__sink *s);

/* Whether an LZW stream of minimum code size lit_width (2..8) yields n
 * pixels before it ends or breaks, read from ip: ip..blk_end is the rest
 * of the current sub-block, sub-blocks follow, and nothing at or past end
 * is read. Uses z's table (the caller then calls giflow__lzw_init). */
int giflow__lzw_fills(giflow__lzw *z, unsigned lit_width, const uint8_t *ip,
                      const uint8_t *blk_end, const uint8_t *end, uint64_t n);

/* COPY mode, for a frame with a transparent index: takes the marks out of
 * the canvas. Called whenever the frame's decoding stops (complete,
 * broken), before the canvas goes back to the caller. */
void giflow__lzw_copy_unmark(giflow__lzw *z, const giflow__sink *s);

#endif
