/* Quantizer statistics: colour buckets in bounded memory. */
#include <string.h>

#include "quant_impl.h"

size_t giflow__quant_bytes(void)
{
    return sizeof(giflow__quant);
}

giflow__quant *giflow__quant_init(void *mem)
{
    giflow__quant *q = mem;
    q->effort = GIFLOW_EFFORT_DEFAULT;
    q->tune = GIFLOW_TUNE_PSNR;
    giflow__quant_reset(q);
    return q;
}

void giflow__quant_set_effort(giflow__quant *q, int effort)
{
    q->effort = effort < 0 ? 0 : effort > GIFLOW_EFFORT_BEST ? GIFLOW_EFFORT_BEST : effort;
}

void giflow__quant_set_tune(giflow__quant *q, int tune)
{
    q->tune = tune == GIFLOW_TUNE_SSIM ? GIFLOW_TUNE_SSIM : GIFLOW_TUNE_PSNR;
}

void giflow__quant_reset(giflow__quant *q)
{
    memset(q->slot.tag_idx, 0xFF, sizeof q->slot.tag_idx);
    q->n = 0;
    q->steps = 0;
    q->sh[0] = q->sh[1] = q->sh[2] = 0;
    q->seen = 0;
    q->last_ok = 0;
    q->hash_ok = 1;
}

static inline uint32_t q_hash(uint32_t key)
{
    return key * 0x9E3779B1u;
}

/* Slot holding key (its tag and then its bucket's key match), or the empty
 * slot where it would go. The slot number is the hash's top bits and the
 * tag its low 16 bits. */
static inline uint32_t q_find(const giflow__quant *q, uint32_t key)
{
    uint32_t h = q_hash(key), i = h >> (32 - GIFLOW__Q_SLOT_BITS), tag = h << 16;
    for (;; i = (i + 1) & (GIFLOW__Q_SLOTS - 1)) {
        uint32_t s = q->slot.tag_idx[i];
        if (s == GIFLOW__Q_EMPTY || ((s & 0xFFFF0000u) == tag && q->ent[s & 0xFFFF].key == key))
            return i;
    }
}

static inline void q_set(giflow__quant *q, uint32_t slot, uint32_t key, uint32_t idx)
{
    q->slot.tag_idx[slot] = q_hash(key) << 16 | idx;
}

/* Re-indexes buckets 0..n), merging those whose keys became equal. The
 * list is compacted in place: the write index never passes the read one. */
static void q_rehash(giflow__quant *q)
{
    uint32_t wr = 0;
    memset(q->slot.tag_idx, 0xFF, sizeof q->slot.tag_idx);
    for (uint32_t i = 0; i < q->n; i++) {
        uint32_t s = q_find(q, q->ent[i].key);
        if (q->slot.tag_idx[s] != GIFLOW__Q_EMPTY) {
            giflow__qent *t = &q->ent[q->slot.tag_idx[s] & 0xFFFF];
            t->w += q->ent[i].w;
            for (int c = 0; c < 3; c++)
                t->off[c] += q->ent[i].off[c];
        } else {
            q->ent[wr] = q->ent[i];
            q_set(q, s, q->ent[wr].key, wr);
            wr++;
        }
    }
    q->n = wr;
    q->hash_ok = 1;
    q->last_ok = 0;
}

/* Drops one more bit of one channel: blue, then red, then green, and
 * round again (all channels weigh the same in RGB error). */
static void q_drop_bit(giflow__quant *q)
{
    static const int order[3] = {2, 0, 1};
    int c = order[q->steps++ % 3];
    uint32_t shift = 16 - 8 * (uint32_t)c, old = q->sh[c]++;
    for (uint32_t i = 0; i < q->n; i++) {
        giflow__qent *e = &q->ent[i];
        uint32_t v = (e->key >> shift) & 0xFF;
        e->off[c] += (float)(e->w * (double)((v & 1u) << old)); /* the bit joins the offset */
        e->key = (e->key & ~(0xFFu << shift)) | (v >> 1) << shift;
    }
}

/* The buckets are full. Each rehash costs a pass over all of them, so
 * when colours arrive fast (the buckets filled within the first few
 * pixels per bucket: a photo) a bit goes from every channel at once, else
 * from one channel. */
static void q_coarsen(giflow__quant *q)
{
    int steps = q->seen < 4u * GIFLOW__Q_ENT ? 3 : 1;
    for (int i = 0; i < steps && q->steps < 21; i++)
        q_drop_bit(q);
    q_rehash(q);
}

/* Bucket for pixel p (RGB), creating it if needed. */
static uint32_t q_bucket(giflow__quant *q, const uint8_t *p)
{
    for (;;) {
        uint32_t key = (uint32_t)(p[0] >> q->sh[0]) << 16 | (uint32_t)(p[1] >> q->sh[1]) << 8 |
                       (uint32_t)(p[2] >> q->sh[2]);
        uint32_t s = q_find(q, key);
        if (q->slot.tag_idx[s] != GIFLOW__Q_EMPTY)
            return q->slot.tag_idx[s] & 0xFFFF;
        if (q->n < GIFLOW__Q_ENT) {
            giflow__qent *e = &q->ent[q->n];
            e->key = key;
            e->off[0] = e->off[1] = e->off[2] = 0.0f;
            e->w = 0.0;
            q_set(q, s, key, q->n);
            return q->n++;
        }
        q_coarsen(q);
    }
}

/* Adds count pixels of colour p (RGB), each of weight w, to their bucket.
 * The previous run's bucket is remembered: runs often alternate. */
static void q_add_run(giflow__quant *q, const uint8_t *p, size_t count, double w)
{
    uint32_t px = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    q->seen += count;
    if (!q->last_ok || px != q->last_px) {
        q->last_idx = q_bucket(q, p);
        q->last_px = px;
        q->last_ok = 1;
    }
    giflow__qent *e = &q->ent[q->last_idx];
    w *= (double)count;
    e->w += w;
    if (q->steps)
        for (int c = 0; c < 3; c++)
            e->off[c] += (float)(w * (p[c] & ((1u << q->sh[c]) - 1)));
}

/* Adds count pixels of colour p whose weights sum to wsum. */
static void q_add_wrun(giflow__quant *q, const uint8_t *p, size_t count, double wsum)
{
    q_add_run(q, p, 1, wsum);
    q->seen += count - 1;
}

static inline int32_t q_luma(const uint8_t *p)
{
    return 77 * p[0] + 150 * p[1] + 29 * p[2]; /* luma x 256 */
}

/* Extra weight of the smoothest pixels, tuned for SSIM: 30 gave the most
 * SSIM-Y per PSNR lost on the bench's screen and mandelbrot clips (20 and
 * 40 were each worse on one of them). */
#define SMOOTH_BOOST 30.0

void giflow__quant_add_smooth(giflow__quant *q, const uint8_t *rgba, size_t n,
                              const uint8_t *below, uint8_t alpha_min)
{
    const double c2 = 58.5 * 65536.0; /* SSIM's C2, (0.03 x 255)^2, in (luma x 256)^2 */
    if (q->tune != GIFLOW_TUNE_SSIM) {
        giflow__quant_add(q, rgba, n, alpha_min, 1);
        return;
    }
    const uint8_t *run = rgba;
    size_t count = 0;
    double wsum = 0;
    uint32_t run_px = 0;
    if (!q->hash_ok)
        q_rehash(q);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = rgba + 4 * i;
        if (p[3] < alpha_min)
            continue;
        int32_t y = q_luma(p);
        int32_t gh = i + 1 < n ? q_luma(p + 4) - y : i ? y - q_luma(p - 4) : 0;
        int32_t gv = below ? q_luma(below + 4 * i) - y : 0;
        double g = (double)gh * gh + (double)gv * gv;
        double w = 1.0 + SMOOTH_BOOST * c2 / (g + c2);
        uint32_t px = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        if (count && px == run_px) {
            count++;
            wsum += w;
            continue;
        }
        if (count)
            q_add_wrun(q, run, count, wsum);
        run = p;
        run_px = px;
        count = 1;
        wsum = w;
    }
    if (count)
        q_add_wrun(q, run, count, wsum);
}

void giflow__quant_add(giflow__quant *q, const uint8_t *rgba, size_t n,
                       uint8_t alpha_min, uint32_t weight)
{
    double w = weight ? (double)weight : 1.0;
    const uint8_t *run = rgba;
    size_t count = 0;
    uint32_t run_px = 0;
    if (!q->hash_ok)
        q_rehash(q);
    /* Runs of one colour (flat areas) cost one bucket update. */
    for (size_t i = 0; i < n; i++, rgba += 4) {
        if (rgba[3] < alpha_min)
            continue;
        uint32_t px = (uint32_t)rgba[0] << 16 | (uint32_t)rgba[1] << 8 | rgba[2];
        if (count && px == run_px) {
            count++;
            continue;
        }
        if (count)
            q_add_run(q, run, count, w);
        run = rgba;
        run_px = px;
        count = 1;
    }
    if (count)
        q_add_run(q, run, count, w);
}
