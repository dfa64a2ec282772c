#!/usr/bin/env bash
# Encoder benchmark: giflow vs gifski, ffmpeg, ImageMagick (+gifsicle), Pillow
# and cgif+libimagequant on four generated 640x360 clips. See README.md here.
# Usage: bench/encode/run.sh [BUILD_DIR]     (bench/run.sh calls it)
# Environment:
#   ENCBENCH_FRAMES=N    cap every clip at N frames (quick runs while developing)
#   ENCBENCH_CLIPS="testsrc2 mandelbrot screen natural"   which clips
#   ENCBENCH_ONLY=giflow,ffmpeg   only encoders whose label contains one of these
#   ENCBENCH_FLAT="60,1200"       flatness frame counts ("" skips it)
#   ENCBENCH_XCHECK=0    skip the Pillow-vs-giflow decoder cross-check
#   ENCBENCH_GIFLOW_EXTRA="--colors 128;--palette local"   extra giflow variants
#   ENCBENCH_GIFSKI=0    skip gifski (else it is fetched with `npm pack`)
# Writes BUILD_DIR/bench/encode.json and BUILD_DIR/bench/encode.txt; clips and
# outputs go to BUILD_DIR/bench/encode/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
mkdir -p "$build"
build=$(cd "$build" && pwd)
out=$build/bench/encode
mkdir -p "$out/clips"
py=/usr/bin/python3   # Debian's: the python3 on PATH may lack PIL

for tool in "$py" /usr/bin/ffmpeg /usr/bin/convert /usr/bin/gifsicle /usr/bin/time; do
    [ -x "$tool" ] || { echo "encode bench: $tool missing (scripts/deps.sh bench)" >&2; exit 1; }
done
"$py" -c 'import PIL, numpy' 2>/dev/null ||
    { echo "encode bench: $py lacks PIL/numpy (python3-pil python3-numpy)" >&2; exit 1; }

# giflow's CLI (Release, as `make` builds it), the cgif+libimagequant peer and
# the metrics tool.
cmake -S "$here" -B "$out/build" -DCMAKE_BUILD_TYPE=Release >"$out/cmake.log" 2>&1 ||
    { cat "$out/cmake.log" >&2; exit 1; }
cmake --build "$out/build" --target giflow_cli cgif_liq encmetrics -j"$(nproc 2>/dev/null || echo 2)" \
    >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }

# Clips as raw RGBA, made once and kept while their recipe is unchanged.
frames_of() { local n=$2; [ -n "${ENCBENCH_FRAMES:-}" ] && [ "$ENCBENCH_FRAMES" -lt "$n" ] && n=$ENCBENCH_FRAMES; echo "$n"; }
make_clip() {   # NAME FRAMES RECIPE...
    local name=$1 n=$2; shift 2
    local file=$out/clips/$name-$n.rgba
    local stamp
    stamp=$( { echo "$*"; cat "$here/gen_screen_clip.py" "$here/gen_natural_clip.py" \
                 "$here/../huge/gen_photo.py"; } | sha256sum | cut -c1-16)
    if [ ! -s "$file" ] || [ "$(cat "$file.stamp" 2>/dev/null)" != "$stamp" ]; then
        echo "encode bench: making clip $name ($n frames)" >&2
        rm -f "$file.stamp" "$file.json"
        "$@" "$file.tmp"
        mv "$file.tmp" "$file"
        [ ! -f "$file.tmp.json" ] || mv "$file.tmp.json" "$file.json"
        echo "$stamp" >"$file.stamp"
    fi
    echo "$name:$file:640:360:25"
}
lavfi() {   # SOURCE FRAMES OUT
    /usr/bin/ffmpeg -v error -y -f lavfi -i "$1=size=640x360:rate=25" -frames:v "$2" \
        -f rawvideo -pix_fmt rgba "$3"
}
screen() {  # FRAMES OUT
    "$py" "$here/gen_screen_clip.py" "$2" "$1" 640 360
}
natural() { # FRAMES OUT
    "$py" "$here/gen_natural_clip.py" "$2" "$1" 640 360
}
clips=()
for c in ${ENCBENCH_CLIPS:-testsrc2 mandelbrot screen natural}; do
    case $c in
        testsrc2)   n=$(frames_of $c 500); clips+=(--clip "$(make_clip $c "$n" lavfi testsrc2 "$n")") ;;
        mandelbrot) n=$(frames_of $c 250); clips+=(--clip "$(make_clip $c "$n" lavfi mandelbrot "$n")") ;;
        screen)     n=$(frames_of $c 300); clips+=(--clip "$(make_clip $c "$n" screen "$n")") ;;
        natural)    n=$(frames_of $c 200); clips+=(--clip "$(make_clip $c "$n" natural "$n")") ;;
        *) echo "encode bench: unknown clip $c" >&2; exit 1 ;;
    esac
done

# gifski (AGPL) runs only as a separate process: its npm package ships a
# Linux binary. Fetched once into a cache outside the repository
# (GIFSKI_CACHE, default ~/.cache/giflow-bench/gifski); skipped when npm cannot.
gifski=()
gifski_version=1.7.1
gcache=${GIFSKI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/giflow-bench/gifski}
gbin=$gcache/package/bin/debian/gifski
if [ "${ENCBENCH_GIFSKI:-1}" != 0 ] && [ ! -x "$gbin" ]; then
    mkdir -p "$gcache"
    if command -v npm >/dev/null &&
        (cd "$gcache" && npm pack --silent "gifski@$gifski_version" >npm.log 2>&1 &&
         tar xzf "gifski-$gifski_version.tgz"); then
        :
    else
        echo "encode bench: NOTE: gifski skipped: 'npm pack gifski@$gifski_version' failed" \
             "(no npm or no registry; see $gcache/npm.log)" >&2
    fi
fi
if [ "${ENCBENCH_GIFSKI:-1}" != 0 ] && [ -x "$gbin" ] && "$gbin" --version >/dev/null 2>&1; then
    gifski=(--gifski "$gbin")
fi

xcheck=()
[ "${ENCBENCH_XCHECK:-1}" = 0 ] && xcheck=(--no-xcheck)
"$py" "$here/encbench.py" --out "$out" \
    --giflow "$out/build/giflow/cli/giflow" --cgif "$out/build/cgif_liq" \
    --metrics "$out/build/encmetrics" "${gifski[@]}" \
    --json "$build/bench/encode.json" --txt "$build/bench/encode.txt" \
    --only "${ENCBENCH_ONLY:-}" --flat "${ENCBENCH_FLAT-60,1200}" "${xcheck[@]}" "${clips[@]}"
