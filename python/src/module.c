/* Module giflow._giflow: GiflowError, strerror, and the Source type. */
#include <string.h>

#include "pygiflow.h"

PyObject *pg_error;

PyObject *pg_raise(int status, const char *context)
{
    const char *msg = giflow_strerror(status);
    PyObject *text = context ? PyUnicode_FromFormat("%s: %s (giflow status %d)", context, msg, status)
                             : PyUnicode_FromFormat("%s (giflow status %d)", msg, status);
    if (!text)
        return NULL;
    PyObject *exc = PyObject_CallOneArg(pg_error, text);
    Py_DECREF(text);
    if (!exc)
        return NULL;
    PyObject *st = PyLong_FromLong(status), *m = PyUnicode_FromString(msg);
    if (st && m && !PyObject_SetAttrString(exc, "status", st) &&
        !PyObject_SetAttrString(exc, "message", m))
        PyErr_SetObject(pg_error, exc);
    Py_XDECREF(st);
    Py_XDECREF(m);
    Py_DECREF(exc);
    return NULL;
}

/* ---- Source ------------------------------------------------------------- */

const uint8_t *pg_row_rgba(const pg_source *s, uint32_t y, uint8_t *dst, int raw_x)
{
    const uint8_t *row = pg_row(s, y);
    const uint32_t w = s->w;
    switch (s->kind) {
    case PG_RGBA:
        return row;
    case PG_RGBX:
        if (raw_x)
            return row;
        for (uint32_t x = 0; x < w; x++) {
            memcpy(dst + 4 * x, row + 4 * x, 3);
            dst[4 * x + 3] = 255;
        }
        return dst;
    case PG_RGB:
        for (uint32_t x = 0; x < w; x++) {
            memcpy(dst + 4 * x, row + 3 * x, 3);
            dst[4 * x + 3] = 255;
        }
        return dst;
    default: /* PG_IDX */
        for (uint32_t x = 0; x < w; x++)
            memcpy(dst + 4 * x, s->pal_rgba + 4 * row[x], 4);
        return dst;
    }
}

static const char *const kind_names[] = {"rgba", "rgbx", "rgb", "idx", NULL};

static int kind_of(const char *name, int *bpp)
{
    static const int bpps[] = {4, 4, 3, 1};
    for (int k = 0; kind_names[k]; k++)
        if (!strcmp(name, kind_names[k])) {
            *bpp = bpps[k];
            return k;
        }
    return -1;
}

/* Palette (RGB triplets) and optional alpha (one byte per entry) or single
 * transparent index. Entries past the palette are opaque black, as GIF
 * decoders show out-of-range indices. */
static int set_palette(pg_source *s, PyObject *palette, PyObject *alpha, int trans)
{
    Py_buffer p, a = {0};
    if (PyObject_GetBuffer(palette, &p, PyBUF_SIMPLE))
        return -1;
    int ok = p.len >= 3 && p.len <= 768 && p.len % 3 == 0;
    if (!ok)
        PyErr_SetString(PyExc_ValueError, "palette: 1 to 256 RGB triplets");
    if (ok && alpha != Py_None) {
        if (PyObject_GetBuffer(alpha, &a, PyBUF_SIMPLE)) {
            ok = 0;
        } else if (a.len > 256) {
            PyErr_SetString(PyExc_ValueError, "alpha: at most 256 entries");
            ok = 0;
        }
    }
    if (ok && (trans < -1 || trans > 255)) {
        PyErr_SetString(PyExc_ValueError, "transparent index: -1 or 0..255");
        ok = 0;
    }
    if (ok) {
        s->pal_n = (uint32_t)(p.len / 3);
        memset(s->pal_rgb, 0, sizeof s->pal_rgb);
        memcpy(s->pal_rgb, p.buf, (size_t)p.len);
        for (int i = 0; i < 256; i++) {
            memcpy(s->pal_rgba + 4 * i, s->pal_rgb + 3 * i, 3);
            uint8_t al = 255;
            if (a.buf && i < a.len)
                al = ((const uint8_t *)a.buf)[i];
            if (i == trans)
                al = 0;
            s->pal_rgba[4 * i + 3] = al;
        }
        s->trans = trans;
        s->alpha_table = a.buf != NULL;
    }
    PyBuffer_Release(&p);
    if (a.buf)
        PyBuffer_Release(&a);
    return ok ? 0 : -1;
}

/* Source(kind, width, height, data=None, stride=0, rows=0, keep=None,
 *        palette=None, alpha=None, transparent=-1)
 * data: a buffer of height rows, stride bytes apart (0: tightly packed).
 * rows: instead, the address of height row pointers (a Pillow image's
 * own), valid while keep lives. */
static int source_init(pg_source *s, PyObject *args, PyObject *kw)
{
    static char *names[] = {"kind", "width", "height", "data", "stride", "rows", "keep",
                            "palette", "alpha", "transparent", NULL};
    const char *kind;
    unsigned int w, h;
    PyObject *data = Py_None, *keep = Py_None, *palette = Py_None, *alpha = Py_None;
    Py_ssize_t stride = 0;
    unsigned long long rows = 0;
    int trans = -1;
    if (s->has_view || s->keep) {
        PyErr_SetString(PyExc_TypeError, "Source is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kw, "sII|OnKOOOi", names, &kind, &w, &h, &data,
                                     &stride, &rows, &keep, &palette, &alpha, &trans))
        return -1;
    int bpp, k = kind_of(kind, &bpp);
    if (k < 0) {
        PyErr_Format(PyExc_ValueError, "unknown pixel kind '%s'", kind);
        return -1;
    }
    if (w < 1 || w > 65535 || h < 1 || h > 65535) {
        PyErr_Format(PyExc_ValueError, "image size %ux%u: GIF allows 1..65535 each way", w, h);
        return -1;
    }
    s->kind = k;
    s->bpp = bpp;
    s->w = w;
    s->h = h;
    s->trans = -1;
    if (k == PG_IDX && palette == Py_None) {
        PyErr_SetString(PyExc_ValueError, "indexed pixels need a palette");
        return -1;
    }
    if (palette != Py_None && set_palette(s, palette, alpha, trans))
        return -1;
    size_t row_bytes = (size_t)w * bpp;
    if (rows) {
        if (data != Py_None || keep == Py_None) {
            PyErr_SetString(PyExc_TypeError, "rows= needs keep= and no data=");
            return -1;
        }
        s->rows = (const uint8_t *const *)(uintptr_t)rows;
        Py_INCREF(keep);
        s->keep = keep;
        return 0;
    }
    if (PyObject_GetBuffer(data, &s->view, PyBUF_SIMPLE))
        return -1;
    s->has_view = 1;
    if (stride == 0)
        stride = (Py_ssize_t)row_bytes;
    if (stride < 0 || (size_t)stride < row_bytes ||
        (size_t)s->view.len < (size_t)stride * (h - 1) + row_bytes) {
        PyErr_Format(PyExc_ValueError,
                     "pixel buffer of %zd bytes is too small for %ux%u %s pixels (stride %zd)",
                     s->view.len, w, h, kind, stride);
        return -1;
    }
    s->base = s->view.buf;
    s->stride = (size_t)stride;
    return 0;
}

static void source_dealloc(pg_source *s)
{
    if (s->has_view)
        PyBuffer_Release(&s->view);
    Py_XDECREF(s->keep);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static PyObject *source_get_size(pg_source *s, void *unused)
{
    (void)unused;
    return Py_BuildValue("II", s->w, s->h);
}

static PyGetSetDef source_getset[] = {
    {"size", (getter)source_get_size, NULL, "(width, height)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject pg_source_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "giflow._giflow.Source",
    .tp_basicsize = sizeof(pg_source),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Pixels to encode: a buffer with a stride, or a Pillow image's rows.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)source_init,
    .tp_dealloc = (destructor)source_dealloc,
    .tp_getset = source_getset,
};

/* ---- Module ------------------------------------------------------------- */

static PyObject *mod_strerror(PyObject *self, PyObject *arg)
{
    (void)self;
    long st = PyLong_AsLong(arg);
    if (st == -1 && PyErr_Occurred())
        return NULL;
    if (st < INT32_MIN || st > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "status out of range");
        return NULL;
    }
    return PyUnicode_FromString(giflow_strerror((int)st));
}

/* The encoder's defaults for the options --quality sets, after
 * giflow_encode_options_quality(quality) when quality is 1..100 (0: the
 * defaults alone). */
static PyObject *mod_quality_options(PyObject *self, PyObject *arg)
{
    (void)self;
    long q = PyLong_AsLong(arg);
    if (q == -1 && PyErr_Occurred())
        return NULL;
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    if (q && (q < 1 || q > 100 || giflow_encode_options_quality(&o, (int)q) != GIFLOW_OK)) {
        PyErr_Format(PyExc_ValueError, "quality must be 1..100, not %ld", q);
        return NULL;
    }
    return Py_BuildValue("{sisisisIsi}", "denoise", o.denoise, "lossy_lzw", o.lossy_lzw,
                         "lossy", o.lossy, "colors", o.max_colors, "denoise_frames",
                         o.denoise_frames);
}

static PyMethodDef mod_methods[] = {
    {"strerror", mod_strerror, METH_O, "strerror(status) -> giflow_strerror() text"},
    {"quality_options", mod_quality_options, METH_O,
     "quality_options(quality) -> the options giflow_encode_options_quality() sets "
     "(0: the defaults)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef mod_def = {
    PyModuleDef_HEAD_INIT, "giflow._giflow", "giflow's C codec.", -1, mod_methods,
    NULL, NULL, NULL, NULL,
};

static int add_int(PyObject *m, const char *name, long v)
{
    return PyModule_AddIntConstant(m, name, v);
}

static int add_constants(PyObject *m)
{
    static const struct { const char *name; long v; } c[] = {
        {"OK", GIFLOW_OK}, {"NEED_INPUT", GIFLOW_NEED_INPUT}, {"END", GIFLOW_END},
        {"FRAME_END", GIFLOW_FRAME_END}, {"ERR_ARG", GIFLOW_ERR_ARG},
        {"ERR_STATE", GIFLOW_ERR_STATE}, {"ERR_NOMEM", GIFLOW_ERR_NOMEM},
        {"ERR_TRUNCATED", GIFLOW_ERR_TRUNCATED}, {"ERR_NOT_GIF", GIFLOW_ERR_NOT_GIF},
        {"ERR_IO", GIFLOW_ERR_IO}, {"ERR_TOO_MANY_COLORS", GIFLOW_ERR_TOO_MANY_COLORS},
        {"ERR_LIMIT_CANVAS", GIFLOW_ERR_LIMIT_CANVAS}, {"ERR_LIMIT_FRAMES", GIFLOW_ERR_LIMIT_FRAMES},
        {"ERR_LIMIT_PIXELS", GIFLOW_ERR_LIMIT_PIXELS}, {"ERR_LIMIT_MEMORY", GIFLOW_ERR_LIMIT_MEMORY},
        {"ERR_EMPTY_IMAGE", GIFLOW_ERR_EMPTY_IMAGE}, {"ERR_BAD_CODE_SIZE", GIFLOW_ERR_BAD_CODE_SIZE},
        {"ERR_BAD_CODE", GIFLOW_ERR_BAD_CODE}, {"ERR_BAD_BLOCK", GIFLOW_ERR_BAD_BLOCK},
        {"ERR_MISSING_PIXELS", GIFLOW_ERR_MISSING_PIXELS},
        {"PALETTE_AUTO", GIFLOW_PALETTE_AUTO}, {"PALETTE_GLOBAL", GIFLOW_PALETTE_GLOBAL},
        {"PALETTE_LOCAL", GIFLOW_PALETTE_LOCAL}, {"DITHER_NONE", GIFLOW_DITHER_NONE},
        {"DITHER_FS", GIFLOW_DITHER_FS}, {"DITHER_ORDERED", GIFLOW_DITHER_ORDERED},
        {"TIME_DELAY_CS", GIFLOW_TIME_DELAY_CS}, {"TIME_DURATION_MS", GIFLOW_TIME_DURATION_MS},
        {"TIME_TIMESTAMP_MS", GIFLOW_TIME_TIMESTAMP_MS},
        {"FLAG_SMALL_MEMORY", GIFLOW_FLAG_SMALL_MEMORY},
        {"FLAG_MERGE_ZERO_DELAY", GIFLOW_FLAG_MERGE_ZERO_DELAY},
        {"FLAG_LENIENT_CODE_SIZE", GIFLOW_FLAG_LENIENT_CODE_SIZE},
        {"EFFORT_FASTEST", GIFLOW_EFFORT_FASTEST}, {"EFFORT_BEST", GIFLOW_EFFORT_BEST},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (add_int(m, c[i].name, c[i].v))
            return -1;
    if (add_int(m, "POINTER_SIZE", (long)sizeof(void *)))
        return -1;
    return PyModule_AddStringConstant(m, "LIB_VERSION", GIFLOW_VERSION_STRING);
}

static int add_type(PyObject *m, const char *name, PyTypeObject *t)
{
    if (PyType_Ready(t))
        return -1;
    Py_INCREF(t);
    if (PyModule_AddObject(m, name, (PyObject *)t)) {
        Py_DECREF(t);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC PyInit__giflow(void); /* the only exported symbol */
PyMODINIT_FUNC PyInit__giflow(void)
{
    PyObject *m = PyModule_Create(&mod_def);
    if (!m)
        return NULL;
    pg_error = PyErr_NewExceptionWithDoc(
        "giflow.GiflowError",
        "A giflow codec error. .status is giflow's status code (negative), "
        ".message its giflow_strerror() text.",
        NULL, NULL);
    if (!pg_error || PyModule_AddObjectRef(m, "GiflowError", pg_error) || add_constants(m) ||
        add_type(m, "Source", &pg_source_type) || add_type(m, "Encoder", &pg_encoder_type) ||
        add_type(m, "Decoder", &pg_decoder_type)) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
