/*
 * Player: random access over a seekable source, as a thin layer over the
 * decoder (giflow_decoder_restart / giflow_decoder_dispose) and the frame
 * index.
 *
 * Frame k is composed from the cheapest of: the frame on screen (when it
 * is before k), the last keyframe at or before k (a fresh canvas), or a
 * kept snapshot. A snapshot is the canvas some frame j is drawn over
 * (frame j-1 with its disposal applied), so restarting there needs no
 * disposal state. snap.c stores them (shared, colour-packed tiles); this
 * file decides which to keep: one is taken where the gap in decode work
 * it splits is larger than what any kept one closes, and when memory runs
 * short the one whose loss leaves the smallest gap goes, so those kept
 * stay evenly spread over the decode work.
 *
 * Memory: every allocation, the decoders' and the index's included, goes
 * through one accounting hook with a hard limit of the caller's budget
 * plus the fixed state. When the limit is reached, snapshots are dropped
 * to make room; only what cannot be dropped fails (GIFLOW_ERR_LIMIT_MEMORY).
 */
#include <string.h>

#include "play.h"
#include "snap.h"
#include "../common/api.h"

#define HDR 16           /* accounting header in front of each allocation */
/* Snapshot cost, in the index's decode work units (about a pixel each):
 * a take compares or packs each pending tile at about TAKE_PX_COST units
 * a pixel (measured: 3 ns a pixel against 0.4 ns a unit on muybridge). A
 * seek that decodes w units spends on takes at most w / TAKE_SHARE, or
 * what lifts it to TAKE_CALL canvases of packing when w is below that:
 * a long first scan stays near decode speed, a short step (next()) can
 * still afford a whole canvas. */
#define TAKE_PX_COST 8
#define TAKE_SHARE 8
#define TAKE_CALL 3 / 2

struct giflow_player {
    giflow_allocator user;    /* the caller's allocator */
    giflow_allocator hook;    /* accounting hook handed to index, decoder */
    size_t now, peak, limit;  /* bytes through the hook, and the bound */
    int evicting;
    int refused;              /* the limit refused an allocation */

    giflow_player_options opt;
    giflow_limits limits;
    giflow_index *ix;
    giflow_decoder *dec;
    int opened;               /* header read, canvas allocated */
    giflow_image_info image;
    int status;               /* sticky failure of the player itself */

    /* Source. */
    const uint8_t *data;      /* memory */
    size_t size;
    int complete;
    giflow_source *src;       /* or the caller's seekable source */

    /* Output and what the canvas holds. */
    uint32_t out_w, out_h;
    giflow_viewport vp;       /* resolved, when opt.viewport_set */
    uint8_t *canvas;
    int64_t cur;              /* frame the canvas shows; -1 none */
    int64_t shown;            /* frame last handed out; -1 none */
    int live;                 /* the decoder can go on to frame cur + 1 */
    uint64_t dec_off;         /* where the decoder reads next */
    uint32_t plays;           /* completed plays, for next() */

    /* Snapshots. */
    giflow__store store;      /* empty (no tables) until the canvas exists */
    uint64_t gap_floor;       /* merged gap of the last snapshot dropped */
    uint64_t evict_below;     /* only snapshots whose merged gap is below
                                 this may be dropped now */
    uint64_t take_room;       /* work units takes may still cost in this
                                 seek */
};

/* ------------------------------------------------------------------------ */
/* Memory                                                                    */
/* ------------------------------------------------------------------------ */

static int evict_one(giflow_player *p);

static void *hook_alloc(void *user, size_t n)
{
    giflow_player *p = user;
    if (n > SIZE_MAX - HDR)
        return NULL;
    size_t need = n + HDR;
    /* Make room by dropping snapshots; the hook may be entered from a
     * decoder call, when nothing else refers to them. */
    while (p->now + need > p->limit)
        if (p->evicting || !evict_one(p)) {
            p->refused = 1;
            return NULL;
        }
    uint8_t *m = p->user.alloc(p->user.user, need);
    if (!m)
        return NULL;
    memcpy(m, &need, sizeof need);
    p->now += need;
    if (p->now > p->peak)
        p->peak = p->now;
    return m + HDR;
}

static void hook_free(void *user, void *q)
{
    giflow_player *p = user;
    if (!q)
        return;
    uint8_t *m = (uint8_t *)q - HDR;
    size_t need;
    memcpy(&need, m, sizeof need);
    p->now -= need;
    p->user.free(p->user.user, m);
}

size_t giflow_player_state_size(void)
{
    /* The player, its index and their two decoders, with headers. */
    return sizeof(giflow_player) + 4 * HDR + 2 * giflow_decoder_state_size() +
           giflow__index_state_size();
}

/* ------------------------------------------------------------------------ */
/* Snapshots: which to keep (snap.c stores them)                             */
/* ------------------------------------------------------------------------ */

/* Output pixels [*o0, *o1) that canvas span [c, c + n) reaches on an axis
 * with crop start c0, crop length len and out output pixels. */
static void out_span(uint32_t c, uint32_t n, uint32_t c0, uint32_t len, uint32_t out,
                     uint32_t *o0, uint32_t *o1)
{
    uint64_t a = c > c0 ? c - c0 : 0, b = (uint64_t)c + n > c0 ? (uint64_t)c + n - c0 : 0;
    if (a > len)
        a = len;
    if (b > len)
        b = len;
    *o0 = (uint32_t)(a * out / len);
    *o1 = (uint32_t)((b * out + len - 1) / len);
}

/* A frame (and later its disposal) changes its rectangle on the output. */
static void touch_frame(giflow_player *p, const giflow__ixent *e)
{
    uint32_t x0 = e->cx, x1 = e->cx + e->cw, y0 = e->cy, y1 = e->cy + e->ch;
    if (p->opt.viewport_set) {
        const giflow_viewport *v = &p->vp;
        out_span(e->cx, e->cw, v->crop_x, v->crop_width, v->out_width, &x0, &x1);
        out_span(e->cy, e->ch, v->crop_y, v->crop_height, v->out_height, &y0, &y1);
    }
    giflow__store_touch(&p->store, x0, y0, x1, y1);
}

/* Decode work from the start at frame a (a keyframe or a snapshot) to
 * frame b, excluded. */
static uint64_t gap(const giflow__ixent *e, uint32_t a, uint32_t b)
{
    return b > a ? e[b - 1].work - (a ? e[a - 1].work : 0) : 0;
}

/* The gap snapshot i's removal would leave: from the start before it (a
 * snapshot or a keyframe) to the snapshot after it, or to the last frame. */
static uint64_t merged_gap(const giflow_player *p, const giflow__ixent *e, uint32_t n,
                           uint32_t i)
{
    const giflow__store *st = &p->store;
    uint32_t f = giflow__store_frame(st, i), prev = e[f].key;
    if (i && giflow__store_frame(st, i - 1) > prev)
        prev = giflow__store_frame(st, i - 1);
    return gap(e, prev, i + 1 < st->n ? giflow__store_frame(st, i + 1) : n);
}

/* Drops something to free memory: what only the canvas map holds, else
 * the snapshot whose loss leaves the smallest gap (so those kept stay
 * evenly spread over the decode work), if that gap is below evict_below.
 * Returns 0 when nothing may be dropped. */
static int evict_one(giflow_player *p)
{
    giflow__store *st = &p->store;
    if (!st->held)
        return 0;
    p->evicting = 1;
    int done = giflow__store_release(st);
    if (!done && st->n) {
        uint32_t n, best = 0;
        const giflow__ixent *e = giflow__index_entries(p->ix, &n, NULL);
        uint64_t min = UINT64_MAX;
        for (uint32_t i = 0; i < st->n; i++) {
            uint64_t g = merged_gap(p, e, n, i);
            if (g < min)
                min = g, best = i;
        }
        if (min < p->evict_below) {
            giflow__store_remove(st, best);
            p->gap_floor = min;
            done = 1;
        }
    }
    p->evicting = 0;
    return done;
}

/* Keeps the canvas as the snapshot for frame k (which it is drawn over),
 * when that is worth its memory: the gap it splits must be larger than
 * the gaps other snapshots close (it may replace those), and larger than
 * what restoring costs (half a canvas of work). */
static void snap_take(giflow_player *p, const giflow__ixent *e, uint32_t k)
{
    giflow__store *st = &p->store;
    uint32_t n;
    giflow__index_entries(p->ix, &n, NULL);
    int64_t i = giflow__store_find(st, k);
    if (i >= 0 && giflow__store_frame(st, (uint32_t)i) == k)
        return;
    uint32_t prev = e[k].key;
    if (i >= 0 && giflow__store_frame(st, (uint32_t)i) > prev)
        prev = giflow__store_frame(st, (uint32_t)i);
    /* After the last snapshot, as much again is taken to follow. */
    uint64_t g = (uint64_t)(i + 1) < st->n ? gap(e, prev, giflow__store_frame(st, (uint32_t)i + 1))
                                           : 2 * gap(e, prev, k);
    if (g <= p->gap_floor || g < (uint64_t)p->out_w * p->out_h / 2)
        return;
    uint64_t cost =
        (uint64_t)giflow__store_pending(st) * GIFLOW__TILE * GIFLOW__TILE * TAKE_PX_COST;
    if (cost > p->take_room) {
        p->take_room = 0; /* pending tiles only grow until the seek ends */
        return;
    }
    p->take_room -= cost;
    giflow_decoder_dispose(p->dec, p->canvas, (size_t)p->out_w * 4);
    p->evict_below = g;
    giflow__store_take(st, k);
    p->evict_below = UINT64_MAX;
}

/* ------------------------------------------------------------------------ */
/* Source                                                                    */
/* ------------------------------------------------------------------------ */

/* An input window starting at stream byte off. Returns GIFLOW_OK or
 * GIFLOW_ERR_IO. */
static int view(giflow_player *p, uint64_t off, giflow_input *in)
{
    memset(in, 0, sizeof *in);
    if (!p->src) {
        size_t o = off < p->size ? (size_t)off : p->size;
        in->src = p->data ? p->data + o : NULL;
        in->size = p->size - o;
        in->eof = p->complete;
        return GIFLOW_OK;
    }
    /* Index and decoder take turns: a seek within the window is free. */
    giflow_source *s = p->src;
    int r = giflow_source_seek(s, off);
    if (r == GIFLOW_OK && s->in.pos == s->in.size && !s->in.eof)
        r = giflow_source_refill(s);
    if (r != GIFLOW_OK)
        return r == GIFLOW_ERR_ARG ? GIFLOW_ERR_TRUNCATED : r;
    in->src = s->in.src ? s->in.src + s->in.pos : NULL;
    in->size = s->in.size - s->in.pos;
    in->eof = s->in.eof;
    return GIFLOW_OK;
}

/* Feeds the index until it has frame `want` complete, or has read all
 * there is. Returns GIFLOW_OK or an I/O or memory error. */
static int scan(giflow_player *p, uint32_t want)
{
    for (;;) {
        uint32_t n;
        giflow__index_entries(p->ix, &n, NULL);
        if (giflow__index_status(p->ix) || n > want)
            return GIFLOW_OK;
        giflow_input in;
        uint64_t off = giflow__index_offset(p->ix);
        int r = view(p, off, &in);
        if (r != GIFLOW_OK)
            return r;
        p->refused = 0;
        r = giflow_index_feed(p->ix, &in);
        if (r == GIFLOW_ERR_NOMEM && p->refused)
            r = GIFLOW_ERR_LIMIT_MEMORY; /* the budget, not the allocator */
        if (r == GIFLOW_ERR_NOMEM || r == GIFLOW_ERR_LIMIT_MEMORY)
            return r;
        if (r == GIFLOW_NEED_INPUT && (!p->src || in.size == 0))
            return GIFLOW_OK; /* all that has arrived is read */
    }
}

/* ------------------------------------------------------------------------ */
/* Decoding                                                                  */
/* ------------------------------------------------------------------------ */

/* Runs a decoder call over the source until it needs no more input. */
#define PUMP(p, r, call)                                                     \
    do {                                                                     \
        giflow_input in_;                                                    \
        for (;;) {                                                           \
            if ((r = view(p, p->dec_off, &in_)) != GIFLOW_OK)                \
                break;                                                       \
            giflow_input *in = &in_;                                         \
            r = (call);                                                      \
            p->dec_off += in_.pos;                                           \
            if (r != GIFLOW_NEED_INPUT || in_.eof || (!p->src && !in_.pos))  \
                break;                                                       \
        }                                                                    \
    } while (0)

static int stream_error(int r)
{
    return r <= GIFLOW_ERR_NOT_GIF && r > GIFLOW_ERR_LIMIT_CANVAS;
}

static int restart(giflow_player *p, const giflow__ixent *e, uint32_t k, int fresh)
{
    giflow_restart rs = {e->offset, k, e->delay_cs, e->disposal, e->trans, fresh};
    int r = giflow_decoder_restart(p->dec, &rs);
    if (r != GIFLOW_OK)
        return r;
    p->dec_off = e->offset;
    p->live = 1;
    if (fresh)
        giflow__store_forget(&p->store, 1); /* the decoder clears the canvas */
    return GIFLOW_OK;
}

/* Decodes frames cur + 1 .. k onto the canvas, taking snapshots where
 * they are worth it as it passes. */
static int decode_to(giflow_player *p, const giflow__ixent *e, uint32_t k)
{
    int r;
    for (uint32_t j = (uint32_t)(p->cur + 1); j <= k; j++) {
        p->refused = 0;
        if (!(e[j].flags & GIFLOW__IX_KEY) && p->cur == (int64_t)j - 1)
            snap_take(p, e, j);
        giflow_frame_info f;
        PUMP(p, r, giflow_decode_frame_info(p->dec, in, &f));
        if (r == GIFLOW_OK) {
            touch_frame(p, &e[j]);
            PUMP(p, r, giflow_decode_frame_rgba(p->dec, in, p->canvas, (size_t)p->out_w * 4));
        }
        if (r == GIFLOW_ERR_NOMEM && p->refused)
            r = GIFLOW_ERR_LIMIT_MEMORY; /* the budget, not the allocator */
        if (r != GIFLOW_FRAME_END) {
            /* The canvas is half drawn: nothing on it can be trusted. */
            p->live = 0;
            p->cur = -1;
            giflow__store_forget(&p->store, 0);
            if (stream_error(r)) /* frame j is broken: the stream ends there */
                giflow__index_truncate(p->ix, j, r);
            return r >= 0 ? GIFLOW_ERR_TRUNCATED : r;
        }
        p->cur = j;
    }
    return GIFLOW_OK;
}

/* Cost of decoding frames a..k, in the index's work units. */
static uint64_t work(const giflow__ixent *e, uint32_t a, uint32_t k)
{
    return e[k].work - (a ? e[a - 1].work : 0);
}

/* Composes frame k (complete in the index) onto the canvas. */
static int compose(giflow_player *p, const giflow__ixent *e, uint32_t k)
{
    if (p->live && p->cur == (int64_t)k)
        return GIFLOW_OK;
    uint64_t tile_cost = GIFLOW__TILE * GIFLOW__TILE / 4, canvas = (uint64_t)p->out_w * p->out_h;
    /* Candidates: go on from the canvas, start at the keyframe, or restore
     * a snapshot (its cost: the tiles that would be copied). */
    uint32_t key = e[k].key;
    uint64_t best = work(e, key, k) + canvas / 4;
    int how = 0;
    if (p->live && p->cur >= (int64_t)key && p->cur < (int64_t)k &&
        work(e, (uint32_t)p->cur + 1, k) <= best) {
        best = work(e, (uint32_t)p->cur + 1, k);
        how = 1;
    }
    int64_t si = giflow__store_find(&p->store, k);
    uint32_t sf = si >= 0 ? giflow__store_frame(&p->store, (uint32_t)si) : 0;
    if (si >= 0 && sf > key) {
        uint64_t c = work(e, sf, k);
        if (c < best)
            c += tile_cost * giflow__store_cost(&p->store, (uint32_t)si,
                                                (uint32_t)((best - c) / tile_cost + 1));
        if (c < best)
            how = 2;
    }
    int r = GIFLOW_OK;
    if (how == 0) {
        r = restart(p, &e[key], key, 1);
        p->cur = (int64_t)key - 1;
    } else if (how == 2) {
        giflow__store_restore(&p->store, (uint32_t)si);
        r = restart(p, &e[sf], sf, 0);
        p->cur = (int64_t)sf - 1;
    }
    if (r != GIFLOW_OK)
        return r;
    uint64_t w = work(e, (uint32_t)(p->cur + 1), k);
    uint64_t call = canvas * TAKE_PX_COST * TAKE_CALL;
    p->take_room = call > w + w / TAKE_SHARE ? call - w : w / TAKE_SHARE;
    return decode_to(p, e, k);
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */
/* ------------------------------------------------------------------------ */

void giflow_player_options_init_size(giflow_player_options *o, size_t size)
{
    giflow_player_options d;
    memset(&d, 0, sizeof d);
    if (o)
        giflow__struct_out(o, size, &d, sizeof d);
}

giflow_player *giflow_player_new(const giflow_allocator *alloc, const giflow_player_options *opt)
{
    giflow_player tmp;
    memset(&tmp, 0, sizeof tmp);
    giflow__heap std;
    giflow__heap_init(&std, alloc); /* (NULL: malloc) */
    tmp.user = std.alloc;
    if (!tmp.user.alloc || !tmp.user.free)
        return NULL;
    giflow_player_options_default(&tmp.opt);
    giflow_limits_default(&tmp.limits);
    if (opt && giflow__struct_in(&tmp.opt, sizeof tmp.opt, opt, GIFLOW__PLAYER_OPTIONS_V0, 0))
        return NULL;
    if (tmp.opt.limits &&
        giflow__struct_in(&tmp.limits, sizeof tmp.limits, tmp.opt.limits, GIFLOW__LIMITS_V0, 0))
        return NULL;
    tmp.opt.limits = NULL; /* copied, not kept */
    tmp.limit = SIZE_MAX;
    giflow_player *p = hook_alloc(&tmp, sizeof *p);
    if (!p)
        return NULL;
    *p = tmp;
    p->hook.alloc = hook_alloc;
    p->hook.free = hook_free;
    p->hook.user = p;
    p->cur = p->shown = -1;
    p->evict_below = UINT64_MAX;
    /* The budget covers all but the fixed state; 0 selects 4 canvases
     * once the canvas size is known. */
    p->limit = SIZE_MAX;
    p->ix = giflow_index_new(&p->hook);
    p->dec = giflow_decoder_new(&p->hook);
    if (!p->ix || !p->dec) {
        giflow_player_free(p);
        return NULL;
    }
    unsigned flags = p->opt.flags & ~GIFLOW_FLAG_MERGE_ZERO_DELAY;
    if (giflow_index_set_limits(p->ix, &p->limits) ||
        giflow_decoder_set_limits(p->dec, &p->limits) ||
        giflow_index_set_flags(p->ix, flags & ~GIFLOW_FLAG_SMALL_MEMORY) ||
        giflow_decoder_set_flags(p->dec, flags)) {
        giflow_player_free(p);
        return NULL;
    }
    return p;
}

void giflow_player_free(giflow_player *p)
{
    if (!p)
        return;
    giflow__store_free(&p->store);
    hook_free(p, p->canvas);
    giflow_decoder_free(p->dec);
    giflow_index_free(p->ix);
    giflow_player tmp = *p;
    hook_free(&tmp, p);
}

int giflow_player_set_memory(giflow_player *p, const uint8_t *data, size_t size, int complete)
{
    if (!p || (!data && size) || p->src)
        return GIFLOW_ERR_ARG;
    if (size < p->size || (p->complete && size != p->size))
        return GIFLOW_ERR_ARG; /* the stream only grows, until complete */
    p->data = data;
    p->size = size;
    p->complete = complete != 0;
    return GIFLOW_OK;
}

int giflow_player_set_source(giflow_player *p, giflow_source *src)
{
    if (!p || !src || p->data || p->src || !giflow_source_can_seek(src) ||
        giflow_source_tell(src) != 0)
        return GIFLOW_ERR_ARG;
    p->src = src;
    return GIFLOW_OK;
}

/* Sets the canvas and the tile map up for the current output size. */
static int setup_output(giflow_player *p)
{
    p->out_w = p->image.canvas_width;
    p->out_h = p->image.canvas_height;
    if (p->opt.viewport_set) {
        p->vp = p->opt.viewport;
        int r = giflow_decoder_set_viewport(p->dec, &p->vp);
        if (r != GIFLOW_OK)
            return r;
        p->out_w = p->vp.out_width;
        p->out_h = p->vp.out_height;
    }
    uint64_t bytes = (uint64_t)p->out_w * p->out_h * 4;
    /* Canvases, and room for the decoder's buffers: rows and column sums
     * (96 bytes per canvas column), interlaced rows through a viewport (8
     * output canvases' worth of sums). */
    uint64_t k = p->opt.budget_canvases ? p->opt.budget_canvases : 4;
    uint64_t room = 65536 + 96 * (uint64_t)p->image.canvas_width +
                    (p->opt.viewport_set ? 8 * bytes : 0);
    uint64_t budget = p->opt.memory_budget ? p->opt.memory_budget : k * bytes + room;
    if (bytes > SIZE_MAX / 2 || budget > SIZE_MAX - giflow_player_state_size())
        return GIFLOW_ERR_LIMIT_MEMORY;
    p->limit = (size_t)budget + giflow_player_state_size();
    if (p->now > p->limit)
        return GIFLOW_ERR_LIMIT_MEMORY;
    /* Canvas, restore-previous rectangle (up to a canvas) and the LZW
     * working buffer (up to half of one, or GIFLOW__WORK_MIN_BYTES for a
     * small image) must fit together; below that the decoder goes without
     * the buffer, and two canvases suffice. */
    unsigned flags = p->opt.flags & ~GIFLOW_FLAG_MERGE_ZERO_DELAY;
    uint64_t work = bytes / 2 > GIFLOW__WORK_MIN_BYTES ? bytes / 2 : GIFLOW__WORK_MIN_BYTES;
    giflow_decoder_set_flags(p->dec,
                             flags | (budget < 2 * bytes + work ? GIFLOW_FLAG_SMALL_MEMORY : 0));
    return GIFLOW_OK;
}

/* The canvas and the tile map, on first use (so that a viewport set
 * right after the header never meets a full-size canvas). */
static int alloc_output(giflow_player *p)
{
    if (p->canvas)
        return GIFLOW_OK;
    p->refused = 0;
    p->canvas = hook_alloc(p, (size_t)p->out_w * p->out_h * 4);
    if (!p->canvas || giflow__store_init(&p->store, &p->hook, p->canvas, p->out_w, p->out_h)) {
        hook_free(p, p->canvas);
        p->canvas = NULL;
        return p->refused ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM;
    }
    p->gap_floor = 0;
    return GIFLOW_OK;
}

/* Reads the header on first use. Returns GIFLOW_OK, GIFLOW_NEED_INPUT or
 * an error (sticky). */
static int open_player(giflow_player *p)
{
    if (p->status)
        return p->status;
    if (p->opened)
        return GIFLOW_OK;
    if (!p->data && !p->src)
        return GIFLOW_NEED_INPUT;
    /* The header sizes the canvas, and so the memory limit, before the
     * index takes any memory. */
    int r; /* (p->dec_off starts at 0 and moves on across calls) */
    PUMP(p, r, giflow_decode_image_info(p->dec, in, &p->image));
    if (r == GIFLOW_NEED_INPUT)
        return r;
    if (r == GIFLOW_OK)
        r = setup_output(p);
    if (r != GIFLOW_OK)
        return p->status = r;
    p->opened = 1;
    return GIFLOW_OK;
}

/* The allocator's refusal (not the budget's) ends the player, as it ends
 * a decoder: every later call returns it. */
static int keep(giflow_player *p, int r)
{
    if (r == GIFLOW_ERR_NOMEM && !p->status)
        p->status = r;
    return r;
}

static void fill_frame(const giflow_player *p, const giflow__ixent *e, uint32_t k,
                       giflow_player_frame *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    out->index = k;
    out->delay_cs = e[k].delay_cs;
    out->delay_ms = e[k].played_ms;
    out->start_ms = e[k].start_ms;
    out->rgba = p->canvas;
    out->width = p->out_w;
    out->height = p->out_h;
    out->stride = (size_t)p->out_w * 4;
}

int giflow_player_seek(giflow_player *p, uint32_t k, giflow_player_frame *out)
{
    if (!p)
        return GIFLOW_ERR_ARG;
    int r = open_player(p);
    if (r != GIFLOW_OK)
        return r;
    if ((r = scan(p, k)) != GIFLOW_OK)
        return keep(p, r);
    uint32_t n;
    const giflow__ixent *e = giflow__index_entries(p->ix, &n, NULL);
    if (k >= n) {
        int st = giflow__index_status(p->ix);
        return keep(p, !st ? GIFLOW_NEED_INPUT : st == GIFLOW_END || k > n ? GIFLOW_END : st);
    }
    if ((r = alloc_output(p)) != GIFLOW_OK || (r = compose(p, e, k)) != GIFLOW_OK)
        return keep(p, r);
    p->shown = k;
    fill_frame(p, e, k, out);
    return GIFLOW_OK;
}

int giflow_player_next(giflow_player *p, giflow_player_frame *out)
{
    if (!p)
        return GIFLOW_ERR_ARG;
    int r = open_player(p);
    if (r != GIFLOW_OK)
        return r;
    uint32_t k = p->shown < 0 ? 0 : (uint32_t)p->shown + 1;
    if ((r = scan(p, k)) != GIFLOW_OK)
        return keep(p, r);
    uint32_t n;
    giflow__index_entries(p->ix, &n, NULL);
    int st = giflow__index_status(p->ix);
    if (k >= n && k > 0 && st) {
        /* The end of a play: loop as browsers do. */
        giflow_index_info info;
        giflow_index_get_info(p->ix, &info);
        int loops = info.loop_count;
        if (loops < 0 || (loops > 0 && p->plays >= (uint32_t)loops))
            return GIFLOW_END;
        p->plays++;
        k = 0;
    }
    return giflow_player_seek(p, k, out);
}

int giflow_player_frame_at(giflow_player *p, uint64_t ms, giflow_player_frame *out)
{
    if (!p)
        return GIFLOW_ERR_ARG;
    int r = open_player(p);
    if (r != GIFLOW_OK)
        return r;
    /* Read on until the frames known cover ms, or the stream ends. */
    uint32_t k;
    for (;;) {
        r = giflow_index_find(p->ix, ms, &k);
        if (r != GIFLOW_NEED_INPUT)
            break;
        uint32_t n;
        giflow__index_entries(p->ix, &n, NULL);
        uint64_t before = giflow__index_offset(p->ix);
        if ((r = scan(p, n)) != GIFLOW_OK)
            return keep(p, r);
        if (giflow__index_offset(p->ix) == before && !giflow__index_status(p->ix))
            return GIFLOW_NEED_INPUT;
    }
    if (r != GIFLOW_OK)
        return r;
    return giflow_player_seek(p, k, out);
}

int giflow_player_get_info(giflow_player *p, giflow_player_info *info)
{
    if (!p || !info)
        return GIFLOW_ERR_ARG;
    memset(info, 0, sizeof *info);
    int r = open_player(p);
    if (r == GIFLOW_OK)
        r = keep(p, scan(p, UINT32_MAX));
    giflow_index_info ii;
    giflow_index_get_info(p->ix, &ii);
    info->canvas_width = p->image.canvas_width;
    info->canvas_height = p->image.canvas_height;
    info->width = p->out_w;
    info->height = p->out_h;
    info->frames = ii.frames;
    info->duration_ms = ii.duration_ms;
    info->loop_count = ii.loop_count;
    info->final = ii.final;
    info->status = ii.status;
    info->bytes = ii.bytes;
    info->heap = p->now;
    info->peak_heap = p->peak;
    info->limit = p->opened ? p->limit : 0;
    info->snapshots = p->store.n;
    info->spacing = info->frames / (p->store.n + 1);
    info->current = p->cur >= 0 ? (int64_t)p->cur : -1;
    return r;
}

const giflow_index *giflow_player_index(const giflow_player *p)
{
    return p ? p->ix : NULL;
}

int giflow_player_set_viewport(giflow_player *p, const giflow_viewport *vp)
{
    if (!p)
        return GIFLOW_ERR_ARG;
    int r = open_player(p);
    if (r != GIFLOW_OK)
        return r;
    /* Everything canvas-sized is remade for the new output. */
    giflow__store_free(&p->store);
    hook_free(p, p->canvas);
    p->canvas = NULL;
    p->cur = -1;
    p->live = 0;
    p->opt.viewport_set = vp != NULL;
    if (vp)
        p->opt.viewport = *vp;
    /* The decoder takes a new viewport after a fresh restart. */
    uint32_t n;
    const giflow__ixent *e = giflow__index_entries(p->ix, &n, NULL);
    giflow_restart rs = {n ? e[0].offset : 0, 0, 0, 0, -1, 1};
    giflow_decoder_restart(p->dec, &rs);
    r = giflow_decoder_set_viewport(p->dec, NULL);
    if (r == GIFLOW_OK)
        r = setup_output(p);
    if (r != GIFLOW_OK) {
        p->status = r == GIFLOW_ERR_ARG ? 0 : r;
        if (r == GIFLOW_ERR_ARG) { /* a bad viewport: back to the whole canvas */
            p->opt.viewport_set = 0;
            giflow_decoder_set_viewport(p->dec, NULL);
            int r2 = setup_output(p);
            if (r2 != GIFLOW_OK)
                p->status = r2;
        }
    }
    return r;
}
