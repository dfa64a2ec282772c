#!/usr/bin/env bash
# libgiflow.so exports exactly the functions giflow.h declares GIFLOW_API:
# nothing internal (giflow__*), nothing missing. Its soname follows the
# header's version (0.MINOR before 1.0, MAJOR after).
# Usage: exports.sh path/to/libgiflow.so path/to/giflow.h
set -euo pipefail
lib=$1 header=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$lib" | awk '{print $NF}' | sort -u >"$tmp/exported"
# Each GIFLOW_API declaration names one function: the identifier before "(".
sed -n 's/^GIFLOW_API [^(]*[^a-z_0-9]\(giflow_[a-z_0-9]*\)(.*/\1/p' "$header" | sort -u >"$tmp/declared"

fail=0
if ! diff -u "$tmp/declared" "$tmp/exported" >"$tmp/diff"; then
    echo "exports differ from the GIFLOW_API declarations (- declared only, + exported only):"
    cat "$tmp/diff"
    fail=1
fi
if grep -q '^giflow__' "$tmp/exported"; then
    echo "internal symbols exported:"; grep '^giflow__' "$tmp/exported"; fail=1
fi
n=$(wc -l <"$tmp/declared")
[ "$n" -ge 30 ] || { echo "only $n declarations found in $header: parser broken?"; fail=1; }

ver() { sed -n "s/^#define GIFLOW_VERSION_$1 \([0-9]*\)$/\1/p" "$header"; }
major=$(ver MAJOR) minor=$(ver MINOR)
if [ "$major" = 0 ]; then want="libgiflow.so.0.$minor"; else want="libgiflow.so.$major"; fi
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = "$want" ] || { echo "soname $soname, expected $want"; fail=1; }

[ $fail = 0 ] && echo "exports: $n giflow_* functions, no internals, soname $soname"
exit $fail
