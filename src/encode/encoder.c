/*
 * Encoder API: options, output, the one-frame-behind queue and timing.
 * Frame encoding and the stream header are in frame.c.
 */
#include <string.h>

#include "encoder.h"
#include "../common/api.h"

static void options_default(giflow_encode_options *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->loop_count = 0;
    o->palette = GIFLOW_PALETTE_AUTO;
    o->max_colors = 256;
    o->dither = GIFLOW_DITHER_NONE;
    o->effort = GIFLOW_EFFORT_FASTEST;
    o->alpha_threshold = 128;
    o->optimize = 1;
    o->min_delay_cs = 2;
    o->denoise = 23;
    o->denoise_frames = 4;
}

void giflow_encode_options_init_size(giflow_encode_options *o, size_t size)
{
    giflow_encode_options d;
    options_default(&d);
    if (o)
        giflow__struct_out(o, size, &d, sizeof d);
}

/* The quality knob's anchors (giflow.h lists them); values between two
 * anchors are interpolated. Each step down uses the tools in the order
 * that cost the least quality per byte saved on the bench clips: first
 * lossy LZW, then stronger denoising and the lossy screen match, then
 * fewer colours. */
static const struct quality_anchor {
    int q, denoise, lossy_lzw, lossy, colors;
} quality_anchors[] = {
    {1, 100, 20, 32, 16},   {10, 95, 16, 24, 32},   {20, 90, 12, 20, 48},
    {30, 80, 10, 16, 64},   {40, 70, 8, 12, 96},    {50, 55, 8, 10, 128},
    {60, 42, 7, 7, 192},    {70, 32, 6, 4, 256},    {80, 26, 4, 2, 256},
    {90, 23, 2, 0, 256},    {95, 23, 0, 0, 256},    {100, 0, 0, 0, 256},
};

static int lerp(int a, int b, int t, int n)
{
    return a + ((b - a) * t + (b > a ? n / 2 : -(n / 2))) / n;
}

int giflow_encode_options_quality(giflow_encode_options *o, int quality)
{
    giflow_encode_options d;
    options_default(&d);
    if (!o || quality < 1 || quality > 100 ||
        giflow__struct_in(&d, sizeof d, o, GIFLOW__ENCODE_OPTIONS_V0, 0) != GIFLOW_OK)
        return GIFLOW_ERR_ARG;
    const struct quality_anchor *a = quality_anchors;
    while (a[1].q < quality)
        a++;
    const struct quality_anchor *b = a + 1;
    int t = quality - a->q, n = b->q - a->q;
    if (quality == a->q)
        b = a, t = 0, n = 1;
    d.denoise = lerp(a->denoise, b->denoise, t, n);
    d.lossy_lzw = lerp(a->lossy_lzw, b->lossy_lzw, t, n);
    d.lossy = lerp(a->lossy, b->lossy, t, n);
    d.max_colors = (uint32_t)lerp(a->colors, b->colors, t, n);
    giflow__struct_out(o, o->size, &d, sizeof d);
    return GIFLOW_OK;
}

giflow_encoder *giflow_encoder_new(const giflow_allocator *alloc)
{
    giflow__heap heap;
    giflow__heap_init(&heap, alloc);
    giflow_encoder *enc = giflow__alloc(&heap, sizeof *enc, NULL);
    if (!enc)
        return NULL;
    memset(enc, 0, sizeof *enc);
    enc->heap = heap;
    giflow__gw_init(&enc->out, &enc->heap, &enc->status);
    options_default(&enc->opt);
    return enc;
}

#define FREE(p, n)                                      \
    do {                                                \
        giflow__free(&enc->heap, (p), (n));             \
        (p) = NULL;                                     \
    } while (0)

static void free_buffers(giflow_encoder *enc)
{
    size_t px = enc->opt.row_streaming ? 0 : (size_t)enc->w * enc->h;
    FREE(enc->shown, px * 4);
    FREE(enc->prev, px * 4);
    FREE(enc->pend, px * 4);
    FREE(enc->next, px * 4);
    FREE(enc->dirty, px);
    FREE(enc->idx, (size_t)enc->w * 3);
    FREE(enc->quant_mem, giflow__quant_bytes());
    FREE(enc->remap_mem, giflow__remap_bytes());
    FREE(enc->gremap_mem, giflow__remap_bytes());
    FREE(enc->dither_mem, giflow__dither_bytes(enc->w));
    FREE(enc->lzw, sizeof *enc->lzw);
    FREE(enc->lossy_lim, (size_t)enc->w * sizeof *enc->lossy_lim);
    FREE(enc->dn_mem, giflow__dn_bytes(enc->w, enc->h, (unsigned)enc->opt.denoise_frames));
    FREE(enc->dn, sizeof *enc->dn);
}

void giflow_encoder_free(giflow_encoder *enc)
{
    if (!enc)
        return;
    free_buffers(enc);
    giflow__gw_release(&enc->out);
    giflow__heap heap = enc->heap;
    giflow__free(&heap, enc, sizeof *enc);
}

int giflow_encoder_set_output(giflow_encoder *enc, giflow_write_fn fn, void *user)
{
    if (!enc || !fn)
        return GIFLOW_ERR_ARG;
    if (enc->stage != ENC_CREATED)
        return GIFLOW_ERR_STATE;
    giflow__gw_set_callback(&enc->out, fn, user);
    return GIFLOW_OK;
}

int giflow_encoder_set_output_memory(giflow_encoder *enc)
{
    if (!enc)
        return GIFLOW_ERR_ARG;
    if (enc->stage != ENC_CREATED)
        return GIFLOW_ERR_STATE;
    giflow__gw_set_memory(&enc->out);
    return GIFLOW_OK;
}

const uint8_t *giflow_encoder_output(const giflow_encoder *enc, size_t *size)
{
    if (size)
        *size = enc ? enc->out.mem_len : 0;
    return enc ? enc->out.mem : NULL;
}

static int check_options(const giflow_encode_options *o)
{
    if (o->width < 1 || o->width > 65535 || o->height < 1 || o->height > 65535 ||
        o->max_colors < 2 || o->max_colors > 256 || o->loop_count > 65535 ||
        o->palette < GIFLOW_PALETTE_AUTO || o->palette > GIFLOW_PALETTE_LOCAL ||
        o->dither < GIFLOW_DITHER_NONE || o->dither > GIFLOW_DITHER_ORDERED ||
        (o->global_palette && (o->global_palette_size < 1 || o->global_palette_size > 256)) ||
        (o->comment && !o->comment_size) || o->lossy < 0 || o->lossy > 64 ||
        o->effort < GIFLOW_EFFORT_FASTEST || o->effort > GIFLOW_EFFORT_BEST ||
        o->denoise < 0 || o->denoise > 100 || o->denoise_frames < 3 ||
        o->denoise_frames > GIFLOW__DN_MAX || o->lossy_lzw < 0 || o->lossy_lzw > 64 ||
        o->tune < GIFLOW_TUNE_PSNR || o->tune > GIFLOW_TUNE_SSIM)
        return GIFLOW_ERR_ARG;
    return GIFLOW_OK;
}

static void *take(giflow_encoder *enc, size_t size, int *failed)
{
    int over;
    void *p = giflow__alloc(&enc->heap, size, &over);
    if (!p && !*failed)
        *failed = over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM;
    return p;
}

int giflow_encode_begin(giflow_encoder *enc, const giflow_encode_options *opt)
{
    if (!enc || !opt)
        return GIFLOW_ERR_ARG;
    if (enc->status)
        return enc->status;
    if (enc->stage != ENC_CREATED)
        return GIFLOW_ERR_STATE;
    giflow_encode_options o;
    options_default(&o);
    int r = giflow__struct_in(&o, sizeof o, opt, GIFLOW__ENCODE_OPTIONS_V0, 0);
    if (r != GIFLOW_OK || (r = check_options(&o)) != GIFLOW_OK)
        return r;
    enc->opt = o;
    opt = &enc->opt;
    enc->w = opt->width;
    enc->h = opt->height;
    /* Whole frames need four canvases (the screen, the previous, pending and
     * incoming sources); row streaming needs rows only. */
    size_t px = opt->row_streaming ? 0 : (size_t)enc->w * enc->h;
    int failed = 0;
    if (px) {
        enc->shown = take(enc, px * 4, &failed);
        enc->prev = take(enc, px * 4, &failed);
        enc->pend = take(enc, px * 4, &failed);
        enc->next = take(enc, px * 4, &failed);
        enc->dirty = take(enc, px, &failed);
    }
    enc->idx = take(enc, (size_t)enc->w * 3, &failed);
    enc->quant_mem = take(enc, giflow__quant_bytes(), &failed);
    if (px) /* local palettes: whole frames only */
        enc->remap_mem = take(enc, giflow__remap_bytes(), &failed);
    enc->gremap_mem = take(enc, giflow__remap_bytes(), &failed);
    enc->dither_mem = take(enc, giflow__dither_bytes(enc->w), &failed);
    enc->lzw = take(enc, sizeof *enc->lzw, &failed);
    if (px && opt->lossy_lzw)
        enc->lossy_lim = take(enc, (size_t)enc->w * sizeof *enc->lossy_lim, &failed);
    if (px && opt->denoise) {
        enc->dn = take(enc, sizeof *enc->dn, &failed);
        enc->dn_mem = take(enc, giflow__dn_bytes(enc->w, enc->h, (unsigned)opt->denoise_frames),
                           &failed);
        if (enc->dn && enc->dn_mem)
            giflow__dn_init(enc->dn, enc->dn_mem, enc->w, enc->h,
                            (unsigned)opt->denoise_frames, opt->denoise, opt->alpha_threshold);
    }
    if (failed) {
        free_buffers(enc);
        return giflow__enc_fail(enc, failed);
    }
    if (px)
        memset(enc->shown, 0, px * 4);
    memset(enc->lzw, 0, sizeof *enc->lzw);
    enc->quant = giflow__quant_init(enc->quant_mem);
    giflow__quant_set_effort(enc->quant, opt->effort);
    giflow__quant_set_tune(enc->quant, opt->tune);
    if (opt->global_palette) {
        enc->global.n = opt->global_palette_size;
        memcpy(enc->global.rgb, opt->global_palette, 3 * (size_t)enc->global.n);
        enc->have_global = 1;
        enc->global_mse = 1e300; /* never second-guess a caller's palette */
    }
    enc->stage = ENC_BEGUN;
    return GIFLOW_OK;
}

/* Copies a frame into dst as RGBA (indexed frames through their palette,
 * the transparent index becoming alpha 0). */
static int load_frame(const giflow_encoder *enc, const giflow_frame *f, uint8_t *dst)
{
    const uint32_t w = enc->w, h = enc->h;
    if (f->rgba) {
        size_t stride = f->stride ? f->stride : (size_t)w * 4;
        if (stride < (size_t)w * 4)
            return GIFLOW_ERR_ARG;
        for (uint32_t y = 0; y < h; y++)
            memcpy(dst + (size_t)y * w * 4, f->rgba + (size_t)y * stride, (size_t)w * 4);
        return GIFLOW_OK;
    }
    if (!f->indices || !f->palette || f->palette_size < 1 || f->palette_size > 256)
        return GIFLOW_ERR_ARG;
    size_t stride = f->index_stride ? f->index_stride : w;
    if (stride < w)
        return GIFLOW_ERR_ARG;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *s = f->indices + (size_t)y * stride;
        uint8_t *d = dst + (size_t)y * w * 4;
        for (uint32_t x = 0; x < w; x++) {
            uint8_t i = s[x];
            if ((int)i == f->transparent_index) {
                memset(d + 4 * x, 0, 4);
            } else {
                /* Out-of-range indices show as opaque black, as decoders do. */
                if (i < f->palette_size)
                    memcpy(d + 4 * x, f->palette + 3 * i, 3);
                else
                    memset(d + 4 * x, 0, 3);
                d[4 * x + 3] = 255;
            }
        }
    }
    return GIFLOW_OK;
}

static int64_t ms_to_cs(int64_t ms)
{
    return ms >= 0 ? (ms + 5) / 10 : -((-ms + 5) / 10);
}

/* Writes the pending frame, then makes next the pending one. */
static int flush_pending(giflow_encoder *enc, uint32_t delay_cs, const uint8_t *next)
{
    int r = giflow__enc_frame(enc, delay_cs, next);
    if (r != GIFLOW_OK)
        return giflow__enc_fail(enc, r);
    uint8_t *t = enc->prev;
    enc->prev = enc->pend;
    enc->pend = t;
    enc->have_prev = 1;
    enc->have_pend = 0;
    return GIFLOW_OK;
}

/* Takes enc->next (a frame, after denoising) into the one-behind queue:
 * the pending frame is written now, unless the new one only extends it. */
static int queue_frame(giflow_encoder *enc, const struct giflow__enc_timing *f)
{
    int r;
    int64_t start_cs = 0;
    if (f->time_mode == GIFLOW_TIME_DURATION_MS) {
        start_cs = ms_to_cs(enc->clock_ms);
        enc->clock_ms += f->duration_ms;
    } else if (f->time_mode == GIFLOW_TIME_TIMESTAMP_MS) {
        start_cs = ms_to_cs(f->timestamp_ms);
    }
    if (enc->have_pend) {
        size_t bytes = (size_t)enc->w * enc->h * 4;
        int same = !memcmp(enc->next, enc->pend, bytes);
        if (f->time_mode == GIFLOW_TIME_DELAY_CS) {
            if (same && enc->pend_delay_cs + f->delay_cs <= 65535) {
                enc->pend_delay_cs += f->delay_cs; /* identical: one longer frame */
                return GIFLOW_OK;
            }
            r = flush_pending(enc, enc->pend_delay_cs, enc->next);
        } else {
            int64_t delay = start_cs - enc->pend_start_cs;
            /* Too short to play correctly, or nothing new: this frame's
             * time goes to the one before. */
            if (same || delay < (int64_t)enc->opt.min_delay_cs)
                return GIFLOW_OK;
            r = flush_pending(enc, (uint32_t)(delay > 65535 ? 65535 : delay), enc->next);
        }
        if (r != GIFLOW_OK)
            return r;
    }
    /* next becomes the pending frame (buffers rotate, nothing is copied). */
    uint8_t *t = enc->pend;
    enc->pend = enc->next;
    enc->next = t;
    enc->have_pend = 1;
    enc->pend_start_cs = start_cs;
    enc->pend_delay_cs = f->delay_cs;
    return GIFLOW_OK;
}

/* The oldest frame of the denoising window, denoised, enters the queue. */
static int emit_denoised(giflow_encoder *enc)
{
    struct giflow__enc_timing t = enc->dn_timing[enc->dn->head];
    giflow__dn_emit(enc->dn, enc->next);
    return queue_frame(enc, &t);
}

int giflow_encode_sample(giflow_encoder *enc, const giflow_frame *frame)
{
    giflow_frame fr, *f = &fr;
    if (!enc || !frame || giflow__frame_in(f, frame) != GIFLOW_OK)
        return GIFLOW_ERR_ARG;
    if (enc->status)
        return enc->status;
    if (enc->stage != ENC_BEGUN || enc->stats.frames_in || enc->opt.row_streaming)
        return GIFLOW_ERR_STATE;
    if (enc->have_global || enc->opt.palette == GIFLOW_PALETTE_LOCAL)
        return GIFLOW_OK;
    int r = load_frame(enc, f, enc->next);
    if (r != GIFLOW_OK)
        return r;
    size_t n = (size_t)enc->w * enc->h;
    if (!enc->samples) {
        giflow__quant_reset(enc->quant);
        giflow__colorset_init(&enc->sample_set, enc->opt.max_colors - 1);
    }
    const size_t st = (size_t)enc->w * 4;
    for (uint32_t y = 0; y < enc->h; y++)
        giflow__quant_add_smooth(enc->quant, enc->next + y * st, enc->w,
                                 y + 1 < enc->h ? enc->next + (y + 1) * st : NULL,
                                 enc->opt.alpha_threshold);
    if (!enc->sample_set.overflow)
        giflow__colorset_add(&enc->sample_set, enc->next, n, enc->opt.alpha_threshold);
    enc->samples++;
    return GIFLOW_OK;
}

int giflow_encode_frame(giflow_encoder *enc, const giflow_frame *frame)
{
    giflow_frame fr, *f = &fr;
    if (!enc || !frame || giflow__frame_in(f, frame) != GIFLOW_OK)
        return GIFLOW_ERR_ARG;
    if (enc->status)
        return enc->status;
    if (enc->stage != ENC_BEGUN || enc->opt.row_streaming)
        return GIFLOW_ERR_STATE;
    if (f->time_mode < GIFLOW_TIME_DELAY_CS || f->time_mode > GIFLOW_TIME_TIMESTAMP_MS ||
        (enc->stats.frames_in && f->time_mode != enc->time_mode) || f->delay_cs > 65535)
        return GIFLOW_ERR_ARG;
    giflow__denoise *dn = enc->dn;
    int r = load_frame(enc, f, dn ? giflow__dn_slot(dn) : enc->next);
    if (r != GIFLOW_OK)
        return r;
    enc->time_mode = f->time_mode;
    enc->stats.frames_in++;
    struct giflow__enc_timing t = {f->time_mode, f->delay_cs, f->duration_ms, f->timestamp_ms};
    if (!dn)
        return queue_frame(enc, &t);
    enc->dn_timing[(dn->head + dn->count) % dn->window] = t;
    giflow__dn_push(dn);
    return dn->count == dn->window ? emit_denoised(enc) : GIFLOW_OK;
}

int giflow_encode_finish(giflow_encoder *enc, int64_t end_timestamp_ms)
{
    if (!enc)
        return GIFLOW_ERR_ARG;
    if (enc->status)
        return enc->status;
    if (enc->stage != ENC_BEGUN || enc->rows_open)
        return GIFLOW_ERR_STATE;
    int r = GIFLOW_OK;
    while (r == GIFLOW_OK && enc->dn && enc->dn->count)
        r = emit_denoised(enc);
    if (r == GIFLOW_OK && enc->have_pend) {
        int64_t delay;
        if (enc->time_mode == GIFLOW_TIME_DELAY_CS)
            delay = enc->pend_delay_cs;
        else if (enc->time_mode == GIFLOW_TIME_DURATION_MS)
            delay = ms_to_cs(enc->clock_ms) - enc->pend_start_cs;
        else if (end_timestamp_ms >= 0)
            delay = ms_to_cs(end_timestamp_ms) - enc->pend_start_cs;
        else
            delay = enc->stats.frames_out ? enc->last_delay_cs : 10;
        if (delay < 0)
            delay = 0;
        r = flush_pending(enc, (uint32_t)(delay > 65535 ? 65535 : delay), NULL);
    }
    if (r == GIFLOW_OK && !enc->header_written)
        r = giflow__enc_header(enc);
    if (r == GIFLOW_OK && enc->before_block)
        r = enc->before_block(enc->hook_user, &enc->out);
    if (r == GIFLOW_OK)
        r = giflow__gw_trailer(&enc->out);
    if (r != GIFLOW_OK)
        return giflow__enc_fail(enc, r);
    enc->stage = ENC_FINISHED;
    return GIFLOW_OK;
}

int giflow_encoder_stats(const giflow_encoder *enc, giflow_encode_stats *stats)
{
    if (!enc || !stats)
        return GIFLOW_ERR_ARG;
    *stats = enc->stats;
    stats->bytes = enc->out.bytes;
    stats->peak_heap = enc->heap.peak;
    return GIFLOW_OK;
}
