"""giflow.open() and giflow.Decoder: frames composed as browsers show them."""
import builtins
import os
from collections import namedtuple

from . import _giflow as _c
from ._giflow import GiflowError

CHUNK = 1 << 16

FrameInfo = namedtuple("FrameInfo", "index x y width height delay_cs delay_ms disposal "
                                    "transparent_index interlaced has_local_palette "
                                    "palette_size offset min_code_size palette")
FrameInfo.__doc__ = """A frame as stored: its rectangle on the canvas, its stored delay
(delay_cs) and the delay browsers play (delay_ms: a delay under 2 cs plays
as 100 ms), disposal (0..7), transparent index (-1: none), interlacing,
whether it has a local palette, the size of the palette it uses, the
stream offset of its image descriptor, its LZW minimum code size, and the
palette it uses (RGB bytes, or None)."""

ImageInfo = namedtuple("ImageInfo", "canvas_width canvas_height screen_width screen_height "
                                    "version global_palette background_index pixel_aspect "
                                    "width height")
ImageInfo.__doc__ = """The stream's header: canvas size (after growth to fit the first
frame), logical screen as stored, version (87 or 89), global palette (RGB
bytes or None), background index and pixel aspect as stored, and the size
of the frames given out (the canvas, or the crop/resize viewport)."""


class Frame:
    """A composed frame: .info (FrameInfo), .width and .height (the output
    size) and .rgba (a bytearray, width*height*4 bytes, non-premultiplied).
    to_numpy() and to_pil() view it as an (H, W, 4) array or an RGBA Image;
    np.asarray(frame) works too."""

    __slots__ = ("info", "width", "height", "rgba")

    def __init__(self, info, width, height, rgba):
        self.info, self.width, self.height, self.rgba = info, width, height, rgba

    @property
    def index(self):
        return self.info.index

    @property
    def delay_ms(self):
        return self.info.delay_ms

    @property
    def disposal(self):
        return self.info.disposal

    def to_numpy(self):
        import numpy as np
        return np.frombuffer(self.rgba, np.uint8).reshape(self.height, self.width, 4)

    def __array__(self, dtype=None, copy=None):
        a = self.to_numpy()
        return a if dtype is None else a.astype(dtype)

    def to_pil(self):
        from PIL import Image
        im = Image.frombuffer("RGBA", (self.width, self.height), bytes(self.rgba), "raw", "RGBA", 0, 1)
        im.info["duration"] = self.info.delay_ms
        im.info["disposal"] = self.info.disposal
        return im

    def __repr__(self):
        return "<giflow.Frame %d %dx%d %d ms>" % (self.info.index, self.width, self.height,
                                                 self.info.delay_ms)


def _limits(limits):
    if limits is None:
        return None
    keys = ("max_canvas_pixels", "max_frames", "max_total_pixels", "max_memory")
    if not isinstance(limits, dict) or set(limits) - set(keys):
        raise TypeError("limits must be a dict with keys among %s" % ", ".join(keys))
    vals = []
    for k in keys:
        v = limits.get(k, 0)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError("%s must be an int >= 0 (0: the default)" % k)
        vals.append(v)
    return tuple(vals)


def _box(name, v, n):
    if v is None:
        return None
    if not isinstance(v, (tuple, list)) or len(v) != n:
        raise TypeError("%s must be a tuple of %d ints" % (name, n))
    out = []
    for x in v:
        x = 0 if x is None else x
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= 0xFFFFFFFF:
            raise ValueError("%s values must be ints >= 0" % name)
        out.append(x)
    return tuple(out)


def _decoder_args(crop, resize, small_memory, merge_zero_delay, limits):
    crop, resize = _box("crop", crop, 4), _box("resize", resize, 2)
    if resize == (0, 0):
        resize = None
    flags = (_c.FLAG_SMALL_MEMORY if small_memory else 0) | \
        (_c.FLAG_MERGE_ZERO_DELAY if merge_zero_delay else 0)
    return dict(crop=crop, resize=resize, flags=flags, limits=_limits(limits))


def _raise_for(dec, args):
    """Raises for a failed raw decoder: ValueError for a crop or resize
    that does not fit the image, GiflowError for the stream's errors."""
    st = dec.status
    if st == _c.ERR_ARG and dec.image is not None:
        im = dec.image
        raise ValueError("crop %s / resize %s do not fit the %dx%d canvas (the crop must lie "
                         "inside it; resize cannot enlarge)" % (args["crop"], args["resize"],
                                                                im[0], im[1]))
    _c_raise(st)


def gif_palette(src):
    """The global palette of a GIF (or its first frame's), as RGB bytes."""
    r = _Reader(src)
    dec = _c.Decoder(pixels=False)
    first = next(_run(r, dec), None)
    if dec.status < 0 and first is None:
        _c_raise(dec.status)
    pal = dec.image[5] if dec.image is not None else None
    if pal is None and first is not None:
        pal = first[0][14]
    if not pal:
        raise ValueError("%s: no palette found" % (src,))
    return pal


def _c_raise(status):
    err = GiflowError("%s (giflow status %d)" % (_c.strerror(status), status))
    err.status, err.message = status, _c.strerror(status)
    raise err


class Decoder:
    """A push decoder for bytes arriving in chunks of any size.

        dec = giflow.Decoder(resize=(320, 0))
        for chunk in download():
            for frame in dec.feed(chunk):
                show(frame.to_numpy(), frame.delay_ms)
        dec.close()            # end of input: raises if it was truncated

    feed() returns the frames completed by the chunk (as Frame objects,
    composed as browsers show them). .info is the ImageInfo once the header
    has arrived, .loop_count the loop count so far (-1: none, 0: forever).
    After an error, feed() returns the frames completed before it and the
    next call raises GiflowError: no complete frame is lost.
    crop=(x, y, w, h) (0 sizes reach the edge) and resize=(w, h) (one of them
    0 to keep the aspect ratio; no enlarging) decode straight into a small
    viewport, in memory that follows the output, not the canvas."""

    def __init__(self, *, crop=None, resize=None, small_memory=False, merge_zero_delay=False,
                 limits=None, pixels=True):
        self._args = _decoder_args(crop, resize, small_memory, merge_zero_delay, limits)
        self._dec = _c.Decoder(pixels=pixels, **self._args)
        self._closed = False

    def _frames(self, items):
        im = self._dec.image
        w, h = (im[8], im[9]) if im else (0, 0)
        return [FrameInfo._make(i) if p is None else Frame(FrameInfo._make(i), w, h, p)
                for i, p in items]

    def _check(self):
        if self._dec.status < 0:
            _raise_for(self._dec, self._args)

    def feed(self, data, *, eof=False):
        if self._closed:
            raise ValueError("decoder is closed")
        self._check()
        items = self._dec.feed(data, eof=eof)
        if not items:
            self._check()
        return self._frames(items)

    def close(self):
        """Marks the end of input; returns the last frames. Raises
        GiflowError if the stream was broken or ended inside a block."""
        if self._closed:
            return []
        frames = self.feed(b"", eof=True)
        self._closed = True
        self._check()
        return frames

    @property
    def info(self):
        im = self._dec.image
        return None if im is None else ImageInfo._make(im)

    @property
    def loop_count(self):
        return self._dec.loop_count

    @property
    def done(self):
        """True once the stream has ended cleanly (trailer or end of input)."""
        return self._dec.done

    @property
    def heap(self):
        """(now, peak) bytes the C decoder has allocated."""
        return self._dec.heap


class _Reader:
    """Chunks of a path, a bytes-like object or a file object; restartable
    when the source can be read again."""

    def __init__(self, src):
        self.path = self.data = self.fp = None
        if isinstance(src, (str, bytes, os.PathLike)) and not isinstance(src, bytes):
            self.path = os.fspath(src)
            with builtins.open(self.path, "rb"):
                pass  # fail now, with the usual OSError, if unreadable
        elif isinstance(src, (bytes, bytearray, memoryview)):
            self.data = memoryview(src).cast("B")
        elif callable(getattr(src, "read", None)):
            self.fp = src
            self.start = src.tell() if self._seekable(src) else None
            self.used = False
            self.pending = []
        else:
            raise TypeError("src must be a path, bytes or a binary file object, not %s"
                            % type(src).__name__)

    @staticmethod
    def _seekable(fp):
        try:
            return fp.seekable()
        except (AttributeError, ValueError, OSError):
            return False

    def chunks(self):
        if self.data is not None:
            for i in range(0, len(self.data), CHUNK):
                yield self.data[i:i + CHUNK]
            return
        if self.path is not None:
            with builtins.open(self.path, "rb") as f:
                yield from iter(lambda: f.read(CHUNK), b"")
            return
        if self.start is not None:
            self.fp.seek(self.start)
        elif self.used:
            raise ValueError("this file object cannot be read twice (not seekable); "
                             "pass bytes or a path to iterate again")
        else:
            self.used = True
            yield from self.pending  # what the header scan read
        while True:
            b = self.fp.read(CHUNK)
            if not b:
                return
            if not isinstance(b, (bytes, bytearray)):
                raise TypeError("the file object must be opened in binary mode")
            yield b

    def head(self):
        """Chunks for the header scan: a one-pass file object keeps them,
        and its first full read starts with them again."""
        if self.fp is None or self.start is not None:
            yield from self.chunks()
            return
        if self.used:
            raise ValueError("this file object has already been read")
        yield from self.pending
        while True:
            b = self.fp.read(CHUNK)
            if not b:
                return
            if not isinstance(b, (bytes, bytearray)):
                raise TypeError("the file object must be opened in binary mode")
            self.pending.append(b)
            yield b

    def buffer_all(self):
        """Makes a one-pass file object re-readable by holding its bytes."""
        if self.fp is not None and self.start is None:
            self.data = memoryview(b"".join(self.chunks()))
            self.fp = None


def _run(reader, dec, header_only=False):
    """Yields (info tuple, pixels) items from a raw decoder over the chunks,
    one completed frame at a time (a chunk that completes many frames is
    fed again from where the decoder stopped), until the end or an error.
    header_only: stops once the image info is in."""
    limit = -1 if header_only else 1
    for chunk in (reader.head() if header_only else reader.chunks()):
        pos = 0
        while pos < len(chunk) or not chunk:
            items = dec.feed(chunk[pos:] if pos else chunk, limit=limit)
            pos += dec.consumed
            yield from items
            if dec.status < 0 or dec.stage == "end" or (header_only and dec.image is not None):
                return
            if not items:
                break  # the chunk is used up
    while dec.stage != "end" and dec.status >= 0 and not (header_only and dec.image is not None):
        items = dec.feed(b"", eof=True, limit=limit)
        yield from items
        if not items:
            break


class GifFile:
    """What giflow.open() returns. See giflow.open."""

    def __init__(self, src, *, crop=None, resize=None, small_memory=False,
                 merge_zero_delay=False, limits=None, strict=True):
        self._reader = _Reader(src)
        self._args = _decoder_args(crop, resize, small_memory, merge_zero_delay, limits)
        self.strict = strict
        self.error = None
        self._frames = self._loop = None
        self._info = self._scan_header()

    def _scan_header(self):
        """Reads up to the first image's rectangle (the canvas size is final
        there) and resolves the viewport."""
        dec = _c.Decoder(pixels=True, **self._args)
        for item in _run(self._reader, dec, header_only=True):
            pass
        if dec.status < 0:
            _raise_for(dec, self._args)
        return ImageInfo._make(dec.image)

    # -- info -----------------------------------------------------------------

    @property
    def info(self):
        return self._info

    @property
    def width(self):
        """Width of the frames given out (the canvas, or the viewport)."""
        return self._info.width

    @property
    def height(self):
        return self._info.height

    @property
    def size(self):
        return (self._info.width, self._info.height)

    @property
    def canvas_size(self):
        return (self._info.canvas_width, self._info.canvas_height)

    def _scan(self):
        if self._frames is not None:
            return
        self._reader.buffer_all()
        dec = _c.Decoder(pixels=False, flags=self._args["flags"], limits=self._args["limits"])
        frames = [FrameInfo._make(i) for i, _ in _run(self._reader, dec)]
        if dec.status < 0 and self.strict:
            _c_raise(dec.status)
        self._frames, self._loop = frames, dec.loop_count

    @property
    def frames(self):
        """FrameInfo of every frame (parses the stream once, skipping pixel
        data; a one-pass file object is read into memory for it)."""
        self._scan()
        return self._frames

    @property
    def loop_count(self):
        """-1: plays once (no loop extension), 0: forever, N: N repeats."""
        self._scan()
        return self._loop

    @property
    def is_animated(self):
        return self.n_frames > 1

    @property
    def n_frames(self):
        """The number of frames (scans the stream once, as .frames)."""
        return len(self.frames)

    # -- frames ---------------------------------------------------------------

    def __iter__(self):
        """Composed frames (Frame objects), one at a time: only the current
        canvas is held. A broken frame ends the iteration with GiflowError
        (strict=True) or quietly, setting .error (strict=False)."""
        dec = _c.Decoder(pixels=True, **self._args)
        w, h = self.size
        for info, pixels in _run(self._reader, dec):
            yield Frame(FrameInfo._make(info), w, h, pixels)
        if dec.status < 0:
            self.error = GiflowError("%s (giflow status %d)" % (_c.strerror(dec.status), dec.status))
            self.error.status, self.error.message = dec.status, _c.strerror(dec.status)
            if self.strict:
                raise self.error

    def arrays(self):
        """The frames as (H, W, 4) uint8 numpy arrays."""
        return (f.to_numpy() for f in self)

    def images(self):
        """The frames as RGBA Pillow Images (info["duration"] in ms)."""
        return (f.to_pil() for f in self)

    def close(self):
        self._reader = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<giflow.GifFile %dx%d canvas %dx%d>" % (self.width, self.height,
                                                         *self.canvas_size)


def open(src, *, crop=None, resize=None, small_memory=False, merge_zero_delay=False,
         limits=None, strict=True):
    """Opens a GIF: src is a path, bytes-like, or a binary file object.

    The result gives the header at once (.info, .size, .canvas_size),
    the frames' FrameInfo (.frames) and the loop count (.loop_count) after
    one pass that skips pixel data, and iterates the composed frames
    (Frame objects; .arrays() gives numpy arrays, .images() Pillow Images).

    crop=(x, y, w, h) decodes only that part of the canvas (0 sizes reach
    the edge); resize=(w, h) scales it down with an exact area average
    (one of them 0 keeps the aspect ratio). Both use viewport decoding: no
    canvas-sized buffer exists, so huge GIFs preview in little memory.
    small_memory: decode without the LZW working buffer (same pixels).
    merge_zero_delay: the gdk-pixbuf model (zero-delay images are drawn
    into the next frame). limits: a dict of max_canvas_pixels, max_frames,
    max_total_pixels, max_memory for untrusted input.
    strict: a broken frame raises GiflowError after the good frames; with
    strict=False the iteration just stops there and .error says why."""
    return GifFile(src, crop=crop, resize=resize, small_memory=small_memory,
                   merge_zero_delay=merge_zero_delay, limits=limits, strict=strict)

