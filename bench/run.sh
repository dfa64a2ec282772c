#!/usr/bin/env bash
# Decode benchmark: giflow vs Wuffs, giflib and stb_image. See bench/README.md.
# Usage: bench/run.sh [BUILD_DIR]     (make bench runs: bench/run.sh build)
# Environment: BENCH_MIN_TIME (seconds per decoder and file, default 0.5),
#              CORPORA (default: the build's GIFLOW_CORPORA, else
#              ../shared/corpora next to the repository),
#              BENCH_PASSES (timing passes over the file list, default 3),
#              BENCH_DECODE_ONLY=1 (skip the encode and huge benches).
# Writes BUILD_DIR/bench/decode.json and BUILD_DIR/bench/decode.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-build}
mkdir -p "$build"
build=$(cd "$build" && pwd)
out=$build/bench

corpora=${CORPORA:-}
if [ -z "$corpora" ] && [ -f "$build/CMakeCache.txt" ]; then
    corpora=$(sed -n 's/^GIFLOW_CORPORA:[A-Z]*=//p' "$build/CMakeCache.txt")
fi
[ -n "$corpora" ] && [ -d "$corpora" ] || corpora=$root/../shared/corpora
corpora=$(cd "$corpora" && pwd)

# A separate -O2 build of the giflow sources (no sanitizers) + the harness.
cmake -S "$here" -B "$out" -DCMAKE_BUILD_TYPE=Release >"$out.cmake.log" 2>&1 ||
    { cat "$out.cmake.log" >&2; exit 1; }
cmake --build "$out" -j"$(nproc 2>/dev/null || echo 2)" >"$out.build.log" 2>&1 ||
    { cat "$out.build.log" >&2; exit 1; }

"$here/gen_anims.sh" "$out/anims"

files=()
for f in harvesters.gif hibiscus.regular.gif hibiscus.primitive.gif gifplayer-muybridge.gif \
         hippopotamus.regular.gif hippopotamus.interlaced.gif bricks-dither.gif bricks-nodither.gif; do
    files+=("$corpora/wuffs/test/data/$f")
done
for d in blink-images-resources golang-image-testdata; do
    for f in "$corpora/$d"/*.gif; do files+=("$f"); done
done
for f in gen-screencap-1000.gif gen-photo-fullframe.gif gen-interlaced.gif gen-screen-720p.gif \
         gen-dither-1080p.gif gen-noisy-2400.gif gen-ffmpeg-640x360.gif gen-video-960x540.gif; do
    files+=("$out/anims/$f")
done
present=()
for f in "${files[@]}"; do
    if [ -f "$f" ]; then present+=("$f"); else echo "bench: missing $f" >&2; fi
done

"$out/decode_bench" --min-time "${BENCH_MIN_TIME:-0.5}" --passes "${BENCH_PASSES:-3}" --json "$out/decode.json" \
    "${present[@]}" | tee "$out/decode.txt"

# The CLI's cost (issue 9): `giflow decode --raw FILE -o -` as a process
# against the same decode in-process, on the stills and one animation.
# Needs the main build's CLI (make bench builds it): BUILD_DIR/bench/cli_cost.txt.
if [ -x "$build/cli/giflow" ]; then
    "$out/cli_cost" --runs 15 "$build/cli/giflow" "$corpora/wuffs/test/data/harvesters.gif" \
        "$corpora/wuffs/test/data/hibiscus.regular.gif" "$corpora/wuffs/test/data/gifplayer-muybridge.gif" \
        "$out/anims/gen-dither-1080p.gif" "$out/anims/gen-noisy-2400.gif" | tee "$out/cli_cost.txt"
else
    echo "bench: $build/cli/giflow not built: no CLI cost table" >&2
fi

# BENCH_DECODE_ONLY=1: stop here (the decode tables only).
[ "${BENCH_DECODE_ONLY:-0}" = 1 ] && exit 0

# Encoder benchmark (bench/encode/README.md): BUILD_DIR/bench/encode.json and encode.txt.
"$here/encode/run.sh" "$build"

# Huge-image benchmark (bench/huge/README.md): BUILD_DIR/bench/huge.json and huge.txt.
"$here/huge/run.sh" "$build"
# The same scene with heavy grain (the anchors' colour count), giflow and
# Pillow only: BUILD_DIR/bench/huge-grainy.json and huge-grainy.txt.
HUGEBENCH_GRAIN=60 HUGEBENCH_NAME=huge-grainy HUGEBENCH_ONLY=giflow,pillow "$here/huge/run.sh" "$build"

# Python package (bench/python/README.md): the seed user's rotate(45) save
# with Pillow and giflow.pillow, and generator flatness: BUILD_DIR/bench/python.json and python.txt.
"$here/python/run.sh" "$build"

# giflow edit vs gifsicle / ImageMagick (bench/edit/README.md): BUILD_DIR/bench/edit.json and edit.txt.
"$here/edit/run.sh" "$build"

# Player: random seeks, heap bound, the web page's first frame
# (bench/player/README.md): BUILD_DIR/bench/player.json and player.txt.
"$here/player/run.sh" "$build"
