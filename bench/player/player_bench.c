/*
 * Player benchmark: random seeks against sequential decoding, and the
 * player's heap against its budget.
 *
 * usage: player_bench [--json OUT] [--seeks N] [--warm 0|1] FILE CANVASES
 *
 * 1. Sequential: the whole file decoded with a plain decoder, frame after
 *    frame, best of 5 runs; "frame time" is that run's time / frames.
 * 2. A player with a budget of CANVASES canvases. With --warm 1 (default)
 *    it first plays the file through once with next(), as a viewer does
 *    while it shows the animation; then N (default 2000) seeks to frames
 *    drawn uniformly at random (fixed seed), each timed.
 * 3. The heap, through a counting allocator: its peak against the bound
 *    (budget + giflow_player_state_size()).
 * Times are the thread's CPU time (the machine may be shared).
 * Prints one line per figure and, with --json, writes them to OUT.
 */
#define _POSIX_C_SOURCE 199309L
#include <giflow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

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

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc(n > 0 ? (size_t)n : 1);
    if (d && fread(d, 1, (size_t)n, f) != (size_t)n) {
        free(d);
        d = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return d;
}

/* Seconds to decode every frame in sequence, and the frame count. */
static double sequential(const uint8_t *data, size_t size, uint32_t *frames)
{
    giflow_decoder *d = giflow_decoder_new(NULL);
    giflow_input in = {data, size, 0, 1};
    giflow_image_info im;
    double t0 = now();
    if (giflow_decode_image_info(d, &in, &im) != GIFLOW_OK) {
        giflow_decoder_free(d);
        return -1;
    }
    uint8_t *canvas = malloc((size_t)im.canvas_width * im.canvas_height * 4);
    giflow_frame_info fi;
    uint32_t n = 0;
    while (giflow_decode_frame_info(d, &in, &fi) == GIFLOW_OK &&
           giflow_decode_frame_rgba(d, &in, canvas, (size_t)im.canvas_width * 4) ==
               GIFLOW_FRAME_END)
        n++;
    double t = now() - t0;
    free(canvas);
    giflow_decoder_free(d);
    *frames = n;
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *json = NULL, *path = NULL;
    double canvases = 0;
    int seeks = 2000, warm = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json") && i + 1 < argc)
            json = argv[++i];
        else if (!strcmp(argv[i], "--seeks") && i + 1 < argc)
            seeks = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warm") && i + 1 < argc)
            warm = atoi(argv[++i]);
        else if (!path)
            path = argv[i];
        else
            canvases = atof(argv[i]);
    }
    size_t size;
    uint8_t *data = path ? read_file(path, &size) : NULL;
    if (!data || canvases <= 0 || seeks < 1) {
        fprintf(stderr, "usage: player_bench [--json OUT] [--seeks N] [--warm 0|1] FILE CANVASES\n");
        return 2;
    }
    uint32_t frames = 0;
    double best = 1e30;
    for (int run = 0; run < 5; run++) {
        double t = sequential(data, size, &frames);
        if (t >= 0 && t < best)
            best = t;
    }
    if (!frames) {
        fprintf(stderr, "%s: no frames\n", path);
        return 1;
    }
    double frame_time = best / frames;

    counter c = {0, 0};
    giflow_allocator a = {count_alloc, count_free, &c};
    giflow_player_options o;
    giflow_player_options_default(&o);
    giflow_player *p = giflow_player_new(&a, &o);
    giflow_player_set_memory(p, data, size, 1);
    giflow_player_info info;
    giflow_player_get_info(p, &info);
    size_t canvas = (size_t)info.width * info.height * 4;
    giflow_player_free(p);
    o.memory_budget = (size_t)(canvases * (double)canvas);
    p = giflow_player_new(&a, &o);
    giflow_player_set_memory(p, data, size, 1);
    giflow_player_frame f;
    double t0 = now(), play = 0;
    if (warm) {
        uint32_t n = 0;
        while (n < frames && giflow_player_next(p, &f) == GIFLOW_OK)
            n++;
        play = (now() - t0) / n;
    }
    double *t = malloc(sizeof(double) * (size_t)seeks), sum = 0;
    uint64_t s = 0x2545F4914F6CDD1Dull;
    int bad = 0;
    for (int i = 0; i < seeks; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        uint32_t k = (uint32_t)(s % frames);
        double a0 = now();
        if (giflow_player_seek(p, k, &f) != GIFLOW_OK || f.index != k)
            bad++;
        t[i] = now() - a0;
        sum += t[i];
    }
    giflow_player_get_info(p, &info);
    qsort(t, (size_t)seeks, sizeof *t, cmp_double);
    double p50 = t[seeks / 2], p95 = t[(int)(seeks * 0.95)], mx = t[seeks - 1];
    size_t bound = o.memory_budget + giflow_player_state_size();
    printf("%s: %u frames %ux%u, budget %.1f canvases (%zu bytes)\n", path, frames,
           info.width, info.height, canvases, o.memory_budget);
    printf("  sequential decode: %.1f us per frame (best of 5)\n", frame_time * 1e6);
    if (warm)
        printf("  player, first play with next(): %.1f us per frame\n", play * 1e6);
    printf("  %d random seeks%s: mean %.1f us, p50 %.1f us, p95 %.1f us, max %.1f us\n", seeks,
           warm ? " after that play" : " on a cold player", sum / seeks * 1e6, p50 * 1e6,
           p95 * 1e6, mx * 1e6);
    printf("  p95 / sequential frame time = %.2f\n", p95 / frame_time);
    printf("  snapshots kept %u (every %u frames); peak heap %zu <= bound %zu (budget + fixed "
           "state %zu): %s\n",
           info.snapshots, info.spacing, c.peak, bound, giflow_player_state_size(),
           c.peak <= bound ? "yes" : "NO");
    if (bad)
        printf("  %d seeks failed\n", bad);
    if (json) {
        FILE *jf = fopen(json, "w");
        if (jf) {
            fprintf(jf,
                    "{\"file\":\"%s\",\"frames\":%u,\"width\":%u,\"height\":%u,\"canvases\":%g,"
                    "\"budget\":%zu,\"frame_us\":%.3f,\"play_us\":%.3f,\"seeks\":%d,\"warm\":%d,"
                    "\"mean_us\":%.3f,\"p50_us\":%.3f,\"p95_us\":%.3f,\"max_us\":%.3f,"
                    "\"p95_ratio\":%.3f,\"snapshots\":%u,\"spacing\":%u,\"peak_heap\":%zu,"
                    "\"bound\":%zu,\"failed\":%d}\n",
                    path, frames, info.width, info.height, canvases, o.memory_budget,
                    frame_time * 1e6, play * 1e6, seeks, warm, sum / seeks * 1e6, p50 * 1e6,
                    p95 * 1e6, mx * 1e6, p95 / frame_time, info.snapshots, info.spacing, c.peak,
                    bound, bad);
            fclose(jf);
        }
    }
    giflow_player_free(p);
    free(t);
    free(data);
    return bad || c.peak > bound;
}
