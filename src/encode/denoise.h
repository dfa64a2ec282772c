/* Temporal denoising in front of the encoder's queue: frames wait in a
 * short look-ahead window, and a pixel whose source stays within the noise
 * of the value it shows keeps that value (the encoder then leaves it
 * transparent). See denoise.c. */
#ifndef GIFLOW_ENCODE_DENOISE_H
#define GIFLOW_ENCODE_DENOISE_H

#include <stddef.h>
#include <stdint.h>

#define GIFLOW__DN_MAX 8 /* most frames in the window */
#define GIFLOW__DN_BLOCK 16 /* noise is estimated on blocks of this side */
#define GIFLOW__DN_BINS_PER_LEVEL2 64
#define GIFLOW__DN_BINS 4096 /* noise variances up to 64 levels^2 (sigma 8) */

typedef struct giflow__denoise {
    uint32_t w, h;
    unsigned window;        /* frames held: the one to emit and those after */
    unsigned count, head;   /* frames in the ring, slot of the oldest */
    uint8_t *ring[GIFLOW__DN_MAX]; /* RGBA canvases */
    uint8_t *held;          /* RGBA: what each pixel showed last (alpha
                               below alpha_min: nothing, or transparent) */
    int have_held;
    uint32_t hist[GIFLOW__DN_BINS]; /* blocks per noise level (scratch) */
    int strength;           /* threshold in tenths of the noise sigma */
    uint8_t alpha_min;
    double sigma;           /* running noise estimate, levels per channel */
    int have_sigma;
    uint64_t emitted;       /* frames emitted so far */
    int32_t t2;             /* the last frame's threshold: 3 T^2, levels^2 */
    uint64_t held_px;       /* pixels held so far (statistics) */
} giflow__denoise;

/* Bytes of working memory for a w x h canvas and a window of frames. */
size_t giflow__dn_bytes(uint32_t w, uint32_t h, unsigned window);
/* Sets up dn over mem (giflow__dn_bytes() bytes, malloc-aligned). window
 * is 1..GIFLOW__DN_MAX, strength 1..100 (tenths of sigma). */
void giflow__dn_init(giflow__denoise *dn, void *mem, uint32_t w, uint32_t h, unsigned window,
                     int strength, uint8_t alpha_min);
/* The canvas the next incoming frame is to be loaded into (count < window). */
uint8_t *giflow__dn_slot(giflow__denoise *dn);
/* The frame loaded into giflow__dn_slot() joins the window. */
void giflow__dn_push(giflow__denoise *dn);
/* Writes the oldest frame, denoised, to out (RGBA, w x h) and drops it
 * from the window. count must be at least 1. */
void giflow__dn_emit(giflow__denoise *dn, uint8_t *out);

#endif
