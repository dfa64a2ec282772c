#!/bin/sh
# Builds the quantizer bench, makes its inputs with ffmpeg into $QDIR and
# runs giflow against libimagequant. Usage: bench/quant/run.sh [build-dir]
set -e
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-qbench}
corpora=${CORPORA:-$here/../../../shared/corpora}
QDIR=${QDIR:-/tmp/giflow-qbench}
# Debian's libimagequant (2.17) uses OpenMP; giflow uses one thread. One
# thread each compares like with like and keeps timings steady on a
# shared machine.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
mkdir -p "$QDIR"
cmake -S "$here" -B "$build" >/dev/null
cmake --build "$build" >/dev/null

# raw NAME INPUT FRAMES [FILTER] -> prints NAME:W:H:FILE
raw() {
    out="$QDIR/$1.rgba"
    vf=${4:-null}
    [ -s "$out" ] || ffmpeg -v error -y -i "$2" -vf "$vf" -frames:v "$3" \
        -f rawvideo -pix_fmt rgba "$out"
    wh=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height \
         -of csv=p=0 "$2" | head -n 1 | tr , :)
    echo "$1:$wh:$out"
}
lavfi() {
    out="$QDIR/$1.rgba"
    [ -s "$out" ] || ffmpeg -v error -y -f lavfi -i "$2" -frames:v 5 \
        -f rawvideo -pix_fmt rgba "$out"
    echo "$1:640:360:$out"
}

set -- \
    "$(lavfi testsrc2 testsrc2=size=640x360:rate=1)" \
    "$(lavfi mandelbrot mandelbrot=size=640x360:rate=1)" \
    "$(raw harvesters-blur "$corpora/wuffs/test/data/harvesters.gif" 1 gblur=sigma=1.5)" \
    "$(raw hibiscus-blur "$corpora/wuffs/test/data/hibiscus.regular.gif" 1 gblur=sigma=1.5)" \
    "$(raw harvesters "$corpora/wuffs/test/data/harvesters.gif" 1)" \
    "$(raw screenshot "$corpora/image-gif/benches/samples/test.png" 1)"
photo=/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html/embedded-book/assets/f3.jpg
if [ -r "$photo" ]; then
    set -- "$@" "$(raw photo-f3 "$photo" 1)"
    out="$QDIR/photo-640x360.rgba"
    [ -s "$out" ] || ffmpeg -v error -y -i "$photo" -vf scale=640:360 -frames:v 1 \
        -f rawvideo -pix_fmt rgba "$out"
    set -- "$@" "photo-640x360:640:360:$out"
fi
"$build/quant_bench" ${QBENCH_ARGS:-} "$@"
