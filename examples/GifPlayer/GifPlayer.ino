// giflow GifPlayer: plays /anim.gif from an SD card on an ILI9341 SPI LCD
// (320x240, RGB565), forever, with browser timing and every disposal.
//
// Needs the Adafruit GFX, Adafruit ILI9341 and SD libraries. RAM: about
// 16.5 KB of decoder (GIFLOW_DECODER_STATIC_SIZE(320 * 2)), 2 KB of
// restore-previous scratch and a 512-byte SD buffer; no malloc. The LCD
// cannot be read back over SPI here, so restore-previous frames whose
// rectangle was drawn over are re-decoded from the file (two SD seeks per
// band of rows that fits the scratch). Playing from flash instead:
// giflow_source_memory(&src, gif_bytes, sizeof gif_bytes) (zero-copy).
#include <SD.h>
#include <SPI.h>
#include <Adafruit_GFX.h>
#include <Adafruit_ILI9341.h>
#include <giflow.h>

#define TFT_CS 10
#define TFT_DC 9
#define SD_CS 4

static Adafruit_ILI9341 tft(TFT_CS, TFT_DC);
static File gif_file;

alignas(8) static uint8_t dec_mem[GIFLOW_DECODER_STATIC_SIZE(320 * 2)];
alignas(4) static uint8_t scratch[2048];
static uint8_t sd_buf[512];

// Runs of opaque pixels, already clipped to the canvas.
static int lcd_draw(void *, uint32_t x, uint32_t y, uint32_t n, const void *pixels)
{
    tft.startWrite();
    tft.setAddrWindow(x, y, n, 1);
    tft.writePixels((uint16_t *)pixels, n);
    tft.endWrite();
    return 0;
}

// The transparent start and disposal 2 (restore to background).
static int lcd_fill(void *, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    tft.fillRect(x, y, w, h, ILI9341_BLACK);
    return 0;
}

static ptrdiff_t sd_read(void *, uint8_t *buf, size_t n)
{
    int k = gif_file.read(buf, n);
    return k < 0 ? -1 : k;
}

static int sd_seek(void *, uint64_t offset)
{
    return gif_file.seek((uint32_t)offset) ? 0 : 1;
}

static void play_once(void)
{
    giflow_decoder *dec = giflow_decoder_init_static(dec_mem, sizeof dec_mem);
    giflow_source src;
    gif_file.seek(0);
    giflow_source_callbacks(&src, sd_read, sd_seek, NULL, sd_buf, sizeof sd_buf);
    giflow_decoder_set_source(dec, &src);

    giflow_image_info im;
    int r = giflow_decode_image_info(dec, NULL, &im);
    if (r == GIFLOW_OK) {
        giflow_display d;
        giflow_display_init(&d);
        d.format = GIFLOW_FORMAT_RGB565;
        d.draw = lcd_draw;
        d.fill = lcd_fill;
        d.scratch = scratch;
        d.scratch_size = sizeof scratch;
        d.restore = GIFLOW_RESTORE_REDECODE;
        r = giflow_decoder_set_display(dec, &d);
    }
    while (r == GIFLOW_OK) {
        uint32_t t0 = millis();
        giflow_frame_info f;
        if ((r = giflow_decode_frame_info(dec, NULL, &f)) != GIFLOW_OK)
            break;
        if ((r = giflow_decode_frame_draw(dec, NULL)) != GIFLOW_FRAME_END)
            break;
        uint32_t spent = millis() - t0;
        if (spent < f.played_delay_ms)
            delay(f.played_delay_ms - spent);
        r = GIFLOW_OK;
    }
    if (r != GIFLOW_END) {
        Serial.print("giflow: ");
        Serial.println(giflow_strerror(r));
        delay(1000);
    }
}

void setup()
{
    Serial.begin(115200);
    tft.begin();
    tft.setRotation(1); // 320 wide
    tft.fillScreen(ILI9341_BLACK);
    if (!SD.begin(SD_CS) || !(gif_file = SD.open("/anim.gif"))) {
        Serial.println("no /anim.gif on the SD card");
        for (;;)
            delay(1000);
    }
}

void loop()
{
    play_once();
}
