/* giflow decode: every frame as a browser shows it, as PNG files or as raw
 * RGBA. Input is streamed and each frame is written as soon as it is
 * complete, so output starts before the input has ended. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "io.h"
#include "json.h"
#include "png.h"

typedef struct decode_job {
    const char *in_path, *out_path;
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
    "  -o PATH        output directory (PNG: DIR/frame_0000.png ...) or raw file\n"
    "  --raw          write frames as raw RGBA, width*height*4 bytes each (the canvas,\n"
    "                 or the size --crop/--resize give)\n"
    "  --crop X,Y,W,H decode only this rectangle of the canvas (W or H 0: to the edge)\n"
    "  --resize WxH   shrink to fit inside WxH, keeping the aspect ratio (area average;\n"
    "                 W or H 0: no limit on that side); never enlarges. Applied after\n"
    "                 --crop. Memory follows the output size, not the canvas\n"
    "  --partial      also write a frame whose data is broken, as far as it decoded\n"
    "  --json         print a JSON summary on stdout\n"
    "  --stats        print the decoder's peak heap next to the canvas size\n";

/* Writes one composed canvas. Returns 0 on success. */
static int write_frame(decode_job *j, const uint8_t *canvas, uint32_t w, uint32_t h)
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
    snprintf(path, n, "%s/frame_%04u.png", j->out_path, j->written);
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

enum { OPT_OUT = 1, OPT_RAW, OPT_JSON, OPT_STATS, OPT_PARTIAL, OPT_CROP, OPT_RESIZE };
static const cli_opt decode_table[] = {
    {"output", 'o', 1, OPT_OUT},   {"raw", 0, 0, OPT_RAW},         {"json", 0, 0, OPT_JSON},
    {"stats", 0, 0, OPT_STATS},    {"partial", 0, 0, OPT_PARTIAL}, {"crop", 0, 1, OPT_CROP},
    {"resize", 0, 1, OPT_RESIZE},  CLI_OPT_END,
};

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
static int set_viewport(decode_job *j, giflow_decoder *dec, const giflow_image_info *im)
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
        r = giflow_decoder_set_viewport(dec, &vp);
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
                       size_t peak)
{
    fputs("{\"file\":", stdout);
    json_str(stdout, j->in_path);
    fputs(",\"output\":", stdout);
    json_str(stdout, j->out_path);
    fprintf(stdout, ",\"format\":\"%s\",\"canvas_width\":%u,\"canvas_height\":%u,"
                    "\"output_width\":%u,\"output_height\":%u,"
                    "\"frames_written\":%u,\"decoder_peak_heap\":%zu,\"decoder_state\":%zu,"
            "\"canvas_bytes\":%zu,\"complete\":%s,\"error\":",
            j->raw ? "rgba" : "png", im->canvas_width, im->canvas_height, j->out_w, j->out_h,
            j->written, peak,
            giflow_decoder_state_size(), (size_t)im->canvas_width * im->canvas_height * 4,
            status == GIFLOW_END ? "true" : "false");
    if (status == GIFLOW_END)
        fputs("null", stdout);
    else
        json_str(stdout, giflow_strerror(status));
    fputs("}\n", stdout);
}

int cmd_decode(int argc, char **argv)
{
    decode_job j;
    memset(&j, 0, sizeof j);
    if (parse_args(&j, argc, argv))
        return EXIT_USAGE;

    cli_reader rd;
    if (cli_reader_open(&rd, j.in_path, j.opts.chunk)) {
        cli_reader_close(&rd);
        return EXIT_FAIL;
    }
    giflow_decoder *dec = cli_decoder(&j.opts);
    if (!dec) {
        cli_reader_close(&rd);
        return EXIT_FAIL;
    }
    giflow_image_info im;
    memset(&im, 0, sizeof im);
    uint8_t *canvas = NULL;
    int r, out_ok = 0, io_failed = 0;
    CLI_PUMP(r, &rd, giflow_decode_image_info(dec, &rd.in, &im));
    if (r == GIFLOW_OK && (r = set_viewport(&j, dec, &im)) == GIFLOW_ERR_ARG) {
        giflow_decoder_free(dec);
        cli_reader_close(&rd);
        return EXIT_USAGE;
    }
    if (r == GIFLOW_OK) {
        size_t bytes = (size_t)j.out_w * j.out_h * 4;
        canvas = malloc(bytes ? bytes : 1);
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
            if (write_frame(&j, canvas, j.out_w, j.out_h)) {
                io_failed = 1;
                r = GIFLOW_ERR_IO;
                break;
            }
            j.written++;
            cli_progress_update(&prog, j.written, 0);
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
        print_json(&j, &im, r, peak);
    free(canvas);
    giflow_decoder_free(dec);
    cli_reader_close(&rd);
    return code;
}
