"""The extended Kalman filter of kalman_model.py for PyPy in the library's
fast style: every matrix a preallocated cffi array, every product, solve
and inverse written into its out= array (no allocation per step), the
element-wise glue on flat double* views of the same memory.  Runs on
CPython too.   PYTHONPATH=. pypy3 examples/kalman_pypy_fast.py [NSTEPS]

Every library call is prepared once in Filter.__init__ (ul.plan: checked
then, one C call per use) and used in four closures (predict_cov,
innovation_cov, gate_solve, update).  F.T and H.T are separate arrays that
the Jacobian code fills alongside F and H (a few stores per step): a
ul.T(F) view would do as well, but a view is not on the plan path yet.
"""
import math
import os
import sys

from cffi import FFI

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kalman_model as km  # noqa: E402
import umath_linalg as ul  # noqa: E402

ffi = FFI()


def new(n, m=None):
    """A zeroed cffi array double[n] or double[n][m] and its flat double*."""
    a = ffi.new("double[%d]" % n if m is None else "double[%d][%d]" % (n, m))
    return a, ffi.cast("double *", a)


class Filter(object):
    def __init__(self):
        n, m = km.N, km.M
        self.x, self.xp = new(n)
        self.P, self.Pp = new(n, n)
        self.F, self.Fp = new(n, n)
        self.FT, self.FTp = new(n, n)
        self.A, _ = new(n, n)               # F @ P
        self.H, self.Hp = new(m, n)
        self.HT, self.HTp = new(n, m)
        self.PHt, _ = new(n, m)
        self.S, self.Sp = new(m, m)
        self.Sinv, _ = new(m, m)
        self.K, _ = new(n, m)
        self.y, self.yp = new(m)
        self.w, self.wp = new(m)            # solve(S, y)
        self.Ky, self.Kyp = new(n)
        self.KH, self.KHp = new(n, n)
        self.IKH, self.IKHp = new(n, n)
        for i in range(n):
            self.xp[i] = km.X0[i]
            self.Pp[i * n + i] = km.P0_DIAG[i]
            self.Fp[i * n + i] = self.FTp[i * n + i] = 1.0
        for i in range(3):
            self.Fp[i * n + 3 + i] = self.FTp[(3 + i) * n + i] = km.DT
            self.Fp[(3 + i) * n + 6 + i] = km.DT
            self.FTp[(6 + i) * n + 3 + i] = km.DT
        F, FT, P, A, H, HT, PHt, S, Sinv, K, y, w, Ky, KH, IKH = (
            self.F, self.FT, self.P, self.A, self.H, self.HT, self.PHt,
            self.S, self.Sinv, self.K, self.y, self.w, self.Ky, self.KH,
            self.IKH)
        # Every call of a step prepared once (ul.plan: all checks now, one
        # C call per use); the arrays never change, only their contents.
        mm, plan = ul.matmul, ul.plan
        FP = plan(mm, F, P, out=A)
        FPFt = plan(mm, A, FT, out=P)
        PHt_ = plan(mm, P, HT, out=PHt)
        HPHt = plan(mm, H, PHt, out=S)
        solve_Sy = plan(ul.solve, S, y, out=w)
        inv_S = plan(ul.inv, S, out=Sinv)
        gain = plan(mm, PHt, Sinv, out=K)
        Ky_ = plan(mm, K, y, out=Ky)
        KH_ = plan(mm, K, H, out=KH)
        IKHP = plan(mm, IKH, P, out=A)

        # The products, solves and inverse of a step, in four stages (the
        # glue between them is in run()).
        def predict_cov():
            FP(F, P, A)
            FPFt(A, FT, P)                  # P = F P F^T (Q added after)

        def innovation_cov():
            PHt_(P, HT, PHt)
            HPHt(H, PHt, S)                 # S = H P H^T (R added after)

        def gate_solve():
            solve_Sy(S, y, w)               # for the gate y . S^-1 y

        def update():
            inv_S(S, Sinv)
            gain(PHt, Sinv, K)
            Ky_(K, y, Ky)
            KH_(K, H, KH)
            # IKH = I - KH is glue; then P = IKH @ P goes to A (A is free
            # here; an out= overlapping an input would cost a copy).
            self.fill_ikh()
            IKHP(IKH, P, A)
            return A

        self.predict_cov = predict_cov
        self.innovation_cov = innovation_cov
        self.gate_solve = gate_solve
        self.update = update

    def fill_ikh(self):
        n = km.N
        KHp, IKHp = self.KHp, self.IKHp
        for k in range(n * n):
            IKHp[k] = -KHp[k]
        for i in range(n):
            IKHp[i * n + i] += 1.0

    def run(self, zs):
        n, m, dt = km.N, km.M, km.DT
        Qd, Rd, beacons, gate = km.Q_DIAG, km.R_DIAG, km.BEACONS, km.GATE
        xp, Pp, Fp, FTp, Hp, HTp, Sp, yp, wp, Kyp = (
            self.xp, self.Pp, self.Fp, self.FTp, self.Hp, self.HTp, self.Sp,
            self.yp, self.wp, self.Kyp)
        predict_cov, innovation_cov, gate_solve, update = (
            self.predict_cov, self.innovation_cov, self.gate_solve,
            self.update)
        nrej = 0
        for z in zs:
            # predict: F (and F^T) at the old state, then x = f(x)
            v0, v1, v2 = xp[3], xp[4], xp[5]
            beta = xp[9]
            sp = math.sqrt(v0 * v0 + v1 * v1 + v2 * v2)
            v = (v0, v1, v2)
            for i in range(3):
                for j in range(3):
                    f = (1.0 if i == j else 0.0) - (dt * beta) * (
                        (sp if i == j else 0.0) + v[i] * v[j] / sp)
                    Fp[(3 + i) * n + 3 + j] = f
                    FTp[(3 + j) * n + 3 + i] = f
                f = (-dt * sp) * v[i]
                Fp[(3 + i) * n + 9] = f
                FTp[9 * n + 3 + i] = f
            for i in range(3):
                xp[3 + i] = v[i] + dt * (xp[6 + i] - beta * sp * v[i])
                xp[i] = xp[i] + dt * v[i]
            predict_cov()
            for i in range(n):
                Pp[i * n + i] += Qd[i]
            # measure: ranges to the beacons and their Jacobian (H and H^T)
            x0, x1, x2 = xp[0], xp[1], xp[2]
            for i in range(m):
                b = beacons[i]
                d0, d1, d2 = x0 - b[0], x1 - b[1], x2 - b[2]
                r = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
                Hp[i * n] = HTp[i] = d0 / r
                Hp[i * n + 1] = HTp[m + i] = d1 / r
                Hp[i * n + 2] = HTp[2 * m + i] = d2 / r
                yp[i] = z[i] - r
            innovation_cov()
            for i in range(m):
                Sp[i * m + i] += Rd[i]
            gate_solve()
            nis = 0.0
            for i in range(m):
                nis += yp[i] * wp[i]
            if nis > gate:
                nrej += 1
                continue
            Pn = update()
            for i in range(n):
                xp[i] += Kyp[i]
            ffi.memmove(self.P, Pn, ffi.sizeof(self.P))
        return (ffi.unpack(self.xp, n), ffi.unpack(self.Pp, n * n), nrej)


def run(zs):
    """Filter the measurements zs; (x, P flat, number of gated updates)."""
    return Filter().run(zs)


if __name__ == "__main__":
    km.cli("fast", run)
