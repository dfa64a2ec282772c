/* Exact colour sets: is a frame drawable with at most max colours? */
#include <string.h>

#include "quant.h"

#define SET_SLOTS 512u /* twice the largest max: probes stay short */

static inline uint32_t set_slot(uint32_t rgb)
{
    return (rgb * 0x9E3779B1u) >> (32 - 9);
}

void giflow__colorset_init(giflow__colorset *s, uint32_t max)
{
    memset(s->key, 0xFF, sizeof s->key);
    s->n = 0;
    s->max = max > 256 ? 256 : max;
    s->overflow = 0;
}

/* Inserts rgb; returns 0 once there are more than max colours. */
static int set_insert(giflow__colorset *s, uint32_t rgb)
{
    uint32_t i = set_slot(rgb);
    while (s->key[i] != 0xFFFFFFFFu) {
        if (s->key[i] == rgb)
            return 1;
        i = (i + 1) & (SET_SLOTS - 1);
    }
    if (s->n == s->max) {
        s->overflow = 1;
        return 0;
    }
    s->key[i] = rgb;
    s->n++;
    return 1;
}

int giflow__colorset_add(giflow__colorset *s, const uint8_t *rgba, size_t n,
                         uint8_t alpha_min)
{
    /* Runs of one colour are the common case in flat art: one probe each. */
    uint32_t last = 0xFFFFFFFFu;
    if (s->overflow)
        return 0;
    for (size_t i = 0; i < n; i++, rgba += 4) {
        if (rgba[3] < alpha_min)
            continue;
        uint32_t rgb = (uint32_t)rgba[0] << 16 | (uint32_t)rgba[1] << 8 | rgba[2];
        if (rgb == last)
            continue;
        last = rgb;
        if (!set_insert(s, rgb))
            return 0;
    }
    return 1;
}

/* Sort key: Rec. 601 luma in the high bits, the colour itself to break ties,
 * so the order is total and deterministic. */
static uint64_t luma_key(const uint8_t *p)
{
    uint64_t y = 299u * p[0] + 587u * p[1] + 114u * p[2];
    return y << 24 | (uint64_t)p[0] << 16 | (uint64_t)p[1] << 8 | p[2];
}

void giflow__palette_sort(giflow__palette *p)
{
    /* Insertion sort: at most 256 entries, usually nearly sorted. */
    for (uint32_t i = 1; i < p->n; i++) {
        uint8_t c[3];
        memcpy(c, p->rgb + 3 * i, 3);
        uint64_t k = luma_key(c);
        uint32_t j = i;
        while (j > 0 && luma_key(p->rgb + 3 * (j - 1)) > k) {
            memcpy(p->rgb + 3 * j, p->rgb + 3 * (j - 1), 3);
            j--;
        }
        memcpy(p->rgb + 3 * j, c, 3);
    }
}

void giflow__colorset_palette(const giflow__colorset *s, giflow__palette *out)
{
    out->n = 0;
    for (uint32_t i = 0; i < SET_SLOTS; i++) {
        uint32_t k = s->key[i];
        if (k == 0xFFFFFFFFu)
            continue;
        uint8_t *p = out->rgb + 3 * out->n++;
        p[0] = (uint8_t)(k >> 16);
        p[1] = (uint8_t)(k >> 8);
        p[2] = (uint8_t)k;
    }
    giflow__palette_sort(out);
}
