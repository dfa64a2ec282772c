/* Pieces shared by the fuzz targets (fuzz_*.c). */
#ifndef GIFLOW_FUZZ_UTIL_H
#define GIFLOW_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "giflow.h"

/* The libFuzzer entry point, defined by each target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FNV-1a over n bytes, continuing from h. */
static inline uint32_t fuzz_mix(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* A decoder (dec, or a new one on the heap) whose limits keep every case
 * small; aborts when out of memory. */
static inline giflow_decoder *fuzz_limit(giflow_decoder *dec, uint32_t max_frames, unsigned flags)
{
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

static inline giflow_decoder *fuzz_decoder(uint32_t max_frames, unsigned flags)
{
    return fuzz_limit(giflow_decoder_new(NULL), max_frames, flags);
}

/* A small PRNG (xorshift32) for choices drawn from an input's hash. */
static inline uint32_t fuzz_rand(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* Feeds data[0..size) to in: all at once (chunk 0), or in pieces of
 * random size (mostly 1..chunk bytes, one in eight up to 4 KiB) drawn
 * from seed; eof comes with the last byte. */
typedef struct fuzz_feed {
    giflow_input in;
    size_t size;
    unsigned chunk;
    uint32_t rng;
} fuzz_feed;

static inline void fuzz_feed_more(fuzz_feed *f)
{
    if (f->in.size == f->size) {
        f->in.eof = 1;
        return;
    }
    size_t k = f->size;
    if (f->chunk) {
        uint32_t r = fuzz_rand(&f->rng);
        k = 1 + ((r & 7) ? (r >> 3) % f->chunk : (r >> 3) % 4096);
    }
    f->in.size = f->in.size + k > f->size ? f->size : f->in.size + k;
    f->in.eof = f->in.size == f->size;
}

static inline void fuzz_feed_init(fuzz_feed *f, const uint8_t *data, size_t size, unsigned chunk)
{
    giflow_input in = {data, 0, 0, 0};
    f->in = in;
    f->size = size;
    f->chunk = chunk;
    f->rng = fuzz_mix(2166136261u, data, size) | 1;
    fuzz_feed_more(f);
}

/* Decodes one whole, well-formed stream into n frames of RGBA, for
 * checking what an encoder or transcoder wrote. Returns the status that
 * ended decoding (GIFLOW_END when clean) and the frames in *frames
 * (malloc'd, n * w * h * 4 bytes; up to max frames), or aborts when out
 * of memory. */
static inline int fuzz_decode_all(const uint8_t *data, size_t size, uint32_t max,
                                  uint8_t **frames, uint32_t *n, uint32_t *w, uint32_t *h)
{
    giflow_decoder *dec = fuzz_decoder(max + 1, 0);
    giflow_input in = {data, size, 0, 1};
    giflow_image_info ii;
    *frames = NULL;
    *n = *w = *h = 0;
    int r = giflow_decode_image_info(dec, &in, &ii);
    if (r == GIFLOW_OK) {
        size_t bytes = (size_t)ii.canvas_width * ii.canvas_height * 4;
        *w = ii.canvas_width;
        *h = ii.canvas_height;
        uint8_t *canvas = malloc(bytes + 1);
        *frames = malloc(bytes * max + 1);
        if (!canvas || !*frames)
            abort();
        giflow_frame_info fi;
        while ((r = giflow_decode_frame_info(dec, &in, &fi)) == GIFLOW_OK) {
            r = giflow_decode_frame_rgba(dec, &in, canvas, (size_t)ii.canvas_width * 4);
            if (r != GIFLOW_FRAME_END)
                break;
            if (*n < max)
                memcpy(*frames + bytes * *n, canvas, bytes);
            ++*n;
        }
        free(canvas);
    }
    giflow_decoder_free(dec);
    return r;
}

#endif
