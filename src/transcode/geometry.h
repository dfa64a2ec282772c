/* Geometry of the transcoder: crop, flip, rotate and resize of RGBA
 * canvases, in that order. */
#ifndef GIFLOW_TRANSCODE_GEOMETRY_H
#define GIFLOW_TRANSCODE_GEOMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "../common/mem.h"

typedef struct giflow__geom {
    uint32_t in_w, in_h;
    uint32_t cx, cy, cw, ch;  /* crop, inside the input */
    int flip, rotate;          /* GIFLOW_FLIP_* bits; 0/90/180/270 */
    uint32_t ow, oh;           /* oriented size (after rotate) */
    uint32_t out_w, out_h;     /* final size */
    int resize, nearest;       /* a resize is needed; with which filter */
    uint8_t *mid;              /* oriented frame, when resizing */
    uint64_t *acc;             /* area average: one output row of sums */
    uint32_t *xmap;            /* nearest: source column per output column */
    giflow__heap *heap;
} giflow__geom;

/* Plans the transform of in_w x in_h frames; width/height 0 keep that
 * side (one 0: the aspect ratio). Returns GIFLOW_OK, GIFLOW_ERR_ARG when
 * the crop misses the canvas or a size is out of range, or a memory
 * error. */
int giflow__geom_init(giflow__geom *g, giflow__heap *heap, uint32_t in_w, uint32_t in_h,
                      uint32_t crop_x, uint32_t crop_y, uint32_t crop_w, uint32_t crop_h,
                      int flip, int rotate, uint32_t width, uint32_t height, int nearest);
void giflow__geom_free(giflow__geom *g);
/* Whether the transform changes nothing. */
int giflow__geom_identity(const giflow__geom *g);
/* src: in_w x in_h RGBA (stride in_w * 4); dst: out_w x out_h. */
void giflow__geom_apply(giflow__geom *g, const uint8_t *src, uint8_t *dst);

#endif
