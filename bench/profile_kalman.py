"""Where a step of examples/kalman_pypy_fast.py goes, per call type.

    PYTHONPATH=. pypy3 bench/profile_kalman.py [STEPS]

Times (min over repeats, after warm-up) each library call of a step with
the step's own shapes and out= arrays, the whole step, and the step with
every library call replaced by a no-op (the Python glue alone: the state
then drifts, which the glue's cost does not depend on)."""
import inspect
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import kalman_model as km  # noqa: E402
import kalman_pypy_fast as kf  # noqa: E402
import umath_linalg as ul  # noqa: E402
from bench_pycall import timeit  # noqa: E402  (the one timing loop)


def setup(zs, steps=50):
    f = kf.Filter()
    f.run(zs[:steps])                 # realistic values in every array
    mm, solve, inv = ul.matmul, ul.solve, ul.inv
    F, FT, P, A, H, HT, PHt, S, Sinv, K, y, w, Ky, KH, IKH = (
        f.F, f.FT, f.P, f.A, f.H, f.HT, f.PHt, f.S, f.Sinv, f.K, f.y, f.w,
        f.Ky, f.KH, f.IKH)
    S2 = kf.new(km.M, km.M)[0]
    calls = [
        ("matmul 10x10 @ 10x10 (x3: F@P, A@F^T, IKH@P)", 3,
         lambda: mm(F, P, out=A)),
        ("matmul 10x10 @ 10x4 (P@H^T)", 1, lambda: mm(P, HT, out=PHt)),
        # (into a scratch array: S = H P H^T without R is singular, H has
        # rank 3, and inv(S) must see the real S)
        ("matmul 4x10 @ 10x4 (H@PHt)", 1, lambda: mm(H, PHt, out=S2)),
        ("matmul 10x4 @ 4x4 (PHt@Sinv)", 1, lambda: mm(PHt, Sinv, out=K)),
        ("matmul 10x4 @ 4 (K@y)", 1, lambda: mm(K, y, out=Ky)),
        ("matmul 10x4 @ 4x10 (K@H)", 1, lambda: mm(K, H, out=KH)),
        ("solve 4x4, 4 (gate)", 1, lambda: solve(S, y, out=w)),
        ("inv 4x4", 1, lambda: inv(S, out=Sinv)),
    ]
    return f, calls


def one(case, n):
    """Run only `case` n times (callgrind_kalman.sh counts instructions
    for two n and takes the difference): a call's index in the table, or
    'fast', 'lists' (n filter steps)."""
    truth, zs = km.make_data(4000)
    if case in ("fast", "lists"):
        mod = kf if case == "fast" else __import__("kalman_pypy_lists")
        mod.run(zs[:n])
        return
    f, calls = setup(zs, 3)           # (few calls besides the counted ones)
    fn = calls[int(case)][2]
    for _ in range(n):
        fn()


def own_loop_us(fn, n=20000, repeats=7):
    """bench_pycall.timeit with a timing loop of its own code object (its
    source compiled again): PyPy's JIT traces loops per code object, so each
    case gets its own trace."""
    g = {"time": time, "REPEATS": repeats}
    exec(inspect.getsource(timeit), g)
    return g["timeit"](fn, n, repeats)


def lists_table(steps):
    """The same split for kalman_pypy_lists.py (values from a short run)."""
    import kalman_pypy_lists as kl
    from pypy_compat import linalg
    truth, zs = km.make_data(steps)
    f, _ = setup(zs)
    L = lambda a: [list(r) for r in a]  # noqa: E731
    n, m = km.N, km.M
    P = [[f.P[i][j] for j in range(n)] for i in range(n)]
    H = [[f.H[i][j] for j in range(n)] for i in range(m)]
    K = [[f.K[i][j] for j in range(m)] for i in range(n)]
    S = [[f.S[i][j] for j in range(m)] for i in range(m)]
    y = [f.y[i] for i in range(m)]
    mm, T = kl.mm, kl.transpose
    cases = [
        ("mm 10x10 @ 10x10 (x3)", 3, lambda: mm(P, P)),
        ("transpose 10x10 (F.T)", 1, lambda: T(P)),
        ("mm 10x10 @ 10x4", 1, lambda: mm(P, K)),
        ("transpose 4x10 (H.T)", 1, lambda: T(H)),
        ("mm 4x10 @ 10x4", 1, lambda: mm(H, K)),
        ("mm 10x4 @ 4x4", 1, lambda: mm(K, S)),
        ("mm 10x4 @ 4", 1, lambda: mm(K, y)),
        ("mm 10x4 @ 4x10", 1, lambda: mm(K, H)),
        ("I - KH (list comprehension)", 1,
         lambda: [[P[i][j] - P[i][j] for j in range(n)] for i in range(n)]),
        ("linalg.solve 4x4, 4 on lists", 1, lambda: linalg.solve(S, y)),
        ("linalg.inv 4x4 on lists", 1, lambda: linalg.inv(L(S))),
    ]
    print("| lists step (mm = linalg.matmul) | calls | us per call | us per step |")
    print("|---|---|---|---|")
    total = 0.0
    for name, count, fn in cases:
        us = own_loop_us(fn)
        total += count * us
        print("| %s | %d | %.3f | %.2f |" % (name, count, us, count * us))
    print("| sum | | | %.2f |" % total)
    step = own_loop_us(lambda: kl.run(zs), n=1, repeats=5) / steps
    print("| whole step (measured) | | | %.2f |" % step)


def main():
    if sys.argv[1:2] == ["--lists"]:
        return lists_table(int(sys.argv[2]) if len(sys.argv) > 2 else 5000)
    if sys.argv[1:2] == ["--name"]:
        return print(setup(km.make_data(60)[1])[1][int(sys.argv[2])][0])
    if sys.argv[1:2] == ["--one"]:
        return one(sys.argv[2], int(sys.argv[3]))
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    truth, zs = km.make_data(steps)
    f, calls = setup(zs)
    rows = []
    total = 0.0
    for name, count, fn in calls:
        us = timeit(fn, 20000, 7)
        rows.append((name, count, us))
        total += count * us
    step = timeit(lambda: kf.Filter().run(zs), 1, 5) / steps
    # the glue alone: the same run with the library calls as no-ops
    # (the example prepares its calls with ul.plan: every plan a no-op)
    real = ul.plan
    nop = lambda *a, **k: None  # noqa: E731
    ul.plan = lambda f, *a, **k: nop  # noqa: E731
    try:
        glue = timeit(lambda: kf.Filter().run(zs), 1, 5) / steps
    finally:
        ul.plan = real
    with open("/proc/loadavg") as fl:
        load = " ".join(fl.read().split()[:3])
    print("PyPy, kalman_pypy_fast.py, %d steps; load average %s" % (steps, load))
    print()
    print("| per step | calls | us per call | us per step |")
    print("|---|---|---|---|")
    for name, count, us in rows:
        print("| %s | %d | %.3f | %.2f |" % (name, count, us, count * us))
    print("| library calls, sum | 10 | | %.2f |" % total)
    print("| Python glue (calls as no-ops) | | | %.2f |" % glue)
    print("| whole step (measured) | | | %.2f |" % step)


if __name__ == "__main__":
    main()
