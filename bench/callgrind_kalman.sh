#!/bin/sh
# Instructions per call of each library call of a fast-EKF step on PyPy,
# C side only (stable under load, unlike times): callgrind's inclusive
# count of the driver (ul_gufunc_callv: validation + loop) and of the loop
# itself, divided by the loop's call count.  The Python side (the JIT's
# code, cffi) has no symbols and moves with GC and JIT work between runs:
# bench/profile_kalman.py times it instead.
# Usage: sh bench/callgrind_kalman.sh [PYPY]
pypy=${1:-pypy3}
out=bench/out/kalman; mkdir -p "$out"
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
n=3000
echo "| call (PyPy, callgrind, C side) | driver + loop | loop | driver alone |"
echo "|---|---|---|---|"
for c in 0 1 2 3 4 5 6 7; do
    f="$out/cg.$c"
    valgrind --tool=callgrind --callgrind-out-file="$f" \
        "$pypy" bench/profile_kalman.py --one "$c" "$n" >/dev/null 2>"$f.log" \
        || { echo "callgrind failed: $f.log"; exit 1; }
    callgrind_annotate --inclusive=yes --threshold=100 "$f" 2>/dev/null > "$f.txt"
    name=$("$pypy" bench/profile_kalman.py --name "$c")
    # the loop: the ul_*_loop the driver calls most; its count and cost
    awk -v name="$name" '
        /^ *[0-9,]+ .*:ul_gufunc_callv \[/ && !drv { v = $1; gsub(",", "", v); drv = v }
        /=> .*:ul_[a-z0-9_]*_loop \([0-9,]+x\)/ {
            v = $1; gsub(",", "", v); k = $0; sub(/.*\(/, "", k); sub(/x\).*/, "", k)
            gsub(",", "", k); if (k + 0 > calls) { calls = k + 0; loop = v + 0 } }
        END { if (calls) printf "| %s | %d | %d | %d |\n", name, drv / calls,
                  loop / calls, (drv - loop) / calls }' "$f.txt"
done
