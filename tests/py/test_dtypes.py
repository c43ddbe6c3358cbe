"""umath_linalg._dtypes, the one dtype table: every field agrees with the
library (UL_* constants, the table's type lists), cffi, struct, array and,
where numpy imports (CPython), with numpy's own dtypes and casting rules."""
import array
import struct

import pytest

import umath_linalg as ul
from umath_linalg import ffi, lib, _dtypes as dt
from pypy_compat import dtype as pdtype

try:
    import numpy as np
except ImportError:         # PyPy: numpy is found but cannot load
    np = None
needs_numpy = pytest.mark.skipif(np is None, reason="numpy not importable")

# a numpy type standing for each cast-only kind
CAST_ONLY = {dt.T_SMALLINT: ("int8", "uint8", "int16", "uint16"),
             dt.T_UINT32: ("uint32",), dt.T_UINT64: ("uint64",)}


def test_loop_types_are_the_library_constants():
    assert [d.num for d in dt.LOOP_TYPES] == [
        lib.UL_BOOL, lib.UL_INT32, lib.UL_INT64, lib.UL_FLOAT, lib.UL_DOUBLE,
        lib.UL_CFLOAT, lib.UL_CDOUBLE]
    # every type number in the C table is a loop type of ours
    for name in ul.gufuncs():
        for row in ul.gufunc(name)._rows:
            assert all(t in dt.BY_NUM and dt.BY_NUM[t].loop for t in row)


def test_sizes_and_codes_agree_with_cffi_struct_array():
    for d in dt.LOOP_TYPES:
        assert ffi.sizeof(d.cname) == d.itemsize
        for c in d.c_names:
            if c != "bool":
                assert ffi.sizeof(c) == d.itemsize, c
        if d.struct:
            assert struct.calcsize(d.struct) == d.itemsize
        if d.array_code:
            assert array.array(d.array_code).itemsize == d.itemsize
        assert d.real.kind in "bif" and (d.real is d) == (d.kind != "c")
        assert pdtype(d.name).num == d.num and pdtype(d.name).letter == d.letter
        for sp in d.spellings:
            assert pdtype(sp) is pdtype(d.name), sp
    for d in (dt.SMALLINT, dt.UINT32, dt.UINT64):
        assert not d.loop
        for c in d.c_names:
            assert dt.BY_CNAME[c] == d.num
            assert ffi.sizeof(c) in ((1, 2) if d is dt.SMALLINT
                                     else (d.itemsize,)), c


def test_safe_casts_include_self_and_only_widen():
    for d in dt.LOOP_TYPES:
        assert d.num in d.safe
    for d in dt.ALL:
        for t in d.safe:
            assert dt.BY_NUM[t].loop


@needs_numpy
def test_loop_types_agree_with_numpy():
    for d in dt.LOOP_TYPES:
        n = np.dtype(d.name)
        assert (n.num, n.char, n.kind, n.itemsize) == \
            (d.num, d.char, d.kind, d.itemsize)
        assert dt.BY_NUMPY_KIND[(n.kind, n.itemsize)] == d.num
        assert np.dtype(d.char) == n
    for num, ch in dt.TYPECHARS.items():
        assert np.dtype(ch).num == num, ch


@needs_numpy
def test_safe_casts_are_numpys():
    sources = [(d.num, d.name) for d in dt.LOOP_TYPES]
    for num, names in CAST_ONLY.items():
        sources += [(num, n) for n in names]
    for num, name in sources:
        assert dt.BY_NUMPY_KIND[(np.dtype(name).kind,
                                 np.dtype(name).itemsize)] == num
        for d in dt.LOOP_TYPES:
            assert (d.num in dt.SAFE[num]) == \
                np.can_cast(name, d.name, "safe"), (name, d.name)
