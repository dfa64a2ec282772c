/*
 * Frame index, decoder restart and player, through the public API.
 *
 * Truth: the plain sequential decode (tu_decode, itself checked against
 * the corpora's expected pixels by the conformance suite). Every frame the
 * player composes, in any order, under any memory budget, with or without
 * a viewport, must equal the frame the sequential decode gave, byte for
 * byte. Loop and timing rules are checked against hand-worked values.
 * Inputs: random animations (every disposal, transparency, clipping,
 * interlacing, opaque full frames) and the corpora's animations.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gifbuild.h"
#include "testutil.h"

typedef struct rng {
    uint64_t s;
} rng;

static uint32_t rnd(rng *r, uint32_t n)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return n ? (uint32_t)((r->s >> 11) % n) : 0;
}

/* ------------------------------------------------------------------------ */
/* Counting allocator                                                        */
/* ------------------------------------------------------------------------ */

typedef struct counter {
    size_t now, peak;
    long fail_at; /* fail the n-th allocation (0: never) */
    long calls;
} counter;

static void *count_alloc(void *user, size_t n)
{
    counter *c = user;
    if (c->fail_at && ++c->calls == c->fail_at)
        return NULL;
    size_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    p[0] = n;
    c->now += n;
    if (c->now > c->peak)
        c->peak = c->now;
    return (uint8_t *)p + 16;
}

static void count_free(void *user, void *q)
{
    if (!q)
        return;
    counter *c = user;
    size_t *p = (size_t *)((uint8_t *)q - 16);
    c->now -= p[0];
    free(p);
}

/* ------------------------------------------------------------------------ */
/* Random animations                                                         */
/* ------------------------------------------------------------------------ */

/* Every disposal, transparency at random or none, rectangles inside, cut
 * by or outside the canvas, local palettes, interlacing, and now and then
 * an opaque full-canvas frame (a keyframe) or a full clear. */
static void random_gif(rng *r, tb_buf *b, uint32_t *nframes)
{
    uint8_t pal[48], lct[48];
    for (int i = 0; i < 48; i++) {
        pal[i] = (uint8_t)rnd(r, 256);
        lct[i] = (uint8_t)rnd(r, 256);
    }
    uint32_t w = 8 + rnd(r, 90), h = 8 + rnd(r, 70), n = 3 + rnd(r, 40);
    tb_header(b, w, h, pal, 16, 0);
    if (rnd(r, 3))
        tb_netscape(b, rnd(r, 3));
    for (uint32_t k = 0; k < n; k++) {
        uint32_t kind = rnd(r, 10);
        uint32_t fx, fy, fw, fh;
        int trans = rnd(r, 2) ? (int)rnd(r, 16) : -1, disposal = (int)rnd(r, 5);
        if (kind == 0) { /* opaque, whole canvas */
            fx = fy = 0, fw = w, fh = h, trans = -1;
        } else {
            fx = rnd(r, w + 4), fy = rnd(r, h + 4);
            fw = 1 + rnd(r, w), fh = 1 + rnd(r, h);
            if (kind == 1)
                fx = fy = 0, fw = w, fh = h, disposal = 2;
        }
        uint8_t *px = malloc((size_t)fw * fh);
        uint8_t c = (uint8_t)rnd(r, 16);
        for (size_t i = 0; i < (size_t)fw * fh; i++) {
            if (!rnd(r, 4))
                c = (uint8_t)rnd(r, 16);
            px[i] = c;
        }
        tb_gce(b, (unsigned)disposal, rnd(r, 4) ? rnd(r, 30) : 0, trans);
        int local = !rnd(r, 5);
        tb_image im = {fx, fy, fw, fh, local ? lct : NULL, local ? 16 : 0, !rnd(r, 6), 4,
                       0, {0}};
        tb_image_data(b, &im, px);
        free(px);
    }
    tb_trailer(b);
    *nframes = n;
}

/* ------------------------------------------------------------------------ */
/* Decoder restart                                                           */
/* ------------------------------------------------------------------------ */

static int pump_frame(giflow_decoder *d, giflow_input *in, giflow_frame_info *fi,
                      uint8_t *canvas, size_t stride)
{
    int r = giflow_decode_frame_info(d, in, fi);
    if (r != GIFLOW_OK)
        return r;
    return giflow_decode_frame_rgba(d, in, canvas, stride);
}

/* For every frame k: the sequential decoder's canvas after frame k-1,
 * disposed with giflow_decoder_dispose(), and a second decoder restarted
 * at k over it must draw frame k (and k+1) as the sequential decode did.
 * Every keyframe the index marks must also work from a fresh canvas, for
 * itself and the frames after it. */
static void check_restart(const uint8_t *data, size_t size, const tu_decoded *truth,
                          uint32_t every, const char *name)
{
    uint32_t cw = truth->image.canvas_width, ch = truth->image.canvas_height;
    size_t bytes = (size_t)cw * ch * 4, stride = (size_t)cw * 4;
    giflow_decoder *seq = giflow_decoder_new(NULL), *e = giflow_decoder_new(NULL);
    uint8_t *canvas = malloc(bytes), *copy = malloc(bytes);
    giflow_input in = {data, size, 0, 1}, in2 = {data, size, 0, 1};
    giflow_image_info im;
    giflow_decode_image_info(seq, &in, &im);
    giflow_decode_image_info(e, &in2, &im);
    giflow_index *ix = giflow_index_new(NULL);
    giflow_input in3 = {data, size, 0, 1};
    giflow_index_feed(ix, &in3);
    giflow_frame_info fi;
    for (uint32_t k = 0; k < truth->nframes && truth->frames[k].status == GIFLOW_FRAME_END; k++) {
        if (k > 0 && k % every == 0) {
            memcpy(copy, canvas, bytes);
            TU_CHECK(giflow_decoder_dispose(seq, copy, stride) == GIFLOW_OK, "%s", name);
            const giflow_frame_info *f = &truth->frames[k].info;
            giflow_restart rs = {f->offset, k, f->delay_cs, f->disposal, f->transparent_index, 0};
            TU_CHECK(giflow_decoder_restart(e, &rs) == GIFLOW_OK, "%s", name);
            giflow_input ein = {data + f->offset, size - f->offset, 0, 1};
            for (uint32_t j = k; j < k + 2 && j < truth->nframes; j++) {
                int r = pump_frame(e, &ein, &fi, copy, stride);
                TU_CHECK(r == truth->frames[j].status && fi.index == j, "%s: restart at %u, frame %u: %d",
                         name, k, j, r);
                if (r == GIFLOW_FRAME_END)
                    TU_CHECK(!memcmp(copy, truth->frames[j].rgba, bytes),
                             "%s: restart at %u: frame %u differs", name, k, j);
                if (r != GIFLOW_FRAME_END)
                    break;
            }
        }
        int r = pump_frame(seq, &in, &fi, canvas, stride);
        TU_CHECK(r == GIFLOW_FRAME_END, "%s: sequential frame %u", name, k);
    }
    /* Keyframes: a fresh canvas, and up to 4 frames on from there. */
    giflow_index_frame xf;
    for (uint32_t k = 0; giflow_index_get_frame(ix, k, &xf) == GIFLOW_OK; k++) {
        if (!xf.keyframe || k % every)
            continue;
        giflow_restart rs = {xf.offset, k, xf.delay_cs, xf.disposal, xf.transparent_index, 1};
        giflow_decoder_restart(e, &rs);
        giflow_input ein = {data + xf.offset, size - xf.offset, 0, 1};
        memset(copy, 0x5A, bytes); /* garbage: a fresh restart must not show it */
        for (uint32_t j = k; j < k + 4 && j < truth->nframes; j++) {
            int r = pump_frame(e, &ein, &fi, copy, stride);
            TU_CHECK(r == truth->frames[j].status, "%s: keyframe %u, frame %u: %d", name, k, j, r);
            if (r != GIFLOW_FRAME_END)
                break;
            TU_CHECK(!memcmp(copy, truth->frames[j].rgba, bytes),
                     "%s: keyframe %u: frame %u differs", name, k, j);
        }
    }
    giflow_index_free(ix);
    free(canvas);
    free(copy);
    giflow_decoder_free(seq);
    giflow_decoder_free(e);
}

/* ------------------------------------------------------------------------ */
/* Index                                                                     */
/* ------------------------------------------------------------------------ */

static uint32_t complete_frames(const tu_decoded *t)
{
    uint32_t n = 0;
    while (n < t->nframes && t->frames[n].status == GIFLOW_FRAME_END)
        n++;
    return n;
}

/* Fed whole and in chunks of `chunk` bytes, the index must agree with
 * itself and with the sequential decode's frame infos. */
static void check_index(const uint8_t *data, size_t size, const tu_decoded *truth,
                        size_t chunk, const char *name)
{
    giflow_index *ix = giflow_index_new(NULL);
    giflow_input in = {data, 0, 0, 0};
    int r;
    uint32_t last_count = 0;
    do {
        in.size = in.size + chunk < size ? in.size + chunk : size;
        in.eof = in.size == size;
        r = giflow_index_feed(ix, &in);
        giflow_index_info info;
        giflow_index_get_info(ix, &info);
        TU_CHECK(info.frames >= last_count, "%s: count went down", name);
        TU_CHECK(!info.final || in.eof || r != GIFLOW_NEED_INPUT, "%s: final too early", name);
        last_count = info.frames;
    } while (r == GIFLOW_NEED_INPUT && !in.eof);
    giflow_index_info info;
    giflow_index_get_info(ix, &info);
    uint32_t good = complete_frames(truth);
    TU_CHECK(info.final, "%s: not final at the end", name);
    /* The index skips LZW data: a frame broken inside it still counts. */
    if (truth->status == GIFLOW_END)
        TU_CHECK(info.frames == good, "%s: %u frames indexed, %u decoded", name, info.frames, good);
    else
        TU_CHECK(info.frames >= good, "%s: %u frames indexed, %u decoded", name, info.frames, good);
    TU_CHECK(info.loop_count == truth->loop_count || truth->status != GIFLOW_END,
             "%s: loop count %d vs %d", name, info.loop_count, truth->loop_count);
    uint64_t ms = 0;
    for (uint32_t k = 0; k < good; k++) {
        giflow_index_frame f;
        const giflow_frame_info *t = &truth->frames[k].info;
        TU_CHECK(giflow_index_get_frame(ix, k, &f) == GIFLOW_OK, "%s", name);
        TU_CHECK(f.offset == t->offset && f.x == t->x && f.y == t->y && f.width == t->width &&
                     f.height == t->height && f.delay_cs == t->delay_cs &&
                     f.played_delay_ms == t->played_delay_ms && f.disposal == t->disposal &&
                     f.transparent_index == t->transparent_index &&
                     f.interlaced == t->interlaced && f.start_ms == ms,
                 "%s: frame %u's entry differs from its frame info", name, k);
        TU_CHECK(k > 0 || f.keyframe, "%s: frame 0 is always a keyframe", name);
        ms += t->played_delay_ms;
    }
    if (truth->status == GIFLOW_END)
        TU_CHECK(info.duration_ms == ms, "%s: duration %llu vs %llu", name,
                 (unsigned long long)info.duration_ms, (unsigned long long)ms);
    giflow_index_free(ix);
}

/* ------------------------------------------------------------------------ */
/* Player                                                                    */
/* ------------------------------------------------------------------------ */

/* Seeks every complete frame in a random order (some twice), then plays
 * through with next(); each must equal the truth. The heap through the
 * counting allocator must stay within budget + fixed state throughout. */
static void check_player(const uint8_t *data, size_t size, const tu_decoded *truth,
                         double canvases, uint32_t max_seeks, rng *r, const char *name,
                         uint64_t *seeks)
{
    uint32_t cw = truth->image.canvas_width, ch = truth->image.canvas_height;
    size_t bytes = (size_t)cw * ch * 4;
    uint32_t good = complete_frames(truth);
    counter c = {0, 0, 0, 0};
    giflow_allocator a = {count_alloc, count_free, &c};
    giflow_player_options o;
    giflow_player_options_default(&o);
    o.memory_budget = (size_t)(canvases * (double)bytes) + 8192 + 64 * (size_t)truth->nframes;
    giflow_player *p = giflow_player_new(&a, &o);
    giflow_player_set_memory(p, data, size, 1);
    size_t bound = o.memory_budget + giflow_player_state_size();
    uint32_t n = good + good / 2 + 1;
    if (n > max_seeks)
        n = max_seeks;
    giflow_player_frame f;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = i < good ? rnd(r, good) : rnd(r, good + 2);
        if (i % 7 == 3 && k + 1 < good)
            k = k + 1; /* a short step forward: the canvas goes on */
        int st = giflow_player_seek(p, k, &f);
        (*seeks)++;
        if (k < good) {
            TU_CHECK(st == GIFLOW_OK, "%s: seek %u: %s", name, k, giflow_strerror(st));
            if (st == GIFLOW_OK)
                TU_CHECK(f.index == k && f.width == cw && f.height == ch &&
                             !memcmp(f.rgba, truth->frames[k].rgba, bytes),
                         "%s (budget %.1f canvases): seek %u differs", name, canvases, k);
        } else if (k < truth->nframes) {
            TU_CHECK(st == truth->frames[k].status, "%s: seek to broken frame %u: %d vs %d",
                     name, k, st, truth->frames[k].status);
        } else {
            /* Past the end: the error that ended the stream, then END. */
            TU_CHECK(st == GIFLOW_END || (k == truth->nframes && st == truth->status),
                     "%s: seek past the end %u: %d", name, k, st);
        }
        TU_CHECK(c.now <= bound, "%s: heap %zu above budget + fixed %zu", name, c.now, bound);
    }
    giflow_player_seek(p, 0, &f);
    for (uint32_t k = 1; k < good && k < max_seeks; k++) {
        int st = giflow_player_next(p, &f);
        TU_CHECK(st == GIFLOW_OK && f.index == k && !memcmp(f.rgba, truth->frames[k].rgba, bytes),
                 "%s: next() to %u: %d", name, k, st);
    }
    TU_CHECK(c.peak <= bound, "%s: peak heap %zu above budget + fixed %zu", name, c.peak, bound);
    giflow_player_free(p);
    TU_CHECK(c.now == 0, "%s: %zu bytes leaked", name, c.now);
}

/* The same through a viewport: the truth is the sequential decode with
 * that viewport. */
static void check_player_viewport(const uint8_t *data, size_t size, giflow_viewport vp,
                                  rng *r, const char *name)
{
    giflow_decoder *d = giflow_decoder_new(NULL);
    giflow_input in = {data, size, 0, 1};
    giflow_image_info im;
    if (giflow_decode_image_info(d, &in, &im) != GIFLOW_OK ||
        giflow_decoder_set_viewport(d, &vp) != GIFLOW_OK) {
        giflow_decoder_free(d);
        return;
    }
    size_t bytes = (size_t)vp.out_width * vp.out_height * 4;
    uint32_t n = 0, cap = 64;
    uint8_t **fr = malloc(cap * sizeof *fr), *canvas = malloc(bytes);
    giflow_frame_info fi;
    while (pump_frame(d, &in, &fi, canvas, (size_t)vp.out_width * 4) == GIFLOW_FRAME_END) {
        if (n == cap)
            fr = realloc(fr, (cap *= 2) * sizeof *fr);
        fr[n] = malloc(bytes);
        memcpy(fr[n++], canvas, bytes);
    }
    giflow_decoder_free(d);
    giflow_player_options o;
    giflow_player_options_default(&o);
    o.viewport_set = 1;
    o.viewport = vp;
    o.memory_budget = 3 * bytes + 65536;
    counter c = {0, 0, 0, 0};
    giflow_allocator a = {count_alloc, count_free, &c};
    giflow_player *p = giflow_player_new(&a, &o);
    giflow_player_set_memory(p, data, size, 1);
    giflow_player_frame f;
    for (uint32_t i = 0; i < 2 * n; i++) {
        uint32_t k = rnd(r, n);
        int st = giflow_player_seek(p, k, &f);
        TU_CHECK(st == GIFLOW_OK && f.width == vp.out_width && f.height == vp.out_height &&
                     !memcmp(f.rgba, fr[k], bytes),
                 "%s: viewport seek %u differs (%d)", name, k, st);
    }
    TU_CHECK(c.peak <= o.memory_budget + giflow_player_state_size(), "%s: viewport peak %zu",
             name, c.peak);
    giflow_player_free(p);
    for (uint32_t k = 0; k < n; k++)
        free(fr[k]);
    free(fr);
    free(canvas);
}

/* Bytes arriving in pieces: complete frames can be shown, the next one
 * is not there yet, and what is shown equals the truth. */
static void check_streaming(const uint8_t *data, size_t size, const tu_decoded *truth,
                            size_t step, const char *name)
{
    uint32_t cw = truth->image.canvas_width, ch = truth->image.canvas_height;
    size_t bytes = (size_t)cw * ch * 4;
    uint32_t good = complete_frames(truth);
    giflow_player *p = giflow_player_new(NULL, NULL);
    giflow_player_frame f;
    giflow_player_info info;
    TU_CHECK(giflow_player_seek(p, 0, &f) == GIFLOW_NEED_INPUT, "%s: no source yet", name);
    uint32_t shown = 0;
    for (size_t have = step; have < size + step; have += step) {
        size_t n = have < size ? have : size;
        giflow_player_set_memory(p, data, n, n == size);
        int r = giflow_player_get_info(p, &info);
        if (r == GIFLOW_NEED_INPUT)
            continue;
        TU_CHECK(r == GIFLOW_OK, "%s: info %d", name, r);
        if (info.frames > good)
            info.frames = good; /* (frames broken inside are not known yet) */
        if (info.frames) {
            uint32_t k = info.frames - 1;
            int st = giflow_player_seek(p, k, &f);
            TU_CHECK(st == GIFLOW_OK && !memcmp(f.rgba, truth->frames[k].rgba, bytes),
                     "%s: frame %u with %zu bytes in: %d", name, k, n, st);
            shown = info.frames;
        }
        if (!info.final)
            TU_CHECK(giflow_player_seek(p, info.frames, &f) == GIFLOW_NEED_INPUT,
                     "%s: frame %u is not in yet with %zu bytes", name, info.frames, n);
    }
    TU_CHECK(shown == good, "%s: %u of %u frames shown while streaming", name, shown, good);
    giflow_player_free(p);
}

/* A stream read through callbacks, with a small buffer; fails reads at
 * fail_at (0: never). */
typedef struct memfile {
    const uint8_t *data;
    size_t size, pos;
    size_t fail_at;
} memfile;

static ptrdiff_t mf_read(void *user, uint8_t *buf, size_t n)
{
    memfile *m = user;
    if (m->fail_at && m->pos + n > m->fail_at)
        return -1;
    size_t k = m->size - m->pos < n ? m->size - m->pos : n;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (ptrdiff_t)k;
}

static int mf_seek(void *user, uint64_t off)
{
    memfile *m = user;
    if (off > m->size)
        return -1;
    m->pos = (size_t)off;
    return 0;
}

/* The player over a callback source: same frames; a read failure is
 * GIFLOW_ERR_IO, never a wrong frame. */
static void check_source(const uint8_t *data, size_t size, const tu_decoded *truth, rng *r,
                         const char *name)
{
    size_t bytes = (size_t)truth->image.canvas_width * truth->image.canvas_height * 4;
    uint32_t good = complete_frames(truth);
    for (int failing = 0; failing < 2; failing++) {
        memfile m = {data, size, 0, failing ? size / 2 + 1 : 0};
        uint8_t buf[61];
        giflow_source src;
        giflow_source_callbacks(&src, mf_read, mf_seek, &m, buf, sizeof buf);
        giflow_player *p = giflow_player_new(NULL, NULL);
        TU_CHECK(giflow_player_set_source(p, &src) == GIFLOW_OK, "%s: set_source", name);
        giflow_player_frame f;
        for (uint32_t i = 0; i < 2 * good; i++) {
            uint32_t k = rnd(r, good);
            int st = giflow_player_seek(p, k, &f);
            if (failing)
                TU_CHECK(st == GIFLOW_ERR_IO || (st == GIFLOW_OK && !memcmp(f.rgba,
                         truth->frames[k].rgba, bytes)), "%s: failing source, seek %u: %d",
                         name, k, st);
            else
                TU_CHECK(st == GIFLOW_OK && !memcmp(f.rgba, truth->frames[k].rgba, bytes),
                         "%s: callback source, seek %u: %d", name, k, st);
        }
        giflow_player_free(p);
    }
}

static void run_file(const uint8_t *data, size_t size, const char *name, rng *r,
                     uint64_t *frames, uint64_t *seeks, int deep)
{
    tu_decoded t;
    if (tu_decode(data, size, 0, 0, 1, &t))
        return;
    uint32_t good = complete_frames(&t);
    if (t.stage < 1 || good < 2 ||
        (uint64_t)t.image.canvas_width * t.image.canvas_height * t.nframes > 60000000) {
        tu_decoded_free(&t);
        return;
    }
    /* Big animations get a sample of the checks. */
    uint64_t px = (uint64_t)t.image.canvas_width * t.image.canvas_height * good;
    int heavy = px > 4000000;
    check_index(data, size, &t, size, name);
    check_index(data, size, &t, 1 + rnd(r, 9), name);
    check_restart(data, size, &t, heavy ? 17 : 1, name);
    check_player(data, size, &t, 2.2, heavy ? 60 : 1000, r, name, seeks);
    check_player(data, size, &t, 8, heavy ? 60 : 1000, r, name, seeks);
    if (deep && !heavy) {
        check_player(data, size, &t, 3, 1000, r, name, seeks);
        check_streaming(data, size, &t, 1 + size / 23, name);
        check_source(data, size, &t, r, name);
        uint32_t cw = t.image.canvas_width, ch = t.image.canvas_height;
        giflow_viewport vp = {cw / 5, ch / 7, cw - cw / 5, ch - ch / 7, 0, 0};
        vp.out_width = vp.crop_width / 2 ? vp.crop_width / 2 : 1;
        vp.out_height = vp.crop_height * 2 / 3 ? vp.crop_height * 2 / 3 : 1;
        check_player_viewport(data, size, vp, r, name);
    }
    *frames += good;
    tu_decoded_free(&t);
}

static void test_random(void)
{
    rng r = {0x9E3779B97F4A7C15ull};
    uint64_t frames = 0, seeks = 0;
    for (int i = 0; i < 120; i++) {
        tb_buf b = {0};
        uint32_t n;
        random_gif(&r, &b, &n);
        char name[32];
        snprintf(name, sizeof name, "random-%d", i);
        run_file(b.data, b.len, name, &r, &frames, &seeks, 1);
        tb_free(&b);
    }
    printf("random animations: %llu frames, %llu seeks, all equal to the sequential decode\n",
           (unsigned long long)frames, (unsigned long long)seeks);
}

/* ------------------------------------------------------------------------ */
/* Timing and loops, hand-worked                                             */
/* ------------------------------------------------------------------------ */

/* Three frames with stored delays 0, 5 and 1 cs: played 100, 50, 100 ms,
 * so frames start at 0, 100 and 150 ms and one play lasts 250 ms. */
static void build_timed(tb_buf *b, int loops)
{
    static const uint8_t pal[6] = {255, 0, 0, 0, 0, 255};
    static const uint8_t px[4] = {0, 1, 1, 0};
    static const unsigned delay[3] = {0, 5, 1};
    tb_header(b, 2, 2, pal, 2, 0);
    if (loops >= 0)
        tb_netscape(b, (unsigned)loops);
    for (int k = 0; k < 3; k++) {
        tb_gce(b, 0, delay[k], -1);
        tb_image im = {0, 0, 2, 2, NULL, 0, 0, 2, 0, {0}};
        tb_image_data(b, &im, px);
    }
    tb_trailer(b);
}

static int frame_at(giflow_player *p, uint64_t ms)
{
    giflow_player_frame f;
    int r = giflow_player_frame_at(p, ms, &f);
    return r == GIFLOW_OK ? (int)f.index : -100 + r;
}

static void test_timing(void)
{
    struct {
        int loops;
        uint64_t ms;
        int frame;
    } cases[] = {
        /* no loop block: one play, then the last frame stays */
        {-1, 0, 0}, {-1, 99, 0}, {-1, 100, 1}, {-1, 149, 1}, {-1, 150, 2}, {-1, 249, 2},
        {-1, 250, 2}, {-1, 100000, 2},
        /* 0: forever. 400 = 250 + 150 -> frame 2; 350 -> 100 -> frame 1 */
        {0, 250, 0}, {0, 350, 1}, {0, 400, 2}, {0, 2500000099ull, 0}, {0, 2500000100ull, 1},
        /* 2: three plays (750 ms), then the last frame */
        {2, 500, 0}, {2, 749, 2}, {2, 620, 1}, {2, 650, 2}, {2, 750, 2}, {2, 760, 2},
        /* 1: two plays */
        {1, 260, 0}, {1, 499, 2}, {1, 500, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tb_buf b = {0};
        build_timed(&b, cases[i].loops);
        giflow_player *p = giflow_player_new(NULL, NULL);
        giflow_player_set_memory(p, b.data, b.len, 1);
        int k = frame_at(p, cases[i].ms);
        TU_CHECK(k == cases[i].frame, "loops %d, %llu ms: frame %d, expected %d", cases[i].loops,
                 (unsigned long long)cases[i].ms, k, cases[i].frame);
        giflow_player_free(p);
        tb_free(&b);
    }
    /* next(): frame numbers and played delays, loops included. */
    int plays[] = {-1, 1, 2};
    for (int i = 0; i < 3; i++) {
        tb_buf b = {0};
        build_timed(&b, plays[i]);
        giflow_player *p = giflow_player_new(NULL, NULL);
        giflow_player_set_memory(p, b.data, b.len, 1);
        giflow_player_frame f;
        int n = 0, r;
        uint64_t total = 0;
        while ((r = giflow_player_next(p, &f)) == GIFLOW_OK && n < 100) {
            TU_CHECK((int)f.index == n % 3, "next: frame %u, expected %d", f.index, n % 3);
            total += f.delay_ms;
            n++;
        }
        int want = 3 * (plays[i] < 0 ? 1 : plays[i] + 1);
        TU_CHECK(r == GIFLOW_END && n == want && total == (uint64_t)want / 3 * 250,
                 "loops %d: next gave %d frames (%llu ms), expected %d", plays[i], n,
                 (unsigned long long)total, want);
        giflow_player_info info;
        giflow_player_get_info(p, &info);
        TU_CHECK(info.frames == 3 && info.duration_ms == 250 && info.final &&
                     info.loop_count == plays[i],
                 "info: %u frames, %llu ms, loops %d", info.frames,
                 (unsigned long long)info.duration_ms, info.loop_count);
        giflow_player_free(p);
        tb_free(&b);
    }
    /* Streaming: time beyond what has arrived is not known yet. */
    tb_buf b = {0};
    build_timed(&b, 0);
    giflow_index *ix = giflow_index_new(NULL);
    giflow_input in = {b.data, b.len - 20, 0, 0};
    giflow_index_feed(ix, &in);
    uint32_t k;
    TU_CHECK(giflow_index_find(ix, 120, &k) == GIFLOW_OK && k == 1, "find 120 while streaming");
    TU_CHECK(giflow_index_find(ix, 300, &k) == GIFLOW_NEED_INPUT, "find beyond the known frames");
    giflow_index_free(ix);
    tb_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Arguments, states, memory                                                 */
/* ------------------------------------------------------------------------ */

static void test_api_edges(void)
{
    giflow_player_options o;
    giflow_player_options_default(&o);
    o.size = 3;
    TU_CHECK(giflow_player_new(NULL, &o) == NULL, "a wrong options size is refused");
    TU_CHECK(giflow_player_seek(NULL, 0, NULL) == GIFLOW_ERR_ARG, "NULL player");
    giflow_restart rs = {0, 0, 0, 9, -1, 1};
    giflow_decoder *d = giflow_decoder_new(NULL);
    TU_CHECK(giflow_decoder_restart(d, &rs) == GIFLOW_ERR_ARG, "disposal 9 refused");
    rs.disposal = 0;
    TU_CHECK(giflow_decoder_restart(d, &rs) == GIFLOW_ERR_STATE, "restart before image info");
    giflow_decoder_free(d);

    /* Not a GIF: a clean error, every time. */
    static const uint8_t junk[16] = "NOTAGIF.........";
    giflow_player *p = giflow_player_new(NULL, NULL);
    giflow_player_set_memory(p, junk, sizeof junk, 1);
    giflow_player_frame f;
    TU_CHECK(giflow_player_seek(p, 0, &f) == GIFLOW_ERR_NOT_GIF, "junk");
    TU_CHECK(giflow_player_next(p, &f) == GIFLOW_ERR_NOT_GIF, "junk, sticky");
    TU_CHECK(giflow_player_set_memory(p, junk, 4, 1) == GIFLOW_ERR_ARG, "a source that shrinks");
    giflow_player_free(p);

    /* A budget below one canvas cannot work, and says so. */
    tb_buf b = {0};
    static const uint8_t pal[6] = {1, 2, 3, 4, 5, 6};
    uint8_t *px = calloc(300 * 200, 1);
    tb_header(&b, 300, 200, pal, 2, 0);
    tb_image im = {0, 0, 300, 200, NULL, 0, 0, 2, 0, {0}};
    tb_image_data(&b, &im, px);
    free(px);
    giflow_player_options_default(&o);
    o.memory_budget = 16;
    p = giflow_player_new(NULL, &o);
    giflow_player_set_memory(p, b.data, b.len, 1);
    int st16 = giflow_player_seek(p, 0, &f);
    TU_CHECK(st16 == GIFLOW_ERR_LIMIT_MEMORY, "budget of 16 bytes: %d", st16);
    giflow_player_free(p);
    tb_free(&b);

    rng r = {77};
    uint32_t n;
    random_gif(&r, &b, &n);

    /* Every allocation failing in turn: an error or success, never a
     * leak or a crash. */
    for (long fail = 1; fail < 200; fail++) {
        counter c = {0, 0, fail, 0};
        giflow_allocator a = {count_alloc, count_free, &c};
        p = giflow_player_new(&a, NULL);
        if (p) {
            giflow_player_set_memory(p, b.data, b.len, 1);
            for (uint32_t k = 0; k < n; k += 3)
                giflow_player_seek(p, n - 1 - k, &f);
            giflow_player_free(p);
        }
        TU_CHECK(c.now == 0, "allocation %ld failing: %zu bytes leaked", fail, c.now);
    }
    tb_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Corpora                                                                   */
/* ------------------------------------------------------------------------ */

/* The corpora repeat some files: each is checked once. */
static int seen(const uint8_t *data, size_t size)
{
    static uint64_t keys[4096];
    static size_t n;
    uint64_t key = (uint64_t)tu_crc32(0, data, size) << 32 ^ size;
    for (size_t i = 0; i < n; i++)
        if (keys[i] == key)
            return 1;
    if (n < 4096)
        keys[n++] = key;
    return 0;
}

static void walk(const char *dir, rng *r, uint64_t *frames, uint64_t *files, uint64_t *seeks)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        size_t n = strlen(path);
        if (stat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(path, r, frames, files, seeks);
        } else if (n > 4 && !strcmp(path + n - 4, ".gif")) {
            size_t size;
            uint8_t *data = tu_read_file(path, &size);
            uint64_t before = *frames;
            if (data && !seen(data, size))
                run_file(data, size, path, r, frames, seeks, size < 400000);
            *files += *frames > before;
            free(data);
        }
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    test_api_edges();
    test_timing();
    test_random();
    if (argc > 1) {
        rng r = {12345};
        uint64_t frames = 0, files = 0, seeks = 0;
        walk(argv[1], &r, &frames, &files, &seeks);
        printf("corpora: %llu animations, %llu frames, %llu seeks, all equal to the sequential "
               "decode\n",
               (unsigned long long)files, (unsigned long long)frames, (unsigned long long)seeks);
        TU_CHECK(files > 20, "only %llu animations found under %s", (unsigned long long)files,
                 argv[1]);
    }
    printf("test_player: %d failures\n", tu_failures);
    return tu_failures != 0;
}
