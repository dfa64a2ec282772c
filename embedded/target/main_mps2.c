/*
 * The player firmware for mps2-an385 (Cortex-M0+ code, 32 KB of RAM): for
 * each file named on the semihosting command line, plays it twice onto
 * the emulated LCD, printing every frame's CRC:
 * - "flash": the file copied to memory-mapped flash and decoded in place
 *   (zero-copy), restore-previous by readback into SCRATCH_BYTES of
 *   scratch, else by re-decode;
 * - "sd": read through read/seek callbacks into an SD_BYTES buffer, as
 *   from an SD card, restore-previous by re-decode only (a write-only
 *   display).
 * Then the peak stack and the clock calibration.
 */
#include <string.h>

#include "../player.h"
#include "harness.h"
#include "semihost.h"

/* The build sets these (run.sh builds a 480- and a 320-wide player). */
#ifndef MAX_WIDTH
#define MAX_WIDTH 480
#endif
#ifndef SCRATCH_BYTES
#define SCRATCH_BYTES 4096
#endif
#ifndef SD_BYTES
#define SD_BYTES 512
#endif
#define MAX_PIXELS (480u * 320u)

/* Outside the MCU's RAM: the LCD controller's frame memory, the flash
 * chip, and the harness's command line. */
__attribute__((section(".ext"))) static uint16_t lcd_mem[MAX_PIXELS];
__attribute__((section(".ext"))) static uint8_t flash[4u << 20];
__attribute__((section(".ext"))) static char cmdline[4096];

/* The MCU's RAM: decoder, restore scratch, SD buffer. */
static uint8_t dec_mem[GIFLOW_DECODER_STATIC_SIZE(MAX_WIDTH * 2)] __attribute__((aligned(8)));
static uint8_t scratch[SCRATCH_BYTES] __attribute__((aligned(4)));
static uint8_t sd_buf[SD_BYTES];

uint32_t stack_peak(void);

/* ---- Clock: CMSDK timer 0, counting down at the 25 MHz system clock. ---- */
#define TIMER0 ((volatile uint32_t *)0x40000000u)
static uint32_t clock_last;
static uint64_t clock_ticks;

static uint64_t clock_now(void)
{
    uint32_t v = TIMER0[1];
    clock_ticks += (uint32_t)(clock_last - v);
    clock_last = v;
    return clock_ticks;
}

static void clock_start(void)
{
    TIMER0[2] = 0xFFFFFFFFu; /* reload */
    TIMER0[1] = 0xFFFFFFFFu;
    TIMER0[0] = 1;           /* enable */
    clock_last = TIMER0[1];
}

static void report(const char *file, const char *mode, const play_result *r)
{
    out_s("done ");
    out_s(file);
    out_s(" ");
    out_s(mode);
    out_s(r->status < 0 ? " status -" : " status ");
    out_u((uint64_t)(r->status < 0 ? -r->status : r->status), 10, 1);
    out_s(" frames ");
    out_u(r->frames, 10, 1);
    out_s(" pixels ");
    out_u(r->pixels, 10, 1);
    out_s(" ticks ");
    out_u(r->ticks, 10, 1);
    out_end();
}

/* Calibration: ticks for 2,000,000 instructions (a two-instruction loop). */
static uint64_t calibrate(void)
{
    uint64_t t0 = clock_now();
    uint32_t n = 1000000;
    __asm__ volatile(".syntax unified\n1: subs %0, %0, #1\n bne 1b" : "+l"(n));
    return clock_now() - t0;
}

/* A hard fault (an unaligned access, with TRAP_UNALIGNED): stop, failing. */
void fault(void);
void fault(void)
{
    sh_puts("FAULT\n");
    sh_exit(0);
}

int main(void)
{
    clock_start();
    char *p = args_begin(cmdline, sizeof cmdline);
    int ok = 1;
    for (char *name; (name = arg_next(&p)) != NULL;) {
        lcd screen = {lcd_mem, 0, 0, 0x0000, 0};
        play_cfg cfg = {dec_mem, sizeof dec_mem, scratch, sizeof scratch,
                        GIFLOW_RESTORE_READBACK | GIFLOW_RESTORE_REDECODE, &screen, MAX_PIXELS,
                        clock_now, on_frame, NULL};
        /* Flash: copy the file in, decode in place. */
        int fd = sd_open(name);
        int len = fd >= 0 ? sh_call(SH_FLEN, &fd) : -1;
        if (len < 0 || (size_t)len > sizeof flash) {
            out_s("cannot read ");
            out_s(name);
            out_end();
            ok = 0;
            continue;
        }
        uint32_t ra[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)flash, (uint32_t)len};
        sh_call(SH_READ, ra);
        giflow_source src;
        giflow_source_memory(&src, flash, (size_t)len);
        run_ctx ctx = {name, "flash"};
        cfg.user = &ctx;
        play_result r = play(&cfg, &src);
        report(name, "flash", &r);
        /* SD: from the start of the file, through the callbacks. */
        sd_seek(&fd, 0);
        giflow_source_callbacks(&src, sd_read, sd_seek, &fd, sd_buf, sizeof sd_buf);
        ctx.mode = "sd";
        cfg.restore = GIFLOW_RESTORE_REDECODE;
        r = play(&cfg, &src);
        report(name, "sd", &r);
        sh_call(SH_CLOSE, &fd);
    }
    out_s("ram dec_mem ");
    out_u(sizeof dec_mem, 10, 1);
    out_s(" scratch ");
    out_u(sizeof scratch, 10, 1);
    out_s(" sd_buf ");
    out_u(sizeof sd_buf, 10, 1);
    out_s(" max_width ");
    out_u(MAX_WIDTH, 10, 1);
    out_end();
    out_s("stack_peak ");
    out_u(stack_peak(), 10, 1);
    out_s(" ticks_per_2M_instructions ");
    out_u(calibrate(), 10, 1);
    out_end();
    sh_exit(ok);
    return 0;
}
