#!/usr/bin/env bash
# Builds the libFuzzer targets (ASan+UBSan, clang) into $1 (default
# build-fuzz): the library and the targets instrumented, nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-build-fuzz}
CC=clang cmake -S . -B "$OUT" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGIFLOW_FUZZ=ON \
    -DGIFLOW_BUILD_TESTS=OFF -DGIFLOW_BUILD_CLI=OFF -DGIFLOW_INSTALL=OFF >/dev/null
nice -n 5 cmake --build "$OUT" -j2 >/dev/null
