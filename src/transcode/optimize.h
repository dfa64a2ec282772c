/*
 * The lossless optimiser: composited RGBA frames in, the smallest GIF
 * frames it can find out, rendering exactly the same in the browser model.
 * No colour is ever approximated: a frame is written with the exact
 * colours of the pixels that change on screen, through the global palette
 * when it holds them all (any index the frame does not use serves as the
 * transparent one) or a local palette of just those colours.
 *
 * One frame behind, like the encoder: a frame's disposal depends on the
 * next one (disposal 2 where the next needs transparency this one covers),
 * and identical frames merge into one whose delay is the sum of their
 * played delays.
 */
#ifndef GIFLOW_TRANSCODE_OPTIMIZE_H
#define GIFLOW_TRANSCODE_OPTIMIZE_H

#include "giflow.h"
#include "../common/mem.h"
#include "../encode/gifwrite.h"
#include "../encode/lzw_enc.h"
#include "../quant/quant.h"

/* Colour -> palette index, for up to 256 colours: 16 slots a colour, so
 * a lookup almost never probes twice. */
#define GIFLOW__CINDEX_SLOTS 4096
typedef struct giflow__cindex {
    uint32_t key[GIFLOW__CINDEX_SLOTS]; /* rgb + 1, 0 = empty */
    uint8_t idx[GIFLOW__CINDEX_SLOTS];
} giflow__cindex;

typedef struct giflow__opt {
    giflow__heap *heap;
    giflow__gifout *out;
    int *status;
    uint32_t w, h;
    int interlace;            /* write frames interlaced */
    int effort;               /* 1: try each way of coding free pixels */
    int restore;              /* 1: disposal 3 where the next frame gains */
    uint8_t *shown;           /* what a browser shows before pend is drawn */
    uint8_t *pend, *next;     /* RGBA canvases */
    uint8_t *must;            /* per pixel: changes on screen */
    uint8_t *px, *alt;        /* indices of a rectangle (see push_alt) */
    uint8_t *fill;            /* px with short gaps filled (a trial's) */
    giflow__lzwenc *lzw;
    uint16_t *scratch;        /* GIFLOW__LZWE_SCRATCH, for push_best */
    /* The shortest code stream tried so far and the one being tried
     * (framed bytes), so the chosen one is copied, not coded again. */
    struct giflow__opt_code {
        uint8_t *p;
        size_t len, cap;
        int over;             /* did not fit: code it again */
        giflow__lzwe_snap *fill, *early; /* its coder at the first fill and
                                 at 2048 codes, to code on from there */
    } code[2];
    int have_pend, written;   /* frames written since the last reset */
    /* Per trial (optimize.c): frames to wait before trying it again, and
     * the wait after its next loss. */
    struct giflow__opt_trial {
        uint8_t wait, skip;
    } trial[4];
    uint32_t pend_delay, pend_count;
    uint32_t pend_played;     /* centiseconds, summed over merged frames (<= 65535) */

    giflow__palette global;   /* n == 0: none */
    giflow__cindex gindex;

    /* Called after each frame is written (the transcoder's extensions
     * that follow it). Returns GIFLOW_OK or an error. */
    int (*after_frame)(void *user);
    void *hook_user;

    uint32_t frames_out, local_palettes;
} giflow__opt;

/* Allocates the canvases for w x h. Returns GIFLOW_OK or an error. */
int giflow__opt_init(giflow__opt *o, giflow__heap *heap, giflow__gifout *out, int *status,
                     uint32_t w, uint32_t h);
void giflow__opt_free(giflow__opt *o);
/* Forgets the screen: the next frame starts a new stream. */
void giflow__opt_reset(giflow__opt *o);
/* Sets the global palette the header carries (n may be 0). */
void giflow__opt_set_global(giflow__opt *o, const uint8_t *rgb, uint32_t n);

/* Adds a frame (w*h RGBA, alpha 0 or 255): delay_cs is what to write if it
 * stands alone, played_cs what it plays for (merged frames add these).
 * Writes the previous frame unless this one is identical to it. Returns
 * GIFLOW_OK, GIFLOW_ERR_TOO_MANY_COLORS when a frame cannot be drawn
 * exactly, or a write error. */
int giflow__opt_push(giflow__opt *o, const uint8_t *rgba, uint32_t delay_cs, uint32_t played_cs);
/* Writes the pending frame. */
int giflow__opt_flush(giflow__opt *o);

void giflow__cindex_build(giflow__cindex *c, const giflow__palette *p);
/* Index of rgb (0xRRGGBB), or -1. */
int giflow__cindex_find(const giflow__cindex *c, uint32_t rgb);

#endif
