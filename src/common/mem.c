/* Heap accounting over the user's allocator hook. */
#include "mem.h"

#include <stdlib.h>

static void *std_alloc(void *user, size_t size)
{
    (void)user;
    return malloc(size);
}

static void std_free(void *user, void *p)
{
    (void)user;
    free(p);
}

void giflow__heap_init(giflow__heap *h, const giflow_allocator *a)
{
    h->now = h->peak = 0;
    h->budget = 0;
    if (a) {
        h->alloc = *a;
    } else {
        h->alloc.alloc = std_alloc;
        h->alloc.free = std_free;
        h->alloc.user = NULL;
    }
}

void *giflow__alloc(giflow__heap *h, size_t size, int *over)
{
    if (over)
        *over = 0;
    if (!h->alloc.alloc || size == 0)
        return NULL;
    if (h->budget && (uint64_t)h->now + size > h->budget) {
        if (over)
            *over = 1;
        return NULL;
    }
    void *p = h->alloc.alloc(h->alloc.user, size);
    if (p) {
        h->now += size;
        if (h->now > h->peak)
            h->peak = h->now;
    }
    return p;
}

void giflow__free(giflow__heap *h, void *p, size_t size)
{
    if (!p)
        return;
    h->now -= size;
    if (h->alloc.free)
        h->alloc.free(h->alloc.user, p);
}
