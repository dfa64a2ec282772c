#!/usr/bin/python3
"""Encoder benchmark driver: runs every encoder on every clip, measures
time, peak RSS, size, PSNR, SSIM-Y and flicker (decoded with Pillow,
measured by encmetrics), the memory flatness of giflow, and writes a table
and JSON. bench/encode/run.sh calls it; see bench/encode/README.md.

Usage: /usr/bin/python3 encbench.py --out DIR --giflow GIFLOW --cgif CGIF_LIQ
           --metrics ENCMETRICS [--gifski GIFSKI]
           --clip NAME:PATH:W:H:FPS ... [--json FILE] [--txt FILE]
           [--only SUBSTR,...] [--flat N1,N2] [--no-xcheck]
A clip's PATH.json, when present, gives {"static_ranges": [[a, b], ...]}:
source frames where the camera is still (for the flicker figure).
Environment: ENCBENCH_GIFLOW_EXTRA="--colors 128;--palette local" adds
giflow variants (one per ';'-separated option list).
"""
import argparse
import json
import math
import os
import re
import shlex
import subprocess
import sys
import time

import numpy as np
import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"  # Debian's, with python3-pil and python3-numpy
FFMPEG = "/usr/bin/ffmpeg"
CONVERT = "/usr/bin/convert"  # ImageMagick 6 (Debian's alternatives link)
GIFSICLE = "/usr/bin/gifsicle"
TIME = "/usr/bin/time"

# giflow variants: (label, extra `giflow encode` options). Add presets here.
GIFLOW_VARIANTS = [
    ("giflow", []),
    ("giflow -Q 100", ["--quality", "100"]),
    ("giflow -Q 98", ["--quality", "98"]),
    ("giflow -Q 90", ["--quality", "90"]),
    ("giflow -Q 80", ["--quality", "80"]),
    ("giflow -Q 70", ["--quality", "70"]),
    ("giflow -Q 60", ["--quality", "60"]),
    ("giflow -Q 55", ["--quality", "55"]),
    ("giflow -Q 50", ["--quality", "50"]),
    ("giflow -Q 40", ["--quality", "40"]),
    ("giflow -Q 35", ["--quality", "35"]),
    ("giflow -Q 36 --fast", ["--quality", "36", "--fast"]),
    ("giflow --fast", ["--fast"]),
    ("giflow --effort 3", ["--effort", "3"]),
    ("giflow --palette global", ["--palette", "global"]),
    ("giflow --lossy 4", ["--lossy", "4"]),
    ("giflow --lossy 10", ["--lossy", "10"]),
    ("giflow --dither fs", ["--dither", "fs"]),
    ("giflow -Q 100 --palette local", ["--quality", "100", "--palette", "local"]),
    ("giflow --colors 128 --lossy 6 --lossy-lzw 4",
     ["--colors", "128", "--lossy", "6", "--lossy-lzw", "4"]),
    ("giflow --tune ssim", ["--tune", "ssim"]),
    ("giflow --tune ssim --fast", ["--tune", "ssim", "--fast"]),
    ("giflow --tune ssim -Q 90", ["--tune", "ssim", "--quality", "90"]),
]

# gifski points: (label, options). The peer's documented settings.
GIFSKI_POINTS = [
    ("gifski -Q 90", ["--quality", "90"]),
    ("gifski -Q 70", ["--quality", "70"]),
    ("gifski -Q 50", ["--quality", "50"]),
    ("gifski --fast", ["--quality", "90", "--fast"]),
    ("gifski --extra", ["--quality", "90", "--extra"]),
]

PSNR_DEFINITION = (
    "PSNR = 10*log10(255^2 / MSE), MSE = mean of (gif - src)^2 over every "
    "source frame k, every pixel and the R, G, B channels (8-bit values). "
    "gif is the GIF frame on screen at time (k + 1/2)/fps: GIF frame j is "
    "shown from the sum of the delays of frames 0..j-1 for its own delay "
    "(delays of 0-1 cs count as 10 cs, as browsers play them); after the "
    "last delay the last frame stays. Frames are decoded and composited by "
    "Pillow %s (convert('RGB')), not by giflow. min frame = lowest "
    "per-source-frame PSNR. SSIM-Y: SSIM of the luma (0.299 R + 0.587 G + "
    "0.114 B) with an 11x11 Gaussian window (sigma 1.5), K1 0.01, K2 0.03, "
    "valid windows only, mean per frame then over frames. flicker: mean "
    "absolute change (levels, mean of R, G, B) of the picture on screen "
    "between consecutive source frames, over the pixels where the source is "
    "static (exactly equal to the frame before, or, for the natural clip, "
    "every pixel of the frames where its camera is still); src flicker is the "
    "same on the source." % PIL.__version__)


class Clip:
    def __init__(self, spec):
        name, path, w, h, fps = spec.split(":")
        self.name, self.path = name, path
        self.w, self.h, self.fps = int(w), int(h), float(fps)
        self.frame_bytes = self.w * self.h * 4
        self.frames = os.path.getsize(path) // self.frame_bytes
        self.delay_cs = round(100 / self.fps)
        self.static_ranges = []
        if os.path.exists(path + ".json"):
            with open(path + ".json") as f:
                self.static_ranges = json.load(f).get("static_ranges", [])


def slug(label):
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


# ---------------------------------------------------------------------------
# Encoders. Each returns a list of steps (argv lists) that make `out`.


def giflow_steps(opts):
    def steps(a, c, out, work):
        return [[a.giflow, "encode", "--raw", "%dx%d" % (c.w, c.h),
                 "--fps", "%g" % c.fps] + opts + ["-o", out, c.path]]
    return steps


def ffmpeg_steps(paletteuse):
    def steps(a, c, out, work):
        pal = os.path.join(work, "palette.png")
        src = [FFMPEG, "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba",
               "-s", "%dx%d" % (c.w, c.h), "-framerate", "%g" % c.fps, "-i", c.path]
        return [src + ["-vf", "palettegen=stats_mode=full", pal],
                src + ["-i", pal, "-lavfi", "[0:v][1:v]paletteuse=" + paletteuse,
                       "-loop", "0", out]]
    return steps


def imagemagick_steps(a, c, out, work):
    return [[CONVERT, "-delay", str(c.delay_cs), "-size", "%dx%d" % (c.w, c.h),
             "-depth", "8", "rgba:" + c.path, "-loop", "0", out]]


def gifsicle_steps(a, c, out, work):
    # Runs on ImageMagick's output (the "imagemagick" row must come first);
    # its time and memory are added to ImageMagick's.
    return [[GIFSICLE, "-O3", os.path.join(a.out, c.name, "imagemagick.gif"),
             "-o", out]]


def pillow_steps(mode):
    def steps(a, c, out, work):
        return [[PY, os.path.join(HERE, "pil_encode.py"), c.path, str(c.w), str(c.h),
                 str(c.delay_cs * 10), out, mode]]
    return steps


def cgif_steps(opts):
    def steps(a, c, out, work):
        return [[a.cgif] + opts + ["--delay", str(c.delay_cs), str(c.w), str(c.h),
                                   c.path, out]]
    return steps


def png_frames(c):
    """The clip as numbered PNG files (gifski reads PNGs only), made once
    per clip version (its .stamp) and kept. Not part of gifski's time."""
    d = c.path + ".png"
    sp = os.path.join(d, "stamp")
    stamp = open(c.path + ".stamp").read() if os.path.exists(c.path + ".stamp") else "?"
    if not (os.path.exists(sp) and open(sp).read() == stamp):
        print("encbench: writing %s as PNG frames for gifski ..." % c.name, file=sys.stderr,
              flush=True)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        src = np.memmap(c.path, dtype=np.uint8, mode="r").reshape(-1, c.h, c.w, 4)
        for k in range(c.frames):
            Image.fromarray(np.ascontiguousarray(src[k, :, :, :3]), "RGB").save(
                os.path.join(d, "f%05d.png" % k), compress_level=1)
        with open(sp, "w") as f:
            f.write(stamp)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".png"))


def gifski_steps(opts):
    def steps(a, c, out, work):
        return [[a.gifski, "--quiet", "--fps", "%g" % c.fps, "--width", str(c.w)] + opts +
                ["-o", out] + png_frames(c)]
    return steps


def encoders(a):
    """(label, steps, settings text, base label whose cost is included)."""
    extra = [e for e in os.environ.get("ENCBENCH_GIFLOW_EXTRA", "").split(";") if e.strip()]
    variants = GIFLOW_VARIANTS + [("giflow " + e.strip(), shlex.split(e)) for e in extra]
    out = [(label, giflow_steps(o), "giflow encode --raw WxH --fps F %s" % " ".join(o), None)
           for label, o in variants]
    if a.gifski:
        out += [(label, gifski_steps(o), "gifski --fps F --width W %s -o OUT FRAMES.png (%s)"
                 % (" ".join(o), "PNG frames written beforehand, not timed"), None)
                for label, o in GIFSKI_POINTS]
    out += [
        ("ffmpeg sierra2_4a", ffmpeg_steps("dither=sierra2_4a:diff_mode=rectangle"),
         "palettegen=stats_mode=full, then paletteuse=dither=sierra2_4a:diff_mode=rectangle", None),
        ("ffmpeg bayer5", ffmpeg_steps("dither=bayer:bayer_scale=5:diff_mode=rectangle"),
         "palettegen=stats_mode=full, then paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle", None),
        ("imagemagick", imagemagick_steps,
         "convert -delay D -size WxH -depth 8 rgba:IN -loop 0 OUT (defaults)", None),
        ("imagemagick+gifsicle", gifsicle_steps,
         "gifsicle -O3 on the imagemagick output; time = both, RSS = max", "imagemagick"),
        ("pillow RGB", pillow_steps("RGB"),
         "save_all, duration, loop=0; RGB frames (median cut, no dither)", None),
        ("pillow RGBA", pillow_steps("RGBA"),
         "save_all, duration, loop=0; RGBA frames (fast octree, no dither)", None),
        ("cgif+liq local", cgif_steps([]),
         "libimagequant per frame, speed 4, 256 colours, dither 1.0; cgif local palettes", None),
        ("cgif+liq global", cgif_steps(["--global"]),
         "libimagequant histogram of 32 sampled frames, speed 4, 255 colours, dither 1.0; "
         "cgif global palette + transparency", None),
    ]
    return out


# ---------------------------------------------------------------------------
# Running and measuring


def run_timed(argv, work, env=None):
    """Runs argv under GNU time. Returns wall s, cpu s, peak RSS KB."""
    tf = os.path.join(work, "time.txt")
    t0 = time.perf_counter()
    p = subprocess.run([TIME, "-f", "%U %S %M", "-o", tf] + argv, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (argv[0], p.returncode,
                                                    p.stderr.decode(errors="replace")[-2000:]))
    user, sys_, rss = open(tf).read().split()[-3:]
    return wall, float(user) + float(sys_), int(rss)


def gif_frames(path):
    """Yields (RGB array, delay ms) for each frame, composited by Pillow."""
    with Image.open(path) as im:
        k = 0
        while True:
            try:
                im.seek(k)
            except EOFError:
                return
            d = im.info.get("duration", 0) or 0
            yield np.asarray(im.convert("RGB")), (100 if d < 20 else d)
            k += 1


def giflow_canvases(giflow, path, w, h):
    """Yields each frame as giflow's decoder composites it (for the check)."""
    p = subprocess.Popen([giflow, "decode", "--raw", path, "-o", "-"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    n = w * h * 4
    try:
        while True:
            b = p.stdout.read(n)
            if len(b) < n:
                break
            yield np.frombuffer(b, np.uint8).reshape(h, w, 4)
    finally:
        p.stdout.close()
        p.wait()


def measure(a, c, gif):
    """PSNR, SSIM-Y and flicker against the source (see PSNR_DEFINITION):
    Pillow composites the GIF, and the picture on screen at every source
    frame goes to encmetrics. Also checks that Pillow's and giflow's
    decoders agree on every frame."""
    period = 1000.0 / c.fps
    k = 0
    t_end, last = 0.0, None
    gif_count = 0
    xc = giflow_canvases(a.giflow, gif, c.w, c.h) if a.xcheck else None
    x_bad, x_transparent, x_missing = 0, 0, 0
    argv = [a.metrics, str(c.w), str(c.h), c.path]
    if c.static_ranges:
        argv += ["--static", ",".join("%d-%d" % (r[0], r[1]) for r in c.static_ranges)]
    mp = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def show(img, upto):
        nonlocal k
        b = None
        while k < c.frames and (k + 0.5) * period < upto:
            b = b or np.ascontiguousarray(img).tobytes()
            mp.stdin.write(b)
            k += 1

    try:
        for img, delay in gif_frames(gif):
            if img.shape[:2] != (c.h, c.w):
                raise RuntimeError("%s: canvas %s, expected %dx%d" % (gif, img.shape, c.w, c.h))
            gif_count += 1
            if xc is not None:
                g = next(xc, None)
                if g is None:
                    x_missing += 1
                else:
                    opaque = g[:, :, 3] == 255
                    x_transparent += int((~opaque).sum())
                    if not np.array_equal(g[:, :, :3][opaque], img[opaque]):
                        x_bad += 1
            t_end += delay
            show(img, t_end)
            last = img
        show(last, math.inf)
    finally:
        mp.stdin.close()
        out = mp.stdout.read()
        mp.wait()
    if mp.returncode != 0:
        raise RuntimeError("encmetrics failed on %s" % gif)
    m = json.loads(out)
    if xc is not None:
        x_missing += sum(1 for _ in xc)  # frames giflow saw and Pillow did not
    inf = lambda v: float("inf") if v is None else v
    res = {"psnr_db": inf(m["psnr_db"]), "min_frame_psnr_db": inf(m["min_frame_psnr_db"]),
           "mse": m["mse"], "ssim_y": m["ssim_y"], "min_frame_ssim_y": m["min_frame_ssim_y"],
           "flicker": m["flicker"], "source_flicker": m["source_flicker"],
           "static_share": m["static_share"], "gif_frames": gif_count, "gif_duration_ms": t_end}
    if xc is not None:
        res["xcheck"] = {"frames_differing": x_bad, "frame_count_mismatch": x_missing,
                         "non_opaque_pixels": x_transparent,
                         "ok": x_bad == 0 and x_missing == 0}
    return res


def run_encoder(a, c, label, steps, settings, base, out, work, env):
    if os.path.exists(out):
        os.remove(out)
    wall = cpu = 0.0
    rss = 0
    step_times = []
    for argv in steps(a, c, out, work):
        w, u, r = run_timed(argv, work, env)
        wall, cpu, rss = wall + w, cpu + u, max(rss, r)
        step_times.append({"cmd": " ".join(shlex.quote(x) for x in argv),
                           "wall_s": round(w, 3), "cpu_s": round(u, 3), "peak_rss_kb": r})
    if base is not None:
        wall, cpu = wall + base["wall_s"], cpu + base["cpu_s"]
        rss = max(rss, base["peak_rss_kb"])
    row = {"encoder": label, "settings": settings, "wall_s": wall, "cpu_s": cpu,
           "peak_rss_kb": rss, "bytes": os.path.getsize(out), "output": out,
           "steps": step_times}
    row.update(measure(a, c, out))
    return row


def run_clip(a, c, encs):
    rows = {}
    work = os.path.join(a.out, c.name)
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, MAGICK_TEMPORARY_PATH=work)
    for label, steps, settings, base in encs:
        out = os.path.join(work, slug(label) + ".gif")
        if base is not None and "bytes" not in rows.get(base, {}):
            continue
        print("encbench: %s / %s ..." % (c.name, label), file=sys.stderr, flush=True)
        try:
            row = run_encoder(a, c, label, steps, settings, rows.get(base), out, work, env)
        except (RuntimeError, OSError, ValueError) as e:
            # A failing peer is reported, and the bench goes on.
            print("encbench: WARNING %s / %s failed: %s" % (c.name, label, e), file=sys.stderr)
            rows[label] = {"encoder": label, "settings": settings, "error": str(e)[-500:]}
            continue
        if "xcheck" in row and not row["xcheck"]["ok"]:
            print("encbench: WARNING %s / %s: Pillow and giflow decode it differently: %s"
                  % (c.name, label, row["xcheck"]), file=sys.stderr)
        rows[label] = row
    return [rows[e[0]] for e in encs if e[0] in rows]


def flatness(a, clip_name, counts):
    """giflow's peak RSS for N frames of ffmpeg testsrc2 streamed from a pipe."""
    work = os.path.join(a.out, "flat")
    os.makedirs(work, exist_ok=True)
    res = []
    for n in counts:
        tf, out = os.path.join(work, "time.txt"), os.path.join(work, "flat-%d.gif" % n)
        cmd = ("set -o pipefail; %s -v error -f lavfi -i testsrc2=size=640x360:rate=25 "
               "-frames:v %d -f rawvideo -pix_fmt rgba - | %s -f '%%e %%M' -o %s "
               "%s encode --json --raw 640x360 --fps 25 -o %s -"
               % (FFMPEG, n, TIME, tf, shlex.quote(a.giflow), shlex.quote(out)))
        print("encbench: flatness, %d frames ..." % n, file=sys.stderr, flush=True)
        p = subprocess.run(["bash", "-c", cmd], stdout=subprocess.PIPE, check=True)
        summary = json.loads(p.stdout)
        wall, rss = open(tf).read().split()[-2:]
        res.append({"frames": n, "peak_rss_kb": int(rss), "wall_s": float(wall),
                    "encoder_peak_heap": summary.get("encoder_peak_heap"),
                    "frames_out": summary.get("frames_out"), "bytes": summary.get("bytes")})
    out = {"clip": "ffmpeg testsrc2 640x360 @25 fps, piped into giflow encode --raw (default settings)",
           "runs": res}
    if len(res) >= 2:
        out["rss_ratio"] = res[-1]["peak_rss_kb"] / res[0]["peak_rss_kb"]
        if res[0]["encoder_peak_heap"]:
            out["heap_ratio"] = res[-1]["encoder_peak_heap"] / res[0]["encoder_peak_heap"]
    return out


# ---------------------------------------------------------------------------
# Report


def dominates(x, y, q):
    """x has no more bytes and no lower quality q ("psnr_db", "ssim_y")."""
    return x["bytes"] <= y["bytes"] and x[q] >= y[q]


def mark1(g, p, q):
    return "G" if dominates(g, p, q) else "P" if dominates(p, g, q) else "~"


def mark(g, p):
    """Two letters: on (bytes, PSNR), then on (bytes, SSIM-Y)."""
    return mark1(g, p, "psnr_db") + mark1(g, p, "ssim_y")


def verdict(g, p):
    m = mark(g, p)
    if m == "GG":
        return "giflow dominates"
    if "P" in m:
        return "PEER DOMINATES (%s)" % ("PSNR and SSIM" if m == "PP" else
                                        "PSNR" if m[0] == "P" else "SSIM")
    if g["bytes"] < p["bytes"]:
        return "trade-off: giflow smaller, peer sharper"
    return "trade-off: giflow sharper, peer smaller"


def fmt_table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    right = [not h.startswith(("clip", "encoder", "peer", "vs", "verdict", "dominated",
                               "target")) for h in headers]
    def line(r):
        return "  ".join((str(x).rjust(w) if rt else str(x).ljust(w))
                         for x, w, rt in zip(r, widths, right)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def ok(r):
    return r is not None and "error" not in r


def documented(label):
    """The giflow points the issue's targets may use: the default, any
    --quality setting and --fast (documented in giflow.h and the man page)."""
    return label == "giflow" or label.startswith("giflow -Q ") or label == "giflow --fast"


def best_dominator(gvs, p):
    """The giflow point with the fewest bytes that dominates p on both
    (bytes, PSNR) and (bytes, SSIM-Y), or None."""
    ds = [g for g in gvs if mark(g, p) == "GG"]
    return min(ds, key=lambda g: g["bytes"]) if ds else None


def is_gifski(label):
    return label.startswith("gifski")


def targets(result):
    """The issue's targets (issue 16), checked on this run: one PASS/FAIL
    line each, then the dominance table. Returns report lines."""
    L = ["", "== targets (issue 16): giflow's default, -Q N and --fast are the documented "
         "points; other peers may also be beaten by any preset above"]
    checks = []  # (clip, target, good, figure)
    rows = []
    flat = result.get("flatness")
    for cl in result["clips"]:
        by = {r["encoder"]: r for r in cl["results"] if ok(r)}
        g = by.get("giflow")
        if not g:
            continue
        doc = [r for r in by.values() if documented(r["encoder"])]
        anyg = [r for r in by.values() if r["encoder"].startswith("giflow")]
        for p in (r for r in by.values() if not r["encoder"].startswith("giflow")):
            gs = is_gifski(p["encoder"])
            d = best_dominator(doc if gs else anyg, p)
            rows.append([cl["name"], p["encoder"], d["encoder"] if d else "NOT DOMINATED",
                         "%.3f" % (d["bytes"] / p["bytes"]) if d else "-",
                         "%+.2f" % (d["psnr_db"] - p["psnr_db"]) if d else "-",
                         "%+.4f" % (d["ssim_y"] - p["ssim_y"]) if d else "-",
                         "%.2f" % (d["wall_s"] / p["wall_s"]) if d else "-"])
            what = ("%s dominated (bytes, PSNR and SSIM) by a documented point" if gs else
                    "%s dominated (bytes, PSNR and SSIM) by a giflow preset") % p["encoder"]
            checks.append((cl["name"], what, d is not None,
                           ("by %s" % d["encoder"]) if d else "closest: " + closest(doc if gs else anyg, p)))
            if gs and d:
                # The fastest documented point that dominates it.
                f = min((x for x in doc if mark(x, p) == "GG"), key=lambda x: x["wall_s"])
                tr = f["wall_s"] / p["wall_s"]
                checks.append((cl["name"], "  ... in <= 1/3 of its wall time", tr <= 1 / 3,
                               "%.3fx (%s %.2f s vs %.2f s)" % (tr, f["encoder"], f["wall_s"],
                                                               p["wall_s"])))
                checks.append((cl["name"], "  ... with no more static flicker",
                               d["flicker"] <= p["flicker"],
                               "%.3f vs %.3f" % (d["flicker"], p["flicker"])))
        gq = by.get("gifski -Q 90")
        if gq:
            if cl["name"] == "natural":
                r = g["bytes"] / gq["bytes"]
                checks.append((cl["name"], "default bytes <= 0.9x gifski -Q 90 at >= PSNR and SSIM",
                               r <= 0.9 and g["psnr_db"] >= gq["psnr_db"] and g["ssim_y"] >= gq["ssim_y"],
                               "%.3fx, %+.2f dB, %+.4f SSIM" % (r, g["psnr_db"] - gq["psnr_db"],
                                                              g["ssim_y"] - gq["ssim_y"])))
            checks.append((cl["name"], "default static flicker <= gifski -Q 90's",
                           g["flicker"] <= gq["flicker"],
                           "%.3f vs %.3f" % (g["flicker"], gq["flicker"])))
            tr = g["wall_s"] / gq["wall_s"]
            checks.append((cl["name"], "default wall time <= 1/3 of gifski -Q 90's", tr <= 1 / 3,
                           "%.3fx (%.2f s vs %.2f s)" % (tr, g["wall_s"], gq["wall_s"])))
        worst = max(doc, key=lambda r: r["peak_rss_kb"])
        checks.append((cl["name"], "peak RSS <= 16 MB (every documented point)",
                       worst["peak_rss_kb"] <= 16 * 1024,
                       "%.1f MB at most (%s)" % (worst["peak_rss_kb"] / 1024, worst["encoder"])))
    if flat and len(flat["runs"]) >= 2:
        last = flat["runs"][-1]
        checks.append(("flat", "peak RSS <= 16 MB at %d frames and flat (ratio <= 1.05)"
                       % last["frames"],
                       last["peak_rss_kb"] <= 16 * 1024 and flat["rss_ratio"] <= 1.05,
                       "%.1f MB, ratio %.3f" % (last["peak_rss_kb"] / 1024, flat["rss_ratio"])))
    for c, what, good, fig in checks:
        L.append("  %-10s %-62s %-4s %s" % (c, what, "PASS" if good else "FAIL", fig))
    n_ok = sum(1 for c in checks if c[2])
    L.append("  targets: %d of %d pass%s" % (n_ok, len(checks),
                                          "" if n_ok == len(checks) else
                                          "; FAILING: %d" % (len(checks) - n_ok)))
    L.append("")
    L.append("each peer point and the smallest giflow point that dominates it on both "
             "(bytes, PSNR) and (bytes, SSIM-Y); ratios giflow / peer:")
    L.append(fmt_table(["clip", "peer", "dominated by", "bytes x", "dPSNR dB", "dSSIM",
                        "time x"], rows))
    return L


def closest(gvs, p):
    """For a peer point no giflow point dominates: the giflow point at no
    more bytes with the best PSNR, and what it lacks."""
    under = [g for g in gvs if g["bytes"] <= p["bytes"]]
    if not under:
        g = min(gvs, key=lambda g: g["bytes"])
        return "%s needs %.3fx the bytes" % (g["encoder"], g["bytes"] / p["bytes"])
    g = max(under, key=lambda g: g["bytes"])
    return "%s %.3fx bytes, %+.2f dB, %+.4f SSIM" % (g["encoder"], g["bytes"] / p["bytes"],
                                                  g["psnr_db"] - p["psnr_db"],
                                                  g["ssim_y"] - p["ssim_y"])


def report(result):
    L = []
    L.append("Encoder benchmark (giflow %s). Times are one run each, wall clock, on a "
             "shared machine; cpu = user + system; RSS is GNU time's maximum resident "
             "set size." % result["giflow_rev"])
    L.append(PSNR_DEFINITION)
    L.append("MB = 10^6 bytes. 'vs giflow': two marks, on (bytes, PSNR) then (bytes, SSIM-Y): "
             "G = giflow (default settings) has <= bytes and >= quality (dominates this "
             "peer), P = the peer dominates giflow, ~ = trade-off.")
    for cl in result["clips"]:
        rs = cl["results"]
        by = {r["encoder"]: r for r in rs}
        g = by.get("giflow")
        g = g if ok(g) else None
        L.append("")
        src_fl = next((r["source_flicker"] for r in rs if ok(r)), 0)
        share = next((r["static_share"] for r in rs if ok(r)), 0)
        L.append("== %s: %d frames %dx%d @ %g fps (%s); static source: %.1f%% of pixels, "
                 "src flicker %.3f" % (cl["name"], cl["frames"], cl["width"], cl["height"],
                                       cl["fps"], cl["description"], 100 * share, src_fl))
        rows = []
        for r in rs:
            if not ok(r):
                rows.append([r["encoder"]] + ["-"] * 9 + ["", "FAILED (see encode.json)"])
                continue
            xc = r.get("xcheck", {"ok": True})
            rows.append([r["encoder"], "%.2f" % r["wall_s"], "%.2f" % r["cpu_s"],
                         "%.1f" % (r["peak_rss_kb"] / 1024), "%.3f" % (r["bytes"] / 1e6),
                         "%.2f" % r["psnr_db"], "%.2f" % r["min_frame_psnr_db"],
                         "%.4f" % r["ssim_y"], "%.3f" % r["flicker"], r["gif_frames"],
                         "" if r["encoder"].startswith("giflow") or not g else mark(g, r),
                         "" if xc["ok"] else "DECODERS DIFFER"])
        L.append(fmt_table(["encoder", "time s", "cpu s", "RSS MB", "bytes MB", "PSNR dB",
                            "min frame dB", "SSIM-Y", "flicker", "frames", "vs giflow", ""],
                           rows))
        peers = [p for p in rs if not p["encoder"].startswith("giflow") and ok(p)]
        if not g or not peers:
            continue
        L.append("")
        L.append("giflow (default) vs each peer: ratios are giflow / peer (< 1: giflow "
                 "smaller/faster/leaner); dPSNR, dSSIM = giflow - peer")
        rows = []
        for p in peers:
            rows.append([p["encoder"], "%.2f" % (g["wall_s"] / p["wall_s"]),
                         "%.2f" % (g["peak_rss_kb"] / p["peak_rss_kb"]),
                         "%.3f" % (g["bytes"] / p["bytes"]),
                         "%+.2f" % (g["psnr_db"] - p["psnr_db"]),
                         "%+.4f" % (g["ssim_y"] - p["ssim_y"]), verdict(g, p)])
        L.append(fmt_table(["peer", "time x", "RSS x", "bytes x", "dPSNR dB", "dSSIM",
                            "verdict"], rows))
    L += targets(result)
    fl = result.get("flatness")
    if fl:
        L.append("")
        L.append("== memory flatness: " + fl["clip"])
        for r in fl["runs"]:
            L.append("  %5d frames: peak RSS %.1f MB, encoder peak heap %.2f MB, %.1f s, %d frames out"
                     % (r["frames"], r["peak_rss_kb"] / 1024, (r["encoder_peak_heap"] or 0) / 1e6,
                        r["wall_s"], r["frames_out"] or 0))
        if "rss_ratio" in fl:
            L.append("  peak RSS ratio %d/%d frames: %.3f; encoder heap ratio: %.3f"
                     % (fl["runs"][-1]["frames"], fl["runs"][0]["frames"], fl["rss_ratio"],
                        fl.get("heap_ratio", float("nan"))))
    return "\n".join(L) + "\n"


def tool_versions(a):
    def first_line(argv):
        try:
            return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return None

    def deb(pkg):
        return first_line(["dpkg-query", "-W", "-f=${Version}", pkg])
    return {"ffmpeg": first_line([FFMPEG, "-version"]),
            "imagemagick": first_line([CONVERT, "-version"]),
            "gifsicle": first_line([GIFSICLE, "--version"]),
            "pillow": PIL.__version__, "numpy": np.__version__,
            "libimagequant": deb("libimagequant0"), "cgif": deb("libcgif0"),
            "gifski": first_line([a.gifski, "--version"]) if a.gifski else None}


CLIP_DESCRIPTIONS = {
    "testsrc2": "ffmpeg testsrc2",
    "mandelbrot": "ffmpeg mandelbrot zoom",
    "screen": "gen_screen_clip.py: still desktop, cursor, typing, a dragged dialog",
    "natural": "gen_natural_clip.py: slow pan and zoom over a photo, sensor noise",
}


def merge(a, b):
    """Run b's rows over run a's (by clip, then encoder label): e.g. a new
    giflow-only run (ENCBENCH_ONLY=giflow) over a full one."""
    for cb in b["clips"]:
        ca = next((c for c in a["clips"] if c["name"] == cb["name"]), None)
        if ca is None:
            a["clips"].append(cb)
            continue
        labels = [r["encoder"] for r in cb["results"]]
        keep = [r for r in ca["results"] if r["encoder"] not in labels]
        ca["results"] = ([r for r in cb["results"] if r["encoder"].startswith("giflow")] +
                         [r for r in keep if r["encoder"].startswith("giflow")] +
                         [r for r in keep if not r["encoder"].startswith("giflow")] +
                         [r for r in cb["results"] if not r["encoder"].startswith("giflow")])
    a["giflow_rev"] = "%s (rows of %s over it)" % (a["giflow_rev"], b["giflow_rev"])
    if b.get("flatness"):
        a["flatness"] = b["flatness"]
    return a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--giflow")
    ap.add_argument("--cgif")
    ap.add_argument("--metrics", help="encmetrics binary")
    ap.add_argument("--gifski", help="gifski binary (peer; omitted: no gifski rows)")
    ap.add_argument("--clip", action="append", default=[])
    ap.add_argument("--json")
    ap.add_argument("--txt")
    ap.add_argument("--only", default="", help="comma-separated encoder label substrings")
    ap.add_argument("--flat", default="60,1200", help="frame counts; empty: skip")
    ap.add_argument("--no-xcheck", dest="xcheck", action="store_false")
    ap.add_argument("--report-from", metavar="JSON[,JSON...]",
                    help="print the report of earlier runs' JSON and exit; rows of a later "
                         "file replace those of the same clip and encoder in an earlier one")
    a = ap.parse_args()
    if a.report_from:
        result = None
        for path in a.report_from.split(","):
            with open(path) as f:
                r = json.load(f)
            result = r if result is None else merge(result, r)
        for cl in result["clips"]:  # a lossless PSNR was written as null
            for r in cl["results"]:
                for k in ("psnr_db", "min_frame_psnr_db"):
                    if k in r and r[k] is None:
                        r[k] = float("inf")
        sys.stdout.write(report(result))
        return
    if not (a.out and a.giflow and a.cgif and a.metrics):
        ap.error("--out, --giflow, --cgif and --metrics are needed for a run")
    a.out = os.path.abspath(a.out)
    encs = encoders(a)
    if a.only:
        keys = a.only.split(",")
        keep = {e[0] for e in encs if any(k in e[0] for k in keys)} | {"giflow"}
        keep |= {e[3] for e in encs if e[0] in keep and e[3]}
        encs = [e for e in encs if e[0] in keep]
    rev = subprocess.run(["git", "-C", HERE, "describe", "--always", "--dirty"],
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    result = {"giflow_rev": rev, "psnr_definition": PSNR_DEFINITION,
              "ratio_convention": "giflow / peer", "tools": tool_versions(a), "clips": []}
    t0 = time.perf_counter()
    for spec in a.clip:
        c = Clip(spec)
        result["clips"].append({"name": c.name, "frames": c.frames, "width": c.w,
                                "height": c.h, "fps": c.fps,
                                "description": CLIP_DESCRIPTIONS.get(c.name, c.name),
                                "results": run_clip(a, c, encs)})
    counts = [int(x) for x in a.flat.split(",") if x]
    if counts:
        result["flatness"] = flatness(a, "testsrc2", counts)
    result["bench_seconds"] = time.perf_counter() - t0
    for cl in result["clips"]:
        g = next((r for r in cl["results"] if r["encoder"] == "giflow"), None)
        for r in cl["results"]:
            if ok(g) and ok(r) and r is not g:
                r["vs_giflow_default"] = {"verdict": verdict(g, r),
                                          "bytes_ratio": g["bytes"] / r["bytes"],
                                          "time_ratio": g["wall_s"] / r["wall_s"],
                                          "rss_ratio": g["peak_rss_kb"] / r["peak_rss_kb"],
                                          "dpsnr_db": g["psnr_db"] - r["psnr_db"],
                                          "dssim": g["ssim_y"] - r["ssim_y"]}
    text = report(result)
    text += "\n(encode bench took %.0f s)\n" % result["bench_seconds"]
    sys.stdout.write(text)
    if a.txt:
        open(a.txt, "w").write(text)
    if a.json:
        def finite(x):  # JSON has no Infinity: a lossless PSNR becomes null
            if isinstance(x, float) and not math.isfinite(x):
                return None
            if isinstance(x, dict):
                return {k: finite(v) for k, v in x.items()}
            if isinstance(x, list):
                return [finite(v) for v in x]
            return x
        with open(a.json, "w") as f:
            json.dump(finite(result), f, indent=1)
            f.write("\n")


main()
