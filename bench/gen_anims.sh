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
#   gen-screen-720p.gif      300-frame 1280x720 screen recording (the same
#                            generator as gen-screencap): small changing
#                            rectangles on a large canvas
#   gen-dither-1080p.gif     a 1920x1080 photo-like still (huge/gen_photo.py)
#                            with 256 colours, Floyd-Steinberg dithered
#   gen-noisy-2400.gif       a 2400x1800 grainy photo-like still, dithered
#   gen-ffmpeg-640x360.gif   300 frames of testsrc2 as ffmpeg's GIF muxer
#                            writes them (changed rectangles, transparency)
#   gen-video-960x540.gif    75 full 960x540 frames of a mandelbrot zoom
# Debian tools only: /usr/bin/python3 with python3-pil and python3-numpy,
# gifsicle, ffmpeg. Outputs are cached: they are remade only when this
# script or a generator changes. Usage: bench/gen_anims.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: gen_anims.sh OUTDIR}
mkdir -p "$out"
py=/usr/bin/python3   # Debian's: the python3 on PATH may lack PIL

stamp=$(cat "$here/gen_anims.sh" "$here/gen_screen.py" "$here/huge/gen_photo.py" | sha256sum | cut -c1-16)
names="gen-screencap-1000.gif gen-photo-fullframe.gif gen-interlaced.gif gen-screen-720p.gif
       gen-dither-1080p.gif gen-noisy-2400.gif gen-ffmpeg-640x360.gif gen-video-960x540.gif"
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

# (d) A screen recording on a 1280x720 canvas.
"$py" "$here/gen_screen.py" "$tmp/frames720" 300 1280 720
gifsicle --no-warnings --merge --delay 4 --loopcount=forever -O2 \
    "$tmp"/frames720/f*.gif -o "$tmp/gen-screen-720p.gif"

# (e, f) Photo-like stills, dithered to 256 colours.
still() {   # NAME W H GRAIN DITHER
    "$py" "$here/huge/gen_photo.py" "$tmp/$1.png" "$2" "$3" "$4"
    ff -i "$tmp/$1.png" \
       -filter_complex "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=$5" \
       "$tmp/$1.gif"
}
still gen-dither-1080p 1920 1080 2.5 floyd_steinberg
still gen-noisy-2400 2400 1800 20 sierra2_4a

# (g) ffmpeg's own GIF muxer: each frame cropped to what changed, the rest
# transparent (its default -gifflags +offsetting+transdiff).
ff -f lavfi -t 12 -i "testsrc2=size=640x360:rate=25" \
   -filter_complex "split[a][b];[a]palettegen[p];[b][p]paletteuse" \
   -loop 0 "$tmp/gen-ffmpeg-640x360.gif"

# (h) Video-like full frames.
ff -f lavfi -t 3 \
   -i "mandelbrot=size=960x540:rate=25:start_scale=2:end_scale=0.5:maxiter=256" \
   -filter_complex "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=bayer" \
   -gifflags -offsetting-transdiff -loop 0 "$tmp/gen-video-960x540.gif"

for n in $names; do mv "$tmp/$n" "$out/$n"; done
echo "$stamp" > "$out/.stamp"
