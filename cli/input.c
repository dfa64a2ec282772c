#define _POSIX_C_SOURCE 200809L
#include "input.h"

#include <errno.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <spng.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "io.h"

/* ---- PNG and JPEG files ------------------------------------------------- */

/* The file is neither PNG nor JPEG: says so once, with the way to go
 * where one helps: a GIF goes through giflow edit, a video through an
 * ffmpeg pipe. Judged by the first bytes (sig, n of them), else by the
 * name's extension. */
static void not_an_image(const char *path, const uint8_t *sig, size_t n)
{
    static const char *const video_ext[] = {".mp4", ".m4v", ".mov", ".mkv", ".webm",
                                            ".avi", ".mpg", ".mpeg", ".ts", ".flv"};
    const char *dot = strrchr(path, '.');
    int gif = (n >= 4 && !memcmp(sig, "GIF8", 4)) || (dot && !strcasecmp(dot, ".gif"));
    int video = (n >= 8 && !memcmp(sig + 4, "ftyp", 4)) ||          /* MP4, MOV */
                (n >= 4 && !memcmp(sig, "\x1a\x45\xdf\xa3", 4)) || /* Matroska, WebM */
                (n >= 4 && !memcmp(sig, "RIFF", 4) && dot && !strcasecmp(dot, ".avi"));
    for (size_t i = 0; !gif && !video && dot && i < sizeof video_ext / sizeof *video_ext; i++)
        video = !strcasecmp(dot, video_ext[i]);
    if (gif)
        cli_error("%s: a GIF, not a PNG or JPEG file (to rewrite a GIF: giflow edit %s -o OUT.gif)",
                  path, path);
    else if (video)
        cli_error("%s: not a PNG or JPEG file (for a video, pipe its frames: ffmpeg -i %s "
                  "-f yuv4mpegpipe - | giflow encode --y4m -o OUT.gif -)", path, path);
    else
        cli_error("%s: not a PNG or JPEG file", path);
}

/* An image held whole costs w*h*4 bytes: checked against the limit from
 * its header, before anything is allocated (a 69-byte PNG can claim
 * 65535x65535). */
static int too_big(const char *path, uint32_t w, uint32_t h, uint64_t max_pixels)
{
    if (!max_pixels || (uint64_t)w * h <= max_pixels)
        return 0;
    cli_error("%s: %ux%u is %llu pixels, above the limit of %llu (--max-pixels)", path, w, h,
              (unsigned long long)w * h, (unsigned long long)max_pixels);
    return 1;
}

static int load_png(const char *path, FILE *f, cli_image *img, uint64_t max_pixels)
{
    spng_ctx *ctx = spng_ctx_new(0);
    struct spng_ihdr ihdr;
    size_t size;
    int e = ctx ? spng_set_png_file(ctx, f) : SPNG_EMEM;
    /* Large images are fine here; the limit only guards the chunk reader. */
    if (!e)
        e = spng_set_image_limits(ctx, 65535, 65535);
    if (!e)
        e = spng_get_ihdr(ctx, &ihdr);
    if (!e && too_big(path, ihdr.width, ihdr.height, max_pixels)) {
        spng_ctx_free(ctx);
        return -1;
    }
    if (!e)
        e = spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &size);
    if (!e && !(img->rgba = malloc(size)))
        e = SPNG_EMEM;
    if (!e)
        e = spng_decode_image(ctx, img->rgba, size, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
    spng_ctx_free(ctx);
    if (e) {
        cli_error("%s: %s", path, spng_strerror(e));
        free(img->rgba);
        img->rgba = NULL;
        return -1;
    }
    img->w = ihdr.width;
    img->h = ihdr.height;
    return 0;
}

typedef struct jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
} jpeg_err;

static void jpeg_fail(j_common_ptr c)
{
    jpeg_err *e = (jpeg_err *)c->err;
    longjmp(e->jump, 1);
}

static int load_jpeg(const char *path, FILE *f, cli_image *img, uint64_t max_pixels)
{
    struct jpeg_decompress_struct c;
    jpeg_err err;
    uint8_t *volatile rgba = NULL;
    c.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_fail;
    if (setjmp(err.jump)) {
        char msg[JMSG_LENGTH_MAX];
        err.mgr.format_message((j_common_ptr)&c, msg);
        cli_error("%s: %s", path, msg);
        jpeg_destroy_decompress(&c);
        free(rgba);
        return -1;
    }
    jpeg_create_decompress(&c);
    jpeg_stdio_src(&c, f);
    jpeg_read_header(&c, TRUE);
    if (too_big(path, c.image_width, c.image_height, max_pixels)) {
        jpeg_destroy_decompress(&c);
        return -1;
    }
    c.out_color_space = JCS_EXT_RGBA;
    jpeg_start_decompress(&c);
    rgba = malloc((size_t)c.output_width * c.output_height * 4);
    if (!rgba) {
        cli_error("%s: out of memory", path);
        jpeg_destroy_decompress(&c);
        return -1;
    }
    while (c.output_scanline < c.output_height) {
        JSAMPROW row = rgba + (size_t)c.output_scanline * c.output_width * 4;
        jpeg_read_scanlines(&c, &row, 1);
    }
    img->w = c.output_width;
    img->h = c.output_height;
    img->rgba = rgba;
    jpeg_finish_decompress(&c);
    jpeg_destroy_decompress(&c);
    return 0;
}

int cli_load_image(const char *path, cli_image *img, uint64_t max_pixels)
{
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t sig[8] = {0};
    size_t n = fread(sig, 1, 8, f);
    rewind(f);
    int r;
    if (n == 8 && !memcmp(sig, "\x89PNG\r\n\x1a\n", 8)) {
        r = load_png(path, f, img, max_pixels);
    } else if (n >= 3 && sig[0] == 0xFF && sig[1] == 0xD8 && sig[2] == 0xFF) {
        r = load_jpeg(path, f, img, max_pixels);
    } else {
        not_an_image(path, sig, n);
        r = -1;
    }
    fclose(f);
    return r;
}

void cli_image_free(cli_image *img)
{
    free(img->rgba);
    img->rgba = NULL;
}

/* ---- Row by row -------------------------------------------------------- */

typedef struct jpeg_rows {
    struct jpeg_decompress_struct c;
    jpeg_err err;
} jpeg_rows;

int cli_rows_open(cli_rows *r, const char *path, uint64_t max_pixels)
{
    memset(r, 0, sizeof *r);
    r->f = fopen(path, "rb");
    if (!r->f) {
        cli_error("%s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t sig[8] = {0};
    size_t n = fread(sig, 1, 8, r->f);
    rewind(r->f);
    if (n == 8 && !memcmp(sig, "\x89PNG\r\n\x1a\n", 8)) {
        spng_ctx *ctx = spng_ctx_new(0);
        struct spng_ihdr ihdr;
        int e = ctx ? spng_set_png_file(ctx, r->f) : SPNG_EMEM;
        if (!e)
            e = spng_set_image_limits(ctx, 65535, 65535);
        if (!e)
            e = spng_get_ihdr(ctx, &ihdr);
        if (!e && ihdr.interlace_method) {
            /* Adam7 rows come in passes: read it whole. */
            spng_ctx_free(ctx);
            fclose(r->f);
            r->f = NULL;
            if (cli_load_image(path, &r->whole, max_pixels))
                return -1;
            r->w = r->whole.w;
            r->h = r->whole.h;
            return 0;
        }
        if (!e)
            e = spng_decode_image(ctx, NULL, 0, SPNG_FMT_RGBA8,
                                  SPNG_DECODE_PROGRESSIVE | SPNG_DECODE_TRNS);
        if (e) {
            cli_error("%s: %s", path, spng_strerror(e));
            spng_ctx_free(ctx);
            return -1;
        }
        r->png = ctx;
        r->w = ihdr.width;
        r->h = ihdr.height;
        return 0;
    }
    if (n >= 3 && sig[0] == 0xFF && sig[1] == 0xD8 && sig[2] == 0xFF) {
        jpeg_rows *j = calloc(1, sizeof *j);
        if (!j)
            return -1;
        r->jpeg = j;
        j->c.err = jpeg_std_error(&j->err.mgr);
        j->err.mgr.error_exit = jpeg_fail;
        if (setjmp(j->err.jump)) {
            cli_error("%s: bad JPEG", path);
            return -1;
        }
        jpeg_create_decompress(&j->c);
        jpeg_stdio_src(&j->c, r->f);
        jpeg_read_header(&j->c, TRUE);
        j->c.out_color_space = JCS_EXT_RGBA;
        jpeg_start_decompress(&j->c);
        r->w = j->c.output_width;
        r->h = j->c.output_height;
        return 0;
    }
    not_an_image(path, sig, n);
    return -1;
}

int cli_rows_read(cli_rows *r, uint8_t *row)
{
    if (r->y >= r->h)
        return 0;
    if (r->whole.rgba) {
        memcpy(row, r->whole.rgba + (size_t)r->y * r->w * 4, (size_t)r->w * 4);
    } else if (r->png) {
        int e = spng_decode_row(r->png, row, (size_t)r->w * 4);
        if (e && e != SPNG_EOI) {
            cli_error("png: %s", spng_strerror(e));
            return -1;
        }
    } else {
        jpeg_rows *j = r->jpeg;
        if (setjmp(j->err.jump)) {
            cli_error("jpeg: bad data");
            return -1;
        }
        JSAMPROW p = row;
        jpeg_read_scanlines(&j->c, &p, 1);
    }
    r->y++;
    return 1;
}

void cli_rows_close(cli_rows *r)
{
    if (r->png)
        spng_ctx_free(r->png);
    if (r->jpeg) {
        jpeg_rows *j = r->jpeg;
        if (!setjmp(j->err.jump))
            jpeg_destroy_decompress(&j->c);
        free(j);
    }
    if (r->f)
        fclose(r->f);
    cli_image_free(&r->whole);
    memset(r, 0, sizeof *r);
}
