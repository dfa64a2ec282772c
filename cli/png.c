#include "png.h"

#include <spng.h>
#include <stdlib.h>

#include "io.h"

struct cli_png {
    spng_ctx *ctx;
    cli_out *out;
    uint32_t w;
};

/* A write error has been reported by cli_out already: say it once. */
static void png_error(const cli_out *out, int e)
{
    if (!out->err)
        cli_error("png: %s", spng_strerror(e));
}

/* libspng's writer: bytes go through cli_out, which reports errors. */
static int png_put(spng_ctx *ctx, void *user, void *data, size_t n)
{
    (void)ctx;
    return cli_out_write(user, data, n) ? SPNG_IO_ERROR : 0;
}

cli_png *cli_png_begin(cli_out *out, uint32_t w, uint32_t h)
{
    cli_png *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->w = w;
    p->out = out;
    p->ctx = spng_ctx_new(SPNG_CTX_ENCODER);
    struct spng_ihdr ihdr = {w, h, 8, SPNG_COLOR_TYPE_TRUECOLOR_ALPHA, 0, 0, 0};
    int e = p->ctx ? spng_set_png_stream(p->ctx, png_put, out) : SPNG_EMEM;
    if (!e)
        e = spng_set_option(p->ctx, SPNG_IMG_COMPRESSION_LEVEL, 3);
    if (!e)
        e = spng_set_ihdr(p->ctx, &ihdr);
    if (!e)
        e = spng_encode_image(p->ctx, NULL, 0, SPNG_FMT_PNG,
                              SPNG_ENCODE_PROGRESSIVE | SPNG_ENCODE_FINALIZE);
    if (e) {
        png_error(out, e);
        spng_ctx_free(p->ctx);
        free(p);
        return NULL;
    }
    return p;
}

int cli_png_row(cli_png *p, const uint8_t *rgba)
{
    int e = spng_encode_row(p->ctx, rgba, (size_t)p->w * 4);
    if (e && e != SPNG_EOI) {
        png_error(p->out, e);
        return -1;
    }
    return 0;
}

int cli_png_end(cli_png *p)
{
    spng_ctx_free(p->ctx);
    free(p);
    return 0;
}

int cli_png_write(cli_out *out, const uint8_t *rgba, uint32_t w, uint32_t h, size_t stride)
{
    cli_png *p = cli_png_begin(out, w, h);
    if (!p)
        return -1;
    int r = 0;
    for (uint32_t y = 0; y < h && !r; y++)
        r = cli_png_row(p, rgba + (size_t)y * stride);
    cli_png_end(p);
    return r;
}
