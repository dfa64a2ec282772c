/*
 * The canvas renderer: composition into a caller-owned RGBA canvas, by the
 * browser model: transparent start, disposal applied before the next frame
 * is drawn, restore-previous saving only the frame's clipped rectangle.
 * Frames are painted straight into the canvas by the LZW canvas modes
 * (lzw_canvas.c), picked per frame.
 */
#include "giflow.h"
#ifdef GIFLOW_CONFIG_NO_CANVAS
#error "canvas code in a build configured without the canvas (src/sources/canvas.txt)"
#endif
#include <string.h>

#include "decoder.h"
#include "pixels.h"

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
    /* The old rectangle was put back already (the previous frame's
     * disposal): freed first, so the two never add up. */
    giflow__free(&dec->heap, dec->restore, dec->restore_cap);
    dec->restore_cap = 0;
    int over;
    dec->restore = giflow__alloc(&dec->heap, need, &over);
    if (!dec->restore)
        return giflow__fail(dec, over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM);
    dec->restore_cap = need;
    return GIFLOW_OK;
}

/* The RGBA word of palette bytes p[0..2], opaque. */
static inline uint32_t opaque_word(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | 0xFF000000u;
#else
    uint8_t px[4] = {p[0], p[1], p[2], 255};
    uint32_t v;
    memcpy(&v, px, 4);
    return v;
#endif
}

/* One RGBA word per index; 0 marks the transparent index (every palette
 * colour is opaque, so no real colour is 0). Slots beyond the palette, and
 * every slot when there is no palette, are opaque black. Only the slots a
 * literal code can reach are filled: (1 << code size), 256 at most. Words
 * are built in registers: building each in memory and reloading it stalls
 * on store forwarding. */
void giflow__build_lut(giflow_decoder *dec)
{
    const giflow_frame_info *f = &dec->frame;
    /* 16 at least: the vector pixel pass reads that many (pixels.h). */
    uint32_t need = f->min_code_size >= 8 ? 256 : f->min_code_size <= 4 ? 16 : 1u << f->min_code_size;
    /* Animations mostly share the global palette: build it once. */
    int32_t key = f->palette == dec->gct ? f->transparent_index + 1 : -1;
    if (key >= 0 && key == dec->lut_key && dec->lut_filled >= need)
        return;
    uint32_t n = f->palette ? f->palette_size : 0;
    if (n > 256)
        n = 256;
    uint32_t *lut = dec->lut, i = n;
    giflow__px_lut(lut, f->palette, n); /* SSSE3 where there is one */
    const uint32_t black = opaque_word((const uint8_t[3]){0, 0, 0});
    for (; i < need; i++)
        lut[i] = black;
    dec->lut_key = key;
    dec->lut_filled = i;
    if (f->transparent_index >= 0 && (uint32_t)f->transparent_index < i)
        lut[f->transparent_index] = 0;
}

/* Whether the image data at hand could hold n pixels. TAIL mode settles a
 * broken frame by painting the whole canvas, so a short mutated file
 * claiming a huge frame would cost the canvas's bytes: it is spared when
 * the data cannot fill the frame. c codes (each at least min code size + 1
 * bits) give at most c(c+1)/2 pixels (a code's string is at most one
 * longer than the one before) and at most 4096 each (the table's size). */
static int can_fill(const giflow_decoder *dec, const giflow_input *in, uint64_t n)
{
    uint64_t codes = giflow__data_at_hand(dec, in) * 8 / ((unsigned)dec->frame.min_code_size + 1) + 1;
    uint64_t most = codes < 8192 ? codes * (codes + 1) / 2 : codes * 4096;
    return most >= n;
}

/* The first frame on a fresh canvas, covering all of it, has nothing under
 * it to keep: its indices and tables can live in the canvas (TAIL mode).
 * That leaves the canvas unfit to show until the frame ends, so only when
 * all of its data is at hand (no NEED_INPUT halfway). Before the working
 * buffer: frames of GIFLOW__TAIL_MIN_PIXELS or more, not interlaced.
 * Without one (late): any frame whose table fits below its indices,
 * interlaced too (its rows are put in order when it ends). */
static int tail_fits(const giflow_decoder *dec, const giflow_input *in, size_t stride, int late)
{
    const giflow_frame_info *f = &dec->frame;
    uint64_t n = (uint64_t)f->width * f->height;
    int big = late ? 3 * n >= GIFLOW__FRONT_LEAD : n >= GIFLOW__TAIL_MIN_PIXELS && !f->interlaced;
    return dec->fresh_canvas && f->x == 0 && f->y == 0 &&
           f->width == dec->image.canvas_width && f->height == dec->image.canvas_height &&
           stride == (size_t)f->width * 4 && big && f->min_code_size >= 2 &&
           f->min_code_size <= 8 && n < GIFLOW__FLAT_MAX_PIXELS &&
           giflow__data_complete(dec, in) && can_fill(dec, in, n);
}

/* Whether a later opaque frame, as wide as the canvas (its rectangle is
 * one run of 4n bytes) and wholly inside it, of the given interlacing, may
 * use those bytes as its workspace: its data, all in memory, is scanned
 * (a pass that only counts string lengths) for `need` pixels first. */
static int own_bytes(giflow_decoder *dec, const giflow_input *in, size_t stride,
                     int interlaced, uint64_t need)
{
    const giflow_frame_info *f = &dec->frame;
    uint64_t n = (uint64_t)f->width * f->height;
    if (giflow__has_transparency(f) || !f->interlaced != !interlaced || f->x != 0 ||
        f->width != dec->image.canvas_width || f->clip_height != f->height ||
        stride != (size_t)f->width * 4 || f->min_code_size < 2 || f->min_code_size > 8 ||
        n < GIFLOW__TAIL_MIN_PIXELS || n >= GIFLOW__FLAT_MAX_PIXELS ||
        dec->buf_pos != dec->buf_len || !giflow__data_in_memory(dec, in))
        return 0;
    const uint8_t *ip, *blk_end;
    giflow__data_view(dec, in, &ip, &blk_end);
    return giflow__lzw_fills(&dec->lzw, (unsigned)f->min_code_size, ip, blk_end,
                             in->src + in->size, need ? need : n);
}

/* In place of TAIL's first frame, a later one (own_bytes) covers
 * everything under it, so its bytes are its workspace too (FRONT mode:
 * the table at their start, the indices after it), but only if it cannot
 * stop early with bytes of pixels it did not reach overwritten. Index k
 * lies in pixel (GIFLOW__FRONT_LEAD + k) / 4 or below, so once the frame
 * is sure to make GIFLOW__FRONT_SURE pixels it may stop anywhere: the
 * scan goes that far (about 11 K pixels, not the whole frame). */
static int front_over(giflow_decoder *dec, const giflow_input *in, size_t stride)
{
    return own_bytes(dec, in, stride, 0, GIFLOW__FRONT_SURE);
}

/* An interlaced one: its stored rows land on scattered canvas rows, so the
 * pixels a frame that stops early never reaches are everywhere, and it may
 * use its canvas bytes only if it completes: the scan covers all n pixels.
 * Then TAIL decodes its indices into the last n bytes and reorders their
 * rows at the end (lzw_flat.c, tail_deinterlace): scan, decode and pass
 * together cost less than interlaced copies. */
static int tail_interlaced(giflow_decoder *dec, const giflow_input *in, size_t stride)
{
    return own_bytes(dec, in, stride, 1, 0);
}

/* Other frames decode their indices into a heap workspace (BUFFER mode),
 * several times faster than painting through chain tables. It holds the
 * largest frame's indices plus 25 KB and may take at most half the
 * canvas's bytes, so the heap stays below the canvas plus the state (and
 * any restore rectangle), or GIFLOW__WORK_MIN_BYTES for small images.
 * Without an allocator, with
 * GIFLOW_FLAG_SMALL_MEMORY or over the memory limit, frames go without. */
static int buffer_fits(giflow_decoder *dec)
{
    const giflow_frame_info *f = &dec->frame;
    uint64_t n = (uint64_t)f->width * f->height;
    uint64_t canvas = (uint64_t)dec->image.canvas_width * dec->image.canvas_height;
    if ((dec->flags & GIFLOW_FLAG_SMALL_MEMORY) || f->min_code_size < 2 ||
        f->min_code_size > 8 || n >= GIFLOW__FLAT_MAX_PIXELS ||
        (GIFLOW__LZW_WORK_BYTES(n) > GIFLOW__WORK_MIN_BYTES &&
         GIFLOW__LZW_WORK_BYTES(n) * GIFLOW__WORK_CANVAS_SHARE > 4 * canvas))
        return 0;
    size_t need = GIFLOW__LZW_WORK_BYTES(n);
    if (dec->work_cap >= need)
        return 1;
    giflow__free(&dec->heap, dec->work, dec->work_cap); /* nothing to keep */
    dec->work = giflow__alloc(&dec->heap, need, NULL);
    dec->work_cap = dec->work ? need : 0;
    return dec->work != NULL;
}

/* Frames that lie wholly inside the canvas can use the canvas as the LZW
 * dictionary (COPY mode); the rest paint through chain tables. A frame
 * with a transparent index marks its transparent pixels in the canvas
 * while it decodes (lzw_copy.c), so only when all of its data is at hand:
 * it then ends, or breaks, in this call, and the marks come out before
 * the canvas goes back. (The marks need to know where the alpha byte
 * lies in a native word.) */
static int pick_mode(giflow_decoder *dec, const giflow_input *in, size_t stride)
{
    const giflow_frame_info *f = &dec->frame;
    int inside = f->clip_width == f->width && f->clip_height == f->height;
    if (tail_fits(dec, in, stride, 0))
        return GIFLOW__LZW_TAIL;
    if (buffer_fits(dec))
        return GIFLOW__LZW_BUFFER;
    if (tail_fits(dec, in, stride, 1))
        return GIFLOW__LZW_TAIL;
    if (front_over(dec, in, stride))
        return GIFLOW__LZW_FRONT;
    if (tail_interlaced(dec, in, stride))
        return GIFLOW__LZW_TAIL;
#if defined(__BYTE_ORDER__)
    int marks = giflow__data_complete(dec, in);
#else
    int marks = 0;
#endif
    if (!inside || !f->width || !f->height || f->min_code_size > 8)
        return GIFLOW__LZW_CANVAS;
    if (!giflow__has_transparency(f) && !f->interlaced)
        return GIFLOW__LZW_COPY;
    /* (Marked frames keep 22-bit positions: a bit for strings that are
     * all transparent, lzw_copy.c.) */
    if (giflow__has_transparency(f) && (!marks || (uint64_t)f->width * f->height > (1u << 22)))
        return GIFLOW__LZW_CANVAS;
    /* Marked and interlaced copies cost more per code than CANVAS: they pay
     * off on strings of a few to a few dozen pixels. Frames of very long
     * runs (a transparent one costs CANVAS nothing) or of nearly all
     * literals paint through chain tables. Pixels per code, from the
     * data's size at about 11 bits a code: between 2 and 48. */
    uint64_t n = (uint64_t)f->width * f->height, bytes = giflow__data_at_hand(dec, in);
    if (n * 11 >= 16 * bytes && n * 11 <= 384 * bytes)
        return GIFLOW__LZW_COPY;
    return GIFLOW__LZW_CANVAS;
}

/* Where the LZW canvas modes write the current frame. */
static giflow__sink frame_sink(const giflow_decoder *dec, uint8_t *canvas, size_t stride)
{
    const giflow_frame_info *f = &dec->frame;
    giflow__sink s = {canvas, stride, dec->image.canvas_height, f->x, f->y, f->width,
                      f->height, f->clip_width, f->interlaced, dec->lut,
                      giflow__has_transparency(f) ? f->transparent_index + 1 : 0,
                      dec->work};
    if (dec->lzw_ready && (dec->lzw.mode == GIFLOW__LZW_TAIL || dec->lzw.mode == GIFLOW__LZW_FRONT)) {
        /* TAIL and FRONT work in the frame's own bytes, the frame's top
         * row on (a later frame as wide as the canvas: front_over). */
        s.canvas += (size_t)f->y * stride;
        s.y0 = 0;
        s.canvas_h = f->height;
    }
    return s;
}

/* With the frame's remaining data in memory and dec->buf drained: runs
 * the flat LZW modes over the raw sub-blocks where they lie. */
static void compose_direct(giflow_decoder *dec, giflow_input *in, const giflow__sink *s)
{
    giflow__lzw_in rd = {NULL, NULL, 1, 0};
    giflow__data_view(dec, in, &rd.ip, &rd.blk_end);
    giflow__lzw_compose_in(&dec->lzw, &rd, s);
    giflow__data_advance(dec, in, rd.ip, rd.blk_end, rd.ended);
}

/* Decodes the current frame's pixels into the canvas (see canvas_frame). */
static int frame_pixels(giflow_decoder *dec, giflow_input *in, const giflow__sink *s)
{
    giflow__lzw *z = &dec->lzw;
    int r;
    int direct = -1; /* unknown yet: the chain is scanned once per call */
    while (z->pos < z->total) {
        if (z->mode >= GIFLOW__LZW_TAIL && dec->buf_pos == dec->buf_len && direct &&
            (direct = giflow__data_in_memory(dec, in)) != 0)
            compose_direct(dec, in, s);
        else
            dec->buf_pos += (unsigned)giflow__lzw_compose(z, dec->buf + dec->buf_pos,
                                                          dec->buf_len - dec->buf_pos, s);
        if (z->pos == z->total)
            break;
        if (z->status == GIFLOW__LZW_BAD_CODE)
            return giflow__fail(dec, GIFLOW_ERR_BAD_CODE);
        if (z->status == GIFLOW__LZW_EOI)
            return giflow__fail(dec, GIFLOW_ERR_MISSING_PIXELS);
        r = giflow__read_data(dec, in);
        if (r == GIFLOW_END)
            return giflow__fail(dec, GIFLOW_ERR_MISSING_PIXELS);
        if (r != GIFLOW_OK)
            return r;
    }
    return GIFLOW_OK;
}

/* Decodes the current frame's pixels straight into the canvas. Returns
 * GIFLOW_FRAME_END, GIFLOW_NEED_INPUT or an error. */
static int canvas_frame(giflow_decoder *dec, giflow_input *in, uint8_t *canvas,
                        size_t stride)
{
    const giflow_frame_info *f = &dec->frame;
    giflow__lzw *z = &dec->lzw;
    int r = giflow__check_code_size(dec);
    if (r != GIFLOW_OK)
        return r;
    if (!dec->lzw_ready)
        giflow__start_lzw(dec, pick_mode(dec, in, stride), (uint64_t)f->width * f->height);
    giflow__sink s = frame_sink(dec, canvas, stride);
    r = frame_pixels(dec, in, &s);
    if (z->mode == GIFLOW__LZW_COPY && s.transparent)
        giflow__lzw_copy_unmark(z, &s); /* (its data is all at hand: never NEED_INPUT) */
    if (r != GIFLOW_OK)
        return r;
    r = giflow__skip_data(dec, in);
    if (r != GIFLOW_OK)
        return r;
    dec->stage = ST_PIXELS_DONE;
    return GIFLOW_FRAME_END;
}

/* The last complete frame's disposal. Applying it twice changes nothing,
 * which giflow_decoder_dispose() relies on. */
static void canvas_dispose(const giflow_decoder *dec, uint8_t *canvas, size_t stride)
{
    if (!dec->canvas_ready)
        return;
    if (dec->prev_disposal == 2) {
        fill_rect(canvas, stride, dec->prev_x, dec->prev_y, dec->prev_w, dec->prev_h);
    } else if ((dec->prev_disposal == 3 || dec->prev_disposal == 4) && dec->prev_w) {
        /* (A frame wholly outside the canvas saved nothing: restore may be NULL.) */
        if (dec->restore_zero)
            fill_rect(canvas, stride, dec->prev_x, dec->prev_y, dec->prev_w, dec->prev_h);
        else
            copy_rect(canvas, stride, dec->restore, dec->prev_x, dec->prev_y, dec->prev_w,
                      dec->prev_h, 1);
    }
}

static void canvas_restart(giflow_decoder *dec)
{
    (void)dec; /* prev_disposal, in the decoder, is cleared by the caller */
}

static int canvas_begin(giflow_decoder *dec, uint8_t *canvas, size_t stride)
{
    const giflow_frame_info *f = &dec->frame;
    dec->fresh_canvas = !dec->canvas_ready;
    /* The caller's zeroed canvas holds until something is painted on it (a
     * fresh restart later gets a canvas that must be cleared). */
    int zeroed = dec->fresh_canvas && (dec->flags & GIFLOW_FLAG_ZEROED_CANVAS) &&
                 !dec->canvas_painted;
    if (!dec->canvas_ready) {
        /* An opaque first frame covering the canvas overwrites every pixel,
         * so the transparent start is only painted if it stops early. */
        dec->clear_pending = !zeroed && f->x == 0 && f->y == 0 &&
                             f->width == dec->image.canvas_width &&
                             f->height == dec->image.canvas_height && !f->interlaced &&
                             !giflow__has_transparency(f);
        if (!dec->clear_pending && !zeroed)
            fill_rect(canvas, stride, 0, 0, dec->image.canvas_width,
                      dec->image.canvas_height);
        dec->canvas_ready = 1;
        dec->canvas_painted = 1;
    } else {
        canvas_dispose(dec, canvas, stride);
    }
    dec->prev_disposal = 0;
    /* Under a first frame on a zeroed canvas there is only the transparent
     * start: nothing to save, so no canvas-sized buffer for a mutated file. */
    dec->restore_zero = zeroed;
    if (f->restore_bytes && !dec->restore_zero) {
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

/* Paints the transparent start where a first frame that skipped it has
 * not written yet (called when decoding stops inside that frame). */
static void canvas_unwritten(giflow_decoder *dec, uint8_t *canvas, size_t stride, int broken)
{
    int flat = dec->lzw_ready && dec->lzw.mode >= GIFLOW__LZW_TAIL;
    /* Paint what was decoded, as the other modes did (FRONT always: its
     * canvas holds indices until then). */
    if (flat && (broken || dec->lzw.mode == GIFLOW__LZW_FRONT)) {
        giflow__sink s = frame_sink(dec, canvas, stride);
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


static void canvas_release(giflow_decoder *dec)
{
    if (!dec->restore_external) { /* caller scratch stays set */
        giflow__free(&dec->heap, dec->restore, dec->restore_cap);
        dec->restore = NULL;
        dec->restore_cap = 0;
    }
    giflow__free(&dec->heap, dec->work, dec->work_cap);
    dec->work = NULL;
    dec->work_cap = 0;
}

const giflow__renderer giflow__canvas_renderer = {canvas_begin,     canvas_frame,
                                                  giflow__remember_disposal,
                                                  canvas_unwritten, canvas_release,
                                                  canvas_dispose,   canvas_restart};
