/*
 * The host side of `make embedded`: plays the same files with the same
 * player (player.c) and prints the same lines as the firmware, so the
 * per-frame CRCs can be compared. With --canvas it prints what they must
 * be, independently: each frame composed by the RGBA canvas renderer and
 * converted to RGB565 (transparent: the background, 0). --scratch N gives
 * the player N bytes of restore-previous scratch (default 4096), as the
 * firmware has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "player.h"

/* The firmware's limits, unless the build sets larger ones (the whole-corpus
 * comparison of configurations in run.sh). */
#ifndef MAX_WIDTH
#define MAX_WIDTH 480
#endif
#ifndef MAX_PIXELS
#define MAX_PIXELS (480u * 320u)
#endif

static uint8_t dec_mem[GIFLOW_DECODER_STATIC_SIZE(MAX_WIDTH * 2)] __attribute__((aligned(8)));
static uint8_t scratch[1 << 16];
static uint16_t lcd_mem[MAX_PIXELS];

typedef struct run_ctx {
    const char *file, *mode;
} run_ctx;

static void on_frame(void *user, uint32_t i, uint32_t crc)
{
    run_ctx *c = user;
    printf("frame %s %s %u %08x\n", c->file, c->mode, i, crc);
}

static uint64_t no_clock(void)
{
    return 0;
}

/* The reference: canvas frames converted to RGB565. */
static int canvas_crcs(const char *name, const uint8_t *data, size_t size, const char *mode)
{
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_input in = {data, size, 0, 1};
    giflow_image_info im;
    int r = giflow_decode_image_info(dec, &in, &im);
    size_t n = r == GIFLOW_OK ? (size_t)im.canvas_width * im.canvas_height : 0;
    uint8_t *rgba = malloc(n * 4 + 1);
    uint16_t *px = malloc(n * 2 + 1);
    uint32_t i = 0;
    while (r == GIFLOW_OK) {
        giflow_frame_info f;
        if ((r = giflow_decode_frame_info(dec, &in, &f)) != GIFLOW_OK)
            break;
        if ((r = giflow_decode_frame_rgba(dec, &in, rgba, (size_t)im.canvas_width * 4)) !=
            GIFLOW_FRAME_END)
            break;
        for (size_t k = 0; k < n; k++) {
            const uint8_t *p = rgba + 4 * k;
            px[k] = p[3] ? (uint16_t)((p[0] >> 3) << 11 | (p[1] >> 2) << 5 | p[2] >> 3) : 0;
        }
        printf("frame %s %s %u %08x\n", name, mode, i++, play_crc32(0, px, n * 2));
        r = GIFLOW_OK;
    }
    free(rgba);
    free(px);
    giflow_decoder_free(dec);
    return r;
}

int main(int argc, char **argv)
{
    int a = 1, canvas = 0;
    size_t scratch_size = 4096;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "--canvas"))
            canvas = 1;
        else if (!strcmp(argv[a], "--scratch") && a + 1 < argc)
            scratch_size = (size_t)strtoul(argv[++a], NULL, 10);
        else
            return fprintf(stderr, "usage: host_player [--canvas] [--scratch N] FILE...\n"), 2;
    }
    if (scratch_size > sizeof scratch)
        return fprintf(stderr, "host_player: at most %zu bytes of scratch\n", sizeof scratch), 2;
    for (; a < argc; a++) {
        FILE *f = fopen(argv[a], "rb");
        if (!f) {
            fprintf(stderr, "cannot read %s\n", argv[a]);
            return 1;
        }
        static uint8_t data[4 << 20];
        size_t size = fread(data, 1, sizeof data, f);
        fclose(f);
        /* The firmware's two runs, with the same names. */
        static const char *const modes[2] = {"flash", "sd"};
        for (int m = 0; m < 2; m++) {
            if (canvas) {
                canvas_crcs(argv[a], data, size, modes[m]);
                continue;
            }
            lcd screen = {lcd_mem, 0, 0, 0x0000, 0};
            run_ctx ctx = {argv[a], modes[m]};
            play_cfg cfg = {dec_mem, sizeof dec_mem, scratch, scratch_size,
                            m ? GIFLOW_RESTORE_REDECODE
                              : GIFLOW_RESTORE_READBACK | GIFLOW_RESTORE_REDECODE,
                            &screen, MAX_PIXELS, no_clock, on_frame, &ctx};
            giflow_source src;
            giflow_source_memory(&src, data, size);
            play_result r = play(&cfg, &src);
            printf("done %s %s status %d frames %u\n", argv[a], modes[m], r.status, r.frames);
        }
    }
    return 0;
}
