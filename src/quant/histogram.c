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
    giflow__quant_reset(q);
    return q;
}

void giflow__quant_reset(giflow__quant *q)
{
    memset(q->slot.key, 0xFF, sizeof q->slot.key);
    q->n = 0;
    q->steps = 0;
    q->sh[0] = q->sh[1] = q->sh[2] = 0;
    q->last_ok = 0;
    q->hash_ok = 1;
}

static inline uint32_t q_slot(uint32_t key)
{
    return (key * 0x9E3779B1u) >> (32 - 17);
}

/* Slot holding key, or the empty slot where it would go. */
static inline uint32_t q_find(const giflow__quant *q, uint32_t key)
{
    uint32_t i = q_slot(key);
    while (q->slot.key[i] != key && q->slot.key[i] != GIFLOW__Q_EMPTY)
        i = (i + 1) & (GIFLOW__Q_SLOTS - 1);
    return i;
}

/* Re-indexes buckets 0..n), merging those whose keys became equal. The
 * list is compacted in place: the write index never passes the read one. */
static void q_rehash(giflow__quant *q)
{
    uint32_t wr = 0;
    memset(q->slot.key, 0xFF, sizeof q->slot.key);
    for (uint32_t i = 0; i < q->n; i++) {
        uint32_t s = q_find(q, q->ent[i].key);
        if (q->slot.key[s] == q->ent[i].key) {
            giflow__qent *t = &q->ent[q->slot_idx[s]];
            t->w += q->ent[i].w;
            for (int c = 0; c < 3; c++)
                t->off[c] += q->ent[i].off[c];
        } else {
            q->slot.key[s] = q->ent[i].key;
            q->slot_idx[s] = (uint16_t)wr;
            q->ent[wr++] = q->ent[i];
        }
    }
    q->n = wr;
    q->hash_ok = 1;
    q->last_ok = 0;
}

/* Drops one more bit of one channel: blue, then red, then green, and
 * round again (all channels weigh the same in RGB error). */
static void q_coarsen(giflow__quant *q)
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
    q_rehash(q);
}

/* Bucket for pixel p (RGB), creating it if needed. */
static uint32_t q_bucket(giflow__quant *q, const uint8_t *p)
{
    for (;;) {
        uint32_t key = (uint32_t)(p[0] >> q->sh[0]) << 16 | (uint32_t)(p[1] >> q->sh[1]) << 8 |
                       (uint32_t)(p[2] >> q->sh[2]);
        uint32_t s = q_find(q, key);
        if (q->slot.key[s] == key)
            return q->slot_idx[s];
        if (q->n < GIFLOW__Q_ENT) {
            giflow__qent *e = &q->ent[q->n];
            e->key = key;
            e->off[0] = e->off[1] = e->off[2] = 0.0f;
            e->w = 0.0;
            q->slot.key[s] = key;
            q->slot_idx[s] = (uint16_t)q->n;
            return q->n++;
        }
        q_coarsen(q);
    }
}

void giflow__quant_add(giflow__quant *q, const uint8_t *rgba, size_t n,
                       uint8_t alpha_min, uint32_t weight)
{
    double w = weight ? (double)weight : 1.0;
    int coarse = q->steps != 0;
    if (!q->hash_ok)
        q_rehash(q);
    for (size_t i = 0; i < n; i++, rgba += 4) {
        if (rgba[3] < alpha_min)
            continue;
        uint32_t px = (uint32_t)rgba[0] << 16 | (uint32_t)rgba[1] << 8 | rgba[2];
        /* Flat areas repeat the previous pixel: skip the hash. */
        if (!q->last_ok || px != q->last_px) {
            q->last_idx = q_bucket(q, rgba);
            q->last_px = px;
            q->last_ok = 1;
            coarse = q->steps != 0;
        }
        giflow__qent *e = &q->ent[q->last_idx];
        e->w += w;
        if (coarse)
            for (int c = 0; c < 3; c++)
                e->off[c] += (float)(w * (rgba[c] & ((1u << q->sh[c]) - 1)));
    }
}
