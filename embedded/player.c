/* The embedded player (see player.h). */
#include <string.h>

#include "player.h"

/* The LCD callbacks: a real driver would set a window and push the pixels
 * over SPI; here they land in the controller's frame memory. */
static int lcd_draw(void *user, uint32_t x, uint32_t y, uint32_t n, const void *pixels)
{
    lcd *l = user;
    memcpy(l->fb + (size_t)y * l->w + x, pixels, (size_t)n * 2);
    l->draws++;
    return 0;
}

static int lcd_fill(void *user, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    lcd *l = user;
    for (uint32_t j = 0; j < h; j++) {
        uint16_t *p = l->fb + (size_t)(y + j) * l->w + x;
        for (uint32_t i = 0; i < w; i++)
            p[i] = l->background;
    }
    return 0;
}

static int lcd_read(void *user, uint32_t x, uint32_t y, uint32_t n, void *pixels)
{
    lcd *l = user;
    memcpy(pixels, l->fb + (size_t)y * l->w + x, (size_t)n * 2);
    return 0;
}

play_result play(const play_cfg *cfg, giflow_source *src)
{
    play_result res = {GIFLOW_ERR_ARG, 0, 0, 0};
    lcd *l = cfg->screen;
    giflow_decoder *dec = giflow_decoder_init_static(cfg->mem, cfg->mem_size);
    if (!dec)
        return res;
    giflow_decoder_set_source(dec, src);
    giflow_image_info im;
    uint64_t t0 = cfg->clock();
    int r = giflow_decode_image_info(dec, NULL, &im);
    if (r == GIFLOW_OK && (uint64_t)im.canvas_width * im.canvas_height > cfg->max_pixels)
        r = GIFLOW_ERR_LIMIT_CANVAS;
    if (r == GIFLOW_OK) {
        l->w = im.canvas_width;
        l->h = im.canvas_height;
        giflow_display d;
        giflow_display_init(&d);
        d.format = GIFLOW_FORMAT_RGB565;
        d.draw = lcd_draw;
        d.fill = lcd_fill;
        d.read = lcd_read;
        d.user = l;
        d.scratch = cfg->scratch;
        d.scratch_size = cfg->scratch_size;
        d.restore = cfg->restore;
        r = giflow_decoder_set_display(dec, &d);
    }
    while (r == GIFLOW_OK) {
        giflow_frame_info f;
        if ((r = giflow_decode_frame_info(dec, NULL, &f)) != GIFLOW_OK)
            break;
        if ((r = giflow_decode_frame_draw(dec, NULL)) != GIFLOW_FRAME_END)
            break;
        res.ticks += cfg->clock() - t0;
        res.pixels += (uint64_t)f.width * f.height;
        /* A player would wait f.played_delay_ms here. */
        cfg->frame(cfg->user, res.frames++, play_crc32(0, l->fb, (size_t)l->w * l->h * 2));
        t0 = cfg->clock();
        r = GIFLOW_OK;
    }
    res.status = r;
    giflow_decoder_free(dec);
    return res;
}
