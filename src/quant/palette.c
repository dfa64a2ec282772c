/*
 * Palette building: Wu boxes, then weighted k-means (Lloyd) over the
 * colour buckets, minimising plain RGB squared error, or, tuned for SSIM,
 * an error weighted by channel (see giflow__quant_set_tune): k-means then
 * runs on colours scaled by those weights, so nothing else changes.
 *
 * Passes are cheap because centroids move little once started:
 * - Hamerly's bounds (G. Hamerly, "Making k-means even faster", 2010):
 *   each bucket keeps an upper bound u on the distance to its centroid and
 *   a lower bound l on the distance to any other. When centroids move by at
 *   most m, u + m <= l - m still proves the assignment, and a bucket within
 *   half the distance from its centroid to the nearest other one cannot be
 *   closer to another. Most buckets skip their pass outright.
 * - Cluster sums change only for buckets that move.
 * - A search starts from the bucket's centroid a at distance du and walks
 *   a's nearest neighbours, nearest first: a centroid c at distance D from
 *   a is at least D - du from the bucket, so the walk stops once that
 *   exceeds the second best found. Each update only refreshes the listed
 *   distances; who is listed is decided again after enough movement.
 */
#include <string.h>
#ifdef __SSE__
#include <xmmintrin.h>
#endif

#include "quant_impl.h"

#define KM_BETA 1.8f    /* over-relaxation of all passes but the last */
#define KM_REDRIFT 8.0f /* remake neighbour lists once a centroid moved this far */
#define KM_SCANS 64     /* ... or once a pass scanned all centroids this often */
#define NL GIFLOW__KM_NL

static inline float d2(const float a[3], const float b[3])
{
    float x = a[0] - b[0], y = a[1] - b[1], z = a[2] - b[2];
    return x * x + y * y + z * z;
}

/* Square root without libm (sqrtf would need it, for errno): the SSE
 * instruction where there is one, else the classic estimate of 1/sqrt
 * refined by three Newton steps, to float precision. */
static inline float fsqrt(float v)
{
    if (v <= 0)
        return 0;
#ifdef __SSE__
    return _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(v)));
#endif
    uint32_t i;
    float y;
    memcpy(&i, &v, 4);
    i = 0x5F3759DFu - (i >> 1);
    memcpy(&y, &i, 4);
    for (int k = 0; k < 3; k++)
        y = y * (1.5f - 0.5f * v * y * y);
    return v * y;
}

/* Inserts centroid c at squared distance d into a's sorted list of n. */
static uint32_t km_insert(giflow__km *m, uint32_t a, uint32_t n, uint32_t c, float d)
{
    float *nd = m->nd[a];
    uint8_t *nb = m->nb[a];
    uint32_t j = n < NL ? n++ : NL - 1;
    for (; j > 0 && nd[j - 1] > d; j--) {
        nd[j] = nd[j - 1];
        nb[j] = nb[j - 1];
    }
    nd[j] = d;
    nb[j] = (uint8_t)c;
    return n;
}

/* Seeds a's list from a list made before (a's own, or a neighbour's
 * plus that neighbour), taking distances from row; seeded centroids are
 * then marked done in row. Returns the list length. */
static uint32_t km_seed_list(giflow__km *m, uint32_t a, uint32_t from, float *row)
{
    uint8_t nb[NL + 1];
    uint32_t len = m->nn[from], n = 0;
    memcpy(nb, m->nb[from], len);
    if (from != a)
        nb[len++] = (uint8_t)from;
    for (uint32_t j = 0; j < len; j++) {
        if (nb[j] == a || row[nb[j]] >= 1e30f)
            continue;
        if (n < NL || row[nb[j]] < m->nd[a][NL - 1])
            n = km_insert(m, a, n, nb[j], row[nb[j]]);
        row[nb[j]] = 1e30f;
    }
    return n;
}

/* Lists each centroid's nearest others. A list made before seeds the new
 * one: the centroid's own previous list, or on a fresh start the list of
 * its nearest centroid listed so far, so that few of the others get past
 * the seed's last distance and need inserting. Unlisted centroids are at
 * least as far as the last listed one. Distances to all others come from
 * one branch-free loop over separate coordinate arrays, which compilers
 * vectorise. */
static void km_lists(giflow__km *m, int fresh)
{
    const float *cx = m->soa[0], *cy = m->soa[1], *cz = m->soa[2];
    float row[256];
    for (uint32_t a = 0; a < m->k; a++) {
        float ax = cx[a], ay = cy[a], az = cz[a];
        for (uint32_t c = 0; c < 256; c++)
            row[c] = (cx[c] - ax) * (cx[c] - ax) + (cy[c] - ay) * (cy[c] - ay) +
                     (cz[c] - az) * (cz[c] - az);
        row[a] = 1e30f;
        uint32_t from = a, n = 0;
        if (fresh)
            for (uint32_t c = 0; c < a; c++)
                from = from == a || row[c] < row[from] ? c : from;
        if (from != a || !fresh)
            n = km_seed_list(m, a, from, row);
        float lim = n < NL ? 1e29f : m->nd[a][NL - 1];
        for (uint32_t c = 0; c < m->k; c++)
            if (row[c] < lim) {
                n = km_insert(m, a, n, c, row[c]);
                lim = n < NL ? 1e29f : m->nd[a][NL - 1];
            }
        for (uint32_t j = 0; j < n; j++)
            m->nd[a][j] = fsqrt(m->nd[a][j]);
        m->nn[a] = (uint8_t)n;
        m->rest[a] = n + 1 < m->k ? m->nd[a][n - 1] : 1e30f;
        memcpy(m->at[a], m->c[a], sizeof m->at[a]);
        m->disp[a] = 0;
    }
    m->maxdisp = 0;
}

/* After an update. Listed distances go stale: centroids a and c are now
 * at least (listed distance) - disp[a] - disp[c] apart. The lists are
 * made again once some centroid has moved too far from where it was, or
 * when the slack made many searches fall back to scanning everything. */
static void km_relist(giflow__km *m)
{
    m->maxdisp = 0;
    for (uint32_t a = 0; a < m->k; a++) {
        m->disp[a] = fsqrt(d2(m->at[a], m->c[a]));
        m->maxdisp = m->disp[a] > m->maxdisp ? m->disp[a] : m->maxdisp;
    }
    if (m->maxdisp > KM_REDRIFT || (m->scans > KM_SCANS && m->maxdisp > 1.0f))
        km_lists(m, 0);
    m->scans = 0;
}

/* Per centroid, after an update: a lower bound on half the distance to
 * the nearest other (for the skip test), the largest move among its listed
 * neighbours, and how near an unlisted centroid can now be. */
static void km_bounds(giflow__km *m)
{
    for (uint32_t a = 0; a < m->k; a++) {
        float best = m->rest[a] - m->maxdisp, mv = 0, dp = 0;
        for (uint32_t j = 0; j < m->nn[a]; j++) {
            uint32_t c = m->nb[a][j];
            float d = m->nd[a][j] - m->disp[c];
            best = d < best ? d : best;
            mv = m->move[c] > mv ? m->move[c] : mv;
            dp = m->disp[c] > dp ? m->disp[c] : dp;
        }
        m->slack[a] = m->disp[a] + dp;
        best -= m->disp[a];
        m->half[a] = best > 0 ? 0.5f * best : 0.0f;
        m->near[a] = mv;
        m->far[a] = m->rest[a] - m->disp[a] - m->maxdisp;
    }
}

/* Copies the centroids into the by-channel arrays the scans read. */
static void km_soa(giflow__km *m)
{
    for (uint32_t c = 0; c < 256; c++)
        for (int a = 0; a < 3; a++)
            m->soa[a][c] = c < m->k ? m->c[c][a] : 1e15f;
}

/* Every centroid, for buckets beyond the reach of the neighbour list.
 * The distance loop has a fixed trip count so that it vectorises. */
static uint32_t km_scan(giflow__km *m, const float x[3], float *d, float *second)
{
    float row[256], bd = 1e30f, sd = 1e30f;
    uint32_t best = 0;
    for (uint32_t c = 0; c < 256; c++) {
        float dx = m->soa[0][c] - x[0], dy = m->soa[1][c] - x[1], dz = m->soa[2][c] - x[2];
        row[c] = dx * dx + dy * dy + dz * dz;
    }
    for (uint32_t c = 0; c < m->k; c++) {
        if (row[c] < bd) {
            sd = bd;
            bd = row[c];
            best = c;
        } else if (row[c] < sd) {
            sd = row[c];
        }
    }
    *d = bd;
    *second = sd;
    m->scans++;
    return best;
}

/* Nearest centroid to x, now at distance du from centroid a, and a lower
 * bound on the distance to any other centroid. Squared distances out. */
static uint32_t km_search(giflow__km *m, const float x[3], uint32_t a, float du,
                          float *d, float *second)
{
    float slack = m->slack[a] + du, bd = du * du, sd = 1e30f;
    float rest = m->far[a] - du;
    uint32_t best = a, j = 0;
    for (; j < m->nn[a]; j++) {
        /* This and every later centroid c have |x - c| >= lim. */
        float lim = m->nd[a][j] - slack;
        lim = lim < rest ? lim : rest;
        if (lim > 0 && lim * lim >= sd)
            break;
        uint32_t c = m->nb[a][j];
        float dd = d2(x, m->c[c]);
        if (dd < bd) {
            sd = bd;
            bd = dd;
            best = c;
        } else if (dd < sd) {
            sd = dd;
        }
    }
    if (j == m->nn[a] && m->nn[a] + 1u < m->k) {
        if (rest <= 0 || rest * rest < sd) /* unlisted ones may be nearer */
            return km_scan(m, x, d, second);
    }
    *d = bd;
    *second = sd;
    return best;
}

/* Adds (sign +1) or removes (-1) bucket p from cluster c's sums. */
static inline void km_acc(giflow__km *m, uint32_t c, const giflow__qpt *p, double sign)
{
    double w = sign * p->w;
    m->acc[c][0] += w;
    for (int a = 0; a < 3; a++)
        m->acc[c][1 + a] += w * p->x[a];
}

/* Bucket means (scaled when tuned) and weights into q->s.pt. */
static void km_points(giflow__quant *q)
{
    const giflow__km *m = &q->km;
    for (uint32_t i = 0; i < q->n; i++) {
        giflow__qent_mean(q, &q->ent[i], q->s.pt[i].x);
        if (m->scaled)
            for (int a = 0; a < 3; a++)
                q->s.pt[i].x[a] *= m->sc[a];
        q->s.pt[i].w = (float)q->ent[i].w;
    }
}

/* RGB squared distance between a (scaled) bucket and centroid. */
static inline float km_rgb_d2(const giflow__km *m, const float x[3], const float c[3])
{
    if (!m->scaled)
        return d2(x, c);
    float u[3], v[3];
    for (int a = 0; a < 3; a++) {
        u[a] = x[a] / m->sc[a];
        v[a] = c[a] / m->sc[a];
    }
    return d2(u, v);
}

/* Too few Wu boxes (few cells occupied): add centroids one at a time at
 * the bucket with the largest error (farthest-point seeding). */
static void km_seed(giflow__quant *q, giflow__km *m, uint32_t k)
{
    while (m->k < k) {
        float worst = 0;
        uint32_t wi = 0;
        for (uint32_t i = 0; i < q->n; i++) {
            const giflow__qpt *p = &q->s.pt[i];
            float e = p->w * d2(p->x, m->c[q->assign[i]]);
            if (e > worst) {
                worst = e;
                wi = i;
            }
        }
        if (worst <= 0)
            return;
        uint32_t c = m->k++;
        memcpy(m->c[c], q->s.pt[wi].x, sizeof m->c[c]);
        for (uint32_t i = 0; i < q->n; i++) {
            const float *x = q->s.pt[i].x;
            if (d2(x, m->c[c]) < d2(x, m->c[q->assign[i]]))
                q->assign[i] = (uint8_t)c;
        }
    }
}

/* First pass: bounds and sums from scratch. A bucket within half the
 * distance from its Wu centroid to any other stays, and is at least twice
 * that minus its own distance from every other: no search needed. */
static void km_start(giflow__quant *q, giflow__km *m)
{
    memset(m->acc, 0, sizeof m->acc);
    m->scans = 0;
    km_soa(m);
    km_lists(m, 1);
    km_bounds(m);
    for (uint32_t i = 0; i < q->n; i++) {
        const giflow__qpt *p = &q->s.pt[i];
        uint32_t a = q->assign[i];
        float d, sd, du = fsqrt(d2(p->x, m->c[a]));
        if (du <= m->half[a]) {
            q->slot.bound[i][0] = du;
            q->slot.bound[i][1] = 2 * m->half[a] - du;
        } else {
            a = km_search(m, p->x, a, du, &d, &sd);
            q->assign[i] = (uint8_t)a;
            q->slot.bound[i][0] = fsqrt(d);
            q->slot.bound[i][1] = fsqrt(sd);
        }
        km_acc(m, a, p, 1.0);
    }
}

/* Centroids step towards their clusters' means (an empty cluster stays
 * put). A step of beta = 1 lands on the mean (Lloyd); beta up to 2 is
 * over-relaxation, which speeds up the slow drift of k-means (centroids
 * creeping into a lattice) at no cost in quality. The last update rounds
 * to the integer colours of the palette. */
static void km_update(giflow__km *m, float beta, int round)
{
    m->big = 0;
    for (uint32_t c = 0; c < m->k; c++) {
        const double *acc = m->acc[c];
        float old[3] = {m->c[c][0], m->c[c][1], m->c[c][2]};
        if (acc[0] > 0)
            for (int a = 0; a < 3; a++) {
                float v = old[a] + beta * ((float)(acc[1 + a] / acc[0]) - old[a]);
                float hi = m->scaled ? 255 * m->sc[a] : 255;
                m->c[c][a] = v < 0 ? 0 : v > hi ? hi : v;
            }
        if (round && m->scaled)
            for (int a = 0; a < 3; a++)
                m->c[c][a] = (float)(int)(m->c[c][a] / m->sc[a] + 0.5f) * m->sc[a];
        else if (round)
            for (int a = 0; a < 3; a++)
                m->c[c][a] = (float)(int)(m->c[c][a] + 0.5f);
        m->move[c] = fsqrt(d2(old, m->c[c]));
        m->big = m->move[c] > m->big ? m->move[c] : m->big;
    }
    km_soa(m);
    km_relist(m);
    km_bounds(m);
}

/* The new lower bound for a bucket at (new) distance u from centroid a:
 * listed neighbours came at most near[a] closer, and the unlisted ones
 * either came at most big closer or are beyond far[a] - u anyway. */
static inline float km_lower(const giflow__km *m, uint32_t a, float l, float u)
{
    float listed = l - m->near[a], rest = l - m->big, bound = m->far[a] - u;
    rest = rest > bound ? rest : bound;
    return listed < rest ? listed : rest;
}

/* One Lloyd pass with bounds. Returns how many buckets changed cluster. */
static uint32_t km_pass(giflow__quant *q, giflow__km *m, float beta)
{
    uint32_t changed = 0;
    km_update(m, beta, 0);
    for (uint32_t i = 0; i < q->n; i++) {
        const giflow__qpt *p = &q->s.pt[i];
        float *b = q->slot.bound[i];
        uint32_t a = q->assign[i];
        float u = b[0] + m->move[a], l = km_lower(m, a, b[1], u);
        float z = l > m->half[a] ? l : m->half[a];
        if (u > z) {
            u = fsqrt(d2(p->x, m->c[a])); /* tighten, then decide */
            if (u > z) {
                float d, sd;
                uint32_t c = km_search(m, p->x, a, u, &d, &sd);
                u = fsqrt(d);
                l = fsqrt(sd);
                if (c != a) {
                    km_acc(m, a, p, -1.0);
                    km_acc(m, c, p, 1.0);
                    q->assign[i] = (uint8_t)c;
                    changed++;
                }
            }
        }
        b[0] = u;
        b[1] = l;
    }
    return changed;
}

/* Lloyd passes per effort: a budget of buckets times passes, and the
 * fewest and most passes. */
static const struct {
    uint32_t work, min, max;
} km_effort[GIFLOW_EFFORT_BEST + 1] = {
    {0, 0, 0}, {40000, 2, 4}, {120000, 6, 12}, {480000, 12, 32},
};

static void km_iterate(giflow__quant *q, giflow__km *m)
{
    /* Passes shrink with the bucket count, so that a frame of photo
     * (tens of thousands of buckets) still takes milliseconds; with fewer
     * centroids a pass is cheaper and local optima matter more. */
    uint32_t work = km_effort[q->effort].work, lo = km_effort[q->effort].min;
    uint32_t hi = km_effort[q->effort].max;
    uint32_t passes = (uint32_t)((uint64_t)work * (256 / m->k) / q->n);
    passes = passes < lo ? lo : passes > hi ? hi : passes;
    km_start(q, m);
    for (uint32_t it = 0; it < passes; it++) {
        float beta = it + 1 < passes ? KM_BETA : 1.0f;
        if (km_pass(q, m, beta) == 0 && beta == 1.0f)
            break;
    }
}

/* Moves the centroids to their means, rounded to palette colours, and
 * assigns once more for the error, the bounds again sparing most
 * searches. Writes the palette without unused or duplicate entries. */
static double km_finish(giflow__quant *q, giflow__km *m, giflow__palette *out)
{
    double sse = 0, sw = 0, used[256] = {0};
    km_update(m, 1.0f, 1);
    for (uint32_t i = 0; i < q->n; i++) {
        const giflow__qpt *p = &q->s.pt[i];
        const float *b = q->slot.bound[i];
        uint32_t a = q->assign[i];
        float d = d2(p->x, m->c[a]), sd, du = fsqrt(d);
        float l = km_lower(m, a, b[1], b[0] + m->move[a]);
        if (du > l && du > m->half[a])
            a = q->assign[i] = (uint8_t)km_search(m, p->x, a, du, &d, &sd);
        if (m->scaled)
            d = km_rgb_d2(m, p->x, m->c[a]);
        sse += (double)p->w * d;
        sw += p->w;
        used[a] += p->w;
    }
    out->n = 0;
    for (uint32_t c = 0; c < m->k; c++) {
        if (used[c] <= 0)
            continue;
        uint8_t *px = out->rgb + 3 * out->n++;
        for (int a = 0; a < 3; a++)
            px[a] = (uint8_t)(m->scaled ? m->c[c][a] / m->sc[a] + 0.5f : m->c[c][a]);
    }
    giflow__palette_sort(out);
    uint32_t n = out->n ? 1 : 0; /* rounding can make two entries equal */
    for (uint32_t i = 1; i < out->n; i++)
        if (memcmp(out->rgb + 3 * i, out->rgb + 3 * (n - 1), 3) != 0)
            memmove(out->rgb + 3 * n++, out->rgb + 3 * i, 3);
    out->n = n;
    return sw > 0 ? sse / (3 * sw) : 0.0;
}

/* Few enough buckets: each is an entry (exact colours at shift 0). */
static double exact_palette(const giflow__quant *q, giflow__palette *out)
{
    double sse = 0, sw = 0;
    float x[3];
    for (uint32_t i = 0; i < q->n; i++) {
        giflow__qent_mean(q, &q->ent[i], x);
        for (int a = 0; a < 3; a++) {
            float v = (float)(int)(x[a] + 0.5f); /* x >= 0 */
            out->rgb[3 * i + a] = (uint8_t)v;
            sse += q->ent[i].w * (double)(x[a] - v) * (x[a] - v);
        }
        sw += q->ent[i].w;
    }
    out->n = q->n;
    giflow__palette_sort(out);
    return sw > 0 ? sse / (3 * sw) : 0.0;
}

double giflow__quant_build(giflow__quant *q, uint32_t max_colors, giflow__palette *out)
{
    uint32_t k = max_colors < 1 ? 1 : max_colors > 256 ? 256 : max_colors;
    giflow__km *m = &q->km;
    out->n = 0;
    if (q->n == 0)
        return 0.0;
    if (q->n <= k)
        return exact_palette(q, out);
    m->k = giflow__wu_boxes(q, k, &m->c[0][0]);
    /* Tuned for SSIM: squared error weighs R, G, B as 0.49 : 1 : 0.36, near
     * their shares of luma (0.3 : 0.59 : 0.11) but not so far that
     * colour errors grow unchecked. */
    static const float ssim_sc[3] = {0.7f, 1.0f, 0.6f};
    m->scaled = q->tune == GIFLOW_TUNE_SSIM;
    for (int a = 0; a < 3; a++)
        m->sc[a] = m->scaled ? ssim_sc[a] : 1.0f;
    if (m->scaled)
        for (uint32_t c = 0; c < m->k; c++)
            for (int a = 0; a < 3; a++)
                m->c[c][a] *= m->sc[a];
    km_points(q);
    km_seed(q, m, k);
    q->hash_ok = 0; /* k-means bounds borrow the hash slots */
    km_iterate(q, m);
    return km_finish(q, m, out);
}
