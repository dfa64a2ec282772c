/*
 * decode_bench - decode speed of giflow against giflib 5 and stb_image.
 *
 * Usage: decode_bench [--min-time SECONDS] [--stb-max-mb MB] [--json OUT.json]
 *                     [--small-memory] FILE.gif...
 * --small-memory decodes with GIFLOW_FLAG_SMALL_MEMORY (no LZW working
 * buffer: the fixed state only).
 *
 * For each file and each decoder, one "decode" turns the whole file (already
 * in memory) into composited RGBA frames:
 *   giflow   giflow_decode_image_info / _frame_info / _frame_rgba into one
 *            RGBA canvas (browser model, built into the library).
 *   giflib   DGifOpen from memory + DGifSlurp, then the same browser-model
 *            compositing into one RGBA canvas (written here, see
 *            giflib_compose()).
 *   stb      stbi_load_gif_from_memory, which returns every frame composited.
 * A decode includes creating the decoder and allocating the output, and
 * freeing them. Each decode is repeated until at least --min-time seconds
 * (default 0.5) have been spent on that (decoder, file); the median time per
 * decode is reported. Very short decodes are timed in batches so that each
 * timed sample lasts at least ~50 us; the sample is divided by the batch
 * size.
 *
 * Output per decode is frames x canvas_width x canvas_height x 4 bytes, with
 * the frame count and canvas of giflow; MB/s uses 10^6 bytes. Ratios are
 * speed ratios: peer time / giflow time, so 2.00x means giflow is twice as
 * fast.
 *
 * Licence: MIT.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gif_lib.h>
#include <stb/stb_image.h>

#include "giflow.h"

/* ------------------------------------------------------------------------ */
/* Utilities                                                                 */
/* ------------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "decode_bench: out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "decode_bench: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = xmalloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            uint8_t *p = realloc(buf, cap);
            if (!p) {
                fprintf(stderr, "decode_bench: out of memory\n");
                exit(1);
            }
            buf = p;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------------ */
/* Counting allocator (giflow's allocator hook)                              */
/* ------------------------------------------------------------------------ */

typedef struct counting {
    size_t now, peak, calls;
} counting;

#define HDR 16 /* keeps the user pointer 16-byte aligned like malloc's */

static void *count_alloc(void *user, size_t size)
{
    counting *c = user;
    uint8_t *p = malloc(size + HDR);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    c->now += size;
    c->calls++;
    if (c->now > c->peak)
        c->peak = c->now;
    return p + HDR;
}

static void count_free(void *user, void *ptr)
{
    counting *c = user;
    if (!ptr)
        return;
    uint8_t *p = (uint8_t *)ptr - HDR;
    size_t size;
    memcpy(&size, p, sizeof size);
    c->now -= size;
    free(p);
}

/* ------------------------------------------------------------------------ */
/* giflow                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct gf_result {
    int ok;             /* image info succeeded */
    int status;         /* last status: GIFLOW_END or an error */
    uint32_t frames;    /* frames fully composited */
    uint32_t cw, ch;    /* canvas */
    uint8_t *canvas;    /* final canvas, when kept */
    /* memory (filled only by the counting run) */
    uint32_t max_width;
    size_t max_restore;
    /* A frame after the second follows a disposal-3 frame: stb_image 2.27
     * then reads outside its buffer (see stb_decode). */
    int stb_restore_bug;
} gf_result;

/* giflow_decoder_set_flags() for every giflow decode (--small-memory). */
static unsigned gf_flags;

/* One whole decode. keep: hand the canvas back in r->canvas. heap_peak, if
 * not NULL, receives giflow_decoder_heap()'s peak. */
static void giflow_decode(const uint8_t *data, size_t len,
                          const giflow_allocator *alloc, int keep,
                          gf_result *r, size_t *heap_peak)
{
    memset(r, 0, sizeof *r);
    giflow_decoder *dec = giflow_decoder_new(alloc);
    if (!dec) {
        r->status = GIFLOW_ERR_NOMEM;
        return;
    }
    giflow_input in = {data, len, 0, 1};
    giflow_image_info info;
    giflow_decoder_set_flags(dec, gf_flags);
    int st = giflow_decode_image_info(dec, &in, &info);
    if (st != GIFLOW_OK) {
        r->status = st == GIFLOW_NEED_INPUT ? GIFLOW_ERR_TRUNCATED : st;
        if (heap_peak)
            giflow_decoder_heap(dec, heap_peak);
        giflow_decoder_free(dec);
        return;
    }
    r->ok = 1;
    r->cw = info.canvas_width;
    r->ch = info.canvas_height;
    size_t stride = (size_t)r->cw * 4;
    uint8_t *canvas = xmalloc(stride * r->ch);
    int prev_disposal = 0;
    for (;;) {
        giflow_frame_info fi;
        st = giflow_decode_frame_info(dec, &in, &fi);
        if (st != GIFLOW_OK)
            break;
        if (fi.index >= 2 && prev_disposal == 3)
            r->stb_restore_bug = 1;
        prev_disposal = fi.disposal;
        if (fi.width > r->max_width)
            r->max_width = fi.width;
        if (fi.restore_bytes > r->max_restore)
            r->max_restore = fi.restore_bytes;
        st = giflow_decode_frame_rgba(dec, &in, canvas, stride);
        if (st != GIFLOW_FRAME_END)
            break;
        r->frames++;
    }
    if (st == GIFLOW_NEED_INPUT) /* eof was set: cannot happen, but be safe */
        st = GIFLOW_ERR_TRUNCATED;
    r->status = st;
    if (heap_peak)
        giflow_decoder_heap(dec, heap_peak);
    giflow_decoder_free(dec);
    if (keep)
        r->canvas = canvas;
    else
        free(canvas);
}

/* ------------------------------------------------------------------------ */
/* giflib + browser-model compositing                                        */
/* ------------------------------------------------------------------------ */

typedef struct memsrc {
    const uint8_t *p;
    size_t n, pos;
} memsrc;

static int mem_read(GifFileType *g, GifByteType *buf, int want)
{
    memsrc *m = g->UserData;
    size_t k = m->n - m->pos;
    if (want < 0)
        return 0;
    if (k > (size_t)want)
        k = (size_t)want;
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (int)k;
}

typedef struct gl_result {
    int ok;
    int error;
    uint32_t frames;
    uint32_t cw, ch;
    uint8_t *canvas;
} gl_result;

static uint32_t rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a)
{
    uint8_t px[4] = {r, g, b, a};
    uint32_t v;
    memcpy(&v, px, 4);
    return v;
}

/* Graphic control of image i: the last GCE before it wins. */
static void last_gcb(const SavedImage *sp, GraphicsControlBlock *gcb)
{
    gcb->DisposalMode = DISPOSAL_UNSPECIFIED;
    gcb->UserInputFlag = false;
    gcb->DelayTime = 0;
    gcb->TransparentColor = NO_TRANSPARENT_COLOR;
    for (int i = sp->ExtensionBlockCount - 1; i >= 0; i--) {
        const ExtensionBlock *ep = &sp->ExtensionBlocks[i];
        if (ep->Function == GRAPHICS_EXT_FUNC_CODE) {
            if (DGifExtensionToGCB((size_t)ep->ByteCount, ep->Bytes, gcb) !=
                GIF_OK) {
                gcb->DisposalMode = DISPOSAL_UNSPECIFIED;
                gcb->TransparentColor = NO_TRANSPARENT_COLOR;
            }
            return;
        }
    }
}

/* Composites every SavedImage into a fresh canvas, browser model. Returns
 * the canvas (cw x ch x 4, uint32-aligned). */
static uint32_t *giflib_compose(const GifFileType *gif, uint32_t *pcw,
                                uint32_t *pch)
{
    uint32_t cw = gif->SWidth > 0 ? (uint32_t)gif->SWidth : 0;
    uint32_t ch = gif->SHeight > 0 ? (uint32_t)gif->SHeight : 0;
    if (gif->ImageCount > 0) {
        const GifImageDesc *d = &gif->SavedImages[0].ImageDesc;
        uint32_t x1 = (uint32_t)d->Left + (uint32_t)d->Width;
        uint32_t y1 = (uint32_t)d->Top + (uint32_t)d->Height;
        if (x1 > cw)
            cw = x1;
        if (y1 > ch)
            ch = y1;
    }
    *pcw = cw;
    *pch = ch;
    size_t npx = (size_t)cw * ch;
    uint32_t *canvas = calloc(npx ? npx : 1, 4);
    if (!canvas) {
        fprintf(stderr, "decode_bench: out of memory\n");
        exit(1);
    }
    uint32_t *saved = NULL;   /* restore-previous copy of a clipped rect */
    size_t saved_cap = 0;
    uint32_t lut[256];
    const uint32_t black = rgba(0, 0, 0, 255);

    /* Pending disposal of the previous frame. */
    int pend = 0;
    uint32_t px0 = 0, py0 = 0, pw = 0, ph = 0;

    for (int i = 0; i < gif->ImageCount; i++) {
        const SavedImage *sp = &gif->SavedImages[i];
        const GifImageDesc *d = &sp->ImageDesc;

        /* Disposal of the previous frame, after it was shown. */
        if (pend == 2) {
            for (uint32_t y = py0; y < py0 + ph; y++)
                memset(canvas + (size_t)y * cw + px0, 0, (size_t)pw * 4);
        } else if (pend == 3) {
            for (uint32_t y = 0; y < ph; y++)
                memcpy(canvas + (size_t)(py0 + y) * cw + px0,
                       saved + (size_t)y * pw, (size_t)pw * 4);
        }

        GraphicsControlBlock gcb;
        last_gcb(sp, &gcb);
        int disposal = gcb.DisposalMode;
        int trans = gcb.TransparentColor;

        /* Clip the frame to the canvas. */
        uint32_t fx = (uint32_t)d->Left, fy = (uint32_t)d->Top;
        uint32_t fw = d->Width > 0 ? (uint32_t)d->Width : 0;
        uint32_t fh = d->Height > 0 ? (uint32_t)d->Height : 0;
        uint32_t x0 = fx < cw ? fx : cw, y0 = fy < ch ? fy : ch;
        uint32_t x1 = fx + fw < cw ? fx + fw : cw;
        uint32_t y1 = fy + fh < ch ? fy + fh : ch;
        uint32_t w = x1 - x0, h = y1 - y0;

        if (disposal == 3 || disposal == 4) {
            size_t need = (size_t)w * h;
            if (need > saved_cap) {
                free(saved);
                saved = xmalloc(need * 4);
                saved_cap = need;
            }
            for (uint32_t y = 0; y < h; y++)
                memcpy(saved + (size_t)y * w,
                       canvas + (size_t)(y0 + y) * cw + x0, (size_t)w * 4);
        }

        /* Palette -> RGBA table; indices beyond it are opaque black. */
        const ColorMapObject *cm = d->ColorMap ? d->ColorMap : gif->SColorMap;
        int ncol = cm ? cm->ColorCount : 0;
        if (ncol > 256)
            ncol = 256;
        for (int c = 0; c < ncol; c++) {
            const GifColorType *g = &cm->Colors[c];
            lut[c] = rgba(g->Red, g->Green, g->Blue, 255);
        }
        for (int c = ncol; c < 256; c++)
            lut[c] = black;

        if (w && h && sp->RasterBits) {
            const uint8_t *src = sp->RasterBits + (x0 - fx);
            for (uint32_t y = 0; y < h; y++) {
                const uint8_t *s = src + (size_t)(y0 - fy + y) * fw;
                uint32_t *o = canvas + (size_t)(y0 + y) * cw + x0;
                if (trans < 0) {
                    for (uint32_t x = 0; x < w; x++)
                        o[x] = lut[s[x]];
                } else {
                    for (uint32_t x = 0; x < w; x++)
                        if (s[x] != trans)
                            o[x] = lut[s[x]];
                }
            }
        }

        pend = (disposal == 2) ? 2 : (disposal == 3 || disposal == 4) ? 3 : 0;
        px0 = x0;
        py0 = y0;
        pw = w;
        ph = h;
    }
    free(saved);
    return canvas;
}

static void giflib_decode(const uint8_t *data, size_t len, int keep,
                          gl_result *r)
{
    memset(r, 0, sizeof *r);
    memsrc m = {data, len, 0};
    int err = 0;
    GifFileType *gif = DGifOpen(&m, mem_read, &err);
    if (!gif) {
        r->error = err;
        return;
    }
    if (DGifSlurp(gif) != GIF_OK) {
        r->error = gif->Error;
        DGifCloseFile(gif, &err);
        return;
    }
    r->ok = 1;
    r->frames = (uint32_t)gif->ImageCount;
    uint32_t *canvas = giflib_compose(gif, &r->cw, &r->ch);
    DGifCloseFile(gif, &err);
    if (keep)
        r->canvas = (uint8_t *)canvas;
    else
        free(canvas);
}

/* ------------------------------------------------------------------------ */
/* stb_image                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct st_result {
    int ok;
    int frames, w, h;
} st_result;

/* Note: stb_image 2.27 (Debian's, and still upstream as of 2.30) computes
 * its restore-previous source as `out - 2 * stride` (before its buffer)
 * instead of the frame two back: a frame that follows a disposal-3 frame,
 * from the third frame on, reads out of bounds (nothings/stb issues #1504,
 * #1915, #1916). ASan catches it. The bench skips stb on such files. */
static void stb_decode(const uint8_t *data, size_t len, st_result *r)
{
    int *delays = NULL, w = 0, h = 0, z = 0, comp = 0;
    memset(r, 0, sizeof *r);
    stbi_uc *out = stbi_load_gif_from_memory(data, (int)len, &delays, &w, &h,
                                             &z, &comp, 4);
    if (out) {
        r->ok = 1;
        r->frames = z;
        r->w = w;
        r->h = h;
        stbi_image_free(out);
    }
    free(delays); /* stb allocates delays with STBI_MALLOC = malloc */
}

/* ------------------------------------------------------------------------ */
/* Timing                                                                    */
/* ------------------------------------------------------------------------ */

enum { D_GIFLOW, D_GIFLIB, D_STB, ND };
static const char *dec_names[ND] = {"giflow", "giflib", "stb"};

typedef struct job {
    const uint8_t *data;
    size_t len;
} job;

/* One timed decode. Returns the number of frames it produced (-1 when it
 * failed), so that every timed run can be checked against the first. */
static long run_once(int which, const job *j)
{
    switch (which) {
    case D_GIFLOW: {
        gf_result r;
        giflow_decode(j->data, j->len, NULL, 0, &r, NULL);
        return r.ok ? (long)r.frames : -1;
    }
    case D_GIFLIB: {
        gl_result r;
        giflib_decode(j->data, j->len, 0, &r);
        return r.ok ? (long)r.frames : -1;
    }
    default: {
        st_result r;
        stb_decode(j->data, j->len, &r);
        return r.ok ? (long)r.frames : -1;
    }
    }
}

typedef struct timing {
    double median_s; /* per decode */
    double min_s;
    long decodes;    /* decodes timed */
    long bad;        /* timed decodes whose frame count differed */
    double spent_s;
} timing;

static timing time_decoder(int which, const job *j, double min_time,
                           long expect)
{
    timing t = {0, 0, 0, 0, 0};
    /* Calibrate: one more decode (the verification run was the warm-up). */
    double t0 = now_s();
    t.bad += run_once(which, j) != expect;
    double one = now_s() - t0;
    long batch = 1;
    const double min_sample = 50e-6;
    if (one < min_sample)
        batch = (long)ceil(min_sample / (one > 1e-9 ? one : 1e-9));

    size_t cap = 256, n = 0;
    double *samples = xmalloc(cap * sizeof *samples);
    double spent = 0;
    while (spent < min_time || n == 0) {
        t0 = now_s();
        for (long k = 0; k < batch; k++)
            t.bad += run_once(which, j) != expect;
        double dt = now_s() - t0;
        spent += dt;
        if (n == cap) {
            cap *= 2;
            double *p = realloc(samples, cap * sizeof *samples);
            if (!p) {
                fprintf(stderr, "decode_bench: out of memory\n");
                exit(1);
            }
            samples = p;
        }
        samples[n++] = dt / (double)batch;
    }
    qsort(samples, n, sizeof *samples, cmp_double);
    t.median_s = (n & 1) ? samples[n / 2]
                         : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
    t.min_s = samples[0];
    t.decodes = (long)n * batch;
    t.spent_s = spent;
    free(samples);
    return t;
}

/* ------------------------------------------------------------------------ */
/* Per-file results                                                          */
/* ------------------------------------------------------------------------ */

typedef struct file_res {
    const char *path;
    size_t bytes;
    /* giflow facts */
    int gf_ok;
    int gf_status;
    uint32_t frames, cw, ch;
    double out_bytes; /* frames * cw * ch * 4 */
    /* timings */
    int ok[ND];
    const char *why[ND]; /* reason for n/a */
    timing t[ND];
    /* correctness */
    int compared;   /* 1 when giflib's canvas was compared */
    int same;       /* identical final canvas */
    long diff_px;   /* differing pixels */
    uint32_t gl_frames;
    int gl_error;
    int st_frames;
    /* memory */
    size_t heap_peak_hook, heap_peak_dec, heap_end, alloc_calls;
    size_t static_size, max_restore;
    uint32_t max_width;
} file_res;

static double mbps(double bytes, double s)
{
    return s > 0 ? bytes / s / 1e6 : 0;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_num_or_null(FILE *f, int ok, double v)
{
    if (ok && isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fputs("null", f);
}

static void fmt_ms(char *buf, size_t n, int ok, double s)
{
    if (!ok)
        snprintf(buf, n, "n/a");
    else if (s * 1e3 >= 100)
        snprintf(buf, n, "%.1f", s * 1e3);
    else if (s * 1e3 >= 1)
        snprintf(buf, n, "%.3f", s * 1e3);
    else
        snprintf(buf, n, "%.4f", s * 1e3);
}

static void fmt_ratio(char *buf, size_t n, int ok, double r)
{
    if (!ok)
        snprintf(buf, n, "n/a");
    else
        snprintf(buf, n, "%.2fx", r);
}

int main(int argc, char **argv)
{
    double min_time = 0.5;
    double stb_max_mb = 4096;
    const char *json_path = NULL;
    int nf = 0;
    const char **files = xmalloc((size_t)argc * sizeof *files);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--min-time") && i + 1 < argc)
            min_time = atof(argv[++i]);
        else if (!strcmp(argv[i], "--stb-max-mb") && i + 1 < argc)
            stb_max_mb = atof(argv[++i]);
        else if (!strcmp(argv[i], "--json") && i + 1 < argc)
            json_path = argv[++i];
        else if (!strcmp(argv[i], "--small-memory"))
            gf_flags |= GIFLOW_FLAG_SMALL_MEMORY;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: %s [--min-time S] [--stb-max-mb MB] [--json OUT] [--small-memory] FILE.gif...\n",
                   argv[0]);
            return 0;
        } else
            files[nf++] = argv[i];
    }
    if (!nf) {
        fprintf(stderr, "usage: %s [--min-time S] [--stb-max-mb MB] [--json OUT] [--small-memory] FILE.gif...\n",
                argv[0]);
        return 2;
    }

    file_res *res = calloc((size_t)nf, sizeof *res);
    if (!res)
        return 1;
    int nwarn = 0;

    printf("giflow %s decode benchmark: %d files, >= %.2f s per (decoder, "
           "file), median time per decode%s\n",
           GIFLOW_VERSION_STRING, nf, min_time,
           gf_flags ? "; giflow with GIFLOW_FLAG_SMALL_MEMORY" : "");
    printf("giflib %d.%d.%d, stb_image (libstb-dev). Output MB/s = frames x "
           "canvas x 4 bytes / time (1 MB = 10^6 B).\n",
           GIFLIB_MAJOR, GIFLIB_MINOR, GIFLIB_RELEASE);
    printf("Ratios are speed ratios (peer time / giflow time): >1 means "
           "giflow is faster.\n\n");
    fflush(stdout);

    for (int i = 0; i < nf; i++) {
        file_res *fr = &res[i];
        fr->path = files[i];
        size_t len = 0;
        uint8_t *data = read_file(files[i], &len);
        if (!data) {
            for (int d = 0; d < ND; d++)
                fr->why[d] = "unreadable";
            continue;
        }
        fr->bytes = len;
        job j = {data, len};

        /* giflow: verification run with the counting allocator. */
        counting cnt = {0, 0, 0};
        giflow_allocator alloc = {count_alloc, count_free, &cnt};
        gf_result g;
        giflow_decode(data, len, &alloc, 1, &g, &fr->heap_peak_dec);
        fr->heap_peak_hook = cnt.peak;
        fr->heap_end = cnt.now;
        fr->alloc_calls = cnt.calls;
        fr->gf_ok = g.ok;
        fr->gf_status = g.status;
        fr->frames = g.frames;
        fr->cw = g.cw;
        fr->ch = g.ch;
        fr->out_bytes = (double)g.frames * g.cw * g.ch * 4.0;
        fr->max_width = g.max_width;
        fr->max_restore = g.max_restore;
        fr->static_size = giflow_decoder_static_size(g.max_width ? g.max_width : 1);
        if (fr->heap_end != 0) {
            printf("WARNING: %s: giflow leaked %zu bytes through the "
                   "allocator hook\n", base_name(files[i]), fr->heap_end);
            nwarn++;
        }
        if (g.ok && g.status != GIFLOW_END) {
            printf("note: %s: giflow stopped with %s after %u frames "
                   "(browser model: earlier frames stand)\n",
                   base_name(files[i]), giflow_strerror(g.status), g.frames);
        }

        /* giflib: verification run. */
        gl_result l;
        giflib_decode(data, len, 1, &l);
        fr->gl_frames = l.frames;
        fr->gl_error = l.error;
        if (!l.ok) {
            printf("note: %s: giflib DGifSlurp failed: %s -> n/a\n",
                   base_name(files[i]), GifErrorString(l.error)
                                            ? GifErrorString(l.error)
                                            : "?");
        }
        if (g.ok && l.ok) {
            fr->compared = 1;
            if (l.cw != g.cw || l.ch != g.ch) {
                printf("WARNING: %s: canvas size differs: giflow %ux%u, "
                       "giflib %ux%u\n", base_name(files[i]), g.cw, g.ch,
                       l.cw, l.ch);
                fr->same = 0;
                fr->diff_px = -1;
                nwarn++;
            } else {
                long diff = 0;
                size_t npx = (size_t)g.cw * g.ch;
                for (size_t p = 0; p < npx; p++)
                    if (memcmp(g.canvas + p * 4, l.canvas + p * 4, 4))
                        diff++;
                fr->diff_px = diff;
                fr->same = diff == 0 && l.frames == g.frames;
                if (!fr->same) {
                    printf("WARNING: %s: final canvas differs from giflib: "
                           "%ld of %zu pixels; frames giflow %u, giflib %u\n",
                           base_name(files[i]), diff, npx, g.frames,
                           l.frames);
                    nwarn++;
                }
            }
        }
        free(g.canvas);
        free(l.canvas);

        /* stb: verification run. stb keeps every frame in memory (frames x
         * screen x 4 bytes); skip it if that is beyond --stb-max-mb. */
        st_result s = {0, 0, 0, 0};
        double stb_need = fr->out_bytes;
        const char *stb_skip = NULL;
        if (g.stb_restore_bug) {
            stb_skip = "skipped: stb_image 2.27 restore-previous bug "
                       "(reads outside its buffer)";
            printf("note: %s: stb_image skipped: a frame follows a "
                   "disposal-3 frame, where stb_image 2.27 reads outside "
                   "its buffer -> n/a\n", base_name(files[i]));
        } else if (stb_need > stb_max_mb * 1e6) {
            stb_skip = "skipped: too many frames for memory";
            printf("note: %s: stb_image skipped: it would hold %.0f MB of "
                   "frames -> n/a\n", base_name(files[i]), stb_need / 1e6);
        } else {
            stb_decode(data, len, &s);
        fr->st_frames = s.ok ? s.frames : 0;
            if (!s.ok)
                printf("note: %s: stb_image failed: %s -> n/a\n",
                       base_name(files[i]), stbi_failure_reason()
                                                ? stbi_failure_reason()
                                                : "?");
        }

        fr->ok[D_GIFLOW] = g.ok;
        fr->ok[D_GIFLIB] = l.ok;
        fr->ok[D_STB] = s.ok;
        if (!g.ok)
            fr->why[D_GIFLOW] = giflow_strerror(g.status);
        if (!l.ok)
            fr->why[D_GIFLIB] = GifErrorString(l.error);
        if (!s.ok)
            fr->why[D_STB] = stb_skip ? stb_skip : stbi_failure_reason();
        long expect[ND] = {(long)g.frames, (long)l.frames, (long)s.frames};
        for (int d = 0; d < ND; d++) {
            if (!fr->ok[d])
                continue;
            fr->t[d] = time_decoder(d, &j, min_time, expect[d]);
            if (fr->t[d].bad) {
                printf("WARNING: %s: %s: %ld of %ld timed decodes gave a "
                       "different frame count than the first\n",
                       base_name(files[i]), dec_names[d], fr->t[d].bad,
                       fr->t[d].decodes);
                nwarn++;
            }
        }
        free(data);
        fflush(stdout);
    }

    /* ---------------------------------------------------------------- */
    /* Table                                                             */
    /* ---------------------------------------------------------------- */
    printf("\n%-34s %6s %10s %11s %11s %11s %11s %9s %9s\n", "file", "frames",
           "canvas", "giflow ms", "giflib ms", "stb ms", "giflow MB/s",
           "vs giflib", "vs stb");
    double sum_gf = 0, sum_bytes = 0;
    double sum_gf_l = 0, sum_l = 0, sum_gf_s = 0, sum_s = 0;
    double log_l = 0, log_s = 0;
    int n_l = 0, n_s = 0;
    for (int i = 0; i < nf; i++) {
        file_res *fr = &res[i];
        char c[32], a[32], b[32], e[32], rl[32], rs[32], mb[32];
        snprintf(c, sizeof c, "%ux%u", fr->cw, fr->ch);
        fmt_ms(a, sizeof a, fr->ok[D_GIFLOW], fr->t[D_GIFLOW].median_s);
        fmt_ms(b, sizeof b, fr->ok[D_GIFLIB], fr->t[D_GIFLIB].median_s);
        fmt_ms(e, sizeof e, fr->ok[D_STB], fr->t[D_STB].median_s);
        double tg = fr->t[D_GIFLOW].median_s;
        int okl = fr->ok[D_GIFLOW] && fr->ok[D_GIFLIB] && tg > 0;
        int oks = fr->ok[D_GIFLOW] && fr->ok[D_STB] && tg > 0;
        fmt_ratio(rl, sizeof rl, okl, okl ? fr->t[D_GIFLIB].median_s / tg : 0);
        fmt_ratio(rs, sizeof rs, oks, oks ? fr->t[D_STB].median_s / tg : 0);
        if (fr->ok[D_GIFLOW])
            snprintf(mb, sizeof mb, "%.1f", mbps(fr->out_bytes, tg));
        else
            snprintf(mb, sizeof mb, "n/a");
        printf("%-34.34s %6u %10s %11s %11s %11s %11s %9s %9s%s\n",
               base_name(fr->path), fr->frames, c, a, b, e, mb, rl, rs,
               fr->compared && !fr->same ? "  (canvas differs!)" : "");
        if (fr->ok[D_GIFLOW]) {
            sum_gf += tg;
            sum_bytes += fr->out_bytes;
        }
        if (okl) {
            sum_gf_l += tg;
            sum_l += fr->t[D_GIFLIB].median_s;
            log_l += log(fr->t[D_GIFLIB].median_s / tg);
            n_l++;
        }
        if (oks) {
            sum_gf_s += tg;
            sum_s += fr->t[D_STB].median_s;
            log_s += log(fr->t[D_STB].median_s / tg);
            n_s++;
        }
    }
    double gm_l = n_l ? exp(log_l / n_l) : 0, gm_s = n_s ? exp(log_s / n_s) : 0;
    printf("\nTotals (sum of median times):\n");
    printf("  giflow: %.1f ms over %d files, %.1f MB of RGBA output, "
           "%.1f MB/s\n", sum_gf * 1e3, nf, sum_bytes / 1e6,
           mbps(sum_bytes, sum_gf));
    printf("  vs giflib (%d files both decode): giflow %.1f ms, giflib %.1f ms"
           " -> %.2fx (geometric mean of per-file ratios %.2fx)\n",
           n_l, sum_gf_l * 1e3, sum_l * 1e3, sum_gf_l > 0 ? sum_l / sum_gf_l : 0,
           gm_l);
    printf("  vs stb    (%d files both decode): giflow %.1f ms, stb %.1f ms"
           " -> %.2fx (geometric mean of per-file ratios %.2fx)\n",
           n_s, sum_gf_s * 1e3, sum_s * 1e3, sum_gf_s > 0 ? sum_s / sum_gf_s : 0,
           gm_s);
    int ncmp = 0, nsame = 0;
    for (int i = 0; i < nf; i++) {
        ncmp += res[i].compared;
        nsame += res[i].compared && res[i].same;
    }
    printf("  final canvas giflow == giflib: %d of %d compared files\n", nsame,
           ncmp);

    /* ---------------------------------------------------------------- */
    /* Memory                                                            */
    /* ---------------------------------------------------------------- */
    printf("\ngiflow memory (decoder fixed state: giflow_decoder_state_size() "
           "= %zu bytes)\n", giflow_decoder_state_size());
    printf("  heap peak: counted by the allocator hook / giflow_decoder_heap()."
           " static: giflow_decoder_static_size(widest frame).\n"
           "  restore: largest restore_bytes (disposal 3 scratch). canvas: "
           "the caller's RGBA canvas, w x h x 4.\n");
    printf("%-34s %11s %11s %9s %9s %11s %11s\n", "file", "heap (hook)",
           "heap (dec)", "widest", "static", "restore", "canvas");
    size_t max_hook = 0, max_static = 0, max_restore = 0;
    for (int i = 0; i < nf; i++) {
        file_res *fr = &res[i];
        if (!fr->gf_ok && !fr->heap_peak_hook)
            continue;
        printf("%-34.34s %11zu %11zu %9u %9zu %11zu %11zu\n",
               base_name(fr->path), fr->heap_peak_hook, fr->heap_peak_dec,
               fr->max_width, fr->static_size, fr->max_restore,
               (size_t)fr->cw * fr->ch * 4);
        if (fr->heap_peak_hook > max_hook)
            max_hook = fr->heap_peak_hook;
        if (fr->static_size > max_static)
            max_static = fr->static_size;
        if (fr->max_restore > max_restore)
            max_restore = fr->max_restore;
    }
    printf("  max over files: heap peak %zu bytes, static size %zu bytes, "
           "restore %zu bytes\n", max_hook, max_static, max_restore);
    if (nwarn)
        printf("\n%d warning(s), see above.\n", nwarn);

    /* ---------------------------------------------------------------- */
    /* JSON                                                              */
    /* ---------------------------------------------------------------- */
    if (json_path) {
        FILE *f = fopen(json_path, "w");
        if (!f) {
            fprintf(stderr, "decode_bench: %s: %s\n", json_path,
                    strerror(errno));
            return 1;
        }
        fprintf(f, "{\n  \"benchmark\": \"decode\",\n  \"giflow_version\": ");
        json_str(f, GIFLOW_VERSION_STRING);
        fprintf(f, ",\n  \"giflib_version\": \"%d.%d.%d\",\n", GIFLIB_MAJOR,
                GIFLIB_MINOR, GIFLIB_RELEASE);
        fprintf(f, "  \"min_time_s\": %g,\n  \"statistic\": \"median\",\n",
                min_time);
        fprintf(f, "  \"decoder_state_size\": %zu,\n  \"files\": [\n",
                giflow_decoder_state_size());
        for (int i = 0; i < nf; i++) {
            file_res *fr = &res[i];
            double tg = fr->t[D_GIFLOW].median_s;
            fprintf(f, "    {\"file\": ");
            json_str(f, base_name(fr->path));
            fprintf(f, ", \"path\": ");
            json_str(f, fr->path);
            fprintf(f, ", \"bytes\": %zu, \"frames\": %u, \"canvas_width\": %u,"
                       " \"canvas_height\": %u, \"output_bytes\": %.0f,\n",
                    fr->bytes, fr->frames, fr->cw, fr->ch, fr->out_bytes);
            fprintf(f, "     \"giflow_status\": ");
            json_str(f, giflow_strerror(fr->gf_status));
            fprintf(f, ",\n");
            for (int d = 0; d < ND; d++) {
                fprintf(f, "     \"%s\": {\"ok\": %s, \"median_ms\": ",
                        dec_names[d], fr->ok[d] ? "true" : "false");
                json_num_or_null(f, fr->ok[d], fr->t[d].median_s * 1e3);
                fprintf(f, ", \"min_ms\": ");
                json_num_or_null(f, fr->ok[d], fr->t[d].min_s * 1e3);
                fprintf(f, ", \"mb_per_s\": ");
                json_num_or_null(f, fr->ok[d] && fr->t[d].median_s > 0,
                                 mbps(fr->out_bytes, fr->t[d].median_s));
                fprintf(f, ", \"decodes\": %ld, \"inconsistent_decodes\": %ld",
                        fr->t[d].decodes, fr->t[d].bad);
                if (d == D_GIFLIB)
                    fprintf(f, ", \"frames\": %u", fr->gl_frames);
                if (d == D_STB)
                    fprintf(f, ", \"frames\": %d", fr->st_frames);
                if (!fr->ok[d]) {
                    fprintf(f, ", \"error\": ");
                    json_str(f, fr->why[d] ? fr->why[d] : "?");
                }
                if (d != D_GIFLOW) {
                    int ok = fr->ok[d] && fr->ok[D_GIFLOW] && tg > 0;
                    fprintf(f, ", \"giflow_speedup\": ");
                    json_num_or_null(f, ok, ok ? fr->t[d].median_s / tg : 0);
                }
                fprintf(f, "},\n");
            }
            fprintf(f, "     \"canvas_compared\": %s, \"canvas_identical\": ",
                    fr->compared ? "true" : "false");
            fprintf(f, "%s, \"differing_pixels\": %ld,\n",
                    fr->compared ? (fr->same ? "true" : "false") : "null",
                    fr->diff_px);
            fprintf(f, "     \"memory\": {\"heap_peak_hook\": %zu, "
                       "\"heap_peak_decoder\": %zu, \"alloc_calls\": %zu, "
                       "\"widest_frame\": %u, \"static_size\": %zu, "
                       "\"max_restore_bytes\": %zu, \"canvas_bytes\": %zu}}%s\n",
                    fr->heap_peak_hook, fr->heap_peak_dec, fr->alloc_calls,
                    fr->max_width, fr->static_size, fr->max_restore,
                    (size_t)fr->cw * fr->ch * 4, i + 1 < nf ? "," : "");
        }
        fprintf(f, "  ],\n  \"totals\": {\"giflow_ms\": %.6g, "
                   "\"output_bytes\": %.0f, \"giflow_mb_per_s\": %.6g,\n",
                sum_gf * 1e3, sum_bytes, mbps(sum_bytes, sum_gf));
        fprintf(f, "    \"vs_giflib\": {\"files\": %d, \"giflow_ms\": %.6g, "
                   "\"giflib_ms\": %.6g, \"speedup\": %.6g, "
                   "\"geomean_speedup\": %.6g},\n",
                n_l, sum_gf_l * 1e3, sum_l * 1e3,
                sum_gf_l > 0 ? sum_l / sum_gf_l : 0, gm_l);
        fprintf(f, "    \"vs_stb\": {\"files\": %d, \"giflow_ms\": %.6g, "
                   "\"stb_ms\": %.6g, \"speedup\": %.6g, "
                   "\"geomean_speedup\": %.6g},\n",
                n_s, sum_gf_s * 1e3, sum_s * 1e3,
                sum_gf_s > 0 ? sum_s / sum_gf_s : 0, gm_s);
        fprintf(f, "    \"canvas_identical\": %d, \"canvas_compared\": %d,"
                   " \"warnings\": %d}\n}\n", nsame, ncmp, nwarn);
        fclose(f);
        printf("\nJSON: %s\n", json_path);
    }
    free(res);
    free(files);
    return 0;
}
