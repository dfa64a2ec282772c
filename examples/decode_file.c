/* Push-decode a GIF read in small chunks; print each frame's size and
 * delay and the RGBA of its top-left pixel. */
#include <giflow.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
    giflow_decoder *dec = giflow_decoder_new(NULL); /* NULL: use malloc */
    if (!f || !dec)
        return 1;
    uint8_t chunk[4096], *canvas = NULL;
    giflow_input in = {chunk, 0, 0, 0};
    giflow_image_info image;
    giflow_frame_info frame;
    int r;

/* Each call consumes what it can; on GIFLOW_NEED_INPUT every byte has been
 * used, so refill the whole chunk and call again. */
#define FEED(call)                                               \
    while ((r = (call)) == GIFLOW_NEED_INPUT) {                  \
        in.size = fread(chunk, 1, sizeof chunk, f);              \
        in.pos = 0;                                              \
        in.eof = in.size < sizeof chunk;                         \
    }

    FEED(giflow_decode_image_info(dec, &in, &image));
    if (r == GIFLOW_OK)
        canvas = malloc((size_t)image.canvas_width * image.canvas_height * 4 + 1);
    while (r == GIFLOW_OK && canvas) {
        FEED(giflow_decode_frame_info(dec, &in, &frame));
        if (r != GIFLOW_OK)
            break; /* GIFLOW_END, or an error */
        FEED(giflow_decode_frame_rgba(dec, &in, canvas, image.canvas_width * 4));
        if (r != GIFLOW_FRAME_END)
            break; /* a broken frame: browsers do not show it */
        printf("frame %u: %ux%u at %u,%u, shown %u ms, top-left %02x%02x%02x%02x\n",
               frame.index, frame.width, frame.height, frame.x, frame.y,
               frame.played_delay_ms, canvas[0], canvas[1], canvas[2], canvas[3]);
        r = GIFLOW_OK;
    }
    printf("%s, loop count %d\n", giflow_strerror(r), giflow_decoder_loop_count(dec));
    giflow_decoder_free(dec);
    free(canvas);
    fclose(f);
    return r == GIFLOW_END ? 0 : 1;
}
