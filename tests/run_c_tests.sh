#!/bin/sh
# Runs each C test binary; prints one line per binary and the closing
# "N passed, N failed" line the CI reads. Usage: run_c_tests.sh LABEL BIN...
label=$1; shift
pass=0; fail=0
for t in "$@"; do
    if out=$("$t" 2>&1); then
        pass=$((pass + 1)); echo "ok   $label $(basename "$t"): $(echo "$out" | tail -n 1)"
    else
        fail=$((fail + 1)); echo "FAIL $label $(basename "$t")"; echo "$out" | tail -n 30
    fi
done
echo "$label tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
