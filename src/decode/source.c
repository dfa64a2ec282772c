/*
 * Pull input: a window over memory (zero-copy) or over read/seek
 * callbacks filling a caller buffer. The decoder sees only the window.
 */
#include <string.h>

#include "giflow.h"

void giflow_source_memory(giflow_source *src, const void *data, size_t size)
{
    if (!src)
        return;
    memset(src, 0, sizeof *src);
    src->in.src = data;
    src->in.size = data ? size : 0;
    src->in.eof = 1;
    src->size = src->in.size;
}

void giflow_source_callbacks(giflow_source *src, giflow_read_fn read, giflow_seek_fn seek,
                             void *user, void *buf, size_t buf_size)
{
    if (!src)
        return;
    memset(src, 0, sizeof *src);
    src->read = read;
    src->seek = seek;
    src->user = user;
    src->buf = buf;
    src->buf_size = buf ? buf_size : 0;
    src->in.src = buf;
    if (!read || !src->buf_size)
        src->status = GIFLOW_ERR_ARG;
}

int giflow_source_refill(giflow_source *src)
{
    if (!src)
        return GIFLOW_ERR_ARG;
    if (src->status)
        return src->status;
    giflow_input *in = &src->in;
    if (!src->read || in->eof) {
        in->eof = 1;
        return GIFLOW_OK;
    }
    /* Keep what was not consumed (the decoder consumes all before asking). */
    size_t keep = in->size - in->pos;
    if (keep == src->buf_size) /* nothing was consumed: nothing to do */
        return GIFLOW_ERR_STATE;
    memmove(src->buf, in->src + in->pos, keep);
    src->base += in->pos;
    in->src = src->buf;
    in->pos = 0;
    ptrdiff_t n = src->read(src->user, src->buf + keep, src->buf_size - keep);
    if (n < 0 || (size_t)n > src->buf_size - keep) {
        in->size = keep;
        return src->status = GIFLOW_ERR_IO;
    }
    in->size = keep + (size_t)n;
    in->eof = n == 0;
    return GIFLOW_OK;
}

uint64_t giflow_source_tell(const giflow_source *src)
{
    return src ? src->base + src->in.pos : 0;
}

int giflow_source_can_seek(const giflow_source *src)
{
    return src && !src->status && (!src->read || src->seek);
}

int giflow_source_seek(giflow_source *src, uint64_t offset)
{
    if (!src)
        return GIFLOW_ERR_ARG;
    if (src->status)
        return src->status;
    giflow_input *in = &src->in;
    if (!src->read) {
        if (offset > src->size)
            return GIFLOW_ERR_ARG;
        in->pos = (size_t)offset;
        return GIFLOW_OK;
    }
    if (offset >= src->base && offset - src->base <= in->size) {
        in->pos = (size_t)(offset - src->base);
        return GIFLOW_OK;
    }
    if (!src->seek)
        return GIFLOW_ERR_STATE;
    if (src->seek(src->user, offset) != 0)
        return src->status = GIFLOW_ERR_IO;
    src->base = offset;
    in->src = src->buf;
    in->size = in->pos = 0;
    in->eof = 0;
    return GIFLOW_OK;
}
