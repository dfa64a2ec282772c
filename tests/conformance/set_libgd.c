/*
 * libgd GIF conformance (libgd/tests/gif/gif-conformance/EXPECTED.tsv,
 * transcribed from libgd's gif_conformance.c; conventions in its README):
 *  - valid/ and edge-cases/: width, height (logical screen), frame count,
 *    loop count (gd: the raw NETSCAPE value, 0 = forever, 1 when there is
 *    no NETSCAPE extension), total delay (centiseconds, summed over frames);
 *  - pixel spot checks, parsed from the "# Pixel spot checks" comment lines
 *    ("(x,y)=r,g,b" is an opaque colour, "(x,y) transparent"; "fN" selects
 *    the composited frame, "fN=r,g,b" reuses the previous position);
 *  - invalid/: must be rejected (an error status).
 */
#define _POSIX_C_SOURCE 200809L
#include "conform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* gd paints the logical screen's background colour into the canvas (and
 * restores to it); the browser model never paints it: pixels outside every
 * frame, cleared by disposal 2, or restored by disposal 3 on the first frame
 * are transparent. For these spots the runner checks that gd's colour is
 * the background colour (global palette[background index]) and asserts the
 * browser model's transparent pixel instead. */
static cf_known spot_known[] = {
    {"small_frame_big_canvas f0 (0,0)",
     "gd paints the background colour outside the 4x4 frame; browser model: "
     "transparent (checked: gd's 200,200,200 is the background colour)", 0},
    {"dispose_background f1 (0,0)",
     "gd restores disposal 2 to the background colour; browser model: "
     "cleared to transparent (checked: gd's 255,255,255 is the background "
     "colour)", 0},
    {"dispose_previous f1 (0,0)",
     "gd's canvas starts as the background colour, so restoring the first "
     "frame (disposal 3) gives it back; browser model: transparent (checked: "
     "gd's 255,255,255 is the background colour)", 0},
    {NULL, NULL, 0},
};

/* invalid/ files the README does not require to be rejected. */
static cf_known invalid_known[] = {
    {"invalid/no_trailer.gif",
     "EXPECTED.tsv lists it under reject, the README allows \"accept "
     "gracefully or reject\"; browser model: a missing trailer is not an "
     "error. Asserted a clean decode of its one frame", 0},
    {NULL, NULL, 0},
};

typedef struct spot {
    char file[64];
    uint32_t frame, x, y;
    int transparent;
    uint8_t rgb[3];
} spot;

typedef struct frames {
    uint8_t **canvas;
    uint32_t n, cap;
    uint32_t delay_sum;
    int all_complete;
    int oom;
} frames;

static int keep(void *user, const cf_frame *f)
{
    frames *s = user;
    size_t bytes = (size_t)f->image->canvas_width * f->image->canvas_height * 4;
    if (f->status != GIFLOW_FRAME_END) {
        s->all_complete = 0;
        return 1;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        uint8_t **nc = realloc(s->canvas, s->cap * sizeof *nc);
        if (!nc) {
            s->oom = 1;
            return 1;
        }
        s->canvas = nc;
    }
    uint8_t *c = malloc(bytes ? bytes : 1);
    if (!c) {
        s->oom = 1;
        return 1;
    }
    memcpy(c, f->canvas, bytes);
    s->canvas[s->n++] = c;
    s->delay_sum += f->last.delay_cs;
    return 0;
}

static void frames_free(frames *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        free(s->canvas[i]);
    free(s->canvas);
    memset(s, 0, sizeof *s);
}

/* ---- Spot-check comment parser ----------------------------------------- */

static int parse_uint(const char **p, uint32_t *v)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return 0;
    uint32_t x = 0;
    while (*s >= '0' && *s <= '9')
        x = x * 10 + (uint32_t)(*s++ - '0');
    *v = x;
    *p = s;
    return 1;
}

/* "r,g,b" then end of token (optionally a trailing comma). */
static int parse_rgb(const char *s, uint8_t rgb[3])
{
    uint32_t v[3];
    for (int i = 0; i < 3; i++) {
        if (!parse_uint(&s, &v[i]) || v[i] > 255)
            return 0;
        if (i < 2 && *s++ != ',')
            return 0;
    }
    if (*s == ',')
        s++;
    if (*s)
        return 0;
    for (int i = 0; i < 3; i++)
        rgb[i] = (uint8_t)v[i];
    return 1;
}

static size_t parse_spots(char **lines, size_t nl, spot **out)
{
    spot *v = NULL;
    size_t n = 0, cap = 0;
    int on = 0;
    for (size_t li = 0; li < nl; li++) {
        char *l = lines[li];
        if (l[0] != '#')
            continue;
        if (strstr(l, "Pixel spot checks")) {
            on = 1;
            continue;
        }
        if (!on)
            continue;
        char *save_seg = NULL;
        for (char *seg = strtok_r(l + 1, "|", &save_seg); seg;
             seg = strtok_r(NULL, "|", &save_seg)) {
            char name[64] = "";
            uint32_t frame = 0, x = 0, y = 0;
            int have_xy = 0;
            char *save_tok = NULL;
            for (char *t = strtok_r(seg, " \t", &save_tok); t;
                 t = strtok_r(NULL, " \t", &save_tok)) {
                const char *p = t;
                uint32_t a, b;
                spot sp;
                int add = 0;
                memset(&sp, 0, sizeof sp);
                if (!name[0]) {
                    snprintf(name, sizeof name, "%s", t);
                    size_t k = strlen(name);
                    if (k && name[k - 1] == ':')
                        name[k - 1] = 0;
                    continue;
                }
                if (*p == 'f' && (p++, parse_uint(&p, &a))) {
                    frame = a;
                    if (*p == '=' && have_xy && parse_rgb(p + 1, sp.rgb))
                        add = 1;
                    else if (*p && strcmp(p, ":"))
                        continue;
                } else if (*p == '(' && (p++, parse_uint(&p, &a)) && *p++ == ',' &&
                           parse_uint(&p, &b) && *p++ == ')') {
                    x = a;
                    y = b;
                    have_xy = 1;
                    if (*p == '=' && parse_rgb(p + 1, sp.rgb))
                        add = 1;
                } else if (have_xy && (!strcmp(t, "transparent") ||
                                       !strcmp(t, "transparent,"))) {
                    sp.transparent = 1;
                    add = 1;
                }
                if (!add)
                    continue;
                snprintf(sp.file, sizeof sp.file, "%s", name);
                sp.frame = frame;
                sp.x = x;
                sp.y = y;
                if (n == cap) {
                    cap = cap ? cap * 2 : 32;
                    spot *nv = realloc(v, cap * sizeof *nv);
                    if (!nv)
                        break;
                    v = nv;
                }
                v[n++] = sp;
            }
        }
    }
    *out = v;
    return n;
}

/* ---- Tests ------------------------------------------------------------- */

/* Reads rel and decodes it, keeping its complete frames in s. Returns 0,
 * or -1 after reporting why (unreadable, or the runner out of memory). */
static int load(cf_ctx *c, const char *rel, frames *s, cf_result *res)
{
    size_t size;
    uint8_t *gif = cf_read(c->root, rel, &size);
    if (!gif) {
        cf_fail(c, "cannot read %s", rel);
        return -1;
    }
    memset(s, 0, sizeof *s);
    s->all_complete = 1;
    int failed = cf_decode(gif, size, 0, NULL, NULL, keep, s, res) || s->oom;
    free(gif);
    if (failed) {
        cf_fail(c, "out of memory in the runner");
        frames_free(s);
        return -1;
    }
    return 0;
}

static void check_valid(cf_ctx *c, const char *dir, const char *file, char **f,
                        const spot *spots, size_t nspots, uint32_t *nchecked)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", dir, file);
    frames s;
    cf_result res;
    if (load(c, rel, &s, &res))
        return;
    const giflow_image_info *im = &res.image;
    unsigned long ew = strtoul(f[2], NULL, 10), eh = strtoul(f[3], NULL, 10);
    unsigned long en = strtoul(f[4], NULL, 10), el = strtoul(f[5], NULL, 10);
    unsigned long ed = strtoul(f[6], NULL, 10);
    if (res.status != GIFLOW_END)
        cf_fail(c, "decoding ended with %s at stage %d", cf_status_name(res.status),
                res.stage);
    if (im->screen_width != ew || im->screen_height != eh)
        cf_fail(c, "size: expected %lux%lu, got %ux%u", ew, eh, im->screen_width,
                im->screen_height);
    if (im->canvas_width != im->screen_width || im->canvas_height != im->screen_height)
        cf_fail(c, "canvas %ux%u differs from the logical screen", im->canvas_width,
                im->canvas_height);
    if (s.n != en)
        cf_fail(c, "frames: expected %lu, got %u", en, s.n);
    /* gd: the raw NETSCAPE value, or 1 when there is no extension. */
    long gl = res.loop_count < 0 ? 1 : res.loop_count;
    if ((unsigned long)gl != el)
        cf_fail(c, "loop count: expected %lu (gd convention), giflow_decoder_loop_count() = %d",
                el, res.loop_count);
    if (s.delay_sum != ed)
        cf_fail(c, "total delay: expected %lu cs, got %u cs", ed, s.delay_sum);

    char stem[128];
    snprintf(stem, sizeof stem, "%s", file);
    stem[strlen(stem) - 4] = 0;
    for (size_t i = 0; i < nspots; i++) {
        const spot *sp = &spots[i];
        if (strcmp(sp->file, stem))
            continue;
        (*nchecked)++;
        char key[128];
        snprintf(key, sizeof key, "%s f%u (%u,%u)", stem, sp->frame, sp->x, sp->y);
        if (sp->frame >= s.n || sp->x >= im->canvas_width || sp->y >= im->canvas_height) {
            cf_fail(c, "%s: no such frame or pixel", key);
            continue;
        }
        const uint8_t *p = s.canvas[sp->frame] + ((size_t)sp->y * im->canvas_width + sp->x) * 4;
        cf_known *k = cf_known_find(spot_known, key);
        if (k) {
            k->hit = 1;
            const uint8_t *bg = NULL;
            if (im->has_global_palette && im->background_index >= 0 &&
                (uint32_t)im->background_index < im->global_palette_size)
                bg = im->global_palette + im->background_index * 3;
            if (sp->transparent || !bg || memcmp(bg, sp->rgb, 3))
                cf_fail(c, "%s: listed as gd's background painting, but gd's colour is "
                           "not the background colour", key);
            else if (p[3] != 0)
                cf_fail(c, "%s: browser model expects a transparent pixel, got "
                           "RGBA %02x%02x%02x%02x", key, p[0], p[1], p[2], p[3]);
            else {
                char reason[512];
                snprintf(reason, sizeof reason, "%s: %s", key, k->reason);
                cf_expected(c, reason);
            }
            continue;
        }
        if (sp->transparent) {
            if (p[3] != 0)
                cf_fail(c, "%s: expected transparent, got RGBA %02x%02x%02x%02x", key,
                        p[0], p[1], p[2], p[3]);
        } else if (p[3] != 255 || memcmp(p, sp->rgb, 3)) {
            cf_fail(c, "%s: expected opaque %u,%u,%u, got RGBA %02x%02x%02x%02x", key,
                    sp->rgb[0], sp->rgb[1], sp->rgb[2], p[0], p[1], p[2], p[3]);
        }
    }
    c->frames += s.n;
    frames_free(&s);
}

static void check_invalid(cf_ctx *c, const char *file)
{
    char rel[256];
    snprintf(rel, sizeof rel, "invalid/%s", file);
    frames s;
    cf_result res;
    if (load(c, rel, &s, &res))
        return;
    cf_known *k = cf_known_find(invalid_known, rel);
    if (k) {
        k->hit = 1;
        if (res.status != GIFLOW_END || s.n != 1 || !s.all_complete)
            cf_fail(c, "expected a clean decode of one frame, got %s with %u "
                       "frames", cf_status_name(res.status), s.n);
        else
            cf_expected(c, k->reason);
    } else if (res.status == GIFLOW_END) {
        cf_fail(c, "must be rejected, but it decoded cleanly (%u frame%s, canvas "
                   "%ux%u)", s.n, s.n == 1 ? "" : "s", res.image.canvas_width,
                res.image.canvas_height);
    }
    frames_free(&s);
}

int cf_set_libgd(cf_ctx *c)
{
    char *text = cf_read_text(c->root, "EXPECTED.tsv");
    if (!text)
        return -1;
    char **lines;
    size_t nl = cf_lines(text, &lines);

    /* The spot-check parser tokenizes in place: give it copies. */
    char **copies = calloc(nl ? nl : 1, sizeof *copies);
    for (size_t i = 0; copies && i < nl; i++)
        copies[i] = cf_strdup(lines[i]);
    spot *spots = NULL;
    size_t nspots = copies ? parse_spots(copies, nl, &spots) : 0;
    uint32_t nchecked = 0;

    for (size_t i = 0; i < nl; i++) {
        char *l = lines[i];
        if (!*l || *l == '#')
            continue;
        char *f[8];
        int nf = 0;
        char *save = NULL;
        for (char *t = strtok_r(l, "\t", &save); t && nf < 8; t = strtok_r(NULL, "\t", &save))
            f[nf++] = t;
        if (nf < 7)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%s/%s", f[0], f[1]);
        char *test = cf_strdup(name);
        cf_begin(c, test ? test : f[1]);
        if (!strcmp(f[0], "invalid"))
            check_invalid(c, f[1]);
        else
            check_valid(c, f[0], f[1], f, spots, nspots, &nchecked);
        cf_end(c);
        free(test);
    }
    if (nchecked != nspots) {
        c->cur = "EXPECTED.tsv";
        cf_fail(c, "%zu pixel spot checks parsed, only %u matched a listed file",
                nspots, nchecked);
        c->cur = NULL;
    }
    if (nspots == 0) {
        c->cur = "EXPECTED.tsv";
        cf_fail(c, "no pixel spot checks parsed");
        c->cur = NULL;
    }
    printf("conform libgd: %zu pixel spot checks parsed from EXPECTED.tsv\n", nspots);
    for (size_t i = 0; copies && i < nl; i++)
        free(copies[i]);
    free(copies);
    free(spots);
    free(lines);
    free(text);
    cf_known_check_all(c, spot_known);
    cf_known_check_all(c, invalid_known);
    return 0;
}
