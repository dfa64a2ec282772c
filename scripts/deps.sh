#!/usr/bin/env bash
# Installs the Debian packages a make target needs, and only those missing.
# Usage: scripts/deps.sh [--check] build|test|bench|fuzz|embedded|python|web ...
# --check installs nothing: it names what is missing and fails.
set -euo pipefail
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi

# python3: the build configures the test suite, whose checks are partly Python.
pkgs_build="cmake make gcc pkg-config python3 libspng-dev libpng-dev zlib1g-dev libjpeg62-turbo-dev"
# gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user: the NEON pixel pass
# is cross-built and run under qemu (unit_pixels_arm64).
pkgs_test="clang libclang-rt-14-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libgif-dev python3 python3-pil python3-numpy imagemagick python3-dev python3-venv python3-pip python3-pytest"
pkgs_bench="ffmpeg imagemagick gifsicle python3-pil python3-numpy libcgif-dev libimagequant-dev libstb-dev libgif-dev giflib-tools time python3-dev python3-pip python3-venv"
# The Python package (python/): its build (a C compiler, Python headers, pip
# in a venv) and its optional Pillow and numpy, all from Debian.
pkgs_python="gcc python3 python3-dev python3-venv python3-pip python3-pil python3-numpy"
# The fuzz targets build as the library and CLI readers do, and fuzz_giflib
# links giflib.
pkgs_fuzz="clang libclang-rt-14-dev cmake make pkg-config libspng-dev libjpeg62-turbo-dev libgif-dev"
# make embedded: the Cortex-M0+ cross compiler, newlib(-nano), and qemu's
# mps2-an385 board.
pkgs_embedded="gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"
# The web viewer: giflow.wasm (clang's wasm32-wasi target over Debian's
# wasi-libc, linked by lld) and the Chromium test (Debian's chromium, driven
# by puppeteer-core from npm). node and npm come with the base image; Debian's
# are installed only if there are none.
pkgs_web="clang lld wasi-libc libclang-rt-14-dev-wasm32 chromium"

want=""
for group in "$@"; do
    var="pkgs_$group"
    [ -n "${!var:-}" ] || { echo "deps: unknown group '$group'" >&2; exit 2; }
    want="$want ${!var}"
done

missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
case " $* " in
*" web "*) command -v node >/dev/null && command -v npm >/dev/null || missing="$missing nodejs npm" ;;
esac
[ -z "$missing" ] && exit 0
if [ $check = 1 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run 'make deps' (or apt-get install them) first" >&2
    exit 1
fi

echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Several builds may install at once: wait for the dpkg lock, not fail on it.
APT="apt-get -o DPkg::Lock::Timeout=900"
$SUDO $APT update -q >/dev/null
# shellcheck disable=SC2086
$SUDO $APT install -y -q --no-install-recommends $missing >/dev/null
