/*
 * Nearest palette entry, exact, without scanning the palette per pixel.
 *
 * A colour's fine cell (8x8x8 values) lists the entries that can be
 * nearest to some point of the cell: those whose distance to the cell's
 * box is at most the smallest "farthest distance" to the box. Any nearest
 * entry of any point of the box passes that test, ties included, so
 * scanning the list in index order gives the true nearest entry with ties
 * to the lowest index. Fine lists are built, on first use, from the list
 * of the enclosing coarse cell (32 values per side), which is built the
 * same way from the whole palette.
 */
#include <string.h>

#include "quant_impl.h"

#define CB GIFLOW__RM_CBITS
#define FB GIFLOW__RM_FBITS

size_t giflow__remap_bytes(void)
{
    return sizeof(giflow__remap);
}

giflow__remap *giflow__remap_init(void *mem, const giflow__palette *pal, int skip)
{
    giflow__remap *r = mem;
    r->n = pal->n > 256 ? 256 : (int)pal->n;
    r->skip = skip >= 0 && skip < r->n ? skip : -1;
    r->spread = -1;
    r->pool_used = 0;
    for (int i = 0; i < r->n; i++)
        for (int c = 0; c < 3; c++)
            r->rgb[c][i] = pal->rgb[3 * i + c];
    memset(r->cache_key, 0, sizeof r->cache_key);
    memset(r->coarse, 0, sizeof r->coarse);
    memset(r->fine, 0, sizeof r->fine);
    return r;
}

static inline int32_t sq(int32_t v)
{
    return v * v;
}

/* Entries of cand[0..n) that can be nearest to a point of the box of side
 * size at lo[], in index order, into out. Returns their count. */
static uint32_t cell_filter(const giflow__remap *r, const uint8_t *cand, uint32_t n,
                            const int lo[3], int size, uint8_t *out)
{
    int32_t dmin[256], thr = INT32_MAX;
    for (uint32_t j = 0; j < n; j++) {
        int32_t mn = 0, mx = 0;
        for (int c = 0; c < 3; c++) {
            int v = r->rgb[c][cand[j]], a = lo[c], b = lo[c] + size - 1;
            mn += v < a ? sq(a - v) : v > b ? sq(v - b) : 0;
            mx += v - a > b - v ? sq(v - a) : sq(b - v);
        }
        dmin[j] = mn;
        thr = mx < thr ? mx : thr;
    }
    uint32_t m = 0;
    for (uint32_t j = 0; j < n; j++)
        if (dmin[j] <= thr)
            out[m++] = cand[j];
    return m;
}

/* Keeps a list in the pool if it fits; else it stays in the caller's
 * buffer and is rebuilt next time (still exact, only slower). */
static const uint8_t *keep_list(giflow__remap *r, uint32_t *slot, const uint8_t *list,
                                uint32_t len)
{
    if (len == 0 || r->pool_used + len > GIFLOW__RM_POOL)
        return list;
    uint8_t *dst = r->pool + r->pool_used;
    memcpy(dst, list, len);
    *slot = r->pool_used << 9 | len;
    r->pool_used += len;
    return dst;
}

static const uint8_t *coarse_list(giflow__remap *r, int red, int green, int blue,
                                  uint8_t *tmp, uint32_t *len)
{
    uint32_t ci = (uint32_t)(red >> (8 - CB)) << (2 * CB) |
                  (uint32_t)(green >> (8 - CB)) << CB | (uint32_t)(blue >> (8 - CB));
    uint32_t info = r->coarse[ci];
    if (info) {
        *len = info & 511;
        return r->pool + (info >> 9);
    }
    uint8_t all[256];
    uint32_t n = 0;
    for (int i = 0; i < r->n; i++)
        if (i != r->skip)
            all[n++] = (uint8_t)i;
    int lo[3] = {red >> (8 - CB) << (8 - CB), green >> (8 - CB) << (8 - CB),
                 blue >> (8 - CB) << (8 - CB)};
    *len = cell_filter(r, all, n, lo, 1 << (8 - CB), tmp);
    return keep_list(r, &r->coarse[ci], tmp, *len);
}

static const uint8_t *fine_list(giflow__remap *r, int red, int green, int blue,
                                uint8_t *tmp, uint32_t *len)
{
    uint32_t fi = (uint32_t)(red >> (8 - FB)) << (2 * FB) |
                  (uint32_t)(green >> (8 - FB)) << FB | (uint32_t)(blue >> (8 - FB));
    uint32_t info = r->fine[fi];
    if (info) {
        *len = info & 511;
        return r->pool + (info >> 9);
    }
    uint8_t ctmp[256];
    uint32_t clen;
    const uint8_t *cl = coarse_list(r, red, green, blue, ctmp, &clen);
    int lo[3] = {red >> (8 - FB) << (8 - FB), green >> (8 - FB) << (8 - FB),
                 blue >> (8 - FB) << (8 - FB)};
    *len = cell_filter(r, cl, clen, lo, 1 << (8 - FB), tmp);
    return keep_list(r, &r->fine[fi], tmp, *len);
}

uint8_t giflow__remap_search(giflow__remap *r, int red, int green, int blue)
{
    uint8_t tmp[256];
    uint32_t len;
    const uint8_t *l = fine_list(r, red, green, blue, tmp, &len);
    int32_t bd = INT32_MAX;
    uint8_t best = 0;
    for (uint32_t j = 0; j < len; j++) {
        int i = l[j];
        int32_t d = sq(red - r->rgb[0][i]) + sq(green - r->rgb[1][i]) + sq(blue - r->rgb[2][i]);
        if (d < bd) {
            bd = d;
            best = (uint8_t)i;
        }
    }
    return best;
}

uint8_t giflow__remap_nearest(giflow__remap *r, int red, int green, int blue)
{
    red = red < 0 ? 0 : red > 255 ? 255 : red;
    green = green < 0 ? 0 : green > 255 ? 255 : green;
    blue = blue < 0 ? 0 : blue > 255 ? 255 : blue;
    return giflow__remap_fast(r, red, green, blue);
}

/* Median distance from an entry to its nearest other entry: the typical
 * step between palette colours, which ordered dithering spans. */
int giflow__remap_spread(giflow__remap *r)
{
    if (r->spread >= 0)
        return r->spread;
    uint32_t hist[443] = {0}, m = 0; /* nearest distances, rounded down */
    for (int i = 0; i < r->n; i++) {
        int32_t best = INT32_MAX;
        for (int j = 0; j < r->n && i != r->skip; j++) {
            int32_t d = sq(r->rgb[0][i] - r->rgb[0][j]) + sq(r->rgb[1][i] - r->rgb[1][j]) +
                        sq(r->rgb[2][i] - r->rgb[2][j]);
            if (j != i && j != r->skip && d < best)
                best = d;
        }
        if (best == INT32_MAX)
            continue;
        int32_t s = 0;
        while (sq(s + 1) <= best)
            s++;
        hist[s]++;
        m++;
    }
    uint32_t seen = 0;
    int s = 0;
    while (s < 442 && (seen += hist[s]) * 2 < m)
        s++;
    r->spread = m ? s : 0;
    return r->spread;
}
