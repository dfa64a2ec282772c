/* Benchmark metrics: what an encoder's GIF shows against its source.
 *
 *   encmetrics W H SRC.rgba [--static A-B,C-D,...]  < frames.rgb
 *
 * stdin holds, for every source frame k in order, the W x H RGB picture the
 * GIF has on screen at that moment (encbench.py decodes and composites the
 * GIF with Pillow and picks the frame by its timing). SRC.rgba is the raw
 * RGBA source. Prints one JSON object:
 * - mse, psnr_db: PSNR = 10 log10(255^2 / MSE), MSE over every frame,
 *   pixel and R, G, B channel; min_frame_psnr_db: the worst frame's.
 * - ssim_y: SSIM (Wang et al. 2004) of the luma Y = 0.299 R + 0.587 G +
 *   0.114 B (full range, unrounded), 11x11 Gaussian window (sigma 1.5),
 *   K1 = 0.01, K2 = 0.03, L = 255, over every window inside the frame (no
 *   padding), averaged per frame, then over frames; min_frame_ssim_y.
 * - flicker: mean absolute change of the output between consecutive frames
 *   (levels, averaged over R, G, B) at the pixels where the source is
 *   static: for frames k >= 1 inside a --static range, every pixel (the
 *   clip's generator knows its camera stood still there, noise aside);
 *   otherwise the pixels whose source RGB equals frame k-1's exactly.
 *   source_flicker: the same measure on the source (its noise);
 *   static_share: static pixels over all pixels of frames 1..n-1.
 * Bench-only code: not part of the library.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAPS 11

static void die(const char *msg)
{
    fprintf(stderr, "encmetrics: %s\n", msg);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        die("out of memory");
    return p;
}

static int in_ranges(const long *r, int nr, long k)
{
    for (int i = 0; i < nr; i++)
        if (k >= r[2 * i] && k <= r[2 * i + 1])
            return 1;
    return 0;
}

/* Separable Gaussian over the valid region: in is w x h, out is
 * (w - 10) x (h - 10); tmp holds (h - 10) x w. */
static void gauss(const float *in, float *tmp, float *out, int w, int h, const float *g)
{
    int oh = h - (TAPS - 1), ow = w - (TAPS - 1);
    for (int y = 0; y < oh; y++) {
        float *t = tmp + (size_t)y * w;
        const float *s = in + (size_t)y * w;
        for (int x = 0; x < w; x++)
            t[x] = g[0] * s[x];
        for (int i = 1; i < TAPS; i++) {
            const float *si = s + (size_t)i * w;
            for (int x = 0; x < w; x++)
                t[x] += g[i] * si[x];
        }
    }
    for (int y = 0; y < oh; y++) {
        const float *t = tmp + (size_t)y * w;
        float *o = out + (size_t)y * ow;
        for (int x = 0; x < ow; x++)
            o[x] = g[0] * t[x];
        for (int i = 1; i < TAPS; i++)
            for (int x = 0; x < ow; x++)
                o[x] += g[i] * t[x + i];
    }
}

/* SSIM of two luma planes (w x h); work holds 4 planes and 5 outputs. */
static double ssim(const float *a, const float *b, int w, int h, float *work, const float *g)
{
    size_t n = (size_t)w * h, on = (size_t)(w - TAPS + 1) * (h - TAPS + 1);
    float *aa = work, *bb = aa + n, *ab = bb + n, *tmp = ab + n;
    float *m[5];
    for (int i = 0; i < 5; i++)
        m[i] = tmp + n + i * on;
    for (size_t i = 0; i < n; i++) {
        aa[i] = a[i] * a[i];
        bb[i] = b[i] * b[i];
        ab[i] = a[i] * b[i];
    }
    const float *src[5] = {a, b, aa, bb, ab};
    for (int i = 0; i < 5; i++)
        gauss(src[i], tmp, m[i], w, h, g);
    const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    double sum = 0;
    for (size_t i = 0; i < on; i++) {
        double ma = m[0][i], mb = m[1][i];
        double va = m[2][i] - ma * ma, vb = m[3][i] - mb * mb, cov = m[4][i] - ma * mb;
        sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
    }
    return sum / (double)on;
}

/* A lossless result has no finite PSNR: JSON null. */
static void print_db(const char *key, double mse)
{
    if (mse > 0)
        printf("\"%s\": %.4f, ", key, 10 * log10(255.0 * 255.0 / mse));
    else
        printf("\"%s\": null, ", key);
}

static int parse_ranges(const char *p, long *r, int max)
{
    int nr = 0;
    while (*p && nr < max) {
        char *end;
        r[2 * nr] = strtol(p, &end, 10);
        if (*end != '-')
            die("--static takes A-B,C-D");
        r[2 * nr + 1] = strtol(end + 1, &end, 10);
        nr++;
        if (*end && *end != ',')
            die("--static takes A-B,C-D");
        p = *end ? end + 1 : end;
    }
    return nr;
}

int main(int argc, char **argv)
{
    if (argc != 4 && !(argc == 6 && !strcmp(argv[4], "--static")))
        die("usage: encmetrics W H SRC.rgba [--static A-B,C-D]  < frames.rgb");
    int w = atoi(argv[1]), h = atoi(argv[2]);
    if (w < TAPS || h < TAPS || w > 16384 || h > 16384)
        die("bad size");
    long ranges[64];
    int nr = argc == 6 ? parse_ranges(argv[5], ranges, 32) : 0;
    FILE *sf = fopen(argv[3], "rb");
    if (!sf)
        die("cannot open the source");
    size_t n = (size_t)w * h, on = (size_t)(w - TAPS + 1) * (h - TAPS + 1);
    uint8_t *src = xmalloc(n * 4), *psrc = xmalloc(n * 4), *out = xmalloc(n * 3),
            *pout = xmalloc(n * 3);
    float *ya = xmalloc(n * sizeof(float)), *yb = xmalloc(n * sizeof(float));
    float *work = xmalloc((4 * n + 5 * on) * sizeof(float));
    float g[TAPS], gs = 0;
    for (int i = 0; i < TAPS; i++)
        gs += g[i] = (float)exp(-(i - 5) * (i - 5) / (2 * 1.5 * 1.5));
    for (int i = 0; i < TAPS; i++)
        g[i] /= gs;

    double sse = 0, worst_mse = 0, ssim_sum = 0, worst_ssim = 1, flick = 0, sflick = 0;
    uint64_t static_px = 0;
    long k = 0;
    for (;; k++) {
        size_t got = fread(out, 1, n * 3, stdin);
        if (got == 0)
            break;
        if (got != n * 3)
            die("a frame on stdin is cut short");
        if (fread(src, 1, n * 4, sf) != n * 4)
            die("more frames on stdin than in the source");
        uint64_t e = 0;
        for (size_t i = 0; i < n; i++) {
            int dr = out[3 * i] - src[4 * i], dg = out[3 * i + 1] - src[4 * i + 1],
                db = out[3 * i + 2] - src[4 * i + 2];
            e += (uint64_t)(dr * dr + dg * dg + db * db);
            ya[i] = 0.299f * out[3 * i] + 0.587f * out[3 * i + 1] + 0.114f * out[3 * i + 2];
            yb[i] = 0.299f * src[4 * i] + 0.587f * src[4 * i + 1] + 0.114f * src[4 * i + 2];
        }
        sse += (double)e;
        double mse = (double)e / (3.0 * (double)n);
        worst_mse = mse > worst_mse ? mse : worst_mse;
        double s = ssim(ya, yb, w, h, work, g);
        ssim_sum += s;
        worst_ssim = s < worst_ssim ? s : worst_ssim;
        if (k > 0) {
            int all = in_ranges(ranges, nr, k);
            for (size_t i = 0; i < n; i++) {
                if (!all && memcmp(src + 4 * i, psrc + 4 * i, 3))
                    continue;
                static_px++;
                for (int c = 0; c < 3; c++) {
                    flick += abs(out[3 * i + c] - pout[3 * i + c]);
                    sflick += abs(src[4 * i + c] - psrc[4 * i + c]);
                }
            }
        }
        uint8_t *t = src;
        src = psrc;
        psrc = t;
        t = out;
        out = pout;
        pout = t;
    }
    if (k == 0)
        die("no frames on stdin");
    uint8_t extra;
    if (fread(&extra, 1, 1, sf) == 1)
        die("fewer frames on stdin than in the source");
    double mse = sse / (3.0 * (double)n * (double)k);
    printf("{\"frames\": %ld, \"mse\": %.6f, ", k, mse);
    print_db("psnr_db", mse);
    print_db("min_frame_psnr_db", worst_mse);
    printf("\"ssim_y\": %.6f, \"min_frame_ssim_y\": %.6f, \"flicker\": %.5f, "
           "\"source_flicker\": %.5f, \"static_share\": %.6f}\n",
           ssim_sum / (double)k, worst_ssim,
           static_px ? flick / (3.0 * (double)static_px) : 0.0,
           static_px ? sflick / (3.0 * (double)static_px) : 0.0,
           k > 1 ? (double)static_px / ((double)n * (double)(k - 1)) : 0.0);
    return 0;
}
