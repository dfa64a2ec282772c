#include "timing.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "io.h"

#define MAX_DURATION_MS 655350.0 /* a GIF delay is at most 65535 cs */

void cli_timing_delay(cli_timing *t, uint32_t delay_cs)
{
    memset(t, 0, sizeof *t);
    t->mode = GIFLOW_TIME_DELAY_CS;
    t->delay_cs = delay_cs;
}

void cli_timing_rate(cli_timing *t, double fps)
{
    memset(t, 0, sizeof *t);
    t->mode = GIFLOW_TIME_TIMESTAMP_MS;
    t->frame_ms = 1000.0 / fps;
}

int cli_timing_durations(cli_timing *t, const char *path)
{
    memset(t, 0, sizeof *t);
    t->mode = GIFLOW_TIME_DURATION_MS;
    t->path = path;
    if (!(t->durations = fopen(path, "r"))) {
        cli_error("--durations %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The next duration, skipping blank lines and # comments. Every value is
 * checked (a number, finite, 0..655350 ms) before it is converted. */
static int read_duration(cli_timing *t, double *ms)
{
    char line[256];
    while (fgets(line, sizeof line, t->durations)) {
        t->line++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n' && !feof(t->durations)) {
            cli_error("--durations %s: line %llu is too long", t->path,
                      (unsigned long long)t->line);
            return -1;
        }
        while (n && isspace((unsigned char)line[n - 1]))
            line[--n] = '\0';
        char *s = line, *end;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s || *s == '#')
            continue;
        double v = strtod(s, &end);
        if (end == s || *end || s[strspn(s, CLI_DECIMAL_CHARS)] || !isfinite(v) ||
            !(v >= 0 && v <= MAX_DURATION_MS)) {
            cli_error("--durations %s: line %llu: '%s' is not a duration in 0..655350 ms",
                      t->path, (unsigned long long)t->line, s);
            return -1;
        }
        *ms = v;
        return 0;
    }
    if (ferror(t->durations))
        cli_error("--durations %s: read error", t->path);
    else
        cli_error("--durations %s: no duration for frame %llu (the file ends at line %llu)",
                  t->path, (unsigned long long)t->n + 1, (unsigned long long)t->line);
    return -1;
}

int cli_timing_next(cli_timing *t, giflow_frame *f)
{
    f->time_mode = t->mode;
    if (t->mode == GIFLOW_TIME_DELAY_CS) {
        f->delay_cs = t->delay_cs;
    } else if (t->mode == GIFLOW_TIME_DURATION_MS) {
        double ms;
        if (read_duration(t, &ms))
            return -1;
        f->duration_ms = (uint32_t)(ms + 0.5);
    } else {
        f->timestamp_ms = (int64_t)((double)t->n * t->frame_ms + 0.5);
    }
    t->n++;
    return 0;
}

long cli_timing_first_cs(cli_timing *t)
{
    if (t->mode == GIFLOW_TIME_DELAY_CS)
        return t->delay_cs;
    double ms = t->frame_ms;
    if (t->mode == GIFLOW_TIME_DURATION_MS && read_duration(t, &ms))
        return -1;
    return (long)(ms / 10 + 0.5);
}

int64_t cli_timing_end(const cli_timing *t)
{
    return (int64_t)((double)t->n * t->frame_ms + 0.5);
}

void cli_timing_close(cli_timing *t)
{
    if (t->durations)
        fclose(t->durations);
    t->durations = NULL;
}
