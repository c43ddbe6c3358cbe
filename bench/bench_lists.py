"""Nested lists on PyPy: inv, solve, det and matmul of small float lists
through pypy_compat.linalg and umath_linalg, against pure-Python code in
the same run (issue 13).

    pypy3 bench/bench_lists.py run > out.json     # one tree's numbers
    pypy3 bench/bench_lists.py report after.json [before.json ...]

`run` times every case interleaved (REPEATS rounds, each case N calls per
round) and keeps each case's minimum per-call time in microseconds; the
report prints them, the ratio to the pure-Python inverse of the same run,
and the issue's targets.  bench_lists.sh runs it on this tree and on an
earlier revision, alternating, for before/after.
"""
import json
import os
import random
import sys
import time

from bench_pycall import pure_python_inv  # the same reference inverse

REPEATS = int(os.environ.get("BENCH_REPEATS", "9"))
N = int(os.environ.get("BENCH_N", "100000"))


def matrix(n, seed=1):
    rng = random.Random(seed)
    return [[rng.uniform(-1, 1) + (n if i == j else 0) for j in range(n)]
            for i in range(n)]


def pure_python_matmul(a, b):
    bt = list(zip(*b))
    return [[sum(x * y for x, y in zip(r, c)) for c in bt] for r in a]


def cases():
    import umath_linalg as ul
    from pypy_compat import linalg
    a4, a10 = matrix(4), matrix(10)
    b4 = [r[0] for r in matrix(4, 2)]
    c = {
        "compat_inv_4": lambda: linalg.inv(a4),
        "compat_inv_10": lambda: linalg.inv(a10),
        "ul_inv_4": lambda: ul.inv(a4),
        "ul_inv_10": lambda: ul.inv(a10),
        "compat_solve_4": lambda: linalg.solve(a4, b4),
        "compat_det_4": lambda: linalg.det(a4),
        "ul_matmul_4": lambda: ul.matmul(a4, a4),
        "pure_inv_4": lambda: pure_python_inv(a4),
        "pure_inv_10": lambda: pure_python_inv(a10),
        "pure_matmul_4": lambda: pure_python_matmul(a4, a4),
    }
    if hasattr(linalg, "matmul"):
        c["compat_matmul_4"] = lambda: linalg.matmul(a4, a4)
    # sanity: the results agree with the pure-Python ones
    for n, a in ((4, a4), (10, a10)):
        r, p = linalg.inv(a), pure_python_inv(a)
        assert max(abs(r[i][j] - p[i][j]) for i in range(n)
                   for j in range(n)) < 1e-12
    return c


def body(f):
    def run(k):
        for _ in range(k):
            f()
    return run


def run():
    fns = dict((k, body(f)) for k, f in cases().items())
    for f in fns.values():
        f(N)
    best = dict((k, None) for k in fns)
    for _ in range(REPEATS):
        for k, f in fns.items():
            t0 = time.perf_counter()
            f(N)
            dt = (time.perf_counter() - t0) / N * 1e6
            if best[k] is None or dt < best[k]:
                best[k] = dt
    return best


ROWS = [
    ("compat_inv_4", "pypy_compat.linalg.inv, 4x4 list", "pure_inv_4", 0.4),
    ("compat_inv_10", "pypy_compat.linalg.inv, 10x10 list", "pure_inv_10",
     1.2),
    ("ul_inv_4", "umath_linalg.inv, 4x4 list", "pure_inv_4", 0.4),
    ("ul_inv_10", "umath_linalg.inv, 10x10 list", "pure_inv_10", 1.2),
    ("compat_solve_4", "pypy_compat.linalg.solve, 4x4 and 4", "pure_inv_4",
     None),
    ("compat_det_4", "pypy_compat.linalg.det, 4x4", "pure_inv_4", None),
    ("ul_matmul_4", "umath_linalg.matmul, 4x4 lists", "pure_matmul_4", None),
    ("compat_matmul_4", "pypy_compat.linalg.matmul, 4x4 lists",
     "pure_matmul_4", None),
    ("pure_inv_4", "pure-Python inverse, 4x4", "pure_inv_4", None),
    ("pure_inv_10", "pure-Python inverse, 10x10", "pure_inv_10", None),
    ("pure_matmul_4", "pure-Python matmul, 4x4", "pure_matmul_4", None),
]


def report(files):
    runs = []
    for f in files:
        with open(f) as fh:
            runs.append(json.load(fh))
    names = [os.path.basename(os.path.dirname(os.path.abspath(f))) or f
             for f in files]
    names = [os.path.splitext(os.path.basename(f))[0] for f in files]
    head = "  %-40s" % "us per call (ratio to pure Python)"
    for nm in names:
        head += " %20s" % nm
    print("PyPy, min of %d rounds of %d calls" % (REPEATS, N))
    print(head + "  target")
    for key, label, ref, tgt in ROWS:
        line = "  %-40s" % label
        if not any(key in r for r in runs):
            continue
        for r in runs:
            if key in r:
                line += " %9.3f (%5.2fx)  " % (r[key], r[key] / r[ref])
            else:
                line += " %20s" % "-"
        if tgt is not None and key in runs[0]:
            line += "  <= %.1f %s" % (tgt, "MET" if runs[0][key] <= tgt
                                      else "MISSED")
        print(line)


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    mode = sys.argv[1] if len(sys.argv) > 1 else "run"
    if mode == "run":
        print(json.dumps(run()))
    else:
        report(sys.argv[2:])
