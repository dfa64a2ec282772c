/* Opens a GIF with giflib (DGifSlurp) and prints what it read:
 *
 *   giflib: WIDTHxHEIGHT frames=N colors=C adler32=XXXXXXXX
 *
 * WIDTHxHEIGHT is the logical screen, N the number of images, C the size of
 * the first image's palette (local, else global; 0 if none), and adler32 the
 * Adler-32 of every image's raster of palette indices, in file order (as
 * giflib stores them: rows top to bottom, interlacing undone by DGifSlurp).
 * For a one-image GIF this equals the Adler-32 of the index array that
 * Pillow decodes, which the huge-image bench compares.
 * Exit status 0 if giflib read the whole file, 1 otherwise.
 *
 * Build: cc -O2 -o giflib_check giflib_check.c -lgif
 * Usage: giflib_check FILE.gif
 */
#include <gif_lib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t adler32(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (n > 0) {
        size_t k = n < 5552 ? n : 5552; /* the most bytes before b can overflow */
        n -= k;
        while (k--) {
            a += *p++;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    return b << 16 | a;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: giflib_check FILE.gif\n");
        return 2;
    }
    int err = 0;
    GifFileType *gif = DGifOpenFileName(argv[1], &err);
    if (!gif) {
        fprintf(stderr, "giflib: cannot open %s: %s\n", argv[1], GifErrorString(err));
        return 1;
    }
    if (DGifSlurp(gif) != GIF_OK) {
        fprintf(stderr, "giflib: DGifSlurp failed on %s: %s\n", argv[1],
                GifErrorString(gif->Error));
        DGifCloseFile(gif, &err);
        return 1;
    }
    uint32_t sum = 1;
    int colors = 0;
    for (int i = 0; i < gif->ImageCount; i++) {
        const SavedImage *im = &gif->SavedImages[i];
        size_t n = (size_t)im->ImageDesc.Width * im->ImageDesc.Height;
        sum = adler32(sum, im->RasterBits, n);
        if (i == 0) {
            const ColorMapObject *map = im->ImageDesc.ColorMap ? im->ImageDesc.ColorMap
                                                               : gif->SColorMap;
            colors = map ? map->ColorCount : 0;
        }
    }
    printf("giflib: %dx%d frames=%d colors=%d adler32=%08x\n", gif->SWidth, gif->SHeight,
           gif->ImageCount, colors, (unsigned)sum);
    DGifCloseFile(gif, &err);
    return 0;
}
