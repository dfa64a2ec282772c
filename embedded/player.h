/*
 * The embedded player used by `make embedded`: decodes a GIF onto an
 * RGB565 "LCD" through giflow's display output, with every disposal, from
 * a static decoder (no malloc). The same file is built for the Cortex-M0+
 * firmware and for the host, so their per-frame CRCs can be compared.
 */
#ifndef GIFLOW_EMBEDDED_PLAYER_H
#define GIFLOW_EMBEDDED_PLAYER_H

#include <stdint.h>

#include "giflow.h"

/* The display: its frame memory lives in the LCD controller, not in the
 * MCU's RAM (on the target it is outside the 32 KB). */
typedef struct lcd {
    uint16_t *fb;        /* w * h RGB565 pixels */
    uint32_t w, h;
    uint16_t background; /* what fill paints */
    uint32_t draws;      /* draw calls */
} lcd;

typedef struct play_result {
    int status;          /* GIFLOW_END, or the error that stopped it */
    uint32_t frames;
    uint64_t pixels;     /* frame pixels decoded (sum of width * height) */
    uint64_t ticks;      /* clock ticks spent decoding and drawing */
} play_result;

/* Reports frame i's LCD CRC-32 (the whole w * h * 2 bytes). */
typedef void (*play_frame_fn)(void *user, uint32_t i, uint32_t crc);

typedef struct play_cfg {
    void *mem;           /* static decoder memory, 8-byte aligned */
    size_t mem_size;
    void *scratch;       /* restore-previous scratch */
    size_t scratch_size;
    unsigned restore;    /* GIFLOW_RESTORE_* */
    lcd *screen;         /* fb sized for the largest canvas */
    uint32_t max_pixels; /* the fb's capacity in pixels */
    uint64_t (*clock)(void); /* a monotonic tick count */
    play_frame_fn frame;
    void *user;
} play_cfg;

/* Plays src once, start to end. */
play_result play(const play_cfg *cfg, giflow_source *src);

/* zlib CRC-32, table-less (4 bits at a time). */
uint32_t play_crc32(uint32_t crc, const void *data, size_t n);

#endif
