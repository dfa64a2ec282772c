/*
 * The transcoder (giflow.h): decoder -> composited frame -> geometry ->
 * lossless optimiser or encoder, one frame at a time; or the copy fast
 * path. Extensions met while decoding are kept as raw bytes in a queue
 * and written after the frame that preceded them.
 */
#include <string.h>

#include "copy.h"
#include "../common/api.h"
#include "geometry.h"
#include "optimize.h"
#include "../encode/encoder.h"
#include "../common/gif_format.h"

enum { IN_HEADER, IN_FRAMES, IN_DONE };

struct giflow_transcoder {
    giflow__heap heap;
    int status;               /* sticky error */
    enum { T_NEW, T_BEGUN, T_FINISHED } stage; /* setters only while T_NEW */
    giflow_transcode_options o;
    int mode;                 /* resolved GIFLOW_MODE_* */
    giflow__gifout out;
    giflow_frame_filter_fn filter;
    void *filter_user;
    giflow_explode_fn explode;
    void *explode_user;
    giflow_limits limits;

    /* The input being read. */
    giflow_decoder *dec;
    giflow_image_info info;   /* of the first input */
    uint8_t gct[768];         /* its global palette (info points here) */
    giflow_image_info cur;    /* of the current one */
    uint32_t input_no;
    int in_stage;             /* IN_* */
    int in_frame;             /* frame info read, pixels not yet */
    uint32_t frame_index;
    uint8_t *canvas;          /* the first input's canvas, RGBA */
    uint32_t cw, ch;
    uint8_t *frame;           /* the current input's canvas if smaller */
    size_t frame_cap;
    uint8_t *xbuf;            /* the frame after geometry */
    int started;              /* output set up (first image info) */
    int header_done;
    int loop;                 /* the loop count written, or -1 */

    giflow__geom geom;
    giflow__opt opt;
    int have_opt;
    giflow_encoder *enc;
    giflow__copy copy;

    /* Raw extensions waiting for their place. */
    uint8_t *q;
    size_t q_len, q_cap;
    int q_keep;               /* the extension being captured is kept */
    int q_opened;             /* ... and its terminator has not come yet */
    size_t q_open;            /* where in q it starts */
    int q_err;                /* why on_meta stopped the decoder (its
                                 GIFLOW_ERR_IO stands for this) */
    uint32_t kept;            /* frames kept by the filter */

    /* giflow_transcode_scan: the colours of what changes, per frame. */
    int scanning;
    int scanned;              /* a global palette came out of it */
    uint8_t *scan_prev;       /* the previous frame, after geometry */
    struct scan_color {
        uint32_t rgb;         /* + 1; 0 = empty */
        uint32_t frames;      /* frames in which it changes on screen */
        uint32_t last;        /* the last frame counted */
        uint32_t first;       /* the first frame it appears in */
    } colors[512];
    uint32_t ncolors;
    int overflow;
    /* Per scanned frame (the first SCAN_SETS of them): which colours
     * (slots of colors) change, and how many pixels; to price orders. */
    struct scan_set {
        uint64_t slot[8];
        uint32_t pixels;
    } *sets;
    uint32_t nsets, sets_cap;
    giflow_transcode_stats stats;
};

static void options_default(giflow_transcode_options *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->loop_count = GIFLOW_KEEP;
    o->delay_cs = GIFLOW_KEEP;
    o->speed = 1.0;
}

void giflow_transcode_options_init_size(giflow_transcode_options *o, size_t size)
{
    giflow_transcode_options d;
    options_default(&d);
    if (o)
        giflow__struct_out(o, size, &d, sizeof d);
}

static int fail(giflow_transcoder *t, int st)
{
    if (st == GIFLOW_ERR_IO && t->q_err)
        st = t->q_err; /* the extension queue ran out of memory */
    if (!t->status && st < 0)
        t->status = st;
    return t->status ? t->status : st;
}

giflow_transcoder *giflow_transcoder_new(const giflow_allocator *alloc)
{
    giflow__heap heap;
    giflow__heap_init(&heap, alloc);
    giflow_transcoder *t = giflow__alloc(&heap, sizeof *t, NULL);
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->heap = heap;
    giflow__gw_init(&t->out, &t->heap, &t->status);
    options_default(&t->o);
    giflow_limits_default(&t->limits);
    return t;
}

static void free_frames(giflow_transcoder *t)
{
    size_t px = (size_t)t->cw * t->ch;
    giflow__free(&t->heap, t->canvas, px * 4);
    giflow__free(&t->heap, t->frame, t->frame_cap);
    giflow__free(&t->heap, t->xbuf, (size_t)t->geom.out_w * t->geom.out_h * 4);
    giflow__free(&t->heap, t->scan_prev, (size_t)t->geom.out_w * t->geom.out_h * 4);
    giflow__free(&t->heap, t->sets, (size_t)t->sets_cap * sizeof *t->sets);
    t->sets = NULL;
    t->canvas = t->frame = t->xbuf = t->scan_prev = NULL;
    giflow__geom_free(&t->geom);
    if (t->have_opt)
        giflow__opt_free(&t->opt);
    t->have_opt = 0;
}

void giflow_transcoder_free(giflow_transcoder *t)
{
    if (!t)
        return;
    free_frames(t);
    giflow_decoder_free(t->dec);
    giflow_encoder_free(t->enc);
    giflow__free(&t->heap, t->q, t->q_cap);
    giflow__gw_release(&t->out);
    giflow__heap heap = t->heap;
    giflow__free(&heap, t, sizeof *t);
}

int giflow_transcoder_set_output(giflow_transcoder *t, giflow_write_fn fn, void *user)
{
    if (!t || !fn)
        return GIFLOW_ERR_ARG;
    if (t->stage != T_NEW)
        return GIFLOW_ERR_STATE;
    giflow__gw_set_callback(&t->out, fn, user);
    return GIFLOW_OK;
}

int giflow_transcoder_set_output_memory(giflow_transcoder *t)
{
    if (!t)
        return GIFLOW_ERR_ARG;
    if (t->stage != T_NEW)
        return GIFLOW_ERR_STATE;
    giflow__gw_set_memory(&t->out);
    return GIFLOW_OK;
}

const uint8_t *giflow_transcoder_output(const giflow_transcoder *t, size_t *size)
{
    if (size)
        *size = t ? t->out.mem_len : 0;
    return t ? t->out.mem : NULL;
}

int giflow_transcoder_set_frame_filter(giflow_transcoder *t, giflow_frame_filter_fn fn,
                                       void *user)
{
    if (!t)
        return GIFLOW_ERR_ARG;
    if (t->stage != T_NEW)
        return GIFLOW_ERR_STATE;
    t->filter = fn;
    t->filter_user = user;
    return GIFLOW_OK;
}

int giflow_transcoder_set_explode(giflow_transcoder *t, giflow_explode_fn fn, void *user)
{
    if (!t)
        return GIFLOW_ERR_ARG;
    if (t->stage != T_NEW)
        return GIFLOW_ERR_STATE;
    t->explode = fn;
    t->explode_user = user;
    return GIFLOW_OK;
}

int giflow_transcoder_set_limits(giflow_transcoder *t, const giflow_limits *limits)
{
    if (!t || !limits)
        return GIFLOW_ERR_ARG;
    if (t->stage != T_NEW)
        return GIFLOW_ERR_STATE;
    t->limits = *limits;
    return GIFLOW_OK;
}

/* Options that change pixels, and those that need new colours. */
static int touches_pixels(const giflow_transcode_options *o)
{
    return o->crop_width || o->flip || o->rotate || o->width || o->height || o->max_colors ||
           o->dither || o->lossy || o->lossy_lzw || o->interlace;
}

static int needs_quantizer(const giflow_transcode_options *o)
{
    return o->max_colors || o->dither || o->lossy || o->lossy_lzw ||
           ((o->width || o->height) && o->resize_filter == GIFLOW_RESIZE_AREA);
}

static int check(const giflow_transcode_options *o)
{
    if (o->mode < GIFLOW_MODE_AUTO || o->mode > GIFLOW_MODE_QUANTIZE ||
        o->loop_count < GIFLOW_KEEP || o->loop_count > 65535 ||
        o->delay_cs < GIFLOW_KEEP || o->delay_cs == -1 || o->delay_cs > 65535 ||
        !(o->speed > 0 && o->speed <= 1000) || (o->comment && !o->comment_size) ||
        (o->flip & ~(GIFLOW_FLIP_H | GIFLOW_FLIP_V)) ||
        (o->rotate != 0 && o->rotate != 90 && o->rotate != 180 && o->rotate != 270) ||
        o->width > 65535 || o->height > 65535 ||
        (o->resize_filter != GIFLOW_RESIZE_AREA && o->resize_filter != GIFLOW_RESIZE_NEAREST) ||
        (o->max_colors && (o->max_colors < 2 || o->max_colors > 256)) || o->dither < 0 ||
        o->dither > GIFLOW_DITHER_ORDERED || o->lossy < 0 || o->lossy > 64 ||
        o->lossy_lzw < 0 || o->lossy_lzw > 64)
        return GIFLOW_ERR_ARG;
    if (o->mode == GIFLOW_MODE_COPY && touches_pixels(o))
        return GIFLOW_ERR_ARG;
    if (o->mode == GIFLOW_MODE_OPTIMIZE && needs_quantizer(o))
        return GIFLOW_ERR_ARG;
    return GIFLOW_OK;
}

int giflow_transcode_begin(giflow_transcoder *t, const giflow_transcode_options *o)
{
    if (!t || !o)
        return GIFLOW_ERR_ARG;
    if (t->status)
        return t->status;
    if (t->stage != T_NEW)
        return GIFLOW_ERR_STATE;
    giflow_transcode_options in;
    options_default(&in);
    int st = giflow__struct_in(&in, sizeof in, o, GIFLOW__TRANSCODE_OPTIONS_V0, 0);
    if (st != GIFLOW_OK || (st = check(&in)) != GIFLOW_OK)
        return st;
    t->o = in;
    o = &t->o;
    t->mode = o->mode;
    if (t->mode == GIFLOW_MODE_AUTO)
        t->mode = needs_quantizer(o) ? GIFLOW_MODE_QUANTIZE
                  : touches_pixels(o) || t->filter || t->explode ||
                          (o->loop_count == GIFLOW_KEEP && o->delay_cs == GIFLOW_KEEP &&
                           o->speed == 1.0 && !o->comment && !o->strip)
                      ? GIFLOW_MODE_OPTIMIZE
                      : GIFLOW_MODE_COPY;
    if ((t->mode == GIFLOW_MODE_COPY && (t->filter || t->explode)) ||
        (t->mode == GIFLOW_MODE_QUANTIZE && t->explode))
        return GIFLOW_ERR_ARG;
    t->stats.mode = t->mode;
    if (t->mode == GIFLOW_MODE_COPY)
        giflow__copy_init(&t->copy, &t->out, &t->o);
    t->stage = T_BEGUN;
    return GIFLOW_OK;
}

/* ---- Extensions --------------------------------------------------------- */

static int q_put(giflow_transcoder *t, const void *data, size_t n)
{
    if (t->q_len + n > t->q_cap) {
        size_t cap = t->q_cap ? t->q_cap : 1024;
        while (cap < t->q_len + n)
            cap *= 2;
        int over;
        uint8_t *p = giflow__alloc(&t->heap, cap, &over);
        if (!p)
            return over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM;
        if (t->q_len)
            memcpy(p, t->q, t->q_len);
        giflow__free(&t->heap, t->q, t->q_cap);
        t->q = p;
        t->q_cap = cap;
    }
    memcpy(t->q + t->q_len, data, n);
    t->q_len += n;
    return GIFLOW_OK;
}

static int is_loop_ext(const giflow_meta *m)
{
    return m->kind == GIFLOW_META_APPLICATION &&
           (!strcmp(m->app_id, "NETSCAPE2.0") || !strcmp(m->app_id, "ANIMEXTS1.0"));
}

/* Decoder metadata: extensions, one sub-block at a time, kept raw. A loop
 * extension before the header becomes the header's; one after it is
 * kept (the last one wins in browsers) unless the loop count was set. */
static int on_meta(void *user, const giflow_meta *m)
{
    giflow_transcoder *t = user;
    if (t->scanning)
        return 0;
    int st = GIFLOW_OK;
    if (m->block_index == 0 && !m->last) {
        if (is_loop_ext(m))
            t->q_keep = t->header_done && t->o.loop_count == GIFLOW_KEEP && !t->explode;
        else
            t->q_keep = !t->o.strip && !t->explode;
        uint8_t h[2] = {GIFLOW__GIF_EXTENSION, (uint8_t)m->label};
        t->q_open = t->q_len;
        t->q_opened = t->q_keep;
        if (t->q_keep)
            st = q_put(t, h, 2);
    } else if (m->block_index == 0 && m->last) { /* no sub-blocks at all */
        uint8_t h[3] = {GIFLOW__GIF_EXTENSION, (uint8_t)m->label, 0};
        if (!t->o.strip && !t->explode && !is_loop_ext(m))
            st = q_put(t, h, 3);
        t->q_keep = 0;
    }
    if (st == GIFLOW_OK && t->q_keep) {
        uint8_t n = (uint8_t)m->size;
        st = q_put(t, &n, 1);
        if (st == GIFLOW_OK && m->size)
            st = q_put(t, m->data, m->size);
        if (m->last)
            t->q_opened = 0;
    }
    t->q_err = st;
    return st != GIFLOW_OK;
}

/* The input ended inside an extension: the queue holds its whole
 * sub-blocks, so its terminator makes it what the decoder read (a loop
 * count, say). */
static int close_open_ext(giflow_transcoder *t)
{
    if (!t->q_opened)
        return GIFLOW_OK;
    t->q_opened = 0;
    uint8_t end = 0;
    return q_put(t, &end, 1);
}

/* An extension still open stays queued: the input may have been cut
 * inside it, and half an extension would break the output. */
static int write_queue(giflow_transcoder *t, giflow__gifout *out)
{
    size_t n = t->q_opened ? t->q_open : t->q_len;
    int st = n ? giflow__gw_bytes(out, t->q, n) : GIFLOW_OK;
    if (t->q_len > n)
        memmove(t->q, t->q + n, t->q_len - n);
    t->q_len -= n;
    t->q_open = 0;
    return st;
}

static int opt_after_frame(void *user)
{
    giflow_transcoder *t = user;
    return write_queue(t, &t->out);
}

static int enc_before_block(void *user, giflow__gifout *out)
{
    return write_queue(user, out);
}

static int forward(void *user, const uint8_t *data, size_t size)
{
    giflow_transcoder *t = user;
    return giflow__gw_bytes(&t->out, data, size) != GIFLOW_OK;
}

/* ---- Output set-up -------------------------------------------------------*/

static void *take(giflow_transcoder *t, size_t n, int *failed)
{
    int over;
    void *p = giflow__alloc(&t->heap, n, &over);
    if (!p && !*failed)
        *failed = over ? GIFLOW_ERR_LIMIT_MEMORY : GIFLOW_ERR_NOMEM;
    return p;
}

/* The first input's image info fixes the canvas and the output. */
static int start_output(giflow_transcoder *t, const giflow_image_info *im)
{
    const giflow_transcode_options *o = &t->o;
    t->cw = im->canvas_width;
    t->ch = im->canvas_height;
    int st = giflow__geom_init(&t->geom, &t->heap, t->cw, t->ch, o->crop_x, o->crop_y,
                               o->crop_width, o->crop_height, o->flip, o->rotate, o->width,
                               o->height, o->resize_filter == GIFLOW_RESIZE_NEAREST);
    if (st != GIFLOW_OK)
        return st;
    /* A resize may grow the canvas: the output obeys the input's limit,
     * or the same limits could not read it back. */
    uint64_t out_px = (uint64_t)t->geom.out_w * t->geom.out_h;
    if (t->limits.max_canvas_pixels && out_px > t->limits.max_canvas_pixels)
        return GIFLOW_ERR_LIMIT_CANVAS;
    int failed = 0;
    size_t px = (size_t)t->cw * t->ch;
    t->canvas = take(t, px * 4, &failed);
    t->xbuf = take(t, (size_t)t->geom.out_w * t->geom.out_h * 4, &failed);
    if (failed)
        return failed;
    int loop = o->loop_count == GIFLOW_KEEP ? giflow_decoder_loop_count(t->dec) : o->loop_count;
    t->loop = loop;
    t->stats.loop_count = loop;
    if (t->mode == GIFLOW_MODE_OPTIMIZE) {
        st = giflow__opt_init(&t->opt, &t->heap, &t->out, &t->status, t->geom.out_w,
                              t->geom.out_h);
        if (st != GIFLOW_OK)
            return st;
        t->have_opt = 1;
        t->opt.interlace = o->interlace;
        t->opt.effort = 1;
        t->opt.restore = 1;
        t->opt.after_frame = opt_after_frame;
        t->opt.hook_user = t;
        return GIFLOW_OK;
    }
    giflow_encode_options eo;
    giflow_encode_options_default(&eo);
    eo.width = t->geom.out_w;
    eo.height = t->geom.out_h;
    eo.loop_count = loop;
    eo.max_colors = o->max_colors ? o->max_colors : 256;
    eo.dither = o->dither;
    eo.lossy = o->lossy;
    eo.lossy_lzw = o->lossy_lzw;
    eo.denoise = 0; /* a GIF's frame-to-frame noise is its dither: keep it */
    eo.comment = o->comment;
    eo.comment_size = o->comment_size;
    eo.min_delay_cs = 0;
    t->enc = giflow_encoder_new(&t->heap.alloc);
    if (!t->enc)
        return GIFLOW_ERR_NOMEM;
    t->enc->before_block = enc_before_block;
    t->enc->hook_user = t;
    if ((st = giflow_encoder_set_output(t->enc, forward, t)) != GIFLOW_OK)
        return st;
    return giflow_encode_begin(t->enc, &eo);
}

/* The global palette: the input's when its first frame uses it, else the
 * first frame's exact colours when there are at most 256. */
static void pick_global(giflow_transcoder *t, const giflow_frame_info *f, const uint8_t *rgba)
{
    if (t->scanned && !t->explode)
        return;
    if (t->info.has_global_palette && !f->has_local_palette) {
        giflow__opt_set_global(&t->opt, t->info.global_palette, t->info.global_palette_size);
        return;
    }
    giflow__colorset set;
    giflow__palette p;
    giflow__colorset_init(&set, 256);
    giflow__colorset_add(&set, rgba, (size_t)t->geom.out_w * t->geom.out_h, 128);
    p.n = 0;
    if (!set.overflow)
        giflow__colorset_palette(&set, &p);
    giflow__opt_set_global(&t->opt, p.rgb, p.n);
}

static int write_header(giflow_transcoder *t)
{
    giflow__gifout *out = &t->out;
    const giflow__palette *g = &t->opt.global;
    unsigned bits = g->n ? giflow__gw_table_bits(g->n) : 0;
    int st = giflow__gw_screen(out, t->geom.out_w, t->geom.out_h, bits, 0, 0);
    if (st == GIFLOW_OK && bits)
        st = giflow__gw_palette(out, g->rgb, g->n, bits);
    /* A single image needs no loop extension; explode writes stills. */
    if (st == GIFLOW_OK && t->loop >= 0 && !t->explode)
        st = giflow__gw_loop(out, (unsigned)t->loop);
    if (st == GIFLOW_OK)
        st = write_queue(t, out);
    if (st == GIFLOW_OK && t->o.comment)
        st = giflow__gw_extension(out, GIFLOW__GIF_COMMENT, t->o.comment, t->o.comment_size);
    t->header_done = 1;
    return st;
}

/* ---- Frames --------------------------------------------------------------*/

static int emit_optimized(giflow_transcoder *t, const giflow_frame_info *f, const uint8_t *rgba,
                          uint32_t delay, uint32_t played)
{
    int st;
    if (t->explode) {
        if (t->explode(t->explode_user, t->kept - 1))
            return GIFLOW_ERR_IO;
        giflow__opt_reset(&t->opt);
        pick_global(t, f, rgba);
        if ((st = write_header(t)) != GIFLOW_OK ||
            (st = giflow__opt_push(&t->opt, rgba, delay, played)) != GIFLOW_OK ||
            (st = giflow__opt_flush(&t->opt)) != GIFLOW_OK)
            return st;
        return giflow__gw_trailer(&t->out);
    }
    if (!t->header_done) {
        pick_global(t, f, rgba);
        if ((st = write_header(t)) != GIFLOW_OK)
            return st;
    }
    return giflow__opt_push(&t->opt, rgba, delay, played);
}

/* Counts pixel p (q: the previous frame's) when it changes to an opaque
 * colour; last: the last colour counted (runs probe once). */
static inline uint32_t scan_pixel(giflow_transcoder *t, const uint8_t *p, const uint8_t *q,
                                  uint32_t frame, uint32_t last, struct scan_set *set)
{
    uint32_t pw, qw;
    memcpy(&pw, p, 4);
    memcpy(&qw, q, 4);
    if (pw == qw || p[3] < 128 || (q[3] >= 128 && !memcmp(p, q, 3)))
        return last;
    set->pixels++;
    uint32_t key = ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) + 1;
    if (key == last)
        return last;
    uint32_t h = (key * 0x9E3779B1u) >> 23;
    while (t->colors[h].rgb && t->colors[h].rgb != key)
        h = (h + 1) & 511;
    struct scan_color *c = &t->colors[h];
    if (!c->rgb) {
        if (t->ncolors == 256) {
            t->overflow = 1;
            return last;
        }
        c->rgb = key;
        c->first = frame;
        t->ncolors++;
    }
    if (c->last != frame) {
        c->last = frame;
        c->frames++;
    }
    set->slot[h >> 6] |= (uint64_t)1 << (h & 63);
    return key;
}

/* The set scan_frame fills for this frame: a slot of t->sets while there
 * is room (grown by doubling up to SCAN_SETS), else a scratch one. */
#define SCAN_SETS 1024 /* 74 KB at most, while scanning */
static struct scan_set *scan_set_next(giflow_transcoder *t, struct scan_set *scratch)
{
    memset(scratch, 0, sizeof *scratch);
    if (t->nsets == t->sets_cap && t->sets_cap < SCAN_SETS) {
        uint32_t cap = t->sets_cap ? 2 * t->sets_cap : 64;
        int failed = 0;
        struct scan_set *s = take(t, (size_t)cap * sizeof *s, &failed);
        if (!s)
            return scratch; /* pricing is a nicety: go on without */
        if (t->nsets)
            memcpy(s, t->sets, (size_t)t->nsets * sizeof *s);
        giflow__free(&t->heap, t->sets, (size_t)t->sets_cap * sizeof *t->sets);
        t->sets = s;
        t->sets_cap = cap;
    }
    if (t->nsets == t->sets_cap)
        return scratch;
    struct scan_set *s = &t->sets[t->nsets++];
    memset(s, 0, sizeof *s);
    return s;
}

/* Counts the colours of the pixels that change (all of a first frame). */
static int scan_frame(giflow_transcoder *t, const uint8_t *rgba)
{
    const size_t n = (size_t)t->geom.out_w * t->geom.out_h;
    if (!t->scan_prev) {
        int failed = 0;
        if (!(t->scan_prev = take(t, n * 4, &failed)))
            return failed;
        memset(t->scan_prev, 0, n * 4);
    }
    const uint32_t w = t->geom.out_w, h = t->geom.out_h;
    uint32_t frame = t->kept, last = 0;
    struct scan_set scratch, *set = t->overflow ? &scratch : scan_set_next(t, &scratch);
    for (uint32_t y = 0; y < h && !t->overflow; y++) {
        const uint8_t *p = rgba + (size_t)y * w * 4;
        uint8_t *q = t->scan_prev + (size_t)y * w * 4;
        if (!memcmp(p, q, (size_t)w * 4)) /* most rows of a small change */
            continue;
        for (uint32_t x = 0; x < w && !t->overflow; x++)
            last = scan_pixel(t, p + 4 * x, q + 4 * x, frame, last, set);
        memcpy(q, p, (size_t)w * 4);
    }
    return GIFLOW_OK;
}

/* Palette order: by the frame a colour first appears in (so frame k's
 * colours come early and its codes stay short), then the most used. */
static int before(const struct scan_color *a, const struct scan_color *b)
{
    if (a->first != b->first)
        return a->first < b->first;
    if (a->frames != b->frames)
        return a->frames > b->frames;
    return a->rgb < b->rgb;
}

/* Another order: the colours that change in the most frames first. */
static int more_frames(const struct scan_color *a, const struct scan_color *b)
{
    if (a->frames != b->frames)
        return a->frames > b->frames;
    return before(a, b);
}

static void sort_colors(struct scan_color *list, uint32_t n,
                        int (*less)(const struct scan_color *, const struct scan_color *))
{
    for (uint32_t i = 1; i < n; i++) { /* insertion sort: n <= 256 */
        struct scan_color c = list[i];
        uint32_t j = i;
        while (j && less(&c, &list[j - 1])) {
            list[j] = list[j - 1];
            j--;
        }
        list[j] = c;
    }
}

/* Bits of a frame's first `codes` codes at minimum code size mcs (the
 * widths a decoder reads: they grow with the table, which starts at the
 * clear code + 2); beyond 4,096 codes every order codes alike. */
static uint64_t code_bits(unsigned mcs, uint64_t codes)
{
    uint64_t bits = 0, next = (1u << mcs) + 2;
    for (unsigned w = mcs + 1; w <= 12 && codes; w++) {
        uint64_t top = w < 12 ? (uint64_t)1 << w : 4096 + codes, n = top > next ? top - next : 0;
        n = n < codes ? n : codes;
        bits += n * w;
        codes -= n;
        next += n;
    }
    return bits;
}

/* What an order of the global palette costs, in bits: its table in the
 * header, and per scanned frame the code widths its largest index (or
 * the transparent one, at most its colour count) sets. rank: palette
 * index per colour slot; size: entries written. */
static uint64_t order_cost(const giflow_transcoder *t, const int16_t rank[512], uint32_t size)
{
    uint64_t bits = 24u << giflow__gw_table_bits(size ? size : 1);
    for (uint32_t f = 0; f < t->nsets; f++) {
        const struct scan_set *s = &t->sets[f];
        int top = 0, k = 0;
        for (int i = 0; i < 512; i++)
            if (s->slot[i >> 6] >> (i & 63) & 1) {
                top = rank[i] > top ? rank[i] : top;
                k++;
            }
        top = k > top ? k : top; /* room for a transparent index */
        unsigned mcs = giflow__gw_table_bits((uint32_t)top + 1);
        /* About one code per 3 changed pixels. */
        bits += code_bits(mcs < 2 ? 2 : mcs, s->pixels / 3 + 1);
    }
    return bits;
}

/* The scan's palette, in that order. */
static void scan_palette(giflow_transcoder *t)
{
    struct scan_color list[256];
    uint32_t n = 0;
    for (int i = 0; i < 512; i++)
        if (t->colors[i].rgb)
            list[n++] = t->colors[i];
    sort_colors(list, n, before);
    uint8_t rgb[768];
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = list[i].rgb - 1;
        rgb[3 * i] = (uint8_t)(v >> 16);
        rgb[3 * i + 1] = (uint8_t)(v >> 8);
        rgb[3 * i + 2] = (uint8_t)v;
    }
    giflow__opt_set_global(&t->opt, rgb, n);
    t->scanned = 1;
    if (!t->nsets)
        return;
    /* Rivals, priced on the scanned frames: the colours that change in
     * most frames first, and the input's own global palette when it
     * holds every colour (its maker may have ordered it for this). */
    int16_t rank[512];
    const giflow__cindex *gi = &t->opt.gindex;
    for (int i = 0; i < 512; i++)
        rank[i] = (int16_t)(t->colors[i].rgb ? giflow__cindex_find(gi, t->colors[i].rgb - 1) : 0);
    uint64_t cost = order_cost(t, rank, n);
    struct scan_color alt[256];
    memcpy(alt, list, n * sizeof *alt);
    sort_colors(alt, n, more_frames);
    giflow__palette p;
    p.n = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = alt[i].rgb - 1;
        p.rgb[3 * i] = (uint8_t)(v >> 16);
        p.rgb[3 * i + 1] = (uint8_t)(v >> 8);
        p.rgb[3 * i + 2] = (uint8_t)v;
    }
    const giflow__palette *win = NULL;
    giflow__cindex ci;
    giflow__cindex_build(&ci, &p);
    for (int i = 0; i < 512; i++)
        rank[i] = (int16_t)(t->colors[i].rgb ? giflow__cindex_find(&ci, t->colors[i].rgb - 1) : 0);
    uint64_t c2 = order_cost(t, rank, n);
    if (c2 < cost)
        cost = c2, win = &p;
    giflow__palette ip;
    if (t->info.has_global_palette && t->info.global_palette_size <= 256) {
        ip.n = t->info.global_palette_size;
        memcpy(ip.rgb, t->gct, 3 * (size_t)ip.n);
        giflow__cindex_build(&ci, &ip);
        int all = 1;
        for (int i = 0; i < 512 && all; i++) {
            rank[i] = (int16_t)(t->colors[i].rgb ? giflow__cindex_find(&ci, t->colors[i].rgb - 1) : 0);
            all = rank[i] >= 0;
        }
        if (all && (c2 = order_cost(t, rank, ip.n)) < cost)
            cost = c2, win = &ip;
    }
    if (win)
        giflow__opt_set_global(&t->opt, win->rgb, win->n);
}

/* A composited input frame (on the first input's canvas). */
static int emit(giflow_transcoder *t, const giflow_frame_info *f, const uint8_t *canvas)
{
    t->stats.frames_in++;
    if (t->filter && !t->filter(t->filter_user, t->input_no, f->index))
        return GIFLOW_OK;
    t->kept++;
    const uint8_t *rgba = canvas;
    if (!giflow__geom_identity(&t->geom)) {
        giflow__geom_apply(&t->geom, canvas, t->xbuf);
        rgba = t->xbuf;
    }
    if (t->scanning)
        return scan_frame(t, rgba);
    uint32_t delay = giflow__retime(t->o.delay_cs, t->o.speed, f->delay_cs);
    uint32_t played = delay <= 1 ? 10 : delay;
    if (t->mode == GIFLOW_MODE_OPTIMIZE)
        return emit_optimized(t, f, rgba, delay, played);
    giflow_frame fr;
    giflow_frame_init(&fr);
    fr.rgba = rgba;
    fr.time_mode = GIFLOW_TIME_DELAY_CS;
    fr.delay_cs = played; /* the encoder merges by adding stored delays */
    return giflow_encode_frame(t->enc, &fr);
}

/* Where the current input's frames are composited: the first input's
 * canvas, or one of their own size (copied onto it at the top left). */
static uint8_t *input_canvas(giflow_transcoder *t, int *st)
{
    const giflow_image_info *im = &t->cur;
    if (im->canvas_width == t->cw && im->canvas_height == t->ch)
        return t->canvas;
    size_t need = (size_t)im->canvas_width * im->canvas_height * 4;
    if (t->frame_cap < need) {
        giflow__free(&t->heap, t->frame, t->frame_cap);
        t->frame_cap = 0;
        int failed = 0;
        t->frame = take(t, need, &failed);
        if (!t->frame) {
            *st = failed;
            return NULL;
        }
        t->frame_cap = need;
    }
    return t->frame;
}

static void place(giflow_transcoder *t, const uint8_t *src)
{
    const giflow_image_info *im = &t->cur;
    uint32_t w = im->canvas_width < t->cw ? im->canvas_width : t->cw;
    uint32_t h = im->canvas_height < t->ch ? im->canvas_height : t->ch;
    memset(t->canvas, 0, (size_t)t->cw * t->ch * 4);
    for (uint32_t y = 0; y < h; y++)
        memcpy(t->canvas + (size_t)y * t->cw * 4, src + (size_t)y * im->canvas_width * 4,
               (size_t)w * 4);
}

static int open_input(giflow_transcoder *t)
{
    t->dec = giflow_decoder_new(&t->heap.alloc);
    if (!t->dec)
        return GIFLOW_ERR_NOMEM;
    int st = giflow_decoder_set_limits(t->dec, &t->limits);
    if (st == GIFLOW_OK)
        st = giflow_decoder_set_meta_callback(t->dec, on_meta, t);
    return st;
}

/* A decoding error ends the input where browsers stop; running out of
 * memory ends the whole job. */
static int input_broke(giflow_transcoder *t, int st)
{
    if (st == GIFLOW_ERR_NOMEM || st == GIFLOW_ERR_IO)
        return fail(t, st);
    t->stats.input_status = st;
    t->in_stage = IN_DONE;
    return GIFLOW_END;
}

static int push_frames(giflow_transcoder *t, giflow_input *in)
{
    int st;
    for (;;) {
        if (t->in_stage == IN_HEADER) {
            st = giflow_decode_image_info(t->dec, in, &t->cur);
            if (st == GIFLOW_NEED_INPUT)
                return st;
            if (st < 0)
                return fail(t, st);
            if (!t->started) {
                /* Kept beyond the decoder's life (scan frees it). */
                t->info = t->cur;
                if (t->cur.global_palette && t->cur.global_palette_size <= 256)
                    memcpy(t->gct, t->cur.global_palette, 3 * (size_t)t->cur.global_palette_size);
                t->info.global_palette = t->gct;
                if ((st = start_output(t, &t->cur)) != GIFLOW_OK)
                    return fail(t, st);
                t->started = 1;
            }
            t->in_stage = IN_FRAMES;
        }
        if (t->in_stage == IN_DONE)
            return GIFLOW_END;
        if (!t->in_frame) {
            st = giflow_decode_frame_info(t->dec, in, NULL);
            if (st == GIFLOW_NEED_INPUT)
                return st;
            if (st == GIFLOW_END) {
                t->in_stage = IN_DONE;
                return GIFLOW_END;
            }
            if (st < 0)
                return input_broke(t, st);
            t->in_frame = 1;
        }
        uint8_t *buf = input_canvas(t, &st);
        if (!buf)
            return fail(t, st);
        st = giflow_decode_frame_rgba(t->dec, in, buf, (size_t)t->cur.canvas_width * 4);
        if (st == GIFLOW_NEED_INPUT)
            return st;
        if (st < 0)
            return input_broke(t, st);
        t->in_frame = 0;
        if (buf != t->canvas)
            place(t, buf);
        if ((st = emit(t, giflow_decoder_current_frame(t->dec), t->canvas)) != GIFLOW_OK)
            return fail(t, st);
    }
}

int giflow_transcode_push(giflow_transcoder *t, giflow_input *in)
{
    if (!t || !in || in->pos > in->size || (!in->src && in->size))
        return GIFLOW_ERR_ARG;
    if (t->status)
        return t->status;
    if (t->stage != T_BEGUN)
        return GIFLOW_ERR_STATE;
    size_t pos = in->pos;
    int st;
    if (t->mode == GIFLOW_MODE_COPY) {
        st = t->copy.done ? GIFLOW_END : giflow__copy_push(&t->copy, in);
        t->stats.frames_in = t->copy.frames;
        if (st == GIFLOW_END && t->copy.broken)
            t->stats.input_status = GIFLOW_ERR_TRUNCATED;
    } else {
        if (!t->dec && (st = open_input(t)) != GIFLOW_OK)
            return fail(t, st);
        st = push_frames(t, in);
    }
    t->stats.bytes_in += in->pos - pos;
    return st < 0 ? fail(t, st) : st;
}

int giflow_transcode_scan(giflow_transcoder *t, giflow_input *in)
{
    if (!t || !in || in->pos > in->size || (!in->src && in->size))
        return GIFLOW_ERR_ARG;
    if (t->status)
        return t->status;
    if (t->stage != T_BEGUN || t->mode != GIFLOW_MODE_OPTIMIZE || t->header_done || t->scanned ||
        t->input_no)
        return GIFLOW_ERR_STATE;
    int st0 = t->dec ? GIFLOW_OK : open_input(t);
    if (st0 != GIFLOW_OK)
        return fail(t, st0);
    t->scanning = 1;
    int st = push_frames(t, in);
    t->scanning = 0;
    if (st != GIFLOW_END)
        return st < 0 ? fail(t, st) : st;
    /* Back to the start for the real pass. */
    if (!t->overflow && t->ncolors)
        scan_palette(t);
    giflow__free(&t->heap, t->sets, (size_t)t->sets_cap * sizeof *t->sets);
    t->sets = NULL;
    t->nsets = t->sets_cap = 0;
    size_t n = (size_t)t->geom.out_w * t->geom.out_h * 4;
    giflow__free(&t->heap, t->scan_prev, n);
    t->scan_prev = NULL;
    giflow_decoder_free(t->dec);
    t->dec = NULL;
    t->in_stage = IN_HEADER;
    t->in_frame = 0;
    t->kept = 0;
    t->stats.frames_in = 0;
    t->stats.input_status = 0;
    return GIFLOW_END;
}

int giflow_transcode_next_input(giflow_transcoder *t)
{
    if (!t)
        return GIFLOW_ERR_ARG;
    if (t->status)
        return t->status;
    if (t->stage != T_BEGUN || t->mode == GIFLOW_MODE_COPY || t->in_stage != IN_DONE)
        return GIFLOW_ERR_STATE;
    giflow_decoder_free(t->dec);
    t->dec = NULL;
    t->in_stage = IN_HEADER;
    t->in_frame = 0;
    t->input_no++;
    return GIFLOW_OK;
}

int giflow_transcode_finish(giflow_transcoder *t)
{
    if (!t)
        return GIFLOW_ERR_ARG;
    if (t->status)
        return t->status;
    if (t->stage != T_BEGUN)
        return GIFLOW_ERR_STATE;
    int st = GIFLOW_OK;
    if (t->mode == GIFLOW_MODE_COPY) {
        if (!t->copy.done)
            st = giflow__gw_trailer(&t->out);
    } else if (!t->started) {
        st = GIFLOW_ERR_STATE; /* no input was read */
    } else if ((st = close_open_ext(t)) != GIFLOW_OK) {
        /* the queue ran out of memory */
    } else if (t->mode == GIFLOW_MODE_QUANTIZE) {
        st = giflow_encode_finish(t->enc, -1);
    } else if (!t->explode) {
        if (!t->header_done) {
            t->opt.global.n = 0;
            st = write_header(t);
        }
        if (st == GIFLOW_OK)
            st = giflow__opt_flush(&t->opt);
        if (st == GIFLOW_OK)
            st = write_queue(t, &t->out);
        if (st == GIFLOW_OK)
            st = giflow__gw_trailer(&t->out);
    }
    if (st != GIFLOW_OK)
        return fail(t, st);
    t->stage = T_FINISHED;
    return GIFLOW_OK;
}

int giflow_transcoder_stats(const giflow_transcoder *t, giflow_transcode_stats *s)
{
    if (!t || !s)
        return GIFLOW_ERR_ARG;
    *s = t->stats;
    s->bytes_out = t->out.bytes;
    if (t->mode == GIFLOW_MODE_COPY) {
        s->frames_out = t->copy.frames;
    } else if (t->enc) {
        giflow_encode_stats es;
        giflow_encoder_stats(t->enc, &es);
        s->frames_out = es.frames_out;
        s->peak_heap += es.peak_heap;
    } else {
        s->frames_out = t->opt.frames_out;
    }
    size_t dpeak = 0;
    giflow_decoder_heap(t->dec, &dpeak);
    s->peak_heap += t->heap.peak + dpeak;
    return GIFLOW_OK;
}
