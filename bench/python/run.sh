#!/usr/bin/env bash
# Python bench (issue "Python package"): the seed user's script both ways,
# Image.open(9566x3909 PNG).rotate(45).save(GIF) with Pillow and with
# giflow.pillow, each run its own process, alternating, medians; then a
# generator of 640x360 frames, 60 against 1,200. See README.md here.
# Usage: bench/python/run.sh [BUILD_DIR]      (bench/run.sh calls it)
# Environment:
#   PYBENCH_REPS=3            runs per tool and source (medians)
#   PYBENCH_SOURCES=photo,grainy   which generated PNGs (bench/huge/gen_photo.py:
#                             grain 2.5, and grain 60 like a high-ISO photo)
#   PYBENCH_SOURCE=FILE.png   bench this image instead
#   PYBENCH_STRICT=1          exit 1 when a target fails
# Writes BUILD_DIR/bench/python.txt and python.json; runs, GIFs and logs go
# to BUILD_DIR/bench/python/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
mkdir -p "$build"
build=$(cd "$build" && pwd)
out=$build/bench/python
reps=${PYBENCH_REPS:-3}
py=/usr/bin/python3   # Debian's, with apt's Pillow and numpy
mkdir -p "$out/logs"

"$py" -c 'import PIL, numpy' 2>/dev/null ||
    { echo "python bench: $py lacks PIL/numpy (scripts/deps.sh python)" >&2; exit 1; }
[ -f /usr/include/gif_lib.h ] || { echo "python bench: gif_lib.h missing (libgif-dev)" >&2; exit 1; }

# The package, installed the README's way into a venv of its own.
echo "python bench: pip install ./python" >&2
rm -rf "$out/venv"
"$py" -m venv --without-pip --system-site-packages "$out/venv"
vpy=$out/venv/bin/python
"$vpy" -m pip install --quiet --no-index --no-cache-dir --no-deps "$root/python" \
    >"$out/logs/pip.log" 2>&1 || { cat "$out/logs/pip.log" >&2; exit 1; }
cc -O2 -Wall -Wextra -o "$out/giflib_check" "$root/bench/huge/giflib_check.c" -lgif

# Sources: the huge bench's generated photos (cached there by the same stamp).
photo() {   # NAME GRAIN: prints the PNG's path, generating it when stale
    local dir=$build/bench/$1 grain=$2 stamp
    mkdir -p "$dir"
    stamp=$( (cat "$root/bench/huge/gen_photo.py"; echo "grain $grain") | sha256sum | cut -c1-16)
    if [ ! -s "$dir/photo.png" ] || [ "$(cat "$dir/photo.png.stamp" 2>/dev/null)" != "$stamp" ]; then
        echo "python bench: generating $dir/photo.png (about 30 s)" >&2
        rm -f "$dir/photo.png.stamp"
        "$py" "$root/bench/huge/gen_photo.py" "$dir/photo.tmp.png" 9566 3909 "$grain" >&2
        mv "$dir/photo.tmp.png" "$dir/photo.png"
        echo "$stamp" >"$dir/photo.png.stamp"
    fi
    echo "$dir/photo.png"
}
declare -A srcs=()
if [ -n "${PYBENCH_SOURCE:-}" ]; then
    srcs[custom]=$(cd "$(dirname "$PYBENCH_SOURCE")" && pwd)/$(basename "$PYBENCH_SOURCE")
else
    IFS=, read -r -a wanted <<<"${PYBENCH_SOURCES:-photo,grainy}"
    for s in "${wanted[@]}"; do
        case $s in
        photo) srcs[photo]=$(photo huge 2.5) ;;
        grainy) srcs[grainy]=$(photo huge-grainy 60) ;;
        *) echo "python bench: unknown source '$s'" >&2; exit 2 ;;
        esac
    done
fi

rm -rf "$out"/src-* "$out/generator.jsonl"
for name in "${!srcs[@]}"; do
    d=$out/src-$name
    mkdir -p "$d"
    echo "${srcs[$name]}" >"$d/source"
    for ((i = 1; i <= reps; i++)); do
        for tool in pillow giflow; do   # alternating, so drifting load hits both
            echo "python bench: $name $tool run $i/$reps" >&2
            "$vpy" "$here/seed.py" "$tool" "${srcs[$name]}" "$d/$tool.gif" >>"$d/runs.jsonl" \
                2>>"$out/logs/$name-$tool.log"
        done
    done
done

for n in 60 1200; do
    echo "python bench: generator, $n frames" >&2
    "$vpy" "$here/gen_frames.py" "$n" "$out/gen$n.gif" >>"$out/generator.jsonl"
done

revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain -- src include python 2>/dev/null)" ] || revision+="+dirty"
strict=()
[ "${PYBENCH_STRICT:-0}" = 1 ] && strict=(--strict)
"$vpy" "$here/report.py" "$out" "$out/giflib_check" "$revision" "$build/bench/python.json" \
    "$build/bench/python.txt" "${strict[@]}"
