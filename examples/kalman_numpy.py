"""The extended Kalman filter of kalman_model.py in idiomatic numpy (the
reference: CPython with numpy).  python3 examples/kalman_numpy.py [NSTEPS]"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kalman_model as km  # noqa: E402


def run(zs):
    """Filter the measurements zs; (x, P flat, number of gated updates)."""
    dt = km.DT
    B = np.array(km.BEACONS)
    Q = np.diag(km.Q_DIAG)
    R = np.diag(km.R_DIAG)
    I = np.eye(km.N)
    I3 = np.eye(3)
    x = np.array(km.X0)
    P = np.diag(km.P0_DIAG)
    F = np.eye(km.N)
    F[0:3, 3:6] = dt * I3
    F[3:6, 6:9] = dt * I3
    H = np.zeros((km.M, km.N))
    nrej = 0
    for z in np.asarray(zs):
        # predict: F at the old state, then x = f(x)
        v = x[3:6]
        beta = x[9]
        sp = math.sqrt(v @ v)
        F[3:6, 3:6] = I3 - (dt * beta) * (sp * I3 + np.outer(v, v) / sp)
        F[3:6, 9] = (-dt * sp) * v
        xn = x.copy()
        xn[0:3] += dt * v
        xn[3:6] += dt * (x[6:9] - beta * sp * v)
        x = xn
        P = F @ P @ F.T + Q
        # measure: ranges to the beacons and their Jacobian
        d = x[0:3] - B
        r = np.sqrt(np.einsum("ij,ij->i", d, d))
        H[:, 0:3] = d / r[:, None]
        y = z - r
        PHt = P @ H.T
        S = H @ PHt + R
        if y @ np.linalg.solve(S, y) > km.GATE:
            nrej += 1
            continue
        K = PHt @ np.linalg.inv(S)
        x = x + K @ y
        P = (I - K @ H) @ P
    return x.tolist(), P.ravel().tolist(), nrej


if __name__ == "__main__":
    km.cli("numpy", run)
