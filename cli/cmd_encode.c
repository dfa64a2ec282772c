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
#include "timing.h"

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
    "  --tune psnr|ssim      what palettes are built for (default psnr); ssim gives\n"
    "                        smooth areas and luma more entries: higher SSIM\n"
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
    "  --max-pixels N        refuse frames held whole above N pixels (default 2^27)\n"
    "  -q, --quiet           no summary line at the end\n"
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
    uint64_t max_pixels;  /* frames held whole (not a row-streamed still) */
    int quiet;
} enc_job;

#define TIMING_OPTS ((1u << OPT_FPS) | (1u << OPT_DELAY) | (1u << OPT_DURATIONS))
#define ALREADY_REPORTED (-1000) /* a failure whose message is out */

/* The default pixel limit for frames held whole: 2^27 (e.g. 11585 x
 * 11585), 512 MiB of RGBA, checked before anything that size exists. */
#define DEFAULT_MAX_PIXELS ((uint64_t)1 << 27)

static int too_many_pixels(const enc_job *j, uint32_t w, uint32_t h)
{
    if (!j->max_pixels || (uint64_t)w * h <= j->max_pixels)
        return 0;
    cli_error("encode: %ux%u frames are above the limit of %llu pixels (--max-pixels)", w, h,
              (unsigned long long)j->max_pixels);
    return 1;
}

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
    OPT_MAX_PIXELS, OPT_QUIET, OPT_TUNE,
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
    {"fast", 0, 0, OPT_FAST},          {"tune", 0, 1, OPT_TUNE},
    {"max-pixels", 0, 1, OPT_MAX_PIXELS}, {"quiet", 'q', 0, OPT_QUIET},
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
    case OPT_FPS:
        return cli_val_double(a, MIN_FPS, 1000, " frames per second", &j->fps) ? -1 : 1;
    case OPT_DELAY:
        return cli_val_long(a, 0, 65535, " centiseconds", &j->delay_cs) ? -1 : 1;
    case OPT_MAX_PIXELS:
        return cli_val_u64(a, 0, UINT64_MAX, " pixels (0: no limit)", &j->max_pixels) ? -1 : 1;
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
    static const char *const tunes[] = {"psnr", "ssim", NULL};
    int r = number_opt(j, a, k), c;
    if (r)
        return r < 0 ? -1 : 0;
    switch (k) {
    case OPT_OUT: j->out_path = a->val; break;
    case OPT_Y4M: j->y4m = 1; break;
    case OPT_DURATIONS: j->durations_path = a->val; break;
    case OPT_QUIET: j->quiet = 1; break;
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
    case OPT_TUNE:
        if ((c = cli_val_choice(a, tunes)) < 0)
            return -1;
        j->opt.tune = c == 1 ? GIFLOW_TUNE_SSIM : GIFLOW_TUNE_PSNR;
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
    j->max_pixels = DEFAULT_MAX_PIXELS;
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

/* Reads the global palette of a GIF, or its first frame's palette. A
 * file broken or cut after its global palette still gives that palette. */
static int load_palette_gif(enc_job *j)
{
    cli_reader rd;
    giflow_decoder *dec = NULL;
    giflow_image_info im;
    giflow_frame_info f;
    int r = GIFLOW_ERR_NOMEM;
    memset(&im, 0, sizeof im);
    if (cli_reader_open(&rd, j->palette_gif, 0)) {
        cli_reader_close(&rd);
        return -1;
    }
    if ((dec = giflow_decoder_new(NULL)))
        CLI_PUMP(r, &rd, giflow_decode_image_info(dec, &rd.in, &im));
    const uint8_t *pal = im.global_palette;
    uint32_t n = im.global_palette_size;
    if (!n && r == GIFLOW_OK) {
        CLI_PUMP(r, &rd, giflow_decode_frame_info(dec, &rd.in, &f));
        if (r == GIFLOW_OK && f.palette_size) {
            pal = f.palette;
            n = f.palette_size;
        }
    }
    if (n) {
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
    return n ? 0 : -1;
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

/* The next frame as RGBA, or NULL at the end: *err is 0, 1 on failure or
 * CLI_STREAM_PARTIAL when a stream ended inside a frame. */
static const uint8_t *next_frame(source *s, int *err)
{
    *err = 0;
    if (s->is_stream) {
        int r = cli_stream_read(&s->stream, s->frame);
        *err = r == CLI_STREAM_PARTIAL ? r : r < 0;
        return r == 1 ? s->frame : NULL;
    }
    cli_image_free(&s->img);
    if (s->next_file >= s->j->ninputs)
        return NULL;
    const char *path = s->j->inputs[s->next_file++];
    if (cli_load_image(path, &s->img, s->j->max_pixels)) {
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
 * read twice (files, not pipes). Quiet: the encoding pass reports any
 * problem, once. */
static int sample_frames(enc_job *j, source *src, giflow_encoder *enc)
{
    uint64_t n = src->is_stream ? src->stream.frames_hint : (uint64_t)j->ninputs;
    if (n < 2 || j->opt.palette == GIFLOW_PALETTE_LOCAL || j->palette_gif)
        return 0;
    uint64_t want = n < 16 ? n : 16;
    uint8_t *buf = src->is_stream ? malloc((size_t)src->w * src->h * 4) : NULL;
    int r = 0;
    cli_set_quiet(1);
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
            if (cli_load_image(j->inputs[i], &img, j->max_pixels) || img.w != src->w ||
                img.h != src->h) {
                cli_image_free(&img);
                break;
            }
            f.rgba = img.rgba;
        }
        if (giflow_encode_sample(enc, &f) != GIFLOW_OK)
            r = -1;
        cli_image_free(&img);
    }
    cli_set_quiet(0);
    free(buf);
    return r;
}

/* The one line an encode ends with (unless --quiet): what was written,
 * how big and how long it took. */
static void summary(const enc_job *j, giflow_encoder *enc, double t0)
{
    giflow_encode_stats st;
    giflow_encoder_stats(enc, &st);
    if (j->json) {
        printf("{\"output\":");
        json_str(stdout, j->out_path);
        printf(",\"width\":%u,\"height\":%u,\"frames_in\":%u,\"frames_out\":%u,"
               "\"local_palettes\":%u,\"lossless_frames\":%u,\"row_streaming\":%s,"
               "\"bytes\":%llu,\"duration_cs\":%llu,\"encoder_peak_heap\":%zu,"
               "\"seconds\":%.3f}\n",
               j->opt.width, j->opt.height, st.frames_in, st.frames_out, st.local_palettes,
               st.lossless_frames, j->opt.row_streaming ? "true" : "false",
               (unsigned long long)st.bytes, (unsigned long long)st.duration_cs,
               st.peak_heap, cli_now() - t0);
    }
    if (!j->quiet)
        fprintf(stderr, "giflow: %s: %u frame%s (%u given), %ux%u, %llu bytes, %.2f s\n",
                strcmp(j->out_path, "-") ? j->out_path : "stdout", st.frames_out,
                st.frames_out == 1 ? "" : "s", st.frames_in, j->opt.width, j->opt.height,
                (unsigned long long)st.bytes, cli_now() - t0);
}

/* Ends an encode: trailer, commit, summary. Returns the exit code. */
static int finish(enc_job *j, giflow_encoder *enc, cli_out *out, int r, int partial,
                  int64_t end_ms, double t0)
{
    if (r == GIFLOW_OK)
        r = giflow_encode_finish(enc, end_ms);
    if (r != GIFLOW_OK) {
        /* A write error has been reported by cli_out, a read error by the
         * reader. */
        if (!out->err && r != ALREADY_REPORTED)
            cli_error("encode: %s", giflow_strerror(r));
        cli_out_abort(out);
        return EXIT_FAIL;
    }
    if (cli_out_commit(out))
        return EXIT_FAIL;
    summary(j, enc, t0);
    if (partial)
        cli_warn("the input ended inside a frame; the complete frames were written");
    return partial ? EXIT_PARTIAL : 0;
}

/* One image, row by row in two passes (statistics, then encoding): the
 * whole image is never held, so any size fits in a few megabytes. */
static int encode_rows(enc_job *j, long delay_cs, double t0)
{
    cli_rows rd;
    uint8_t *row = NULL;
    giflow_encoder *enc = NULL;
    cli_out out;
    int r = GIFLOW_OK, code = EXIT_FAIL, k = 1;
    memset(&out, 0, sizeof out);
    if (cli_rows_open(&rd, j->inputs[0], j->max_pixels))
        goto done;
    j->opt.width = rd.w;
    j->opt.height = rd.h;
    j->opt.row_streaming = 1;
    row = malloc((size_t)rd.w * 4);
    enc = giflow_encoder_new(NULL);
    if (!row || !enc || cli_out_open(&out, j->out_path))
        goto done;
    giflow_encoder_set_output(enc, cli_out_write_fn, &out);
    r = giflow_encode_begin(enc, &j->opt);
    cli_progress prog;
    cli_progress_start(&prog, "reading row");
    while (!j->palette_gif && r == GIFLOW_OK && (k = cli_rows_read(&rd, row)) == 1) {
        r = giflow_encode_sample_rows(enc, row, 1, 0);
        cli_progress_update(&prog, rd.y, rd.h);
    }
    if (!j->palette_gif && r == GIFLOW_OK) {
        cli_rows_close(&rd);
        if (k < 0 || cli_rows_open(&rd, j->inputs[0], j->max_pixels))
            r = ALREADY_REPORTED;
    }
    giflow_frame f;
    giflow_frame_init(&f);
    f.delay_cs = (uint32_t)delay_cs;
    if (r == GIFLOW_OK)
        r = giflow_encode_rows_begin(enc, &f);
    prog.what = "encoding row";
    while (r == GIFLOW_OK && rd.y < rd.h) {
        r = cli_rows_read(&rd, row) == 1 ? giflow_encode_rows(enc, row, 1, 0) : ALREADY_REPORTED;
        cli_progress_update(&prog, rd.y, rd.h);
    }
    cli_progress_end(&prog);
    if (r == GIFLOW_OK)
        r = giflow_encode_rows_end(enc);
    code = finish(j, enc, &out, r, 0, -1, t0);
done:
    if (out.buf)
        cli_out_abort(&out);
    cli_rows_close(&rd);
    giflow_encoder_free(enc);
    free(row);
    return code;
}

/* Encodes frame and the ones after it. Returns the encoder's status; *err
 * as next_frame() gives it, or 1 for a timing error. */
static int encode_loop(cli_timing *t, source *src, giflow_encoder *enc, cli_out *out,
                       const uint8_t *frame, uint64_t total, int r, int *err)
{
    cli_progress prog;
    cli_progress_start(&prog, "encoding frame");
    uint64_t n = 0;
    *err = 0;
    while (r == GIFLOW_OK && frame) {
        giflow_frame gf;
        giflow_frame_init(&gf);
        gf.rgba = frame;
        if (cli_timing_next(t, &gf)) {
            *err = 1;
            break;
        }
        r = giflow_encode_frame(enc, &gf);
        /* A pipe's reader gets each frame as it is written. */
        if (r == GIFLOW_OK && out->kind != CLI_OUT_ATOMIC && cli_out_flush(out))
            r = GIFLOW_ERR_IO;
        cli_progress_update(&prog, ++n, total);
        if (r == GIFLOW_OK)
            frame = next_frame(src, err);
    }
    cli_progress_end(&prog);
    return r;
}

/* Opens the source and reads its first frame, which gives the size. */
static const uint8_t *open_source(enc_job *j, source *src, int *err)
{
    *err = 1;
    if (j->raw_w || j->y4m) {
        src->is_stream = 1;
        if (j->y4m ? cli_stream_open_y4m(&src->stream, j->inputs[0], j->max_pixels)
                   : cli_stream_open_raw(&src->stream, j->inputs[0], j->raw_w, j->raw_h))
            return NULL;
        src->w = src->stream.w;
        src->h = src->stream.h;
        if (too_many_pixels(j, src->w, src->h) ||
            !(src->frame = malloc((size_t)src->w * src->h * 4))) {
            if (!src->frame && !too_many_pixels(j, src->w, src->h))
                cli_error("out of memory");
            return NULL;
        }
    }
    const uint8_t *frame = next_frame(src, err);
    if (!frame && !*err)
        cli_error("encode: no frames in the input");
    if (!frame && *err == CLI_STREAM_PARTIAL)
        cli_error("encode: the input ends inside its first frame: nothing to write");
    return frame;
}

/* Frames in sequence: files, or a raw or y4m stream. */
static int encode_frames(enc_job *j, cli_timing *t, double t0)
{
    source src;
    memset(&src, 0, sizeof src);
    src.j = j;
    giflow_encoder *enc = NULL;
    cli_out out;
    memset(&out, 0, sizeof out);
    int err, code = EXIT_FAIL;
    const uint8_t *frame = open_source(j, &src, &err);
    if (!frame)
        goto done;
    if (t->mode == GIFLOW_TIME_DELAY_CS && !(j->given & TIMING_OPTS) && src.stream.fps_num)
        cli_timing_rate(t, (double)src.stream.fps_num / src.stream.fps_den);
    /* A still image gets no loop extension, unless asked for. */
    uint64_t total = src.is_stream ? src.stream.frames_hint : (uint64_t)j->ninputs;
    if (total == 1 && !(j->given & (1u << OPT_LOOP)))
        j->opt.loop_count = -1;
    j->opt.width = src.w;
    j->opt.height = src.h;
    enc = giflow_encoder_new(NULL);
    if (!enc || cli_out_open(&out, j->out_path))
        goto done;
    giflow_encoder_set_output(enc, cli_out_write_fn, &out);
    int r = giflow_encode_begin(enc, &j->opt);
    if (r == GIFLOW_OK)
        sample_frames(j, &src, enc);
    r = encode_loop(t, &src, enc, &out, frame, total, r, &err);
    if (err && err != CLI_STREAM_PARTIAL) {
        cli_out_abort(&out);
        goto done;
    }
    code = finish(j, enc, &out, r, err == CLI_STREAM_PARTIAL, cli_timing_end(t), t0);
done:
    if (out.buf)
        cli_out_abort(&out);
    giflow_encoder_free(enc);
    cli_image_free(&src.img);
    if (src.is_stream)
        cli_stream_close(&src.stream);
    free(src.frame);
    return code;
}

int cmd_encode(int argc, char **argv)
{
    enc_job j;
    memset(&j, 0, sizeof j);
    double t0 = cli_now();
    if (parse_args(&j, argc, argv)) {
        free(j.inputs);
        return EXIT_USAGE;
    }
    int code = EXIT_FAIL;
    cli_timing t;
    cli_timing_delay(&t, j.delay_cs >= 0 ? (uint32_t)j.delay_cs : 10);
    if (j.fps > 0)
        cli_timing_rate(&t, j.fps);
    if ((!j.durations_path || cli_timing_durations(&t, j.durations_path) == 0) &&
        (!j.palette_gif || load_palette_gif(&j) == 0)) {
        /* A single image is encoded by rows: any size in bounded memory. */
        if (j.ninputs == 1 && !j.raw_w && !j.y4m) {
            long cs = j.durations_path ? cli_timing_first_cs(&t) : j.delay_cs > 0 ? j.delay_cs : 0;
            if (!(j.given & (1u << OPT_LOOP)))
                j.opt.loop_count = -1; /* a still: no loop extension */
            code = cs < 0 ? EXIT_FAIL : encode_rows(&j, cs, t0);
        } else {
            code = encode_frames(&j, &t, t0);
        }
    }
    cli_timing_close(&t);
    free(j.inputs);
    return code;
}
