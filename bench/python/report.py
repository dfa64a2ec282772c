"""Checks the Python bench's outputs and prints its table and the issue's
targets. Inputs: the JSON lines the runs printed (seed.py, gen_frames.py),
the GIFs, and giflib_check (bench/huge/giflib_check.c).
usage: report.py OUTDIR GIFLIB_CHECK REVISION JSON TXT [--strict]"""
import glob
import json
import os
import statistics
import subprocess
import sys
import zlib

import numpy as np
from PIL import Image

Image.MAX_IMAGE_PIXELS = None


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def check_gif(gif, giflib_check):
    """Pillow loads it fully, giflib reads it, and both see the same indices."""
    im = Image.open(gif)
    im.load()
    ours = "%08x" % (zlib.adler32(np.asarray(im).tobytes()) & 0xFFFFFFFF) if im.mode in ("P", "L") else None
    p = subprocess.run([giflib_check, gif], capture_output=True, text=True)
    gl = p.stdout.strip()
    ok = p.returncode == 0 and ours is not None and ("adler32=" + ours) in gl
    return ok, "Pillow %s %s; %s" % (im.mode, list(im.size), gl or p.stderr.strip())


def psnr(src_png, gif):
    """PSNR over R, G, B of the GIF against the rotated source, in strips."""
    src = Image.open(src_png).rotate(45)
    g = Image.open(gif)
    g.load()
    pal = np.frombuffer(bytes(g.getpalette()), np.uint8).reshape(-1, 3) if g.mode == "P" else None
    idx = np.asarray(g)
    se, n = 0.0, 0
    w, h = src.size
    for y in range(0, h, 256):
        s = np.asarray(src.crop((0, y, w, min(h, y + 256))).convert("RGB")).astype(np.int32)
        d = pal[idx[y:y + 256]].astype(np.int32) if pal is not None else \
            np.asarray(g.crop((0, y, w, min(h, y + 256))).convert("RGB")).astype(np.int32)
        se += float(((s - d) ** 2).sum())
        n += s.size
    return 99.0 if se == 0 else 10 * np.log10(255.0 ** 2 * n / se)


def main():
    out, giflib_check, revision, json_path, txt_path = sys.argv[1:6]
    strict = "--strict" in sys.argv
    lines, targets, result = [], [], {"revision": revision, "sources": {}, "generator": None}

    def say(s=""):
        lines.append(s)

    def target(ok, text):
        targets.append(("PASS  " if ok else "FAIL  ") + text)
        return ok

    say("Python bench (bench/python/README.md) at giflow %s" % revision)
    for src_dir in sorted(glob.glob(os.path.join(out, "src-*"))):
        name = os.path.basename(src_dir)[4:]
        runs = load(os.path.join(src_dir, "runs.jsonl"))
        src_png = open(os.path.join(src_dir, "source")).read().strip()
        by = {t: [r for r in runs if r["tool"] == t] for t in ("pillow", "giflow")}
        if not by["pillow"] or not by["giflow"]:
            say("%s: missing runs" % name)
            continue
        med = {t: {"save_s": statistics.median(r["save_s"] for r in rs),
                   "cpu_s": statistics.median(r.get("cpu_s", r["save_s"]) for r in rs),
                   "above_mb": statistics.median(r["above_loaded_kb"] for r in rs) / 1024,
                   "loaded_mb": statistics.median(r["rss_loaded_kb"] for r in rs) / 1024,
                   "runs": len(rs)} for t, rs in by.items()}
        gifs = {t: os.path.join(src_dir, t + ".gif") for t in by}
        for t in by:
            med[t]["bytes"] = os.path.getsize(gifs[t])
            med[t]["psnr"] = round(psnr(src_png, gifs[t]), 2)
        ok_open, detail = check_gif(gifs["giflow"], giflib_check)
        size = by["giflow"][0]["size"]
        say()
        say("%s: Image.open(%s).rotate(45).save(GIF), %dx%d %s; medians of %d runs each"
            % (name, os.path.basename(src_png), size[0], size[1], by["giflow"][0]["mode"],
               med["giflow"]["runs"]))
        say("%-22s %8s %7s %16s %13s %14s %8s" % ("save", "wall s", "CPU s", "RSS above image",
                                                 "image RSS MB", "output bytes", "PSNR dB"))
        for t, label in (("pillow", "Pillow (GIF)"), ("giflow", "giflow.pillow (GIFLOW)")):
            m = med[t]
            say("%-22s %8.2f %7.2f %13.1f MB %13.1f %14s %8.2f"
                % (label, m["save_s"], m["cpu_s"], m["above_mb"], m["loaded_mb"],
                   format(m["bytes"], ","), m["psnr"]))
        ratio = med["pillow"]["save_s"] / med["giflow"]["save_s"]
        cpu_ratio = med["pillow"]["cpu_s"] / med["giflow"]["cpu_s"]
        say("giflow: %.1fx faster than Pillow in wall time, %.1fx in CPU time, %.0fx less memory "
            "above the image" % (ratio, cpu_ratio,
                                 med["pillow"]["above_mb"] / max(med["giflow"]["above_mb"], 0.1)))
        target(med["giflow"]["above_mb"] <= 32,
               "%s: peak RSS above the loaded image <= 32 MB: giflow %.1f MB (Pillow %.1f MB)"
               % (name, med["giflow"]["above_mb"], med["pillow"]["above_mb"]))
        target(ratio >= 5, "%s: time <= 1/5 of Pillow's: giflow %.2f s, Pillow %.2f s, limit %.2f s "
                           "(%.1fx)" % (name, med["giflow"]["save_s"], med["pillow"]["save_s"],
                                        med["pillow"]["save_s"] / 5, ratio))
        target(ok_open, "%s: output opens in Pillow and giflib, same indices: %s" % (name, detail))
        result["sources"][name] = {"medians": med, "runs": runs, "opens": ok_open,
                                   "open_detail": detail, "speedup": ratio,
                                   "cpu_speedup": cpu_ratio}
    gen = os.path.join(out, "generator.jsonl")
    if os.path.exists(gen):
        g = {r["frames"]: r for r in load(gen)}
        if 60 in g and 1200 in g:
            a, b = g[60], g[1200]
            say()
            say("generator of 640x360 frames (every frame changes everywhere), giflow.save to a file")
            say("%-8s %9s %14s %12s %16s" % ("frames", "time s", "peak RSS MB", "output MB",
                                           "encoder heap MB"))
            for r in (a, b):
                say("%-8d %9.2f %14.1f %12.1f %16.2f" % (r["frames"], r["seconds"], r["peak_kb"] / 1024,
                                                      r["bytes"] / 1e6, r["encoder_peak_heap"] / 2 ** 20))
            growth = b["peak_kb"] / a["peak_kb"] - 1
            target(growth <= 0.10, "generator: 1,200 frames peak RSS within 10%% of 60 frames: "
                                   "%.1f MB vs %.1f MB (%+.1f%%)" % (b["peak_kb"] / 1024,
                                                                    a["peak_kb"] / 1024, 100 * growth))
            result["generator"] = {"60": a, "1200": b, "growth": growth}
    say()
    lines.extend(targets)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(txt_path, "w") as f:
        f.write(text)
    result["targets"] = targets
    with open(json_path, "w") as f:
        json.dump(result, f, indent=1)
    if strict and any(t.startswith("FAIL") for t in targets):
        sys.exit(1)


if __name__ == "__main__":
    main()
