/*
 * Streams a long generated animation through the encoder: each frame is
 * rendered, handed over and forgotten, so memory stays flat however many
 * frames there are. Then decodes the result back and checks it.
 *
 * usage: encode_stream OUT.gif [frames] [width] [height]
 */
#define _POSIX_C_SOURCE 199309L
#include <giflow.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Counts the encoder's allocations through the allocator hook. */
typedef struct counter {
    size_t now, peak;
} counter;

static void *count_alloc(void *user, size_t n)
{
    counter *c = user;
    size_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    p[0] = n;
    c->now += n;
    if (c->now > c->peak)
        c->peak = c->now;
    return (uint8_t *)p + 16;
}

static void count_free(void *user, void *q)
{
    if (!q)
        return;
    counter *c = user;
    size_t *p = (size_t *)((uint8_t *)q - 16);
    c->now -= p[0];
    free(p);
}

static int write_file(void *user, const uint8_t *data, size_t size)
{
    return fwrite(data, 1, size, user) != size;
}

/* A screen-recording-like scene: a still backdrop with a gradient, a
 * bouncing ball, a growing bar and a ticking counter strip. */
static void render(uint8_t *rgba, int w, int h, int t)
{
    double bx = w / 2 + (w / 3) * sin(t * 0.031), by = h / 2 + (h / 3) * cos(t * 0.023);
    int bar = (t * 3) % w;
    for (int y = 0; y < h; y++) {
        uint8_t *p = rgba + (size_t)y * w * 4;
        for (int x = 0; x < w; x++, p += 4) {
            p[0] = (uint8_t)(40 + x * 120 / w);
            p[1] = (uint8_t)(60 + y * 100 / h);
            p[2] = 140;
            p[3] = 255;
            double dx = x - bx, dy = y - by, d2 = dx * dx + dy * dy;
            if (d2 < 900) {
                double shade = 1.0 - d2 / 1400.0;
                p[0] = (uint8_t)(255 * shade);
                p[1] = (uint8_t)(180 * shade);
                p[2] = (uint8_t)(40 * shade);
            }
            if (y >= h - 20 && y < h - 8 && x < bar) {
                p[0] = 30;
                p[1] = 220;
                p[2] = 90;
            }
            if (y < 16 && x < 160 && ((x / 8 + t / 5) % 10 == 0)) {
                p[0] = p[1] = p[2] = 250;
            }
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUT.gif [frames] [width] [height]\n", argv[0]);
        return 2;
    }
    int frames = argc > 2 ? atoi(argv[2]) : 1200;
    int w = argc > 3 ? atoi(argv[3]) : 640, h = argc > 4 ? atoi(argv[4]) : 360;
    FILE *f = fopen(argv[1], "wb");
    uint8_t *rgba = malloc((size_t)w * h * 4);
    counter cnt = {0, 0};
    giflow_allocator alloc = {count_alloc, count_free, &cnt};
    giflow_encoder *enc = giflow_encoder_new(&alloc);
    if (!f || !rgba || !enc)
        return 1;
    giflow_encoder_set_output(enc, write_file, f);
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    o.width = (uint32_t)w;
    o.height = (uint32_t)h;
    int r = giflow_encode_begin(enc, &o);
    double t0 = now();
    for (int t = 0; t < frames && r == GIFLOW_OK; t++) {
        render(rgba, w, h, t);
        giflow_frame fr;
        giflow_frame_init(&fr);
        fr.rgba = rgba;
        fr.time_mode = GIFLOW_TIME_TIMESTAMP_MS;
        fr.timestamp_ms = (int64_t)t * 40; /* 25 fps */
        r = giflow_encode_frame(enc, &fr);
    }
    if (r == GIFLOW_OK)
        r = giflow_encode_finish(enc, (int64_t)frames * 40);
    double t1 = now();
    giflow_encode_stats st;
    giflow_encoder_stats(enc, &st);
    giflow_encoder_free(enc);
    fclose(f);
    if (r != GIFLOW_OK) {
        fprintf(stderr, "encode: %s\n", giflow_strerror(r));
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("   encoded %d frames of %dx%d in %.2f s (%.0f frames/s, rendering included)\n", frames,
           w, h, t1 - t0, frames / (t1 - t0));
    printf("   output %.2f MB, %u frames written, %u with their own palette, %.1f s of animation\n",
           st.bytes / 1e6, st.frames_out, st.local_palettes, st.duration_cs / 100.0);
    printf("   encoder peak heap %.2f MB (canvas is %.2f MB); process peak RSS %.1f MB\n",
           cnt.peak / 1e6, (double)w * h * 4 / 1e6, ru.ru_maxrss / 1024.0);

    /* Decode it back, streaming, and check every frame arrives. */
    f = fopen(argv[1], "rb");
    giflow_decoder *dec = giflow_decoder_new(NULL);
    uint8_t chunk[65536];
    giflow_input in = {chunk, 0, 0, 0};
    giflow_image_info ii;
    giflow_frame_info fi;
    int n = 0;
#define FEED(call)                                                 \
    while ((r = (call)) == GIFLOW_NEED_INPUT) {                    \
        in.size = fread(chunk, 1, sizeof chunk, f);                \
        in.pos = 0;                                                \
        in.eof = in.size < sizeof chunk;                           \
    }
    t0 = now();
    FEED(giflow_decode_image_info(dec, &in, &ii));
    while (r == GIFLOW_OK) {
        FEED(giflow_decode_frame_info(dec, &in, &fi));
        if (r != GIFLOW_OK)
            break;
        FEED(giflow_decode_frame_rgba(dec, &in, rgba, (size_t)w * 4));
        if (r != GIFLOW_FRAME_END)
            break;
        n++;
        r = GIFLOW_OK;
    }
    t1 = now();
    size_t peak;
    giflow_decoder_heap(dec, &peak);
    printf("   decoded back: %d frames in %.2f s (%s), decoder peak heap %zu bytes\n", n, t1 - t0,
           giflow_strerror(r), peak);
    giflow_decoder_free(dec);
    fclose(f);
    free(rgba);
    return r == GIFLOW_END && n == (int)st.frames_out ? 0 : 1;
}
