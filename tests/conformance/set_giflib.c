/*
 * giflib (giflib/tests/<stem>.rgb for each pic/<stem>.gif): the output of
 * "gif2rgb -1", packed RGB24 of the logical screen. gif2rgb fills a screen
 * of palette indexes with the background index, overlays every image's
 * indexes (no transparency, no disposal), then maps the whole screen
 * through the last image's local colour table, or else the global one.
 * Built here from giflow_decode_row() rows.
 */
#include "conform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void one(cf_ctx *c, const char *stem)
{
    char rel[256];
    snprintf(rel, sizeof rel, "pic/%s.gif", stem);
    size_t size, esize;
    uint8_t *gif = cf_read(c->root, rel, &size);
    snprintf(rel, sizeof rel, "tests/%s.rgb", stem);
    uint8_t *exp = cf_read(c->root, rel, &esize);
    cf_rows rows;
    memset(&rows, 0, sizeof rows);
    uint8_t *screen = NULL, *rgb = NULL;
    if (!gif || !exp) {
        cf_fail(c, "cannot read pic/%s.gif or tests/%s.rgb", stem, stem);
        goto out;
    }
    if (cf_decode_rows(gif, size, 0, 0, &rows)) {
        cf_fail(c, "out of memory in the runner");
        goto out;
    }
    if (rows.status != GIFLOW_END) {
        cf_fail(c, "decoding ended with %s at stage %d", cf_status_name(rows.status),
                rows.stage);
        goto out;
    }
    uint32_t sw = rows.image.screen_width, sh = rows.image.screen_height;
    size_t px = (size_t)sw * sh;
    if (esize != px * 3) {
        cf_fail(c, "%s has %zu bytes, the %ux%u screen needs %zu", rel, esize, sw, sh,
                px * 3);
        goto out;
    }
    screen = malloc(px ? px : 1);
    rgb = malloc(px ? px * 3 : 1);
    if (!screen || !rgb) {
        cf_fail(c, "out of memory in the runner");
        goto out;
    }
    memset(screen, rows.image.background_index, px);
    for (uint32_t i = 0; i < rows.nframes; i++) {
        const cf_rows_frame *f = &rows.frames[i];
        if ((uint64_t)f->info.x + f->info.width > sw ||
            (uint64_t)f->info.y + f->info.height > sh) {
            cf_fail(c, "image %u is not confined to the screen (gif2rgb aborts)", i);
            goto out;
        }
        for (uint32_t y = 0; y < f->info.height; y++)
            memcpy(screen + (size_t)(f->info.y + y) * sw + f->info.x,
                   f->indices + (size_t)y * f->info.width, f->info.width);
        c->frames++;
    }
    const uint8_t *pal = rows.image.global_palette;
    uint32_t pal_size = rows.image.global_palette_size;
    if (rows.nframes && rows.frames[rows.nframes - 1].info.has_local_palette) {
        pal = rows.frames[rows.nframes - 1].pal;
        pal_size = rows.frames[rows.nframes - 1].info.palette_size;
    }
    for (size_t k = 0; k < px; k++) {
        if (screen[k] >= pal_size) {
            cf_fail(c, "index %u at (%zu,%zu) is outside the %u-entry colour map "
                       "(gif2rgb output undefined)", screen[k], k % sw, k / sw, pal_size);
            goto out;
        }
        memcpy(rgb + k * 3, pal + screen[k] * 3, 3);
    }
    for (size_t k = 0; k < px; k++) {
        if (memcmp(rgb + k * 3, exp + k * 3, 3)) {
            cf_fail(c, "first differing pixel (%zu,%zu): expected RGB %02x%02x%02x, got "
                       "%02x%02x%02x (index %u)",
                    k % sw, k / sw, exp[k * 3], exp[k * 3 + 1], exp[k * 3 + 2],
                    rgb[k * 3], rgb[k * 3 + 1], rgb[k * 3 + 2], screen[k]);
            break;
        }
    }
out:
    cf_rows_free(&rows);
    free(screen);
    free(rgb);
    free(gif);
    free(exp);
}

int cf_set_giflib(cf_ctx *c)
{
    /* Every pic/<stem>.gif that has a tests/<stem>.rgb. */
    size_t n = 0;
    char *pics = cf_path(c->root, "pic");
    if (!pics)
        return -1;
    char **names;
    size_t nn = cf_list_dir(pics, ".gif", &names);
    for (size_t i = 0; i < nn; i++) {
        char stem[256], rel[300];
        snprintf(stem, sizeof stem, "%s", names[i]);
        stem[strlen(stem) - 4] = 0;
        snprintf(rel, sizeof rel, "tests/%s.rgb", stem);
        char *p = cf_path(c->root, rel);
        int have = p && cf_exists(p);
        free(p);
        if (!have)
            continue;
        cf_begin(c, names[i]);
        one(c, stem);
        cf_end(c);
        n++;
    }
    cf_free_list(names, nn);
    free(pics);
    return n ? 0 : -1;
}
