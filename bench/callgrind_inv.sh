#!/bin/sh
# callgrind_inv.sh - instructions per matrix of the float64 inverse through
# ul_dinv_loop on one thread, counted by callgrind (reproducible on a
# shared machine, unlike timings): (count of 2K calls - count of K calls) /
# K / COUNT, so start-up cancels out. Needs `make lib` and valgrind.
#   sh bench/callgrind_inv.sh            10x10 and 4x4, one and 1000, both kinds
#   sh bench/callgrind_inv.sh N COUNT    one case, both kinds
# UL_CPU=baseline counts the SSE2 kernels; LD_LIBRARY_PATH=DIR another build.
set -e
cd "$(dirname "$0")/.."
OUT=bench/out
LIB=build/out/lib
mkdir -p $OUT
[ -f $LIB/libumath_linalg.so ] || make --no-print-directory lib >/dev/null
cc -O2 -std=gnu11 -Iumath_linalg bench/callgrind_inv.c -o $OUT/callgrind_inv \
    -L$LIB -lumath_linalg -Wl,-rpath,"$(pwd)/$LIB"
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null $OUT/callgrind_inv "$@" 2>&1 |
        sed -n 's/.*Collected : *//p'
}
one() {
    n=$1; c=$2
    k=$(( 20000 / (c * n * n / 16 + 1) + 2 ))
    for piv in 0 1; do
        c1=$(count $n $c $piv $k)
        c2=$(count $n $c $piv $((2 * k)))
        echo "n=$n count=$c $([ $piv = 1 ] && echo random || echo dominant): $(( (c2 - c1) / k / c )) instructions per matrix"
    done
}
if [ $# -eq 2 ]; then
    one "$1" "$2"
else
    for case in "10 1" "10 1000" "4 1" "4 1000"; do
        one $case
    done
fi
