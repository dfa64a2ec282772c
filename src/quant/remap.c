/*
 * Nearest palette entry, exact, without scanning the palette per pixel.
 *
 * A colour's fine cell (8x8x8 values) lists the entries that can be
 * nearest to some point of the cell: those whose distance to the cell's
 * box is at most the smallest "farthest distance" to the box. Any nearest
 * entry of any point of the box passes that test, ties included, so the
 * list holds the true nearest entry (ties to the lowest index). Fine
 * lists are built, on first use, from the list of the enclosing coarse
 * cell (32 values per side), which is built the same way from the whole
 * palette.
 */
#include <string.h>

#include "quant_impl.h"

#define CB GIFLOW__RM_CBITS
#define FB GIFLOW__RM_FBITS

size_t giflow__remap_bytes(void)
{
    return sizeof(giflow__remap);
}

_Static_assert((0xFFFFFFu * 0x9E3779B1u) >> (32 - GIFLOW__RM_CACHE_BITS) != 0,
               "white and black share a cache slot");

giflow__remap *giflow__remap_init(void *mem, const giflow__palette *pal, int skip)
{
    giflow__remap *r = mem;
    r->n = pal->n > 256 ? 256 : (int)pal->n;
    r->skip = skip >= 0 && skip < r->n ? skip : -1;
    r->spread = -1;
    r->pool_used = 0;
    memset(r->rgb, 0, sizeof r->rgb); /* entry 0 is read even when n is 0 */
    memset(r->packed, 0, sizeof r->packed);
    for (int i = 0; i < r->n; i++) {
        for (int c = 0; c < 3; c++)
            r->rgb[c][i] = pal->rgb[3 * i + c];
        r->packed[i] = (uint32_t)pal->rgb[3 * i] << 16 | (uint32_t)pal->rgb[3 * i + 1] << 8 |
                       pal->rgb[3 * i + 2];
    }
    uint32_t white = giflow__remap_slot(0xFFFFFFu); /* black's slot is 0 */
    for (uint32_t i = 0; i < GIFLOW__RM_CACHE; i++)
        r->cache[i] = i == white ? 0 : 0xFFFFFF00u;
    memset(r->coarse, 0, sizeof r->coarse);
    memset(r->fine, 0, sizeof r->fine);
    memset(r->cell, 0, sizeof r->cell);
    r->used4 = r->used8 = 0;
    return r;
}

static inline int32_t sq(int32_t v)
{
    return v * v;
}

/* Distances from entry i to the box of side size at lo[]: the nearest
 * and the farthest point of the box, squared. */
static inline void box_dist(const giflow__remap *r, int i, const int lo[3], int size,
                            int32_t *dmin, int32_t *dmax)
{
    int32_t mn = 0, mx = 0;
    for (int c = 0; c < 3; c++) {
        int v = r->rgb[c][i], a = lo[c], b = lo[c] + size - 1;
        mn += v < a ? sq(a - v) : v > b ? sq(v - b) : 0;
        mx += v - a > b - v ? sq(v - a) : sq(b - v);
    }
    *dmin = mn;
    *dmax = mx;
}

/* Keeps the candidates whose distance to the box is at most thr (the
 * smallest farthest distance: no other entry can be nearest to any point
 * of the box), sorted nearest first. Returns their count. */
static uint32_t keep_sorted(uint32_t *l, uint32_t n, int32_t thr)
{
    uint32_t m = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t e = l[j], t = m++;
        if ((int32_t)(e >> 8) > thr) {
            m--;
            continue;
        }
        for (; t > 0 && l[t - 1] > e; t--)
            l[t] = l[t - 1];
        l[t] = e;
    }
    return m;
}

/* Keeps a list in the pool if it fits; else it stays in the caller's
 * buffer and is rebuilt next time (still exact, only slower). */
static const uint32_t *keep_list(giflow__remap *r, uint32_t *slot, const uint32_t *list,
                                 uint32_t len)
{
    if (len == 0 || r->pool_used + len > GIFLOW__RM_POOL)
        return list;
    uint32_t *dst = r->pool + r->pool_used;
    memcpy(dst, list, len * sizeof *list);
    *slot = r->pool_used << 9 | len;
    r->pool_used += len;
    return dst;
}

static const uint32_t *coarse_list(giflow__remap *r, int red, int green, int blue,
                                   uint32_t *tmp, uint32_t *len)
{
    uint32_t ci = (uint32_t)(red >> (8 - CB)) << (2 * CB) |
                  (uint32_t)(green >> (8 - CB)) << CB | (uint32_t)(blue >> (8 - CB));
    uint32_t info = r->coarse[ci];
    if (info) {
        *len = info & 511;
        return r->pool + (info >> 9);
    }
    int lo[3] = {red >> (8 - CB) << (8 - CB), green >> (8 - CB) << (8 - CB),
                 blue >> (8 - CB) << (8 - CB)};
    int32_t thr = INT32_MAX, mn, mx;
    uint32_t n = 0;
    for (int i = 0; i < r->n; i++) {
        if (i == r->skip)
            continue;
        box_dist(r, i, lo, 1 << (8 - CB), &mn, &mx);
        tmp[n++] = (uint32_t)mn << 8 | (uint32_t)i;
        thr = mx < thr ? mx : thr;
    }
    *len = keep_sorted(tmp, n, thr);
    return keep_list(r, &r->coarse[ci], tmp, *len);
}

/* A fine cell lies inside its coarse cell, so its candidates are among
 * the coarse ones, and no nearer to it than to the coarse cell: the
 * sorted coarse list is read only while that distance can still pass. */
static const uint32_t *fine_list(giflow__remap *r, int red, int green, int blue,
                                 uint32_t *tmp, uint32_t *len)
{
    uint32_t fi = (uint32_t)(red >> (8 - FB)) << (2 * FB) |
                  (uint32_t)(green >> (8 - FB)) << FB | (uint32_t)(blue >> (8 - FB));
    uint32_t info = r->fine[fi];
    if (info) {
        *len = info & 511;
        return r->pool + (info >> 9);
    }
    uint32_t ctmp[256], clen, n = 0;
    const uint32_t *cl = coarse_list(r, red, green, blue, ctmp, &clen);
    int lo[3] = {red >> (8 - FB) << (8 - FB), green >> (8 - FB) << (8 - FB),
                 blue >> (8 - FB) << (8 - FB)};
    int32_t thr = INT32_MAX, mn, mx;
    for (uint32_t j = 0; j < clen && (int32_t)(cl[j] >> 8) <= thr; j++) {
        box_dist(r, (int)(cl[j] & 255), lo, 1 << (8 - FB), &mn, &mx);
        tmp[n++] = (uint32_t)mn << 8 | (cl[j] & 255);
        thr = mx < thr ? mx : thr;
    }
    *len = keep_sorted(tmp, n, thr);
    return keep_list(r, &r->fine[fi], tmp, *len);
}

/* Scans the fine list nearest first, until an entry's distance to the
 * cell alone exceeds the best distance: the rest are no nearer. Equal
 * distances go to the lower index. */
uint8_t giflow__remap_search(giflow__remap *r, int red, int green, int blue)
{
    uint32_t tmp[256], len;
    const uint32_t *l = fine_list(r, red, green, blue, tmp, &len);
    int32_t bd = INT32_MAX;
    uint32_t best = 0;
    for (uint32_t j = 0; j < len && (int32_t)(l[j] >> 8) <= bd; j++) {
        uint32_t i = l[j] & 255;
        int32_t d = sq(red - r->rgb[0][i]) + sq(green - r->rgb[1][i]) + sq(blue - r->rgb[2][i]);
        if (d < bd || (d == bd && i < best)) {
            bd = d;
            best = i;
        }
    }
    return (uint8_t)best;
}

/* The entries that can be nearest in the small cell at lo (side `side`),
 * from its fine cell's list, into a slot when there are at most eight
 * (and a slot is left); else RM_MANY. */
static uint16_t cell_slot(giflow__remap *r, const int lo[3], int side)
{
    uint32_t tmp[256], cand[256], len, n = 0;
    const uint32_t *fl = fine_list(r, lo[0], lo[1], lo[2], tmp, &len);
    int32_t thr = INT32_MAX, mn, mx;
    for (uint32_t j = 0; j < len && (int32_t)(fl[j] >> 8) <= thr; j++) {
        box_dist(r, (int)(fl[j] & 255), lo, side, &mn, &mx);
        cand[n++] = (uint32_t)mn << 8 | (fl[j] & 255);
        thr = mx < thr ? mx : thr;
    }
    n = keep_sorted(cand, n, thr);
    int four = n <= 4;
    if (n == 0 || n > 8 || (four ? r->used4 : r->used8) == GIFLOW__RM_SLOTS)
        return GIFLOW__RM_MANY;
    uint8_t ix[8];
    for (uint32_t j = 0; j < n; j++) { /* ascending indices */
        uint32_t t = j;
        for (; t > 0 && ix[t - 1] > (uint8_t)cand[j]; t--)
            ix[t] = ix[t - 1];
        ix[t] = (uint8_t)cand[j];
    }
    uint64_t v = 0;
    for (uint32_t j = 8; j-- > 0;)
        v = v << 8 | ix[j < n ? j : n - 1];
    if (four) {
        r->slot4[r->used4] = (uint32_t)v;
        return (uint16_t)(GIFLOW__RM_FOUR << 14 | r->used4++);
    }
    r->slot8[r->used8] = v;
    return (uint16_t)(GIFLOW__RM_EIGHT << 14 | r->used8++);
}

/* One entry is nearest to the whole cell when it is nearest to its eight
 * corners: the points where an entry wins (ties to the lower index: a
 * strict or non-strict half-space per other entry) form a convex set, so
 * it holds the corners' hull. */
uint16_t giflow__remap_cell(giflow__remap *r, uint32_t c)
{
    const int sh = 8 - GIFLOW__RM_SBITS, m = (1 << GIFLOW__RM_SBITS) - 1, hi = (1 << sh) - 1;
    int lo[3] = {(int)(c >> (2 * GIFLOW__RM_SBITS)) << sh,
                 (int)(c >> GIFLOW__RM_SBITS & (uint32_t)m) << sh, (int)(c & (uint32_t)m) << sh};
    uint8_t first = giflow__remap_search(r, lo[0], lo[1], lo[2]);
    uint16_t v = (uint16_t)(GIFLOW__RM_ONE << 14 | first);
    for (int k = 1; k < 8 && v >> 14 == GIFLOW__RM_ONE; k++)
        if (giflow__remap_search(r, lo[0] + (k >> 2) * hi, lo[1] + (k >> 1 & 1) * hi,
                                 lo[2] + (k & 1) * hi) != first)
            v = cell_slot(r, lo, hi + 1);
    r->cell[c] = v;
    return v;
}

/* Pixels by the kind of their small cell, so that each loop below runs
 * without a branch it could mispredict: first every pixel takes its
 * cell's single entry (right where there is one), and the others are
 * listed by kind; then the lists are resolved. */
#define ROW_CHUNK 512
void giflow__remap_row(giflow__remap *r, const uint8_t *rgba, uint32_t n, const uint8_t *skip,
                       uint8_t *out)
{
    uint16_t l4[ROW_CHUNK], l8[ROW_CHUNK], ls[ROW_CHUNK];
    for (uint32_t x0 = 0; x0 < n; x0 += ROW_CHUNK) {
        uint32_t m = n - x0 < ROW_CHUNK ? n - x0 : ROW_CHUNK, n4 = 0, n8 = 0, ns = 0;
        const uint8_t *p = rgba + 4 * (size_t)x0;
        uint8_t *o = out + x0;
        for (uint32_t x = 0; x < m; x++) {
            uint32_t v = r->cell[giflow__remap_cell_of(p[4 * x], p[4 * x + 1], p[4 * x + 2])];
            /* A skipped pixel counts as answered (its index is garbage). */
            uint32_t kind = skip && skip[x0 + x] ? GIFLOW__RM_ONE : v >> 14;
            o[x] = (uint8_t)v;
            l4[n4] = (uint16_t)x;
            n4 += kind == GIFLOW__RM_FOUR;
            l8[n8] = (uint16_t)x;
            n8 += kind == GIFLOW__RM_EIGHT;
            ls[ns] = (uint16_t)x;
            ns += kind == 0;
        }
        for (uint32_t j = 0; j < n4; j++) {
            const uint8_t *q = p + 4 * l4[j];
            uint32_t v = r->cell[giflow__remap_cell_of(q[0], q[1], q[2])];
            o[l4[j]] = giflow__remap_list(r, r->slot4[v & (GIFLOW__RM_SLOTS - 1)], 4, q[0], q[1],
                                          q[2]);
        }
        for (uint32_t j = 0; j < n8; j++) {
            const uint8_t *q = p + 4 * l8[j];
            uint32_t v = r->cell[giflow__remap_cell_of(q[0], q[1], q[2])];
            o[l8[j]] = giflow__remap_list(r, r->slot8[v & (GIFLOW__RM_SLOTS - 1)], 8, q[0], q[1],
                                          q[2]);
        }
        for (uint32_t j = 0; j < ns; j++) {
            const uint8_t *q = p + 4 * ls[j];
            o[ls[j]] = giflow__remap_fast(r, q[0], q[1], q[2]);
        }
    }
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
