/* Frame timing for `giflow encode`: --delay, --durations, --fps, a
 * stream's own rate, or 10 cs. */
#ifndef GIFLOW_CLI_TIMING_H
#define GIFLOW_CLI_TIMING_H

#include <stdint.h>
#include <stdio.h>

#include "giflow.h"

typedef struct cli_timing {
    int mode;          /* GIFLOW_TIME_* */
    uint32_t delay_cs; /* GIFLOW_TIME_DELAY_CS */
    double frame_ms;   /* GIFLOW_TIME_TIMESTAMP_MS: one frame's length */
    FILE *durations;   /* GIFLOW_TIME_DURATION_MS: one value per line */
    const char *path;
    uint64_t line;     /* lines of the durations file read */
    uint64_t n;        /* frames timed so far */
} cli_timing;

/* Every frame lasts delay_cs (the default: 10 cs). */
void cli_timing_delay(cli_timing *t, uint32_t delay_cs);
/* Frames at a constant rate, checked by the caller (1/655.35..1000). */
void cli_timing_rate(cli_timing *t, double fps);
/* Durations in ms, one per line, from path. Returns 0, or -1 (reported)
 * when it cannot be opened: a missing file is always an error. */
int cli_timing_durations(cli_timing *t, const char *path);
/* The next frame's timing into f. Returns 0, or -1 after saying which
 * line of the durations file is wrong or that it ran out. */
int cli_timing_next(cli_timing *t, giflow_frame *f);
/* The first duration as centiseconds (a still image's delay); -1 after
 * an error. */
long cli_timing_first_cs(cli_timing *t);
/* The end of the last frame timed, for giflow_encode_finish(). */
int64_t cli_timing_end(const cli_timing *t);
void cli_timing_close(cli_timing *t);

#endif
