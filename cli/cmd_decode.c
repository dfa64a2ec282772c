/* giflow decode: every frame as a browser shows it, as PNG files or as raw
 * RGBA. Input is streamed and each frame is written as soon as it is
 * complete, so output starts before the input has ended. */
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "io.h"
#include "json.h"
#include "png.h"

/* --frame, --frames and --at, in the order given. */
typedef struct pick {
    int at;                      /* 1: a time (ms), else frames a..b */
    uint64_t ms;
    uint32_t a, b;               /* b UINT32_MAX: "a-" to the last frame */
} pick;

typedef struct decode_job {
    const char *in_path, *out_path;
    pick *picks;                 /* --frame/--frames/--at, or NULL: all */
    size_t npicks;
    int single_png;              /* -o FILE.png: one picked frame */
    int only_frame;              /* -o FILE.png with no pick: the file's
                                    one frame (more is a usage error) */
    int raw, json, partial, stats;
    int crop, resize;            /* --crop / --resize given */
    uint32_t crop_x, crop_y, crop_w, crop_h;
    uint32_t box_w, box_h;       /* --resize box; 0 = any */
    uint32_t out_w, out_h;       /* frames written: canvas or viewport */
    cli_decode_opts opts;
    cli_out raw_out;
    uint32_t written;
} decode_job;

static const char help[] =
    "usage: giflow decode [options] FILE -o DIR\n"
    "       giflow decode --raw [options] FILE -o OUT\n"
    "FILE may be - (stdin); with --raw, OUT may be - (stdout).\n"
    "  -o PATH        output directory (PNG: DIR/frame_0000.png ...), raw file, or\n"
    "                 FILE.png for one frame: picked with --frame or --at, or a\n"
    "                 one-frame file's frame\n"
    "  --raw          write frames as raw RGBA, width*height*4 bytes each (the canvas,\n"
    "                 or the size --crop/--resize give)\n"
    "  --crop X,Y,W,H decode only this rectangle of the canvas (W or H 0: to the edge)\n"
    "  --resize WxH   shrink to fit inside WxH, keeping the aspect ratio (area average;\n"
    "                 W or H 0: no limit on that side); never enlarges. Applied after\n"
    "                 --crop. Memory follows the output size, not the canvas\n"
    "  --frame N      only frame N (0-based); with -o FILE.png, that file\n"
    "  --frames LIST  only these frames, in this order: 0-9,12,20- (PNG files keep\n"
    "                 their frame numbers). The others are not composed: frames are\n"
    "                 reached from the nearest keyframe or snapshot (giflow_player)\n"
    "  --at TIME[,..] the frame a browser shows TIME after the start (2.5s, 400ms;\n"
    "                 plain numbers are seconds), looping as the file says\n"
    "  --partial      also write a frame whose data is broken, as far as it decoded\n"
    "  --json         print a JSON summary on stdout\n"
    "  --stats        print the decoder's peak heap next to the canvas size\n";

/* Writes one composed canvas, as frame number `number`. Returns 0 on
 * success. */
static int write_frame(decode_job *j, const uint8_t *canvas, uint32_t w, uint32_t h,
                       uint32_t number)
{
    size_t bytes = (size_t)w * h * 4;
    if (j->raw) {
        if (cli_out_write(&j->raw_out, canvas, bytes))
            return -1;
        /* Let the reader of a pipe start on each frame as it is done. */
        return j->raw_out.kind == CLI_OUT_ATOMIC ? 0 : cli_out_flush(&j->raw_out);
    }
    size_t n = strlen(j->out_path) + 32;
    char *path = malloc(n);
    if (!path)
        return -1;
    if (j->single_png)
        snprintf(path, n, "%s", j->out_path);
    else
        snprintf(path, n, "%s/frame_%04u.png", j->out_path, number);
    cli_out o;
    int r = cli_out_open(&o, path);
    if (!r && cli_png_write(&o, canvas, w, h, (size_t)w * 4) != 0) {
        cli_out_abort(&o);
        r = -1;
    } else if (!r) {
        r = cli_out_commit(&o);
    }
    free(path);
    return r;
}

enum {
    OPT_OUT = 1, OPT_RAW, OPT_JSON, OPT_STATS, OPT_PARTIAL, OPT_CROP, OPT_RESIZE,
    OPT_FRAME, OPT_FRAMES, OPT_AT
};
static const cli_opt decode_table[] = {
    {"output", 'o', 1, OPT_OUT},   {"raw", 0, 0, OPT_RAW},         {"json", 0, 0, OPT_JSON},
    {"stats", 0, 0, OPT_STATS},    {"partial", 0, 0, OPT_PARTIAL}, {"crop", 0, 1, OPT_CROP},
    {"resize", 0, 1, OPT_RESIZE},  {"frame", 0, 1, OPT_FRAME},     {"frames", 0, 1, OPT_FRAMES},
    {"at", 0, 1, OPT_AT},          CLI_OPT_END,
};

static int add_pick(decode_job *j, pick p)
{
    if (j->npicks >= 100000)
        return -1;
    pick *n = realloc(j->picks, (j->npicks + 1) * sizeof *n);
    if (!n)
        return -1;
    j->picks = n;
    j->picks[j->npicks++] = p;
    return 0;
}

/* A frame number: digits only, below 2^32 - 1. */
static int frame_number(const char *s, const char **end, uint32_t *v)
{
    uint64_t x = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && x < UINT32_MAX)
        x = x * 10 + (uint64_t)(*p++ - '0');
    *end = p;
    if (p == s || x >= UINT32_MAX)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

/* "0-9,12,20-": frames and inclusive ranges; an open range runs to the
 * last frame. */
static int parse_frames(decode_job *j, const cli_args *a, const char *s)
{
    for (;;) {
        pick p = {0, 0, 0, 0};
        const char *e;
        if (frame_number(s, &e, &p.a))
            return cli_bad_value(a, "a list of frames like 0-9,12,20-");
        p.b = p.a;
        if (*e == '-') {
            s = e + 1;
            p.b = UINT32_MAX;
            e = s;
            if (*s && *s != ',' && (frame_number(s, &e, &p.b) || p.b < p.a))
                return cli_bad_value(a, "a list of frames like 0-9,12,20- (ranges go up)");
        }
        if (add_pick(j, p))
            return cli_bad_value(a, "at most 100000 items");
        if (!*e)
            return 0;
        if (*e != ',')
            return cli_bad_value(a, "a list of frames like 0-9,12,20-");
        s = e + 1;
    }
}

/* "2.5s", "400ms", "3" (seconds), comma-separated. */
static int parse_times(decode_job *j, const cli_args *a, const char *s)
{
    for (;;) {
        char *e;
        double v = (*s >= '0' && *s <= '9') || *s == '.' ? strtod(s, &e) : -1;
        if (v >= 0 && e > s + strspn(s, CLI_DECIMAL_CHARS))
            v = -1; /* hex */
        double scale = 1000;
        if (v >= 0 && !strncmp(e, "ms", 2))
            scale = 1, e += 2;
        else if (v >= 0 && *e == 's')
            e++;
        if (!(v >= 0) || (*e && *e != ',') || v * scale > 1e15)
            return cli_bad_value(a, "times like 2.5s or 400ms (0 to 10^15 ms)");
        pick p = {1, (uint64_t)(v * scale + 0.5), 0, 0};
        if (add_pick(j, p))
            return cli_bad_value(a, "at most 100000 items");
        if (!*e)
            return 0;
        s = e + 1;
    }
}

/* Applies one of decode's own options. Returns 0, or -1 on a bad value. */
static int decode_opt(decode_job *j, const cli_args *a, int k)
{
    uint32_t v[4];
    switch (k) {
    case OPT_OUT: j->out_path = a->val; break;
    case OPT_RAW: j->raw = 1; break;
    case OPT_JSON: j->json = 1; break;
    case OPT_STATS: j->stats = 1; break;
    case OPT_PARTIAL: j->partial = 1; break;
    case OPT_FRAME: {
        const char *e;
        pick p = {0, 0, 0, 0};
        if (frame_number(a->val, &e, &p.a) || *e)
            return cli_bad_value(a, "a frame number");
        p.b = p.a;
        return add_pick(j, p);
    }
    case OPT_FRAMES: return parse_frames(j, a, a->val);
    case OPT_AT: return parse_times(j, a, a->val);
    case OPT_CROP:
        if (cli_parse_list(a->val, ',', v, 4))
            return cli_bad_value(a, "X,Y,W,H");
        j->crop = 1;
        j->crop_x = v[0], j->crop_y = v[1], j->crop_w = v[2], j->crop_h = v[3];
        break;
    case OPT_RESIZE:
        if (cli_parse_list(a->val, 'x', v, 2) || (!v[0] && !v[1]))
            return cli_bad_value(a, "WxH (one of them may be 0)");
        j->resize = 1;
        j->box_w = v[0], j->box_h = v[1];
        break;
    default:
        return cli_decode_opt(&j->opts, a, k) > 0 ? 0 : -1;
    }
    return 0;
}

static int parse_args(decode_job *j, int argc, char **argv)
{
    giflow_limits_default(&j->opts.limits);
    cli_args a;
    cli_args_init(&a, "decode", argc, argv, decode_table, cli_decode_opt_table);
    for (int k; (k = cli_next(&a)) != CLI_ARG_DONE;) {
        if (k == CLI_ARG_HELP) {
            printf("%s%s", help, cli_decode_opts_help);
            exit(0);
        } else if (k == CLI_ARG_OPERAND && !j->in_path) {
            j->in_path = a.val;
        } else if (k == CLI_ARG_OPERAND) {
            cli_error("decode: one input FILE at a time ('%s' is a second one)", a.val);
            return -1;
        } else if (k == CLI_ARG_ERROR || decode_opt(j, &a, k)) {
            return -1;
        }
    }
    if (!j->in_path || !j->out_path) {
        cli_error("decode: need an input FILE and -o %s", j->raw ? "OUT" : "DIR");
        return -1;
    }
    size_t n = strlen(j->out_path);
    j->single_png = !j->raw && n > 4 && !strcmp(j->out_path + n - 4, ".png");
    if (j->single_png && !j->npicks) {
        pick first = {0, 0, 0, 0};
        if (add_pick(j, first)) {
            cli_error("out of memory");
            return -1;
        }
        j->only_frame = 1;
    } else if (j->single_png && (j->npicks != 1 || j->picks[0].b != j->picks[0].a)) {
        cli_error("decode: -o FILE.png takes one frame (--frame N or one --at); "
                  "give a directory for more");
        return -1;
    }
    if (j->picks && j->partial) {
        cli_error("decode: --partial applies to decoding every frame, not to picked frames");
        return -1;
    }
    if (!j->raw && !strcmp(j->out_path, "-")) {
        cli_error("decode: PNG output needs a directory; use --raw for stdout");
        return -1;
    }
    if (j->json && j->raw && !strcmp(j->out_path, "-")) {
        cli_error("decode: --json and raw output on stdout cannot share stdout");
        return -1;
    }
    if (cli_protect_input(j->in_path) || cli_out_check(j->out_path))
        return -1;
    return 0;
}

/* Output size: w x h shrunk to fit the --resize box, aspect kept (the
 * other side rounded half up, at least 1). */
static void fit(const decode_job *j, uint32_t w, uint32_t h, uint32_t *ow, uint32_t *oh)
{
    *ow = w;
    *oh = h;
    if (!j->resize)
        return;
    /* Which side limits: W/w <= H/h, compared without division. */
    int by_w = j->box_w && (!j->box_h || (uint64_t)j->box_w * h <= (uint64_t)j->box_h * w);
    if (by_w && j->box_w < w) {
        *ow = j->box_w;
        *oh = (uint32_t)(((uint64_t)2 * h * j->box_w + w) / (2 * (uint64_t)w));
    } else if (!by_w && j->box_h < h) {
        *oh = j->box_h;
        *ow = (uint32_t)(((uint64_t)2 * w * j->box_h + h) / (2 * (uint64_t)h));
    }
    if (!*ow)
        *ow = 1;
    if (!*oh)
        *oh = 1;
}

/* Sets the decoder's viewport from --crop / --resize. Returns GIFLOW_OK or
 * an error (GIFLOW_ERR_ARG: the crop is not inside the canvas). */
static int set_viewport(decode_job *j, giflow_decoder *dec, giflow_player *pl,
                        const giflow_image_info *im)
{
    j->out_w = im->canvas_width;
    j->out_h = im->canvas_height;
    if (!j->crop && !j->resize)
        return GIFLOW_OK;
    giflow_viewport vp = {j->crop_x, j->crop_y, j->crop_w, j->crop_h, 0, 0};
    int r = GIFLOW_ERR_ARG;
    if (vp.crop_x < im->canvas_width && vp.crop_y < im->canvas_height) {
        /* A 0 size reaches the edge; the library checks the rest. */
        fit(j, vp.crop_width ? vp.crop_width : im->canvas_width - vp.crop_x,
            vp.crop_height ? vp.crop_height : im->canvas_height - vp.crop_y, &vp.out_width,
            &vp.out_height);
        r = dec ? giflow_decoder_set_viewport(dec, &vp) : giflow_player_set_viewport(pl, &vp);
    }
    if (r == GIFLOW_ERR_ARG)
        cli_error("decode: --crop %u,%u,%u,%u is not inside the %ux%u canvas", j->crop_x,
                  j->crop_y, j->crop_w, j->crop_h, im->canvas_width, im->canvas_height);
    else if (r == GIFLOW_OK) {
        j->out_w = vp.out_width;
        j->out_h = vp.out_height;
    }
    return r;
}

static void print_json(const decode_job *j, const giflow_image_info *im, int status,
                       size_t peak, uint64_t offset)
{
    fputs("{\"file\":", stdout);
    json_str(stdout, j->in_path);
    fputs(",\"output\":", stdout);
    json_str(stdout, j->out_path);
    fprintf(stdout, ",\"format\":\"%s\",\"canvas_width\":%u,\"canvas_height\":%u,"
                    "\"output_width\":%u,\"output_height\":%u,"
                    "\"frames_written\":%u,\"decoder_peak_heap\":%zu,\"decoder_state\":%zu,"
            "\"canvas_bytes\":%zu,\"complete\":%s,",
            j->raw ? "rgba" : "png", im->canvas_width, im->canvas_height, j->out_w, j->out_h,
            j->written, peak,
            giflow_decoder_state_size(), (size_t)im->canvas_width * im->canvas_height * 4,
            status == GIFLOW_END ? "true" : "false");
    if (status == GIFLOW_END)
        fputs("\"error\":null", stdout);
    else
        json_error(stdout, status, giflow_strerror(status), offset);
    fputs("}\n", stdout);
}

/* ---- --frame, --frames, --at: random access through giflow_player ---- */

static ptrdiff_t file_read(void *user, uint8_t *buf, size_t n)
{
    size_t k = fread(buf, 1, n, user);
    return k == 0 && ferror((FILE *)user) ? -1 : (ptrdiff_t)k;
}

static int file_seek(void *user, uint64_t off)
{
    return off > INT64_MAX || fseeko(user, (off_t)off, SEEK_SET) != 0;
}

/* The input for the player: a seekable file through a source, anything
 * else (stdin, a pipe) read into memory first. */
typedef struct pick_input {
    FILE *f;
    uint8_t *data;
    giflow_source src;
    uint8_t buf[65536];
} pick_input;

static int open_pick_input(pick_input *in, const char *path, giflow_player *pl)
{
    int is_stdin = !strcmp(path, "-");
    in->f = is_stdin ? stdin : fopen(path, "rb");
    if (!in->f) {
        cli_error("%s: cannot open", path);
        return -1;
    }
    if (!is_stdin && fseeko(in->f, 0, SEEK_END) == 0 && ftello(in->f) >= 0 &&
        fseeko(in->f, 0, SEEK_SET) == 0) {
        giflow_source_callbacks(&in->src, file_read, file_seek, in->f, in->buf, sizeof in->buf);
        return giflow_player_set_source(pl, &in->src) == GIFLOW_OK ? 0 : -1;
    }
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            uint8_t *d = cap > SIZE_MAX / 2 ? NULL : realloc(in->data, cap ? 2 * cap : 1 << 16);
            if (!d) {
                cli_error("%s: out of memory reading the input", path);
                return -1;
            }
            in->data = d;
            cap = cap ? 2 * cap : 1 << 16;
        }
        size_t k = fread(in->data + n, 1, cap - n, in->f);
        n += k;
        if (k == 0)
            break;
    }
    if (ferror(in->f)) {
        cli_error("%s: read error", path);
        return -1;
    }
    return giflow_player_set_memory(pl, in->data, n, 1) == GIFLOW_OK ? 0 : -1;
}

static void close_pick_input(pick_input *in)
{
    if (in->f && in->f != stdin)
        fclose(in->f);
    free(in->data);
}

/* Frames the picks write, or 0 when an open range ("5-") leaves it to the
 * file. */
static uint64_t picks_total(const decode_job *j)
{
    uint64_t n = 0;
    for (size_t i = 0; i < j->npicks; i++) {
        if (!j->picks[i].at && j->picks[i].b == UINT32_MAX)
            return 0;
        n += j->picks[i].at ? 1 : (uint64_t)j->picks[i].b - j->picks[i].a + 1;
    }
    return n;
}

/* Writes the picks in order. Returns GIFLOW_OK or the error that stopped
 * it (reported). */
static int write_picks(decode_job *j, giflow_player *pl, cli_progress *prog)
{
    giflow_player_info info;
    int r = GIFLOW_OK;
    uint64_t total = picks_total(j);
    for (size_t i = 0; i < j->npicks && r == GIFLOW_OK; i++) {
        const pick *p = &j->picks[i];
        giflow_player_frame f;
        if (p->at) {
            r = giflow_player_frame_at(pl, p->ms, &f);
            if (r == GIFLOW_OK && write_frame(j, f.rgba, f.width, f.height, f.index))
                return GIFLOW_ERR_IO;
            j->written += r == GIFLOW_OK;
            cli_progress_update(prog, j->written, total);
            continue;
        }
        for (uint64_t k = p->a; k <= p->b && r == GIFLOW_OK; k++) {
            r = giflow_player_seek(pl, (uint32_t)k, &f);
            if (r == GIFLOW_END && p->b == UINT32_MAX && k > p->a)
                break; /* an open range ends with the file */
            if (r == GIFLOW_END) {
                giflow_player_get_info(pl, &info);
                cli_error("%s: no frame %llu (the file has %u)", j->in_path,
                          (unsigned long long)k, info.frames);
                return r;
            }
            if (r == GIFLOW_OK && write_frame(j, f.rgba, f.width, f.height, f.index))
                return GIFLOW_ERR_IO;
            j->written += r == GIFLOW_OK;
            cli_progress_update(prog, j->written, total);
        }
        if (r == GIFLOW_END)
            r = GIFLOW_OK;
    }
    if (r != GIFLOW_OK)
        cli_error("%s: %s", j->in_path, giflow_strerror(r));
    return r;
}

static int decode_picks(decode_job *j)
{
    giflow_player_options o;
    giflow_player_options_default(&o);
    o.limits = &j->opts.limits;
    o.flags = j->opts.flags;
    giflow_player *pl = giflow_player_new(NULL, &o);
    pick_input in;
    memset(&in, 0, sizeof in);
    if (!pl || open_pick_input(&in, j->in_path, pl)) {
        if (!pl)
            cli_error("out of memory");
        giflow_player_free(pl);
        close_pick_input(&in);
        return EXIT_FAIL;
    }
    giflow_player_info info;
    giflow_image_info im;
    memset(&im, 0, sizeof im);
    int r = giflow_player_get_info(pl, &info), code = EXIT_FAIL;
    im.canvas_width = info.canvas_width;
    im.canvas_height = info.canvas_height;
    if (r == GIFLOW_OK && (r = set_viewport(j, NULL, pl, &im)) == GIFLOW_ERR_ARG)
        code = EXIT_USAGE;
    if (r == GIFLOW_NEED_INPUT)
        r = GIFLOW_ERR_TRUNCATED;
    int out_ok = r == GIFLOW_OK && (j->raw ? cli_out_open(&j->raw_out, j->out_path) == 0
                                           : j->single_png || cli_mkdir(j->out_path) == 0);
    if (r != GIFLOW_OK && code != EXIT_USAGE)
        cli_error("%s: %s", j->in_path, giflow_strerror(r));
    if (out_ok && j->only_frame) {
        giflow_player_frame f;
        if (giflow_player_seek(pl, 1, &f) == GIFLOW_OK) {
            cli_error("decode: %s has more than one frame: -o FILE.png takes one (--frame N or "
                      "one --at); give a directory for all", j->in_path);
            out_ok = 0;
            code = EXIT_USAGE;
        }
    }
    if (out_ok) {
        cli_progress prog;
        cli_progress_start(&prog, "decoding frame");
        r = write_picks(j, pl, &prog);
        cli_progress_end(&prog);
        code = r == GIFLOW_OK ? 0 : j->written && r != GIFLOW_ERR_IO ? EXIT_PARTIAL : EXIT_FAIL;
        if (j->raw && code == EXIT_FAIL)
            cli_out_abort(&j->raw_out);
        else if (j->raw && cli_out_commit(&j->raw_out))
            code = EXIT_FAIL;
    }
    giflow_player_get_info(pl, &info);
    if (j->stats)
        fprintf(stderr,
                "giflow: %u frames written of %u; output %ux%u; player peak heap %zu bytes "
                "(limit %zu: budget + fixed state %zu), %u snapshots\n",
                j->written, info.frames, info.width, info.height, info.peak_heap, info.limit,
                giflow_player_state_size(), info.snapshots);
    if (j->json) {
        fputs("{\"file\":", stdout);
        json_str(stdout, j->in_path);
        fputs(",\"output\":", stdout);
        json_str(stdout, j->out_path);
        printf(",\"format\":\"%s\",\"canvas_width\":%u,\"canvas_height\":%u,"
               "\"output_width\":%u,\"output_height\":%u,\"frames\":%u,\"duration_ms\":%llu,"
               "\"loop_count\":%d,\"frames_written\":%u,\"player_peak_heap\":%zu,"
               "\"player_limit\":%zu,\"error\":",
               j->raw ? "rgba" : "png", info.canvas_width, info.canvas_height, info.width,
               info.height, info.frames, (unsigned long long)info.duration_ms, info.loop_count,
               j->written, info.peak_heap, info.limit);
        if (r == GIFLOW_OK)
            fputs("null", stdout);
        else
            json_str(stdout, giflow_strerror(r));
        fputs("}\n", stdout);
    }
    giflow_player_free(pl);
    close_pick_input(&in);
    return code;
}

int cmd_decode(int argc, char **argv)
{
    decode_job j;
    memset(&j, 0, sizeof j);
    if (parse_args(&j, argc, argv)) {
        free(j.picks);
        return EXIT_USAGE;
    }
    if (j.picks) {
        int code = decode_picks(&j);
        free(j.picks);
        return code;
    }

    cli_reader rd;
    if (cli_reader_open(&rd, j.in_path, j.opts.chunk)) {
        cli_reader_close(&rd);
        return EXIT_FAIL;
    }
    /* The canvas comes zero-filled (cli_canvas_alloc: calloc, or a mapping
     * with huge pages): pages no frame paints (a broken first frame of a
     * huge canvas) are never touched. */
    j.opts.flags |= GIFLOW_FLAG_ZEROED_CANVAS;
    giflow_decoder *dec = cli_decoder(&j.opts);
    if (!dec) {
        cli_reader_close(&rd);
        return EXIT_FAIL;
    }
    giflow_image_info im;
    memset(&im, 0, sizeof im);
    uint8_t *canvas = NULL;
    cli_canvas canvas_mem = {NULL, NULL, 0};
    int r, out_ok = 0, io_failed = 0;
    CLI_PUMP(r, &rd, giflow_decode_image_info(dec, &rd.in, &im));
    if (r == GIFLOW_OK && (r = set_viewport(&j, dec, NULL, &im)) == GIFLOW_ERR_ARG) {
        giflow_decoder_free(dec);
        cli_reader_close(&rd);
        return EXIT_USAGE;
    }
    if (r == GIFLOW_OK) {
        size_t bytes = (size_t)j.out_w * j.out_h * 4;
        canvas = cli_canvas_alloc(&canvas_mem, bytes);
        if (!canvas)
            r = GIFLOW_ERR_NOMEM;
    }
    if (r == GIFLOW_OK)
        out_ok = j.raw ? cli_out_open(&j.raw_out, j.out_path) == 0
                       : cli_mkdir(j.out_path) == 0;
    if (r == GIFLOW_OK && !out_ok) {
        io_failed = 1;
        r = GIFLOW_ERR_IO;
    }
    if (out_ok && j.raw && j.raw_out.kind == CLI_OUT_STDOUT)
        cli_pipe_widen(j.raw_out.fd);

    cli_progress prog;
    cli_progress_start(&prog, "decoding frame");
    size_t stride = (size_t)j.out_w * 4;
    while (r == GIFLOW_OK) {
        giflow_frame_info f;
        CLI_PUMP(r, &rd, giflow_decode_frame_info(dec, &rd.in, &f));
        if (r != GIFLOW_OK)
            break;
        CLI_PUMP(r, &rd, giflow_decode_frame_rgba(dec, &rd.in, canvas, stride));
        if (r == GIFLOW_FRAME_END || j.partial) {
            if (write_frame(&j, canvas, j.out_w, j.out_h, j.written)) {
                io_failed = 1;
                r = GIFLOW_ERR_IO;
                break;
            }
            j.written++;
            /* Frames ahead are not known; the input's share read is. */
            cli_progress_update_bytes(&prog, j.written, rd.total - (rd.in.size - rd.in.pos),
                                      rd.size);
        }
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
    }
    cli_progress_end(&prog);

    /* Complete frames stand even when the stream breaks later (browser
     * model); only an I/O failure or no frame at all discards raw output. */
    int code = r == GIFLOW_END ? 0 : (j.written && !io_failed ? EXIT_PARTIAL : EXIT_FAIL);
    if (j.raw && out_ok) {
        if (code == EXIT_FAIL)
            cli_out_abort(&j.raw_out);
        else if (cli_out_commit(&j.raw_out))
            code = EXIT_FAIL;
    }
    if (r != GIFLOW_END && !io_failed) /* an output failure was reported */
        cli_error("%s: %s%s", j.in_path, giflow_strerror(r),
                  code == EXIT_PARTIAL ? " (complete frames were written)" : "");
    size_t peak;
    giflow_decoder_heap(dec, &peak);
    if (j.stats) {
        size_t canvas_bytes = (size_t)im.canvas_width * im.canvas_height * 4;
        fprintf(stderr,
                "giflow: %u frames, canvas %ux%u = %zu bytes (%s); decoder peak "
                "heap %zu bytes (fixed state %zu), %.1f%% of one canvas\n",
                j.written, im.canvas_width, im.canvas_height, canvas_bytes,
                j.crop || j.resize ? "never held" : "caller-owned", peak,
                giflow_decoder_state_size(),
                canvas_bytes ? 100.0 * (double)peak / (double)canvas_bytes : 0.0);
        if (j.crop || j.resize)
            fprintf(stderr, "giflow: viewport output %ux%u = %zu bytes (caller-owned)\n",
                    j.out_w, j.out_h, (size_t)j.out_w * j.out_h * 4);
    }
    if (j.json)
        print_json(&j, &im, r, peak, rd.total - (rd.in.size - rd.in.pos));
    cli_canvas_free(&canvas_mem);
    giflow_decoder_free(dec);
    cli_reader_close(&rd);
    return code;
}
