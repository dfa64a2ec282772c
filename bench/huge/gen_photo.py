#!/usr/bin/python3
"""Makes the huge-image bench's source: a deterministic 9566x3909 RGB
"photo-like" PNG: a landscape with a sky gradient, a sun glow and soft
clouds, a ridge of hills with vegetation-like texture (luminance and
colour, 3-40 px features), a lake with ripples, a slow colour cast, and
mild sensor noise (sigma 2.5 levels per channel). Smooth low-frequency
structure plus texture gives about 640,000 distinct colours, so quantizing
it is not trivial, yet it is not pure noise.

Usage: /usr/bin/python3 gen_photo.py OUT.png [WIDTH HEIGHT [GRAIN]]

GRAIN is the noise's sigma (default 2.5). The bench also runs a grainy
variant (GRAIN 60, a high-ISO look with tens of millions of distinct
colours): it makes Pillow's peak RSS match the issue's anchor (876 MB), so
its colour count is comparable to the image the anchors were measured on.

The pixels depend only on this script (fixed seeds, numpy's PCG64). Rows
are computed in strips of 128 (float32), so memory is the 8-bit image
(112 MB) plus a few strips.
"""
import sys

import numpy as np
from PIL import Image

out = sys.argv[1]
W = int(sys.argv[2]) if len(sys.argv) > 2 else 9566
H = int(sys.argv[3]) if len(sys.argv) > 3 else 3909
GRAIN = float(sys.argv[4]) if len(sys.argv) > 4 else 2.5
STRIP = 128


class ValueNoise:
    """Smooth value noise: a random grid every `cell` pixels, interpolated
    with smoothstep weights. Separable, so a strip costs two passes."""

    def __init__(self, seed, cell):
        rng = np.random.default_rng(seed)
        self.cell = cell
        self.grid = rng.random((H // cell + 3, W // cell + 3), dtype=np.float32)
        fx = np.arange(W, dtype=np.float64) / cell
        self.ix = fx.astype(np.int64)
        t = (fx - self.ix).astype(np.float32)
        self.tx = t * t * (3 - 2 * t)

    def strip(self, y0, y1):
        fy = np.arange(y0, y1, dtype=np.float64) / self.cell
        iy = fy.astype(np.int64)
        t = (fy - iy).astype(np.float32)
        ty = (t * t * (3 - 2 * t))[:, None]
        r0, r1 = iy[0], iy[-1] + 2
        g = self.grid[r0:r1]
        gx = g[:, self.ix] * (1 - self.tx) + g[:, self.ix + 1] * self.tx
        k = iy - r0
        return gx[k] * (1 - ty) + gx[k + 1] * ty


def fbm(layers, y0, y1):
    """Sum of octaves, weights halving, normalised to about [0, 1]."""
    total, norm, amp = 0, 0, 1.0
    for n in layers:
        total = total + amp * n.strip(y0, y1)
        norm += amp
        amp *= 0.5
    return total / norm


# Octave sets (seeds fixed): large shapes, medium detail, fine texture.
clouds = [ValueNoise(100 + i, c) for i, c in enumerate((900, 450, 225, 112, 56))]
ground = [ValueNoise(200 + i, c) for i, c in enumerate((700, 350, 175, 88, 44, 22))]
grain = [ValueNoise(300 + i, c) for i, c in enumerate((12, 6, 3))]
chroma_a = [ValueNoise(500 + i, c) for i, c in enumerate((40, 10, 4))]
chroma_b = [ValueNoise(600 + i, c) for i, c in enumerate((40, 10, 4))]
tint = ValueNoise(400, 1500)

xs = np.arange(W, dtype=np.float32)
u = xs / W
# The ridge line: a few sines plus a 1-D noise profile, in rows.
rng = np.random.default_rng(7)
prof = rng.random(W // 200 + 3).astype(np.float32)
px = xs / 200
pi = px.astype(np.int64)
pt = px - pi
pt = pt * pt * (3 - 2 * pt)
ridge_noise = prof[pi] * (1 - pt) + prof[pi + 1] * pt
ridge = (0.50 * H + 0.06 * H * np.sin(2 * np.pi * (1.3 * u + 0.1))
         + 0.025 * H * np.sin(2 * np.pi * (4.7 * u + 0.6))
         + 0.05 * H * (ridge_noise - 0.5))
lake_top = 0.80 * H
sun_x, sun_y = 0.72 * W, 0.22 * H
noise_rng = np.random.default_rng(12345)

img = np.empty((H, W, 3), np.uint8)
for y0 in range(0, H, STRIP):
    y1 = min(H, y0 + STRIP)
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    v = ys / H
    rgb = np.empty((y1 - y0, W, 3), np.float32)

    # Sky: deep blue at the top to a warm pale haze at the horizon, a sun
    # glow, soft clouds.
    sky_t = np.clip(v / 0.55, 0, 1)
    sky = np.stack([40 + 190 * sky_t ** 1.5, 80 + 150 * sky_t ** 1.2, 160 + 80 * sky_t], -1)
    d2 = ((xs[None, :] - sun_x) ** 2 + (ys - sun_y) ** 2) / (0.12 * W) ** 2
    glow = np.exp(-d2)[..., None] * np.array([255, 200, 120], np.float32) * 0.55
    core = np.exp(-d2 * 40)[..., None] * np.array([255, 250, 230], np.float32)
    cl = fbm(clouds, y0, y1)
    cover = np.clip((cl - 0.48) * 4, 0, 1)[..., None] * np.clip(1.2 - v / 0.5, 0, 1)[..., None]
    shade = (0.75 + 0.35 * fbm(clouds[2:], y0, y1))[..., None]
    sky = sky + glow + core
    sky = sky * (1 - cover) + np.array([235, 232, 228], np.float32) * shade * cover
    ca = fbm(chroma_a, y0, y1)[..., None] - 0.5
    cb = fbm(chroma_b, y0, y1)[..., None] - 0.5
    sky = (sky + (fbm(grain[1:], y0, y1)[..., None] - 0.5) * (6 + 14 * cover)
           + ca * np.array([8, 4, -6], np.float32) + cb * np.array([-4, 6, 8], np.float32))

    # Hills and ground: greens and browns that darken towards the viewer,
    # patches from the ground noise, fine grain as vegetation texture.
    g = fbm(ground, y0, y1)[..., None]
    gr = fbm(grain, y0, y1)[..., None]
    depth = np.clip((ys - ridge[None, :]) / (H - ridge[None, :]), 0, 1)[..., None]
    green = np.array([70, 120, 50], np.float32)
    brown = np.array([140, 110, 70], np.float32)
    land = green * (1 - g) + brown * g
    land = (land * (1.15 - 0.55 * depth) + (gr - 0.5) * 90
            + ca * np.array([40, -12, -25], np.float32) + cb * np.array([-12, 35, -20], np.float32))
    haze = np.exp(-depth * 6)
    land = land * (1 - 0.5 * haze) + np.array([170, 185, 200], np.float32) * 0.5 * haze

    # The lake reflects a darkened sky, with horizontal ripples.
    ripple = np.sin(xs[None, :] / 37.0 + ys * 0.9 + 6 * gr[..., 0])[..., None]
    water = (np.array([60, 100, 140], np.float32) + 25 * ripple + 0.3 * (sky - 120)
             + ca * np.array([10, 20, 30], np.float32))

    # Edges blended over a few pixels (no aliasing stair-steps).
    a_land = np.clip((ys - ridge[None, :]) / 3 + 0.5, 0, 1)[..., None]
    tn = tint.strip(y0, y1)
    a_lake = np.clip((ys - lake_top - 40 * (tn - 0.5)) / 3 + 0.5, 0, 1)[..., None]
    rgb = sky * (1 - a_land) + land * a_land
    rgb = rgb * (1 - a_lake) + water * a_lake

    # A slow colour cast across the frame, then mild sensor noise.
    rgb = rgb + (tn[..., None] - 0.5) * np.array([18, 6, -14], np.float32)
    rgb += noise_rng.normal(0, GRAIN, rgb.shape).astype(np.float32)
    img[y0:y1] = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)

Image.fromarray(img, "RGB").save(out, format="PNG")
