"""The extended Kalman filter benchmark (issue 13, item 4): the three
versions of examples/kalman_*.py in one run, us per step and the ratios.

    /usr/bin/python3 bench/bench_kalman.py [--steps N] [--rounds R]
        [--python PY] [--pypy PYPY]

Each round runs every case once as its own process (the cases interleaved,
so load changes hit them alike); a process filters the same N steps
3 times and reports its best, and the table has the best over rounds.
numpy runs with OPENBLAS_NUM_THREADS=1 and with OpenBLAS's default; its
better time is the reference.  Fails (exit 1) unless every final state
(x and P) agrees with numpy's within 1e-10 relative (to the largest item).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "examples"))
import kalman_model as km  # noqa: E402

TOL = 1e-10
TARGETS = {"fast": 5.0, "lists": 1.5}


def cases(py, pypy):
    ex = os.path.join(ROOT, "examples")
    return [
        ("numpy, 1 thread", py, "kalman_numpy.py", {"OPENBLAS_NUM_THREADS": "1"}),
        ("numpy, default threads", py, "kalman_numpy.py", {}),
        ("fast (PyPy, cffi arrays, ul.plan)", pypy, "kalman_pypy_fast.py", {}),
        ("lists (PyPy, pypy_compat.linalg)", pypy, "kalman_pypy_lists.py", {}),
    ], ex


def run_case(exe, script, env_extra, ex, steps):
    env = dict(os.environ)
    env.pop("OPENBLAS_NUM_THREADS", None)
    env.update(env_extra)
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"]
                                if env.get("PYTHONPATH") else "")
    out = subprocess.run([exe, os.path.join(ex, script), str(steps),
                          "--json"], env=env, check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out.decode().strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--pypy", default="pypy3")
    args = ap.parse_args()
    cs, ex = cases(args.python, args.pypy)
    best = {}
    for _ in range(args.rounds):
        for name, exe, script, env in cs:
            r = run_case(exe, script, env, ex, args.steps)
            if name not in best or r["us_per_step"] < best[name]["us_per_step"]:
                best[name] = r
    ref_name = min((n for n, _, s, _ in cs if s == "kalman_numpy.py"),
                   key=lambda n: best[n]["us_per_step"])
    ref = best[ref_name]
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print("EKF, %d states, %d ranges, %d steps (%d updates gated out); "
          "load average %s on %d cores" % (km.N, km.M, args.steps,
                                           ref["rejected"], load,
                                           os.cpu_count()))
    print()
    print("| version | us per step | speed-up over numpy (best) | "
          "max rel. diff of x, P vs numpy |")
    print("|---|---|---|---|")
    bad = []
    for name, _, _, _ in cs:
        r = best[name]
        dx = km.rel_diff(r["x"], ref["x"])
        dP = km.rel_diff(r["P"], ref["P"])
        if not (dx <= TOL and dP <= TOL) or r["rejected"] != ref["rejected"]:
            bad.append("%s: x %.3g, P %.3g, gated %d (numpy %d)" % (
                name, dx, dP, r["rejected"], ref["rejected"]))
        print("| %s | %.2f | %.2fx | %.1e, %.1e |" % (
            name, r["us_per_step"], ref["us_per_step"] / r["us_per_step"],
            dx, dP))
    print()
    for key, target in sorted(TARGETS.items()):
        name = [n for n in best if n.startswith(key)][0]
        ratio = ref["us_per_step"] / best[name]["us_per_step"]
        print("target: %s >= %.1fx numpy: %.2fx, %s" % (
            key, target, ratio, "met" if ratio >= target else "MISSED"))
    if bad:
        print("FAIL: final states disagree with numpy's beyond %g:\n  %s"
              % (TOL, "\n  ".join(bad)))
        sys.exit(1)
    print("final states agree with numpy's within %g" % TOL)


if __name__ == "__main__":
    main()
