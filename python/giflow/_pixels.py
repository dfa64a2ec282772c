"""Turning Pillow images and numpy arrays into encoder Sources, reading
their own memory where it can (a Pillow image's rows, a numpy array's
buffer) and converting only what must be, strip by strip."""
import sys

from . import _giflow as _c

GRAY = bytes(i for i in range(256) for _ in range(3))
STRIP = 64  # rows per call on stills: a strip copy (when one is needed) stays small

# Pillow modes read straight from the image's memory, and their kinds.
_DIRECT = {"RGBA": "rgba", "RGB": "rgbx", "RGBX": "rgbx", "P": "idx", "L": "idx"}


def is_pil(obj):
    pil = sys.modules.get("PIL.Image")
    return pil is not None and isinstance(obj, pil.Image)


def is_numpy(obj):
    np = sys.modules.get("numpy")
    return np is not None and isinstance(obj, np.ndarray)


def palette_bytes(pal):
    """A palette given by the caller: bytes of RGB triplets, a flat list of
    ints, a list of (r, g, b), a numpy (N, 3) array, a Pillow ImagePalette
    or a "P" image (its palette)."""
    if is_pil(pal):
        if pal.mode != "P":
            raise ValueError("palette image must be mode 'P', not %r" % pal.mode)
        pal = bytes(pal.getpalette() or b"")
    elif hasattr(pal, "palette") and hasattr(pal, "mode") and isinstance(getattr(pal, "mode"), str):
        if pal.mode != "RGB":
            raise ValueError("ImagePalette must be RGB, not %r" % pal.mode)
        pal = bytes(pal.palette)
    elif is_numpy(pal):
        if pal.ndim != 2 or pal.shape[1] != 3:
            raise ValueError("palette array must have shape (N, 3)")
        pal = pal.astype("uint8", casting="unsafe").tobytes()
    elif isinstance(pal, (bytes, bytearray, memoryview)):
        pal = bytes(pal)
    elif isinstance(pal, (list, tuple)):
        flat = []
        for e in pal:
            flat.extend(e if isinstance(e, (list, tuple)) else (e,))
        if not all(isinstance(v, int) and 0 <= v <= 255 for v in flat):
            raise ValueError("palette entries must be ints 0..255")
        pal = bytes(flat)
    else:
        raise TypeError("palette: 'auto', 'global', 'local', or RGB triplets, not %s"
                        % type(pal).__name__)
    if not 3 <= len(pal) <= 768 or len(pal) % 3:
        raise ValueError("palette must hold 1 to 256 RGB triplets (%d bytes given)" % len(pal))
    return pal


# ---- Pillow -----------------------------------------------------------------

def _rows_address(im, mode):
    """The address of the image's row pointers, when Pillow exposes them
    (ImagingCore.unsafe_ptrs) and the layout is the one expected."""
    core = im.im
    ptrs = getattr(core, "unsafe_ptrs", None)
    if not ptrs or core.mode != mode or tuple(core.size) != tuple(im.size):
        return 0
    ptrs = dict(ptrs)
    want = "image8" if mode in ("P", "L") else "image32"
    return ptrs.get("image") if ptrs.get(want) and ptrs.get("image") == ptrs.get(want) else 0


def pil_palette(im, used=256):
    """(palette bytes, alpha bytes or None, transparent index) of a "P"
    image whose indices are below used."""
    trans = im.info.get("transparency")
    alpha = None
    if im.im.getpalettemode() == "RGBA":
        rgba = bytes(im.im.getpalette("RGBA", "RGBA"))
        pal = b"".join(rgba[i:i + 3] for i in range(0, len(rgba), 4))
        alpha = rgba[3::4]
    else:
        pal = bytes(im.getpalette() or b"\0\0\0")
    if isinstance(trans, (bytes, bytearray)):
        alpha = bytes(trans)
        trans = -1
    elif not isinstance(trans, int) or not 0 <= trans < 256:
        trans = -1
    if alpha is not None:
        alpha = alpha[:used]
        if trans >= 0:
            alpha = alpha[:trans] + b"\0" + alpha[trans + 1:]
        # All opaque, or one clear entry and the rest opaque: a plain index.
        clear = [i for i, a in enumerate(alpha) if a != 255]
        if not clear:
            alpha, trans = None, -1
        elif len(clear) == 1 and alpha[clear[0]] == 0:
            alpha, trans = None, clear[0]
    return pal[:768], alpha, trans


def pil_source(im, first=0, n=None, allow_copy=True, direct=True):
    """A Source over rows first..first+n of a Pillow image: the image's own
    rows for RGB(A), P and L, else a converted copy of those rows only."""
    im.load()
    w, h = im.size
    n = h - first if n is None else n
    mode = im.mode
    kind = _DIRECT.get(mode)
    pal = alpha = None
    trans = -1
    if mode == "P":
        pal, alpha, trans = pil_palette(im)
    elif mode == "L":
        pal = GRAY
    if kind:
        addr = _rows_address(im, mode) if direct else 0
        if addr:
            if first or n != h:
                # A window of the row pointer array.
                addr += first * _c.POINTER_SIZE
            return _c.Source(kind, w, n, rows=addr, keep=im.im, palette=pal, alpha=alpha,
                             transparent=trans)
        strip = im if (first == 0 and n == h) else im.crop((0, first, w, first + n))
        raw = {"rgba": "RGBA", "rgbx": "RGB", "idx": mode}[kind]
        return _c.Source("rgb" if kind == "rgbx" else kind, w, n, strip.tobytes("raw", raw),
                         palette=pal, alpha=alpha, transparent=trans)
    strip = im if (first == 0 and n == h) else im.crop((0, first, w, first + n))
    has_alpha = "A" in mode or "a" in mode or "transparency" in im.info
    if mode == "1":
        return _c.Source("idx", w, n, strip.convert("L").tobytes(), palette=GRAY)
    if has_alpha:
        return _c.Source("rgba", w, n, strip.convert("RGBA").tobytes())
    return _c.Source("rgb", w, n, strip.convert("RGB").tobytes())


# ---- numpy ------------------------------------------------------------------

def numpy_source(a, palette=None, first=0, n=None):
    """A Source over an (H, W, 4), (H, W, 3) or (H, W) uint8 array; (H, W)
    is indices into palette, or grey levels without one."""
    import numpy as np
    if a.dtype != np.uint8:
        raise TypeError("numpy frames must be uint8, not %s" % a.dtype)
    if a.ndim == 3 and a.shape[2] in (3, 4):
        kind = "rgba" if a.shape[2] == 4 else "rgb"
    elif a.ndim == 2:
        kind = "idx"
    else:
        raise ValueError("numpy frames must have shape (H, W, 3), (H, W, 4) or (H, W); got %s"
                         % (a.shape,))
    h, w = a.shape[:2]
    n = h - first if n is None else n
    # A row slice of a C-contiguous array is contiguous (no copy); other
    # views are copied one strip at a time.
    a = np.ascontiguousarray(a[first:first + n])
    stride = 0
    pal = None
    if kind == "idx":
        pal = GRAY if palette is None else palette
    return _c.Source(kind, w, n, a, stride=stride, palette=pal)


def frame_size(frame):
    if is_pil(frame):
        return frame.size
    if is_numpy(frame):
        if frame.ndim < 2:
            raise ValueError("numpy frames must be 2- or 3-dimensional")
        return frame.shape[1], frame.shape[0]
    raise TypeError("frames must be Pillow Images or numpy arrays, not %s" % type(frame).__name__)


def as_frame(obj):
    """Pillow images and numpy arrays as they are; other array-likes (a
    decoded giflow Frame, for instance) through numpy."""
    if is_pil(obj) or is_numpy(obj):
        return obj
    if hasattr(obj, "__array__") or hasattr(obj, "__array_interface__"):
        import numpy as np
        return np.asarray(obj)
    raise TypeError("frames must be Pillow Images or numpy arrays, not %s" % type(obj).__name__)
