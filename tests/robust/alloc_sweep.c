/*
 * Allocation failure everywhere (issue 8): every allocation of a run is
 * refused in turn (alone, then with every later one too; see
 * tests/common/allocfail.h), over
 * - the decoder: whole input, 7-byte chunks, rows of indices, RGBA compose
 *   (small-memory and merge-zero-delay flags), display output (RGB565
 *   with read-back restore, through a pull source), viewport;
 * - the frame index (fed in chunks) and the player (seek, next, frame_at,
 *   viewport);
 * - the encoder: generated frames quantized (dither, denoise, lossy,
 *   timestamps, transparency), palette-index frames, row streaming;
 * - the transcoder: copy, optimize (with a scan and a second input),
 *   quantize (lossy, geometry).
 * Each refusal must end in GIFLOW_ERR_NOMEM, sticky (the failed call and
 * the next stage's call return it again), with everything freed; or, where
 * the allocation is optional, in the unfailed run's output. Truth: the
 * unfailed run of the same case, and the documented error.
 * Inputs are small corpus files and generated clips, so that the sweep
 * takes seconds under ASan.
 * usage: alloc_sweep CORPORA
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocfail.h"
#include "gifbuild.h"
#include "testutil.h"

/* ------------------------------------------------------------------------ */
/* Decoder                                                                   */
/* ------------------------------------------------------------------------ */

enum { D_RGBA, D_ROWS, D_DRAW, D_VIEWPORT };

typedef struct dec_case {
    const uint8_t *data;
    size_t size;
    size_t chunk; /* bytes offered at a time; 0: all at once */
    int mode;
    unsigned flags;
} dec_case;

/* Offers the next chunk (the window grows over the same bytes). Returns
 * 0 when everything has been offered already. */
static int more(giflow_input *in, const dec_case *c)
{
    if (!in || in->size == c->size)
        return 0; /* a source never asks for more */
    in->size = c->size - in->size > c->chunk ? in->size + c->chunk : c->size;
    in->eof = in->size == c->size;
    return 1;
}

#define PUMP(call) while ((r = (call)) == GIFLOW_NEED_INPUT && more(in, c))

/* The display: an RGB565 framebuffer the callbacks draw into. */
typedef struct screen {
    uint16_t *px;
    uint32_t w;
} screen;

static int s_draw(void *user, uint32_t x, uint32_t y, uint32_t n, const void *pixels)
{
    screen *s = user;
    memcpy(s->px + (size_t)y * s->w + x, pixels, n * 2);
    return 0;
}

static int s_fill(void *user, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    screen *s = user;
    for (uint32_t j = y; j < y + h; j++)
        memset(s->px + (size_t)j * s->w + x, 0, w * 2);
    return 0;
}

static int s_read(void *user, uint32_t x, uint32_t y, uint32_t n, void *pixels)
{
    screen *s = user;
    memcpy(pixels, s->px + (size_t)y * s->w + x, n * 2);
    return 0;
}

/* One frame, composed (or its rows), hashed. Returns GIFLOW_FRAME_END or
 * the error. */
static int dec_frame(giflow_decoder *dec, giflow_input *in, const dec_case *c, uint8_t *canvas,
                     size_t bytes, size_t stride, screen *scr, uint64_t *h)
{
    int r;
    if (c->mode == D_ROWS) {
        giflow_row row;
        for (;;) {
            PUMP(giflow_decode_row(dec, in, &row));
            if (r != GIFLOW_OK)
                break;
            af_hash(h, &row.y, sizeof row.y);
            af_hash(h, row.indices, row.width);
        }
        if (r < 0)
            af_sticky("decode_row", r, giflow_decode_row(dec, in, &row));
    } else if (c->mode == D_DRAW) {
        PUMP(giflow_decode_frame_draw(dec, in));
        if (r == GIFLOW_FRAME_END)
            af_hash(h, scr->px, bytes);
        else if (r < 0)
            af_sticky("frame_draw", r, giflow_decode_frame_draw(dec, in));
    } else {
        PUMP(giflow_decode_frame_rgba(dec, in, canvas, stride));
        if (r == GIFLOW_FRAME_END)
            af_hash(h, canvas, bytes);
        else if (r < 0)
            af_sticky("frame_rgba", r, giflow_decode_frame_rgba(dec, in, canvas, stride));
    }
    return r;
}

/* Sets up the output (viewport, display) once the header is in. */
static int dec_output(giflow_decoder *dec, const dec_case *c, const giflow_image_info *ii,
                      uint32_t *w, uint32_t *h, screen *scr, void *scratch, size_t scratch_size)
{
    *w = ii->canvas_width;
    *h = ii->canvas_height;
    if (c->mode == D_VIEWPORT) {
        /* The lower right three quarters, halved: a crop and a scale. */
        giflow_viewport vp = {0};
        vp.crop_x = *w / 4;
        vp.crop_y = *h / 4;
        vp.out_width = (*w - *w / 4 + 1) / 2;
        vp.out_height = (*h - *h / 4 + 1) / 2;
        int r = giflow_decoder_set_viewport(dec, &vp);
        *w = vp.out_width;
        *h = vp.out_height;
        return r; /* not sticky, as documented: the run ends here */
    }
    if (c->mode == D_DRAW) {
        giflow_display d;
        giflow_display_init(&d);
        d.format = GIFLOW_FORMAT_RGB565;
        d.draw = s_draw;
        d.fill = s_fill;
        d.read = s_read;
        d.user = scr;
        d.scratch = scratch;
        d.scratch_size = scratch_size;
        d.restore = GIFLOW_RESTORE_READBACK;
        scr->w = *w;
        return giflow_decoder_set_display(dec, &d);
    }
    return GIFLOW_OK;
}

static int dec_run(void *ctx, const giflow_allocator *a, uint64_t *h)
{
    const dec_case *c = ctx;
    giflow_decoder *dec = giflow_decoder_new(a);
    if (!dec)
        return GIFLOW_ERR_NOMEM;
    giflow_input input = {c->data, c->chunk && c->chunk < c->size ? c->chunk : c->size, 0, 0};
    giflow_input *in = &input;
    input.eof = input.size == c->size;
    /* The display case pulls its input from a source (64-byte reads). */
    tu_memfile mf = {.data = c->data, .size = c->size};
    uint8_t sbuf[64];
    giflow_source src;
    if (c->mode == D_DRAW) {
        giflow_source_callbacks(&src, tu_memfile_read, tu_memfile_seek, &mf, sbuf, sizeof sbuf);
        giflow_decoder_set_source(dec, &src);
        in = NULL;
    }
    giflow_decoder_set_flags(dec, c->flags);
    giflow_image_info ii;
    int r;
    PUMP(giflow_decode_image_info(dec, in, &ii));
    if (r < 0) {
        af_sticky("image_info", r, giflow_decode_image_info(dec, in, &ii));
        giflow_decoder_free(dec);
        return r;
    }
    size_t cw = ii.canvas_width, ch = ii.canvas_height;
    uint8_t *canvas = calloc(cw * ch, 4), *scratch = calloc(cw * ch, 2);
    screen scr = {calloc(cw * ch, 2), 0};
    uint32_t w, hgt;
    r = dec_output(dec, c, &ii, &w, &hgt, &scr, scratch, cw * ch * 2);
    size_t bytes = (size_t)w * hgt * (c->mode == D_DRAW ? 2 : 4);
    while (r == GIFLOW_OK) {
        giflow_frame_info fi;
        PUMP(giflow_decode_frame_info(dec, in, &fi));
        if (r == GIFLOW_END) {
            r = GIFLOW_OK;
            break;
        }
        if (r < 0) {
            af_sticky("frame_info", r, giflow_decode_frame_info(dec, in, &fi));
            break;
        }
        af_hash(h, &fi.index, sizeof fi.index);
        r = dec_frame(dec, in, c, canvas, bytes, (size_t)w * 4, &scr, h);
        if (r < 0) {
            af_sticky("frame_info after a frame error", r, giflow_decode_frame_info(dec, in, &fi));
            break;
        }
        r = r == GIFLOW_FRAME_END ? GIFLOW_OK : GIFLOW_ERR_TRUNCATED;
    }
    giflow_decoder_free(dec);
    free(canvas);
    free(scratch);
    free(scr.px);
    return r;
}

static void sweep_decoder(const char *name, const uint8_t *data, size_t size)
{
    static const struct {
        const char *what;
        size_t chunk;
        int mode;
        unsigned flags;
    } ways[] = {
        {"whole", 0, D_RGBA, 0},
        {"chunked", 7, D_RGBA, 0},
        {"rows", 7, D_ROWS, 0},
        {"small-memory merge", 0, D_RGBA, GIFLOW_FLAG_SMALL_MEMORY | GIFLOW_FLAG_MERGE_ZERO_DELAY},
        {"display", 0, D_DRAW, 0},
        {"viewport", 7, D_VIEWPORT, 0},
    };
    for (size_t i = 0; i < sizeof ways / sizeof *ways; i++) {
        dec_case c = {data, size, ways[i].chunk, ways[i].mode, ways[i].flags};
        char label[96];
        snprintf(label, sizeof label, "decode %s %s", name, ways[i].what);
        af_sweep(label, dec_run, &c);
    }
}

/* ------------------------------------------------------------------------ */
/* Index and player                                                          */
/* ------------------------------------------------------------------------ */

typedef struct file_case {
    const uint8_t *data;
    size_t size;
    int viewport;
} file_case;

static int index_run(void *ctx, const giflow_allocator *a, uint64_t *h)
{
    const file_case *c = ctx;
    giflow_index *ix = giflow_index_new(a);
    if (!ix)
        return GIFLOW_ERR_NOMEM;
    int r = GIFLOW_NEED_INPUT;
    for (size_t off = 0; off < c->size && r == GIFLOW_NEED_INPUT; off += 16) {
        size_t n = c->size - off < 16 ? c->size - off : 16;
        giflow_input in = {c->data + off, n, 0, off + n == c->size};
        r = giflow_index_feed(ix, &in);
    }
    if (r == GIFLOW_END) {
        giflow_index_info info;
        r = giflow_index_get_info(ix, &info);
        af_hash(h, &info.frames, sizeof info.frames);
        af_hash(h, &info.duration_ms, sizeof info.duration_ms);
        for (uint32_t k = 0; k < info.frames && r == GIFLOW_OK; k++) {
            giflow_index_frame f;
            r = giflow_index_get_frame(ix, k, &f);
            af_hash(h, &f.offset, sizeof f.offset);
            af_hash(h, &f.keyframe, sizeof f.keyframe);
        }
    } else if (r < 0) {
        giflow_input none = {NULL, 0, 0, 1};
        af_sticky("index_feed", r, giflow_index_feed(ix, &none));
    }
    giflow_index_free(ix);
    return r;
}

static void hash_frame(uint64_t *h, const giflow_player_frame *f)
{
    af_hash(h, &f->index, sizeof f->index);
    for (uint32_t y = 0; y < f->height; y++)
        af_hash(h, f->rgba + y * f->stride, (size_t)f->width * 4);
}

static int player_run(void *ctx, const giflow_allocator *a, uint64_t *h)
{
    const file_case *c = ctx;
    giflow_player_options o;
    giflow_player_options_default(&o);
    o.budget_canvases = 3;
    giflow_player *p = giflow_player_new(a, &o);
    if (!p)
        return GIFLOW_ERR_NOMEM;
    giflow_player_info info;
    giflow_player_frame f;
    int r = giflow_player_set_memory(p, c->data, c->size, 1);
    if (r == GIFLOW_OK)
        r = giflow_player_get_info(p, &info);
    if (r == GIFLOW_OK && c->viewport) {
        giflow_viewport vp = {0};
        vp.out_width = (info.canvas_width + 1) / 2;
        vp.out_height = (info.canvas_height + 1) / 2;
        r = giflow_player_set_viewport(p, &vp);
    }
    uint32_t n = r == GIFLOW_OK ? info.frames : 0;
    /* The last frame first, then back to 0, then the next ones in turn,
     * then what shows halfway through. */
    if (r == GIFLOW_OK && n)
        r = giflow_player_seek(p, n - 1, &f);
    if (r == GIFLOW_OK)
        hash_frame(h, &f);
    if (r == GIFLOW_OK)
        r = giflow_player_seek(p, 0, &f);
    for (uint32_t k = 1; k <= n && r == GIFLOW_OK; k++) {
        hash_frame(h, &f);
        r = giflow_player_next(p, &f);
    }
    if (r == GIFLOW_OK || r == GIFLOW_END)
        r = giflow_player_frame_at(p, info.duration_ms / 2, &f);
    if (r == GIFLOW_OK)
        hash_frame(h, &f);
    else if (r < 0)
        af_sticky("player seek", r, giflow_player_seek(p, n ? n - 1 : 0, &f));
    giflow_player_free(p);
    return r;
}

/* ------------------------------------------------------------------------ */
/* Encoder                                                                   */
/* ------------------------------------------------------------------------ */

#define CW 40
#define CH 30
#define CLIP_FRAMES 10

/* A generated clip: a gradient with camera-like noise, a square moving
 * over it, and (frames 6 on) a transparent hole. */
static uint8_t clip[CLIP_FRAMES][CH][CW][4];

static void make_clip(void)
{
    uint32_t s = 12345;
    for (int t = 0; t < CLIP_FRAMES; t++)
        for (int y = 0; y < CH; y++)
            for (int x = 0; x < CW; x++) {
                s = s * 1103515245u + 12345u;
                int noise = (int)(s >> 28) - 8;
                uint8_t *p = clip[t][y][x];
                int in_square = x >= 3 * t && x < 3 * t + 8 && y >= 10 && y < 18;
                p[0] = (uint8_t)(in_square ? 240 : 6 * x + noise + 8);
                p[1] = (uint8_t)(in_square ? 30 : 8 * y + noise + 8);
                p[2] = (uint8_t)(in_square ? 60 : 100 + noise);
                p[3] = (t >= 6 && x < 6 && y < 6) ? 0 : 255;
            }
}

enum { E_FRAMES, E_QUALITY, E_INDICES, E_ROWS, E_ROWS_PALETTE, E_CORPUS };

typedef struct enc_case {
    int kind;
    const tu_decoded *frames; /* E_CORPUS: a corpus file's frames */
} enc_case;

static int enc_options(const enc_case *c, giflow_encode_options *o)
{
    giflow_encode_options_default(o);
    o->width = CW;
    o->height = CH;
    if (c->kind == E_CORPUS) {
        o->width = c->frames->image.canvas_width;
        o->height = c->frames->image.canvas_height;
        o->max_colors = 64;
        o->dither = GIFLOW_DITHER_ORDERED;
        o->lossy = 2;
    }
    static const uint8_t gray[] = {0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255};
    static const uint8_t note[] = "alloc sweep";
    switch (c->kind) {
    case E_FRAMES:
        o->max_colors = 24;
        o->dither = GIFLOW_DITHER_FS;
        o->comment = note;
        o->comment_size = sizeof note - 1;
        break;
    case E_QUALITY:
        o->palette = GIFLOW_PALETTE_LOCAL;
        o->effort = GIFLOW_EFFORT_DEFAULT;
        return giflow_encode_options_quality(o, 40);
    case E_INDICES:
        o->optimize = 1;
        break;
    case E_ROWS:
        o->row_streaming = 1;
        o->dither = GIFLOW_DITHER_FS;
        o->max_colors = 32;
        break;
    case E_ROWS_PALETTE:
        o->row_streaming = 1;
        o->dither = GIFLOW_DITHER_ORDERED;
        o->global_palette = gray;
        o->global_palette_size = 4;
        break;
    }
    return GIFLOW_OK;
}

/* The frames of the clip, as frames (RGBA or indices) or in rows. */
static int enc_frames(giflow_encoder *enc, const enc_case *c)
{
    static uint8_t idx[CH][CW];
    static const uint8_t pal[] = {0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255};
    int r = GIFLOW_OK;
    if (c->kind == E_ROWS || c->kind == E_ROWS_PALETTE) {
        if (c->kind == E_ROWS)
            r = giflow_encode_sample_rows(enc, &clip[0][0][0][0], CH, 0);
        giflow_frame f;
        giflow_frame_init(&f);
        for (int t = 0; t < 3 && r == GIFLOW_OK; t++) {
            f.delay_cs = 5;
            r = giflow_encode_rows_begin(enc, &f);
            for (int y = 0; y < CH && r == GIFLOW_OK; y += 7)
                r = giflow_encode_rows(enc, &clip[t][y][0][0], CH - y < 7 ? CH - y : 7, 0);
            if (r == GIFLOW_OK)
                r = giflow_encode_rows_end(enc);
        }
        if (r < 0)
            af_sticky("encode_rows_end", r, giflow_encode_rows_end(enc));
        return r;
    }
    int n = c->kind == E_CORPUS ? (int)c->frames->nframes : CLIP_FRAMES;
    for (int t = 0; t < n && r == GIFLOW_OK; t++) {
        giflow_frame f;
        giflow_frame_init(&f);
        if (c->kind == E_CORPUS) {
            /* Sampled for the global palette first, then given. */
            f.rgba = c->frames->frames[t].rgba;
            f.delay_cs = c->frames->frames[t].info.delay_cs;
            if (t == 0)
                r = giflow_encode_sample(enc, &f);
            if (t == 0 && n > 2 && r == GIFLOW_OK) {
                giflow_frame g = f;
                g.rgba = c->frames->frames[n / 2].rgba;
                r = giflow_encode_sample(enc, &g);
            }
        } else if (c->kind == E_INDICES) {
            for (int y = 0; y < CH; y++)
                for (int x = 0; x < CW; x++)
                    idx[y][x] = (uint8_t)((x / 5 + y / 5 + t) & 3);
            f.indices = &idx[0][0];
            f.palette = pal;
            f.palette_size = 4;
            f.has_transparency = t & 1;
            f.transparent_index = t & 1 ? 3 : 0;
            f.delay_cs = 4;
        } else {
            f.rgba = &clip[t][0][0][0];
            f.time_mode = c->kind == E_QUALITY ? GIFLOW_TIME_TIMESTAMP_MS : GIFLOW_TIME_DURATION_MS;
            f.timestamp_ms = 33 * t;
            f.duration_ms = 45;
        }
        if (r == GIFLOW_OK)
            r = giflow_encode_frame(enc, &f);
        if (r < 0)
            af_sticky("encode_frame", r, giflow_encode_frame(enc, &f));
    }
    return r;
}

static int enc_run(void *ctx, const giflow_allocator *a, uint64_t *h)
{
    const enc_case *c = ctx;
    giflow_encoder *enc = giflow_encoder_new(a);
    if (!enc)
        return GIFLOW_ERR_NOMEM;
    /* Half the cases write to the encoder's own memory. */
    int mem = c->kind == E_QUALITY || c->kind == E_ROWS;
    int r = mem ? giflow_encoder_set_output_memory(enc)
                : giflow_encoder_set_output(enc, af_hash_write, h);
    giflow_encode_options o;
    if (r == GIFLOW_OK)
        r = enc_options(c, &o);
    if (r == GIFLOW_OK)
        r = giflow_encode_begin(enc, &o);
    if (r == GIFLOW_OK)
        r = enc_frames(enc, c);
    if (r == GIFLOW_OK) {
        r = giflow_encode_finish(enc, 33 * CLIP_FRAMES);
        if (r < 0)
            af_sticky("encode_finish", r, giflow_encode_finish(enc, 33 * CLIP_FRAMES));
    } else if (r < 0) {
        af_sticky("encode_finish after an error", r, giflow_encode_finish(enc, -1));
    }
    if (r == GIFLOW_OK && mem) {
        size_t n;
        const uint8_t *out = giflow_encoder_output(enc, &n);
        af_hash(h, out, n);
    }
    giflow_encoder_free(enc);
    return r;
}

/* ------------------------------------------------------------------------ */
/* Transcoder                                                                */
/* ------------------------------------------------------------------------ */

typedef struct tc_case {
    const uint8_t *data;
    size_t size;
    giflow_transcode_options o;
    int scan;       /* giflow_transcode_scan first */
    int twice;      /* the input again, as a second input */
    int explode;    /* every other frame, one GIF each */
} tc_case;

static int odd_frames(void *user, uint32_t input, uint32_t index)
{
    (void)user;
    (void)input;
    return index & 1;
}

static int next_gif(void *user, uint32_t frame)
{
    af_hash(user, &frame, sizeof frame); /* a separator between the GIFs */
    return 0;
}

static int tc_push(giflow_transcoder *t, const tc_case *c, int scan)
{
    int r;
    giflow_input in = {c->data, 0, 0, 0};
    do { /* 100 bytes at a time */
        in.size = c->size - in.size > 100 ? in.size + 100 : c->size;
        in.eof = in.size == c->size;
        r = scan ? giflow_transcode_scan(t, &in) : giflow_transcode_push(t, &in);
    } while (r == GIFLOW_NEED_INPUT && !in.eof);
    if (r < 0) {
        giflow_input none = {NULL, 0, 0, 1};
        af_sticky(scan ? "transcode_scan" : "transcode_push", r, giflow_transcode_push(t, &none));
    }
    return r == GIFLOW_END ? GIFLOW_OK : r < 0 ? r : GIFLOW_ERR_TRUNCATED;
}

static int tc_run(void *ctx, const giflow_allocator *a, uint64_t *h)
{
    const tc_case *c = ctx;
    giflow_transcoder *t = giflow_transcoder_new(a);
    if (!t)
        return GIFLOW_ERR_NOMEM;
    int r = giflow_transcoder_set_output(t, af_hash_write, h);
    if (r == GIFLOW_OK && c->explode)
        r = giflow_transcoder_set_frame_filter(t, odd_frames, NULL);
    if (r == GIFLOW_OK && c->explode)
        r = giflow_transcoder_set_explode(t, next_gif, h);
    if (r == GIFLOW_OK)
        r = giflow_transcode_begin(t, &c->o);
    if (r == GIFLOW_OK && c->scan)
        r = tc_push(t, c, 1);
    if (r == GIFLOW_OK)
        r = tc_push(t, c, 0);
    if (r == GIFLOW_OK && c->twice) {
        r = giflow_transcode_next_input(t);
        if (r == GIFLOW_OK)
            r = tc_push(t, c, 0);
        else
            af_sticky("next_input", r, giflow_transcode_next_input(t));
    }
    if (r == GIFLOW_OK) {
        r = giflow_transcode_finish(t);
        if (r < 0)
            af_sticky("transcode_finish", r, giflow_transcode_finish(t));
    } else {
        af_sticky("finish after an error", r, giflow_transcode_finish(t));
    }
    giflow_transcoder_free(t);
    return r;
}

static void sweep_transcoder(const char *name, const uint8_t *data, size_t size)
{
    for (int i = 0; i < 6; i++) {
        tc_case c = {data, size, {0}, 0, 0, 0};
        giflow_transcode_options_default(&c.o);
        const char *what = "";
        switch (i) {
        case 0:
            c.o.mode = GIFLOW_MODE_COPY;
            c.o.loop_count = 3;
            c.o.speed = 2;
            what = "copy";
            break;
        case 1:
            c.o.mode = GIFLOW_MODE_OPTIMIZE;
            what = "optimize";
            break;
        case 2:
            c.o.mode = GIFLOW_MODE_OPTIMIZE;
            c.scan = c.twice = 1;
            c.o.interlace = 1;
            what = "optimize scan x2";
            break;
        case 3:
            c.o.mode = GIFLOW_MODE_QUANTIZE;
            c.o.lossy = 4;
            what = "quantize lossy";
            break;
        case 4:
            c.o.crop_x = 2;
            c.o.crop_width = 50;
            c.o.rotate = 90;
            c.o.width = 20;
            c.o.max_colors = 16;
            c.o.dither = GIFLOW_DITHER_FS;
            what = "crop rotate resize";
            break;
        case 5:
            c.o.strip = 1;
            c.o.flip = GIFLOW_FLIP_H;
            c.explode = 1;
            what = "strip flip explode";
            break;
        }
        char label[96];
        snprintf(label, sizeof label, "transcode %s %s", name, what);
        af_sweep(label, tc_run, &c);
    }
}

/* ------------------------------------------------------------------------ */

/* A generated animation: local palettes, interlacing, a restore-previous
 * frame, a zero-delay frame and a comment. 24x20. */
static void make_gif(tb_buf *b)
{
    static const uint8_t gct[] = {0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255};
    static const uint8_t lct[] = {10, 200, 10, 200, 200, 10, 10, 10, 200, 99, 99, 99};
    uint8_t px[24 * 20];
    tb_header(b, 24, 20, gct, 4, 0);
    tb_netscape(b, 0);
    tb_comment(b, "generated");
    for (int k = 0; k < 5; k++) {
        tb_image im = {0};
        im.w = k ? 12 : 24;
        im.h = k ? 10 : 20;
        im.x = k ? (unsigned)(3 * k) : 0;
        im.y = k ? (unsigned)(2 * k) : 0;
        im.mcs = 2;
        im.interlaced = k == 2;
        if (k == 3) {
            im.lct = lct;
            im.lct_entries = 4;
        }
        for (unsigned i = 0; i < im.w * im.h; i++)
            px[i] = (uint8_t)((i / 3 + (unsigned)k) & 3);
        tb_gce(b, k == 1 ? 3 : k == 3 ? 2 : 1, k == 2 ? 0 : 7, k ? 1 : -1);
        tb_image_data(b, &im, px);
    }
    tb_trailer(b);
}

int main(int argc, char **argv)
{
    const char *corpora = argc > 1 ? argv[1] : "../shared/corpora";
    static const char *files[] = {
        "wuffs/test/data/animated-red-blue.gif",      /* 4 frames, 64x48 */
        "pygif-test-suite/dispose-restore-previous.gif",
        "wuffs/test/data/hippopotamus.interlaced.gif", /* 1 frame, 36x28 */
        "wuffs/test/data/muybridge.gif",              /* 15 frames, 30x20 */
    };
    uint8_t *data[4];
    size_t size[4];
    for (int i = 0; i < 4; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", corpora, files[i]);
        data[i] = tu_read_file(path, &size[i]);
        TU_CHECK(data[i] != NULL, "read %s", path);
        if (!data[i])
            return 1;
    }
    tb_buf gen = {0};
    make_gif(&gen);
    make_clip();

    const char *short_name[] = {"red-blue", "restore-previous", "hippo-interlaced"};
    for (int i = 0; i < 3; i++)
        sweep_decoder(short_name[i], data[i], size[i]);
    sweep_decoder("generated", gen.data, gen.len);

    for (int i = 0; i < 3; i++) {
        static const char *names[] = {"red-blue", "muybridge", "generated"};
        file_case c = {i == 2 ? gen.data : data[i ? 3 : 0], i == 2 ? gen.len : size[i ? 3 : 0], 0};
        char label[96];
        snprintf(label, sizeof label, "index %s", names[i]);
        af_sweep(label, index_run, &c);
        snprintf(label, sizeof label, "player %s", names[i]);
        af_sweep(label, player_run, &c);
        c.viewport = 1;
        snprintf(label, sizeof label, "player %s viewport", names[i]);
        af_sweep(label, player_run, &c);
    }

    static const char *enc_names[] = {"frames dither", "frames quality 40", "indices",
                                      "rows", "rows palette"};
    for (int k = E_FRAMES; k <= E_ROWS_PALETTE; k++) {
        enc_case c = {k, NULL};
        char label[96];
        snprintf(label, sizeof label, "encode clip %s", enc_names[k]);
        af_sweep(label, enc_run, &c);
    }

    /* Corpus frames, composed with the default allocator, encoded. */
    for (int i = 0; i < 4; i += 3) {
        tu_decoded d;
        int ok = tu_decode(data[i], size[i], 0, 0, 1, &d) == 0 && d.status == GIFLOW_END;
        TU_CHECK(ok, "decode %s", files[i]);
        enc_case c = {E_CORPUS, &d};
        char label[96];
        snprintf(label, sizeof label, "encode %s frames", i ? "muybridge" : "red-blue");
        if (ok)
            af_sweep(label, enc_run, &c);
        tu_decoded_free(&d);
    }

    sweep_transcoder("red-blue", data[0], size[0]);
    sweep_transcoder("generated", gen.data, gen.len);
    sweep_transcoder("muybridge", data[3], size[3]);

    for (int i = 0; i < 4; i++)
        free(data[i]);
    tb_free(&gen);
    af_summary(tu_failures ? "alloc_sweep: FAIL" : "alloc_sweep: ok");
    return tu_failures ? 1 : 0;
}
