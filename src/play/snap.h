/* Snapshot store (snap.c): canvas copies as tiles shared between them. */
#ifndef GIFLOW_PLAY_SNAP_H
#define GIFLOW_PLAY_SNAP_H

#include "giflow.h"

#define GIFLOW__TILE 16 /* tile side in pixels */

/* A stored tile: its pixels follow, TILE x TILE or less at the edges,
 * raw (bits 0) or as ncolors RGBA words and bits-per-pixel indices. */
typedef struct giflow__tile {
    uint32_t refs;
    uint16_t ncolors;
    uint8_t bits, pad;
} giflow__tile;
typedef struct giflow__group giflow__group;
typedef struct giflow__snap giflow__snap;

typedef struct giflow__store {
    giflow_allocator hook;    /* where every byte comes from */
    uint8_t *canvas;          /* w x h RGBA, stride w * 4 */
    uint32_t w, h, tx, ty, ntiles, gx, ngroups;
    giflow__tile clear;       /* sentinel: an all-transparent tile */
    giflow__tile **held;      /* per tile: the stored tile the canvas equals
                                 (referenced), or NULL if unknown */
    giflow__group **hgroup;    /* per group of 4x4 tiles: the stored group
                                 whose tiles the map holds (referenced), or
                                 NULL */
    uint8_t *dirty;           /* per tile: drawn on since held was set */
    uint8_t *gdirty;          /* per group: drawn on since hgroup was set
                                 (the canvas may no longer equal it) */
    giflow__snap **snaps;     /* sorted by frame */
    uint32_t n, cap;
} giflow__store;

/* Tables for a w x h canvas. Returns 0, or -1 out of memory. */
int giflow__store_init(giflow__store *st, const giflow_allocator *hook, uint8_t *canvas,
                       uint32_t w, uint32_t h);
void giflow__store_free(giflow__store *st);

/* The canvas is new: all clear (clear 1) or unknown (0). */
void giflow__store_forget(giflow__store *st, int clear);
/* Output rectangle [x0,x1) x [y0,y1) may have changed. */
void giflow__store_touch(giflow__store *st, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1);

/* Keeps the canvas as a snapshot for frame (what that frame is drawn
 * over). Returns 0, or -1 when memory ran out (nothing kept). */
int giflow__store_take(giflow__store *st, uint32_t frame);
/* Tiles a take would have to compare or pack (the others are known). */
uint32_t giflow__store_pending(const giflow__store *st);
/* Index of the last snapshot at or before frame, or -1; its frame. */
int64_t giflow__store_find(const giflow__store *st, uint32_t frame);
uint32_t giflow__store_frame(const giflow__store *st, uint32_t i);
void giflow__store_remove(giflow__store *st, uint32_t i);
/* Tiles a restore of snapshot i would copy (counting stops at max). */
uint32_t giflow__store_cost(const giflow__store *st, uint32_t i, uint32_t max);
/* Puts snapshot i into the canvas. */
void giflow__store_restore(giflow__store *st, uint32_t i);
/* Frees what only the canvas map holds. Returns nonzero if it freed any. */
int giflow__store_release(giflow__store *st);

#endif
