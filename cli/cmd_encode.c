/* giflow encode: PNG/JPEG files, raw RGBA or YUV4MPEG2 streams to a GIF,
 * streamed frame by frame through the library's encoder. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "io.h"
#include "json.h"

static const char help[] =
    "usage: giflow encode [options] -o OUT.gif INPUT...\n"
    "INPUT: PNG or JPEG files, in order; or one raw/y4m stream with --raw/--y4m\n"
    "(- reads stdin), e.g.\n"
    "  ffmpeg -i in.mp4 -f rawvideo -pix_fmt rgba - | giflow encode --raw 640x360 --fps 25 -o a.gif -\n"
    "options:\n"
    "  -o FILE               output GIF (written to a temporary name, then renamed)\n"
    "  --raw WxH             INPUT is raw RGBA frames of W x H\n"
    "  --y4m                 INPUT is a YUV4MPEG2 stream (its frame rate is used)\n"
    "  --fps N               frames per second (may be fractional, e.g. 29.97)\n"
    "  --delay CS            every frame lasts CS centiseconds\n"
    "  --durations FILE      one duration in milliseconds per line, per frame\n"
    "  --colors N            palette size, 2..256 (default 256)\n"
    "  --dither none|fs|ordered   (default none; fs smooths gradients, costs bytes)\n"
    "  --lossy N             keep on-screen colours within N levels (1..64) of a\n"
    "                        changed pixel: smaller files, bounded error (default 0)\n"
    "  --effort 0..3         palette quantizer effort (default 0: fastest)\n"
    "  -Q, --quality N       one knob, 1..100 (default: 95): sets --denoise,\n"
    "                        --lossy-lzw, --lossy and --colors (see giflow(1));\n"
    "                        options given as well take precedence\n"
    "  --fast                --palette global --denoise-frames 3: no per-frame\n"
    "                        palettes; up to 2x faster, a little less exact\n"
    "  --lossy-lzw N         lossy LZW: strings go on through colours up to N levels\n"
    "                        (1..64) worse than the pixel's own (default 0: off)\n"
    "  --denoise N           temporal denoising, 0..100 (default 23; 0: off): a\n"
    "                        pixel keeps its value while its source stays within\n"
    "                        N/10 x the measured noise; clean sources pass as is\n"
    "  --denoise-frames N    frames the denoiser looks at, 3..8 (default 4)\n"
    "  --palette global|local|auto|FILE.gif   (default auto; FILE.gif: use its palette)\n"
    "  --loop N              repeats after the first play; 0 = forever (default),\n"
    "                        -1 = play once (no loop extension)\n"
    "  --lossless            fail if a frame has more than --colors colours\n"
    "  --no-optimize         full frames, no frame differencing\n"
    "  --comment TEXT        add a comment extension\n"
    "  --json                print a JSON summary on stdout\n";

typedef struct enc_job {
    const char *out_path;
    const char **inputs;
    int ninputs;
    uint32_t raw_w, raw_h;
    int y4m, json;
    double fps;
    long delay_cs;
    const char *durations_path;
    giflow_encode_options opt;
    const char *palette_gif;
    uint8_t palette[768];
    int quality, fast;        /* --quality (0: not given), --fast */
    unsigned given;           /* options given explicitly (1 << OPT_*) */
} enc_job;

/* Every file read is registered, so that -o naming one of them (through
 * any link) is refused before anything is written. */
static int protect_inputs(const enc_job *j)
{
    int r = 0;
    for (int i = 0; i < j->ninputs && !r; i++)
        r = cli_protect_input(j->inputs[i]);
    if (!r && j->palette_gif)
        r = cli_protect_input(j->palette_gif);
    if (!r && j->durations_path)
        r = cli_protect_input(j->durations_path);
    if (r)
        cli_error("out of memory");
    return r ? r : cli_out_check(j->out_path);
}

enum {
    OPT_OUT = 1, OPT_RAW, OPT_Y4M, OPT_FPS, OPT_DELAY, OPT_DURATIONS, OPT_COLORS, OPT_LOSSY,
    OPT_EFFORT, OPT_DITHER, OPT_PALETTE, OPT_LOOP, OPT_LOSSLESS, OPT_NO_OPTIMIZE, OPT_COMMENT,
    OPT_JSON, OPT_DENOISE, OPT_DENOISE_FRAMES, OPT_LOSSY_LZW, OPT_QUALITY, OPT_FAST,
};
static const cli_opt encode_table[] = {
    {"output", 'o', 1, OPT_OUT},       {"raw", 0, 1, OPT_RAW},
    {"y4m", 0, 0, OPT_Y4M},            {"fps", 0, 1, OPT_FPS},
    {"delay", 0, 1, OPT_DELAY},        {"durations", 0, 1, OPT_DURATIONS},
    {"colors", 0, 1, OPT_COLORS},      {"lossy", 0, 1, OPT_LOSSY},
    {"effort", 0, 1, OPT_EFFORT},      {"dither", 0, 1, OPT_DITHER},
    {"palette", 0, 1, OPT_PALETTE},    {"loop", 0, 1, OPT_LOOP},
    {"lossless", 0, 0, OPT_LOSSLESS},  {"no-optimize", 0, 0, OPT_NO_OPTIMIZE},
    {"comment", 0, 1, OPT_COMMENT},    {"json", 0, 0, OPT_JSON},
    {"denoise", 0, 1, OPT_DENOISE},    {"denoise-frames", 0, 1, OPT_DENOISE_FRAMES},
    {"lossy-lzw", 0, 1, OPT_LOSSY_LZW},  {"quality", 'Q', 1, OPT_QUALITY},
    {"fast", 0, 0, OPT_FAST},
    CLI_OPT_END,
};

/* A frame lasts at most 65535 cs, so the slowest rate is 1/655.35 s. */
#define MIN_FPS (1.0 / 655.35)

/* Options whose values are numbers. Returns 1 if k was one (0 if not),
 * -1 on a bad value. */
static int number_opt(enc_job *j, const cli_args *a, int k)
{
    long n = 0;
    uint32_t v[2];
    switch (k) {
    case OPT_FPS: return cli_val_double(a, MIN_FPS, 1000, " frames per second", &j->fps) ? -1 : 1;
    case OPT_DELAY: return cli_val_long(a, 0, 65535, " centiseconds", &j->delay_cs) ? -1 : 1;
    case OPT_COLORS:
        if (cli_val_long(a, 2, 256, "", &n))
            return -1;
        j->opt.max_colors = (uint32_t)n;
        return 1;
    case OPT_LOSSY:
        if (cli_val_long(a, 0, 64, "", &n))
            return -1;
        j->opt.lossy = (int)n;
        return 1;
    case OPT_EFFORT:
        if (cli_val_long(a, GIFLOW_EFFORT_FASTEST, GIFLOW_EFFORT_BEST, "", &n))
            return -1;
        j->opt.effort = (int)n;
        return 1;
    case OPT_QUALITY:
        if (cli_val_long(a, 1, 100, "", &n))
            return -1;
        j->quality = (int)n;
        return 1;
    case OPT_LOSSY_LZW:
        if (cli_val_long(a, 0, 64, "", &n))
            return -1;
        j->opt.lossy_lzw = (int)n;
        return 1;
    case OPT_DENOISE:
        if (cli_val_long(a, 0, 100, "", &n))
            return -1;
        j->opt.denoise = (int)n;
        return 1;
    case OPT_DENOISE_FRAMES:
        if (cli_val_long(a, 3, 8, "", &n))
            return -1;
        j->opt.denoise_frames = (int)n;
        return 1;
    case OPT_LOOP:
        if (cli_val_long(a, -1, 65535, "", &n))
            return -1;
        j->opt.loop_count = (int)n;
        return 1;
    case OPT_RAW:
        if (cli_parse_list(a->val, 'x', v, 2) || !v[0] || !v[1] || v[0] > 65535 || v[1] > 65535)
            return cli_bad_value(a, "WxH of 1..65535 each, e.g. 640x360");
        j->raw_w = v[0];
        j->raw_h = v[1];
        return 1;
    default: return 0;
    }
}

/* The other options. Returns 0, or -1 on a bad value. */
static int encode_opt(enc_job *j, const cli_args *a, int k)
{
    static const char *const dithers[] = {"none", "fs", "ordered", NULL};
    int r = number_opt(j, a, k), c;
    if (r)
        return r < 0 ? -1 : 0;
    switch (k) {
    case OPT_OUT: j->out_path = a->val; break;
    case OPT_Y4M: j->y4m = 1; break;
    case OPT_DURATIONS: j->durations_path = a->val; break;
    case OPT_LOSSLESS: j->opt.lossless = 1; break;
    case OPT_FAST: j->fast = 1; break;
    case OPT_NO_OPTIMIZE: j->opt.optimize = 0; break;
    case OPT_JSON: j->json = 1; break;
    case OPT_COMMENT:
        j->opt.comment = (const uint8_t *)a->val;
        j->opt.comment_size = strlen(a->val);
        break;
    case OPT_DITHER:
        if ((c = cli_val_choice(a, dithers)) < 0)
            return -1;
        j->opt.dither = c == 0 ? GIFLOW_DITHER_NONE : c == 1 ? GIFLOW_DITHER_FS
                                                             : GIFLOW_DITHER_ORDERED;
        break;
    case OPT_PALETTE:
        c = !strcmp(a->val, "auto") ? 0 : !strcmp(a->val, "global") ? 1
            : !strcmp(a->val, "local") ? 2 : -1;
        if (c < 0)
            j->palette_gif = a->val; /* a GIF whose palette is used */
        else
            j->opt.palette = c == 0 ? GIFLOW_PALETTE_AUTO : c == 1 ? GIFLOW_PALETTE_GLOBAL
                                                                 : GIFLOW_PALETTE_LOCAL;
        break;
    default: return -1;
    }
    return 0;
}

/* --quality sets the tools it maps to (giflow_encode_options_quality),
 * --fast one global palette (quantized once, not per frame) and a 3-frame
 * denoising window; options given explicitly win, wherever they stand on
 * the command line. */
static void apply_quality(enc_job *j)
{
    giflow_encode_options q = j->opt;
    if (j->quality)
        giflow_encode_options_quality(&q, j->quality);
#define TAKE(id, field)                      \
    if (!(j->given & (1u << (id))))          \
        j->opt.field = q.field;
    TAKE(OPT_DENOISE, denoise)
    TAKE(OPT_LOSSY_LZW, lossy_lzw)
    TAKE(OPT_LOSSY, lossy)
    TAKE(OPT_COLORS, max_colors)
#undef TAKE
    if (j->fast && !(j->given & (1u << OPT_DENOISE_FRAMES)))
        j->opt.denoise_frames = 3;
    if (j->fast && !(j->given & (1u << OPT_PALETTE)))
        j->opt.palette = GIFLOW_PALETTE_GLOBAL;
}

static int parse_args(enc_job *j, int argc, char **argv)
{
    giflow_encode_options_default(&j->opt);
    j->delay_cs = -1;
    j->inputs = calloc((size_t)argc, sizeof *j->inputs);
    if (!j->inputs)
        return -1;
    cli_args a;
    cli_args_init(&a, "encode", argc, argv, encode_table, NULL);
    for (int k; (k = cli_next(&a)) != CLI_ARG_DONE;) {
        if (k == CLI_ARG_HELP) {
            fputs(help, stdout);
            exit(0);
        } else if (k == CLI_ARG_OPERAND) {
            j->inputs[j->ninputs++] = a.val;
        } else if (k == CLI_ARG_ERROR || encode_opt(j, &a, k)) {
            return -1;
        } else {
            j->given |= 1u << k;
        }
    }
    apply_quality(j);
    if (!j->out_path || !j->ninputs) {
        cli_error("encode: need -o OUT.gif and at least one INPUT (see --help)");
        return -1;
    }
    if ((j->raw_w || j->y4m) && j->ninputs != 1) {
        cli_error("encode: --raw and --y4m read one stream");
        return -1;
    }
    if ((j->fps > 0) + (j->delay_cs >= 0) + (j->durations_path != NULL) > 1) {
        cli_error("encode: use only one of --fps, --delay and --durations");
        return -1;
    }
    return protect_inputs(j);
}

/* Reads the global palette of a GIF (or its first frame's palette). */
static int load_palette_gif(enc_job *j)
{
    cli_reader rd;
    if (cli_reader_open(&rd, j->palette_gif, 0)) {
        cli_reader_close(&rd);
        return -1;
    }
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_image_info im;
    giflow_frame_info f;
    int r;
    CLI_PUMP(r, &rd, giflow_decode_image_info(dec, &rd.in, &im));
    const uint8_t *pal = NULL;
    uint32_t n = 0;
    if (r == GIFLOW_OK && im.global_palette_size) {
        pal = im.global_palette;
        n = im.global_palette_size;
    } else if (r == GIFLOW_OK) {
        CLI_PUMP(r, &rd, giflow_decode_frame_info(dec, &rd.in, &f));
        if (r == GIFLOW_OK && f.palette_size) {
            pal = f.palette;
            n = f.palette_size;
        }
    }
    if (pal) {
        memcpy(j->palette, pal, 3 * (size_t)n);
        j->opt.global_palette = j->palette;
        j->opt.global_palette_size = n;
        j->opt.palette = GIFLOW_PALETTE_GLOBAL;
    } else {
        cli_error("%s: no palette found (%s)", j->palette_gif,
                  r < 0 ? giflow_strerror(r) : "no colour table");
    }
    giflow_decoder_free(dec);
    cli_reader_close(&rd);
    return pal ? 0 : -1;
}

/* Frame timing: --delay, --durations, --fps, the y4m rate, or 10 cs. */
typedef struct timing {
    int mode;
    uint32_t delay_cs;
    double frame_ms;
    FILE *durations;
    uint64_t n;
} timing;

static int next_timing(timing *t, giflow_frame *f)
{
    f->time_mode = t->mode;
    if (t->mode == GIFLOW_TIME_DELAY_CS) {
        f->delay_cs = t->delay_cs;
    } else if (t->durations) {
        double ms;
        if (fscanf(t->durations, "%lf", &ms) != 1 || ms < 0 || ms > 655350) {
            cli_error("--durations: no valid duration for frame %llu",
                      (unsigned long long)t->n + 1);
            return -1;
        }
        f->duration_ms = (uint32_t)(ms + 0.5);
    } else {
        f->timestamp_ms = (int64_t)((double)t->n * t->frame_ms + 0.5);
    }
    t->n++;
    return 0;
}

typedef struct source {
    enc_job *j;
    cli_stream stream;
    int is_stream;
    int next_file;
    uint32_t w, h;
    uint8_t *frame; /* stream frame buffer */
    cli_image img;
} source;

/* The next frame as RGBA, or NULL at the end (*err set on failure). */
static const uint8_t *next_frame(source *s, int *err)
{
    *err = 0;
    if (s->is_stream) {
        int r = cli_stream_read(&s->stream, s->frame);
        *err = r < 0;
        return r == 1 ? s->frame : NULL;
    }
    cli_image_free(&s->img);
    if (s->next_file >= s->j->ninputs)
        return NULL;
    const char *path = s->j->inputs[s->next_file++];
    if (cli_load_image(path, &s->img)) {
        *err = 1;
        return NULL;
    }
    if (!s->w) {
        s->w = s->img.w;
        s->h = s->img.h;
    } else if (s->img.w != s->w || s->img.h != s->h) {
        cli_error("%s: %ux%u, but the first frame is %ux%u", path, s->img.w, s->img.h, s->w,
                  s->h);
        *err = 1;
        return NULL;
    }
    return s->img.rgba;
}

/* Feeds up to 16 evenly spaced frames to giflow_encode_sample() so the
 * global palette suits the whole animation; only for inputs that can be
 * read twice (files, not pipes). */
static int sample_frames(enc_job *j, source *src, giflow_encoder *enc)
{
    uint64_t n = src->is_stream ? src->stream.frames_hint : (uint64_t)j->ninputs;
    if (n < 2 || j->opt.palette == GIFLOW_PALETTE_LOCAL || j->palette_gif)
        return 0;
    uint64_t want = n < 16 ? n : 16;
    uint8_t *buf = src->is_stream ? malloc((size_t)src->w * src->h * 4) : NULL;
    int r = 0;
    for (uint64_t k = 0; k < want && r == 0; k++) {
        uint64_t i = want > 1 ? k * (n - 1) / (want - 1) : 0;
        giflow_frame f;
        giflow_frame_init(&f);
        cli_image img = {0, 0, NULL};
        if (src->is_stream) {
            if (!buf || !cli_stream_read_at(&src->stream, i, buf))
                break;
            f.rgba = buf;
        } else {
            if (cli_load_image(j->inputs[i], &img) || img.w != src->w || img.h != src->h) {
                cli_image_free(&img);
                break; /* the encoding pass reports the problem */
            }
            f.rgba = img.rgba;
        }
        if (giflow_encode_sample(enc, &f) != GIFLOW_OK)
            r = -1;
        cli_image_free(&img);
    }
    free(buf);
    return r;
}

/* One image, row by row in two passes (statistics, then encoding): the
 * whole image is never held, so any size fits in a few megabytes. */
static int encode_rows(enc_job *j)
{
    cli_rows rd;
    uint8_t *row = NULL;
    giflow_encoder *enc = NULL;
    cli_out out;
    int out_open = 0, code = EXIT_FAIL, r = GIFLOW_OK;
    memset(&out, 0, sizeof out);
    if (cli_rows_open(&rd, j->inputs[0]))
        goto done;
    j->opt.width = rd.w;
    j->opt.height = rd.h;
    j->opt.row_streaming = 1;
    row = malloc((size_t)rd.w * 4);
    enc = giflow_encoder_new(NULL);
    if (!row || !enc || cli_out_open(&out, j->out_path))
        goto done;
    out_open = 1;
    giflow_encoder_set_output(enc, cli_out_write_fn, &out);
    r = giflow_encode_begin(enc, &j->opt);
    cli_progress prog;
    cli_progress_start(&prog, "reading row");
    if (!j->palette_gif) {
        int k;
        while (r == GIFLOW_OK && (k = cli_rows_read(&rd, row)) == 1) {
            r = giflow_encode_sample_rows(enc, row, 1, 0);
            cli_progress_update(&prog, rd.y, rd.h);
        }
        cli_rows_close(&rd);
        if (r == GIFLOW_OK && (k < 0 || cli_rows_open(&rd, j->inputs[0])))
            goto done;
    }
    giflow_frame f;
    giflow_frame_init(&f);
    f.delay_cs = j->delay_cs > 0 ? (uint32_t)j->delay_cs : 0;
    if (r == GIFLOW_OK)
        r = giflow_encode_rows_begin(enc, &f);
    prog.what = "encoding row";
    while (r == GIFLOW_OK && rd.y < rd.h) {
        if (cli_rows_read(&rd, row) != 1)
            goto done;
        r = giflow_encode_rows(enc, row, 1, 0);
        cli_progress_update(&prog, rd.y, rd.h);
    }
    cli_progress_end(&prog);
    if (r == GIFLOW_OK)
        r = giflow_encode_rows_end(enc);
    if (r == GIFLOW_OK)
        r = giflow_encode_finish(enc, -1);
    if (r != GIFLOW_OK) {
        if (!out.err) /* else the write error has been reported */
            cli_error("encode: %s", giflow_strerror(r));
        goto done;
    }
    if (cli_out_commit(&out) == 0) {
        out_open = 0;
        code = 0;
        if (j->json) {
            giflow_encode_stats st;
            giflow_encoder_stats(enc, &st);
            printf("{\"output\":");
            json_str(stdout, j->out_path);
            printf(",\"width\":%u,\"height\":%u,\"frames_in\":1,\"frames_out\":1,"
                   "\"row_streaming\":true,\"bytes\":%llu,\"encoder_peak_heap\":%zu}\n",
                   rd.w, rd.h, (unsigned long long)st.bytes, st.peak_heap);
        }
    }
done:
    if (out_open)
        cli_out_abort(&out);
    cli_rows_close(&rd);
    giflow_encoder_free(enc);
    free(row);
    return code;
}

int cmd_encode(int argc, char **argv)
{
    enc_job j;
    memset(&j, 0, sizeof j);
    if (parse_args(&j, argc, argv)) {
        free(j.inputs);
        return EXIT_USAGE;
    }
    int code = EXIT_FAIL, err = 0;
    source src;
    memset(&src, 0, sizeof src);
    src.j = &j;
    timing t = {GIFLOW_TIME_DELAY_CS, 10, 0, NULL, 0};
    cli_out out;
    memset(&out, 0, sizeof out);
    giflow_encoder *enc = NULL;
    int out_open = 0;

    if (j.palette_gif && load_palette_gif(&j))
        goto done;
    /* A single image is encoded by rows: any size in bounded memory. */
    if (j.ninputs == 1 && !j.raw_w && !j.y4m) {
        code = encode_rows(&j);
        free(j.inputs);
        return code;
    }
    /* Open the source and learn the canvas size from it. */
    const uint8_t *frame = NULL;
    if (j.raw_w || j.y4m) {
        src.is_stream = 1;
        if (j.y4m ? cli_stream_open_y4m(&src.stream, j.inputs[0])
                  : cli_stream_open_raw(&src.stream, j.inputs[0], j.raw_w, j.raw_h))
            goto done;
        src.w = src.stream.w;
        src.h = src.stream.h;
        src.frame = malloc((size_t)src.w * src.h * 4);
        if (!src.frame) {
            cli_error("out of memory");
            goto done;
        }
    }
    frame = next_frame(&src, &err);
    if (!frame) {
        if (!err)
            cli_error("encode: no frames in the input");
        goto done;
    }
    if (src.w > 65535 || src.h > 65535) {
        cli_error("encode: %ux%u is larger than GIF allows (65535x65535)", src.w, src.h);
        goto done;
    }

    if (j.delay_cs >= 0) {
        t.delay_cs = (uint32_t)j.delay_cs;
    } else if (j.durations_path) {
        t.mode = GIFLOW_TIME_DURATION_MS;
        if (!(t.durations = fopen(j.durations_path, "r"))) {
            cli_error("%s: %s", j.durations_path, strerror(errno));
            goto done;
        }
    } else if (j.fps > 0 || (src.is_stream && src.stream.fps_num && src.stream.fps_den)) {
        t.mode = GIFLOW_TIME_TIMESTAMP_MS;
        t.frame_ms = j.fps > 0 ? 1000.0 / j.fps
                               : 1000.0 * src.stream.fps_den / src.stream.fps_num;
    }

    enc = giflow_encoder_new(NULL);
    if (!enc || cli_out_open(&out, j.out_path))
        goto done;
    out_open = 1;
    giflow_encoder_set_output(enc, cli_out_write_fn, &out);
    j.opt.width = src.w;
    j.opt.height = src.h;
    int r = giflow_encode_begin(enc, &j.opt);
    if (r == GIFLOW_OK)
        sample_frames(&j, &src, enc);
    uint64_t total = src.is_stream ? src.stream.frames_hint : (uint64_t)j.ninputs;
    cli_progress prog;
    cli_progress_start(&prog, "encoding frame");
    uint64_t n = 0;
    while (r == GIFLOW_OK && frame) {
        giflow_frame gf;
        giflow_frame_init(&gf);
        gf.rgba = frame;
        if (next_timing(&t, &gf)) {
            err = 1;
            break;
        }
        r = giflow_encode_frame(enc, &gf);
        /* A pipe's reader gets each frame as it is written. */
        if (r == GIFLOW_OK && out.kind != CLI_OUT_ATOMIC && cli_out_flush(&out))
            r = GIFLOW_ERR_IO;
        cli_progress_update(&prog, ++n, total);
        if (r == GIFLOW_OK)
            frame = next_frame(&src, &err);
    }
    cli_progress_end(&prog);
    if (r == GIFLOW_OK && !err)
        r = giflow_encode_finish(enc, (int64_t)((double)t.n * t.frame_ms + 0.5));
    if (r != GIFLOW_OK) {
        if (!out.err) /* else the write error has been reported */
            cli_error("encode: %s", giflow_strerror(r));
        err = 1;
    }
    if (!err && cli_out_commit(&out) == 0) {
        out_open = 0;
        code = 0;
        giflow_encode_stats st;
        giflow_encoder_stats(enc, &st);
        if (j.json) {
            printf("{\"output\":");
            json_str(stdout, j.out_path);
            printf(",\"width\":%u,\"height\":%u,\"frames_in\":%u,\"frames_out\":%u,"
                   "\"local_palettes\":%u,\"lossless_frames\":%u,\"bytes\":%llu,"
                   "\"duration_cs\":%llu,\"encoder_peak_heap\":%zu}\n",
                   src.w, src.h, st.frames_in, st.frames_out, st.local_palettes,
                   st.lossless_frames, (unsigned long long)st.bytes,
                   (unsigned long long)st.duration_cs, st.peak_heap);
        }
    }
done:
    if (out_open)
        cli_out_abort(&out);
    if (t.durations)
        fclose(t.durations);
    giflow_encoder_free(enc);
    cli_image_free(&src.img);
    if (src.is_stream)
        cli_stream_close(&src.stream);
    free(src.frame);
    free(j.inputs);
    return code;
}
