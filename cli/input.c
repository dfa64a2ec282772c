#define _POSIX_C_SOURCE 200809L
#include "input.h"

#include <errno.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <spng.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io.h"

/* ---- PNG and JPEG files ------------------------------------------------- */

static int load_png(const char *path, FILE *f, cli_image *img)
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

static int load_jpeg(const char *path, FILE *f, cli_image *img)
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

int cli_load_image(const char *path, cli_image *img)
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
        r = load_png(path, f, img);
    } else if (n >= 3 && sig[0] == 0xFF && sig[1] == 0xD8 && sig[2] == 0xFF) {
        r = load_jpeg(path, f, img);
    } else {
        cli_error("%s: not a PNG or JPEG file", path);
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

int cli_rows_open(cli_rows *r, const char *path)
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
            if (cli_load_image(path, &r->whole))
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
    cli_error("%s: not a PNG or JPEG file", path);
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

/* ---- Raw and YUV4MPEG2 streams -------------------------------------------- */

static int stream_open(cli_stream *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->is_stdin = !strcmp(path, "-");
    s->f = s->is_stdin ? stdin : fopen(path, "rb");
    if (!s->f) {
        cli_error("%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void set_hint(cli_stream *s, uint64_t header, uint64_t frame_bytes)
{
    struct stat st;
    if (!s->is_stdin && fstat(fileno(s->f), &st) == 0 && S_ISREG(st.st_mode) && frame_bytes)
        s->frames_hint = ((uint64_t)st.st_size - header) / frame_bytes;
}

int cli_stream_open_raw(cli_stream *s, const char *path, uint32_t w, uint32_t h)
{
    if (stream_open(s, path))
        return -1;
    s->w = w;
    s->h = h;
    set_hint(s, 0, (uint64_t)w * h * 4);
    return 0;
}

/* Header: "YUV4MPEG2" then space-separated tags, ending with a newline. */
static int parse_y4m_header(cli_stream *s, char *line)
{
    if (strncmp(line, "YUV4MPEG2", 9))
        return -1;
    s->chroma = 420;
    for (char *t = strtok(line + 9, " \n"); t; t = strtok(NULL, " \n")) {
        switch (t[0]) {
        case 'W': s->w = (uint32_t)strtoul(t + 1, NULL, 10); break;
        case 'H': s->h = (uint32_t)strtoul(t + 1, NULL, 10); break;
        case 'F': sscanf(t + 1, "%u:%u", &s->fps_num, &s->fps_den); break;
        case 'I':
            if (t[1] != 'p' && t[1] != '?') {
                cli_error("y4m: interlaced video is not supported");
                return -2;
            }
            break;
        case 'C':
            if (!strncmp(t + 1, "420", 3))
                s->chroma = 420;
            else if (!strncmp(t + 1, "422", 3))
                s->chroma = 422;
            else if (!strncmp(t + 1, "444", 3) && !t[4])
                s->chroma = 444;
            else if (!strncmp(t + 1, "mono", 4) && !t[5])
                s->chroma = 0;
            else {
                cli_error("y4m: colour space %s is not supported (8-bit 420/422/444/mono)", t + 1);
                return -2;
            }
            break;
        case 'X':
            if (!strcmp(t, "XCOLORRANGE=FULL"))
                s->full_range = 1;
            break;
        default:
            break;
        }
    }
    return s->w && s->h ? 0 : -1;
}

static size_t y4m_frame_bytes(const cli_stream *s)
{
    size_t y = (size_t)s->w * s->h, cw = s->w, ch = s->h;
    if (s->chroma == 420) {
        cw = (s->w + 1) / 2;
        ch = (s->h + 1) / 2;
    } else if (s->chroma == 422) {
        cw = (s->w + 1) / 2;
    } else if (s->chroma == 0) {
        cw = ch = 0;
    }
    return y + 2 * cw * ch;
}

int cli_stream_open_y4m(cli_stream *s, const char *path)
{
    if (stream_open(s, path))
        return -1;
    s->y4m = 1;
    char line[1024];
    if (!fgets(line, sizeof line, s->f)) {
        cli_error("%s: empty y4m stream", path);
        return -1;
    }
    size_t header = strlen(line);
    s->header = header;
    int r = parse_y4m_header(s, line);
    if (r) {
        if (r == -1)
            cli_error("%s: not a YUV4MPEG2 stream", path);
        return -1;
    }
    s->yuv = malloc(y4m_frame_bytes(s));
    if (!s->yuv) {
        cli_error("out of memory");
        return -1;
    }
    set_hint(s, header, y4m_frame_bytes(s) + 6);
    return 0;
}

static uint8_t clamp8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* BT.601 in 16.16 fixed point: luma scale, then R from V, G from U and V,
 * B from U; limited (16-235) or full range. */
static const int32_t bt601[2][5] = {
    {76309, 104597, 25675, 53279, 132201}, /* limited */
    {65536, 91881, 22554, 46802, 116130},  /* full */
};

static void yuv_to_rgba(const cli_stream *s, uint8_t *rgba)
{
    const uint8_t *yp = s->yuv;
    size_t cw = s->chroma == 444 ? s->w : (s->w + 1) / 2;
    size_t ch = s->chroma == 420 ? (s->h + 1) / 2 : s->h;
    const uint8_t *up = yp + (size_t)s->w * s->h, *vp = up + cw * ch;
    const int32_t *k = bt601[s->full_range != 0];
    const int y0 = s->full_range ? 0 : 16;
    for (uint32_t y = 0; y < s->h; y++) {
        size_t cy = s->chroma == 420 ? y / 2 : y;
        for (uint32_t x = 0; x < s->w; x++) {
            size_t cx = s->chroma == 444 ? x : x / 2;
            int32_t c = (yp[(size_t)y * s->w + x] - y0) * k[0] + 32768;
            int32_t u = s->chroma ? up[cy * cw + cx] - 128 : 0;
            int32_t v = s->chroma ? vp[cy * cw + cx] - 128 : 0;
            uint8_t *o = rgba + ((size_t)y * s->w + x) * 4;
            o[0] = clamp8((c + k[1] * v) >> 16);
            o[1] = clamp8((c - k[2] * u - k[3] * v) >> 16);
            o[2] = clamp8((c + k[4] * u) >> 16);
            o[3] = 255;
        }
    }
}

int cli_stream_read(cli_stream *s, uint8_t *rgba)
{
    if (s->y4m) {
        char tag[256];
        if (!fgets(tag, sizeof tag, s->f))
            return ferror(s->f) ? (cli_error("read error"), -1) : 0;
        if (strncmp(tag, "FRAME", 5)) {
            cli_error("y4m: expected FRAME");
            return -1;
        }
        size_t n = y4m_frame_bytes(s);
        if (fread(s->yuv, 1, n, s->f) != n) {
            cli_error("y4m: stream ends inside a frame");
            return -1;
        }
        yuv_to_rgba(s, rgba);
        return 1;
    }
    size_t n = (size_t)s->w * s->h * 4, got = fread(rgba, 1, n, s->f);
    if (got == 0 && !ferror(s->f))
        return 0;
    if (got != n) {
        cli_error("raw input ends inside a frame (%zu of %zu bytes)", got, n);
        return -1;
    }
    return 1;
}

int cli_stream_read_at(cli_stream *s, uint64_t i, uint8_t *rgba)
{
    uint64_t frame = s->y4m ? y4m_frame_bytes(s) + 6 : (uint64_t)s->w * s->h * 4;
    off_t here = ftello(s->f);
    if (!s->frames_hint || i >= s->frames_hint || here < 0 ||
        fseeko(s->f, (off_t)(s->header + i * frame), SEEK_SET) != 0)
        return 0;
    int r = cli_stream_read(s, rgba);
    return fseeko(s->f, here, SEEK_SET) == 0 && r == 1;
}

void cli_stream_close(cli_stream *s)
{
    if (s->f && !s->is_stdin)
        fclose(s->f);
    free(s->yuv);
    memset(s, 0, sizeof *s);
}
