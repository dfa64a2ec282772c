#!/usr/bin/env bash
# Installs a build into a temporary prefix and builds a program outside the
# tree against it: with pkg-config (shared and static, and again after the
# prefix has been moved), and with find_package(giflow) (giflow::giflow,
# giflow::giflow_static). Checks the installed files, the CLI and the man
# page on the way.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install_test: $*" >&2; exit 1; }
ver() { sed -n "s/^#define GIFLOW_VERSION_$1 \([0-9]*\)$/\1/p" "$src/include/giflow.h"; }
version="$(ver MAJOR).$(ver MINOR).$(ver PATCH)"
if [ "$(ver MAJOR)" = 0 ]; then soname=libgiflow.so.0.$(ver MINOR); else soname=libgiflow.so.$(ver MAJOR); fi

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "install failed"; }
p=$tmp/prefix
pc=$(find "$p" -name giflow.pc)
[ -n "$pc" ] || fail "no giflow.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in include/giflow.h bin/giflow share/man/man1/giflow.1; do
    [ -f "$p/$f" ] || fail "missing $f"
done
for f in libgiflow.a libgiflow.so "$soname" "libgiflow.so.$version"; do
    [ -e "$libdir/$f" ] || fail "missing $libdir/$f"
done
[ -f "$libdir/cmake/giflow/giflowConfig.cmake" ] || fail "no CMake package"
[ "$(objdump -p "$libdir/libgiflow.so" | awk '$1 == "SONAME" {print $2}')" = "$soname" ] ||
    fail "installed soname is not $soname"
[ "$("$p/bin/giflow" --version)" = "giflow $version" ] || fail "installed CLI: $("$p/bin/giflow" --version)"
head -1 "$p/share/man/man1/giflow.1" | grep -q "^\.TH GIFLOW 1 .*giflow $version" ||
    fail "man page header: $(head -1 "$p/share/man/man1/giflow.1")"
if command -v groff >/dev/null; then
    warn=$(groff -man -Tutf8 -ww -z "$p/share/man/man1/giflow.1" 2>&1)
    [ -z "$warn" ] || fail "groff warns about the man page: $warn"
fi

run() { # name, then the command; the program must say "consumer ok"
    local name=$1; shift
    out=$("$@" 2>&1) || fail "$name: $out"
    case $out in "consumer ok: giflow $version,"*) ;; *) fail "$name: $out" ;; esac
}
cc=${CC:-cc}
consumer=$src/tests/package/consumer

# pkg-config.
export PKG_CONFIG_PATH=$(dirname "$pc")
[ "$(pkg-config --modversion giflow)" = "$version" ] || fail "pkg-config version"
# shellcheck disable=SC2046
$cc -std=c11 "$consumer/consumer.c" $(pkg-config --cflags --libs giflow) -o "$tmp/pc_shared"
readelf -d "$tmp/pc_shared" | grep -q "NEEDED.*\[$soname\]" || fail "pkg-config build does not need $soname"
run "pkg-config, shared" env LD_LIBRARY_PATH="$libdir" "$tmp/pc_shared"
# shellcheck disable=SC2046
$cc -std=c11 "$consumer/consumer.c" $(pkg-config --cflags giflow) \
    "$(pkg-config --variable=libdir giflow)/libgiflow.a" -o "$tmp/pc_static"
! readelf -d "$tmp/pc_static" | grep -q "libgiflow" || fail "static build needs libgiflow.so"
run "pkg-config, static" "$tmp/pc_static"
# The .pc finds its prefix from where it lies: move the whole tree.
mv "$p" "$tmp/moved"
export PKG_CONFIG_PATH=${PKG_CONFIG_PATH/$p/$tmp\/moved}
# shellcheck disable=SC2046
$cc -std=c11 "$consumer/consumer.c" $(pkg-config --cflags --libs giflow) -o "$tmp/pc_moved"
run "pkg-config, moved prefix" env LD_LIBRARY_PATH="${libdir/$p/$tmp/moved}" "$tmp/pc_moved"
mv "$tmp/moved" "$p"

# CMake package.
cmake -S "$consumer" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$p" -DCMAKE_C_COMPILER="$cc" \
    >"$tmp/cm.log" 2>&1 || { cat "$tmp/cm.log"; fail "find_package(giflow) failed"; }
grep -q "giflow $version from $libdir/cmake/giflow" "$tmp/cm.log" || fail "found the wrong giflow: $(grep 'giflow ' "$tmp/cm.log")"
cmake --build "$tmp/cm" >"$tmp/cmb.log" 2>&1 || { cat "$tmp/cmb.log"; fail "CMake consumer build failed"; }
readelf -d "$tmp/cm/consumer_shared" | grep -q "NEEDED.*\[$soname\]" || fail "giflow::giflow is not the shared library"
run "find_package, giflow::giflow" "$tmp/cm/consumer_shared"
run "find_package, giflow::giflow_static" "$tmp/cm/consumer_static"
# A request for another minor version is refused before 1.0.
mkdir "$tmp/cv"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(v C)\nfind_package(giflow %s.%s CONFIG REQUIRED)\n' \
    "$(ver MAJOR)" "$(( $(ver MINOR) + 1 ))" >"$tmp/cv/CMakeLists.txt"
if cmake -S "$tmp/cv" -B "$tmp/cv/b" -DCMAKE_PREFIX_PATH="$p" >/dev/null 2>&1; then
    fail "find_package accepted version $(ver MAJOR).$(( $(ver MINOR) + 1 ))"
fi
echo "install_test: ok ($version, $soname; pkg-config shared/static/moved, find_package shared/static)"
