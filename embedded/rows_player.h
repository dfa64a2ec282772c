/*
 * The rows-only player of `make embedded`: every row of every frame as
 * palette indices (giflow_decode_row), from a static decoder, with no
 * composition (the caller would paint them). Built for the micro:bit
 * firmware (16 KB of RAM, GIFLOW_CONFIG_ROWS_ONLY) and for the host with
 * the full library, so the two LZW tables can be compared row by row.
 */
#ifndef GIFLOW_EMBEDDED_ROWS_PLAYER_H
#define GIFLOW_EMBEDDED_ROWS_PLAYER_H

#include <stdint.h>

#include "giflow.h"

/* Reports frame i's CRC-32 over its rows in decode order, each as its y
 * (4 bytes, little-endian) and its indices. */
typedef void (*rows_frame_fn)(void *user, uint32_t i, uint32_t crc);

/* Plays src once. Returns GIFLOW_END, or the error that stopped it; *frames
 * counts the frames reported. */
int rows_play(void *mem, size_t mem_size, giflow_source *src, rows_frame_fn frame, void *user,
              uint32_t *frames);

#endif
