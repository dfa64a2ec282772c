#define _POSIX_C_SOURCE 200809L
#include "io.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

int cli_reader_open(cli_reader *r, const char *path, size_t chunk)
{
    memset(r, 0, sizeof *r);
    r->is_stdin = !strcmp(path, "-");
    r->f = r->is_stdin ? stdin : fopen(path, "rb");
    if (!r->f) {
        r->err = errno;
        cli_error("%s: %s", path, strerror(r->err));
        return -1;
    }
    struct stat st;
    if (!r->is_stdin && fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode))
        r->size = (uint64_t)st.st_size;
    r->cap = chunk ? chunk : CHUNK;
    r->buf = malloc(r->cap);
    if (!r->buf) {
        cli_error("out of memory");
        return -1;
    }
    r->in.src = r->buf;
    return cli_reader_fill(r);
}

int cli_reader_fill(cli_reader *r)
{
    if (r->in.eof)
        return 0; /* the decoder has been told; it will report */
    /* Keep bytes the decoder has not consumed yet. */
    size_t keep = r->in.size - r->in.pos;
    memmove(r->buf, r->buf + r->in.pos, keep);
    /* read(), not fread(): hand over whatever has arrived, so a slow pipe
     * is decoded as it flows. */
    ssize_t n;
    do
        n = read(fileno(r->f), r->buf + keep, r->cap - keep);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        r->err = errno;
        cli_error("read error: %s", strerror(r->err));
        return -1;
    }
    r->total += (uint64_t)n;
    r->in.pos = 0;
    r->in.size = keep + (size_t)n;
    if (n == 0)
        r->in.eof = 1;
    return 0;
}

void cli_reader_close(cli_reader *r)
{
    if (r->f && !r->is_stdin)
        fclose(r->f);
    free(r->buf);
    memset(r, 0, sizeof *r);
}

static int quiet;

void cli_set_quiet(int q)
{
    quiet = q;
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
    if (quiet)
        return;
    fprintf(stderr, "giflow: %s", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

double cli_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void cli_progress_start(cli_progress *p, const char *what)
{
    p->enabled = isatty(STDERR_FILENO) && !getenv("GIFLOW_NO_PROGRESS");
    p->start = p->last = cli_now();
    p->what = what;
}

/* Seconds since the start when a progress line is due (at most ten a
 * second, only on a terminal), else 0. */
static double progress_due(cli_progress *p)
{
    if (!p->enabled)
        return 0;
    double t = cli_now();
    if (t - p->last < 0.1)
        return 0;
    p->last = t;
    return t - p->start > 1e-9 ? t - p->start : 1e-9;
}

void cli_progress_update(cli_progress *p, uint64_t done, uint64_t total)
{
    double el = progress_due(p);
    if (!el)
        return;
    double rate = done / el;
    if (total) {
        double eta = rate > 0 ? (double)(total - done) / rate : 0;
        fprintf(stderr, "\r%s %llu/%llu  %.1f/s  ETA %.0fs   ", p->what,
                (unsigned long long)done, (unsigned long long)total, rate, eta);
    } else {
        fprintf(stderr, "\r%s %llu  %.1f/s   ", p->what,
                (unsigned long long)done, rate);
    }
}

void cli_progress_update_bytes(cli_progress *p, uint64_t done, uint64_t bytes_done,
                               uint64_t bytes_total)
{
    if (!bytes_total || bytes_done > bytes_total) {
        cli_progress_update(p, done, 0);
        return;
    }
    double el = progress_due(p);
    if (!el)
        return;
    double eta = bytes_done ? el * (double)(bytes_total - bytes_done) / (double)bytes_done : 0;
    fprintf(stderr, "\r%s %llu  %.0f%% of %.1f MB  %.1f/s  ETA %.0fs   ", p->what,
            (unsigned long long)done, 100.0 * (double)bytes_done / (double)bytes_total,
            (double)bytes_total / 1e6, done / el, eta);
}

void cli_progress_end(cli_progress *p)
{
    if (p->enabled && p->last > p->start)
        fprintf(stderr, "\r\033[K");
}

int cli_mkdir(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : (cli_error("%s: not a directory", path), -1);
    if (mkdir(path, 0777) != 0) {
        cli_error("%s: cannot create directory: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
