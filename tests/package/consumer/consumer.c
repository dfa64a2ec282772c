/* A program outside the giflow tree, built against an installed copy (by
 * pkg-config, by find_package, or by add_subdirectory): it encodes a 2x2
 * image with four colours, decodes it back, and checks each pixel. */
#include <giflow.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    static const uint8_t px[16] = {255, 0, 0, 255, 0, 255, 0, 255,  /* red, green */
                                   0, 0, 255, 255, 9, 8, 7, 255};   /* blue, dark */
    giflow_encoder *enc = giflow_encoder_new(NULL);
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    o.width = o.height = 2;
    giflow_frame f;
    giflow_frame_init(&f);
    f.rgba = px;
    int r = enc ? giflow_encoder_set_output_memory(enc) : GIFLOW_ERR_NOMEM;
    if (r == GIFLOW_OK)
        r = giflow_encode_begin(enc, &o);
    if (r == GIFLOW_OK)
        r = giflow_encode_frame(enc, &f);
    if (r == GIFLOW_OK)
        r = giflow_encode_finish(enc, -1);
    size_t n = 0;
    const uint8_t *gif = r == GIFLOW_OK ? giflow_encoder_output(enc, &n) : NULL;

    uint8_t canvas[16];
    giflow_decoder *dec = giflow_decoder_new(NULL);
    giflow_input in = {gif, n, 0, 1};
    giflow_image_info ii;
    giflow_frame_info fi;
    if (r == GIFLOW_OK)
        r = giflow_decode_image_info(dec, &in, &ii);
    if (r == GIFLOW_OK)
        r = giflow_decode_frame_info(dec, &in, &fi);
    if (r == GIFLOW_OK)
        r = giflow_decode_frame_rgba(dec, &in, canvas, 8);
    int ok = r == GIFLOW_FRAME_END && ii.canvas_width == 2 && !memcmp(canvas, px, 16) &&
             giflow_version() == GIFLOW_VERSION_NUMBER &&
             !strcmp(giflow_version_string(), GIFLOW_VERSION_STRING);
    printf("consumer %s: giflow %s, %zu bytes, %s\n", ok ? "ok" : "FAILED",
           giflow_version_string(), n, giflow_strerror(r));
    giflow_decoder_free(dec);
    giflow_encoder_free(enc);
    return !ok;
}
