/*
 * The lossless optimiser (see optimize.h).
 *
 * A pixel "must" be written when it is opaque in the new frame and the
 * screen shows something else there. Every other pixel of the frame's
 * rectangle is free: it may be the transparent index, or any index whose
 * colour is what the screen already shows. The LZW coder picks, pixel by
 * pixel, whichever of the two makes its strings longest, so free pixels
 * cost almost nothing whatever the picture around them.
 */
#include <stddef.h>
#include <string.h>
#ifndef EARLY_ALWAYS
#define EARLY_ALWAYS 0
#endif

#include "optimize.h"

typedef struct orect {
    uint32_t x0, y0, x1, y1; /* x1, y1 exclusive */
} orect;

static inline uint32_t rgb_of(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t cslot(uint32_t rgb)
{
    return (rgb * 0x9E3779B1u) >> 20;
}

void giflow__cindex_build(giflow__cindex *c, const giflow__palette *p)
{
    memset(c->key, 0, sizeof c->key);
    for (uint32_t i = 0; i < p->n; i++) {
        uint32_t rgb = rgb_of(p->rgb + 3 * i), h = cslot(rgb);
        while (c->key[h] && c->key[h] != rgb + 1)
            h = (h + 1) & (GIFLOW__CINDEX_SLOTS - 1);
        if (!c->key[h]) { /* the first of duplicate entries wins */
            c->key[h] = rgb + 1;
            c->idx[h] = (uint8_t)i;
        }
    }
}

int giflow__cindex_find(const giflow__cindex *c, uint32_t rgb)
{
    uint32_t h = cslot(rgb);
    while (c->key[h]) {
        if (c->key[h] == rgb + 1)
            return c->idx[h];
        h = (h + 1) & (GIFLOW__CINDEX_SLOTS - 1);
    }
    return -1;
}

#define CODE_CAP_MAX ((size_t)4 << 20)

#define TAKE(p, n)                                                   \
    do {                                                             \
        int over_;                                                   \
        (p) = giflow__alloc(heap, (n), &over_);                      \
        if (!(p))                                                    \
            failed = over_ ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM; \
    } while (0)

int giflow__opt_init(giflow__opt *o, giflow__heap *heap, giflow__gifout *out, int *status,
                     uint32_t w, uint32_t h)
{
    memset(o, 0, sizeof *o);
    o->heap = heap;
    o->out = out;
    o->status = status;
    o->w = w;
    o->h = h;
    size_t px = (size_t)w * h;
    int failed = 0;
    TAKE(o->shown, px * 4);
    TAKE(o->pend, px * 4);
    TAKE(o->next, px * 4);
    TAKE(o->must, px);
    TAKE(o->px, px);
    TAKE(o->alt, px);
    TAKE(o->fill, px);
    TAKE(o->lzw, sizeof *o->lzw);
    TAKE(o->scratch, GIFLOW__LZWE_SCRATCH * sizeof *o->scratch);
    /* At most one 12-bit code per pixel, clears, framing; capped: a
     * larger frame is coded again instead. */
    size_t cap = px + px / 2 + px / 64 + 64;
    cap = cap < CODE_CAP_MAX ? cap : CODE_CAP_MAX;
    for (int i = 0; i < 2; i++) {
        TAKE(o->code[i].p, cap);
        o->code[i].cap = o->code[i].p ? cap : 0;
        TAKE(o->code[i].fill, sizeof *o->code[i].fill);
        TAKE(o->code[i].early, sizeof *o->code[i].early);
    }
    if (failed) {
        giflow__opt_free(o);
        return failed;
    }
    memset(o->lzw, 0, sizeof *o->lzw);
    giflow__opt_reset(o);
    return GIFLOW_OK;
}

void giflow__opt_free(giflow__opt *o)
{
    size_t px = (size_t)o->w * o->h;
    giflow__free(o->heap, o->shown, px * 4);
    giflow__free(o->heap, o->pend, px * 4);
    giflow__free(o->heap, o->next, px * 4);
    giflow__free(o->heap, o->must, px);
    giflow__free(o->heap, o->px, px);
    giflow__free(o->heap, o->alt, px);
    giflow__free(o->heap, o->fill, px);
    giflow__free(o->heap, o->lzw, sizeof *o->lzw);
    giflow__free(o->heap, o->scratch, GIFLOW__LZWE_SCRATCH * sizeof *o->scratch);
    for (int i = 0; i < 2; i++) {
        giflow__free(o->heap, o->code[i].p, o->code[i].cap);
        giflow__free(o->heap, o->code[i].fill, sizeof *o->code[i].fill);
        giflow__free(o->heap, o->code[i].early, sizeof *o->code[i].early);
        o->code[i].fill = o->code[i].early = NULL;
        o->code[i].p = NULL;
        o->code[i].cap = 0;
    }
    o->shown = o->pend = o->next = o->must = o->px = o->alt = o->fill = NULL;
    o->lzw = NULL;
    o->scratch = NULL;
}

void giflow__opt_reset(giflow__opt *o)
{
    memset(o->shown, 0, (size_t)o->w * o->h * 4);
    o->have_pend = 0;
    o->written = 0;
    memset(o->trial, 0, sizeof o->trial);
}

void giflow__opt_set_global(giflow__opt *o, const uint8_t *rgb, uint32_t n)
{
    o->global.n = n > 256 ? 256 : n;
    memcpy(o->global.rgb, rgb, 3 * (size_t)o->global.n);
    giflow__cindex_build(&o->gindex, &o->global);
}

static void rect_add(orect *r, uint32_t x, uint32_t y)
{
    if (r->x1 <= r->x0) {
        *r = (orect){x, y, x + 1, y + 1};
        return;
    }
    if (x < r->x0)
        r->x0 = x;
    if (x >= r->x1)
        r->x1 = x + 1;
    if (y < r->y0)
        r->y0 = y;
    if (y >= r->y1)
        r->y1 = y + 1;
}

/* Marks what must be written and finds the rectangle: what changes, and
 * what the next frame needs cleared (*clear_next). *free_px counts the
 * rectangle's pixels that need not be written (every pixel that must is
 * inside it). */
static int analyse(giflow__opt *o, const uint8_t *next, orect *r, int *clear_next,
                   uint64_t *free_px)
{
    const uint32_t w = o->w, h = o->h;
    const uint8_t *pend = o->pend, *shown = o->shown;
    uint8_t *must = o->must;
    *r = (orect){0, 0, 0, 0};
    int clear = 0;
    uint64_t nmust = 0;
    for (uint32_t y = 0; y < h; y++) {
        const size_t row = (size_t)y * w;
        const uint8_t *c = pend + row * 4, *s = shown + row * 4;
        const uint8_t *nx = next ? next + row * 4 : NULL;
        uint8_t *m = must + row;
        if (!memcmp(c, s, (size_t)w * 4) && (!nx || !memcmp(c, nx, (size_t)w * 4))) {
            memset(m, 0, w); /* the usual row of a small change: libc's compares */
            continue;
        }
        /* Without a next frame, the clear test reads this frame twice
         * and finds nothing. Selects, not branches: photos change at random. */
        const uint8_t *restrict q = nx ? nx : c;
        uint8_t *restrict mr = m;
        uint32_t x0 = 0, x1 = w, n = 0, bad = 0, cl = 0; /* marked columns [x0, x1) */
        /* One pass with no carried state but sums (it vectorises): bit 0
         * changes, bit 1 the next frame needs it cleared; then the ends. */
        for (uint32_t x = 0; x < w; x++) {
            uint32_t cw, sw;
            memcpy(&cw, c + 4 * x, 4);
            memcpy(&sw, s + 4 * x, 4);
            const uint32_t diff = cw != sw, op = c[4 * x + 3] != 0;
            bad |= diff & !op; /* only a disposal can clear */
            n += diff;
            const uint32_t clr = op & !q[4 * x + 3];
            cl |= clr;
            mr[x] = (uint8_t)(diff | clr << 1);
        }
        if (bad)
            return GIFLOW_ERR_STATE;
        while (x0 < w && !mr[x0])
            x0++;
        while (x1 > x0 && !mr[x1 - 1])
            x1--;
        if (cl)
            for (uint32_t x = x0; x < x1; x++)
                mr[x] &= 1;
        if (x0 == x1)
            x1 = 0;
        clear |= (int)cl;
        nmust += n;
        if (x1) {
            rect_add(r, x0, y);
            rect_add(r, x1 - 1, y);
        }
    }
    *clear_next = clear;
    if (!o->written) /* a first frame covers the canvas, as decoders expect */
        *r = (orect){0, 0, w, h};
    else if (r->x1 <= r->x0) /* nothing changes: a 1x1 frame keeps time */
        *r = (orect){0, 0, 1, 1};
    *free_px = (uint64_t)(r->x1 - r->x0) * (r->y1 - r->y0) - nmust;
    return GIFLOW_OK;
}

/* Columns [*x0, *x1) span where rows a and b of w pixels differ; 0 if
 * they do not. */
static int row_span(const uint8_t *a, const uint8_t *b, uint32_t w, uint32_t *x0, uint32_t *x1)
{
    if (!memcmp(a, b, (size_t)w * 4))
        return 0;
    uint32_t l = 0, h = w;
    while (!memcmp(a + 4 * l, b + 4 * l, 4))
        l++;
    while (!memcmp(a + 4 * (h - 1), b + 4 * (h - 1), 4))
        h--;
    *x0 = l, *x1 = h;
    return 1;
}

/* Whether the pending frame (its changes in r) should restore the screen
 * it was drawn on (disposal 3): when the next frame then changes a
 * clearly smaller rectangle, as a sprite moving over a still background
 * does. Outside r the screen is the same either way. Not where the next
 * frame has transparency over the restored screen (disposal 2's work);
 * the caller has checked it has none over the frame. */
static int prefer_restore(const giflow__opt *o, const orect *r, const uint8_t *next)
{
    const uint32_t w = o->w;
    /* First a sample (every 4th row of r): restoring can only pay where
     * the next frame takes back a fair share of what this one changes. */
    uint64_t persist = 0, revert = 0;
    for (uint32_t y = r->y0; y < r->y1; y += 4) {
        const size_t row = (size_t)y * w;
        for (uint32_t x = r->x0; x < r->x1; x++) {
            if (!o->must[row + x])
                continue;
            const uint8_t *nx = next + 4 * (row + x);
            persist += !memcmp(nx, o->pend + 4 * (row + x), 4);
            revert += !memcmp(nx, o->shown + 4 * (row + x), 4);
        }
    }
    if (revert * 4 < persist)
        return 0;
    orect keep = {0, 0, 0, 0}, back = {0, 0, 0, 0};
    for (uint32_t y = 0; y < o->h; y++) {
        const size_t row = (size_t)y * w * 4;
        const uint8_t *nx = next + row;
        uint32_t x0 = 0, x1 = 0;
        const int d = row_span(nx, o->pend + row, w, &x0, &x1);
        if (d) {
            rect_add(&keep, x0, y);
            rect_add(&keep, x1 - 1, y);
        }
        if (y < r->y0 || y >= r->y1) { /* pend is the screen here */
            if (d) {
                rect_add(&back, x0, y);
                rect_add(&back, x1 - 1, y);
            }
            continue;
        }
        const uint8_t *sh = o->shown + row;
        if (row_span(nx, sh, w, &x0, &x1)) {
            unsigned hole = 0;
            for (uint32_t x = x0; x < x1; x++)
                hole |= !nx[4 * x + 3] & (sh[4 * x + 3] != 0);
            if (hole)
                return 0;
            rect_add(&back, x0, y);
            rect_add(&back, x1 - 1, y);
        }
    }
    uint64_t a_keep = (uint64_t)(keep.x1 - keep.x0) * (keep.y1 - keep.y0);
    uint64_t a_back = (uint64_t)(back.x1 - back.x0) * (back.y1 - back.y0);
    return a_back * 5 < a_keep * 4;
}

/* Row y of the rectangle's i-th output row (interlaced order if asked). */
static uint32_t row_at(const orect *r, int interlace, uint32_t i)
{
    if (!interlace)
        return r->y0 + i;
    static const uint8_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    uint32_t h = r->y1 - r->y0;
    for (int p = 0; p < 4; p++) {
        uint32_t n = h > start[p] ? (h - start[p] + step[p] - 1) / step[p] : 0;
        if (i < n)
            return r->y0 + start[p] + i * step[p];
        i -= n;
    }
    return r->y1 - 1;
}

/* The exact colours of the pixels that must be written, or overflow. */
static void must_colors(const giflow__opt *o, const orect *r, giflow__colorset *set)
{
    giflow__colorset_init(set, 256);
    for (uint32_t y = r->y0; y < r->y1 && !set->overflow; y++) {
        const size_t row = (size_t)y * o->w;
        uint32_t x = r->x0;
        while (x < r->x1) {
            while (x < r->x1 && !o->must[row + x])
                x++;
            uint32_t x0 = x;
            while (x < r->x1 && o->must[row + x])
                x++;
            if (x > x0)
                giflow__colorset_add(set, o->pend + (row + x0) * 4, x - x0, 1);
        }
    }
}

/* Marks the global entries of the written pixels' colours (fill = 0), or
 * of the free pixels' screen colours (fill = 1). Returns 0 when one is
 * missing, or is a free pixel over transparency. */
static int global_mark(const giflow__opt *o, const orect *r, int fill, uint8_t used[256])
{
    const uint8_t *img = fill ? o->shown : o->pend;
    uint32_t last = 0xFFFFFFFFu;
    for (uint32_t y = r->y0; y < r->y1; y++) {
        const size_t row = (size_t)y * o->w;
        for (uint32_t x = r->x0; x < r->x1; x++) {
            if ((o->must[row + x] == 0) != fill)
                continue;
            const uint8_t *q = img + (row + x) * 4;
            if (fill && !q[3])
                return 0;
            uint32_t rgb = rgb_of(q);
            if (rgb == last)
                continue;
            last = rgb;
            int i = giflow__cindex_find(&o->gindex, rgb);
            if (i < 0)
                return 0;
            used[i] = 1;
        }
    }
    return 1;
}

/* Which global entries the written pixels use. Returns 0 if one of their
 * colours is missing. */
static int global_use(const giflow__opt *o, const orect *r, uint8_t used[256])
{
    memset(used, 0, 256);
    return global_mark(o, r, 0, used);
}

/* With no transparent index every free pixel repeats what the screen
 * shows: adds those colours to set. Returns 0 when one is over
 * transparency (or the set overflows). */
static int fill_colors(const giflow__opt *o, const orect *r, giflow__colorset *set)
{
    for (uint32_t y = r->y0; y < r->y1 && !set->overflow; y++) {
        const size_t row = (size_t)y * o->w;
        const uint8_t *s = o->shown + row * 4;
        uint32_t x = r->x0;
        while (x < r->x1) {
            while (x < r->x1 && o->must[row + x])
                x++;
            uint32_t x0 = x;
            unsigned clear = 0;
            for (; x < r->x1 && !o->must[row + x]; x++)
                clear |= !s[4 * x + 3];
            if (clear)
                return 0;
            if (x > x0)
                giflow__colorset_add(set, s + 4 * x0, x - x0, 1);
        }
    }
    return !set->overflow;
}


/* A candidate encoding of the frame. */
typedef struct plan {
    const giflow__palette *pal;
    const giflow__cindex *index;
    int local;
    int trans;      /* -1: none */
    unsigned mcs;   /* LZW minimum code size */
    unsigned bits;  /* local table bits */
} plan;

/* Fills px / alt for the rectangle, rows in output order. A free pixel is
 * the transparent index, or (alt) the index of what the screen shows.
 * Returns how many free pixels have that choice. */
static uint64_t map_rect(giflow__opt *o, const orect *r, const plan *p)
{
    const uint32_t rw = r->x1 - r->x0, rh = r->y1 - r->y0, lim = 1u << p->mcs;
    /* Locals: the byte stores below could alias *p and *o. */
    const giflow__cindex *index = p->index;
    const uint8_t trans = (uint8_t)p->trans;
    const uint8_t *pend = o->pend, *shown = o->shown, *must = o->must;
    const uint32_t w = o->w;
    const int interlace = o->interlace;
    uint8_t *restrict dp = o->px, *restrict da = o->alt;
    /* The last pixel word looked up (0: transparent, as pixels here are),
     * its index and its index as a free pixel's alternative. */
    uint32_t last = 0;
    uint8_t lastalt = trans;
    uint64_t choices = 0;
    /* No transparent index: a free pixel is the screen's colour. */
    const uint8_t fill = p->trans < 0;
    for (uint32_t i = 0; i < rh; i++) {
        const size_t row = (size_t)row_at(r, interlace, i) * w + r->x0;
        const uint8_t *restrict c = pend + row * 4, *restrict s = shown + row * 4;
        const uint8_t *restrict m = must + row;
        for (uint32_t x = 0; x < rw; x++) {
            const uint8_t mk = m[x];
            const uint8_t *q = (mk ? c : s) + 4 * x;
            uint32_t word;
            memcpy(&word, q, 4);
            if (word != last) {
                last = word;
                int v = word ? giflow__cindex_find(index, rgb_of(q)) : -1;
                lastalt = v >= 0 && (uint32_t)v < lim ? (uint8_t)v : trans;
            }
            /* Selects, not branches: must or free is data. */
            dp[x] = mk | fill ? lastalt : trans;
            da[x] = lastalt;
            choices += !mk & !fill & (lastalt != trans);
        }
        dp += rw;
        da += rw;
    }
    return choices;
}

static int code_sink(void *user, const uint8_t *data, size_t size)
{
    struct giflow__opt_code *c = user;
    if (c->over || size > c->cap - c->len) {
        c->over = 1; /* still counted: the coder goes on */
        return 0;
    }
    memcpy(c->p + c->len, data, size);
    c->len += size;
    return 0;
}

/* How a trial codes the rectangle (px / alt mapped). */
#define CODE_NEAR 0   /* greedy, push_alt's NEAR policy (quick estimate) */
#define CODE_BEST 1   /* push_best (push when no free pixel has a choice) */
#define CODE_DEFER 2  /* flag: keep a full table to the end, strings cut
                         where the next reaches further */
#define CODE_COLOUR 4 /* flag: ties go to the colour on screen, not transparent */
#define CODE_GAP 8    /* push_best of fill (short gaps filled) */
#define CODE_FILL 16  /* every free pixel that can repeats the screen (alt, no choice) */
#define CODE_WINDOW 32 /* flag: a full table cleared once a window of
                          DEFER_WINDOW pixels codes worse than the one before */
#define DEFER_WINDOW 4096
#define CODE_EARLY 64 /* flag: the table cleared once at 2048 codes, then kept */
/* Below this many pixels, the colour-first trial costs more time than
 * the bytes it finds are worth. */
#define COLOUR_TRIAL_PIXELS 16384

/* What a coding of how pushes: push_best over a / b, or (b NULL) push of a. */
static void coded(const giflow__opt *o, int how, int choices, const uint8_t **a,
                  const uint8_t **b)
{
    *a = o->px, *b = choices ? o->alt : NULL;
    if (how & CODE_FILL)
        *a = o->alt, *b = NULL;
    else if (how & CODE_GAP)
        *a = o->fill, *b = o->alt;
    else if (choices && (how & CODE_COLOUR))
        *a = o->alt, *b = o->px;
}

static void code_setup(giflow__lzwenc *e, int how, uint64_t limit)
{
    e->limit = limit; /* past it the trial has lost: it stops there */
    e->defer = how & CODE_DEFER ? GIFLOW__LZWE_KEEP : how & CODE_WINDOW ? DEFER_WINDOW : 0;
    e->flex = (how & (CODE_DEFER | CODE_WINDOW)) != 0;
}

/* keep (a trial's buffer, or NULL) also gets the coder's snapshots. */
static void code_rect(giflow__opt *o, const orect *r, const plan *p, int how, int choices,
                      giflow__byte_sink sink, void *user, uint64_t limit,
                      struct giflow__opt_code *keep)
{
    const size_t n = (size_t)(r->x1 - r->x0) * (r->y1 - r->y0);
    giflow__lzwenc *e = o->lzw;
    giflow__lzwenc_begin(e, p->mcs, sink, user);
    code_setup(e, how, limit);
    e->early = (how & CODE_EARLY) != 0;
    if (keep) {
        keep->fill->taken = keep->early->taken = 0;
        e->snap_fill = keep->fill, e->snap_early = keep->early;
    }
    const uint8_t *a, *b;
    coded(o, how, choices, &a, &b);
    if (!(how & CODE_BEST))
        giflow__lzwenc_push_alt(e, o->px, o->alt, n, GIFLOW__ALT_NEAR);
    else if (b)
        giflow__lzwenc_push_best(e, a, b, n, o->scratch);
    else
        giflow__lzwenc_push(e, a, n);
    giflow__lzwenc_end(e);
}

/* Bytes of the frame's LZW data (and local palette) coded as how says;
 * the code stream goes to keep when it is not NULL. */
static uint64_t lzw_bytes(giflow__opt *o, const orect *r, const plan *p, int how, int choices,
                          struct giflow__opt_code *keep, uint64_t limit)
{
    if (keep)
        keep->len = 0, keep->over = 0;
    const uint64_t pal = p->local ? 3u << p->bits : 0;
    code_rect(o, r, p, how, choices, keep ? code_sink : NULL, keep, limit - pal, keep);
    return o->lzw->out.bytes + pal;
}

/* A snapshot's header (the table left out). */
static void snap_head(giflow__lzwe_snap *to, const giflow__lzwe_snap *from)
{
    memcpy(to, from, offsetof(giflow__lzwe_snap, slot));
}

/* lzw_bytes for a coding (how: CODE_DEFER, CODE_WINDOW or CODE_EARLY on
 * top of from's) that codes as from's stream did up to its fill or its
 * 2048th code: from's bytes to there are copied and the coder goes on from
 * its snapshot, not from the start. */
static uint64_t lzw_bytes_from(giflow__opt *o, const orect *r, const plan *p, int how,
                               int choices, struct giflow__opt_code *keep, uint64_t limit,
                               const struct giflow__opt_code *from)
{
    const int early = (how & CODE_EARLY) != 0;
    const giflow__lzwe_snap *s = early ? from->early : from->fill;
    if (!s->taken || from->over || s->bytes > keep->cap)
        return lzw_bytes(o, r, p, how, choices, keep, limit);
    const uint64_t pal = p->local ? 3u << p->bits : 0;
    memcpy(keep->p, from->p, (size_t)s->bytes);
    keep->len = (size_t)s->bytes, keep->over = 0;
    snap_head(keep->early, from->early);
    keep->fill->taken = 0;
    if (!early)
        memcpy(keep->fill, from->fill, sizeof *keep->fill);
    giflow__lzwenc *e = o->lzw;
    giflow__lzwenc_resume(e, s, p->mcs, code_sink, keep);
    code_setup(e, how, limit - pal);
    if (early)
        e->snap_fill = keep->fill;
    const uint8_t *a, *b;
    coded(o, how, choices, &a, &b);
    giflow__lzwenc_resume_push(e, s, early, a, b, (size_t)(r->x1 - r->x0) * (r->y1 - r->y0),
                               o->scratch);
    giflow__lzwenc_end(e);
    return e->out.bytes + pal;
}

static uint64_t lzw_size(giflow__opt *o, const orect *r, const plan *p, uint64_t *choices)
{
    *choices = map_rect(o, r, p);
    return lzw_bytes(o, r, p, CODE_NEAR, 1, NULL, UINT64_MAX);
}

/* Chooses between the global palette and a local one of the exact
 * colours. Returns 0 when neither can draw the frame, 2 when px / alt
 * already hold the chosen plan's mapping (its choices in *choices), else 1. */
static int choose(giflow__opt *o, const orect *r, int need_trans, int may_fill,
                  giflow__palette *local, giflow__cindex *lindex, plan *best, uint64_t *choices)
{
    giflow__colorset set;
    must_colors(o, r, &set);
    plan g = {0}, l = {0};
    int have_g = 0, have_l = 0, ltrans = need_trans;
    uint8_t used[256];
    if (o->global.n && global_use(o, r, used)) {
        unsigned gbits = giflow__gw_table_bits(o->global.n);
        int maxi = -1, t = -1;
        for (int i = 0; i < 256; i++)
            if (used[i])
                maxi = i;
        for (int i = 0; need_trans && i < (1 << gbits) && t < 0; i++)
            if (!used[i])
                t = i;
        if (need_trans && t < 0 && may_fill && global_mark(o, r, 1, used)) {
            need_trans = 0; /* the palette is full: every free pixel repeats the screen */
            for (int i = 0; i < 256; i++)
                if (used[i])
                    maxi = i;
            t = -1;
        }
        if (!need_trans || t >= 0) {
            int top = maxi > t ? maxi : t;
            unsigned mcs = giflow__gw_table_bits((uint32_t)top + 1);
            g = (plan){&o->global, &o->gindex, 0, t, mcs < 2 ? 2 : mcs, 0};
            have_g = 1;
        }
    }
    need_trans = ltrans;
    /* A transparent index that would double the table: without it, when
     * the free pixels' screen colours are among the frame's own. */
    const uint32_t n = set.n;
    if (!set.overflow && need_trans && may_fill && n >= 2 && (n & (n - 1)) == 0) {
        giflow__colorset u = set;
        u.max = n; /* no more colours than the bits hold */
        if (fill_colors(o, r, &u))
            need_trans = 0, set = u;
    }
    if (!set.overflow && set.n + (need_trans ? 1u : 0u) <= 256) {
        giflow__colorset_palette(&set, local);
        int t = -1;
        if (need_trans) {
            t = (int)local->n;
            memset(local->rgb + 3 * local->n, 0, 3);
            local->n++;
        }
        /* Black that is not a colour finds the slot: as a free pixel's
         * alternative that is still right (transparent shows the screen). */
        giflow__cindex_build(lindex, local);
        unsigned bits = giflow__gw_table_bits(local->n ? local->n : 1);
        l = (plan){local, lindex, 1, t, bits < 2 ? 2 : bits, bits};
        have_l = 1;
    }
    if (!have_g && !have_l)
        return 0;
    if (have_g && (!have_l || g.mcs <= l.mcs))
        *best = g;
    else if (!have_g)
        *best = l;
    else {
        /* The global plan, the likelier winner, is mapped last. */
        uint64_t cl, sl = lzw_size(o, r, &l, &cl), sg = lzw_size(o, r, &g, choices);
        if (sg <= sl) {
            *best = g;
            return 2;
        }
        *best = l;
    }
    return 1;
}

/* Free runs of at most GAP_RUN pixels between written ones, in a row:
 * filled with the screen's colour where the palette has it, they keep a
 * dithered area's strings whole. */
#define GAP_RUN 4

/* fill = px with the gaps filled. Returns how many pixels changed. */
static uint64_t gap_fill(giflow__opt *o, const orect *r, uint8_t trans)
{
    const uint32_t rw = r->x1 - r->x0, rh = r->y1 - r->y0;
    uint64_t filled = 0;
    memcpy(o->fill, o->px, (size_t)rw * rh);
    for (uint32_t y = 0; y < rh; y++) {
        uint8_t *f = o->fill + (size_t)y * rw;
        const uint8_t *a = o->alt + (size_t)y * rw;
        uint32_t x = 0;
        while (x < rw && f[x] == trans)
            x++;
        while (x < rw) {
            while (x < rw && f[x] != trans)
                x++;
            uint32_t x0 = x;
            while (x < rw && f[x] == trans)
                x++;
            if (x < rw && x - x0 <= GAP_RUN)
                for (uint32_t k = x0; k < x; k++) {
                    filled += a[k] != trans;
                    f[k] = a[k];
                }
        }
    }
    return filled;
}

/* The trials after the first coding. One is tried again on the frame
 * after it wins, and ever more rarely while it loses (at most every
 * TRIAL_SKIP_MAX + 1 frames): a file's frames tend to agree, and each
 * trial costs a whole coding. */
#define TRIAL_GAP 0    /* short gaps filled */
#define TRIAL_FILL 1   /* no free pixel transparent where it can show the colour */
#define TRIAL_WINDOW 2 /* a full table cleared by the window rule, not kept */
#define TRIAL_EARLY 3  /* a table that filled: cleared once early, then kept */
#define TRIAL_SKIP_MAX 15

/* Frames this small are tried every way (it costs little), and do not
 * count towards the waits. */
#define TRIAL_ALWAYS_PIXELS 16384

static int trial_due(giflow__opt *o, int small, int k)
{
    if (small || !o->trial[k].wait)
        return 1;
    o->trial[k].wait--;
    return 0;
}

static void trial_done(giflow__opt *o, int small, int k, int won)
{
    if (small)
        return;
    struct giflow__opt_trial *t = &o->trial[k];
    t->skip = won ? 0 : (uint8_t)(t->skip * 2 + 1 < TRIAL_SKIP_MAX ? t->skip * 2 + 1 : TRIAL_SKIP_MAX);
    t->wait = t->skip;
}

/* Codes the frame as how says into cur; when shorter than *least, it
 * becomes *best (cur takes the old best's buffer). Returns whether it won. */
static int trial(giflow__opt *o, const orect *r, const plan *p, int how, int c,
                 struct giflow__opt_code **best, struct giflow__opt_code **cur, uint64_t *least,
                 int *best_how)
{
    /* The full-table codings go on from the best's snapshot: the best so
     * far codes as they do up to it. */
    uint64_t b = how & (CODE_DEFER | CODE_WINDOW | CODE_EARLY)
                     ? lzw_bytes_from(o, r, p, how, c, *cur, *least, *best)
                     : lzw_bytes(o, r, p, how, c, *cur, *least);
    if (b >= *least)
        return 0;
    struct giflow__opt_code *t = *best;
    *best = *cur, *cur = t, *least = b, *best_how = how;
    return 1;
}

/* Writes the rectangle's code stream (px / alt mapped). With effort, the
 * frame is also coded other ways (trials above; and a frame whose table
 * filled, keeping the full table to the end: never cleared, which on the
 * bench beat every window rule for when to clear) and the shortest kept:
 * the trials stay in memory, so the winner is copied rather than coded
 * again. */
static int write_codes(giflow__opt *o, const orect *r, const plan *p, uint64_t choices)
{
    int how = CODE_BEST, c = choices != 0;
    struct giflow__opt_code *best = NULL;
    if (o->effort) {
        best = &o->code[0];
        struct giflow__opt_code *cur = &o->code[1];
        uint64_t least = lzw_bytes(o, r, p, CODE_BEST, c, best, UINT64_MAX);
        const int filled = o->lzw->fills > 0;
        const int small = (uint64_t)(r->x1 - r->x0) * (r->y1 - r->y0) < TRIAL_ALWAYS_PIXELS;
        /* Always tried where it can pay: it may halve a frame. */
        if (c && (uint64_t)(r->x1 - r->x0) * (r->y1 - r->y0) >= COLOUR_TRIAL_PIXELS)
            (void)trial(o, r, p, CODE_BEST | CODE_COLOUR, c, &best, &cur, &least, &how);
        if (c && trial_due(o, small, TRIAL_GAP))
            trial_done(o, small, TRIAL_GAP,
                       gap_fill(o, r, (uint8_t)p->trans) &&
                           trial(o, r, p, CODE_BEST | CODE_GAP, c, &best, &cur, &least, &how));
        if (c && trial_due(o, small, TRIAL_FILL))
            trial_done(o, small, TRIAL_FILL,
                       trial(o, r, p, CODE_BEST | CODE_FILL, c, &best, &cur, &least, &how));
        if (filled) {
            const int h0 = how;
            (void)trial(o, r, p, h0 | CODE_DEFER, c, &best, &cur, &least, &how);
            if (trial_due(o, small, TRIAL_WINDOW))
                trial_done(o, small, TRIAL_WINDOW,
                           trial(o, r, p, h0 | CODE_WINDOW, c, &best, &cur, &least, &how));
            if (EARLY_ALWAYS || trial_due(o, small, TRIAL_EARLY))
                trial_done(o, small, TRIAL_EARLY,
                           trial(o, r, p, h0 | CODE_DEFER | CODE_EARLY, c, &best, &cur, &least,
                                 &how));
        }
    }
    if (best && !best->over)
        return giflow__gw_bytes(o->out, best->p, best->len);
    code_rect(o, r, p, how, c, giflow__gw_sink, o->out, UINT64_MAX, NULL);
    return *o->status;
}

/* Writes the pending frame; next is the following frame or NULL. */
static int write_frame(giflow__opt *o, const uint8_t *next)
{
    orect r;
    int clear_next, st;
    uint64_t free_px;
    if ((st = analyse(o, next, &r, &clear_next, &free_px)) != GIFLOW_OK)
        return st;
    int need_trans = free_px > 0 || clear_next;
    const int restore = next && o->written && !clear_next && o->restore && prefer_restore(o, &r, next);
    giflow__palette local;
    giflow__cindex lindex;
    plan p;
    uint64_t choices = 0;
    int mapped = choose(o, &r, need_trans, !clear_next, &local, &lindex, &p, &choices);
    if (!mapped)
        return GIFLOW_ERR_TOO_MANY_COLORS;
    uint32_t delay = o->pend_count > 1 ? o->pend_played : o->pend_delay;
    giflow__gifout *out = o->out;
    const uint32_t rw = r.x1 - r.x0, rh = r.y1 - r.y0;
    if ((delay || p.trans >= 0 || clear_next || restore) &&
        (st = giflow__gw_gce(out, clear_next ? 2 : restore ? 3 : 1, delay, p.trans)) != GIFLOW_OK)
        return st;
    if ((st = giflow__gw_image(out, r.x0, r.y0, rw, rh, o->interlace, p.local ? p.bits : 0)) !=
            GIFLOW_OK ||
        (p.local && (st = giflow__gw_palette(out, local.rgb, local.n, p.bits)) != GIFLOW_OK))
        return st;
    /* Free pixels that can only be transparent code the same way under
     * every policy. */
    if (mapped == 1)
        choices = map_rect(o, &r, &p);
    if ((st = write_codes(o, &r, &p, choices)) != GIFLOW_OK)
        return st;
    /* The screen now shows the frame, then its disposal (restored: as it
     * was). */
    for (uint32_t y = r.y0; y < r.y1 && !restore; y++) {
        size_t off = ((size_t)y * o->w + r.x0) * 4;
        if (clear_next)
            memset(o->shown + off, 0, (size_t)rw * 4);
        else
            memcpy(o->shown + off, o->pend + off, (size_t)rw * 4);
    }
    o->written++;
    o->frames_out++;
    o->local_palettes += (uint32_t)p.local;
    return o->after_frame ? o->after_frame(o->hook_user) : GIFLOW_OK;
}

int giflow__opt_push(giflow__opt *o, const uint8_t *rgba, uint32_t delay_cs, uint32_t played_cs)
{
    const size_t n = (size_t)o->w * o->h;
    /* Alpha is on or off; a transparent pixel is (0,0,0,0) so pixels
     * compare as words. */
    const uint8_t *restrict s = rgba;
    uint8_t *restrict d = o->next;
    const uint8_t on[4] = {0, 0, 0, 255};
    uint32_t alpha;
    memcpy(&alpha, on, 4);
    for (size_t i = 0; i < 4 * n; i += 4) { /* branch-free words: it vectorises */
        uint32_t v;
        memcpy(&v, s + i, 4);
        v = (v | alpha) & (0u - (uint32_t)(s[i + 3] >> 7));
        memcpy(d + i, &v, 4);
    }
    /* Identical frames merge while their sum still fits a stored delay:
     * past 65535 cs a merged frame would play shorter than its parts. */
    if (o->have_pend && o->pend_played + played_cs <= 65535 && !memcmp(o->next, o->pend, n * 4)) {
        o->pend_count++;
        o->pend_played += played_cs;
        return GIFLOW_OK;
    }
    if (o->have_pend) {
        int st = write_frame(o, o->next);
        if (st != GIFLOW_OK)
            return st;
    }
    uint8_t *t = o->pend;
    o->pend = o->next;
    o->next = t;
    o->have_pend = 1;
    o->pend_delay = delay_cs;
    o->pend_played = played_cs;
    o->pend_count = 1;
    return GIFLOW_OK;
}

int giflow__opt_flush(giflow__opt *o)
{
    if (!o->have_pend)
        return GIFLOW_OK;
    o->have_pend = 0;
    return write_frame(o, NULL);
}
