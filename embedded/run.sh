#!/usr/bin/env bash
# make embedded: cross-compiles player firmwares for a Cortex-M0+ from the
# decode-only file lists (src/sources/decode.txt + display.txt) and runs
# them under qemu on the corpus set in embedded/files.txt:
# - mps2-an385 with 32 KB of RAM (linker script): player480 (480-wide
#   frames, every file), player320 (a 320-wide display, the files that fit,
#   4 KB of restore-previous scratch: readback, else re-decode),
#   player320-redecode (one row of scratch: re-decode only), and
#   player320-small / player480-small (GIFLOW_CONFIG_SMALL_LZW: a 2 KiB
#   smaller LZW table). Every frame's RGB565 CRC must equal the host
#   build's (same player, full library) and the RGBA canvas decode's.
# - micro:bit with 16 KB: rows only (GIFLOW_CONFIG_ROWS_ONLY), the files up
#   to 128 wide; each frame's CRC over its rows equals the host's, with the
#   full library and with the rows-only one.
# On the host, the small configurations must also equal the full library
# over every corpus file. Prints flash, static RAM, the painted stack's
# peak and instructions per pixel (qemu -icount) into $OUT/figures.txt.
# Usage: embedded/run.sh  (CORPORA, EMBEDDED_BUILD override the folders)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA=${CORPORA:-../shared/corpora}
OUT=${EMBEDDED_BUILD:-build-embedded}
mkdir -p "$OUT"
status=0
fail() { echo "embedded: FAIL: $*"; status=1; }

CC=arm-none-eabi-gcc
ARCH="-mcpu=cortex-m0plus -mthumb"
WARN="-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
BASE="$ARCH -Os $WARN -ffunction-sections -fdata-sections -Iinclude"
list() { grep -v -e '^#' -e '^$' "src/sources/$1.txt"; }
LIB=$(list decode; list display)

# The library, compiled once per configuration (OUT/lib-CONFIG/); each
# firmware links what it uses. lib CONFIG LISTS...: sets $libobjs.
lib() {
    local config=$1 d="$OUT/lib-$1" f o
    shift
    mkdir -p "$d"
    libobjs=""
    for f in $(for l in "$@"; do list "$l"; done); do
        o="$d/$(basename "${f%.c}").o"
        $CC $BASE -DGIFLOW_CONFIG_$config -c "$f" -o "$o"
        libobjs="$libobjs $o"
    done
}
lib NO_CANVAS decode display
lib SMALL_LZW decode display
lib ROWS_ONLY decode; rowsobjs=$libobjs
# firmware NAME MAX_WIDTH SCRATCH_BYTES SD_BYTES CONFIG
firmware() {
    local name=$1 d="$OUT/$1" objs=""
    mkdir -p "$d"
    for f in embedded/player.c embedded/crc.c embedded/target/startup.c \
        embedded/target/harness.c embedded/target/main_mps2.c; do
        local o="$d/$(basename "${f%.c}").o"
        $CC $BASE -DGIFLOW_CONFIG_$5 -DTRAP_UNALIGNED -DMAX_WIDTH="$2" -DSCRATCH_BYTES="$3" \
            -DSD_BYTES="$4" -c "$f" -o "$o"
        objs="$objs $o"
    done
    $CC $ARCH -nostartfiles --specs=nano.specs -Wl,--gc-sections -Wl,-Map="$d/player.map" \
        -L embedded/target -T embedded/target/mps2.ld $objs "$OUT/lib-$5"/*.o -o "$d/player.elf"
}
firmware player480 480 4096 512 NO_CANVAS
firmware player320 320 4096 512 NO_CANVAS
# One row of re-decode scratch at 320 (w * 2 + (w + 7) / 8 bytes).
firmware player320-redecode 320 680 512 NO_CANVAS
# The small LZW table: 2 KiB less state, so 4 KB of scratch fits 20 KB.
firmware player320-small 320 4096 512 SMALL_LZW
firmware player480-small 480 4096 512 SMALL_LZW
# The rows-only micro:bit firmware.
d="$OUT/microbit-rows"
mkdir -p "$d"
objs=""
for f in embedded/rows_player.c embedded/crc.c embedded/target/startup.c \
    embedded/target/harness.c embedded/target/main_microbit.c; do
    o="$d/$(basename "${f%.c}").o"
    $CC $BASE -DGIFLOW_CONFIG_ROWS_ONLY -DTRAP_UNALIGNED -c "$f" -o "$o"
    objs="$objs $o"
done
$CC $ARCH -nostartfiles --specs=nano.specs -Wl,--gc-sections -Wl,-Map="$d/player.map" \
    -L embedded/target -T embedded/target/microbit.ld $objs $rowsobjs -o "$d/player.elf"

all=() narrow=() small=()
while read -r f; do
    [[ -z "$f" || "$f" == \#* ]] && continue
    all+=("$CORPORA/$f")
    w=$(od -An -tu2 -j6 -N2 "$CORPORA/$f" | tr -d ' ')
    [ "$w" -le 320 ] && narrow+=("$CORPORA/$f")
    [ "$w" -le 128 ] && small+=("$CORPORA/$f")
done < embedded/files.txt

# The Arduino layout (library.properties): the IDE compiles every file
# under src/ with only src/ on the include path (src/giflow.h forwards).
mkdir -p "$OUT/arduino"
for f in $(find src -name '*.c' | sort); do
    $CC $ARCH -Os $WARN -Isrc -c "$f" -o "$OUT/arduino/$(echo "${f%.c}" | tr / _).o" ||
        fail "Arduino layout: $f does not compile"
done

# The host build of the same player (the full library), and the canvas
# reference.
HOSTLIB=$(list decode; list display; list canvas)
cc -O2 $WARN -Iinclude -o "$OUT/host_player" embedded/host_player.c embedded/player.c \
    embedded/crc.c $HOSTLIB
cc -O2 $WARN -Iinclude -o "$OUT/host_rows" embedded/host_rows.c embedded/rows_player.c \
    embedded/crc.c $HOSTLIB
cc -O2 $WARN -Iinclude -DGIFLOW_CONFIG_ROWS_ONLY -o "$OUT/host_rows_only" embedded/host_rows.c \
    embedded/rows_player.c embedded/crc.c $(list decode)

# run NAME FILES...: plays the files on firmware NAME and on the host.
run() {
    local name=$1 d="$OUT/$1" args="arg=player"
    shift
    for f in "$@"; do args="$args,arg=$f"; done
    "$OUT/host_player" --scratch "$SCRATCH" "$@" > "$d/host.txt"
    "$OUT/host_player" --canvas "$@" > "$d/canvas.txt"
    local rc=0
    timeout 900 qemu-system-arm -M mps2-an385 -nographic -monitor none -serial none \
        -icount shift=0 -semihosting-config enable=on,target=native,$args \
        -kernel "$d/player.elf" > "$d/target.txt" 2>&1 || rc=$?
    [ $rc = 0 ] || fail "$name: qemu exited with $rc"
    grep -q FAULT "$d/target.txt" && fail "$name: the firmware faulted (unaligned access?)"
    grep '^frame' "$d/target.txt" > "$d/target-frames.txt" || true
    grep '^frame' "$d/host.txt" > "$d/host-frames.txt" || true
    if ! cmp -s "$d/target-frames.txt" "$d/host-frames.txt"; then
        fail "$name: target and host CRCs differ:"
        diff "$d/target-frames.txt" "$d/host-frames.txt" | head
    fi
    if ! cmp -s "$d/host-frames.txt" "$d/canvas.txt"; then
        fail "$name: display and canvas CRCs differ:"
        diff "$d/host-frames.txt" "$d/canvas.txt" | head
    fi
    if grep '^done' "$d/target.txt" | grep -v ' status 2 '; then
        fail "$name: a file did not play to its end (status 2 is GIFLOW_END)"
    fi
    [ -s "$d/target-frames.txt" ] || fail "$name: no frames"
}
SCRATCH=4096 run player480 "${all[@]}"
SCRATCH=4096 run player320 "${narrow[@]}"
SCRATCH=680 run player320-redecode "${narrow[@]}"
SCRATCH=4096 run player320-small "${narrow[@]}"
SCRATCH=4096 run player480-small "${all[@]}"

# The small configurations against the full library, on the host, over
# every corpus file (errors included): SMALL_LZW's display output and
# ROWS_ONLY's rows.
d="$OUT/configs"
mkdir -p "$d"
big="-DMAX_WIDTH=8192 -DMAX_PIXELS=16777216u"
cc -O2 $WARN -Iinclude $big -o "$d/player_full" embedded/host_player.c embedded/player.c \
    embedded/crc.c $HOSTLIB
cc -O2 $WARN -Iinclude $big -DGIFLOW_CONFIG_SMALL_LZW -o "$d/player_small" embedded/host_player.c \
    embedded/player.c embedded/crc.c $(list decode; list display)
find "$CORPORA" -name '*.gif' | sort > "$d/files.txt"
xargs "$d/player_full" < "$d/files.txt" > "$d/full.txt"
xargs "$d/player_small" < "$d/files.txt" > "$d/small.txt"
xargs "$OUT/host_rows" < "$d/files.txt" > "$d/rows-full.txt"
xargs "$OUT/host_rows_only" < "$d/files.txt" > "$d/rows-only.txt"
cmp -s "$d/full.txt" "$d/small.txt" ||
    { fail "SMALL_LZW display output differs from the full library's:"; diff "$d/full.txt" "$d/small.txt" | head; }
cmp -s "$d/rows-full.txt" "$d/rows-only.txt" ||
    { fail "ROWS_ONLY rows differ from the full library's:"; diff "$d/rows-full.txt" "$d/rows-only.txt" | head; }
echo "configs: $(wc -l < "$d/files.txt") corpus files: SMALL_LZW = full library on" \
     "$(grep -c '^frame' "$d/full.txt") displayed frames ($(grep -c '^done' "$d/full.txt") runs)," \
     "ROWS_ONLY = full library on $(grep -c '^frame' "$d/rows-full.txt") frames of rows" > "$d/summary.txt"

# The micro:bit: rows only.
d="$OUT/microbit-rows"
args="arg=player"
for f in "${small[@]}"; do args="$args,arg=$f"; done
"$OUT/host_rows" "${small[@]}" | grep '^frame' > "$d/host-frames.txt"
"$OUT/host_rows_only" "${small[@]}" | grep '^frame' > "$d/rows-only-frames.txt"
rc=0
timeout 900 qemu-system-arm -M microbit -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native,$args \
    -kernel "$d/player.elf" > "$d/target.txt" 2>&1 || rc=$?
[ $rc = 0 ] || fail "microbit-rows: qemu exited with $rc"
grep -q FAULT "$d/target.txt" && fail "microbit-rows: the firmware faulted"
grep '^frame' "$d/target.txt" > "$d/target-frames.txt" || true
cmp -s "$d/target-frames.txt" "$d/host-frames.txt" ||
    { fail "microbit-rows: target and host row CRCs differ:"; diff "$d/target-frames.txt" "$d/host-frames.txt" | head; }
cmp -s "$d/rows-only-frames.txt" "$d/host-frames.txt" ||
    { fail "rows-only and full library row CRCs differ:"; diff "$d/rows-only-frames.txt" "$d/host-frames.txt" | head; }
if grep '^done' "$d/target.txt" | grep -v ' status 2 '; then
    fail "microbit-rows: a file did not play to its end"
fi
[ -s "$d/target-frames.txt" ] || fail "microbit-rows: no frames"

# Figures.
python3 embedded/figures.py "$OUT" player480 player320 player320-redecode player320-small player480-small \
    microbit-rows > "$OUT/figures.txt" ||
    fail "figures"
cat "$OUT/configs/summary.txt" >> "$OUT/figures.txt"
cat "$OUT/figures.txt"

# Code facts: no floating point anywhere, no 64-bit shift helper in LZW.
for d in "$OUT"/player480 "$OUT"/microbit-rows; do
    if arm-none-eabi-nm "$d/player.elf" | grep -E ' (__aeabi_[fd][a-z0-9]*|__(add|sub|mul|div)[sd]f3)$'; then
        fail "floating point in $d/player.elf"
    fi
done
for o in NO_CANVAS SMALL_LZW ROWS_ONLY; do
    o="$OUT/lib-$o/lzw.o"
    [ -f "$o" ] || { fail "no $o"; continue; }
    if arm-none-eabi-objdump -d "$o" | grep -E 'bl.*__aeabi_ll(sl|sr)'; then
        fail "64-bit shift helper calls in $o"
    fi
done
[ $status = 0 ] && echo "embedded: ok"
exit $status
