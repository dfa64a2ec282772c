/* giflow._giflow.Decoder: a push decoder. feed() runs giflow's stages over
 * each chunk with the GIL released and returns the frames completed in it,
 * each a copy of the composed canvas (or of the viewport). */
#include <stdlib.h>
#include <string.h>

#include "pygiflow.h"

enum { ST_IMAGE, ST_FRAME_INFO, ST_PIXELS, ST_END, ST_ERROR };

typedef struct {
    PyObject_HEAD
    giflow_decoder *dec;
    int stage, status, busy;
    size_t consumed;            /* bytes the last feed() used */
    int pixels;                 /* 0: frame info only, pixel data skipped */
    int want_vp;                /* crop or resize asked */
    giflow_viewport vp;         /* as asked (0: to the edge / keep aspect) */
    giflow_image_info image;
    giflow_frame_info frame;
    uint32_t out_w, out_h;      /* canvas or viewport size */
    uint8_t *canvas;
    PyObject *global_palette;   /* bytes, or None */
} pg_decoder;

static int set_limits(giflow_decoder *dec, PyObject *limits)
{
    unsigned long long canvas, frames, total, memory;
    if (!PyArg_ParseTuple(limits, "KKKK;limits: (canvas_pixels, frames, total_pixels, memory)",
                          &canvas, &frames, &total, &memory))
        return -1;
    giflow_limits l;
    giflow_limits_default(&l);
    if (canvas)
        l.max_canvas_pixels = canvas;
    if (frames)
        l.max_frames = frames > UINT32_MAX ? UINT32_MAX : (uint32_t)frames;
    if (total)
        l.max_total_pixels = total;
    if (memory)
        l.max_memory = memory;
    if (giflow_decoder_set_limits(dec, &l) != GIFLOW_OK) {
        PyErr_SetString(PyExc_ValueError, "limits rejected");
        return -1;
    }
    return 0;
}

/* Decoder(pixels=True, flags=0, crop=None, resize=None, limits=None)
 * crop: (x, y, w, h), 0 sizes reaching the canvas edge; resize: (w, h),
 * one of them 0 to keep the aspect ratio. */
static int decoder_init(pg_decoder *d, PyObject *args, PyObject *kw)
{
    static char *names[] = {"pixels", "flags", "crop", "resize", "limits", NULL};
    int pixels = 1;
    unsigned int flags = 0;
    PyObject *crop = Py_None, *resize = Py_None, *limits = Py_None;
    if (d->dec) {
        PyErr_SetString(PyExc_TypeError, "Decoder is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|pIOOO", names, &pixels, &flags, &crop, &resize,
                                     &limits))
        return -1;
    memset(&d->vp, 0, sizeof d->vp);
    if (crop != Py_None &&
        !PyArg_ParseTuple(crop, "IIII;crop: (x, y, width, height)", &d->vp.crop_x, &d->vp.crop_y,
                          &d->vp.crop_width, &d->vp.crop_height))
        return -1;
    if (resize != Py_None &&
        !PyArg_ParseTuple(resize, "II;resize: (width, height)", &d->vp.out_width, &d->vp.out_height))
        return -1;
    d->want_vp = crop != Py_None || resize != Py_None;
    d->pixels = pixels;
    d->dec = giflow_decoder_new(NULL);
    if (!d->dec) {
        PyErr_NoMemory();
        return -1;
    }
    if (giflow_decoder_set_flags(d->dec, flags) != GIFLOW_OK) {
        PyErr_SetString(PyExc_ValueError, "unknown decoder flags");
        return -1;
    }
    if (limits != Py_None && set_limits(d->dec, limits))
        return -1;
    Py_INCREF(Py_None);
    d->global_palette = Py_None;
    d->stage = ST_IMAGE;
    return 0;
}

static void decoder_dealloc(pg_decoder *d)
{
    giflow_decoder_free(d->dec);
    free(d->canvas);
    Py_XDECREF(d->global_palette);
    Py_TYPE(d)->tp_free((PyObject *)d);
}

/* The side not given follows the aspect ratio (rounded half up, >= 1). */
static uint32_t aspect(uint32_t given, uint32_t along, uint32_t across)
{
    uint64_t v = ((uint64_t)2 * across * given + along) / (2 * (uint64_t)along);
    return v ? (uint32_t)v : 1;
}

/* After the image info: resolves and sets the viewport, then allocates
 * the output canvas. */
static int setup_output(pg_decoder *d)
{
    d->out_w = d->image.canvas_width;
    d->out_h = d->image.canvas_height;
    if (!d->pixels)
        return GIFLOW_OK;
    if (d->want_vp) {
        giflow_viewport vp = d->vp;
        if (vp.crop_x >= d->out_w || vp.crop_y >= d->out_h)
            return GIFLOW_ERR_ARG;
        uint32_t cw = vp.crop_width ? vp.crop_width : d->out_w - vp.crop_x;
        uint32_t ch = vp.crop_height ? vp.crop_height : d->out_h - vp.crop_y;
        if (vp.out_width && !vp.out_height)
            vp.out_height = aspect(vp.out_width, cw, ch);
        else if (!vp.out_width && vp.out_height)
            vp.out_width = aspect(vp.out_height, ch, cw);
        int r = giflow_decoder_set_viewport(d->dec, &vp);
        if (r != GIFLOW_OK)
            return r;
        d->vp = vp;
        d->out_w = vp.out_width;
        d->out_h = vp.out_height;
    }
    d->canvas = malloc((size_t)d->out_w * d->out_h * 4);
    return d->canvas ? GIFLOW_OK : GIFLOW_ERR_NOMEM;
}

static PyObject *frame_tuple(const giflow_frame_info *f)
{
    /* y# with NULL gives None: a frame with no palette at all. */
    return Py_BuildValue("(IIIIIIIiiiiIKIy#)", f->index, f->x, f->y, f->width, f->height,
                         f->delay_cs, f->played_delay_ms, f->disposal, f->transparent_index,
                         f->interlaced, f->has_local_palette, f->palette_size,
                         (unsigned long long)f->offset, f->min_code_size,
                         (const char *)f->palette, (Py_ssize_t)(f->palette ? 3 * f->palette_size : 0));
}

/* Appends (frame info, pixels or None) to out. Needs the GIL. */
static int emit(pg_decoder *d, PyObject *out, int with_pixels)
{
    PyObject *info = frame_tuple(&d->frame), *px = Py_None, *item = NULL;
    if (with_pixels && info)
        px = PyByteArray_FromStringAndSize((const char *)d->canvas,
                                           (Py_ssize_t)d->out_w * d->out_h * 4);
    else
        Py_INCREF(px);
    if (info && px)
        item = PyTuple_Pack(2, info, px);
    int r = item ? PyList_Append(out, item) : -1;
    Py_XDECREF(info);
    Py_XDECREF(px);
    Py_XDECREF(item);
    return r;
}

/* One stage step. Returns the giflow status; *emit_kind is set to 1 (a
 * frame with pixels) or 2 (frame info only) when a frame is out. */
static int step(pg_decoder *d, giflow_input *in, int *emit_kind)
{
    int r;
    *emit_kind = 0;
    switch (d->stage) {
    case ST_IMAGE:
        r = giflow_decode_image_info(d->dec, in, &d->image);
        if (r == GIFLOW_OK && (r = setup_output(d)) == GIFLOW_OK)
            d->stage = ST_FRAME_INFO;
        return r;
    case ST_FRAME_INFO:
        r = giflow_decode_frame_info(d->dec, in, &d->frame);
        if (r == GIFLOW_OK) {
            d->stage = d->pixels ? ST_PIXELS : ST_FRAME_INFO;
            *emit_kind = d->pixels ? 0 : 2;
        } else if (r == GIFLOW_END) {
            d->stage = ST_END;
        }
        return r;
    case ST_PIXELS:
        r = giflow_decode_frame_rgba(d->dec, in, d->canvas, (size_t)d->out_w * 4);
        if (r == GIFLOW_FRAME_END) {
            /* With MERGE_ZERO_DELAY the frame shown is the group's last. */
            const giflow_frame_info *cur = giflow_decoder_current_frame(d->dec);
            if (cur)
                d->frame = *cur;
            d->stage = ST_FRAME_INFO;
            *emit_kind = 1;
        }
        return r;
    default:
        return GIFLOW_END;
    }
}

/* feed(data, eof=False, limit=0) -> [(frame info tuple, bytearray or None)]
 * limit > 0 stops after that many frames, limit < 0 after the image info;
 * .consumed then tells how much of data was used (feed the rest again). */
static PyObject *decoder_feed(pg_decoder *d, PyObject *args, PyObject *kw)
{
    static char *names[] = {"data", "eof", "limit", NULL};
    Py_buffer buf;
    int eof = 0, limit = 0, emitted = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|pi", names, &buf, &eof, &limit))
        return NULL;
    if (d->busy) {
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_RuntimeError, "decoder is in use by another thread");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (!out) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    giflow_input in = {buf.buf, (size_t)buf.len, 0, eof};
    int r = GIFLOW_OK, failed = 0;
    d->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    while (d->stage < ST_END) {
        int kind;
        r = step(d, &in, &kind);
        if (kind) {
            Py_BLOCK_THREADS
            failed = emit(d, out, kind == 1);
            Py_UNBLOCK_THREADS
            if (failed || (limit > 0 && ++emitted >= limit))
                break;
        }
        if (limit < 0 && d->stage != ST_IMAGE)
            break;
        if (r == GIFLOW_NEED_INPUT && eof)
            r = GIFLOW_ERR_TRUNCATED; /* cannot happen with eof set; never spin */
        if (r == GIFLOW_NEED_INPUT || r < 0)
            break;
    }
    Py_END_ALLOW_THREADS
    d->busy = 0;
    d->consumed = in.pos;
    PyBuffer_Release(&buf);
    if (failed) {
        Py_DECREF(out);
        return NULL;
    }
    if (r < 0) {
        d->status = r;
        d->stage = ST_ERROR;
    }
    return out;
}

static PyObject *image_tuple(pg_decoder *d)
{
    const giflow_image_info *im = &d->image;
    if (d->global_palette == Py_None && im->global_palette) {
        PyObject *p = PyBytes_FromStringAndSize((const char *)im->global_palette,
                                                (Py_ssize_t)im->global_palette_size * 3);
        if (!p)
            return NULL;
        Py_SETREF(d->global_palette, p);
    }
    return Py_BuildValue("(IIIIiOiiII)", im->canvas_width, im->canvas_height, im->screen_width,
                         im->screen_height, im->version, d->global_palette, im->background_index,
                         im->pixel_aspect, d->out_w, d->out_h);
}

static PyObject *decoder_get_image(pg_decoder *d, void *unused)
{
    (void)unused;
    if (d->stage == ST_IMAGE || (d->stage == ST_ERROR && !d->out_w))
        Py_RETURN_NONE;
    return image_tuple(d);
}

static PyObject *decoder_get_int(pg_decoder *d, void *which)
{
    switch ((int)(intptr_t)which) {
    case 0:
        return PyLong_FromLong(d->status);
    case 1:
        return PyLong_FromLong(d->dec ? giflow_decoder_loop_count(d->dec) : -1);
    case 2:
        return PyBool_FromLong(d->stage == ST_END);
    case 4:
        return PyLong_FromSize_t(d->consumed);
    default: {
        size_t peak = 0, now = d->dec ? giflow_decoder_heap(d->dec, &peak) : 0;
        return Py_BuildValue("nn", (Py_ssize_t)now, (Py_ssize_t)peak);
    }
    }
}

static PyObject *decoder_get_stage_name(pg_decoder *d, void *unused)
{
    (void)unused;
    static const char *const n[] = {"image", "frame_info", "pixels", "end", "error"};
    return PyUnicode_FromString(n[d->stage]);
}

static PyGetSetDef decoder_getset[] = {
    {"image", (getter)decoder_get_image, NULL,
     "(canvas_w, canvas_h, screen_w, screen_h, version, palette, background, aspect, out_w, "
     "out_h), or None before the header",
     NULL},
    {"status", (getter)decoder_get_int, NULL, "the error status, or 0", (void *)0},
    {"loop_count", (getter)decoder_get_int, NULL, "giflow_decoder_loop_count()", (void *)1},
    {"done", (getter)decoder_get_int, NULL, "the stream has ended cleanly", (void *)2},
    {"consumed", (getter)decoder_get_int, NULL, "bytes the last feed() used", (void *)4},
    {"heap", (getter)decoder_get_int, NULL, "(now, peak) decoder heap bytes", (void *)3},
    {"stage", (getter)decoder_get_stage_name, NULL, "the stage name", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef decoder_methods[] = {
    {"feed", (PyCFunction)(void (*)(void))decoder_feed, METH_VARARGS | METH_KEYWORDS,
     "feed(data, eof=False) -> list of (frame info, pixels) completed"},
    {NULL, NULL, 0, NULL},
};

PyTypeObject pg_decoder_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "giflow._giflow.Decoder",
    .tp_basicsize = sizeof(pg_decoder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Decoder(pixels=True, flags=0, crop=None, resize=None, limits=None): push decoder.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)decoder_init,
    .tp_dealloc = (destructor)decoder_dealloc,
    .tp_getset = decoder_getset,
    .tp_methods = decoder_methods,
};
