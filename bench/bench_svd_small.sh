#!/bin/sh
# bench_svd_small.sh - the small SVD kernels against numpy's own loops
# (bench_svd_small.py), one thread each, with the load. Needs `make lib`.
# Usage: sh bench/bench_svd_small.sh [N1,N2,...] [GUFUNC,...] [REPS]
set -e
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
env -u UL_NUM_THREADS OPENBLAS_NUM_THREADS=1 PYTHONPATH=. "$PY" bench/bench_svd_small.py "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
