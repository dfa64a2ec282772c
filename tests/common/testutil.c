#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tu_failures;

uint8_t *tu_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *nb = realloc(buf, cap *= 2);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = 0; /* the loop leaves n < cap */
        *size = n;
    }
    return buf;
}

uint32_t tu_crc32(uint32_t crc, const void *data, size_t n)
{
    static uint32_t table[256];
    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    const uint8_t *p = data;
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

typedef struct feeder {
    giflow_input in;
    size_t total, chunk;
} feeder;

/* Makes more bytes visible; returns 0 when there were none left. */
static int feed(feeder *f)
{
    if (f->in.size >= f->total) {
        f->in.eof = 1;
        return 0;
    }
    f->in.size = f->chunk ? f->in.size + f->chunk : f->total;
    if (f->in.size >= f->total) {
        f->in.size = f->total;
        f->in.eof = 1;
    }
    return 1;
}

int tu_decode(const uint8_t *data, size_t size, size_t chunk, unsigned flags,
              int keep_pixels, tu_decoded *out)
{
    memset(out, 0, sizeof *out);
    feeder f = {{data, 0, 0, 0}, size, chunk};
    feed(&f);
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (!dec)
        return -1;
    giflow_decoder_set_flags(dec, flags);
    int r;
    while ((r = giflow_decode_image_info(dec, &f.in, &out->image)) == GIFLOW_NEED_INPUT)
        feed(&f);
    out->status = r;
    uint8_t *canvas = NULL;
    size_t canvas_bytes = (size_t)out->image.canvas_width * out->image.canvas_height * 4;
    uint32_t cap = 0;
    if (r == GIFLOW_OK) {
        out->stage = 1;
        canvas = calloc(1, canvas_bytes ? canvas_bytes : 1); /* GIFLOW_FLAG_ZEROED_CANVAS may be set */
        if (!canvas) {
            giflow_decoder_free(dec);
            return -1;
        }
    }
    while (r == GIFLOW_OK) {
        giflow_frame_info fi;
        out->stage = 1;
        while ((r = giflow_decode_frame_info(dec, &f.in, &fi)) == GIFLOW_NEED_INPUT)
            feed(&f);
        if (r != GIFLOW_OK)
            break;
        out->stage = 2;
        while ((r = giflow_decode_frame_rgba(dec, &f.in, canvas,
                                             (size_t)out->image.canvas_width * 4)) ==
               GIFLOW_NEED_INPUT)
            feed(&f);
        if (out->nframes == cap) {
            cap = cap ? cap * 2 : 8;
            tu_frame *nf = realloc(out->frames, cap * sizeof *nf);
            if (!nf)
                break;
            out->frames = nf;
        }
        tu_frame *fr = &out->frames[out->nframes++];
        fr->info = fi;
        fr->status = r;
        fr->loop_after = giflow_decoder_loop_count(dec);
        fr->rgba = NULL;
        if (keep_pixels) {
            fr->rgba = malloc(canvas_bytes ? canvas_bytes : 1);
            if (fr->rgba)
                memcpy(fr->rgba, canvas, canvas_bytes);
        }
        if (r == GIFLOW_FRAME_END)
            r = GIFLOW_OK;
    }
    out->status = r;
    out->loop_count = giflow_decoder_loop_count(dec);
    free(canvas);
    giflow_decoder_free(dec);
    return 0;
}

void tu_decoded_free(tu_decoded *d)
{
    for (uint32_t i = 0; i < d->nframes; i++)
        free(d->frames[i].rgba);
    free(d->frames);
    memset(d, 0, sizeof *d);
}

ptrdiff_t tu_memfile_read(void *user, uint8_t *buf, size_t n)
{
    tu_memfile *f = user;
    f->reads++;
    if (n < f->buf_size)
        f->short_asks++;
    if (f->fail_after && f->pos + n > f->fail_after)
        return -1;
    size_t k = f->size - f->pos < n ? f->size - f->pos : n;
    memcpy(buf, f->data + f->pos, k);
    f->pos += k;
    return (ptrdiff_t)k;
}

int tu_memfile_seek(void *user, uint64_t offset)
{
    tu_memfile *f = user;
    f->seeks++;
    if (offset < f->pos)
        f->backward_seeks++;
    if (offset > f->size)
        return -1;
    f->pos = (size_t)offset;
    return 0;
}
