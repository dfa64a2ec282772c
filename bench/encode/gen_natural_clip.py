#!/usr/bin/python3
"""Writes a natural-video-like clip as raw RGBA frames (opaque): a slow
camera move over a photo, with fresh sensor noise in every frame.

Usage: /usr/bin/python3 gen_natural_clip.py OUT.rgba [FRAMES] [WIDTH] [HEIGHT]

- The photo is bench/huge/gen_photo.py's landscape (sky, sun glow, clouds,
  textured hills, a lake with ripples) drawn at 1600x900 without its own
  grain: the noise is added per frame below.
- The camera: still for the first and last 15% of the frames (a tripod
  shot: only the noise changes), in between a slow pan to the right and
  down combined with a zoom in, eased in and out (smoothstep). The crop
  goes from 1280x720 at (40, 60) to 1120x630 at (360, 200) of the photo,
  resampled to WIDTH x HEIGHT with Pillow's bicubic filter, so the motion
  is sub-pixel (at most about 1.3 output pixels per frame).
- Sensor noise, new in every frame: a Gaussian part shared by R, G and B
  (sigma 1.3 levels, luminance grain) plus an independent Gaussian part
  per channel (sigma 0.8, chroma grain): about 1.5 levels per channel. On
  still pixels consecutive frames then differ by about 1.7 levels on
  average, as a phone or webcam clip does.

It also writes OUT.rgba.json: {"static_ranges": [[first, last], ...]}, the
frames where the camera is still (every pixel's noise-free value is the
same as in the frame before). The bench measures flicker there.

Deterministic: fixed seeds (numpy's PCG64), and the photo depends only on
gen_photo.py.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

out = sys.argv[1]
nframes = int(sys.argv[2]) if len(sys.argv) > 2 else 200
W = int(sys.argv[3]) if len(sys.argv) > 3 else 640
H = int(sys.argv[4]) if len(sys.argv) > 4 else 360
HERE = os.path.dirname(os.path.abspath(__file__))
PW, PH = 3200, 1800
START = (80.0, 120.0, 2560.0, 1440.0)   # x, y, width, height of the crop
END = (720.0, 400.0, 2240.0, 1260.0)
SIGMA_SHARED, SIGMA_CHANNEL = 1.3, 0.8

with tempfile.TemporaryDirectory() as tmp:
    png = os.path.join(tmp, "photo.png")
    subprocess.run([sys.executable, os.path.join(HERE, "..", "huge", "gen_photo.py"), png,
                    str(PW), str(PH), "0"], check=True)
    photo = Image.open(png).convert("RGB")
    photo.load()

still = max(1, int(round(nframes * 0.15)))
move0, move1 = still, nframes - still   # frames move0..move1-1 move
rng = np.random.default_rng(2024)
with open(out, "wb") as f:
    for k in range(nframes):
        t = min(1.0, max(0.0, (k - move0 + 1) / max(1, move1 - move0)))
        t = t * t * (3 - 2 * t)
        x, y, w, h = (a + (b - a) * t for a, b in zip(START, END))
        frame = photo.resize((W, H), Image.BICUBIC, box=(x, y, x + w, y + h))
        rgb = np.asarray(frame, np.float32)
        noise = (rng.normal(0, SIGMA_SHARED, (H, W, 1)) +
                 rng.normal(0, SIGMA_CHANNEL, (H, W, 3))).astype(np.float32)
        rgb = np.clip(rgb + noise + 0.5, 0, 255).astype(np.uint8)
        rgba = np.empty((H, W, 4), np.uint8)
        rgba[..., :3] = rgb
        rgba[..., 3] = 255
        f.write(rgba.tobytes())

with open(out + ".json", "w") as f:
    json.dump({"static_ranges": [[1, move0 - 1], [move1, nframes - 1]]}, f)
    f.write("\n")
