/* Raw RGBA and YUV4MPEG2 frame streams for `giflow encode`.
 *
 * YUV4MPEG2 follows the format as ffmpeg and mjpegtools write it: a header
 * line "YUV4MPEG2" plus space-separated fields of any number and length,
 * then frames, each a "FRAME" line (parameters allowed) and its planes.
 * Every header number is checked before anything is sized from it. 8-bit
 * 4:2:0, 4:2:2, 4:4:4 and mono are read, and so are their 9- to 16-bit
 * forms (C420p10 ...: little-endian 16-bit samples), scaled to 8 bits.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input.h"
#include "io.h"

#define TOKEN_MAX 64 /* no field we read is longer; longer X fields are skipped */

/* An error, unless the stream reads quietly (sampling ahead of the encode,
 * whose own pass reports the same problem once). */
#define STREAM_ERROR(s, ...)             \
    do {                                 \
        if (!(s)->quiet)                 \
            cli_error(__VA_ARGS__);      \
    } while (0)

static int stream_open(cli_stream *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->is_stdin = !strcmp(path, "-");
    s->f = s->is_stdin ? stdin : fopen(path, "rb");
    if (!s->f) {
        cli_error("%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Frames a regular file holds after header bytes, if frames are
 * frame_bytes each; 0 (unknown) for pipes. */
static void set_hint(cli_stream *s, uint64_t header, uint64_t frame_bytes)
{
    struct stat st;
    s->frames_hint = 0;
    if (!s->is_stdin && fstat(fileno(s->f), &st) == 0 && S_ISREG(st.st_mode) && frame_bytes &&
        (uint64_t)st.st_size >= header)
        s->frames_hint = ((uint64_t)st.st_size - header) / frame_bytes;
}

int cli_stream_open_raw(cli_stream *s, const char *path, uint32_t w, uint32_t h)
{
    if (stream_open(s, path))
        return -1;
    s->w = w;
    s->h = h;
    set_hint(s, 0, (uint64_t)w * h * 4);
    return 0;
}

/* ---- YUV4MPEG2 header --------------------------------------------------- */

/* Reads one field of a header or FRAME line: its first TOKEN_MAX - 1
 * bytes into tok (*len counts them all). Returns what ended it: ' ', '\n'
 * or EOF. */
static int token(cli_stream *s, char *tok, size_t *len)
{
    int c;
    *len = 0;
    while ((c = getc(s->f)) != EOF && c != ' ' && c != '\n') {
        if (*len < TOKEN_MAX - 1)
            tok[*len] = (char)c;
        ++*len;
    }
    tok[*len < TOKEN_MAX - 1 ? *len : TOKEN_MAX - 1] = '\0';
    s->header += *len + (c != EOF);
    return c;
}

/* A decimal number in lo..hi that is all of t, or -1. */
static long number(const char *t, long lo, long hi)
{
    long v = 0;
    if (!*t)
        return -1;
    for (; *t; t++) {
        if (*t < '0' || *t > '9' || v > hi)
            return -1;
        v = v * 10 + (*t - '0');
    }
    return v >= lo && v <= hi ? v : -1;
}

/* C field: chroma layout and bit depth, or -1 if it is not one we read. */
static int colour_space(cli_stream *s, const char *c)
{
    static const char *const eight[] = {"420", "420jpeg", "420paldv", "420mpeg2",
                                        "422", "444", "mono", NULL};
    for (int i = 0; eight[i]; i++)
        if (!strcmp(c, eight[i])) {
            s->chroma = i < 4 ? 420 : i == 4 ? 422 : i == 5 ? 444 : 0;
            s->depth = 8;
            return 0;
        }
    /* High bit depth: 420p10, 422p12, 444p16, mono10 ... */
    const char *d;
    if (!strncmp(c, "mono", 4)) {
        s->chroma = 0;
        d = c + 4;
    } else if (!strncmp(c, "420p", 4) || !strncmp(c, "422p", 4) || !strncmp(c, "444p", 4)) {
        s->chroma = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
        d = c + 4;
    } else {
        return -1;
    }
    long depth = number(d, 9, 16);
    s->depth = (int)depth;
    return depth < 0 ? -1 : 0;
}

/* One header field. Returns 0, or -1 after saying what is wrong. */
static int header_field(cli_stream *s, char *t, size_t len)
{
    long v, den;
    char *colon;
    if (len >= TOKEN_MAX - 1 && t[0] != 'X') {
        cli_error("%s: y4m header field '%.16s...' is too long", s->path, t);
        return -1;
    }
    switch (t[0]) {
    case 'W':
    case 'H':
        if ((v = number(t + 1, 1, 65535)) < 0) {
            cli_error("%s: y4m %s '%s' is not in 1..65535 (GIF's limit)", s->path,
                      t[0] == 'W' ? "width" : "height", t + 1);
            return -1;
        }
        *(t[0] == 'W' ? &s->w : &s->h) = (uint32_t)v;
        return 0;
    case 'F':
        colon = strchr(t + 1, ':');
        if (colon)
            *colon = '\0';
        v = number(t + 1, 1, 1000000000);
        den = colon ? number(colon + 1, 1, 1000000000) : -1;
        /* A frame lasts 1 ms to 655.35 s in a GIF. */
        if (v < 0 || den < 0 || (double)v / (double)den > 1000 ||
            (double)den / (double)v > 655.35) {
            cli_error("%s: y4m frame rate is not a rate of 1/655.35 to 1000 frames per second",
                      s->path);
            return -1;
        }
        s->fps_num = (uint32_t)v;
        s->fps_den = (uint32_t)den;
        return 0;
    case 'I':
        if (t[1] != 'p' && t[1] != '?') {
            cli_error("%s: y4m: interlaced video is not supported (deinterlace it first)",
                      s->path);
            return -1;
        }
        return 0;
    case 'C':
        if (colour_space(s, t + 1)) {
            cli_error("%s: y4m colour space C%s is not supported (4:2:0, 4:2:2, 4:4:4 or "
                      "mono, 8 to 16 bits; e.g. ffmpeg -pix_fmt yuv420p)", s->path, t + 1);
            return -1;
        }
        return 0;
    case 'X':
        if (!strcmp(t, "XCOLORRANGE=FULL"))
            s->full_range = 1;
        return 0;
    default:
        return 0; /* A (aspect) and fields from newer writers */
    }
}

static size_t y4m_frame_bytes(const cli_stream *s)
{
    size_t y = (size_t)s->w * s->h, cw = s->w, ch = s->h;
    if (s->chroma == 420) {
        cw = (s->w + 1) / 2;
        ch = (s->h + 1) / 2;
    } else if (s->chroma == 422) {
        cw = (s->w + 1) / 2;
    } else if (s->chroma == 0) {
        cw = ch = 0;
    }
    return (y + 2 * cw * ch) * (s->depth > 8 ? 2 : 1);
}

int cli_stream_open_y4m(cli_stream *s, const char *path, uint64_t max_pixels)
{
    if (stream_open(s, path))
        return -1;
    s->y4m = 1;
    s->chroma = 420;
    s->depth = 8;
    char t[TOKEN_MAX];
    size_t len;
    int c = token(s, t, &len);
    if (strcmp(t, "YUV4MPEG2") || c != ' ') {
        cli_error("%s: not a YUV4MPEG2 stream", path);
        return -1;
    }
    do {
        c = token(s, t, &len);
        if (len && header_field(s, t, len))
            return -1;
    } while (c == ' ');
    if (c == EOF || !s->w || !s->h) {
        cli_error("%s: y4m header %s", path, c == EOF ? "never ends" : "has no W or H field");
        return -1;
    }
    /* A 30-byte header can claim 65535x65535: the limit comes first. */
    if (max_pixels && (uint64_t)s->w * s->h > max_pixels) {
        cli_error("encode: %ux%u frames are above the limit of %llu pixels (--max-pixels)", s->w,
                  s->h, (unsigned long long)max_pixels);
        return -1;
    }
    /* Everything is checked: now the frame may be sized. */
    s->yuv = malloc(y4m_frame_bytes(s));
    if (!s->yuv) {
        cli_error("out of memory");
        return -1;
    }
    s->frame_line = 6; /* "FRAME\n", until the first frame says otherwise */
    set_hint(s, s->header, y4m_frame_bytes(s) + s->frame_line);
    return 0;
}

/* ---- Frames ------------------------------------------------------------- */

static uint8_t clamp8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* BT.601 in 16.16 fixed point: luma scale, then R from V, G from U and V,
 * B from U; limited (16-235) or full range. */
static const int32_t bt601[2][5] = {
    {76309, 104597, 25675, 53279, 132201}, /* limited */
    {65536, 91881, 22554, 46802, 116130},  /* full */
};

static void yuv_to_rgba(const cli_stream *s, uint8_t *rgba)
{
    const uint8_t *yp = s->yuv;
    size_t cw = s->chroma == 444 ? s->w : (s->w + 1) / 2;
    size_t ch = s->chroma == 420 ? (s->h + 1) / 2 : s->h;
    const uint8_t *up = yp + (size_t)s->w * s->h, *vp = up + cw * ch;
    const int32_t *k = bt601[s->full_range != 0];
    const int y0 = s->full_range ? 0 : 16;
    for (uint32_t y = 0; y < s->h; y++) {
        size_t cy = s->chroma == 420 ? y / 2 : y;
        for (uint32_t x = 0; x < s->w; x++) {
            size_t cx = s->chroma == 444 ? x : x / 2;
            int32_t c = (yp[(size_t)y * s->w + x] - y0) * k[0] + 32768;
            int32_t u = s->chroma ? up[cy * cw + cx] - 128 : 0;
            int32_t v = s->chroma ? vp[cy * cw + cx] - 128 : 0;
            uint8_t *o = rgba + ((size_t)y * s->w + x) * 4;
            o[0] = clamp8((c + k[1] * v) >> 16);
            o[1] = clamp8((c - k[2] * u - k[3] * v) >> 16);
            o[2] = clamp8((c + k[4] * u) >> 16);
            o[3] = 255;
        }
    }
}

/* 9- to 16-bit little-endian samples to 8 bits, in place, rounded. Video
 * levels scale by powers of two (10-bit 64..940 is 8-bit 16..235), so a
 * shift, not a stretch of the range. */
static void to_8bit(cli_stream *s, size_t bytes)
{
    unsigned shift = (unsigned)s->depth - 8;
    for (size_t i = 0; i < bytes / 2; i++) {
        uint32_t v = (uint32_t)s->yuv[2 * i] | (uint32_t)s->yuv[2 * i + 1] << 8;
        v = (v + (1u << (shift - 1))) >> shift;
        s->yuv[i] = (uint8_t)(v > 255 ? 255 : v);
    }
}

/* The FRAME line: "FRAME", parameters allowed. Returns 1, 0 at a clean
 * end, CLI_STREAM_PARTIAL if the stream ends inside it, or -1. */
static int frame_line(cli_stream *s)
{
    char t[TOKEN_MAX];
    size_t len;
    uint64_t start = s->header;
    int r = 1, c = token(s, t, &len);
    if (c == EOF && !len) {
        r = ferror(s->f) ? -1 : 0;
        if (r)
            STREAM_ERROR(s, "%s: read error", s->path);
    } else if (strcmp(t, "FRAME")) {
        r = c == EOF && !strncmp(t, "FRAME", len) ? CLI_STREAM_PARTIAL : -1;
        if (r == -1)
            STREAM_ERROR(s, "%s: y4m: expected FRAME before frame %llu", s->path,
                         (unsigned long long)s->frames + 1);
    } else {
        while (c == ' ')
            c = token(s, t, &len); /* parameters: none changes how we read */
        if (c == EOF)
            r = CLI_STREAM_PARTIAL;
    }
    if (r == 1 && s->frames == 0 && !s->quiet) {
        /* Offsets of later frames, for sampling, assume lines like this. */
        s->frame_line = s->header - start;
        set_hint(s, s->header - s->frame_line, y4m_frame_bytes(s) + s->frame_line);
    }
    /* token() counted the line; only the header counts, whatever the line
     * was (cli_stream_read_at() seeks from it). */
    s->header = start;
    return r;
}

static int read_y4m(cli_stream *s, uint8_t *rgba)
{
    int r = frame_line(s);
    if (r != 1)
        return r;
    size_t n = y4m_frame_bytes(s), got = fread(s->yuv, 1, n, s->f);
    if (got != n) {
        STREAM_ERROR(s, "%s: y4m stream ends inside frame %llu (%zu of %zu bytes)", s->path,
                     (unsigned long long)s->frames + 1, got, n);
        return CLI_STREAM_PARTIAL;
    }
    if (s->depth > 8)
        to_8bit(s, n);
    yuv_to_rgba(s, rgba);
    return 1;
}

int cli_stream_read(cli_stream *s, uint8_t *rgba)
{
    int r;
    if (s->y4m) {
        r = read_y4m(s, rgba);
    } else {
        size_t n = (size_t)s->w * s->h * 4, got = fread(rgba, 1, n, s->f);
        r = got == n ? 1 : got == 0 && !ferror(s->f) ? 0 : CLI_STREAM_PARTIAL;
        if (r == CLI_STREAM_PARTIAL)
            STREAM_ERROR(s, "%s: raw input ends inside frame %llu (%zu of %zu bytes)",
                         s->path, (unsigned long long)s->frames + 1, got, n);
    }
    if (r == 1)
        s->frames++;
    return r;
}

int cli_stream_read_at(cli_stream *s, uint64_t i, uint8_t *rgba)
{
    uint64_t frame = s->y4m ? y4m_frame_bytes(s) + s->frame_line : (uint64_t)s->w * s->h * 4;
    off_t here = ftello(s->f);
    uint64_t header = s->header, frames = s->frames;
    if (!s->frames_hint || i >= s->frames_hint || here < 0 ||
        fseeko(s->f, (off_t)(s->header + i * frame), SEEK_SET) != 0)
        return 0;
    s->quiet = 1;
    int r = cli_stream_read(s, rgba);
    s->quiet = 0;
    s->header = header;
    s->frames = frames;
    return fseeko(s->f, here, SEEK_SET) == 0 && r == 1;
}

void cli_stream_close(cli_stream *s)
{
    if (s->f && !s->is_stdin)
        fclose(s->f);
    free(s->yuv);
    memset(s, 0, sizeof *s);
}
