#!/usr/bin/env bash
# Build options (README "Build options"): every library source is in
# exactly one list of src/sources/, library.json (PlatformIO) builds the
# decode list, and a CMake build with each part left
# out builds a library without that part's code and without undefined
# references (the shared library is linked with -z defs).
# Usage: options_test.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cd "$src"
listed=$(grep -hv -e '^#' -e '^$' src/sources/*.txt | sort)
dups=$(echo "$listed" | uniq -d)
[ -z "$dups" ] || { echo "in more than one list: $dups"; fail=1; }
missing=$(comm -23 <(find src -name '*.c' | sort) <(echo "$listed" | sort -u))
[ -z "$missing" ] || { echo "in no list: $missing"; fail=1; }
gone=$(for f in $listed; do [ -f "$f" ] || echo "$f"; done)
[ -z "$gone" ] || { echo "listed but missing: $gone"; fail=1; }
# PlatformIO's library.json builds the decode and display lists.
pio=$(python3 -c 'import json; print("\n".join("src/" + f[2:-1] for f in json.load(open("library.json"))["build"]["srcFilter"] if f.startswith("+")))' | sort)
[ "$pio" = "$(grep -hv -e '^#' -e '^$' src/sources/decode.txt src/sources/display.txt | sort)" ] ||
    { echo "library.json's srcFilter is not src/sources/decode.txt + display.txt: $pio"; fail=1; }

# config "OPTIONS" "symbols that must be there" "symbols that must not"
config() {
    local b="$tmp/b$((++n))"
    cmake -S "$src" -B "$b" $1 -DGIFLOW_INSTALL=OFF -DCMAKE_SHARED_LINKER_FLAGS=-Wl,-z,defs \
        ${CC:+-DCMAKE_C_COMPILER=$CC} >"$b.log" 2>&1 || { cat "$b.log"; fail=1; return; }
    cmake --build "$b" -j2 >>"$b.log" 2>&1 || { tail -30 "$b.log"; fail=1; return; }
    local syms
    syms=$(nm -D --defined-only "$b/libgiflow.so" | awk '{ print $3 }')
    for s in $2; do echo "$syms" | grep -qx "$s" || { echo "[$1] lacks $s"; fail=1; }; done
    for s in $3; do echo "$syms" | grep -qx "$s" && { echo "[$1] has $s"; fail=1; }; done
    echo "options_test: [$1] $(echo "$syms" | wc -l) symbols, $(stat -L -c %s "$b/libgiflow.so") B"
}
n=0
config "-DGIFLOW_WITH_CANVAS=OFF -DGIFLOW_WITH_VIEWPORT=OFF -DGIFLOW_WITH_QUANT=OFF -DGIFLOW_WITH_ENCODER=OFF" \
    "giflow_decode_row giflow_decode_frame_draw giflow_source_callbacks giflow_decode_frame_rgba" \
    "giflow_decoder_set_viewport giflow_encoder_new giflow_player_new giflow_transcode_new"
config "-DGIFLOW_ROWS_ONLY=ON -DGIFLOW_WITH_CANVAS=OFF -DGIFLOW_WITH_VIEWPORT=OFF -DGIFLOW_WITH_QUANT=OFF -DGIFLOW_WITH_ENCODER=OFF" \
    "giflow_decode_row giflow_source_callbacks giflow_decoder_init_static" \
    "giflow_decoder_set_display giflow_decoder_set_viewport giflow_encoder_new"
config "-DGIFLOW_SMALL_LZW=ON -DGIFLOW_WITH_CANVAS=OFF -DGIFLOW_WITH_VIEWPORT=OFF" \
    "giflow_decode_frame_draw giflow_decode_row giflow_encoder_new" "giflow_decoder_set_viewport"
config "-DGIFLOW_WITH_VIEWPORT=OFF -DGIFLOW_WITH_QUANT=OFF -DGIFLOW_WITH_ENCODER=OFF" \
    "giflow_decode_frame_rgba giflow_decode_frame_draw" "giflow_decoder_set_viewport giflow_encoder_new"
config "-DGIFLOW_WITH_CANVAS=OFF -DGIFLOW_WITH_VIEWPORT=OFF" \
    "giflow_encoder_new giflow_decode_frame_draw" "giflow_decoder_set_viewport giflow_transcode_new"
# A decode-only program: giflow_decode_frame_rgba says there is no canvas.
cat > "$tmp/p.c" <<'C'
#include <stdio.h>
#include "giflow.h"
int main(void)
{
    static const unsigned char gif[] = "GIF89a\1\0\1\0\0\0\0,\0\0\0\0\1\0\1\0\0\2\2D\1\0;";
    static unsigned char mem[GIFLOW_DECODER_STATIC_SIZE(4)] __attribute__((aligned(8)));
    giflow_decoder *d = giflow_decoder_init_static(mem, sizeof mem);
    giflow_input in = {gif, sizeof gif - 1, 0, 1};
    giflow_image_info im;
    giflow_frame_info f;
    unsigned char rgba[4];
    int a = giflow_decode_image_info(d, &in, &im), b = giflow_decode_frame_info(d, &in, &f);
    int c = giflow_decode_frame_rgba(d, &in, rgba, 4);
    printf("%d %d %d\n", a, b, c);
    return !(a == GIFLOW_OK && b == GIFLOW_OK && c == GIFLOW_ERR_STATE);
}
C
${CC:-cc} -std=c11 -DGIFLOW_CONFIG_NO_CANVAS -I include "$tmp/p.c" "$tmp/b1/libgiflow.a" -o "$tmp/p" &&
    "$tmp/p" || { echo "the decode-only program failed"; fail=1; }
# Rows only: the state's compile-time size fits what the library reports,
# and within 13 KiB.
cat > "$tmp/r.c" <<'C'
#include <stdio.h>
#include "giflow.h"
int main(void)
{
    size_t s = giflow_decoder_state_size();
    printf("rows-only state %zu (GIFLOW_DECODER_STATE_SIZE %zu)\n", s, GIFLOW_DECODER_STATE_SIZE);
    return !(s <= GIFLOW_DECODER_STATE_SIZE && s <= 13 * 1024);
}
C
${CC:-cc} -std=c11 -DGIFLOW_CONFIG_ROWS_ONLY -I include "$tmp/r.c" "$tmp/b2/libgiflow.a" -o "$tmp/r" &&
    "$tmp/r" || { echo "the rows-only state is not what was promised"; fail=1; }
[ $fail = 0 ] && echo "options_test: ok"
exit $fail
