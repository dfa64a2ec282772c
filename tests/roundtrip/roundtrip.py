#!/usr/bin/python3
"""Encoder round trips through independent decoders.

Generated clips are encoded with `giflow encode` under several option sets,
then decoded by Pillow, ImageMagick and giflow itself. Every decoder must
show the same frames (opaque pixels equal, transparent pixels transparent),
and clips with at most 256 colours must come back equal to their source.

usage: roundtrip.py GIFLOW_BINARY WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
from PIL import Image, ImageSequence

GIFLOW, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
failures = []


def clip_sprites(w=96, h=64, n=12):
    """A still 40-colour backdrop, a moving square, a blinking dot."""
    y, x = np.mgrid[0:h, 0:w]
    k = ((x // 6) + (y // 6) * 7) % 40
    base = np.stack([k * 6, 255 - k * 5, (k * 37) % 256, np.full_like(k, 255)], -1)
    frames = []
    for t in range(n):
        f = base.copy()
        f[20:32, 4 + 6 * t:16 + 6 * t] = (250, 20, 20, 255)
        if t % 2:
            f[5:8, 80:83] = (255, 255, 255, 255)
        frames.append(f)
    return np.array(frames, dtype=np.uint8), True


def clip_alpha(w=80, h=48, n=8):
    """A sprite over transparency: needs disposal 2 when it moves on."""
    frames = []
    for t in range(n):
        f = np.zeros((h, w, 4), np.uint8)
        f[10:26, 5 * t:5 * t + 16] = (30, 200, 90, 255)
        f[30:34, 0:w] = (0, 0, 255, 255)  # a still stripe
        frames.append(f)
    return np.array(frames), True


def clip_video(w=128, h=72, n=16):
    """Smooth colour fields with motion: thousands of colours (lossy)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    frames = []
    for t in range(n):
        r = 128 + 127 * np.sin(x / 13.0 + t * 0.4)
        g = 128 + 127 * np.sin(y / 9.0 - t * 0.3)
        b = 128 + 127 * np.sin((x + y) / 17.0 + t * 0.2)
        f = np.stack([r, g, b, np.full_like(r, 255)], -1)
        frames.append(f)
    return np.array(frames).astype(np.uint8), False


def decode_giflow(path, w, h):
    out = path + ".rgba"
    subprocess.run([GIFLOW, "decode", "--raw", path, "-o", out], check=True)
    return np.fromfile(out, np.uint8).reshape(-1, h, w, 4)


def decode_pillow(path):
    im = Image.open(path)
    return np.array([np.asarray(f.convert("RGBA")) for f in ImageSequence.Iterator(im)])


def decode_magick(path, w, h):
    out = path + ".im.rgba"
    subprocess.run(["convert", path, "-coalesce", "-depth", "8", "rgba:" + out], check=True)
    return np.fromfile(out, np.uint8).reshape(-1, h, w, 4)


def same(a, b):
    """Opaque pixels equal in RGB and alpha; transparent ones both < 128."""
    if a.shape != b.shape:
        return "shape %s vs %s" % (a.shape, b.shape)
    ta, tb = a[..., 3] < 128, b[..., 3] < 128
    if (ta != tb).any():
        i = np.argwhere(ta != tb)[0]
        return "transparency differs at frame %d (%d,%d)" % (i[0], i[2], i[1])
    diff = (a[..., :3] != b[..., :3]).any(-1) & ~ta
    if diff.any():
        i = np.argwhere(diff)[0]
        return "pixel differs at frame %d (%d,%d): %s vs %s" % (
            i[0], i[2], i[1], a[i[0], i[1], i[2]], b[i[0], i[1], i[2]])
    return None


def check(name, err):
    if err:
        failures.append("%s: %s" % (name, err))
        print("FAIL", name, err)
    else:
        print("ok  ", name)


OPTIONS = [[], ["--dither", "none"], ["--dither", "ordered"], ["--palette", "global"],
           ["--palette", "local"], ["--colors", "16"], ["--no-optimize"]]

for clip in (clip_sprites, clip_alpha, clip_video):
    frames, lossless = clip()
    n, h, w, _ = frames.shape
    raw = os.path.join(WORK, clip.__name__ + ".rgba")
    frames.tofile(raw)
    for opts in OPTIONS:
        tag = clip.__name__ + " " + (" ".join(opts) or "default")
        gif = os.path.join(WORK, clip.__name__ + "_" + "_".join(o.strip("-") for o in opts) + ".gif")
        subprocess.run([GIFLOW, "encode", "--raw", "%dx%d" % (w, h), "--delay", "5", "-o", gif,
                        raw] + opts, check=True)
        g = decode_giflow(gif, w, h)
        check(tag + ": giflow vs Pillow", same(g, decode_pillow(gif)))
        check(tag + ": giflow vs ImageMagick", same(g, decode_magick(gif, w, h)))
        if lossless and "--colors" not in opts:
            check(tag + ": source", same(g, frames))

print("roundtrip: %d failures" % len(failures))
sys.exit(1 if failures else 0)
