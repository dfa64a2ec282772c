/*
 * libFuzzer target: the CLI's frame readers (cli/input.c, cli/stream.c),
 * built from their sources: PNG and JPEG (libspng, libjpeg) whole and row
 * by row, YUV4MPEG2 and raw RGBA streams, with the frame reads that
 * sample a stream out of order.
 *
 * The first byte picks the reader; the rest is the file, handed over as a
 * memfd (/proc/self/fd/N), since the readers take paths. Oracles: no
 * crash, leak or sanitizer report; nothing above the pixel limit is
 * allocated from a header (libFuzzer's -malloc_limit_mb catches that);
 * a PNG or JPEG read row by row gives the rows read whole; a stream
 * frame read out of order equals the same frame read in sequence (for
 * y4m, when every FRAME line is bare, as the seek assumes).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "input.h"
#include "io.h"

#define MAX_PIXELS ((uint64_t)1 << 22) /* 16 MiB of RGBA */

/* Images whole, then row by row: the same pixels, or both fail. */
static void image(const char *path)
{
    cli_image img;
    int whole = cli_load_image(path, &img, MAX_PIXELS);
    cli_rows rd;
    if (cli_rows_open(&rd, path, MAX_PIXELS) == 0) {
        uint8_t *row = malloc((size_t)rd.w * 4 + 1);
        if (!row)
            abort();
        /* A huge image with no data fails on its first rows; bound the
         * time a header alone can cost. */
        int r = 1;
        uint32_t y = 0;
        for (; y < rd.h && y < 4096 && (r = cli_rows_read(&rd, row)) == 1; y++)
            if (whole == 0 && (rd.w != img.w || rd.h != img.h ||
                               memcmp(row, img.rgba + (size_t)y * img.w * 4, (size_t)img.w * 4)))
                abort(); /* row by row differs from whole */
        free(row);
    }
    cli_rows_close(&rd); /* also after a failed open, as cmd_encode.c does */
    if (whole == 0)
        cli_image_free(&img);
}

/* Whether the n frames of a y4m stream each start with a bare "FRAME\n",
 * which is what cli_stream_read_at() assumes when it seeks (FRAME lines
 * with parameters of other lengths move the frames: stream.c). */
static int regular(const cli_stream *s, const uint8_t *file, size_t size, uint32_t n)
{
    size_t cw = s->chroma == 444 ? s->w : (s->w + 1) / 2;
    size_t ch = s->chroma == 420 ? (s->h + 1) / 2 : s->h;
    size_t fb = ((size_t)s->w * s->h + (s->chroma ? 2 * cw * ch : 0)) * (s->depth > 8 ? 2 : 1);
    size_t pos = (size_t)s->header;
    for (uint32_t i = 0; i < n; i++, pos += 6 + fb)
        if (pos + 6 > size || memcmp(file + pos, "FRAME\n", 6))
            return 0;
    return 1;
}

/* Every frame in sequence, then each again out of order. */
static void stream(const char *path, int y4m, uint32_t w, uint32_t h, const uint8_t *file,
                   size_t size)
{
    cli_stream s;
    if (y4m ? cli_stream_open_y4m(&s, path, MAX_PIXELS) : cli_stream_open_raw(&s, path, w, h)) {
        cli_stream_close(&s); /* as cmd_encode.c does: the file may be open */
        return;
    }
    size_t fb = (size_t)s.w * s.h * 4;
    uint8_t *frames = malloc(fb * 9 + 1);
    if (!frames)
        abort();
    uint32_t n = 0;
    while (n < 8 && cli_stream_read(&s, frames + fb * n) == 1)
        n++;
    for (uint32_t i = 0; i < n && i < s.frames_hint && (!y4m || regular(&s, file, size, n)); i++)
        if (cli_stream_read_at(&s, i, frames + fb * 8) && memcmp(frames + fb * 8, frames + fb * i, fb))
            abort(); /* frame i read out of order differs */
    free(frames);
    cli_stream_close(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    if (fd < 0) {
        cli_set_quiet(1);
        if ((fd = memfd_create("fuzz_readers", 0)) < 0)
            abort();
    }
    if (size < 1)
        return 0;
    int sel = data[0] & 3;
    size_t skip = sel == 3 ? 3 : 1;
    if (size < skip)
        return 0;
    if (ftruncate(fd, 0) || pwrite(fd, data + skip, size - skip, 0) != (ssize_t)(size - skip))
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    switch (sel) {
    case 0:
    case 1: image(path); break;
    case 2: stream(path, 1, 0, 0, data + skip, size - skip); break;
    default: stream(path, 0, 1 + data[1] % 64, 1 + data[2] % 64, data + skip, size - skip); break;
    }
    return 0;
}
