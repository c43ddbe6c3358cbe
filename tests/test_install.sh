#!/bin/sh
# Installs into a scratch prefix, builds the README's C quick start with
# pkg-config alone, runs it and checks its output against numpy-free
# expectations (inverse of a known matrix, det 0 for the singular one).
set -e
prefix=$(pwd)/build/out/prefix
rm -rf "$prefix"
make --no-print-directory install PREFIX="$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc examples/quickstart.c $(pkg-config --cflags --libs umath_linalg) -o build/out/quickstart
out=$(./build/out/quickstart)
echo "$out" | sed 's/^/    /'
fail=0
# inv([[4,1,0],[1,3,1],[0,1,2]]) first row = [5, -2, 1] / 18
echo "$out" | grep -q "inv(a\[0\])\[0\] = 0.277778 -0.111111 0.055556" || fail=1
echo "$out" | grep -q "det: singular matrix\|det: success: 18.000000 0.000000" || fail=1
echo "$out" | grep -q "inv: singular matrix (inv: 1 of 2 matrices are singular (the first at outer index 1)" || fail=1
# solve1: [4 1 0; 1 3 1; 0 1 2] x = [1 2 3] has x = [2, 1, 13] / 9
echo "$out" | grep -q "x = 0.222222 0.111111 1.444444" || fail=1
# only ul_ symbols (and the UL_ version node) exported
nm -D --defined-only "$prefix/lib/libumath_linalg.so" | awk '{print $NF}' | grep -v '^ul_' | grep -qv '^UL_' && fail=1
pkg-config --libs umath_linalg | grep -q -- -lumath_linalg || fail=1
if [ $fail = 0 ]; then echo "install: 1 passed, 0 failed"; else echo "install: 0 passed, 1 failed"; exit 1; fi
