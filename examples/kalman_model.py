"""The extended Kalman filter's model and data, shared by the three versions
(kalman_numpy.py, kalman_pypy_fast.py, kalman_pypy_lists.py).

A body moving in 3-D under quadratic drag and an unknown, slowly varying
acceleration, ranged from four beacons.  10 states:

    x = [p (3), v (3), w (3), beta]     position, velocity, acceleration, drag
    f(x):  p' = p + dt v
           v' = v + dt (w - beta |v| v)
           w' = w,  beta' = beta
    h(x):  z_i = |p - b_i|, i = 0..3    (4 ranges: S is 4x4)

The data come from a 32-bit LCG (Numerical Recipes' constants) and
Irwin-Hall normals (sum of 12 uniforms - 6): pure integer and float
arithmetic plus sqrt, so CPython and PyPy build bit-identical data with no
numpy.  Every 101st step one range carries a 40 m outlier, which the
filter's gate (normalised innovation squared against chi2(4) at 99.9%)
rejects.

Per step every version does the same math, in this order:
    F = jac_f(x); x = f(x)
    P = (F @ P) @ F.T + Q
    y = z - h(x); H = jac_h(x)
    PHt = P @ H.T;  S = H @ PHt + R
    nis = y . solve(S, y);  if nis > GATE: skip the update
    K = PHt @ inv(S);  x = x + K @ y;  P = (I - K @ H) @ P
(8 matrix products, a solve and a 4x4 inverse.)
"""
import math

N = 10                          # states
M = 4                           # measurements
DT = 0.1
BEACONS = [[0.0, 0.0, 0.0], [3000.0, 0.0, 100.0],
           [0.0, 3000.0, 200.0], [3000.0, 3000.0, 1500.0]]
GATE = 18.467                   # chi2(4) 99.9% quantile
Q_DIAG = [1e-4] * 3 + [1e-3] * 3 + [1e-2] * 3 + [1e-8]
R_DIAG = [1.0] * M
P0_DIAG = [100.0] * 3 + [4.0] * 3 + [1.0] * 3 + [1e-4]
TRUTH0 = [1000.0, 1200.0, 300.0, 8.0, -4.0, 1.0, 0.0, 0.0, 0.0, 0.01]
X0 = [1005.0, 1195.0, 303.0, 9.0, -5.0, 1.5, 0.0, 0.0, 0.0, 0.02]


class LCG(object):
    """x' = (1664525 x + 1013904223) mod 2^32; normals by Irwin-Hall."""

    def __init__(self, seed):
        self.s = seed & 0xffffffff

    def uniform(self):
        self.s = (1664525 * self.s + 1013904223) & 0xffffffff
        return self.s * (1.0 / 4294967296.0)

    def normal(self):
        t = 0.0
        for _ in range(12):
            t += self.uniform()
        return t - 6.0


def make_data(nsteps, seed=12345):
    """(truth, zs): truth states after each step and the 4 ranges measured
    then, as lists of lists of floats."""
    rng = LCG(seed)
    x = list(TRUTH0)
    truth, zs = [], []
    for k in range(nsteps):
        v = x[3:6]
        w = x[6:9]
        beta = x[9]
        sp = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        nx = list(x)
        for i in range(3):
            nx[i] = x[i] + DT * v[i]
            nx[3 + i] = v[i] + DT * (w[i] - beta * sp * v[i])
            # the truth's acceleration reverts to 0 (std about 1 m/s^2)
            nx[6 + i] = 0.995 * w[i] + 0.1 * rng.normal()
        x = nx
        z = []
        for i, b in enumerate(BEACONS):
            d = [x[0] - b[0], x[1] - b[1], x[2] - b[2]]
            r = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
            r += math.sqrt(R_DIAG[i]) * rng.normal()
            if k % 101 == 100 and i == (k // 101) % M:
                r += 40.0
            z.append(r)
        truth.append(x)
        zs.append(z)
    return truth, zs


def rel_diff(a, b):
    """max |a - b| / max |b| over flat lists of floats."""
    scale = max(abs(v) for v in b) or 1.0
    return max(abs(u - v) for u, v in zip(a, b)) / scale


def summary(name, x, P, nrej, truth, us_per_step=None):
    err = math.sqrt(sum((x[i] - truth[-1][i]) ** 2 for i in range(3)))
    s = "%s: final position error %.3f m, %d updates gated out" % (
        name, err, nrej)
    if us_per_step is not None:
        s += ", %.2f us/step" % us_per_step
    return s


def cli(name, run, argv=None):
    """The command line of each version:  VERSION.py [NSTEPS] [--repeats R]
    [--json].  Times run(zs) R times (best per-step time wins) and prints a
    summary, or with --json one line: us_per_step, x, P (flat), rejected."""
    import json
    import sys
    import time
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    if as_json:
        args.remove("--json")
    repeats = 3
    if "--repeats" in args:
        i = args.index("--repeats")
        repeats = int(args[i + 1])
        del args[i:i + 2]
    nsteps = int(args[0]) if args else 5000
    truth, zs = make_data(nsteps)
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        x, P, nrej = run(zs)
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
    us = best / nsteps * 1e6
    if as_json:
        print(json.dumps({"name": name, "nsteps": nsteps, "us_per_step": us,
                          "x": x, "P": P, "rejected": nrej}))
    else:
        print(summary(name, x, P, nrej, truth, us))
