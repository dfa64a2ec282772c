/* Decoder internals shared by the parser, row and compose stages. */
#ifndef GIFLOW_DECODE_DECODER_H
#define GIFLOW_DECODE_DECODER_H

#include "giflow.h"
#include "lzw.h"
#include "../common/mem.h"

/* De-chunked LZW bytes gathered across sub-blocks before each LZW run. */
#define GIFLOW__INBUF 256

/* Parser states: one per syntactic item of the GIF stream. */
typedef enum giflow__pstate {
    P_HEADER,    /* signature + logical screen descriptor, 13 bytes */
    P_GCT,       /* global colour table bytes */
    P_BLOCK,     /* block introducer */
    P_EXT_LABEL, /* extension label */
    P_EXT_LEN,   /* extension sub-block length */
    P_EXT_DATA,  /* extension sub-block payload */
    P_DESC,      /* image rectangle after 0x2C, 8 bytes */
    P_FLAGS,     /* image descriptor flags byte */
    P_LCT,       /* local colour table bytes */
    P_MCS,       /* LZW minimum code size */
    P_DATA_LEN,  /* image data sub-block length */
    P_DATA,      /* image data sub-block payload */
    P_TRAILER    /* trailer seen: nothing more is read */
} giflow__pstate;

/* Events the parser stops at. EV_RECT (a frame's rectangle is known) is
 * reported only when asked for: the first one sizes the canvas. */
enum { EV_NONE, EV_RECT, EV_FRAME, EV_END };

/* API stages. */
typedef enum giflow__stage {
    ST_START,   /* nothing parsed */
    ST_IMAGE,   /* image info known; no frame handed out yet */
    ST_FRAME,   /* frame info handed out; its pixels may be decoded */
    ST_PIXELS_DONE, /* every row of the current frame decoded */
    ST_END      /* no more frames */
} giflow__stage;

/* What the parser has read past the current frame. */
typedef enum giflow__ahead {
    AHEAD_NONE,  /* nothing yet */
    AHEAD_FRAME, /* the next frame's descriptor, not handed out yet */
    AHEAD_END    /* the end of the stream */
} giflow__ahead;

struct giflow_decoder {
    int32_t lut_key;          /* the global palette's lut is built for this
                                 transparent index + 1 (0: none; -1: lut
                                 is not the global palette's) */
    uint32_t lut_filled;      /* lut entries that hold a colour or black */

    /* Parser. */
    uint8_t tmp[16];          /* gathers fixed-size items across calls */
    unsigned tmp_len;
    giflow__pstate pstate;
    int status;               /* sticky error, or 0 */
    unsigned need;            /* bytes left in the current item */
    unsigned count;           /* bytes done in the current item */
    uint64_t offset;          /* stream bytes consumed */
    uint64_t desc_offset;     /* offset of the last 0x2C */
    int ext_label;
    unsigned ext_block;       /* sub-block number within the extension */
    char app_id[12];
    int app_loop;             /* current app extension carries a loop count */
    uint64_t meta_bytes;      /* extension bytes so far (limits) */
    uint32_t extensions;      /* extension blocks so far (limits) */
    unsigned buf_len, buf_pos;
    int data_end;             /* image data terminator reached */

    /* Stream facts. */
    giflow_image_info image;
    int loop_count;
    uint32_t gct_size;

    /* Graphic control for the next image (last one wins). */
    int gce_seen;
    uint32_t gce_delay;
    int gce_trans;
    int gce_disposal;

    /* Current frame. */
    giflow__stage stage;
    giflow__ahead ahead;
    giflow_frame_info frame;
    uint32_t lct_size;
    uint32_t frames_seen;
    uint64_t total_pixels;
    int lzw_ready;
    uint32_t rows_done, row_x, row_y;
    int pass;

    /* Composition. */
    int composing;            /* the renderer began this frame */
    int merging;              /* looking for the next image of a group */
    int canvas_ready;
    int clear_pending;        /* frame 0 skipped the transparent fill */
    int fresh_canvas;         /* this frame is the first drawn on the canvas */
    int prev_disposal;
    uint32_t prev_x, prev_y, prev_w, prev_h; /* clipped rect of last frame */
    uint8_t *restore;
    size_t restore_cap;
    uint8_t *work;            /* LZW BUFFER mode's workspace (heap) */
    size_t work_cap;
    int restore_external;
    int restore_zero;         /* what restore-previous puts back is transparent */
    int canvas_painted;       /* a frame has been composed (restarts keep it) */
    const struct giflow__renderer *render; /* canvas, viewport or display */
    void *render_state;       /* the renderer's own state, or NULL */
    uint32_t out_width;       /* the output's width in pixels */

    /* Display output (display.c). */
    giflow_display display;
    uint32_t drawn_x0, drawn_y0, drawn_x1, drawn_y1; /* bounds of what frames
                                 left drawn (empty when x0 == x1) */
    int restore_how;          /* the previous frame's restore: RESTORE_* */
    int replaying;            /* re-decoding for a restore: no meta events */

    /* Memory. */
    giflow__heap heap;
    uint8_t *row;             /* indices at row + row_off(width) */
    size_t row_cap;
    unsigned row_bpp;         /* row buffer bytes per pixel: 1, or the
                                 display's (pixels converted in place) */
    int row_external;
    int self_owned;           /* the struct itself came from the heap */

    giflow_source *source;    /* pull input, or NULL */
    uint64_t source_origin;   /* source offset of stream offset 0 */

    giflow_limits limits;
    unsigned flags;
    giflow_meta_fn meta_fn;
    void *meta_user;

    /* The tables last: dec_init() zeroes the struct only up to lzw.t (the
     * LZW table), so creating a decoder does not clear 14 KB that is
     * always written before it is read. */
    giflow__lzw lzw;
    uint8_t gct[768];
    uint8_t lct[768];
#if defined(GIFLOW_CONFIG_NO_CANVAS) && !defined(GIFLOW_CONFIG_ROWS_ONLY)
    /* Display only: RGB565 pixels per index (RGBA8888 reads the palette:
     * a 1 KiB table would cost a 32 KB MCU more than the speed is worth). */
    uint16_t lut16[256];
#elif !defined(GIFLOW_CONFIG_ROWS_ONLY)
    union {
        uint32_t lut[256];    /* compose: RGBA word per index, 0 = skip;
                                 display RGBA8888: its pixels */
        uint16_t lut16[256];  /* display RGB565: its pixels */
    };
#endif
    uint8_t buf[GIFLOW__INBUF + 8]; /* image data, or one extension block */
};

/* Bytes of the decoder that dec_init() clears. */
#define GIFLOW__DEC_CLEARED (offsetof(struct giflow_decoder, lzw) + offsetof(giflow__lzw, t))

/* Runs the stream parser until an event or until input runs out. Returns
 * GIFLOW_OK with *event set, GIFLOW_NEED_INPUT, or an error. Image data of
 * a frame being abandoned is skipped. */
int giflow__parse(giflow_decoder *dec, giflow_input *in, int *event, int want_rect);

/* Moves image-data payload bytes into dec->buf. Returns GIFLOW_OK when some
 * were added, GIFLOW_END at the data terminator, GIFLOW_NEED_INPUT, or an
 * error. */
int giflow__read_data(giflow_decoder *dec, giflow_input *in);

/* Whether the frame's transparent index can occur in its pixel data: a
 * literal code must reach it (the code size is not validated yet here). */
static inline int giflow__has_transparency(const giflow_frame_info *f)
{
    return f->transparent_index >= 0 &&
           (f->min_code_size >= 8 || f->transparent_index < (1 << f->min_code_size));
}

/* Decodes the next row of the current frame into dec->row. Returns
 * GIFLOW_OK with the row's y, GIFLOW_FRAME_END, GIFLOW_NEED_INPUT or an
 * error. */
int giflow__next_row(giflow_decoder *dec, giflow_input *in, uint32_t *y);

/* Skips the rest of the current image data, through its terminator. A
 * frame is complete only then: Chromium treats a file that ends inside
 * image data as a cut-short frame even if every pixel was decoded.
 * Returns GIFLOW_OK, GIFLOW_NEED_INPUT or an error. */
int giflow__skip_data(giflow_decoder *dec, giflow_input *in);

/* Whether the rest of the current frame's data, through its terminator,
 * is already in the input (or the input is final): a decode started now
 * runs to the frame's end or its error without returning NEED_INPUT. */
int giflow__data_complete(const giflow_decoder *dec, const giflow_input *in);
/* Whether the rest of the frame's data, through its terminator, is in the
 * input buffer (not only promised by eof). */
int giflow__data_in_memory(const giflow_decoder *dec, const giflow_input *in);
/* Payload bytes of the current frame's data at hand: buffered, and in the
 * input up to its terminator or its end. */
uint64_t giflow__data_at_hand(const giflow_decoder *dec, const giflow_input *in);
/* The parser does not run LZW; a stage that reads the raw sub-blocks in
 * place (the flat LZW modes, once giflow__data_in_memory() holds and
 * dec->buf is drained) asks it where they are, then says how far it got.
 * giflow__data_view: *p is the next data byte, *blk_end the end of the
 * current sub-block's payload (*p itself at a length byte).
 * giflow__data_advance: the reader stopped at ip, inside the sub-block
 * ending at blk_end, or just after the terminator (ended); the parser
 * moves past what it read. */
void giflow__data_view(const giflow_decoder *dec, const giflow_input *in,
                       const uint8_t **p, const uint8_t **blk_end);
void giflow__data_advance(giflow_decoder *dec, giflow_input *in, const uint8_t *ip,
                          const uint8_t *blk_end, int ended);

/* Skips the current frame's remaining pixels (checking its code size if
 * LZW has not started), through its terminator. Returns GIFLOW_FRAME_END,
 * GIFLOW_NEED_INPUT or an error. */
int giflow__skip_pixels(giflow_decoder *dec, giflow_input *in);

/* The window a decode call reads: in, or with in NULL the attached
 * source's (NULL when there is none). */
giflow_input *giflow__input(giflow_decoder *dec, giflow_input *in);
/* After a decode call on window w returned *r: with in NULL (pulling),
 * refills the source when *r is GIFLOW_NEED_INPUT and returns nonzero to
 * call again; a failed or empty refill replaces *r by its error. */
int giflow__pull_more(giflow_decoder *dec, const giflow_input *in, int *r);

/* Records an error and returns it (errors are sticky). */
int giflow__fail(giflow_decoder *dec, int status);

/* Before the current frame's LZW starts: fails with GIFLOW_ERR_BAD_CODE_SIZE
 * if its minimum code size is above what the flags accept. */
int giflow__check_code_size(giflow_decoder *dec);
/* Starts LZW decoding of the current frame in mode (once per frame). */
void giflow__start_lzw(giflow_decoder *dec, int mode, uint64_t total);

/* A renderer turns frames into one kind of output. The compose stage
 * (giflow_decode_frame_rgba) calls, per frame: begin (apply the previous
 * frame's disposal, save what this one's will need), frame (decode the
 * pixels into the output; may return GIFLOW_NEED_INPUT and be called
 * again), then end once the frame is complete, or unwritten when decoding
 * stops inside it (broken: an error). release frees the renderer's state;
 * giflow_decoder_set_viewport() swaps renderers with it. out is what the
 * caller handed in (an RGBA canvas for these two). */
typedef struct giflow__renderer {
    int (*begin)(giflow_decoder *dec, uint8_t *out, size_t stride);
    int (*frame)(giflow_decoder *dec, giflow_input *in, uint8_t *out, size_t stride);
    void (*end)(giflow_decoder *dec);
    void (*unwritten)(giflow_decoder *dec, uint8_t *out, size_t stride, int broken);
    void (*release)(giflow_decoder *dec);
    /* Random access (giflow_decoder_dispose, giflow_decoder_restart), NULL
     * where the output cannot be kept: dispose applies the last complete
     * frame's disposal to out (a copy of the output), idempotently and
     * changing nothing else; restart forgets the previous frame. */
    void (*dispose)(const giflow_decoder *dec, uint8_t *out, size_t stride);
    void (*restart)(giflow_decoder *dec);
} giflow__renderer;

/* The full-size RGBA canvas (compose.c), the viewport (scale.c) and the
 * display (display.c). */
extern const giflow__renderer giflow__canvas_renderer;
extern const giflow__renderer giflow__viewport_renderer;
extern const giflow__renderer giflow__display_renderer;

/* Whether the output can still be changed: after image info, before the
 * first frame is composed. Returns GIFLOW_OK, the sticky error, or
 * GIFLOW_ERR_STATE. */
int giflow__output_settable(const giflow_decoder *dec);
/* Releases the current renderer and selects the full canvas. */
void giflow__reset_renderer(giflow_decoder *dec);
/* Renderer end: remembers the finished frame's disposal and rectangle. */
void giflow__remember_disposal(giflow_decoder *dec);

/* Where the current frame's row of indices starts in dec->row. */
static inline uint8_t *giflow__row_indices(const giflow_decoder *dec)
{
    return dec->row + (((size_t)dec->frame.width * (dec->row_bpp - 1) + 3) & ~(size_t)3);
}

/* Row buffer bytes for a frame w pixels wide: the indices start on a
 * 4-byte boundary (read a word at a time), after room for the pixels. */
static inline size_t giflow__row_bytes(uint32_t w, unsigned bpp)
{
    return (((size_t)w * (bpp - 1) + 3) & ~(size_t)3) + w;
}

/* Applies graphic control, palette and limits to the frame just parsed. */
int giflow__start_frame(giflow_decoder *dec);

/* Fills dec->lut for the current frame (0 marks the transparent index). */
void giflow__build_lut(giflow_decoder *dec);

#endif
