/*
 * Initial palette: Wu's greedy variance-minimising cuts (X. Wu, "Efficient
 * statistical computations for optimal color quantization", Graphics Gems
 * II, 1991) on cumulative moments of a 32x32x32 grid. The grid spans the
 * data's range per channel rather than 0..255, so images of few or close
 * colours still get fine cells. The box to cut next is the one whose best
 * cut lowers the squared error most; k-means refines the result.
 */
#include <string.h>

#include "quant_impl.h"

#define S GIFLOW__WU_S
#define N GIFLOW__WU_N

typedef struct wu_box {
    int lo[3], hi[3];   /* cells lo+1..hi per axis (cumulative indexing) */
    double gain;        /* error removed by the best cut; <= 0: none */
    int axis, cut;      /* best cut: cells lo+1..cut go to the first half */
} wu_box;

typedef struct wu_map {
    int lo[3], span[3]; /* channel value range mapped onto the N cells */
} wu_map;

static inline int wu_cell(const wu_map *mp, int c, float v)
{
    return 1 + ((int)v - mp->lo[c]) * N / mp->span[c];
}

/* Sums of the 4 moments over box (lo, hi]. */
static void wu_sums(const giflow__quant *q, const int lo[3], const int hi[3], double out[4])
{
    int r0 = lo[0] * S * S, r1 = hi[0] * S * S, g0 = lo[1] * S, g1 = hi[1] * S;
    for (int k = 0; k < 4; k++) {
        const double *m = q->s.wu.m[k];
        out[k] = m[r1 + g1 + hi[2]] - m[r1 + g1 + lo[2]] - m[r1 + g0 + hi[2]] +
                 m[r1 + g0 + lo[2]] - m[r0 + g1 + hi[2]] + m[r0 + g1 + lo[2]] +
                 m[r0 + g0 + hi[2]] - m[r0 + g0 + lo[2]];
    }
}

/* Squared norm of the sum over weight: the part of the error a cut moves. */
static inline double wu_score(const double s[4])
{
    return s[0] > 0 ? (s[1] * s[1] + s[2] * s[2] + s[3] * s[3]) / s[0] : 0.0;
}

static void wu_eval(const giflow__quant *q, wu_box *b)
{
    double all[4], part[4];
    wu_sums(q, b->lo, b->hi, all);
    double base = wu_score(all);
    b->gain = 0.0;
    for (int a = 0; a < 3; a++) {
        int hi[3] = {b->hi[0], b->hi[1], b->hi[2]};
        for (int p = b->lo[a] + 1; p < b->hi[a]; p++) {
            hi[a] = p;
            wu_sums(q, b->lo, hi, part);
            if (part[0] <= 0 || part[0] >= all[0])
                continue;
            double rest[4] = {all[0] - part[0], all[1] - part[1], all[2] - part[2],
                              all[3] - part[3]};
            double g = wu_score(part) + wu_score(rest) - base;
            if (g > b->gain) {
                b->gain = g;
                b->axis = a;
                b->cut = p;
            }
        }
    }
}

/* Fills the moment grid from the buckets and makes it cumulative. */
static void wu_moments(giflow__quant *q, wu_map *mp)
{
    int lo[3] = {255, 255, 255}, hi[3] = {0, 0, 0};
    float x[3];
    for (uint32_t i = 0; i < q->n; i++) {
        giflow__qent_mean(q, &q->ent[i], x);
        for (int c = 0; c < 3; c++) {
            lo[c] = (int)x[c] < lo[c] ? (int)x[c] : lo[c];
            hi[c] = (int)x[c] > hi[c] ? (int)x[c] : hi[c];
        }
    }
    for (int c = 0; c < 3; c++) {
        mp->lo[c] = lo[c];
        mp->span[c] = hi[c] - lo[c] + 1;
    }
    memset(q->s.wu.m, 0, sizeof q->s.wu.m);
    for (uint32_t i = 0; i < q->n; i++) {
        const giflow__qent *e = &q->ent[i];
        giflow__qent_mean(q, e, x);
        int at = (wu_cell(mp, 0, x[0]) * S + wu_cell(mp, 1, x[1])) * S + wu_cell(mp, 2, x[2]);
        q->s.wu.m[0][at] += e->w;
        for (int c = 0; c < 3; c++)
            q->s.wu.m[1 + c][at] += e->w * x[c];
    }
    /* Prefix sums along b, then g, then r. */
    for (int k = 0; k < 4; k++) {
        double *m = q->s.wu.m[k];
        for (int r = 1; r < S; r++)
            for (int g = 1; g < S; g++)
                for (int b = 1; b < S; b++) {
                    int i = (r * S + g) * S + b;
                    m[i] += m[i - 1] + m[i - S] - m[i - S - 1];
                }
        for (int i = S * S; i < S * S * S; i++)
            m[i] += m[i - S * S];
    }
}

/* Cuts boxes until there are k or none can be cut. */
static uint32_t wu_cut(const giflow__quant *q, wu_box *box, uint32_t k)
{
    uint32_t nb = 1;
    box[0] = (wu_box){{0, 0, 0}, {N, N, N}, 0, 0, 0};
    wu_eval(q, &box[0]);
    while (nb < k) {
        uint32_t best = 0;
        for (uint32_t i = 1; i < nb; i++)
            if (box[i].gain > box[best].gain)
                best = i;
        if (box[best].gain <= 0)
            break;
        wu_box *b = &box[best], *c = &box[nb++];
        *c = *b;
        b->hi[b->axis] = b->cut;
        c->lo[c->axis] = c->cut;
        wu_eval(q, b);
        wu_eval(q, c);
    }
    return nb;
}

uint32_t giflow__wu_boxes(giflow__quant *q, uint32_t k, float *cx)
{
    wu_map mp;
    wu_box box[256];
    double sum[4];
    wu_moments(q, &mp);
    uint32_t nb = wu_cut(q, box, k);
    for (uint32_t i = 0; i < nb; i++) {
        const wu_box *b = &box[i];
        wu_sums(q, b->lo, b->hi, sum);
        for (int c = 0; c < 3; c++)
            cx[3 * i + c] = sum[0] > 0 ? (float)(sum[1 + c] / sum[0]) : 0.0f;
        for (int r = b->lo[0]; r < b->hi[0]; r++)
            for (int g = b->lo[1]; g < b->hi[1]; g++)
                memset(q->s.wu.tag + (r * N + g) * N + b->lo[2], (int)i,
                       (size_t)(b->hi[2] - b->lo[2]));
    }
    float x[3];
    for (uint32_t i = 0; i < q->n; i++) {
        giflow__qent_mean(q, &q->ent[i], x);
        int r = wu_cell(&mp, 0, x[0]) - 1, g = wu_cell(&mp, 1, x[1]) - 1;
        q->assign[i] = q->s.wu.tag[(r * N + g) * N + wu_cell(&mp, 2, x[2]) - 1];
    }
    return nb;
}
