"""umath_linalg.dask (issue 16): the library's gufuncs over dask arrays.

The semantics on dask's synchronous scheduler, then the real thing: a
distributed.LocalCluster of 2 worker processes (1 thread each, 127.0.0.1)
running inv, solve, det, eigh and matmul on a stack of 10^6 4x4 matrices,
bitwise against one call in this process and against numpy within rounding.
CPython with numpy, dask and distributed (Debian: python3-dask
python3-distributed, installed by `make deps`).
"""
import faulthandler
import os
import subprocess
import sys
import time

import pytest

if sys.implementation.name != "cpython":  # pragma: no cover
    pytest.skip("umath_linalg.dask needs CPython's numpy and dask", allow_module_level=True)
np = pytest.importorskip("numpy", reason="umath_linalg.dask needs numpy")
da = pytest.importorskip("dask.array", reason="dask is not installed (apt-get install "
                         "python3-dask python3-distributed, or `make deps`)")
import dask  # noqa: E402

import pypy_compat.numpy_backend as backend  # noqa: E402
import umath_linalg.dask as uld  # noqa: E402

UF = backend.gufuncs()


def stack(n, m=4, seed=0, k=None, dominant=True):
    """n matrices m x m, diagonally dominant (well conditioned) or normal
    random, or m x k."""
    rng = np.random.default_rng(seed)
    if not dominant:
        return rng.standard_normal((n, m, k or m))
    a = rng.uniform(-1, 1, (n, m, k or m))
    if k is None:
        a += (m + 1) * np.eye(m)
    return a


@pytest.fixture(autouse=True)
def sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


def same(x, y):
    xs, ys = (x, y) if isinstance(x, tuple) else ((x,), (y,))
    assert len(xs) == len(ys)
    for p, q in zip(xs, ys):
        p = p.compute() if hasattr(p, "compute") else p
        assert p.dtype == q.dtype and p.shape == q.shape
        assert np.array_equal(p, q), np.abs(p - q).max()


def test_import_umath_linalg_does_not_import_dask():
    code = "import sys, umath_linalg; print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert out.stdout.decode().strip() == "False", out.stderr.decode()


def test_wrappers_bitwise_with_one_call():
    a, b = stack(4003, dominant=False), stack(4003, k=3, seed=1, dominant=False)
    b1 = b[..., 0].copy()
    # core axes chunked: made whole; the last chunk (3) merged: solve of < 4
    # matrices takes another path in the kernels (other last bits)
    x = da.from_array(a, chunks=(500, 2, 3))
    same(uld.inv(x), UF["inv"](a))
    same(uld.solve(x, da.from_array(b, chunks=(700, 4, 3))), UF["solve"](a, b))
    same(uld.solve(x, da.from_array(b1, chunks=333)), UF["solve1"](a, b1))
    same(uld.det(x), UF["det"](a))
    same(uld.slogdet(x), UF["slogdet"](a))
    h = a + a.transpose(0, 2, 1)
    same(uld.eigh(da.from_array(h, chunks=999)), UF["eigh_lo"](h))
    same(uld.eigh(da.from_array(h, chunks=999), UPLO="u"), UF["eigh_up"](h))
    same(uld.svd(da.from_array(b, chunks=999)), UF["svd_n_f"](b))
    same(uld.svd(da.from_array(b, chunks=999), full_matrices=False), UF["svd_n_s"](b))
    bt = b.transpose(0, 2, 1).copy()
    same(uld.svd(bt, compute_uv=False), UF["svd_m"](bt))
    same(uld.matmul(x, da.from_array(b, chunks=1000)), UF["matmul"](a, b))
    same(uld.matmul(x, b1[0]), UF["matmul"](a, b1[0]))  # 1-d operand: n? / m? dropped
    same(uld.matmul(b1[0], x), UF["matmul"](b1[0], a))


def test_apply_any_row_by_name_and_broadcasting():
    a, b = stack(300), stack(300, k=5, seed=3)
    x = da.from_array(a, chunks=50)
    for name in ("svd_m_s", "eigvalsh_up", "cholesky_lo", "eig"):
        same(uld.apply(name, x), UF[name](a))
    with pytest.raises(ValueError, match="qr_r_raw_n writes its result into its input"):
        uld.apply("qr_r_raw_n", x)
    # the stack of b broadcasts against a's: (300,) with (2, 1, 300)
    b3 = np.stack([b, b[::-1]])[:, None]
    same(uld.apply("solve", x, da.from_array(b3, chunks=(1, 1, 60, 5, 5))), UF["solve"](a, b3))
    lst = uld.apply("lstsq_m", x, b, 1e-10)
    same(lst, UF["lstsq_m"](a, b, 1e-10))
    assert len(lst) == 4


def test_chunks_core_whole_stack_merged():
    x = da.ones((1000, 4, 4), chunks=(200, 2, 2)) * np.eye(4)
    y = uld.inv(x)
    assert y.chunks == ((200,) * 5, (4,), (4,))
    # a short last chunk (10 < MIN_STACK_CHUNK) goes into its neighbour
    z = uld.det(da.from_array(stack(1010), chunks=250))
    assert z.chunks == ((250, 250, 250, 260),)
    assert uld._merged((5, 5, 5, 5, 100, 3)) == (20, 103)
    assert uld._merged((7,)) == (7,)


def test_dtypes_as_numpy_linalg():
    a = stack(64)
    for dt in (np.float32, np.float64, np.complex64, np.complex128, np.int64):
        x = da.from_array(a.astype(dt), chunks=16)
        want = np.linalg.inv(a.astype(dt))
        got = uld.inv(x)
        assert got.dtype == want.dtype and got.compute().dtype == want.dtype
        s, ld = uld.slogdet(x)
        ws, wld = np.linalg.slogdet(a.astype(dt))
        assert (s.dtype, ld.dtype) == (ws.dtype, wld.dtype) == (s.compute().dtype,
                                                                 ld.compute().dtype)
        w, v = uld.eigh(x)
        ww, wv = np.linalg.eigh(a.astype(dt))
        assert (w.dtype, v.dtype) == (ww.dtype, wv.dtype)
    # the raw gufunc: numpy's resolution (int16 -> float32)
    r = uld.apply("inv", da.from_array(a.astype(np.int16), chunks=16))
    assert r.dtype == np.float32 == r.compute().dtype


def test_errors_as_numpy():
    cases = [
        (lambda: uld.inv(da.zeros(3)), np.linalg.LinAlgError,
         "1-dimensional array given. Array must be at least two-dimensional"),
        (lambda: uld.det(da.zeros((5, 3, 2))), np.linalg.LinAlgError,
         "Last 2 dimensions of the array must be square"),
        (lambda: uld.inv(da.zeros((3, 3), dtype=np.float16)), TypeError,
         "array type float16 is unsupported in linalg"),
        (lambda: uld.eigh(da.zeros((3, 3)), UPLO="X"), ValueError,
         "UPLO argument must be 'L' or 'U'"),
        (lambda: uld.solve(da.zeros((7, 4, 4)), da.zeros((7, 3, 2))), ValueError,
         "solve: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
         "signature (m,m),(m,n)->(m,n) (size 3 is different from 4)"),
        (lambda: uld.apply("inv", da.zeros((2, 2), dtype="M8[s]")), TypeError,
         "ufunc 'inv' not supported for the input types"),
        (lambda: uld.apply("nope", da.zeros((2, 2))), KeyError, "no gufunc named 'nope'"),
        (lambda: uld.apply("solve", da.zeros((2, 2))), TypeError, "solve takes 2 arrays, 1 given"),
    ]
    for call, exc, text in cases:
        with pytest.raises(exc) as info:
            call()
        assert str(info.value).strip("'\"").startswith(text.strip("'")), str(info.value)
    # a singular matrix: raised by compute(), as numpy.linalg.inv raises
    a = stack(100)
    a[37] = 0
    y = uld.inv(da.from_array(a, chunks=25))
    with pytest.raises(np.linalg.LinAlgError, match="^Singular matrix$"):
        y.compute()
    same(uld.det(da.from_array(a, chunks=25)), UF["det"](a))
    with np.errstate(invalid="ignore"):  # numpy's raw gufunc: NaN and FE_INVALID
        assert np.isnan(uld.apply("inv", da.from_array(a, chunks=25)).compute()[37]).all()


def test_plain_dask_inference_on_the_raw_ufuncs():
    # what a user who skips this module does: dask infers dtypes and meta by
    # calling the ufunc on tiny / empty arrays
    a = stack(200)
    x = da.from_array(a, chunks=(50, 4, 4))
    same(da.apply_gufunc(UF["inv"], "(m,m)->(m,m)", x), UF["inv"](a))
    same(da.apply_gufunc(UF["slogdet"], "(m,m)->(),()", x), UF["slogdet"](a))
    same(x.map_blocks(UF["inv"]), UF["inv"](a))
    same(da.apply_gufunc(UF["eigh_lo"], "(m,m)->(m),(m,m)", x.astype(np.float32)),
         UF["eigh_lo"](a.astype(np.float32)))


# ---------------------------------------------------------------- cluster --

N_CLUSTER = 10 ** 6 + 13   # the last chunk (13) is merged into its neighbour
CHUNK = 99_999             # chunk starts off any lane boundary
CLUSTER_BUDGET = 240.0     # seconds: soft per step, hard (faulthandler) for a hang


def test_local_cluster_of_processes():
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed is not installed (python3-distributed)")
    global threadpoolctl
    threadpoolctl = pytest.importorskip("threadpoolctl", reason="python3-threadpoolctl")
    t0 = time.monotonic()

    def left():
        return max(CLUSTER_BUDGET - (time.monotonic() - t0), 1.0)

    faulthandler.dump_traceback_later(CLUSTER_BUDGET + 60, exit=True)
    try:
        start, run = _run_cluster(distributed, left, t0)
    finally:
        faulthandler.cancel_dump_traceback_later()
    print("LocalCluster test: %.1f s (data + cluster start %.1f s, cluster run %.1f s)"
          % (time.monotonic() - t0, start, run))


def _run_cluster(distributed, left, t0):
    import logging
    rs = da.random.RandomState(16)
    x = rs.uniform(-1, 1, (N_CLUSTER, 4, 4), chunks=(CHUNK, 4, 4)) + 5 * np.eye(4)
    y = rs.uniform(-1, 1, (N_CLUSTER, 4), chunks=(CHUNK, 4))
    h = (x + x.transpose(0, 2, 1)) / 2
    outs = [uld.inv(x), uld.solve(x, y), uld.det(x), *uld.eigh(h), uld.matmul(x, x)]
    # the same graph made here: the data without moving it
    a, b = dask.compute(x, y, scheduler="sync")
    env = {"UL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=logging.ERROR, env=env) as cluster, \
            distributed.Client(cluster, timeout=left()) as client:
        client.wait_for_workers(2, timeout=left())
        t1 = time.monotonic()
        pids = client.run(os.getpid)
        assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
        futures = client.compute(outs)
        got = [f.result(timeout=left()) for f in futures]
        on_workers = client.run(lambda: "pypy_compat.numpy_gufuncs" in sys.modules)
        assert all(on_workers.values())
        t2 = time.monotonic()
    hs = (a + a.transpose(0, 2, 1)) / 2
    # dask's workers run OpenBLAS on one thread (distributed.nanny.pre-spawn-
    # environ), and the LAPACK path's bits depend on OpenBLAS's thread count
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        want = [UF["inv"](a), UF["solve1"](a, b), UF["det"](a), *UF["eigh_lo"](hs),
                UF["matmul"](a, a)]
    for g, w in zip(got, want):
        same(g, w)
    # numpy, within rounding, on every 10th matrix (time)
    s = slice(None, None, 10)
    a, b, hs = a[s], b[s], hs[s]
    got = [g[s] for g in got]
    np.testing.assert_allclose(got[0], np.linalg.inv(a), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got[1], np.linalg.solve(a, b), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got[2], np.linalg.det(a), rtol=1e-12)
    w, v = got[3], got[4]
    np.testing.assert_allclose(w, np.linalg.eigvalsh(hs), rtol=1e-12, atol=1e-13)
    resid = np.einsum("nij,nj,nkj->nik", v, w, v) - hs
    assert np.abs(resid).max() < 1e-12
    np.testing.assert_allclose(got[5], np.matmul(a, a), rtol=1e-13, atol=1e-13)
    return t1 - t0, t2 - t1
