/*
 * Every file in tests/regressions/ (fuzzer crashers and other inputs that
 * once broke the decoder) must decode without a sanitizer report, and give
 * identical results fed whole and one byte at a time. Run under ASan+UBSan
 * by `make test`.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static int same(const tu_decoded *a, const tu_decoded *b)
{
    if (a->status != b->status || a->nframes != b->nframes)
        return 0;
    size_t n = (size_t)a->image.canvas_width * a->image.canvas_height * 4;
    for (uint32_t i = 0; i < a->nframes; i++)
        if (a->frames[i].status != b->frames[i].status ||
            memcmp(a->frames[i].rgba, b->frames[i].rgba, n))
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/regressions";
    DIR *d = opendir(dir);
    TU_CHECK(d != NULL, "cannot open %s", dir);
    if (!d)
        return 1;
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n;
        uint8_t *data = tu_read_file(path, &n);
        if (!data)
            continue;
        files++;
        tu_decoded whole, bytes;
        tu_decode(data, n, 0, 0, 1, &whole);
        tu_decode(data, n, 1, 0, 1, &bytes);
        TU_CHECK(same(&whole, &bytes), "%s: whole and byte-at-a-time differ (%d/%u vs %d/%u)",
                 e->d_name, whole.status, whole.nframes, bytes.status, bytes.nframes);
        tu_decoded_free(&whole);
        tu_decoded_free(&bytes);
        free(data);
    }
    closedir(d);
    printf("test_regressions: %d files, %s (%d failures)\n", files,
           tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0 || files == 0;
}
