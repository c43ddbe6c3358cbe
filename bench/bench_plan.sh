#!/bin/sh
# bench_plan.sh - a prepared plan (ul_plan_run) against the loop called
# directly and the driver (ul_gufunc_callv), one float64 inverse per call,
# n = 1, 4, 10, all in one run; then the instructions per call of each way
# for the 4x4 under callgrind (when valgrind is installed): a count that
# does not depend on the load. Needs `make lib`.
set -e
cd "$(dirname "$0")/.."
OUT=bench/out
LIB=build/out/lib
mkdir -p $OUT
[ -f $LIB/libumath_linalg.so ] || make --no-print-directory lib >/dev/null
cc -O2 -std=gnu11 -Iumath_linalg bench/bench_plan.c -o $OUT/bench_plan \
    -L$LIB -lumath_linalg -Wl,-rpath,"$(pwd)/$LIB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
UL_NUM_THREADS=1 $OUT/bench_plan
command -v valgrind >/dev/null || exit 0
# instructions per call: (count of 2*K calls - count of K calls) / K, so
# that start-up and the plan's creation cancel out
K=20000
for n in 1 4 10; do
    line="  n=$n instructions per call:"
    for way in loop plan plan-fp callv; do
        c1=$(UL_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
             $OUT/bench_plan $way $n $K 2>&1 | sed -n 's/.*Collected : *//p')
        c2=$(UL_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
             $OUT/bench_plan $way $n $((2 * K)) 2>&1 | sed -n 's/.*Collected : *//p')
        line="$line $way $(( (c2 - c1) / K ))"
    done
    echo "$line"
done
