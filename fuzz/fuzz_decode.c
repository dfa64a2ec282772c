/*
 * libFuzzer target: the decoder on arbitrary bytes.
 *
 * Each input is decoded twice, whole and in chunks whose sizes come from the
 * input itself, through both the compose and the row stages; the two runs
 * must agree exactly, and so must a chunked compose run with
 * GIFLOW_FLAG_SMALL_MEMORY (the other LZW modes). Crashes, hangs, leaks and sanitizer reports are what
 * libFuzzer looks for; the comparison turns silent chunking bugs into
 * crashes too. Limits keep allocations small.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

typedef struct run {
    int status;
    uint32_t frames;
    uint32_t crc;
} run;

/* chunk == 0: everything at once; else chunk sizes 1..chunk cycling. */
static run decode(const uint8_t *data, size_t size, unsigned chunk, int rows, unsigned flags)
{
    run out = {0, 0, 2166136261u};
    giflow_decoder *dec = fuzz_decoder(64, flags);
    fuzz_feed fd;
    fuzz_feed_init(&fd, data, size, chunk);
    giflow_image_info ii;
    int r;
    while ((r = giflow_decode_image_info(dec, &fd.in, &ii)) == GIFLOW_NEED_INPUT)
        fuzz_feed_more(&fd);
    uint8_t *canvas = NULL;
    size_t stride = (size_t)ii.canvas_width * 4;
    if (r == GIFLOW_OK && !rows) {
        canvas = malloc(stride * ii.canvas_height + 1);
        if (!canvas)
            abort();
    }
    while (r == GIFLOW_OK) {
        giflow_frame_info fi;
        while ((r = giflow_decode_frame_info(dec, &fd.in, &fi)) == GIFLOW_NEED_INPUT)
            fuzz_feed_more(&fd);
        if (r != GIFLOW_OK)
            break;
        out.frames++;
        if (rows) {
            giflow_row row;
            for (;;) {
                while ((r = giflow_decode_row(dec, &fd.in, &row)) == GIFLOW_NEED_INPUT)
                    fuzz_feed_more(&fd);
                if (r != GIFLOW_OK)
                    break;
                out.crc = fuzz_mix(out.crc, row.indices, row.width) ^ row.y;
            }
        } else {
            while ((r = giflow_decode_frame_rgba(dec, &fd.in, canvas, stride)) == GIFLOW_NEED_INPUT)
                fuzz_feed_more(&fd);
            out.crc = fuzz_mix(out.crc, canvas, stride * ii.canvas_height);
        }
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
    }
    out.status = r;
    free(canvas);
    giflow_decoder_free(dec);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned chunk = size ? 1 + data[size - 1] % 17 : 1;
    for (int rows = 0; rows < 2; rows++) {
        run a = decode(data, size, 0, rows, 0), b = decode(data, size, chunk, rows, 0);
        if (a.status != b.status || a.frames != b.frames || a.crc != b.crc)
            abort(); /* chunking changed the result */
        if (!rows) {
            /* The fixed-state LZW modes must paint what the flat ones do. */
            run c = decode(data, size, chunk, 0, GIFLOW_FLAG_SMALL_MEMORY);
            if (a.status != c.status || a.frames != c.frames || a.crc != c.crc)
                abort();
        }
    }
    return 0;
}
