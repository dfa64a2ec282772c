/*
 * The transcoder through its public API:
 * - the fuzz target's oracles (fuzz/fuzz_transcode.c: a lossless or copied
 *   GIF shows what the input shows; geometry decodes) on every file of the
 *   corpora, crash sets included; a failed oracle aborts;
 * - an allocation-failure sweep: the k-th allocation fails, for every k
 *   until a run gets through; each run returns GIFLOW_ERR_NOMEM (or
 *   succeeds) and frees everything it took.
 * usage: test_transcode CORPORA
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "giflow.h"
#include "testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct failing {
    long left;      /* allocations before the failing one; -1: never */
    long live;      /* allocations not yet freed */
    int failed;
} failing;

static void *f_alloc(void *user, size_t size)
{
    failing *f = user;
    if (f->left == 0) {
        f->failed = 1;
        return NULL;
    }
    if (f->left > 0)
        f->left--;
    void *p = malloc(size);
    if (p)
        f->live++;
    return p;
}

static void f_free(void *user, void *p)
{
    failing *f = user;
    if (p)
        f->live--;
    free(p);
}

/* Hashes the output (FNV-1a), so a run that recovered can be compared. */
static int hash_write(void *user, const uint8_t *data, size_t size)
{
    uint64_t *h = user;
    for (size_t i = 0; i < size; i++)
        *h = (*h ^ data[i]) * 0x100000001B3u;
    return 0;
}

/* One transcode of data with the allocator failing after k allocations;
 * *hash receives a hash of the output. */
static int run_failing(const uint8_t *data, size_t size, const giflow_transcode_options *o,
                       long k, failing *f, uint64_t *hash)
{
    memset(f, 0, sizeof *f);
    f->left = k;
    *hash = 0xCBF29CE484222325u;
    giflow_allocator a = {f_alloc, f_free, f};
    giflow_transcoder *t = giflow_transcoder_new(&a);
    if (!t)
        return GIFLOW_ERR_NOMEM;
    int r = giflow_transcoder_set_output(t, hash_write, hash);
    if (r == GIFLOW_OK)
        r = giflow_transcode_begin(t, o);
    giflow_input in = {data, size, 0, 1};
    if (r == GIFLOW_OK) {
        r = giflow_transcode_push(t, &in);
        if (r == GIFLOW_END)
            r = giflow_transcode_finish(t);
    }
    giflow_transcoder_free(t);
    return r;
}

/* Every allocation fails in turn. A failure must give a memory error, or,
 * where the library can do without that allocation (the decoder's LZW
 * working buffer is only for speed), the same output as with none. */
static void sweep(const char *path, int mode, int lossy)
{
    size_t size;
    uint8_t *data = tu_read_file(path, &size);
    TU_CHECK(data != NULL, "read %s", path);
    if (!data)
        return;
    giflow_transcode_options o;
    giflow_transcode_options_default(&o);
    o.mode = mode;
    o.lossy = lossy;
    failing f;
    uint64_t want, got;
    int r0 = run_failing(data, size, &o, -1, &f, &want); /* -1: nothing fails */
    TU_CHECK(r0 == GIFLOW_OK && !f.failed, "%s mode %d: %s with no failure", path, mode,
             giflow_strerror(r0));
    long k;
    int done = 0;
    for (k = 0; k < 10000 && !done; k++) {
        int r = run_failing(data, size, &o, k, &f, &got);
        TU_CHECK(f.live == 0, "%s mode %d: %ld allocations leaked when allocation %ld failed",
                 path, mode, f.live, k);
        if (!f.failed) {
            TU_CHECK(r == GIFLOW_OK && got == want, "%s mode %d: %s with no failure", path,
                     mode, giflow_strerror(r));
            done = 1;
        } else {
            TU_CHECK(r == GIFLOW_ERR_NOMEM || r == GIFLOW_ERR_LIMIT_MEMORY ||
                         (r == GIFLOW_OK && got == want),
                     "%s mode %d: allocation %ld failed, got %s%s", path, mode, k,
                     giflow_strerror(r), r == GIFLOW_OK ? " with different output" : "");
        }
    }
    TU_CHECK(done, "%s: the sweep never got through", path);
    printf("alloc sweep %s (mode %d%s): %ld allocations, each failure clean\n", path, mode,
           lossy ? ", lossy" : "", k - 1);
    free(data);
}

static int files_done;

static int each_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F || st->st_size > (1 << 20))
        return 0;
    const char *dot = strrchr(path, '.');
    if (dot && (!strcmp(dot, ".png") || !strcmp(dot, ".txt") || !strcmp(dot, ".md") ||
                !strcmp(dot, ".rgba") || !strcmp(dot, ".conf") || !strcmp(dot, ".tsv")))
        return 0;
    size_t size;
    uint8_t *data = tu_read_file(path, &size);
    if (data)
        LLVMFuzzerTestOneInput(data, size); /* aborts on a failed oracle */
    files_done += data != NULL;
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    const char *corpora = argc > 1 ? argv[1] : "../shared/corpora";
    nftw(corpora, each_file, 16, FTW_PHYS);
    TU_CHECK(files_done > 500, "only %d corpus files found under %s", files_done, corpora);
    printf("transcoder oracles: %d corpus files, all shown alike\n", files_done);

    char path[1024];
    snprintf(path, sizeof path, "%s/wuffs/test/data/animated-red-blue.gif", corpora);
    sweep(path, GIFLOW_MODE_OPTIMIZE, 0);
    sweep(path, GIFLOW_MODE_COPY, 0);
    sweep(path, GIFLOW_MODE_QUANTIZE, 4);
    printf("test_transcode: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures ? 1 : 0;
}
