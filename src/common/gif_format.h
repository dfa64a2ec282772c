/* GIF87a/89a format constants, shared by everything that reads or writes
 * the byte stream: the parser (src/decode/parse.c), the writer
 * (src/encode/gifwrite.c, lzw_enc.c), and the block copier
 * (src/transcode/copy.c). */
#ifndef GIFLOW_COMMON_GIF_FORMAT_H
#define GIFLOW_COMMON_GIF_FORMAT_H

#include <stdint.h>

/* Block introducers. */
#define GIFLOW__GIF_EXTENSION 0x21
#define GIFLOW__GIF_IMAGE 0x2C
#define GIFLOW__GIF_TRAILER 0x3B

/* Extension labels. */
#define GIFLOW__GIF_PLAIN_TEXT 0x01
#define GIFLOW__GIF_GCE 0xF9 /* graphic control */
#define GIFLOW__GIF_COMMENT 0xFE
#define GIFLOW__GIF_APPLICATION 0xFF

/* Fixed sizes, in bytes. */
#define GIFLOW__GIF_HEADER_SIZE 13  /* signature "GIF89a" + logical screen */
#define GIFLOW__GIF_DESC_SIZE 9     /* image descriptor after its 0x2C */
#define GIFLOW__GIF_GCE_SIZE 4      /* graphic control payload */
#define GIFLOW__GIF_APP_ID_SIZE 11  /* application identifier + auth code */
#define GIFLOW__GIF_SUB_BLOCK_MAX 255

/* Packed fields of the logical screen and image descriptors. */
#define GIFLOW__GIF_HAS_PALETTE 0x80
#define GIFLOW__GIF_INTERLACED 0x40 /* image descriptor only */
#define GIFLOW__GIF_PALETTE_BITS 0x07

/* Packed field of the graphic control. */
#define GIFLOW__GIF_GCE_TRANSPARENT 0x01
#define GIFLOW__GIF_GCE_DISPOSAL_SHIFT 2

/* LZW: codes are at most 12 bits wide. */
#define GIFLOW__LZW_MAX_BITS 12
#define GIFLOW__LZW_MAX_CODE 4095 /* (1 << GIFLOW__LZW_MAX_BITS) - 1 */

/* Entries of the palette a descriptor's packed field announces (0 if none). */
static inline unsigned giflow__gif_palette_entries(uint8_t flags)
{
    return (flags & GIFLOW__GIF_HAS_PALETTE) ? 2u << (flags & GIFLOW__GIF_PALETTE_BITS) : 0;
}

#endif
