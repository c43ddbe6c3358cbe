#!/bin/sh
# The extended Kalman filter in numpy (CPython), fast PyPy (cffi arrays,
# out=) and PyPy lists (pypy_compat.linalg): us per step, ratios against
# numpy's best of OPENBLAS_NUM_THREADS=1 and default, and the check that
# the final states agree within 1e-10.  Run from the repository root after
# `make lib py`.   Usage: sh bench/bench_kalman.sh [PYTHON] [PYPY] [STEPS]
py=${1:-/usr/bin/python3}; pypy=${2:-pypy3}; steps=${3:-5000}
out=bench/out/kalman
mkdir -p "$out"
"$py" bench/bench_kalman.py --python "$py" --pypy "$pypy" --steps "$steps" \
    > "$out/report.txt"
status=$?
cat "$out/report.txt"
exit $status
