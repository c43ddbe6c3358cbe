"""pypy_compat.frompyfunc (PyPy's extended API) on both interpreters.

Python functions (run through cffi callbacks), cffi callbacks and libm
functions loaded through cffi (run in C through libffi or a direct call),
element-wise and with core signatures, both styles, every operand kind,
broadcasting, out=, errors, release, and numpy's ufunc from the same row
where numpy imports (CPython).
"""
import array
import gc
import math
import mmap
import platform
import subprocess
import sys
import threading

import pytest

import cffi
import umath_linalg as ul
from umath_linalg import ffi, lib
from pypy_compat import frompyfunc, dtype

try:
    import numpy as np
except ImportError:         # PyPy: numpy is found but cannot load
    np = None

# every element-wise C function is called directly there (ul_ffi_regcall.c)
REGCALL = platform.machine() == "x86_64"
needs_numpy = pytest.mark.skipif(np is None, reason="numpy not importable")

libm_ffi = cffi.FFI()
libm_ffi.cdef("""
    double hypot(double, double);
    float hypotf(float, float);
    double _Complex cexp(double _Complex);
    double frexp(double, int *);
""")
libm = libm_ffi.dlopen("libm.so.6")


def times2(in_array, out_array):
    in_flat = in_array.flat
    out_flat = out_array.flat
    for i in range(in_array.size):
        out_flat[i] = in_flat[i] * 2


@pytest.fixture
def announcement():
    """The example of PyPy's announcement, as written there."""
    ufunc = frompyfunc([times2, times2], 1, 1, signature='(i)->(i)',
                       dtypes=[dtype(int), dtype(int), dtype(float),
                               dtype(float)],
                       stack_inputs=True)
    yield ufunc
    ufunc.release()


# ------------------------------------------------------------- dtype
def test_dtype():
    assert dtype(int) == dtype("int64") == dtype("l") == "int64"
    assert dtype(float).name == "float64" and dtype(float).char == "d"
    assert dtype(complex).itemsize == 16 and dtype("F").num == 14
    assert dtype(bool).num == 0 and dtype("int32").itemsize == 4
    assert dtype(dtype(float)) is dtype(float)
    assert dtype(float) != dtype(int) and dtype(float) != "int64"
    assert len(set([dtype(float), dtype("d"), dtype("float64")])) == 1
    with pytest.raises(TypeError):
        dtype("float16")
    with pytest.raises(TypeError):
        dtype(object)


@needs_numpy
def test_dtype_from_numpy():
    assert dtype(np.float32) == dtype("f")
    assert dtype(np.dtype("complex64")) == dtype("F")
    assert dtype(np.int32) == dtype("i")


# ------------------------------------------------ the announcement example
def test_announcement_lists(announcement):
    u = announcement
    assert u.signature == "(i)->(i)" and u.nin == 1 and u.nout == 1
    assert u.types == ["l->l", "d->d"]
    assert u([1, 2, 3]) == [2, 4, 6]
    assert u([[1.5, 2.0], [3.0, -4.0]]) == [[3.0, 4.0], [6.0, -8.0]]
    assert u([]) == []
    # the registered C row reaches the same function through cffi callbacks
    c = ul.gufunc(u.name)
    assert c([1, 2, 3]) == [2, 4, 6]
    assert c([[1.5, 2.0], [3.0, -4.0]]) == [[3.0, 4.0], [6.0, -8.0]]


def test_announcement_buffers_and_cffi(announcement):
    u = announcement
    a = ffi.new("double[2][3]", [[1, 2, 3], [4, 5, 6]])
    r = u(a)
    assert ffi.typeof(r) is ffi.typeof(a)
    assert [list(row) for row in r] == [[2, 4, 6], [8, 10, 12]]
    q = ffi.new("int64_t[4]", [1, -2, 3, 1 << 40])
    assert list(u(q)) == [2, -4, 6, 1 << 41]
    mv = memoryview(array.array("d", [0.5, 1.5]))
    assert u(mv).tolist() == [1.0, 3.0]
    o = ffi.new("double[2][3]")
    assert u(a, out=o) is o and list(o[1]) == [8, 10, 12]


@needs_numpy
def test_announcement_numpy(announcement):
    u = announcement
    a = np.arange(12.0).reshape(3, 4)[:, ::2]       # non-contiguous
    r = u(a)
    assert isinstance(r, np.ndarray)
    assert np.array_equal(r, 2 * a)
    i = np.arange(5)
    assert r.dtype == np.float64 and np.array_equal(u(i), 2 * i)
    assert u(i).dtype == np.int64


# --------------------------------------------- Python functions, element-wise
def test_python_scalar_broadcast():
    g = frompyfunc(lambda a, b: a * 10 + b, 2, 1, name="py_axpb")
    try:
        assert g.signature == "(),()->()" and g.types == ["dd->d"]
        assert g([[1], [2]], [1, 2, 3]) == [[11, 12, 13], [21, 22, 23]]
        assert g(1.5, 2) == 17.0
        o = ffi.new("double[3]")
        a = ffi.new("double[3]", [1, 2, 3])
        assert g(a, 0.5, out=o) is o and list(o) == [10.5, 20.5, 30.5]
        assert ul.gufunc(g.name)([1], [2]) == [12]
    finally:
        g.release()
    with pytest.raises(KeyError):
        ul.gufunc("py_axpb")            # no stale object over the freed row


def test_python_stack_inputs_scalar():
    def f(a, b, out):
        out[()] = a - b

    g = frompyfunc(f, 2, 1, dtypes=[int, int, int], stack_inputs=True)
    try:
        assert g.types == ["ll->l"]
        assert g([5, 7], [1, 10]) == [4, -3]
        assert ul.gufunc(g.name)([5, 7], [1, 10]) == [4, -3]
    finally:
        g.release()


def test_python_two_outputs_and_complex():
    g = frompyfunc(lambda z: (z.real, z.imag), 1, 2,
                   dtypes=["D", "d", "d"])
    try:
        assert g([1 + 2j, -3j]) == ([1.0, -0.0], [2.0, -3.0])
        assert ul.gufunc(g.name)([1 + 2j]) == ([1.0], [2.0])
    finally:
        g.release()
    c = frompyfunc(lambda z: z * 1j, 1, 1, dtypes=[complex, complex])
    try:
        assert c([1, 2j]) == [1j, -2]
    finally:
        c.release()


def test_match_dtypes():
    g = frompyfunc(lambda x: x + x, 1, 1, dtypes=["match"])
    try:
        assert len(g.types) == 7
        assert g([1, 2]) == [2, 4]
        assert g([0.25]) == [0.5]
        assert g([1j]) == [2j]
        assert g(ffi.new("float[2]", [1.5, 2])) is not None
        r = g(ffi.new("int32_t[2]", [3, -4]))
        assert ffi.typeof(r) is ffi.typeof("int32_t[2]") and list(r) == [6, -8]
    finally:
        g.release()


def test_python_exception_is_raised():
    def bad(x):
        if x > 1:
            raise KeyError("too big")
        return x

    g = frompyfunc(bad, 1, 1)
    try:
        with pytest.raises(KeyError):
            g([0.0, 2.0, 1.0])
        assert g([0.5]) == [0.5]        # the error does not stick
    finally:
        g.release()


# ----------------------------------------------- Python functions, gufuncs
def test_python_core_return_style():
    def total(a):
        s = 0.0
        for i in range(a.size):
            s += a.flat[i]
        return s

    g = frompyfunc(total, 1, 1, signature="(m,n)->()")
    try:
        assert g([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]) == [10.0, 26.0]
    finally:
        g.release()


def test_python_core_matmul():
    def matmul(a, b, c):
        m, n = a.shape
        p = b.shape[1]
        for i in range(m):
            for j in range(p):
                c[i, j] = sum(a[i, k] * b[k, j] for k in range(n))
        assert len(a) == m and a[0].shape == (n,)

    g = frompyfunc(matmul, 2, 1, signature="(m,n),(n,p)->(m,p)",
                   stack_inputs=True)
    try:
        a = [[[1, 2], [3, 4]], [[0, 1], [1, 0]]]
        b = [[1, 0, 2], [0, 1, 3]]
        assert g(a, b) == [[[1, 2, 8], [3, 4, 18]], [[0, 1, 3], [1, 0, 2]]]
    finally:
        g.release()


def test_python_core_returns_sequence():
    g = frompyfunc(lambda a: [a[1], a[0]], 1, 1, signature="(2)->(2)",
                   dtypes=[int, int])
    try:
        assert g([[1, 2], [3, 4]]) == [[2, 1], [4, 3]]
        with pytest.raises(ValueError):
            g([1, 2, 3])
    finally:
        g.release()


# ------------------------------------------------- C functions through cffi
def test_libm_hypot():
    g = frompyfunc(libm.hypot, 2, 1, name="libm_hypot")
    try:
        assert g.types == ["dd->d"] and g.is_direct()
        a = [i * 0.5 - 3 for i in range(20)]
        b = [1.0 / (i + 1) for i in range(20)]
        assert g(a, b) == [libm.hypot(x, y) for x, y in zip(a, b)]
        assert all(abs(r - math.hypot(x, y)) <= 1e-15 * r
                   for r, x, y in zip(g(a, b), a, b))
        assert lib.ul_gufunc_find(b"libm_hypot") != ffi.NULL
    finally:
        g.release()
    assert lib.ul_gufunc_find(b"libm_hypot") == ffi.NULL


def test_libm_two_rows_and_complex():
    g = frompyfunc([libm.hypot, libm.hypotf], 2, 1)
    try:
        assert g.types == ["dd->d", "ff->f"]
        r = g(ffi.new("float[2]", [3, 5]), ffi.new("float[2]", [4, 12]))
        assert ffi.typeof(r) is ffi.typeof("float[2]")
        assert list(r) == [5.0, 13.0]
        assert g.is_direct(0) and g.is_direct(1)
    finally:
        g.release()
    e = frompyfunc(libm.cexp, 1, 1)
    try:
        assert e.types == ["D->D"] and e.is_direct() == REGCALL
        r = e([0, 1j * math.pi / 2])
        assert r[0] == 1 and abs(r[1] - 1j) < 1e-15
    finally:
        e.release()


def test_cffi_pointer_outputs():
    # double frexp(double, int *) is not the stack_inputs convention (it
    # returns a value too); a callback of the right shape is
    cb = ffi.callback("void(double, double *, int32_t *)",
                      lambda x, m, e: _frexp_into(x, m, e))
    g = frompyfunc(cb, 1, 2, stack_inputs=True)
    try:
        assert g.types == ["d->di"]
        assert g([8.0, 0.75]) == ([0.5, 0.75], [4, 0])
    finally:
        g.release()


def _frexp_into(x, m, e):
    m[0], e[0] = math.frexp(x)


def test_cffi_callback_as_function():
    cb = ffi.callback("double(double, double)", lambda a, b: a * b + 1)
    g = frompyfunc(cb, 2, 1)
    try:
        assert g.is_direct()
        assert g([1, 2, 3], [[1], [2]]) == [[2, 3, 4], [3, 5, 7]]
    finally:
        g.release()
    icb = ffi.callback("int64_t(int32_t, _Bool)", lambda k, f: -k if f else k)
    h = frompyfunc(icb, 2, 1)
    try:
        assert h.types == ["i?->l"] and h.is_direct() == REGCALL
        x = ffi.new("int32_t[3]", [1, 2, 3])
        f = ffi.new("_Bool[3]", [True, False, True])
        assert list(h(x, f)) == [-1, 2, -3]
    finally:
        h.release()


def test_cffi_function_with_signature():
    def dot(pa, pb, n):
        return sum(pa[i] * pb[i] for i in range(n))
    cb = ffi.callback("double(double *, double *, ptrdiff_t)", dot)
    g = frompyfunc(cb, 2, 1, signature="(n),(n)->()",
                   dtypes=[float, float, float])
    try:
        assert g([[1, 2, 3], [4, 5, 6]], [1, 10, 100]) == [321.0, 654.0]
    finally:
        g.release()


# --------------------------------------------------------------- errors
def test_errors():
    with pytest.raises(TypeError):
        frompyfunc(42.0, 1, 1)
    with pytest.raises(ValueError):
        frompyfunc(abs, 0, 1)
    with pytest.raises(ValueError):
        frompyfunc(abs, 1, 1, dtypes=[float])
    with pytest.raises(TypeError):
        frompyfunc(abs, 1, 1, dtypes=[float, "float16"])
    with pytest.raises(ValueError):
        frompyfunc(abs, 1, 1, signature="(n)->(n")
    with pytest.raises(ValueError):
        frompyfunc(abs, 1, 1, signature="(n),(n)->()")
    with pytest.raises(TypeError):
        frompyfunc(libm.hypot, 1, 1)        # arity mismatch
    with pytest.raises(TypeError):
        frompyfunc(libm.frexp, 1, 1)        # int * is not a value type
    g = frompyfunc(lambda x: x, 1, 1, name="ident")
    try:
        with pytest.raises(TypeError):
            g([1, 2], [3])
        with pytest.raises(ValueError):
            g([1.0, 2.0], out=ffi.new("double[3]"))
    finally:
        g.release()
    with pytest.raises(ValueError):
        g([1.0])
    g.release()                             # twice is harmless


# Addresses that cannot be C functions (issue 10, defect 5): rejected with
# ValueError before any row is registered or anything called.
PAGE = mmap.PAGESIZE
BAD_ADDRESSES = [0, 3, PAGE - 1, -1, -PAGE, 2 ** 64, 2 ** 64 + 3, 2 ** 70]


def _bad_pointers():
    yield ffi.NULL
    yield ffi.cast("double(*)(double)", 0)
    yield ffi.cast("void(*)(double, double *)", 3)
    yield libm_ffi.cast("double(*)(double)", PAGE - 1)   # another FFI's
    yield ffi.cast("void *", PAGE - 8)


@pytest.mark.parametrize("addr", BAD_ADDRESSES)
@pytest.mark.parametrize("style", ["return", "stack", "signature"])
def test_bad_int_address_rejected(addr, style):
    before = lib.ul_gufunc_count()
    kw = {"return": dict(dtypes=[float, float]),
          "stack": dict(dtypes=[float, float], stack_inputs=True),
          "signature": dict(signature="(i)->(i)", dtypes=[complex, complex],
                            stack_inputs=True)}[style]
    with pytest.raises(ValueError, match="not a C function$"):
        frompyfunc(addr, 1, 1, name="bad_fn", **kw)
    assert lib.ul_gufunc_count() == before
    assert lib.ul_gufunc_find(b"bad_fn") == ffi.NULL


def test_bad_cffi_pointer_rejected():
    before = lib.ul_gufunc_count()
    for p in _bad_pointers():
        with pytest.raises(ValueError, match="not a C function$"):
            frompyfunc(p, 1, 1, dtypes=[float, float], stack_inputs=True,
                       name="bad_fn")
        assert lib.ul_gufunc_count() == before
        assert lib.ul_gufunc_find(b"bad_fn") == ffi.NULL
    # one bad function among good ones: nothing registered either
    with pytest.raises(ValueError, match="function 1: .* not a C function$"):
        frompyfunc([libm.hypot, 3], 2, 1, dtypes=["d"] * 6, name="bad_fn")
    assert lib.ul_gufunc_count() == before
    # cffi data is not code: an array's address would be called
    with pytest.raises(TypeError, match="array, not a C function pointer"):
        frompyfunc(ffi.new("double[4]"), 1, 1, dtypes=[float, float],
                   name="bad_fn")
    assert lib.ul_gufunc_count() == before


def test_good_address_still_accepted():
    # the lowest valid address is the page size, and an int of a real
    # function works as before
    addr = int(ffi.cast("uintptr_t", libm_ffi.cast("void *", libm.hypot)))
    g = frompyfunc(addr, 2, 1, dtypes=[float, float, float])
    try:
        assert g([3.0], [4.0]) == [5.0]
    finally:
        g.release()


def test_issue10_reproducer_does_not_crash():
    # The issue's exact call, in a child: on the unfixed code it called
    # address 3 and the interpreter died with SIGSEGV.
    code = ("import pypy_compat\n"
            "try:\n"
            "    pypy_compat.frompyfunc(3, 1, 1, signature='(i)->(i)', "
            "dtypes=[complex, complex], stack_inputs=True)([1j])\n"
            "except ValueError as e:\n"
            "    print('ValueError:', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, (r.returncode, r.stderr)
    assert r.stdout.startswith("ValueError:") and \
        "address 0x3 is below the page size" in r.stdout, r.stdout


def test_names_are_unique_and_freed():
    a = frompyfunc(lambda x: x, 1, 1, name="same")
    b = frompyfunc(lambda x: -x, 1, 1, name="same")
    try:
        assert a.name == "same" and b.name != "same"
        assert a([1.0]) == [1.0] and b([1.0]) == [-1.0]
    finally:
        a.release()
        b.release()
    c = frompyfunc(lambda x: x, 1, 1, name="gc_me")
    del c
    gc.collect()
    assert lib.ul_gufunc_find(b"gc_me") == ffi.NULL


@pytest.mark.skipif(platform.python_implementation() != "CPython",
                    reason="needs reference counting")
def test_released_with_its_last_reference():
    # No reference cycle through the object's fast path: the row goes when
    # the last reference does, without waiting for the cycle collector.
    gc.disable()
    try:
        for f in (libm.hypot, lambda x, y: x + y):
            c = frompyfunc(f, 2, 1, name="refcount_me")
            for _ in range(3):          # plans cached on the object
                c([3.0], [4.0])
                c(ffi.new("double[1]", [3.0]), ffi.new("double[1]", [4.0]))
            del c
            assert lib.ul_gufunc_find(b"refcount_me") == ffi.NULL
    finally:
        gc.enable()


def test_threads():
    g = frompyfunc(libm.hypot, 2, 1)
    errors = []

    def run():
        try:
            for _ in range(50):
                assert g([3.0] * 10, [4.0] * 10) == [5.0] * 10
        except Exception as e:          # pragma: no cover
            errors.append(e)
    ts = [threading.Thread(target=run) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    g.release()
    assert not errors


# ------------------------------------------------------------ with numpy
@needs_numpy
def test_numpy_arrays_and_ufunc():
    g = frompyfunc(libm.hypot, 2, 1, name="np_hypot")
    try:
        a = np.linspace(-5, 5, 101)
        b = np.linspace(0, 3, 101)[::-1]
        assert np.array_equal(g(a, b), np.hypot(a, b))
        o = np.empty(101)
        assert g(a, b, out=o) is o and np.array_equal(o, np.hypot(a, b))
    finally:
        g.release()


@needs_numpy
def test_python_loop_on_strided_numpy():
    def matmul(a, b, c):
        for i in range(a.shape[0]):
            for j in range(b.shape[1]):
                c[i, j] = sum(a[i, k] * b[k, j] for k in range(a.shape[1]))
    g = frompyfunc(matmul, 2, 1, signature="(m,n),(n,p)->(m,p)",
                   stack_inputs=True)
    try:
        rng = np.random.default_rng(1)
        a = rng.standard_normal((4, 3, 2)).transpose(0, 2, 1)  # (4,2,3)
        b = rng.standard_normal((3, 5))[:, ::-1]
        o = np.zeros((4, 5, 2)).transpose(0, 2, 1)             # (4,2,5)
        assert g(a, b, out=o) is o
        assert np.allclose(o, a @ b, rtol=1e-14, atol=0)
        assert np.allclose(g(a, b), a @ b, rtol=1e-14, atol=0)
    finally:
        g.release()
    h = frompyfunc(lambda x, y: x * y, 2, 1, dtypes=["f", "f", "f"])
    try:
        x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)[:, ::-1, ::2]
        y = np.float32([2, 3])
        assert np.array_equal(h(x, y), x * y)
    finally:
        h.release()


@needs_numpy
def test_numpy_ufunc_from_row():
    # Rows with core dimensions become real numpy gufuncs; element-wise rows
    # ("(),()->()", which numpy keeps as signature None) plain ufuncs.
    cb = ffi.callback("double(double *, double *, ptrdiff_t)",
                      lambda pa, pb, n: sum(pa[i] * pb[i] for i in range(n)))
    g = frompyfunc(cb, 2, 1, signature="(n),(n)->()", name="np_dot",
                   dtypes=[float, float, float])
    p = frompyfunc(lambda a: [a[1], a[0]], 1, 1, signature="(2)->(2)",
                   name="np_swap")
    cffi_m = cffi.FFI()
    cffi_m.cdef("double hypot(double, double);")
    e = frompyfunc(cffi_m.dlopen("libm.so.6").hypot, 2, 1, name="np_hypot")
    try:
        uf = g.to_numpy()
        assert isinstance(uf, np.ufunc) and uf.signature == "(n),(n)->()"
        a = np.arange(12.0).reshape(4, 3)
        assert np.array_equal(uf(a, a[::-1]), (a * a[::-1]).sum(axis=1))
        us = p.to_numpy()
        x = np.arange(6.0).reshape(3, 2)
        assert np.array_equal(us(x), x[:, ::-1])
        hyp = e.to_numpy()
        assert hyp.signature is None and hyp.types == ["dd->d"]
        x = np.arange(8.0).reshape(2, 4)
        assert np.array_equal(hyp(x, x[:, :1]), np.hypot(x, x[:, :1]))
    finally:
        g.release()
        p.release()
        e.release()
