"""giflow.save() and giflow.Encoder: frames are encoded as they come."""
import os
from collections import namedtuple
from numbers import Integral, Real

from . import _giflow as _c
from . import _pixels as px
from ._output import output_for

EncodeStats = namedtuple("EncodeStats", "frames_in frames_out local_palettes lossless_frames "
                                        "bytes duration_cs peak_heap")

_DITHER = {"none": _c.DITHER_NONE, "fs": _c.DITHER_FS, "floyd-steinberg": _c.DITHER_FS,
           "ordered": _c.DITHER_ORDERED}
_PALETTE = {"auto": _c.PALETTE_AUTO, "global": _c.PALETTE_GLOBAL, "local": _c.PALETTE_LOCAL}
_EFFORT = {"fastest": 0, "fast": 1, "default": 2, "best": 3}


def _int(name, v, lo, hi):
    if isinstance(v, bool) or not isinstance(v, Integral):
        raise TypeError("%s must be an int, not %s" % (name, type(v).__name__))
    if not lo <= v <= hi:
        raise ValueError("%s must be %d..%d, not %d" % (name, lo, hi, v))
    return int(v)


def encoder_options(loop=0, colors=None, dither="none", palette=None, lossy=None, effort=0,
                    comment=None, optimize=True, lossless=False, quality=None, lossy_lzw=None,
                    denoise=None, denoise_frames=None, fast=False):
    """The options of giflow.save, checked, as _giflow.Encoder arguments.

    As the CLI's -Q/--quality and --fast: quality (1..100) sets denoise,
    lossy_lzw, lossy and colors (giflow_encode_options_quality), fast a
    global palette and a 3-frame denoising window; options given (not None)
    win."""
    if quality is not None:
        quality = _int("quality", quality, 1, 100)
    q = _c.quality_options(quality or 0)
    if not isinstance(fast, bool):
        raise TypeError("fast must be True or False, not %s" % type(fast).__name__)
    if fast:
        q["denoise_frames"] = 3
    if palette is None:
        palette = "global" if fast else "auto"
    o = {}
    o["loop"] = -1 if loop is None else _int("loop", loop, -1, 65535)
    o["colors"] = _int("colors", q["colors"] if colors is None else colors, 2, 256)
    o["denoise"] = _int("denoise", q["denoise"] if denoise is None else denoise, 0, 100)
    o["denoise_frames"] = _int("denoise_frames", q["denoise_frames"] if denoise_frames is None
                               else denoise_frames, 3, 8)
    o["lossy_lzw"] = _int("lossy_lzw", q["lossy_lzw"] if lossy_lzw is None else lossy_lzw, 0, 64)
    if isinstance(dither, bool):
        dither = "fs" if dither else "none"
    if not isinstance(dither, str):
        raise TypeError("dither must be 'none', 'fs' or 'ordered'")
    if dither.lower() not in _DITHER:
        raise ValueError("dither must be 'none', 'fs' or 'ordered', not %r" % dither)
    o["dither"] = _DITHER[dither.lower()]
    if isinstance(palette, str) and palette.lower() in _PALETTE:
        o["palette_mode"] = _PALETTE[palette.lower()]
    elif isinstance(palette, (str, os.PathLike)):
        # As the CLI's --palette FILE.gif: that GIF's global palette.
        if not os.path.exists(palette):
            raise ValueError("palette must be 'auto', 'global', 'local', a GIF file or RGB "
                             "triplets, not %r" % (palette,))
        from ._decode import gif_palette
        o["palette"] = gif_palette(palette)
        o["palette_mode"] = _c.PALETTE_GLOBAL
    else:
        o["palette"] = px.palette_bytes(palette)
        o["palette_mode"] = _c.PALETTE_GLOBAL
    o["lossy"] = _int("lossy", q["lossy"] if lossy is None else lossy, 0, 64)
    if isinstance(effort, str):
        if effort.lower() not in _EFFORT:
            raise ValueError("effort must be 0..3 or one of %s" % ", ".join(_EFFORT))
        effort = _EFFORT[effort.lower()]
    o["effort"] = _int("effort", effort, 0, 3)
    if comment is not None:
        if isinstance(comment, str):
            comment = comment.encode("utf-8")
        if not isinstance(comment, (bytes, bytearray, memoryview)):
            raise TypeError("comment must be str or bytes")
        comment = bytes(comment)
        o["comment"] = comment or None
    o["optimize"] = bool(optimize)
    o["lossless"] = bool(lossless)
    return o


def _ms(v):
    if isinstance(v, bool) or not isinstance(v, Real):
        raise TypeError("duration must be milliseconds (int or float), not %s" % type(v).__name__)
    if not 0 <= v <= 655350:
        raise ValueError("duration must be 0..655350 ms, not %r" % v)
    return int(round(v))


def _durations(duration, frames):
    """(frame, ms or None) pairs: duration is one value, a sequence, or an
    iterable consumed alongside the frames."""
    if duration is None or isinstance(duration, Real):
        d = None if duration is None else _ms(duration)
        return ((f, d) for f in frames)
    try:
        it = iter(duration)
    except TypeError:
        raise TypeError("duration must be ms, or a list of ms per frame") from None

    def pairs():
        for f in frames:
            try:
                d = next(it)
            except StopIteration:
                raise ValueError("duration has fewer values than there are frames") from None
            yield f, _ms(d)
    return pairs()


class Encoder:
    """A streaming GIF encoder: each frame given to add() is quantized,
    compressed and written at once (the previous one, that is: a frame's
    delay and disposal depend on the next). Memory does not grow with the
    number of frames.

        with giflow.Encoder("out.gif", loop=0) as enc:
            for frame in frames:          # Pillow images or numpy arrays
                enc.add(frame, duration=40)

    fp is a path (written to a temporary file, renamed when complete) or a
    file object. Options as for giflow.save(). All frames have the size of
    the first (or width x height when given)."""

    def __init__(self, fp, *, width=None, height=None, **options):
        self._opts = encoder_options(**options)
        self._size = None if width is None else (_int("width", width, 1, 65535),
                                                 _int("height", height, 1, 65535))
        self._out = output_for(fp)
        self._enc = None
        self._closed = False
        self.stats = None

    def _start(self, size, **extra):
        try:
            self._enc = _c.Encoder(size[0], size[1], self._out.write, **self._opts, **extra)
        except BaseException:
            self.abort()
            raise

    def add(self, frame, duration=None):
        """Adds a frame (a Pillow Image, or an (H, W, 3|4) or (H, W) uint8
        array). duration: ms; None takes a Pillow frame's info["duration"],
        else 100 ms."""
        if self._closed:
            raise ValueError("encoder is closed")
        frame = px.as_frame(frame)
        if duration is None:
            duration = frame.info.get("duration", 100) if px.is_pil(frame) else 100
        ms = _ms(duration)
        try:
            if self._enc is None:
                self._start(self._size or px.frame_size(frame))
            self._enc.frame(self._source(frame), _c.TIME_DURATION_MS, ms)
        except BaseException:
            self.abort()
            raise

    def _source(self, frame):
        if px.is_pil(frame):
            return px.pil_source(frame)
        pal = self._opts.get("palette") if frame.ndim == 2 else None
        return px.numpy_source(frame, palette=pal)

    def close(self):
        """Writes the last frame and the trailer, and completes the file."""
        if self._closed:
            return self.stats
        if self._enc is None:
            self.abort()
            raise ValueError("no frames were added")
        try:
            self._enc.finish()
            self.stats = EncodeStats(**self._enc.stats())
            self._enc.close()
            self._out.commit()
        except BaseException:
            self.abort()
            raise
        self._closed = True
        return self.stats

    def abort(self):
        """Stops without completing: a path output is left untouched."""
        self._closed = True
        if self._enc is not None:
            self._enc.close()
        self._out.abort()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()


# ---- Stills, row by row -------------------------------------------------------

def _still_source_fn(im, options):
    """How to read a still: (width, height, source(first, n), extra encoder
    arguments, whether a sampling pass is needed)."""
    fixed = "palette" in options
    if px.is_pil(im):
        w, h = im.size
        im.load()
        opaque = not ("A" in im.mode or "a" in im.mode or "transparency" in im.info)
        if im.mode in ("P", "L"):
            used = im.getextrema()[1] + 1
            pal, alpha, trans = px.pil_palette(im, used) if im.mode == "P" else (px.GRAY, None, -1)
            opaque = alpha is None and trans < 0
            if not fixed and alpha is None and used <= options["colors"] and used * 3 <= len(pal):
                return _keep_indices(w, h, pal[:3 * used], trans,
                                     lambda first, n: px.pil_source(im, first, n))

        def src(first, n):
            return px.pil_source(im, first, n)
    else:
        h, w = im.shape[:2]
        pal = None
        if im.ndim == 2:
            pal = options.get("palette", px.GRAY)
            used = int(im.max()) + 1
            if used * 3 <= len(pal) and used <= options["colors"]:
                return _keep_indices(w, h, pal[:3 * used], -1,
                                     lambda first, n: px.numpy_source(im, pal, first, n))

        def src(first, n):
            return px.numpy_source(im, pal, first, n)
        opaque = im.ndim == 2 or im.shape[2] == 3
    # Nothing transparent: alpha is ignored (RGB rows are read as RGBX).
    extra = {"alpha_threshold": 0} if opaque else {}
    return w, h, src, extra, not fixed


def _keep_indices(w, h, pal, trans, src):
    """A palette image keeps its palette and indices: the palette is the
    caller's global palette, so the encoder maps each pixel to its own
    entry (exact colours, no quantizer). A transparent index takes the
    encoder's transparent slot: with 256 entries that is entry 255, so the
    transparent entry and entry 255 trade places."""
    n = len(pal) // 3
    if trans >= n:
        trans = -1
    extra = {"palette": pal, "palette_mode": _c.PALETTE_GLOBAL, "dither": _c.DITHER_NONE}
    if trans < 0:
        extra["alpha_threshold"] = 0
    elif n == 256 and trans != 255:
        p = bytearray(pal)
        p[3 * trans:3 * trans + 3], p[765:768] = p[765:768], p[3 * trans:3 * trans + 3]
        extra["palette"] = bytes(p)
    return w, h, src, extra, False


def _save_still(im, out, duration, options):
    w, h, src, extra, sample = _still_source_fn(im, options)
    opts = dict(options)
    opts.update(extra)
    enc = _c.Encoder(w, h, out.write, row_streaming=True, **opts)
    try:
        if sample:
            for y in range(0, h, px.STRIP):
                n = min(px.STRIP, h - y)
                enc.sample_rows(src(y, n), 0, n)
        enc.rows_begin((_ms(duration) + 5) // 10 if duration is not None else 0)
        for y in range(0, h, px.STRIP):
            n = min(px.STRIP, h - y)
            enc.rows(src(y, n), 0, n)
        enc.rows_end()
        enc.finish()
        return EncodeStats(**enc.stats())
    finally:
        enc.close()


# ---- save ---------------------------------------------------------------------

def _pil_frames(im):
    """Every frame of a multi-frame Pillow image; it is left on frame 0."""
    try:
        for i in range(im.n_frames):
            im.seek(i)
            yield im
    finally:
        im.seek(0)


def _is_still(frames):
    if px.is_pil(frames):
        return getattr(frames, "n_frames", 1) <= 1
    if px.is_numpy(frames):
        if frames.ndim not in (2, 3, 4):
            raise ValueError("numpy frames must have shape (H, W), (H, W, 3|4) or, for N "
                             "frames, (N, H, W, 3|4); got %s" % (frames.shape,))
        return frames.ndim < 4
    return False


def save(frames, fp, *, duration=None, loop=0, colors=None, dither="none", palette=None,
         lossy=None, effort=0, comment=None, optimize=True, lossless=False, quality=None,
         lossy_lzw=None, denoise=None, denoise_frames=None, fast=False):
    """Saves frames as a GIF and returns its EncodeStats.

    frames: a Pillow Image (all its frames, if it has several), a numpy
    array ((H, W, 3|4) or (H, W) uint8; (N, H, W[, C]) for N frames), or
    any iterable or generator of those. Frames are encoded as they come.
    A still image is streamed row by row from its own memory: the encoder
    holds a few rows, whatever the size. A "P" image keeps its palette and
    indices (unless colors is below its palette's size).
    fp: a path (written to a temporary file, renamed when complete, so a
    failure leaves an existing file alone), or a file object.
    duration: ms per frame (int, or a list/iterable with one per frame);
    None: a Pillow frame's info["duration"], else 100 ms.
    loop: 0 loops forever, N repeats N times, None plays once.
    colors: 2..256. dither: "none", "fs" (Floyd-Steinberg) or "ordered".
    palette: "auto" (global while it fits, local where needed), "global",
    "local", or a fixed palette (RGB triplets, a list of (r, g, b), a "P"
    image, or the path of a GIF whose palette to use; default "auto", or
    "global" with fast). lossy: 0..64, a changed pixel keeps the colour on
    screen when within this many levels (smaller files, bounded error).
    effort: 0..3 (palette quality against time). comment: str or bytes.
    optimize: crop each frame to what changed. lossless: fail (GiflowError,
    ERR_TOO_MANY_COLORS) rather than quantize.
    lossy_lzw: 0..64 (default 0), LZW strings go on through colours up to
    this many levels worse. denoise: 0..100 (default 23; 0 off), temporal
    denoising of camera noise; denoise_frames: 3..8 (default 4), frames it
    looks at. quality: 1..100, one knob that sets denoise, lossy_lzw, lossy
    and colors (95 = the defaults, 100 exact; giflow(1) has the table);
    options given as well win. fast: a global palette and a 3-frame
    denoising window (up to 2x faster). As the CLI's --lossy-lzw,
    --denoise, --denoise-frames, -Q/--quality and --fast. A still image
    is row-streamed: denoise, lossy and lossy_lzw apply to animations.
    """
    kw = dict(loop=loop, colors=colors, dither=dither, palette=palette, lossy=lossy,
              effort=effort, comment=comment, optimize=optimize, lossless=lossless,
              quality=quality, lossy_lzw=lossy_lzw, denoise=denoise,
              denoise_frames=denoise_frames, fast=fast)
    options = encoder_options(**kw)
    if _is_still(frames):
        if duration is not None and not isinstance(duration, Real):
            duration = list(duration)
            if len(duration) != 1:
                raise ValueError("duration: one value for a still image")
            duration = duration[0]
        if duration is not None:
            _ms(duration)
        out = output_for(fp)
        try:
            stats = _save_still(frames, out, duration, options)
            out.commit()
            return stats
        except BaseException:
            out.abort()
            raise
    if px.is_pil(frames):
        it = _pil_frames(frames)
    elif isinstance(frames, (str, bytes, bytearray)):
        raise TypeError("frames must be images, arrays or an iterable of them, not %s"
                        % type(frames).__name__)
    else:
        try:
            it = iter(frames)
        except TypeError:
            raise TypeError("frames must be a Pillow Image, a numpy array or an iterable of them, "
                            "not %s" % type(frames).__name__) from None
    enc = Encoder(fp, **kw)
    with enc:
        empty = True
        for frame, ms in _durations(duration, it):
            enc.add(frame, ms)
            empty = False
        if empty:
            raise ValueError("no frames to save")
    return enc.stats


__all__ = ["save", "Encoder", "EncodeStats"]
