/* CLI plumbing: chunked input, atomic output files, messages, progress. */
#ifndef GIFLOW_CLI_IO_H
#define GIFLOW_CLI_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "giflow.h"

/* A file or stdin ("-") read in chunks into a giflow_input window. */
typedef struct cli_reader {
    FILE *f;
    int is_stdin;
    uint8_t *buf;
    size_t cap;
    giflow_input in;
    uint64_t total; /* bytes read so far */
    uint64_t size;  /* the file's size when it is a regular file, else 0 */
    int err;        /* errno of a failed open or read, else 0 */
} cli_reader;

/* chunk: bytes offered to the decoder per refill (0: 256 KiB). */
int cli_reader_open(cli_reader *r, const char *path, size_t chunk);
/* Refills the window after the decoder consumed it. Returns 0 on success
 * (possibly with in.eof set), -1 on a read error. */
int cli_reader_fill(cli_reader *r);
void cli_reader_close(cli_reader *r);

/* Runs a giflow call until it stops asking for input, storing its status
 * in var: CLI_PUMP(r, rd, giflow_decode_row(d, &rd->in, &row)). */
#define CLI_PUMP(var, rd, expr)                                     \
    do {                                                            \
        while (((var) = (expr)) == GIFLOW_NEED_INPUT) {             \
            if ((rd)->in.eof || cli_reader_fill(rd) != 0) {         \
                (var) = GIFLOW_ERR_IO;                              \
                break;                                              \
            }                                                       \
        }                                                           \
    } while (0)

/* An output file that never damages what it replaces (see out.c):
 * - a regular file, or a path that does not exist yet, is written to
 *   "<target>.tmp-XXXXXX" in the same folder, fsynced and renamed over the
 *   target on commit, keeping the old file's mode; any failure, SIGINT,
 *   SIGTERM or SIGHUP included, removes the temporary file and leaves the
 *   old file as it was;
 * - a symlink is followed: its final target is replaced, the link stays;
 * - a character device, FIFO or socket is written in place;
 * - "-" is stdout; a block device or a directory is refused, and so is an
 *   input registered with cli_protect_input().
 * Writes are buffered. The first write error is reported once, on stderr,
 * with its cause (a full disk, EPIPE); later writes then fail quietly. */
typedef struct cli_out {
    int fd;
    int kind;     /* CLI_OUT_* */
    char *path;   /* as given, for messages */
    char *target; /* symlinks resolved */
    char *tmp;    /* temporary file (CLI_OUT_ATOMIC) */
    int slot;     /* entry in the signal handler's cleanup table */
    int err;      /* errno of the first failed write, 0 if none */
    uint8_t *buf;
    size_t len;
    uint64_t bytes; /* bytes written so far */
} cli_out;

#define CLI_OUT_STDOUT 1
#define CLI_OUT_ATOMIC 2
#define CLI_OUT_IN_PLACE 3

/* Returns 0, or -1 after printing why. */
int cli_out_open(cli_out *o, const char *path);
/* Returns 0, or -1 once a write has failed (reported already). */
int cli_out_write(cli_out *o, const void *data, size_t n);
/* A giflow_write_fn over cli_out_write (user is the cli_out). */
int cli_out_write_fn(void *user, const uint8_t *data, size_t size);
/* Hands buffered bytes on now, so a pipe's reader can start early. */
int cli_out_flush(cli_out *o);
/* Flushes and finishes: fsync and rename for an atomic output. Returns 0,
 * or -1 after reporting the failure (the temporary file is removed). */
int cli_out_commit(cli_out *o);
/* Drops the output: an atomic one's temporary file is removed. */
void cli_out_abort(cli_out *o);

/* Registers an input file that no output may replace (regular files only;
 * "-" and devices are ignored). Call for every input before opening
 * outputs. Returns 0, or -1 when out of memory. */
int cli_protect_input(const char *path);
/* 0 if path may be written; -1 (message printed) if it names a protected
 * input, through any symlink or hard link. */
int cli_out_check(const char *path);

/* Messages on stderr, prefixed "giflow: ". cli_set_quiet(1) holds them
 * back while reading ahead (sampling), so each problem is said once, by
 * the pass that acts on it. */
void cli_set_quiet(int quiet);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Progress on stderr, only when it is a terminal. */
typedef struct cli_progress {
    int enabled;
    double start, last;
    const char *what;
} cli_progress;

void cli_progress_start(cli_progress *p, const char *what);
/* done/total items (total 0 if unknown); redraws at most 10 times a second. */
void cli_progress_update(cli_progress *p, uint64_t done, uint64_t total);
/* done items, their count unknown, after bytes_done of bytes_total input
 * bytes (a percentage and an ETA when bytes_total is known). */
void cli_progress_update_bytes(cli_progress *p, uint64_t done, uint64_t bytes_done,
                               uint64_t bytes_total);
void cli_progress_end(cli_progress *p);
double cli_now(void);

/* Creates a directory if it does not exist. */
int cli_mkdir(const char *path);

/* The decode command's RGBA canvas, zero-filled (canvas.c): huge pages for
 * a large one where the system has them, else calloc. */
typedef struct cli_canvas {
    void *map, *heap;
    size_t map_len;
} cli_canvas;
void *cli_canvas_alloc(cli_canvas *c, size_t bytes);
void cli_canvas_free(cli_canvas *c);
/* Widens a pipe on fd to 1 MB where the system allows it (canvas.c). */
void cli_pipe_widen(int fd);

#endif
