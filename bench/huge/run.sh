#!/usr/bin/env bash
# Huge-image benchmark (issue "Huge images in bounded memory"): a 9566x3909
# photo-like PNG saved as GIF by giflow, Pillow, ImageMagick and ffmpeg, and
# a 1000-pixel-wide preview of giflow's GIF made by giflow, Pillow and
# ImageMagick. Each step is one process (two for ffmpeg) under
# /usr/bin/time -f '%e %M'. Then hugecheck.py checks the outputs (Pillow,
# giflib, the exact area-average reference), computes PSNR, prints the table
# and the issue's targets. See README.md here.
# Usage: bench/huge/run.sh [BUILD_DIR]     (bench/run.sh calls it)
# Environment:
#   HUGEBENCH_ONLY=giflow,pillow   only steps whose name contains one of these
#                                  (giflow, pillow, imagemagick, ffmpeg); the
#                                  others keep their previous results, if any
#   HUGEBENCH_SOURCE=FILE.png      bench this PNG instead of the generated one
#   HUGEBENCH_GRAIN=SIGMA          noise of the generated PNG (default 2.5)
#   HUGEBENCH_NAME=huge            names BUILD_DIR/bench/NAME/, NAME.txt, NAME.json
#   HUGEBENCH_STRICT=1             exit 1 when a target or check fails
#                                  (default: report it, exit 0)
# Writes BUILD_DIR/bench/huge.txt and BUILD_DIR/bench/huge.json; the source
# PNG (cached), outputs, timings and logs go to BUILD_DIR/bench/huge/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
mkdir -p "$build"
build=$(cd "$build" && pwd)
name=${HUGEBENCH_NAME:-huge}
grain=${HUGEBENCH_GRAIN:-2.5}
out=$build/bench/$name
mkdir -p "$out/times" "$out/logs"
py=/usr/bin/python3   # Debian's: the python3 on PATH may lack PIL

for tool in "$py" /usr/bin/ffmpeg /usr/bin/convert /usr/bin/time cc; do
    command -v "$tool" >/dev/null || { echo "huge bench: $tool missing (scripts/deps.sh bench)" >&2; exit 1; }
done
"$py" -c 'import PIL, numpy' 2>/dev/null ||
    { echo "huge bench: $py lacks PIL/numpy (python3-pil python3-numpy)" >&2; exit 1; }
[ -f /usr/include/gif_lib.h ] ||
    { echo "huge bench: gif_lib.h missing (libgif-dev)" >&2; exit 1; }

# giflow's CLI: the build's own when it is a plain Release build, else the
# encode bench's Release build of it (the same CMake project and directory
# as bench/encode/run.sh, only the giflow_cli target).
cache=$build/CMakeCache.txt
giflow=$build/cli/giflow
if [ ! -x "$giflow" ] || ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$cache" 2>/dev/null ||
    grep -q '^GIFLOW_SANITIZE:BOOL=ON$' "$cache" 2>/dev/null; then
    ebuild=$build/bench/encode/build
    mkdir -p "$build/bench/encode"
    echo "huge bench: building giflow's CLI (Release) in $ebuild" >&2
    cmake -S "$root/bench/encode" -B "$ebuild" -DCMAKE_BUILD_TYPE=Release \
        >"$out/logs/cmake.log" 2>&1 || { cat "$out/logs/cmake.log" >&2; exit 1; }
    cmake --build "$ebuild" --target giflow_cli -j"$(nproc 2>/dev/null || echo 2)" \
        >"$out/logs/build.log" 2>&1 || { cat "$out/logs/build.log" >&2; exit 1; }
    giflow=$ebuild/giflow/cli/giflow
fi
stale=$(find "$root/src" "$root/include" "$root/cli" -newer "$giflow" -type f 2>/dev/null | head -3)
[ -z "$stale" ] || echo "huge bench: warning: sources newer than $giflow (run make):" "$(echo "$stale" | tr "\n" " ")" >&2
# The tree's revision now, before the long steps (src/include/cli edits: +dirty).
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain -- src include cli 2>/dev/null)" ] || revision+="+dirty"
[ -z "$stale" ] || revision+=" (binary older than the sources)"

# giflib reader for the checks.
cc -O2 -Wall -Wextra -o "$out/giflib_check" "$here/giflib_check.c" -lgif

# The source image, cached while gen_photo.py is unchanged.
src=$out/photo.png
stamp=$( (cat "$here/gen_photo.py"; echo "grain $grain") | sha256sum | cut -c1-16)
if [ -n "${HUGEBENCH_SOURCE:-}" ]; then
    src=$(cd "$(dirname "$HUGEBENCH_SOURCE")" && pwd)/$(basename "$HUGEBENCH_SOURCE")
    [ -s "$src" ] || { echo "huge bench: $HUGEBENCH_SOURCE not found" >&2; exit 1; }
elif [ ! -s "$src" ] || [ "$(cat "$src.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "huge bench: generating $src (about 30 s)" >&2
    rm -f "$src.stamp"
    "$py" "$here/gen_photo.py" "$src.tmp.png" 9566 3909 "$grain"
    mv "$src.tmp.png" "$src"
    echo "$stamp" >"$src.stamp"
fi

wanted() {   # NAME: whether HUGEBENCH_ONLY selects this step
    [ -z "${HUGEBENCH_ONLY:-}" ] && return 0
    local w
    for w in ${HUGEBENCH_ONLY//,/ }; do [[ $1 == *"$w"* ]] && return 0; done
    return 1
}
# measure NAME COMMAND...: runs it under GNU time; times/NAME.time gets
# "wall_s max_rss_kb" and times/NAME.cmd the command line; the exit status
# goes to times/NAME.rc and the output to logs/NAME.log. A failing tool is
# recorded, not fatal.
measure() {
    local name=$1; shift
    printf '%q ' "$@" >"$out/times/$name.cmd"
    echo "huge bench: $name" >&2
    local rc=0
    /usr/bin/time -f '%e %M' -o "$out/times/$name.time" "$@" >"$out/logs/$name.log" 2>&1 || rc=$?
    echo "$rc" >"$out/times/$name.rc"
    [ "$rc" = 0 ] || { echo "huge bench: $name failed (exit $rc), see $out/logs/$name.log" >&2; tail -5 "$out/logs/$name.log" >&2; }
}

# Encoders: the same PNG to GIF, each with its defaults.
if wanted giflow; then
    rm -f "$out/giflow.gif"
    measure encode-giflow "$giflow" encode -o "$out/giflow.gif" "$src"
fi
if wanted pillow; then
    rm -f "$out/pillow.gif"
    measure encode-pillow "$py" "$here/pil_tools.py" save "$src" "$out/pillow.gif"
fi
if wanted imagemagick; then
    rm -f "$out/imagemagick.gif"
    # Debian's policy.xml (memory 256 MiB, map 512 MiB, disk 1 GiB, area
    # 128 MP) lets this through: the pixel cache spills to a temporary file.
    measure encode-imagemagick env MAGICK_TEMPORARY_PATH="$out" /usr/bin/convert "$src" "$out/imagemagick.gif"
fi
if wanted ffmpeg; then
    rm -f "$out/ffmpeg.gif" "$out/ffmpeg-palette.png"
    measure encode-ffmpeg-palettegen /usr/bin/ffmpeg -nostdin -hide_banner -loglevel error -y \
        -i "$src" -vf palettegen "$out/ffmpeg-palette.png"
    measure encode-ffmpeg-paletteuse /usr/bin/ffmpeg -nostdin -hide_banner -loglevel error -y \
        -i "$src" -i "$out/ffmpeg-palette.png" -lavfi paletteuse "$out/ffmpeg.gif"
fi

# Previews of giflow's GIF, 1000 pixels wide.
if wanted giflow; then
    rm -rf "$out/preview-giflow"
    measure preview-giflow "$giflow" decode --resize 1000x0 "$out/giflow.gif" -o "$out/preview-giflow"
fi
if wanted pillow; then
    rm -f "$out/preview-pillow.png"
    measure preview-pillow "$py" "$here/pil_tools.py" preview "$out/giflow.gif" "$out/preview-pillow.png" 1000
fi
if wanted imagemagick; then
    rm -f "$out/preview-imagemagick.png"
    measure preview-imagemagick env MAGICK_TEMPORARY_PATH="$out" /usr/bin/convert "$out/giflow.gif" \
        -resize 1000x "$out/preview-imagemagick.png"
fi

strict=()
[ "${HUGEBENCH_STRICT:-0}" = 1 ] && strict=(--strict)
"$py" "$here/hugecheck.py" --out "$out" --src "$src" --giflow "$giflow" \
    --giflib-check "$out/giflib_check" --revision "$revision" \
    --json "$build/bench/$name.json" --txt "$build/bench/$name.txt" "${strict[@]}"
