"""eig and eigvals through umath_linalg.gufunc on nested lists, without numpy
(runs under PyPy and CPython): dget22's residual ratio, unit vectors,
conjugate pairs for real input, eigvals = eig's w, a NaN matrix in a
stack (NaN outputs, the other matrix computed). Empty stacks and m = 0 are
in test_eig.c and test_eig_numpy.py (nested lists cannot hold them)."""
import random
import sys

import umath_linalg as ul

EPS = sys.float_info.epsilon


def rand_matrix(rng, n, cplx):
    return [[complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) if cplx else rng.uniform(-1, 1)
             for _ in range(n)] for _ in range(n)]


def check_eig(a, w, v):
    n = len(a)
    anorm = max(sum(abs(a[i][j]) for i in range(n)) for j in range(n))
    worst = 0.0
    for j in range(n):
        col = [v[i][j] for i in range(n)]
        r = sum(abs(sum(a[i][t] * col[t] for t in range(n)) - w[j] * col[i]) for i in range(n))
        worst = max(worst, r)
        assert abs(sum(abs(x) ** 2 for x in col) ** 0.5 - 1) < 30 * n * EPS
    assert worst / (n * anorm * EPS) < 30


def test_real_and_complex_lists():
    rng = random.Random(4)
    eig, eigvals = ul.gufunc("eig"), ul.gufunc("eigvals")
    pairs = 0
    for cplx in (False, True):
        for n in (1, 2, 3, 6, 9):
            a = rand_matrix(rng, n, cplx)
            w, v = eig(a)
            assert eigvals(a) == w
            check_eig(a, w, v)
            j = 0
            while not cplx and j < n:
                if w[j].imag == 0:
                    assert all(v[i][j].imag == 0 for i in range(n))
                    j += 1
                    continue
                assert w[j + 1] == w[j].conjugate() and w[j].imag > 0
                assert all(v[i][j + 1] == v[i][j].conjugate() for i in range(n))
                pairs += 1
                j += 2
    assert pairs > 0


def test_stack_with_nan_matrix():
    eig = ul.gufunc("eig")
    w, v = eig([[[0.0, -1.0], [1.0, 0.0]], [[1.0, float("nan")], [0.0, 1.0]]])
    assert abs(w[0][0] - 1j) < 4 * EPS and w[0][1] == w[0][0].conjugate()
    assert all(x != x for x in w[1]) and all(x != x for row in v[1] for x in row)
