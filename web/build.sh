#!/usr/bin/env bash
# Builds giflow.wasm: the whole library and web/giflow_wasm.c, with clang's
# wasm32-wasi target over Debian's wasi-libc (scripts/deps.sh web installs
# clang, lld, wasi-libc and libclang-rt-14-dev-wasm32). A reactor module:
# no main, no imports; the linker keeps what the gw_* exports reach.
# Usage: web/build.sh OUTDIR      (writes OUTDIR/giflow.wasm)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:?usage: web/build.sh OUTDIR}
mkdir -p "$out"
CLANG=${CLANG:-clang}
srcs=$(find "$root/src" -name '*.c' | sort)
# shellcheck disable=SC2086
"$CLANG" --target=wasm32-wasi --sysroot=/usr -O2 -std=c11 -mexec-model=reactor \
    -Wall -Wextra -Werror -I"$root/include" \
    -Wl,--gc-sections -Wl,--strip-debug -Wl,-z,stack-size=1048576 \
    -o "$out/giflow.wasm.tmp" $srcs "$here/giflow_wasm.c"
mv "$out/giflow.wasm.tmp" "$out/giflow.wasm"
