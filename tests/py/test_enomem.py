"""Allocation failure seen from Python (both interpreters): with the
library's allocator made to fail (ul_set_allocator), a loop that needs
memory makes the driver return UL_ENOMEM, which the gufunc objects raise
as MemoryError; the same calls succeed once the allocator is restored.
"""
import array

import cffi
import pytest

import umath_linalg as ul
from umath_linalg import ffi, lib
from pypy_compat import frompyfunc

libc_ffi = cffi.FFI()
libc_ffi.cdef("void free(void *);")
libc = libc_ffi.dlopen(None)
_free = ffi.cast("void (*)(void *)", int(libc_ffi.cast("uintptr_t", libc.free)))
_no_memory = ffi.callback("void *(size_t)", lambda n: ffi.NULL)


@pytest.fixture
def no_memory():
    assert lib.ul_set_allocator(_no_memory, _free) == lib.UL_OK
    try:
        yield
    finally:
        assert lib.ul_set_allocator(ffi.NULL, ffi.NULL) == lib.UL_OK


def _misaligned(values):
    """A C-contiguous float64 memoryview one byte past an aligned address:
    a run-time row copies it into aligned scratch before calling its C
    function (umath_linalg.h's alignment rule)."""
    raw = bytearray(8 * len(values) + 1)
    view = memoryview(raw)[1:].cast("d")
    for i, v in enumerate(values):
        view[i] = v
    return view


def test_builtin_loop_workspace(no_memory):
    # n = 40 runs on LAPACK with a heap workspace
    a = [[40.0 if i == j else 1.0 / (1 + i + j) for j in range(40)]
         for i in range(40)]
    with pytest.raises(MemoryError):
        ul.inv(a)
    with pytest.raises(MemoryError):
        ul.det(a)


def test_builtin_small_needs_nothing(no_memory):
    # the small kernels allocate nothing: they still run
    assert ul.inv([[2.0, 0.0], [0.0, 4.0]]) == [[0.5, 0.0], [0.0, 0.25]]


def test_runtime_row_scratch():
    cb = ffi.callback("double(double *, ptrdiff_t)",
                      lambda p, n: sum(p[i] for i in range(n)))
    g = frompyfunc(cb, 1, 1, signature="(n)->()", dtypes=[float, float])
    try:
        m = _misaligned([1.0, 2.0, 4.0, 8.0])
        assert g(m) == 15.0
        assert lib.ul_set_allocator(_no_memory, _free) == lib.UL_OK
        try:
            with pytest.raises(MemoryError):
                g(m)
        finally:
            assert lib.ul_set_allocator(ffi.NULL, ffi.NULL) == lib.UL_OK
        assert g(m) == 15.0
    finally:
        g.release()
