/*
 * Temporal denoising (internal module src/encode/denoise.h), and the
 * encoder with it through the public API.
 *
 * Truths: synthetic clips whose clean content and noise (a seeded
 * Gaussian of known sigma) the test makes itself: the noise estimate must
 * find that sigma; a moving edge must sit exactly where the source has it
 * in every frame; a slow fade must be followed, not frozen; no output pixel
 * may be farther from its source than the threshold; clean clips must pass
 * unchanged (byte-identical GIFs with and without denoising).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/encode/denoise.h"
#include "testutil.h"

enum { W = 96, H = 80 };

static uint64_t rng_state;

static double uniform(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* Gaussian, sigma 1 (Box-Muller). */
static double gauss(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2 * log(u > 1e-300 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

static uint8_t clamp8(double v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
}

/* Clean content: 0 flat grey 100; 1 a gradient with strong texture,
 * shifted by 0.7 px a frame (a pan); 2 a bar of 200 over 60, 8 px wide,
 * moving 2 px a frame; 3 flat 80 fading up by 0.25 a frame; 4 the pan of 1
 * on the right half, a flat sky on the left; 5 random colours, new in
 * every frame (unrelated frames, not noise). Noise sigma per channel on
 * top. */
static double clean(int kind, int x, int y, int t, int c)
{
    switch (kind) {
    case 1: {
        double u = x + 0.7 * t;
        return 40 + 1.2 * u + 25 * sin(u * 0.9 + y * 0.7) + 10 * c;
    }
    case 2:
        return (x >= 10 + 2 * t && x < 18 + 2 * t) ? 200 : 60;
    case 3:
        return 80 + 0.25 * t;
    case 4:
        return x < W / 2 ? 150 + 0.3 * y : clean(1, x, y, t, c);
    case 5:
        return 255 * uniform();
    default:
        return 100;
    }
}

static void make(uint8_t *rgba, int kind, int t, double sigma)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = rgba + 4 * (y * W + x);
            for (int c = 0; c < 3; c++)
                p[c] = clamp8(clean(kind, x, y, t, c) + sigma * gauss());
            p[3] = 255;
        }
}

typedef struct run {
    giflow__denoise dn;
    void *mem;
    uint8_t *src[64]; /* the source frames, by number */
    uint8_t *out;
    int in, done;
} run;

static void run_open(run *r, unsigned window, int strength)
{
    memset(r, 0, sizeof *r);
    r->mem = malloc(giflow__dn_bytes(W, H, window));
    r->out = malloc(W * H * 4);
    giflow__dn_init(&r->dn, r->mem, W, H, window, strength, 128);
}

/* Feeds frame t of a clip; returns 1 when a frame came out (into r->out;
 * its number is r->done - 1). The source is kept for the checks. */
static int run_feed(run *r, int kind, double sigma)
{
    uint8_t *slot = giflow__dn_slot(&r->dn);
    make(slot, kind, r->in, sigma);
    free(r->src[r->in % 64]);
    r->src[r->in % 64] = malloc(W * H * 4);
    memcpy(r->src[r->in % 64], slot, W * H * 4);
    r->in++;
    giflow__dn_push(&r->dn);
    if (r->dn.count < r->dn.window)
        return 0;
    giflow__dn_emit(&r->dn, r->out);
    r->done++;
    return 1;
}

static void run_close(run *r)
{
    for (int i = 0; i < 64; i++)
        free(r->src[i]);
    free(r->mem);
    free(r->out);
}

/* Largest squared RGB distance between the output and its source frame. */
static int32_t worst_d2(const run *r)
{
    const uint8_t *s = r->src[(r->done - 1) % 64];
    int32_t worst = 0;
    for (int i = 0; i < W * H; i++) {
        int32_t d = 0;
        for (int c = 0; c < 3; c++)
            d += (r->out[4 * i + c] - s[4 * i + c]) * (r->out[4 * i + c] - s[4 * i + c]);
        worst = d > worst ? d : worst;
    }
    return worst;
}

/* The noise is found on a still picture and on a pan with flat parts; a
 * pan of texture everywhere hides it, but is never taken for more noise
 * than there is (motion must not be held back). */
static void test_estimate(void)
{
    const double sigmas[] = {1.0, 2.0, 4.0};
    const int kinds[] = {0, 4, 1, 3};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 4; i++) {
            run r;
            run_open(&r, 4, 25);
            rng_state = 1000 + k;
            while (r.done < 20)
                run_feed(&r, kinds[i], sigmas[k]);
            double s = r.dn.sigma, lo = kinds[i] == 1 ? 0 : 0.85 * sigmas[k];
            TU_CHECK(s >= lo && s < 1.2 * sigmas[k], "sigma %.2f estimated %.3f (clip %d)",
                     sigmas[k], s, kinds[i]);
            run_close(&r);
        }
}

/* No noise: every frame passes exactly, moving content and unrelated
 * frames included. */
static void test_clean_passes(void)
{
    for (int kind = 0; kind < 6; kind++) {
        run r;
        run_open(&r, 4, 25);
        int same = 1;
        while (r.done < 24)
            if (run_feed(&r, kind, 0))
                same &= !memcmp(r.out, r.src[(r.done - 1) % 64], W * H * 4);
        TU_CHECK(same && r.dn.sigma < 0.3, "clean clip %d changed (sigma %.3f)", kind,
                 r.dn.sigma);
        run_close(&r);
    }
}

/* A bar of 140 levels of contrast moves 2 px a frame over noise (sigma 2):
 * in every frame the output's bar covers exactly the source's. */
static void test_moving_edge(void)
{
    run r;
    run_open(&r, 4, 25);
    rng_state = 7;
    int wrong = 0, frames = 0;
    while (r.done < 30) {
        if (!run_feed(&r, 2, 2.0))
            continue;
        int t = r.done - 1;
        frames++;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int out_bar = r.out[4 * (y * W + x) + 1] > 130;
                int src_bar = clean(2, x, y, t, 1) > 130;
                wrong += out_bar != src_bar;
            }
        TU_CHECK(worst_d2(&r) <= r.dn.t2, "frame %d: a pixel strays %d > %d from its source", t,
                 worst_d2(&r), r.dn.t2);
    }
    TU_CHECK(frames == 30 && wrong == 0, "%d pixels of the moving bar misplaced", wrong);
    TU_CHECK(r.dn.held_px > (uint64_t)frames * W * H / 2, "too little held: %llu",
             (unsigned long long)r.dn.held_px);
    run_close(&r);
}

/* A slow fade (0.25 level a frame, under the noise of sigma 2): the output
 * follows it within the threshold in every frame and ends where it ends. */
static void test_slow_fade(void)
{
    run r;
    run_open(&r, 4, 25);
    rng_state = 11;
    double worst_lag = 0, t_levels = 0;
    int rose = 0;
    while (r.done < 160) {
        if (!run_feed(&r, 3, 2.0))
            continue;
        int t = r.done - 1;
        double sum = 0;
        for (int i = 0; i < W * H; i++)
            sum += r.out[4 * i + 1];
        double lag = fabs(sum / (W * H) - clean(3, 0, 0, t, 1));
        worst_lag = lag > worst_lag ? lag : worst_lag;
        t_levels = sqrt(r.dn.t2 / 3.0);
        if (t == 159)
            rose = sum / (W * H) > clean(3, 0, 0, 159, 1) - t_levels;
        TU_CHECK(worst_d2(&r) <= r.dn.t2, "frame %d: a pixel strays from its source", t);
    }
    /* On average over the frame the lag stays well inside the threshold. */
    TU_CHECK(worst_lag < 0.5 * t_levels && rose, "fade lags by %.2f (threshold %.2f)",
             worst_lag, t_levels);
    run_close(&r);
}

/* A still noisy field: once settled, almost no pixel changes (no flicker),
 * and each output is the source's mean, not a noisy sample. */
static void test_still_noise(void)
{
    run r;
    run_open(&r, 4, 25);
    rng_state = 3;
    uint8_t *last = malloc(W * H * 4);
    long changed = 0, n = 0;
    double err = 0;
    while (r.done < 40) {
        if (!run_feed(&r, 0, 2.0))
            continue;
        if (r.done > 1)
            for (int i = 0; i < W * H; i++, n++) {
                changed += memcmp(r.out + 4 * i, last + 4 * i, 3) != 0;
                err += fabs(r.out[4 * i + 1] - 100.0);
            }
        memcpy(last, r.out, W * H * 4);
    }
    TU_CHECK(changed < 3 * n / 100, "%ld of %ld pixels flickered", changed, n);
    TU_CHECK(err / n < 1.0, "held values %.2f levels from the clean 100", err / n);
    free(last);
    run_close(&r);
}

/* ---- Through the encoder ------------------------------------------------ */

static int put(void *user, const uint8_t *data, size_t size)
{
    size_t *n = user;
    (void)data;
    *n += size;
    return 0;
}

/* Bytes of a 24-frame clip encoded with the given denoise setting. */
static size_t encode_clip(int kind, double sigma, int denoise)
{
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    o.width = W;
    o.height = H;
    o.denoise = denoise;
    giflow_encoder *enc = giflow_encoder_new(NULL);
    size_t n = 0;
    giflow_encoder_set_output(enc, put, &n);
    TU_CHECK(giflow_encode_begin(enc, &o) == GIFLOW_OK, "begin");
    uint8_t *px = malloc(W * H * 4);
    rng_state = 99;
    giflow_frame f;
    giflow_frame_init(&f);
    f.rgba = px;
    f.delay_cs = 4;
    for (int t = 0; t < 24; t++) {
        make(px, kind, t, sigma);
        TU_CHECK(giflow_encode_frame(enc, &f) == GIFLOW_OK, "frame %d", t);
    }
    TU_CHECK(giflow_encode_finish(enc, -1) == GIFLOW_OK, "finish");
    giflow_encode_stats st;
    giflow_encoder_stats(enc, &st);
    TU_CHECK(st.frames_in == 24 && st.duration_cs == 96, "frames %u, %llu cs", st.frames_in,
             (unsigned long long)st.duration_cs);
    giflow_encoder_free(enc);
    free(px);
    return n;
}

static void test_encoder(void)
{
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    TU_CHECK(o.denoise == 23 && o.denoise_frames == 4, "defaults %d %d", o.denoise,
             o.denoise_frames);
    for (int kind = 0; kind < 5; kind++) {
        size_t a = encode_clip(kind, 0, 25), b = encode_clip(kind, 0, 0);
        TU_CHECK(a == b, "clean clip %d: %zu bytes denoised, %zu not", kind, a, b);
    }
    size_t a = encode_clip(0, 2.0, 25), b = encode_clip(0, 2.0, 0);
    TU_CHECK(a * 3 < b, "still noise: %zu bytes denoised, %zu not", a, b);
    o.width = o.height = 8;
    const int bad[] = {2, 9};
    for (int i = 0; i < 2; i++) {
        o.denoise_frames = bad[i];
        giflow_encoder *enc = giflow_encoder_new(NULL);
        TU_CHECK(giflow_encode_begin(enc, &o) == GIFLOW_ERR_ARG, "window %d accepted", bad[i]);
        giflow_encoder_free(enc);
    }
}

int main(void)
{
    test_estimate();
    test_clean_passes();
    test_moving_edge();
    test_slow_fade();
    test_still_noise();
    test_encoder();
    printf("test_denoise: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
