/*
 * Wuffs-style NIA checksums: wuffs (test/nia-checksums-of-data.txt, .gif
 * lines), blink and go (wuffs-nia-crc32.txt), plus the wuffs *.indexes and
 * *.palette goldens.
 *
 * The CRC-32 covers the NIA stream exactly as Wuffs' example/convert-to-nia
 * prints it (doc/spec/nie-spec.md):
 *   header  6E C3 AF 41 FF 62 6E 34, u32le width, u32le height (canvas)
 *   frame   u64le cumulative duration in flicks (1 cs = 7,056,000; the
 *           frame's own duration is added first), a NIE image (6E C3 AF 45
 *           FF 62 6E 34, width, height, BGRA non-premultiplied canvas after
 *           drawing the frame, before its disposal), 4 zero bytes iff
 *           width & height & 1
 *   footer  u32le loop count, 00 00 00 80
 * A frame whose pixels fail to decode is still printed (partially drawn),
 * then the footer; a failure before a frame's pixels prints no frame; a
 * failure before the first frame's bounds are known prints nothing at all.
 * The loop count is Wuffs' num_animation_loops after the last printed frame
 * (stored N>0 -> N+1, stored 0 -> 0, absent -> 1), forced to 0 when at most
 * one frame was printed.
 */
#include "conform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Files where Wuffs (default quirks) reports an error but the browser
 * model does not: the checksum must still match, only the status differs. */
static cf_known wuffs_known[] = {
    {"test/data/artificial-gif/pixel-data-too-much-bad-lzw.gif",
     "Wuffs stops with \"bad LZW code\" on a code that follows the frame's 4 "
     "pixels; in the browser model pixel data beyond the frame is ignored, so "
     "giflow completes the frame. Same NIA checksum; only the status differs "
     "(Wuffs BAD, giflow OK)", 0},
    {"test/data/artificial-gif/pixel-data-too-much-good-lzw.gif",
     "Wuffs reports \"too much data\" for a 5th pixel in a 4-pixel frame; in "
     "the browser model pixel data beyond the frame is ignored. Same NIA "
     "checksum; only the status differs (Wuffs BAD, giflow OK)", 0},
    {"test/data/artificial-gif/zero-width-frame.gif",
     "Wuffs reports \"too much data\" for a pixel in a 0x0 frame; in the "
     "browser model pixel data beyond the frame is ignored. Same NIA "
     "checksum; only the status differs (Wuffs BAD, giflow OK)", 0},
    {NULL, NULL, 0},
};

static cf_known blink_known[] = {
    {NULL, NULL, 0},
};

static cf_known go_known[] = {
    {NULL, NULL, 0},
};

/* ---- NIA stream -------------------------------------------------------- */

typedef struct nia {
    uint32_t crc;
    uint32_t w, h;
    int header_done;
    uint32_t printed;
    int loop_after;
    uint64_t total;
    uint8_t *row;          /* one BGRA row */
    uint8_t *emul;         /* canvas for the interlace replication */
    const cf_rows *rows;   /* frame 0 row order, when replication applies */
    int emulated;          /* replication changed the printed canvas */
    int emul_mismatch;     /* a complete frame differed after emulation */
    int oom;
} nia;

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void nix_header(nia *s, uint32_t magic)
{
    uint8_t b[16];
    put32(b, magic);
    put32(b + 4, 0x346E62FFu);
    put32(b + 8, s->w);
    put32(b + 12, s->h);
    s->crc = tu_crc32(s->crc, b, 16);
}

static void nia_header(nia *s, const giflow_image_info *im)
{
    s->w = im->canvas_width;
    s->h = im->canvas_height;
    nix_header(s, 0x41AFC36Eu);
    s->header_done = 1;
}

static int wuffs_loops(int giflow_loop)
{
    return giflow_loop < 0 ? 1 : giflow_loop == 0 ? 0 : giflow_loop + 1;
}

static void nia_footer(nia *s)
{
    uint8_t b[8];
    uint32_t n = s->printed <= 1 ? 0 : (uint32_t)wuffs_loops(s->loop_after);
    put32(b, n);
    put32(b + 4, 0x80000000u);
    s->crc = tu_crc32(s->crc, b, 8);
}

/* Wuffs replicates each completed row of the first interlace passes of the
 * first frame (when it has no transparency) downwards, over rows that later
 * passes will overwrite (progressive display). Rebuild that from the
 * library's canvas and the library's row delivery order. */
static void emulate_replication(nia *s, const cf_frame *f)
{
    const cf_rows_frame *rf = &s->rows->frames[0];
    const giflow_frame_info *fi = &f->first;
    size_t stride = (size_t)s->w * 4;
    memset(s->emul, 0, stride * s->h);
    uint32_t x0 = fi->clip_x, xn = fi->clip_width;
    uint32_t ybot = fi->y + fi->height < s->h ? fi->y + fi->height : s->h;
    static const uint32_t count[3] = {8, 4, 2};
    for (uint32_t k = 0; k < rf->nrows; k++) {
        uint32_t cy = fi->y + rf->order[k];
        if (cy >= s->h)
            continue;
        memcpy(s->emul + cy * stride + (size_t)x0 * 4,
               f->canvas + cy * stride + (size_t)x0 * 4, (size_t)xn * 4);
        int pass = rf->order_pass[k];
        if (pass < 3) {
            uint32_t end = cy + count[pass] < ybot ? cy + count[pass] : ybot;
            for (uint32_t r = cy + 1; r < end; r++)
                memcpy(s->emul + r * stride, s->emul + cy * stride, stride);
        }
    }
    if (rf->status != GIFLOW_FRAME_END && rf->partial_n) {
        uint32_t cy = fi->y + rf->partial_y;
        uint32_t n = rf->partial_n < xn ? rf->partial_n : xn;
        if (cy < s->h)
            memcpy(s->emul + cy * stride + (size_t)x0 * 4,
                   f->canvas + cy * stride + (size_t)x0 * 4, (size_t)n * 4);
    }
}

static int on_frame(void *user, const cf_frame *f)
{
    nia *s = user;
    if (!s->header_done)
        nia_header(s, f->image);
    uint8_t b[8];
    s->total += (uint64_t)f->last.delay_cs * 7056000u;
    put32(b, (uint32_t)s->total);
    put32(b + 4, (uint32_t)(s->total >> 32));
    s->crc = tu_crc32(s->crc, b, 8);
    nix_header(s, 0x45AFC36Eu);

    const uint8_t *canvas = f->canvas;
    if (f->n == 0 && s->rows && s->emul) {
        emulate_replication(s, f);
        size_t bytes = (size_t)s->w * s->h * 4;
        if (memcmp(s->emul, f->canvas, bytes)) {
            if (f->status == GIFLOW_FRAME_END)
                s->emul_mismatch = 1; /* complete: must be a no-op */
            s->emulated = 1;
        }
        canvas = s->emul;
    }
    for (uint32_t y = 0; y < s->h; y++) {
        const uint8_t *p = canvas + (size_t)y * s->w * 4;
        for (uint32_t x = 0; x < s->w; x++, p += 4) {
            s->row[x * 4 + 0] = p[2];
            s->row[x * 4 + 1] = p[1];
            s->row[x * 4 + 2] = p[0];
            s->row[x * 4 + 3] = p[3];
        }
        s->crc = tu_crc32(s->crc, s->row, (size_t)s->w * 4);
    }
    if (s->w & s->h & 1) {
        memset(b, 0, 4);
        s->crc = tu_crc32(s->crc, b, 4);
    }
    s->printed++;
    s->loop_after = f->loop_after;
    return 0;
}

typedef struct nia_out {
    uint32_t crc;
    int bad;
    int status, stage;
    uint32_t printed;
    int emulated, emul_mismatch;
} nia_out;

static int nia_compute(const uint8_t *gif, size_t size, nia_out *o)
{
    memset(o, 0, sizeof *o);
    nia s;
    memset(&s, 0, sizeof s);
    s.loop_after = -1;

    /* First pass for the canvas size and, when the first frame is
     * interlaced and opaque, its row delivery order. */
    cf_rows rows;
    if (cf_decode_rows(gif, size, 0, 1, &rows)) {
        cf_rows_free(&rows);
        return -1;
    }
    size_t w = rows.image.canvas_width, h = rows.image.canvas_height;
    if (rows.stage > 0) {
        s.row = malloc(w ? w * 4 : 1);
        if (!s.row) {
            cf_rows_free(&rows);
            return -1;
        }
        if (rows.nframes == 1 && rows.frames[0].info.interlaced &&
            rows.frames[0].info.transparent_index < 0) {
            s.rows = &rows;
            s.emul = malloc(w && h ? w * h * 4 : 1);
            if (!s.emul) {
                free(s.row);
                cf_rows_free(&rows);
                return -1;
            }
        }
    }
    cf_result res;
    if (cf_decode(gif, size, 0, NULL, NULL, on_frame, &s, &res)) {
        free(s.row);
        free(s.emul);
        cf_rows_free(&rows);
        return -1;
    }
    if (res.stage > 0 || res.status >= 0) {
        if (!s.header_done)
            nia_header(&s, &res.image);
        nia_footer(&s);
    }
    o->crc = s.crc;
    o->status = res.status;
    o->stage = res.stage;
    o->bad = res.status != GIFLOW_END;
    o->printed = s.printed;
    o->emulated = s.emulated;
    o->emul_mismatch = s.emul_mismatch;
    free(s.row);
    free(s.emul);
    cf_rows_free(&rows);
    return 0;
}

static int run_list(cf_ctx *c, const char *list, cf_known *known)
{
    char *text = cf_read_text(c->root, list);
    if (!text)
        return -1;
    char **lines;
    size_t n = cf_lines(text, &lines);
    for (size_t i = 0; i < n; i++) {
        char *l = cf_trim(lines[i]);
        char verdict[8], path[512];
        unsigned long crc;
        if (*l == '#' || sscanf(l, "%7s %lx %511s", verdict, &crc, path) != 3)
            continue;
        size_t pl = strlen(path);
        if (pl < 4 || strcmp(path + pl - 4, ".gif"))
            continue;
        if (!strcmp(c->set, "wuffs") && strncmp(path, "test/data/", 10))
            continue;
        int exp_bad = !strcmp(verdict, "BAD");
        cf_begin(c, path);
        size_t gsize;
        uint8_t *gif = cf_read(c->root, path, &gsize);
        nia_out o;
        if (!gif) {
            cf_fail(c, "cannot read %s", path);
        } else if (nia_compute(gif, gsize, &o)) {
            cf_fail(c, "out of memory in the runner");
        } else {
            cf_known *k = cf_known_find(known, path);
            c->frames += o.printed;
            if (o.crc != (uint32_t)crc)
                cf_fail(c, "NIA CRC-32 expected %08lx (%s), got %08x (%s; %s at stage "
                           "%d, %u frames printed)",
                        crc, verdict, o.crc, o.bad ? "BAD" : "OK.",
                        cf_status_name(o.status), o.stage, o.printed);
            if (o.emul_mismatch)
                cf_fail(c, "interlace replication emulation changed a complete "
                           "first frame");
            if (exp_bad != o.bad) {
                if (k && exp_bad && !o.bad && o.crc == (uint32_t)crc) {
                    k->hit = 1;
                    cf_expected(c, k->reason);
                } else {
                    cf_fail(c, "status: Wuffs says %s, giflow ended with %s (stage %d)",
                            verdict, cf_status_name(o.status), o.stage);
                }
            } else if (k) {
                cf_fail(c, "listed as an expected difference but the status agrees "
                           "(%s)", verdict);
                k->hit = 1;
            }
            if (o.emulated && o.crc == (uint32_t)crc)
                printf("note %s %s: checksum matched with Wuffs' interlace row "
                       "replication emulated on the partial first frame\n",
                       c->set, path);
        }
        free(gif);
        cf_end(c);
    }
    free(lines);
    free(text);
    return 0;
}

/* ---- Wuffs index goldens ----------------------------------------------- */

static void check_indexes(cf_ctx *c, const cf_rows_frame *f, const char *golden)
{
    size_t n;
    uint8_t *exp = cf_read(c->root, golden, &n);
    if (!exp) {
        cf_fail(c, "cannot read %s", golden);
        return;
    }
    size_t px = (size_t)f->info.width * f->info.height;
    if (f->status != GIFLOW_FRAME_END) {
        cf_fail(c, "frame %u failed with %s", f->info.index, cf_status_name(f->status));
    } else if (n != px) {
        cf_fail(c, "%s has %zu bytes, frame %u is %ux%u", golden, n, f->info.index,
                f->info.width, f->info.height);
    } else {
        size_t k = 0;
        while (k < n && exp[k] == f->indices[k])
            k++;
        if (k < n)
            cf_fail(c, "%s: first differing index at (%zu,%zu): expected %u, got %u",
                    golden, k % f->info.width, k / f->info.width, exp[k],
                    f->indices[k]);
        c->frames++;
    }
    free(exp);
}

static void check_palette(cf_ctx *c, const cf_rows_frame *f, const char *golden)
{
    size_t n;
    uint8_t *exp = cf_read(c->root, golden, &n);
    if (!exp) {
        cf_fail(c, "cannot read %s", golden);
        return;
    }
    /* 256 x BGRA; Wuffs fills entries beyond the table with opaque black. */
    uint8_t got[1024];
    for (uint32_t i = 0; i < 256; i++) {
        if (i < f->info.palette_size) {
            got[i * 4 + 0] = f->pal[i * 3 + 2];
            got[i * 4 + 1] = f->pal[i * 3 + 1];
            got[i * 4 + 2] = f->pal[i * 3 + 0];
        } else {
            got[i * 4 + 0] = got[i * 4 + 1] = got[i * 4 + 2] = 0;
        }
        got[i * 4 + 3] = 0xFF;
    }
    if (n != 1024) {
        cf_fail(c, "%s has %zu bytes, expected 1024", golden, n);
    } else {
        for (uint32_t i = 0; i < 256; i++)
            if (memcmp(exp + i * 4, got + i * 4, 4)) {
                cf_fail(c, "%s: entry %u expected BGRA %02x%02x%02x%02x, got "
                           "%02x%02x%02x%02x",
                        golden, i, exp[i * 4], exp[i * 4 + 1], exp[i * 4 + 2],
                        exp[i * 4 + 3], got[i * 4], got[i * 4 + 1], got[i * 4 + 2],
                        got[i * 4 + 3]);
                break;
            }
    }
    free(exp);
}

static void golden_test(cf_ctx *c, const char *gifname, uint32_t nframes,
                        const char *palette)
{
    char name[128];
    snprintf(name, sizeof name, "%s (.indexes%s goldens)", gifname,
             palette ? " + .palette" : "");
    cf_begin(c, name);
    char path[256];
    snprintf(path, sizeof path, "test/data/%s", gifname);
    size_t size;
    uint8_t *gif = cf_read(c->root, path, &size);
    cf_rows rows;
    if (!gif) {
        cf_fail(c, "cannot read %s", path);
    } else if (cf_decode_rows(gif, size, 0, 0, &rows)) {
        cf_fail(c, "out of memory in the runner");
        cf_rows_free(&rows);
    } else {
        if (rows.status != GIFLOW_END)
            cf_fail(c, "decoding ended with %s", cf_status_name(rows.status));
        if (nframes == 1) {
            char stem[128];
            snprintf(stem, sizeof stem, "%s", gifname);
            stem[strlen(stem) - 4] = 0;
            char g[256];
            if (rows.nframes < 1) {
                cf_fail(c, "no frame decoded");
            } else {
                snprintf(g, sizeof g, "test/data/%s.indexes", stem);
                check_indexes(c, &rows.frames[0], g);
                if (palette) {
                    snprintf(g, sizeof g, "test/data/%s", palette);
                    check_palette(c, &rows.frames[0], g);
                }
            }
        } else {
            if (rows.nframes != nframes)
                cf_fail(c, "expected %u frames, got %u", nframes, rows.nframes);
            for (uint32_t i = 0; i < rows.nframes && i < nframes; i++) {
                char g[256];
                snprintf(g, sizeof g, "test/data/muybridge-frame-%03u.indexes", i);
                check_indexes(c, &rows.frames[i], g);
            }
        }
        cf_rows_free(&rows);
    }
    free(gif);
    cf_end(c);
}

int cf_set_wuffs(cf_ctx *c)
{
    if (run_list(c, "test/nia-checksums-of-data.txt", wuffs_known))
        return -1;
    golden_test(c, "bricks-dither.gif", 1, "bricks-dither.palette");
    golden_test(c, "bricks-nodither.gif", 1, "bricks-nodither.palette");
    golden_test(c, "bricks-gray.gif", 1, NULL);
    golden_test(c, "muybridge.gif", 15, NULL);
    cf_known_check_all(c, wuffs_known);
    return 0;
}

int cf_set_blink(cf_ctx *c)
{
    if (run_list(c, "wuffs-nia-crc32.txt", blink_known))
        return -1;
    cf_known_check_all(c, blink_known);
    return 0;
}

int cf_set_go(cf_ctx *c)
{
    if (run_list(c, "wuffs-nia-crc32.txt", go_known))
        return -1;
    cf_known_check_all(c, go_known);
    return 0;
}
