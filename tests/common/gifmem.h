/* giflib reading from memory, for the tests that compare with giflib.
 * Header-only: only those tests link giflib. */
#ifndef GIFLOW_TEST_GIFMEM_H
#define GIFLOW_TEST_GIFMEM_H

#include <gif_lib.h>
#include <stdint.h>
#include <string.h>

typedef struct tu_gifmem {
    const uint8_t *data;
    size_t size, pos;
} tu_gifmem;

static inline int tu_gifmem_read(GifFileType *gif, GifByteType *buf, int len)
{
    tu_gifmem *m = gif->UserData;
    size_t k = m->size - m->pos;
    if (len < 0)
        return 0;
    if ((size_t)len < k)
        k = (size_t)len;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (int)k;
}

/* DGifOpen on data; m must outlive the returned handle. */
static inline GifFileType *tu_gif_open(tu_gifmem *m, const uint8_t *data, size_t size, int *err)
{
    m->data = data;
    m->size = size;
    m->pos = 0;
    return DGifOpen(m, tu_gifmem_read, err);
}

#endif
