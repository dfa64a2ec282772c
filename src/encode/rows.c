/*
 * Row streaming: frames pushed row by row, for images too large to hold.
 * Memory is a few rows plus the fixed quantizer state, whatever the height.
 * Every frame covers the canvas and uses the global palette, which must be
 * known before the first row (the caller's, or built from sampled rows).
 */
#include <string.h>

#include "encoder.h"
#include "../common/api.h"

static int rows_mode(const giflow_encoder *enc)
{
    if (enc->status)
        return enc->status;
    return enc->stage == ENC_BEGUN && enc->opt.row_streaming ? GIFLOW_OK : GIFLOW_ERR_STATE;
}

int giflow_encode_sample_rows(giflow_encoder *enc, const uint8_t *rgba, uint32_t n,
                              size_t stride)
{
    if (!enc || (!rgba && n))
        return GIFLOW_ERR_ARG;
    int r = rows_mode(enc);
    if (r != GIFLOW_OK)
        return r;
    if (enc->header_written || enc->rows_open)
        return GIFLOW_ERR_STATE;
    if (stride < (size_t)enc->w * 4)
        stride = (size_t)enc->w * 4;
    const uint8_t a = enc->opt.alpha_threshold;
    if (enc->have_global) {
        /* The caller's palette is used as given; the rows only tell
         * whether the transparent slot is needed. */
        for (uint32_t y = 0; y < n && !enc->sample_transparent; y++)
            for (uint32_t x = 0; x < enc->w && !enc->sample_transparent; x++)
                enc->sample_transparent = rgba[(size_t)y * stride + 4 * x + 3] < a;
        enc->samples++;
        return GIFLOW_OK;
    }
    if (!enc->samples) {
        giflow__quant_reset(enc->quant);
        giflow__colorset_init(&enc->sample_set, enc->opt.max_colors);
    }
    /* The palette's statistics need a couple of million pixels, not all
     * of a huge image: every step-th row counts step times. Measured on
     * the rotated 9566x3909 photos of bench/python, 1, 2 and 4 million
     * give the same PSNR within 0.05 dB, and 4 million took 3 to 9 times
     * as long. The exact colour set and the transparency check (when
     * anything can be transparent) still see every row. */
    const uint32_t step = 1 + (uint32_t)((uint64_t)enc->w * enc->h / (2u << 20));
    for (uint32_t y = 0; y < n; y++) {
        const uint8_t *row = rgba + (size_t)y * stride;
        if (enc->sample_rows++ % step == 0)
            giflow__quant_add(enc->quant, row, enc->w, a, step);
        if (!enc->sample_set.overflow)
            giflow__colorset_add(&enc->sample_set, row, enc->w, a);
        for (uint32_t x = 0; a && x < enc->w && !enc->sample_transparent; x++)
            enc->sample_transparent = row[4 * x + 3] < a;
    }
    enc->samples++;
    return GIFLOW_OK;
}

/* Fixes the global palette before the first row: exact colours when the
 * samples had few enough, else quantized; one slot for transparency only
 * when the samples showed transparent pixels. */
static int rows_palette(giflow_encoder *enc)
{
    if (enc->have_global) {
        /* A caller's palette keeps all its entries (no transparent slot)
         * when nothing can be transparent, or sampled rows showed none. */
        enc->opaque_rows = enc->opt.alpha_threshold == 0 ||
                           (enc->samples && !enc->sample_transparent);
        return GIFLOW_OK;
    }
    if (!enc->samples)
        return GIFLOW_ERR_STATE; /* nothing to build from: sample rows first */
    uint32_t maxc = enc->opt.max_colors - (enc->sample_transparent ? 1 : 0);
    if (!enc->sample_set.overflow && enc->sample_set.n <= maxc) {
        giflow__colorset_palette(&enc->sample_set, &enc->global);
        enc->rows_exact = 1;
    } else {
        if (enc->opt.lossless)
            return giflow__enc_fail(enc, GIFLOW_ERR_TOO_MANY_COLORS);
        giflow__enc_build_global(enc, maxc);
    }
    if (enc->global.n == 0) { /* every sampled pixel was transparent */
        memset(enc->global.rgb, 0, 3);
        enc->global.n = 1;
    }
    enc->opaque_rows = !enc->sample_transparent;
    enc->have_global = 1;
    return GIFLOW_OK;
}

int giflow_encode_rows_begin(giflow_encoder *enc, const giflow_frame *f)
{
    giflow_frame fr, *frame = &fr;
    if (!enc || !f || giflow__frame_in(frame, f) != GIFLOW_OK ||
        frame->time_mode != GIFLOW_TIME_DELAY_CS || frame->delay_cs > 65535)
        return GIFLOW_ERR_ARG;
    int r = rows_mode(enc);
    if (r != GIFLOW_OK)
        return r;
    if (enc->rows_open)
        return GIFLOW_ERR_STATE;
    if ((r = rows_palette(enc)) != GIFLOW_OK)
        return r;
    if (!enc->header_written && (r = giflow__enc_header(enc)) != GIFLOW_OK)
        return r;
    /* Transparency only when the palette has a slot for it. */
    enc->rows_trans = -1;
    if (!enc->opaque_rows && enc->global.n < 256)
        enc->rows_trans = (int)enc->global.n;
    else if (!enc->opaque_rows)
        enc->rows_trans = 255;
    uint32_t d = frame->delay_cs;
    /* Each frame covers the canvas; with transparency it must not show the
     * frame before through its transparent pixels: disposal 2 clears it. */
    unsigned disposal = enc->rows_trans >= 0 ? 2 : 1;
    if ((r = giflow__gw_gce(&enc->out, disposal, d, enc->rows_trans)) != GIFLOW_OK ||
        (r = giflow__gw_image(&enc->out, 0, 0, enc->w, enc->h, 0, 0)) != GIFLOW_OK)
        return r;
    unsigned bits = giflow__enc_global_bits(enc);
    /* Exact colours are kept as they are (as frame.c does): a dither
     * pattern would only move pixels off them. */
    giflow__dither *dt = giflow__dither_init(enc->dither_mem, enc->w,
                                             enc->rows_exact ? GIFLOW_DITHER_NONE : enc->opt.dither);
    enc->dither = dt;
    giflow__enc_global_remap(enc);
    giflow__lzwenc_begin(enc->lzw, bits < 2 ? 2 : bits, giflow__gw_sink, &enc->out);
    enc->rows_y = 0;
    enc->rows_open = 1;
    enc->stats.frames_in++;
    enc->stats.duration_cs += d;
    return GIFLOW_OK;
}

int giflow_encode_rows(giflow_encoder *enc, const uint8_t *rgba, uint32_t n, size_t stride)
{
    if (!enc || (!rgba && n))
        return GIFLOW_ERR_ARG;
    int r = rows_mode(enc);
    if (r != GIFLOW_OK)
        return r;
    if (!enc->rows_open)
        return GIFLOW_ERR_STATE;
    if (n > enc->h - enc->rows_y)
        return GIFLOW_ERR_ARG;
    if (stride < (size_t)enc->w * 4)
        stride = (size_t)enc->w * 4;
    uint8_t a = enc->rows_trans >= 0 ? enc->opt.alpha_threshold : 0;
    for (uint32_t i = 0; i < n; i++, enc->rows_y++) {
        giflow__dither_row(enc->dither, enc->gremap, rgba + (size_t)i * stride, enc->w,
                           enc->rows_y, a, enc->rows_trans, NULL, NULL, enc->idx);
        giflow__lzwenc_push(enc->lzw, enc->idx, enc->w);
    }
    return enc->status;
}

int giflow_encode_rows_end(giflow_encoder *enc)
{
    if (!enc)
        return GIFLOW_ERR_ARG;
    int r = rows_mode(enc);
    if (r != GIFLOW_OK)
        return r;
    if (!enc->rows_open || enc->rows_y != enc->h)
        return GIFLOW_ERR_STATE;
    giflow__lzwenc_end(enc->lzw);
    enc->rows_open = 0;
    enc->stats.frames_out++;
    enc->last_delay_cs = 0;
    return enc->status;
}
