/* giflow info: the structure of a GIF, streamed. Each frame is printed as
 * it is parsed (pixel data is skipped unless --verify decodes it), so
 * memory does not depend on the number of frames; totals come last. Only
 * comments are kept, up to a fixed cap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "io.h"
#include "json.h"

#define COMMENT_CAP (1u << 20) /* comment bytes kept for printing */
#define COMMENTS_KEPT 4096     /* comments kept for printing */

/* Comments as they arrive, kept up to the caps; storage grows by doubling,
 * so many small sub-blocks cost amortised constant time each. */
typedef struct comments {
    char *text;
    size_t len, cap;
    size_t *end; /* comment i ends at end[i] in text */
    uint32_t n, cap_n;
    uint64_t seen; /* comments in the file, kept or not */
    int truncated;
} comments;

typedef struct info_job {
    const char *path;
    int json, verify;
    cli_decode_opts opts;
    cli_reader rd;
    giflow_image_info im;
    int started;    /* image info printed */
    uint32_t frames;
    uint64_t delay_ms, played_ms;
    comments c;
} info_job;

/* Grows *p (cap elements of size each) to hold need, doubling. */
static int grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*(void **)p, n * size);
    if (!q)
        return -1;
    *(void **)p = q;
    *cap = n;
    return 0;
}

static int on_meta(void *user, const giflow_meta *m)
{
    comments *c = user;
    if (m->kind != GIFLOW_META_COMMENT)
        return 0;
    if (m->block_index == 0 && !m->last) {
        c->seen++;
        size_t cap_n = c->cap_n;
        if (c->n == COMMENTS_KEPT) {
            c->truncated = 1;
        } else {
            if (grow(&c->end, &cap_n, (size_t)c->n + 1, sizeof *c->end))
                return 1;
            c->cap_n = (uint32_t)cap_n;
            c->end[c->n++] = c->len;
        }
    }
    /* Only a kept comment grows; once one is dropped, so are the rest. */
    if (!m->size || !c->n || c->seen != c->n)
        return 0;
    size_t k = m->size;
    if (c->len + k > COMMENT_CAP) {
        k = COMMENT_CAP - c->len;
        c->truncated = 1;
    }
    if (grow(&c->text, &c->cap, c->len + k, 1))
        return 1;
    memcpy(c->text + c->len, m->data, k);
    c->len += k;
    c->end[c->n - 1] = c->len;
    return 0;
}

/* ---- Output ------------------------------------------------------------- */

static void json_head(const info_job *j)
{
    const giflow_image_info *im = &j->im;
    printf(",\"version\":\"GIF%da\",\"canvas_width\":%u,\"canvas_height\":%u,"
           "\"screen_width\":%u,\"screen_height\":%u,\"global_palette_size\":%u,"
           "\"background_index\":%d,\"frames\":[",
           im->version, im->canvas_width, im->canvas_height, im->screen_width,
           im->screen_height, im->global_palette_size, im->background_index);
}

static void json_frame(const info_job *j, const giflow_frame_info *f, int status)
{
    printf("%s{\"x\":%u,\"y\":%u,\"width\":%u,\"height\":%u,\"delay_cs\":%u,"
           "\"played_delay_ms\":%u,\"disposal\":%d,",
           j->frames ? "," : "", f->x, f->y, f->width, f->height, f->delay_cs,
           f->played_delay_ms, f->disposal);
    if (f->transparent_index < 0)
        fputs("\"transparent_index\":null,", stdout);
    else
        printf("\"transparent_index\":%d,", f->transparent_index);
    printf("\"interlaced\":%s,\"local_palette\":%s,\"palette_size\":%u,"
           "\"min_code_size\":%d,\"offset\":%llu",
           f->interlaced ? "true" : "false", f->has_local_palette ? "true" : "false",
           f->palette_size, f->min_code_size, (unsigned long long)f->offset);
    if (j->verify)
        printf(",\"complete\":%s", status == GIFLOW_FRAME_END ? "true" : "false");
    fputc('}', stdout);
}

static void json_comments(const comments *c)
{
    fputs("\"comments\":[", stdout);
    for (uint32_t i = 0; i < c->n; i++) {
        size_t b = i ? c->end[i - 1] : 0;
        if (i)
            fputc(',', stdout);
        json_bytes(stdout, c->text + b, c->end[i] - b);
    }
    printf("],\"comment_count\":%llu,\"comments_truncated\":%s", (unsigned long long)c->seen,
           c->truncated ? "true" : "false");
}

static void text_head(const info_job *j)
{
    const giflow_image_info *im = &j->im;
    printf("%s: GIF%da, canvas %ux%u", j->path, im->version, im->canvas_width,
           im->canvas_height);
    if (im->canvas_width != im->screen_width || im->canvas_height != im->screen_height)
        printf(" (screen %ux%u)", im->screen_width, im->screen_height);
    printf("\n");
    if (im->has_global_palette)
        printf("  global palette: %u colours, background index %d\n", im->global_palette_size,
               im->background_index);
}

static void text_frame(const info_job *j, const giflow_frame_info *f, int status)
{
    printf("  frame %u: %ux%u at %u,%u  delay %u cs  disposal %d", j->frames, f->width,
           f->height, f->x, f->y, f->delay_cs, f->disposal);
    if (f->transparent_index >= 0)
        printf("  transparent %d", f->transparent_index);
    if (f->has_local_palette)
        printf("  local palette %u", f->palette_size);
    if (f->interlaced)
        printf("  interlaced");
    if (j->verify && status != GIFLOW_FRAME_END)
        printf("  BROKEN: %s", giflow_strerror(status));
    printf("\n");
}

static void text_tail(const info_job *j, int loop)
{
    const comments *c = &j->c;
    for (uint32_t i = 0; i < c->n; i++) {
        size_t b = i ? c->end[i - 1] : 0;
        printf("  comment: %.*s\n", (int)(c->end[i] - b), c->text + b);
    }
    if (c->truncated)
        printf("  (%llu comments; only the first %u, up to %u bytes, are shown)\n",
               (unsigned long long)c->seen, c->n, COMMENT_CAP);
    printf("  %u frame%s", j->frames, j->frames == 1 ? "" : "s");
    if (loop < 0)
        printf(", plays once");
    else if (loop == 0)
        printf(", loops forever");
    else
        printf(", repeats %d times", loop);
    if (j->frames > 1)
        printf(", %.2f s as played", (double)j->played_ms / 1000.0);
    printf("\n");
}

/* ---- Decoding ----------------------------------------------------------- */

static int parse_args(info_job *j, int argc, char **argv)
{
    enum { OPT_JSON = 1, OPT_VERIFY };
    static const cli_opt table[] = {
        {"json", 0, 0, OPT_JSON}, {"verify", 0, 0, OPT_VERIFY}, CLI_OPT_END};
    giflow_limits_default(&j->opts.limits);
    cli_args a;
    cli_args_init(&a, "info", argc, argv, table, cli_decode_opt_table);
    for (int k; (k = cli_next(&a)) != CLI_ARG_DONE;) {
        if (k == OPT_JSON) {
            j->json = 1;
        } else if (k == OPT_VERIFY) {
            j->verify = 1;
        } else if (k == CLI_ARG_HELP) {
            printf("usage: giflow info [--json] [--verify] [options] FILE\n"
                   "  --json     machine-readable output\n"
                   "  --verify   decode every frame and report broken ones\n%s",
                   cli_decode_opts_help);
            exit(0);
        } else if (k == CLI_ARG_OPERAND && !j->path) {
            j->path = a.val;
        } else if (k == CLI_ARG_OPERAND) {
            cli_error("info: one FILE at a time ('%s' is a second one)", a.val);
            return -1;
        } else if (k == CLI_ARG_ERROR || cli_decode_opt(&j->opts, &a, k) < 0) {
            return -1;
        }
    }
    if (!j->path) {
        cli_error("info: no input file (see 'giflow info --help')");
        return -1;
    }
    return 0;
}

/* Reads and prints the frames. Returns the final status. */
static int list_frames(info_job *j, giflow_decoder *dec)
{
    cli_reader *rd = &j->rd;
    int r;
    for (;;) {
        giflow_frame_info f;
        CLI_PUMP(r, rd, giflow_decode_frame_info(dec, &rd->in, &f));
        if (r != GIFLOW_OK)
            return r;
        int st = GIFLOW_FRAME_END;
        if (j->verify) {
            giflow_row row;
            do
                CLI_PUMP(st, rd, giflow_decode_row(dec, &rd->in, &row));
            while (st == GIFLOW_OK);
        }
        if (j->json)
            json_frame(j, &f, st);
        else
            text_frame(j, &f, st);
        j->frames++;
        j->delay_ms += (uint64_t)f.delay_cs * 10;
        j->played_ms += f.played_delay_ms;
        if (st != GIFLOW_FRAME_END)
            return st;
    }
}

static int run_info(info_job *j, giflow_decoder *dec)
{
    cli_reader *rd = &j->rd;
    int r;
    CLI_PUMP(r, rd, giflow_decode_image_info(dec, &rd->in, &j->im));
    if (r == GIFLOW_OK) {
        j->started = 1;
        if (j->json)
            json_head(j);
        else
            text_head(j);
        r = list_frames(j, dec);
    }
    uint64_t offset = rd->total - (rd->in.size - rd->in.pos);
    int loop = giflow_decoder_loop_count(dec);
    if (j->json) {
        if (j->started) {
            printf("],\"frame_count\":%u,\"duration_ms\":%llu,\"played_duration_ms\":%llu,",
                   j->frames, (unsigned long long)j->delay_ms, (unsigned long long)j->played_ms);
            if (loop < 0)
                fputs("\"loop_count\":null,", stdout);
            else
                printf("\"loop_count\":%d,", loop);
            json_comments(&j->c);
        }
        fputc(',', stdout);
        if (r == GIFLOW_END)
            fputs("\"error\":null", stdout);
        else
            json_error(stdout, r, giflow_strerror(r), offset);
        fputs("}\n", stdout);
    } else if (j->started) {
        text_tail(j, loop);
    }
    if (r != GIFLOW_END)
        cli_error("%s: %s (at byte %llu)", j->path, giflow_strerror(r),
                  (unsigned long long)offset);
    return r;
}

int cmd_info(int argc, char **argv)
{
    info_job j;
    memset(&j, 0, sizeof j);
    if (parse_args(&j, argc, argv))
        return EXIT_USAGE;
    if (j.json) {
        fputs("{\"file\":", stdout);
        json_str(stdout, j.path);
    }
    giflow_decoder *dec = NULL;
    int r = GIFLOW_ERR_IO;
    if (cli_reader_open(&j.rd, j.path, j.opts.chunk) == 0 && (dec = cli_decoder(&j.opts))) {
        giflow_decoder_set_meta_callback(dec, on_meta, &j.c);
        r = run_info(&j, dec);
    } else if (j.json) {
        /* Reported on stderr already; scripts get it as JSON too. */
        fputc(',', stdout);
        json_error(stdout, dec || j.rd.err ? GIFLOW_ERR_IO : GIFLOW_ERR_NOMEM,
                   j.rd.err ? strerror(j.rd.err) : "out of memory", 0);
        fputs("}\n", stdout);
    }
    giflow_decoder_free(dec);
    cli_reader_close(&j.rd);
    free(j.c.text);
    free(j.c.end);
    if (r == GIFLOW_END)
        return 0;
    return j.frames ? EXIT_PARTIAL : EXIT_FAIL;
}
