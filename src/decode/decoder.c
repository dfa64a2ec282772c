/*
 * Decoder API: object lifetime, stages, rows of indices.
 */
#include <string.h>

#include "decoder.h"
#include "../common/api.h"

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

/* The public compile-time bound must hold, and stay close. */
_Static_assert(sizeof(struct giflow_decoder) <= GIFLOW_DECODER_STATE_SIZE,
               "the decoder state grew: raise GIFLOW_DECODER_STATE_SIZE in giflow.h");
_Static_assert(GIFLOW_DECODER_STATE_SIZE - sizeof(struct giflow_decoder) <= 256,
               "the decoder state shrank: lower GIFLOW_DECODER_STATE_SIZE in giflow.h");

static void limits_default(giflow_limits *limits)
{
    memset(limits, 0, sizeof *limits);
    limits->size = sizeof *limits;
    limits->max_canvas_pixels = (uint64_t)1 << 28;
    limits->max_frames = 1000000;
    limits->max_total_pixels = (uint64_t)1 << 36;
    limits->max_memory = (uint64_t)1 << 30;
    limits->max_metadata_bytes = (uint64_t)64 << 20;
    limits->max_extensions = 4000000;
}

void giflow_limits_init_size(giflow_limits *limits, size_t size)
{
    giflow_limits d;
    limits_default(&d);
    if (limits)
        giflow__struct_out(limits, size, &d, sizeof d);
}

#ifdef GIFLOW_CONFIG_NO_CANVAS
/* A build without the RGBA canvas: until a display is set, frames have no
 * output (giflow_decode_frame_rgba fails with GIFLOW_ERR_STATE; rows
 * work). */
static int none_begin(giflow_decoder *dec, uint8_t *out, size_t stride)
{
    (void)dec, (void)out, (void)stride;
    return GIFLOW_ERR_STATE;
}
static void none_release(giflow_decoder *dec)
{
    (void)dec;
}
static const giflow__renderer none_renderer = {none_begin, NULL, NULL, NULL, none_release,
                                               NULL, NULL};
#define DEFAULT_RENDERER (&none_renderer)
#else
#define DEFAULT_RENDERER (&giflow__canvas_renderer)
#endif

static void dec_init(giflow_decoder *dec)
{
    memset(dec, 0, GIFLOW__DEC_CLEARED);
    dec->pstate = P_HEADER;
    dec->stage = ST_START;
    dec->loop_count = -1;
    dec->gce_trans = -1;
    dec->lut_key = -1;
    dec->render = DEFAULT_RENDERER;
    dec->row_bpp = 1;
    limits_default(&dec->limits);
}

size_t giflow_decoder_state_size(void)
{
    return sizeof(struct giflow_decoder);
}

size_t giflow_decoder_static_size(uint32_t max_width)
{
    return ALIGN8(sizeof(struct giflow_decoder)) + max_width;
}

giflow_decoder *giflow_decoder_init_static(void *mem, size_t size)
{
    if (!mem || ((uintptr_t)mem & 7) || size < giflow_decoder_static_size(1))
        return NULL;
    giflow_decoder *dec = mem;
    dec_init(dec);
    /* heap.alloc.alloc stays NULL: this decoder never allocates. */
    dec->row = (uint8_t *)mem + ALIGN8(sizeof *dec);
    dec->row_cap = size - ALIGN8(sizeof *dec);
    dec->row_external = 1;
    return dec;
}

giflow_decoder *giflow_decoder_new(const giflow_allocator *alloc)
{
    giflow__heap heap;
    giflow__heap_init(&heap, alloc);
    giflow_decoder *dec = giflow__alloc(&heap, sizeof *dec, NULL);
    if (!dec)
        return NULL;
    dec_init(dec);
    dec->heap = heap;
    dec->heap.budget = dec->limits.max_memory;
    dec->self_owned = 1;
    return dec;
}

void giflow_decoder_free(giflow_decoder *dec)
{
    if (!dec)
        return;
    if (!dec->row_external)
        giflow__free(&dec->heap, dec->row, dec->row_cap);
    dec->render->release(dec);
    if (dec->self_owned) {
        giflow__heap heap = dec->heap;
        giflow__free(&heap, dec, sizeof *dec);
    }
}

int giflow_decoder_set_limits(giflow_decoder *dec, const giflow_limits *limits)
{
    if (!dec || !limits)
        return GIFLOW_ERR_ARG;
    if (dec->stage != ST_START)
        return GIFLOW_ERR_STATE;
    giflow_limits l;
    limits_default(&l);
    if (giflow__struct_in(&l, sizeof l, limits, GIFLOW__LIMITS_V0, 0) != GIFLOW_OK)
        return GIFLOW_ERR_ARG;
    dec->limits = l;
    dec->heap.budget = l.max_memory;
    return GIFLOW_OK;
}

int giflow_decoder_set_meta_callback(giflow_decoder *dec, giflow_meta_fn fn,
                                     void *user)
{
    if (!dec)
        return GIFLOW_ERR_ARG;
    dec->meta_fn = fn;
    dec->meta_user = user;
    return GIFLOW_OK;
}

int giflow_decoder_set_flags(giflow_decoder *dec, unsigned flags)
{
    if (!dec || (flags & ~(GIFLOW_FLAG_LENIENT_CODE_SIZE | GIFLOW_FLAG_MERGE_ZERO_DELAY |
                           GIFLOW_FLAG_SMALL_MEMORY | GIFLOW_FLAG_ZEROED_CANVAS)))
        return GIFLOW_ERR_ARG;
    dec->flags = flags;
    return GIFLOW_OK;
}

int giflow_decoder_set_scratch(giflow_decoder *dec, void *mem, size_t size)
{
    if (!dec || (!mem && size))
        return GIFLOW_ERR_ARG;
    if (!dec->restore_external)
        giflow__free(&dec->heap, dec->restore, dec->restore_cap);
    dec->restore = mem;
    dec->restore_cap = size;
    dec->restore_external = 1;
    return GIFLOW_OK;
}

size_t giflow_decoder_heap(const giflow_decoder *dec, size_t *peak)
{
    if (peak)
        *peak = dec ? dec->heap.peak : 0;
    return dec ? dec->heap.now : 0;
}

int giflow_decoder_loop_count(const giflow_decoder *dec)
{
    return dec ? dec->loop_count : -1;
}

static int check_args(giflow_decoder *dec, const giflow_input *in)
{
    if (!dec || !in || in->pos > in->size || (!in->src && in->size))
        return GIFLOW_ERR_ARG;
    return dec->status;
}

int giflow_decoder_set_source(giflow_decoder *dec, giflow_source *src)
{
    if (!dec)
        return GIFLOW_ERR_ARG;
    dec->source = src;
    dec->source_origin = src ? giflow_source_tell(src) - dec->offset : 0;
    return GIFLOW_OK;
}

int giflow__output_settable(const giflow_decoder *dec)
{
    if (dec->status)
        return dec->status;
    if (dec->stage == ST_START || dec->canvas_ready || dec->composing)
        return GIFLOW_ERR_STATE;
    return GIFLOW_OK;
}

void giflow__reset_renderer(giflow_decoder *dec)
{
    dec->render->release(dec);
    dec->render = DEFAULT_RENDERER;
    dec->render_state = NULL;
    dec->out_width = 0;
}

void giflow__remember_disposal(giflow_decoder *dec)
{
    const giflow_frame_info *f = &dec->frame;
    dec->prev_disposal = f->disposal;
    dec->prev_x = f->clip_x;
    dec->prev_y = f->clip_y;
    dec->prev_w = f->clip_width;
    dec->prev_h = f->clip_height;
}

giflow_input *giflow__input(giflow_decoder *dec, giflow_input *in)
{
    return in ? in : dec && dec->source ? &dec->source->in : NULL;
}

int giflow__pull_more(giflow_decoder *dec, const giflow_input *in, int *r)
{
    if (in || *r != GIFLOW_NEED_INPUT || !dec->source)
        return 0;
    int e = dec->source->in.eof ? GIFLOW_ERR_TRUNCATED : giflow_source_refill(dec->source);
    if (e != GIFLOW_OK)
        *r = giflow__fail(dec, e);
    return e == GIFLOW_OK;
}

/* Each public decode call runs its stage on the window in, or pulls. */
#define PULLED(dec, in, stage_call)                                                          \
    do {                                                                                     \
        giflow_input *w = giflow__input(dec, in);                                            \
        int r_;                                                                              \
        do                                                                                   \
            r_ = stage_call;                                                                 \
        while (giflow__pull_more(dec, in, &r_));                                             \
        return r_;                                                                           \
    } while (0)

static int image_info(giflow_decoder *dec, giflow_input *in, giflow_image_info *info)
{
    int r = check_args(dec, in), ev;
    if (r)
        return r;
    if (dec->stage == ST_START) {
        if ((r = giflow__parse(dec, in, &ev, 1)) != GIFLOW_OK) {
            /* What came before a failure still describes the file: a
             * caller after the palette alone can use it. */
            if (r < 0 && info) {
                int known = dec->pstate != P_HEADER && dec->pstate != P_GCT;
                if (known)
                    *info = dec->image;
                else
                    memset(info, 0, sizeof *info);
            }
            return r;
        }
        giflow_image_info *im = &dec->image;
        if (ev == EV_RECT) {
            /* The canvas grows to hold the first frame (browser model). */
            uint32_t x1 = dec->frame.x + dec->frame.width;
            uint32_t y1 = dec->frame.y + dec->frame.height;
            if (x1 > im->canvas_width)
                im->canvas_width = x1;
            if (y1 > im->canvas_height)
                im->canvas_height = y1;
            dec->ahead = AHEAD_FRAME;
        } else {
            dec->ahead = AHEAD_END;
        }
        uint64_t px = (uint64_t)im->canvas_width * im->canvas_height;
        /* Chromium refuses an image with no area (after growth). */
        if (info)
            *info = *im; /* also on the errors below: it says why */
        if (px == 0)
            return giflow__fail(dec, GIFLOW_ERR_EMPTY_IMAGE);
        if (dec->limits.max_canvas_pixels && px > dec->limits.max_canvas_pixels)
            return giflow__fail(dec, GIFLOW_ERR_LIMIT_CANVAS);
        dec->stage = ST_IMAGE;
    }
    if (info)
        *info = dec->image;
    return GIFLOW_OK;
}

int giflow_decode_image_info(giflow_decoder *dec, giflow_input *in,
                             giflow_image_info *info)
{
    PULLED(dec, in, image_info(dec, w, info));
}

static int max_code_size(const giflow_decoder *dec)
{
    return (dec->flags & GIFLOW_FLAG_LENIENT_CODE_SIZE) ? 11 : 8;
}

static uint32_t clip_span(uint32_t start, uint32_t len, uint32_t limit,
                          uint32_t *clipped_start)
{
    uint32_t s = start < limit ? start : limit;
    uint64_t e = (uint64_t)start + len;
    *clipped_start = s;
    return (uint32_t)((e < limit ? e : limit) - s);
}

/* Applies the graphic control, palette and limits to a new descriptor. */
int giflow__start_frame(giflow_decoder *dec)
{
    giflow_frame_info *f = &dec->frame;
    const giflow_limits *lim = &dec->limits;
    if (lim->max_frames && dec->frames_seen >= lim->max_frames)
        return giflow__fail(dec, GIFLOW_ERR_LIMIT_FRAMES);
    dec->total_pixels += (uint64_t)f->width * f->height;
    if (lim->max_total_pixels && dec->total_pixels > lim->max_total_pixels)
        return giflow__fail(dec, GIFLOW_ERR_LIMIT_PIXELS);
    f->index = dec->frames_seen++;

    /* A graphic control applies to this image only (last one wins). */
    f->delay_cs = dec->gce_seen ? dec->gce_delay : 0;
    f->disposal = dec->gce_seen ? dec->gce_disposal : 0;
    f->transparent_index = dec->gce_seen ? dec->gce_trans : -1;
    dec->gce_seen = 0;
    dec->gce_trans = -1;
    f->played_delay_ms = f->delay_cs <= 1 ? 100 : f->delay_cs * 10;

    if (f->has_local_palette) {
        f->palette = dec->lct;
        f->palette_size = dec->lct_size;
    } else if (dec->gct_size) {
        f->palette = dec->gct;
        f->palette_size = dec->gct_size;
    }
    f->clip_width = clip_span(f->x, f->width, dec->image.canvas_width, &f->clip_x);
    f->clip_height = clip_span(f->y, f->height, dec->image.canvas_height, &f->clip_y);
    if (f->disposal == 3 || f->disposal == 4)
        f->restore_bytes = (size_t)f->clip_width * f->clip_height * 4;

    dec->rows_done = dec->row_x = dec->row_y = 0;
    dec->pass = 0;
    dec->lzw_ready = 0;
    dec->composing = 0;
    dec->stage = ST_FRAME;
    return GIFLOW_OK;
}

static int frame_info(giflow_decoder *dec, giflow_input *in, giflow_frame_info *info)
{
    int r = check_args(dec, in), ev;
    if (r)
        return r;
    if (dec->stage == ST_START &&
        (r = image_info(dec, in, NULL)) != GIFLOW_OK)
        return r;
    if (dec->stage == ST_END)
        return GIFLOW_END;
    if (dec->ahead != AHEAD_FRAME) {
        if (dec->ahead == AHEAD_END) {
            dec->stage = ST_END;
            return GIFLOW_END;
        }
        /* Leaving a frame whose data was never started still needs a
         * valid code size, as in Chromium. */
        if ((dec->stage == ST_FRAME && !dec->lzw_ready) &&
            dec->frame.min_code_size > max_code_size(dec))
            return giflow__fail(dec, GIFLOW_ERR_BAD_CODE_SIZE);
        if ((r = giflow__parse(dec, in, &ev, 0)) != GIFLOW_OK)
            return r;
        if (ev == EV_END) {
            dec->stage = ST_END;
            return GIFLOW_END;
        }
    } else if (dec->pstate != P_DATA_LEN) {
        /* Stage 1 stopped at the first frame's rectangle: read the rest of
         * its descriptor (flags, local palette, code size). */
        if ((r = giflow__parse(dec, in, &ev, 0)) != GIFLOW_OK)
            return r;
    }
    dec->ahead = AHEAD_NONE;
    if ((r = giflow__start_frame(dec)) != GIFLOW_OK)
        return r;
    if (info)
        *info = dec->frame;
    return GIFLOW_OK;
}

static int ensure_row(giflow_decoder *dec, size_t width)
{
    if (dec->row_cap >= width)
        return GIFLOW_OK;
    if (dec->row_external)
        return giflow__fail(dec, GIFLOW_ERR_SMALL_BUFFER);
    int over;
    uint8_t *p = giflow__alloc(&dec->heap, width, &over);
    if (!p)
        return giflow__fail(dec, over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM);
    giflow__free(&dec->heap, dec->row, dec->row_cap);
    dec->row = p;
    dec->row_cap = width;
    return GIFLOW_OK;
}

static void advance_row(giflow_decoder *dec)
{
    static const uint8_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    dec->rows_done++;
    dec->row_x = 0;
    if (!dec->frame.interlaced) {
        dec->row_y++;
        return;
    }
    dec->row_y += step[dec->pass];
    while (dec->row_y >= dec->frame.height && dec->pass < 3) {
        dec->pass++;
        dec->row_y = start[dec->pass];
    }
}

int giflow__check_code_size(giflow_decoder *dec)
{
    if (!dec->lzw_ready && dec->frame.min_code_size > max_code_size(dec))
        return giflow__fail(dec, GIFLOW_ERR_BAD_CODE_SIZE);
    return GIFLOW_OK;
}

void giflow__start_lzw(giflow_decoder *dec, int mode, uint64_t total)
{
    if (dec->lzw_ready)
        return;
    giflow__lzw_init(&dec->lzw, (unsigned)dec->frame.min_code_size, mode, total);
    dec->lzw_ready = 1;
}

/* Decodes the next row into dec->row. Returns GIFLOW_OK with the row's y in
 * *y, GIFLOW_FRAME_END, GIFLOW_NEED_INPUT or an error. */
int giflow__next_row(giflow_decoder *dec, giflow_input *in, uint32_t *y)
{
    const giflow_frame_info *f = &dec->frame;
    int r;
    if (!dec->lzw_ready) {
        if ((r = giflow__check_code_size(dec)) != GIFLOW_OK ||
            (r = ensure_row(dec, giflow__row_bytes(f->width, dec->row_bpp))) != GIFLOW_OK)
            return r;
        giflow__start_lzw(dec, GIFLOW__LZW_INDEX, 0);
    }
    if (dec->rows_done >= f->height || f->width == 0) {
        if ((r = giflow__skip_data(dec, in)) != GIFLOW_OK)
            return r;
        dec->stage = ST_PIXELS_DONE;
        return GIFLOW_FRAME_END;
    }
    for (;;) {
        size_t used;
        size_t k = giflow__lzw_decode(&dec->lzw, dec->buf + dec->buf_pos,
                                      dec->buf_len - dec->buf_pos, &used,
                                      giflow__row_indices(dec) + dec->row_x,
                                      f->width - dec->row_x);
        dec->buf_pos += (unsigned)used;
        dec->row_x += (uint32_t)k;
        if (dec->row_x == f->width)
            break;
        if (dec->lzw.status == GIFLOW__LZW_BAD_CODE)
            return giflow__fail(dec, GIFLOW_ERR_BAD_CODE);
        if (dec->lzw.status == GIFLOW__LZW_EOI)
            return giflow__fail(dec, GIFLOW_ERR_MISSING_PIXELS);
        r = giflow__read_data(dec, in);
        if (r == GIFLOW_END)
            return giflow__fail(dec, GIFLOW_ERR_MISSING_PIXELS);
        if (r != GIFLOW_OK)
            return r;
    }
    *y = dec->row_y;
    advance_row(dec);
    return GIFLOW_OK;
}

int giflow__skip_pixels(giflow_decoder *dec, giflow_input *in)
{
    int r = giflow__check_code_size(dec);
    if (r != GIFLOW_OK)
        return r;
    r = giflow__skip_data(dec, in);
    if (r != GIFLOW_OK)
        return r;
    dec->stage = ST_PIXELS_DONE;
    return GIFLOW_FRAME_END;
}

static int decode_row(giflow_decoder *dec, giflow_input *in, giflow_row *row)
{
    int r = check_args(dec, in);
    if (r)
        return r;
    if (!row)
        return GIFLOW_ERR_ARG;
    if (dec->stage == ST_PIXELS_DONE)
        return GIFLOW_FRAME_END;
    if (dec->stage != ST_FRAME)
        return GIFLOW_ERR_STATE;
    int pass = dec->pass;
    uint32_t y = 0;
    if ((r = giflow__next_row(dec, in, &y)) != GIFLOW_OK)
        return r;
    row->y = y;
    row->width = dec->frame.width;
    row->indices = giflow__row_indices(dec);
    row->pass = dec->frame.interlaced ? pass : 0;
    return GIFLOW_OK;
}

uint32_t giflow_decoder_partial_row(const giflow_decoder *dec, uint32_t *y)
{
    if (y)
        *y = dec ? dec->row_y : 0;
    return dec ? dec->row_x : 0;
}

int giflow_decoder_dispose(const giflow_decoder *dec, uint8_t *canvas, size_t stride)
{
    if (!dec || !canvas)
        return GIFLOW_ERR_ARG;
    if (stride / 4 < (dec->out_width ? dec->out_width : dec->image.canvas_width))
        return GIFLOW_ERR_ARG;
    if ((dec->composing && dec->stage == ST_FRAME) || !dec->render->dispose)
        return GIFLOW_ERR_STATE; /* a frame is half drawn, or nothing is kept */
    dec->render->dispose(dec, canvas, stride);
    return GIFLOW_OK;
}

int giflow_decoder_restart(giflow_decoder *dec, const giflow_restart *r)
{
    if (!dec || !r || r->disposal < 0 || r->disposal > 7 || r->transparent_index < -1 ||
        r->transparent_index > 255 || r->delay_cs > 0xFFFF)
        return GIFLOW_ERR_ARG;
    if (dec->stage == ST_START)
        return dec->status ? dec->status : GIFLOW_ERR_STATE;
    if (!dec->render->restart)
        return GIFLOW_ERR_STATE;
    /* Where the stream is: a block starts at r->offset, and the graphic
     * control read before it is r's. */
    dec->status = 0;
    dec->pstate = P_BLOCK;
    dec->tmp_len = 0;
    dec->need = dec->count = 0;
    dec->offset = r->offset;
    dec->buf_len = dec->buf_pos = 0;
    dec->data_end = 0;
    dec->gce_seen = 1;
    dec->gce_delay = r->delay_cs;
    dec->gce_disposal = r->disposal;
    dec->gce_trans = r->transparent_index;
    /* Which frame comes next, and what it is drawn over. */
    dec->stage = ST_IMAGE;
    dec->ahead = AHEAD_NONE;
    dec->merging = 0;
    dec->frames_seen = r->index;
    dec->total_pixels = 0;
    dec->lzw_ready = dec->composing = 0;
    dec->canvas_ready = !r->fresh;
    dec->clear_pending = dec->fresh_canvas = 0;
    dec->prev_disposal = 0;
    dec->render->restart(dec);
    return GIFLOW_OK;
}

const giflow_frame_info *giflow_decoder_current_frame(const giflow_decoder *dec)
{
    return dec && dec->frames_seen ? &dec->frame : NULL;
}

#ifndef GIFLOW_CONFIG_ROWS_ONLY
/* With GIFLOW_FLAG_MERGE_ZERO_DELAY: after a zero-delay image, looks ahead
 * for another image to draw into the same displayed frame. Returns
 * GIFLOW_OK when one was started, GIFLOW_FRAME_END when the group is done,
 * GIFLOW_NEED_INPUT or an error. */
static int merge_next(giflow_decoder *dec, giflow_input *in)
{
    int ev, r;
    if ((r = giflow__parse(dec, in, &ev, 0)) != GIFLOW_OK)
        return r;
    dec->merging = 0;
    if (ev == EV_END) {
        dec->ahead = AHEAD_END;
        return GIFLOW_FRAME_END;
    }
    return giflow__start_frame(dec);
}

/* The compose stage: the current frame through the renderer. */
static int compose(giflow_decoder *dec, giflow_input *in, uint8_t *canvas, size_t stride)
{
    const giflow__renderer *rd = dec->render;
    int r;
    if (dec->merging) {
        if ((r = merge_next(dec, in)) != GIFLOW_OK)
            return r;
    } else if (dec->stage == ST_PIXELS_DONE && dec->composing) {
        return GIFLOW_FRAME_END;
    }
    if (dec->stage != ST_FRAME)
        return GIFLOW_ERR_STATE;
    if (!dec->composing) {
        if ((r = rd->begin(dec, canvas, stride)) != GIFLOW_OK)
            return r;
        dec->composing = 1;
    }
    for (;;) {
        r = rd->frame(dec, in, canvas, stride);
        if (r != GIFLOW_FRAME_END) {
            rd->unwritten(dec, canvas, stride, r < 0);
            return r;
        }
        dec->clear_pending = 0;
        rd->end(dec);
        if (!(dec->flags & GIFLOW_FLAG_MERGE_ZERO_DELAY) || dec->frame.delay_cs != 0)
            return r;
        /* A zero-delay image joins the next one's frame. */
        dec->merging = 1;
        if ((r = merge_next(dec, in)) != GIFLOW_OK)
            return r;
        if ((r = rd->begin(dec, canvas, stride)) != GIFLOW_OK)
            return r;
        dec->composing = 1;
    }
}

#endif

static int frame_rgba(giflow_decoder *dec, giflow_input *in, uint8_t *canvas, size_t stride)
{
    int r = check_args(dec, in);
    if (r)
        return r;
    uint32_t width = dec->out_width ? dec->out_width : dec->image.canvas_width;
    if (!canvas || stride / 4 < width)
        return GIFLOW_ERR_ARG;
#ifdef GIFLOW_CONFIG_NO_CANVAS
    return GIFLOW_ERR_STATE;
#else
    if (dec->render == &giflow__display_renderer)
        return GIFLOW_ERR_STATE;
    return compose(dec, in, canvas, stride);
#endif
}

static int frame_draw(giflow_decoder *dec, giflow_input *in)
{
    int r = check_args(dec, in);
    if (r)
        return r;
#ifdef GIFLOW_CONFIG_ROWS_ONLY
    return GIFLOW_ERR_STATE; /* no display output in this build */
#else
    if (dec->render != &giflow__display_renderer)
        return GIFLOW_ERR_STATE;
    return compose(dec, in, NULL, 0);
#endif
}

int giflow_decode_frame_info(giflow_decoder *dec, giflow_input *in, giflow_frame_info *info)
{
    PULLED(dec, in, frame_info(dec, w, info));
}

int giflow_decode_row(giflow_decoder *dec, giflow_input *in, giflow_row *row)
{
    PULLED(dec, in, decode_row(dec, w, row));
}

int giflow_decode_frame_rgba(giflow_decoder *dec, giflow_input *in, uint8_t *canvas,
                             size_t stride)
{
    PULLED(dec, in, frame_rgba(dec, w, canvas, stride));
}

int giflow_decode_frame_draw(giflow_decoder *dec, giflow_input *in)
{
    PULLED(dec, in, frame_draw(dec, w));
}
