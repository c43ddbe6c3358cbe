#!/bin/sh
# Nested lists on PyPy (bench_lists.py): this tree, and with a revision
# argument that revision's Python packages too (built into bench/out/lists/
# against this tree's libumath_linalg), the two run alternately ROUNDS times;
# the report keeps each case's minimum.  Run from the repository root after
# `make lib py`.   Usage: sh bench/bench_lists.sh [BEFORE_REV] [PYPY]
before=$1; pypy=${2:-pypy3}; rounds=${ROUNDS:-3}
out=bench/out/lists
mkdir -p "$out"
here=$(pwd)
if [ -n "$before" ]; then
    rm -rf "$out/before-tree" && mkdir -p "$out/before-tree"
    git archive "$before" umath_linalg pypy_compat bridge | tar -x -C "$out/before-tree"
    (cd "$out/before-tree" && UMATH_LINALG_LIBDIR="$here/build/out/lib" \
        UL_BUILD_RPATH="$here/build/out/lib" "$pypy" bridge/ul_build.py >/dev/null) || exit 1
fi
merge() {   # keep the minimum of each key over the round files
    "$pypy" -c 'import json,sys
r={}
for f in sys.argv[2:]:
    for k,v in json.load(open(f)).items(): r[k]=min(v,r.get(k,v))
json.dump(r,open(sys.argv[1],"w"))' "$@"
}
i=0
while [ $i -lt "$rounds" ]; do
    "$pypy" bench/bench_lists.py run > "$out/after.$i.json" || exit 1
    if [ -n "$before" ]; then
        (cd "$out/before-tree" && "$pypy" "$here/bench/bench_lists.py" run) \
            > "$out/before.$i.json" || exit 1
    fi
    i=$((i + 1))
done
merge "$out/after.json" "$out"/after.*.json
files="$out/after.json"
if [ -n "$before" ]; then
    merge "$out/before.json" "$out"/before.*.json
    files="$files $out/before.json"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$pypy" bench/bench_lists.py report $files | tee "$out/report.txt"
