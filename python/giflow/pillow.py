"""Pillow integration: `import giflow.pillow` registers a "GIFLOW" save
format, so that

    im.save("out.gif", format="GIFLOW")                       # a still
    im.save("out.gif", format="GIFLOW", save_all=True,
            append_images=frames, duration=40, loop=0)       # an animation

encode with giflow. giflow.pillow.install() makes it serve format="GIF"
saves too (and so plain im.save("x.gif")); uninstall() puts Pillow's own
GIF writer back. Reading GIFs is left to Pillow.

Parameters, as in Pillow's GIF writer: duration (ms, int or list), loop
(0: forever; omitted: play once), comment, optimize, palette. Also
giflow's colors, dither, lossy, effort, lossless, quality, lossy_lzw, denoise,
denoise_frames and fast. Pillow's disposal,
transparency, interlace and background are not used: giflow chooses
disposal and transparency itself (what changed, what stays).
"""
from PIL import Image

from . import _encode

FORMAT = "GIFLOW"
_OPTIONS = ("colors", "dither", "palette", "lossy", "effort", "comment", "optimize", "lossless",
            "quality", "lossy_lzw", "denoise", "denoise_frames", "fast")
_saved = {}


def _options(im):
    info = im.encoderinfo
    o = {k: info[k] for k in _OPTIONS if info.get(k) is not None}
    if "comment" not in o and im.info.get("comment"):
        o["comment"] = im.info["comment"]
    loop = info.get("loop", im.info.get("loop"))
    o["loop"] = loop  # None: no loop extension, as in Pillow
    return o


def _frames(im, all_frames):
    if all_frames and getattr(im, "n_frames", 1) > 1:
        yield from _encode._pil_frames(im)
    else:
        yield im
    if all_frames:
        for extra in im.encoderinfo.get("append_images") or ():
            yield from _frames_of(extra)


def _frames_of(im):
    if getattr(im, "n_frames", 1) > 1:
        yield from _encode._pil_frames(im)
    else:
        yield im


def _duration(im, all_frames):
    d = im.encoderinfo.get("duration")
    if d is None and not all_frames:
        d = im.info.get("duration")
    return d


def _save(im, fp, filename, all_frames=False):
    o = _options(im)
    d = _duration(im, all_frames)
    single = not all_frames or (getattr(im, "n_frames", 1) <= 1 and
                                not im.encoderinfo.get("append_images"))
    if single:
        if isinstance(d, (list, tuple)):
            d = d[0] if d else None
        _encode.save(im, fp, duration=d, **o)
    else:
        _encode.save(_frames(im, True), fp, duration=d, **o)


def _save_all(im, fp, filename):
    _save(im, fp, filename, all_frames=True)


def install():
    """Serve format="GIF" saves (and "*.gif" file names) with giflow."""
    if "GIF" not in _saved:
        Image.init()
        _saved["GIF"] = (Image.SAVE.get("GIF"), Image.SAVE_ALL.get("GIF"))
    Image.register_save("GIF", _save)
    Image.register_save_all("GIF", _save_all)


def uninstall():
    """Puts Pillow's own GIF writer back."""
    if "GIF" in _saved:
        save, save_all = _saved.pop("GIF")
        Image.SAVE["GIF"] = save
        Image.SAVE_ALL["GIF"] = save_all


def installed():
    return Image.SAVE.get("GIF") is _save


Image.register_save(FORMAT, _save)
Image.register_save_all(FORMAT, _save_all)
Image.register_mime(FORMAT, "image/gif")
