/* The pixel pass: palette indices to RGBA words (pixels.c). */
#ifndef GIFLOW_DECODE_PIXELS_H
#define GIFLOW_DECODE_PIXELS_H

#include <stddef.h>
#include <stdint.h>

/* Both take span: every index is below it (the clear code), and lut holds
 * at least max(span, 16) entries; lut[t] is 0 for a transparent index t. */

/* n indices to their RGBA words through lut, every one stored. Works in
 * place front to back when idx >= d + 3 * n (TAIL): pixel k's four bytes
 * never reach index k + 1 or later. */
void giflow__px_convert(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                        size_t n);

/* n indices where index t is transparent: its pixels are left alone. */
void giflow__px_paint(uint8_t *d, const uint8_t *idx, const uint32_t *lut, unsigned span,
                      size_t n, unsigned t);

/* Rows of one frame (BUFFER's pass, a row at a time on sub-rectangles
 * and interlaced frames): the vector set-up (about 20 ns for a 256-entry
 * table, longer than a 36-pixel row takes) done once, when the rows hold
 * pixels in all. trans is 1 + the transparent index, or 0. lut must
 * outlive the runs. */
#if !defined(GIFLOW_PORTABLE) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GIFLOW__PX_PLANES 1 /* pixels.c's x86 paths (PX_X86) */
#endif
typedef struct giflow__px_rows {
    const uint32_t *lut;
    unsigned span, trans;
    int planes; /* plane is built (x86 with AVX-512 VBMI) */
#ifdef GIFLOW__PX_PLANES
    _Alignas(64) uint8_t plane[4][256];
#endif
} giflow__px_rows;
void giflow__px_rows_init(giflow__px_rows *r, const uint32_t *lut, unsigned span,
                          unsigned trans, uint64_t pixels);
/* giflow__px_paint() (trans) or giflow__px_convert() of n indices. */
void giflow__px_rows_run(const giflow__px_rows *r, uint8_t *d, const uint8_t *idx, size_t n);

/* lut[0..n) from n 3-byte palette entries at pal, each opaque (alpha 255). */
void giflow__px_lut(uint32_t *lut, const uint8_t *pal, uint32_t n);

#endif
