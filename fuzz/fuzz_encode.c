/*
 * libFuzzer target: the encoder, with options and frames drawn from the
 * input, and its output decoded back.
 *
 * The input's first bytes pick the options (size, palette mode, colours,
 * dither, optimize, lossless, lossy, lossy LZW, denoise, effort, timing,
 * loop count, comment, a caller palette, row streaming, sampling); the
 * rest paints the frames, each from a small set of colours (some
 * transparent) or, now and then, from raw bytes.
 *
 * Oracles, each turned into a crash when it fails:
 * - every call succeeds, except GIFLOW_ERR_TOO_MANY_COLORS with lossless
 *   set (and then, with a palette per frame allowed, only when the frames
 *   have more colours than max_colors);
 * - the output decodes cleanly (GIFLOW_END) to the canvas size, with as
 *   many frames as the encoder says it wrote; with delays of 2 cs or more
 *   and no two consecutive frames alike, that is every frame given;
 * - lossless cases (no lossy option, no denoising, at most max_colors - 1
 *   colours over all frames, a palette per frame allowed or a single
 *   frame): every frame decodes to exactly its input,
 *   alpha below the threshold as transparent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

#define MAXF 6

typedef struct bytes {
    const uint8_t *p;
    size_t n, i;
} bytes;

/* The next input byte, 0 after the end. */
static uint8_t next(bytes *b)
{
    return b->i < b->n ? b->p[b->i++] : 0;
}

typedef struct clip {
    uint32_t w, h, n;
    uint8_t *rgba; /* n frames */
    uint32_t delay[MAXF];
} clip;

/* Frame k: palette pixels from a few colours, or raw bytes. */
static void paint(bytes *b, clip *c, uint32_t k)
{
    uint8_t *f = c->rgba + (size_t)k * c->w * c->h * 4;
    uint8_t mode = next(b);
    if (mode < 16) {
        for (size_t i = 0; i < (size_t)c->w * c->h * 4; i++)
            f[i] = next(b);
        return;
    }
    uint32_t ncol = 1 + mode % 12;
    uint8_t pal[12][4];
    for (uint32_t i = 0; i < 12; i++) { /* (only ncol used) */
        for (int j = 0; j < 3; j++)
            pal[i][j] = i < ncol ? next(b) : 0;
        pal[i][3] = i < ncol && next(b) < 32 ? 0 : 255;
    }
    /* Runs of one colour, as in real frames, so optimize has work. */
    size_t i = 0, px = (size_t)c->w * c->h;
    while (i < px) {
        uint8_t v = next(b);
        size_t run = 1 + (v >> 4) * (v >> 4);
        for (; run && i < px; run--, i++)
            memcpy(f + 4 * i, pal[(v & 15) % ncol], 4);
    }
}

/* Distinct colours over all frames, transparent pixels as one, up to
 * 300; *transp tells whether any pixel is transparent. */
static uint32_t colours(const clip *c, uint8_t threshold, int *transp)
{
    static uint32_t seen[301];
    uint32_t n = 0;
    *transp = 0;
    for (size_t i = 0; i < (size_t)c->n * c->w * c->h && n <= 300; i++) {
        const uint8_t *p = c->rgba + 4 * i;
        if (p[3] < threshold) {
            *transp = 1;
            continue;
        }
        uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        uint32_t j = 0;
        while (j < n && seen[j] != v)
            j++;
        if (j == n)
            seen[n++] = v;
    }
    return n + (uint32_t)*transp;
}

static int same_frame(const clip *c, uint32_t a, uint32_t b, uint8_t threshold)
{
    size_t px = (size_t)c->w * c->h;
    const uint8_t *p = c->rgba + a * px * 4, *q = c->rgba + b * px * 4;
    for (size_t i = 0; i < px; i++) {
        int ta = p[4 * i + 3] < threshold, tb = q[4 * i + 3] < threshold;
        if (ta != tb || (!ta && memcmp(p + 4 * i, q + 4 * i, 3)))
            return 0;
    }
    return 1;
}

static int ok_or(int r, int lossless)
{
    if (r == GIFLOW_OK)
        return 0;
    if (r == GIFLOW_ERR_TOO_MANY_COLORS && lossless)
        return 1;
    abort(); /* a valid call on valid frames failed */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bytes b = {data, size, 0};
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    clip c;
    c.w = o.width = 1 + next(&b) % 40;
    c.h = o.height = 1 + next(&b) % 40;
    c.n = 1 + next(&b) % MAXF;
    uint8_t f0 = next(&b), f1 = next(&b), f2 = next(&b), f3 = next(&b);
    o.palette = f0 % 3;
    o.dither = (f0 >> 2) % 3;
    o.optimize = (f0 >> 4) & 1;
    o.lossless = (f0 >> 5) & 1;
    o.row_streaming = (f0 >> 6) & 1;
    int sample = f0 >> 7;
    o.max_colors = f1 < 128 ? 256 : 2 + f1 % 255;
    o.alpha_threshold = (f2 & 3) == 0 ? (uint8_t)next(&b) : 128;
    o.loop_count = (f2 >> 2) % 4 == 3 ? -1 : (f2 >> 2) % 4;
    o.effort = (f2 >> 4) & 3;
    o.denoise = (f2 >> 6) == 0 ? next(&b) % 101 : 0;
    o.denoise_frames = 3 + next(&b) % 6;
    o.lossy = (f3 & 3) == 0 ? next(&b) % 65 : 0;
    o.lossy_lzw = (f3 >> 2 & 3) == 0 ? next(&b) % 65 : 0;
    int time_mode = (f3 >> 4) % 3;
    if (o.row_streaming)
        time_mode = GIFLOW_TIME_DELAY_CS;
    o.min_delay_cs = (f3 >> 6) ? 2 : next(&b) % 8;
    uint8_t comment[8], gpal[3 * 16];
    if (next(&b) < 32) {
        for (size_t i = 0; i < sizeof comment; i++)
            comment[i] = next(&b);
        o.comment = comment;
        o.comment_size = 1 + next(&b) % sizeof comment;
    }
    if (next(&b) < 24) { /* a caller's global palette */
        o.global_palette_size = 1 + next(&b) % 16;
        for (size_t i = 0; i < sizeof gpal; i++)
            gpal[i] = i < 3 * o.global_palette_size ? next(&b) : 0;
        o.global_palette = gpal;
    }
    for (uint32_t k = 0; k < c.n; k++)
        c.delay[k] = next(&b) % 20;

    c.rgba = malloc((size_t)c.n * c.w * c.h * 4);
    if (!c.rgba)
        abort();
    for (uint32_t k = 0; k < c.n; k++)
        paint(&b, &c, k);

    giflow_encoder *enc = giflow_encoder_new(NULL);
    if (!enc || giflow_encoder_set_output_memory(enc) != GIFLOW_OK)
        abort();
    if (giflow_encode_begin(enc, &o) != GIFLOW_OK)
        abort(); /* every option above is in its range */
    size_t fb = (size_t)c.w * c.h * 4;
    int refused = 0;
    int64_t t = 0;
    if (o.row_streaming) {
        if (!o.global_palette || sample)
            for (uint32_t k = 0; k < c.n && !refused; k++)
                refused = ok_or(giflow_encode_sample_rows(enc, c.rgba + k * fb, c.h, 0), 0);
        for (uint32_t k = 0; k < c.n && !refused; k++) {
            giflow_frame fr;
            giflow_frame_init(&fr);
            fr.delay_cs = c.delay[k];
            if ((refused = ok_or(giflow_encode_rows_begin(enc, &fr), o.lossless)))
                break;
            /* Rows in bunches sized by the pixels. */
            for (uint32_t y = 0; y < c.h && !refused;) {
                uint32_t n = 1 + c.rgba[k * fb + (size_t)y * c.w * 4] % 5;
                n = n > c.h - y ? c.h - y : n;
                refused = ok_or(giflow_encode_rows(enc, c.rgba + k * fb + (size_t)y * c.w * 4,
                                                   n, 0), o.lossless);
                y += n;
            }
            if (!refused)
                refused = ok_or(giflow_encode_rows_end(enc), o.lossless);
        }
    } else {
        for (uint32_t k = 0; sample && k < c.n; k += 2) {
            giflow_frame fr;
            giflow_frame_init(&fr);
            fr.rgba = c.rgba + k * fb;
            ok_or(giflow_encode_sample(enc, &fr), 0);
        }
        for (uint32_t k = 0; k < c.n && !refused; k++) {
            giflow_frame fr;
            giflow_frame_init(&fr);
            fr.rgba = c.rgba + k * fb;
            fr.time_mode = time_mode;
            fr.delay_cs = c.delay[k];
            fr.duration_ms = c.delay[k] * 10;
            fr.timestamp_ms = t;
            t += c.delay[k] * 10;
            refused = ok_or(giflow_encode_frame(enc, &fr), o.lossless);
        }
    }
    if (!refused)
        refused = ok_or(giflow_encode_finish(enc, t), o.lossless);

    int transp;
    uint32_t ncol = colours(&c, o.alpha_threshold, &transp);
    /* One palette for every frame is built from the first frame (or the
     * samples) and then imposed: later frames' new colours are not in it. */
    int one_palette = o.palette == GIFLOW_PALETTE_GLOBAL && c.n > 1;
    if (refused) {
        /* Only a frame with more colours than allowed is refused. */
        if (ncol <= o.max_colors && !o.global_palette && !o.row_streaming && !one_palette)
            abort();
    } else {
        giflow_encode_stats st;
        giflow_encoder_stats(enc, &st);
        size_t n;
        const uint8_t *gif = giflow_encoder_output(enc, &n);
        uint8_t *frames;
        uint32_t got, w, h;
        int r = fuzz_decode_all(gif, n, MAXF, &frames, &got, &w, &h);
        if (r != GIFLOW_END || w != c.w || h != c.h || got != st.frames_out ||
            st.frames_in != c.n)
            abort(); /* the encoder wrote what it did not say, or a broken GIF */
        /* Denoising holds a pixel while its source moves within the noise,
         * so two distinct sources may become one frame (its delays summed). */
        int distinct = !o.denoise;
        for (uint32_t k = 0; k < c.n; k++)
            distinct &= c.delay[k] >= 2 && (k == 0 || !same_frame(&c, k - 1, k, o.alpha_threshold));
        if (distinct && time_mode == GIFLOW_TIME_DELAY_CS && o.min_delay_cs <= 2 && got != c.n)
            abort(); /* a frame was lost */
        int exact = !o.lossy && !o.lossy_lzw && !o.denoise && !o.global_palette &&
                    !one_palette && ncol + 1 <= o.max_colors;
        for (uint32_t k = 0; exact && k < got && got == c.n; k++) {
            const uint8_t *in = c.rgba + k * fb, *out = frames + k * fb;
            for (size_t i = 0; i < (size_t)c.w * c.h; i++) {
                int tin = in[4 * i + 3] < o.alpha_threshold;
                if (tin ? out[4 * i + 3] != 0
                        : out[4 * i + 3] != 255 || memcmp(in + 4 * i, out + 4 * i, 3))
                    abort(); /* a lossless case lost a pixel */
            }
        }
        free(frames);
    }
    giflow_encoder_free(enc);
    free(c.rgba);
    return 0;
}
