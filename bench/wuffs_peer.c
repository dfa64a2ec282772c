/*
 * Wuffs's GIF decoder as a benchmark peer (bench only: never linked into
 * the library). The single-file release (Apache-2.0 OR MIT) comes from
 * WUFFS_SOURCE, ../shared/peers/wuffs-v0.4.c by default (bench/CMakeLists).
 *
 * One decode mirrors what Chromium's Skia glue and Wuffs's own
 * example/gifplayer do: the decoder draws each frame into one RGBA canvas
 * (SRC for a frame without transparency, SRC_OVER otherwise), and the
 * caller applies disposal by the browser model (docs/browser-model.md):
 * the canvas starts transparent, disposal 2 clears the previous frame's
 * rectangle, disposal 3 (Wuffs maps 4 to it too) restores what was under
 * it. Wuffs grows the image to the first frame's rectangle, as giflow does.
 * The quirk IGNORE_TOO_MUCH_PIXEL_DATA matches the browsers: pixel data
 * beyond the frame is ignored.
 *
 * Licence: MIT.
 */
#define WUFFS_IMPLEMENTATION
#define WUFFS_CONFIG__MODULES
#define WUFFS_CONFIG__MODULE__BASE
#define WUFFS_CONFIG__MODULE__GIF
#define WUFFS_CONFIG__MODULE__LZW
#include WUFFS_SOURCE

#include <stdlib.h>
#include <string.h>

#include "wuffs_peer.h"

static void clear_rect(uint8_t *c, size_t stride, wuffs_base__rect_ie_u32 r)
{
    for (uint32_t y = r.min_incl_y; y < r.max_excl_y; y++)
        memset(c + y * stride + (size_t)r.min_incl_x * 4, 0,
               (size_t)(r.max_excl_x - r.min_incl_x) * 4);
}

static void copy_rect(uint8_t *c, size_t stride, uint8_t *save,
                      wuffs_base__rect_ie_u32 r, int to_canvas)
{
    size_t rb = (size_t)(r.max_excl_x - r.min_incl_x) * 4;
    for (uint32_t y = r.min_incl_y; y < r.max_excl_y; y++) {
        uint8_t *p = c + y * stride + (size_t)r.min_incl_x * 4;
        uint8_t *s = save + (size_t)(y - r.min_incl_y) * rb;
        if (to_canvas)
            memcpy(p, s, rb);
        else
            memcpy(s, p, rb);
    }
}

int wuffs_peer_decode(const uint8_t *data, size_t len, wuffs_peer_result *r,
                      wuffs_peer_frame_fn fn, void *user, uint8_t *canvas_in,
                      size_t canvas_cap)
{
    memset(r, 0, sizeof *r);
    size_t dsize = sizeof__wuffs_gif__decoder();
    wuffs_gif__decoder *dec = malloc(dsize);
    if (!dec) {
        r->error = "out of memory";
        return -1;
    }
    wuffs_base__status st = wuffs_gif__decoder__initialize(
        dec, dsize, WUFFS_VERSION, WUFFS_INITIALIZE__LEAVE_INTERNAL_BUFFERS_UNINITIALIZED);
    if (!wuffs_base__status__is_ok(&st)) {
        r->error = wuffs_base__status__message(&st);
        free(dec);
        return -1;
    }
    wuffs_gif__decoder__set_quirk(dec, WUFFS_GIF__QUIRK_IGNORE_TOO_MUCH_PIXEL_DATA, 1);

    wuffs_base__io_buffer src =
        wuffs_base__ptr_u8__reader((uint8_t *)data, len, true);
    wuffs_base__image_config ic;
    st = wuffs_gif__decoder__decode_image_config(dec, &ic, &src);
    if (!wuffs_base__status__is_ok(&st)) {
        r->error = wuffs_base__status__message(&st);
        free(dec);
        return -1;
    }
    uint32_t w = wuffs_base__pixel_config__width(&ic.pixcfg);
    uint32_t h = wuffs_base__pixel_config__height(&ic.pixcfg);
    wuffs_base__pixel_config__set(&ic.pixcfg, WUFFS_BASE__PIXEL_FORMAT__RGBA_NONPREMUL,
                                  WUFFS_BASE__PIXEL_SUBSAMPLING__NONE, w, h);
    size_t stride = (size_t)w * 4, npx = (size_t)w * h;
    uint64_t wb_len = wuffs_gif__decoder__workbuf_len(dec).max_incl;
    /* The transparent start: the caller's zeroed canvas, or a calloc'ed one. */
    int own = !canvas_in || canvas_cap < npx * 4;
    uint8_t *canvas = own ? calloc(npx ? npx : 1, 4) : canvas_in;
    uint8_t *workbuf = malloc(wb_len ? (size_t)wb_len : 1);
    uint8_t *save = NULL;
    size_t save_cap = 0;
    wuffs_base__pixel_buffer pb;
    if (!canvas || !workbuf) {
        r->error = "out of memory";
        goto done;
    }
    st = wuffs_base__pixel_buffer__set_from_slice(
        &pb, &ic.pixcfg, wuffs_base__make_slice_u8(canvas, npx * 4));
    if (!wuffs_base__status__is_ok(&st)) {
        r->error = wuffs_base__status__message(&st);
        goto done;
    }
    r->ok = 1;
    r->width = w;
    r->height = h;

    wuffs_base__rect_ie_u32 prev_rect = {0, 0, 0, 0};
    wuffs_base__animation_disposal prev_disposal = WUFFS_BASE__ANIMATION_DISPOSAL__NONE;
    for (;;) {
        wuffs_base__frame_config fc;
        st = wuffs_gif__decoder__decode_frame_config(dec, &fc, &src);
        if (st.repr == wuffs_base__note__end_of_data)
            break;
        if (!wuffs_base__status__is_ok(&st)) {
            r->error = wuffs_base__status__message(&st);
            break;
        }
        if (prev_disposal == WUFFS_BASE__ANIMATION_DISPOSAL__RESTORE_BACKGROUND)
            clear_rect(canvas, stride, prev_rect);
        else if (prev_disposal == WUFFS_BASE__ANIMATION_DISPOSAL__RESTORE_PREVIOUS)
            copy_rect(canvas, stride, save, prev_rect, 1);
        wuffs_base__rect_ie_u32 rect = wuffs_base__frame_config__bounds(&fc);
        wuffs_base__animation_disposal disposal = wuffs_base__frame_config__disposal(&fc);
        if (disposal == WUFFS_BASE__ANIMATION_DISPOSAL__RESTORE_PREVIOUS) {
            size_t need = (size_t)wuffs_base__rect_ie_u32__width(&rect) *
                          wuffs_base__rect_ie_u32__height(&rect) * 4;
            if (need > save_cap) {
                free(save);
                save = malloc(need);
                save_cap = save ? need : 0;
                if (!save) {
                    r->error = "out of memory";
                    break;
                }
            }
            copy_rect(canvas, stride, save, rect, 0);
        }
        st = wuffs_gif__decoder__decode_frame(
            dec, &pb, &src,
            wuffs_base__frame_config__overwrite_instead_of_blend(&fc)
                ? WUFFS_BASE__PIXEL_BLEND__SRC
                : WUFFS_BASE__PIXEL_BLEND__SRC_OVER,
            wuffs_base__make_slice_u8(workbuf, (size_t)wb_len), NULL);
        if (!wuffs_base__status__is_ok(&st)) {
            r->error = wuffs_base__status__message(&st);
            break;
        }
        r->frames++;
        if (fn)
            fn(user, canvas, w, h);
        prev_rect = rect;
        prev_disposal = disposal;
    }
done:
    free(save);
    free(workbuf);
    if (own)
        free(canvas);
    free(dec);
    return r->ok ? 0 : -1;
}
