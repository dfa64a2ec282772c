#!/usr/bin/python3
"""Checks and reports the huge-image bench (run.sh has run the tools).

Reads OUT/times/<step>.time ("wall_s max_rss_kb" from GNU time), .rc and
.cmd, and the outputs in OUT. Then:
- opens every encoder's GIF in Pillow (fully loaded) and in giflib
  (giflib_check: DGifSlurp), and for giflow's GIF compares the two readers'
  palette indices (Adler-32);
- PSNR of each GIF against the source PNG, over R, G and B, computed in
  strips of rows (the GIF is kept as indices, never as a full RGB copy);
- opens the previews in Pillow and compares each with the reference: the
  full-size decode of giflow's GIF by Pillow, reduced by an exact area
  average (integer coverage weights, colours weighted by alpha, halves
  rounded up): tests/cli/cliutil.py's, done here in strips of output
  rows;
- prints the table, the ratios and the issue's targets, and writes the
  text and JSON reports.

usage: hugecheck.py --out DIR --src PNG --giflow BIN --giflib-check BIN
                    [--revision REV] --json OUT.json --txt OUT.txt [--strict]
"""
import argparse
import glob
import hashlib
import json
import os
import platform
import subprocess
import sys
import zlib

import numpy as np
import PIL
from PIL import Image

# The CLI tests' reference area average (exact, alpha-weighted).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "cli"))
from cliutil import reduce, weights  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--out", required=True)
ap.add_argument("--src", required=True)
ap.add_argument("--giflow", required=True)
ap.add_argument("--giflib-check", required=True)
ap.add_argument("--revision", default=None, help="giflow revision, as run.sh saw it")
ap.add_argument("--json", required=True)
ap.add_argument("--txt", required=True)
ap.add_argument("--strict", action="store_true")
args = ap.parse_args()
OUT = args.out
PREVIEW_W = 1000
STRIP = 256  # source rows per strip for PSNR

# The targets.
ENC_RSS_MB = 32      # giflow encode peak RSS, MiB
ENC_VS_PILLOW = 5    # giflow encode time <= Pillow's / 5
PREV_RSS_MB = 16     # giflow preview peak RSS, MiB
PREV_MAX_DIFF = 1    # preview vs reference, levels per channel

lines = []


def say(s=""):
    print(s)
    lines.append(s)


# ---------------------------------------------------------------- timings

def step(name):
    """{wall_s, rss_kb, rc, cmd} of one measured process, or None."""
    base = os.path.join(OUT, "times", name)
    if not os.path.exists(base + ".rc"):
        return None
    rc = int(open(base + ".rc").read().strip() or 1)
    wall = rss = None
    try:
        # GNU time appends its line after a "Command exited with..." note.
        last = open(base + ".time").read().strip().splitlines()[-1].split()
        wall, rss = float(last[0]), int(last[1])
    except (OSError, IndexError, ValueError):
        pass
    return {"wall_s": wall, "rss_kb": rss, "rc": rc, "cmd": open(base + ".cmd").read().strip()}


def combine(names):
    """Several processes run one after another: times add, RSS is the max."""
    steps = [step(n) for n in names]
    if any(s is None for s in steps):
        return None
    ok = all(s["rc"] == 0 and s["wall_s"] is not None for s in steps)
    return {
        "wall_s": sum(s["wall_s"] for s in steps) if ok else None,
        "rss_kb": max(s["rss_kb"] for s in steps) if ok else None,
        "rc": max(s["rc"] for s in steps),
        "cmd": " && ".join(s["cmd"] for s in steps),
        "steps": {n: s for n, s in zip(names, steps)},
    }


ENCODERS = [  # label, output, steps
    ("giflow", "giflow.gif", ["encode-giflow"]),
    ("pillow", "pillow.gif", ["encode-pillow"]),
    ("imagemagick", "imagemagick.gif", ["encode-imagemagick"]),
    ("ffmpeg", "ffmpeg.gif", ["encode-ffmpeg-palettegen", "encode-ffmpeg-paletteuse"]),
]
PREVIEWS = [
    ("giflow", None, "preview-giflow"),  # the one PNG in preview-giflow/
    ("pillow", "preview-pillow.png", "preview-pillow"),
    ("imagemagick", "preview-imagemagick.png", "preview-imagemagick"),
]


# ---------------------------------------------------------------- images

def source_info(path):
    """Size and colour count of the source, cached in OUT by content."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    cache = os.path.join(OUT, "source-info.json")
    try:
        info = json.load(open(cache))
        if info.get("sha256") == h.hexdigest():
            return info
    except (OSError, ValueError):
        pass
    im = Image.open(path)
    a = np.asarray(im.convert("RGB"))
    packed = (a[..., 0].astype(np.uint32) << 16) | (a[..., 1].astype(np.uint32) << 8) | a[..., 2]
    info = {"sha256": h.hexdigest(), "width": im.width, "height": im.height, "mode": im.mode,
            "bytes": os.path.getsize(path), "colours": int(np.unique(packed).size)}
    json.dump(info, open(cache, "w"))
    return info


def open_gif(path):
    """Pillow, fully loaded: (indices HxW or None, palette 256x3, alpha 256,
    info dict). Pillow opens a GIF's first frame as "P" (or "L")."""
    im = Image.open(path)
    frames = getattr(im, "n_frames", 1)
    im.seek(0)
    im.load()
    info = {"mode": im.mode, "size": list(im.size), "frames": frames}
    alpha = np.full(256, 255, np.uint8)
    if im.mode in ("P", "L"):
        idx = np.asarray(im)
        if im.mode == "P":
            p = im.getpalette() or []
        else:
            p = [v for i in range(256) for v in (i, i, i)]
        pal = np.zeros((256, 3), np.uint8)
        p = np.array(p[:768], np.uint8).reshape(-1, 3)
        pal[:len(p)] = p
        t = im.info.get("transparency")
        if isinstance(t, int):
            alpha[t] = 0
            info["transparent_index"] = t
            info["transparent_pixels"] = int((idx == t).sum())
        return idx, pal, alpha, info
    raise ValueError("unexpected mode %s" % im.mode)


def psnr_vs(src, idx, pal):
    """PSNR over R, G, B, in strips of rows."""
    sse = 0
    for y0 in range(0, src.shape[0], STRIP):
        d = pal[idx[y0:y0 + STRIP]].astype(np.int32) - src[y0:y0 + STRIP]
        sse += int((d * d).sum(dtype=np.int64))
    mse = sse / src.size
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def reduce_rgba(rows, width, height, ow, oh, block=16):
    """Exact area average of a width x height RGBA image to ow x oh, as
    cliutil.reduce() over the whole canvas, but in blocks of
    output rows; rows(y0, y1) returns source rows y0..y1-1 as RGBA uint8.
    Sums are integers far below 2^53, so float64 matrix products are exact."""
    wx, wy, area = weights(width, ow), weights(height, oh), width * height
    out = np.zeros((oh, ow, 4), np.uint8)
    for k0 in range(0, oh, block):
        k1 = min(oh, k0 + block)
        p0, p1 = k0 * height // oh, -(-k1 * height // oh)
        sub = rows(p0, p1).astype(np.float64)
        w = wy[k0:k1, p0:p1]
        a = sub[..., 3]
        A = ((w @ a) @ wx.T).astype(np.int64)
        o = np.zeros((k1 - k0, ow, 4), np.int64)
        o[..., 3] = (2 * A + area) // (2 * area)
        for q in range(3):
            C = ((w @ (a * sub[..., q])) @ wx.T).astype(np.int64)
            o[..., q] = np.where(A > 0, (2 * C + A) // np.maximum(2 * A, 1), 0)
        o[o[..., 3] == 0] = 0
        out[k0:k1] = o
    return out


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return None


def mb(kb):
    return None if kb is None else kb / 1024.0


def fmt(v, f):
    return "n/a" if v is None else format(v, f)


# ---------------------------------------------------------------- run

report = {"source": None, "encoders": {}, "previews": {}, "targets": {}, "checks": {}}
failures = []

# Self-test of the strip-wise reference against the whole-image formula.
rng = np.random.default_rng(1)
t = rng.integers(0, 256, (41, 67, 4), dtype=np.uint8)
t[..., 3][rng.random((41, 67)) < 0.3] = 0
t[5:12, 7:20, 3] = 0
same = all((reduce_rgba(lambda y0, y1: t[y0:y1], 67, 41, ow, oh, block=3) ==
            reduce(t, 0, 0, 67, 41, ow, oh)).all() for ow, oh in ((10, 7), (67, 41), (1, 1), (33, 40)))
report["checks"]["reference_self_test"] = bool(same)
if not same:
    failures.append("reference self-test")

src_info = source_info(args.src)
report["source"] = dict(src_info, path=args.src)
W, H = src_info["width"], src_info["height"]
src = np.asarray(Image.open(args.src).convert("RGB"))

# Encoders.
giflow_full = None
for label, name, steps in ENCODERS:
    m = combine(steps)
    path = os.path.join(OUT, name)
    e = {"output": path, "measure": m}
    report["encoders"][label] = e
    if m is None:
        e["status"] = "not run"
        continue
    if m["rc"] != 0 or not os.path.exists(path):
        e["status"] = "failed (exit %d)" % m["rc"]
        continue
    e["status"] = "ok"
    e["bytes"] = os.path.getsize(path)
    try:
        idx, pal, alpha, info = open_gif(path)
        e["pillow"] = dict(info, ok=list(idx.shape[::-1]) == [W, H])
        e["psnr_db"] = psnr_vs(src, idx, pal)
        e["pillow_adler32"] = "%08x" % zlib.adler32(np.ascontiguousarray(idx).tobytes())
    except Exception as ex:  # noqa: BLE001 - any reader failure is a result
        e["pillow"] = {"ok": False, "error": repr(ex)}
        idx = None
    rc, text = run([args.giflib_check, path])
    e["giflib"] = {"ok": rc == 0, "output": text}
    if rc == 0 and "adler32=" in text:
        g = dict(kv.split("=") for kv in text.split()[2:])
        e["giflib"].update(frames=int(g["frames"]), colors=int(g["colors"]),
                           adler32=g["adler32"], size=text.split()[1])
        e["giflib"]["ok"] = text.split()[1] == "%dx%d" % (W, H)
    if label == "giflow":
        giflow_full = (idx, pal, alpha) if idx is not None else None
    del idx

# Previews, against the reference.
g = report["encoders"]["giflow"]
ref = None
if g.get("pillow", {}).get("ok"):
    oh = None
    pv_dir = os.path.join(OUT, "preview-giflow")
    pngs = sorted(glob.glob(os.path.join(pv_dir, "*.png")))
    if pngs:
        oh = Image.open(pngs[0]).height
    if not oh:
        oh = max(1, int(H * PREVIEW_W / W + 0.5))
    idx, pal, alpha = giflow_full
    rgba_of = np.concatenate([pal, alpha[:, None]], 1)
    ref = reduce_rgba(lambda y0, y1: rgba_of[idx[y0:y1]], W, H, PREVIEW_W, oh)
    del idx
    Image.fromarray(ref, "RGBA").save(os.path.join(OUT, "preview-reference.png"))
giflow_full = None

for label, name, stepname in PREVIEWS:
    m = step(stepname)
    if name is None:
        pngs = sorted(glob.glob(os.path.join(OUT, "preview-giflow", "*.png")))
        path = pngs[0] if len(pngs) == 1 else None
    else:
        path = os.path.join(OUT, name)
    p = {"output": path, "measure": m}
    report["previews"][label] = p
    if m is None:
        p["status"] = "not run"
        continue
    if m["rc"] != 0 or not path or not os.path.exists(path):
        p["status"] = "failed (exit %d)" % m["rc"]
        continue
    p["status"] = "ok"
    p["bytes"] = os.path.getsize(path)
    try:
        im = Image.open(path)
        im.load()
        got = np.asarray(im.convert("RGBA"))
        p["pillow"] = {"ok": True, "mode": im.mode, "size": list(im.size)}
    except Exception as ex:  # noqa: BLE001
        p["pillow"] = {"ok": False, "error": repr(ex)}
        continue
    if ref is not None and got.shape == ref.shape:
        d = np.abs(got.astype(np.int16) - ref.astype(np.int16))
        p["max_diff"] = int(d.max())
        p["pixels_differing"] = int(d.any(-1).sum())
        mse = float((d[..., :3].astype(np.float64) ** 2).mean())
        p["psnr_vs_reference_db"] = float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
    elif ref is not None:
        p["note"] = "size %s differs from the reference's %dx%d" % (list(im.size), ref.shape[1], ref.shape[0])

# ---------------------------------------------------------------- report

enc = report["encoders"]
prv = report["previews"]


def wall(d):
    return (d.get("measure") or {}).get("wall_s")


def rss(d):
    return mb((d.get("measure") or {}).get("rss_kb"))


say("huge-image bench: %dx%d source PNG, %s bytes, %s colours (%s)" % (
    W, H, format(src_info["bytes"], ","), format(src_info["colours"], ","), args.src))
say()
say("%-26s %9s %10s %14s %9s" % ("encode PNG -> GIF", "time s", "RSS MB", "output bytes", "PSNR dB"))
for label, e in enc.items():
    if e["status"] != "ok":
        say("%-26s %s" % (label, e["status"]))
        continue
    say("%-26s %9s %10s %14s %9s" % (label, fmt(wall(e), ".2f"), fmt(rss(e), ".1f"),
                                      format(e["bytes"], ","), fmt(e.get("psnr_db"), ".2f")))
oh = ref.shape[0] if ref is not None else "?"
say()
say("%-26s %9s %10s %14s %9s %9s" % ("preview %sx%s of giflow.gif" % (PREVIEW_W, oh), "time s",
                                      "RSS MB", "output bytes", "max diff", "PSNR dB"))
for label, p in prv.items():
    if p["status"] != "ok":
        say("%-26s %s" % (label, p["status"]))
        continue
    say("%-26s %9s %10s %14s %9s %9s" % (label, fmt(wall(p), ".2f"), fmt(rss(p), ".1f"),
                                          format(p["bytes"], ","), fmt(p.get("max_diff"), "d"),
                                          fmt(p.get("psnr_vs_reference_db"), ".2f")))
say("(preview max diff and PSNR: against the exact area average of the full-size Pillow decode)")

say()
ratios = {}
for kind, table, base in (("encode", enc, "giflow"), ("preview", prv, "giflow")):
    b = table.get(base, {})
    for label, d in table.items():
        if label == base or d.get("status") != "ok" or b.get("status") != "ok":
            continue
        r = {}
        if wall(b) and wall(d):
            r["time"] = wall(d) / wall(b)
        if rss(b) and rss(d):
            r["rss"] = rss(d) / rss(b)
        ratios["%s %s/giflow" % (kind, label)] = r
        say("%-7s %-12s time %6s x giflow's   RSS %7s x giflow's" % (
            kind, label, fmt(r.get("time"), ".1f"), fmt(r.get("rss"), ".1f")))
report["ratios"] = ratios

# The anchors: the same save measured by the author on a
# machine of this kind, with their 37-Mpx photo-like PNG (context only).
ANCHORS = {"pillow": (22, 876), "imagemagick": (78, 448), "ffmpeg": (82, 1400)}
report["anchors"] = {k: {"wall_s": t, "rss_mb": m} for k, (t, m) in ANCHORS.items()}
say()
say("issue anchors (author's image and run): " + "; ".join(
    "%s %d s / %d MB" % (k, t, m) for k, (t, m) in ANCHORS.items()))
say("measured here:                          " + "; ".join(
    "%s %s s / %s MB" % (k, fmt(wall(enc[k]), ".1f"), fmt(rss(enc[k]), ".0f")) for k in ANCHORS))

# Targets.
T = report["targets"]


def target(name, ok, detail):
    T[name] = {"pass": bool(ok), "detail": detail}
    say("%s  %s: %s" % ("PASS" if ok else "FAIL", name, detail))
    if not ok:
        failures.append(name)


say()
ge, pe, gp = enc["giflow"], enc["pillow"], prv["giflow"]
target("encode RSS <= %d MB" % ENC_RSS_MB, rss(ge) is not None and rss(ge) <= ENC_RSS_MB,
       "giflow %s MB" % fmt(rss(ge), ".1f"))
lim = wall(pe) / ENC_VS_PILLOW if wall(pe) else None
target("encode time <= Pillow's / %d" % ENC_VS_PILLOW,
       wall(ge) is not None and lim is not None and wall(ge) <= lim,
       "giflow %s s, Pillow %s s, limit %s s (%s x faster)" % (
           fmt(wall(ge), ".2f"), fmt(wall(pe), ".2f"), fmt(lim, ".2f"),
           fmt(wall(pe) / wall(ge) if wall(ge) and wall(pe) else None, ".1f")))
target("preview RSS <= %d MB" % PREV_RSS_MB, rss(gp) is not None and rss(gp) <= PREV_RSS_MB,
       "giflow %s MB" % fmt(rss(gp), ".1f"))
gl = ge.get("giflib", {})
agree = gl.get("adler32") is not None and gl.get("adler32") == ge.get("pillow_adler32")
target("giflow's GIF opens in Pillow and giflib",
       ge.get("pillow", {}).get("ok") and gl.get("ok") and agree,
       "Pillow %s %s; %s; indices %s (Adler-32 %s)" % (
           ge.get("pillow", {}).get("mode"), ge.get("pillow", {}).get("size"),
           gl.get("output", "n/a"), "identical" if agree else "DIFFER",
           ge.get("pillow_adler32")))
target("preview opens in Pillow", gp.get("pillow", {}).get("ok"),
       "%s %s" % (gp.get("pillow", {}).get("mode"), gp.get("pillow", {}).get("size")))
target("preview within %d level of the reference" % PREV_MAX_DIFF,
       gp.get("max_diff") is not None and gp["max_diff"] <= PREV_MAX_DIFF,
       "max diff %s, %s pixels differ" % (fmt(gp.get("max_diff"), "d"),
                                          fmt(gp.get("pixels_differing"), ",")))
if not report["checks"]["reference_self_test"]:
    say("FAIL  the strip-wise reference differs from the whole-image formula")
others = [l for l in ("pillow", "imagemagick", "ffmpeg")
          if enc[l].get("status") == "ok" and not (enc[l].get("pillow", {}).get("ok")
                                                   and enc[l].get("giflib", {}).get("ok"))]
if others:
    say("note: a peer's GIF did not open everywhere: %s" % ", ".join(others))

# Context for the JSON.
rev = args.revision
cpu = None
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except (OSError, StopIteration):
    pass
report["context"] = {
    "giflow": args.giflow, "giflow_revision": rev,
    "pillow": PIL.__version__, "numpy": np.__version__, "python": platform.python_version(),
    "imagemagick": " ".join((version(["/usr/bin/convert", "-version"]) or "? ? ?").split()[1:4]),
    "ffmpeg": " ".join((version(["/usr/bin/ffmpeg", "-version"]) or "? ? ?").split()[:3]),
    "giflib": version(["dpkg-query", "-W", "-f", "${Version}\n", "libgif7"]),
    "cpu": cpu, "cores": os.cpu_count(),
}
say()
say("giflow %s; Pillow %s; %s; %s; giflib %s; %d cores (%s)" % (
    rev, PIL.__version__, report["context"]["imagemagick"], report["context"]["ffmpeg"],
    report["context"]["giflib"], os.cpu_count(), cpu))
report["failures"] = failures



def plain(v):
    """JSON has no infinity: a lossless PSNR is written as "inf"."""
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return "inf" if np.isinf(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


with open(args.json, "w") as f:
    json.dump(plain(report), f, indent=1)
with open(args.txt, "w") as f:
    f.write("\n".join(lines) + "\n")
sys.exit(1 if failures and args.strict else 0)
