/*
 * libFuzzer target: viewport decoding (giflow_decoder_set_viewport) on
 * arbitrary bytes.
 *
 * Two oracles, each turned into a crash when it fails:
 * - a 1:1 viewport of the whole canvas shows every complete frame exactly
 *   as the full-size decode (statuses may differ only where the viewport is
 *   documented to differ: a frame with rows outside the canvas, whose
 *   skipped data is not checked, and the viewport's own memory);
 * - a viewport picked from the input's hash (crop, ratio) gives the same
 *   frames whole and in chunks sized by the input.
 * Limits keep each case small.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

#define MAXF 64

typedef struct run {
    int status, set_status;
    uint32_t frames;
    uint32_t crc[MAXF];
    int fstatus[MAXF];
    int lenient_ok[MAXF]; /* frame has rows or columns outside the canvas */
} run;

/* Picks a viewport inside a w x h canvas from seed. */
static void pick(uint32_t seed, uint32_t w, uint32_t h, giflow_viewport *vp)
{
    vp->crop_x = seed % w;
    vp->crop_y = (seed >> 8) % h;
    vp->crop_width = 1 + (seed >> 4) % (w - vp->crop_x);
    vp->crop_height = 1 + (seed >> 12) % (h - vp->crop_y);
    vp->out_width = 1 + (seed >> 16) % vp->crop_width;
    vp->out_height = 1 + (seed >> 24) % vp->crop_height;
}

/* mode 0: full size; 1: 1:1 viewport; 2: viewport from seed. chunk == 0:
 * everything at once; else chunk sizes 1..chunk cycling. */
static void decode(const uint8_t *data, size_t size, unsigned chunk, int mode, uint32_t seed,
                   run *out)
{
    memset(out, 0, sizeof *out);
    giflow_decoder *dec = fuzz_decoder(MAXF, 0);
    fuzz_feed fd;
    fuzz_feed_init(&fd, data, size, chunk);
    giflow_image_info ii;
    int r;
    while ((r = giflow_decode_image_info(dec, &fd.in, &ii)) == GIFLOW_NEED_INPUT)
        fuzz_feed_more(&fd);
    uint32_t w = ii.canvas_width, h = ii.canvas_height;
    if (r == GIFLOW_OK && mode) {
        giflow_viewport vp = {0, 0, 0, 0, 0, 0};
        if (mode == 2)
            pick(seed, w, h, &vp);
        out->set_status = r = giflow_decoder_set_viewport(dec, &vp);
        if (r == GIFLOW_OK) {
            w = vp.out_width;
            h = vp.out_height;
        }
    }
    uint8_t *canvas = NULL;
    size_t stride = (size_t)w * 4;
    if (r == GIFLOW_OK) {
        canvas = malloc(stride * h + 1);
        if (!canvas)
            abort();
    }
    while (r == GIFLOW_OK && out->frames < MAXF) {
        giflow_frame_info fi;
        while ((r = giflow_decode_frame_info(dec, &fd.in, &fi)) == GIFLOW_NEED_INPUT)
            fuzz_feed_more(&fd);
        if (r != GIFLOW_OK)
            break;
        while ((r = giflow_decode_frame_rgba(dec, &fd.in, canvas, stride)) == GIFLOW_NEED_INPUT)
            fuzz_feed_more(&fd);
        out->crc[out->frames] = fuzz_mix(2166136261u, canvas, stride * h);
        out->fstatus[out->frames] = r;
        out->lenient_ok[out->frames] = fi.clip_width == 0 || fi.clip_height < fi.height;
        out->frames++;
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
    }
    out->status = r;
    free(canvas);
    giflow_decoder_free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static run a, b; /* large: keep them off the stack */
    unsigned chunk = size ? 1 + data[size - 1] % 17 : 1;
    uint32_t seed = fuzz_mix(2166136261u, data, size);

    decode(data, size, 0, 0, 0, &a);
    decode(data, size, 0, 1, 0, &b);
    if (b.set_status != GIFLOW_OK && b.set_status != GIFLOW_ERR_LIMIT_MEMORY)
        abort(); /* a 1:1 viewport of a valid canvas is always accepted */
    for (uint32_t k = 0; k < a.frames && k < b.frames; k++) {
        if (a.fstatus[k] != b.fstatus[k]) {
            /* The viewport's own buffers may not fit the budget; otherwise
             * only skipped data may change the outcome: its errors go
             * unseen, so the frame ends, or the input ends inside it. */
            int skipped = b.fstatus[k] == GIFLOW_FRAME_END || b.fstatus[k] == GIFLOW_ERR_TRUNCATED;
            if (b.fstatus[k] != GIFLOW_ERR_LIMIT_MEMORY && !(skipped && a.lenient_ok[k]))
                abort();
            break;
        }
        if (a.fstatus[k] != GIFLOW_FRAME_END)
            break;
        if (a.crc[k] != b.crc[k])
            abort(); /* a 1:1 viewport must show the full frame */
    }

    decode(data, size, 0, 2, seed, &a);
    decode(data, size, chunk, 2, seed, &b);
    if (a.status != b.status || a.frames != b.frames ||
        memcmp(a.crc, b.crc, sizeof a.crc) || memcmp(a.fstatus, b.fstatus, sizeof a.fstatus))
        abort(); /* chunking changed the result */
    return 0;
}
