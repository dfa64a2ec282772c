#!/usr/bin/env bash
# make demo: the main job end to end on real content.
set -euo pipefail
BUILD=${1:-build}
G="$BUILD/cli/giflow"
CORPORA=${CORPORA:-../shared/corpora}
IN="$CORPORA/wuffs/test/data/gifplayer-muybridge.gif"
OUT=out/demo
rm -rf "$OUT"
mkdir -p "$OUT"
export GIFLOW_NO_PROGRESS=1

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. giflow info: a real 380-frame animation from the corpora"
"$G" info "$IN" > "$OUT/info.txt"
head -8 "$OUT/info.txt"
echo "   ..."
"$G" info --json "$IN" > "$OUT/info.json"
echo "   (full JSON: $OUT/info.json, $(wc -c < "$OUT/info.json") bytes)"

say "2. Stream-decode it from a pipe that stalls half-way"
half=$(( $(wc -c < "$IN") / 2 ))
{
    head -c "$half" "$IN"
    sleep 1   # the download stalls: frames already decoded are on disk
    tail -c +"$((half + 1))" "$IN"
} | "$G" decode --stats - -o "$OUT/frames" &
pid=$!
sleep 0.6
echo "   while the input is stalled at byte $half: $(ls "$OUT/frames" 2>/dev/null | wc -l) PNG frames already written"
wait $pid
echo "   after the input ended: $(ls "$OUT/frames" | wc -l) PNG frames in $OUT/frames/"

say "3. Byte-at-a-time feeding gives identical frames"
"$G" decode --raw "$IN" -o "$OUT/whole.rgba"
"$G" decode --raw --chunk 1 "$IN" -o "$OUT/bytes.rgba"
cmp "$OUT/whole.rgba" "$OUT/bytes.rgba"
echo "   whole file vs. one byte per call: identical, $(wc -c < "$OUT/bytes.rgba") bytes of RGBA"

say "4. Memory: the decoder's peak heap next to the canvas"
report='
import json,sys
j=json.load(sys.stdin)
print("   %-14s peak heap %7d bytes = %4.1f%% of the %dx%d canvas (%d bytes, the caller'"'"'s); fixed state %d" % (sys.argv[1], j["decoder_peak_heap"], 100.0*j["decoder_peak_heap"]/j["canvas_bytes"], j["canvas_width"], j["canvas_height"], j["canvas_bytes"], j["decoder_state"]))'
"$G" decode --json "$IN" -o "$OUT/frames2" | /usr/bin/env python3 -c "$report" "default:"
"$G" decode --json --small-memory "$IN" -o "$OUT/frames3" | /usr/bin/env python3 -c "$report" "--small-memory:"
"$G" decode --raw --small-memory "$IN" -o "$OUT/small.rgba"
cmp "$OUT/whole.rgba" "$OUT/small.rgba"
echo "   (the default adds an LZW working buffer for speed; both give identical frames)"

say "5. Encode a long animation as a stream: 1,200 frames of 640x360"
echo "   (each frame is rendered, quantized, compressed and written as it arrives)"
"$BUILD/tests/example_encode_stream" "$OUT/long.gif" 1200 640 360
"$G" info "$OUT/long.gif" > "$OUT/long.txt"
sed -n '1s/^/   /p' "$OUT/long.txt"

say "6. The same animation at 60 frames: memory does not grow with the frame count"
"$BUILD/tests/example_encode_stream" "$OUT/short.gif" 60 640 360 > "$OUT/short.txt"
grep -E "peak" "$OUT/short.txt"
