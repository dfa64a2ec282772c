/*
 * Sets whose truth is PNG renderings:
 *  - peterdn (peterdn-gif-test-suite/gifs/): frames/<name>-<i>.png is the
 *    composited canvas after image i (frames/<name>.png for still images).
 *  - imagers (image-rs-image/): tests/reference/gif/<dir>/<name>.gif.png is
 *    the first frame composited on a transparent canvas of the logical
 *    screen size, RGBA8, to be matched exactly.
 */
#include "conform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keeps a copy of every frame's canvas. */
typedef struct keep {
    uint8_t **canvas;
    int *status;
    uint32_t n, cap, max;
    int oom;
} keep;

static int keep_frame(void *user, const cf_frame *f)
{
    keep *k = user;
    size_t bytes = (size_t)f->image->canvas_width * f->image->canvas_height * 4;
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 8;
        uint8_t **nc = realloc(k->canvas, k->cap * sizeof *nc);
        int *ns = nc ? realloc(k->status, k->cap * sizeof *ns) : NULL;
        if (nc)
            k->canvas = nc;
        if (!nc || !ns) {
            k->oom = 1;
            return 1;
        }
        k->status = ns;
    }
    uint8_t *c = malloc(bytes ? bytes : 1);
    if (!c) {
        k->oom = 1;
        return 1;
    }
    memcpy(c, f->canvas, bytes);
    k->canvas[k->n] = c;
    k->status[k->n++] = f->status;
    return k->max && k->n >= k->max;
}

static void keep_free(keep *k)
{
    for (uint32_t i = 0; i < k->n; i++)
        free(k->canvas[i]);
    free(k->canvas);
    free(k->status);
    memset(k, 0, sizeof *k);
}

/* ---- peterdn ----------------------------------------------------------- */

/* Frames beyond the logical screen: the references (ImageMagick) keep the
 * screen size, the browser model grows the canvas to contain the first
 * frame. The logical-screen region of the canvas is compared instead. */
static cf_known peterdn_known[] = {
    {"animated_transparent_loop_frames_out_of_bounds.gif",
     "the reference frames are clipped to the logical screen; the browser "
     "model grows the canvas to contain the first frame. Asserted the grown "
     "canvas and compared its logical-screen region with every reference frame",
     0},
    {NULL, NULL, 0},
};

static void peterdn_one(cf_ctx *c, const char *gifdir, const char *name)
{
    size_t size;
    uint8_t *gif = cf_read(gifdir, name, &size);
    if (!gif) {
        cf_fail(c, "cannot read %s", name);
        return;
    }
    keep k;
    memset(&k, 0, sizeof k);
    cf_result res;
    if (cf_decode(gif, size, 0, NULL, NULL, keep_frame, &k, &res) || k.oom) {
        cf_fail(c, "out of memory in the runner");
        keep_free(&k);
        free(gif);
        return;
    }
    if (res.status != GIFLOW_END)
        cf_fail(c, "decoding ended with %s at stage %d", cf_status_name(res.status),
                res.stage);
    cf_known *kn = cf_known_find(peterdn_known, name);
    char stem[256];
    snprintf(stem, sizeof stem, "%s", name);
    stem[strlen(stem) - 4] = 0;

    /* frames/<stem>-<i>.png for animations, frames/<stem>.png for stills */
    uint32_t nref = 0;
    int still = 0;
    for (;; nref++) {
        char rel[300];
        snprintf(rel, sizeof rel, "frames/%s-%u.png", stem, nref);
        char *p = cf_path(gifdir, rel);
        int ok = p && cf_exists(p);
        free(p);
        if (!ok)
            break;
    }
    if (nref == 0) {
        char rel[300];
        snprintf(rel, sizeof rel, "frames/%s.png", stem);
        char *p = cf_path(gifdir, rel);
        still = p && cf_exists(p);
        free(p);
        nref = (uint32_t)still;
    }
    if (nref == 0)
        cf_fail(c, "no reference frames found");
    uint32_t i;
    for (i = 0; i < nref; i++) {
        char rel[300];
        if (still)
            snprintf(rel, sizeof rel, "frames/%s.png", stem);
        else
            snprintf(rel, sizeof rel, "frames/%s-%u.png", stem, i);
        char *p = cf_path(gifdir, rel);
        uint32_t w, h;
        uint8_t *exp = p ? cf_png_rgba(p, &w, &h) : NULL;
        free(p);
        if (!exp) {
            cf_fail(c, "cannot decode %s", rel);
        } else if (i >= k.n) {
            cf_fail(c, "reference %s has no decoded frame (only %u frames)", rel, k.n);
        } else if ((w != res.image.canvas_width || h != res.image.canvas_height) &&
                   !(kn && w == res.image.screen_width && h == res.image.screen_height &&
                     w <= res.image.canvas_width && h <= res.image.canvas_height)) {
            cf_fail(c, "%s is %ux%u, the canvas is %ux%u (screen %ux%u)", rel, w, h,
                    res.image.canvas_width, res.image.canvas_height,
                    res.image.screen_width, res.image.screen_height);
        } else {
            char what[320];
            snprintf(what, sizeof what, "frame %u vs %s", i, rel);
            /* The PNGs store fully transparent pixels with arbitrary RGB
             * (the GIF background colour with alpha 0, where a frame was
             * cleared): A=0 pixels are equal whatever their RGB; every
             * other pixel must match exactly. */
            cf_check_rgba(c, what, exp, w, h, k.canvas[i], res.image.canvas_width, 1);
            if (k.status[i] != GIFLOW_FRAME_END)
                cf_fail(c, "frame %u ended with %s", i, cf_status_name(k.status[i]));
            c->frames++;
        }
        free(exp);
    }
    if (nref != k.n)
        cf_fail(c, "%u reference frames, %u frames decoded", nref, k.n);
    if (kn) {
        if (res.image.canvas_width == res.image.screen_width &&
            res.image.canvas_height == res.image.screen_height) {
            cf_fail(c, "listed as canvas growth, but the canvas is the screen size");
        } else {
            char reason[512];
            snprintf(reason, sizeof reason, "%s (canvas %ux%u, screen %ux%u)",
                     kn->reason, res.image.canvas_width, res.image.canvas_height,
                     res.image.screen_width, res.image.screen_height);
            cf_expected(c, reason);
        }
        kn->hit = 1;
    }
    keep_free(&k);
    free(gif);
}

int cf_set_peterdn(cf_ctx *c)
{
    char *gifdir = cf_path(c->root, "gifs");
    if (!gifdir)
        return -1;
    char **names;
    size_t n = cf_list_dir(gifdir, ".gif", &names);
    for (size_t i = 0; i < n; i++) {
        cf_begin(c, names[i]);
        peterdn_one(c, gifdir, names[i]);
        cf_end(c);
    }
    cf_free_list(names, n);
    free(gifdir);
    cf_known_check_all(c, peterdn_known);
    return 0;
}

/* ---- image-rs ---------------------------------------------------------- */

/* The first frame is larger than the logical screen: image-rs keeps the
 * screen size, the browser model grows the canvas. */
static cf_known imagers_known[] = {
    {"anim/oob.gif",
     "image-rs renders on a canvas of the logical-screen size; the first frame "
     "extends beyond it and the browser model grows the canvas. Asserted the "
     "grown canvas and compared its logical-screen region exactly", 0},
    {"simple/issue_1455_oversized.gif",
     "image-rs renders on a canvas of the logical-screen size; the first frame "
     "extends beyond it and the browser model grows the canvas. Asserted the "
     "grown canvas and compared its logical-screen region exactly", 0},
    {NULL, NULL, 0},
};

static void imagers_one(cf_ctx *c, const char *sub, const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "tests/images/gif/%s/%s", sub, name);
    size_t size;
    uint8_t *gif = cf_read(c->root, rel, &size);
    if (!gif) {
        cf_fail(c, "cannot read %s", rel);
        return;
    }
    snprintf(rel, sizeof rel, "tests/reference/gif/%s/%s.png", sub, name);
    char *ref = cf_path(c->root, rel);
    uint32_t w = 0, h = 0;
    uint8_t *exp = ref ? cf_png_rgba(ref, &w, &h) : NULL;
    free(ref);
    keep k;
    memset(&k, 0, sizeof k);
    k.max = 1;
    cf_result res;
    if (!exp) {
        cf_fail(c, "cannot decode %s", rel);
    } else if (cf_decode(gif, size, 0, NULL, NULL, keep_frame, &k, &res) || k.oom) {
        cf_fail(c, "out of memory in the runner");
    } else if (k.n < 1) {
        cf_fail(c, "no first frame: %s at stage %d", cf_status_name(res.status),
                res.stage);
    } else {
        const giflow_image_info *im = &res.image;
        cf_known *kn = cf_known_find(imagers_known, c->cur);
        if (w != im->screen_width || h != im->screen_height)
            cf_fail(c, "reference is %ux%u, the logical screen is %ux%u", w, h,
                    im->screen_width, im->screen_height);
        else if (im->canvas_width != w || im->canvas_height != h) {
            if (!kn)
                cf_fail(c, "canvas grew to %ux%u (first frame beyond the %ux%u "
                           "screen): not listed as an expected difference",
                        im->canvas_width, im->canvas_height, w, h);
        } else if (kn) {
            cf_fail(c, "listed as canvas growth, but the canvas is the screen size");
        }
        if (kn)
            kn->hit = 1;
        if (w <= im->canvas_width && h <= im->canvas_height) {
            cf_check_rgba(c, "frame 0 vs reference", exp, w, h, k.canvas[0],
                          im->canvas_width, 0);
            c->frames++;
            if (k.status[0] != GIFLOW_FRAME_END)
                cf_fail(c, "frame 0 ended with %s", cf_status_name(k.status[0]));
            if (kn && (im->canvas_width != w || im->canvas_height != h)) {
                char reason[512];
                snprintf(reason, sizeof reason, "%s (canvas %ux%u, screen %ux%u)",
                         kn->reason, im->canvas_width, im->canvas_height, w, h);
                cf_expected(c, reason);
            }
        }
    }
    keep_free(&k);
    free(exp);
    free(gif);
}

int cf_set_imagers(cf_ctx *c)
{
    static const char *subs[] = {"anim", "simple"};
    for (size_t s = 0; s < sizeof subs / sizeof subs[0]; s++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/images/gif/%s", subs[s]);
        char *dir = cf_path(c->root, rel);
        snprintf(rel, sizeof rel, "tests/reference/gif/%s", subs[s]);
        char *refdir = cf_path(c->root, rel);
        if (!dir || !refdir) {
            free(dir);
            free(refdir);
            return -1;
        }
        char **names;
        size_t n = cf_list_dir(dir, ".gif", &names);
        for (size_t i = 0; i < n; i++) {
            char refname[300];
            snprintf(refname, sizeof refname, "%s.png", names[i]);
            char *rp = cf_path(refdir, refname);
            int has_ref = rp && cf_exists(rp);
            free(rp);
            if (!has_ref)
                continue; /* no reference rendering for this file */
            char test[300];
            snprintf(test, sizeof test, "%s/%s", subs[s], names[i]);
            char *t = cf_strdup(test);
            cf_begin(c, t ? t : names[i]);
            imagers_one(c, subs[s], names[i]);
            cf_end(c);
            free(t);
        }
        cf_free_list(names, n);
        free(dir);
        free(refdir);
    }
    cf_known_check_all(c, imagers_known);
    return 0;
}
