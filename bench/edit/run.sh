#!/usr/bin/env bash
# giflow edit vs gifsicle -O3 (and --lossy=20/80/200) and ImageMagick
# -layers optimize. See README.md here.
# Usage: bench/edit/run.sh [BUILD_DIR]     (bench/run.sh calls it)
# Environment: EDITBENCH_RUNS (timed runs per tool and file, default 3),
#              CORPORA (default ../shared/corpora next to the repository).
# Writes BUILD_DIR/bench/edit.json and BUILD_DIR/bench/edit.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
build=$(cd "$build" && pwd)
py=/usr/bin/python3   # Debian's: the python3 on PATH may lack PIL
for tool in "$py" /usr/bin/ffmpeg /usr/bin/convert /usr/bin/gifsicle "$build/cli/giflow"; do
    [ -x "$tool" ] || { echo "edit bench: $tool missing (make; scripts/deps.sh bench)" >&2; exit 1; }
done
corpora=${CORPORA:-$root/../shared/corpora}
corpora=$(cd "$corpora" && pwd)
mkdir -p "$build/bench/edit"
"$py" -u "$here/editbench.py" "$build/cli/giflow" "$corpora" "$build/bench/edit" \
    "$build/bench/edit.json" | tee "$build/bench/edit.txt"
