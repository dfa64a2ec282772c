#include "allocfail.h"

#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

static void *af_alloc(void *user, size_t size)
{
    af_state *s = user;
    long k = s->count++;
    if (k == s->fail_at || (s->fail_rest && s->fail_at >= 0 && k > s->fail_at)) {
        s->failed = 1;
        return NULL;
    }
    void *p = malloc(size);
    if (p)
        s->live++;
    return p;
}

static void af_free(void *user, void *p)
{
    af_state *s = user;
    if (p)
        s->live--;
    free(p);
}

void af_init(af_state *s, long fail_at, int fail_rest)
{
    s->fail_at = fail_at;
    s->fail_rest = fail_rest;
    s->count = s->live = 0;
    s->failed = 0;
    s->a.alloc = af_alloc;
    s->a.free = af_free;
    s->a.user = s;
}

void af_hash(uint64_t *h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ p[i]) * 0x100000001B3u;
}

int af_hash_write(void *user, const uint8_t *data, size_t size)
{
    af_hash(user, data, size);
    return 0;
}

static const char *af_label = "";
static long af_cases, af_points, af_runs, af_recovered;
static long af_sticky_bad;

void af_sticky(const char *what, int first, int again)
{
    if (again != first && af_sticky_bad++ < 5)
        TU_CHECK(again == first, "%s: after %s, %s returned %s", af_label,
                 giflow_strerror(first), what, giflow_strerror(again));
}

/* One refused allocation (or all from it on, rest); returns 1 if the run
 * recovered (the same output), 0 if it failed cleanly, -1 on a defect. */
static int af_one(af_run_fn run, void *ctx, long k, int rest, uint64_t want)
{
    af_state s;
    af_init(&s, k, rest);
    uint64_t got = AF_HASH_INIT;
    int r = run(ctx, &s.a, &got);
    const char *how = rest ? "from allocation" : "allocation";
    int bad = 0;
    if (s.live) {
        TU_CHECK(s.live == 0, "%s: %s %ld refused: %ld allocations leaked", af_label, how, k,
                 s.live);
        bad = 1;
    }
    if (!s.failed) {
        TU_CHECK(s.failed, "%s: %s %ld never requested (the runs differ)", af_label, how, k);
        return -1;
    }
    if (r == GIFLOW_OK) {
        if (got != want) {
            TU_CHECK(got == want, "%s: %s %ld refused: success with other output", af_label,
                     how, k);
            return -1;
        }
        return bad ? -1 : 1;
    }
    if (r != GIFLOW_ERR_NOMEM) {
        TU_CHECK(r == GIFLOW_ERR_NOMEM, "%s: %s %ld refused: %s", af_label, how, k,
                 giflow_strerror(r));
        return -1;
    }
    return bad ? -1 : 0;
}

af_report af_sweep(const char *label, af_run_fn run, void *ctx)
{
    af_report rep = {0, 0};
    af_label = label;
    af_sticky_bad = 0;
    af_state s;
    af_init(&s, -1, 0);
    uint64_t want = AF_HASH_INIT;
    int r = run(ctx, &s.a, &want);
    TU_CHECK(r == GIFLOW_OK && s.live == 0, "%s: unfailed run: %s, %ld live", label,
             giflow_strerror(r), s.live);
    if (r != GIFLOW_OK)
        return rep;
    rep.points = s.count;
    long defects = 0;
    for (int rest = 0; rest < 2; rest++)
        for (long k = 0; k < rep.points && defects < 5; k++) {
            int o = af_one(run, ctx, k, rest, want);
            defects += o < 0;
            rep.recovered += o > 0;
        }
    af_cases++;
    af_points += rep.points;
    af_runs += 1 + 2 * rep.points;
    af_recovered += rep.recovered;
    printf("alloc sweep %-42s %3ld allocations, each refused alone and from there on; "
           "%ld recovered with the same output\n", label, rep.points, rep.recovered);
    return rep;
}

void af_summary(const char *program)
{
    printf("%s: %ld cases, %ld allocation points, %ld runs (%ld refusals recovered with the "
           "same output), %d failures\n",
           program, af_cases, af_points, af_runs, af_recovered, tu_failures);
}
