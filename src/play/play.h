/* Frame index and player internals. */
#ifndef GIFLOW_PLAY_PLAY_H
#define GIFLOW_PLAY_PLAY_H

#include "giflow.h"
#include "../common/mem.h"
#include "../decode/decoder.h"

#define GIFLOW__IX_KEY 1        /* decoding can start here, on a fresh canvas */
#define GIFLOW__IX_INTERLACED 2
#define GIFLOW__IX_COVER 4      /* the clipped rectangle is the whole canvas */

/* One indexed frame. */
typedef struct giflow__ixent {
    uint64_t offset;          /* image descriptor */
    uint64_t start_ms;        /* played delays of the frames before it */
    uint64_t work;            /* decode cost of frames 0..this, cumulative */
    uint32_t played_ms;
    uint32_t key;             /* the last keyframe at or before this one */
    uint16_t x, y, w, h;      /* as stored */
    uint16_t cx, cy, cw, ch;  /* clipped to the canvas */
    uint16_t delay_cs;
    int16_t trans;
    uint8_t disposal, flags;
} giflow__ixent;

/* The complete entries (*n of them); *pending is set when e[*n] holds a
 * frame whose data has not ended yet. */
const giflow__ixent *giflow__index_entries(const giflow_index *ix, uint32_t *n, int *pending);
const giflow_image_info *giflow__index_image(const giflow_index *ix);
/* 0 while the stream is open, else GIFLOW_END or the error that ended it. */
int giflow__index_status(const giflow_index *ix);
/* Frame n turned out broken (status): the stream ends before it. */
void giflow__index_truncate(giflow_index *ix, uint32_t n, int status);
/* sizeof the index object. */
size_t giflow__index_state_size(void);
/* Stream offset the index has read up to. */
uint64_t giflow__index_offset(const giflow_index *ix);

#endif
