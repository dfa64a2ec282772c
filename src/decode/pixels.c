/*
 * The pixel pass of the flat modes: palette indices to RGBA words through
 * the frame's lookup table.
 */
#include "pixels.h"

#include <string.h>

#include "../common/bytes.h"

/* n indices to their RGBA words, every one stored. In place is safe for
 * TAIL: pixel k's RGBA never reaches an index above k. */
void giflow__px_convert(uint8_t *d, const uint8_t *idx, const uint32_t *lut, size_t n)
{
    for (size_t i = 0; i < n; i++)
        memcpy(d + 4 * i, &lut[idx[i]], 4);
}

/* Paints n indices where the frame has a transparent index t. Eight at a
 * time: all opaque are stored, all transparent skipped, a mix merged. */
void giflow__px_paint(uint8_t *d, const uint8_t *ip, const uint32_t *lut, uint32_t n,
                      unsigned t)
{
    const uint64_t ones = 0x0101010101010101u, tt = ones * t;
    uint32_t x = 0;
    for (; x + 8 <= n; x += 8) {
        uint64_t q = giflow__le64(ip + x) ^ tt; /* zero bytes: transparent */
        if (((q - ones) & ~q & (ones << 7)) == 0) {
            for (unsigned i = 0; i < 8; i++)
                memcpy(d + 4 * (size_t)(x + i), &lut[ip[x + i]], 4);
        } else if (q != 0) {
            for (unsigned i = 0; i < 8; i++) {
                uint32_t v = lut[ip[x + i]], old;
                memcpy(&old, d + 4 * (size_t)(x + i), 4);
                v = v ? v : old;
                memcpy(d + 4 * (size_t)(x + i), &v, 4);
            }
        }
    }
    for (; x < n; x++) {
        uint32_t v = lut[ip[x]];
        if (v)
            memcpy(d + 4 * (size_t)x, &v, 4);
    }
}
