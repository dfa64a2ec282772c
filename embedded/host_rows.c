/*
 * The host side of the micro:bit run: the rows-only player (rows_player.c)
 * over each file in memory, printing the firmware's lines. run.sh builds it
 * twice, with the full library and with GIFLOW_CONFIG_ROWS_ONLY (its packed
 * LZW table), and both must print what the firmware prints.
 */
#include <stdio.h>

#include "rows_player.h"

static uint8_t dec_mem[GIFLOW_DECODER_STATIC_SIZE(1 << 16)] __attribute__((aligned(8)));

static void on_frame(void *user, uint32_t i, uint32_t crc)
{
    printf("frame %s rows %u %08x\n", (const char *)user, i, crc);
}

int main(int argc, char **argv)
{
    static uint8_t data[4 << 20];
    for (int a = 1; a < argc; a++) {
        FILE *f = fopen(argv[a], "rb");
        if (!f) {
            fprintf(stderr, "cannot read %s\n", argv[a]);
            return 1;
        }
        size_t size = fread(data, 1, sizeof data, f);
        fclose(f);
        giflow_source src;
        giflow_source_memory(&src, data, size);
        uint32_t frames;
        int r = rows_play(dec_mem, sizeof dec_mem, &src, on_frame, argv[a], &frames);
        printf("done %s rows status %d frames %u\n", argv[a], r, frames);
    }
    return 0;
}
