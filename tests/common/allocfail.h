/* Allocation-failure injection for the tests (issue 8): an allocator hook
 * that refuses a chosen allocation, and a sweep that refuses each one of a
 * run in turn.
 *
 * A run is any use of the library that takes the hook: it returns
 * GIFLOW_OK when it got through, or the error it ended with, and hashes
 * what it produced. The sweep first runs with no failure (which must
 * succeed) to count the run's allocations, N, then N times more with
 * allocation k refused (k = 0..N-1), in two ways: only that allocation
 * (later ones succeed again: errors must stay sticky, nothing may be
 * retried into a different result) and that one and every later one (the
 * error path itself must not need memory). Each failed run must return
 * GIFLOW_ERR_NOMEM, or, where the allocation is optional (a working
 * buffer taken only for speed), GIFLOW_OK with the output of the
 * unfailed run; and free everything it took (counted here; ASan's leak
 * checker sees memory taken around the hook). */
#ifndef GIFLOW_TEST_ALLOCFAIL_H
#define GIFLOW_TEST_ALLOCFAIL_H

#include <stddef.h>
#include <stdint.h>

#include "giflow.h"

typedef struct af_state {
    long fail_at;   /* the allocation refused, 0-based; -1: none */
    int fail_rest;  /* 1: every allocation from fail_at on is refused */
    long count;     /* allocation requests so far, refused ones included */
    long live;      /* allocations not yet freed */
    int failed;     /* an allocation was refused */
    giflow_allocator a;
} af_state;

/* Sets *s up (counters zeroed) and its allocator s->a. */
void af_init(af_state *s, long fail_at, int fail_rest);

/* FNV-1a over bytes, for comparing outputs. Start from AF_HASH_INIT. */
#define AF_HASH_INIT 0xCBF29CE484222325u
void af_hash(uint64_t *h, const void *data, size_t n);
/* A giflow_write_fn that hashes into *(uint64_t *)user. */
int af_hash_write(void *user, const uint8_t *data, size_t size);

/* One run with allocator a; *hash starts at AF_HASH_INIT. */
typedef int (*af_run_fn)(void *ctx, const giflow_allocator *a, uint64_t *hash);

typedef struct af_report {
    long points;    /* allocations of the unfailed run: each was refused */
    long recovered; /* refusals (of 2 * points) that ended in the same
                       output: optional allocations */
} af_report;

/* Sweeps run over every allocation point as described above, checking
 * with TU_CHECK (label names the case in messages). Returns the report;
 * also prints one line with it. */
af_report af_sweep(const char *label, af_run_fn run, void *ctx);

/* Prints the totals of every sweep so far: cases, allocation points,
 * runs. */
void af_summary(const char *program);

/* For run functions: checks that an error is sticky, i.e. that again,
 * what a later call (named by what) returned after the run's first error,
 * is that error, first. Messages name the sweep running. */
void af_sticky(const char *what, int first, int again);

#endif
