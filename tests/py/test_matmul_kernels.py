"""matmul's kernel paths against numpy's np.matmul, and out= overlapping
an input.

Stacks of 1, 3, 8 and 37 products (one-matrix path; the SIMD kernels'
full groups and tails for 2, 4 and 8 lanes) at sizes that take the
square instances (1, 4, 10, 16), the generic one (3x5 @ 5x2, 16x1 @ 1x16,
1x16 @ 16x1, the '?' dims of 1-d operands) and gemm (17, 40); every dtype;
C, Fortran, transposed, negative-stride and strided layouts, broadcast
stacks (stride 0) on either side; on both CPU targets (UL_CPU=baseline in
a child process). Then out= sharing memory with an input, as numpy gives
it: out=a, out=b, out=a=b, shifted by one matrix, transposed, 1-d.
CPython only: it needs numpy.
"""
import os
import subprocess
import sys

import pytest

try:
    import numpy as np
except ImportError:  # pypy3 finds CPython's numpy but cannot load it
    np = None

pytestmark = pytest.mark.skipif(np is None, reason="needs numpy (CPython)")

import umath_linalg as ul

if np is not None:
    DTYPES = [np.float32, np.float64, np.complex64, np.complex128]
    EPS = {np.float32: 2.0 ** -23, np.float64: 2.0 ** -52,
           np.complex64: 2.0 ** -23, np.complex128: 2.0 ** -52}

SIZES = [(1, 1, 1), (4, 4, 4), (10, 10, 10), (16, 16, 16), (3, 5, 2),
         (16, 1, 16), (1, 16, 1), (2, 7, 9), (17, 17, 17), (40, 3, 40)]
COUNTS = [1, 3, 8, 37]


def rand(rng, shape, dtype):
    a = rng.uniform(-1, 1, shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.uniform(-1, 1, shape)
    return a.astype(dtype)


def relayout(a, kind):
    """a's values in layout kind: 0 C, 1 Fortran core, 2 every axis
    reversed, 3 every axis strided by 2, 4 the whole array Fortran."""
    if kind == 1 and a.ndim >= 2:
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    if kind == 2:
        s = (slice(None, None, -1),) * a.ndim
        return np.ascontiguousarray(a[s])[s]
    if kind == 3:
        big = np.zeros(tuple(2 * n for n in a.shape), a.dtype)
        v = big[(slice(None, None, 2),) * a.ndim]
        v[...] = a
        return v
    if kind == 4:
        return np.asfortranarray(a)
    return a


def check(got, a, b, dtype):
    exp = np.matmul(a, b)
    got = np.asarray(got)
    assert got.shape == exp.shape and got.dtype == exp.dtype
    k = a.shape[-1]
    bound = np.matmul(np.abs(a).astype(np.float64), np.abs(b).astype(np.float64))
    err = np.abs(got.astype(np.complex128) - exp)
    assert np.all(err <= 8 * (k + 2) * EPS[dtype] * bound + 1e-300)


def operands(rng, count, n, k, m, dtype):
    """(a, b) pairs for one size: stacks, broadcast sides, 1-d sides."""
    yield rand(rng, (count, n, k), dtype), rand(rng, (count, k, m), dtype)
    yield rand(rng, (n, k), dtype), rand(rng, (count, k, m), dtype)
    yield (np.broadcast_to(rand(rng, (1, n, k), dtype), (count, n, k)),
           rand(rng, (count, k, m), dtype))
    yield rand(rng, (count, n, k), dtype), rand(rng, (k, m), dtype)
    yield rand(rng, (k,), dtype), rand(rng, (count, k, m), dtype)
    yield rand(rng, (count, n, k), dtype), rand(rng, (k,), dtype)
    yield rand(rng, (count, 1, n, k), dtype), rand(rng, (2, k, m), dtype)


@pytest.mark.parametrize("dtype", DTYPES if np else [])
def test_kernel_paths_agree_with_np_matmul(dtype):
    rng = np.random.default_rng(31)
    for count in COUNTS:
        for n, k, m in SIZES:
            for case, (a0, b0) in enumerate(operands(rng, count, n, k, m, dtype)):
                for kind in range(5):
                    a = relayout(a0, kind)
                    b = relayout(b0, (kind + case) % 5)
                    check(ul.matmul(a, b), a, b, dtype)
                out = np.zeros(np.matmul(a0, b0).shape, dtype)
                check(ul.matmul(a0, b0, out=relayout(out, 3)), a0, b0, dtype)


def test_baseline_cpu_path_agrees():
    """The same checks with the SSE2 kernels (UL_CPU is read once per
    process, so in a child)."""
    env = dict(os.environ, UL_CPU="baseline")
    code = ("import sys; sys.path[:0] = %r; import test_matmul_kernels as t, numpy as np\n"
            "for d in t.DTYPES: t.test_kernel_paths_agree_with_np_matmul(d)\n"
            % ([os.path.dirname(__file__)] + sys.path[:1],))
    r = subprocess.run([sys.executable, "-c", code], env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]


def overlap_cases(n, dtype):
    """build(rng) returns (a, b, out), out sharing memory with a or b; the
    same rng state builds the same values (for numpy's run)."""
    def out_a(rng):
        a, b = rand(rng, (5, n, n), dtype), rand(rng, (5, n, n), dtype)
        return a, b, a

    def out_b(rng):
        a, b = rand(rng, (5, n, n), dtype), rand(rng, (5, n, n), dtype)
        return a, b, b

    def out_ab(rng):
        a = rand(rng, (5, n, n), dtype)
        return a, a, a

    def shifted(rng):
        buf = rand(rng, (6, n, n), dtype)
        return buf[:5], rand(rng, (5, n, n), dtype), buf[1:]

    def shifted_back(rng):
        buf = rand(rng, (6, n, n), dtype)
        return buf[1:], rand(rng, (5, n, n), dtype), buf[:5]

    def transposed(rng):
        a, b = rand(rng, (5, n, n), dtype), rand(rng, (5, n, n), dtype)
        return a, b, a.swapaxes(-1, -2)

    def broadcast_a(rng):
        a, b = rand(rng, (n, n), dtype), rand(rng, (5, n, n), dtype)
        return a, b, b

    def vector(rng):
        a, v = rand(rng, (n, n), dtype), rand(rng, (n,), dtype)
        return a, v, v

    return [out_a, out_b, out_ab, shifted, shifted_back, transposed,
            broadcast_a, vector]


@pytest.mark.parametrize("dtype", DTYPES if np else [])
@pytest.mark.parametrize("n", [3, 4, 16, 40])
@pytest.mark.parametrize("via", ["matmul", "gufunc"])
def test_out_overlapping_an_input_is_numpys(dtype, n, via):
    fn = ul.matmul if via == "matmul" else ul.gufunc("matmul")
    for seed, build in enumerate(overlap_cases(n, dtype)):
        a, b, out = build(np.random.default_rng(seed))
        ca, cb = a.copy(), b.copy()
        r = fn(a, b, out=out)
        assert np.shares_memory(r, out), build.__name__
        check(out, ca, cb, dtype)
        # numpy on the same overlap from the same values: the same result
        a2, b2, out2 = build(np.random.default_rng(seed))
        np.matmul(a2, b2, out=out2)
        tol = 1e-4 if dtype in (np.float32, np.complex64) else 1e-12
        assert np.allclose(out, out2, rtol=tol, atol=tol), build.__name__
