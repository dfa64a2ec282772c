/*
 * Snapshot store: copies of the canvas kept as 16x16-pixel tiles, shared
 * by reference count and packed by their colours. A tile no frame changed between two snapshots is
 * stored once, and so is a group of 4x4 tiles none of which changed, so a
 * snapshot costs the tiles that changed since the one before it plus a
 * small table. A map says which stored tile and group the canvas holds
 * right now, so restoring copies only the tiles that differ.
 *
 * Memory comes from the player's accounting hook; the store never decides
 * what to drop (the player does).
 */
#include <string.h>

#include "snap.h"
#include "../decode/pixels.h"

#define TILE GIFLOW__TILE
#define GT 4                     /* tiles per group side */

struct giflow__group {
    uint32_t refs;
    uint32_t pad;
    giflow__tile *t[GT * GT];    /* NULL outside the canvas */
};
typedef giflow__group group;

struct giflow__snap {
    uint32_t frame;
    uint32_t pad;
    group *g[];
};

static void *get(giflow__store *st, size_t n)
{
    return st->hook.alloc(st->hook.user, n);
}

static void put(giflow__store *st, void *p)
{
    if (p)
        st->hook.free(st->hook.user, p);
}

/* ---- Geometry ---------------------------------------------------------- */

static void tile_rect(const giflow__store *st, uint32_t i, uint32_t *x, uint32_t *y,
                      uint32_t *w, uint32_t *h)
{
    uint32_t ty = i / st->tx; /* (one division: this runs per tile) */
    *x = (i - ty * st->tx) * TILE;
    *y = ty * TILE;
    *w = st->w - *x < TILE ? st->w - *x : TILE;
    *h = st->h - *y < TILE ? st->h - *y : TILE;
}

static uint32_t group_of(const giflow__store *st, uint32_t i)
{
    return (i / st->tx / GT) * st->gx + (i % st->tx) / GT;
}

/* Tile numbers of group g's slots, UINT32_MAX outside the canvas. */
static void group_slots(const giflow__store *st, uint32_t g, uint32_t *tiles)
{
    uint32_t gy = g / st->gx, x0 = (g - gy * st->gx) * GT, y0 = gy * GT;
    for (uint32_t k = 0; k < GT * GT; k++) {
        uint32_t x = x0 + k % GT, y = y0 + k / GT;
        tiles[k] = x < st->tx && y < st->ty ? y * st->tx + x : UINT32_MAX;
    }
}

/* ---- References -------------------------------------------------------- */

static giflow__tile *tref(giflow__store *st, giflow__tile *t)
{
    if (t && t != &st->clear)
        t->refs++;
    return t;
}

static void tunref(giflow__store *st, giflow__tile *t)
{
    if (t && t != &st->clear && --t->refs == 0)
        put(st, t);
}

static void gunref(giflow__store *st, group *g)
{
    if (!g || --g->refs)
        return;
    for (uint32_t k = 0; k < GT * GT; k++)
        tunref(st, g->t[k]);
    put(st, g);
}

/* The canvas map: tile i holds t (referenced; NULL: unknown), and group
 * g's entry (what the whole group equals) is dropped until set again. */
static void hold(giflow__store *st, uint32_t i, giflow__tile *t)
{
    giflow__tile *old = st->held[i];
    st->held[i] = tref(st, t);
    st->dirty[i] = 0;
    tunref(st, old);
}

static void set_held(giflow__store *st, uint32_t i, giflow__tile *t)
{
    hold(st, i, t);
    uint32_t g = group_of(st, i);
    gunref(st, st->hgroup[g]);
    st->hgroup[g] = NULL;
}

static void set_hgroup(giflow__store *st, uint32_t g, group *grp)
{
    grp->refs++;
    gunref(st, st->hgroup[g]);
    st->hgroup[g] = grp;
    st->gdirty[g] = 0;
}

/* ---- Lifetime ---------------------------------------------------------- */

int giflow__store_init(giflow__store *st, const giflow_allocator *hook, uint8_t *canvas,
                       uint32_t w, uint32_t h)
{
    memset(st, 0, sizeof *st);
    st->hook = *hook;
    st->canvas = canvas;
    st->w = w;
    st->h = h;
    st->tx = (w + TILE - 1) / TILE;
    st->ty = (h + TILE - 1) / TILE;
    st->ntiles = st->tx * st->ty;
    st->gx = (st->tx + GT - 1) / GT;
    st->ngroups = st->gx * ((st->ty + GT - 1) / GT);
    size_t n = (size_t)st->ntiles * (sizeof *st->held + 1) + st->ngroups * (sizeof *st->hgroup + 1);
    st->held = get(st, n);
    if (!st->held)
        return -1;
    memset(st->held, 0, n);
    st->hgroup = (group **)(st->held + st->ntiles);
    st->dirty = (uint8_t *)(st->hgroup + st->ngroups);
    st->gdirty = st->dirty + st->ntiles;
    return 0;
}

void giflow__store_free(giflow__store *st)
{
    while (st->n)
        giflow__store_remove(st, st->n - 1);
    put(st, st->snaps);
    if (st->held) {
        giflow__store_forget(st, 0);
        put(st, st->held);
    }
    memset(st, 0, sizeof *st);
}

void giflow__store_forget(giflow__store *st, int clear)
{
    for (uint32_t i = 0; i < st->ntiles; i++)
        set_held(st, i, clear ? &st->clear : NULL);
}

void giflow__store_touch(giflow__store *st, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1)
{
    if (x0 >= x1 || y0 >= y1)
        return;
    for (uint32_t j = y0 / TILE; j <= (y1 - 1) / TILE; j++)
        for (uint32_t i = x0 / TILE; i <= (x1 - 1) / TILE; i++) {
            uint32_t t = j * st->tx + i;
            st->dirty[t] = 1;
            st->gdirty[group_of(st, t)] = 1;
        }
}

/* ---- Pixels ------------------------------------------------------------ */
/* A stored tile is raw RGBA, or, when it has few colours (GIF canvases
 * mostly do: a 16x16 tile of a composed frame rarely has more than 16),
 * a palette of those colours and 1, 2, 4 or 8 bits per pixel: up to 25
 * times smaller. Unpacking costs about what copying the raw tile does. */

static uint32_t *tile_pal(const giflow__tile *t)
{
    return (uint32_t *)(void *)(t + 1);
}

static uint8_t *tile_bits(const giflow__tile *t)
{
    return (uint8_t *)(tile_pal(t) + t->ncolors);
}

static uint32_t load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Writes row r of stored tile t (w pixels) to dst. Rows of whole tiles
 * start on a byte: each byte then gives 8 / bits pixels. */
static void unpack_row(const giflow__tile *t, uint32_t w, uint32_t r, uint8_t *dst)
{
    if (!t->bits) {
        memcpy(dst, tile_bits(t) + (size_t)r * w * 4, (size_t)w * 4);
        return;
    }
    const uint32_t *pal = tile_pal(t);
    unsigned b = t->bits, mask = (1u << b) - 1, per = 8 / b;
    size_t bit = (size_t)r * w * b;
    const uint8_t *src = tile_bits(t) + (bit >> 3);
    uint32_t out[TILE];
    if ((bit & 7) == 0 && w % per == 0) {
        uint32_t x = 0;
        switch (b) { /* constant shifts: the loops unroll */
        case 8:
            for (; x < w; x++)
                out[x] = pal[src[x]];
            break;
        case 4:
            for (; x < w; x += 2, src++)
                out[x] = pal[*src & 15], out[x + 1] = pal[*src >> 4];
            break;
        case 2:
            for (; x < w; x += 4, src++)
                for (unsigned k = 0; k < 4; k++)
                    out[x + k] = pal[(*src >> (2 * k)) & 3];
            break;
        default:
            for (; x < w; x += 8, src++)
                for (unsigned k = 0; k < 8; k++)
                    out[x + k] = pal[(*src >> k) & 1];
            break;
        }
    } else {
        src = tile_bits(t);
        for (uint32_t x = 0; x < w; x++, bit += b)
            out[x] = pal[(src[bit >> 3] >> (bit & 7)) & mask];
    }
    memcpy(dst, out, (size_t)w * 4);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SNAP_LE 1
#else
#define SNAP_LE 0
#endif

static uint32_t get32le(const uint8_t *p)
{
    if (SNAP_LE)
        return load32(p);
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put64le(uint8_t *p, uint64_t v)
{
    if (SNAP_LE) {
        memcpy(p, &v, 8);
        return;
    }
    for (unsigned k = 0; k < 8; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

/* Bytes 0..3 of x to bytes 0, 2, 4, 6. */
static uint64_t spread(uint32_t x)
{
    uint64_t v = x;
    v = (v | v << 16) & 0x0000FFFF0000FFFFull;
    return (v | v << 8) & 0x00FF00FF00FF00FFull;
}

/* n packed indices (a multiple of 16) of 1, 2 or 4 bits to one byte
 * each, eight at a time in a word. */
static void unpack_idx(uint8_t *idx, const uint8_t *src, size_t n, unsigned bits)
{
    for (size_t k = 0; k < n; k += 8) {
        uint64_t v;
        if (bits == 4) {
            uint32_t s = get32le(src);
            v = spread(s & 0x0F0F0F0Fu) | spread((s >> 4) & 0x0F0F0F0Fu) << 8;
            src += 4;
        } else if (bits == 2) {
            uint32_t b0 = src[0], b1 = src[1];
            b0 = (b0 | b0 << 6 | b0 << 12 | b0 << 18) & 0x03030303u;
            b1 = (b1 | b1 << 6 | b1 << 12 | b1 << 18) & 0x03030303u;
            v = b0 | (uint64_t)b1 << 32;
            src += 2;
        } else { /* byte j keeps bit j, then becomes 0 or 1 */
            v = (*src++ * 0x0101010101010101ull) & 0x8040201008040201ull;
            v = ((v + 0x7F7F7F7F7F7F7F7Full) & 0x8080808080808080ull) >> 7;
        }
        put64le(idx + k, v);
    }
}

/* Rows r0 .. r0 + rows - 1 of packed whole-width tile t as RGBA words.
 * Up to 64 colours, two passes over them: the bits to one index byte
 * each, then the indices to RGBA words by the decoder's pixel pass
 * (giflow__px_convert: byte-shuffle lookups on x86-64 and ARM64). More
 * colours are looked up one by one, straight from the tile's palette. */
static void tile_unpack(const giflow__tile *t, uint32_t r0, uint32_t rows, uint32_t *out)
{
    /* Rows of whole tiles follow each other unpadded, each on a byte. */
    const uint8_t *src = tile_bits(t) + (size_t)r0 * TILE * t->bits / 8;
    const uint32_t *pal = tile_pal(t);
    size_t n = (size_t)rows * TILE;
    if (t->ncolors > 64) { /* (8 bits) */
        for (size_t k = 0; k < n; k++)
            out[k] = pal[src[k]];
        return;
    }
    /* The pixel pass reads the table in blocks of 16 entries. */
    uint32_t lut[64];
    unsigned span = t->ncolors, padded = (span + 15) & ~15u;
    memcpy(lut, pal, (size_t)span * 4);
    memset(lut + span, 0, (size_t)(padded - span) * 4);
    uint8_t idx[TILE * TILE];
    const uint8_t *ip = src;
    if (t->bits != 8) {
        unpack_idx(idx, src, n, t->bits);
        ip = idx;
    }
    giflow__px_convert((uint8_t *)out, ip, lut, span, n);
}

/* Whether the canvas's tile i equals stored tile t (clear included). A
 * packed whole-width tile is unpacked 4 rows at a time (a changed tile
 * mostly differs early). */
static int tile_equal(const giflow__store *st, uint32_t i, const giflow__tile *t)
{
    static const uint8_t zero[TILE * 4];
    uint32_t x, y, w, h;
    tile_rect(st, i, &x, &y, &w, &h);
    size_t stride = (size_t)st->w * 4;
    const uint8_t *row = st->canvas + (size_t)y * stride + (size_t)x * 4;
    uint32_t buf[4 * TILE];
    if (t != &st->clear && w == TILE) {
        for (uint32_t r = 0; r < h; r += 4) {
            uint32_t n = h - r < 4 ? h - r : 4;
            const uint8_t *px = tile_bits(t) + (size_t)r * TILE * 4;
            if (t->bits)
                tile_unpack(t, r, n, buf), px = (const uint8_t *)buf;
            for (uint32_t j = 0; j < n; j++, row += stride)
                if (memcmp(row, px + (size_t)j * TILE * 4, TILE * 4))
                    return 0;
        }
        return 1;
    }
    for (uint32_t r = 0; r < h; r++, row += stride) {
        const uint8_t *want = zero;
        if (t != &st->clear)
            unpack_row(t, w, r, (uint8_t *)buf), want = (const uint8_t *)buf;
        if (memcmp(row, want, (size_t)w * 4))
            return 0;
    }
    return 1;
}

/* Puts stored tile t into the canvas's tile i. */
static void tile_put(giflow__store *st, uint32_t i, const giflow__tile *t)
{
    uint32_t x, y, w, h;
    tile_rect(st, i, &x, &y, &w, &h);
    size_t stride = (size_t)st->w * 4;
    uint8_t *row = st->canvas + (size_t)y * stride + (size_t)x * 4;
    if (t == &st->clear || w != TILE) {
        for (uint32_t r = 0; r < h; r++, row += stride) {
            if (t == &st->clear)
                memset(row, 0, (size_t)w * 4);
            else
                unpack_row(t, w, r, row);
        }
        return;
    }
    uint32_t out[TILE * TILE];
    const uint8_t *px = tile_bits(t);
    if (t->bits)
        tile_unpack(t, 0, h, out), px = (const uint8_t *)out;
    for (uint32_t r = 0; r < h; r++, row += stride)
        memcpy(row, px + (size_t)r * TILE * 4, TILE * 4);
}

/* Packs n indices of 1, 2, 4 or 8 bits, 8 / bits to a byte (n a
 * multiple of that). */
static void pack_bits(uint8_t *out, const uint8_t *idx, size_t n, unsigned bits)
{
    switch (bits) { /* constant shifts: the loops unroll */
    case 8:
        memcpy(out, idx, n);
        break;
    case 4:
        for (size_t k = 0; k < n; k += 2)
            *out++ = (uint8_t)(idx[k] | idx[k + 1] << 4);
        break;
    case 2:
        for (size_t k = 0; k < n; k += 4)
            *out++ = (uint8_t)(idx[k] | idx[k + 1] << 2 | idx[k + 2] << 4 | idx[k + 3] << 6);
        break;
    default:
        for (size_t k = 0; k < n; k += 8, out++) {
            unsigned b = 0;
            for (unsigned j = 0; j < 8; j++)
                b |= (unsigned)idx[k + j] << j;
            *out = (uint8_t)b;
        }
        break;
    }
}

/* The canvas's tile i, stored: its colours (up to 256) found through a
 * small hash (a pixel equal to the one before it skips it: canvases have
 * runs), then packed at the fewest bits that hold them. An all-clear tile
 * is the clear sentinel. NULL when out of memory. */
static giflow__tile *tile_pack(giflow__store *st, uint32_t i)
{
    uint32_t x, y, w, h;
    tile_rect(st, i, &x, &y, &w, &h);
    size_t stride = (size_t)st->w * 4;
    const uint8_t *base = st->canvas + (size_t)y * stride + (size_t)x * 4;
    uint32_t pal[256], key[512];
    uint8_t idx[TILE * TILE], slot[512], kidx[512];
    unsigned n = 0;
    memset(slot, 0, sizeof slot);
    uint32_t last = ~load32(base);
    uint8_t li = 0;
    for (uint32_t r = 0; r < h && n <= 256; r++)
        for (uint32_t c = 0; c < w; c++) {
            uint32_t v = load32(base + r * stride + (size_t)c * 4);
            if (v != last) {
                uint32_t k = (v * 2654435761u) >> 23;
                while (slot[k] && key[k] != v)
                    k = (k + 1) & 511;
                if (!slot[k]) {
                    if (n == 256) {
                        n = 257;
                        break;
                    }
                    key[k] = v;
                    slot[k] = 1;
                    kidx[k] = (uint8_t)n;
                    pal[n++] = v;
                }
                last = v;
                li = kidx[k];
            }
            idx[r * w + c] = li;
        }
    if (n == 1 && pal[0] == 0)
        return &st->clear;
    unsigned bits = n <= 2 ? 1 : n <= 4 ? 2 : n <= 16 ? 4 : 8;
    size_t px = (size_t)w * h, packed = 4 * (size_t)n + (px * bits + 7) / 8;
    int raw = n > 256 || packed >= px * 4;
    giflow__tile *t = get(st, sizeof *t + (raw ? px * 4 : packed));
    if (!t)
        return NULL;
    t->refs = 0;
    t->bits = (uint8_t)(raw ? 0 : bits);
    t->ncolors = (uint16_t)(raw ? 0 : n);
    uint8_t *out = tile_bits(t);
    if (raw) {
        for (uint32_t r = 0; r < h; r++)
            memcpy(out + (size_t)r * w * 4, base + r * stride, (size_t)w * 4);
        return t;
    }
    memcpy(tile_pal(t), pal, 4 * (size_t)n);
    if (px % (8 / bits) == 0) {
        pack_bits(out, idx, px, bits);
        return t;
    }
    memset(out, 0, (px * bits + 7) / 8);
    for (size_t k = 0, bit = 0; k < px; k++, bit += bits)
        out[bit >> 3] |= (uint8_t)(idx[k] << (bit & 7));
    return t;
}

/* ---- Snapshots --------------------------------------------------------- */

int64_t giflow__store_find(const giflow__store *st, uint32_t frame)
{
    int64_t lo = 0, hi = (int64_t)st->n - 1, best = -1;
    while (lo <= hi) {
        int64_t mid = (lo + hi) / 2;
        if (st->snaps[mid]->frame <= frame) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return best;
}

uint32_t giflow__store_frame(const giflow__store *st, uint32_t i)
{
    return st->snaps[i]->frame;
}

void giflow__store_remove(giflow__store *st, uint32_t i)
{
    giflow__snap *s = st->snaps[i];
    memmove(st->snaps + i, st->snaps + i + 1, (st->n - i - 1) * sizeof *st->snaps);
    st->n--;
    for (uint32_t g = 0; g < st->ngroups; g++)
        gunref(st, s->g[g]);
    put(st, s);
}

/* The canvas's tile i as a stored tile: the one the map holds if the
 * canvas still equals it, else a new copy (NULL: out of memory). */
static giflow__tile *tile_now(giflow__store *st, uint32_t i)
{
    giflow__tile *t = st->held[i];
    if (t && (!st->dirty[i] || tile_equal(st, i, t)))
        return t;
    return tile_pack(st, i); /* (the clear sentinel if all clear) */
}

/* Group g of the canvas: the map's if none of its tiles changed (most
 * often: a frame's rectangle is drawn over more than it changes), else a
 * new group of tile_now()s (NULL: out of memory). */
static group *group_now(giflow__store *st, uint32_t g)
{
    if (st->hgroup[g] && !st->gdirty[g])
        return st->hgroup[g];
    uint32_t tiles[GT * GT];
    giflow__tile *now[GT * GT];
    group_slots(st, g, tiles);
    for (uint32_t k = 0; k < GT * GT; k++) {
        uint32_t i = tiles[k];
        giflow__tile *t = i == UINT32_MAX ? NULL : tile_now(st, i);
        if (i != UINT32_MAX && !t) {
            while (k--)
                tunref(st, now[k]);
            return NULL;
        }
        /* Referenced at once: making the next tile may free what only the
         * map holds. A changed tile drops the map's group. */
        now[k] = tref(st, t);
        if (t && t == st->held[i])
            st->dirty[i] = 0;
        else if (t)
            set_held(st, i, t);
    }
    group *grp = st->hgroup[g]; /* (still set: every tile was unchanged) */
    if (!grp && (grp = get(st, sizeof *grp)) != NULL) {
        grp->refs = 0;
        grp->pad = 0;
        memcpy(grp->t, now, sizeof now);
        return grp; /* (the references of now[] move to it) */
    }
    for (uint32_t k = 0; k < GT * GT; k++)
        tunref(st, now[k]);
    if (grp)
        st->gdirty[g] = 0;
    return grp;
}

int giflow__store_take(giflow__store *st, uint32_t frame)
{
    giflow__snap *s = get(st, sizeof *s + (size_t)st->ngroups * sizeof(group *));
    if (!s)
        return -1;
    s->frame = frame;
    for (uint32_t g = 0; g < st->ngroups; g++) {
        group *grp = group_now(st, g);
        if (!grp) {
            for (uint32_t k = 0; k < g; k++)
                gunref(st, s->g[k]);
            put(st, s);
            return -1;
        }
        set_hgroup(st, g, grp);
        s->g[g] = grp;
        grp->refs++;
    }
    if (st->n == st->cap) {
        uint32_t cap = st->cap ? 2 * st->cap : 16;
        giflow__snap **a = get(st, (size_t)cap * sizeof *a);
        if (!a) {
            for (uint32_t g = 0; g < st->ngroups; g++)
                gunref(st, s->g[g]);
            put(st, s);
            return -1;
        }
        if (st->n)
            memcpy(a, st->snaps, st->n * sizeof *a);
        put(st, st->snaps);
        st->snaps = a;
        st->cap = cap;
    }
    int64_t at = giflow__store_find(st, frame) + 1;
    memmove(st->snaps + at + 1, st->snaps + at, (st->n - (size_t)at) * sizeof *st->snaps);
    st->snaps[at] = s;
    st->n++;
    return 0;
}

uint32_t giflow__store_pending(const giflow__store *st)
{
    uint32_t n = 0;
    for (uint32_t g = 0; g < st->ngroups; g++) {
        if (st->hgroup[g] && !st->gdirty[g])
            continue;
        uint32_t tiles[GT * GT];
        group_slots(st, g, tiles);
        for (uint32_t k = 0; k < GT * GT; k++) {
            uint32_t t = tiles[k];
            n += t != UINT32_MAX && (!st->held[t] || st->dirty[t]);
        }
    }
    return n;
}

uint32_t giflow__store_cost(const giflow__store *st, uint32_t i, uint32_t max)
{
    const giflow__snap *s = st->snaps[i];
    uint32_t n = 0;
    for (uint32_t g = 0; g < st->ngroups && n < max; g++) {
        if (st->hgroup[g] == s->g[g] && !st->gdirty[g])
            continue;
        uint32_t tiles[GT * GT];
        group_slots(st, g, tiles);
        for (uint32_t k = 0; k < GT * GT; k++) {
            uint32_t t = tiles[k];
            n += t != UINT32_MAX && (st->held[t] != s->g[g]->t[k] || st->dirty[t]);
        }
    }
    return n;
}

/* Stored tiles are scattered in the heap and cold: while group g is
 * put, the tiles group g + 1 will put are loaded, all their lines (and
 * the tiles they replace, whose counts drop), and group g + 2's table. */
static void prefetch(const void *p)
{
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

static void prefetch_group(const giflow__store *st, const giflow__snap *s, uint32_t g)
{
    if (g >= st->ngroups)
        return;
    if (g + 1 < st->ngroups)
        prefetch(s->g[g + 1]);
    const group *grp = s->g[g];
    if (st->hgroup[g] == grp && !st->gdirty[g])
        return;
    uint32_t tiles[GT * GT];
    group_slots(st, g, tiles);
    for (uint32_t k = 0; k < GT * GT; k++) {
        uint32_t i = tiles[k];
        const giflow__tile *t = grp->t[k];
        if (i == UINT32_MAX || (st->held[i] == t && !st->dirty[i]))
            continue;
        if (t != &st->clear) {
            size_t n = sizeof *t + (t->bits ? 4 * (size_t)t->ncolors + TILE * TILE * t->bits / 8
                                            : TILE * TILE * 4);
            for (size_t o = 0; o < n; o += 64)
                prefetch((const uint8_t *)t + o);
        }
        prefetch(st->held[i]);
    }
}

void giflow__store_restore(giflow__store *st, uint32_t i)
{
    const giflow__snap *s = st->snaps[i];
    prefetch_group(st, s, 0);
    for (uint32_t g = 0; g < st->ngroups; g++) {
        prefetch_group(st, s, g + 1);
        group *grp = s->g[g];
        if (st->hgroup[g] == grp && !st->gdirty[g])
            continue;
        gunref(st, st->hgroup[g]); /* (set_held's part, once a group) */
        st->hgroup[g] = NULL;
        uint32_t tiles[GT * GT];
        group_slots(st, g, tiles);
        for (uint32_t k = 0; k < GT * GT; k++) {
            uint32_t t = tiles[k];
            if (t == UINT32_MAX || (st->held[t] == grp->t[k] && !st->dirty[t]))
                continue;
            tile_put(st, t, grp->t[k]);
            hold(st, t, grp->t[k]);
        }
        set_hgroup(st, g, grp);
    }
}

int giflow__store_release(giflow__store *st)
{
    int freed = 0;
    for (uint32_t g = 0; g < st->ngroups && st->held; g++)
        if (st->hgroup[g] && st->hgroup[g]->refs == 1) {
            gunref(st, st->hgroup[g]);
            st->hgroup[g] = NULL;
            freed = 1;
        }
    for (uint32_t i = 0; i < st->ntiles && st->held; i++)
        if (st->held[i] && st->held[i] != &st->clear && st->held[i]->refs == 1) {
            set_held(st, i, NULL);
            freed = 1;
        }
    return freed;
}
