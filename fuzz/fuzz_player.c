/*
 * libFuzzer target: the frame index (giflow_index_*) and the player
 * (giflow_player_*, src/play) on arbitrary bytes.
 *
 * The truth is a plain sequential decode (giflow_decode_frame_rgba, through
 * the viewport the input's hash may pick). Oracles, each turned into a
 * crash when it fails:
 * - the index gives the same facts fed whole and in random chunks, and
 *   agrees with the decoder on every frame the decoder completes (offset,
 *   rectangle, delays, disposal, transparency, start times); find(ms)
 *   returns the frame that shows at ms;
 *   (frames after one whose LZW data is broken are the one allowance:
 *   the index does not decode pixels, see check_frame());
 * - the player, with a memory budget of a few canvases (so snapshots are
 *   made and dropped), composes every frame exactly as the sequential
 *   decode did, for seeks in an order drawn from the hash, then for
 *   next() and frame_at(); its heap never exceeds its stated bound;
 * - fed as a growing prefix (complete = 0), it gives the same frames
 *   once they have arrived, and GIFLOW_NEED_INPUT before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

#define MAXF 32

typedef struct truth {
    uint32_t w, h, n;     /* output size; frames decoded completely */
    int end;              /* status after the last complete frame */
    uint32_t crc[MAXF];
    giflow_frame_info fi[MAXF];
} truth;

static void limits(giflow_limits *lim)
{
    giflow_limits_default(lim);
    lim->max_canvas_pixels = 1 << 18;
    lim->max_frames = MAXF;
    lim->max_total_pixels = 1 << 21;
    lim->max_memory = 1 << 24;
}

/* Picks a viewport inside a w x h canvas from seed. */
static void pick(uint32_t seed, uint32_t w, uint32_t h, giflow_viewport *vp)
{
    memset(vp, 0, sizeof *vp);
    vp->crop_x = seed % w;
    vp->crop_y = (seed >> 8) % h;
    vp->crop_width = 1 + (seed >> 4) % (w - vp->crop_x);
    vp->crop_height = 1 + (seed >> 12) % (h - vp->crop_y);
    vp->out_width = 1 + (seed >> 16) % vp->crop_width;
    vp->out_height = 1 + (seed >> 24) % vp->crop_height;
}

static uint32_t crc_of(const uint8_t *rgba, uint32_t w, uint32_t h, size_t stride)
{
    uint32_t c = 2166136261u;
    for (uint32_t y = 0; y < h; y++)
        c = fuzz_mix(c, rgba + y * stride, (size_t)w * 4);
    return c;
}

/* Returns 0, or -1 when the stream has no header (nothing to compare). */
static int decode(const uint8_t *data, size_t size, const giflow_viewport *vp, truth *t)
{
    memset(t, 0, sizeof *t);
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_limits lim;
    limits(&lim);
    if (!dec || giflow_decoder_set_limits(dec, &lim) != GIFLOW_OK)
        abort();
    giflow_input in = {data, size, 0, 1};
    giflow_image_info ii;
    int r = giflow_decode_image_info(dec, &in, &ii);
    if (r != GIFLOW_OK) {
        giflow_decoder_free(dec);
        return -1;
    }
    t->w = ii.canvas_width;
    t->h = ii.canvas_height;
    if (vp) {
        giflow_viewport v = *vp;
        if (giflow_decoder_set_viewport(dec, &v) != GIFLOW_OK) {
            giflow_decoder_free(dec);
            return -1;
        }
        t->w = v.out_width;
        t->h = v.out_height;
    }
    uint8_t *canvas = malloc((size_t)t->w * t->h * 4 + 1);
    if (!canvas)
        abort();
    while (t->n < MAXF) {
        giflow_frame_info fi;
        if ((r = giflow_decode_frame_info(dec, &in, &fi)) != GIFLOW_OK)
            break;
        if ((r = giflow_decode_frame_rgba(dec, &in, canvas, (size_t)t->w * 4)) != GIFLOW_FRAME_END)
            break;
        t->fi[t->n] = fi;
        t->crc[t->n++] = crc_of(canvas, t->w, t->h, (size_t)t->w * 4);
    }
    t->end = t->n == MAXF ? GIFLOW_END : r;
    free(canvas);
    giflow_decoder_free(dec);
    return 0;
}

typedef struct ixres {
    giflow_index_info info;
    giflow_index_frame f[MAXF];
} ixres;

static void index_run(const uint8_t *data, size_t size, unsigned chunk, ixres *x)
{
    memset(x, 0, sizeof *x);
    giflow_index *ix = giflow_index_new(NULL);
    giflow_limits lim;
    limits(&lim);
    if (!ix || giflow_index_set_limits(ix, &lim) != GIFLOW_OK)
        abort();
    fuzz_feed fd;
    fuzz_feed_init(&fd, data, size, chunk);
    int r;
    while ((r = giflow_index_feed(ix, &fd.in)) == GIFLOW_NEED_INPUT && !fd.in.eof)
        fuzz_feed_more(&fd);
    if (giflow_index_feed(ix, &fd.in) != r)
        abort(); /* the end is sticky */
    giflow_index_get_info(ix, &x->info);
    if (x->info.frames && x->info.status == GIFLOW_NEED_INPUT)
        abort(); /* all input given with eof: the index must have ended */
    for (uint32_t k = 0; k < x->info.frames && k < MAXF; k++)
        if (giflow_index_get_frame(ix, k, &x->f[k]) != GIFLOW_OK)
            abort();
    /* find(ms): the frame whose time span holds ms, within the first play. */
    for (uint32_t k = 0; k < x->info.frames && k < MAXF; k++) {
        uint32_t got;
        uint64_t ms = x->f[k].start_ms;
        if (x->f[k].played_delay_ms && giflow_index_find(ix, ms, &got) == GIFLOW_OK) {
            if (got != k && x->f[got].start_ms != ms)
                abort(); /* find() returned a frame that is not showing then */
        }
    }
    giflow_index_free(ix);
}

static int same_index(const ixres *a, const ixres *b)
{
    const giflow_index_info *p = &a->info, *q = &b->info;
    if (p->canvas_width != q->canvas_width || p->canvas_height != q->canvas_height ||
        p->frames != q->frames || p->duration_ms != q->duration_ms ||
        p->loop_count != q->loop_count || p->final != q->final || p->status != q->status ||
        (p->status == GIFLOW_END && p->bytes != q->bytes))
        return 0; /* (where an error was seen depends on the chunks) */
    for (uint32_t k = 0; k < p->frames && k < MAXF; k++) {
        const giflow_index_frame *f = &a->f[k], *g = &b->f[k];
        if (f->offset != g->offset || f->start_ms != g->start_ms || f->x != g->x ||
            f->y != g->y || f->width != g->width || f->height != g->height ||
            f->delay_cs != g->delay_cs || f->played_delay_ms != g->played_delay_ms ||
            f->disposal != g->disposal || f->transparent_index != g->transparent_index ||
            f->interlaced != g->interlaced || f->keyframe != g->keyframe)
            return 0;
    }
    return 1;
}

static void check_index(const ixres *a, const truth *t)
{
    for (uint32_t k = 0; k < t->n && k < a->info.frames; k++) {
        const giflow_index_frame *f = &a->f[k];
        const giflow_frame_info *fi = &t->fi[k];
        if (f->offset != fi->offset || f->x != fi->x || f->y != fi->y || f->width != fi->width ||
            f->height != fi->height || f->delay_cs != fi->delay_cs ||
            f->played_delay_ms != fi->played_delay_ms || f->disposal != fi->disposal ||
            f->transparent_index != fi->transparent_index || f->interlaced != fi->interlaced)
            abort(); /* the index and the decoder disagree on a frame */
        if (k && f->start_ms != a->f[k - 1].start_ms + a->f[k - 1].played_delay_ms)
            abort();
    }
    if (a->info.frames < t->n)
        abort(); /* the index lost a frame the decoder completed */
}

/* A player over data; budget in canvases. NULL when refused. */
static giflow_player *player(const giflow_viewport *vp, uint32_t canvases)
{
    giflow_limits lim;
    limits(&lim);
    giflow_player_options o;
    giflow_player_options_default(&o);
    o.budget_canvases = canvases;
    o.limits = &lim;
    if (vp) {
        o.viewport_set = 1;
        o.viewport = *vp;
    }
    giflow_player *p = giflow_player_new(NULL, &o);
    if (!p)
        abort();
    return p;
}

/* Frame k from the player must be the truth's, or an error exactly where
 * the truth's frames end. */
static void check_frame(giflow_player *p, int r, uint32_t k, const giflow_player_frame *f,
                        const truth *t)
{
    if (r == GIFLOW_ERR_LIMIT_MEMORY)
        return; /* what cannot be dropped did not fit the budget */
    if (k < t->n) {
        if (r != GIFLOW_OK || f->index != k || f->width != t->w || f->height != t->h ||
            crc_of(f->rgba, f->width, f->height, f->stride) != t->crc[k])
            abort(); /* the player composed another picture */
    } else if (r == GIFLOW_OK && t->end != GIFLOW_ERR_BAD_CODE &&
               t->end != GIFLOW_ERR_MISSING_PIXELS) {
        /* A frame the decoder never reached. (The index does not check the
         * LZW data it skips, so a player that starts at a keyframe after a
         * frame with broken pixels shows frames a browser never reaches,
         * until it decodes the broken one: giflow.h, "Frame index".) */
        abort();
    }
    giflow_player_info pi;
    if (giflow_player_get_info(p, &pi) == GIFLOW_OK && pi.peak_heap > pi.limit)
        abort(); /* the budget was exceeded */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static truth t;
    static ixres a, b;
    uint32_t seed = fuzz_mix(2166136261u, data, size), rng = seed | 1;
    unsigned chunk = 1 + seed % 31;

    /* The index, whole and chunked, against the decoder. */
    index_run(data, size, 0, &a);
    index_run(data, size, chunk, &b);
    if (!same_index(&a, &b))
        abort(); /* chunking changed the index */
    if (decode(data, size, NULL, &t) != 0)
        return 0;
    check_index(&a, &t);

    /* A viewport one time in four. */
    giflow_viewport vp, *v = NULL;
    if ((seed >> 5 & 3) == 0) {
        pick(fuzz_rand(&rng), t.w, t.h, &vp);
        v = &vp;
        if (decode(data, size, v, &t) != 0)
            return 0;
    }

    /* Seeks in a random order, then next() through a play, then frame_at. */
    giflow_player *p = player(v, 1 + (seed >> 7) % 6);
    if (giflow_player_set_memory(p, data, size, 1) != GIFLOW_OK)
        abort();
    giflow_player_frame f;
    uint32_t span = t.n + 2;
    uint32_t want = 0; /* next() goes on from the last frame shown */
    for (int i = 0; i < 12; i++) {
        uint32_t k = fuzz_rand(&rng) % span;
        int r = giflow_player_seek(p, k, &f);
        check_frame(p, r, k, &f, &t);
        if (r == GIFLOW_OK)
            want = k + 1;
    }
    for (uint32_t i = 0; i < t.n + 1; i++) {
        int r = giflow_player_next(p, &f);
        if (r == GIFLOW_END || r == GIFLOW_ERR_LIMIT_MEMORY)
            break;
        if (r == GIFLOW_OK && f.index != want && f.index != 0)
            abort(); /* neither the next frame nor a new play */
        check_frame(p, r, r == GIFLOW_OK ? f.index : want, &f, &t);
        if (r != GIFLOW_OK)
            break;
        want = f.index + 1;
    }
    if (t.n && a.info.frames >= t.n) {
        uint64_t ms = a.f[t.n - 1].start_ms;
        int r = giflow_player_frame_at(p, ms, &f);
        if (r == GIFLOW_OK && a.f[f.index].start_ms != ms)
            abort(); /* frame_at() shows a frame that is not on at ms */
        if (r == GIFLOW_OK)
            check_frame(p, r, f.index, &f, &t);
    }
    giflow_player_free(p);

    /* Streaming: a growing prefix; frames already there are right. */
    p = player(v, 2);
    size_t have = 0;
    while (have < size) {
        have += 1 + fuzz_rand(&rng) % (size / 4 + 1);
        have = have > size ? size : have;
        if (giflow_player_set_memory(p, data, have, have == size) != GIFLOW_OK)
            abort();
        uint32_t k = fuzz_rand(&rng) % span;
        int r = giflow_player_seek(p, k, &f);
        if (r != GIFLOW_NEED_INPUT || have == size)
            check_frame(p, r, k, &f, &t);
    }
    giflow_player_free(p);
    return 0;
}
