/*
 * Conformance runner: shared declarations.
 *
 * Each corpus ("set") states its expected output in its own way (see
 * docs/conformance.md). The runner decodes every file through the public
 * API only and compares with that independent truth. Where a corpus encodes
 * a model that truly differs from the browser model, the set keeps an
 * explicit table of (test, reason); for those the runner asserts the
 * browser-model behaviour instead and reports an "expected difference".
 */
#ifndef GIFLOW_CONFORM_H
#define GIFLOW_CONFORM_H

#include <stddef.h>
#include <stdint.h>

#include "giflow.h"
#include "testutil.h"

/* ---- Reporting --------------------------------------------------------- */

typedef struct cf_ctx {
    const char *set;
    const char *root;       /* corpus directory of the set */
    int tests, ok;
    unsigned long frames;   /* frames (or images) whose output was checked */
    int ndiff;
    char **diffs;           /* "test: reason" */
    const char *cur;        /* name of the running test */
    int cur_fail;           /* unexpected mismatches in the running test */
    int total_fail;
} cf_ctx;

void cf_begin(cf_ctx *c, const char *test);
/* An unexpected mismatch in the running test: printed with its details. */
void cf_fail(cf_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Records an expected difference (printed after the tally). */
void cf_expected(cf_ctx *c, const char *reason);
void cf_end(cf_ctx *c);
/* Prints the tally and the expected differences; returns the exit code. */
int cf_report(cf_ctx *c);

/* A table of expected differences: every entry must be hit, or the table is
 * stale and that is a failure too. */
typedef struct cf_known {
    const char *test;
    const char *reason;
    int hit;
} cf_known;
cf_known *cf_known_find(cf_known *table, const char *test);
void cf_known_check_all(cf_ctx *c, cf_known *table);

/* ---- Files ------------------------------------------------------------- */

/* Reads root/rel (rel may be NULL). NULL if missing. */
uint8_t *cf_read(const char *root, const char *rel, size_t *size);
/* A text file under root as a C string (for cf_lines), or NULL. */
char *cf_read_text(const char *root, const char *rel);
char *cf_path(const char *root, const char *rel);
int cf_exists(const char *path);
char *cf_strdup(const char *s);
/* Splits text into lines in place; returns the count. */
size_t cf_lines(char *text, char ***lines);
char *cf_trim(char *s);
/* Sorted names of the entries of dir ending in suffix. */
size_t cf_list_dir(const char *dir, const char *suffix, char ***names);
void cf_free_list(char **names, size_t n);

/* PNG to RGBA8 (tRNS applied, no gamma). NULL on failure. */
uint8_t *cf_png_rgba(const char *path, uint32_t *w, uint32_t *h);

/* ---- Decoding ---------------------------------------------------------- */

typedef struct cf_frame {
    uint32_t n;                /* 0-based number of this displayed frame */
    giflow_frame_info first;   /* frame_info() of its (first) image */
    giflow_frame_info last;    /* giflow_decoder_current_frame() after drawing */
    int status;                /* GIFLOW_FRAME_END or the error */
    int loop_after;            /* giflow_decoder_loop_count() after drawing */
    const uint8_t *canvas;     /* RGBA, canvas_width x canvas_height */
    const giflow_image_info *image;
} cf_frame;

typedef struct cf_result {
    int status;                /* GIFLOW_END or the first error */
    int stage;                 /* where it stopped: 0 image info,
                                  1 frame info, 2 pixels */
    giflow_image_info image;
    uint32_t nframes;          /* frames reported, including a broken one */
    int loop_count;            /* giflow_decoder_loop_count() at the end */
    uint8_t gct[768];          /* copy of the global palette; image.
                                  global_palette points here afterwards */
} cf_result;

/* Returns nonzero to stop decoding early. */
typedef int (*cf_frame_fn)(void *user, const cf_frame *f);

/* Decodes a whole file fed at once (eof set) through
 * giflow_decode_frame_rgba(). meta may be NULL. Returns 0, or -1 when the
 * runner itself ran out of memory. */
int cf_decode(const uint8_t *data, size_t size, unsigned flags,
              giflow_meta_fn meta, void *meta_user, cf_frame_fn on_frame,
              void *user, cf_result *res);

/* Index-level decoding through giflow_decode_row(). */
typedef struct cf_rows_frame {
    giflow_frame_info info;    /* frame_info(); info.palette is NULL, the
                                  active palette is copied to pal */
    uint8_t pal[768];
    int status;                /* GIFLOW_FRAME_END or the error */
    uint8_t *indices;          /* width*height, de-interlaced; rows never
                                  delivered stay 0 */
    uint8_t *got;              /* height flags: row delivered complete */
    uint32_t *order;           /* frame rows in delivery order */
    int *order_pass;
    uint32_t nrows;            /* complete rows delivered */
    uint32_t partial_y, partial_n; /* broken row after an error */
} cf_rows_frame;

typedef struct cf_rows {
    int status;
    int stage;
    giflow_image_info image;
    uint8_t gct[768];          /* copy of the global palette; image.
                                  global_palette points here */
    uint32_t nframes;
    cf_rows_frame *frames;
} cf_rows;

int cf_decode_rows(const uint8_t *data, size_t size, unsigned flags,
                   uint32_t max_frames, cf_rows *out);
void cf_rows_free(cf_rows *r);

/* ---- Comparison helpers ------------------------------------------------ */

/* Compares an expected RGBA image (ew x eh) with the top-left ew x eh
 * region of a canvas (cw wide). alpha0_equal: two pixels with A=0 are
 * equal whatever their RGB. Returns 1 when equal; else fills *x, *y. */
int cf_cmp_rgba(const uint8_t *exp, uint32_t ew, uint32_t eh,
                const uint8_t *canvas, uint32_t cw, int alpha0_equal,
                uint32_t *x, uint32_t *y);
/* Reports the first differing pixel through cf_fail; returns 1 if equal. */
int cf_check_rgba(cf_ctx *c, const char *what, const uint8_t *exp,
                  uint32_t ew, uint32_t eh, const uint8_t *canvas,
                  uint32_t cw, int alpha0_equal);

const char *cf_status_name(int status);

/* ---- Sets -------------------------------------------------------------- */

int cf_set_pygif(cf_ctx *c);
int cf_set_wuffs(cf_ctx *c);
int cf_set_blink(cf_ctx *c);
int cf_set_go(cf_ctx *c);
int cf_set_peterdn(cf_ctx *c);
int cf_set_imagers(cf_ctx *c);
int cf_set_imagegif(cf_ctx *c);
int cf_set_libgd(cf_ctx *c);
int cf_set_giflib(cf_ctx *c);

#endif
