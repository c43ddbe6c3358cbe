#!/bin/sh
# bench_matmul.sh - float64 matmul (issue 13): stacks 100000x4x4,
# 10000x10x10, 1000x16x16 and one 4x4, 10x10, 64x64, 256x256; this
# library against np.matmul (CPython) and against cblas_dgemm called from C,
# with OPENBLAS_NUM_THREADS=1 and 2 (ours: ul_set_num_threads the same).
# Prints a markdown table per thread count. Needs `make lib py`.
set -e
cd "$(dirname "$0")/.."
OUT=bench/out
LIB=build/out/lib
PY=/usr/bin/python3
mkdir -p $OUT
[ -f $LIB/libumath_linalg.so ] || make --no-print-directory lib >/dev/null
cc -O2 -std=gnu11 -Iumath_linalg $(pkg-config --cflags openblas) bench/bench_matmul.c \
    -o $OUT/bench_matmul -L$LIB -lumath_linalg -Wl,-rpath,"$(pwd)/$LIB" \
    $(pkg-config --libs openblas) -lm
echo "load: $(uptime)"
for th in 1 2; do
    OPENBLAS_NUM_THREADS=$th $OUT/bench_matmul $th > $OUT/matmul_c_$th.csv
    OPENBLAS_NUM_THREADS=$th PYTHONPATH=. $PY bench/bench_matmul.py $th $OUT/matmul_c_$th.csv
done
