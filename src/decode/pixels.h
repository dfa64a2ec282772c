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

/* lut[0..n) from n 3-byte palette entries at pal, each opaque (alpha 255). */
void giflow__px_lut(uint32_t *lut, const uint8_t *pal, uint32_t n);

#endif
