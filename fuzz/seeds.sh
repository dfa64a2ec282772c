#!/usr/bin/env bash
# Seeds for fuzz_readers in $1: small PNG, JPEG and y4m files of the kinds
# `giflow encode` reads, made with ImageMagick and ffmpeg when present (a
# y4m written by hand otherwise). Not needed for correctness: the fuzzer
# finds the formats from nothing, only more slowly.
set -u
out=$1
mkdir -p "$out"
if command -v convert >/dev/null; then
    src="-size 13x7 gradient:red-blue"
    convert $src "$out/rgb.png"
    convert $src -colors 5 PNG8:"$out/pal.png"
    convert $src -colorspace gray -depth 16 "$out/gray16.png"
    convert $src -alpha set -channel A -evaluate set 50% "$out/rgba.png"
    convert $src -interlace PNG "$out/adam7.png"
    convert $src -quality 80 "$out/base.jpg"
    convert $src -interlace JPEG "$out/prog.jpg"
    convert $src -colorspace gray "$out/gray.jpg"
    convert $src -colorspace CMYK "$out/cmyk.jpg"
    convert $src -sampling-factor 4:2:2 "$out/s422.jpg"
fi
if command -v ffmpeg >/dev/null; then
    for f in yuv420p yuv422p yuv444p gray yuv420p10le; do
        ffmpeg -v quiet -f lavfi -i testsrc=size=9x5:rate=5 -frames:v 2 -pix_fmt $f \
            -strict -1 "$out/$f.y4m" </dev/null || true
    done
fi
{ printf 'YUV4MPEG2 W2 H2 F25:1 Ip A1:1 C444 XCOLORRANGE=FULL\nFRAME\n'
  printf '\x10\x20\x30\x40\x80\x80\x80\x80\x80\x80\x80\x80'; } >"$out/hand.y4m"
