#!/usr/bin/env python3
"""giflow edit vs gifsicle and ImageMagick on existing GIFs (bench/edit).

usage: editbench.py GIFLOW CORPORA WORKDIR OUT_JSON

Inputs: every animation of the corpora that browsers render (giflow
decodes it without error, two frames or more; duplicates by content
skipped), plus animations generated here with ffmpeg, ImageMagick and
giflow.

- Lossless: `giflow edit IN -o OUT` vs `gifsicle -O3` vs ImageMagick
  `convert IN -layers optimize OUT`: total bytes, total CPU time (user +
  sys of the child, median of EDITBENCH_RUNS runs), and for giflow:
  pixel-exact (every frame and played delay, decoded by giflow and by
  Pillow) and never larger than the input.
- Lossy: `gifsicle -O3 --lossy=20/80/200` vs `giflow edit --lossy N`
  (with `--lossy-lzw M` or without):
  total bytes and PSNR against the input's frames (time-weighted over what
  is shown, RGB of the composited canvas); a giflow setting dominates a
  gifsicle point when it is both smaller and at least as close.
- Peak RSS of `giflow edit` on a 1,200-frame clip and on its first 60
  frames.
"""
import glob
import hashlib
import json
import os
import statistics
import subprocess
import sys

import numpy as np
from PIL import Image, ImageSequence

G, CORPORA, WORK, OUT = sys.argv[1:5]
RUNS = int(os.environ.get("EDITBENCH_RUNS", "3"))
os.makedirs(WORK, exist_ok=True)


# giflow's lossy settings: --lossy alone, then with --lossy-lzw.
GIFLOW_LOSSY = ["--lossy %d" % n for n in (4, 8, 16, 32, 48, 64)] + [
    "--lossy 12 --lossy-lzw 4", "--lossy 16 --lossy-lzw 8", "--lossy 24 --lossy-lzw 8",
    "--lossy 24 --lossy-lzw 16", "--lossy 32 --lossy-lzw 16"]


def cpu_run(cmd):
    """Runs cmd; returns (returncode, user+sys seconds, max RSS KiB)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def timed(cmd):
    times, rc = [], 0
    for _ in range(RUNS):
        rc, t, _ = cpu_run(cmd)
        times.append(t)
    return rc, statistics.median(times)


def info(path):
    r = subprocess.run([G, "info", "--json", path], capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return None


def frames(path):
    j = info(path)
    r = subprocess.run([G, "decode", "--raw", path, "-o", "-"], capture_output=True)
    w, h = j["canvas_width"], j["canvas_height"]
    n = len(r.stdout) // (w * h * 4)
    a = np.frombuffer(r.stdout[:n * w * h * 4], np.uint8).reshape(n, h, w, 4).copy()
    a[a[..., 3] == 0] = 0
    return a, [f["played_delay_ms"] for f in j["frames"][:n]], j


def timeline(a, d):
    out = []
    for f, ms in zip(a, d):
        if out and np.array_equal(out[-1][0], f):
            out[-1][1] += ms
        else:
            out.append([f, ms])
    return out


def exact(src, out):
    a, da, ja = frames(src)
    b, db, jb = frames(out)
    ta, tb = timeline(a, da), timeline(b, db)
    if ja["loop_count"] != jb["loop_count"] or len(ta) != len(tb):
        return False
    return all(np.array_equal(x[0], y[0]) and x[1] == y[1] for x, y in zip(ta, tb))


def pillow_exact(src, out):
    """Pillow reads the output as giflow reads the input (None: Pillow's
    model already differs from the browser's on the input)."""
    def pil(p):
        return [np.asarray(f.convert("RGBA")).copy() for f in ImageSequence.Iterator(Image.open(p))]

    def canon(x):
        x = x.copy()
        x[x[..., 3] == 0] = 0
        return x
    a, _, _ = frames(src)
    try:
        pin = [canon(x) for x in pil(src)]
        if len(pin) != len(a) or not all(np.array_equal(x, y) for x, y in zip(pin, a)):
            return None
        pout = [canon(x) for x in pil(out)]
    except Exception:  # noqa: BLE001
        return False
    b, _, _ = frames(out)
    return len(pout) == len(b) and all(np.array_equal(x, y) for x, y in zip(pout, b))


def psnr(src, out):
    """Time-weighted PSNR (RGB of the canvas; transparent is black) of what
    out shows against what src shows."""
    a, da, _ = frames(src)
    b, db, _ = frames(out)
    if a.shape[1:] != b.shape[1:]:
        return 0.0
    ta, tb = timeline(a, da), timeline(b, db)
    i = j = 0
    ra, rb = ta[0][1], tb[0][1]
    se = total = 0.0
    while i < len(ta) and j < len(tb):
        step = min(ra, rb)
        diff = ta[i][0][..., :3].astype(np.int32) - tb[j][0][..., :3]
        se += step * float(np.mean(diff * diff))
        total += step
        ra -= step
        rb -= step
        if ra == 0:
            i += 1
            ra = ta[i][1] if i < len(ta) else 0
        if rb == 0:
            j += 1
            rb = tb[j][1] if j < len(tb) else 0
    mse = se / max(total, 1)
    return 99.0 if mse == 0 else 10 * np.log10(255 * 255 / mse)


def corpus_inputs():
    seen, files = set(), []
    for f in sorted(glob.glob(os.path.join(CORPORA, "**", "*"), recursive=True)):
        if not os.path.isfile(f):
            continue
        with open(f, "rb") as fh:
            data = fh.read()
        if data[:4] != b"GIF8":
            continue
        h = hashlib.sha1(data).hexdigest()
        if h in seen:
            continue
        j = info(f)
        if not j or j.get("error") or j["frame_count"] < 2:
            continue
        if j["canvas_width"] * j["canvas_height"] * j["frame_count"] > 200e6:
            continue
        seen.add(h)
        files.append(f)
    return files


def generated_inputs():
    gen = os.path.join(WORK, "gen")
    os.makedirs(gen, exist_ok=True)
    made = []

    def make(name, cmd):
        p = os.path.join(gen, name)
        if not os.path.exists(p) or os.path.getsize(p) == 0:
            r = subprocess.run(cmd(p), capture_output=True)
            if r.returncode or not os.path.exists(p) or os.path.getsize(p) == 0:
                if os.path.exists(p):
                    os.remove(p)
                print("bench: could not make %s: %s" % (name, r.stderr.decode()[-200:]),
                      file=sys.stderr)
                return
        made.append(p)

    ff = ["ffmpeg", "-loglevel", "error", "-y"]
    make("ffmpeg-testsrc2.gif", lambda p: ff + [
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15:duration=4",
        "-filter_complex", "split[a][b];[a]palettegen[p];[b][p]paletteuse", p])
    make("ffmpeg-mandelbrot.gif", lambda p: ff + [
        "-t", "4", "-f", "lavfi", "-i", "mandelbrot=size=240x160:rate=10",
        "-filter_complex", "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse", p])
    make("imagemagick-plasma.gif", lambda p: [
        "convert", "-size", "160x120", "-delay", "8", "plasma:fractal", "-seed", "3",
        "(", "+clone", "-roll", "+8+0", ")", "(", "+clone", "-roll", "+8+0", ")",
        "(", "+clone", "-roll", "+8+0", ")", "(", "+clone", "-roll", "+8+0", ")",
        "-colors", "64", "-loop", "0", p])
    raw = os.path.join(gen, "screen.rgba")
    if not os.path.exists(os.path.join(gen, "giflow-screen.gif")):
        n, w, h = 50, 320, 200
        a = np.full((n, h, w, 4), 255, np.uint8)
        a[..., :3] = (240, 240, 235)
        for k in range(n):
            a[k, 20:30, 10:10 + 5 * k, :3] = (30, 90, 200)  # a growing bar
            a[k, 60 + k % 40:70 + k % 40, 100:140, :3] = (200, 40, 40)  # a moving box
        a.tofile(raw)
    make("giflow-screen.gif", lambda p: [G, "encode", "--raw", "320x200", "--fps", "10",
                                         "--no-optimize", "-o", p, raw])
    return made


def main():
    files = corpus_inputs() + generated_inputs()
    rows, res = [], {"files": []}
    tot = {"in": 0, "giflow": 0, "gifsicle": 0, "magick": 0, "t_giflow": 0.0,
           "t_gifsicle": 0.0, "t_magick": 0.0}
    exact_n = pillow_n = pillow_skip = larger = 0
    for f in files:
        name = os.path.relpath(f, CORPORA) if f.startswith(CORPORA) else os.path.basename(f)
        o_g, o_s, o_m = (os.path.join(WORK, x) for x in ("g.gif", "s.gif", "m.gif"))
        _, tg = timed([G, "edit", f, "-o", o_g])
        rs, ts = timed(["gifsicle", "-O3", f, "-o", o_s])
        rm, tm = timed(["convert", f, "-layers", "optimize", o_m])
        si, sg = os.path.getsize(f), os.path.getsize(o_g)
        ss = os.path.getsize(o_s) if rs == 0 else si
        sm = os.path.getsize(o_m) if rm == 0 and os.path.exists(o_m) else si
        ok = exact(f, o_g)
        pk = pillow_exact(f, o_g) if open(o_g, "rb").read() != open(f, "rb").read() else None
        exact_n += ok
        pillow_n += pk is True
        pillow_skip += pk is None
        larger += sg > si
        for k, v in (("in", si), ("giflow", sg), ("gifsicle", ss), ("magick", sm),
                     ("t_giflow", tg), ("t_gifsicle", ts), ("t_magick", tm)):
            tot[k] += v
        res["files"].append({"file": name, "in": si, "giflow": sg, "gifsicle": ss, "magick": sm,
                             "t_giflow": tg, "t_gifsicle": ts, "exact": ok, "pillow": pk})
        rows.append("%-58s %8d %8d %8d %8d %s%s" % (name[:58], si, sg, ss, sm,
                                                   "" if ok else " NOT EXACT",
                                                   " PILLOW DIFFERS" if pk is False else ""))
    print("lossless: %d files (corpus animations browsers render + generated)" % len(files))
    print("%-58s %8s %8s %8s %8s" % ("file", "input", "giflow", "gifsicle", "magick"))
    print("\n".join(rows))
    print("total bytes: input %d, giflow %d, gifsicle -O3 %d, ImageMagick %d" %
          (tot["in"], tot["giflow"], tot["gifsicle"], tot["magick"]))
    print("giflow/gifsicle bytes %.4f (target <= 0.97), giflow/ImageMagick %.4f" %
          (tot["giflow"] / tot["gifsicle"], tot["giflow"] / tot["magick"]))
    print("CPU time (median of %d): giflow %.2f s, gifsicle %.2f s, ImageMagick %.2f s; "
          "giflow/gifsicle %.2f" % (RUNS, tot["t_giflow"], tot["t_gifsicle"], tot["t_magick"],
                                    tot["t_giflow"] / max(tot["t_gifsicle"], 1e-9)))
    print("pixel-exact (giflow decoder): %d/%d; Pillow agrees: %d (%d where Pillow's model "
          "differs on the input); larger than the input: %d" %
          (exact_n, len(files), pillow_n, pillow_skip, larger))
    res["lossless"] = dict(tot, exact=exact_n, files_n=len(files), pillow=pillow_n,
                           pillow_skip=pillow_skip, larger=larger)

    # Lossy: on the files with more than 20 KB (where lossy matters).
    lossy_files = [f for f in files if os.path.getsize(f) > 20000]
    points = {}
    for label, cmd in [("gifsicle --lossy=%d" % n, lambda f, o, n=n: [
            "gifsicle", "-O3", "--lossy=%d" % n, f, "-o", o]) for n in (20, 80, 200)] + [
            ("giflow " + a, lambda f, o, a=a: [G, "edit"] + a.split() + [f, "-o", o])
            for a in GIFLOW_LOSSY]:
        b = 0
        ps = []
        o = os.path.join(WORK, "l.gif")
        for f in lossy_files:
            subprocess.run(cmd(f, o), capture_output=True)
            b += os.path.getsize(o)
            ps.append(psnr(f, o))
        points[label] = (b, float(np.mean(ps)))
    print("\nlossy: %d files over 20 KB; total bytes, mean PSNR (dB) vs the input's frames" %
          len(lossy_files))
    for k, (b, p) in points.items():
        print("  %-36s %9d  %6.2f dB" % (k, b, p))
    res["lossy"] = {}
    for n in (20, 80, 200):
        gb, gp = points["gifsicle --lossy=%d" % n]
        dom = [k for k, (b, p) in points.items() if k.startswith("giflow") and b <= gb and p >= gp]
        res["lossy"][n] = dom
        print("  gifsicle --lossy=%d dominated by: %s" % (n, ", ".join(dom) or "none"))

    # Peak RSS: flat in the frame count.
    clip = os.path.join(WORK, "gen", "clip-1200.gif")
    if not os.path.exists(clip):
        raw = os.path.join(WORK, "gen", "clip.rgba")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc2=size=320x240:rate=25", "-frames:v", "1200", "-f", "rawvideo",
                        "-pix_fmt", "rgba", raw], check=True)
        subprocess.run([G, "encode", "--raw", "320x240", "--fps", "25", "-o", clip, raw], check=True)
        os.remove(raw)
    first = os.path.join(WORK, "gen", "clip-60.gif")
    subprocess.run([G, "edit", clip, "--frames", "0-59", "-o", first], check=True)
    rss = {}
    for label, src in (("60", first), ("1200", clip)):
        # /usr/bin/time: the RSS of a child forked from this (large) Python
        # process would start from Python's own.
        vals = []
        for _ in range(3):
            r = subprocess.run(["/usr/bin/time", "-f", "%M", G, "edit", src, "-o",
                                os.path.join(WORK, "r.gif")], capture_output=True, text=True)
            vals.append(int(r.stderr.strip().splitlines()[-1]))
        rss[label] = statistics.median(vals)
    print("\npeak RSS of giflow edit: first 60 frames %d KiB, 1,200 frames %d KiB (ratio %.3f, "
          "target within 10%%)" % (rss["60"], rss["1200"], rss["1200"] / rss["60"]))
    res["rss_kib"] = rss
    with open(OUT, "w") as fh:
        json.dump(res, fh, indent=1)


main()
