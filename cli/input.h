/* Frame sources for `giflow encode`: image files, raw RGBA or YUV4MPEG2
 * streams. Each yields RGBA frames one at a time; nothing holds more than
 * the current frame. */
#ifndef GIFLOW_CLI_INPUT_H
#define GIFLOW_CLI_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* An RGBA image in memory. */
typedef struct cli_image {
    uint32_t w, h;
    uint8_t *rgba; /* w*h*4 */
} cli_image;

/* Loads a PNG or JPEG file (by its signature) as RGBA. An image above
 * max_pixels (0: no limit) is refused from its header, before any
 * allocation. Returns 0 on success; prints an error and returns -1
 * otherwise. */
int cli_load_image(const char *path, cli_image *img, uint64_t max_pixels);
void cli_image_free(cli_image *img);

/* One PNG or JPEG read row by row (PNG: libspng progressive decoding;
 * JPEG: scanlines), so a huge image is never held whole. Interlaced PNGs
 * cannot be read in row order; they are decoded whole first. */
typedef struct cli_rows {
    FILE *f;
    uint32_t w, h, y;
    void *png;          /* spng_ctx */
    void *jpeg;         /* jpeg_decompress_struct */
    cli_image whole;    /* interlaced PNG fallback */
} cli_rows;

/* max_pixels applies only to the interlaced PNG held whole. */
int cli_rows_open(cli_rows *r, const char *path, uint64_t max_pixels);
/* Reads the next row as RGBA (w*4 bytes). Returns 1, 0 at the end, or -1. */
int cli_rows_read(cli_rows *r, uint8_t *row);
void cli_rows_close(cli_rows *r);

/* A stream of frames from one file or stdin ("-"), see stream.c. */
typedef struct cli_stream {
    FILE *f;
    const char *path;
    int is_stdin;
    int y4m;          /* else raw RGBA */
    uint32_t w, h;
    uint32_t fps_num, fps_den; /* from the y4m header, else 0 */
    int chroma;       /* y4m: 420, 422, 444 or 0 for mono */
    int depth;        /* y4m: bits per sample, 8..16 */
    int full_range;   /* y4m: XCOLORRANGE=FULL */
    uint8_t *yuv;     /* y4m frame buffer */
    uint64_t frames_hint; /* frames in a regular file, 0 if unknown */
    uint64_t header;  /* bytes before the first frame */
    uint64_t frame_line; /* y4m: bytes of the first FRAME line */
    uint64_t frames;  /* frames read so far */
    int quiet;        /* reading ahead: no messages */
} cli_stream;

#define CLI_STREAM_PARTIAL -2 /* the stream ended inside a frame */

/* Opens a raw RGBA stream of w x h frames. */
int cli_stream_open_raw(cli_stream *s, const char *path, uint32_t w, uint32_t h);
/* Opens a YUV4MPEG2 stream and reads its header. Frames above max_pixels
 * (0: no limit) are refused from the header, before any allocation. */
int cli_stream_open_y4m(cli_stream *s, const char *path, uint64_t max_pixels);
/* Reads the next frame into rgba (w*h*4). Returns 1 for a frame, 0 at the
 * end of the stream, CLI_STREAM_PARTIAL when it ends inside a frame (said
 * on stderr: the frames before it stand), -1 on error (message printed). */
int cli_stream_read(cli_stream *s, uint8_t *rgba);
/* Regular files only (frames_hint > 0): reads frame i, then goes back to
 * where the stream was. Returns 1 on success. */
int cli_stream_read_at(cli_stream *s, uint64_t i, uint8_t *rgba);
void cli_stream_close(cli_stream *s);

#endif
