#!/usr/bin/env bash
# make embedded: cross-compiles the player firmware for a Cortex-M0+ with
# 32 KB of RAM, runs it under qemu (mps2-an385) on the corpus set in
# embedded/files.txt, checks that every frame's RGB565 CRC equals the host
# build's and the RGBA canvas decode's, and prints flash, static RAM,
# peak stack and instructions per pixel.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA=${CORPORA:-../shared/corpora}
OUT=${EMBEDDED_BUILD:-build-embedded}
mkdir -p "$OUT"

CC=arm-none-eabi-gcc
ARCH="-mcpu=cortex-m0plus -mthumb"
CFLAGS="$ARCH -Os -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -ffunction-sections -fdata-sections -Iinclude"
LIB="src/common/status.c src/common/mem.c src/common/api.c src/decode/parse.c
     src/decode/decoder.c src/decode/lzw.c src/decode/source.c src/decode/display.c
     src/decode/compose.c src/decode/lzw_canvas.c src/decode/lzw_chain.c
     src/decode/lzw_copy.c src/decode/lzw_flat.c src/decode/pixels.c"

objs=""
for f in $LIB embedded/player.c embedded/target/startup.c embedded/target/main_mps2.c; do
    o="$OUT/$(basename "${f%.c}").o"
    $CC $CFLAGS -DTRAP_UNALIGNED -c "$f" -o "$o"
    objs="$objs $o"
done
$CC $ARCH -nostartfiles --specs=nano.specs -Wl,--gc-sections -Wl,-Map="$OUT/player.map" \
    -L embedded/target -T embedded/target/mps2.ld $objs -o "$OUT/player.elf"

files=()
while read -r f; do
    [[ -z "$f" || "$f" == \#* ]] && continue
    files+=("$CORPORA/$f")
done < embedded/files.txt

# The host build of the same player, and the canvas reference.
cc -O2 -std=c11 -Wall -Wextra -Werror -Iinclude -o "$OUT/host_player" embedded/host_player.c \
    embedded/player.c $(for f in $LIB; do echo "$f"; done)
"$OUT/host_player" "${files[@]}" > "$OUT/host.txt"
"$OUT/host_player" --canvas "${files[@]}" > "$OUT/canvas.txt"

args="arg=player"
for f in "${files[@]}"; do args="$args,arg=$f"; done
timeout 600 qemu-system-arm -M mps2-an385 -nographic -monitor none -serial none \
    -icount shift=0 -semihosting-config enable=on,target=native,$args \
    -kernel "$OUT/player.elf" > "$OUT/target.txt" 2>&1

grep '^frame' "$OUT/target.txt" > "$OUT/target-frames.txt" || true
grep '^frame' "$OUT/host.txt" > "$OUT/host-frames.txt"
status=0
if ! cmp -s "$OUT/target-frames.txt" "$OUT/host-frames.txt"; then
    echo "embedded: target and host CRCs differ:"; diff "$OUT/target-frames.txt" "$OUT/host-frames.txt" | head
    status=1
fi
if ! cmp -s "$OUT/host-frames.txt" "$OUT/canvas.txt"; then
    echo "embedded: display and canvas CRCs differ:"; diff "$OUT/host-frames.txt" "$OUT/canvas.txt" | head
    status=1
fi
grep -q FAULT "$OUT/target.txt" && { echo "embedded: the firmware faulted"; status=1; }
cat "$OUT/target.txt" | grep -v '^frame'
arm-none-eabi-size "$OUT/player.elf"
exit $status
