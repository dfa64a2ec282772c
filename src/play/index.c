/*
 * Frame index: one pass over the stream as bytes arrive, recording where
 * each frame starts and what it needs to be drawn. It decodes no pixels:
 * image data is skipped to its terminator, which is also when a frame
 * counts as complete (the browser model: a frame cut short is not shown).
 */
#include <string.h>

#include "play.h"

struct giflow_index {
    giflow__heap heap;
    giflow_decoder *dec;      /* parses only: never allocates past itself */
    giflow_image_info image;
    int have_image;
    giflow__ixent *e;         /* e[0..n) complete, e[n] pending if pending */
    uint32_t n, cap;
    int pending;
    uint64_t duration_ms, work;
    int base_clear;           /* the next frame is drawn over a clear canvas */
    int status;               /* 0 while open, else GIFLOW_END or the error */
};

giflow_index *giflow_index_new(const giflow_allocator *alloc)
{
    giflow__heap heap;
    giflow__heap_init(&heap, alloc);
    giflow_index *ix = giflow__alloc(&heap, sizeof *ix, NULL);
    if (!ix)
        return NULL;
    memset(ix, 0, sizeof *ix);
    ix->heap = heap;
    ix->base_clear = 1;
    ix->dec = giflow_decoder_new(alloc);
    if (!ix->dec) {
        giflow__free(&ix->heap, ix, sizeof *ix);
        return NULL;
    }
    return ix;
}

void giflow_index_free(giflow_index *ix)
{
    if (!ix)
        return;
    giflow_decoder_free(ix->dec);
    giflow__free(&ix->heap, ix->e, (size_t)ix->cap * sizeof *ix->e);
    giflow__heap heap = ix->heap;
    giflow__free(&heap, ix, sizeof *ix);
}

int giflow_index_set_limits(giflow_index *ix, const giflow_limits *limits)
{
    if (!ix || !limits)
        return GIFLOW_ERR_ARG;
    if (ix->have_image || ix->status)
        return GIFLOW_ERR_STATE;
    int r = giflow_decoder_set_limits(ix->dec, limits);
    if (r == GIFLOW_OK)
        ix->heap.budget = ix->dec->limits.max_memory;
    return r;
}

int giflow_index_set_flags(giflow_index *ix, unsigned flags)
{
    if (!ix || (flags & GIFLOW_FLAG_MERGE_ZERO_DELAY))
        return GIFLOW_ERR_ARG; /* merged frames have no offset of their own */
    return giflow_decoder_set_flags(ix->dec, flags);
}

static int finish(giflow_index *ix, int status)
{
    ix->status = status;
    ix->pending = 0;
    return status;
}

static int grow(giflow_index *ix)
{
    if (ix->n < ix->cap)
        return GIFLOW_OK;
    uint32_t cap = ix->cap ? ix->cap * 2 : 64;
    int over;
    giflow__ixent *e = giflow__alloc(&ix->heap, (size_t)cap * sizeof *e, &over);
    if (!e)
        return over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM;
    if (ix->n)
        memcpy(e, ix->e, (size_t)ix->n * sizeof *e);
    giflow__free(&ix->heap, ix->e, (size_t)ix->cap * sizeof *e);
    ix->e = e;
    ix->cap = cap;
    return GIFLOW_OK;
}

static int covers_canvas(const giflow_index *ix, const giflow_frame_info *f)
{
    return f->clip_x == 0 && f->clip_y == 0 && f->clip_width == ix->image.canvas_width &&
           f->clip_height == ix->image.canvas_height;
}

/* A frame's descriptor is read: record it, pending until its data ends. */
static int add(giflow_index *ix, const giflow_frame_info *f)
{
    int r = grow(ix);
    if (r != GIFLOW_OK)
        return r;
    giflow__ixent *e = &ix->e[ix->n];
    memset(e, 0, sizeof *e);
    e->offset = f->offset;
    e->start_ms = ix->duration_ms;
    e->x = (uint16_t)f->x, e->y = (uint16_t)f->y;
    e->w = (uint16_t)f->width, e->h = (uint16_t)f->height;
    e->cx = (uint16_t)f->clip_x, e->cy = (uint16_t)f->clip_y;
    e->cw = (uint16_t)f->clip_width, e->ch = (uint16_t)f->clip_height;
    e->delay_cs = (uint16_t)f->delay_cs;
    e->trans = (int16_t)f->transparent_index;
    e->disposal = (uint8_t)f->disposal;
    e->played_ms = f->played_delay_ms;
    int cover = covers_canvas(ix, f);
    int opaque = !giflow__has_transparency(f);
    /* Decoding can start here on a fresh canvas if what lies under the
     * frame is clear, or if the frame hides all of it. A frame that
     * restores what was under it cannot: the next one would need that. */
    if (ix->base_clear || (cover && opaque && f->disposal != 3 && f->disposal != 4))
        e->flags |= GIFLOW__IX_KEY;
    e->key = (e->flags & GIFLOW__IX_KEY) || !ix->n ? ix->n : ix->e[ix->n - 1].key;
    if (f->interlaced)
        e->flags |= GIFLOW__IX_INTERLACED;
    if (cover)
        e->flags |= GIFLOW__IX_COVER;
    ix->pending = 1;
    return GIFLOW_OK;
}

/* The pending frame's data has ended: it is complete. */
static void commit(giflow_index *ix)
{
    giflow__ixent *e = &ix->e[ix->n];
    uint64_t area = (uint64_t)e->cw * e->ch;
    /* Decode cost, roughly: pixels written plus compressed bytes read. */
    ix->work += area + 4 * (ix->dec->offset - e->offset);
    e->work = ix->work;
    ix->duration_ms += e->played_ms;
    if (e->disposal == 2)
        ix->base_clear = ix->base_clear || (e->flags & GIFLOW__IX_COVER);
    else if (e->disposal != 3 && e->disposal != 4 && area)
        ix->base_clear = 0;
    ix->n++;
    ix->pending = 0;
}

int giflow_index_feed(giflow_index *ix, giflow_input *in)
{
    if (!ix || !in || in->pos > in->size || (!in->src && in->size))
        return GIFLOW_ERR_ARG;
    if (ix->status)
        return ix->status;
    int r;
    if (!ix->have_image) {
        r = giflow_decode_image_info(ix->dec, in, &ix->image);
        if (r == GIFLOW_NEED_INPUT)
            return r;
        if (r != GIFLOW_OK)
            return finish(ix, r);
        ix->have_image = 1;
    }
    for (;;) {
        if (ix->pending) {
            r = giflow__skip_pixels(ix->dec, in);
            if (r == GIFLOW_NEED_INPUT)
                return r;
            if (r != GIFLOW_FRAME_END)
                return finish(ix, r);
            commit(ix);
        }
        giflow_frame_info f;
        r = giflow_decode_frame_info(ix->dec, in, &f);
        if (r == GIFLOW_NEED_INPUT)
            return r;
        if (r == GIFLOW_OK)
            r = add(ix, &f);
        if (r != GIFLOW_OK)
            return finish(ix, r);
    }
}

int giflow_index_get_info(const giflow_index *ix, giflow_index_info *info)
{
    if (!ix || !info)
        return GIFLOW_ERR_ARG;
    memset(info, 0, sizeof *info);
    if (ix->have_image) {
        info->canvas_width = ix->image.canvas_width;
        info->canvas_height = ix->image.canvas_height;
    }
    info->frames = ix->n;
    info->duration_ms = ix->duration_ms;
    info->loop_count = giflow_decoder_loop_count(ix->dec);
    info->final = ix->status != 0;
    info->status = ix->status ? ix->status : GIFLOW_NEED_INPUT;
    info->bytes = ix->dec->offset;
    return ix->have_image ? GIFLOW_OK : ix->status < 0 ? ix->status : GIFLOW_NEED_INPUT;
}

int giflow_index_get_frame(const giflow_index *ix, uint32_t k, giflow_index_frame *out)
{
    if (!ix || !out)
        return GIFLOW_ERR_ARG;
    if (k >= ix->n)
        return ix->status ? GIFLOW_END : GIFLOW_NEED_INPUT;
    const giflow__ixent *e = &ix->e[k];
    memset(out, 0, sizeof *out);
    out->offset = e->offset;
    out->start_ms = e->start_ms;
    out->x = e->x, out->y = e->y, out->width = e->w, out->height = e->h;
    out->delay_cs = e->delay_cs;
    out->played_delay_ms = e->played_ms;
    out->disposal = e->disposal;
    out->transparent_index = e->trans;
    out->interlaced = (e->flags & GIFLOW__IX_INTERLACED) != 0;
    out->keyframe = (e->flags & GIFLOW__IX_KEY) != 0;
    return GIFLOW_OK;
}

int giflow_index_find(const giflow_index *ix, uint64_t ms, uint32_t *k)
{
    if (!ix || !k)
        return GIFLOW_ERR_ARG;
    if (!ix->n)
        return ix->status ? GIFLOW_END : GIFLOW_NEED_INPUT;
    int loops = giflow_decoder_loop_count(ix->dec);
    uint64_t d = ix->duration_ms;
    if (ms >= d) {
        if (!ix->status)
            return GIFLOW_NEED_INPUT; /* more frames may come */
        /* Browsers: no loop block plays once, 0 loops forever, N plays
         * N + 1 times; then the last frame stays. */
        uint64_t plays = loops < 0 ? 1 : (uint64_t)loops + 1;
        if (loops != 0 && ms / d >= plays) {
            *k = ix->n - 1;
            return GIFLOW_OK;
        }
        ms %= d;
    }
    uint32_t lo = 0, hi = ix->n - 1; /* last frame starting at or before ms */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (ix->e[mid].start_ms <= ms)
            lo = mid;
        else
            hi = mid - 1;
    }
    *k = lo;
    return GIFLOW_OK;
}

const giflow__ixent *giflow__index_entries(const giflow_index *ix, uint32_t *n, int *pending)
{
    *n = ix->n;
    if (pending)
        *pending = ix->pending;
    return ix->e;
}

const giflow_image_info *giflow__index_image(const giflow_index *ix)
{
    return ix->have_image ? &ix->image : NULL;
}

size_t giflow__index_state_size(void)
{
    return sizeof(struct giflow_index);
}

uint64_t giflow__index_offset(const giflow_index *ix)
{
    return ix->dec->offset;
}

int giflow__index_status(const giflow_index *ix)
{
    return ix->status;
}

void giflow__index_truncate(giflow_index *ix, uint32_t n, int status)
{
    if (n < ix->n) {
        ix->n = n;
        ix->duration_ms = n ? ix->e[n - 1].start_ms + ix->e[n - 1].played_ms : 0;
    }
    if (!ix->status || ix->status == GIFLOW_END)
        finish(ix, status);
}
