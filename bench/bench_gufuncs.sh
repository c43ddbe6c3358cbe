#!/bin/sh
# Every gufunc of the table against numpy's own _umath_linalg loop of the
# same name (bench_gufuncs.py), with OPENBLAS_NUM_THREADS=1 and unset.
# Run from the repository root after `make lib`.  Usage: sh bench/bench_gufuncs.sh [PYTHON]
py=${1:-/usr/bin/python3}
out=bench/out/gufuncs
mkdir -p "$out"
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
    "$py" bench/bench_gufuncs.py run "1 BLAS thread" > "$out/threads1.json" || exit 1
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u OPENBLAS_NUM_THREADS \
    "$py" bench/bench_gufuncs.py run "BLAS threads default" > "$out/threads_default.json" || exit 1
{
    echo "the table's gufuncs vs numpy's own _umath_linalg loops, same process"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    "$py" bench/bench_gufuncs.py report "$out/threads1.json" "$out/threads_default.json"
} | tee "$out/report.txt"
