/*
 * The transcoder through its public API:
 * the fuzz target's oracles (fuzz/fuzz_transcode.c: a lossless or copied
 * GIF shows what the input shows; geometry decodes) on every file of the
 * corpora, crash sets included; a failed oracle aborts. (Its
 * allocation-failure sweep is in tests/robust/alloc_sweep.c.)
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

    printf("test_transcode: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures ? 1 : 0;
}
