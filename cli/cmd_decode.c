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
    cli_decode_opts opts;
    cli_out raw_out;
    uint32_t written;
} decode_job;

static const char help[] =
    "usage: giflow decode [options] FILE -o DIR\n"
    "       giflow decode --raw [options] FILE -o OUT\n"
    "FILE may be - (stdin); with --raw, OUT may be - (stdout).\n"
    "  -o PATH        output directory (PNG: DIR/frame_0000.png ...) or raw file\n"
    "  --raw          write frames as raw RGBA, canvas_width*canvas_height*4 bytes each\n"
    "  --partial      also write a frame whose data is broken, as far as it decoded\n"
    "  --json         print a JSON summary on stdout\n"
    "  --stats        print the decoder's peak heap next to the canvas size\n";

/* Writes one composed canvas. Returns 0 on success. */
static int write_frame(decode_job *j, const uint8_t *canvas, uint32_t w, uint32_t h)
{
    size_t bytes = (size_t)w * h * 4;
    if (j->raw) {
        if (bytes && fwrite(canvas, 1, bytes, j->raw_out.f) != bytes) {
            cli_error("%s: write failed", j->out_path);
            return -1;
        }
        if (j->raw_out.is_stdout)
            fflush(j->raw_out.f); /* let readers of a pipe start early */
        return 0;
    }
    size_t n = strlen(j->out_path) + 32;
    char *path = malloc(n);
    if (!path)
        return -1;
    snprintf(path, n, "%s/frame_%04u.png", j->out_path, j->written);
    cli_out o;
    int r = cli_out_open(&o, path);
    if (!r && cli_png_write(o.f, canvas, w, h, (size_t)w * 4) != 0) {
        cli_out_abort(&o);
        r = -1;
    } else if (!r) {
        r = cli_out_commit(&o);
    }
    free(path);
    return r;
}

static int parse_args(decode_job *j, int argc, char **argv)
{
    giflow_limits_default(&j->opts.limits);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int k;
        if (!strcmp(a, "--help")) {
            printf("%s%s", help, cli_decode_opts_help);
            exit(0);
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            j->out_path = argv[++i];
        } else if (!strcmp(a, "--raw")) {
            j->raw = 1;
        } else if (!strcmp(a, "--json")) {
            j->json = 1;
        } else if (!strcmp(a, "--stats")) {
            j->stats = 1;
        } else if (!strcmp(a, "--partial")) {
            j->partial = 1;
        } else if ((k = cli_decode_opt(&j->opts, argc, argv, &i)) != 0) {
            if (k < 0)
                return -1;
        } else if (!j->in_path && (a[0] != '-' || !a[1])) {
            j->in_path = a;
        } else {
            cli_error("decode: unexpected argument '%s'", a);
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
    return 0;
}

static void print_json(const decode_job *j, const giflow_image_info *im, int status,
                       size_t peak)
{
    fputs("{\"file\":", stdout);
    json_str(stdout, j->in_path);
    fputs(",\"output\":", stdout);
    json_str(stdout, j->out_path);
    fprintf(stdout, ",\"format\":\"%s\",\"canvas_width\":%u,\"canvas_height\":%u,"
                    "\"frames_written\":%u,\"decoder_peak_heap\":%zu,\"decoder_state\":%zu,"
            "\"canvas_bytes\":%zu,\"complete\":%s,\"error\":",
            j->raw ? "rgba" : "png", im->canvas_width, im->canvas_height, j->written, peak,
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
    if (r == GIFLOW_OK) {
        size_t bytes = (size_t)im.canvas_width * im.canvas_height * 4;
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
    size_t stride = (size_t)im.canvas_width * 4;
    while (r == GIFLOW_OK) {
        giflow_frame_info f;
        CLI_PUMP(r, &rd, giflow_decode_frame_info(dec, &rd.in, &f));
        if (r != GIFLOW_OK)
            break;
        CLI_PUMP(r, &rd, giflow_decode_frame_rgba(dec, &rd.in, canvas, stride));
        if (r == GIFLOW_FRAME_END || j.partial) {
            if (write_frame(&j, canvas, im.canvas_width, im.canvas_height)) {
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
    if (r != GIFLOW_END)
        cli_error("%s: %s%s", j.in_path, giflow_strerror(r),
                  code == EXIT_PARTIAL ? " (complete frames were written)" : "");
    size_t peak;
    giflow_decoder_heap(dec, &peak);
    if (j.stats) {
        size_t canvas_bytes = (size_t)im.canvas_width * im.canvas_height * 4;
        fprintf(stderr,
                "giflow: %u frames, canvas %ux%u = %zu bytes (caller-owned); decoder peak "
                "heap %zu bytes (fixed state %zu), %.1f%% of one canvas\n",
                j.written, im.canvas_width, im.canvas_height, canvas_bytes, peak,
                giflow_decoder_state_size(),
                canvas_bytes ? 100.0 * (double)peak / (double)canvas_bytes : 0.0);
    }
    if (j.json)
        print_json(&j, &im, r, peak);
    free(canvas);
    giflow_decoder_free(dec);
    cli_reader_close(&rd);
    return code;
}
