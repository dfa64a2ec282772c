/* The decode command's RGBA canvas. A large canvas comes from its own
 * anonymous mapping with transparent huge pages asked for (Linux
 * madvise): its first touch then costs one fault per 2 MB instead of one
 * per 4 KB, which was most of `giflow decode --raw`'s cost on big stills
 * beyond the decode itself (4,219 faults for a 2400x1800 canvas). Pages no
 * frame paints are still never touched: the mapping is zero-filled, as
 * calloc's memory. Elsewhere, and for small canvases, calloc. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>

#include "io.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((size_t)2 << 20)

void *cli_canvas_alloc(cli_canvas *c, size_t bytes)
{
    c->map = c->heap = NULL;
    c->map_len = 0;
#if defined(__linux__) && defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (bytes >= HUGE_PAGE && bytes <= SIZE_MAX - 2 * HUGE_PAGE) {
        size_t len = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        void *m = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) {
            uint8_t *p = (uint8_t *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
            (void)madvise(p, len, MADV_HUGEPAGE); /* a hint: refused is fine */
            c->map = m;
            c->map_len = len + HUGE_PAGE;
            return p;
        }
    }
#endif
    c->heap = calloc(1, bytes ? bytes : 1);
    return c->heap;
}

void cli_canvas_free(cli_canvas *c)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (c->map) {
        munmap(c->map, c->map_len);
        c->map = NULL;
        return;
    }
#endif
    free(c->heap);
    c->heap = NULL;
}

/* A pipe on stdout holds 64 KB by default: a 4 MB frame then costs the
 * writer some 64 sleeps and wake-ups. 1 MB (the default limit for
 * unprivileged processes) cuts them to 4 (Linux F_SETPIPE_SZ; a refusal
 * changes nothing). */
#if defined(__linux__)
#include <fcntl.h>
#include <sys/stat.h>
#endif

void cli_pipe_widen(int fd)
{
#if defined(__linux__) && defined(F_SETPIPE_SZ)
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
        (void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
    (void)fd;
#endif
}
