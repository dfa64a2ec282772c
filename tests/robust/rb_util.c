#define _POSIX_C_SOURCE 200809L

#include "rb_util.h"

#include <dirent.h>
#include <signal.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* ---- corpus ------------------------------------------------------------ */

static int push(rb_list *l, const char *p)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        char **np = realloc(l->paths, cap * sizeof *np);
        if (!np)
            return -1;
        l->paths = np;
        l->cap = cap;
    }
    size_t len = strlen(p);
    char *s = malloc(len + 1);
    if (!s)
        return -1;
    memcpy(s, p, len + 1);
    l->paths[l->n++] = s;
    return 0;
}

static int walk(const char *dir, int recurse, int (*keep)(const char *), rb_list *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    int r = 0;
    while (r == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            r = -1;
            break;
        }
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (recurse)
                    r = walk(p, recurse, keep, out);
            }
            else if (S_ISREG(st.st_mode) && (!keep || keep(p)))
                r = push(out, p);
        }
        free(p);
    }
    closedir(d);
    return r;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_sorted(const char *root, int recurse,
                       int (*keep)(const char *path), rb_list *out)
{
    size_t first = out->n;
    if (walk(root, recurse, keep, out) != 0)
        return -1;
    qsort(out->paths + first, out->n - first, sizeof *out->paths, cmp_str);
    return 0;
}

int rb_walk(const char *root, int (*keep)(const char *path), rb_list *out)
{
    return walk_sorted(root, 1, keep, out);
}

int rb_walk_flat(const char *root, int (*keep)(const char *path), rb_list *out)
{
    return walk_sorted(root, 0, keep, out);
}

void rb_list_free(rb_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    memset(l, 0, sizeof *l);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

int rb_is_gif_like(const char *path)
{
    if (ends_with(path, ".gif") || ends_with(path, ".gif.disabled"))
        return 1;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strstr(path, "/fuzz-pocs/") != NULL && strchr(base, '.') == NULL;
}

const char *rb_rel(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (!strncmp(path, root, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

/* ---- timing and watchdog ------------------------------------------------ */

double rb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this process: a decode's cost without the machine's load
 * (other builds share its cores), so time limits do not fail on a busy
 * machine. */
double rb_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char watchdog_what[512];

static void on_alarm(int sig)
{
    (void)sig;
    static const char pre[] = "\nWATCHDOG: decode did not finish in time: ";
    ssize_t w = write(2, pre, sizeof pre - 1);
    w = write(2, watchdog_what, strlen(watchdog_what));
    w = write(2, "\n", 1);
    (void)w;
    _exit(1);
}

void rb_watchdog(unsigned seconds, const char *what)
{
    static int installed;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
        installed = 1;
    }
    if (what) {
        alarm(0);
        snprintf(watchdog_what, sizeof watchdog_what, "%s", what);
    }
    alarm(seconds);
}

int rb_sanitized(void)
{
#ifdef GIFLOW_ROBUST_SANITIZE
    return 1;
#else
    return 0;
#endif
}

/* ---- counting allocator -------------------------------------------------- */

typedef union hdr {
    max_align_t align;
    size_t size;
} hdr;

typedef struct counter {
    size_t live, peak, max_block;
} counter;

static void *count_alloc(void *user, size_t size)
{
    counter *c = user;
    if (size > (size_t)-1 - sizeof(hdr))
        return NULL;
    hdr *h = malloc(sizeof(hdr) + size);
    if (!h)
        return NULL;
    h->size = size;
    c->live += size;
    if (c->live > c->peak)
        c->peak = c->live;
    if (size > c->max_block)
        c->max_block = size;
    return h + 1;
}

static void count_free(void *user, void *p)
{
    counter *c = user;
    if (!p)
        return;
    hdr *h = (hdr *)p - 1;
    c->live -= h->size;
    free(h);
}

/* ---- feeding ------------------------------------------------------------ */

typedef struct feeder {
    const uint8_t *data;
    size_t total, sent;
    const rb_plan *plan;
    uint32_t rng;
    uint8_t *buf;
    giflow_input in;
} feeder;

static uint32_t xorshift(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* Shows the decoder the next chunk, in a fresh buffer of exactly the window
 * size (unconsumed bytes are carried over, though the API says there are
 * none after GIFLOW_NEED_INPUT). Returns 0 when nothing more can be given
 * (eof was already set), -1 when out of memory. */
static int feed(feeder *f)
{
    if (f->in.eof)
        return 0;
    size_t left = f->in.size - f->in.pos, add = f->total - f->sent;
    switch (f->plan->mode) {
    case RB_FIXED:
        if (add > f->plan->size)
            add = f->plan->size;
        break;
    case RB_RANDOM: {
        size_t k = 1 + xorshift(&f->rng) % (f->plan->size ? f->plan->size : 1);
        if (add > k)
            add = k;
        break;
    }
    default:
        break;
    }
    int eof = f->sent + add == f->total && (!f->plan->late_eof || add == 0);
    uint8_t *nb = malloc(left + add ? left + add : 1);
    if (!nb)
        return -1;
    if (left)
        memcpy(nb, f->in.src + f->in.pos, left);
    if (add)
        memcpy(nb + left, f->data + f->sent, add);
    free(f->buf);
    f->buf = nb;
    f->sent += add;
    f->in.src = nb;
    f->in.size = left + add;
    f->in.pos = 0;
    f->in.eof = eof;
    return 1;
}

/* ---- decoding ----------------------------------------------------------- */

typedef struct run {
    feeder f;
    giflow_decoder *dec;
    rb_result *out;
    const char *label;
} run;

static void contract(run *u, const char *what, int r)
{
    u->out->contract_violations++;
    if (u->out->contract_violations <= 5)
        fprintf(stderr, "%s: API contract: %s (status %d %s)\n", u->label, what,
                r, giflow_strerror(r));
}

/* Checks one call's effect on the input window. */
static void after_call(run *u, size_t pos_before, int r)
{
    giflow_input *in = &u->f.in;
    u->out->calls++;
    if (in->pos < pos_before)
        contract(u, "input pos went backwards", r);
    if (in->pos > in->size)
        contract(u, "input pos beyond size", r);
    if (r == GIFLOW_NEED_INPUT && in->pos != in->size)
        contract(u, "GIFLOW_NEED_INPUT with input left unconsumed", r);
}

/* Feeds after GIFLOW_NEED_INPUT. Returns 0 to retry, else a driver error
 * recorded in out. */
static int refeed(run *u)
{
    int k = feed(&u->f);
    if (k > 0)
        return 0;
    u->out->driver_error = 1;
    snprintf(u->out->driver_msg, sizeof u->out->driver_msg, "%s",
             k < 0 ? "out of memory in the test driver"
                   : "GIFLOW_NEED_INPUT after all input was given with eof "
                     "set (would hang)");
    return -1;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Expected y of the k-th row delivered (GIF interlace passes). */
static uint32_t expected_y(uint32_t k, uint32_t h, int interlaced, int *pass)
{
    *pass = 0;
    if (!interlaced)
        return k;
    static const uint32_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    for (int p = 0; p < 4; p++) {
        uint32_t n = h > start[p] ? (h - start[p] + step[p] - 1) / step[p] : 0;
        if (k < n) {
            *pass = p;
            return start[p] + k * step[p];
        }
        k -= n;
    }
    *pass = -1;
    return UINT32_MAX;
}

static int decode_rows(run *u, rb_frame *fr)
{
    giflow_row row;
    const uint8_t *last = NULL;
    uint64_t h = 0;
    int r;
    for (;;) {
        size_t pos = u->f.in.pos;
        r = giflow_decode_row(u->dec, &u->f.in, &row);
        after_call(u, pos, r);
        if (r == GIFLOW_NEED_INPUT) {
            if (refeed(u))
                return r;
            continue;
        }
        if (r != GIFLOW_OK)
            break;
        int pass;
        uint32_t ey = expected_y(fr->nrows, fr->info.height, fr->info.interlaced,
                                 &pass);
        if (row.y != ey || row.pass != pass || row.width != fr->info.width) {
            char m[160];
            snprintf(m, sizeof m,
                     "frame %u row #%u: y=%u pass=%d width=%u, expected y=%u "
                     "pass=%d width=%u",
                     fr->info.index, fr->nrows, row.y, row.pass, row.width, ey,
                     pass, fr->info.width);
            contract(u, m, r);
        }
        uint8_t hd[12];
        put32(hd, row.y);
        put32(hd + 4, (uint32_t)row.pass);
        put32(hd + 8, row.width);
        h = rb_hash(h, hd, sizeof hd);
        h = rb_hash(h, row.indices, row.width);
        last = row.indices;
        fr->nrows++;
    }
    fr->pixels_hash = h;
    if (r == GIFLOW_FRAME_END) {
        uint32_t want = fr->info.width ? fr->info.height : 0;
        if (fr->nrows != want) {
            char m[120];
            snprintf(m, sizeof m, "frame %u complete after %u rows, expected %u",
                     fr->info.index, fr->nrows, want);
            contract(u, m, r);
        }
    } else if (r < 0) {
        fr->partial_n = giflow_decoder_partial_row(u->dec, &fr->partial_y);
        if (fr->partial_n > fr->info.width) {
            contract(u, "giflow_decoder_partial_row() beyond the frame width", r);
        } else if (last) {
            /* The broken row's pixels are in the last row buffer. */
            fr->partial_known = 1;
            fr->partial_crc = tu_crc32(0, last, fr->partial_n);
        }
    }
    return r;
}

static int decode_rgba(run *u, rb_frame *fr, uint8_t *canvas, size_t stride,
                       size_t bytes)
{
    int r;
    for (;;) {
        size_t pos = u->f.in.pos;
        r = giflow_decode_frame_rgba(u->dec, &u->f.in, canvas, stride);
        after_call(u, pos, r);
        if (r != GIFLOW_NEED_INPUT)
            break;
        if (refeed(u))
            return r;
    }
    fr->pixels_hash = rb_hash(0, canvas, bytes);
    return r;
}

static void clean_frame(rb_frame *fr, const giflow_frame_info *fi)
{
    memset(fr, 0, sizeof *fr);
    fr->info = *fi;
    fr->info.palette = NULL;
    fr->palette_crc = fi->palette ? tu_crc32(0, fi->palette, (size_t)fi->palette_size * 3)
                                  : 0;
}

int rb_decode(const uint8_t *data, size_t size, const rb_plan *plan, int mode,
              unsigned flags, const giflow_limits *limits, size_t canvas_limit,
              const char *label, rb_result *out)
{
    memset(out, 0, sizeof *out);
    counter cnt = {0, 0, 0};
    giflow_allocator al = {count_alloc, count_free, &cnt};
    run u;
    memset(&u, 0, sizeof u);
    u.out = out;
    u.label = label;
    u.f.data = data;
    u.f.total = size;
    u.f.plan = plan;
    u.f.rng = plan->seed ? plan->seed : 0x9E3779B9u;
    double t0 = rb_cpu_now();
    if (feed(&u.f) < 0)
        return -1;
    u.dec = giflow_decoder_new(&al);
    if (!u.dec) {
        free(u.f.buf);
        return -1;
    }
    if (flags && giflow_decoder_set_flags(u.dec, flags) != GIFLOW_OK)
        contract(&u, "giflow_decoder_set_flags() refused the flags", 0);
    if (limits && giflow_decoder_set_limits(u.dec, limits) != GIFLOW_OK)
        contract(&u, "giflow_decoder_set_limits() refused the limits", 0);

    int r;
    giflow_image_info im;
    memset(&im, 0, sizeof im);
    for (;;) {
        size_t pos = u.f.in.pos;
        r = giflow_decode_image_info(u.dec, &u.f.in, &im);
        after_call(&u, pos, r);
        if (r != GIFLOW_NEED_INPUT || refeed(&u))
            break;
    }
    out->stage = 0;
    uint8_t *canvas = NULL;
    size_t stride = 0;
    uint32_t cap = 0, next_index = 0;
    out->mode_used = mode;
    if (r == GIFLOW_OK) {
        out->image = im;
        out->image.global_palette = NULL;
        out->gpal_crc = im.global_palette
                            ? tu_crc32(0, im.global_palette,
                                       (size_t)im.global_palette_size * 3)
                            : 0;
        out->stage = 1;
        uint64_t cb = (uint64_t)im.canvas_width * im.canvas_height * 4;
        out->canvas_bytes = (size_t)cb;
        if (mode == RB_MODE_RGBA && cb > canvas_limit)
            out->mode_used = RB_MODE_ROWS;
        if (out->mode_used == RB_MODE_RGBA) {
            stride = (size_t)im.canvas_width * 4;
            canvas = malloc(cb ? (size_t)cb : 1);
            if (!canvas) {
                out->driver_error = 1;
                snprintf(out->driver_msg, sizeof out->driver_msg,
                         "cannot allocate a %llu-byte canvas",
                         (unsigned long long)cb);
                r = GIFLOW_ERR_NOMEM;
            }
        }
    }
    while (r == GIFLOW_OK && !out->driver_error) {
        giflow_frame_info fi;
        out->stage = 1;
        for (;;) {
            size_t pos = u.f.in.pos;
            r = giflow_decode_frame_info(u.dec, &u.f.in, &fi);
            after_call(&u, pos, r);
            if (r != GIFLOW_NEED_INPUT || refeed(&u))
                break;
        }
        if (r != GIFLOW_OK)
            break;
        if (out->nframes == cap) {
            uint32_t ncap = cap ? cap * 2 : 8;
            rb_frame *nf = realloc(out->frames, ncap * sizeof *nf);
            if (!nf) {
                out->driver_error = 1;
                snprintf(out->driver_msg, sizeof out->driver_msg,
                         "out of memory for frame records");
                break;
            }
            out->frames = nf;
            cap = ncap;
        }
        rb_frame *fr = &out->frames[out->nframes++];
        clean_frame(fr, &fi);
        if (fi.width > out->max_width)
            out->max_width = fi.width;
        if (fi.restore_bytes > out->max_restore)
            out->max_restore = fi.restore_bytes;
        if (fi.index != next_index) {
            char m[100];
            snprintf(m, sizeof m, "frame index %u, expected %u (the next image)",
                     fi.index, next_index);
            contract(&u, m, r);
        }
        next_index = fi.index + 1;
        if (out->nframes > size + 1) {
            out->driver_error = 1;
            snprintf(out->driver_msg, sizeof out->driver_msg,
                     "more frames than input bytes: no progress");
            break;
        }
        if (out->mode_used == RB_MODE_INFO) {
            fr->status = GIFLOW_OK;
            fr->loop_after = giflow_decoder_loop_count(u.dec);
            continue;
        }
        out->stage = 2;
        if (out->mode_used == RB_MODE_RGBA)
            r = decode_rgba(&u, fr, canvas, stride, out->canvas_bytes);
        else
            r = decode_rows(&u, fr);
        if (out->driver_error)
            break;
        fr->status = r;
        fr->loop_after = giflow_decoder_loop_count(u.dec);
        const giflow_frame_info *cur = giflow_decoder_current_frame(u.dec);
        int merging = (flags & GIFLOW_FLAG_MERGE_ZERO_DELAY) != 0;
        if (!cur || (merging ? cur->index < fi.index : cur->index != fi.index)) {
            contract(&u, "giflow_decoder_current_frame() is not the image just decoded", r);
        } else {
            fr->cur_index = cur->index;
            fr->cur_delay_cs = cur->delay_cs;
            fr->cur_x = cur->x;
            fr->cur_y = cur->y;
            fr->cur_width = cur->width;
            fr->cur_height = cur->height;
            fr->cur_disposal = cur->disposal;
            fr->cur_transparent_index = cur->transparent_index;
            next_index = cur->index + 1;
        }
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
        else if (r >= 0)
            contract(&u, "pixel stage ended with a non-error, non-FRAME_END status", r);
    }
    out->status = r;
    out->loop_count = giflow_decoder_loop_count(u.dec);
    if (r < 0 && !out->driver_error) {
        /* Errors are sticky. */
        giflow_frame_info fi;
        giflow_row row;
        giflow_image_info im2;
        size_t pos = u.f.in.pos;
        int r2 = giflow_decode_frame_info(u.dec, &u.f.in, &fi);
        int r3 = giflow_decode_row(u.dec, &u.f.in, &row);
        int r4 = giflow_decode_image_info(u.dec, &u.f.in, &im2);
        if (r2 != r || r3 != r || r4 != r)
            contract(&u, "error not sticky (frame_info/row/image_info)", r2);
        if (u.f.in.pos != pos)
            contract(&u, "input consumed after a sticky error", r);
    }
    out->heap_now_end = giflow_decoder_heap(u.dec, &out->heap_peak);
    out->alloc_live_end = cnt.live;
    giflow_decoder_free(u.dec);
    out->alloc_peak = cnt.peak;
    out->alloc_max_block = cnt.max_block;
    out->alloc_live_after = cnt.live;
    out->seconds = rb_cpu_now() - t0;
    free(canvas);
    free(u.f.buf);
    return 0;
}

void rb_result_free(rb_result *r)
{
    free(r->frames);
    memset(r, 0, sizeof *r);
}

uint64_t rb_hash(uint64_t h, const void *data, size_t n)
{
    const uint8_t *b = data;
    h ^= (uint64_t)n * 0xC2B2AE3D27D4EB4Full;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
        b += 8;
        n -= 8;
    }
    while (n--)
        h = (h ^ *b++) * 0x100000001B3ull;
    return h ^ (h >> 32);
}

/* ---- comparison ---------------------------------------------------------- */

typedef struct cmp {
    const char *label;
    int diffs;
} cmp;

static void diff(cmp *c, const char *where, const char *field, long long a,
                 long long b)
{
    if (a == b)
        return;
    c->diffs++;
    if (c->diffs <= 12)
        fprintf(stderr, "%s: %s%s%s differs: %lld vs %lld\n", c->label, where,
                *where ? " " : "", field, a, b);
}

#define D(field) diff(&c, where, #field, (long long)(A->field), (long long)(B->field))

int rb_compare(const rb_result *a, const rb_result *b, const char *label)
{
    cmp c = {label, 0};
    const char *where = "";
    {
        const rb_result *A = a, *B = b;
        D(driver_error);
        D(mode_used);
        D(status);
        D(stage);
        D(loop_count);
        D(nframes);
        D(image.canvas_width);
        D(image.canvas_height);
        D(image.screen_width);
        D(image.screen_height);
        D(image.version);
        D(image.has_global_palette);
        D(image.global_palette_size);
        D(image.background_index);
        D(image.pixel_aspect);
        D(gpal_crc);
    }
    uint32_t n = a->nframes < b->nframes ? a->nframes : b->nframes;
    for (uint32_t i = 0; i < n; i++) {
        char w[32];
        snprintf(w, sizeof w, "frame %u", i);
        where = w;
        const rb_frame *A = &a->frames[i], *B = &b->frames[i];
        D(status);
        D(loop_after);
        D(info.index);
        D(info.x);
        D(info.y);
        D(info.width);
        D(info.height);
        D(info.clip_x);
        D(info.clip_y);
        D(info.clip_width);
        D(info.clip_height);
        D(info.delay_cs);
        D(info.played_delay_ms);
        D(info.disposal);
        D(info.transparent_index);
        D(info.interlaced);
        D(info.has_local_palette);
        D(info.palette_size);
        D(info.min_code_size);
        D(info.offset);
        D(info.restore_bytes);
        D(palette_crc);
        D(pixels_hash);
        D(nrows);
        D(partial_n);
        D(partial_y);
        D(partial_known);
        D(partial_crc);
        D(cur_index);
        D(cur_delay_cs);
        D(cur_x);
        D(cur_y);
        D(cur_width);
        D(cur_height);
        D(cur_disposal);
        D(cur_transparent_index);
    }
    if (c.diffs > 12)
        fprintf(stderr, "%s: ... %d differences in all\n", label, c.diffs);
    return c.diffs;
}

const char *rb_describe(const rb_result *r, char *buf, size_t n)
{
    snprintf(buf, n, "status=%d (%s) stage=%d frames=%u%s%s", r->status,
             giflow_strerror(r->status), r->stage, r->nframes,
             r->driver_error ? " DRIVER: " : "", r->driver_error ? r->driver_msg : "");
    return buf;
}
