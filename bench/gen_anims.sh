#!/usr/bin/env bash
# Generates the benchmark's three synthetic animations into OUTDIR:
#   gen-screencap-1000.gif   1,000-frame screen capture: still desktop, small
#                            changing regions; gifsicle -O2 crops every frame
#                            to its changed rectangle, with transparency
#   gen-photo-fullframe.gif  100 full 480x360 frames of a Mandelbrot zoom,
#                            one 256-colour palette, Floyd-Steinberg-like
#                            (sierra2_4a) dithering: photo-like pixel noise
#   gen-interlaced.gif       50 full 640x480 frames of ffmpeg testsrc2,
#                            interlaced with gifsicle --interlace
# Debian tools only: /usr/bin/python3 with python3-pil, gifsicle, ffmpeg.
# Outputs are cached: they are remade only when this script or
# gen_screen.py changes. Usage: bench/gen_anims.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: gen_anims.sh OUTDIR}
mkdir -p "$out"
py=/usr/bin/python3   # Debian's: the python3 on PATH may lack PIL

stamp=$(cat "$here/gen_anims.sh" "$here/gen_screen.py" | sha256sum | cut -c1-16)
names="gen-screencap-1000.gif gen-photo-fullframe.gif gen-interlaced.gif"
have=1
for n in $names; do [ -s "$out/$n" ] || have=0; done
if [ "$have" = 1 ] && [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
    exit 0
fi
rm -f "$out/.stamp"
for tool in "$py" gifsicle ffmpeg; do
    command -v "$tool" >/dev/null || { echo "gen_anims: $tool missing (scripts/deps.sh bench)" >&2; exit 1; }
done
echo "gen_anims: generating animations in $out" >&2
tmp=$(mktemp -d "$out/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# (a) Screen capture: full frames from Pillow, optimised by gifsicle -O2.
"$py" "$here/gen_screen.py" "$tmp/frames" 1000 640 480
gifsicle --no-warnings --merge --delay 4 --loopcount=forever -O2 \
    "$tmp"/frames/f*.gif -o "$tmp/gen-screencap-1000.gif"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
# (b) Photo-like full frames. -t bounds the (infinite) lavfi source, which
# palettegen must see to its end; -gifflags -offsetting-transdiff keeps every
# frame whole.
ff -f lavfi -t 4 \
   -i "mandelbrot=size=480x360:rate=25:start_scale=1.5:end_scale=0.3:maxiter=512" \
   -filter_complex "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a" \
   -gifflags -offsetting-transdiff -loop 0 "$tmp/gen-photo-fullframe.gif"

# (c) Interlaced full frames.
ff -f lavfi -t 2 -i "testsrc2=size=640x480:rate=25" \
   -filter_complex "split[a][b];[a]palettegen[p];[b][p]paletteuse" \
   -gifflags -offsetting-transdiff -loop 0 "$tmp/il.gif"
gifsicle --no-warnings --interlace "$tmp/il.gif" -o "$tmp/gen-interlaced.gif"

for n in $names; do mv "$tmp/$n" "$out/$n"; done
echo "$stamp" > "$out/.stamp"
