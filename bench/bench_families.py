"""Issue 14's table: ns per matrix for the small-matrix families (cholesky,
eigh, eigvalsh, svd) on stacks, this library's loop against numpy's own
`numpy.linalg._umath_linalg` loop of the same name, in one process.

    bench_families.py [--quick] [--csv=FILE] [FAMILY ...]
        -> markdown table on stdout (and the rows as CSV for plot_families.py)

Both sides are numpy gufuncs called the same way with preallocated out=
(ours: the table's rows as numpy ufuncs, pypy_compat.numpy_backend), on
the same float64 operands, so the ratio is the loops' own cost. Ours runs
on 1 thread and on 2 (ul_set_num_threads); numpy's loop is serial (run
with OPENBLAS_NUM_THREADS=1: bench_families.sh sets it). The three sides
alternate repetition by repetition and each keeps its minimum (best-of),
so drift in machine load hits all alike. Each side is timed in wall time
and in CPU time of the calling thread (time.thread_time: preemption on a
loaded machine is not counted); numpy and ours on 1 thread (all their
work on that thread) are compared in CPU time, ours on 2 threads against
numpy in wall time. Each result is also checked
against numpy's (a wrong fast kernel is not a speed-up).
Families measured (numpy.linalg's choice for square input): cholesky =
cholesky_lo, eigh = eigh_lo, eigvalsh = eigvalsh_lo, svd = svd_n_f
(full U, S, V^H), svdvals = svd_n (S only).
"""
import ctypes
import os
import sys
import time

FAMILIES = (("cholesky", "cholesky_lo"), ("eigh", "eigh_lo"),
            ("eigvalsh", "eigvalsh_lo"), ("svd", "svd_n_f"), ("svdvals", "svd_n"))
SIZES = {"cholesky": (3, 4, 8, 10, 16)}
DEFAULT_SIZES = (3, 4, 8, 10)
MIN_REPS, MAX_REPS, BUDGET = 5, 15, 0.4     # repetitions; seconds per side


def stack_size(n, quick):
    """The issue's stacks: 100000 matrices up to 4x4, 10000 above."""
    count = 100000 if n <= 4 else 10000
    return count // 10 if quick else count


def operands(np, family, count, n, rng):
    a = rng.standard_normal((count, n, n))
    if family in ("svd", "svdvals"):
        return a
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)    # positive definite


def outputs(np, ufunc, a):
    """Preallocated outputs of the shapes the gufunc returns for a."""
    res = ufunc(a[:1])
    res = res if isinstance(res, tuple) else (res,)
    return tuple(np.empty((a.shape[0],) + r.shape[1:], r.dtype) for r in res)


def agree(np, family, mine, ref):
    """Results equal to rounding; for eigh/svd the vectors only up to sign,
    so their reconstructions are compared instead."""
    mine = mine if isinstance(mine, tuple) else (mine,)
    ref = ref if isinstance(ref, tuple) else (ref,)
    if family in ("eigh",):
        w1, v1 = mine
        w2, v2 = ref
        r1 = (v1 * w1[..., None, :]) @ np.swapaxes(v1, -1, -2)
        r2 = (v2 * w2[..., None, :]) @ np.swapaxes(v2, -1, -2)
        return np.allclose(w1, w2, rtol=1e-10, atol=1e-10) and np.allclose(r1, r2, atol=1e-8)
    if family == "svd":
        u1, s1, vt1 = mine
        u2, s2, vt2 = ref
        r1 = (u1 * s1[..., None, :]) @ vt1
        r2 = (u2 * s2[..., None, :]) @ vt2
        return np.allclose(s1, s2, rtol=1e-10, atol=1e-10) and np.allclose(r1, r2, atol=1e-8)
    return all(np.allclose(x, y, rtol=1e-10, atol=1e-10) for x, y in zip(mine, ref))


def measure(np, sides, a, out):
    """Alternates the sides (name -> (ufunc, set-up callable)) repetition by
    repetition; the best time of each and the repetitions made."""
    best = {(k, c): float("inf") for k in sides for c in ("cpu", "wall")}
    spent = {k: 0.0 for k in sides}
    reps = 0
    while reps < MAX_REPS and (reps < MIN_REPS or max(spent.values()) < BUDGET):
        for k, (fn, setup) in sides.items():
            setup()
            w0, c0 = time.perf_counter(), time.thread_time()
            fn(a, out=out)
            c, w = time.thread_time() - c0, time.perf_counter() - w0
            best[k, "cpu"] = min(best[k, "cpu"], c)
            best[k, "wall"] = min(best[k, "wall"], w)
            spent[k] += w
        reps += 1
    return best, reps


def run(families, quick):
    import numpy as np
    import pypy_compat.numpy_backend as backend

    theirs = np.linalg._umath_linalg
    ours = backend.gufuncs()
    lib = backend._library()
    lib.ul_set_num_threads.argtypes = [ctypes.c_int]
    rng = np.random.default_rng(2026)
    rows = []
    for family, name in FAMILIES:
        if families and family not in families:
            continue
        if name not in ours:
            rows.append((family, name, None))
            continue
        for n in SIZES.get(family, DEFAULT_SIZES):
            count = stack_size(n, quick)
            a = operands(np, family, count, n, rng)
            t_np, t_ours = getattr(theirs, name), ours[name]
            sides = {"numpy": (t_np, lambda: None),
                     "ours1": (t_ours, lambda: lib.ul_set_num_threads(1)),
                     "ours2": (t_ours, lambda: lib.ul_set_num_threads(2))}
            # one output for all sides: the same memory traffic for each
            # (a third of the cache a buffer per side would take)
            out = outputs(np, t_np, a)
            with np.errstate(all="ignore"):
                best, reps = measure(np, sides, a, out)
                lib.ul_set_num_threads(1)
                ok = agree(np, family, t_ours(a), t_np(a))
            lib.ul_set_num_threads(0)
            rows.append((family, name, (n, count, reps, best, ok)))
    return rows


def table(rows):
    lines = ["| family (loop) | n | stack | numpy ns | ours 1 thr ns | speed-up 1 thr "
             "| ours 2 thr ns (wall) | speed-up 2 thr (wall) | reps | agrees |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for family, name, r in rows:
        if r is None:
            lines.append("| %s (%s) | - | - | not in the table | | | | | | |" % (family, name))
            continue
        n, count, reps, best, ok = r
        ns = {k: v / count * 1e9 for k, v in best.items()}
        lines.append("| %s (%s) | %d | %d | %.1f | %.1f | %.1fx | %.1f | %.1fx | %d | %s |" % (
            family, name, n, count, ns["numpy", "cpu"], ns["ours1", "cpu"],
            ns["numpy", "cpu"] / ns["ours1", "cpu"], ns["ours2", "wall"],
            ns["numpy", "wall"] / ns["ours2", "wall"], reps, "yes" if ok else "NO"))
    return "\n".join(lines)


def write_csv(rows, path):
    """family,loop,n,count,numpy_ns,ours1_ns (CPU time),numpy_wall_ns,ours2_wall_ns"""
    with open(path, "w") as f:
        f.write("family,loop,n,count,numpy_ns,ours1_ns,numpy_wall_ns,ours2_wall_ns\n")
        for family, name, r in rows:
            if r is None:
                continue
            n, count, reps, best, ok = r
            ns = {k: v / count * 1e9 for k, v in best.items()}
            f.write("%s,%s,%d,%d,%.2f,%.2f,%.2f,%.2f\n" % (
                family, name, n, count, ns["numpy", "cpu"], ns["ours1", "cpu"],
                ns["numpy", "wall"], ns["ours2", "wall"]))


def main(argv):
    quick = "--quick" in argv
    csv = [x.split("=", 1)[1] for x in argv if x.startswith("--csv=")]
    families = [x for x in argv if not x.startswith("--")]
    known = [f for f, _ in FAMILIES]
    for f in families:
        if f not in known:
            raise SystemExit("unknown family %r (known: %s)" % (f, ", ".join(known)))
    import numpy as np
    print("numpy %s, OPENBLAS_NUM_THREADS=%s, float64, ns per matrix, best of "
          "interleaved repeats; speed-up = numpy / ours, 1 thread in CPU time, "
          "2 threads in wall time (numpy's too)%s"
          % (np.__version__, os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
             " (--quick: stacks / 10)" if quick else ""))
    print()
    rows = run(families, quick)
    print(table(rows))
    if csv:
        write_csv(rows, csv[0])


if __name__ == "__main__":
    main(sys.argv[1:])
