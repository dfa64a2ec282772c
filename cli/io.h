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

/* An output written to "<path>.tmp-XXXXXX" and renamed over path only on
 * success, so an existing file survives any failure. "-" is stdout. */
typedef struct cli_out {
    FILE *f;
    char *path;
    char *tmp;
    int is_stdout;
} cli_out;

int cli_out_open(cli_out *o, const char *path);
int cli_out_commit(cli_out *o); /* flush, fsync-free close, rename */
void cli_out_abort(cli_out *o);  /* remove the temporary file */

/* Messages on stderr, prefixed "giflow: ". */
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
void cli_progress_end(cli_progress *p);
double cli_now(void);

/* Creates a directory if it does not exist. */
int cli_mkdir(const char *path);

#endif
