/* Version, extensible structs and old names: the parts of the public API
 * that are about the API itself. */
#ifndef GIFLOW_COMMON_API_H
#define GIFLOW_COMMON_API_H

#include <stddef.h>

#include "giflow.h"

/* sizeof each extensible struct in its first (0.1) layout. When a field is
 * added at the end of one, its V0 becomes offsetof(struct, new_field), so
 * programs built against the old header keep working. */
#define GIFLOW__LIMITS_V0 offsetof(giflow_limits, max_metadata_bytes)
#define GIFLOW__ENCODE_OPTIONS_V0 offsetof(giflow_encode_options, denoise)
#define GIFLOW__FRAME_V0 sizeof(giflow_frame)
#define GIFLOW__DISPLAY_V0 sizeof(giflow_display)
#define GIFLOW__TRANSCODE_OPTIONS_V0 offsetof(giflow_transcode_options, lossy_lzw)
#define GIFLOW__PLAYER_OPTIONS_V0 sizeof(giflow_player_options)

/* Reads a caller's extensible struct (leading size_t size) into dst, which
 * holds dst_size bytes already set to the defaults: the caller's first size
 * bytes replace them. size 0 reads as v0 when zero_ok (a zeroed struct);
 * otherwise it is an error. Returns GIFLOW_ERR_ARG when size is below v0,
 * or above dst_size with a nonzero byte past dst_size. dst->size becomes
 * dst_size. */
int giflow__struct_in(void *dst, size_t dst_size, const void *src, size_t v0, int zero_ok);

/* Writes the first size bytes of the full-size struct src into dst (a
 * caller's struct of that size), then sets dst's size field. */
void giflow__struct_out(void *dst, size_t size, const void *src, size_t src_size);

/* Reads a caller's giflow_frame into *dst (zero-initialised frames
 * included) and checks its transparency fields; dst->transparent_index is
 * then the transparent index, or -1 for none. */
int giflow__frame_in(giflow_frame *dst, const giflow_frame *src);

#endif
