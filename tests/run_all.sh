#!/bin/sh
# Runs each make target given (every one, even after a failure) and ends
# with the closing line CI reads: "suites: N passed, N failed".
make=$1; shift
pass=0; fail=0; failed=""
for target in "$@"; do
    echo "==== make $target"
    if $make "$target"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $target"; fi
done
[ -z "$failed" ] || echo "failed suites:$failed"
echo "suites: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
