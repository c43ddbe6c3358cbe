#!/bin/sh
# Runs each libFuzzer target: first every saved regression input of
# tests/fuzz/regressions/<target>/ once, then SECONDS of fuzzing from the
# committed seeds (tests/fuzz/corpus/<target>/) plus the corpus grown by
# earlier runs (OUT/corpus/<target>/, not committed). A crash is written to
# OUT/artifacts/<target>/: save it under tests/fuzz/regressions/<target>/.
# FUZZ_FRESH=1 (make test): start from the committed seeds alone, in
# OUT/corpus-test/<target>/, emptied first, so that a test run does not
# depend on what earlier runs grew. OpenBLAS runs on one thread.
# Usage: run_fuzz.sh SECONDS OUT TARGET...
secs=$1; out=$2; shift 2
pass=0; fail=0
export OPENBLAS_NUM_THREADS=1
for t in "$@"; do
    bin=$out/bin/$t
    corpus=$out/corpus/$t
    if [ -n "$FUZZ_FRESH" ]; then corpus=$out/corpus-test/$t; rm -rf "$corpus"; fi
    mkdir -p "$corpus" "$out/artifacts/$t" "tests/fuzz/corpus/$t"
    log=$out/artifacts/$t/last.log
    ok=1
    regs=$(ls tests/fuzz/regressions/$t/* 2>/dev/null)
    if [ -n "$regs" ] && ! "$bin" $regs > "$log" 2>&1; then
        ok=0; echo "FAIL fuzz $t: a regression input fails again"; tail -n 30 "$log"
    fi
    if [ $ok = 1 ] && ! "$bin" -max_total_time="$secs" -timeout=20 -max_len=1024 \
            -print_final_stats=1 -artifact_prefix="$out/artifacts/$t/" \
            "$corpus" "tests/fuzz/corpus/$t" > "$log" 2>&1; then
        ok=0; echo "FAIL fuzz $t (log $log)"; grep -v -e '^#' -e 'NEW_FUNC' "$log" | tail -n 40
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
        echo "ok   fuzz $t: $(echo $regs | wc -w) regressions replayed, $execs executions in ${secs} s ($rate/s), $(ls "$corpus" | wc -l) corpus units"
    else
        fail=$((fail + 1))
    fi
done
echo "fuzz targets: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
