/*
 * Pull input (giflow_source): memory and read/seek callback sources give
 * the same frames as push decoding (tu_decode, itself checked against the
 * corpora), read in whole buffers, only forward, and report failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Decodes every frame through src (pull: NULL inputs), hashing each
 * canvas; returns the final status. */
static int pull_decode(giflow_source *src, uint32_t *hash, uint32_t *frames)
{
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_image_info im;
    giflow_frame_info fi;
    uint8_t *canvas = NULL;
    *hash = 0;
    *frames = 0;
    giflow_decoder_set_source(dec, src);
    int r = giflow_decode_image_info(dec, NULL, &im);
    if (r == GIFLOW_OK)
        canvas = malloc((size_t)im.canvas_width * im.canvas_height * 4);
    while (r == GIFLOW_OK && canvas) {
        if ((r = giflow_decode_frame_info(dec, NULL, &fi)) != GIFLOW_OK)
            break;
        r = giflow_decode_frame_rgba(dec, NULL, canvas, (size_t)im.canvas_width * 4);
        TU_CHECK(r != GIFLOW_NEED_INPUT, "a pulling call returned NEED_INPUT");
        if (r != GIFLOW_FRAME_END)
            break;
        *hash = tu_crc32(*hash, canvas, (size_t)im.canvas_width * im.canvas_height * 4);
        ++*frames;
        r = GIFLOW_OK;
    }
    free(canvas);
    giflow_decoder_free(dec);
    return r;
}

/* The push decode's complete frames, hashed the same way. */
static int push_decode(const uint8_t *data, size_t size, uint32_t *hash, uint32_t *frames)
{
    tu_decoded d;
    *hash = 0;
    *frames = 0;
    if (tu_decode(data, size, 0, 0, 1, &d))
        return GIFLOW_ERR_NOMEM;
    size_t n = (size_t)d.image.canvas_width * d.image.canvas_height * 4;
    for (uint32_t i = 0; i < d.nframes && d.frames[i].status == GIFLOW_FRAME_END; i++) {
        *hash = tu_crc32(*hash, d.frames[i].rgba, n);
        ++*frames;
    }
    int r = d.status;
    tu_decoded_free(&d);
    return r;
}

static void check_file(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t size;
    uint8_t *data = tu_read_file(path, &size);
    TU_CHECK(data, "cannot read %s", path);
    if (!data)
        return;
    uint32_t want, want_n, got, got_n;
    int want_r = push_decode(data, size, &want, &want_n);

    giflow_source src;
    giflow_source_memory(&src, data, size);
    int r = pull_decode(&src, &got, &got_n);
    TU_CHECK(r == want_r && got == want && got_n == want_n,
             "%s memory: status %d/%d, %u/%u frames", name, r, want_r, got_n, want_n);

    static const size_t bufs[] = {1, 7, 512, 1 << 16};
    for (size_t b = 0; b < sizeof bufs / sizeof *bufs; b++) {
        uint8_t *buf = malloc(bufs[b]);
        tu_memfile f = {data, size, 0, 0, 0, 0, 0, bufs[b], 0};
        giflow_source_callbacks(&src, tu_memfile_read, tu_memfile_seek, &f, buf, bufs[b]);
        r = pull_decode(&src, &got, &got_n);
        TU_CHECK(r == want_r && got == want && got_n == want_n,
                 "%s buf %zu: status %d/%d, %u/%u frames", name, bufs[b], r, want_r, got_n,
                 want_n);
        /* Normal play never seeks, and every read asks for the whole buffer. */
        TU_CHECK(f.seeks == 0 && f.short_asks == 0, "%s buf %zu: %u seeks, %u short reads",
                 name, bufs[b], f.seeks, f.short_asks);
        /* Reads: the file in buffer-sized pieces, plus at most the one that
         * sees the end. */
        TU_CHECK(f.reads <= size / bufs[b] + 2, "%s buf %zu: %u reads for %zu bytes", name,
                 bufs[b], f.reads, size);
        free(buf);
    }
    free(data);
}

/* Seeks inside the window make no call; outside, one; memory seeks past
 * the end are refused; a forward-only stream cannot seek. */
static void check_seek(void)
{
    static const uint8_t bytes[100] = {1, 2, 3};
    uint8_t buf[16];
    tu_memfile f = {bytes, sizeof bytes, 0, 0, 0, 0, 0, sizeof buf, 0};
    giflow_source src;
    giflow_source_callbacks(&src, tu_memfile_read, tu_memfile_seek, &f, buf, sizeof buf);
    TU_CHECK(giflow_source_refill(&src) == GIFLOW_OK && src.in.size == 16, "first read");
    src.in.pos = 10;
    TU_CHECK(giflow_source_tell(&src) == 10, "tell %llu",
             (unsigned long long)giflow_source_tell(&src));
    TU_CHECK(giflow_source_seek(&src, 3) == GIFLOW_OK && f.seeks == 0 && src.in.pos == 3,
             "seek inside the window");
    TU_CHECK(giflow_source_seek(&src, 50) == GIFLOW_OK && f.seeks == 1 && src.in.size == 0,
             "seek outside the window");
    TU_CHECK(giflow_source_refill(&src) == GIFLOW_OK && giflow_source_tell(&src) == 50 &&
                 f.reads == 2,
             "read after a seek");
    TU_CHECK(giflow_source_seek(&src, 1000) == GIFLOW_ERR_IO, "failed seek");
    TU_CHECK(giflow_source_refill(&src) == GIFLOW_ERR_IO, "errors are sticky");

    giflow_source_callbacks(&src, tu_memfile_read, NULL, &f, buf, sizeof buf);
    TU_CHECK(!giflow_source_can_seek(&src), "no seek callback");
    TU_CHECK(giflow_source_seek(&src, 50) == GIFLOW_ERR_STATE, "forward-only seek");

    giflow_source_memory(&src, bytes, sizeof bytes);
    TU_CHECK(giflow_source_can_seek(&src), "memory seeks");
    TU_CHECK(giflow_source_seek(&src, 100) == GIFLOW_OK && giflow_source_tell(&src) == 100,
             "memory seek to the end");
    TU_CHECK(giflow_source_seek(&src, 101) == GIFLOW_ERR_ARG, "memory seek past the end");
}

/* A failing read is GIFLOW_ERR_IO; a cut file is GIFLOW_ERR_TRUNCATED. */
static void check_failures(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/wuffs/test/data/gifplayer-muybridge.gif", dir);
    size_t size;
    uint8_t *data = tu_read_file(path, &size);
    TU_CHECK(data && size > 20000, "cannot read %s", path);
    if (!data)
        return;
    uint8_t buf[512];
    uint32_t h, n;
    tu_memfile f = {data, size, 0, 0, 0, 0, 0, sizeof buf, 20000};
    giflow_source src;
    giflow_source_callbacks(&src, tu_memfile_read, NULL, &f, buf, sizeof buf);
    int r = pull_decode(&src, &h, &n);
    TU_CHECK(r == GIFLOW_ERR_IO && n > 0, "read failure: %d after %u frames", r, n);

    giflow_source_memory(&src, data, 20000);
    r = pull_decode(&src, &h, &n);
    TU_CHECK(r == GIFLOW_ERR_TRUNCATED && n > 0, "cut file: %d after %u frames", r, n);
    free(data);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/corpora";
    static const char *files[] = {
        "wuffs/test/data/muybridge.gif",
        "wuffs/test/data/animated-red-blue.gif",
        "giflib/pic/fire.gif",
        "pygif-test-suite/dispose-restore-previous.gif",
        "peterdn-gif-test-suite/gifs/animated_loop_interlaced.gif",
        "image-gif/tests/samples/moon_impact.gif",
        "pygif-test-suite/missing-pixels.gif",
        "pygif-test-suite/invalid-code.gif",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        check_file(dir, files[i]);
    check_seek();
    check_failures(dir);
    if (tu_failures)
        fprintf(stderr, "test_source: %d failures\n", tu_failures);
    return tu_failures != 0;
}
