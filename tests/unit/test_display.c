/*
 * Display output (giflow_decoder_set_display, giflow_decode_frame_draw):
 * an emulated display, drawn through the callbacks, must show after every
 * frame exactly the RGBA canvas renderer's frame (tu_decode, itself
 * checked against the corpora): transparent pixels where the canvas has
 * alpha 0, the palette colour in the display's format elsewhere. Every
 * format, every restore-previous way (fill, readback, re-decode in one
 * band or in bands of one row, from memory or through read/seek
 * callbacks), push and pull input, a static decoder.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- The emulated display ---- */

typedef struct screen {
    int format;
    unsigned bpp;
    uint32_t w, h;
    uint8_t *px;     /* w * h pixels in the format */
    uint8_t *opaque; /* 0 where the last paint was a fill */
    unsigned draws, fills, reads, bad_calls;
} screen;

static int scr_draw(void *user, uint32_t x, uint32_t y, uint32_t n, const void *pixels)
{
    screen *s = user;
    s->draws++;
    if (!n || y >= s->h || x >= s->w || n > s->w - x) {
        s->bad_calls++;
        return 0;
    }
    size_t k = (size_t)y * s->w + x;
    memcpy(s->px + k * s->bpp, pixels, (size_t)n * s->bpp);
    memset(s->opaque + k, 1, n);
    return 0;
}

static int scr_fill(void *user, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    screen *s = user;
    s->fills++;
    if (!w || !h || x >= s->w || y >= s->h || w > s->w - x || h > s->h - y) {
        s->bad_calls++;
        return 0;
    }
    for (uint32_t j = 0; j < h; j++) {
        size_t k = (size_t)(y + j) * s->w + x;
        memset(s->px + k * s->bpp, 0x5A, (size_t)w * s->bpp); /* a "wallpaper" */
        memset(s->opaque + k, 0, w);
    }
    return 0;
}

static int scr_read(void *user, uint32_t x, uint32_t y, uint32_t n, void *pixels)
{
    screen *s = user;
    s->reads++;
    if (!n || y >= s->h || x >= s->w || n > s->w - x) {
        s->bad_calls++;
        return 0;
    }
    memcpy(pixels, s->px + ((size_t)y * s->w + x) * s->bpp, (size_t)n * s->bpp);
    return 0;
}

/* The canvas pixel p (RGBA) as the display shows it, checked against
 * screen pixel k. palette: for INDEX8, the only palette of the file. */
static int same(const screen *s, size_t k, const uint8_t *p, const uint8_t *palette,
                uint32_t palette_size)
{
    const uint8_t *q = s->px + k * s->bpp;
    if (p[3] == 0) /* transparent: what fill painted (or a readback of it) */
        return memcmp(q, "\x5A\x5A\x5A\x5A", s->bpp) == 0;
    if (!s->opaque[k]) /* an opaque pixel must have been drawn */
        return 0;
    if (s->format == GIFLOW_FORMAT_RGBA8888)
        return q[0] == p[0] && q[1] == p[1] && q[2] == p[2] && q[3] == 255;
    if (s->format == GIFLOW_FORMAT_INDEX8) {
        uint8_t c[3] = {0, 0, 0};
        if (q[0] < palette_size)
            memcpy(c, palette + 3 * q[0], 3);
        return !memcmp(c, p, 3);
    }
    unsigned v = (unsigned)(p[0] >> 3) << 11 | (unsigned)(p[1] >> 2) << 5 | p[2] >> 3;
    uint16_t got;
    memcpy(&got, q, 2);
    if (s->format == GIFLOW_FORMAT_RGB565_SWAPPED)
        got = (uint16_t)(got >> 8 | got << 8);
    return got == v;
}

/* ---- One run ---- */

enum { IN_PUSH, IN_PUSH_BYTES, IN_MEMORY, IN_CALLBACKS };

typedef struct run_cfg {
    const char *name;
    int format;
    unsigned restore;
    size_t scratch; /* bytes, or 0 */
    int input;
    int static_mem;
} run_cfg;

typedef struct file_facts {
    int restores;       /* frames with disposal 3 or 4 */
    int one_palette;    /* no local palettes */
} file_facts;

static uint8_t g_palette[768];
static uint32_t g_palette_size;

/* Decodes with the display and compares each complete (or broken) frame
 * with the canvas decode. Returns the decode's final status. */
static int run(const char *file, const uint8_t *data, size_t size, const tu_decoded *want,
               const run_cfg *c, screen *s)
{
    uint32_t cw = want->image.canvas_width, ch = want->image.canvas_height;
    uint8_t *mem = NULL, *scratch = c->scratch ? malloc(c->scratch) : NULL;
    giflow_decoder *dec;
    if (c->static_mem) {
        size_t n = giflow_decoder_static_size(65535u * 4 + 3);
        mem = aligned_alloc(8, (n + 7) & ~(size_t)7);
        dec = giflow_decoder_init_static(mem, n);
    } else {
        dec = giflow_decoder_new(NULL);
    }
    giflow_source src;
    tu_memfile fcb = {data, size, 0, 0, 0, 0, 0, 0, 0};
    uint8_t rbuf[300];
    giflow_input push = {data, c->input == IN_PUSH ? size : 0, 0, c->input == IN_PUSH};
    giflow_input *in = &push;
    if (c->input == IN_MEMORY || c->input == IN_CALLBACKS) {
        if (c->input == IN_MEMORY)
            giflow_source_memory(&src, data, size);
        else
            giflow_source_callbacks(&src, tu_memfile_read, tu_memfile_seek, &fcb, rbuf, sizeof rbuf);
        giflow_decoder_set_source(dec, &src);
        in = NULL;
    }
    /* One byte at a time, or all at once. */
#define FED(call)                                                                    \
    while ((r = (call)) == GIFLOW_NEED_INPUT && in && push.size < size) {            \
        push.size++;                                                                 \
        push.eof = push.size == size;                                                \
    }
    int r;
    giflow_image_info im;
    FED(giflow_decode_image_info(dec, in, &im));
    TU_CHECK(r == GIFLOW_OK || want->stage == 0, "%s %s: image info %d", file, c->name, r);
    if (r != GIFLOW_OK)
        goto out;
    s->format = c->format;
    s->bpp = c->format == GIFLOW_FORMAT_RGBA8888 ? 4 : c->format == GIFLOW_FORMAT_INDEX8 ? 1 : 2;
    s->w = cw;
    s->h = ch;
    s->px = malloc((size_t)cw * ch * 4);
    s->opaque = malloc((size_t)cw * ch);
    memset(s->px, 0xEE, (size_t)cw * ch * 4); /* not painted yet */
    giflow_display d;
    giflow_display_init(&d);
    d.format = c->format;
    d.draw = scr_draw;
    d.fill = scr_fill;
    d.read = (c->restore & GIFLOW_RESTORE_READBACK) ? scr_read : NULL;
    d.user = s;
    d.scratch = scratch;
    d.scratch_size = c->scratch;
    d.restore = c->restore;
    r = giflow_decoder_set_display(dec, &d);
    TU_CHECK(r == GIFLOW_OK, "%s %s: set_display %d", file, c->name, r);
    for (uint32_t i = 0; r == GIFLOW_OK; i++) {
        giflow_frame_info fi;
        FED(giflow_decode_frame_info(dec, in, &fi));
        if (r != GIFLOW_OK)
            break;
        FED(giflow_decode_frame_draw(dec, in));
        if (i >= want->nframes) {
            TU_CHECK(0, "%s %s: frame %u beyond the canvas decode's", file, c->name, i);
            break;
        }
        if (r != GIFLOW_FRAME_END && r != want->frames[i].status)
            break; /* a failure of this run's own (checked by the caller) */
        const uint8_t *rgba = want->frames[i].rgba;
        size_t bad = 0, first = 0;
        for (size_t k = 0; k < (size_t)cw * ch; k++)
            if (!same(s, k, rgba + 4 * k, g_palette, g_palette_size) && !bad++)
                first = k;
        TU_CHECK(bad == 0, "%s %s: frame %u: %zu pixels differ, first at %zu,%zu", file,
                 c->name, i, bad, first % cw, first / cw);
        TU_CHECK(r == want->frames[i].status, "%s %s: frame %u status %d, canvas %d", file,
                 c->name, i, r, want->frames[i].status);
        if (r != GIFLOW_FRAME_END || bad)
            break;
        r = GIFLOW_OK;
    }
    if (r == GIFLOW_OK)
        r = GIFLOW_END;
    TU_CHECK(s->bad_calls == 0, "%s %s: %u callbacks outside the canvas", file, c->name,
             s->bad_calls);
    if (c->input == IN_CALLBACKS && !(c->restore & GIFLOW_RESTORE_REDECODE))
        TU_CHECK(fcb.seeks == 0, "%s %s: %u seeks without re-decoding", file, c->name,
                 fcb.seeks);
out:
    giflow_decoder_free(dec);
    free(mem);
    free(scratch);
    free(s->px);
    free(s->opaque);
    s->px = s->opaque = NULL;
    return r;
#undef FED
}

static int has_restore(const tu_decoded *d, int *one_palette)
{
    int n = 0;
    *one_palette = 1;
    for (uint32_t i = 0; i < d->nframes; i++) {
        const giflow_frame_info *f = &d->frames[i].info;
        n += (f->disposal == 3 || f->disposal == 4) && f->clip_width && f->clip_height;
        if (f->has_local_palette)
            *one_palette = 0;
    }
    return n;
}

static int files_checked, restore_files;

static void check_file(const char *path, int bytewise)
{
    size_t size;
    uint8_t *data = tu_read_file(path, &size);
    if (!data)
        return;
    tu_decoded want;
    if (tu_decode(data, size, 0, 0, 1, &want) || want.stage == 0 ||
        (uint64_t)want.image.canvas_width * want.image.canvas_height > (1u << 20)) {
        if (want.frames)
            tu_decoded_free(&want);
        free(data);
        return;
    }
    files_checked++;
    int one_palette, restores = has_restore(&want, &one_palette);
    restore_files += restores > 0;
    /* (want.image.global_palette died with its decoder: read it again.) */
    g_palette_size = 0;
    if (data[10] & 0x80 && size >= 13 + 3 * (2u << (data[10] & 7))) {
        g_palette_size = 2u << (data[10] & 7);
        memcpy(g_palette, data + 13, 3 * g_palette_size);
    }
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const unsigned both = GIFLOW_RESTORE_READBACK | GIFLOW_RESTORE_REDECODE;
    size_t big = (size_t)want.image.canvas_width * want.image.canvas_height * 5;
    size_t row = (size_t)want.image.canvas_width * 2 + (want.image.canvas_width + 7) / 8;
    const run_cfg cfgs[] = {
        {"rgb565 readback push", GIFLOW_FORMAT_RGB565, GIFLOW_RESTORE_READBACK, big, IN_PUSH, 0},
        {"rgb565 redecode memory", GIFLOW_FORMAT_RGB565, GIFLOW_RESTORE_REDECODE, big, IN_MEMORY, 0},
        {"rgb565 redecode rows", GIFLOW_FORMAT_RGB565, GIFLOW_RESTORE_REDECODE, row, IN_MEMORY, 1},
        {"swapped redecode callbacks", GIFLOW_FORMAT_RGB565_SWAPPED, both, row * 3, IN_CALLBACKS, 0},
        {"rgba readback static", GIFLOW_FORMAT_RGBA8888, both, big, IN_CALLBACKS, 1},
        {"index8 redecode", GIFLOW_FORMAT_INDEX8, GIFLOW_RESTORE_REDECODE, big, IN_MEMORY, 0},
        {"rgb565 bytes", GIFLOW_FORMAT_RGB565, GIFLOW_RESTORE_READBACK, big, IN_PUSH_BYTES, 0},
    };
    screen s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < sizeof cfgs / sizeof *cfgs; i++) {
        if ((cfgs[i].format == GIFLOW_FORMAT_INDEX8 && !one_palette) ||
            (cfgs[i].input == IN_PUSH_BYTES && !bytewise))
            continue;
        int r = run(name, data, size, &want, &cfgs[i], &s);
        TU_CHECK(r == want.status, "%s %s: status %d, canvas %d", name, cfgs[i].name, r,
                 want.status);
    }
    /* No way to restore allowed: a frame that needs one fails before it is
     * drawn, with GIFLOW_ERR_SMALL_BUFFER, and only then. */
    if (restores) {
        run_cfg none = {"no restore", GIFLOW_FORMAT_RGB565, 0, 0, IN_MEMORY, 0};
        int r = run(name, data, size, &want, &none, &s);
        TU_CHECK(r == GIFLOW_ERR_SMALL_BUFFER || r == want.status, "%s no restore: %d", name,
                 r);
    }
    tu_decoded_free(&want);
    free(data);
}

static void check_dir(const char *root, const char *sub, int bytewise)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, sub);
    DIR *d = opendir(path);
    TU_CHECK(d, "cannot open %s", path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".gif"))
            continue;
        char file[1400];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        check_file(file, bytewise);
    }
    closedir(d);
}

/* The contract of set_display and the stage checks. */
static void check_api(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/wuffs/test/data/animated-red-blue.gif", dir);
    size_t size;
    uint8_t *data = tu_read_file(path, &size);
    TU_CHECK(data, "cannot read %s", path);
    if (!data)
        return;
    screen s;
    memset(&s, 0, sizeof s);
    giflow_display d;
    giflow_display_init(&d);
    TU_CHECK(d.size == sizeof d && d.format == GIFLOW_FORMAT_RGB565 &&
                 d.restore == (GIFLOW_RESTORE_READBACK | GIFLOW_RESTORE_REDECODE),
             "display defaults");
    d.draw = scr_draw;
    d.fill = scr_fill;
    d.user = &s;
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_input in = {data, size, 0, 1};
    TU_CHECK(giflow_decoder_set_display(dec, &d) == GIFLOW_ERR_STATE, "before image info");
    giflow_image_info im;
    giflow_frame_info fi;
    TU_CHECK(giflow_decode_image_info(dec, &in, &im) == GIFLOW_OK, "image info");
    giflow_display bad = d;
    bad.format = 9;
    TU_CHECK(giflow_decoder_set_display(dec, &bad) == GIFLOW_ERR_ARG, "unknown format");
    bad = d;
    bad.fill = NULL;
    TU_CHECK(giflow_decoder_set_display(dec, &bad) == GIFLOW_ERR_ARG, "no fill");
    bad = d;
    bad.size = 0;
    TU_CHECK(giflow_decoder_set_display(dec, &bad) == GIFLOW_ERR_ARG, "size 0");
    TU_CHECK(giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_OK, "frame info");
    TU_CHECK(giflow_decode_frame_draw(dec, &in) == GIFLOW_ERR_STATE, "draw without display");
    TU_CHECK(giflow_decoder_set_display(dec, &d) == GIFLOW_OK, "set display");
    uint8_t canvas[64 * 48 * 4];
    TU_CHECK(giflow_decode_frame_rgba(dec, &in, canvas, 64 * 4) == GIFLOW_ERR_STATE,
             "rgba with a display");
    s.w = 64, s.h = 48, s.bpp = 2;
    s.px = malloc(64 * 48 * 2);
    s.opaque = malloc(64 * 48);
    TU_CHECK(giflow_decode_frame_draw(dec, &in) == GIFLOW_FRAME_END, "draw");
    TU_CHECK(giflow_decoder_set_display(dec, NULL) == GIFLOW_ERR_STATE, "after drawing");
    TU_CHECK(s.draws == 48 && s.fills == 0 && !s.bad_calls,
             "an opaque full first frame: one draw per row, no fill (%u, %u)", s.draws, s.fills);
    giflow_decoder_free(dec);
    free(s.px);
    free(s.opaque);
    free(data);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/corpora";
    check_api(dir);
    check_dir(dir, "pygif-test-suite", 1);
    check_dir(dir, "peterdn-gif-test-suite/gifs", 1);
    check_dir(dir, "image-rs-image/tests/images/gif/anim", 1);
    check_dir(dir, "libgd/tests/gif/gif-conformance/valid", 1);
    check_dir(dir, "blink-images-resources", 0);
    check_dir(dir, "pillow/Tests/images", 0);
    check_dir(dir, "giflib/pic", 0);
    check_dir(dir, "wuffs/test/data", 0);
    printf("test_display: %d files, %d with restore-previous\n", files_checked, restore_files);
    TU_CHECK(files_checked > 150 && restore_files >= 8, "too few files: %d, %d", files_checked,
             restore_files);
    if (tu_failures)
        fprintf(stderr, "test_display: %d failures\n", tu_failures);
    return tu_failures != 0;
}
