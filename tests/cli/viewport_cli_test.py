#!/usr/bin/python3
"""giflow decode --crop / --resize (viewport decoding) from the command line.

Truths: the full-size decode of the same file, cropped with numpy slicing
or reduced by the area average in cliutil.py (numpy, exact integer
coverage weights, colours weighted by alpha, halves rounded up, as
include/giflow.h documents), and sizes worked out by hand.

usage: viewport_cli_test.py GIFLOW_BINARY WORKDIR
"""
import json
import os
import sys

import numpy as np
from PIL import Image

from cliutil import check, finish, reduce, runner

G, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
run = runner(G)


def frames(path, w, h):
    data = np.fromfile(path, np.uint8)
    return data.reshape(-1, h, w, 4)


# A still, 230x170, with a transparent hole: encoded losslessly (few colours).
W, H = 230, 170
y, x = np.mgrid[0:H, 0:W]
img = np.zeros((H, W, 4), np.uint8)
img[..., 0] = (x // 9 * 37) % 256
img[..., 1] = (y // 7 * 53) % 256
img[..., 2] = ((x + y) // 11 * 29) % 256
img[..., 0] &= 0xE0
img[..., 1] &= 0xE0
img[..., 2] &= 0xC0
img[..., 3] = 255
img[40:90, 60:130] = 0
raw = os.path.join(WORK, "still.rgba")
img.tofile(raw)
still = os.path.join(WORK, "still.gif")
r = run("encode", "--raw", "%dx%d" % (W, H), "--lossless", "-o", still, raw)
check("encode still", r.returncode == 0, r.stderr.decode())
full_path = os.path.join(WORK, "still_full.rgba")
run("decode", "--raw", still, "-o", full_path)
full = frames(full_path, W, H)[0]

# 1. --resize 100x0: width 100, height 170 * 100 / 230 = 73.9 -> 74.
out = os.path.join(WORK, "still_100.rgba")
r = run("decode", "--raw", "--resize", "100x0", still, "-o", out)
got = frames(out, 100, 74)[0] if r.returncode == 0 and os.path.getsize(out) == 100 * 74 * 4 else None
check("--resize 100x0 size", got is not None, r.stderr.decode())
if got is not None:
    want = reduce(full, 0, 0, W, H, 100, 74)
    check("--resize 100x0 equals the area average of the full decode", (got == want).all(),
          "%d pixels differ" % int((got != want).any(-1).sum()))

# 2. --crop then --resize into a box: crop 37,21,150,120 fits 60x60 as
# 60 x 120*60/150 = 48.
out = os.path.join(WORK, "still_crop.rgba")
r = run("decode", "--raw", "--crop", "37,21,150,120", "--resize", "60x60", still, "-o", out)
ok = r.returncode == 0 and os.path.getsize(out) == 60 * 48 * 4
check("--crop + --resize size", ok, r.stderr.decode())
if ok:
    got = frames(out, 60, 48)[0]
    want = reduce(full, 37, 21, 150, 120, 60, 48)
    check("--crop + --resize equals the area average", (got == want).all(),
          "%d pixels differ" % int((got != want).any(-1).sum()))

# 3. --resize never enlarges; 0 in --crop reaches the edge: 230-200 = 30
# by 170-100 = 70, inside 500x500 -> 30x70, pixel for pixel.
out = os.path.join(WORK, "still_edge.rgba")
r = run("decode", "--raw", "--crop", "200,100,0,0", "--resize", "500x500", still, "-o", out)
ok = r.returncode == 0 and os.path.getsize(out) == 30 * 70 * 4
check("--crop to the edges, no enlarging", ok and (frames(out, 30, 70)[0] == full[100:, 200:]).all(),
      r.stderr.decode())

# 4. PNG output and --json report the output size; the animation's frames
# through a plain crop are exactly the full frames' rectangle.
anim_raw = np.zeros((4, 60, 80, 4), np.uint8)
for t in range(4):
    anim_raw[t, ..., 3] = 255
    anim_raw[t, :, :, 0] = 40 * t
    anim_raw[t, 10 + 5 * t:30 + 5 * t, 20 + 10 * t:40 + 10 * t] = (255, 255, 0, 255)
araw = os.path.join(WORK, "anim.rgba")
anim_raw.tofile(araw)
anim = os.path.join(WORK, "anim.gif")
r = run("encode", "--raw", "80x60", "-o", anim, araw)
check("encode animation", r.returncode == 0, r.stderr.decode())
afull = os.path.join(WORK, "anim_full.rgba")
run("decode", "--raw", anim, "-o", afull)
fa = frames(afull, 80, 60)
d = os.path.join(WORK, "anim_png")
r = run("decode", "--json", "--crop", "15,5,50,40", anim, "-o", d)
j = json.loads(r.stdout) if r.returncode == 0 else {}
pngs = sorted(os.listdir(d)) if os.path.isdir(d) else []
ok = j.get("output_width") == 50 and j.get("output_height") == 40 and len(pngs) == 4
check("--crop PNG frames and --json sizes", ok, str(j))
if ok:
    same = all((np.asarray(Image.open(os.path.join(d, p)).convert("RGBA")) ==
                fa[k, 5:45, 15:65]).all() for k, p in enumerate(pngs))
    check("--crop frames equal the full frames' rectangle", same)

# 5. stdin to stdout: frames x out_width x out_height x 4 bytes (80x60 in
# 0x30 -> 40x30).
r = run("decode", "--raw", "--resize", "0x30", "-", "-o", "-", stdin=open(anim, "rb").read())
check("stdin -> stdout with --resize", r.returncode == 0 and len(r.stdout) == 4 * 40 * 30 * 4,
      "%d bytes" % len(r.stdout))

# 6. Bad viewports are usage errors, and nothing is written.
bad_out = os.path.join(WORK, "bad.rgba")
for args in (["--crop", "230,0,1,1"], ["--crop", "0,0,231,1"], ["--crop", "1,2,3"],
             ["--resize", "0x0"], ["--resize", "12"]):
    r = run("decode", "--raw", *args, still, "-o", bad_out)
    check("usage error: " + " ".join(args), r.returncode == 64 and not os.path.exists(bad_out),
          "exit %d" % r.returncode)

finish("viewport_cli_test")
