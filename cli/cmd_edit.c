/* giflow edit: optimise and transform GIFs in one streaming pass, through
 * the library's transcoder. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "io.h"

static const char help[] =
    "usage: giflow edit [options] IN.gif... -o OUT.gif\n"
    "Rewrites GIFs frame by frame (- reads stdin / writes stdout). With no option that\n"
    "changes pixels the result renders exactly like the input and is never larger\n"
    "(when it cannot win, the input's bytes are written). Several inputs concatenate.\n"
    "options:\n"
    "  -o FILE             output GIF (with --explode: FILE.000.gif, FILE.001.gif...)\n"
    "  --resize WxH        scale (W or H 0 keeps the aspect ratio); area average\n"
    "  --nearest           --resize picks pixels instead (pixel art: stays lossless)\n"
    "  --crop X,Y,W,H      keep this rectangle (W or H 0: to the edge)\n"
    "  --rotate 90|180|270 clockwise      --flip h|v   mirror\n"
    "  --speed F           play F times as fast      --delay CS   every frame's delay\n"
    "  --loop N            repeats after the first play; 0 forever, -1 play once\n"
    "  --frames LIST       frames to keep, in order, e.g. 0-9,12 or 5- (may reorder)\n"
    "  --reverse           frames in reverse order\n"
    "  --frame N           frame N alone, as a still GIF\n"
    "  --explode           one GIF per frame\n"
    "  --comment TEXT      add a comment         --strip   drop comments and extensions\n"
    "  --colors N          requantize to N colours (2..256)\n"
    "  --dither none|fs|ordered   when requantizing\n"
    "  --lossy N           lossy frame differencing, 1..64 levels (see README)\n"
    "  --lossy-lzw N       lossy LZW: longer strings within N levels, 1..64\n"
    "  --interlace         write interlaced images\n"
    "  --copy              only copy frame data (timing, loop and comments may change)\n"
    "  --optimize          rewrite frames even when only timing or comments change\n"
    "  --json              print a JSON summary on stdout\n";

#define MAX_SEL 4096

typedef struct edit_job {
    giflow_transcode_options o;
    cli_decode_opts dopts;
    const char *const *inputs;
    const char **list;
    int ninputs;
    const char *out_path;
    int explode, json, reverse;
    long frame_only;          /* -1 none */
    uint32_t *sel;            /* --frames, expanded; open_from: "N-" */
    size_t nsel;
    long open_from;           /* -1 none */
    int reorder;              /* the selection is not increasing */
} edit_job;

static int parse_uint(const char *s, long max, long *v)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (end == s || *end || errno || n < 0 || n > max)
        return -1;
    *v = n;
    return 0;
}

/* "0-9,12,20-" */
static int parse_frames(edit_job *j, const char *s)
{
    j->sel = malloc(MAX_SEL * sizeof *j->sel);
    if (!j->sel)
        return -1;
    char *copy = strdup(s), *save = NULL;
    if (!copy)
        return -1;
    long last = -1;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(tok, '-');
        long a, b;
        if (dash) {
            *dash = 0;
            if (parse_uint(tok, 1000000, &a))
                goto bad;
            if (!dash[1]) {
                if (j->open_from >= 0 || strtok_r(NULL, ",", &save))
                    goto bad; /* only the last range may be open */
                if (a <= last)
                    j->reorder = 1;
                j->open_from = a;
                break;
            }
            if (parse_uint(dash + 1, 1000000, &b) || b < a)
                goto bad;
        } else {
            if (parse_uint(tok, 1000000, &a))
                goto bad;
            b = a;
        }
        for (long k = a; k <= b; k++) {
            if (j->nsel == MAX_SEL)
                goto bad;
            if (k <= last)
                j->reorder = 1;
            last = k;
            j->sel[j->nsel++] = (uint32_t)k;
        }
    }
    free(copy);
    return 0;
bad:
    free(copy);
    cli_error("edit: --frames takes a list like 0-9,12 or 5- (at most %d frames listed)", MAX_SEL);
    return -1;
}

/* Several inputs (or reordered stills) cannot be copied block by block:
 * AUTO then means rewriting, quantized only if an option needs it. */
static void no_copy(giflow_transcode_options *o)
{
    if (o->mode != GIFLOW_MODE_AUTO)
        return;
    int quant = o->max_colors || o->dither || o->lossy || o->lossy_lzw ||
                ((o->width || o->height) && o->resize_filter != GIFLOW_RESIZE_NEAREST);
    o->mode = quant ? GIFLOW_MODE_QUANTIZE : GIFLOW_MODE_OPTIMIZE;
}

enum {
    OPT_OUT = 1, OPT_RESIZE, OPT_NEAREST, OPT_CROP, OPT_ROTATE, OPT_FLIP, OPT_SPEED, OPT_DELAY,
    OPT_LOOP, OPT_FRAMES, OPT_REVERSE, OPT_FRAME, OPT_EXPLODE, OPT_COMMENT, OPT_STRIP,
    OPT_COLORS, OPT_DITHER, OPT_LOSSY, OPT_LOSSY_LZW, OPT_INTERLACE, OPT_COPY, OPT_OPTIMIZE, OPT_JSON
};

static const cli_opt edit_table[] = {
    {"output", 'o', 1, OPT_OUT},        {"resize", 0, 1, OPT_RESIZE},
    {"nearest", 0, 0, OPT_NEAREST},     {"crop", 0, 1, OPT_CROP},
    {"rotate", 0, 1, OPT_ROTATE},       {"flip", 0, 1, OPT_FLIP},
    {"speed", 0, 1, OPT_SPEED},         {"delay", 0, 1, OPT_DELAY},
    {"loop", 0, 1, OPT_LOOP},           {"frames", 0, 1, OPT_FRAMES},
    {"reverse", 0, 0, OPT_REVERSE},     {"frame", 0, 1, OPT_FRAME},
    {"explode", 0, 0, OPT_EXPLODE},     {"comment", 0, 1, OPT_COMMENT},
    {"strip", 0, 0, OPT_STRIP},         {"colors", 0, 1, OPT_COLORS},
    {"dither", 0, 1, OPT_DITHER},       {"lossy", 0, 1, OPT_LOSSY},
    {"lossy-lzw", 0, 1, OPT_LOSSY_LZW}, {"interlace", 0, 0, OPT_INTERLACE},
    {"copy", 0, 0, OPT_COPY},
    {"optimize", 0, 0, OPT_OPTIMIZE},   {"json", 0, 0, OPT_JSON},
    CLI_OPT_END};

/* One option. Returns 0, or -1 after reporting a bad value. */
static int edit_opt(edit_job *j, const cli_args *a, int id)
{
    static const char *const flips[] = {"h", "v", NULL};
    static const char *const rotations[] = {"90", "180", "270", NULL};
    static const char *const dithers[] = {"none", "fs", "ordered", NULL};
    giflow_transcode_options *o = &j->o;
    uint32_t v[4];
    long n;
    double d;
    int k;
    switch (id) {
    case OPT_OUT: j->out_path = a->val; return 0;
    case OPT_RESIZE:
        if (cli_parse_list(a->val, 'x', v, 2) && cli_parse_list(a->val, 'X', v, 2))
            return cli_bad_value(a, "WxH, e.g. 320x0");
        if (v[0] > 65535 || v[1] > 65535 || (!v[0] && !v[1]))
            return cli_bad_value(a, "WxH up to 65535 (one side may be 0)");
        o->width = v[0];
        o->height = v[1];
        return 0;
    case OPT_NEAREST: o->resize_filter = GIFLOW_RESIZE_NEAREST; return 0;
    case OPT_CROP:
        if (cli_parse_list(a->val, ',', v, 4) || v[0] > 65535 || v[1] > 65535)
            return cli_bad_value(a, "X,Y,W,H");
        o->crop_x = v[0];
        o->crop_y = v[1];
        o->crop_width = v[2] ? v[2] : 65535;
        o->crop_height = v[3];
        return 0;
    case OPT_ROTATE:
        if ((k = cli_val_choice(a, rotations)) < 0)
            return -1;
        o->rotate = 90 * (k + 1);
        return 0;
    case OPT_FLIP:
        if ((k = cli_val_choice(a, flips)) < 0)
            return -1;
        o->flip |= k ? GIFLOW_FLIP_V : GIFLOW_FLIP_H;
        return 0;
    case OPT_SPEED:
        if (cli_val_double(a, 1e-3, 1000, "", &d))
            return -1;
        o->speed = d;
        return 0;
    case OPT_DELAY:
        if (cli_val_long(a, 0, 65535, " centiseconds", &n))
            return -1;
        o->delay_cs = (int)n;
        return 0;
    case OPT_LOOP:
        if (cli_val_long(a, -1, 65535, "", &n))
            return -1;
        o->loop_count = (int)n;
        return 0;
    case OPT_FRAMES: return parse_frames(j, a->val);
    case OPT_REVERSE: j->reverse = 1; return 0;
    case OPT_FRAME: return cli_val_long(a, 0, 1000000, "", &j->frame_only);
    case OPT_EXPLODE: j->explode = 1; return 0;
    case OPT_COMMENT:
        if (!*a->val)
            return cli_bad_value(a, "some text");
        o->comment = (const uint8_t *)a->val;
        o->comment_size = strlen(a->val);
        return 0;
    case OPT_STRIP: o->strip = 1; return 0;
    case OPT_COLORS:
        if (cli_val_long(a, 2, 256, "", &n))
            return -1;
        o->max_colors = (uint32_t)n;
        return 0;
    case OPT_DITHER:
        if ((k = cli_val_choice(a, dithers)) < 0)
            return -1;
        o->dither = k == 0 ? GIFLOW_DITHER_NONE : k == 1 ? GIFLOW_DITHER_FS : GIFLOW_DITHER_ORDERED;
        return 0;
    case OPT_LOSSY:
        if (cli_val_long(a, 0, 64, "", &n))
            return -1;
        o->lossy = (int)n;
        return 0;
    case OPT_LOSSY_LZW:
        if (cli_val_long(a, 0, 64, "", &n))
            return -1;
        o->lossy_lzw = (int)n;
        return 0;
    case OPT_INTERLACE: o->interlace = 1; return 0;
    case OPT_COPY: o->mode = GIFLOW_MODE_COPY; return 0;
    case OPT_OPTIMIZE: o->mode = GIFLOW_MODE_OPTIMIZE; return 0;
    case OPT_JSON: j->json = 1; return 0;
    default: return -1;
    }
}

static int parse_args(edit_job *j, int argc, char **argv)
{
    giflow_transcode_options_default(&j->o);
    giflow_limits_default(&j->dopts.limits);
    j->frame_only = -1;
    j->open_from = -1;
    j->list = calloc((size_t)argc, sizeof *j->list);
    if (!j->list)
        return -1;
    j->inputs = j->list;
    cli_args a;
    cli_args_init(&a, "edit", argc, argv, edit_table, cli_decode_opt_table);
    for (int k; (k = cli_next(&a)) != CLI_ARG_DONE;) {
        int r;
        if (k == CLI_ARG_HELP) {
            printf("%s%s", help, cli_decode_opts_help);
            exit(0);
        } else if (k == CLI_ARG_OPERAND) {
            j->list[j->ninputs++] = a.val;
        } else if (k == CLI_ARG_ERROR || (r = cli_decode_opt(&j->dopts, &a, k)) < 0 ||
                   (r == 0 && edit_opt(j, &a, k))) {
            return -1;
        }
    }
    if (!j->out_path || !j->ninputs) {
        cli_error("edit: need -o OUT.gif and at least one input (see --help)");
        return -1;
    }
    if (j->explode + (j->frame_only >= 0) + (j->sel != NULL || j->reverse) > 1) {
        cli_error("edit: use one of --explode, --frame and --frames/--reverse");
        return -1;
    }
    if (j->ninputs > 1)
        no_copy(&j->o);
    /* One frame alone is a still: no loop extension unless asked. */
    if (j->frame_only >= 0 && j->o.loop_count == GIFLOW_KEEP)
        j->o.loop_count = -1;
    if (j->explode && !strcmp(j->out_path, "-")) {
        cli_error("edit: --explode writes files: -o names them");
        return -1;
    }
    return 0;
}

/* ---- Frame selection ---------------------------------------------------- */

typedef struct selection {
    const edit_job *j;
    uint64_t seen;   /* frames offered so far, over all inputs */
    size_t next;     /* next entry of j->sel */
} selection;

static int keep_frame(void *user, uint32_t input, uint32_t index)
{
    selection *s = user;
    const edit_job *j = s->j;
    (void)input;
    (void)index;
    uint64_t k = s->seen++;
    if (j->frame_only >= 0)
        return k == (uint64_t)j->frame_only;
    while (s->next < j->nsel && j->sel[s->next] < k)
        s->next++;
    if (s->next < j->nsel && j->sel[s->next] == k)
        return 1;
    return j->open_from >= 0 && k >= (uint64_t)j->open_from;
}

/* ---- Running the transcoder --------------------------------------------- */


typedef struct explode_out {
    const char *base;   /* the -o path without ".gif" */
    cli_out out;
    int open;
    uint32_t files;
} explode_out;

static int explode_write(void *user, const uint8_t *data, size_t size)
{
    explode_out *e = user;
    return e->open ? cli_out_write_fn(&e->out, data, size) : 1;
}

static int explode_next(void *user, uint32_t frame)
{
    explode_out *e = user;
    if (e->open && cli_out_commit(&e->out))
        return e->open = 0, 1;
    e->open = 0;
    size_t n = strlen(e->base) + 32;
    char *path = malloc(n);
    if (!path)
        return 1;
    snprintf(path, n, "%s.%03u.gif", e->base, (unsigned)frame);
    int r = cli_out_check(path) || cli_out_open(&e->out, path);
    free(path);
    if (r)
        return 1;
    e->open = 1;
    e->files++;
    return 0;
}

typedef struct run_result {
    int status;                /* library status, or GIFLOW_ERR_IO */
    giflow_transcode_stats stats;
} run_result;

/* One pass over every input, with options o, written through fn. */
static run_result run(const edit_job *j, const giflow_transcode_options *o, giflow_write_fn fn,
                      void *user, giflow_explode_fn xfn, void *xuser, const char *const *inputs,
                      int ninputs, int scan)
{
    run_result res;
    memset(&res, 0, sizeof res);
    giflow_transcoder *t = giflow_transcoder_new(NULL);
    selection sel = {j, 0, 0};
    cli_progress prog;
    int st = t ? GIFLOW_OK : GIFLOW_ERR_NOMEM;
    if (st == GIFLOW_OK)
        st = giflow_transcoder_set_output(t, fn, user);
    if (st == GIFLOW_OK)
        st = giflow_transcoder_set_limits(t, &j->dopts.limits);
    if (st == GIFLOW_OK && (j->frame_only >= 0 || (j->sel && !j->reorder)))
        st = giflow_transcoder_set_frame_filter(t, keep_frame, &sel);
    if (st == GIFLOW_OK && xfn)
        st = giflow_transcoder_set_explode(t, xfn, xuser);
    if (st == GIFLOW_OK)
        st = giflow_transcode_begin(t, o);
    giflow_transcode_stats s0;
    if (st == GIFLOW_OK && scan && giflow_transcoder_stats(t, &s0) == GIFLOW_OK &&
        s0.mode == GIFLOW_MODE_OPTIMIZE) {
        /* A file can be read twice: a first pass picks the palette. */
        cli_reader rd;
        if (cli_reader_open(&rd, inputs[0], j->dopts.chunk)) {
            st = GIFLOW_ERR_IO;
        } else {
            CLI_PUMP(st, &rd, giflow_transcode_scan(t, &rd.in));
            if (st == GIFLOW_END)
                st = GIFLOW_OK;
        }
        cli_reader_close(&rd);
    }
    cli_progress_start(&prog, "edit: frames");
    for (int i = 0; st == GIFLOW_OK && i < ninputs; i++) {
        cli_reader rd;
        if (cli_reader_open(&rd, inputs[i], j->dopts.chunk)) {
            st = GIFLOW_ERR_IO;
            break;
        }
        if (i && (st = giflow_transcode_next_input(t)) != GIFLOW_OK) {
            cli_reader_close(&rd);
            break;
        }
        /* Output flows as input does: what is written is handed on
         * before waiting for more. */
        while ((st = giflow_transcode_push(t, &rd.in)) == GIFLOW_NEED_INPUT) {
            if (fn == cli_out_write_fn && cli_out_flush(user)) {
                st = GIFLOW_ERR_IO;
                break;
            }
            if (rd.in.eof || cli_reader_fill(&rd)) {
                st = GIFLOW_ERR_IO;
                break;
            }
        }
        if (st == GIFLOW_END)
            st = GIFLOW_OK;
        giflow_transcoder_stats(t, &res.stats);
        cli_progress_update(&prog, res.stats.frames_in, 0);
        cli_reader_close(&rd);
    }
    if (st == GIFLOW_OK)
        st = giflow_transcode_finish(t);
    cli_progress_end(&prog);
    giflow_transcoder_stats(t, &res.stats);
    giflow_transcoder_free(t);
    res.status = st;
    return res;
}

/* ---- Reordering: frames spooled as stills, then concatenated ------------ */

/* A temporary file the result goes through first. Its write errors (a
 * full /tmp) are said once, with their cause; and since stdio may keep
 * the last bytes until the file is read back, it is flushed and checked
 * before anything is read from it. */
typedef struct tmp_file {
    FILE *f;
    int failed;
} tmp_file;

static int tmp_failed(tmp_file *t)
{
    if (!t->failed)
        cli_error("edit: temporary file: write failed: %s", strerror(errno));
    t->failed = 1;
    return 1;
}

static int tmp_write(void *user, const uint8_t *data, size_t size)
{
    tmp_file *t = user;
    return t->failed || fwrite(data, 1, size, t->f) != size ? tmp_failed(t) : 0;
}

/* Everything written is in the file: 0, or 1 (said). */
static int tmp_flush(tmp_file *t)
{
    return t->failed || fflush(t->f) != 0 || ferror(t->f) ? tmp_failed(t) : 0;
}

typedef struct spool {
    tmp_file tmp;
    long *offset;      /* start of frame k's still in the file */
    size_t n, cap;
    uint64_t pos;
} spool;

static int spool_write(void *user, const uint8_t *data, size_t size)
{
    spool *s = user;
    s->pos += size;
    return tmp_write(&s->tmp, data, size);
}

static int spool_next(void *user, uint32_t frame)
{
    spool *s = user;
    (void)frame;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        long *p = realloc(s->offset, cap * sizeof *p);
        if (!p)
            return 1;
        s->offset = p;
        s->cap = cap;
    }
    s->offset[s->n++] = (long)s->pos;
    return 0;
}

/* Reads still k of the spool into buf (grown as needed). */
static int spool_read(spool *s, size_t k, uint8_t **buf, size_t *cap, size_t *len)
{
    long a = s->offset[k], b = k + 1 < s->n ? s->offset[k + 1] : (long)s->pos;
    size_t n = (size_t)(b - a);
    if (n > *cap) {
        uint8_t *p = realloc(*buf, n);
        if (!p)
            return -1;
        *buf = p;
        *cap = n;
    }
    *len = n;
    return fseek(s->tmp.f, a, SEEK_SET) || fread(*buf, 1, n, s->tmp.f) != n ? -1 : 0;
}

/* The frames in the order asked for, as indices into the spool. */
static size_t order(const edit_job *j, size_t n, uint32_t *out)
{
    size_t m = 0;
    if (j->sel) {
        for (size_t i = 0; i < j->nsel; i++)
            if (j->sel[i] < n)
                out[m++] = j->sel[i];
        for (size_t k = j->open_from >= 0 ? (size_t)j->open_from : n; k < n; k++)
            out[m++] = (uint32_t)k;
    } else {
        for (size_t k = 0; k < n; k++)
            out[m++] = (uint32_t)k;
    }
    if (j->reverse)
        for (size_t i = 0; i < m / 2; i++) {
            uint32_t t = out[i];
            out[i] = out[m - 1 - i];
            out[m - 1 - i] = t;
        }
    return m;
}

/* --reverse and reordering --frames: every frame is composited once and
 * kept as a still GIF in a temporary file (memory stays O(canvas)), then
 * the stills are read back in the new order as inputs of a second pass,
 * which finds what changes between them. Extensions other than the loop
 * count are not kept. */
static int run_reorder(const edit_job *j, giflow_write_fn fn, void *user, run_result *res)
{
    memset(res, 0, sizeof *res);
    spool sp;
    memset(&sp, 0, sizeof sp);
    sp.tmp.f = tmpfile();
    if (!sp.tmp.f) {
        cli_error("edit: cannot create a temporary file: %s", strerror(errno));
        return GIFLOW_ERR_IO;
    }
    giflow_transcode_options o1;
    giflow_transcode_options_default(&o1);
    o1.mode = GIFLOW_MODE_OPTIMIZE;
    o1.strip = 1;
    edit_job j1 = *j;
    j1.sel = NULL;
    j1.frame_only = -1;
    *res = run(&j1, &o1, spool_write, &sp, spool_next, &sp, j->inputs, j->ninputs, 0);
    if (res->status == GIFLOW_OK && tmp_flush(&sp.tmp))
        res->status = GIFLOW_ERR_IO;
    int st = res->status;
    uint32_t *ord = st == GIFLOW_OK ? malloc((sp.n + j->nsel + 1) * sizeof *ord) : NULL;
    size_t m = ord ? order(j, sp.n, ord) : 0;
    if (st == GIFLOW_OK && (!ord || !m)) {
        cli_error("edit: no frame selected");
        st = GIFLOW_ERR_ARG;
    }
    giflow_transcode_options o2 = j->o;
    no_copy(&o2);
    if (o2.loop_count == GIFLOW_KEEP)
        o2.loop_count = res->stats.loop_count;
    giflow_transcoder *t = st == GIFLOW_OK ? giflow_transcoder_new(NULL) : NULL;
    if (st == GIFLOW_OK && !t)
        st = GIFLOW_ERR_NOMEM;
    if (st == GIFLOW_OK)
        st = giflow_transcoder_set_output(t, fn, user);
    if (st == GIFLOW_OK)
        st = giflow_transcode_begin(t, &o2);
    uint8_t *buf = NULL;
    size_t cap = 0, len;
    for (size_t i = 0; st == GIFLOW_OK && i < m; i++) {
        if (spool_read(&sp, ord[i], &buf, &cap, &len)) {
            cli_error("edit: temporary file: read error");
            st = GIFLOW_ERR_IO;
            break;
        }
        if (i && (st = giflow_transcode_next_input(t)) != GIFLOW_OK)
            break;
        giflow_input in = {buf, len, 0, 1};
        st = giflow_transcode_push(t, &in);
        st = st == GIFLOW_END ? GIFLOW_OK : st < 0 ? st : GIFLOW_ERR_TRUNCATED;
    }
    if (st == GIFLOW_OK)
        st = giflow_transcode_finish(t);
    if (t) {
        giflow_transcode_stats s2;
        giflow_transcoder_stats(t, &s2);
        s2.frames_in = res->stats.frames_in;
        s2.bytes_in = res->stats.bytes_in;
        res->stats = s2;
    }
    giflow_transcoder_free(t);
    free(buf);
    free(ord);
    free(sp.offset);
    fclose(sp.tmp.f);
    return res->status = st;
}

/* ---- The command ---------------------------------------------------------*/

/* Copies the size bytes of a temporary result to the output. */
static int copy_stream(tmp_file *t, uint64_t size, cli_out *out)
{
    char buf[65536];
    size_t n;
    uint64_t copied = 0;
    if (tmp_flush(t))
        return -1;
    rewind(t->f);
    while ((n = fread(buf, 1, sizeof buf, t->f)) > 0) {
        if (cli_out_write(out, buf, n))
            return -1;
        copied += n;
    }
    if (ferror(t->f) || copied != size) {
        cli_error("edit: temporary file: read back %llu of %llu bytes",
                  (unsigned long long)copied, (unsigned long long)size);
        return -1;
    }
    return 0;
}

static int regular_file(const char *path, off_t *size)
{
    struct stat st;
    if (!strcmp(path, "-") || stat(path, &st) || !S_ISREG(st.st_mode))
        return 0;
    *size = st.st_size;
    return 1;
}

static const char *mode_name(int mode)
{
    static const char *names[] = {"auto", "copy", "optimize", "quantize"};
    return mode >= 0 && mode <= 3 ? names[mode] : "?";
}

static void report(const edit_job *j, const run_result *r, const char *fallback, uint64_t bytes)
{
    if (!j->json)
        return;
    printf("{\"mode\":\"%s\",\"frames_in\":%u,\"frames_out\":%u,\"bytes_in\":%llu,"
           "\"bytes_out\":%llu,\"fallback\":%s%s%s,\"input_status\":%d}\n",
           mode_name(r->stats.mode), r->stats.frames_in, r->stats.frames_out,
           (unsigned long long)r->stats.bytes_in, (unsigned long long)bytes,
           fallback ? "\"" : "", fallback ? fallback : "null", fallback ? "\"" : "",
           r->stats.input_status);
}

static int is_lossless_rewrite(const edit_job *j)
{
    const giflow_transcode_options *o = &j->o;
    return o->mode != GIFLOW_MODE_QUANTIZE && !o->crop_width && !o->flip && !o->rotate &&
           !o->width && !o->height && !o->max_colors && !o->dither && !o->lossy &&
           !o->lossy_lzw && !o->interlace && j->frame_only < 0 && !j->sel && !j->reverse && !j->explode;
}

/* The usual case: one pass into out. A lossless rewrite of one regular
 * file goes to a temporary file first, so that the input's own bytes can
 * be written instead when the rewrite is not smaller (or not possible). */
static int edit_one(edit_job *j, cli_out *out)
{
    off_t in_size = 0;
    int guard = j->ninputs == 1 && is_lossless_rewrite(j) && regular_file(j->inputs[0], &in_size);
    run_result r;
    memset(&r, 0, sizeof r);
    const char *fallback = NULL;
    if (!guard) {
        if (j->reverse || (j->sel && j->reorder))
            run_reorder(j, cli_out_write_fn, out, &r);
        else
            r = run(j, &j->o, cli_out_write_fn, out, NULL, NULL, j->inputs, j->ninputs, 0);
        if (r.status == GIFLOW_ERR_TOO_MANY_COLORS)
            cli_error("edit: a frame changes more than 256 colours at once and cannot be "
                      "rewritten exactly; add --colors 256 to requantize");
    } else {
        tmp_file tmp = {tmpfile(), 0};
        if (!tmp.f) {
            cli_error("edit: cannot create a temporary file: %s", strerror(errno));
            return EXIT_FAIL;
        }
        r = run(j, &j->o, tmp_write, &tmp, NULL, NULL, j->inputs, 1, 1);
        int lost = r.status == GIFLOW_ERR_TOO_MANY_COLORS;
        if (r.status == GIFLOW_OK && (off_t)r.stats.bytes_out < in_size) {
            if (copy_stream(&tmp, r.stats.bytes_out, out))
                r.status = GIFLOW_ERR_IO;
        } else if (r.status == GIFLOW_OK || lost) {
            /* Not smaller, or not exactly possible: the input as it is,
             * with only its timing, loop count and comments changed. */
            giflow_transcode_options o = j->o;
            o.mode = GIFLOW_MODE_COPY;
            fallback = "copy";
            r = run(j, &o, cli_out_write_fn, out, NULL, NULL, j->inputs, 1, 0);
        }
        fclose(tmp.f);
    }
    if (r.status != GIFLOW_OK) {
        if (r.status != GIFLOW_ERR_IO && r.status != GIFLOW_ERR_TOO_MANY_COLORS)
            cli_error("edit: %s", giflow_strerror(r.status));
        return EXIT_FAIL;
    }
    if (r.stats.input_status)
        cli_warn("input ended early (%s): the frames before stand, as in a browser",
                 giflow_strerror(r.stats.input_status));
    report(j, &r, fallback, out->bytes);
    return 0;
}

static int edit_explode(edit_job *j)
{
    explode_out ex;
    memset(&ex, 0, sizeof ex);
    size_t n = strlen(j->out_path);
    char *base = strdup(j->out_path);
    if (!base)
        return EXIT_FAIL;
    if (n > 4 && !strcmp(base + n - 4, ".gif"))
        base[n - 4] = 0;
    ex.base = base;
    run_result r = run(j, &j->o, explode_write, &ex, explode_next, &ex, j->inputs, j->ninputs, 0);
    int code = 0;
    if (ex.open && (r.status != GIFLOW_OK ? (cli_out_abort(&ex.out), 1) : cli_out_commit(&ex.out)))
        code = EXIT_FAIL;
    if (r.status != GIFLOW_OK) {
        if (r.status != GIFLOW_ERR_IO)
            cli_error("edit: %s", giflow_strerror(r.status));
        code = EXIT_FAIL;
    }
    if (!code)
        report(j, &r, NULL, r.stats.bytes_out);
    free(base);
    return code;
}

int cmd_edit(int argc, char **argv)
{
    edit_job j;
    memset(&j, 0, sizeof j);
    int code = EXIT_USAGE;
    if (parse_args(&j, argc, argv))
        goto done;
    code = EXIT_FAIL;
    for (int i = 0; i < j.ninputs; i++)
        if (cli_protect_input(j.inputs[i]))
            goto done;
    if (j.explode) {
        code = edit_explode(&j);
        goto done;
    }
    cli_out out;
    if (cli_out_check(j.out_path) || cli_out_open(&out, j.out_path))
        goto done;
    code = edit_one(&j, &out);
    if (code == 0 && cli_out_commit(&out))
        code = EXIT_FAIL;
    else if (code != 0)
        cli_out_abort(&out);
done:
    free(j.list);
    free(j.sel);
    return code;
}
