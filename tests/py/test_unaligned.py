"""Unaligned operands from Python (issue 10, defect 2): memoryviews one to
seven bytes past an aligned address on both interpreters, and numpy arrays
made with np.frombuffer(..., offset=k) on CPython, give the results of the
aligned call bit for bit, through umath_linalg and through the numpy
backend's gufuncs."""
import array
import struct

import pytest

import umath_linalg as ul

try:
    import numpy as np
except ImportError:         # PyPy: numpy is found but cannot load
    np = None
needs_numpy = pytest.mark.skipif(np is None, reason="numpy not importable")


def _matrix(n, seed):
    """A well-conditioned n x n float64 matrix as nested lists."""
    x = seed
    rows = []
    for i in range(n):
        row = []
        for j in range(n):
            x = (x * 1103515245 + 12345) % 2 ** 31
            row.append(x / 2 ** 31 - 0.5 + (n if i == j else 0))
        rows.append(row)
    return rows


def _view_at(offset, rows):
    """C-ordered float64 memoryview of `rows`, offset bytes into a buffer."""
    flat = [v for r in rows for v in r]
    raw = bytearray(8 * len(flat) + offset)
    struct.pack_into("<%dd" % len(flat), raw, offset, *flat)
    return memoryview(raw)[offset:].cast("d", (len(rows), len(rows[0])))


def _bits(x):
    """The float64 results as exact bit patterns, whatever their kind."""
    if isinstance(x, (list, tuple)):
        return [_bits(v) for v in x]
    if isinstance(x, memoryview):
        return _bits(x.tolist())
    if np is not None and isinstance(x, np.ndarray):
        return x.tobytes()
    return struct.pack("<d", x)


@pytest.mark.parametrize("n", [3, 4, 10, 20])
@pytest.mark.parametrize("offset", [1, 4, 7])
def test_memoryview_at_offset(n, offset):
    a = _matrix(n, 7 * n)
    b = _matrix(n, 11 * n)
    ref_inv = _bits(ul.inv(_view_at(0, a)))
    assert _bits(ul.inv(_view_at(offset, a))) == ref_inv
    assert (_bits(ul.solve(_view_at(offset, a), _view_at(offset, b))) ==
            _bits(ul.solve(_view_at(0, a), _view_at(0, b))))
    assert _bits(ul.det(_view_at(offset, a))) == _bits(ul.det(_view_at(0, a)))
    assert (_bits(list(ul.slogdet(_view_at(offset, a)))) ==
            _bits(list(ul.slogdet(_view_at(0, a)))))


@needs_numpy
@pytest.mark.parametrize("offset", [1, 4, 7])
@pytest.mark.parametrize("dtype", ["f4", "f8", "c8", "c16"])
def test_numpy_frombuffer_offset(offset, dtype):
    rng = np.random.default_rng(offset)
    a = rng.standard_normal((6, 5, 5)) + 5 * np.eye(5)
    if dtype.startswith("c"):
        a = a + 1j * rng.standard_normal((6, 5, 5))
    a = a.astype(dtype)
    raw = bytearray(a.nbytes + offset)
    u = np.frombuffer(raw, dtype=dtype, offset=offset, count=a.size).reshape(a.shape)
    u[...] = a
    assert u.flags.aligned == (offset % np.dtype(dtype).alignment == 0)
    assert ul.inv(u).tobytes() == ul.inv(a).tobytes()
    assert ul.det(u).tobytes() == ul.det(a).tobytes()
    from pypy_compat import numpy_backend
    g = numpy_backend.gufuncs()["inv"]
    assert g(u).tobytes() == g(a).tobytes()
