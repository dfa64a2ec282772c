/*
 * cli_cost - what `giflow decode --raw FILE -o -` costs as a process,
 * against the same decode in-process (issue 9).
 *
 * Usage: cli_cost [--runs N] GIFLOW_CLI FILE.gif...
 *
 * Per file, N times each (default 15), medians reported:
 *   in-process  giflow_decoder_new, every frame composited into one
 *               calloc'ed canvas (GIFLOW_FLAG_ZEROED_CANVAS, as the CLI
 *               does), free: thread CPU time. The canvas's allocation and
 *               page faults are included, as the CLI pays them.
 *   process     fork + exec of GIFLOW_CLI decode --raw FILE -o -, its
 *               stdout a pipe that this program drains: the child's user
 *               + system CPU time and page faults (wait4's rusage; only
 *               the sum is given: the kernel samples the user/system split).
 *   startup     GIFLOW_CLI --version the same way: exec, dynamic linking
 *               and exit, the part no decoder change can remove.
 * "x" is process / in-process. The pipe's reader is this program, so the
 * child pays its pipe writes but not the reading.
 *
 * Licence: MIT.
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "giflow.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n & 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double thread_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            uint8_t *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* One in-process decode; returns the frames composited. */
static long decode_once(const uint8_t *data, size_t len)
{
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (!dec)
        return -1;
    giflow_decoder_set_flags(dec, GIFLOW_FLAG_ZEROED_CANVAS);
    giflow_input in = {data, len, 0, 1};
    giflow_image_info info;
    long frames = 0;
    if (giflow_decode_image_info(dec, &in, &info) == GIFLOW_OK) {
        size_t stride = (size_t)info.canvas_width * 4;
        uint8_t *canvas = calloc(info.canvas_height ? info.canvas_height : 1, stride ? stride : 4);
        giflow_frame_info fi;
        while (canvas && giflow_decode_frame_info(dec, &in, &fi) == GIFLOW_OK &&
               giflow_decode_frame_rgba(dec, &in, canvas, stride) == GIFLOW_FRAME_END)
            frames++;
        free(canvas);
    }
    giflow_decoder_free(dec);
    return frames;
}

typedef struct proc_cost {
    double cpu_s, user_s, sys_s;
    long minflt;
    size_t out_bytes;
    int status;
} proc_cost;

/* Runs argv with stdout into a pipe drained here; the child's rusage. */
static int run_child(char *const argv[], proc_cost *pc)
{
    int fd[2];
    if (pipe(fd))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    static uint8_t sink[1 << 16];
    ssize_t k;
    pc->out_bytes = 0;
    while ((k = read(fd[0], sink, sizeof sink)) > 0 || (k < 0 && errno == EINTR))
        if (k > 0)
            pc->out_bytes += (size_t)k;
    close(fd[0]);
    struct rusage ru;
    int st;
    if (wait4(pid, &st, 0, &ru) != pid)
        return -1;
    pc->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    pc->user_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6;
    pc->sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    pc->cpu_s = pc->user_s + pc->sys_s;
    pc->minflt = ru.ru_minflt;
    return 0;
}

/* Medians of n runs of argv. */
static int proc_median(char *const argv[], int n, proc_cost *out)
{
    double *cpu = malloc((size_t)n * 3 * sizeof *cpu), *us = cpu + n, *sy = cpu + 2 * n;
    long flt = 0;
    if (!cpu)
        return -1;
    for (int i = 0; i < n; i++) {
        proc_cost pc;
        if (run_child(argv, &pc)) {
            free(cpu);
            return -1;
        }
        cpu[i] = pc.cpu_s;
        us[i] = pc.user_s;
        sy[i] = pc.sys_s;
        flt = pc.minflt;
        out->out_bytes = pc.out_bytes;
        out->status = pc.status;
    }
    out->cpu_s = median(cpu, n);
    out->user_s = median(us, n);
    out->sys_s = median(sy, n);
    out->minflt = flt;
    free(cpu);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 15, a = 1;
    if (a + 1 < argc && !strcmp(argv[a], "--runs")) {
        runs = atoi(argv[a + 1]);
        a += 2;
    }
    if (runs < 1)
        runs = 1;
    if (argc - a < 2) {
        fprintf(stderr, "usage: %s [--runs N] GIFLOW_CLI FILE.gif...\n", argv[0]);
        return 2;
    }
    char *cli = argv[a++];
    char *ver[] = {cli, "--version", NULL};
    proc_cost boot;
    if (proc_median(ver, runs, &boot)) {
        fprintf(stderr, "cli_cost: cannot run %s\n", cli);
        return 1;
    }
    printf("giflow decode --raw FILE -o - (stdout a pipe) as a process vs the same decode "
           "in-process; CPU ms, medians of %d runs\n",
           runs);
    printf("startup (%s --version): %.3f ms CPU, %ld page faults\n", cli, boot.cpu_s * 1e3,
           boot.minflt);
    printf("%-28s %8s %9s %9s %7s %8s %10s\n", "file", "frames", "in-proc", "process", "x",
           "faults", "out MB");
    for (; a < argc; a++) {
        size_t len;
        uint8_t *data = read_all(argv[a], &len);
        const char *name = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
        if (!data) {
            printf("%-28s unreadable\n", name);
            continue;
        }
        double *t = malloc((size_t)runs * sizeof *t);
        long frames = decode_once(data, len); /* warm-up */
        for (int i = 0; t && i < runs; i++) {
            double t0 = thread_s();
            decode_once(data, len);
            t[i] = thread_s() - t0;
        }
        double inproc = t ? median(t, runs) : 0;
        free(t);
        free(data);
        char *dec[] = {cli, "decode", "--raw", argv[a], "-o", "-", NULL};
        proc_cost pc;
        if (proc_median(dec, runs, &pc)) {
            printf("%-28s cannot run the CLI\n", name);
            continue;
        }
        printf("%-28.28s %8ld %9.3f %9.3f %7.2f %8ld %10.2f%s\n", name, frames, inproc * 1e3,
               pc.cpu_s * 1e3, inproc > 0 ? pc.cpu_s / inproc : 0, pc.minflt,
               (double)pc.out_bytes / 1e6, pc.status ? "  (CLI exit status not 0)" : "");
    }
    return 0;
}
