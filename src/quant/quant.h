/*
 * Colour quantization, remapping and dithering (internal to the library).
 *
 * Used by the encoder per frame (or per row for huge images). Everything
 * here is pure computation on caller memory: no I/O, no globals, and any
 * working memory is passed in (sizes given by the *_bytes() functions) so
 * the encoder can allocate it through the user's allocator hook.
 *
 * Pixels are RGBA8, non-premultiplied. A pixel whose alpha is below the
 * caller's alpha threshold is "transparent" and is ignored by palette
 * building (the encoder maps it to the transparent index itself).
 */
#ifndef GIFLOW_QUANT_QUANT_H
#define GIFLOW_QUANT_QUANT_H

#include <stddef.h>
#include <stdint.h>

typedef struct giflow__palette {
    uint32_t n;          /* entries in use, 0..256 */
    uint8_t rgb[256 * 3];
} giflow__palette;

/* Sorts entries by luminance (Rec. 601), ties by RGB value: neighbouring
 * indices then hold similar colours, which helps LZW. */
void giflow__palette_sort(giflow__palette *p);

/* ---- Exact colour sets ---------------------------------------------------
 * Detects frames with few enough distinct colours to be encoded losslessly
 * with their exact palette. */
typedef struct giflow__colorset {
    uint32_t key[512];   /* open addressing; 0xFFFFFFFF = empty */
    uint32_t n;          /* distinct opaque colours seen */
    uint32_t max;        /* capacity asked for (<= 256) */
    int overflow;        /* more than max colours were seen */
} giflow__colorset;

void giflow__colorset_init(giflow__colorset *s, uint32_t max);
/* Adds n pixels (stride 4 bytes); pixels with alpha < alpha_min are ignored.
 * Returns 0 once the set has overflowed (callers can stop feeding). */
int giflow__colorset_add(giflow__colorset *s, const uint8_t *rgba, size_t n,
                         uint8_t alpha_min);
/* The exact palette, sorted by luminance for better LZW locality. Only valid
 * when !s->overflow. */
void giflow__colorset_palette(const giflow__colorset *s, giflow__palette *out);

/* ---- Palette building ------------------------------------------------------
 * A high-quality quantizer: an initial palette (e.g. Wu's method or median
 * cut) refined by k-means iterations. Colour statistics are accumulated
 * from any number of pixel batches (a frame, a sample of rows, several
 * frames for a global palette) in bounded memory. */
typedef struct giflow__quant giflow__quant;

/* Working memory for one quantizer (fixed, independent of image size). */
size_t giflow__quant_bytes(void);
giflow__quant *giflow__quant_init(void *mem);
void giflow__quant_reset(giflow__quant *q);
/* Accumulates n pixels; weight scales their importance (1 = normal). */
void giflow__quant_add(giflow__quant *q, const uint8_t *rgba, size_t n,
                       uint8_t alpha_min, uint32_t weight);
/* Builds at most max_colors (1..256) entries into out. Returns the mean
 * squared error per pixel (over the accumulated statistics, RGB). */
double giflow__quant_build(giflow__quant *q, uint32_t max_colors, giflow__palette *out);

/* ---- Remapping ----------------------------------------------------------
 * Nearest palette colour, fast: a cache or lookup structure, never a
 * per-pixel scan of the whole palette in the common case. */
typedef struct giflow__remap giflow__remap;

size_t giflow__remap_bytes(void);
/* skip: a palette index never to be chosen (the transparent index), or -1. */
giflow__remap *giflow__remap_init(void *mem, const giflow__palette *pal, int skip);
uint8_t giflow__remap_nearest(giflow__remap *r, int red, int green, int blue);

/* ---- Dithering, row by row -----------------------------------------------*/
enum {
    GIFLOW__DITHER_NONE = 0,
    GIFLOW__DITHER_FS = 1,      /* Floyd-Steinberg, serpentine */
    GIFLOW__DITHER_ORDERED = 2  /* 8x8 Bayer */
};

typedef struct giflow__dither giflow__dither;

/* Working memory for rows up to max_width pixels (one row of error carry). */
size_t giflow__dither_bytes(uint32_t max_width);
giflow__dither *giflow__dither_init(void *mem, uint32_t max_width, int mode);
/* Call at the start of every frame (resets the error carry). */
void giflow__dither_frame(giflow__dither *d);
/*
 * Maps one row of n RGBA pixels (row number y, rows given top to bottom) to
 * palette indices in out[0..n).
 * - Pixels with alpha < alpha_min get index trans (the caller guarantees
 *   trans >= 0 whenever such pixels can occur).
 * - Temporal stability: where keep is not NULL and keep[x] is nonzero, the
 *   source pixel did not change since the previous frame: out[x] is set to
 *   prev[x] (the index it had) and no error is pushed into or out of it, so
 *   a still background does not shimmer from frame to frame.
 */
void giflow__dither_row(giflow__dither *d, giflow__remap *r, const uint8_t *rgba,
                        uint32_t n, uint32_t y, uint8_t alpha_min, int trans,
                        const uint8_t *keep, const uint8_t *prev, uint8_t *out);

#endif
