#!/bin/sh
# Per-call time of a 10x10 float64 inverse from Python: this package on PyPy
# (with and without out=), on CPython with numpy arrays, numpy.linalg.inv on
# CPython and a pure-Python inverse on PyPy; prints the table and the ratios
# against the targets.  Run from the repository root after `make lib py`.
# Usage: sh bench/bench_pycall.sh [PYTHON] [PYPY]
py=${1:-/usr/bin/python3}; pypy=${2:-pypy3}
out=bench/out/pycall
mkdir -p "$out"
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
"$pypy" bench/bench_pycall.py pypy > "$out/pypy.json" || exit 1
"$py" bench/bench_pycall.py cpython > "$out/cpython.json" || exit 1
"$py" bench/bench_pycall.py report "$out/pypy.json" "$out/cpython.json" | tee "$out/report.txt"
