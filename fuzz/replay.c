/*
 * A main() for the fuzz targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on every file named, and on every file in
 * every folder named (not recursively). `make test` builds each target
 * with it and replays tests/regressions/ (fuzz/CMakeLists.txt), so the
 * targets always compile and every crasher stays fixed. A target reports
 * a failure by aborting.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, k;
    do {
        if (n == cap) {
            uint8_t *b = realloc(buf, cap = cap * 2 + 4096);
            if (!b)
                abort();
            buf = b;
        }
        k = fread(buf + n, 1, cap - n, f);
        n += k;
    } while (k);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: not found\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            files += run_file(argv[i]);
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            char path[4096];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                files += run_file(path);
        }
        if (d)
            closedir(d);
    }
    printf("replay: %d inputs ok\n", files);
    return files == 0;
}
