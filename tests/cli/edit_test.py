#!/usr/bin/env python3
"""giflow edit, against independent truths.

- Every animation of the corpora that browsers render: `edit` with no
  option renders exactly like the input (every frame and every played
  delay, as giflow's conformance-tested decoder shows the input; the
  output decoded by giflow and by Pillow), keeps the loop count, and is
  never larger.
- Each operation against Pillow or numpy doing the same transform, or
  hand-worked values; extensions byte for byte; streaming through pipes.
usage: edit_test.py GIFLOW CORPORA WORKDIR [--quick]
--quick (the sanitizer build): the round trip covers files under 40 KB.
"""
import glob
import json
import os
import select
import subprocess
import sys
import time

import numpy as np
from PIL import Image, ImageSequence

from cliutil import check, finish, reduce, runner

giflow, corpora, work = sys.argv[1], sys.argv[2], sys.argv[3]
quick = "--quick" in sys.argv[4:]
os.makedirs(work, exist_ok=True)
run = runner(giflow)


def info(path):
    r = run("info", "--json", path)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return None


def frames(path):
    """giflow's browser-model frames (n, h, w, 4) and the info."""
    j = info(path)
    r = run("decode", "--raw", path, "-o", "-")
    w, h = j["canvas_width"], j["canvas_height"]
    n = len(r.stdout) // (w * h * 4)
    return np.frombuffer(r.stdout[:n * w * h * 4], np.uint8).reshape(n, h, w, 4), j


def canon(a):
    """Transparent pixels compare equal whatever their colour."""
    a = a.copy()
    a[a[..., 3] == 0] = 0
    return a


def timeline(fr, j):
    """(frame, played ms) with consecutive equal frames merged: what a
    viewer sees over time."""
    out = []
    for i in range(len(fr)):
        d = j["frames"][i]["played_delay_ms"]
        f = canon(fr[i])
        if out and np.array_equal(out[-1][0], f):
            out[-1][1] += d
        else:
            out.append([f, d])
    return out


def same_timeline(a, b):
    return len(a) == len(b) and all(
        np.array_equal(x[0], y[0]) and x[1] == y[1] for x, y in zip(a, b))


def pillow_frames(path):
    im = Image.open(path)
    out = []
    for f in ImageSequence.Iterator(im):
        out.append(canon(np.asarray(f.convert("RGBA"))))
    return out


def animations():
    for f in sorted(glob.glob(os.path.join(corpora, "**", "*"), recursive=True)):
        if not os.path.isfile(f):
            continue
        with open(f, "rb") as fh:
            if fh.read(4) != b"GIF8":
                continue
        j = info(f)
        if not j or j.get("error") or j["frame_count"] < 2:
            continue
        if j["canvas_width"] * j["canvas_height"] * j["frame_count"] > 60e6:
            continue
        yield f, j


# ---- Round trip of every corpus animation ---------------------------------
seen = set()
count = pillow_n = pillow_skip = 0
out = os.path.join(work, "rt.gif")
for f, j in animations():
    with open(f, "rb") as fh:
        data = fh.read()
    if data in seen or (quick and len(data) > 40000):
        continue
    seen.add(data)
    name = os.path.relpath(f, corpora)
    r = run("edit", f, "-o", out)
    if r.returncode:
        check("round trip " + name, False, r.stderr.decode())
        continue
    count += 1
    a, ja = frames(f)
    b, jb = frames(out)
    check("round trip %s: frames and played delays" % name,
          same_timeline(timeline(a, ja), timeline(b, jb)))
    check("round trip %s: loop count" % name, ja["loop_count"] == jb["loop_count"],
          "%s != %s" % (ja["loop_count"], jb["loop_count"]))
    check("round trip %s: never larger" % name, os.path.getsize(out) <= len(data),
          "%d > %d" % (os.path.getsize(out), len(data)))
    # Pillow, a second decoder, reads the output as the browser model reads
    # the input: checked wherever Pillow reads the input that way too
    # (elsewhere its model differs, e.g. no transparency after an opaque
    # first frame), and where the output is not the input's own bytes.
    with open(out, "rb") as fh:
        rewritten = fh.read() != data
    if rewritten:
        try:
            agrees_in = [canon(x) for x in a] == [] or all(
                np.array_equal(x, canon(y)) for x, y in zip(pillow_frames(f), a))
        except Exception:  # noqa: BLE001 - Pillow cannot read the input
            agrees_in = False
        if agrees_in:
            pillow_n += 1
            try:
                p = pillow_frames(out)
                ok = len(p) == len(b) and all(np.array_equal(x, canon(y)) for x, y in zip(p, b))
            except Exception:  # noqa: BLE001 - reported as a failure
                ok = False
            check("round trip %s: Pillow agrees" % name, ok)
        else:
            pillow_skip += 1
check("round trip: corpus animations found", count >= (50 if quick else 100), str(count))
print("round trip: %d animations; %d rewritten and read back by Pillow, %d rewritten where "
      "Pillow's model differs on the input" % (count, pillow_n, pillow_skip))

# ---- Operations ------------------------------------------------------------
# A small animation with transparency, made with giflow encode from frames
# whose pixels are known.
rng = np.random.default_rng(7)
W, H, N = 23, 17, 5
src = np.zeros((N, H, W, 4), np.uint8)
pal = rng.integers(0, 256, (12, 3), dtype=np.uint8)
for k in range(N):
    idx = rng.integers(0, 12, (H, W))
    src[k, ..., :3] = pal[idx]
    src[k, ..., 3] = 255
    src[k, (k * 3) % H:(k * 3) % H + 4, 2:9, 3] = 0  # a moving hole
src[src[..., 3] == 0] = 0
raw = os.path.join(work, "src.rgba")
src.tofile(raw)
anim = os.path.join(work, "anim.gif")
r = run("encode", "--raw", "%dx%d" % (W, H), "--delay", "7", "--lossless", "-o", anim, raw)
check("ops: source encodes", r.returncode == 0, r.stderr.decode())
base, jbase = frames(anim)
check("ops: source decodes exactly", np.array_equal(canon(base), canon(src)))


def edited(*args, name="op.gif"):
    o = os.path.join(work, name)
    r = run("edit", anim, "-o", o, *args)
    if r.returncode:
        return None, None, r.stderr.decode()
    fr, j = frames(o)
    return fr, j, ""


def pil_each(fn):
    return np.stack([canon(np.asarray(fn(Image.fromarray(f)))) for f in src])


T = Image.Transpose
cases = [
    (("--rotate", "90"), lambda im: im.transpose(T.ROTATE_270)),
    (("--rotate", "180"), lambda im: im.transpose(T.ROTATE_180)),
    (("--rotate", "270"), lambda im: im.transpose(T.ROTATE_90)),
    (("--flip", "h"), lambda im: im.transpose(T.FLIP_LEFT_RIGHT)),
    (("--flip", "v"), lambda im: im.transpose(T.FLIP_TOP_BOTTOM)),
    (("--crop", "3,2,11,9"), lambda im: im.crop((3, 2, 14, 11))),
    (("--crop", "5,4,0,0"), lambda im: im.crop((5, 4, W, H))),
    (("--crop", "2,1,15,12", "--flip", "h", "--rotate", "90"),
     lambda im: im.crop((2, 1, 17, 13)).transpose(T.FLIP_LEFT_RIGHT).transpose(T.ROTATE_270)),
    (("--resize", "46x34", "--nearest"), lambda im: im.resize((46, 34), Image.NEAREST)),
    (("--resize", "10x7", "--nearest"), lambda im: im.resize((10, 7), Image.NEAREST)),
    (("--interlace",), lambda im: im),
]
for args, fn in cases:
    fr, j, err = edited(*args)
    want = pil_each(fn)
    check("op %s: as Pillow" % " ".join(args),
          fr is not None and fr.shape == want.shape and np.array_equal(canon(fr), want), err)
fr, j, err = edited("--interlace", name="il.gif")
check("op --interlace: every image interlaced",
      fr is not None and all(x["interlaced"] for x in j["frames"]), err)

# A sprite moving over a still, noisy background: the lossless rewrite
# restores the screen under it (disposal 3) on some frames, and every frame
# shows what the source frames hold (numpy), read back by giflow and Pillow.
sw, sh, sn = 48, 30, 6
bg = rng.integers(0, 12, (sh, sw))
sprite = np.zeros((sn, sh, sw, 4), np.uint8)
for k in range(sn):
    idx = bg.copy()
    if k:  # the background alone first
        idx[5:12, 8 * k - 4:8 * k + 2] = 12 + (k % 2)
    sprite[k, ..., :3] = np.concatenate([pal, [[255, 255, 255], [0, 0, 0]]])[idx]
    sprite[k, ..., 3] = 255
sprite.tofile(raw)
sgif = os.path.join(work, "sprite.gif")
run("encode", "--raw", "%dx%d" % (sw, sh), "--delay", "5", "--lossless", "--no-optimize",
    "-o", sgif, raw)
o = os.path.join(work, "sprite-out.gif")
r = run("edit", sgif, "-o", o)
fr, j = frames(o) if r.returncode == 0 else (None, None)
check("lossless: a moving sprite is restored over (disposal 3)",
      j is not None and any(x["disposal"] == 3 for x in j["frames"]), r.stderr.decode())
check("lossless: the restored frames show the source",
      fr is not None and np.array_equal(canon(fr), canon(sprite)))
check("lossless: Pillow reads the restored frames alike",
      fr is not None and len(pillow_frames(o)) == sn and
      all(np.array_equal(canon(a), canon(b)) for a, b in zip(pillow_frames(o), sprite)))

# A patch redrawn with its own 16 colours, over a background of the same
# 16: its unchanged pixels repeat the screen's colour instead of taking a
# transparent index, which would double the table to 32 entries (minimum
# code size 5, not 4). Both frames still show the source.
fw, fh = 40, 24
fpal = np.array([[16 * i, 255 - 16 * i, (37 * i) % 256] for i in range(16)], np.uint8)
fidx = rng.integers(0, 16, (2, fh, fw))
fidx[1] = fidx[0]
fidx[1, 4:20, 6:34] = rng.integers(0, 16, (16, 28))
fsrc = np.zeros((2, fh, fw, 4), np.uint8)
fsrc[..., :3] = fpal[fidx]
fsrc[..., 3] = 255
fsrc.tofile(raw)
fgif = os.path.join(work, "fill.gif")
run("encode", "--raw", "%dx%d" % (fw, fh), "--delay", "5", "--lossless", "--no-optimize",
    "-o", fgif, raw)
o = os.path.join(work, "fill-out.gif")
r = run("edit", fgif, "-o", o)
fr, j = frames(o) if r.returncode == 0 else (None, None)
check("lossless: 16 colours over the same 16 need no transparent index",
      j is not None and len(j["frames"]) == 2 and j["frames"][1]["transparent_index"] is None and
      j["frames"][1]["min_code_size"] == 4, r.stderr.decode() + str(j and j["frames"][1]))
check("lossless: those frames show the source",
      fr is not None and np.array_equal(canon(fr), canon(fsrc)))
check("lossless: Pillow reads them alike",
      fr is not None and len(pillow_frames(o)) == 2 and
      all(np.array_equal(canon(a), canon(b)) for a, b in zip(pillow_frames(o), fsrc)))

# The global palette's order is priced on the scanned frames: 60 colours
# in the first frame, then a patch toggling between two new colours. In
# order of first appearance those two would be indices 60 and 61 (minimum
# code size 6 for each later frame); the colours that change in the most
# frames first make them 0 and 1 (size 2). The frames still show the source.
pw_, ph_ = 32, 16
ppal = np.array([[4 * i, 255 - 4 * i, (53 * i) % 256] for i in range(62)], np.uint8)
pidx = np.zeros((7, ph_, pw_), np.int64)
pidx[0] = rng.permutation(np.arange(ph_ * pw_) % 60).reshape(ph_, pw_)
for k in range(1, 7):
    pidx[k] = pidx[0]
    pidx[k, 2:6, 2:6] = 60 + k % 2
psrc = np.zeros((7, ph_, pw_, 4), np.uint8)
psrc[..., :3] = ppal[pidx]
psrc[..., 3] = 255
psrc.tofile(raw)
pgif = os.path.join(work, "order.gif")
run("encode", "--raw", "%dx%d" % (pw_, ph_), "--delay", "5", "--lossless", "--no-optimize",
    "-o", pgif, raw)
o = os.path.join(work, "order-out.gif")
r = run("edit", pgif, "-o", o)
fr, j = frames(o) if r.returncode == 0 else (None, None)
check("lossless: a palette order priced on the frames (later frames at code size 2)",
      j is not None and len(j["frames"]) == 7 and
      all(x["min_code_size"] == 2 and not x["local_palette"] for x in j["frames"][1:]),
      r.stderr.decode() + str(j and [(x["min_code_size"], x["local_palette"]) for x in j["frames"]]))
check("lossless: those frames show the source",
      fr is not None and np.array_equal(canon(fr), canon(psrc)))
check("lossless: Pillow reads them alike",
      fr is not None and len(pillow_frames(o)) == 7 and
      all(np.array_equal(canon(a), canon(b)) for a, b in zip(pillow_frames(o), psrc)))

# Area-average resize, against the independent numpy reduction: an opaque
# image of few colours, so the blended colours stay under 256 and the
# encoder keeps them exactly.
blocks = np.zeros((2, 12, 16, 4), np.uint8)
blocks[..., 3] = 255
blocks[0, :, :8, :3] = (250, 10, 10)
blocks[0, :, 8:, :3] = (10, 10, 250)
blocks[0, 6:, :, 1] = 200
blocks[1] = blocks[0][:, ::-1]
blocks.tofile(raw)
bgif = os.path.join(work, "blocks.gif")
run("encode", "--raw", "16x12", "--delay", "10", "-o", bgif, raw)
o = os.path.join(work, "area.gif")
r = run("edit", bgif, "--resize", "7x5", "-o", o)
fr, _ = frames(o) if r.returncode == 0 else (None, None)
want = np.stack([reduce(b, 0, 0, 16, 12, 7, 5) for b in blocks])
check("op --resize 7x5 (area): the exact area average",
      fr is not None and np.array_equal(fr, want), r.stderr.decode())
r = run("edit", bgif, "--resize", "8x0", "-o", o)
check("op --resize 8x0 keeps the aspect ratio", r.returncode == 0 and
      (info(o)["canvas_width"], info(o)["canvas_height"]) == (8, 6))

# Timing, loop, frames.
fr, j, err = edited("--speed", "2")
check("op --speed 2: delays halved", j is not None and
      [x["delay_cs"] for x in j["frames"]] == [4] * N, err)
fr, j, err = edited("--delay", "25")
check("op --delay 25", j is not None and [x["delay_cs"] for x in j["frames"]] == [25] * N, err)
fr, j, err = edited("--speed", "0.5", "--delay", "3")
check("op --delay 3 --speed 0.5: 6 cs", j is not None and
      [x["delay_cs"] for x in j["frames"]] == [6] * N, err)
for loop, want in (("3", 3), ("0", 0), ("-1", None)):
    fr, j, err = edited("--loop", loop)
    check("op --loop %s" % loop, j is not None and j["loop_count"] == want, err)
for sel, idx in (("0-1,3", [0, 1, 3]), ("2-", [2, 3, 4]), ("3,1,1", [3, 1, 1]), ("4", [4])):
    fr, j, err = edited("--frames", sel)
    # Repeated frames merge: compare what is shown over time.
    got = timeline(fr, j) if fr is not None else []
    exp = [[canon(src[i]), 70] for i in idx]
    merged = []
    for f, d in exp:
        if merged and np.array_equal(merged[-1][0], f):
            merged[-1][1] += d
        else:
            merged.append([f, d])
    check("op --frames %s" % sel, same_timeline(got, merged), err)
fr, j, err = edited("--reverse")
check("op --reverse", fr is not None and np.array_equal(canon(fr), canon(src[::-1])), err)
fr, j, err = edited("--frame", "2")
check("op --frame 2: one still frame, no loop extension", fr is not None and len(fr) == 1 and
      np.array_equal(canon(fr[0]), canon(src[2])) and j["loop_count"] is None, err)
r = run("edit", anim, anim, "-o", os.path.join(work, "cat.gif"))
fr, j = frames(os.path.join(work, "cat.gif"))
check("op: two inputs concatenate", r.returncode == 0 and
      np.array_equal(canon(fr), canon(np.concatenate([src, src]))))
xb = os.path.join(work, "x.gif")
r = run("edit", anim, "--explode", "-o", xb)
ok = r.returncode == 0
for k in range(N):
    p = os.path.join(work, "x.%03d.gif" % k)
    ok = ok and os.path.exists(p) and np.array_equal(canon(frames(p)[0][0]), canon(src[k]))
check("op --explode: x.000.gif .. x.004.gif, one frame each", ok, r.stderr.decode())
r = run("edit", anim, "--colors", "4", "-o", o)
check("op --colors 4: at most 4 colours", r.returncode == 0 and
      len(np.unique(frames(o)[0][..., :3].reshape(-1, 3), axis=0)) <= 5)

# --lossy-lzw: a scrolling noisy gradient of 60 colours (exact in the encoder,
# so a pixel's own colour is the source's): smaller, and every pixel within
# N levels RMS of the source (3 N^2 squared error), alpha unchanged.
LW, LH = 96, 64
rng = np.random.default_rng(7)
ramp = np.arange(64)
lpal = np.stack([ramp * 4, 255 - ramp * 3, (ramp * 7) % 256], 1).astype(np.uint8)
ly, lx = np.mgrid[0:LH, 0:LW]
noise = rng.integers(0, 3, (LH, LW + 32))
lsrc = np.full((4, LH, LW, 4), 255, np.uint8)
for k in range(4):
    lsrc[k, ..., :3] = lpal[((lx + ly + 5 * k) // 3 + noise[:, 5 * k:5 * k + LW]) % 64]
lraw, lgif = os.path.join(work, "lz.rgba"), os.path.join(work, "lz.gif")
lsrc.tofile(lraw)
r = run("encode", "--raw", "%dx%d" % (LW, LH), "--lossless", "--denoise", "0", "-o", lgif, lraw)
lfr = frames(lgif)[0] if r.returncode == 0 else None
check("op --lossy-lzw: source encodes exactly", lfr is not None and np.array_equal(lfr, lsrc))
sizes = {}
for n in (0, 12):
    o = os.path.join(work, "lz%d.gif" % n)
    r = run("edit", lgif, "--colors", "256", "--lossy-lzw", str(n), "-o", o)
    fr = frames(o)[0] if r.returncode == 0 else None
    err = ((fr[..., :3].astype(int) - lsrc[..., :3]) ** 2).sum(-1) if fr is not None else None
    sizes[n] = os.path.getsize(o) if fr is not None else 0
    check("op --colors 256 --lossy-lzw %d: every pixel within %d levels" % (n, n),
          err is not None and err.max() <= 3 * n * n and np.array_equal(fr[..., 3], lsrc[..., 3]),
          r.stderr.decode())
check("op --lossy-lzw 12: at most 3/4 of the exact size (%d vs %d B)" % (sizes[12], sizes[0]),
      0 < sizes[12] <= 0.75 * sizes[0])

# ---- Extensions kept byte for byte, and dropped by --strip -----------------
def raw_blocks(data):
    """Walks the block structure: list of (kind, raw bytes)."""
    p = 13
    if data[10] & 0x80:
        p += 3 << ((data[10] & 7) + 1)
    blocks = []
    while p < len(data):
        b = data[p]
        if b == 0x3B:
            break
        if b == 0x21:
            q = p + 2
            while data[q]:
                q += data[q] + 1
            blocks.append(("ext%02x" % data[p + 1], data[p:q + 1]))
            p = q + 1
        elif b == 0x2C:
            q = p + 10
            if data[p + 9] & 0x80:
                q += 3 << ((data[p + 9] & 7) + 1)
            q += 1
            while data[q]:
                q += data[q] + 1
            blocks.append(("image", data[p:q + 1]))
            p = q + 1
        else:
            break
    return blocks


def kept_ext(data):
    return [b for k, b in raw_blocks(data)
            if k.startswith("ext") and k != "extf9" and b[3:14] != b"NETSCAPE2.0"]


for name in ("xmp-data.gif", "icc-color-profile.gif", "comment.gif", "unknown-extension.gif",
             "plain-text.gif"):
    f = os.path.join(corpora, "pygif-test-suite", name)
    if not os.path.exists(f):
        check("extension sample " + name, False, "missing")
        continue
    data = open(f, "rb").read()
    for args in ((), ("--loop", "5"), ("--rotate", "180")):
        r = run("edit", f, "-o", o, *args)
        res = open(o, "rb").read() if r.returncode == 0 else b""
        check("extensions of %s kept byte for byte (%s)" % (name, " ".join(args) or "optimize"),
              r.returncode == 0 and kept_ext(res) == kept_ext(data) and kept_ext(data) != [],
              r.stderr.decode())
    r = run("edit", f, "-o", o, "--strip")
    check("--strip drops the extensions of " + name,
          r.returncode == 0 and kept_ext(open(o, "rb").read()) == [])
r = run("edit", anim, "-o", o, "--comment", "made by giflow")
check("--comment adds one", kept_ext(open(o, "rb").read()) == [b"\x21\xfe\x0emade by giflow\x00"])

# ---- Fast path: only timing changes, frame data untouched ------------------
f = os.path.join(corpora, "wuffs", "test", "data", "animated-red-blue.gif")
data = open(f, "rb").read()
r = run("edit", f, "--delay", "50", "--loop", "1", "-o", o, "--json")
res = open(o, "rb").read()
images = lambda d: [b for k, b in raw_blocks(d) if k == "image"]
check("--delay/--loop copy the frame data untouched",
      r.returncode == 0 and json.loads(r.stdout)["mode"] == "copy" and images(res) == images(data))
fr, j = frames(o)
check("... with the new delays and loop count",
      [x["delay_cs"] for x in j["frames"]] == [50] * 4 and j["loop_count"] == 1)

# ---- Streaming: stdin to stdout, output before the input ends --------------
big = os.path.join(work, "long.gif")
frames_n = 40
seq = np.zeros((frames_n, 32, 48, 4), np.uint8)
seq[..., 3] = 255
for k in range(frames_n):
    seq[k, :, k % 48, :3] = (255, 200, 0)
    seq[k, k % 32, :, :3] = (0, 100, 255)
seq.tofile(raw)
run("encode", "--raw", "48x32", "--delay", "4", "--no-optimize", "-o", big, raw)
data = open(big, "rb").read()
p = subprocess.Popen([giflow, "edit", "-", "-o", "-"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE)
p.stdin.write(data[:len(data) // 2])
p.stdin.flush()
early = b""
deadline = time.time() + 10
while time.time() < deadline and len(early) < 200:
    ready, _, _ = select.select([p.stdout], [], [], 0.2)
    if ready:
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        early += chunk
check("stdin -> stdout: output starts before the input ends", len(early) >= 200, str(len(early)))
p.stdin.write(data[len(data) // 2:])
p.stdin.close()
rest = p.stdout.read()
p.wait()
o2 = os.path.join(work, "piped.gif")
open(o2, "wb").write(early + rest)
check("stdin -> stdout: the same frames", p.returncode == 0 and
      same_timeline(timeline(*frames(big)), timeline(*frames(o2))))

# ---- Refusals --------------------------------------------------------------
r = run("edit", anim, "-o", anim)
check("-o naming an input is refused", r.returncode != 0 and open(anim, "rb").read()[:3] == b"GIF")
r = run("edit", anim, "--rotate", "45", "-o", o)
check("--rotate 45 is refused", r.returncode == 64)
r = run("edit", anim, "--copy", "--rotate", "90", "-o", o)
check("--copy with --rotate is refused", r.returncode != 0)
finish("edit_test")
