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
# The environment as users have it (OpenBLAS picks its thread count), plus
# numpy.linalg.inv once more with OPENBLAS_NUM_THREADS=1 for reference.
"$pypy" bench/bench_pycall.py pypy > "$out/pypy.json" || exit 1
"$py" bench/bench_pycall.py cpython > "$out/cpython.json" || exit 1
OPENBLAS_NUM_THREADS=1 "$py" bench/bench_pycall.py cpython1 > "$out/cpython1.json" || exit 1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (timings are wall clock)"
"$py" bench/bench_pycall.py report "$out/pypy.json" "$out/cpython.json" "$out/cpython1.json" \
    | tee "$out/report.txt"
