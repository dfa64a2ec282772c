/* Version, extensible structs and old names (see api.h). */
#include <string.h>

#include "api.h"

unsigned giflow_version(void)
{
    return GIFLOW_VERSION_NUMBER;
}

const char *giflow_version_string(void)
{
    return GIFLOW_VERSION_STRING;
}

int giflow__struct_in(void *dst, size_t dst_size, const void *src, size_t v0, int zero_ok)
{
    size_t size;
    memcpy(&size, src, sizeof size);
    if (size == 0 && zero_ok)
        size = v0;
    if (size < v0)
        return GIFLOW_ERR_ARG;
    /* A newer caller's struct: fine while it uses none of its new fields. */
    for (size_t i = dst_size; i < size; i++)
        if (((const unsigned char *)src)[i])
            return GIFLOW_ERR_ARG;
    memcpy(dst, src, size < dst_size ? size : dst_size);
    memcpy(dst, &dst_size, sizeof dst_size);
    return GIFLOW_OK;
}

void giflow__struct_out(void *dst, size_t size, const void *src, size_t src_size)
{
    if (size < sizeof size)
        return;
    memcpy(dst, src, size < src_size ? size : src_size);
    if (size > src_size)
        memset((unsigned char *)dst + src_size, 0, size - src_size);
    memcpy(dst, &size, sizeof size);
}

void giflow_frame_init_size(giflow_frame *f, size_t size)
{
    giflow_frame z;
    memset(&z, 0, sizeof z);
    if (f)
        giflow__struct_out(f, size, &z, sizeof z);
}

int giflow__frame_in(giflow_frame *dst, const giflow_frame *src)
{
    memset(dst, 0, sizeof *dst);
    if (giflow__struct_in(dst, sizeof *dst, src, GIFLOW__FRAME_V0, 1) != GIFLOW_OK)
        return GIFLOW_ERR_ARG;
    if (!dst->has_transparency) {
        if (dst->transparent_index != 0 && dst->transparent_index != -1)
            return GIFLOW_ERR_ARG; /* 0.1-style code: say so, not ignore it */
        dst->transparent_index = -1;
    } else if (dst->transparent_index < 0 || dst->transparent_index > 255) {
        return GIFLOW_ERR_ARG;
    }
    return GIFLOW_OK;
}

/* 0.1 names. */
int giflow_loop_count(const giflow_decoder *dec)
{
    return giflow_decoder_loop_count(dec);
}

const giflow_frame_info *giflow_current_frame(const giflow_decoder *dec)
{
    return giflow_decoder_current_frame(dec);
}

uint32_t giflow_partial_row(const giflow_decoder *dec, uint32_t *y)
{
    return giflow_decoder_partial_row(dec, y);
}
