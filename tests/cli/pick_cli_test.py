#!/usr/bin/python3
"""giflow decode --frame / --frames / --at (random access through the player).

Truths: the frames of a plain `giflow decode --raw` (every frame in
sequence, checked against the corpora elsewhere), and, for --at, frame
times worked out here from Pillow's view of the file (its stored
durations, clamped as browsers play them: <= 10 ms plays as 100 ms) with
the browser loop rules (no loop block: once; 0: forever; N: N + 1 plays).
Also: PNG output against Pillow, -o FILE.png, a pipe on stdin, bad values.

Usage: pick_cli_test.py GIFLOW CORPORA WORKDIR"""
import io
import json
import os
import shutil
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cliutil import check, finish, runner  # noqa: E402

giflow, corpora, work = sys.argv[1], sys.argv[2], sys.argv[3]
run = runner(giflow)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = os.path.join(corpora, "wuffs", "test", "data")
FILES = [os.path.join(data, n) for n in
         ("gifplayer-muybridge.gif", "animated-red-blue.gif", "hippopotamus.interlaced.gif")]
FILES += [os.path.join(corpora, "pygif-test-suite", n) for n in
          ("dispose-restore-previous.gif", "dispose-restore-background.gif", "loop-once.gif",
           "animation-zero-delays.gif")]


def all_frames(path):
    """Every frame of a sequential raw decode, and the canvas size."""
    j = json.loads(run("info", "--json", path).stdout)
    w, h = j["canvas_width"], j["canvas_height"]
    r = run("decode", "--raw", path, "-o", "-")
    frames = np.frombuffer(r.stdout, np.uint8).reshape(-1, h, w, 4)
    return frames, w, h


def browser_times(path):
    """(start times in ms, one play in ms, plays or None for forever),
    from Pillow: stored durations, browser clamping, NETSCAPE loop."""
    im = Image.open(path)
    delays = []
    for k in range(im.n_frames):
        im.seek(k)
        d = im.info.get("duration", 0)
        delays.append(100 if d <= 10 else d)
    loop = im.info.get("loop")  # None: no loop block
    starts = np.cumsum([0] + delays[:-1])
    plays = 1 if loop is None else (None if loop == 0 else loop + 1)
    return starts, sum(delays), plays


def frame_at(ms, starts, total, plays):
    if plays is not None and ms >= plays * total:
        return len(starts) - 1
    return int(np.searchsorted(starts, ms % total, side="right") - 1)


for path in FILES:
    name = os.path.basename(path)
    if not os.path.exists(path):
        check(name + " present", False, path)
        continue
    frames, w, h = all_frames(path)
    n = len(frames)
    rng = np.random.default_rng(len(name))
    picks = [int(k) for k in rng.integers(0, n, size=min(n, 12))] + [n - 1, 0]
    # --frames in a scrambled order, raw: exactly those frames, in that order.
    out = os.path.join(work, name + ".picked")
    r = run("decode", "--raw", "--frames", ",".join(map(str, picks)), path, "-o", out)
    got = np.fromfile(out, np.uint8).reshape(-1, h, w, 4) if r.returncode == 0 else None
    check(name + ": --frames raw", got is not None and len(got) == len(picks) and
          all((got[i] == frames[k]).all() for i, k in enumerate(picks)),
          r.stderr.decode()[-300:])
    # A range and an open range.
    a = max(0, n - 3)
    lst = "0-%d,%d-" % (min(1, n - 1), a)
    r = run("decode", "--raw", "--frames", lst, path, "-o", "-")
    got = np.frombuffer(r.stdout, np.uint8).reshape(-1, h, w, 4)
    want = list(range(min(1, n - 1) + 1)) + list(range(a, n))
    check(name + ": --frames " + lst, len(got) == len(want) and
          all((got[i] == frames[k]).all() for i, k in enumerate(want)), r.stderr.decode())
    # --frame N as a PNG file, read back with Pillow.
    k = picks[0]
    png = os.path.join(work, name + ".png")
    r = run("decode", "--frame", str(k), path, "-o", png)
    ok = r.returncode == 0 and os.path.exists(png)
    if ok:
        img = np.asarray(Image.open(png).convert("RGBA"))
        ok = (img == frames[k]).all()
    check(name + ": --frame %d -o FILE.png" % k, ok, r.stderr.decode())
    # --at against the browser timing worked out from Pillow.
    starts, total, plays = browser_times(path)
    check(name + ": Pillow sees the same frames", len(starts) == n, "%d vs %d" % (len(starts), n))
    times = [0, total // 2, total - 1, total, total + starts[-1], 3 * total + 7, 10 ** 7]
    arg = ",".join("%dms" % t for t in times)
    r = run("decode", "--raw", "--at", arg, path, "-o", "-")
    got = np.frombuffer(r.stdout, np.uint8).reshape(-1, h, w, 4)
    want = [frame_at(t, starts, total, plays) for t in times]
    check(name + ": --at %s -> frames %s" % (arg, want), len(got) == len(want) and
          all((got[i] == frames[k]).all() for i, k in enumerate(want)), r.stderr.decode())

# Seconds by default and with "s"; a pipe on stdin; the PNG directory
# keeps frame numbers; JSON summary.
mu = FILES[0]
frames, w, h = all_frames(mu)
starts, total, plays = browser_times(mu)
r = run("decode", "--raw", "--at", "2.5s,2.5,2500ms", "-", "-o", "-", stdin=open(mu, "rb").read())
got = np.frombuffer(r.stdout, np.uint8).reshape(-1, h, w, 4)
k = frame_at(2500, starts, total, plays)
check("--at 2.5s / 2.5 / 2500ms from stdin", len(got) == 3 and all((g == frames[k]).all() for g in got),
      r.stderr.decode())
d = os.path.join(work, "pngs")
r = run("decode", "--frames", "7,3,300", "--json", mu, "-o", d)
j = json.loads(r.stdout) if r.returncode == 0 else {}
check("--frames to a directory", sorted(os.listdir(d)) == ["frame_0003.png", "frame_0007.png",
                                                           "frame_0300.png"] and
      j.get("frames_written") == 3 and j.get("frames") == len(frames) and
      j.get("player_peak_heap", 1 << 62) <= j.get("player_limit", 0), r.stdout.decode())
# A thumbnail: --frame with --resize equals that frame of a sequential
# decode through the same viewport.
r = run("decode", "--raw", "--frame", "200", "--resize", "118x0", mu, "-o", "-")
got = np.frombuffer(r.stdout, np.uint8)
seq = np.frombuffer(run("decode", "--raw", "--resize", "118x0", mu, "-o", "-").stdout, np.uint8)
oh = (2 * h * 118 + w) // (2 * w)
seq = seq.reshape(-1, oh, 118, 4)
check("--frame 200 --resize 118x0 (a thumbnail)", got.size == 118 * oh * 4 and
      (got.reshape(oh, 118, 4) == seq[200]).all(), r.stderr.decode())
# Frame 0 is a still: exactly the full frame reduced by numpy.
from cliutil import reduce  # noqa: E402
r = run("decode", "--raw", "--frame", "0", "--crop", "10,20,300,200", "--resize", "75x0", mu,
        "-o", "-")
got = np.frombuffer(r.stdout, np.uint8)
check("--frame 0 --crop --resize against numpy", got.size == 75 * 50 * 4 and
      (got.reshape(50, 75, 4) == reduce(frames[0], 10, 20, 300, 200, 75, 50)).all(),
      r.stderr.decode())

# Errors: a clear message, no output left behind.
bad = [(["--frame", "x"], "frame number"), (["--frames", "5-3"], "ranges go up"),
       (["--at", "1.5q"], "times like"), (["--at", "-1s"], "times like"),
       (["--frames", "1,,2"], "list of frames")]
for args, msg in bad:
    r = run("decode", *args, mu, "-o", os.path.join(work, "bad.png"))
    check("decode %s refused" % " ".join(args), r.returncode == 64 and msg in r.stderr.decode(),
          r.stderr.decode())
r = run("decode", "--frame", str(len(frames)), mu, "-o", os.path.join(work, "none.png"))
check("--frame past the end: an error, no file", r.returncode == 1 and b"no frame" in r.stderr and
      not os.path.exists(os.path.join(work, "none.png")), r.stderr.decode())
r = run("decode", "--frames", "1,2", mu, "-o", os.path.join(work, "two.png"))
check("-o FILE.png with two frames refused", r.returncode == 64, r.stderr.decode())
finish("pick_cli_test")
