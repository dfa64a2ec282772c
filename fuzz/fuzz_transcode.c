/*
 * libFuzzer target: the transcoder (giflow edit) on arbitrary bytes.
 *
 * Oracles, each turned into a crash when it fails:
 * - OPTIMIZE (lossless) and COPY write a GIF that shows what the input
 *   shows: the same frames (consecutive equal frames merged), each for the
 *   same played time, and the same loop count, as the decoder sees them;
 *   the input fed whole or in chunks sized by its hash;
 * - a geometry from the hash (rotate, flip, crop, nearest resize) writes a
 *   GIF that decodes without error.
 * tests/unit/test_transcode.c runs the same checks over every corpus file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

#define MAXF 64

typedef struct shown {
    uint32_t n;
    uint32_t hash[MAXF + 1];
    uint64_t ms[MAXF + 1];
    int loop;
    int status; /* how decoding ended: GIFLOW_END or an error */
} shown;

/* What a browser shows: frames (merged when equal) and their times. */
static void watch(const uint8_t *data, size_t size, shown *s)
{
    memset(s, 0, sizeof *s);
    giflow_decoder *dec = fuzz_decoder(MAXF, 0);
    giflow_input in = {data, size, 0, 1};
    giflow_image_info ii;
    uint8_t *canvas = NULL;
    int r = giflow_decode_image_info(dec, &in, &ii);
    if (r == GIFLOW_OK) {
        size_t bytes = (size_t)ii.canvas_width * ii.canvas_height * 4;
        canvas = malloc(bytes);
        if (!canvas)
            abort();
        giflow_frame_info fi;
        while ((r = giflow_decode_frame_info(dec, &in, &fi)) == GIFLOW_OK) {
            if ((r = giflow_decode_frame_rgba(dec, &in, canvas, (size_t)ii.canvas_width * 4)) !=
                GIFLOW_FRAME_END)
                break;
            /* Transparent pixels compare equal whatever their colour. */
            uint32_t h = 2166136261u;
            for (size_t i = 0; i < bytes; i += 4) {
                static const uint8_t clear[4] = {0, 0, 0, 0};
                h = fuzz_mix(h, canvas[i + 3] ? canvas + i : clear, 4);
            }
            if (s->n && s->hash[s->n - 1] == h) {
                s->ms[s->n - 1] += fi.played_delay_ms;
            } else if (s->n <= MAXF) {
                s->hash[s->n] = h;
                s->ms[s->n++] = fi.played_delay_ms;
            }
        }
    }
    s->status = r;
    s->loop = giflow_decoder_loop_count(dec);
    free(canvas);
    giflow_decoder_free(dec);
}

/* Transcodes data with o, fed in pieces of up to chunk bytes (0: whole).
 * Returns the status; *out / *out_size hold a malloc'd copy of the GIF. */
static int transcode(const uint8_t *data, size_t size, const giflow_transcode_options *o,
                     unsigned chunk, uint8_t **out, size_t *out_size)
{
    *out = NULL;
    *out_size = 0;
    giflow_transcoder *t = giflow_transcoder_new(NULL);
    if (!t)
        abort();
    giflow_limits lim;
    giflow_limits_default(&lim);
    lim.max_canvas_pixels = 1 << 20;
    lim.max_frames = MAXF;
    lim.max_total_pixels = 1 << 22;
    lim.max_memory = 1 << 24;
    giflow_transcoder_set_limits(t, &lim);
    giflow_transcoder_set_output_memory(t);
    int r = giflow_transcode_begin(t, o);
    if (r == GIFLOW_OK) {
        fuzz_feed fd;
        fuzz_feed_init(&fd, data, size, chunk);
        while ((r = giflow_transcode_push(t, &fd.in)) == GIFLOW_NEED_INPUT && !fd.in.eof)
            fuzz_feed_more(&fd);
        if (r == GIFLOW_END)
            r = giflow_transcode_finish(t);
    }
    if (r == GIFLOW_OK) {
        const uint8_t *p = giflow_transcoder_output(t, out_size);
        *out = malloc(*out_size ? *out_size : 1);
        if (!*out)
            abort();
        if (*out_size)
            memcpy(*out, p, *out_size);
    }
    giflow_transcoder_free(t);
    return r;
}

static int same(const shown *a, const shown *b)
{
    if (a->n != b->n || a->loop != b->loop)
        return 0;
    for (uint32_t i = 0; i < a->n; i++)
        if (a->hash[i] != b->hash[i] || a->ms[i] != b->ms[i])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shown want, got;
    watch(data, size, &want);
    if (want.n > MAXF)
        return 0; /* beyond what the limits let the transcoder read */
    uint32_t seed = fuzz_mix(2166136261u, data, size);
    for (int mode = GIFLOW_MODE_COPY; mode <= GIFLOW_MODE_OPTIMIZE; mode++) {
        giflow_transcode_options o;
        giflow_transcode_options_default(&o);
        o.mode = mode;
        uint8_t *out;
        size_t n;
        int r = transcode(data, size, &o, mode == GIFLOW_MODE_COPY ? 0 : 1 + seed % 97, &out, &n);
        if (r == GIFLOW_OK) {
            watch(out, n, &got);
            /* An input whose header fails has nothing to show; its copy
             * may not even be a GIF. */
            if (want.status != GIFLOW_END && want.n == 0 && got.n == 0)
                got.loop = want.loop;
            if (!same(&want, &got))
                abort();
        } else if (r != GIFLOW_ERR_TOO_MANY_COLORS && r != GIFLOW_ERR_LIMIT_CANVAS && want.n != 0) {
            /* Frames were shown, so the transcoder must cope, unless the
             * canvas grew past what a GIF can say (65535). */
            abort();
        }
        free(out);
    }
    giflow_transcode_options o;
    giflow_transcode_options_default(&o);
    o.rotate = (int)(seed % 4) * 90;
    o.flip = (int)(seed >> 2) % 4;
    if (seed & 0x100) {
        o.crop_x = (seed >> 9) % 8;
        o.crop_y = (seed >> 12) % 8;
        o.crop_width = 1 + (seed >> 15) % 40;
        o.crop_height = 1 + (seed >> 20) % 40;
    }
    if (seed & 0x80000000u) {
        o.width = 1 + (seed >> 24) % 50;
        o.resize_filter = GIFLOW_RESIZE_NEAREST;
    }
    uint8_t *out;
    size_t n;
    if (transcode(data, size, &o, 0, &out, &n) == GIFLOW_OK) {
        watch(out, n, &got);
        if (got.status != GIFLOW_END)
            abort();
    }
    free(out);
    return 0;
}
