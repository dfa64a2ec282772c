/*
 * Helpers for the robustness tests (tests/robust): corpus walking, a decode
 * driver that feeds input in configurable chunks (every chunk in its own
 * exactly-sized heap buffer, so a read past the window is caught by ASan),
 * a counting allocator, and result comparison.
 *
 * Everything here uses the public API only.
 */
#ifndef GIFLOW_RB_UTIL_H
#define GIFLOW_RB_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "giflow.h"

/* ---- corpus ------------------------------------------------------------ */

typedef struct rb_list {
    char **paths;
    size_t n, cap;
} rb_list;

/* Appends every regular file under root (recursively, sorted by path) for
 * which keep(path) is nonzero; keep NULL keeps everything. Returns 0, or -1
 * if root cannot be read. */
int rb_walk(const char *root, int (*keep)(const char *path), rb_list *out);
/* The same for root's own files only (no subdirectories). */
int rb_walk_flat(const char *root, int (*keep)(const char *path), rb_list *out);
void rb_list_free(rb_list *l);

/* GIF-like corpus file: *.gif, *.gif.disabled, or a file without an
 * extension inside a fuzz-pocs directory. */
int rb_is_gif_like(const char *path);

/* Path relative to root, for messages. */
const char *rb_rel(const char *path, const char *root);

/* ---- timing and watchdog ------------------------------------------------ */

double rb_now(void);
double rb_cpu_now(void); /* CPU seconds of this process */

/* Arms a SIGALRM watchdog: if not disarmed within seconds, prints what
 * (e.g. the file being decoded) and exits with status 1. 0 disarms. */
void rb_watchdog(unsigned seconds, const char *what);

/* Nonzero in the sanitizer build (GIFLOW_ROBUST_SANITIZE defined). */
int rb_sanitized(void);

/* ---- feeding ------------------------------------------------------------ */

enum {
    RB_WHOLE,      /* everything in one call, eof set */
    RB_FIXED,      /* chunks of plan.size bytes */
    RB_RANDOM      /* chunk sizes uniform in 1..plan.size, xorshift(seed) */
};

typedef struct rb_plan {
    int mode;
    size_t size;
    uint32_t seed;
    int late_eof;  /* eof arrives only in a final empty call */
    const char *name;
} rb_plan;

/* ---- decoding ----------------------------------------------------------- */

typedef struct rb_frame {
    giflow_frame_info info;  /* palette pointer cleared */
    uint32_t palette_crc;    /* CRC of the active palette's bytes */
    int status;              /* GIFLOW_FRAME_END or the error */
    int loop_after;          /* giflow_decoder_loop_count() after this frame */
    uint64_t pixels_hash;    /* rgba: hash of the canvas at the frame's
                                status; rows: hash of the (y, pass, width,
                                indices) sequence */
    uint32_t nrows;          /* rows: rows delivered */
    uint32_t partial_n, partial_y; /* rows: giflow_decoder_partial_row() on error */
    uint32_t partial_crc;    /* rows: CRC of the partial pixels, if known */
    int partial_known;       /* rows: a row pointer of this frame existed */
    /* giflow_decoder_current_frame() after the pixel stage (with zero-delay
     * merging, the last image of the group) */
    uint32_t cur_index, cur_delay_cs, cur_x, cur_y, cur_width, cur_height;
    int cur_disposal, cur_transparent_index;
} rb_frame;

#define RB_MODE_RGBA 0
#define RB_MODE_ROWS 1
#define RB_MODE_INFO 2 /* frame infos only, pixel data skipped */

typedef struct rb_result {
    int driver_error;        /* nonzero: the driver itself gave up (below) */
    char driver_msg[200];
    int status;              /* GIFLOW_END or the error that stopped it */
    int stage;               /* 0 image info, 1 frame info, 2 pixels */
    giflow_image_info image; /* global_palette pointer cleared */
    uint32_t gpal_crc;
    uint32_t nframes;
    rb_frame *frames;
    int loop_count;
    /* memory */
    size_t heap_peak;        /* giflow_decoder_heap() peak */
    size_t heap_now_end;     /* giflow_decoder_heap() before free */
    size_t alloc_peak;       /* what the allocator hook saw: peak live */
    size_t alloc_live_end;   /* live bytes seen before free */
    size_t alloc_live_after; /* live bytes after giflow_decoder_free */
    size_t alloc_max_block;  /* largest single allocation */
    uint32_t max_width;      /* widest frame started */
    size_t max_restore;      /* largest restore_bytes among frames started */
    size_t canvas_bytes;
    int mode_used;           /* RB_MODE_*: RGBA falls back to ROWS when the
                                canvas exceeds canvas_limit */
    double seconds;          /* CPU time of the whole decode */
    uint64_t calls;          /* decoder calls made */
    int contract_violations; /* NEED_INPUT with bytes left, pos regressions,
                                errors not sticky... (details printed) */
} rb_result;

/* Decodes data according to plan in the given mode. flags go to
 * giflow_decoder_set_flags(), limits (if not NULL) to
 * giflow_decoder_set_limits(). canvas_limit: the largest canvas in bytes the
 * driver will allocate in RGBA mode; larger ones are decoded in ROWS mode
 * instead (the result says which via canvas_bytes). label prefixes contract
 * messages. Returns 0, or -1 on a driver failure (out of memory). */
int rb_decode(const uint8_t *data, size_t size, const rb_plan *plan, int mode,
              unsigned flags, const giflow_limits *limits, size_t canvas_limit,
              const char *label, rb_result *out);
void rb_result_free(rb_result *r);

/* Compares two results field by field (not timing or memory). Prints every
 * difference prefixed with label; returns the number of differences. */
int rb_compare(const rb_result *a, const rb_result *b, const char *label);

/* A fast 64-bit hash, used to compare two decodes of the same file (a
 * collision could only hide a difference, never invent one). */
uint64_t rb_hash(uint64_t h, const void *data, size_t n);

/* Short description: "status=... stage=N frames=N". */
const char *rb_describe(const rb_result *r, char *buf, size_t n);

#endif
