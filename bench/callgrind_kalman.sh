#!/bin/sh
# Instructions per call of each library call of a fast-EKF step, and per
# filter step, on PyPy under callgrind: the difference of two runs of
# N1 and N2 calls (start-up, JIT warm-up and data cancel), / (N2 - N1).
# Stable under load, unlike times.  Usage: sh bench/callgrind_kalman.sh [PYPY]
pypy=${1:-pypy3}
out=bench/out/kalman; mkdir -p "$out"
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
n1=2000; n2=4000
count() {  # case n -> total instructions
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.$2" \
        "$pypy" bench/profile_kalman.py --one "$1" "$2" >/dev/null 2>"$out/cg.$1.$2.log" || return 1
    sed -n 's/^summary: //p' "$out/cg.$1.$2"
}
echo "| case | instructions per call (PyPy, callgrind) |"
echo "|---|---|"
for c in 0 1 2 3 4 5 6 7 fast lists; do
    a=$(count $c $n1) && b=$(count $c $n2) || { echo "callgrind failed: $out/cg.$c.*.log"; exit 1; }
    name=$(PYTHONPATH=. "$pypy" -c "
import sys; sys.argv=['x']; sys.path.insert(0, 'bench')
import profile_kalman as p
c='$c'
print(c + ' steps' if not c.isdigit() else
      p.setup(p.km.make_data(60)[1])[1][int(c)][0])")
    echo "| $name | $(( (b - a) / (n2 - n1) )) |"
done
