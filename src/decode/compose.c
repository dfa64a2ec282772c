/*
 * Composition into a caller-owned RGBA canvas, by the browser model:
 * transparent start, disposal applied before the next frame is drawn,
 * restore-previous saving only the frame's clipped rectangle.
 */
#include <string.h>

#include "decoder.h"

static void fill_rect(uint8_t *canvas, size_t stride, uint32_t x, uint32_t y,
                      uint32_t w, uint32_t h)
{
    for (uint32_t j = 0; j < h; j++)
        memset(canvas + (size_t)(y + j) * stride + (size_t)x * 4, 0, (size_t)w * 4);
}

/* Copies the rect between the canvas and a packed buffer. */
static void copy_rect(uint8_t *canvas, size_t stride, uint8_t *buf, uint32_t x,
                      uint32_t y, uint32_t w, uint32_t h, int to_canvas)
{
    size_t rb = (size_t)w * 4;
    for (uint32_t j = 0; j < h; j++) {
        uint8_t *c = canvas + (size_t)(y + j) * stride + (size_t)x * 4;
        if (to_canvas)
            memcpy(c, buf + j * rb, rb);
        else
            memcpy(buf + j * rb, c, rb);
    }
}

static int ensure_restore(giflow_decoder *dec, size_t need)
{
    if (dec->restore_cap >= need)
        return GIFLOW_OK;
    if (dec->restore_external || !dec->heap.alloc.alloc)
        return giflow__fail(dec, GIFLOW_ERR_SMALL_BUFFER);
    int over;
    uint8_t *p = giflow__alloc(&dec->heap, need, &over);
    if (!p)
        return giflow__fail(dec, over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM);
    giflow__free(&dec->heap, dec->restore, dec->restore_cap);
    dec->restore = p;
    dec->restore_cap = need;
    return GIFLOW_OK;
}

/* One RGBA word per index; 0 marks the transparent index (every palette
 * colour is opaque, so no real colour is 0). Slots beyond the palette, and
 * every slot when there is no palette, are opaque black. */
void giflow__build_lut(giflow_decoder *dec)
{
    const giflow_frame_info *f = &dec->frame;
    /* Animations mostly share the global palette: build it once. */
    int32_t key = f->palette == dec->gct ? f->transparent_index + 1 : -1;
    if (key >= 0 && key == dec->lut_key)
        return;
    dec->lut_key = key;
    for (unsigned i = 0; i < 256; i++) {
        uint8_t px[4] = {0, 0, 0, 255};
        if (i < f->palette_size)
            memcpy(px, f->palette + 3 * i, 3);
        memcpy(&dec->lut[i], px, 4);
    }
    if (f->transparent_index >= 0)
        dec->lut[f->transparent_index] = 0;
}

int giflow__compose_begin(giflow_decoder *dec, uint8_t *canvas, size_t stride)
{
    if (dec->scale)
        return giflow__scale_begin(dec, canvas, stride);
    const giflow_frame_info *f = &dec->frame;
    dec->fresh_canvas = !dec->canvas_ready;
    if (!dec->canvas_ready) {
        /* An opaque first frame covering the canvas overwrites every pixel,
         * so the transparent start is only painted if it stops early. */
        dec->clear_pending = f->x == 0 && f->y == 0 && f->width == dec->image.canvas_width &&
                             f->height == dec->image.canvas_height && !f->interlaced &&
                             !giflow__has_transparency(f);
        if (!dec->clear_pending)
            fill_rect(canvas, stride, 0, 0, dec->image.canvas_width,
                      dec->image.canvas_height);
        dec->canvas_ready = 1;
    } else if (dec->prev_disposal == 2) {
        fill_rect(canvas, stride, dec->prev_x, dec->prev_y, dec->prev_w,
                  dec->prev_h);
    } else if ((dec->prev_disposal == 3 || dec->prev_disposal == 4) && dec->prev_w) {
        /* (A frame wholly outside the canvas saved nothing: restore may be NULL.) */
        copy_rect(canvas, stride, dec->restore, dec->prev_x, dec->prev_y,
                  dec->prev_w, dec->prev_h, 1);
    }
    dec->prev_disposal = 0;
    if (f->restore_bytes) {
        int r = ensure_restore(dec, f->restore_bytes);
        if (r != GIFLOW_OK)
            return r;
        if (dec->clear_pending) /* what was there is the transparent start */
            memset(dec->restore, 0, f->restore_bytes);
        else
            copy_rect(canvas, stride, dec->restore, f->clip_x, f->clip_y,
                      f->clip_width, f->clip_height, 0);
    }
    giflow__build_lut(dec);
    return GIFLOW_OK;
}

void giflow__compose_unwritten(giflow_decoder *dec, uint8_t *canvas, size_t stride,
                               int broken)
{
    int flat = dec->lzw_ready && dec->lzw.mode >= GIFLOW__LZW_TAIL;
    if (flat && broken) { /* paint what was decoded, as the other modes did */
        giflow__sink s = giflow__frame_sink(dec, canvas, stride);
        giflow__lzw_settle(&dec->lzw, &s, 1);
    }
    if (flat && dec->lzw.mode == GIFLOW__LZW_TAIL) {
        /* Settled when broken (the rest made transparent); otherwise the
         * frame ran to its end (TAIL needs all of its data at hand). */
        dec->clear_pending = 0;
        return;
    }
    if (!dec->clear_pending)
        return;
    /* Only reached for a frame that is the whole canvas, row by row. */
    uint32_t w = dec->image.canvas_width;
    uint64_t pos = flat ? dec->lzw.conv : dec->lzw.pos;
    uint32_t y = (uint32_t)(pos / w), x = (uint32_t)(pos % w);
    if (y < dec->image.canvas_height) {
        fill_rect(canvas, stride, x, y, w - x, 1);
        fill_rect(canvas, stride, 0, y + 1, w, dec->image.canvas_height - y - 1);
    }
    dec->clear_pending = 0;
}

void giflow__compose_end(giflow_decoder *dec)
{
    if (dec->scale) {
        giflow__scale_end(dec);
        return;
    }
    const giflow_frame_info *f = &dec->frame;
    dec->prev_disposal = f->disposal;
    dec->prev_x = f->clip_x;
    dec->prev_y = f->clip_y;
    dec->prev_w = f->clip_width;
    dec->prev_h = f->clip_height;
}
