"""The extended Kalman filter of kalman_model.py on nested lists with
pypy_compat.linalg only (matmul, solve, inv), for PyPy without numpy.  Runs on CPython too.
    PYTHONPATH=. pypy3 examples/kalman_pypy_lists.py [NSTEPS]"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kalman_model as km  # noqa: E402
from pypy_compat import linalg  # noqa: E402


mm = linalg.matmul               # numpy 2's numpy.linalg.matmul, on lists


def transpose(a):
    return [list(col) for col in zip(*a)]


def run(zs):
    """Filter the measurements zs; (x, P flat, number of gated updates)."""
    n, m, dt = km.N, km.M, km.DT
    Qd, Rd = km.Q_DIAG, km.R_DIAG
    beacons = km.BEACONS
    I = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    x = list(km.X0)
    P = [[km.P0_DIAG[i] if i == j else 0.0 for j in range(n)]
         for i in range(n)]
    F = [list(row) for row in I]
    for i in range(3):
        F[i][3 + i] = dt
        F[3 + i][6 + i] = dt
    H = [[0.0] * n for _ in range(m)]
    solve, inv = linalg.solve, linalg.inv
    nrej = 0
    for z in zs:
        # predict: F at the old state, then x = f(x)
        v = x[3:6]
        beta = x[9]
        sp = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        for i in range(3):
            for j in range(3):
                F[3 + i][3 + j] = (1.0 if i == j else 0.0) - (dt * beta) * (
                    (sp if i == j else 0.0) + v[i] * v[j] / sp)
            F[3 + i][9] = (-dt * sp) * v[i]
        xn = list(x)
        for i in range(3):
            xn[i] = x[i] + dt * v[i]
            xn[3 + i] = x[3 + i] + dt * (x[6 + i] - beta * sp * v[i])
        x = xn
        P = mm(mm(F, P), transpose(F))
        for i in range(n):
            P[i][i] += Qd[i]
        # measure: ranges to the beacons and their Jacobian
        y = [0.0] * m
        for i in range(m):
            b = beacons[i]
            d0, d1, d2 = x[0] - b[0], x[1] - b[1], x[2] - b[2]
            r = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
            Hi = H[i]
            Hi[0], Hi[1], Hi[2] = d0 / r, d1 / r, d2 / r
            y[i] = z[i] - r
        PHt = mm(P, transpose(H))
        S = mm(H, PHt)
        for i in range(m):
            S[i][i] += Rd[i]
        w = solve(S, y)
        if sum([u * v for u, v in zip(y, w)]) > km.GATE:
            nrej += 1
            continue
        K = mm(PHt, inv(S))
        Ky = mm(K, y)
        x = [x[i] + Ky[i] for i in range(n)]
        KH = mm(K, H)
        P = mm([[I[i][j] - KH[i][j] for j in range(n)] for i in range(n)], P)
    return list(x), [p for row in P for p in row], nrej


if __name__ == "__main__":
    km.cli("lists", run)
