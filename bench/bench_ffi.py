"""Python side of bench/bench_ffi.sh: ns per element of hypot over 10^6
float64 elements.

    pypy3 bench/bench_ffi.py pypy         # Python loop; frompyfunc from PyPy
    python3 bench/bench_ffi.py cpython    # np.hypot; frompyfunc on ndarrays
    python3 bench/bench_ffi.py report C.txt PYPY.txt CPY.txt

Each mode prints "key ns" lines (thread CPU time, min over rounds); report
prints the table and the ratios against the issue's targets.
"""
import math
import sys
import time

N = 10 ** 6
ROUNDS = 7


def clock():
    return time.thread_time()


def best(fn, rounds=ROUNDS):
    t = 1e30
    for _ in range(rounds):
        t0 = clock()
        fn()
        t = min(t, clock() - t0)
    return t / N * 1e9


def inputs():
    a = [(i % 1000) * 0.37 - 150.0 for i in range(N)]
    b = [1.0 + (i % 777) * 0.011 for i in range(N)]
    return a, b


def libm_hypot():
    import cffi
    ffi = cffi.FFI()
    ffi.cdef("double hypot(double, double);")
    return ffi, ffi.dlopen("libm.so.6")


def mode_pypy():
    from pypy_compat import frompyfunc
    from umath_linalg import ffi
    a, b = inputs()
    o = [0.0] * N
    hypot = math.hypot

    def loop():
        for i in range(N):
            o[i] = hypot(a[i], b[i])
    print("pypy_loop %.3f" % best(loop))
    _, m = libm_hypot()
    g = frompyfunc(m.hypot, 2, 1, name="bench_hypot_pypy")
    ca = ffi.new("double[]", a)
    cb = ffi.new("double[]", b)
    co = ffi.new("double[%d]" % N)
    g(ca, cb, out=co)
    print("pypy_frompyfunc_c %.3f" % best(lambda: g(ca, cb, out=co)))
    p = frompyfunc(hypot, 2, 1, name="bench_hypot_pyfunc")
    p(ca, cb, out=co)
    print("pypy_frompyfunc_py %.3f" % best(lambda: p(ca, cb, out=co), 3))
    g.release()
    p.release()


def mode_cpython():
    import numpy as np
    from pypy_compat import frompyfunc
    a, b = inputs()
    a = np.array(a)
    b = np.array(b)
    o = np.empty(N)
    np.hypot(a, b, out=o)
    print("numpy_hypot %.3f" % best(lambda: np.hypot(a, b, out=o)))
    _, m = libm_hypot()
    g = frompyfunc(m.hypot, 2, 1, name="bench_hypot_cpy")
    g(a, b, out=o)
    print("cpython_frompyfunc_c %.3f" % best(lambda: g(a, b, out=o)))
    g.release()


def read(path):
    d = {}
    with open(path) as f:
        for line in f:
            k, v = line.split()
            d[k] = float(v)
    return d


def report(paths):
    d = {}
    for p in paths:
        d.update(read(p))
    plain = d["c_plain"]
    rows = [
        ("(a) libffi path (ffi_call per element), C driver", "c_libffi"),
        ("    ffi_call floor: an empty double(double,double)", "c_ffi_empty"),
        ("(a') register-class direct call, C driver", "c_regcall"),
        ("(b) typed fast path double(double,double), C driver", "c_fast"),
        ("(c) plain C loop calling hypot", "c_plain"),
        ("(d) Python loop on PyPy (lists, math.hypot)", "pypy_loop"),
        ("(e) np.hypot on CPython (out=)", "numpy_hypot"),
        ("    PyPy: frompyfunc(libm hypot) on cffi arrays", "pypy_frompyfunc_c"),
        ("    PyPy: frompyfunc(math.hypot) (loop in Python)",
         "pypy_frompyfunc_py"),
        ("    CPython: frompyfunc(libm hypot) on ndarrays",
         "cpython_frompyfunc_c"),
    ]
    print("hypot over 10^6 float64 elements, ns per element (thread CPU "
          "time, min of rounds)")
    print("%-56s %9s %9s" % ("path", "ns/elem", "vs C"))
    for label, key in rows:
        if key in d:
            print("%-56s %9.2f %8.2fx" % (label, d[key], d[key] / plain))
    print()
    ok_fast = d["c_fast"] <= 1.5 * plain
    ok_ffi = d["c_libffi"] < 20.0
    print("target fast path within 1.5x of plain C: %.2fx  %s"
          % (d["c_fast"] / plain, "MET" if ok_fast else "MISSED"))
    print("target libffi path < 20 ns/element:      %.2f ns  %s"
          % (d["c_libffi"], "MET" if ok_ffi else "MISSED"))
    if not ok_ffi and "c_ffi_empty" in d:
        print("  (ffi_call alone costs %.2f ns per element here: the floor of "
              "any per-element ffi_call loop)" % d["c_ffi_empty"])
    if "c_regcall" in d:
        print("  (the register-class direct call that element-wise rows use "
              "by default on x86-64: %.2f ns, %s)"
              % (d["c_regcall"], "< 20" if d["c_regcall"] < 20 else ">= 20"))


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "pypy":
        mode_pypy()
    elif mode == "cpython":
        mode_cpython()
    elif mode == "report":
        report(sys.argv[2:])
    else:
        sys.exit(__doc__)
