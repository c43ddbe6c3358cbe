"""Tests of pypy_compat.numpy_backend (issue 3): real numpy gufuncs from the table.

CPython with numpy only; under pypy3 (no numpy) the whole module is skipped.
"""
import importlib
import sys
import threading
import types

import pytest

np = pytest.importorskip("numpy")
if sys.implementation.name != "cpython":  # pragma: no cover
    pytest.skip("numpy backend needs CPython", allow_module_level=True)

backend = importlib.import_module("pypy_compat.numpy_backend")

NAMES = ("inv", "solve", "solve1", "det", "slogdet")
NUMPY_UL = importlib.import_module("numpy.linalg._umath_linalg")  # numpy's own loops
LINALG_PY = importlib.import_module(
    "numpy.linalg.linalg" if np.__version__.startswith("1.") else "numpy.linalg._linalg")
DTYPES = (np.float32, np.float64, np.complex64, np.complex128)


@pytest.fixture
def installed():
    backend.install()
    yield backend.gufuncs()
    backend.uninstall()


@pytest.fixture(scope="module")
def ours():
    return backend.gufuncs()


def rand(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def well_conditioned(shape, dtype, seed):
    n = shape[-1]
    a = rand(shape, dtype, seed) / np.sqrt(n)
    return (a + 2 * np.eye(n, dtype=dtype)).astype(dtype)


def tol(dtype):
    return dict(rtol=2e-4, atol=2e-4) if dtype in (np.float32, np.complex64) \
        else dict(rtol=1e-10, atol=1e-10)


# ---------------------------------------------------------------- objects --

def test_gufuncs_are_numpy_ufuncs_with_numpys_names(ours):
    for name in NAMES:
        uf = ours[name]
        theirs = getattr(NUMPY_UL, name)
        assert type(uf) is np.ufunc
        assert uf.__name__ == name
        assert uf.signature == theirs.signature
        assert (uf.nin, uf.nout, uf.ntypes) == (theirs.nin, theirs.nout, theirs.ntypes)
        assert uf.types == theirs.types
        assert uf is not theirs
        assert backend.owns(uf)
        assert not backend.owns(theirs)
    assert ours["inv"].signature == "(m, m)->(m, m)"
    assert backend.gufuncs()["inv"] is ours["inv"]  # built once, cached


def test_every_row_numpy_has_matches_it(ours):
    """Every gufunc numpy's _umath_linalg has: same signature, types and
    doc text (help() on an installed numpy.linalg gufunc reads the same)."""
    shared = [n for n in ours if isinstance(getattr(NUMPY_UL, n, None), np.ufunc)]
    assert len(shared) == 24, shared
    for name in shared:
        mine, theirs = ours[name], getattr(NUMPY_UL, name)
        assert (mine.signature, mine.types) == (theirs.signature, theirs.types), name
        assert mine.__doc__ == theirs.__doc__, name


def test_gufuncs_reflect_table(ours):
    lib = backend._library()
    names = [backend._cstr(lib.ul_gufunc_at(i).contents.name)
             for i in range(lib.ul_gufunc_count())]
    assert sorted(set(names)) == sorted(ours)
    for name in names:
        assert lib.ul_gufunc_find(name.encode())


def test_owns_rejects_non_ufuncs():
    assert not backend.owns(len)
    assert not backend.owns(np.add)


# -------------------------------------------------------- install/remove --

def _numpy_snapshot():
    return dict(
        linalg_ul=LINALG_PY._umath_linalg,
        package_ul=np.linalg._umath_linalg,
        sys_ul=sys.modules["numpy.linalg._umath_linalg"],
        funcs={k: getattr(np.linalg, k) for k in ("inv", "solve", "det", "slogdet", "eig")},
        ul_dict=dict(vars(NUMPY_UL)),
    )


def test_install_uninstall_round_trip():
    before = _numpy_snapshot()
    assert not backend.installed()
    replaced = backend.install()
    try:
        assert set(NAMES) <= set(replaced)
        assert backend.install() == replaced  # idempotent
        assert backend.installed()
        proxy = LINALG_PY._umath_linalg
        ours = backend.gufuncs()
        for name in replaced:
            assert getattr(proxy, name) is ours[name]
        # names the table lacks stay numpy's
        for name in ("eig", "svd_n_s", "cholesky_lo"):
            if name not in replaced:
                assert getattr(proxy, name) is getattr(NUMPY_UL, name)
        assert np.linalg._umath_linalg is NUMPY_UL  # package attribute untouched
        assert np.allclose(np.linalg.inv(np.eye(3) * 2), np.eye(3) / 2)
    finally:
        backend.uninstall()
    backend.uninstall()  # idempotent
    assert not backend.installed()
    after = _numpy_snapshot()
    assert after["linalg_ul"] is before["linalg_ul"] is NUMPY_UL
    assert after["package_ul"] is before["package_ul"]
    assert after["sys_ul"] is before["sys_ul"]
    assert after["funcs"] == before["funcs"]
    assert after["ul_dict"] == before["ul_dict"]
    # installs again after an uninstall
    backend.install()
    backend.uninstall()
    assert LINALG_PY._umath_linalg is NUMPY_UL


def test_install_refuses_unknown_numpy_version(monkeypatch):
    monkeypatch.setattr(backend, "_numpy", None)
    monkeypatch.setattr(np, "__version__", "3.0.0")
    with pytest.raises(backend.BackendError, match="not supported"):
        backend.install()
    assert not backend.installed()
    assert LINALG_PY._umath_linalg is NUMPY_UL


def test_install_refuses_mismatching_numpy_module(monkeypatch):
    fake = types.ModuleType("numpy.linalg._umath_linalg")
    fake.__dict__.update(vars(NUMPY_UL))
    fake.inv = NUMPY_UL.det  # a gufunc with another signature under numpy's name
    monkeypatch.setattr(LINALG_PY, "_umath_linalg", fake)
    with pytest.raises(backend.BackendError, match="inv.signature"):
        backend.install()
    assert not backend.installed()
    assert LINALG_PY._umath_linalg is fake  # nothing installed


# ------------------------------------------------------------- semantics --

def test_singular_matrix_inside_stack_raises(installed):
    a = np.zeros((2, 4, 2, 2))
    a[...] = np.eye(2) * 3
    a[1, 2] = [[1.0, 2.0], [2.0, 4.0]]
    strided = np.empty((2, 4, 2, 2, 3))[..., 0]
    strided[...] = a
    for x in (a, strided, a[:, ::-1]):
        with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
            np.linalg.inv(x)
        with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
            np.linalg.solve(x, np.ones((2, 4, 2)))
        with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
            np.linalg.solve(x, np.ones((2, 4, 2, 3)))
    assert np.linalg.det(a)[1, 2] == 0.0
    sign, logdet = np.linalg.slogdet(a)
    assert sign[1, 2] == 0.0 and logdet[1, 2] == -np.inf
    # the raw gufunc: NaN for that matrix, the others computed
    with np.errstate(invalid="ignore"):
        r = installed["inv"](a)
    assert np.isnan(r[1, 2]).all()
    mask = np.ones((2, 4), bool)
    mask[1, 2] = False
    assert np.allclose(r[mask], np.eye(2) / 3)
    with np.errstate(invalid="raise"), pytest.raises(FloatingPointError):
        installed["inv"](a)


def test_linalg_error_paths_match_numpy(installed):
    assert np.linalg.det([[0.0]]) == 0.0
    assert np.linalg.slogdet([[0j]]) == (0j, -np.inf)
    assert np.linalg.det(np.zeros((0, 0))) == 1.0
    assert np.linalg.inv(np.zeros((3, 0, 0))).shape == (3, 0, 0)
    assert np.linalg.inv(np.eye(2, dtype=np.float32)).dtype == np.float32
    with np.errstate(invalid="ignore"):
        assert np.isnan(np.linalg.inv([[np.nan, 0.0], [0.0, 1.0]])).all()


def _fp_warnings(fn, *args):
    import warnings
    with warnings.catch_warnings(record=True) as rec, np.errstate(all="warn"):
        warnings.simplefilter("always")
        fn(*args)
    return sorted(set(str(w.message) for w in rec))


@pytest.mark.parametrize("dtype", DTYPES)
def test_fp_flags_match_numpys_loops(ours, dtype):
    """The FP flags a loop leaves (numpy turns them into warnings) are
    numpy's: singular -> only 'invalid' for inv/solve, nothing for det/slogdet."""
    singular = [np.array([[1.0, 2.0], [2.0, 4.0]]), np.zeros((3, 3)), np.zeros((20, 20)),
                np.array([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]]]),
                # a stack as wide as the SIMD lanes: the batched kernels too
                np.array([np.zeros((4, 4)), np.eye(4), np.ones((4, 4)), 2 * np.eye(4)] * 5)]
    for a in singular:
        a = a.astype(dtype)
        b = np.ones(a.shape[:-1], dtype)
        for name, args in (("inv", (a,)), ("det", (a,)), ("slogdet", (a,)),
                           ("solve1", (a, b)), ("solve", (a, b[..., None]))):
            assert _fp_warnings(ours[name], *args) == \
                _fp_warnings(getattr(NUMPY_UL, name), *args), (name, a.shape)


@pytest.mark.parametrize("dtype", DTYPES)
def test_fp_flags_nan_and_overflow_match_numpys_loops(ours, dtype):
    """NaN input: NaN out, numpy's warnings (no LinAlgError); det overflow: inf."""
    huge = 1e30 if dtype in (np.float32, np.complex64) else 1e300
    for n in (1, 2, 3, 5, 17):
        nan = np.eye(n, dtype=dtype)
        nan[0, 0] = np.nan
        big = (np.eye(n) * huge).astype(dtype)
        b = np.ones(n, dtype)
        for name, args in (("inv", (nan,)), ("det", (nan,)), ("slogdet", (nan,)),
                           ("solve1", (nan, b)), ("det", (big,)), ("slogdet", (big,))):
            assert _fp_warnings(ours[name], *args) == \
                _fp_warnings(getattr(NUMPY_UL, name), *args), (name, n)


@pytest.mark.parametrize("dtype", DTYPES)
def test_agrees_with_numpys_loops(ours, dtype):
    shapes = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (7, 7), (16, 16), (17, 17), (33, 33)]
    for i, (m, _) in enumerate(shapes):
        a = well_conditioned((6, m, m), dtype, i)
        b = rand((6, m, 3), dtype, 100 + i)
        b1 = rand((6, m), dtype, 200 + i)
        t = tol(dtype)
        np.testing.assert_allclose(ours["inv"](a), NUMPY_UL.inv(a), **t)
        np.testing.assert_allclose(ours["solve"](a, b), NUMPY_UL.solve(a, b), **t)
        np.testing.assert_allclose(ours["solve1"](a, b1), NUMPY_UL.solve1(a, b1), **t)
        np.testing.assert_allclose(ours["det"](a), NUMPY_UL.det(a), **t)
        s1, l1 = ours["slogdet"](a)
        s2, l2 = NUMPY_UL.slogdet(a)
        np.testing.assert_allclose(s1, s2, **t)
        np.testing.assert_allclose(l1, l2, **t)
        assert ours["inv"](a).dtype == dtype
        assert s1.dtype == dtype and l1.dtype == np.dtype(dtype).type(0).real.dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_strided_negative_and_broadcast_views(ours, dtype):
    t = tol(dtype)
    base = well_conditioned((5, 6, 6), dtype, 7)
    big = np.zeros((5, 12, 18), dtype)
    big[:, ::2, ::3] = base
    views = [
        base[::-1],                      # negative outer stride
        base[:, ::-1, :],                # negative row stride
        base[:, :, ::-1],                # negative column stride
        big[:, ::2, ::3],                # strided
        big[::-1, 10::-2, 15::-3],       # negative everywhere
        base.transpose(0, 2, 1),         # Fortran-ordered matrices
        np.broadcast_to(base[0], (4, 6, 6)),  # zero outer stride
    ]
    for v in views:
        np.testing.assert_allclose(ours["inv"](v), NUMPY_UL.inv(v), **t)
        np.testing.assert_allclose(ours["det"](v), NUMPY_UL.det(v), **t)
        rhs = rand((v.shape[0], 6, 2), dtype, 3)[:, ::-1, :]
        np.testing.assert_allclose(ours["solve"](v, rhs), NUMPY_UL.solve(v, rhs), **t)
        rhs1 = np.broadcast_to(rand((6,), dtype, 4), (v.shape[0], 6))
        np.testing.assert_allclose(ours["solve1"](v, rhs1), NUMPY_UL.solve1(v, rhs1), **t)
    out = np.zeros((5, 12, 12), dtype)[:, ::-2, ::2]
    r = ours["inv"](base, out=out)
    assert r is out
    np.testing.assert_allclose(out, NUMPY_UL.inv(base), **t)
    # empty stacks and m = 0
    assert ours["inv"](np.zeros((0, 3, 3), dtype)).shape == (0, 3, 3)
    assert ours["det"](np.zeros((2, 0, 0), dtype)).tolist() == [1, 1]
    assert ours["solve"](base, np.zeros((5, 6, 0), dtype)).shape == (5, 6, 0)


def test_linalg_functions_agree_after_install(installed):
    for dtype in DTYPES:
        a = well_conditioned((50, 4, 4), dtype, 11)
        b = rand((50, 4), dtype, 12)
        t = tol(dtype)
        backend.uninstall()
        ref = (np.linalg.inv(a), np.linalg.solve(a, b), np.linalg.det(a), np.linalg.slogdet(a))
        backend.install()
        got = (np.linalg.inv(a), np.linalg.solve(a, b), np.linalg.det(a), np.linalg.slogdet(a))
        for x, y in zip(got[:3], ref[:3]):
            assert x.dtype == y.dtype
            np.testing.assert_allclose(x, y, **t)
        np.testing.assert_allclose(got[3][0], ref[3][0], **t)
        np.testing.assert_allclose(got[3][1], ref[3][1], **t)


# ---------------------------------------------------------------- threads --
# OpenBLAS-pthread (Debian's) degrades badly when several threads call it at
# once while it runs its own thread pool (numpy's own loops too: 8 threads x 5
# inv of (2000,5,5) took ~200 s against 0.1 s with one BLAS thread), so the
# threaded tests pin the BLAS pool to one thread at run time (threadpoolctl;
# no environment variable is changed).

@pytest.fixture
def one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def test_threads_call_gufuncs_concurrently(ours, one_blas_thread):
    stacks = [well_conditioned((2000, 5, 5), np.float64, 50 + k) for k in range(8)]
    expected = [NUMPY_UL.inv(s) for s in stacks]
    results = [None] * len(stacks)
    errors = []
    barrier = threading.Barrier(len(stacks))

    def work(k):
        try:
            barrier.wait()
            for _ in range(5):
                r = ours["inv"](stacks[k])
                d = ours["det"](stacks[k])
                s = ours["solve1"](stacks[k], stacks[k][:, 0, :])
            results[k] = (r, d, s)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(stacks))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for k, (r, d, s) in enumerate(results):
        np.testing.assert_allclose(r, expected[k], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(d, NUMPY_UL.det(stacks[k]), rtol=1e-10)
        np.testing.assert_allclose(s, NUMPY_UL.solve1(stacks[k], stacks[k][:, 0, :]),
                                   rtol=1e-10, atol=1e-12)


# The probe: a run-time row (ul_ffi_gufunc_new) over libc's read(2). A
# thread calls it on an empty pipe and blocks inside the loop; the main
# thread then runs Python code (it waits, through /proc, until the thread
# sits in the read syscall) and only then writes the byte that lets the loop
# return. A loop holding the GIL deadlocks this, so it runs in a child
# process with a generous timeout: no timing decides the result.
_GIL_PROBE = r"""
import ctypes, os, sys, threading, time
import numpy as np
sys.path.insert(0, sys.argv[1])
import pypy_compat.numpy_backend as backend
lib = backend._library()
libc = ctypes.CDLL(None)
fns = (ctypes.c_void_p * 1)(ctypes.cast(libc.read, ctypes.c_void_p).value)
row = ctypes.c_void_p()
# ssize_t read(int fd, void *buf, size_t n): types i q q -> q (x86-64 SysV)
rc = lib.ul_ffi_gufunc_new(b"gil_probe_read", 3, 1, 1, fns, b"iqqq", 0, None,
                           None, ctypes.byref(row), None, ctypes.c_size_t(0))
assert rc == 0, rc
probe = backend.gufuncs()["gil_probe_read"]
r, w = os.pipe()
buf = ctypes.create_string_buffer(1)
# numpy keeps the GIL for loops of under 500 elements: 1000 one-byte reads
N = 1000
got = []
th = threading.Thread(target=lambda: got.append(
    probe(np.full(N, r, np.int32), np.int64(ctypes.addressof(buf)), np.int64(1))))
th.start()
syscall = "/proc/self/task/%d/syscall"
while th.native_id is None:
    pass
while not open(syscall % th.native_id).read().startswith("0 "):  # read(2)
    time.sleep(0.001)
os.write(w, b"x" * N)
th.join()
assert got[0].tolist() == [1] * N and buf.raw == b"x", (got, buf.raw)
print("released")
"""


def test_loops_run_without_the_gil(ours):
    """While one thread is inside a gufunc loop, Python code in another
    thread runs (deterministic: see _GIL_PROBE)."""
    import os
    import subprocess
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        pytest.skip("the probe reads /proc and passes read(2)'s pointer as int64")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        res = subprocess.run([sys.executable, "-c", _GIL_PROBE, root],
                             capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("deadlock: the loop held the GIL while it ran")
    assert res.returncode == 0 and res.stdout.strip() == "released", res.stderr


# ------------------------------------------------------- registered rows --
_KEEP_ALIVE = []  # buffers of the row registered below: numpy keeps pointers to them


def test_gufuncs_reflect_rows_registered_at_run_time(ours):
    import ctypes
    lib = backend._library()
    lib.ul_gufunc_register.argtypes = [ctypes.POINTER(backend._Row)]
    lib.ul_gufunc_unregister.argtypes = [ctypes.POINTER(backend._Row)]
    loop = ctypes.cast(lib.ul_dinv_loop, ctypes.c_void_p).value
    funcs = (ctypes.c_void_p * 1)(loop)
    data = (ctypes.c_void_p * 1)()
    typ = ctypes.create_string_buffer(bytes([12, 12]), 2)
    name = ctypes.create_string_buffer(b"np_backend_test_inv")
    sig = ctypes.create_string_buffer(b"(m,m)->(m,m)")
    doc = ctypes.create_string_buffer(b"test row: inv on doubles")
    row = backend._Row(ctypes.addressof(name), 1, 1, ctypes.addressof(sig), 1,
                       ctypes.addressof(typ), ctypes.addressof(funcs),
                       ctypes.addressof(data), ctypes.addressof(doc))
    _KEEP_ALIVE.extend([funcs, data, typ, name, sig, doc, row])
    assert lib.ul_gufunc_register(ctypes.byref(row)) == 0
    try:
        g = backend.gufuncs()
        assert "np_backend_test_inv" in g
        uf = g["np_backend_test_inv"]
        assert type(uf) is np.ufunc and uf.types == ["d->d"]
        assert uf.signature == "(m,m)->(m,m)" and backend.owns(uf)
        a = well_conditioned((3, 4, 4), np.float64, 5)
        np.testing.assert_allclose(uf(a), NUMPY_UL.inv(a), rtol=1e-10, atol=1e-12)
        assert set(ours) <= set(g)
    finally:
        assert lib.ul_gufunc_unregister(ctypes.byref(row)) == 0
    assert "np_backend_test_inv" not in backend.gufuncs()
    # install() replaces only names numpy has
    try:
        backend.install()
        assert not hasattr(LINALG_PY._umath_linalg, "np_backend_test_inv")
    finally:
        backend.uninstall()


def test_install_reports_missing_library(monkeypatch):
    monkeypatch.setattr(backend, "_lib", None)
    monkeypatch.setenv("UMATH_LINALG_LIB", "/nonexistent/libumath_linalg.so.0")
    with pytest.raises(backend.BackendError, match="cannot load libumath_linalg"):
        backend.install()
    assert not backend.installed()
    assert LINALG_PY._umath_linalg is NUMPY_UL


@pytest.mark.parametrize("kind", ["not a capsule", "named capsule"])
def test_install_refuses_unrecognised_capsule(monkeypatch, kind):
    import ctypes
    core = importlib.import_module(
        "numpy.core._multiarray_umath" if np.__version__.startswith("1.")
        else "numpy._core._multiarray_umath")
    if kind == "not a capsule":
        fake = object()
    else:
        new = ctypes.PyDLL(None).PyCapsule_New
        new.restype = ctypes.py_object
        new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        target, name = ctypes.c_int(0), b"not.numpy.api"
        _KEEP_ALIVE.extend([target, name])  # the capsule keeps both pointers
        fake = new(ctypes.addressof(target), name, None)
    monkeypatch.setattr(backend, "_numpy", None)
    monkeypatch.setattr(core, "_UFUNC_API", fake)
    with pytest.raises(backend.BackendError, match="capsule"):
        backend.install()
    assert not backend.installed()
    assert LINALG_PY._umath_linalg is NUMPY_UL
