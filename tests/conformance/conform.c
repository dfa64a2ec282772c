/*
 * Conformance runner: conform <set> <corpora-dir>
 *
 * Decodes each corpus through the public API only and compares with the
 * corpus's own, independent expectations. See docs/conformance.md.
 */
#define _POSIX_C_SOURCE 200809L
#include "conform.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <spng.h>

/* ---- Reporting --------------------------------------------------------- */

void cf_begin(cf_ctx *c, const char *test)
{
    c->cur = test;
    c->cur_fail = 0;
    c->tests++;
}

void cf_fail(cf_ctx *c, const char *fmt, ...)
{
    va_list ap;
    c->cur_fail++;
    c->total_fail++;
    printf("FAIL %s %s: ", c->set, c->cur ? c->cur : "-");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

void cf_expected(cf_ctx *c, const char *reason)
{
    size_t n = strlen(c->cur) + strlen(reason) + 3;
    char *s = malloc(n);
    char **d = realloc(c->diffs, (size_t)(c->ndiff + 1) * sizeof *d);
    if (!s || !d) {
        free(s);
        if (d)
            c->diffs = d;
        cf_fail(c, "out of memory");
        return;
    }
    snprintf(s, n, "%s: %s", c->cur, reason);
    c->diffs = d;
    c->diffs[c->ndiff++] = s;
}

void cf_end(cf_ctx *c)
{
    if (!c->cur_fail)
        c->ok++;
    c->cur = NULL;
}

int cf_report(cf_ctx *c)
{
    printf("conform %s: %d/%d tests ok (%lu frames checked), %d expected "
           "difference%s\n",
           c->set, c->ok, c->tests, c->frames, c->ndiff, c->ndiff == 1 ? "" : "s");
    for (int i = 0; i < c->ndiff; i++) {
        printf("  expected difference: %s\n", c->diffs[i]);
        free(c->diffs[i]);
    }
    free(c->diffs);
    c->diffs = NULL;
    if (c->total_fail)
        printf("conform %s: %d unexpected mismatch%s\n", c->set, c->total_fail,
               c->total_fail == 1 ? "" : "es");
    return c->total_fail ? 1 : 0;
}

cf_known *cf_known_find(cf_known *table, const char *test)
{
    for (; table && table->test; table++)
        if (!strcmp(table->test, test))
            return table;
    return NULL;
}

void cf_known_check_all(cf_ctx *c, cf_known *table)
{
    const char *saved = c->cur;
    for (; table && table->test; table++) {
        if (!table->hit) {
            c->cur = table->test;
            cf_fail(c, "stale expected-difference entry: the test was not run "
                       "or did not show the difference (%s)", table->reason);
        }
    }
    c->cur = saved;
}

/* ---- Files ------------------------------------------------------------- */

char *cf_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *cf_path(const char *root, const char *rel)
{
    size_t n = strlen(root) + (rel ? strlen(rel) : 0) + 2;
    char *p = malloc(n);
    if (!p)
        return NULL;
    if (rel)
        snprintf(p, n, "%s/%s", root, rel);
    else
        snprintf(p, n, "%s", root);
    return p;
}

int cf_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

uint8_t *cf_read(const char *root, const char *rel, size_t *size)
{
    char *p = cf_path(root, rel);
    if (!p)
        return NULL;
    uint8_t *d = cf_exists(p) ? tu_read_file(p, size) : NULL;
    free(p);
    return d;
}

char *cf_read_text(const char *root, const char *rel)
{
    size_t size;
    return (char *)cf_read(root, rel, &size); /* tu_read_file ends it with 0 */
}

size_t cf_lines(char *text, char ***lines)
{
    size_t n = 0, cap = 0;
    char **v = NULL;
    char *s = text;
    while (s && *s) {
        char *e = strchr(s, '\n');
        if (e)
            *e = 0;
        size_t len = strlen(s);
        if (len && s[len - 1] == '\r')
            s[len - 1] = 0;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        v[n++] = s;
        s = e ? e + 1 : NULL;
    }
    *lines = v;
    return n;
}

char *cf_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

uint8_t *cf_png_rgba(const char *path, uint32_t *w, uint32_t *h)
{
    size_t size;
    uint8_t *buf = tu_read_file(path, &size);
    if (!buf)
        return NULL;
    uint8_t *out = NULL;
    spng_ctx *ctx = spng_ctx_new(0);
    struct spng_ihdr ihdr;
    size_t n;
    if (ctx && !spng_set_png_buffer(ctx, buf, size) &&
        !spng_get_ihdr(ctx, &ihdr) &&
        !spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &n) &&
        (out = malloc(n ? n : 1)) != NULL) {
        if (spng_decode_image(ctx, out, n, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS)) {
            free(out);
            out = NULL;
        } else {
            *w = ihdr.width;
            *h = ihdr.height;
        }
    }
    spng_ctx_free(ctx);
    free(buf);
    return out;
}

/* Sorted names in dir ending in suffix. */
size_t cf_list_dir(const char *dir, const char *suffix, char ***out)
{
    DIR *d = opendir(dir);
    char **v = NULL;
    size_t n = 0, cap = 0, sl = strlen(suffix);
    if (!d) {
        *out = NULL;
        return 0;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= sl || strcmp(e->d_name + l - sl, suffix))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        if ((v[n] = cf_strdup(e->d_name)) != NULL)
            n++;
    }
    closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    *out = v;
    return n;
}

void cf_free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- Decoding ---------------------------------------------------------- */

static void copy_gct(giflow_image_info *im, uint8_t *gct)
{
    memset(gct, 0, 768);
    if (im->global_palette && im->global_palette_size <= 256)
        memcpy(gct, im->global_palette, (size_t)im->global_palette_size * 3);
    im->global_palette = gct;
}

int cf_decode(const uint8_t *data, size_t size, unsigned flags,
              giflow_meta_fn meta, void *meta_user, cf_frame_fn on_frame,
              void *user, cf_result *res)
{
    memset(res, 0, sizeof *res);
    res->loop_count = -1;
    giflow_input in = {data, size, 0, 1};
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (!dec)
        return -1;
    int r = giflow_decoder_set_flags(dec, flags);
    if (r == GIFLOW_OK && meta)
        r = giflow_decoder_set_meta_callback(dec, meta, meta_user);
    if (r == GIFLOW_OK)
        r = giflow_decode_image_info(dec, &in, &res->image);
    res->stage = 0;
    uint8_t *canvas = NULL;
    if (r == GIFLOW_OK) {
        copy_gct(&res->image, res->gct);
        size_t bytes = (size_t)res->image.canvas_width * res->image.canvas_height * 4;
        canvas = calloc(bytes ? bytes : 1, 1);
        if (!canvas) {
            giflow_decoder_free(dec);
            return -1;
        }
    }
    while (r == GIFLOW_OK) {
        giflow_frame_info fi;
        res->stage = 1;
        r = giflow_decode_frame_info(dec, &in, &fi);
        if (r != GIFLOW_OK)
            break;
        res->stage = 2;
        r = giflow_decode_frame_rgba(dec, &in, canvas,
                                     (size_t)res->image.canvas_width * 4);
        cf_frame f;
        memset(&f, 0, sizeof f);
        f.n = res->nframes++;
        f.first = fi;
        const giflow_frame_info *cur = giflow_decoder_current_frame(dec);
        f.last = cur ? *cur : fi;
        f.status = r;
        f.loop_after = giflow_decoder_loop_count(dec);
        f.canvas = canvas;
        f.image = &res->image;
        int stop = on_frame ? on_frame(user, &f) : 0;
        if (r != GIFLOW_FRAME_END)
            break;
        r = stop ? GIFLOW_END : GIFLOW_OK;
        if (stop)
            res->stage = 3;
    }
    res->status = r;
    res->loop_count = giflow_decoder_loop_count(dec);
    free(canvas);
    giflow_decoder_free(dec);
    return 0;
}

#define CF_MAX_FRAME_BYTES ((uint64_t)1 << 26)

int cf_decode_rows(const uint8_t *data, size_t size, unsigned flags,
                   uint32_t max_frames, cf_rows *out)
{
    memset(out, 0, sizeof *out);
    giflow_input in = {data, size, 0, 1};
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (!dec)
        return -1;
    int r = giflow_decoder_set_flags(dec, flags);
    if (r == GIFLOW_OK)
        r = giflow_decode_image_info(dec, &in, &out->image);
    out->stage = 0;
    if (r == GIFLOW_OK)
        copy_gct(&out->image, out->gct);
    uint32_t cap = 0;
    int oom = 0;
    while (r == GIFLOW_OK && (!max_frames || out->nframes < max_frames)) {
        giflow_frame_info fi;
        out->stage = 1;
        r = giflow_decode_frame_info(dec, &in, &fi);
        if (r != GIFLOW_OK)
            break;
        out->stage = 2;
        if ((uint64_t)fi.width * fi.height > CF_MAX_FRAME_BYTES) {
            oom = 1;
            break;
        }
        if (out->nframes == cap) {
            cap = cap ? cap * 2 : 8;
            cf_rows_frame *nf = realloc(out->frames, cap * sizeof *nf);
            if (!nf) {
                oom = 1;
                break;
            }
            out->frames = nf;
        }
        cf_rows_frame *f = &out->frames[out->nframes++];
        memset(f, 0, sizeof *f);
        f->info = fi;
        if (fi.palette && fi.palette_size <= 256)
            memcpy(f->pal, fi.palette, (size_t)fi.palette_size * 3);
        f->info.palette = NULL;
        size_t px = (size_t)fi.width * fi.height;
        f->indices = calloc(px ? px : 1, 1);
        f->got = calloc(fi.height ? fi.height : 1, 1);
        f->order = calloc(fi.height ? fi.height : 1, sizeof *f->order);
        f->order_pass = calloc(fi.height ? fi.height : 1, sizeof *f->order_pass);
        if (!f->indices || !f->got || !f->order || !f->order_pass) {
            oom = 1;
            break;
        }
        for (;;) {
            giflow_row row;
            r = giflow_decode_row(dec, &in, &row);
            if (r != GIFLOW_OK)
                break;
            if (row.y >= fi.height || row.width != fi.width || f->nrows >= fi.height) {
                r = GIFLOW_ERR_STATE; /* reported by the caller as a bug */
                break;
            }
            memcpy(f->indices + (size_t)row.y * fi.width, row.indices, fi.width);
            f->got[row.y] = 1;
            f->order_pass[f->nrows] = row.pass;
            f->order[f->nrows++] = row.y;
        }
        f->status = r;
        if (r == GIFLOW_FRAME_END) {
            r = GIFLOW_OK;
        } else {
            f->partial_n = giflow_decoder_partial_row(dec, &f->partial_y);
            break;
        }
    }
    out->status = r == GIFLOW_OK ? GIFLOW_END : r;
    giflow_decoder_free(dec);
    return oom ? -1 : 0;
}

void cf_rows_free(cf_rows *r)
{
    for (uint32_t i = 0; i < r->nframes; i++) {
        free(r->frames[i].indices);
        free(r->frames[i].got);
        free(r->frames[i].order);
        free(r->frames[i].order_pass);
    }
    free(r->frames);
    memset(r, 0, sizeof *r);
}

/* ---- Comparison -------------------------------------------------------- */

int cf_cmp_rgba(const uint8_t *exp, uint32_t ew, uint32_t eh,
                const uint8_t *canvas, uint32_t cw, int alpha0_equal,
                uint32_t *x, uint32_t *y)
{
    for (uint32_t j = 0; j < eh; j++) {
        const uint8_t *e = exp + (size_t)j * ew * 4;
        const uint8_t *g = canvas + (size_t)j * cw * 4;
        for (uint32_t i = 0; i < ew; i++, e += 4, g += 4) {
            if (alpha0_equal && e[3] == 0 && g[3] == 0)
                continue;
            if (memcmp(e, g, 4)) {
                *x = i;
                *y = j;
                return 0;
            }
        }
    }
    return 1;
}

int cf_check_rgba(cf_ctx *c, const char *what, const uint8_t *exp,
                  uint32_t ew, uint32_t eh, const uint8_t *canvas,
                  uint32_t cw, int alpha0_equal)
{
    uint32_t x, y;
    if (cf_cmp_rgba(exp, ew, eh, canvas, cw, alpha0_equal, &x, &y))
        return 1;
    const uint8_t *e = exp + ((size_t)y * ew + x) * 4;
    const uint8_t *g = canvas + ((size_t)y * cw + x) * 4;
    unsigned long ndiff = 0;
    for (uint32_t j = 0; j < eh; j++)
        for (uint32_t i = 0; i < ew; i++) {
            const uint8_t *pe = exp + ((size_t)j * ew + i) * 4;
            const uint8_t *pg = canvas + ((size_t)j * cw + i) * 4;
            if (!(alpha0_equal && pe[3] == 0 && pg[3] == 0) && memcmp(pe, pg, 4))
                ndiff++;
        }
    cf_fail(c, "%s: first differing pixel (%u,%u): expected RGBA %02x%02x%02x%02x, "
               "got %02x%02x%02x%02x (%lu of %lu pixels differ)",
            what, x, y, e[0], e[1], e[2], e[3], g[0], g[1], g[2], g[3], ndiff,
            (unsigned long)ew * eh);
    return 0;
}

const char *cf_status_name(int s)
{
    switch (s) {
    case GIFLOW_OK: return "GIFLOW_OK";
    case GIFLOW_NEED_INPUT: return "GIFLOW_NEED_INPUT";
    case GIFLOW_END: return "GIFLOW_END";
    case GIFLOW_FRAME_END: return "GIFLOW_FRAME_END";
    case GIFLOW_ERR_ARG: return "GIFLOW_ERR_ARG";
    case GIFLOW_ERR_STATE: return "GIFLOW_ERR_STATE";
    case GIFLOW_ERR_NOMEM: return "GIFLOW_ERR_NOMEM";
    case GIFLOW_ERR_SMALL_BUFFER: return "GIFLOW_ERR_SMALL_BUFFER";
    case GIFLOW_ERR_NOT_GIF: return "GIFLOW_ERR_NOT_GIF";
    case GIFLOW_ERR_TRUNCATED: return "GIFLOW_ERR_TRUNCATED";
    case GIFLOW_ERR_BAD_BLOCK: return "GIFLOW_ERR_BAD_BLOCK";
    case GIFLOW_ERR_BAD_CODE_SIZE: return "GIFLOW_ERR_BAD_CODE_SIZE";
    case GIFLOW_ERR_BAD_CODE: return "GIFLOW_ERR_BAD_CODE";
    case GIFLOW_ERR_MISSING_PIXELS: return "GIFLOW_ERR_MISSING_PIXELS";
    case GIFLOW_ERR_BAD_EXTENSION: return "GIFLOW_ERR_BAD_EXTENSION";
    case GIFLOW_ERR_LIMIT_CANVAS: return "GIFLOW_ERR_LIMIT_CANVAS";
    case GIFLOW_ERR_LIMIT_FRAMES: return "GIFLOW_ERR_LIMIT_FRAMES";
    case GIFLOW_ERR_LIMIT_PIXELS: return "GIFLOW_ERR_LIMIT_PIXELS";
    case GIFLOW_ERR_LIMIT_MEMORY: return "GIFLOW_ERR_LIMIT_MEMORY";
    case GIFLOW_ERR_IO: return "GIFLOW_ERR_IO";
    default: return "unknown status";
    }
}

/* ---- Main -------------------------------------------------------------- */

static const struct {
    const char *name;
    const char *dir;
    int (*run)(cf_ctx *);
} sets[] = {
    {"pygif", "pygif-test-suite", cf_set_pygif},
    {"wuffs", "wuffs", cf_set_wuffs},
    {"blink", "blink-images-resources", cf_set_blink},
    {"go", "golang-image-testdata", cf_set_go},
    {"peterdn", "peterdn-gif-test-suite", cf_set_peterdn},
    {"imagers", "image-rs-image", cf_set_imagers},
    {"imagegif", "image-gif", cf_set_imagegif},
    {"libgd", "libgd/tests/gif/gif-conformance", cf_set_libgd},
    {"giflib", "giflib", cf_set_giflib},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: conform <set> <corpora-dir>\nsets:");
        for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
            fprintf(stderr, " %s", sets[i].name);
        fprintf(stderr, "\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        if (strcmp(argv[1], sets[i].name))
            continue;
        cf_ctx c;
        memset(&c, 0, sizeof c);
        c.set = sets[i].name;
        char *root = cf_path(argv[2], sets[i].dir);
        if (!root)
            return 2;
        c.root = root;
        struct stat st;
        if (stat(root, &st) || !S_ISDIR(st.st_mode)) {
            printf("conform %s: corpus directory %s not found\n", c.set, root);
            free(root);
            return 1;
        }
        if (sets[i].run(&c) < 0)
            cf_fail(&c, "the runner could not complete the set");
        if (c.tests == 0)
            cf_fail(&c, "no tests found in %s", root);
        int rc = cf_report(&c);
        free(root);
        return rc;
    }
    fprintf(stderr, "conform: unknown set '%s'\n", argv[1]);
    return 2;
}
