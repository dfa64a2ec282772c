/* Wuffs's GIF decoder as a benchmark peer (wuffs_peer.c). */
#ifndef GIFLOW_BENCH_WUFFS_PEER_H
#define GIFLOW_BENCH_WUFFS_PEER_H

#include <stddef.h>
#include <stdint.h>

typedef struct wuffs_peer_result {
    int ok;              /* the image config was read */
    uint32_t frames;     /* frames fully decoded */
    uint32_t width, height;
    const char *error;   /* Wuffs's message for the error that stopped it */
} wuffs_peer_result;

/* Called after each complete frame with the composited RGBA canvas. */
typedef void (*wuffs_peer_frame_fn)(void *user, const uint8_t *canvas, uint32_t w,
                                    uint32_t h);

/* One whole decode of data[0..len) into an RGBA canvas, disposal by the
 * browser model. canvas: the caller's zeroed canvas of canvas_cap bytes
 * (the bench allocates it outside the timed region, as for every
 * decoder), or NULL (or too small): a calloc'ed one. Returns 0 when the
 * image config was read. */
int wuffs_peer_decode(const uint8_t *data, size_t len, wuffs_peer_result *r,
                      wuffs_peer_frame_fn fn, void *user, uint8_t *canvas,
                      size_t canvas_cap);

#endif
