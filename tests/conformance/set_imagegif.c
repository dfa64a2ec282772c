/*
 * image-gif (image-gif/tests/results.txt): lines "path: <decimal CRC-32>".
 * The CRC covers every frame's frame-local RGBA buffer in order: width x
 * height x 4, de-interlaced, not composited. A pixel whose index is the
 * transparent index keeps the palette's RGB with A=0; an index outside the
 * active palette leaves all four bytes 0. Built from giflow_decode_row()
 * rows and the frame's active palette.
 */
#include "conform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void one(cf_ctx *c, const char *path, uint32_t exp_crc)
{
    size_t size;
    uint8_t *gif = cf_read(c->root, path, &size);
    if (!gif) {
        cf_fail(c, "cannot read %s", path);
        return;
    }
    cf_rows rows;
    if (cf_decode_rows(gif, size, 0, 0, &rows)) {
        cf_fail(c, "out of memory in the runner");
        cf_rows_free(&rows);
        free(gif);
        return;
    }
    if (rows.status != GIFLOW_END)
        cf_fail(c, "decoding ended with %s at stage %d after %u frames",
                cf_status_name(rows.status), rows.stage, rows.nframes);
    uint32_t crc = 0;
    uint8_t *line = NULL;
    size_t line_cap = 0;
    for (uint32_t i = 0; i < rows.nframes; i++) {
        const cf_rows_frame *f = &rows.frames[i];
        size_t need = (size_t)f->info.width * 4;
        if (need > line_cap) {
            uint8_t *nl = realloc(line, need);
            if (!nl) {
                cf_fail(c, "out of memory in the runner");
                break;
            }
            line = nl;
            line_cap = need;
        }
        for (uint32_t y = 0; y < f->info.height; y++) {
            const uint8_t *idx = f->indices + (size_t)y * f->info.width;
            for (uint32_t x = 0; x < f->info.width; x++) {
                uint8_t *o = line + (size_t)x * 4;
                uint32_t v = idx[x];
                if (v < f->info.palette_size) {
                    o[0] = f->pal[v * 3];
                    o[1] = f->pal[v * 3 + 1];
                    o[2] = f->pal[v * 3 + 2];
                    o[3] = (int)v == f->info.transparent_index ? 0 : 255;
                } else {
                    o[0] = o[1] = o[2] = o[3] = 0;
                }
            }
            crc = tu_crc32(crc, line, need);
        }
        c->frames++;
    }
    if (crc != exp_crc)
        cf_fail(c, "CRC-32 of %u frame buffers: expected %lu, got %lu", rows.nframes,
                (unsigned long)exp_crc, (unsigned long)crc);
    free(line);
    cf_rows_free(&rows);
    free(gif);
}

int cf_set_imagegif(cf_ctx *c)
{
    char *text = cf_read_text(c->root, "tests/results.txt");
    if (!text)
        return -1;
    char **lines;
    size_t n = cf_lines(text, &lines);
    for (size_t i = 0; i < n; i++) {
        char *l = cf_trim(lines[i]);
        char *colon = strrchr(l, ':');
        if (!*l || *l == '#' || !colon)
            continue;
        *colon = 0;
        char *end;
        unsigned long crc = strtoul(colon + 1, &end, 10);
        cf_begin(c, l);
        if (end == colon + 1 || crc > 0xFFFFFFFFul)
            cf_fail(c, "cannot parse the expected CRC");
        else
            one(c, l, (uint32_t)crc);
        cf_end(c);
    }
    free(lines);
    free(text);
    return 0;
}
