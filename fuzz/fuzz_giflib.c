/*
 * libFuzzer target: giflow against giflib (DGifSlurp), differentially.
 *
 * On inputs both accept fully (giflow: every frame complete and the stream
 * ended with GIFLOW_END; giflib: DGifSlurp returned GIF_OK), both must
 * see the same images: as many, each with the same rectangle, interlace
 * flag and palette indices row by row (giflow_decode_row). Where the two
 * models differ (docs/conformance.md, "giflow against giflib": a missing
 * trailer, code sizes above 8, ...) one of them refuses the input, so the
 * differences only decide what is compared, never exempt a pixel.
 * giflow runs first, with limits that bound every frame's size, so giflib
 * is only handed streams whose images are small.
 */
#include <gif_lib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/common/gifmem.h"
#include "fuzz_util.h"

#define MAXF 64

typedef struct image {
    uint32_t x, y, w, h;
    int interlaced;
    uint8_t *px; /* w * h indices, rows in display order */
} image;

typedef struct seen {
    uint32_t n;
    image im[MAXF];
} seen;

static void seen_free(seen *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        free(s->im[i].px);
}

/* giflow's images, or -1 unless it accepts the whole stream. */
static int giflow_images(const uint8_t *data, size_t size, seen *s)
{
    memset(s, 0, sizeof *s);
    giflow_decoder *dec = fuzz_decoder(MAXF, 0);
    giflow_input in = {data, size, 0, 1};
    giflow_image_info ii;
    int r = giflow_decode_image_info(dec, &in, &ii);
    while (r == GIFLOW_OK) {
        giflow_frame_info fi;
        if ((r = giflow_decode_frame_info(dec, &in, &fi)) != GIFLOW_OK)
            break;
        if (s->n == MAXF) {
            r = GIFLOW_ERR_LIMIT_FRAMES;
            break;
        }
        image *m = &s->im[s->n++];
        m->x = fi.x, m->y = fi.y, m->w = fi.width, m->h = fi.height;
        m->interlaced = fi.interlaced;
        m->px = calloc((size_t)fi.width * fi.height + 1, 1);
        if (!m->px)
            abort();
        giflow_row row;
        while ((r = giflow_decode_row(dec, &in, &row)) == GIFLOW_OK) {
            if (row.y >= fi.height || row.width != fi.width)
                abort(); /* a row outside the frame */
            memcpy(m->px + (size_t)row.y * fi.width, row.indices, fi.width);
        }
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
    }
    giflow_decoder_free(dec);
    return r == GIFLOW_END ? 0 : -1;
}

/* Skips sub-blocks from p; returns the offset after the terminator. */
static size_t skip_blocks(const uint8_t *d, size_t n, size_t p)
{
    while (p < n && d[p])
        p += (size_t)d[p] + 1;
    return p + 1;
}

/* Whether an extension has no sub-block at all (21 label 00). giflib's
 * DGifSlurp (5.2.1) then reads one sub-block past the terminator, taking
 * the next block as extension data (docs/conformance.md). */
static int has_empty_extension(const uint8_t *d, size_t n)
{
    if (n < 13)
        return 0;
    size_t p = 13;
    if (d[10] & 0x80)
        p += 3u << ((d[10] & 7) + 1);
    while (p < n) {
        if (d[p] == 0x21 && p + 2 < n) {
            if (d[p + 2] == 0)
                return 1;
            p = skip_blocks(d, n, p + 2);
        } else if (d[p] == 0x2C && p + 10 < n) {
            uint8_t f = d[p + 9];
            p += 10 + ((f & 0x80) ? 3u << ((f & 7) + 1) : 0);
            p = skip_blocks(d, n, p + 1);
        } else {
            return 0;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static seen a;
    if (has_empty_extension(data, size))
        return 0;
    if (giflow_images(data, size, &a) != 0) {
        seen_free(&a);
        return 0;
    }
    tu_gifmem rd;
    int err;
    GifFileType *g = tu_gif_open(&rd, data, size, &err);
    if (g && DGifSlurp(g) == GIF_OK) {
        if ((uint32_t)g->ImageCount != a.n)
            abort(); /* a different number of images */
        for (uint32_t i = 0; i < a.n; i++) {
            const SavedImage *si = &g->SavedImages[i];
            const GifImageDesc *d = &si->ImageDesc;
            const image *m = &a.im[i];
            if ((uint32_t)d->Left != m->x || (uint32_t)d->Top != m->y ||
                (uint32_t)d->Width != m->w || (uint32_t)d->Height != m->h ||
                !!d->Interlace != !!m->interlaced)
                abort(); /* a different rectangle */
            if (m->w && m->h && memcmp(si->RasterBits, m->px, (size_t)m->w * m->h))
                abort(); /* different indices */
        }
    }
    if (g)
        DGifCloseFile(g, &err);
    seen_free(&a);
    return 0;
}
