/* Encoder internals shared by encoder.c (API, timing, queue), frame.c
 * (analysis, palette, remap, LZW of one frame; the stream header) and
 * rows.c (row streaming). Bytes go out through gifwrite.c. */
#ifndef GIFLOW_ENCODE_ENCODER_H
#define GIFLOW_ENCODE_ENCODER_H

#include "giflow.h"
#include "denoise.h"
#include "gifwrite.h"
#include "lzw_enc.h"
#include "../common/mem.h"
#include "../quant/quant.h"

/* Encoder stages: options may be set only while CREATED, frames and rows
 * given only while BEGUN. */
typedef enum giflow__enc_stage {
    ENC_CREATED,  /* giflow_encoder_new(): no options yet */
    ENC_BEGUN,    /* giflow_encode_begin() succeeded */
    ENC_FINISHED  /* giflow_encode_finish() was called */
} giflow__enc_stage;

struct giflow_encoder {
    giflow__heap heap;
    int status;              /* sticky error, or 0 */
    giflow__enc_stage stage;
    giflow_encode_options opt;
    uint32_t w, h;

    giflow__gifout out;      /* shares status */
    int header_written;
    /* Called before each frame and before the trailer, after the header
     * (the transcoder's copied extensions go there). NULL: none. */
    int (*before_block)(void *user, giflow__gifout *out);
    void *hook_user;

    /* Canvas model. shown: what a browser has on screen before the next
     * frame is drawn (after the last written frame's disposal). prev: the
     * source of the last written frame. pend: the frame waiting for its
     * successor (its delay and disposal depend on it). All RGBA. */
    uint8_t *shown, *prev, *pend, *next; /* next: the incoming frame */
    int have_prev, have_pend;
    uint8_t *idx;            /* indices of the frame being encoded */
    uint8_t *dirty;          /* per pixel: must be written this frame */

    /* Timing of the pending frame, in centiseconds. */
    int64_t pend_start_cs;   /* start, in timestamp and duration modes */
    uint32_t pend_delay_cs;  /* delay, in delay mode */
    int time_mode;
    int64_t clock_ms;        /* duration mode: running total */
    int64_t last_start_ms;   /* timestamp of the pending frame */
    uint32_t last_delay_cs;  /* the delay last written */

    /* Temporal denoising (opt.denoise): frames wait in its window, with
     * their timing, before they enter the queue above. */
    giflow__denoise *dn;     /* NULL when off */
    void *dn_mem;
    struct giflow__enc_timing {
        int time_mode;
        uint32_t delay_cs, duration_ms;
        int64_t timestamp_ms;
    } dn_timing[GIFLOW__DN_MAX];

    /* Palettes and quantization working memory. */
    giflow__palette global;
    int have_global;
    uint32_t samples;        /* frames given to giflow_encode_sample */
    giflow__colorset sample_set; /* their exact colours, while few */
    double global_mse;       /* error of the global palette on its frame */
    giflow__quant *quant;
    giflow__dither *dither;
    void *quant_mem, *remap_mem, *dither_mem;
    void *gremap_mem;        /* the global palette's remap, kept warm */
    giflow__remap *gremap;   /* NULL until first needed */
    uint32_t global_skip;    /* AUTO: frames left before the global palette
                                is tried again, after it was far off */
    uint32_t global_backoff; /* the last such wait (doubles, up to 16) */
    giflow__lzwenc *lzw;
    int32_t *lossy_lim;      /* lossy LZW: a row of limits, or NULL */

    /* Row streaming. */
    int sample_transparent;  /* sampled rows held transparent pixels */
    uint64_t sample_rows;    /* rows given to giflow_encode_sample_rows */
    int opaque_rows;         /* rows mode without transparency */
    int rows_exact;          /* rows mode: the palette is the sampled
                                colours exactly, so nothing is dithered */
    int rows_open;           /* a frame is being pushed */
    uint32_t rows_y;         /* rows pushed so far */
    int rows_trans;          /* transparent index of the frame, or -1 */

    giflow_encode_stats stats;
};

/* Records an error (errors are sticky) and returns the one recorded. */
static inline int giflow__enc_fail(giflow_encoder *enc, int status)
{
    if (!enc->status)
        enc->status = status;
    return enc->status;
}
/* The header and logical screen (with the global palette, if any), loop
 * extension and comment. */
int giflow__enc_header(giflow_encoder *enc);
/* Encodes and writes the pending frame with the given delay. next is the
 * following frame's RGBA (NULL at the end): where it is transparent and the
 * pending frame is not, the pending frame uses disposal 2 over a rectangle
 * covering those pixels. */
int giflow__enc_frame(giflow_encoder *enc, uint32_t delay_cs, const uint8_t *next_rgba);
/* Size (bits) of the global colour table: its colours plus the
 * transparent slot. */
unsigned giflow__enc_global_bits(const giflow_encoder *enc);
giflow__remap *giflow__enc_global_remap(giflow_encoder *enc);
/* Quantizes enc->global from the statistics gathered, at the best effort
 * (it is built once and serves many frames, or a whole huge image).
 * Returns its error, as giflow__quant_build. */
double giflow__enc_build_global(giflow_encoder *enc, uint32_t max_colors);

#endif
