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

#include "gifmem.h"
#include "rb_util.h"
#include "testutil.h"

/* Tallies. */
static size_t n_files, n_read, n_rejected, n_frames, n_identical, n_partial_frames,
    n_gce_compared, n_rows;
static size_t n_exceptions, n_suspected;

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
        partial = giflow_decoder_partial_row(dec, &py);
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

/* ---- phase 2: files DGifSlurp rejects ------------------------------------ */

/* giflow's decode of a whole file, frame by frame, as index rasters. */
typedef struct gframe {
    giflow_frame_info info;
    uint8_t *palette;       /* copy of the active palette (RGB), or NULL */
    int status;             /* GIFLOW_FRAME_END or the error */
    uint8_t *pix;           /* width * height indices */
    uint8_t *seen;          /* rows delivered */
    uint32_t nrows;
    uint32_t partial_n, partial_y;
    int partial_ok;         /* the partial pixels are in pix[partial_y] */
} gframe;

typedef struct gdecode {
    int status;             /* GIFLOW_END or the error that stopped it */
    int stage;
    uint32_t n;
    gframe *f;
} gdecode;

static void gdecode_free(gdecode *g)
{
    for (uint32_t i = 0; i < g->n; i++) {
        free(g->f[i].palette);
        free(g->f[i].pix);
        free(g->f[i].seen);
    }
    free(g->f);
    memset(g, 0, sizeof *g);
}

/* Frames larger than this are not stored (they do not occur in the
 * corpora's giflib-rejected files; the test says so if they do). */
#define MAX_STORED_PIXELS ((uint64_t)1 << 26)

static int giflow_all(const uint8_t *data, size_t size, gdecode *out)
{
    memset(out, 0, sizeof *out);
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (!dec)
        return -1;
    giflow_input in = {data, size, 0, 1};
    giflow_image_info im;
    int r = giflow_decode_image_info(dec, &in, &im);
    uint32_t cap = 0;
    while (r == GIFLOW_OK) {
        giflow_frame_info fi;
        out->stage = 1;
        if ((r = giflow_decode_frame_info(dec, &in, &fi)) != GIFLOW_OK)
            break;
        out->stage = 2;
        if (out->n == cap) {
            cap = cap ? 2 * cap : 16;
            gframe *nf = realloc(out->f, cap * sizeof *nf);
            if (!nf)
                break;
            out->f = nf;
        }
        gframe *g = &out->f[out->n++];
        memset(g, 0, sizeof *g);
        g->info = fi;
        if (fi.palette) {
            g->palette = malloc((size_t)fi.palette_size * 3);
            if (g->palette)
                memcpy(g->palette, fi.palette, (size_t)fi.palette_size * 3);
        }
        g->info.palette = g->palette;
        uint64_t px = (uint64_t)fi.width * fi.height;
        if (px > MAX_STORED_PIXELS) {
            g->status = GIFLOW_ERR_LIMIT_PIXELS; /* marks "not stored" */
            r = GIFLOW_ERR_LIMIT_PIXELS;
            break;
        }
        g->pix = calloc(px ? (size_t)px : 1, 1);
        g->seen = calloc(fi.height ? fi.height : 1, 1);
        if (!g->pix || !g->seen)
            break;
        giflow_row row;
        const uint8_t *last = NULL;
        while ((r = giflow_decode_row(dec, &in, &row)) == GIFLOW_OK) {
            if (row.y < fi.height && row.width == fi.width && !g->seen[row.y]) {
                memcpy(g->pix + (size_t)row.y * fi.width, row.indices, fi.width);
                g->seen[row.y] = 1;
            }
            g->nrows++;
            last = row.indices;
        }
        g->status = r;
        if (r == GIFLOW_FRAME_END) {
            r = GIFLOW_OK;
            continue;
        }
        g->partial_n = giflow_decoder_partial_row(dec, &g->partial_y);
        if (last && g->partial_n <= fi.width && g->partial_y < fi.height &&
            !g->seen[g->partial_y]) {
            memcpy(g->pix + (size_t)g->partial_y * fi.width, last, g->partial_n);
            g->partial_ok = 1;
        }
    }
    out->status = r;
    giflow_decoder_free(dec);
    return 0;
}

static size_t p2_files, p2_images_complete, p2_compared, p2_identical,
    p2_giflow_broken, p2_giflow_stopped, p2_giflib_partial, p2_giflib_partial_rows,
    p2_giflow_more, p2_zero;

/* Compares giflib's image k (rows [0, rows) of pass order complete, or all
 * when complete) with giflow's frame k. */
static void p2_compare(filectx *ctx, const gdecode *gd, uint32_t k,
                       const GifImageDesc *d, const uint8_t *pix,
                       const uint8_t *done, int complete, const char *giflib_err,
                       int giflib_code)
{
    if (k >= gd->n) {
        if (complete) {
            p2_giflow_stopped++;
            n_exceptions++;
            (void)giflib_err;
            printf("  EXCEPTION %s: giflib (low-level; DGifSlurp rejects the file) "
                   "decodes image %u; giflow stopped before it with %d (%s) at "
                   "%s. Reason: %s\n",
                   ctx->rel, k, gd->status, giflow_strerror(gd->status),
                   gd->stage == 2 ? "the pixels of an earlier frame"
                                  : "a descriptor or block",
                   reason_for(gd->status));
        }
        return;
    }
    const gframe *g = &gd->f[k];
    const giflow_frame_info *fi = &g->info;
    if (fi->x != (uint32_t)d->Left || fi->y != (uint32_t)d->Top ||
        fi->width != (uint32_t)d->Width || fi->height != (uint32_t)d->Height ||
        fi->interlaced != (d->Interlace != 0)) {
        MISMATCH(ctx, "frame %u: rect %u,%u %ux%u interlaced %d; giflib %d,%d %dx%d "
                 "interlaced %d",
                 k, fi->x, fi->y, fi->width, fi->height, fi->interlaced, d->Left,
                 d->Top, d->Width, d->Height, d->Interlace);
        return;
    }
    if (fi->has_local_palette != (d->ColorMap != NULL) ||
        (d->ColorMap && !same_palette(fi->palette, fi->palette_size, d->ColorMap)))
        MISMATCH(ctx, "frame %u: local colour table differs", k);
    if (g->status == GIFLOW_ERR_LIMIT_PIXELS && !g->pix) {
        printf("  NOTE %s: frame %u too large to store; not compared\n", ctx->rel, k);
        return;
    }
    uint32_t w = fi->width, h = fi->height, same = 1, rows = 0;
    for (uint32_t y = 0; y < h; y++) {
        if (!done[y])
            continue;
        int have = g->seen[y], part = 0;
        if (!have && g->partial_ok && g->partial_y == y)
            have = part = 1;
        if (!have)
            continue;
        uint32_t n = part ? g->partial_n : w;
        const uint8_t *a = g->pix + (size_t)y * w, *b = pix + (size_t)y * w;
        rows++;
        if (memcmp(a, b, n)) {
            uint32_t x = 0;
            while (a[x] == b[x])
                x++;
            MISMATCH(ctx, "frame %u row y=%u differs first at x=%u: giflow %u, giflib %u",
                     k, y, x, a[x], b[x]);
            same = 0;
        }
    }
    p2_giflib_partial_rows += complete ? 0 : rows;
    if (!complete) {
        if (g->status != GIFLOW_FRAME_END)
            return;
        p2_giflow_more++;
        if (giflib_code == D_GIF_ERR_READ_FAILED && k + 1 == gd->n &&
            gd->status == GIFLOW_ERR_TRUNCATED && gd->stage == 1) {
            /* The input ends inside this frame's image data (giflib reads
             * whole sub-blocks and fails; giflow, streaming, decodes every
             * pixel from the bytes that did arrive and only fails at the next
             * frame_info). The browser model says a frame whose data is cut
             * short is not shown: Wuffs' decode_frame returns "truncated
             * input" for pjw-thumbnail.gif without its last 2 bytes
             * (test_wuffs_gif_decode_missing_two_src_bytes). */
            n_suspected++;
            tu_failures++;
            printf("  SUSPECTED BUG %s: the input ends inside frame %u's image "
                   "data (giflib: %s, after %u rows), yet giflow reports the frame "
                   "complete (GIFLOW_FRAME_END) and only then GIFLOW_ERR_TRUNCATED "
                   "at the next descriptor; by the browser model the frame is cut "
                   "short and not shown. The rows both delivered are %s.\n",
                   ctx->rel, k, giflib_err, rows, same ? "identical" : "DIFFERENT");
        } else {
            n_exceptions++;
            printf("  EXCEPTION %s: giflow completes frame %u; giflib fails in it "
                   "(%s) after %u of its rows; those rows are %s\n",
                   ctx->rel, k, giflib_err, rows, same ? "identical" : "DIFFERENT");
        }
        return;
    }
    p2_compared++;
    if (g->status == GIFLOW_FRAME_END) {
        uint32_t want = w ? h : 0;
        if (g->nrows != want)
            MISMATCH(ctx, "frame %u: giflow delivered %u rows, expected %u", k,
                     g->nrows, want);
        else
            p2_identical += same;
    } else {
        p2_giflow_broken++;
        n_exceptions++;
        printf("  EXCEPTION %s: giflib (low-level; DGifSlurp rejects the file) "
               "decodes image %u completely; giflow reports %d (%s) in it after %u "
               "rows + %u pixels, %s. Reason: %s\n",
               ctx->rel, k, g->status, giflow_strerror(g->status),
               g->nrows, g->partial_ok ? g->partial_n : 0,
               same ? "all identical to giflib's" : "SOME DIFFERENT",
               reason_for(g->status));
    }
}

/* Decodes what giflib can of a file DGifSlurp rejected, image by image with
 * the low-level API, and compares each image with giflow's frame. */
static void phase2(const char *rel, const uint8_t *data, size_t size)
{
    filectx ctx = {rel, 0};
    gdecode gd;
    if (giflow_all(data, size, &gd) != 0) {
        tu_failures++;
        return;
    }
    p2_files++;
    tu_gifmem m;
    int err = 0;
    GifFileType *gif = tu_gif_open(&m, data, size, &err);
    uint32_t k = 0;
    uint8_t *pix = NULL, *done = NULL;
    if (!gif)
        goto out;
    for (;;) {
        GifRecordType rt;
        if (DGifGetRecordType(gif, &rt) == GIF_ERROR)
            break;
        if (rt == TERMINATE_RECORD_TYPE)
            break;
        if (rt == EXTENSION_RECORD_TYPE) {
            int code;
            GifByteType *ext;
            if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR)
                break;
            while (ext)
                if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR)
                    goto stop;
            continue;
        }
        if (rt != IMAGE_DESC_RECORD_TYPE)
            break;
        if (DGifGetImageDesc(gif) == GIF_ERROR)
            break;
        GifImageDesc d = gif->Image;
        if (d.ColorMap) {
            /* gif->Image.ColorMap is freed by the next descriptor: copy. */
            d.ColorMap = GifMakeMapObject(d.ColorMap->ColorCount, d.ColorMap->Colors);
        }
        uint64_t px = (uint64_t)(d.Width > 0 ? d.Width : 0) * (uint64_t)(d.Height > 0 ? d.Height : 0);
        int complete = 0;
        free(pix);
        free(done);
        pix = done = NULL;
        if (px == 0) {
            /* No pixels to read: skip the image data. */
            int cs;
            GifByteType *blk;
            int ok = DGifGetCode(gif, &cs, &blk) != GIF_ERROR;
            while (ok && blk)
                ok = DGifGetCodeNext(gif, &blk) != GIF_ERROR;
            p2_zero++;
            if (d.ColorMap)
                GifFreeMapObject(d.ColorMap);
            if (!ok)
                break;
            k++;
            continue;
        }
        if (px > MAX_STORED_PIXELS) {
            printf("  NOTE %s: giflib image %u (%dx%d) too large to test\n", rel, k,
                   d.Width, d.Height);
            if (d.ColorMap)
                GifFreeMapObject(d.ColorMap);
            break;
        }
        pix = calloc((size_t)px, 1);
        done = calloc((size_t)d.Height, 1);
        if (!pix || !done) {
            if (d.ColorMap)
                GifFreeMapObject(d.ColorMap);
            break;
        }
        static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
        int passes = d.Interlace ? 4 : 1, failed = 0;
        for (int p = 0; p < passes && !failed; p++)
            for (int y = d.Interlace ? start[p] : 0; y < d.Height;
                 y += d.Interlace ? step[p] : 1) {
                if (DGifGetLine(gif, pix + (size_t)y * d.Width, d.Width) == GIF_ERROR) {
                    failed = 1;
                    break;
                }
                done[y] = 1;
            }
        complete = !failed;
        if (complete)
            p2_images_complete++;
        else
            p2_giflib_partial++;
        const char *e = GifErrorString(gif->Error);
        p2_compare(&ctx, &gd, k, &d, pix, done, complete,
                   complete ? "see below" : (e ? e : "?"), gif->Error);
        if (d.ColorMap)
            GifFreeMapObject(d.ColorMap);
        if (!complete)
            break;
        k++;
    }
stop:
out:
    free(pix);
    free(done);
    if (gif)
        DGifCloseFile(gif, &err);
    if (ctx.mismatches) {
        tu_failures++;
        printf("  MISMATCH %s: %d differences from giflib (see stderr)\n", rel,
               ctx.mismatches);
    }
    gdecode_free(&gd);
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
        tu_gifmem m;
        int err = 0;
        GifFileType *gif = tu_gif_open(&m, data, n, &err);
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
            if (getenv("GIFLIB_DIFF_VERBOSE"))
                printf("  giflib rejects %s: %d %s\n", rel, err,
                       err ? GifErrorString(err) : "(no code)");
        }
        if (gif)
            DGifCloseFile(gif, &err);
        if (!ok)
            phase2(rel, data, n);
        free(data);
    }
    printf("giflib differential: %zu files, giflib's DGifSlurp reads %zu and "
           "rejects %zu (",
           n_files, n_read, n_rejected);
    for (int k = 0; k < 32; k++)
        if (rej[k])
            printf(" %d x %s;", rej[k],
                   k ? GifErrorString(100 + k)
                     : "GIF_ERROR without an error code (e.g. zero-size or oversized image)");
    printf(" )\n");
    printf("frames compared row by row: %zu complete + %zu broken in giflow; "
           "complete frames identical: %zu; rows compared: %zu; graphic "
           "controls compared: %zu\n",
           n_frames, n_partial_frames, n_identical, n_rows, n_gce_compared);
    printf("phase 2, the %zu files DGifSlurp rejects, decoded image by image with "
           "giflib's low-level API: %zu images giflib completes (+%zu empty "
           "images skipped), %zu compared with giflow's frame, %zu identical to a "
           "frame giflow completes, %zu in frames giflow reports broken, %zu after "
           "giflow had stopped; %zu images giflib abandons part-way (%zu of their "
           "rows compared), of which giflow completes %zu\n",
           p2_files, p2_images_complete, p2_zero, p2_compared, p2_identical,
           p2_giflow_broken, p2_giflow_stopped, p2_giflib_partial,
           p2_giflib_partial_rows, p2_giflow_more);
    printf("listed exceptions (legitimate disagreements, reasons above): %zu; "
           "suspected giflow bugs: %zu\n",
           n_exceptions, n_suspected);
    printf("%.2f s\n", rb_now() - t0);
    rb_list_free(&files);
    if (tu_failures)
        printf("FAILED: %d files or checks\n", tu_failures);
    return tu_failures ? 1 : 0;
}
