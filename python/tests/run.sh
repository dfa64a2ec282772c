#!/usr/bin/env bash
# The Python package's tests, as `make test` runs them (ctest python_package):
# `pip install ./python` into a fresh venv of Debian's Python (which sees
# apt's Pillow, numpy and pytest), then pytest on python/tests.
# Usage: python/tests/run.sh PYTHON WORKDIR [CORPORA]
set -euo pipefail
py=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -n "${3:-}" ] && export GIFLOW_CORPORA=$3
rm -rf "$work/venv"
mkdir -p "$work"
# --without-pip: the venv uses Debian's pip module; nothing is downloaded.
"$py" -m venv --without-pip --system-site-packages "$work/venv"
vpy=$work/venv/bin/python
"$vpy" -m pip install --quiet --no-index --no-cache-dir --no-deps "$root/python" \
    >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; exit 1; }
# Run from outside the tree, so `import giflow` is the installed package.
cd "$work"
exec "$vpy" -m pytest -q -p no:cacheprovider --durations=5 "$here"
