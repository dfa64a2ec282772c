/*
 * decode_bench - decode speed of giflow against Wuffs, giflib 5 and
 * stb_image, with every frame of every decoder checked.
 *
 * Usage: decode_bench [--min-time SECONDS] [--passes N] [--min-sample-us US]
 *                     [--stb-max-mb MB]
 *                     [--json OUT.json] [--small-memory] [--no-small-memory]
 *                     FILE.gif...
 *
 * For each file and each decoder, one "decode" turns the whole file (already
 * in memory) into composited RGBA frames:
 *   giflow     giflow_decode_image_info / _frame_info / _frame_rgba into one
 *              RGBA canvas (browser model, built into the library).
 *   giflow-sm  the same with GIFLOW_FLAG_SMALL_MEMORY (no LZW working
 *              buffer: the fixed state only). --no-small-memory drops it;
 *              --small-memory makes it the only giflow run (older reports).
 *   wuffs      Wuffs's GIF decoder (bench/wuffs_peer.c) drawing into one
 *              RGBA canvas, disposal applied by the browser model.
 *   giflib     DGifOpen from memory + DGifSlurp, then the same browser-model
 *              compositing into one RGBA canvas (giflib_compose()).
 *   stb        stbi_load_gif_from_memory, which returns every frame composited.
 * A decode includes creating the decoder and freeing it, and everything
 * the decoder allocates. The RGBA canvas is the caller's: in the timed
 * runs every decoder but stb (whose API allocates its output) draws into
 * canvases the driver allocated and zeroed beforehand, outside the timed
 * region (between decodes only the frames' bounding box is cleared, also
 * outside it). Anything a decoder does to the canvas itself stays timed.
 *
 * Checking: a first decode by each decoder hashes its canvas after every
 * frame. A peer whose frame hashes differ from giflow's (or whose frame
 * count does) gets no ratio for that file: the table shows "differs".
 *
 * Timing: in each of --passes passes (default 3) over the file list, the
 * decoders take turns on a file, one sample each per round, until each
 * has spent at least --min-time / passes seconds (default 0.5 in all) on it;
 * a sample is a batch of decodes sized so that every decoder's sample
 * lasts about as long (at least --min-sample-us, default 400 us), and is
 * divided by the batch size.
 * Each round starts with a different decoder, and freed memory stays in
 * the heap (glibc mallopt), so no decoder pays another's page faults.
 * The table reports medians of thread CPU time over all passes. Ratios
 * are paired: the median over rounds of one decoder's sample over the
 * other's from the same round. Turns matter on a shared machine: a burst
 * of load (cache and memory contention) hits both samples of a round
 * alike, so the ratios hold even when the times drift.
 *
 * Output per decode is frames x canvas_width x canvas_height x 4 bytes, with
 * the frame count and canvas of giflow; MB/s uses 10^6 bytes. "vs giflib"
 * and "vs stb" are speed ratios (peer time / giflow time: 2.00x means
 * giflow is twice as fast). "giflow/wuffs" is a time ratio (giflow time /
 * Wuffs time: below 1 means giflow is faster), as issue 9 states its
 * targets. Cycles are time x the TSC rate (x86-64; n/a elsewhere), per LZW
 * code and per decoded frame pixel; the floor is about 6 cycles per code.
 *
 * Licence: MIT.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__unix__)
#include <sys/mman.h>
#endif

#include <gif_lib.h>
#include <stb/stb_image.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "giflow.h"
#if BENCH_HAVE_WUFFS
#include "wuffs_peer.h"
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define BENCH_TSC 1
#endif

#define FLOOR_CYCLES_PER_CODE 6.0
#define TARGET_RATIO 0.83        /* giflow/Wuffs, every file */
#define TARGET_MEDIAN_RATIO 0.5  /* giflow/Wuffs, median over files */

/* ------------------------------------------------------------------------ */
/* Utilities                                                                 */
/* ------------------------------------------------------------------------ */

/* CPU time of this thread: time spent descheduled on a shared machine
 * does not count. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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
/* Frame hashes                                                              */
/* ------------------------------------------------------------------------ */

/* One 64-bit hash per composited frame, in order. */
typedef struct hashes {
    uint64_t *h;
    size_t n, cap;
    uint32_t w, h_px; /* canvas of the last frame hashed */
} hashes;

static uint64_t hash_canvas(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h = (h ^ v) * 0x100000001B3u;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001B3u;
    return h ^ (h >> 32);
}

static void hash_frame(hashes *hs, const uint8_t *canvas, uint32_t w, uint32_t h)
{
    if (!hs)
        return;
    if (hs->n == hs->cap) {
        hs->cap = hs->cap ? 2 * hs->cap : 64;
        uint64_t *p = realloc(hs->h, hs->cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "decode_bench: out of memory\n");
            exit(1);
        }
        hs->h = p;
    }
    /* The canvas size is part of the frame: a canvas that was not grown
     * like the browser's differs even where its pixels agree. */
    hs->h[hs->n++] = hash_canvas(canvas, (size_t)w * h * 4) ^ ((uint64_t)w << 40) ^
                     ((uint64_t)h << 20);
    hs->w = w;
    hs->h_px = h;
}

/* Index of the first frame where a and b differ, or -1 when they agree
 * (same count, same hashes). */
static long hashes_differ(const hashes *a, const hashes *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++)
        if (a->h[i] != b->h[i])
            return (long)i;
    return a->n == b->n ? -1 : (long)n;
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
    int animated;       /* more than one frame */
    /* A frame after the second follows a disposal-3 frame: stb_image 2.27
     * then reads outside its buffer (see stb_decode). */
    int stb_restore_bug;
    /* Bounding box of every frame's rectangle on the canvas (x0 == x1:
     * none): what any decoder may have drawn, so what the timed runs
     * clear between decodes. */
    uint32_t bx0, by0, bx1, by1;
} gf_result;

/* One whole decode with the given decoder flags. keep: hand the canvas back
 * in r->canvas. heap_peak, if not NULL, receives giflow_decoder_heap()'s
 * peak. hs, if not NULL, receives a hash of every frame. canvas_in: the
 * caller's zeroed canvas of canvas_cap bytes (timed runs: allocated and
 * cleared outside the timed region, as for every decoder), or NULL (or
 * too small): a calloc'ed one. */
static void giflow_decode(const uint8_t *data, size_t len, unsigned flags,
                          const giflow_allocator *alloc, int keep, gf_result *r,
                          size_t *heap_peak, hashes *hs, uint8_t *canvas_in,
                          size_t canvas_cap)
{
    memset(r, 0, sizeof *r);
    giflow_decoder *dec = giflow_decoder_new(alloc);
    if (!dec) {
        r->status = GIFLOW_ERR_NOMEM;
        return;
    }
    giflow_input in = {data, len, 0, 1};
    giflow_image_info info;
    /* The canvas starts zeroed (calloc, as Wuffs's, giflib's and stb's in
     * this driver), and giflow is told so: GIFLOW_FLAG_ZEROED_CANVAS. */
    giflow_decoder_set_flags(dec, flags | GIFLOW_FLAG_ZEROED_CANVAS);
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
    int own = !canvas_in || canvas_cap < stride * r->ch;
    uint8_t *canvas = own ? calloc(r->ch ? r->ch : 1, stride ? stride : 4) : canvas_in;
    if (!canvas) {
        fprintf(stderr, "decode_bench: out of memory\n");
        exit(1);
    }
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
        uint32_t x1 = fi.x + fi.width < r->cw ? fi.x + fi.width : r->cw;
        uint32_t y1 = fi.y + fi.height < r->ch ? fi.y + fi.height : r->ch;
        if (fi.x < x1 && fi.y < y1) {
            if (r->bx0 == r->bx1) {
                r->bx0 = fi.x, r->by0 = fi.y, r->bx1 = x1, r->by1 = y1;
            } else {
                r->bx0 = fi.x < r->bx0 ? fi.x : r->bx0;
                r->by0 = fi.y < r->by0 ? fi.y : r->by0;
                r->bx1 = x1 > r->bx1 ? x1 : r->bx1;
                r->by1 = y1 > r->by1 ? y1 : r->by1;
            }
        }
        st = giflow_decode_frame_rgba(dec, &in, canvas, stride);
        if (st != GIFLOW_FRAME_END)
            break;
        r->frames++;
        hash_frame(hs, canvas, r->cw, r->ch);
    }
    r->animated = r->frames > 1;
    if (st == GIFLOW_NEED_INPUT) /* eof was set: cannot happen, but be safe */
        st = GIFLOW_ERR_TRUNCATED;
    r->status = st;
    if (heap_peak)
        giflow_decoder_heap(dec, heap_peak);
    giflow_decoder_free(dec);
    if (keep && own)
        r->canvas = canvas;
    else if (own)
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
 * the canvas (cw x ch x 4, uint32-aligned). hs, if not NULL, receives a
 * hash of every frame. */
static uint32_t *giflib_compose(const GifFileType *gif, uint32_t *pcw,
                                uint32_t *pch, hashes *hs, uint8_t *canvas_in,
                                size_t canvas_cap)
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
    /* The caller's zeroed canvas (the timed runs), else a calloc'ed one. */
    uint32_t *canvas = canvas_in && canvas_cap >= npx * 4 ? (uint32_t *)(void *)canvas_in
                                                          : calloc(npx ? npx : 1, 4);
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

        hash_frame(hs, (const uint8_t *)canvas, cw, ch);
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
                          gl_result *r, hashes *hs, uint8_t *canvas_in, size_t canvas_cap)
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
    uint32_t *canvas = giflib_compose(gif, &r->cw, &r->ch, hs, canvas_in, canvas_cap);
    DGifCloseFile(gif, &err);
    if ((uint8_t *)canvas == canvas_in)
        ; /* the caller's */
    else if (keep)
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
static void stb_decode(const uint8_t *data, size_t len, st_result *r, hashes *hs)
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
        for (int i = 0; hs && i < z; i++)
            hash_frame(hs, out + (size_t)i * w * h * 4, (uint32_t)w, (uint32_t)h);
        stbi_image_free(out);
    }
    free(delays); /* stb allocates delays with STBI_MALLOC = malloc */
}

/* ------------------------------------------------------------------------ */
/* Wuffs                                                                     */
/* ------------------------------------------------------------------------ */

#if BENCH_HAVE_WUFFS
static void wuffs_hash_frame(void *user, const uint8_t *canvas, uint32_t w, uint32_t h)
{
    hash_frame(user, canvas, w, h);
}
#endif

/* Returns the frames decoded, or -1 when Wuffs is not built in or refuses
 * the file (then *err says why). */
static long wuffs_decode(const uint8_t *data, size_t len, hashes *hs, const char **err,
                         uint8_t *canvas, size_t canvas_cap)
{
#if BENCH_HAVE_WUFFS
    wuffs_peer_result r;
    wuffs_peer_decode(data, len, &r, hs ? wuffs_hash_frame : NULL, hs, canvas, canvas_cap);
    if (err)
        *err = r.error;
    return r.ok ? (long)r.frames : -1;
#else
    (void)data;
    (void)len;
    (void)hs;
    (void)canvas;
    (void)canvas_cap;
    if (err)
        *err = "not built (../shared/peers/wuffs-v0.4.c missing)";
    return -1;
#endif
}

/* ------------------------------------------------------------------------ */
/* LZW code count (for cycles per code)                                      */
/* ------------------------------------------------------------------------ */

/* Counts the LZW codes (clear and end codes excluded) of every image, up to
 * its end code or the end of its data, and the images' pixels. A plain walk
 * of the block structure: only a bench figure, not a decoder. */
static void count_codes(const uint8_t *p, size_t n, uint64_t *codes, uint64_t *pixels)
{
    *codes = *pixels = 0;
    if (n < 13 || memcmp(p, "GIF", 3))
        return;
    size_t pos = 13;
    if (p[10] & 0x80)
        pos += 3u * (2u << (p[10] & 7));
    while (pos < n) {
        uint8_t b = p[pos++];
        if (b == 0x21) {
            pos++; /* label */
            while (pos < n && p[pos])
                pos += 1 + (size_t)p[pos];
            pos++;
            continue;
        }
        if (b != 0x2C || pos + 9 > n)
            return;
        uint32_t w = p[pos + 4] | (uint32_t)p[pos + 5] << 8;
        uint32_t h = p[pos + 6] | (uint32_t)p[pos + 7] << 8;
        uint8_t flags = p[pos + 8];
        pos += 9;
        if (flags & 0x80)
            pos += 3u * (2u << (flags & 7));
        if (pos >= n)
            return;
        unsigned lit = p[pos++];
        *pixels += (uint64_t)w * h;
        if (lit > 11)
            lit = 11;
        unsigned clear = 1u << lit, next = clear + 1, width = lit + 1;
        uint64_t bits = 0;
        unsigned nbits = 0;
        int done = 0;
        while (pos < n && p[pos]) {
            size_t end = pos + 1 + p[pos];
            for (pos++; pos < end && pos < n; pos++) {
                bits |= (uint64_t)p[pos] << nbits;
                nbits += 8;
                while (!done && nbits >= width) {
                    unsigned c = (unsigned)bits & ((1u << width) - 1);
                    bits >>= width;
                    nbits -= width;
                    if (c == clear) {
                        next = clear + 1;
                        width = lit + 1;
                    } else if (c == clear + 1) {
                        done = 1;
                    } else {
                        ++*codes;
                        if (next <= 4095) {
                            next++;
                            if (width < 12)
                                width += (next >> width) & 1;
                        }
                    }
                }
            }
        }
        pos++; /* terminator */
    }
}

/* Cycles per second of the time stamp counter, measured once (0 where
 * there is none). */
static double tsc_hz(void)
{
#ifdef BENCH_TSC
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    uint64_t c0 = __rdtsc();
    double dt;
    do {
        clock_gettime(CLOCK_MONOTONIC, &b);
        dt = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
    } while (dt < 0.05);
    return (double)(__rdtsc() - c0) / dt;
#else
    return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Timing                                                                    */
/* ------------------------------------------------------------------------ */

enum { D_GIFLOW, D_GIFLOW_SM, D_WUFFS, D_GIFLIB, D_STB, ND };
static const char *dec_names[ND] = {"giflow", "giflow-sm", "wuffs", "giflib", "stb"};
static const char *dec_json[ND] = {"giflow", "giflow_small_memory", "wuffs", "giflib", "stb"};

/* giflow's flags for D_GIFLOW (--small-memory sets GIFLOW_FLAG_SMALL_MEMORY). */
static unsigned gf_flags;

typedef struct job {
    const uint8_t *data;
    size_t len;
    /* giflow's canvas (every comparable peer's is the same size) and the
     * bounding box of the frames on it: the timed decodes draw into
     * canvases the driver allocated beforehand, and only that box is
     * cleared between decodes (outside the timed region). */
    size_t canvas_bytes, stride;
    uint32_t bx0, by0, bx1, by1;
} job;

/* One timed decode into canvas (the caller's, zeroed; stb allocates its
 * own output). Returns the number of frames it produced (-1 when it
 * failed), so that every timed run can be checked against the first. */
static long run_once(int which, const job *j, uint8_t *canvas)
{
    switch (which) {
    case D_GIFLOW:
    case D_GIFLOW_SM: {
        gf_result r;
        giflow_decode(j->data, j->len,
                      which == D_GIFLOW ? gf_flags : GIFLOW_FLAG_SMALL_MEMORY, NULL, 0,
                      &r, NULL, NULL, canvas, j->canvas_bytes);
        return r.ok ? (long)r.frames : -1;
    }
    case D_WUFFS:
        return wuffs_decode(j->data, j->len, NULL, NULL, canvas, j->canvas_bytes);
    case D_GIFLIB: {
        gl_result r;
        giflib_decode(j->data, j->len, 0, &r, NULL, canvas, j->canvas_bytes);
        return r.ok ? (long)r.frames : -1;
    }
    default: {
        st_result r;
        stb_decode(j->data, j->len, &r, NULL);
        return r.ok ? (long)r.frames : -1;
    }
    }
}

/* Clears what a decode may have drawn: the frames' bounding box. */
static void clear_box(uint8_t *c, const job *j)
{
    for (uint32_t y = j->by0; y < j->by1; y++)
        memset(c + y * j->stride + (size_t)j->bx0 * 4, 0, (size_t)(j->bx1 - j->bx0) * 4);
}

/* Whether the canvas is zero outside the box (a decoder that drew
 * outside it would leave the next decode a dirty canvas). */
static int clean_outside_box(const uint8_t *c, const job *j)
{
    uint32_t rows = j->stride ? (uint32_t)(j->canvas_bytes / j->stride) : 0;
    for (uint32_t y = 0; y < rows; y++)
        for (size_t x = 0; x < j->stride; x++)
            if (c[y * j->stride + x] && (y < j->by0 || y >= j->by1 || x < (size_t)j->bx0 * 4 ||
                                         x >= (size_t)j->bx1 * 4))
                return 0;
    return 1;
}

typedef struct timing {
    double median_s; /* per decode */
    double min_s;
    long decodes;    /* decodes timed */
    long bad;        /* timed decodes whose frame count differed */
    double spent_s;
} timing;

typedef struct samples {
    double *v;
    size_t n, cap;
} samples;

static void add_sample(samples *s, double v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        double *p = realloc(s->v, s->cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "decode_bench: out of memory\n");
            exit(1);
        }
        s->v = p;
    }
    s->v[s->n++] = v;
}

/* The shortest sample (--min-sample-us): a batch of decodes at least this
 * long, so the first decode's cold caches (after the other decoders' turns)
 * weigh little. */
static double min_sample_s = 400e-6;

/* Canvases per timed batch at most (a batch draws each decode into a
 * canvas of its own, all cleared before the batch): 256 MB of the frames'
 * boxes (the pages the decoders touch) and 4 GB of address space. */
#define POOL_BYTES ((size_t)256 << 20)
#define POOL_SPACE ((size_t)4 << 30)

/* A zero-filled canvas whose pages are not touched yet (an anonymous
 * mapping where there is one: RSS then grows by the boxes only). */
static uint8_t *pool_alloc(size_t cb)
{
#if defined(MAP_ANONYMOUS)
    void *p = mmap(NULL, cb, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED)
        return p;
#endif
    uint8_t *q = calloc(1, cb);
    if (!q) {
        fprintf(stderr, "decode_bench: out of memory\n");
        exit(1);
    }
    return q;
}

static void pool_release(uint8_t *p, size_t cb)
{
#if defined(MAP_ANONYMOUS)
    if (munmap(p, cb) == 0)
        return;
#endif
    free(p);
}

/* Times the decoders with active[d] set on one file for one pass, taking
 * turns (see the top of this file), appending one sample per round to
 * s[d] (so s[a].v[r] and s[b].v[r] are neighbours in time) and adding to
 * t[d]'s counts. expect[d]: the frame count of d's first decode.
 * Returns 0, or 1 when a decoder drew outside the frames' box (then the
 * whole canvas is cleared between decodes). */
static int time_file(job *j, const int *active, const long *expect, double min_time,
                     timing *t, samples *s)
{
    double one[ND] = {0}, target = min_sample_s;
    long batch[ND], pool_n = 1;
    int outside = 0;
    size_t cb = j->canvas_bytes ? j->canvas_bytes : 1;
    size_t box = (size_t)(j->by1 - j->by0) * j->stride + 4096; /* pages touched, about */
    if (box > cb)
        box = cb;
    pool_n = (long)(POOL_BYTES / box < POOL_SPACE / cb ? POOL_BYTES / box : POOL_SPACE / cb);
    if (pool_n < 1)
        pool_n = 1;
    uint8_t **pool = xmalloc((size_t)pool_n * sizeof *pool);
    long pool_have = 0;
    pool[pool_have++] = pool_alloc(cb);
    /* Calibrate: one more decode each (the check run was the warm-up),
     * and see that nobody draws outside the box. */
    for (int d = 0; d < ND; d++) {
        if (!active[d])
            continue;
        double t0 = now_s();
        t[d].bad += run_once(d, j, pool[0]) != expect[d];
        one[d] = now_s() - t0;
        if (one[d] > target)
            target = one[d];
        if (!clean_outside_box(pool[0], j)) {
            outside = 1;
            j->bx0 = j->by0 = 0;
            j->bx1 = (uint32_t)(j->stride / 4);
            j->by1 = j->stride ? (uint32_t)(j->canvas_bytes / j->stride) : 0;
        }
        clear_box(pool[0], j);
    }
    if (outside && pool_n > (long)(POOL_BYTES / cb))
        pool_n = POOL_BYTES / cb > 0 ? (long)(POOL_BYTES / cb) : 1;
    /* Samples of about the slowest decode, but at least ~20 per decoder. */
    if (target > min_time / 20)
        target = min_time / 20 > min_sample_s ? min_time / 20 : min_sample_s;
    for (int d = 0; d < ND; d++) {
        batch[d] = one[d] < target ? (long)ceil(target / (one[d] > 1e-9 ? one[d] : 1e-9)) : 1;
        if (batch[d] > pool_n)
            batch[d] = pool_n;
        for (; active[d] && pool_have < batch[d]; pool_have++) {
            pool[pool_have] = pool_alloc(cb);
            clear_box(pool[pool_have], j); /* its box faulted in, as pool[0]'s was */
        }
    }
    double spent[ND] = {0};
    for (int more = 1, round = 0; more; round++) {
        more = 0;
        /* Each round starts with the next decoder: none always runs right
         * after the same one. */
        for (int k = 0; k < ND; k++) {
            int d = (round + k) % ND;
            if (!active[d])
                continue;
            double t0 = now_s();
            for (long b = 0; b < batch[d]; b++)
                t[d].bad += run_once(d, j, pool[b]) != expect[d];
            double dt = now_s() - t0;
            for (long b = 0; b < batch[d]; b++)
                clear_box(pool[b], j);
            spent[d] += dt;
            t[d].spent_s += dt;
            t[d].decodes += batch[d];
            add_sample(&s[d], dt / (double)batch[d]);
            more |= spent[d] < min_time;
        }
    }
    for (long b = 0; b < pool_have; b++)
        pool_release(pool[b], cb);
    free(pool);
    return outside;
}

/* Median over rounds of s[a] / s[b] (the same rounds: neighbours in time). */
static double paired_ratio(const samples *s, int a, int b)
{
    size_t n = s[a].n < s[b].n ? s[a].n : s[b].n;
    if (!n)
        return 0;
    double *q = xmalloc(n * sizeof *q);
    for (size_t r = 0; r < n; r++)
        q[r] = s[b].v[r] > 0 ? s[a].v[r] / s[b].v[r] : 0;
    qsort(q, n, sizeof *q, cmp_double);
    double m = (n & 1) ? q[n / 2] : 0.5 * (q[n / 2 - 1] + q[n / 2]);
    free(q);
    return m;
}

/* Medians and minima of the samples of every pass. */
static void finish_timing(samples *s, const int *active, timing *t)
{
    for (int d = 0; d < ND; d++) {
        if (!active[d] || !s[d].n)
            continue;
        size_t n = s[d].n;
        double *v = xmalloc(n * sizeof *v);
        memcpy(v, s[d].v, n * sizeof *v);
        qsort(v, n, sizeof *v, cmp_double);
        t[d].median_s = (n & 1) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
        t[d].min_s = v[0];
        free(v);
    }
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
    int animated;
    double out_bytes; /* frames * cw * ch * 4 */
    uint64_t codes, pixels; /* LZW codes and frame pixels of the file */
    /* timings */
    int ok[ND];
    const char *why[ND]; /* reason for n/a */
    long frames_of[ND];
    long differs_at[ND]; /* first frame whose hash differs from giflow's, or -1 */
    timing t[ND];
    samples s[ND];      /* per-round samples of every pass */
    /* Paired ratios: median over rounds of d's sample over giflow's (or
     * over Wuffs's), each from one round (neighbours in time). */
    double vs_gf[ND], vs_wuffs[ND];
    uint8_t *data;      /* the file, kept for the timing passes */
    job j;
    /* correctness */
    int compared;   /* 1 when giflib's canvas was compared */
    int same;       /* identical final canvas */
    long diff_px;   /* differing pixels */
    int gl_error;
    /* memory */
    size_t heap_peak_hook, heap_peak_dec, heap_end, alloc_calls;
    size_t static_size, max_restore;
    uint32_t max_width;
} file_res;

/* Whether peer d has a ratio against giflow on this file: both decoded it
 * and every frame hashed the same. */
static int comparable(const file_res *fr, int d)
{
    return fr->ok[D_GIFLOW] && fr->ok[d] && fr->differs_at[d] < 0 &&
           fr->t[D_GIFLOW].median_s > 0 && fr->t[d].median_s > 0 && fr->vs_gf[d] > 0;
}

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

/* A peer's ratio cell: n/a when it did not decode the file, "differs"
 * when its frames hashed differently. */
static void fmt_ratio(char *buf, size_t n, const file_res *fr, int d, double r,
                      const char *unit)
{
    if (!fr->ok[D_GIFLOW] || !fr->ok[d])
        snprintf(buf, n, "n/a");
    else if (fr->differs_at[d] >= 0)
        snprintf(buf, n, "differs");
    else
        snprintf(buf, n, "%.2f%s", r, unit);
}

static double median_of(double *v, int n)
{
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return (n & 1) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static const char usage[] =
    "usage: %s [--min-time S] [--passes N] [--min-sample-us US] [--stb-max-mb MB] [--json OUT]\n"
    "       [--small-memory] [--no-small-memory] FILE.gif...\n";

/* The check run of every decoder on one file: frame hashes against
 * giflow's, giflib's final canvas, memory. Returns the warnings printed. */
static int check_file(file_res *fr, const job *j, int with_sm, double stb_max_mb)
{
    const char *name = base_name(fr->path);
    int nwarn = 0;
    hashes hs[ND];
    memset(hs, 0, sizeof hs);
    count_codes(j->data, j->len, &fr->codes, &fr->pixels);

    /* giflow: with the counting allocator. */
    counting cnt = {0, 0, 0};
    giflow_allocator alloc = {count_alloc, count_free, &cnt};
    gf_result g;
    giflow_decode(j->data, j->len, gf_flags, &alloc, 1, &g, &fr->heap_peak_dec, &hs[D_GIFLOW],
                  NULL, 0);
    fr->heap_peak_hook = cnt.peak;
    fr->heap_end = cnt.now;
    fr->alloc_calls = cnt.calls;
    fr->gf_ok = g.ok;
    fr->gf_status = g.status;
    fr->frames = g.frames;
    fr->animated = g.animated;
    fr->cw = g.cw;
    fr->ch = g.ch;
    fr->out_bytes = (double)g.frames * g.cw * g.ch * 4.0;
    fr->max_width = g.max_width;
    fr->max_restore = g.max_restore;
    fr->j.canvas_bytes = (size_t)g.cw * g.ch * 4;
    fr->j.stride = (size_t)g.cw * 4;
    fr->j.bx0 = g.bx0, fr->j.by0 = g.by0, fr->j.bx1 = g.bx1, fr->j.by1 = g.by1;
    fr->static_size = giflow_decoder_static_size(g.max_width ? g.max_width : 1);
    if (fr->heap_end != 0) {
        printf("WARNING: %s: giflow leaked %zu bytes through the allocator hook\n", name,
               fr->heap_end);
        nwarn++;
    }
    if (g.ok && g.status != GIFLOW_END)
        printf("note: %s: giflow stopped with %s after %u frames "
               "(browser model: earlier frames stand)\n",
               name, giflow_strerror(g.status), g.frames);
    fr->ok[D_GIFLOW] = g.ok;
    fr->frames_of[D_GIFLOW] = g.frames;
    if (!g.ok)
        fr->why[D_GIFLOW] = giflow_strerror(g.status);

    if (with_sm) {
        gf_result m;
        giflow_decode(j->data, j->len, GIFLOW_FLAG_SMALL_MEMORY, NULL, 0, &m, NULL,
                      &hs[D_GIFLOW_SM], NULL, 0);
        fr->ok[D_GIFLOW_SM] = m.ok;
        fr->frames_of[D_GIFLOW_SM] = m.frames;
        if (!m.ok)
            fr->why[D_GIFLOW_SM] = giflow_strerror(m.status);
    } else {
        fr->why[D_GIFLOW_SM] = "not run";
    }

    const char *werr = NULL;
    long wf = wuffs_decode(j->data, j->len, &hs[D_WUFFS], &werr, NULL, 0);
    fr->ok[D_WUFFS] = wf >= 0;
    fr->frames_of[D_WUFFS] = wf;
    if (wf < 0) {
        fr->why[D_WUFFS] = werr ? werr : "?";
        printf("note: %s: wuffs failed: %s -> n/a\n", name, fr->why[D_WUFFS]);
    } else if (werr && (uint32_t)wf != g.frames) {
        printf("note: %s: wuffs stopped with \"%s\" after %ld frames\n", name, werr, wf);
    }

    gl_result l;
    giflib_decode(j->data, j->len, 1, &l, &hs[D_GIFLIB], NULL, 0);
    fr->gl_error = l.error;
    fr->ok[D_GIFLIB] = l.ok;
    fr->frames_of[D_GIFLIB] = l.frames;
    if (!l.ok) {
        fr->why[D_GIFLIB] = GifErrorString(l.error) ? GifErrorString(l.error) : "?";
        printf("note: %s: giflib DGifSlurp failed: %s -> n/a\n", name, fr->why[D_GIFLIB]);
    }
    if (g.ok && l.ok) {
        fr->compared = 1;
        if (l.cw != g.cw || l.ch != g.ch) {
            fr->same = 0;
            fr->diff_px = -1;
        } else {
            long diff = 0;
            size_t npx = (size_t)g.cw * g.ch;
            for (size_t p = 0; p < npx; p++)
                if (memcmp(g.canvas + p * 4, l.canvas + p * 4, 4))
                    diff++;
            fr->diff_px = diff;
            fr->same = diff == 0 && l.frames == g.frames;
        }
    }
    free(g.canvas);
    free(l.canvas);

    /* stb keeps every frame in memory (frames x screen x 4 bytes); skip it
     * if that is beyond --stb-max-mb, or where its restore bug bites. */
    st_result s = {0, 0, 0, 0};
    const char *stb_skip = NULL;
    if (g.stb_restore_bug) {
        stb_skip = "skipped: stb_image 2.27 restore-previous bug (reads outside its buffer)";
        printf("note: %s: stb_image skipped: a frame follows a disposal-3 frame, where "
               "stb_image 2.27 reads outside its buffer -> n/a\n", name);
    } else if (fr->out_bytes > stb_max_mb * 1e6) {
        stb_skip = "skipped: too many frames for memory";
        printf("note: %s: stb_image skipped: it would hold %.0f MB of frames -> n/a\n", name,
               fr->out_bytes / 1e6);
    } else {
        stb_decode(j->data, j->len, &s, &hs[D_STB]);
        if (!s.ok)
            printf("note: %s: stb_image failed: %s -> n/a\n", name,
                   stbi_failure_reason() ? stbi_failure_reason() : "?");
    }
    fr->ok[D_STB] = s.ok;
    fr->frames_of[D_STB] = s.ok ? s.frames : 0;
    if (!s.ok)
        fr->why[D_STB] = stb_skip ? stb_skip : stbi_failure_reason();

    /* Every frame of every peer against giflow's. */
    fr->differs_at[D_GIFLOW] = -1;
    for (int d = 1; d < ND; d++) {
        fr->differs_at[d] = -1;
        if (!fr->ok[d] || !g.ok)
            continue;
        fr->differs_at[d] = hashes_differ(&hs[D_GIFLOW], &hs[d]);
        if (fr->differs_at[d] < 0)
            continue;
        long k = fr->differs_at[d];
        printf("%s: %s: %s frames differ from giflow's from frame %ld (frames: giflow %u, "
               "%s %ld%s) -> no ratio\n",
               d == D_GIFLOW_SM || d == D_WUFFS ? "WARNING" : "note", name, dec_names[d], k,
               g.frames, dec_names[d], fr->frames_of[d],
               (size_t)k < hs[d].n && hs[d].w != g.cw ? ", canvas size differs" : "");
        if (d == D_GIFLOW_SM || d == D_WUFFS)
            nwarn++;
    }
    for (int d = 0; d < ND; d++)
        free(hs[d].h);
    return nwarn;
}

int main(int argc, char **argv)
{
    double min_time = 0.5;
    double stb_max_mb = 4096;
    const char *json_path = NULL;
    int nf = 0, with_sm = 1, passes = 3;
    const char **files = xmalloc((size_t)argc * sizeof *files);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--min-time") && i + 1 < argc)
            min_time = atof(argv[++i]);
        else if (!strcmp(argv[i], "--min-sample-us") && i + 1 < argc)
            min_sample_s = atof(argv[++i]) * 1e-6;
        else if (!strcmp(argv[i], "--passes") && i + 1 < argc)
            passes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--stb-max-mb") && i + 1 < argc)
            stb_max_mb = atof(argv[++i]);
        else if (!strcmp(argv[i], "--json") && i + 1 < argc)
            json_path = argv[++i];
        else if (!strcmp(argv[i], "--small-memory"))
            gf_flags |= GIFLOW_FLAG_SMALL_MEMORY, with_sm = 0;
        else if (!strcmp(argv[i], "--no-small-memory"))
            with_sm = 0;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf(usage, argv[0]);
            return 0;
        } else
            files[nf++] = argv[i];
    }
    if (passes < 1)
        passes = 1;
    if (!nf) {
        fprintf(stderr, usage, argv[0]);
        return 2;
    }

#ifdef __GLIBC__
    /* Freed memory stays in the heap: a decode then never pays page faults
     * for pages the one before returned to the kernel (which would charge
     * whichever decoder runs after a big one). */
    /* 32 MB is glibc's largest mmap threshold on 64-bit hosts (a larger
     * value is refused, leaving the dynamic threshold). */
    if (!mallopt(M_MMAP_THRESHOLD, sizeof(long) >= 8 ? 32 << 20 : 512 << 10))
        fprintf(stderr, "decode_bench: mallopt(M_MMAP_THRESHOLD) refused\n");
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
    file_res *res = calloc((size_t)nf, sizeof *res);
    if (!res)
        return 1;
    int nwarn = 0;
    double hz = tsc_hz();

    printf("giflow %s decode benchmark: %d files, >= %.2f s per (decoder, file), decoders "
           "taking turns, median time per decode%s\n",
           GIFLOW_VERSION_STRING, nf, min_time,
           gf_flags ? "; giflow with GIFLOW_FLAG_SMALL_MEMORY" : "");
    printf("Peers: Wuffs v0.4 (%s), giflib %d.%d.%d, stb_image (libstb-dev). Output MB/s = "
           "frames x canvas x 4 bytes / time (1 MB = 10^6 B).\n",
           BENCH_HAVE_WUFFS ? "bench/wuffs_peer.c" : "not built", GIFLIB_MAJOR,
           GIFLIB_MINOR, GIFLIB_RELEASE);
    printf("vs giflib / vs stb: speed ratios (peer time / giflow time, >1: giflow faster). "
           "giflow/wuffs: time ratio (<1: giflow faster).\n");
    printf("Every frame of every decoder is hashed; a peer whose frames differ from giflow's "
           "gets no ratio (\"differs\").\n\n");
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
        fr->data = data;
        job j = {data, len, 0, 0, 0, 0, 0, 0};
        nwarn += check_file(fr, &j, with_sm, stb_max_mb);
        fr->j.data = data;
        fr->j.len = len;
        fflush(stdout);
    }
    /* Timing passes over the whole list: a burst of load lasting a while
     * hits one pass of a file, not all its samples. */
    for (int pass = 0; pass < passes; pass++) {
        for (int i = 0; i < nf; i++) {
            file_res *fr = &res[i];
            if (!fr->data)
                continue;
            long expect[ND];
            for (int d = 0; d < ND; d++)
                expect[d] = fr->ok[d] ? fr->frames_of[d] : -1;
            if (time_file(&fr->j, fr->ok, expect, min_time / passes, fr->t, fr->s))
                printf("note: %s: a decoder drew outside the frames' bounding box: the "
                       "timed runs clear the whole canvas\n", base_name(fr->path));
        }
        fprintf(stderr, "decode_bench: timing pass %d of %d done\n", pass + 1, passes);
    }
    for (int i = 0; i < nf; i++) {
        file_res *fr = &res[i];
        if (!fr->data)
            continue;
        finish_timing(fr->s, fr->ok, fr->t);
        for (int d = 0; d < ND; d++) {
            if (fr->ok[d] && fr->ok[D_GIFLOW])
                fr->vs_gf[d] = paired_ratio(fr->s, d, D_GIFLOW);
            if (fr->ok[d] && fr->ok[D_WUFFS])
                fr->vs_wuffs[d] = paired_ratio(fr->s, d, D_WUFFS);
        }
        for (int d = 0; d < ND; d++) {
            if (fr->ok[d] && fr->t[d].bad) {
                printf("WARNING: %s: %s: %ld of %ld timed decodes gave a different frame "
                       "count than the first\n",
                       base_name(files[i]), dec_names[d], fr->t[d].bad, fr->t[d].decodes);
                nwarn++;
            }
            free(fr->s[d].v);
        }
        free(fr->data);
        fr->data = NULL;
    }
    fflush(stdout);

    /* ---------------------------------------------------------------- */
    /* Table 1: every decoder                                            */
    /* ---------------------------------------------------------------- */
    printf("\n%-34s %6s %10s %10s %10s %10s %10s %11s %9s %9s\n", "file", "frames", "canvas",
           "giflow ms", "wuffs ms", "giflib ms", "stb ms", "giflow MB/s", "vs giflib",
           "vs stb");
    double sum_gf = 0, sum_bytes = 0;
    double sum_gf_p[ND] = {0}, sum_p[ND] = {0}, log_p[ND] = {0};
    int n_p[ND] = {0};
    for (int i = 0; i < nf; i++) {
        file_res *fr = &res[i];
        char c[32], a[32], w[32], b[32], e[32], rl[32], rs[32], mb[32];
        double tg = fr->t[D_GIFLOW].median_s;
        snprintf(c, sizeof c, "%ux%u", fr->cw, fr->ch);
        fmt_ms(a, sizeof a, fr->ok[D_GIFLOW], tg);
        fmt_ms(w, sizeof w, fr->ok[D_WUFFS], fr->t[D_WUFFS].median_s);
        fmt_ms(b, sizeof b, fr->ok[D_GIFLIB], fr->t[D_GIFLIB].median_s);
        fmt_ms(e, sizeof e, fr->ok[D_STB], fr->t[D_STB].median_s);
        fmt_ratio(rl, sizeof rl, fr, D_GIFLIB, fr->vs_gf[D_GIFLIB], "x");
        fmt_ratio(rs, sizeof rs, fr, D_STB, fr->vs_gf[D_STB], "x");
        if (fr->ok[D_GIFLOW])
            snprintf(mb, sizeof mb, "%.1f", mbps(fr->out_bytes, tg));
        else
            snprintf(mb, sizeof mb, "n/a");
        printf("%-34.34s %6u %10s %10s %10s %10s %10s %11s %9s %9s%s\n", base_name(fr->path),
               fr->frames, c, a, w, b, e, mb, rl, rs,
               fr->compared && !fr->same ? "  (final canvas differs from giflib's)" : "");
        if (fr->ok[D_GIFLOW]) {
            sum_gf += tg;
            sum_bytes += fr->out_bytes;
        }
        for (int d = 1; d < ND; d++) {
            if (!comparable(fr, d))
                continue;
            sum_gf_p[d] += tg;
            sum_p[d] += fr->t[d].median_s;
            log_p[d] += log(fr->vs_gf[d]);
            n_p[d]++;
        }
    }
    printf("\nTotals (sum of median times):\n");
    printf("  giflow: %.1f ms over %d files, %.1f MB of RGBA output, %.1f MB/s\n",
           sum_gf * 1e3, nf, sum_bytes / 1e6, mbps(sum_bytes, sum_gf));
    for (int d = D_WUFFS; d < ND; d++)
        printf("  vs %-7s (%2d files with equal frames): giflow %.1f ms, %s %.1f ms -> %.2fx "
               "(geometric mean of per-file speed ratios %.2fx)\n",
               dec_names[d], n_p[d], sum_gf_p[d] * 1e3, dec_names[d], sum_p[d] * 1e3,
               sum_gf_p[d] > 0 ? sum_p[d] / sum_gf_p[d] : 0,
               n_p[d] ? exp(log_p[d] / n_p[d]) : 0);
    int ncmp = 0, nsame = 0, nhash[ND] = {0}, nboth[ND] = {0};
    for (int i = 0; i < nf; i++) {
        ncmp += res[i].compared;
        nsame += res[i].compared && res[i].same;
        for (int d = 1; d < ND; d++) {
            nboth[d] += res[i].ok[D_GIFLOW] && res[i].ok[d];
            nhash[d] += res[i].ok[D_GIFLOW] && res[i].ok[d] && res[i].differs_at[d] < 0;
        }
    }
    printf("  every frame equal to giflow's:");
    for (int d = 1; d < ND; d++)
        printf(" %s %d/%d%s", dec_names[d], nhash[d], nboth[d], d + 1 < ND ? "," : "\n");
    printf("  final canvas giflow == giflib: %d of %d compared files\n", nsame, ncmp);

    /* ---------------------------------------------------------------- */
    /* Table 2: giflow against Wuffs, cycles                             */
    /* ---------------------------------------------------------------- */
    printf("\ngiflow against Wuffs: time ratios (giflow / wuffs; target <= %.2f on every file, "
           "median <= %.2f; small memory <= %.2f on animations)\n",
           TARGET_RATIO, TARGET_MEDIAN_RATIO, TARGET_RATIO);
    if (hz > 0)
        printf("cycles = time x TSC rate (%.2f GHz); c/code per LZW code, c/px per decoded "
               "frame pixel; floor %.0f c/code (floor%% = floor / giflow's c/code)\n",
               hz / 1e9, FLOOR_CYCLES_PER_CODE);
    printf("%-34s %10s %10s %8s %10s %8s %10s %8s %8s %7s %7s %6s\n", "file", "giflow ms",
           "wuffs ms", "gf/wuffs", "sm ms", "sm/wuffs", "codes", "gf c/cd", "wf c/cd",
           "gf c/px", "wf c/px", "floor%");
    double *ratios = xmalloc((size_t)nf * sizeof *ratios);
    int nr = 0, n_over = 0, n_sm_over = 0, n_anim = 0;
    double worst = 0, worst_sm = 0;
    const char *worst_name = "-", *worst_sm_name = "-";
    for (int i = 0; i < nf; i++) {
        file_res *fr = &res[i];
        char a[32], w[32], r[32], m[32], rm[32], cd[32], g1[32], w1[32], g2[32], w2[32], fl[32];
        double tg = fr->t[D_GIFLOW].median_s, tw = fr->t[D_WUFFS].median_s;
        double tm = fr->t[D_GIFLOW_SM].median_s;
        fmt_ms(a, sizeof a, fr->ok[D_GIFLOW], tg);
        fmt_ms(w, sizeof w, fr->ok[D_WUFFS], tw);
        fmt_ms(m, sizeof m, fr->ok[D_GIFLOW_SM], tm);
        fmt_ratio(r, sizeof r, fr, D_WUFFS, fr->vs_wuffs[D_GIFLOW], "");
        if (fr->ok[D_GIFLOW_SM] && fr->differs_at[D_GIFLOW_SM] >= 0)
            snprintf(rm, sizeof rm, "differs");
        else
            fmt_ratio(rm, sizeof rm, fr, D_WUFFS, fr->vs_wuffs[D_GIFLOW_SM], "");
        if (!fr->ok[D_GIFLOW_SM])
            snprintf(rm, sizeof rm, "n/a");
        snprintf(cd, sizeof cd, "%llu", (unsigned long long)fr->codes);
        int cyc = hz > 0 && fr->codes && fr->pixels;
        snprintf(g1, sizeof g1, cyc && fr->ok[D_GIFLOW] ? "%.1f" : "n/a", tg * hz / fr->codes);
        snprintf(w1, sizeof w1, cyc && fr->ok[D_WUFFS] ? "%.1f" : "n/a", tw * hz / fr->codes);
        snprintf(g2, sizeof g2, cyc && fr->ok[D_GIFLOW] ? "%.2f" : "n/a", tg * hz / fr->pixels);
        snprintf(w2, sizeof w2, cyc && fr->ok[D_WUFFS] ? "%.2f" : "n/a", tw * hz / fr->pixels);
        snprintf(fl, sizeof fl, cyc && fr->ok[D_GIFLOW] && tg > 0 ? "%.0f%%" : "n/a",
                 100 * FLOOR_CYCLES_PER_CODE * fr->codes / (tg * hz));
        printf("%-34.34s %10s %10s %8s %10s %8s %10s %8s %8s %7s %7s %6s\n",
               base_name(fr->path), a, w, r, m, rm, cd, g1, w1, g2, w2, fl);
        if (comparable(fr, D_WUFFS)) {
            double q = fr->vs_wuffs[D_GIFLOW];
            ratios[nr++] = q;
            n_over += q > TARGET_RATIO;
            if (q > worst) {
                worst = q;
                worst_name = base_name(fr->path);
            }
            if (fr->animated && fr->ok[D_GIFLOW_SM] && fr->differs_at[D_GIFLOW_SM] < 0 &&
                tm > 0) {
                double qm = fr->vs_wuffs[D_GIFLOW_SM];
                n_anim++;
                n_sm_over += qm > TARGET_RATIO;
                if (qm > worst_sm) {
                    worst_sm = qm;
                    worst_sm_name = base_name(fr->path);
                }
            }
        }
    }
    double med = median_of(ratios, nr);
    free(ratios);
    printf("\n  giflow/wuffs over %d files: median %.2f (target <= %.2f: %s), worst %.2f (%s); "
           "%d file(s) above %.2f\n",
           nr, med, TARGET_MEDIAN_RATIO, nr && med <= TARGET_MEDIAN_RATIO ? "met" : "missed",
           worst, worst_name, n_over, TARGET_RATIO);
    if (with_sm)
        printf("  small memory / wuffs over %d animations: worst %.2f (%s); %d above %.2f\n",
               n_anim, worst_sm, worst_sm_name, n_sm_over, TARGET_RATIO);

    /* ---------------------------------------------------------------- */
    /* Memory                                                            */
    /* ---------------------------------------------------------------- */
    printf("\ngiflow memory (decoder fixed state: giflow_decoder_state_size() = %zu bytes)\n",
           giflow_decoder_state_size());
    printf("  heap peak: counted by the allocator hook / giflow_decoder_heap()."
           " static: giflow_decoder_static_size(widest frame).\n"
           "  restore: largest restore_bytes (disposal 3 scratch). canvas: "
           "the caller's RGBA canvas, w x h x 4.\n");
    printf("%-34s %11s %11s %9s %9s %11s %11s\n", "file", "heap (hook)", "heap (dec)", "widest",
           "static", "restore", "canvas");
    size_t max_hook = 0, max_static = 0, max_restore = 0;
    for (int i = 0; i < nf; i++) {
        file_res *fr = &res[i];
        if (!fr->gf_ok && !fr->heap_peak_hook)
            continue;
        printf("%-34.34s %11zu %11zu %9u %9zu %11zu %11zu\n", base_name(fr->path),
               fr->heap_peak_hook, fr->heap_peak_dec, fr->max_width, fr->static_size,
               fr->max_restore, (size_t)fr->cw * fr->ch * 4);
        if (fr->heap_peak_hook > max_hook)
            max_hook = fr->heap_peak_hook;
        if (fr->static_size > max_static)
            max_static = fr->static_size;
        if (fr->max_restore > max_restore)
            max_restore = fr->max_restore;
    }
    printf("  max over files: heap peak %zu bytes, static size %zu bytes, restore %zu bytes\n",
           max_hook, max_static, max_restore);
    if (nwarn)
        printf("\n%d warning(s), see above.\n", nwarn);

    /* ---------------------------------------------------------------- */
    /* JSON                                                              */
    /* ---------------------------------------------------------------- */
    if (json_path) {
        FILE *f = fopen(json_path, "w");
        if (!f) {
            fprintf(stderr, "decode_bench: %s: %s\n", json_path, strerror(errno));
            return 1;
        }
        fprintf(f, "{\n  \"benchmark\": \"decode\",\n  \"giflow_version\": ");
        json_str(f, GIFLOW_VERSION_STRING);
        fprintf(f, ",\n  \"giflib_version\": \"%d.%d.%d\",\n", GIFLIB_MAJOR, GIFLIB_MINOR,
                GIFLIB_RELEASE);
        fprintf(f, "  \"wuffs\": %s,\n", BENCH_HAVE_WUFFS ? "\"v0.4\"" : "null");
        fprintf(f, "  \"min_time_s\": %g,\n  \"passes\": %d,\n", min_time, passes);
        fprintf(f, "  \"statistic\": \"median; ratios: median of paired per-round ratios\",\n");
        fprintf(f, "  \"tsc_hz\": %.6g,\n  \"floor_cycles_per_code\": %g,\n", hz,
                FLOOR_CYCLES_PER_CODE);
        fprintf(f, "  \"decoder_state_size\": %zu,\n  \"files\": [\n",
                giflow_decoder_state_size());
        for (int i = 0; i < nf; i++) {
            file_res *fr = &res[i];
            fprintf(f, "    {\"file\": ");
            json_str(f, base_name(fr->path));
            fprintf(f, ", \"path\": ");
            json_str(f, fr->path);
            fprintf(f, ", \"bytes\": %zu, \"frames\": %u, \"canvas_width\": %u,"
                       " \"canvas_height\": %u, \"output_bytes\": %.0f,\n",
                    fr->bytes, fr->frames, fr->cw, fr->ch, fr->out_bytes);
            fprintf(f, "     \"lzw_codes\": %llu, \"frame_pixels\": %llu, \"giflow_status\": ",
                    (unsigned long long)fr->codes, (unsigned long long)fr->pixels);
            json_str(f, giflow_strerror(fr->gf_status));
            fprintf(f, ",\n");
            for (int d = 0; d < ND; d++) {
                fprintf(f, "     \"%s\": {\"ok\": %s, \"median_ms\": ", dec_json[d],
                        fr->ok[d] ? "true" : "false");
                json_num_or_null(f, fr->ok[d], fr->t[d].median_s * 1e3);
                fprintf(f, ", \"min_ms\": ");
                json_num_or_null(f, fr->ok[d], fr->t[d].min_s * 1e3);
                fprintf(f, ", \"mb_per_s\": ");
                json_num_or_null(f, fr->ok[d] && fr->t[d].median_s > 0,
                                 mbps(fr->out_bytes, fr->t[d].median_s));
                fprintf(f, ", \"cycles_per_code\": ");
                json_num_or_null(f, fr->ok[d] && hz > 0 && fr->codes,
                                 fr->codes ? fr->t[d].median_s * hz / fr->codes : 0);
                fprintf(f, ", \"decodes\": %ld, \"inconsistent_decodes\": %ld, \"frames\": %ld",
                        fr->t[d].decodes, fr->t[d].bad, fr->frames_of[d]);
                if (d) {
                    fprintf(f, ", \"frames_equal_giflow\": %s",
                            !fr->ok[d] || !fr->ok[D_GIFLOW] ? "null"
                            : fr->differs_at[d] < 0          ? "true"
                                                             : "false");
                }
                if (!fr->ok[d]) {
                    fprintf(f, ", \"error\": ");
                    json_str(f, fr->why[d] ? fr->why[d] : "?");
                }
                if (d >= D_WUFFS) {
                    int ok = comparable(fr, d);
                    fprintf(f, ", \"giflow_speedup\": ");
                    json_num_or_null(f, ok, ok ? fr->vs_gf[d] : 0);
                }
                if (d == D_WUFFS) {
                    int ok = comparable(fr, d);
                    fprintf(f, ", \"giflow_time_ratio\": ");
                    json_num_or_null(f, ok, ok ? fr->vs_wuffs[D_GIFLOW] : 0);
                    ok = ok && fr->ok[D_GIFLOW_SM] && fr->differs_at[D_GIFLOW_SM] < 0;
                    fprintf(f, ", \"small_memory_time_ratio\": ");
                    json_num_or_null(f, ok,
                                     ok ? fr->vs_wuffs[D_GIFLOW_SM] : 0);
                }
                fprintf(f, "},\n");
            }
            fprintf(f, "     \"canvas_compared\": %s, \"canvas_identical\": ",
                    fr->compared ? "true" : "false");
            fprintf(f, "%s, \"differing_pixels\": %ld,\n",
                    fr->compared ? (fr->same ? "true" : "false") : "null", fr->diff_px);
            fprintf(f, "     \"memory\": {\"heap_peak_hook\": %zu, "
                       "\"heap_peak_decoder\": %zu, \"alloc_calls\": %zu, "
                       "\"widest_frame\": %u, \"static_size\": %zu, "
                       "\"max_restore_bytes\": %zu, \"canvas_bytes\": %zu}}%s\n",
                    fr->heap_peak_hook, fr->heap_peak_dec, fr->alloc_calls, fr->max_width,
                    fr->static_size, fr->max_restore, (size_t)fr->cw * fr->ch * 4,
                    i + 1 < nf ? "," : "");
        }
        fprintf(f, "  ],\n  \"totals\": {\"giflow_ms\": %.6g, \"output_bytes\": %.0f, "
                   "\"giflow_mb_per_s\": %.6g,\n",
                sum_gf * 1e3, sum_bytes, mbps(sum_bytes, sum_gf));
        for (int d = D_WUFFS; d < ND; d++)
            fprintf(f, "    \"vs_%s\": {\"files\": %d, \"giflow_ms\": %.6g, \"%s_ms\": %.6g, "
                       "\"speedup\": %.6g, \"geomean_speedup\": %.6g},\n",
                    dec_json[d], n_p[d], sum_gf_p[d] * 1e3, dec_json[d], sum_p[d] * 1e3,
                    sum_gf_p[d] > 0 ? sum_p[d] / sum_gf_p[d] : 0,
                    n_p[d] ? exp(log_p[d] / n_p[d]) : 0);
        fprintf(f, "    \"wuffs_time_ratio\": {\"files\": %d, \"median\": %.6g, \"worst\": "
                   "%.6g, \"above_target\": %d, \"small_memory_animations\": %d, "
                   "\"small_memory_worst\": %.6g, \"small_memory_above_target\": %d},\n",
                nr, med, worst, n_over, n_anim, worst_sm, n_sm_over);
        fprintf(f, "    \"canvas_identical\": %d, \"canvas_compared\": %d,"
                   " \"warnings\": %d}\n}\n", nsame, ncmp, nwarn);
        fclose(f);
        printf("\nJSON: %s\n", json_path);
    }
    free(res);
    free(files);
    return 0;
}
