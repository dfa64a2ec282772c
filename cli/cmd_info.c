/* giflow info: the structure of a GIF, streamed (pixel data is skipped
 * unless --verify asks for every frame to be decoded). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "io.h"
#include "json.h"

#define COMMENT_CAP (1u << 20) /* bytes of comments kept for printing */

typedef struct info_state {
    giflow_frame_info *frames;
    int *frame_status; /* with --verify: GIFLOW_FRAME_END or an error */
    uint32_t n, cap;
    /* Comments: each ends at comment_end[i] in text. */
    char *text;
    size_t text_len;
    size_t *comment_end;
    uint32_t ncomments, comments_cap;
    int comments_truncated;
} info_state;

static int on_meta(void *user, const giflow_meta *m)
{
    info_state *s = user;
    if (m->kind != GIFLOW_META_COMMENT)
        return 0;
    if (m->block_index == 0 && !m->last) {
        if (s->ncomments == s->comments_cap) {
            s->comments_cap = s->comments_cap ? 2 * s->comments_cap : 4;
            size_t *e = realloc(s->comment_end, s->comments_cap * sizeof *e);
            if (!e)
                return 1;
            s->comment_end = e;
        }
        s->comment_end[s->ncomments++] = s->text_len;
    }
    if (!m->size)
        return 0;
    size_t n = m->size;
    if (s->text_len + n > COMMENT_CAP) {
        n = COMMENT_CAP - s->text_len;
        s->comments_truncated = 1;
    }
    char *t = realloc(s->text, s->text_len + n + 1);
    if (!t)
        return 1;
    s->text = t;
    memcpy(s->text + s->text_len, m->data, n);
    s->text_len += n;
    if (s->ncomments)
        s->comment_end[s->ncomments - 1] = s->text_len;
    return 0;
}

static int push_frame(info_state *s, const giflow_frame_info *f)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        giflow_frame_info *nf = realloc(s->frames, s->cap * sizeof *nf);
        int *ns = realloc(s->frame_status, s->cap * sizeof *ns);
        if (nf)
            s->frames = nf;
        if (ns)
            s->frame_status = ns;
        if (!nf || !ns)
            return -1;
    }
    s->frames[s->n] = *f;
    s->frames[s->n].palette = NULL; /* not valid beyond this frame */
    s->frame_status[s->n] = GIFLOW_FRAME_END;
    s->n++;
    return 0;
}

static void print_json(const char *path, const giflow_image_info *im, int loop,
                       const info_state *s, int status, int verify)
{
    FILE *o = stdout;
    uint64_t total_ms = 0, played_ms = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        total_ms += (uint64_t)s->frames[i].delay_cs * 10;
        played_ms += s->frames[i].played_delay_ms;
    }
    fputs("{\"file\":", o);
    json_str(o, path);
    fprintf(o, ",\"version\":\"GIF%da\",\"canvas_width\":%u,\"canvas_height\":%u,"
               "\"screen_width\":%u,\"screen_height\":%u,",
            im->version, im->canvas_width, im->canvas_height, im->screen_width,
            im->screen_height);
    if (loop < 0)
        fputs("\"loop_count\":null,", o);
    else
        fprintf(o, "\"loop_count\":%d,", loop);
    fprintf(o, "\"global_palette_size\":%u,\"background_index\":%d,"
               "\"frame_count\":%u,\"duration_ms\":%llu,\"played_duration_ms\":%llu,",
            im->global_palette_size, im->background_index, s->n,
            (unsigned long long)total_ms, (unsigned long long)played_ms);
    fputs("\"comments\":[", o);
    for (uint32_t i = 0; i < s->ncomments; i++) {
        size_t b = i ? s->comment_end[i - 1] : 0;
        if (i)
            fputc(',', o);
        json_bytes(o, s->text + b, s->comment_end[i] - b);
    }
    fputs("],\"frames\":[", o);
    for (uint32_t i = 0; i < s->n; i++) {
        const giflow_frame_info *f = &s->frames[i];
        fprintf(o, "%s{\"x\":%u,\"y\":%u,\"width\":%u,\"height\":%u,\"delay_cs\":%u,"
                   "\"played_delay_ms\":%u,\"disposal\":%d,",
                i ? "," : "", f->x, f->y, f->width, f->height, f->delay_cs,
                f->played_delay_ms, f->disposal);
        if (f->transparent_index < 0)
            fputs("\"transparent_index\":null,", o);
        else
            fprintf(o, "\"transparent_index\":%d,", f->transparent_index);
        fprintf(o, "\"interlaced\":%s,\"local_palette\":%s,\"palette_size\":%u,"
                   "\"min_code_size\":%d,\"offset\":%llu",
                f->interlaced ? "true" : "false", f->has_local_palette ? "true" : "false",
                f->palette_size, f->min_code_size, (unsigned long long)f->offset);
        if (verify) {
            int st = s->frame_status[i];
            fputs(",\"complete\":", o);
            fputs(st == GIFLOW_FRAME_END ? "true" : "false", o);
        }
        fputc('}', o);
    }
    fputs("],\"error\":", o);
    if (status == GIFLOW_END)
        fputs("null", o);
    else
        json_str(o, giflow_strerror(status));
    fputs("}\n", o);
}

static void print_text(const char *path, const giflow_image_info *im, int loop,
                       const info_state *s, int verify)
{
    uint64_t ms = 0;
    for (uint32_t i = 0; i < s->n; i++)
        ms += s->frames[i].played_delay_ms;
    printf("%s: GIF%da, canvas %ux%u", path, im->version, im->canvas_width,
           im->canvas_height);
    if (im->canvas_width != im->screen_width || im->canvas_height != im->screen_height)
        printf(" (screen %ux%u)", im->screen_width, im->screen_height);
    printf(", %u frame%s", s->n, s->n == 1 ? "" : "s");
    if (loop < 0)
        printf(", plays once");
    else if (loop == 0)
        printf(", loops forever");
    else
        printf(", repeats %d times", loop);
    if (s->n > 1)
        printf(", %.2f s as played", ms / 1000.0);
    printf("\n");
    if (im->has_global_palette)
        printf("  global palette: %u colours, background index %d\n",
               im->global_palette_size, im->background_index);
    for (uint32_t i = 0; i < s->n; i++) {
        const giflow_frame_info *f = &s->frames[i];
        printf("  frame %u: %ux%u at %u,%u  delay %u cs  disposal %d", i, f->width,
               f->height, f->x, f->y, f->delay_cs, f->disposal);
        if (f->transparent_index >= 0)
            printf("  transparent %d", f->transparent_index);
        if (f->has_local_palette)
            printf("  local palette %u", f->palette_size);
        if (f->interlaced)
            printf("  interlaced");
        if (verify && s->frame_status[i] != GIFLOW_FRAME_END)
            printf("  BROKEN: %s", giflow_strerror(s->frame_status[i]));
        printf("\n");
    }
    for (uint32_t i = 0; i < s->ncomments; i++) {
        size_t b = i ? s->comment_end[i - 1] : 0;
        printf("  comment: %.*s\n", (int)(s->comment_end[i] - b), s->text + b);
    }
}

int cmd_info(int argc, char **argv)
{
    enum { OPT_JSON = 1, OPT_VERIFY };
    static const cli_opt table[] = {
        {"json", 0, 0, OPT_JSON}, {"verify", 0, 0, OPT_VERIFY}, CLI_OPT_END};
    int json = 0, verify = 0;
    const char *path = NULL;
    cli_decode_opts opts = {0};
    giflow_limits_default(&opts.limits);
    cli_args a;
    cli_args_init(&a, "info", argc, argv, table, cli_decode_opt_table);
    for (int k; (k = cli_next(&a)) != CLI_ARG_DONE;) {
        if (k == OPT_JSON) {
            json = 1;
        } else if (k == OPT_VERIFY) {
            verify = 1;
        } else if (k == CLI_ARG_HELP) {
            printf("usage: giflow info [--json] [--verify] [options] FILE\n"
                   "  --json     machine-readable output\n"
                   "  --verify   decode every frame and report broken ones\n%s",
                   cli_decode_opts_help);
            return 0;
        } else if (k == CLI_ARG_OPERAND && !path) {
            path = a.val;
        } else if (k == CLI_ARG_OPERAND) {
            cli_error("info: one FILE at a time ('%s' is a second one)", a.val);
            return EXIT_USAGE;
        } else if (k == CLI_ARG_ERROR || cli_decode_opt(&opts, &a, k) < 0) {
            return EXIT_USAGE;
        }
    }
    if (!path) {
        cli_error("info: no input file (see 'giflow info --help')");
        return EXIT_USAGE;
    }

    cli_reader rd;
    info_state s;
    memset(&s, 0, sizeof s);
    giflow_decoder *dec = NULL;
    int r = cli_reader_open(&rd, path, opts.chunk);
    if (r == 0 && !(dec = cli_decoder(&opts)))
        r = -1;
    if (r) {
        cli_reader_close(&rd);
        return EXIT_FAIL;
    }
    giflow_decoder_set_meta_callback(dec, on_meta, &s);

    giflow_image_info im;
    memset(&im, 0, sizeof im);
    CLI_PUMP(r, &rd, giflow_decode_image_info(dec, &rd.in, &im));
    while (r == GIFLOW_OK) {
        giflow_frame_info f;
        CLI_PUMP(r, &rd, giflow_decode_frame_info(dec, &rd.in, &f));
        if (r != GIFLOW_OK)
            break;
        if (push_frame(&s, &f)) {
            r = GIFLOW_ERR_NOMEM;
            break;
        }
        if (verify) {
            giflow_row row;
            do
                CLI_PUMP(r, &rd, giflow_decode_row(dec, &rd.in, &row));
            while (r == GIFLOW_OK);
            s.frame_status[s.n - 1] = r;
            if (r == GIFLOW_FRAME_END)
                r = GIFLOW_OK;
        }
    }
    int loop = giflow_decoder_loop_count(dec);
    if (r == GIFLOW_OK || r == GIFLOW_END || s.n || im.canvas_width) {
        if (json)
            print_json(path, &im, loop, &s, r, verify);
        else
            print_text(path, &im, loop, &s, verify);
    }
    if (r != GIFLOW_END && !json)
        cli_error("%s: %s", path, giflow_strerror(r));
    giflow_decoder_free(dec);
    cli_reader_close(&rd);
    free(s.frames);
    free(s.frame_status);
    free(s.text);
    free(s.comment_end);
    if (r == GIFLOW_END)
        return 0;
    return s.n ? EXIT_PARTIAL : EXIT_FAIL;
}
