#!/bin/sh
# 10^7 float64 4x4 inverses through umath_linalg.dask on a LocalCluster of 2
# worker processes x 1 thread, against the library in one process and numpy,
# and a chunk-size sweep over 10^6 (dask's cost per chunk).
# OPENBLAS_NUM_THREADS=1. Run from the repository root after `make lib`;
# needs python3-dask and python3-distributed (`make deps`). Peak memory
# ~5 GB; ~1.5 min on an idle 2-core machine.
# Usage: sh bench/bench_dask.sh [PYTHON] [N [N_SWEEP]]
py=${1:-/usr/bin/python3}
out=bench/out/dask
mkdir -p "$out"
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
"$py" -c "import dask, distributed" 2>/dev/null || {
    echo "bench_dask: dask/distributed missing (make deps); skipped"; exit 0; }
{
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    OPENBLAS_NUM_THREADS=1 "$py" -u bench/bench_dask.py ${2:-} ${3:-} || exit 1
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | grep --line-buffered -v "make_current" | tee "$out/report.txt"
