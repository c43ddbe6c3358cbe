"""numpy.linalg.inv / det / solve on stacks of float64 matrices, numpy's own
gufunc loops against pypy_compat.numpy_backend.install(), in one process.

    bench_numpy_backend.py run LABEL      -> JSON on stdout
    bench_numpy_backend.py report F1 F2.. -> table and ratios

`run` alternates the two backends repetition by repetition (uninstall, time
numpy's loops; install, time ours) and keeps each one's minimum, so drift
in machine load hits both alike. solve uses one right-hand-side vector per
matrix, shape (N, m): numpy.linalg.solve then calls the solve1 gufunc.
Run through bench_numpy_backend.sh.
"""
import json
import os
import sys
import time

SHAPES = ((100000, 4, 4), (10000, 10, 10), (1000, 32, 32))
OPS = ("inv", "det", "solve")
MIN_REPS, MAX_REPS, BUDGET = 5, 15, 2.0   # repetitions; seconds per backend


def _blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl missing"
    return "; ".join("%s %s %s threads=%s" % (i.get("internal_api"), i.get("version"),
                                                i.get("architecture"), i.get("num_threads"))
                     for i in threadpool_info() if i.get("user_api") == "blas")


def _once(fn, args):
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def run(label):
    """Time every (shape, op) with both backends; returns a dict."""
    import numpy as np
    import pypy_compat.numpy_backend as backend

    rng = np.random.default_rng(12345)
    rows = []
    for shape in SHAPES:
        n, m = shape[0], shape[-1]
        a = rng.standard_normal(shape) + m * np.eye(m)
        b = rng.standard_normal((n, m))
        for op in OPS:
            fn = getattr(np.linalg, op)
            args = (a, b) if op == "solve" else (a,)
            backend.uninstall()
            ref = fn(*args)
            backend.install()
            got = fn(*args)
            if not np.allclose(got, ref, rtol=1e-9, atol=1e-12):
                raise SystemExit("results differ for %s %s" % (op, shape))
            best = {"numpy": float("inf"), "ours": float("inf")}
            spent = {"numpy": 0.0, "ours": 0.0}
            reps = 0
            while reps < MAX_REPS and (reps < MIN_REPS or max(spent.values()) < BUDGET):
                for which in ("numpy", "ours"):
                    if which == "numpy":
                        backend.uninstall()
                    else:
                        backend.install()
                    t = _once(fn, args)
                    best[which] = min(best[which], t)
                    spent[which] += t
                reps += 1
            backend.uninstall()
            rows.append({"shape": list(shape), "op": op, "reps": reps,
                         "numpy": best["numpy"], "ours": best["ours"]})
    return {"label": label, "numpy_version": np.__version__,
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
            "blas": _blas_info(), "library": backend._lib_path, "rows": rows}


def report(paths):
    """Print one table per run file and the ratio numpy/ours (>1: ours faster)."""
    for path in paths:
        with open(path) as f:
            res = json.load(f)
        print("\n== %s: OPENBLAS_NUM_THREADS=%s, numpy %s, %s"
              % (res["label"], res["OPENBLAS_NUM_THREADS"], res["numpy_version"], res["blas"]))
        print("   library: %s" % res["library"])
        print("%-16s %-6s %14s %14s %10s %12s" % ("stack", "op", "numpy loops ms",
                                                "install() ms", "speedup", "ns/matrix"))
        for r in res["rows"]:
            shape = "x".join(str(s) for s in r["shape"])
            print("%-16s %-6s %14.3f %14.3f %9.2fx %12.1f" % (
                shape, r["op"], r["numpy"] * 1e3, r["ours"] * 1e3,
                r["numpy"] / r["ours"], r["ours"] / r["shape"][0] * 1e9))
    print("\nspeedup = numpy's own loops time / install() time (min of repetitions; "
          ">1 means install() is faster)")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        json.dump(run(sys.argv[2]), sys.stdout, indent=1)
        print()
    elif len(sys.argv) >= 3 and sys.argv[1] == "report":
        report(sys.argv[2:])
    else:
        raise SystemExit(__doc__)
