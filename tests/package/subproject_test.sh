#!/usr/bin/env bash
# add_subdirectory(giflow) in another project gives the library alone
# (subproject/CMakeLists.txt checks the targets), and a program links it.
# Usage: subproject_test.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S "$src/tests/package/subproject" -B "$tmp/b" -DGIFLOW_SOURCE_DIR="$src" \
    ${CC:+-DCMAKE_C_COMPILER=$CC} >"$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
cmake --build "$tmp/b" -j1 >"$tmp/blog" 2>&1 || { cat "$tmp/blog"; exit 1; }
out=$("$tmp/b/consumer")
case $out in "consumer ok:"*) echo "subproject_test: $out" ;; *) echo "$out"; exit 1 ;; esac
