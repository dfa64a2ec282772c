#!/usr/bin/env bash
# Player benchmark (bench/player/README.md): the issue's targets, each
# printed with PASS or FAIL.
#   1. a 1,200-frame 640x360 GIF (examples/encode_stream.c, the demo's),
#      budget 8 canvases: random seek p95 <= 10x the sequential frame time;
#   2. gifplayer-muybridge, budget 4 canvases: every seek <= 3 ms;
#   3. the player's heap never above budget + fixed state (both);
#   4. the viewer page shows that 5.75 MB GIF's first frame after at most
#      10% of its bytes (throttled server, headless Chromium).
# Usage: bench/player/run.sh BUILD_DIR   (after bench/run.sh built BUILD_DIR/bench)
# Writes BUILD_DIR/bench/player.json and player.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
out=$build/bench
corpora=${CORPORA:-$root/../shared/corpora}
pb=$out/player_bench
[ -x "$pb" ] || { echo "player bench: $pb missing (bench/run.sh builds it)" >&2; exit 1; }
gif=$out/anims/long-1200.gif
if [ ! -s "$gif" ]; then
    mkdir -p "$out/anims"
    "$build/tests/example_encode_stream" "$gif.tmp" 1200 640 360 >/dev/null
    mv "$gif.tmp" "$gif"
fi
muy=$corpora/wuffs/test/data/gifplayer-muybridge.gif
txt=$out/player.txt
: >"$txt"
say() { echo "$*" | tee -a "$txt"; }
verdict() { if [ "$1" = 1 ]; then echo PASS; else echo FAIL; fi; }
py=/usr/bin/python3
field() { "$py" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

say "== player: $gif, budget 8 canvases (bench/player/player_bench.c)"
"$pb" --json "$out/player-long.json" "$gif" 8 | tee -a "$txt"
"$pb" --json "$out/player-long-cold.json" --warm 0 "$gif" 8 | tee -a "$txt"
ratio=$(field "$out/player-long.json" p95_ratio)
say "target 1: p95 / sequential frame time = $ratio (<= 10): $(verdict "$("$py" -c "print(int($ratio <= 10))")")"

say "== player: gifplayer-muybridge, budget 4 canvases"
"$pb" --json "$out/player-muybridge.json" "$muy" 4 | tee -a "$txt"
"$pb" --json "$out/player-muybridge-cold.json" --warm 0 "$muy" 4 | tee -a "$txt"
mx=$(field "$out/player-muybridge.json" max_us)
mxc=$(field "$out/player-muybridge-cold.json" max_us)
say "target 2: slowest seek $mx us after a first play, $mxc us on a cold player (<= 3000): $(verdict "$("$py" -c "print(int(max($mx, $mxc) <= 3000))")")"
ok=1
for j in long long-cold muybridge muybridge-cold; do
    peak=$(field "$out/player-$j.json" peak_heap) bound=$(field "$out/player-$j.json" bound)
    say "  $j: peak heap $peak, bound (budget + fixed state) $bound"
    [ "$peak" -le "$bound" ] || ok=0
done
say "target 3: heap never above budget + fixed state: $(verdict $ok)"

say "== web page: first frame of $(basename "$gif") ($(stat -c %s "$gif") bytes), 32 KiB every 20 ms"
"$root/web/build.sh" "$out/web"
(cd "$root/tests/web" && { [ -d node_modules/puppeteer-core ] || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null; })
node "$here/web_bench.js" "$root/web" "$out/web/giflow.wasm" "$gif" "$out/web-bench" >"$out/player-web.json"
cat "$out/player-web.json" | tee -a "$txt"
frac=$(field "$out/player-web.json" first_frame_fraction)
say "target 4: first frame shown after $("$py" -c "print(round(100*$frac, 2))")% of the bytes (<= 10%): $(verdict "$("$py" -c "print(int($frac <= 0.10))")")"

"$py" - "$out" >"$out/player.json" <<'PY'
import json, sys
d = sys.argv[1]
print(json.dumps({k: json.load(open(f"{d}/player-{k}.json")) for k in
                  ("long", "long-cold", "muybridge", "muybridge-cold", "web")}, indent=1))
PY
