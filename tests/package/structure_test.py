#!/usr/bin/env python3
"""The inner structure issue 14 asked for, pinned so it cannot drift back:
- the stream parser (src/decode/parse.c) calls no LZW function: it hands
  the image data to the frame stages (decoder.c rows, compose.c canvas);
- the renderers are swapped, not tested: no `->scale` checks in src/decode;
- GIF constants come from src/common/gif_format.h: no bare 4095 and no
  block introducer or extension label written as a number in src/;
- the encoder's files call downwards only: gifwrite.c (sink and block
  writers) calls none of encoder.c, frame.c, rows.c; frame.c and rows.c
  call nothing of encoder.c; only gifwrite.c writes block introducers;
- LZW modes: the canvas modes live in their own files and lzw.h names the
  thresholds the mode picker uses (no bare 1 << 14, 1 << 30, 64 KiB);
- stages are enums, never compared with 0/1/2;
- the dead code named in the issue stays gone (GIFLOW__DITHER_*).

Usage: structure_test.py SOURCE_DIR"""
import glob
import os
import re
import sys

root = sys.argv[1]
failures = []


def code(rel):
    """A C file without its comments and string literals."""
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def sources(pattern):
    return sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, pattern)))


def lines_matching(rel, regex):
    return [f"{rel}:{i}: {l.strip()}" for i, l in enumerate(code(rel).splitlines(), 1)
            if re.search(regex, l)]


def defined(rel):
    """Names of the functions a file defines (non-static and static)."""
    return set(re.findall(r"^[a-z][\w \*]*?\b(\w+)\([^;{]*\)\s*\{", code(rel), re.M))


def calls(rel, names):
    c = code(rel)
    return sorted(n for n in names if re.search(r"\b%s\s*\(" % re.escape(n), c))


all_src = sources("src/*/*.[ch]")
if len(all_src) < 40:
    failures.append(f"only {len(all_src)} files under src/: wrong SOURCE_DIR?")

# The parser does not run LZW.
for hit in lines_matching("src/decode/parse.c", r"\bgiflow__lzw_\w+\s*\("):
    failures.append(f"the parser calls LZW: {hit}")
if "lzw" in " ".join(re.findall(r'#include "([^"]+)"', code("src/decode/parse.c"))):
    failures.append("parse.c includes an LZW header")

# Renderers, not flags.
for rel in sources("src/decode/*.c"):
    for hit in lines_matching(rel, r"->scale\b"):
        failures.append(f"viewport flag check (use the renderer): {hit}")

# GIF constants by name.
for rel in all_src:
    if rel.endswith("gif_format.h"):
        continue
    for hit in lines_matching(rel, r"\b4095\b"):
        failures.append(f"bare 4095 (GIFLOW__LZW_MAX_CODE): {hit}")
    for hit in lines_matching(rel, r"(==|!=|case|=|\{|,)\s*0[xX](21|2[cC]|3[bB]|[fF]9|[fF][eE])\b"):
        failures.append(f"GIF block byte as a number (gif_format.h): {hit}")

# The encoder calls downwards.
enc = {n: defined(f"src/encode/{n}.c") for n in ("encoder", "frame", "rows", "gifwrite")}
for name in ("encoder", "frame", "rows"):
    if calls("src/encode/gifwrite.c", enc[name] - enc["gifwrite"]):
        failures.append(f"gifwrite.c calls {name}.c: {calls('src/encode/gifwrite.c', enc[name])}")
for name in ("frame", "rows"):
    up = calls(f"src/encode/{name}.c", enc["encoder"] - enc[name])
    if up:
        failures.append(f"{name}.c calls up into encoder.c: {up}")
if calls("src/encode/frame.c", enc["rows"] - enc["frame"]):
    failures.append("frame.c calls rows.c (rows.c sits on frame.c)")
for rel in sources("src/encode/*.c"):
    if rel.endswith("gifwrite.c"):
        continue
    for hit in lines_matching(rel, r"GIFLOW__GIF_(EXTENSION|IMAGE|TRAILER)\b"):
        failures.append(f"block introducer written outside gifwrite.c: {hit}")

# LZW modes, one file each, named thresholds.
for f in ("lzw.c", "lzw_chain.c", "lzw_copy.c", "lzw_flat.c", "lzw_canvas.c", "pixels.c"):
    if not os.path.exists(os.path.join(root, "src/decode", f)):
        failures.append(f"src/decode/{f} is missing")
lzw_h = code("src/decode/lzw.h")
for t in ("GIFLOW__TAIL_MIN_PIXELS", "GIFLOW__FLAT_MAX_PIXELS", "GIFLOW__WORK_CANVAS_SHARE",
          "GIFLOW__WORK_MIN_BYTES"):
    if not re.search(r"#define %s\b" % t, lzw_h):
        failures.append(f"lzw.h does not name {t}")
    elif not any(t in code(rel) for rel in sources("src/decode/*.c")):
        failures.append(f"{t} is named but no decoder file uses it")
for rel in ["src/decode/compose.c"] + sources("src/decode/lzw*.c"):  # the picker, the modes
    for hit in lines_matching(rel, r"\b1u?\s*<<\s*(14|30)\b|\b64u?\s*\*\s*1024\b|\b65536\b"):
        failures.append(f"unnamed mode threshold (lzw.h): {hit}")
if len(code("src/decode/lzw_canvas.c").splitlines()) > 200:
    failures.append("lzw_canvas.c grew past 200 lines: a mode moved back in?")

# Stages are named.
for rel in all_src:
    for hit in lines_matching(rel, r"\bstage\s*(==|!=|=)\s*[0-9]|\bif\s*\(!?\w+->stage\)"):
        failures.append(f"stage as a number: {hit}")

# Dead code.
for rel in all_src:
    for hit in lines_matching(rel, r"\bGIFLOW__DITHER_"):
        failures.append(f"GIFLOW__DITHER_* is back (use GIFLOW_DITHER_*): {hit}")

for f in failures:
    print("structure_test:", f)
if not failures:
    print(f"structure_test: ok ({len(all_src)} files under src/)")
sys.exit(1 if failures else 0)
