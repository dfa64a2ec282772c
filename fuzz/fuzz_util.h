/* Pieces shared by the fuzz targets (fuzz_*.c). */
#ifndef GIFLOW_FUZZ_UTIL_H
#define GIFLOW_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>

#include "giflow.h"

/* FNV-1a over n bytes, continuing from h. */
static inline uint32_t fuzz_mix(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* A decoder whose limits keep every case small; aborts when out of
 * memory. */
static inline giflow_decoder *fuzz_decoder(uint32_t max_frames, unsigned flags)
{
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (!dec)
        abort();
    giflow_limits lim;
    giflow_limits_default(&lim);
    lim.max_canvas_pixels = 1 << 20;
    lim.max_frames = max_frames;
    lim.max_total_pixels = 1 << 22;
    lim.max_memory = 1 << 24;
    giflow_decoder_set_limits(dec, &lim);
    giflow_decoder_set_flags(dec, flags);
    return dec;
}

/* Feeds data[0..size) to in: all at once (chunk 0), or in pieces of 1,
 * 2, ... chunk bytes, cycling; eof comes with the last byte. */
typedef struct fuzz_feed {
    giflow_input in;
    size_t size;
    unsigned chunk, step;
} fuzz_feed;

static inline void fuzz_feed_more(fuzz_feed *f)
{
    if (f->in.size == f->size) {
        f->in.eof = 1;
        return;
    }
    size_t k = f->chunk ? 1 + (f->step++ % f->chunk) : f->size;
    f->in.size = f->in.size + k > f->size ? f->size : f->in.size + k;
    f->in.eof = f->in.size == f->size;
}

static inline void fuzz_feed_init(fuzz_feed *f, const uint8_t *data, size_t size, unsigned chunk)
{
    giflow_input in = {data, 0, 0, 0};
    f->in = in;
    f->size = size;
    f->chunk = chunk;
    f->step = 0;
    fuzz_feed_more(f);
}

#endif
