/*
 * Differential test against giflib (test-only dependency).
 *
 * For every GIF-like corpus file that giflib's DGifSlurp() reads
 * successfully (from memory, through an input function), giflow decodes the
 * same bytes with giflow_decode_row() and every index row must equal the
 * row of giflib's SavedImage RasterBits (de-interlaced) at the same true y.
 * Also compared: the logical screen, global colour table and background
 * index; each frame's rectangle, interlace flag and colour table; the
 * graphic control values (the last GCE before an image, the browser rule,
 * taken from giflib's raw extension blocks); and the number of frames.
 *
 * Where the two legitimately differ, the comparison is made precise rather
 * than skipped, and the file is listed with the reason:
 *  - giflib reads the file but giflow stops with an error: the frames
 *    before the error must match completely, and the rows (and partial row)
 *    giflow delivered of the broken frame must match giflib's.
 *  - every other difference is a failure.
 *
 * Usage: giflib_diff CORPORA_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>

#include "rb_util.h"
#include "testutil.h"

typedef struct memsrc {
    const uint8_t *data;
    size_t size, pos;
} memsrc;

static int mem_read(GifFileType *gif, GifByteType *buf, int len)
{
    memsrc *m = gif->UserData;
    size_t k = m->size - m->pos;
    if (len < 0)
        return 0;
    if ((size_t)len < k)
        k = (size_t)len;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (int)k;
}

/* Tallies. */
static size_t n_files, n_read, n_rejected, n_frames, n_identical, n_partial_frames,
    n_gce_compared, n_rows;
static size_t n_exceptions;

/* Why the browser model (giflow) stops where giflib goes on. */
static const char *reason_for(int status)
{
    switch (status) {
    case GIFLOW_ERR_BAD_CODE:
        return "an LZW code above the next free code: the browser model drops "
               "the frame and stops; giflib substitutes a string and goes on";
    case GIFLOW_ERR_BAD_EXTENSION:
        return "a graphic control extension that is not 4 bytes + terminator: "
               "Chromium (Wuffs) rejects it; giflib does not check its length";
    case GIFLOW_ERR_NOT_GIF:
        return "the signature is not GIF87a/GIF89a: giflib checks only \"GIF\"";
    case GIFLOW_ERR_BAD_CODE_SIZE:
        return "LZW minimum code size above 8 (browser model)";
    case GIFLOW_ERR_MISSING_PIXELS:
        return "the image data ends before the frame is full";
    case GIFLOW_ERR_TRUNCATED:
        return "input ends inside a block";
    case GIFLOW_ERR_BAD_BLOCK:
        return "unknown block introducer";
    default:
        return "(no known reason: investigate)";
    }
}

/* Compares an RGB table from giflow with a giflib ColorMapObject. */
static int same_palette(const uint8_t *rgb, uint32_t n, const ColorMapObject *cm)
{
    if (!cm)
        return rgb == NULL && n == 0;
    if (!rgb || (int)n != cm->ColorCount)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        const GifColorType *c = &cm->Colors[i];
        if (rgb[3 * i] != c->Red || rgb[3 * i + 1] != c->Green ||
            rgb[3 * i + 2] != c->Blue)
            return 0;
    }
    return 1;
}

/* The last graphic control before image k, from giflib's raw blocks. */
typedef struct gce {
    int count;
    int bytes;           /* size of the last one's first sub-block */
    int delay, disposal, transparent;
} gce;

static gce find_gce(const SavedImage *sp)
{
    gce g = {0, 0, 0, 0, -1};
    for (int i = 0; i < sp->ExtensionBlockCount; i++) {
        const ExtensionBlock *e = &sp->ExtensionBlocks[i];
        if (e->Function != GRAPHICS_EXT_FUNC_CODE)
            continue;
        g.count++;
        g.bytes = e->ByteCount;
        if (e->ByteCount >= 4) {
            const uint8_t *b = e->Bytes;
            g.disposal = (b[0] >> 2) & 7;
            g.delay = b[1] | b[2] << 8;
            g.transparent = (b[0] & 1) ? b[3] : -1;
        }
    }
    return g;
}

typedef struct filectx {
    const char *rel;
    int mismatches;
} filectx;

#define MISMATCH(ctx, ...)                                                      \
    do {                                                                       \
        (ctx)->mismatches++;                                                   \
        if ((ctx)->mismatches <= 8) {                                          \
            fprintf(stderr, "%s: MISMATCH: ", (ctx)->rel);                      \
            fprintf(stderr, __VA_ARGS__);                                      \
            fprintf(stderr, "\n");                                             \
        }                                                                      \
    } while (0)

/* Compares one delivered row with giflib's. Returns 1 if equal. */
static int compare_row(filectx *ctx, uint32_t frame, const SavedImage *sp,
                       uint32_t y, const uint8_t *idx, uint32_t n)
{
    const uint8_t *ref = sp->RasterBits + (size_t)y * (size_t)sp->ImageDesc.Width;
    if (!memcmp(idx, ref, n))
        return 1;
    uint32_t x = 0;
    while (idx[x] == ref[x])
        x++;
    MISMATCH(ctx, "frame %u row y=%u differs first at x=%u: giflow %u, giflib %u",
             frame, y, x, idx[x], ref[x]);
    return 0;
}

static void diff_file(const char *rel, const uint8_t *data, size_t size,
                      GifFileType *gif)
{
    filectx ctx = {rel, 0};
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (!dec) {
        MISMATCH(&ctx, "out of memory");
        tu_failures++;
        return;
    }
    giflow_input in = {data, size, 0, 1};
    giflow_image_info im;
    int r = giflow_decode_image_info(dec, &in, &im);
    uint32_t frame = 0, rows_before_error = 0, partial = 0;
    int stage = 0;
    uint8_t *seen = NULL;
    if (r == GIFLOW_OK) {
        if (im.screen_width != (uint32_t)gif->SWidth ||
            im.screen_height != (uint32_t)gif->SHeight)
            MISMATCH(&ctx, "screen %ux%u, giflib %dx%d", im.screen_width,
                     im.screen_height, gif->SWidth, gif->SHeight);
        if (!same_palette(im.global_palette, im.global_palette_size, gif->SColorMap))
            MISMATCH(&ctx, "global colour table differs");
        if (im.background_index != gif->SBackGroundColor)
            MISMATCH(&ctx, "background index %d, giflib %d", im.background_index,
                     gif->SBackGroundColor);
        if (im.pixel_aspect != gif->AspectByte)
            MISMATCH(&ctx, "aspect byte %d, giflib %d", im.pixel_aspect,
                     gif->AspectByte);
    }
    while (r == GIFLOW_OK) {
        giflow_frame_info fi;
        stage = 1;
        r = giflow_decode_frame_info(dec, &in, &fi);
        if (r != GIFLOW_OK)
            break;
        if ((int)frame >= gif->ImageCount) {
            MISMATCH(&ctx, "giflow has frame %u, giflib only %d frames", frame,
                     gif->ImageCount);
            break;
        }
        const SavedImage *sp = &gif->SavedImages[frame];
        const GifImageDesc *d = &sp->ImageDesc;
        if (fi.x != (uint32_t)d->Left || fi.y != (uint32_t)d->Top ||
            fi.width != (uint32_t)d->Width || fi.height != (uint32_t)d->Height ||
            fi.interlaced != (d->Interlace != 0))
            MISMATCH(&ctx, "frame %u: rect %u,%u %ux%u interlaced %d; giflib %d,%d "
                     "%dx%d interlaced %d",
                     frame, fi.x, fi.y, fi.width, fi.height, fi.interlaced, d->Left,
                     d->Top, d->Width, d->Height, d->Interlace);
        if (fi.has_local_palette != (d->ColorMap != NULL) ||
            (d->ColorMap && !same_palette(fi.palette, fi.palette_size, d->ColorMap)))
            MISMATCH(&ctx, "frame %u: local colour table differs", frame);
        gce g = find_gce(sp);
        if (g.count && g.bytes == 4) {
            n_gce_compared++;
            if ((int)fi.delay_cs != g.delay || fi.disposal != g.disposal ||
                fi.transparent_index != g.transparent)
                MISMATCH(&ctx, "frame %u: GCE delay %u disposal %d transparent %d; "
                         "giflib's last GCE block says %d %d %d",
                         frame, fi.delay_cs, fi.disposal, fi.transparent_index,
                         g.delay, g.disposal, g.transparent);
        } else if (!g.count) {
            n_gce_compared++;
            if (fi.delay_cs != 0 || fi.disposal != 0 || fi.transparent_index != -1)
                MISMATCH(&ctx, "frame %u: no GCE in giflib's blocks, giflow has "
                         "delay %u disposal %d transparent %d",
                         frame, fi.delay_cs, fi.disposal, fi.transparent_index);
        }
        /* A GCE of another size is rejected by giflow (listed below). */

        stage = 2;
        free(seen);
        seen = calloc(fi.height ? fi.height : 1, 1);
        giflow_row row;
        const uint8_t *last = NULL;
        uint32_t nrows = 0;
        int rows_ok = 1;
        while ((r = giflow_decode_row(dec, &in, &row)) == GIFLOW_OK) {
            nrows++;
            n_rows++;
            if (row.y >= fi.height || row.width != fi.width || seen[row.y]) {
                MISMATCH(&ctx, "frame %u: row y=%u width=%u (repeated or out of "
                         "range)", frame, row.y, row.width);
                rows_ok = 0;
                continue;
            }
            seen[row.y] = 1;
            last = row.indices;
            rows_ok &= compare_row(&ctx, frame, sp, row.y, row.indices, row.width);
        }
        if (r == GIFLOW_FRAME_END) {
            uint32_t want = fi.width ? fi.height : 0;
            if (nrows != want) {
                MISMATCH(&ctx, "frame %u: %u rows, expected %u", frame, nrows, want);
                rows_ok = 0;
            }
            n_frames++;
            n_identical += rows_ok;
            frame++;
            r = GIFLOW_OK;
            continue;
        }
        /* Broken frame: what was delivered must still match. */
        rows_before_error = nrows;
        uint32_t py = 0;
        partial = giflow_partial_row(dec, &py);
        if (last && partial) {
            if (py >= fi.height || partial > fi.width || seen[py])
                MISMATCH(&ctx, "frame %u: partial row y=%u n=%u out of range",
                         frame, py, partial);
            else
                compare_row(&ctx, frame, sp, py, last, partial);
        }
        n_partial_frames++;
        break;
    }
    free(seen);

    if (r == GIFLOW_END) {
        if ((int)frame != gif->ImageCount)
            MISMATCH(&ctx, "giflow ends after %u frames, giflib has %d", frame,
                     gif->ImageCount);
    } else if (r < 0) {
        /* giflib read the whole file; giflow stopped with an error. */
        n_exceptions++;
        printf("  EXCEPTION %s: giflib reads %d frames; giflow stops with %d (%s) "
               "at %s of frame %u after %u complete frames, %u rows and %u "
               "pixels of the broken row%s. Reason: %s\n",
               rel, gif->ImageCount, r, giflow_strerror(r),
               stage == 0 ? "the header" : stage == 1 ? "the descriptor" : "the pixels",
               frame, frame, rows_before_error, partial,
               ctx.mismatches ? "" : ", all identical to giflib's", reason_for(r));
        if (stage == 1 && r == GIFLOW_ERR_BAD_EXTENSION && (int)frame < gif->ImageCount) {
            gce g = find_gce(&gif->SavedImages[frame]);
            printf("    (giflib's blocks before image %u hold %d GCE(s), the last "
                   "with a %d-byte first sub-block)\n",
                   frame, g.count, g.bytes);
        }
    }
    if (ctx.mismatches) {
        tu_failures++;
        printf("  MISMATCH %s: %d differences from giflib (see stderr)\n", rel,
               ctx.mismatches);
    }
    giflow_decoder_free(dec);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPORA_DIR\n", argv[0]);
        return 2;
    }
    const char *root = argv[1];
    rb_list files = {0};
    TU_CHECK(rb_walk(root, rb_is_gif_like, &files) == 0, "cannot read %s", root);
    TU_CHECK(files.n >= 500, "only %zu GIF-like files under %s", files.n, root);
    int rej[32] = {0};
    double t0 = rb_now();
    for (size_t i = 0; i < files.n; i++) {
        const char *rel = rb_rel(files.paths[i], root);
        size_t n;
        uint8_t *data = tu_read_file(files.paths[i], &n);
        TU_CHECK(data != NULL, "%s: cannot read", rel);
        if (!data)
            continue;
        n_files++;
        memsrc m = {data, n, 0};
        int err = 0;
        GifFileType *gif = DGifOpen(&m, mem_read, &err);
        int ok = 0;
        if (gif) {
            ok = DGifSlurp(gif) == GIF_OK;
            if (!ok)
                err = gif->Error;
        }
        if (ok) {
            n_read++;
            diff_file(rel, data, n, gif);
        } else {
            n_rejected++;
            rej[err >= 100 && err < 132 ? err - 100 : 0]++;
        }
        if (gif)
            DGifCloseFile(gif, &err);
        free(data);
    }
    printf("giflib differential: %zu files, giflib's DGifSlurp reads %zu and "
           "rejects %zu (",
           n_files, n_read, n_rejected);
    for (int k = 0; k < 32; k++)
        if (rej[k])
            printf(" %d x %s;", rej[k], k ? GifErrorString(100 + k) : "other");
    printf(" )\n");
    printf("frames compared row by row: %zu complete + %zu broken in giflow; "
           "complete frames identical: %zu; rows compared: %zu; graphic "
           "controls compared: %zu\n",
           n_frames, n_partial_frames, n_identical, n_rows, n_gce_compared);
    printf("files giflib reads where giflow reports an error (listed above): %zu\n",
           n_exceptions);
    printf("%.2f s\n", rb_now() - t0);
    rb_list_free(&files);
    if (tu_failures)
        printf("FAILED: %d files or checks\n", tu_failures);
    return tu_failures ? 1 : 0;
}
