/*
 * The WebAssembly face of giflow: the player API flattened to integers and
 * pointers for web/giflow.js. It uses only the public API (it is a client
 * of the library, like the CLI); results go to caller arrays of 32-bit
 * words so that JavaScript never depends on struct layouts.
 */
#include <giflow.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(gw_alloc) void *gw_alloc(size_t n)
{
    return malloc(n ? n : 1);
}

EXPORT(gw_realloc) void *gw_realloc(void *p, size_t n)
{
    return realloc(p, n ? n : 1);
}

EXPORT(gw_free) void gw_free(void *p)
{
    free(p);
}

EXPORT(gw_strerror) const char *gw_strerror(int status)
{
    return giflow_strerror(status);
}

/* A memory budget of `canvases` output canvases (0: the default, 4). */
EXPORT(gw_player_new) giflow_player *gw_player_new(uint32_t canvases)
{
    giflow_player_options o;
    giflow_player_options_default(&o);
    o.budget_canvases = canvases;
    return giflow_player_new(NULL, &o);
}

EXPORT(gw_player_free) void gw_player_free(giflow_player *p)
{
    giflow_player_free(p);
}

EXPORT(gw_set_memory) int gw_set_memory(giflow_player *p, const uint8_t *data, size_t size,
                                        int complete)
{
    return giflow_player_set_memory(p, data, size, complete);
}

/* out[0..7]: index, delay_ms, start_ms (low, high word), rgba pointer,
 * width, height, delay_cs. */
static int frame_out(int r, const giflow_player_frame *f, uint32_t *out)
{
    if (r == GIFLOW_OK) {
        out[0] = f->index;
        out[1] = f->delay_ms;
        out[2] = (uint32_t)f->start_ms;
        out[3] = (uint32_t)(f->start_ms >> 32);
        out[4] = (uint32_t)(uintptr_t)f->rgba;
        out[5] = f->width;
        out[6] = f->height;
        out[7] = f->delay_cs;
    }
    return r;
}

EXPORT(gw_seek) int gw_seek(giflow_player *p, uint32_t k, uint32_t *out)
{
    giflow_player_frame f;
    return frame_out(giflow_player_seek(p, k, &f), &f, out);
}

EXPORT(gw_next) int gw_next(giflow_player *p, uint32_t *out)
{
    giflow_player_frame f;
    return frame_out(giflow_player_next(p, &f), &f, out);
}

EXPORT(gw_frame_at) int gw_frame_at(giflow_player *p, double ms, uint32_t *out)
{
    giflow_player_frame f;
    return frame_out(giflow_player_frame_at(p, ms > 0 ? (uint64_t)ms : 0, &f), &f, out);
}

/* out[0..15]: canvas w, h, output w, h, frames, final, duration (low,
 * high), loop count, status, bytes indexed (low, high), heap, peak heap,
 * limit, snapshots. */
EXPORT(gw_info) int gw_info(giflow_player *p, uint32_t *out)
{
    giflow_player_info i;
    int r = giflow_player_get_info(p, &i);
    uint32_t v[16] = {i.canvas_width, i.canvas_height, i.width, i.height, i.frames,
                      (uint32_t)i.final, (uint32_t)i.duration_ms,
                      (uint32_t)(i.duration_ms >> 32), (uint32_t)i.loop_count,
                      (uint32_t)i.status, (uint32_t)i.bytes, (uint32_t)(i.bytes >> 32),
                      (uint32_t)i.heap, (uint32_t)i.peak_heap, (uint32_t)i.limit,
                      i.snapshots};
    for (int k = 0; k < 16; k++)
        out[k] = v[k];
    return r;
}

/* A viewport (crop, then output size), or none when cw is 0. */
EXPORT(gw_set_viewport) int gw_set_viewport(giflow_player *p, uint32_t cx, uint32_t cy,
                                            uint32_t cw, uint32_t ch, uint32_t ow, uint32_t oh)
{
    giflow_viewport v = {cx, cy, cw, ch, ow, oh};
    return giflow_player_set_viewport(p, cw ? &v : NULL);
}

EXPORT(gw_state_size) size_t gw_state_size(void)
{
    return giflow_player_state_size();
}
