#!/bin/sh
# bench_families.sh - issue 14's table (bench_families.py): ns per matrix
# for cholesky, eigh, eigvalsh, svd on float64 stacks (100000 matrices up
# to 4x4, 10000 above), this library's loops (1 and 2 threads) against
# numpy's own _umath_linalg loops, OPENBLAS_NUM_THREADS=1, with the load;
# the rows also go to bench/out/families.csv and a plot, bench/out/families.png
# (bench/families.png in the README is a copy).
# Needs `make lib`. Usage: sh bench/bench_families.sh [--quick] [FAMILY ...]
set -e
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
[ -f build/out/lib/libumath_linalg.so ] || make --no-print-directory lib >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
mkdir -p bench/out
env -u OPENBLAS_CORETYPE -u UL_NUM_THREADS OPENBLAS_NUM_THREADS=1 PYTHONPATH=. \
    "$PY" bench/bench_families.py --csv=bench/out/families.csv "$@"
"$PY" bench/plot_families.py bench/out/families.csv bench/out/families.png
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
