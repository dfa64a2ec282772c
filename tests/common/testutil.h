/* Helpers shared by the test programs (not part of the library). */
#ifndef GIFLOW_TESTUTIL_H
#define GIFLOW_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "giflow.h"

/* Reads a whole file, followed by a 0 byte (not counted in *size), so a
 * text file is a C string; returns NULL on failure. Free with free(). */
uint8_t *tu_read_file(const char *path, size_t *size);

/* Every composited frame of a file, as the browser model renders it. */
typedef struct tu_frame {
    giflow_frame_info info;
    uint8_t *rgba;       /* canvas_width * canvas_height * 4 */
    int status;          /* GIFLOW_FRAME_END, or the error that broke it */
    int loop_after;      /* giflow_decoder_loop_count() right after this frame */
} tu_frame;

typedef struct tu_decoded {
    int status;          /* GIFLOW_END on a clean end, else the error */
    int stage;           /* 0 image info, 1 frame info, 2 pixels */
    giflow_image_info image;
    uint32_t nframes;    /* frames in frames[], including a broken one */
    tu_frame *frames;
    int loop_count;      /* giflow_decoder_loop_count() at the end */
} tu_decoded;

/* Decodes data feeding chunk bytes at a time (0: all at once). flags are
 * giflow_decoder_set_flags() flags. keep_pixels 0 stores no canvases (only
 * frame info and statuses). Returns 0, or -1 if memory ran out. */
int tu_decode(const uint8_t *data, size_t size, size_t chunk, unsigned flags,
              int keep_pixels, tu_decoded *out);
void tu_decoded_free(tu_decoded *d);

/* A file in memory behind giflow_source read/seek callbacks
 * (tu_memfile_read, tu_memfile_seek), with a log of the calls. */
typedef struct tu_memfile {
    const uint8_t *data;
    size_t size, pos;
    unsigned reads, seeks, backward_seeks, short_asks;
    size_t buf_size;   /* reads asking for less count as short_asks */
    size_t fail_after; /* fail the read that would pass this offset (0: never) */
} tu_memfile;
ptrdiff_t tu_memfile_read(void *user, uint8_t *buf, size_t n);
int tu_memfile_seek(void *user, uint64_t offset);

/* zlib-compatible CRC-32. */
uint32_t tu_crc32(uint32_t crc, const void *data, size_t n);

/* Minimal check macros: print and count failures. */
extern int tu_failures;
#define TU_CHECK(cond, ...)                                                  \
    do {                                                                     \
        if (!(cond)) {                                                       \
            tu_failures++;                                                   \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, \
                    #cond);                                                  \
            fprintf(stderr, __VA_ARGS__);                                    \
            fprintf(stderr, "\n");                                           \
        }                                                                    \
    } while (0)

#endif
