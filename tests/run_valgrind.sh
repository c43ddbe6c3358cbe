#!/bin/sh
# Runs each C test binary under valgrind's memcheck. A binary fails when
# memcheck reports an error or a definitely lost byte (exit 99), or it
# crashes. Failed checks of the test itself are shown but not counted:
# memcheck models neither the FP exception flags (fetestexcept sees none)
# nor 80-bit long double (computed as double), so tests of those fail
# there and only there; make test-c runs the same checks natively. One
# line per binary with its time, then "N passed, N failed". OpenBLAS
# runs on one thread (its pool is not ours and slow under memcheck).
# A test that runs itself again for the lower CPU paths (execv of
# /proc/self/exe, which under valgrind is valgrind) is run twice instead,
# UL_CPU=auto (AVX2 where the CPU has it: valgrind 3.19 has no AVX-512
# and hides it from cpuid, so the AVX-512 kernels never run here) and
# UL_CPU=baseline.
# Usage: run_valgrind.sh BIN...
pass=0; fail=0
for bin in "$@"; do
  cpus=auto
  grep -qE "ul_test_done_all_cpus|st_run_all_cpus" "tests/c/$(basename "$bin").c" 2>/dev/null &&
      cpus="auto baseline"
  for cpu in $cpus; do
    t=$bin
    start=$(date +%s)
    out=$(UL_CPU=$cpu OPENBLAS_NUM_THREADS=1 valgrind -q --error-exitcode=99 --leak-check=full \
          --errors-for-leak-kinds=definite --show-leak-kinds=definite "$t" 2>&1)
    rc=$?
    took=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then
        pass=$((pass + 1))
        echo "ok   valgrind $(basename "$t") UL_CPU=$cpu (${took} s): 0 errors, 0 bytes definitely lost; $(echo "$out" | tail -n 1)"
    else
        fail=$((fail + 1)); echo "FAIL valgrind $(basename "$t") UL_CPU=$cpu (exit $rc)"; echo "$out" | tail -n 40
    fi
  done
done
echo "valgrind tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
