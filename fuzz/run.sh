#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets with ASan+UBSan and runs each for
# FUZZ_SECONDS (default 60) on a corpus seeded from ../shared/corpora.
# Crashers land in build-fuzz/crashes/; turn each into a regression test in
# tests/regressions/ (see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
CORPORA=${CORPORA:-../shared/corpora}
OUT=build-fuzz
mkdir -p "$OUT/corpus" "$OUT/crashes"
SRC=$(ls src/*/*.c)
for t in fuzz/fuzz_*.c; do
    name=$(basename "$t" .c)
    clang -O1 -g -std=c11 -Iinclude -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=all "$t" $SRC -o "$OUT/$name"
done
if [ -d "$CORPORA" ] && [ -z "$(ls -A "$OUT/corpus")" ]; then
    find "$CORPORA" -type f ! -name '*.png' ! -name '*.txt' ! -name '*.md' \
        ! -name '*.rgba' ! -name '*.conf' -size -200k -exec cp {} "$OUT/corpus/" \; 2>/dev/null || true
fi
for t in fuzz/fuzz_*.c; do
    name=$(basename "$t" .c)
    echo "fuzz: $name for ${SECONDS_EACH}s"
    "$OUT/$name" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=2 \
        -artifact_prefix="$OUT/crashes/" "$OUT/corpus"
done
