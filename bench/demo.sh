#!/bin/sh
# `make demo`: the main job in short: small-matrix inversion, this library
# against LAPACK called directly and numpy.linalg.inv, one table.
exec sh bench/bench_small.sh --short
