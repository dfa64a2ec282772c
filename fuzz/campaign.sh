#!/usr/bin/env bash
# make fuzz-campaign: runs every libFuzzer target (or FUZZ_TARGETS) for
# FUZZ_SECONDS of wall time each, one after the other, on corpora kept
# outside the repository, then minimises each corpus (-merge=1) and prints
# per target: execs/s, edges covered (cov), CPU seconds, crashes and hangs.
#
#   FUZZ_SECONDS  wall seconds per target (default 600)
#   FUZZ_TARGETS  space-separated names (default: every fuzz/fuzz_*.c)
#   FUZZ_DIR      corpora, crashes, logs (default
#                 ${XDG_CACHE_HOME:-$HOME/.cache}/giflow-fuzz)
#   CORPORA       seeds, copied in when a target's corpus is empty
#                 (default ../shared/corpora)
#   FUZZ_NICE     nice level of the fuzzers (default 19)
#   FUZZ_NO_BUILD 1: use the targets already in build-fuzz (two campaigns
#                 run side by side, each with its own FUZZ_TARGETS)
#
# Runs accumulate: each one appends a line per target to $FUZZ_DIR/runs.tsv
# and the table at the end sums CPU time over every run so far. Crashers and
# hangs land in $FUZZ_DIR/crashes/<target>/; each becomes a regression test
# (fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECONDS:-600}
DIR=${FUZZ_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/giflow-fuzz}
CORPORA=${CORPORA:-../shared/corpora}
NICE=${FUZZ_NICE:-19}
BIN=build-fuzz
mkdir -p "$DIR"
[ -n "${FUZZ_NO_BUILD:-}" ] || fuzz/build.sh "$BIN"
TARGETS=${FUZZ_TARGETS:-$(for t in fuzz/fuzz_*.c; do basename "$t" .c; done)}

# Seeds: GIFs for the GIF targets; PNG, JPEG and y4m files (behind the
# reader selector byte) for fuzz_readers; nothing for fuzz_encode, whose
# input is options and pixels.
seed() {
    local name=$1 out=$2
    case $name in
    fuzz_encode) printf '\0' >"$out/empty" ;;
    fuzz_readers)
        local tmp
        tmp=$(mktemp -d)
        fuzz/seeds.sh "$tmp" >/dev/null 2>&1 || true
        find "$CORPORA" -type f -name '*.png' -size -64k 2>/dev/null | head -200 >"$tmp/list" || true
        while read -r f; do cp "$f" "$tmp/$(basename "$f")-c"; done <"$tmp/list"
        rm -f "$tmp/list"
        local i=0 sel
        for f in "$tmp"/*; do
            case $f in *.y4m) sel=2 ;; *) sel=0 ;; esac # y4m, or PNG/JPEG
            { printf "\\$(printf %o $sel)"; cat "$f"; } >"$out/s$((i++))"
        done
        # A raw RGBA stream of 3x2 frames: selector 3, then w - 1, h - 1.
        { printf '\003\002\001'; head -c 60 /dev/urandom; } >"$out/raw"
        rm -rf "$tmp" ;;
    *)
        find "$CORPORA" -type f -size -200k 2>/dev/null | while read -r f; do
            [ "$(head -c 4 "$f" 2>/dev/null | tr -d "\\0")" = GIF8 ] && cp "$f" "$out/$(printf %s "$f" | md5sum | cut -c1-16)"
        done || true ;;
    esac
}

for name in $TARGETS; do
    corpus=$DIR/corpus/$name crashes=$DIR/crashes/$name
    mkdir -p "$corpus" "$crashes" "$DIR/logs"
    [ -n "$(ls -A "$corpus")" ] || seed "$name" "$corpus"
    log=$DIR/logs/$name-$(date -u +%Y%m%dT%H%M%S).log
    maxlen=65536
    [ "$name" != fuzz_encode ] || maxlen=4096 # options and a few small frames
    before=$(ls "$crashes" | wc -l)
    echo "fuzz-campaign: $name for ${SECS}s (corpus $corpus: $(ls "$corpus" | wc -l) files)"
    # A crash stops libFuzzer: start it again for the time left (at most 5
    # times), so one bug does not end the target's share.
    start=$(date +%s) cpu=0
    for attempt in 1 2 3 4 5 6; do
        left=$((SECS - ($(date +%s) - start)))
        [ "$left" -gt 0 ] || break
        TIMEFORMAT='%U %S'
        t=$({ time nice -n "$NICE" "$BIN/fuzz/$name" -max_total_time="$left" -timeout=10 \
            -rss_limit_mb=2048 -max_len=$maxlen -print_final_stats=1 \
            -artifact_prefix="$crashes/" "$corpus" >>"$log" 2>&1; } 2>&1) || true
        cpu=$(echo "$cpu $t" | awk '{printf "%.1f", $1 + $2 + $3}')
        grep -q 'stat::number_of_executed_units' "$log" && tail -n 40 "$log" |
            grep -q 'Done [0-9]* runs' && break
        [ "$attempt" -lt 6 ] || break
    done
    # Minimise: keep only inputs that add coverage.
    min=$(mktemp -d "$DIR/min.XXXXXX")
    if nice -n "$NICE" "$BIN/fuzz/$name" -merge=1 -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
        "$min" "$corpus" >>"$log" 2>&1 && [ -n "$(ls -A "$min")" ]; then
        rm -rf "$corpus" && mv "$min" "$corpus"
    else
        rm -rf "$min"
    fi
    execs=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
    cov=$(grep -ho 'cov: [0-9]*' "$log" | tail -n 1 | awk '{print $2 + 0}')
    crashed=$(ls "$crashes" | grep -cv '^timeout-\|^slow-unit-' || true)
    hangs=$(ls "$crashes" | grep -c '^timeout-' || true)
    new=$(($(ls "$crashes" | wc -l) - before))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$SECS" "$cpu" \
        "$execs" "${cov:-0}" "$new" "$(ls "$corpus" | wc -l)" >>"$DIR/runs.tsv"
    echo "fuzz-campaign: $name: ${cpu} CPU s, $execs execs, cov ${cov:-0}, crashes $crashed, hangs $hangs (log $log)"
done

# The table, over every run recorded in runs.tsv: execs/s is per CPU second.
echo
printf '%-16s %10s %10s %8s %8s %8s %8s\n' target execs execs/s cov "CPU s" crashes hangs
for name in $TARGETS; do
    crashes=$DIR/crashes/$name
    awk -F'\t' -v n="$name" '$2 == n {cpu += $4; ex += $5; cov = $6} END {
        printf "%s\t%d\t%d\t%d\t%.0f\n", n, ex, (cpu > 0 ? ex / cpu : 0), cov, cpu }' "$DIR/runs.tsv" |
        while IFS=$'\t' read -r n ex rate cov cpu; do
            printf '%-16s %10s %10s %8s %8s %8s %8s\n' "$n" "$ex" "$rate" "$cov" "$cpu" \
                "$(ls "$crashes" | grep -cv '^timeout-\|^slow-unit-' || true)" \
                "$(ls "$crashes" | grep -c '^timeout-' || true)"
        done
done
echo "corpora, crashes, logs: $DIR"
