/*
 * giflow's quantizer against libimagequant (speed 4): RGB PSNR without
 * dithering and with Floyd-Steinberg, and time per frame.
 *
 * Usage: quant_bench [-c 256,64,16] [-r reps] [-s step] [-e effort] [-n]
 *                    name:W:H:file.rgba ...
 * -s step: giflow's statistics take every step-th row, with weight step
 * (what an encoder may do to save time on big frames); -n: no libimagequant.
 * A file may hold several frames (its size / (W*H*4)); each frame is
 * quantized on its own and the figures are averaged over frames. Alpha is
 * set to 255 first: the comparison is RGB PSNR over every pixel.
 */
#include <libimagequant.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quant.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Squared RGB error summed over pixels (alpha ignored: inputs are opaque). */
static double sse_of(const uint8_t *rgba, const uint8_t *idx, const uint8_t *pal, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++) {
            double d = (double)rgba[4 * i + c] - pal[3 * idx[i] + c];
            s += d * d;
        }
    return s;
}

static double psnr(double sse, size_t n)
{
    double mse = sse / (3.0 * n);
    return mse > 0 ? 10 * log10(255.0 * 255.0 / mse) : 99.0;
}

typedef struct result {
    double psnr_none, psnr_fs, pal_ms, none_ms, fs_ms;
} result;

static void *q_mem, *r_mem, *d_mem;
static int row_step = 1, effort = GIFLOW_EFFORT_DEFAULT;

static void quant_frame(const uint8_t *rgba, int w, int h, int k, int reps, uint8_t *idx,
                        result *res)
{
    giflow__quant *q = giflow__quant_init(q_mem);
    giflow__palette pal;
    double best = 1e30;
    giflow__quant_set_effort(q, effort);
    for (int r = 0; r < reps; r++) {
        double t0 = now_ms();
        giflow__quant_reset(q);
        if (row_step == 1)
            giflow__quant_add(q, rgba, (size_t)w * h, 128, 1);
        else
            for (int y = 0; y < h; y += row_step)
                giflow__quant_add(q, rgba + (size_t)4 * w * y, (size_t)w, 128, (uint32_t)row_step);
        giflow__quant_build(q, (uint32_t)k, &pal);
        double t = now_ms() - t0;
        best = t < best ? t : best;
    }
    res->pal_ms += best;
    for (int mode = 0; mode < 2; mode++) {
        double t0 = now_ms();
        giflow__remap *rm = giflow__remap_init(r_mem, &pal, -1);
        giflow__dither *d = giflow__dither_init(d_mem, (uint32_t)w,
                                                mode ? GIFLOW_DITHER_FS : GIFLOW_DITHER_NONE);
        for (int y = 0; y < h; y++)
            giflow__dither_row(d, rm, rgba + (size_t)4 * w * y, (uint32_t)w, (uint32_t)y, 128,
                               0, NULL, NULL, idx + (size_t)w * y);
        double t = now_ms() - t0;
        double p = psnr(sse_of(rgba, idx, pal.rgb, (size_t)w * h), (size_t)w * h);
        if (mode) {
            res->fs_ms += t;
            res->psnr_fs += p;
        } else {
            res->none_ms += t;
            res->psnr_none += p;
        }
    }
}

static void liq_frame(const uint8_t *rgba, int w, int h, int k, uint8_t *idx, result *res)
{
    for (int mode = 0; mode < 2; mode++) {
        liq_attr *attr = liq_attr_create();
        liq_set_speed(attr, 4);
        liq_set_max_colors(attr, k);
        double t0 = now_ms();
        liq_image *img = liq_image_create_rgba(attr, rgba, w, h, 0);
        liq_result *lr = NULL;
        if (liq_image_quantize(img, attr, &lr) != LIQ_OK) {
            fprintf(stderr, "liq_image_quantize failed\n");
            exit(1);
        }
        double t1 = now_ms();
        liq_set_dithering_level(lr, mode ? 1.0f : 0.0f);
        liq_write_remapped_image(lr, img, idx, (size_t)w * h);
        double t2 = now_ms();
        const liq_palette *lp = liq_get_palette(lr); /* after remap: final */
        uint8_t pal[256 * 3];
        for (unsigned i = 0; i < lp->count; i++) {
            pal[3 * i] = lp->entries[i].r;
            pal[3 * i + 1] = lp->entries[i].g;
            pal[3 * i + 2] = lp->entries[i].b;
        }
        double p = psnr(sse_of(rgba, idx, pal, (size_t)w * h), (size_t)w * h);
        if (mode) {
            res->psnr_fs += p;
            res->fs_ms += t2 - t1;
        } else {
            res->psnr_none += p;
            res->none_ms += t2 - t1;
            res->pal_ms += t1 - t0;
        }
        liq_result_destroy(lr);
        liq_image_destroy(img);
        liq_attr_destroy(attr);
    }
}

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return b;
}

static void scale(result *r, double f)
{
    r->psnr_none *= f;
    r->psnr_fs *= f;
    r->pal_ms *= f;
    r->none_ms *= f;
    r->fs_ms *= f;
}

static void run_input(const char *spec, const int *ks, int nk, int reps, int use_liq)
{
    char name[256], path[1024];
    int w, h;
    if (sscanf(spec, "%255[^:]:%d:%d:%1023s", name, &w, &h, path) != 4 || w <= 0 || h <= 0) {
        fprintf(stderr, "bad input spec %s\n", spec);
        exit(64);
    }
    size_t size, fsz = (size_t)w * h * 4;
    uint8_t *data = read_all(path, &size);
    if (!data || size < fsz) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    size_t frames = size / fsz;
    for (size_t i = 3; i < size; i += 4)
        data[i] = 255;
    uint8_t *idx = malloc((size_t)w * h);
    for (int ki = 0; ki < nk; ki++) {
        result g = {0}, l = {0};
        for (size_t f = 0; f < frames; f++) {
            quant_frame(data + f * fsz, w, h, ks[ki], reps, idx, &g);
            if (use_liq)
                liq_frame(data + f * fsz, w, h, ks[ki], idx, &l);
        }
        scale(&g, 1.0 / frames);
        scale(&l, 1.0 / frames);
        printf("| %-18s | %3d | %6.2f | %6.2f | %6.2f | %6.2f | %6.2f | %6.2f | %6.2f | %6.2f | "
               "%6.2f | %6.2f |\n",
               name, ks[ki], g.psnr_none, l.psnr_none, g.psnr_fs, l.psnr_fs, g.pal_ms, l.pal_ms,
               g.none_ms, l.none_ms, g.fs_ms, l.fs_ms);
        fflush(stdout);
    }
    free(idx);
    free(data);
}

int main(int argc, char **argv)
{
    int ks[8] = {256, 64, 16}, nk = 3, reps = 3, use_liq = 1, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            char *s = argv[++i];
            for (nk = 0; nk < 8 && *s; nk++) {
                ks[nk] = (int)strtol(s, &s, 10);
                if (*s == ',')
                    s++;
            }
        } else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
            row_step = atoi(argv[++i]) > 1 ? atoi(argv[i]) : 1;
        } else if (!strcmp(argv[i], "-e") && i + 1 < argc) {
            effort = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "-n")) {
            use_liq = 0;
        }
    }
    q_mem = malloc(giflow__quant_bytes());
    r_mem = malloc(giflow__remap_bytes());
    d_mem = malloc(giflow__dither_bytes(65535));
    printf("# giflow__quant_bytes %zu, giflow__remap_bytes %zu, giflow__dither_bytes(640) %zu\n",
           giflow__quant_bytes(), giflow__remap_bytes(), giflow__dither_bytes(640));
    printf("| image | colours | PSNR none giflow | liq | PSNR FS giflow | liq | palette ms "
           "giflow | liq | remap ms giflow | liq | FS ms giflow | liq |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (; i < argc; i++)
        run_input(argv[i], ks, nk, reps, use_liq);
    free(q_mem);
    free(r_mem);
    free(d_mem);
    return 0;
}
