#!/bin/sh
# bench_small.sh - small-matrix inverse benchmark (issue 5): this library's
# loops vs LAPACKE (getrf+getri, gesv) from C, numpy.linalg.inv
# (OPENBLAS_NUM_THREADS=1 and unset) and Eigen (fixed-size for n <= 16).
# Writes bench/out/small.csv and bench/out/small.png and prints the table
# with the issue's targets.
#   sh bench/bench_small.sh           full table, n = 2 .. 100
#   sh bench/bench_small.sh --short   4x4 stack, 10x10 single and stack
# Needs `make lib` (build/out/lib/libumath_linalg.so). The machine may be
# shared: every number is the minimum of several repeats.
set -e
cd "$(dirname "$0")/.."
mode=${1:-}
OUT=bench/out
LIB=build/out/lib
PY=/usr/bin/python3
mkdir -p $OUT
[ -f $LIB/libumath_linalg.so ] || make --no-print-directory lib >/dev/null
CFL=$(pkg-config --cflags lapacke openblas)
LIBS=$(pkg-config --libs lapacke openblas)
cc -O2 -std=gnu11 -Iumath_linalg $CFL bench/bench_small.c -o $OUT/bench_small \
    -L$LIB -lumath_linalg -Wl,-rpath,"$(pwd)/$LIB" $LIBS -lm
eigen=0
EIG=$OUT/small_eigen
EFL=
if [ "$mode" = --short ]; then EIG=$OUT/small_eigen_short; EFL=-DSMALL_SHORT; fi
if [ -f /usr/include/eigen3/Eigen/Dense ] && command -v g++ >/dev/null; then
    if [ ! -x $EIG ] || [ bench/small_eigen.cpp -nt $EIG ]; then
        echo "compiling the Eigen side program (g++ -O3 -march=native)..." >&2
        g++ -O3 -march=native $EFL -I/usr/include/eigen3 bench/small_eigen.cpp -o $EIG
    fi
    eigen=1
fi
csv=$OUT/small.csv
echo "impl,op,n,count,kind,ns" > $csv
OPENBLAS_NUM_THREADS=1 $OUT/bench_small $mode >> $csv
[ $eigen = 1 ] && $EIG $mode >> $csv
# numpy, one OpenBLAS thread and the default
for th in 1 default; do
    if [ $th = 1 ]; then export OPENBLAS_NUM_THREADS=1; else unset OPENBLAS_NUM_THREADS; fi
    $PY - "$mode" "$th" >> $csv <<'PYEOF'
import sys, time
import numpy as np
short = sys.argv[1] == "--short"
tag = "numpy_t1" if sys.argv[2] == "1" else "numpy_tdef"
rng = np.random.default_rng(1)
def timeit(f, count, reps):
    best = 1e30
    f()
    for _ in range(reps):
        it = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(it):
                f()
            t = time.perf_counter() - t0
            if t > 0.02:
                break
            it *= 4
        best = min(best, t / it / count)
    return best * 1e9
cases = [(4, 100000), (10, 1), (10, 10000)] if short else \
    [(n, c) for n in (2, 3, 4, 6, 8, 10, 12, 16, 24, 32, 64, 100)
     for c in (1, 100000 if n <= 4 else 10000 if n <= 16 else 1000)]
for n, count in cases:
    a = rng.uniform(-0.5, 0.5, (count, n, n)) + n * np.eye(n)
    if count == 1:
        a = a[0]
    t = timeit(lambda: np.linalg.inv(a), count, 3 if short else 5)
    print("%s,inv,%d,%d,%s,%.2f" % (tag, n, count, "single" if count == 1 else "stack", t))
PYEOF
done
$PY bench/plot_small.py $csv $OUT/small.png
