#!/bin/sh
# hypot over 10^6 float64 elements, ns per element: a run-time gufunc
# through libffi, through the register-class direct call, on the typed fast
# path, a plain C loop, a Python loop on PyPy and np.hypot on CPython;
# prints the table and the ratios against issue 6's targets.
# Run from the repository root after `make lib py`.
# Usage: sh bench/bench_ffi.sh [PYTHON] [PYPY] [CC]
py=${1:-/usr/bin/python3}; pypy=${2:-pypy3}; cc=${3:-${CC:-gcc}}
out=bench/out/ffi
lib=build/out/lib
mkdir -p "$out"
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
"$cc" -std=gnu11 -O2 -g -Wall -Wextra -Iumath_linalg bench/bench_ffi.c \
    -o bench/out/bench_ffi -L"$lib" -lumath_linalg \
    -Wl,-rpath,"$(pwd)/$lib" -lm || exit 1
bench/out/bench_ffi > "$out/c.txt" || exit 1
"$pypy" bench/bench_ffi.py pypy > "$out/pypy.txt" || exit 1
"$py" bench/bench_ffi.py cpython > "$out/cpython.txt" || exit 1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$py" bench/bench_ffi.py report "$out/c.txt" "$out/pypy.txt" "$out/cpython.txt" \
    | tee "$out/report.txt"
