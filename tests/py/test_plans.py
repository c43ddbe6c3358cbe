"""Prepared plans from Python (pypy3 and /usr/bin/python3, no numpy).

The fast path runs the C plan (ul_plan) its DriverPlan prepared; the
explicit plan, umath_linalg.plan(f, *inputs, out=...), gives what f gives,
raises f's errors when made, checks each operand's cffi type on every
call, and raises LinAlgError for a singular matrix as inv/solve do.
"""
import math

import pytest

import umath_linalg as ul
from umath_linalg import ffi, LinAlgError


def cffi_matrix(n, shift=None, ct="double", seed=1):
    a = ffi.new("%s[%d][%d]" % (ct, n, n))
    for i in range(n):
        for j in range(n):
            a[i][j] = ((i * 7 + j * 3 + seed) % 11) / 11.0 + \
                (n if shift is None else shift) * (i == j)
    return a


def items(x):
    return list(ffi.unpack(ffi.cast("double *", x), ffi.sizeof(x) // 8))


@pytest.mark.parametrize("n", [1, 4, 10, 20])
def test_fast_path_runs_a_c_plan(n):
    a = cffi_matrix(n)
    o1 = ffi.new("double[%d][%d]" % (n, n))
    o2 = ffi.new("double[%d][%d]" % (n, n))
    ul.inv(a, out=o1)                       # general path, remembered
    d = ul._INV._cffi_out_plans[ffi.typeof(a)][ffi.typeof(o1)]
    assert d.plan is not None and d.prun is ul.lib.ulpy_run2
    ul.inv(a, out=o2)                       # fast path: the C plan
    assert items(o1) == items(o2)
    r = ul.inv(a)                           # no out=: its own plan
    assert items(r) == items(o1)
    p = ul.inv(r)                           # inverse of the inverse
    err = max(abs(x - y) for x, y in zip(items(p), items(a)))
    assert err < 1e-12 * n


def test_fast_path_singular_through_plan():
    a = ffi.new("double[2][3][3]")
    o = ffi.new("double[2][3][3]")
    for i in range(3):
        a[0][i][i] = 2.0
    with pytest.raises(LinAlgError, match="Singular matrix"):
        ul.inv(a, out=o)
    with pytest.raises(LinAlgError, match="Singular matrix"):
        ul.inv(a, out=o)                    # again, through the plan
    assert o[0][1][1] == 0.5 and math.isnan(o[1][0][0])
    assert ul.det(a)[1] == 0.0 and ul.det(a)[0] == 8.0


def test_explicit_plan_inv_solve_det_matmul():
    a = cffi_matrix(4)
    o = ffi.new("double[4][4]")
    p = ul.plan(ul.inv, a, out=o)
    assert p.gufunc is ul._INV and p.ctypes == (ffi.typeof(a),) * 2
    assert p(a, o) is None
    assert items(o) == items(ul.inv(a))
    a2 = cffi_matrix(4, seed=5)
    p(a2, o)                                # new data, same layout
    assert items(o) == items(ul.inv(a2))
    # solve: b of one dimension fewer is solve1, as ul.solve decides
    b = ffi.new("double[4]", [1, 2, 3, 4])
    x = ffi.new("double[4]")
    ul.plan(ul.solve, a, b, out=x)(a, b, x)
    assert list(x) == list(ul.solve(a, b))
    B = ffi.new("double[4][2]", [[1, 2], [3, 4], [5, 6], [7, 8]])
    X = ffi.new("double[4][2]")
    ul.plan(ul.solve, a, B, out=X)(a, B, X)
    assert items(X) == items(ul.solve(a, B))
    # det of a stack (a 0-d output has no cffi array: a stack of one)
    s = ffi.new("double[1][4][4]", [[list(r) for r in a]])
    dt = ffi.new("double[1]")
    ul.plan(ul.det, s, out=dt)(s, dt)
    assert dt[0] == ul.det(a)
    # slogdet: two outputs
    sg, ld = ffi.new("double[1]"), ffi.new("double[1]")
    ul.plan(ul.slogdet, s, out=(sg, ld))(s, sg, ld)
    assert (sg[0], ld[0]) == tuple(ul.slogdet(a))
    # matmul and a Gufunc object
    c = ffi.new("double[4][4]")
    ul.plan(ul.matmul, a, a2, out=c)(a, a2, c)
    assert items(c) == items(ul.matmul(a, a2))
    g = ul.gufunc("inv")                    # singular matrices: NaN
    z = ffi.new("double[4][4]")
    ul.plan(g, z, out=o)(z, o)
    assert all(math.isnan(v) for v in items(o))


def test_explicit_plan_errors():
    a = cffi_matrix(4)
    o = ffi.new("double[4][4]")
    with pytest.raises(ValueError) as e_plan:
        ul.plan(ul.inv, a, out=ffi.new("double[3][3]"))
    with pytest.raises(ValueError) as e_call:
        ul.inv(a, out=ffi.new("double[3][3]"))
    assert "core dimension" in str(e_plan.value)
    with pytest.raises(TypeError, match="no loop for types f->d"):
        ul.plan(ul.inv, cffi_matrix(4, ct="float"), out=o)
    with pytest.raises(TypeError, match="cffi arrays"):
        ul.plan(ul.inv, [[1.0]], out=o)
    with pytest.raises(TypeError, match="open length"):
        ul.plan(ul.inv, a, out=ffi.new("double[][4]", 4))
    with pytest.raises(TypeError):
        ul.plan(len, a, out=o)
    p = ul.plan(ul.inv, a, out=o)
    before = items(o)
    for args in [(a, ffi.new("double[3][3]")), ([[1.0]], o),
                 (cffi_matrix(4, ct="float"), o), (a, "double[4][4]")]:
        with pytest.raises(TypeError, match="inv plan: operand"):
            p(*args)
    with pytest.raises(TypeError):
        p(a)
    assert items(o) == before               # nothing written
    with pytest.raises(LinAlgError, match="Singular matrix"):
        p(ffi.new("double[4][4]"), o)
