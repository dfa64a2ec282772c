#!/usr/bin/python3
"""Command-line behaviour of giflow (info, decode, encode).

Truths: source images we generate (lossless round trips), hand-computed
BT.601 colours for YUV4MPEG2 input, Wuffs' notes on animated-red-blue.gif,
and file-system state (an existing output survives a failed run).

usage: cli_test.py GIFLOW_BINARY CORPORA WORKDIR
"""
import glob
import json
import os
import sys

import numpy as np
from PIL import Image, ImageSequence

from cliutil import check, finish, runner

G, CORPORA, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(WORK, exist_ok=True)
run = runner(G)


def frames_of(gif):
    return [np.asarray(f.convert("RGBA")) for f in ImageSequence.Iterator(Image.open(gif))]


# 1. PNG files in, lossless frames out (24 colours).
pngs = []
for t in range(5):
    a = np.zeros((30, 40, 4), np.uint8)
    a[..., 3] = 255
    a[:, :, 0] = (np.arange(40) // 5 * 30)[None, :]
    a[:, :, 1] = (np.arange(30) // 10 * 80)[:, None]
    a[10:20, 5 + 5 * t:15 + 5 * t] = (255, 255, 0, 255)
    p = os.path.join(WORK, "f%d.png" % t)
    Image.fromarray(a, "RGBA").save(p)
    pngs.append((p, a))
out = os.path.join(WORK, "png.gif")
r = run("encode", "--delay", "8", "-o", out, *[p for p, _ in pngs])
check("encode PNG files", r.returncode == 0, r.stderr.decode())
got = frames_of(out)
check("PNG round trip is lossless", len(got) == 5 and all(
    (g[..., :3] == a[..., :3]).all() for g, (_, a) in zip(got, pngs)))
check("delay 8 cs", Image.open(out).info.get("duration") == 80)

# 2. JPEG in (photo-like, lossy), size kept, close to the source.
jp = os.path.join(WORK, "in.jpg")
y, x = np.mgrid[0:48, 0:64]
photo = np.stack([x * 4, y * 5, (x + y) * 2], -1).astype(np.uint8)
Image.fromarray(photo).save(jp, quality=95)
src = np.asarray(Image.open(jp).convert("RGB")).astype(float)
out = os.path.join(WORK, "jpg.gif")
r = run("encode", "-o", out, jp)
g = frames_of(out)[0][..., :3].astype(float)
psnr = 10 * np.log10(255 ** 2 / ((g - src) ** 2).mean())
check("encode JPEG", r.returncode == 0 and g.shape == src.shape and psnr > 34, "psnr %.1f" % psnr)

# 3. YUV4MPEG2 (4:2:0, limited range). BT.601: Y=235 is white, Y=16 black;
# (Y,U,V) = (81,90,240) is red: R = 1.164*65 + 1.596*112 = 254.4.
w, h = 8, 4
y4m = b"YUV4MPEG2 W8 H4 F10:1 Ip A1:1 C420jpeg\n"
for Y, U, V in ((235, 128, 128), (16, 128, 128), (81, 90, 240)):
    y4m += b"FRAME\n" + bytes([Y] * (w * h)) + bytes([U] * (w * h // 4)) + bytes([V] * (w * h // 4))
yp = os.path.join(WORK, "in.y4m")
open(yp, "wb").write(y4m)
out = os.path.join(WORK, "y4m.gif")
r = run("encode", "--y4m", "-o", out, yp)
fr = frames_of(out) if r.returncode == 0 else []
want = [(255, 255, 255), (0, 0, 0), (254, 0, 0)]
ok = len(fr) == 3 and all(np.abs(f[0, 0, :3].astype(int) - np.array(c)).max() <= 1 for f, c in zip(fr, want))
check("y4m input colours (BT.601 limited range)", ok, str([f[0, 0] for f in fr]))
check("y4m frame rate 10/1 gives 10 cs", Image.open(out).info.get("duration") == 100)

# 4. Raw RGBA from stdin, --durations with exact total (3 x 33 ms -> 10 cs).
raw = np.zeros((3, 4, 4, 4), np.uint8)
raw[..., 3] = 255
for t in range(3):
    raw[t, t, :] = (200, 0, 0, 255)
dur = os.path.join(WORK, "d.txt")
open(dur, "w").write("33\n33\n33\n")
out = os.path.join(WORK, "raw.gif")
r = run("encode", "--raw", "4x4", "--durations", dur, "-o", out, "-", stdin=raw.tobytes())
info = json.loads(run("info", "--json", out).stdout)
check("--durations total exact", r.returncode == 0 and info["duration_ms"] == 100,
      "%s %s" % (r.stderr, info.get("duration_ms")))

# 5. --palette FILE.gif: every frame uses that palette (no local tables).
pal_src = os.path.join(CORPORA, "wuffs/test/data/animated-red-blue.gif")
out = os.path.join(WORK, "pal.gif")
r = run("encode", "--palette", pal_src, "--json", "-o", out, *[p for p, _ in pngs])
j = json.loads(r.stdout) if r.returncode == 0 else {}
check("--palette FILE.gif", j.get("local_palettes") == 0, r.stderr.decode())

# 6. A failed encode leaves an existing output untouched and no temp file.
noisy = os.path.join(WORK, "noisy.png")
Image.fromarray(np.random.RandomState(1).randint(0, 256, (32, 32, 3), np.uint8)).save(noisy)
out = os.path.join(WORK, "keep.gif")
open(out, "wb").write(b"precious")
r = run("encode", "--lossless", "-o", out, noisy)
check("--lossless refuses many colours", r.returncode != 0 and b"colours" in r.stderr)
check("existing output survives a failed encode", open(out, "rb").read() == b"precious")
check("no temporary file left", not glob.glob(out + ".tmp-*"))
r = run("decode", "--raw", noisy, "-o", out)
check("existing output survives a failed decode", r.returncode != 0 and open(out, "rb").read() == b"precious")

# 7. info --json on a file Wuffs documents: 4 frames, rects, loop value 2.
j = json.loads(run("info", "--json", pal_src).stdout)
fr = j["frames"]
check("info --json", j["canvas_width"] == 64 and j["canvas_height"] == 48 and j["loop_count"] == 2
      and len(fr) == 4 and (fr[1]["x"], fr[1]["y"], fr[1]["width"], fr[1]["height"]) == (15, 31, 37, 9)
      and fr[0]["transparent_index"] is None and fr[1]["transparent_index"] == 2, str(j)[:300])

# 8. stdin to stdout: raw output is frames x canvas bytes.
data = open(pal_src, "rb").read()
r = run("decode", "--raw", "-", "-o", "-", stdin=data)
check("decode stdin -> stdout", r.returncode == 0 and len(r.stdout) == 4 * 64 * 48 * 4)

# 9. A truncated file: complete frames written, exit code 2.
d = os.path.join(WORK, "trunc")
r = run("decode", "-", "-o", d, stdin=data[:2300])
check("truncated input: partial success", r.returncode == 2 and len(os.listdir(d)) >= 1,
      "%d %s" % (r.returncode, r.stderr))

# 10. --small-memory: the same frames as Pillow shows, at the fixed state's heap.
muy = os.path.join(CORPORA, "wuffs/test/data/gifplayer-muybridge.gif")
small = run("decode", "--raw", "--small-memory", muy, "-o", "-").stdout
want = np.concatenate([f.reshape(-1) for f in frames_of(muy)])
check("--small-memory frames equal Pillow's", len(small) == want.size
      and np.array_equal(np.frombuffer(small, np.uint8), want))
js = json.loads(run("decode", "--json", "--small-memory", muy, "-o", os.path.join(WORK, "sm")).stdout)
check("--small-memory heap is the fixed state", js["decoder_peak_heap"] == js["decoder_state"], str(js)[:200])

finish("cli_test")
