#!/usr/bin/env bash
# `make` and `make install` never install packages: only deps, demo, test,
# bench, fuzz and embedded may run apt-get (through scripts/deps.sh), and nothing but
# scripts/deps.sh calls apt-get. `make install PREFIX=...` hands the prefix
# to cmake --install.
# Usage: make_test.sh SOURCE_DIR
set -euo pipefail
cd "$1"
fail=0
plan=$(make -n all install PREFIX=/opt/giflow-test BUILD=build-x)
if echo "$plan" | grep 'deps\.sh' | grep -qv -- '--check'; then
    echo "make all/install would install packages:"; echo "$plan" | grep 'deps\.sh'; fail=1
fi
echo "$plan" | grep -q '^cmake --install build-x --prefix /opt/giflow-test$' ||
    { echo "make install does not run cmake --install with PREFIX:"; echo "$plan"; fail=1; }
for t in deps demo test bench fuzz embedded; do
    out=$(make -n "$t" 2>/dev/null || true)
    echo "$out" | grep -q '^scripts/deps\.sh [a-z]' ||
        { echo "make $t does not install its dependencies"; fail=1; }
done
callers=$(grep -rl 'apt-get' --include='*.sh' --include='*.py' --include='*.cmake' \
          --include=CMakeLists.txt --include=Makefile . 2>/dev/null |
          grep -v -e '^\./build' -e '^\./scripts/deps\.sh$' -e '^\./tests/package/make_test\.sh$' || true)
[ -z "$callers" ] || { echo "apt-get outside scripts/deps.sh: $callers"; fail=1; }
[ $fail = 0 ] && echo "make_test: make and make install install no packages; apt-get only in scripts/deps.sh"
exit $fail
