/*
 * The firmwares' test harness (mps2-an385 and micro:bit): output lines and
 * files through semihosting. The "SD card" is the host's file, read and
 * seeked through semihosting calls into the caller's buffer.
 */
#ifndef GIFLOW_EMBEDDED_HARNESS_H
#define GIFLOW_EMBEDDED_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* One output line, built up and then written with out_end(). */
void out_s(const char *s);
void out_u(uint64_t v, unsigned base, int width);
void out_end(void);

/* The frame callback of both players: "frame FILE MODE I CRC". */
typedef struct run_ctx {
    const char *file, *mode;
} run_ctx;
void on_frame(void *user, uint32_t i, uint32_t crc);

/* The semihosting command line read into buf: returns a cursor past the
 * program name, for arg_next(). Exits when there is none. */
char *args_begin(char *buf, size_t size);
/* The next word at *cursor, NUL-ended in place, or NULL after the last. */
char *arg_next(char **cursor);

/* giflow_source callbacks over a semihosting file (user: its int fd). */
int sd_open(const char *name);
ptrdiff_t sd_read(void *user, uint8_t *buf, size_t n);
int sd_seek(void *user, uint64_t offset);

#endif
