/*
 * Temporal denoising. Camera video carries sensor noise: a still pixel's
 * value changes a little in every frame, and an encoder that follows it
 * spends most of its bytes on noise (a still background re-encoded in
 * every frame, and flicker). Here each frame waits in a window of the next
 * few frames, and for every pixel:
 * - it HOLDS the value it showed last while its source stays near it: the
 *   run of frames, from this one on, whose source is within the threshold
 *   T of the held value must start with this frame, and the mean of that
 *   run must be within T / sqrt(run length) of it (noise averages out;
 *   a slow drift does not). A held pixel equals the previous frame's, so
 *   the encoder makes it transparent.
 * - otherwise it takes a NEW value: the mean of the longest run of frames
 *   from this one on that all lie within T of that mean (this frame alone
 *   when the next already differs). The mean is the value that keeps the
 *   error smallest over the frames it will be held for.
 * So the output never lags: a pixel whose source moves by more than T is
 *   rewritten in that very frame (a moving edge lands where the source has
 *   it), and the error of any pixel in any frame is at most T plus noise
 *   that the mean test lets through only while it averages out.
 *
 * T = strength / 10 x sigma, as the root mean square over R, G and B.
 * sigma, the noise per channel, is estimated from the window itself, on
 * 16x16 blocks (every other pixel and row): differences between frames,
 * taken about their block mean (a fade or an exposure step moves a whole
 * block), have variance 2 sigma^2 for first differences and 6 sigma^2 for
 * second ones when they are noise. Motion and other smooth changes shrink
 * with every difference instead, so only blocks whose ratio is near 3
 * count, and the block at the 25th percentile of those gives the estimate
 * (motion that slips through only inflates a block's figure; flat or still
 * blocks stay among the lowest). It is measured on every frame at first,
 * then on every 4th, smoothed from one measure to the next, and
 * kept when no block qualifies (texture moving everywhere hides the noise:
 * then nothing new is held). Clean sources (screen recordings, synthetic
 * video) measure 0, or close (rounding: under half a level); then, or when
 * T is below one level, frames pass through unchanged.
 *
 * Memory: window RGBA canvases and one for the held values.
 */
#include <string.h>

#include "denoise.h"

#define B GIFLOW__DN_BLOCK
#define MAX_VARIANCE 64.0 /* sigma 8: the histogram's range */

size_t giflow__dn_bytes(uint32_t w, uint32_t h, unsigned window)
{
    return ((size_t)window + 1) * w * h * 4;
}

void giflow__dn_init(giflow__denoise *dn, void *mem, uint32_t w, uint32_t h, unsigned window,
                     int strength, uint8_t alpha_min)
{
    size_t px = (size_t)w * h;
    uint8_t *p = mem;
    memset(dn, 0, sizeof *dn);
    dn->w = w;
    dn->h = h;
    dn->window = window < 1 ? 1 : window > GIFLOW__DN_MAX ? GIFLOW__DN_MAX : window;
    for (unsigned i = 0; i < dn->window; i++, p += px * 4)
        dn->ring[i] = p;
    dn->held = p;
    dn->strength = strength;
    dn->alpha_min = alpha_min;
}

uint8_t *giflow__dn_slot(giflow__denoise *dn)
{
    return dn->ring[(dn->head + dn->count) % dn->window];
}

void giflow__dn_push(giflow__denoise *dn)
{
    if (dn->count < dn->window)
        dn->count++;
}

static const uint8_t *frame(const giflow__denoise *dn, unsigned j)
{
    return dn->ring[(dn->head + j) % dn->window];
}

/* Sum of squares about the mean of n values with sum s and square sum q. */
static double centred(int64_t s, uint64_t q, int n)
{
    return (double)q - (double)s * (double)s / n;
}

/* The noise variance of the block at (bx, by) over frames f[0..m), or -1
 * when its changes are not noise (or a sample is not opaque). Differences
 * are taken about their mean over the block (per channel and frame), so a
 * change of the whole block (a fade, a step of exposure) is no noise.
 * First and second differences of pure noise have variances 2 and 6
 * sigma^2, a ratio of 3; steady motion and other smooth changes shrink
 * with every difference taken, so their ratio is well below it. A block
 * passes when the ratio is at least 2.4 (noise, perhaps a little motion)
 * and sigma is at most 8; a block without any such change has variance 0. */
static double block_variance(const giflow__denoise *dn, const uint8_t *const *f, unsigned m,
                             uint32_t bx, uint32_t by)
{
    int64_t s1[3][GIFLOW__DN_MAX] = {{0}}, s2[3][GIFLOW__DN_MAX] = {{0}};
    uint64_t q1[3][GIFLOW__DN_MAX] = {{0}}, q2[3][GIFLOW__DN_MAX] = {{0}};
    const int n = (B / 2) * (B / 2);
    for (uint32_t y = by * B; y < by * B + B; y += 2) {
        size_t o = ((size_t)y * dn->w + bx * B) * 4;
        for (uint32_t x = 0; x < B; x += 2, o += 8) {
            for (unsigned j = 0; j < m; j++)
                if (f[j][o + 3] < dn->alpha_min)
                    return -1;
            for (int c = 0; c < 3; c++) {
                for (unsigned j = 0; j + 1 < m; j++) {
                    int d = f[j + 1][o + c] - f[j][o + c];
                    s1[c][j] += d;
                    q1[c][j] += (uint64_t)(d * d);
                }
                for (unsigned j = 0; j + 2 < m; j++) {
                    int d = f[j][o + c] - 2 * f[j + 1][o + c] + f[j + 2][o + c];
                    s2[c][j] += d;
                    q2[c][j] += (uint64_t)(d * d);
                }
            }
        }
    }
    double v1 = 0, v2 = 0;
    for (int c = 0; c < 3; c++) {
        for (unsigned j = 0; j + 1 < m; j++)
            v1 += centred(s1[c][j], q1[c][j], n);
        for (unsigned j = 0; j + 2 < m; j++)
            v2 += centred(s2[c][j], q2[c][j], n);
    }
    /* Per difference and sample: v1 ~ 2 sigma^2, v2 ~ 6 sigma^2. */
    v1 /= (double)(m - 1) * n * 3;
    v2 /= (double)(m - 2) * n * 3;
    if (v2 < 1e-9)
        return v1 < 1e-9 ? 0 : -1;
    /* Noise above 8 levels is new content (a cut, unrelated frames). */
    return v2 < 1.2 * v1 || v2 > 6.0 * MAX_VARIANCE ? -1 : v2 / 6.0;
}

/* Square root by Newton's method (the library does not link libm). */
static double dsqrt(double v)
{
    double r = v > 1 ? v : 1;
    for (int i = 0; i < 40 && v > 0; i++)
        r = 0.5 * (r + v / r);
    return v > 0 ? r : 0;
}

/* Updates sigma from the window (m >= 3 frames): the 25th percentile of
 * the noise variances of the blocks that look like noise, from a
 * histogram of bins of 1/64 level^2 (variances above 64 count as 64). When
 * no block does, sigma is left as it was. */
static void estimate(giflow__denoise *dn, const uint8_t *const *f, unsigned m)
{
    uint32_t n = 0;
    memset(dn->hist, 0, sizeof dn->hist);
    for (uint32_t by = 0; by < dn->h / B; by++)
        for (uint32_t bx = 0; bx < dn->w / B; bx++) {
            double v = block_variance(dn, f, m, bx, by);
            if (v < 0)
                continue;
            double bin = v * GIFLOW__DN_BINS_PER_LEVEL2;
            dn->hist[bin < GIFLOW__DN_BINS - 1 ? (unsigned)bin : GIFLOW__DN_BINS - 1]++;
            n++;
        }
    if (!n)
        return;
    uint32_t seen = 0, k = 0;
    while ((seen += dn->hist[k]) <= n / 4 && k < GIFLOW__DN_BINS - 1)
        k++;
    double e = k ? dsqrt((k + 0.5) / GIFLOW__DN_BINS_PER_LEVEL2) : 0;
    dn->sigma = dn->have_sigma ? 0.75 * dn->sigma + 0.25 * e : e;
    dn->have_sigma = 1;
}

static inline int32_t d2(const uint8_t *p, const uint8_t *q)
{
    int32_t r = p[0] - q[0], g = p[1] - q[1], b = p[2] - q[2];
    return r * r + g * g + b * b;
}

/* Whether pixel i keeps its held value h, over the m frames s[]. */
static int holds(const uint8_t *const *s, unsigned m, size_t i, const uint8_t *h,
                 int32_t t2, uint8_t amin)
{
    int32_t acc[3] = {0, 0, 0};
    unsigned r = 0;
    for (; r < m; r++) {
        const uint8_t *p = s[r] + i;
        if (p[3] < amin || d2(p, h) > t2)
            break;
        acc[0] += p[0];
        acc[1] += p[1];
        acc[2] += p[2];
    }
    if (!r)
        return 0;
    int32_t dr = acc[0] - (int32_t)r * h[0], dg = acc[1] - (int32_t)r * h[1],
            db = acc[2] - (int32_t)r * h[2];
    return dr * dr + dg * dg + db * db <= t2 * (int32_t)r;
}

/* ceil(2^16 / n): (x * recip[n]) >> 16 is x / n for every x up to
 * 8 x 255 + 4 (checked for all), without a division per channel. */
static const uint32_t recip[GIFLOW__DN_MAX + 1] = {0,     65536, 32768, 21846, 16384,
                                                   13108, 10923, 9363,  8192};

/* The new value of pixel i (RGB into v): the mean of the longest run of
 * frames that all lie within t2 of it. */
static void new_value(const uint8_t *const *s, unsigned m, size_t i, int32_t t2, uint8_t amin,
                      uint8_t *v)
{
    int32_t acc[3] = {0, 0, 0};
    memcpy(v, s[0] + i, 3);
    for (unsigned j = 0; j < m; j++) {
        const uint8_t *p = s[j] + i;
        if (p[3] < amin)
            return;
        acc[0] += p[0];
        acc[1] += p[1];
        acc[2] += p[2];
        const uint32_t n = j + 1, r = recip[n];
        uint8_t mv[3];
        for (int c = 0; c < 3; c++)
            mv[c] = (uint8_t)(((uint32_t)acc[c] + n / 2) * r >> 16);
        for (unsigned k = 0; k <= j; k++)
            if (d2(s[k] + i, mv) > t2)
                return;
        memcpy(v, mv, 3);
    }
}

/* Denoises every pixel of s[0] into out. Inlined with m a constant for
 * the usual windows, so that the per-pixel loops over frames unroll. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline uint64_t dn_pixels(giflow__denoise *dn, const uint8_t *const *s, unsigned m,
                                 int32_t t2, uint8_t *out)
{
    const size_t px = (size_t)dn->w * dn->h;
    const uint8_t amin = dn->alpha_min;
    uint64_t held = 0;
    for (size_t i = 0; i < px * 4; i += 4) {
        const uint8_t *p = s[0] + i;
        uint8_t *h = dn->held + i, *o = out + i;
        if (p[3] >= amin && dn->have_held && h[3] >= amin && holds(s, m, i, h, t2, amin)) {
            memcpy(o, h, 4);
            held++;
            continue;
        }
        if (p[3] >= amin)
            new_value(s, m, i, t2, amin, o);
        else
            memcpy(o, p, 3);
        o[3] = p[3];
        memcpy(h, o, 4);
    }
    return held;
}

void giflow__dn_emit(giflow__denoise *dn, uint8_t *out)
{
    const size_t px = (size_t)dn->w * dn->h;
    const uint8_t *s[GIFLOW__DN_MAX];
    unsigned m = dn->count;
    for (unsigned j = 0; j < m; j++)
        s[j] = frame(dn, j);
    /* The noise changes slowly: after the first frames, every 4th does. */
    if (m >= 3 && (dn->emitted < 8 || dn->emitted % 4 == 0))
        estimate(dn, s, m);
    dn->emitted++;
    /* Under half a level it is rounding, not noise: nothing to hold. */
    double t = dn->sigma < 0.5 ? 0 : dn->sigma * dn->strength / 10.0;
    int32_t t2 = (int32_t)(3.0 * t * t > 1e6 ? 1e6 : 3.0 * t * t);
    dn->t2 = t2;
    if (t2 < 3) {
        /* Below a level: nothing to hold. */
        memcpy(out, s[0], px * 4);
        memcpy(dn->held, s[0], px * 4);
    } else if (m == 4) { /* the default window */
        dn->held_px += dn_pixels(dn, s, 4, t2, out);
    } else if (m == 3) { /* --fast's */
        dn->held_px += dn_pixels(dn, s, 3, t2, out);
    } else {
        dn->held_px += dn_pixels(dn, s, m, t2, out);
    }
    dn->have_held = 1;
    dn->head = (dn->head + 1) % dn->window;
    dn->count--;
}
