"""The library's matmul against numpy's own np.matmul (numpy.core.umath).

Random shapes (1-d operands on either side or both, stacks, broadcasting
outer dims, size-1 and size-0 dims, k = 0), every dtype and mixed dtypes,
layouts (C, transposed, negative strides, strided slices, broadcast views
with stride 0), through umath_linalg.matmul and umath_linalg.gufunc("matmul")
and through the numpy backend's gufuncs()["matmul"], a real numpy gufunc
whose loops are the library's; numpy's error texts for mismatched core
dims; install() leaves np.matmul alone. CPython only: it needs numpy.
"""
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

SIG = "(n?,k),(k,m?)->(n?,m?)"


@pytest.fixture(scope="module")
def np_matmul():
    from pypy_compat import numpy_backend
    return numpy_backend.gufuncs()["matmul"]


def rand(rng, shape, dtype):
    a = rng.uniform(-1, 1, shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.uniform(-1, 1, shape)
    return a.astype(dtype)


def layout(rng, a, kind):
    """The values of a in another memory layout (same shape and values)."""
    if a.ndim == 0 or a.size == 0 or kind == 0:
        return a
    if kind == 1:                     # transposed (Fortran-like) core
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2) \
            if a.ndim >= 2 else a
    if kind == 2:                     # negative strides on every axis
        flipped = np.ascontiguousarray(a[(slice(None, None, -1),) * a.ndim])
        return flipped[(slice(None, None, -1),) * a.ndim]
    if kind == 3:                     # every axis strided by 2
        big = np.zeros(tuple(2 * s for s in a.shape), a.dtype)
        v = big[(slice(None, None, 2),) * a.ndim]
        v[...] = a
        return v
    return a


def tolerance(a, b, dtype):
    """A bound on |computed - exact| per element: (k+2) eps (|a| @ |b|)
    times a small constant (float32 gemm may sum in any order)."""
    k = a.shape[-1] if a.ndim else 1
    bound = np.matmul(np.abs(a).astype(np.float64), np.abs(b).astype(np.float64))
    return 8 * (k + 2) * EPS[dtype] * bound + 1e-300


SHAPES = [
    ((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
    ((1, 1), (1, 1)), ((2, 3, 4), (4, 5)), ((4,), (2, 4, 5)),
    ((2, 3, 4), (4,)), ((2, 1, 3, 4), (5, 4, 6)), ((17, 20), (20, 18)),
    ((3, 33, 40), (3, 40, 2)), ((70, 70), (70, 70)), ((1, 64), (64, 1)),
    ((0, 3), (3, 2)), ((3, 0), (0, 2)), ((2, 3), (3, 0)), ((0, 2, 3), (3, 4)),
    ((5, 0), (0,)), ((0,), (0,)), ((2, 1, 16, 16), (1, 3, 16, 16)),
]


def random_shapes(rng, count):
    out = []
    for _ in range(count):
        n, k, m = (int(x) for x in rng.integers(1, 40, 3))
        outer_a = tuple(int(x) for x in rng.integers(1, 4, rng.integers(0, 3)))
        outer_b = tuple(1 if rng.random() < 0.3 else s for s in outer_a)
        sa = outer_a + (n, k) if rng.random() < 0.85 else (k,)
        sb = outer_b + (k, m) if rng.random() < 0.85 else (k,)
        out.append((sa, sb))
    return out


def check(got, a, b, dtype):
    exp = np.matmul(a, b)
    got = np.asarray(got)
    assert got.shape == exp.shape
    assert got.dtype == exp.dtype
    assert np.all(np.abs(got.astype(np.complex128) - exp) <= tolerance(a, b, dtype))


@pytest.mark.parametrize("dtype", DTYPES if np else [])
@pytest.mark.parametrize("via", ["matmul", "gufunc", "numpy_backend"])
def test_against_np_matmul(dtype, via, np_matmul):
    rng = np.random.default_rng(13)
    fn = {"matmul": ul.matmul, "gufunc": ul.gufunc("matmul"),
          "numpy_backend": np_matmul}[via]
    for case, (sa, sb) in enumerate(SHAPES + random_shapes(rng, 40)):
        a0, b0 = rand(rng, sa, dtype), rand(rng, sb, dtype)
        for kind in range(4):
            a = layout(rng, a0, kind)
            b = layout(rng, b0, (kind + case) % 4)
            check(fn(a, b), a, b, dtype)


@pytest.mark.parametrize("via", ["matmul", "numpy_backend"])
def test_out_and_broadcast_views(via, np_matmul):
    rng = np.random.default_rng(5)
    fn = ul.matmul if via == "matmul" else np_matmul
    for dtype in DTYPES:
        a = np.broadcast_to(rand(rng, (3, 20), dtype), (4, 3, 20))   # stride 0
        b = rand(rng, (4, 20, 30), dtype)[:, :, ::-2]
        out = np.zeros((4, 3, 15), dtype)[..., ::1]
        r = fn(a, b, out=out)
        assert r is out
        check(out, a, b, dtype)
        # a column broadcast inside the core: stride 0 in k
        c = np.broadcast_to(rand(rng, (1, 25), dtype), (30, 25))
        d = rand(rng, (25, 2), dtype).T.copy().T
        check(fn(c, d), c, d, dtype)
        # Fortran output of the gemm path
        o = np.zeros((30, 2), dtype, order="F")
        fn(c, d, out=o)
        check(o, c, d, dtype)


def test_mixed_types_cast_as_numpy():
    rng = np.random.default_rng(7)
    for ta, tb in [(np.float32, np.float64), (np.float32, np.complex64),
                   (np.float64, np.complex64), (np.complex64, np.complex128)]:
        a, b = rand(rng, (3, 4), ta), rand(rng, (4, 2), tb)
        r = ul.matmul(a, b)
        assert r.dtype == np.matmul(a, b).dtype
    # integers: numpy keeps int64, the library computes in float64
    r = ul.matmul(np.arange(6).reshape(2, 3), np.arange(3))
    assert r.dtype == np.float64 and np.array_equal(r, np.matmul(np.arange(6).reshape(2, 3), np.arange(3)))


def test_kinds_lists_and_scalars():
    assert ul.matmul([1.0, 2.0], [3.0, 4.0]) == 11.0
    assert ul.matmul([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]) == [3.0, 7.0]
    assert ul.matmul([[1.0, 2.0]], [[3.0], [4.0]]) == [[11.0]]
    a = ul.ffi.new("double[2][3]", [[1, 2, 3], [4, 5, 6]])
    b = ul.ffi.new("double[3]", [1, 1, 1])
    assert list(ul.matmul(a, b)) == [6.0, 15.0]


ERRORS = [
    ((3, 4), (5, 6), "matmul: Input operand 1 has a mismatch in its core dimension 0, "
     "with gufunc signature %s (size 5 is different from 4)" % SIG),
    ((4,), (3, 5), "matmul: Input operand 1 has a mismatch in its core dimension 0, "
     "with gufunc signature %s (size 3 is different from 4)" % SIG),
    ((), (4, 5), "matmul: Input operand 0 does not have enough dimensions (has 0, "
     "gufunc core with signature %s requires 1)" % SIG),
    ((3, 4), (), "matmul: Input operand 1 does not have enough dimensions (has 0, "
     "gufunc core with signature %s requires 1)" % SIG),
]


@pytest.mark.parametrize("sa,sb,msg", ERRORS)
def test_errors_are_numpys(sa, sb, msg, np_matmul):
    a, b = np.ones(sa), np.ones(sb)
    with pytest.raises(ValueError) as theirs:
        np.matmul(a, b)
    assert str(theirs.value) == msg
    for fn in (ul.matmul, np_matmul):
        with pytest.raises(ValueError) as ours:
            fn(a, b)
        assert str(ours.value) == msg
    out = np.ones((3, 6))
    with pytest.raises(ValueError) as ours:
        ul.matmul(np.ones((3, 4)), np.ones((4, 5)), out=out)
    assert "out[0] has shape (3, 6), expected (3, 5)" in str(ours.value)


def test_driver_output_mismatch_is_numpys():
    """The driver's own message for a wrong out= core (the Python front
    end checks the shape first): numpy's text, through the C call."""
    from umath_linalg import ffi, lib
    a, b, o = np.ones((3, 4)), np.ones((4, 5)), np.ones((3, 6))
    with pytest.raises(ValueError) as theirs:
        np.matmul(a, b, out=o)
    info = ffi.new("ul_call_info *")
    arrs = (a, b, o)
    rc = lib.ul_gufunc_callv(
        lib.ul_gufunc_find(b"matmul"), 3,
        [ffi.cast("char *", x.ctypes.data) for x in arrs], [x.dtype.num for x in arrs],
        [x.ndim for x in arrs], [s for x in arrs for s in x.shape],
        [s for x in arrs for s in x.strides], info)
    assert rc == lib.UL_ESHAPE
    assert ffi.string(info.message).decode() == str(theirs.value)


def test_install_leaves_np_matmul_alone():
    from pypy_compat import numpy_backend as backend
    before = np.matmul
    was = backend.installed()
    replaced = backend.install()
    try:
        assert "matmul" not in replaced
        assert np.matmul is before and not backend.owns(np.matmul)
        assert np.core.umath.matmul is before
        assert "matmul" not in np.linalg.linalg._umath_linalg.__dict__
        a = np.arange(6.0).reshape(2, 3)
        assert np.array_equal(a @ a.T, np.matmul(a, a.T))
    finally:
        if not was:
            backend.uninstall()
    assert np.matmul is before


def test_backend_gufunc_is_the_librarys(np_matmul):
    from pypy_compat import numpy_backend as backend
    assert isinstance(np_matmul, np.ufunc) and backend.owns(np_matmul)
    assert np_matmul.signature == np.matmul.signature == SIG
    assert np_matmul.types == ["ff->f", "dd->d", "FF->F", "DD->D"]
    assert set(np_matmul.types) <= set(np.matmul.types)
