/* Allocation through the user's hook, with a running count of bytes. */
#ifndef GIFLOW_COMMON_MEM_H
#define GIFLOW_COMMON_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "giflow.h"

typedef struct giflow__heap {
    giflow_allocator alloc; /* alloc.alloc NULL: allocation forbidden */
    size_t now, peak;
    uint64_t budget;        /* 0: unlimited */
} giflow__heap;

/* Sets the hook; a NULL user allocator selects malloc/free. */
void giflow__heap_init(giflow__heap *h, const giflow_allocator *a);

/* Returns NULL when the hook fails, allocation is forbidden, or the budget
 * would be exceeded (*over is then set, if over is not NULL). */
void *giflow__alloc(giflow__heap *h, size_t size, int *over);
void giflow__free(giflow__heap *h, void *p, size_t size);

#endif
