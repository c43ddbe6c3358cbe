#!/bin/sh
# `make bench`: every bench/bench_*.sh in turn (each prints its own table and
# ratios; all measure against a reference in the same run).
status=0
for b in bench/bench_*.sh; do
    [ -f "$b" ] || continue
    echo "==== $b"
    sh "$b" || status=1
done
exit $status
