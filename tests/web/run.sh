#!/usr/bin/env bash
# The Chromium test (tests/web/chromium_test.js): builds giflow.wasm, installs
# puppeteer-core from the lock file when node_modules is missing or stale,
# and drives Debian's chromium. Usage: tests/web/run.sh BUILD_DIR CORPORA
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(mkdir -p "$1" && cd "$1" && pwd)
corpora=$2
for tool in node npm /usr/bin/chromium; do
    command -v "$tool" >/dev/null || { echo "web test: $tool missing (scripts/deps.sh web)" >&2; exit 1; }
done
"$root/web/build.sh" "$build/web"
stamp="$here/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
    (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi
exec node "$here/chromium_test.js" "$root/web" "$build/web/giflow.wasm" "$corpora" "$build/web-test"
