/*
 * Colour quantization, remapping and dithering (internal to the library).
 *
 * Used by the encoder per frame (or per row for huge images). Everything
 * here is pure computation on caller memory: no I/O, no globals, and any
 * working memory is passed in (sizes given by the *_bytes() functions) so
 * the encoder can allocate it through the user's allocator hook. Memory
 * passed in must be aligned as malloc aligns (it holds doubles). All
 * results are deterministic.
 *
 * Pixels are RGBA8, non-premultiplied. A pixel whose alpha is below the
 * caller's alpha threshold is "transparent" and is ignored by palette
 * building (the encoder maps it to the transparent index itself).
 *
 * Quality is measured as plain RGB squared error (PSNR over R, G, B), and
 * that is what the quantizer minimises, unless tuned for SSIM
 * (giflow__quant_set_tune).
 */
#ifndef GIFLOW_QUANT_QUANT_H
#define GIFLOW_QUANT_QUANT_H

#include <stddef.h>
#include <stdint.h>

#include "giflow.h"

typedef struct giflow__palette {
    uint32_t n;          /* entries in use, 0..256 */
    uint8_t rgb[256 * 3];
} giflow__palette;

/* Sorts entries by luminance (Rec. 601), ties by RGB value: neighbouring
 * indices then hold similar colours, which helps LZW. Both palette
 * builders below return sorted palettes. */
void giflow__palette_sort(giflow__palette *p);

/* ---- Exact colour sets ---------------------------------------------------
 * Detects frames with few enough distinct colours to be encoded losslessly
 * with their exact palette. About 5 ns per pixel on a dithered 256-colour
 * image, less in runs of one colour, and it stops at the first colour
 * past max. */
typedef struct giflow__colorset {
    uint32_t key[512];   /* open addressing; 0xFFFFFFFF = empty */
    uint32_t n;          /* distinct opaque colours seen */
    uint32_t max;        /* capacity asked for (<= 256) */
    int overflow;        /* more than max colours were seen */
} giflow__colorset;

/* max above 256 is taken as 256. */
void giflow__colorset_init(giflow__colorset *s, uint32_t max);
/* Adds n pixels (stride 4 bytes); pixels with alpha < alpha_min are ignored.
 * Returns 0 once the set has overflowed (callers can stop feeding). */
int giflow__colorset_add(giflow__colorset *s, const uint8_t *rgba, size_t n,
                         uint8_t alpha_min);
/* The exact palette, sorted by luminance for better LZW locality. Only valid
 * when !s->overflow. */
void giflow__colorset_palette(const giflow__colorset *s, giflow__palette *out);

/* ---- Palette building ------------------------------------------------------
 * A high-quality quantizer: Wu's variance-minimising cuts for an initial
 * palette, refined by k-means (Lloyd) iterations. Colour statistics are
 * accumulated from any number of pixel batches (a frame, a sample of rows,
 * several frames for a global palette) in bounded memory: exact colours
 * while there are at most 32767 of them, then buckets that merge one bit
 * of one channel at a time (their mean colours stay exact). */
typedef struct giflow__quant giflow__quant;

/* Working memory for one quantizer: fixed (about 2.4 MB), independent of
 * image size. */
size_t giflow__quant_bytes(void);
giflow__quant *giflow__quant_init(void *mem);
/* Forgets all statistics (the effort setting stays). */
void giflow__quant_reset(giflow__quant *q);
/* Accumulates n pixels; weight scales their importance (1 = normal, 0 is
 * taken as 1). Taking every k-th row with weight k is a fair sample. */
void giflow__quant_add(giflow__quant *q, const uint8_t *rgba, size_t n,
                       uint8_t alpha_min, uint32_t weight);
/* Like giflow__quant_add (weight 1) unless tuned for SSIM; then a pixel
 * weighs 1 + 30 C2 / (g^2 + C2), g^2 being its luma gradient (squared
 * differences to the next pixel of the run, or the one before at its end,
 * and to the pixel below it in below[], a row of at least n pixels, or
 * NULL) and C2 SSIM's (0.03 x 255)^2: errors show most in smooth areas,
 * to SSIM as to the eye, and palette entries move there. */
void giflow__quant_add_smooth(giflow__quant *q, const uint8_t *rgba, size_t n,
                              const uint8_t *below, uint8_t alpha_min);
/* Builds at most max_colors (1..256) entries into out: exactly the colours
 * seen when there are no more than max_colors of them (error 0), else a
 * quantized palette without unused or duplicate entries. Returns the mean
 * squared error per channel, (dr^2 + dg^2 + db^2) / 3 averaged over the
 * weighted pixels, between the statistics (bucket means, once colours
 * have merged) and their nearest entries; 10 log10(255^2 / error) is the
 * PSNR to expect without dithering. The statistics stay: more pixels can
 * be added and the palette built again. */
double giflow__quant_build(giflow__quant *q, uint32_t max_colors, giflow__palette *out);

/* Effort of giflow__quant_build (GIFLOW_EFFORT_* from giflow.h: Wu's
 * boxes and one k-means step, 2 to 4 passes, 6 to 12 (more for few
 * colours), 12 to 32), kept across resets. Palette time and
 * PSNR at 256 colours for one 640x360 frame (bench/quant, one core):
 *                   testsrc2          mandelbrot        photo
 *   FASTEST         1.1 ms 48.85 dB   2.3 ms 41.58 dB    6.2 ms 35.93 dB
 *   FAST            1.8 ms 49.06 dB   3.2 ms 41.86 dB    8.0 ms 36.05 dB
 *   DEFAULT         2.7 ms 49.11 dB   4.5 ms 41.90 dB   11.1 ms 36.11 dB
 *   BEST            3.4 ms 49.11 dB   5.5 ms 41.90 dB   18.7 ms 36.14 dB
 *   libimagequant  13.8 ms 48.10 dB  17.4 ms 39.59 dB  127   ms 35.97 dB
 * (libimagequant 2.17 at speed 4, one thread.) */
void giflow__quant_set_effort(giflow__quant *q, int effort);

/* GIFLOW_TUNE_PSNR (the default): minimise RGB squared error. SSIM: the
 * pixels are weighted by smoothness in giflow__quant_add_smooth(), and the
 * error of giflow__quant_build() by channel (R, G, B as 0.49 : 1 : 0.36).
 * The error it returns is still plain RGB. Kept across resets. */
void giflow__quant_set_tune(giflow__quant *q, int tune);

/* ---- Remapping ----------------------------------------------------------
 * Nearest palette colour, exact, fast: a table of small cells (4 values a
 * side) that holds the answer where one entry is nearest to the whole
 * cell and lists the 2 to 8 that can be otherwise (compared without
 * branches, SSE2 on x86-64); then a cache of recent colours in front of a
 * grid whose cells list (lazily) the few entries that can be nearest
 * there. Never a scan of the whole palette per pixel. */
typedef struct giflow__remap giflow__remap;

/* About 1.4 MB. The tables, cache and cell lists fill lazily, so a remap kept
 * while its palette is unchanged (a global palette, frame after frame) is
 * faster than a new one: init takes a few microseconds, but refilling
 * costs 0.7 to 1.2 ms per 640x360 frame of video (mapping it warm takes
 * 0.25 to 0.4 ms) and about 2 ms for a photo. */
size_t giflow__remap_bytes(void);
/* skip: a palette index never to be chosen (the transparent index), or -1.
 * The palette is copied: pal may change afterwards. */
giflow__remap *giflow__remap_init(void *mem, const giflow__palette *pal, int skip);
/* The entry nearest to (red, green, blue) in RGB distance, ties to the
 * lowest index; components outside 0..255 are clamped first. Returns 0
 * when every entry is skipped (or the palette is empty). */
uint8_t giflow__remap_nearest(giflow__remap *r, int red, int green, int blue);

/* ---- Dithering, row by row -----------------------------------------------
 * Modes are the public GIFLOW_DITHER_* (giflow.h). */

typedef struct giflow__dither giflow__dither;

/* Working memory for rows up to max_width pixels (one row of error carry
 * and one of source; max_width above 65535 is taken as 65535). */
size_t giflow__dither_bytes(uint32_t max_width);
giflow__dither *giflow__dither_init(void *mem, uint32_t max_width, int mode);
/* Call at the start of every frame (resets the error carry). */
void giflow__dither_frame(giflow__dither *d);
/*
 * Maps one row of n RGBA pixels (row number y, rows given top to bottom) to
 * palette indices in out[0..n).
 * - Pixels with alpha < alpha_min get index trans (the caller guarantees
 *   trans >= 0 whenever such pixels can occur). This comes before keep.
 * - Temporal stability: where keep is not NULL and keep[x] is nonzero, the
 *   source pixel did not change since the previous frame: out[x] is set to
 *   prev[x] (the index it had) and no error is pushed into or out of it, so
 *   a still background does not shimmer from frame to frame.
 * - FS: even rows go left to right, odd rows right to left. The error
 *   spreads fully where the source is flat and less where it varies (none
 *   across edges of 12 levels or more); a flat area keeps its mean colour.
 * - ORDERED: the same offset on R, G and B, from the Bayer matrix at
 *   (x & 7, y & 7), spanning the palette's typical step (the median
 *   distance from an entry to its nearest other). x counts from the row's
 *   first pixel: keep rows of a frame aligned (e.g. pass canvas rows) for
 *   the pattern to stay put between frames.
 * - Pixels past max_width are mapped without dithering.
 */
/* Canvas column of the first pixel of the rows that follow (default 0), so
 * the ordered pattern stays put when frames cover different rectangles. */
void giflow__dither_origin(giflow__dither *d, uint32_t x0);

void giflow__dither_row(giflow__dither *d, giflow__remap *r, const uint8_t *rgba,
                        uint32_t n, uint32_t y, uint8_t alpha_min, int trans,
                        const uint8_t *keep, const uint8_t *prev, uint8_t *out);

#endif
