/*
 * Chunking equivalence over the whole corpus: every GIF-like file under the
 * corpora directory (*.gif, *.gif.disabled, extensionless fuzz PoCs) is
 * decoded fed whole and fed in other ways: one byte at a time, pseudo-random
 * chunk sizes (fixed seeds), and with eof signalled only in a final empty
 * call. Every chunk lives in its own exactly-sized heap buffer. Each way of
 * feeding must give the same result as the whole-file decode: final status,
 * stage, image info, frame count, every frame's info, status and pixels
 * (hash of the composited canvas after each frame, or of the index rows),
 * partial-row report, loop count. Without the working buffer
 * (GIFLOW_FLAG_SMALL_MEMORY) the same. The same is done for index rows, for
 * the zero-delay merging option and for the lenient code-size option.
 *
 * Usage: robust_chunking CORPORA_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb_util.h"
#include "testutil.h"

typedef struct variant {
    const char *name;
    int mode;
    unsigned flags;
    rb_plan plan;
} variant;

/* Group of variants compared against the first of the group. */
typedef struct group {
    const char *name;
    int first, count;
} group;

static const variant variants[] = {
    /* 0..5: composited canvas */
    {"rgba whole", RB_MODE_RGBA, 0, {RB_WHOLE, 0, 0, 0, "whole"}},
    {"rgba 1-byte", RB_MODE_RGBA, 0, {RB_FIXED, 1, 0, 0, "1-byte"}},
    {"rgba random 1..16, late eof", RB_MODE_RGBA, 0, {RB_RANDOM, 16, 0x1234567u, 1, "r16"}},
    {"rgba random 1..512", RB_MODE_RGBA, 0, {RB_RANDOM, 512, 0xC0FFEEu, 0, "r512"}},
    {"rgba random 1..65536", RB_MODE_RGBA, 0, {RB_RANDOM, 65536, 0xBADC0DEu, 0, "r64k"}},
    {"rgba whole, late eof", RB_MODE_RGBA, 0, {RB_WHOLE, 0, 0, 1, "whole-late-eof"}},
    /* 6..7: without the working buffer (the chain-table and canvas-copy
     * LZW modes instead of the flat table) */
    {"rgba small-memory whole", RB_MODE_RGBA, GIFLOW_FLAG_SMALL_MEMORY, {RB_WHOLE, 0, 0, 0, "sm-whole"}},
    {"rgba small-memory random 1..512", RB_MODE_RGBA, GIFLOW_FLAG_SMALL_MEMORY, {RB_RANDOM, 512, 0xFACADEu, 0, "sm-r512"}},
    /* 8..10: index rows */
    {"rows whole", RB_MODE_ROWS, 0, {RB_WHOLE, 0, 0, 0, "whole"}},
    {"rows 1-byte", RB_MODE_ROWS, 0, {RB_FIXED, 1, 0, 0, "1-byte"}},
    {"rows random 1..300", RB_MODE_ROWS, 0, {RB_RANDOM, 300, 0x5EED5u, 1, "r300"}},
    /* 11..12: zero-delay merging */
    {"merge whole", RB_MODE_RGBA, GIFLOW_FLAG_MERGE_ZERO_DELAY, {RB_WHOLE, 0, 0, 0, "whole"}},
    {"merge 1-byte", RB_MODE_RGBA, GIFLOW_FLAG_MERGE_ZERO_DELAY, {RB_FIXED, 1, 0, 0, "1-byte"}},
    /* 13..14: lenient code size */
    {"lenient rows whole", RB_MODE_ROWS, GIFLOW_FLAG_LENIENT_CODE_SIZE, {RB_WHOLE, 0, 0, 0, "whole"}},
    {"lenient rows 1-byte", RB_MODE_ROWS, GIFLOW_FLAG_LENIENT_CODE_SIZE, {RB_FIXED, 1, 0, 0, "1-byte"}},
};
#define NVAR (int)(sizeof variants / sizeof variants[0])

static const group groups[] = {
    {"rgba", 0, 8}, {"rows", 8, 3}, {"merge", 11, 2}, {"lenient", 13, 2},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPORA_DIR\n", argv[0]);
        return 2;
    }
    const char *root = argv[1];
    unsigned watchdog = rb_sanitized() ? 300 : 60;
    /* Canvases above this are decoded as rows instead (by every variant of
     * the group alike, so the comparison still holds). */
    const size_t canvas_limit = (size_t)320 << 20;
    rb_list files = {0};
    TU_CHECK(rb_walk(root, rb_is_gif_like, &files) == 0, "cannot read %s", root);
    TU_CHECK(files.n >= 500, "only %zu GIF-like files under %s", files.n, root);

    double t0 = rb_now(), vtime[NVAR] = {0}, slowest = 0;
    char slowest_what[400] = "";
    size_t bytes = 0, frames = 0, mismatched_files = 0, fallback = 0;
    uint64_t calls = 0;
    for (size_t i = 0; i < files.n; i++) {
        const char *rel = rb_rel(files.paths[i], root);
        size_t n;
        uint8_t *data = tu_read_file(files.paths[i], &n);
        TU_CHECK(data != NULL, "%s: cannot read", rel);
        if (!data)
            continue;
        bytes += n;
        rb_result r[NVAR];
        int bad = 0;
        for (int v = 0; v < NVAR; v++) {
            const variant *va = &variants[v];
            char label[400];
            snprintf(label, sizeof label, "%s [%s]", rel, va->name);
            rb_watchdog(watchdog, label);
            int e = rb_decode(data, n, &va->plan, va->mode, va->flags, NULL,
                              canvas_limit, label, &r[v]);
            rb_watchdog(0, NULL);
            TU_CHECK(e == 0, "%s: test driver out of memory", label);
            if (e) {
                memset(&r[v], 0, sizeof r[v]);
                r[v].driver_error = 1;
                bad++;
                continue;
            }
            TU_CHECK(!r[v].driver_error, "%s: %s", label, r[v].driver_msg);
            TU_CHECK(r[v].contract_violations == 0, "%s: %d API contract violations",
                     label, r[v].contract_violations);
            TU_CHECK(r[v].alloc_live_after == 0, "%s: %zu bytes leaked", label,
                     r[v].alloc_live_after);
            bad += r[v].driver_error || r[v].contract_violations;
            vtime[v] += r[v].seconds;
            calls += r[v].calls;
            if (r[v].seconds > slowest) {
                slowest = r[v].seconds;
                snprintf(slowest_what, sizeof slowest_what, "%s", label);
            }
        }
        frames += r[0].nframes;
        fallback += r[0].mode_used != RB_MODE_RGBA;
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
            const group *gr = &groups[g];
            for (int v = gr->first + 1; v < gr->first + gr->count; v++) {
                char label[500];
                snprintf(label, sizeof label, "%s [%s vs %s]", rel,
                         variants[gr->first].name, variants[v].name);
                int d = rb_compare(&r[gr->first], &r[v], label);
                TU_CHECK(d == 0, "%s: %d differences", label, d);
                bad += d != 0;
            }
        }
        /* Rows and canvas decodes see the same stream structure. */
        {
            char label[500];
            snprintf(label, sizeof label, "%s [rgba whole vs rows whole: status]", rel);
            TU_CHECK(r[0].status == r[6].status && r[0].nframes == r[6].nframes,
                     "%s: rgba status %d, %u frames; rows status %d, %u frames",
                     label, r[0].status, r[0].nframes, r[6].status, r[6].nframes);
        }
        mismatched_files += bad != 0;
        for (int v = 0; v < NVAR; v++)
            rb_result_free(&r[v]);
        free(data);
    }
    printf("%zu files (%zu bytes, %zu frames), %d ways each; %zu files with any "
           "difference; %zu decoded as rows (canvas above %zu MiB)\n",
           files.n, bytes, frames, NVAR, mismatched_files, fallback,
           canvas_limit >> 20);
    printf("%llu decoder calls; total %.2f s; slowest decode %.3f s (%s)\n",
           (unsigned long long)calls, rb_now() - t0, slowest, slowest_what);
    for (int v = 0; v < NVAR; v++)
        printf("  %-30s %7.2f s\n", variants[v].name, vtime[v]);
    rb_list_free(&files);
    if (tu_failures)
        printf("FAILED: %d checks\n", tu_failures);
    return tu_failures ? 1 : 0;
}
