/* The giflow extension module (giflow._giflow): a thin layer over the
 * public API in include/giflow.h. The Python package (giflow/) does the
 * argument handling; this layer checks every size it is given, and
 * releases the GIL around all codec work. */
#ifndef PYGIFLOW_H
#define PYGIFLOW_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#include "giflow.h"

/* giflow.GiflowError: .status (the giflow status code) and .message (its
 * giflow_strerror text). */
extern PyObject *pg_error;
/* Raises GiflowError for status (context may be NULL); returns NULL. */
PyObject *pg_raise(int status, const char *context);

/* Pixel kinds of a Source. */
enum { PG_RGBA, PG_RGBX, PG_RGB, PG_IDX };

/* A read-only view of pixels: a buffer with a row stride, or an array of
 * row pointers (a Pillow image's own rows), kept alive by the object. */
typedef struct {
    PyObject_HEAD
    Py_buffer view;
    int has_view;
    PyObject *keep;
    const uint8_t *const *rows; /* row pointers, or NULL */
    const uint8_t *base;        /* with stride, when rows is NULL */
    size_t stride;
    uint32_t w, h;
    int kind, bpp;
    uint32_t pal_n;           /* PG_IDX: palette entries */
    int trans;                /* single transparent index, or -1 */
    int alpha_table;          /* the palette has per-entry alpha */
    uint8_t pal_rgb[3 * 256];
    uint8_t pal_rgba[4 * 256];
} pg_source;

extern PyTypeObject pg_source_type;
extern PyTypeObject pg_encoder_type;
extern PyTypeObject pg_decoder_type;

static inline const uint8_t *pg_row(const pg_source *s, uint32_t y)
{
    return s->rows ? s->rows[y] : s->base + (size_t)y * s->stride;
}

/* Row y of s as RGBA: the row itself when it already is (and, with
 * raw_x, when it is RGBX and alpha is to be ignored), else converted into
 * dst (s->w * 4 bytes). Needs no GIL. */
const uint8_t *pg_row_rgba(const pg_source *s, uint32_t y, uint8_t *dst, int raw_x);

/* Whether the source is one block of rows stride bytes apart. */
static inline int pg_contiguous(const pg_source *s)
{
    return s->rows == NULL;
}

#endif
