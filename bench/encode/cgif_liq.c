/* Benchmark peer: raw RGBA frames -> GIF with libimagequant (quantizer)
 * and cgif (GIF writer), the pair libvips uses.
 *
 *   cgif_liq [--global] [--speed N] [--colors N] [--delay CS] [--samples N]
 *            W H IN.rgba OUT.gif
 *
 * Default (local): every frame is quantized on its own (liq_image_quantize,
 * speed 4 = libvips's default effort 7, 256 colours) and remapped with
 * liq_set_dithering_level(1.0) + liq_write_remapped_image, and written with
 * its own palette.
 * --global: one palette for the whole clip. A liq_histogram is filled from
 * --samples frames spread evenly over the clip (default 32; 0 = every frame)
 * and quantized once. Every frame is then remapped to exactly that palette:
 * libimagequant's remapping nudges a result's palette towards each image
 * (one k-means step), so each frame is quantized with the global colours
 * added as fixed colours (which k-means never moves) and the resulting
 * indices are translated to the global order.
 * cgif gets CGIF_FRAME_GEN_USE_TRANSPARENCY | CGIF_FRAME_GEN_USE_DIFF_WINDOW
 * (as libvips passes); cgif turns transparency off by itself when a palette
 * has 256 entries (no free index), so --global defaults to 255 colours.
 * Input is read one frame at a time (plus one pass of seeks for --global). */
#include <cgif.h>
#include <libimagequant.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *msg)
{
    fprintf(stderr, "cgif_liq: %s\n", msg);
    exit(1);
}

static int read_frame(FILE *f, uint8_t *buf, size_t n)
{
    size_t got = fread(buf, 1, n, f);
    if (got == n)
        return 1;
    if (got != 0)
        die("input ends inside a frame");
    return 0;
}

static liq_attr *make_attr(int speed, int colors)
{
    liq_attr *attr = liq_attr_create();
    if (!attr || liq_set_speed(attr, speed) != LIQ_OK ||
        liq_set_max_colors(attr, colors) != LIQ_OK)
        die("liq_attr setup failed");
    return attr;
}

/* Quantizes one frame on its own; palette to pal (RGB), returns its size. */
static int quantize_local(liq_attr *attr, const uint8_t *rgba, int w, int h,
                          uint8_t *idx, uint8_t *pal)
{
    liq_image *img = liq_image_create_rgba(attr, rgba, w, h, 0);
    liq_result *res = NULL;
    if (!img || liq_image_quantize(img, attr, &res) != LIQ_OK)
        die("liq_image_quantize failed");
    liq_set_dithering_level(res, 1.0f);
    if (liq_write_remapped_image(res, img, idx, (size_t)w * h) != LIQ_OK)
        die("liq_write_remapped_image failed");
    const liq_palette *lp = liq_get_palette(res);
    for (unsigned i = 0; i < lp->count; i++) {
        pal[3 * i] = lp->entries[i].r;
        pal[3 * i + 1] = lp->entries[i].g;
        pal[3 * i + 2] = lp->entries[i].b;
    }
    int n = (int)lp->count;
    liq_result_destroy(res);
    liq_image_destroy(img);
    return n;
}

/* Builds the global palette from sampled frames. */
static int global_palette(liq_attr *attr, FILE *f, long nframes, int samples,
                          uint8_t *rgba, int w, int h, liq_color *gpal)
{
    size_t fsz = (size_t)w * h * 4;
    liq_histogram *hist = liq_histogram_create(attr);
    long n = samples <= 0 || samples > nframes ? nframes : samples;
    for (long s = 0; s < n; s++) {
        long k = n == 1 ? 0 : s * (nframes - 1) / (n - 1);
        if (fseek(f, (long)(k * (long)fsz), SEEK_SET) || !read_frame(f, rgba, fsz))
            die("cannot read sample frame");
        liq_image *img = liq_image_create_rgba(attr, rgba, w, h, 0);
        if (!img || liq_histogram_add_image(hist, attr, img) != LIQ_OK)
            die("liq_histogram_add_image failed");
        liq_image_destroy(img);
    }
    liq_result *res = NULL;
    if (liq_histogram_quantize(hist, attr, &res) != LIQ_OK)
        die("liq_histogram_quantize failed");
    const liq_palette *lp = liq_get_palette(res);
    int count = (int)lp->count;
    memcpy(gpal, lp->entries, sizeof(liq_color) * lp->count);
    liq_result_destroy(res);
    liq_histogram_destroy(hist);
    rewind(f);
    return count;
}

/* Remaps a frame to exactly the global palette (see the top comment). */
static void remap_global(liq_attr *fixed_attr, const liq_color *gpal, int gcount,
                         const uint8_t *rgba, int w, int h, uint8_t *idx)
{
    liq_image *img = liq_image_create_rgba(fixed_attr, rgba, w, h, 0);
    if (!img)
        die("liq_image_create_rgba failed");
    for (int i = 0; i < gcount; i++)
        if (liq_image_add_fixed_color(img, gpal[i]) != LIQ_OK)
            die("liq_image_add_fixed_color failed");
    liq_result *res = NULL;
    if (liq_image_quantize(img, fixed_attr, &res) != LIQ_OK)
        die("liq_image_quantize (fixed) failed");
    liq_set_dithering_level(res, 1.0f);
    if (liq_write_remapped_image(res, img, idx, (size_t)w * h) != LIQ_OK)
        die("liq_write_remapped_image failed");
    const liq_palette *lp = liq_get_palette(res);
    uint8_t map[256];
    for (unsigned i = 0; i < lp->count; i++) {
        int found = -1;
        for (int g = 0; g < gcount && found < 0; g++)
            if (!memcmp(&lp->entries[i], &gpal[g], sizeof(liq_color)))
                found = g;
        if (found < 0)
            die("remapped palette left the global palette");
        map[i] = (uint8_t)found;
    }
    for (size_t p = 0, n = (size_t)w * h; p < n; p++)
        idx[p] = map[idx[p]];
    liq_result_destroy(res);
    liq_image_destroy(img);
}

int main(int argc, char **argv)
{
    int global = 0, speed = 4, colors = -1, delay = 4, samples = 32, a = 1;
    for (; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
        if (!strcmp(argv[a], "--global"))
            global = 1;
        else if (a + 1 < argc && !strcmp(argv[a], "--speed"))
            speed = atoi(argv[++a]);
        else if (a + 1 < argc && !strcmp(argv[a], "--colors"))
            colors = atoi(argv[++a]);
        else if (a + 1 < argc && !strcmp(argv[a], "--delay"))
            delay = atoi(argv[++a]);
        else if (a + 1 < argc && !strcmp(argv[a], "--samples"))
            samples = atoi(argv[++a]);
        else
            die("unknown option");
    }
    if (argc - a != 4)
        die("usage: cgif_liq [--global] [--speed N] [--colors N] [--delay CS] "
            "[--samples N] W H IN.rgba OUT.gif");
    int w = atoi(argv[a]), h = atoi(argv[a + 1]);
    if (w <= 0 || h <= 0 || w > 65535 || h > 65535)
        die("bad size");
    if (colors < 0)
        colors = global ? 255 : 256;
    FILE *f = fopen(argv[a + 2], "rb");
    if (!f)
        die("cannot open input");
    size_t fsz = (size_t)w * h * 4;
    uint8_t *rgba = malloc(fsz), *idx = malloc((size_t)w * h);
    uint8_t pal[768];
    if (!rgba || !idx)
        die("out of memory");

    liq_attr *attr = make_attr(speed, colors), *fixed_attr = NULL;
    liq_color gpal[256];
    int gcount = 0;
    CGIF_Config cfg = {0};
    cfg.path = argv[a + 3];
    cfg.attrFlags = CGIF_ATTR_IS_ANIMATED;
    cfg.width = (uint16_t)w;
    cfg.height = (uint16_t)h;
    cfg.numLoops = CGIF_INFINITE_LOOP;
    if (global) {
        if (fseek(f, 0, SEEK_END))
            die("--global needs a seekable input");
        long nframes = ftell(f) / (long)fsz;
        rewind(f);
        if (nframes < 1)
            die("no frames");
        gcount = global_palette(attr, f, nframes, samples, rgba, w, h, gpal);
        for (int i = 0; i < gcount; i++) {
            pal[3 * i] = gpal[i].r;
            pal[3 * i + 1] = gpal[i].g;
            pal[3 * i + 2] = gpal[i].b;
        }
        cfg.pGlobalPalette = pal;
        cfg.numGlobalPaletteEntries = (uint16_t)gcount;
        fixed_attr = make_attr(speed, gcount);
    } else {
        cfg.attrFlags |= CGIF_ATTR_NO_GLOBAL_TABLE;
    }
    CGIF *gif = cgif_newgif(&cfg);
    if (!gif)
        die("cgif_newgif failed");
    long frames = 0;
    while (read_frame(f, rgba, fsz)) {
        CGIF_FrameConfig fc = {0};
        fc.pImageData = idx;
        fc.delay = (uint16_t)delay;
        fc.genFlags = CGIF_FRAME_GEN_USE_TRANSPARENCY | CGIF_FRAME_GEN_USE_DIFF_WINDOW;
        if (global) {
            remap_global(fixed_attr, gpal, gcount, rgba, w, h, idx);
        } else {
            fc.numLocalPaletteEntries =
                (uint16_t)quantize_local(attr, rgba, w, h, idx, pal);
            fc.pLocalPalette = pal;
            fc.attrFlags = CGIF_FRAME_ATTR_USE_LOCAL_TABLE;
        }
        if (cgif_addframe(gif, &fc) != CGIF_OK)
            die("cgif_addframe failed");
        frames++;
    }
    if (!frames)
        die("no frames");
    if (cgif_close(gif) != CGIF_OK)
        die("cgif_close failed");
    liq_attr_destroy(attr);
    if (fixed_attr)
        liq_attr_destroy(fixed_attr);
    free(rgba);
    free(idx);
    fclose(f);
    return 0;
}
