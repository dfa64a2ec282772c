/* The rows-only player (see rows_player.h). */
#include "player.h"
#include "rows_player.h"

int rows_play(void *mem, size_t mem_size, giflow_source *src, rows_frame_fn frame, void *user,
              uint32_t *frames)
{
    giflow_decoder *dec = giflow_decoder_init_static(mem, mem_size);
    *frames = 0;
    if (!dec)
        return GIFLOW_ERR_ARG;
    giflow_decoder_set_source(dec, src);
    giflow_image_info im;
    int r = giflow_decode_image_info(dec, NULL, &im);
    while (r == GIFLOW_OK) {
        giflow_frame_info f;
        if ((r = giflow_decode_frame_info(dec, NULL, &f)) != GIFLOW_OK)
            break;
        uint32_t crc = 0;
        giflow_row row;
        while ((r = giflow_decode_row(dec, NULL, &row)) == GIFLOW_OK) {
            uint8_t y[4] = {(uint8_t)row.y, (uint8_t)(row.y >> 8), (uint8_t)(row.y >> 16),
                            (uint8_t)(row.y >> 24)};
            crc = play_crc32(crc, y, 4);
            crc = play_crc32(crc, row.indices, row.width);
        }
        if (r != GIFLOW_FRAME_END)
            break;
        frame(user, (*frames)++, crc);
        r = GIFLOW_OK;
    }
    giflow_decoder_free(dec);
    return r;
}
