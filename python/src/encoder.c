/* giflow._giflow.Encoder: giflow_encoder with its output collected in
 * memory while the GIL is released and handed to a Python callable after
 * each call (so output never piles up beyond one frame, or one strip of
 * rows). */
#include <stdlib.h>
#include <string.h>

#include "pygiflow.h"

typedef struct {
    PyObject_HEAD
    giflow_encoder *enc;
    PyObject *write;    /* callable(bytes) */
    PyObject *comment;  /* bytes, kept alive: the header may be written late */
    uint8_t *out;       /* output not yet handed to write */
    size_t out_len, out_cap;
    int out_nomem;
    uint8_t *scratch;   /* frame or row conversion */
    size_t scratch_cap;
    uint32_t w, h;
    int rows_mode, raw_x, busy, broken;
    uint8_t palette[768];
} pg_encoder;

static int collect(void *user, const uint8_t *data, size_t size)
{
    pg_encoder *e = user;
    if (e->out_len + size > e->out_cap) {
        size_t cap = e->out_cap ? e->out_cap : 65536;
        while (cap < e->out_len + size)
            cap *= 2;
        uint8_t *p = realloc(e->out, cap);
        if (!p) {
            e->out_nomem = 1;
            return 1;
        }
        e->out = p;
        e->out_cap = cap;
    }
    memcpy(e->out + e->out_len, data, size);
    e->out_len += size;
    return 0;
}

/* Hands the collected output to write(). Returns 0, or -1 with an
 * exception set. */
static int flush_out(pg_encoder *e)
{
    if (!e->out_len)
        return 0;
    PyObject *r = PyObject_CallFunction(e->write, "y#", (const char *)e->out, (Py_ssize_t)e->out_len);
    e->out_len = 0;
    if (e->out_cap > (4u << 20)) { /* one big frame does not pin its peak */
        free(e->out);
        e->out = NULL;
        e->out_cap = 0;
    }
    if (!r) {
        e->broken = 1;
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* Common tail of every call: raise for a giflow error, else flush. */
static PyObject *finish_call(pg_encoder *e, int status, const char *what)
{
    e->busy = 0;
    if (e->out_nomem) {
        e->broken = 1;
        return PyErr_NoMemory();
    }
    if (status < 0) {
        e->broken = 1;
        e->out_len = 0;
        return pg_raise(status, what);
    }
    if (flush_out(e))
        return NULL;
    Py_RETURN_NONE;
}

static int enter(pg_encoder *e)
{
    if (!e->enc) {
        PyErr_SetString(PyExc_ValueError, "encoder is closed");
        return -1;
    }
    if (e->broken) {
        PyErr_SetString(PyExc_ValueError, "encoder stopped after an error");
        return -1;
    }
    if (e->busy) {
        PyErr_SetString(PyExc_RuntimeError, "encoder is in use by another thread");
        return -1;
    }
    e->busy = 1;
    return 0;
}

static uint8_t *scratch(pg_encoder *e, size_t size)
{
    if (size > e->scratch_cap) {
        free(e->scratch);
        e->scratch = malloc(size);
        e->scratch_cap = e->scratch ? size : 0;
    }
    return e->scratch;
}

static int encoder_init(pg_encoder *e, PyObject *args, PyObject *kw)
{
    static char *names[] = {"width", "height", "write", "loop", "colors", "dither", "palette_mode",
                            "palette", "lossy", "effort", "comment", "optimize", "lossless",
                            "alpha_threshold", "row_streaming", "min_delay_cs", "denoise",
                            "denoise_frames", "lossy_lzw", NULL};
    unsigned int w, h, colors = 256, min_delay = 2;
    int loop = 0, dither = 0, pmode = 0, lossy = 0, effort = 0, optimize = 1, lossless = 0;
    int alpha = 128, rows = 0;
    int denoise = -1, denoise_frames = -1, lossy_lzw = -1; /* -1: the default */
    PyObject *write, *palette = Py_None, *comment = Py_None;
    if (e->enc) {
        PyErr_SetString(PyExc_TypeError, "Encoder is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kw, "IIO|iIiiOiiOppipIiii", names, &w, &h, &write,
                                     &loop, &colors, &dither, &pmode, &palette, &lossy,
                                     &effort, &comment, &optimize, &lossless, &alpha, &rows,
                                     &min_delay, &denoise, &denoise_frames, &lossy_lzw))
        return -1;
    if (!PyCallable_Check(write)) {
        PyErr_SetString(PyExc_TypeError, "write must be callable");
        return -1;
    }
    if (alpha < 0 || alpha > 255) {
        PyErr_SetString(PyExc_ValueError, "alpha_threshold: 0..255");
        return -1;
    }
    giflow_encode_options o;
    giflow_encode_options_default(&o);
    o.width = w;
    o.height = h;
    o.loop_count = loop;
    o.max_colors = colors;
    o.dither = dither;
    o.palette = pmode;
    o.lossy = lossy;
    o.effort = effort;
    o.optimize = optimize;
    o.lossless = lossless;
    o.alpha_threshold = (uint8_t)alpha;
    o.row_streaming = rows;
    o.min_delay_cs = min_delay;
    if (denoise != -1)
        o.denoise = denoise;
    if (denoise_frames != -1)
        o.denoise_frames = denoise_frames;
    if (lossy_lzw != -1)
        o.lossy_lzw = lossy_lzw;
    if (palette != Py_None) {
        Py_buffer p;
        if (PyObject_GetBuffer(palette, &p, PyBUF_SIMPLE))
            return -1;
        int ok = p.len >= 3 && p.len <= 768 && p.len % 3 == 0;
        if (ok)
            memcpy(e->palette, p.buf, (size_t)p.len);
        o.global_palette = e->palette;
        o.global_palette_size = (uint32_t)(p.len / 3);
        PyBuffer_Release(&p);
        if (!ok) {
            PyErr_SetString(PyExc_ValueError, "palette: 1 to 256 RGB triplets");
            return -1;
        }
    }
    if (comment != Py_None) {
        if (!PyBytes_Check(comment) || PyBytes_GET_SIZE(comment) == 0) {
            PyErr_SetString(PyExc_TypeError, "comment must be non-empty bytes");
            return -1;
        }
        Py_INCREF(comment);
        e->comment = comment;
        o.comment = (const uint8_t *)PyBytes_AS_STRING(comment);
        o.comment_size = (size_t)PyBytes_GET_SIZE(comment);
    }
    Py_INCREF(write);
    e->write = write;
    e->w = w;
    e->h = h;
    e->rows_mode = rows;
    e->raw_x = alpha == 0; /* nothing is transparent: RGBX rows pass as they are */
    e->enc = giflow_encoder_new(NULL);
    if (!e->enc) {
        PyErr_NoMemory();
        return -1;
    }
    int r = giflow_encoder_set_output(e->enc, collect, e);
    if (r == GIFLOW_OK)
        r = giflow_encode_begin(e->enc, &o);
    if (r < 0) {
        giflow_encoder_free(e->enc);
        e->enc = NULL;
        if (r == GIFLOW_ERR_ARG)
            PyErr_SetString(PyExc_ValueError, "encoder options out of range");
        else
            pg_raise(r, "encoder");
        return -1;
    }
    return flush_out(e);
}

static void encoder_dealloc(pg_encoder *e)
{
    giflow_encoder_free(e->enc);
    free(e->out);
    free(e->scratch);
    Py_XDECREF(e->write);
    Py_XDECREF(e->comment);
    Py_TYPE(e)->tp_free((PyObject *)e);
}

static int check_source(pg_encoder *e, PyObject *obj, uint32_t rows_from, uint32_t n)
{
    if (!PyObject_TypeCheck(obj, &pg_source_type)) {
        PyErr_SetString(PyExc_TypeError, "expected a giflow._giflow.Source");
        return -1;
    }
    pg_source *s = (pg_source *)obj;
    if (s->w != e->w || (!e->rows_mode && s->h != e->h)) {
        PyErr_Format(PyExc_ValueError, "frame is %ux%u, the GIF is %ux%u", s->w, s->h, e->w, e->h);
        return -1;
    }
    if (rows_from > s->h || n > s->h - rows_from) {
        PyErr_Format(PyExc_ValueError, "rows %u..%u are outside the %u-row source", rows_from,
                     rows_from + n, s->h);
        return -1;
    }
    return 0;
}

/* Fills f with the source's pixels: indices and palette, or RGBA, from its
 * own memory when it can be used as is, else converted into scratch. */
static int load_frame(pg_encoder *e, const pg_source *s, giflow_frame *f)
{
    const uint32_t w = s->w, h = s->h;
    if (s->kind == PG_IDX && !s->alpha_table) {
        f->palette = s->pal_rgb;
        f->palette_size = s->pal_n;
        f->has_transparency = s->trans >= 0;
        f->transparent_index = s->trans >= 0 ? s->trans : 0;
        if (pg_contiguous(s)) {
            f->indices = s->base;
            f->index_stride = s->stride;
            return 0;
        }
        uint8_t *d = scratch(e, (size_t)w * h);
        if (!d)
            return -1;
        for (uint32_t y = 0; y < h; y++)
            memcpy(d + (size_t)y * w, pg_row(s, y), w);
        f->indices = d;
        return 0;
    }
    if (s->kind == PG_RGBA && pg_contiguous(s)) {
        f->rgba = s->base;
        f->stride = s->stride;
        return 0;
    }
    uint8_t *d = scratch(e, (size_t)w * h * 4);
    if (!d)
        return -1;
    for (uint32_t y = 0; y < h; y++) {
        uint8_t *row = d + (size_t)y * w * 4;
        const uint8_t *p = pg_row_rgba(s, y, row, 0);
        if (p != row)
            memcpy(row, p, (size_t)w * 4);
    }
    f->rgba = d;
    return 0;
}

/* frame(source, time_mode, value): one whole frame. */
static PyObject *encoder_frame(pg_encoder *e, PyObject *args)
{
    PyObject *src;
    int mode;
    long long value;
    if (!PyArg_ParseTuple(args, "OiL", &src, &mode, &value))
        return NULL;
    if (e->rows_mode) {
        PyErr_SetString(PyExc_ValueError, "frame() on a row-streaming encoder");
        return NULL;
    }
    if (check_source(e, src, 0, 0) || enter(e))
        return NULL;
    if (value < 0 || (mode != GIFLOW_TIME_TIMESTAMP_MS && value > UINT32_MAX)) {
        e->busy = 0;
        PyErr_SetString(PyExc_ValueError, "frame time out of range");
        return NULL;
    }
    giflow_frame f;
    giflow_frame_init(&f);
    f.time_mode = mode;
    if (mode == GIFLOW_TIME_DELAY_CS)
        f.delay_cs = (uint32_t)value;
    else if (mode == GIFLOW_TIME_DURATION_MS)
        f.duration_ms = (uint32_t)value;
    else
        f.timestamp_ms = value;
    int r, failed;
    Py_BEGIN_ALLOW_THREADS
    failed = load_frame(e, (const pg_source *)src, &f);
    r = failed ? GIFLOW_OK : giflow_encode_frame(e->enc, &f);
    Py_END_ALLOW_THREADS
    if (failed) {
        e->busy = 0;
        return PyErr_NoMemory();
    }
    if (r == GIFLOW_ERR_ARG) {
        e->busy = 0;
        PyErr_SetString(PyExc_ValueError, "frame rejected (time mode differs from the first frame's, "
                                          "or a delay above 65535 cs)");
        return NULL;
    }
    return finish_call(e, r, "frame");
}

/* Pushes (or, sample=1, samples) rows from..from+n of the source. */
static int push_rows(pg_encoder *e, const pg_source *s, uint32_t from, uint32_t n, int sample)
{
    int (*fn)(giflow_encoder *, const uint8_t *, uint32_t, size_t) =
        sample ? giflow_encode_sample_rows : giflow_encode_rows;
    int direct = s->kind == PG_RGBA || (s->kind == PG_RGBX && e->raw_x);
    if (direct && pg_contiguous(s))
        return n ? fn(e->enc, pg_row(s, from), n, s->stride) : GIFLOW_OK;
    uint8_t *tmp = direct ? NULL : scratch(e, (size_t)s->w * 4);
    if (!direct && !tmp)
        return GIFLOW_ERR_NOMEM;
    int r = GIFLOW_OK;
    for (uint32_t y = from; y < from + n && r == GIFLOW_OK; y++)
        r = fn(e->enc, pg_row_rgba(s, y, tmp, e->raw_x), 1, 0);
    return r;
}

static PyObject *rows_call(pg_encoder *e, PyObject *args, int sample)
{
    PyObject *src;
    unsigned int from, n;
    if (!PyArg_ParseTuple(args, "OII", &src, &from, &n))
        return NULL;
    if (!e->rows_mode) {
        PyErr_SetString(PyExc_ValueError, "rows on an encoder without row_streaming");
        return NULL;
    }
    if (check_source(e, src, from, n) || enter(e))
        return NULL;
    int r;
    Py_BEGIN_ALLOW_THREADS
    r = push_rows(e, (const pg_source *)src, from, n, sample);
    Py_END_ALLOW_THREADS
    if (r == GIFLOW_ERR_NOMEM) {
        e->busy = 0;
        e->broken = 1;
        return PyErr_NoMemory();
    }
    return finish_call(e, r, sample ? "sample_rows" : "rows");
}

static PyObject *encoder_sample_rows(pg_encoder *e, PyObject *args)
{
    return rows_call(e, args, 1);
}

static PyObject *encoder_rows(pg_encoder *e, PyObject *args)
{
    return rows_call(e, args, 0);
}

static PyObject *encoder_rows_begin(pg_encoder *e, PyObject *arg)
{
    unsigned long d = PyLong_AsUnsignedLong(arg);
    if (d == (unsigned long)-1 && PyErr_Occurred())
        return NULL;
    if (d > 65535) {
        PyErr_SetString(PyExc_ValueError, "delay: 0..65535 cs");
        return NULL;
    }
    if (enter(e))
        return NULL;
    giflow_frame f;
    giflow_frame_init(&f);
    f.time_mode = GIFLOW_TIME_DELAY_CS;
    f.delay_cs = (uint32_t)d;
    int r;
    Py_BEGIN_ALLOW_THREADS
    r = giflow_encode_rows_begin(e->enc, &f);
    Py_END_ALLOW_THREADS
    return finish_call(e, r, "rows_begin");
}

static PyObject *encoder_rows_end(pg_encoder *e, PyObject *unused)
{
    (void)unused;
    if (enter(e))
        return NULL;
    int r;
    Py_BEGIN_ALLOW_THREADS
    r = giflow_encode_rows_end(e->enc);
    Py_END_ALLOW_THREADS
    return finish_call(e, r, "rows_end");
}

static PyObject *encoder_finish(pg_encoder *e, PyObject *args)
{
    long long end = -1;
    if (!PyArg_ParseTuple(args, "|L", &end))
        return NULL;
    if (enter(e))
        return NULL;
    int r;
    Py_BEGIN_ALLOW_THREADS
    r = giflow_encode_finish(e->enc, end);
    Py_END_ALLOW_THREADS
    return finish_call(e, r, "finish");
}

static PyObject *encoder_stats(pg_encoder *e, PyObject *unused)
{
    (void)unused;
    giflow_encode_stats st;
    if (!e->enc || giflow_encoder_stats(e->enc, &st) != GIFLOW_OK) {
        PyErr_SetString(PyExc_ValueError, "encoder is closed");
        return NULL;
    }
    return Py_BuildValue("{sIsIsIsIsKsKsn}", "frames_in", st.frames_in, "frames_out",
                         st.frames_out, "local_palettes", st.local_palettes, "lossless_frames",
                         st.lossless_frames, "bytes", (unsigned long long)st.bytes,
                         "duration_cs", (unsigned long long)st.duration_cs, "peak_heap",
                         (Py_ssize_t)st.peak_heap);
}

static PyObject *encoder_close(pg_encoder *e, PyObject *unused)
{
    (void)unused;
    if (e->busy) {
        PyErr_SetString(PyExc_RuntimeError, "encoder is in use by another thread");
        return NULL;
    }
    giflow_encoder_free(e->enc);
    e->enc = NULL;
    Py_RETURN_NONE;
}

static PyMethodDef encoder_methods[] = {
    {"frame", (PyCFunction)encoder_frame, METH_VARARGS,
     "frame(source, time_mode, value): adds a whole frame"},
    {"sample_rows", (PyCFunction)encoder_sample_rows, METH_VARARGS,
     "sample_rows(source, first, n): rows for the palette statistics"},
    {"rows_begin", (PyCFunction)encoder_rows_begin, METH_O, "rows_begin(delay_cs)"},
    {"rows", (PyCFunction)encoder_rows, METH_VARARGS, "rows(source, first, n): pushes rows"},
    {"rows_end", (PyCFunction)encoder_rows_end, METH_NOARGS, "rows_end()"},
    {"finish", (PyCFunction)encoder_finish, METH_VARARGS, "finish(end_timestamp_ms=-1)"},
    {"stats", (PyCFunction)encoder_stats, METH_NOARGS, "stats() -> dict"},
    {"close", (PyCFunction)encoder_close, METH_NOARGS, "close(): frees the encoder"},
    {NULL, NULL, 0, NULL},
};

PyTypeObject pg_encoder_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "giflow._giflow.Encoder",
    .tp_basicsize = sizeof(pg_encoder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Encoder(width, height, write, **options): a streaming GIF encoder.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)encoder_init,
    .tp_dealloc = (destructor)encoder_dealloc,
    .tp_methods = encoder_methods,
};
