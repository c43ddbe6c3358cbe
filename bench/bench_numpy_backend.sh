#!/bin/sh
# numpy.linalg.inv, det and solve on float64 stacks (100000,4,4), (10000,10,10),
# (1000,32,32): numpy's own gufunc loops against pypy_compat.numpy_backend's
# install(), in one process, with OPENBLAS_NUM_THREADS=1 and unset.
# Run from the repository root after `make lib`.  Usage: sh bench/bench_numpy_backend.sh [PYTHON]
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, when this machine sets them, slow
# numpy's current OpenBLAS; both are unset together in these commands only
# (the report names the kernel OpenBLAS then runs, from threadpoolctl).
py=${1:-/usr/bin/python3}
out=bench/out/numpy_backend
mkdir -p "$out"
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
note="OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-unset} in the caller's environment; unset for both runs"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
    "$py" bench/bench_numpy_backend.py run "1 BLAS thread" > "$out/threads1.json" || exit 1
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u OPENBLAS_NUM_THREADS \
    "$py" bench/bench_numpy_backend.py run "BLAS threads default" > "$out/threads_default.json" || exit 1
{
    echo "numpy.linalg with numpy's own loops vs pypy_compat.numpy_backend.install()"
    echo "$note"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall clock)"
    "$py" bench/bench_numpy_backend.py report "$out/threads1.json" "$out/threads_default.json"
} | tee "$out/report.txt"
