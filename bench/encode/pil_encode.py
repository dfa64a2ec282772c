#!/usr/bin/python3
"""Benchmark peer: Pillow's GIF writer with its default settings.

Usage: /usr/bin/python3 pil_encode.py IN.rgba W H DURATION_MS OUT.gif RGB|RGBA

Frames are read one at a time from raw RGBA and handed to
Image.save(save_all=True, append_images=<generator>, duration=D, loop=0).
RGB: each frame is converted to RGB first, as a caller with video frames or
opaque PNGs would; Pillow then quantizes it with median cut, no dithering.
RGBA: the frames go in as they are; Pillow quantizes them with fast octree
(its choice for RGBA), no dithering. Pillow keeps every frame until the end
(it compares each with the previous one and merges identical ones).
"""
import sys

from PIL import Image

path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
duration, out, mode = int(sys.argv[4]), sys.argv[5], sys.argv[6]
size = w * h * 4


def frames():
    with open(path, "rb") as f:
        while True:
            b = f.read(size)
            if len(b) < size:
                return
            im = Image.frombuffer("RGBA", (w, h), b, "raw", "RGBA", 0, 1)
            yield im.convert("RGB") if mode == "RGB" else im


it = frames()
first = next(it)
first.save(out, save_all=True, append_images=it, duration=duration, loop=0)
