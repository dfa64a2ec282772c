/*
 * The rows-only firmware for the BBC micro:bit (nRF51822: Cortex-M0,
 * 16 KB of RAM; qemu -M microbit), built with GIFLOW_CONFIG_ROWS_ONLY: for
 * each file named on the semihosting command line, every row of every
 * frame through read/seek callbacks into a 512-byte "SD" buffer, printing
 * each frame's CRC over its rows (rows_player.h). Then the peak stack.
 */
#include "../rows_player.h"
#include "harness.h"
#include "semihost.h"

#ifndef MAX_WIDTH
#define MAX_WIDTH 128
#endif

static uint8_t dec_mem[GIFLOW_DECODER_STATIC_SIZE(MAX_WIDTH)] __attribute__((aligned(8)));
static uint8_t sd_buf[512];
static char cmdline[1024];

uint32_t stack_peak(void);

void fault(void);
void fault(void)
{
    sh_puts("FAULT\n");
    sh_exit(0);
}

int main(void)
{
    char *p = args_begin(cmdline, sizeof cmdline);
    int ok = 1;
    for (char *name; (name = arg_next(&p)) != NULL;) {
        int fd = sd_open(name);
        if (fd < 0) {
            out_s("cannot read ");
            out_s(name);
            out_end();
            ok = 0;
        } else {
            giflow_source src;
            giflow_source_callbacks(&src, sd_read, sd_seek, &fd, sd_buf, sizeof sd_buf);
            run_ctx ctx = {name, "rows"};
            uint32_t frames;
            int r = rows_play(dec_mem, sizeof dec_mem, &src, on_frame, &ctx, &frames);
            out_s("done ");
            out_s(name);
            out_s(" rows status ");
            if (r < 0)
                out_s("-");
            out_u((uint64_t)(r < 0 ? -r : r), 10, 1);
            out_s(" frames ");
            out_u(frames, 10, 1);
            out_end();
            sh_call(SH_CLOSE, &fd);
        }
    }
    out_s("ram dec_mem ");
    out_u(sizeof dec_mem, 10, 1);
    out_s(" state ");
    out_u(giflow_decoder_state_size(), 10, 1);
    out_s(" sd_buf ");
    out_u(sizeof sd_buf, 10, 1);
    out_s(" max_width ");
    out_u(MAX_WIDTH, 10, 1);
    out_end();
    out_s("stack_peak ");
    out_u(stack_peak(), 10, 1);
    out_end();
    sh_exit(ok);
    return 0;
}
