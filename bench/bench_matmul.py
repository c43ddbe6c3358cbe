"""bench_matmul.py - float64 matmul on CPython: umath_linalg.matmul against
np.matmul (numpy's own loops), both with out= (no allocation), repeats
interleaved, best of 7; then the C side (bench_matmul.c: the library's
driver call against cblas_dgemm per matrix) read from the CSV files the
shell script wrote. Prints one markdown table.
    python3 bench/bench_matmul.py THREADS C_CSV [C_CSV_2 ...]
THREADS: the thread count of this run (OPENBLAS_NUM_THREADS is set by
bench_matmul.sh; ours through ul_set_num_threads). Bytes moved per call:
3 n^2 8 bytes per matrix (read a, b, write c); GB/s is that over our time.
"""
import sys
import time

import numpy as np

import umath_linalg
from umath_linalg._ul import lib

# 1000x4x4 (384 KB) and 300x10x10 (720 KB): stacks that fit in L2 (1 MB)
CASES = [(100000, 4), (10000, 10), (1000, 16), (1000, 4), (300, 10), (1, 4), (1, 10), (1, 64), (1, 256)]


def per_call(f):
    it = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(it):
            f()
        t = time.perf_counter() - t0
        if t > 0.02:
            return t / it
        it *= 2


def python_side(threads):
    lib.ul_set_num_threads(threads)
    rng = np.random.default_rng(1)
    res = {}
    for count, n in CASES:
        shape = (count, n, n) if count > 1 else (n, n)
        a, b = rng.standard_normal(shape), rng.standard_normal(shape)
        c1, c2 = np.empty(shape), np.empty(shape)
        ours = lambda: umath_linalg.matmul(a, b, out=c1)
        ref = lambda: np.matmul(a, b, out=c2)
        ours()
        ref()
        assert np.allclose(c1, c2)
        bo = bn = 1e30
        for _ in range(7):
            bo = min(bo, per_call(ours))
            bn = min(bn, per_call(ref))
        res[(count, n)] = (bo * 1e6, bn * 1e6)
    return res


def c_side(paths):
    res = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                count, n, ours, gemm = line.strip().split(",")
                res[(int(count), int(n))] = (float(ours), float(gemm))
    return res


def main():
    threads = int(sys.argv[1])
    py = python_side(threads)
    c = c_side(sys.argv[2:])
    print("\n%d thread(s) (OPENBLAS_NUM_THREADS=%d, ul_set_num_threads(%d)), "
          "us per call, best of 7\n" % (threads, threads, threads))
    print("| case | ours (Python) | np.matmul | numpy / ours | ours (C) "
          "| cblas_dgemm (C) | gemm / ours | ours GB/s (C) |")
    print("|---|---|---|---|---|---|---|---|")
    for count, n in CASES:
        po, pn = py[(count, n)]
        co, cg = c.get((count, n), (float("nan"), float("nan")))
        gbs = 3 * n * n * 8 * count / (co * 1e-6) / 1e9
        name = "%dx%dx%d" % (count, n, n) if count > 1 else "one %dx%d" % (n, n)
        print("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f |"
              % (name, po, pn, pn / po, co, cg, cg / co, gbs))


if __name__ == "__main__":
    main()
