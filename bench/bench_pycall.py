"""Per-call time of a 10x10 float64 inverse from Python (issue 4 benchmark).

    pypy3 bench/bench_pycall.py pypy > out.json          # PyPy side
    /usr/bin/python3 bench/bench_pycall.py cpython > out.json
    /usr/bin/python3 bench/bench_pycall.py report a.json b.json

Each measurement: warm-up, then the minimum over REPEATS runs of the mean
time per call over N calls (microseconds).
"""
import json
import os
import random
import sys
import time

N_MAT = 10
REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))


def matrix(n=N_MAT, seed=1):
    rng = random.Random(seed)
    return [[rng.uniform(-1, 1) + (n if i == j else 0) for j in range(n)]
            for i in range(n)]


def timeit(fn, n, repeats=REPEATS, warm=None):
    """Min over repeats of the mean seconds per call of fn() -> microseconds."""
    for _ in range(warm if warm is not None else n):
        fn()
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = (time.perf_counter() - t0) / n
        best = dt if best is None or dt < best else best
    return best * 1e6


def loop_timer(body_maker, n, repeats=REPEATS):
    """Like timeit but the loop is inside the timed function (cheaper on
    CPython): body_maker(n) runs n calls."""
    body_maker(n)
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        body_maker(n)
        dt = (time.perf_counter() - t0) / n
        best = dt if best is None or dt < best else best
    return best * 1e6


def interleaved(fns, n, repeats=REPEATS):
    """Min per-call microseconds of each body fns[name](n), the bodies run
    in alternation so that load changes hit them alike."""
    for f in fns.values():
        f(n)
    best = dict((k, None) for k in fns)
    for _ in range(repeats):
        for k, f in fns.items():
            t0 = time.perf_counter()
            f(n)
            dt = (time.perf_counter() - t0) / n
            best[k] = dt if best[k] is None or dt < best[k] else best[k]
    return dict((k, v * 1e6) for k, v in best.items())


def pure_python_inv(a):
    """Gauss-Jordan inverse with partial pivoting on nested lists."""
    n = len(a)
    m = [list(row) + [1.0 if i == j else 0.0 for j in range(n)]
         for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        if m[p][c] == 0.0:
            raise ZeroDivisionError("singular")
        if p != c:
            m[c], m[p] = m[p], m[c]
        rowc = m[c]
        inv_p = 1.0 / rowc[c]
        for j in range(2 * n):
            rowc[j] *= inv_p
        for r in range(n):
            if r != c:
                row = m[r]
                f = row[c]
                if f != 0.0:
                    for j in range(c, 2 * n):
                        row[j] -= f * rowc[j]
    return [row[n:] for row in m]


def bench_pypy():
    import umath_linalg as ul
    from umath_linalg import ffi
    from pypy_compat import linalg
    rows = matrix()
    a = ffi.new("double[10][10]", rows)
    o = ffi.new("double[10][10]")
    inv = ul.inv
    res = {}
    n = 300000

    def with_out(k):
        for _ in range(k):
            inv(a, out=o)

    def no_out(k):
        for _ in range(k):
            inv(a)

    def compat(k):
        f = linalg.inv
        for _ in range(k):
            f(a)

    inv(a, out=o)
    # the bare C call (driver + kernel) with the same cached plan
    g = ul._INV
    p = g._cffi_out_plans[ffi.typeof(a)][ffi.typeof(o)]
    fn, gg = p.call, g._g

    def bare(k):
        for _ in range(k):
            fn(gg, a, o, p.types, p.ndims, p.shapes, p.strides)
    r = interleaved({"pypy_ul_out": with_out, "pypy_bare_c_call": bare,
                     "pypy_ul_noout": no_out, "pypy_compat_inv": compat}, n)
    res.update(r)
    # prepared plans (issue 13), 1x1 (the overhead alone), 4x4 and 10x10,
    # interleaved: inv(a, out=o) (its fast path runs a C plan), an explicit
    # umath_linalg.plan, the bare ulpy_run2 on the cached plan, and
    # "before": the fast path's steps as they were, ending in the driver
    # call (ulpy_call2 -> ul_gufunc_callv, validating every call)
    from umath_linalg import CData
    for m in (1, 4, 10):
        am = ffi.new("double[%d][%d]" % (m, m), matrix(m))
        om = ffi.new("double[%d][%d]" % (m, m))
        inv(am, out=om)
        pm = g._cffi_out_plans[ffi.typeof(am)][ffi.typeof(om)]
        explicit = ul.plan(inv, am, out=om)
        out_plans, typeof, status = g._cffi_out_plans, ffi.typeof, g._status

        def before(k, am=am, om=om):
            for _ in range(k):
                # _fastpath.one's cffi out= case before plans, line for line
                if isinstance(am, CData):
                    d = out_plans.get(typeof(am))
                    if d is not None:
                        p_ = d.get(typeof(om))
                        if p_ is not None:
                            fn_ = p_.call
                            st = fn_(gg, am, om, p_.types, p_.ndims,
                                     p_.shapes, p_.strides)
                            if st:
                                status(st, (am, om), p_)

        def after(k, am=am, om=om):
            for _ in range(k):
                inv(am, out=om)

        def expl(k, am=am, om=om, explicit=explicit):
            for _ in range(k):
                explicit(am, om)

        def bare_plan(k, am=am, om=om, run=pm.prun, pl=pm.plan):
            for _ in range(k):
                run(pl, am, om)
        r = interleaved({"before": before, "after": after, "plan": expl,
                         "bare_plan": bare_plan}, n)
        for k, v in r.items():
            res["pypy_%dx%d_%s" % (m, m, k)] = v
    res["pypy_ul_out_1x1"] = res["pypy_1x1_after"]
    # a stack of 1000 10x10 in one call, per matrix
    st = ffi.new("double[1000][10][10]", [rows] * 1000)
    sto = ffi.new("double[1000][10][10]")

    def stack(k):
        for _ in range(k):
            inv(st, out=sto)
    res["pypy_ul_stack1000_per_matrix"] = loop_timer(stack, 300) / 1000
    lists = matrix()

    def pure(k):
        for _ in range(k):
            pure_python_inv(lists)
    res["pypy_pure_python"] = loop_timer(pure, 30000)

    def from_lists(k):
        for _ in range(k):
            inv(lists)
    res["pypy_ul_lists"] = loop_timer(from_lists, 30000)
    # sanity: the results agree
    r = ul.inv(a)
    pp = pure_python_inv(lists)
    err = max(abs(r[i][j] - pp[i][j]) for i in range(10) for j in range(10))
    assert err < 1e-12, err
    return res


def bench_cpython():
    import numpy as np
    import umath_linalg as ul
    a = np.array(matrix())
    o = np.empty_like(a)
    res = {}
    inv = ul.inv
    npinv = np.linalg.inv
    n = 30000

    def ul_np(k):
        for _ in range(k):
            inv(a)

    def ul_np_out(k):
        for _ in range(k):
            inv(a, out=o)

    def np_inv(k):
        for _ in range(k):
            npinv(a)
    res["cpython_ul_numpy"] = loop_timer(ul_np, n)
    res["cpython_ul_numpy_out"] = loop_timer(ul_np_out, n)
    res["cpython_numpy_linalg_inv"] = loop_timer(np_inv, n)
    st = np.array([matrix()] * 1000)

    def ul_stack(k):
        for _ in range(k):
            inv(st)

    def np_stack(k):
        for _ in range(k):
            npinv(st)
    res["cpython_ul_stack1000_per_matrix"] = loop_timer(ul_stack, 100) / 1000
    res["cpython_numpy_stack1000_per_matrix"] = loop_timer(np_stack, 100) / 1000
    assert np.allclose(inv(a), npinv(a), rtol=1e-12, atol=1e-12)
    return res


ROWS = [
    ("pypy_ul_out", "PyPy   umath_linalg.inv(a, out=o)  cffi double[10][10]"),
    ("pypy_ul_noout", "PyPy   umath_linalg.inv(a)         cffi double[10][10]"),
    ("pypy_compat_inv", "PyPy   pypy_compat.linalg.inv(a)   cffi double[10][10]"),
    ("pypy_ul_lists", "PyPy   umath_linalg.inv(lists)     nested lists"),
    ("pypy_bare_c_call", "PyPy   bare cffi call of the driver (no Python layer)"),
    ("pypy_ul_out_1x1", "PyPy   umath_linalg.inv(a, out=o)  1x1 (driver overhead)"),
    ("pypy_ul_stack1000_per_matrix", "PyPy   inv of a (1000,10,10) stack, per matrix"),
] + [("pypy_%dx%d_%s" % (m, m, k), "PyPy   %2dx%-2d %s" % (m, m, label))
     for m in (1, 4, 10) for k, label in (
         ("before", "inv(a, out=o) before plans (driver per call)"),
         ("after", "inv(a, out=o) (fast path on a C plan)"),
         ("plan", "p(a, o), p = umath_linalg.plan(inv, a, out=o)"),
         ("bare_plan", "bare cffi ulpy_run2(plan, a, o)"))] + [
    ("pypy_pure_python", "PyPy   pure-Python partial-pivoting inverse"),
    ("cpython_ul_numpy", "CPython umath_linalg.inv(ndarray)"),
    ("cpython_ul_numpy_out", "CPython umath_linalg.inv(ndarray, out=o)"),
    ("cpython_numpy_linalg_inv", "CPython numpy.linalg.inv(ndarray)"),
    ("cpython1_numpy_linalg_inv", "CPython numpy.linalg.inv, OPENBLAS_NUM_THREADS=1"),
    ("cpython1_ul_numpy", "CPython umath_linalg.inv(ndarray), OPENBLAS_NUM_THREADS=1"),
    ("cpython_ul_stack1000_per_matrix", "CPython umath_linalg.inv (1000,10,10), per matrix"),
    ("cpython_numpy_stack1000_per_matrix", "CPython numpy.linalg.inv (1000,10,10), per matrix"),
]


def report(files):
    res = {}
    for f in files:
        with open(f) as fh:
            res.update(json.load(fh))
    print("10x10 float64 inverse, microseconds per call (min of %d runs)" % REPEATS)
    for key, label in ROWS:
        if key in res:
            print("  %-58s %9.3f" % (label, res[key]))
    print()
    ok = True

    def target(desc, value, limit, better="below"):
        nonlocal ok
        met = value < limit if better == "below" else value >= limit
        ok = ok and met
        print("  %-58s %8.2f  target %s %g  %s" % (desc, value, better, limit,
                                                   "MET" if met else "MISSED"))
    npinv = res.get("cpython_numpy_linalg_inv")
    if "pypy_ul_out" in res:
        target("PyPy out= us/call", res["pypy_ul_out"], 0.7)
        if npinv:
            target("numpy.linalg.inv (CPython) / PyPy out=",
                   npinv / res["pypy_ul_out"], 10, "at least")
        target("pure Python (PyPy) / PyPy out=",
               res["pypy_pure_python"] / res["pypy_ul_out"], 10, "at least")
        print("  %-58s %8.2f" % ("PyPy Python-layer overhead over the bare C call (us)",
                                 res["pypy_ul_out"] - res["pypy_bare_c_call"]))
    if "pypy_10x10_after" in res:
        target("PyPy 10x10 inv(a, out=o) us/call (plans)",
               res["pypy_10x10_after"], 0.2)
        target("PyPy 1x1 inv(a, out=o) us/call (plans)",
               res["pypy_1x1_after"], 0.08)
        for m in (1, 4, 10):
            print("  %-58s %8.2f" % ("PyPy %dx%d before / after plans" % (m, m),
                                     res["pypy_%dx%d_before" % (m, m)] /
                                     res["pypy_%dx%d_after" % (m, m)]))
    if "cpython_ul_numpy" in res and npinv:
        target("numpy.linalg.inv / umath_linalg.inv (CPython, ndarray)",
               npinv / res["cpython_ul_numpy"], 3, "at least")
    if "cpython1_ul_numpy" in res:
        print("  %-58s %8.2f" % ("same, both with OPENBLAS_NUM_THREADS=1",
                                 res["cpython1_numpy_linalg_inv"] /
                                 res["cpython1_ul_numpy"]))
    return ok


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "report"
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if mode == "pypy":
        print(json.dumps(bench_pypy()))
    elif mode == "cpython":
        print(json.dumps(bench_cpython()))
    elif mode == "cpython1":
        r = bench_cpython()
        print(json.dumps({"cpython1_numpy_linalg_inv": r["cpython_numpy_linalg_inv"],
                          "cpython1_ul_numpy": r["cpython_ul_numpy"]}))
    else:
        report(sys.argv[2:])
