/*
 * Must-not-crash sets: fuzzer output and crash reproducers from libnsgif,
 * gdk-pixbuf, the ngiflib/SDL PoCs and image-gif.
 *
 * Every file is decoded fed whole and fed one byte at a time, twice: once
 * compositing (default limits) and once as index rows with no canvas limit
 * (so that files rejected for their canvas size still exercise the LZW and
 * block parser). The two feedings must agree on everything observable:
 * final status, stage, image info, frame count, every frame's info, status
 * and pixels (hash of the canvas after each frame, or of the row sequence),
 * loop count. Each decode must finish within the time limit (1 s release,
 * 10 s sanitizer build), the decoder's own heap figure must match what the
 * allocator hook saw, nothing may leak, and the peak must stay within what
 * the declared frame sizes justify. gdk-pixbuf's test-images/fail/ files
 * must all be rejected with an error.
 *
 * Usage: robust_nocrash CORPORA_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb_util.h"
#include "testutil.h"

static int keep_gif(const char *p)
{
    size_t n = strlen(p);
    return n >= 4 && !strcmp(p + n - 4, ".gif");
}

typedef struct set {
    const char *dir;
    int recursive;
    int (*keep)(const char *);
    int must_fail;
} set;

static const set sets[] = {
    {"libnsgif/test/data", 0, keep_gif, 0},
    {"libnsgif/test/ns-afl-gif", 0, NULL, 0},
    {"gdk-pixbuf/tests/test-images/fail", 0, NULL, 1},
    {"gdk-pixbuf/tests", 0, keep_gif, 0},
    {"fuzz-pocs", 1, NULL, 0},
    {"image-gif/tests/crashtest", 0, NULL, 0},
    {"image-gif/tests/stall", 0, NULL, 0},
};

static double time_limit;
static double worst_time;
static char worst_time_file[300];
static size_t worst_peak;
static char worst_peak_file[300];

static void copy_str(char *dst, size_t n, const char *src)
{
    size_t k = strlen(src);
    if (k >= n)
        k = n - 1;
    memcpy(dst, src, k);
    dst[k] = 0;
}

/* Memory and time checks for one decode. */
static void check_one(const rb_result *r, const char *label)
{
    TU_CHECK(!r->driver_error, "%s: %s", label, r->driver_msg);
    TU_CHECK(r->contract_violations == 0, "%s: %d API contract violations",
             label, r->contract_violations);
    TU_CHECK(r->seconds < time_limit, "%s: took %.3f s (limit %.0f s)", label,
             r->seconds, time_limit);
    if (r->seconds > worst_time) {
        worst_time = r->seconds;
        copy_str(worst_time_file, sizeof worst_time_file, label);
    }
    /* The decoder's account of its heap is what the hook saw. */
    TU_CHECK(r->heap_peak == r->alloc_peak,
             "%s: giflow_decoder_heap() peak %zu, allocator saw %zu", label,
             r->heap_peak, r->alloc_peak);
    TU_CHECK(r->heap_now_end == r->alloc_live_end,
             "%s: giflow_decoder_heap() now %zu, allocator saw %zu live", label,
             r->heap_now_end, r->alloc_live_end);
    TU_CHECK(r->alloc_live_after == 0, "%s: %zu bytes live after free", label,
             r->alloc_live_after);
    /* Bounded memory: the fixed state, one row of the widest frame and one
     * restore rectangle, each possibly held twice while being replaced by a
     * larger one, and when compositing the LZW working buffer (at most half
     * the canvas's bytes, or 64 KiB: GIFLOW__WORK_MIN_BYTES in lzw.h).
     * Nothing else may grow, whatever the file holds; in particular not
     * with the amount of data. */
    size_t bound = giflow_decoder_state_size() + 2 * (size_t)r->max_width;
    if (r->mode_used == RB_MODE_RGBA) /* index rows never need these */
        bound += 2 * r->max_restore +
                 (r->canvas_bytes / 2 > 65536 ? r->canvas_bytes / 2 : 65536);
    TU_CHECK(r->alloc_peak <= bound,
             "%s: peak heap %zu above the bound %zu (state %zu, widest frame "
             "%u, largest restore %zu)",
             label, r->alloc_peak, bound, giflow_decoder_state_size(),
             r->max_width, r->max_restore);
    if (r->alloc_peak > worst_peak) {
        worst_peak = r->alloc_peak;
        copy_str(worst_peak_file, sizeof worst_peak_file, label);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPORA_DIR\n", argv[0]);
        return 2;
    }
    const char *root = argv[1];
    time_limit = rb_sanitized() ? 10.0 : 1.0;
    unsigned watchdog = rb_sanitized() ? 300 : 60;
    giflow_limits unlimited;
    giflow_limits_default(&unlimited);
    unlimited.max_canvas_pixels = 0;
    const rb_plan whole = {RB_WHOLE, 0, 0, 0, "whole"};
    const rb_plan bytes = {RB_FIXED, 1, 0, 0, "1-byte"};
    const size_t canvas_limit = (size_t)1 << 32; /* never fall back */
    size_t total_files = 0;
    double t_start = rb_now();

    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        const set *st = &sets[s];
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", root, st->dir);
        rb_list files = {0};
        int w = st->recursive ? rb_walk(dir, st->keep, &files)
                              : rb_walk_flat(dir, st->keep, &files);
        TU_CHECK(w == 0 && files.n > 0, "set %s: no files found in %s", st->dir, dir);
        int hist[64] = {0}, hist_rows[64] = {0}, ok = 0, ok_rows = 0;
        for (size_t i = 0; i < files.n; i++) {
            const char *rel = rb_rel(files.paths[i], root);
            size_t n;
            uint8_t *data = tu_read_file(files.paths[i], &n);
            TU_CHECK(data != NULL, "%s: cannot read", rel);
            if (!data)
                continue;
            total_files++;
            rb_result r[4];
            char label[4][400];
            static const char *what[4] = {"rgba whole", "rgba 1-byte",
                                          "rows whole unlimited-canvas",
                                          "rows 1-byte unlimited-canvas"};
            for (int k = 0; k < 4; k++) {
                snprintf(label[k], sizeof label[k], "%s [%s]", rel, what[k]);
                rb_watchdog(watchdog, label[k]);
                int e = rb_decode(data, n, (k & 1) ? &bytes : &whole,
                                  k < 2 ? RB_MODE_RGBA : RB_MODE_ROWS, 0,
                                  k < 2 ? NULL : &unlimited, canvas_limit,
                                  label[k], &r[k]);
                rb_watchdog(0, NULL);
                TU_CHECK(e == 0, "%s: test driver out of memory", label[k]);
                if (e == 0)
                    check_one(&r[k], label[k]);
            }
            char cl[420];
            snprintf(cl, sizeof cl, "%s [rgba: whole vs 1-byte]", rel);
            TU_CHECK(rb_compare(&r[0], &r[1], cl) == 0, "%s: results differ", cl);
            snprintf(cl, sizeof cl, "%s [rows: whole vs 1-byte]", rel);
            TU_CHECK(rb_compare(&r[2], &r[3], cl) == 0, "%s: results differ", cl);
            if (st->must_fail) {
                char b[300];
                TU_CHECK(r[0].status < 0, "%s: must be rejected with an error, got %s",
                         rel, rb_describe(&r[0], b, sizeof b));
                printf("  %-55s %s\n", rel, rb_describe(&r[0], b, sizeof b));
            }
            int st0 = r[0].status;
            hist[st0 < 0 ? (-st0 < 64 ? -st0 : 63) : 0]++;
            ok += st0 == GIFLOW_END;
            int st2 = r[2].status;
            hist_rows[st2 < 0 ? (-st2 < 64 ? -st2 : 63) : 0]++;
            ok_rows += st2 == GIFLOW_END;
            for (int k = 0; k < 4; k++)
                rb_result_free(&r[k]);
            free(data);
        }
        printf("set %-36s %4zu files: %d decode cleanly;", st->dir, files.n, ok);
        for (int k = 1; k < 64; k++)
            if (hist[k])
                printf(" %d x %d", hist[k], -k);
        printf("\n    %-36s unlimited canvas, rows: %d decode cleanly;", "", ok_rows);
        for (int k = 1; k < 64; k++)
            if (hist_rows[k])
                printf(" %d x %d", hist_rows[k], -k);
        printf("\n");
        rb_list_free(&files);
    }
    printf("%zu files, 4 decodes each, %.2f s in all; slowest decode %.3f s (%s); "
           "largest decoder heap peak %zu bytes (%s); fixed state %zu bytes\n",
           total_files, rb_now() - t_start, worst_time, worst_time_file, worst_peak,
           worst_peak_file, giflow_decoder_state_size());
    if (tu_failures)
        printf("FAILED: %d checks\n", tu_failures);
    return tu_failures ? 1 : 0;
}
