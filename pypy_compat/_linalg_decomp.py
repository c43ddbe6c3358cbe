"""numpy.linalg 1.24's decompositions over libumath_linalg's gufuncs:
cholesky, qr, eig, eigvals, eigh, eigvalsh, svd, lstsq, pinv, matrix_rank.

Each function is numpy 1.24's linalg.py step by step (checks, _commonType,
the gufunc run in double, cast back to the result type); results come back
in the caller's kind.  numpy 1.24 returns plain tuples (numpy 2.0 made them
named tuples: EigResult, EighResult, QRResult, SlogdetResult, SVDResult).
The internal forms (_eigh, _svd ...) take and give Arrs, for the functions
built on them (norm, cond, pinv, matrix_rank).
"""
import warnings

from ._linalg_arrays import (Arr, arr, arrs, result, COMPLEX, F64,
                             COMPLEX_OF, I64, conj, swap_last, matmul,
                             broadcast_to, amax, rows)
from ._linalg_gufuncs import (run, assert_stacked_2d, assert_stacked_square,
                              assert_2d, assert_finite, is_empty_2d,
                              common_type, astype, real_type, LinAlgError,
                              NONPOSDEF, EIG_NONCONV, SVD_NONCONV,
                              LSTSQ_NONCONV, QR_ERROR)

EPS = {F64: 2.220446049250313e-16}
EPS32 = 1.1920928955078125e-07


def cholesky(a):
    """Cholesky factor L (lower triangular, a = L @ L^H) of a Hermitian
    positive-definite matrix or of each matrix of a stack (..., M, M).
    LinAlgError("Matrix is not positive definite") if one is not."""
    a, kind = arr(a)
    assert_stacked_2d(a)
    assert_stacked_square(a)
    t, rt = common_type(a)
    r, = run("cholesky_lo", [a], (t,), NONPOSDEF)
    return result(astype(r, rt), kind)


def _triu(a, nrows):
    """numpy's triu(a[..., :nrows, :]) of a stack (..., m, n)."""
    m, n = a.shape[-2:]
    z = 0j if a.t in COMPLEX else 0.0
    out = []
    ext = out.extend
    d = a.data
    for base in range(0, len(d), m * n) if m * n else ():
        for i in range(nrows):
            row = d[base + i * n:base + i * n + n]
            k = min(i, n)
            ext([z] * k)
            ext(row[k:])
    return Arr(a.t, a.shape[:-2] + (nrows, n), out)


def qr(a, mode="reduced"):
    """QR factorization of a matrix or a stack (..., M, N); numpy 1.24's
    modes: 'reduced' -> (Q, R), 'complete' -> (Q, R), 'r' -> R,
    'raw' -> (h, tau) (LAPACK's geqrf output, h transposed)."""
    if mode not in ("reduced", "complete", "r", "raw"):
        if mode in ("f", "full"):
            msg = "".join((
                "The 'full' option is deprecated in favor of 'reduced'.\n",
                "For backward compatibility let mode default."))
            warnings.warn(msg, DeprecationWarning, stacklevel=2)
            mode = "reduced"
        elif mode in ("e", "economic"):
            msg = "The 'economic' option is deprecated."
            warnings.warn(msg, DeprecationWarning, stacklevel=2)
            mode = "economic"
        else:
            raise ValueError(f"Unrecognized mode '{mode}'")
    a, kind = arr(a)
    assert_stacked_2d(a)
    m, n = a.shape[-2:]
    t, rt = common_type(a)
    mn = min(m, n)
    name = "qr_r_raw_m" if m <= n else "qr_r_raw_n"
    (tau,), (a,) = run(name, [a], (t,), QR_ERROR, inputs_back=True)
    if mode == "r":
        return result(astype(_triu(a, mn), rt), kind)
    if mode == "raw":
        return (result(astype(swap_last(a), rt), kind),
                result(astype(tau, rt), kind))
    if mode == "economic":
        return result(astype(a, rt), kind)
    if mode == "complete" and m > n:
        mc = m
        name = "qr_complete"
    else:
        mc = mn
        name = "qr_reduced"
    q, = run(name, [a, tau], (t, t), QR_ERROR)
    return (result(astype(q, rt), kind),
            result(astype(_triu(a, mc), rt), kind))


def _all_real(w):
    return all(v.imag == 0 for v in w.data)


def eigvals(a):
    """Eigenvalues of a general matrix or stack (..., M, M), unordered;
    real (of the result type) when every imaginary part is 0, else
    complex."""
    a, kind = arr(a)
    assert_stacked_2d(a)
    assert_stacked_square(a)
    assert_finite(a)
    t, rt = common_type(a)
    w, = run("eigvals", [a], (t,), EIG_NONCONV)
    if t not in COMPLEX:
        if _all_real(w):
            w = astype(w, F64)
            rt = real_type(rt)
        else:
            rt = COMPLEX_OF[rt]
    return result(astype(w, rt), kind)


def eig(a):
    """(w, v): eigenvalues and right eigenvectors (the columns of v) of a
    general matrix or stack (..., M, M); real when every eigenvalue of a
    real input is real, else complex."""
    a, kind = arr(a)
    assert_stacked_2d(a)
    assert_stacked_square(a)
    assert_finite(a)
    t, rt = common_type(a)
    w, v = run("eig", [a], (t,), EIG_NONCONV)
    if t not in COMPLEX and _all_real(w):
        w = astype(w, F64)
        v = astype(v, F64)
        rt = real_type(rt)
    else:
        rt = COMPLEX_OF[rt]
    return result(astype(w, rt), kind), result(astype(v, rt), kind)


def _uplo(UPLO):
    UPLO = UPLO.upper()
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return "lo" if UPLO == "L" else "up"


def _eigvalsh(a, UPLO="L"):
    part = _uplo(UPLO)
    assert_stacked_2d(a)
    assert_stacked_square(a)
    t, rt = common_type(a)
    w, = run("eigvalsh_" + part, [a], (t,), EIG_NONCONV)
    return astype(w, real_type(rt))


def eigvalsh(a, UPLO="L"):
    """Eigenvalues, ascending, of a Hermitian (real symmetric) matrix or
    stack (..., M, M), from its lower (UPLO='L') or upper ('U') triangle."""
    _uplo(UPLO)
    a, kind = arr(a)
    return result(_eigvalsh(a, UPLO), kind)


def _eigh(a, UPLO="L"):
    part = _uplo(UPLO)
    assert_stacked_2d(a)
    assert_stacked_square(a)
    t, rt = common_type(a)
    w, v = run("eigh_" + part, [a], (t,), EIG_NONCONV)
    return astype(w, real_type(rt)), astype(v, rt)


def eigh(a, UPLO="L"):
    """(w, v): eigenvalues (ascending) and orthonormal eigenvectors (the
    columns of v) of a Hermitian matrix or stack (..., M, M)."""
    _uplo(UPLO)
    a, kind = arr(a)
    w, v = _eigh(a, UPLO)
    return result(w, kind), result(v, kind)


def _sort_desc_abs(w):
    """Per last-axis row: (order by |w| descending, signs)."""
    orders = []
    signs = []
    for r in rows(w):
        order = sorted(range(len(r)), key=lambda i: abs(r[i]))[::-1]
        orders.append(order)
        signs.append([(v > 0) - (v < 0) if v == v else v for v in r])
    return orders, signs


def _svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    if hermitian:
        if compute_uv:
            s, u = _eigh(a)
            orders, signs = _sort_desc_abs(s)
            n = s.shape[-1] if s.shape else 0
            sd, ud = [], []
            for k, order in enumerate(orders):
                sr = s.data[k * n:(k + 1) * n]
                sd.extend(abs(sr[i]) for i in order)
                sg = signs[k]
                base = k * n * n
                ud.extend(u.data[base + r * n + i]
                          for r in range(n) for i in order)
                signs[k] = [sg[i] for i in order]
            s = Arr(s.t, s.shape, sd)
            u = Arr(u.t, u.shape, ud)
            # vt = conj(transpose(u * sgn[..., None, :])): column i of
            # matrix k times sign k, i
            sg = [g for row in signs for g in row]
            nn = n * n
            ud = u.data
            us = Arr(u.t, u.shape, [ud[j] * sg[(j // nn) * n + j % n]
                                    for j in range(len(ud))])
            vt = conj(swap_last(us))
            if vt.t not in COMPLEX:
                vt = Arr(vt.t, vt.shape, [float(v) for v in vt.data])
            return u, s, vt
        s = _eigvalsh(a)
        return Arr(s.t, s.shape, [v for r in rows(s)
                                  for v in sorted(map(abs, r),
                                                  reverse=True)])
    assert_stacked_2d(a)
    t, rt = common_type(a)
    m, n = a.shape[-2:]
    if compute_uv:
        if full_matrices:
            name = "svd_m_f" if m < n else "svd_n_f"
        else:
            name = "svd_m_s" if m < n else "svd_n_s"
        u, s, vh = run(name, [a], (t,), SVD_NONCONV)
        return astype(u, rt), astype(s, real_type(rt)), astype(vh, rt)
    s, = run("svd_m" if m < n else "svd_n", [a], (t,), SVD_NONCONV)
    return astype(s, real_type(rt))


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """Singular value decomposition a = u @ diag(s) @ vh of a matrix or a
    stack (..., M, N): (u, s, vh), s descending; only s when compute_uv is
    False; full_matrices=False gives the reduced u and vh; hermitian=True
    goes through eigh as numpy does."""
    a, kind = arr(a)
    r = _svd(a, full_matrices, compute_uv, hermitian)
    if compute_uv:
        return tuple(result(x, kind) for x in r)
    return result(r, kind)


def lstsq(a, b, rcond="warn"):
    """Least-squares solution x of a @ x = b for a (M, N) and b (M,) or
    (M, K): (x, residuals, rank, s), as numpy 1.24 (rcond's default warns
    with numpy's FutureWarning and means -1; rcond=None is eps*max(M, N);
    residuals empty unless M > N and rank == N)."""
    (a, b), kind = arrs((a, b))
    is_1d = b.ndim == 1
    if is_1d:
        b = Arr(b.t, b.shape + (1,), b.data)
    assert_2d(a, b)
    m, n = a.shape[-2:]
    m2, n_rhs = b.shape[-2:]
    if m != m2:
        raise LinAlgError("Incompatible dimensions")
    t, rt = common_type(a, b)
    real_rt = real_type(rt)
    if isinstance(rcond, str) and rcond == "warn":
        warnings.warn("`rcond` parameter will change to the default of "
                      "machine precision times ``max(M, N)`` where M and N "
                      "are the input matrix dimensions.\n"
                      "To use the future default and silence this warning "
                      "we advise to pass `rcond=None`, to keep using the old, "
                      "explicitly pass `rcond=-1`.",
                      FutureWarning, stacklevel=2)
        rcond = -1
    if rcond is None:
        rcond = EPS[F64] * max(n, m)
    name = "lstsq_m" if m <= n else "lstsq_n"
    if n_rhs == 0:
        b = Arr(b.t, b.shape[:-2] + (m, 1), [0.0] * m)
    rc = Arr(F64, (), [float(rcond)])
    x, resids, rank, s = run(name, [a, b, rc], (t, t, F64), LSTSQ_NONCONV)
    if m == 0:
        x = Arr(x.t, x.shape, [0j if x.t in COMPLEX else 0.0] * len(x.data))
    if n_rhs == 0:
        x = Arr(x.t, x.shape[:-1] + (0,), [])
        resids = Arr(resids.t, resids.shape[:-1] + (0,), [])
    if is_1d:
        x = Arr(x.t, x.shape[:-1], x.data)
    rank_v = rank.data[0]
    if rank_v != n or m <= n:
        resids = Arr(real_rt, (0,), [])
    return (result(astype(x, rt), kind),
            result(astype(resids, real_rt), kind),
            result(rank, kind),
            result(astype(s, real_rt), kind))


def _stack_param(p, stack):
    """A scalar or array parameter (rcond, tol) broadcast to a stack
    shape, as a flat list of floats."""
    pa, _ = arr(p)
    if pa.shape == tuple(stack):
        return [float(v) for v in pa.data]
    return [float(v) for v in broadcast_to(pa, stack).data]


def pinv(a, rcond=1e-15, hermitian=False):
    """Moore-Penrose pseudo-inverse of a matrix or stack (..., M, N) from
    its SVD, singular values at most rcond * the largest set to zero."""
    a, kind = arr(a)
    if is_empty_2d(a):
        m, n = a.shape[-2:]
        return result(Arr(a.t, a.shape[:-2] + (n, m), []), kind)
    u, s, vt = _svd(conj(a), full_matrices=False, hermitian=hermitian)
    stack = s.shape[:-1]
    rc = _stack_param(rcond, stack)
    sd = []
    for j, r in enumerate(rows(s)):
        cutoff = rc[j] * amax(r)
        sd.extend(1.0 / v if v > cutoff else 0.0 for v in r)
    # transpose(vt) @ (s[..., None] * transpose(u))
    ut = swap_last(u)
    m = ut.shape[-1]
    su = [ut.data[i] * sd[i // m] for i in range(len(ut.data))]
    res = matmul(swap_last(vt), Arr(ut.t, ut.shape, su), u.t)
    return result(res, kind)


def matrix_rank(A, tol=None, hermitian=False):
    """Rank of a matrix or of each matrix of a stack: the number of
    singular values above tol (default S.max() * max(M, N) * eps)."""
    A, kind = arr(A)
    if A.ndim < 2:
        return int(not all(v == 0 for v in A.data))
    S = _svd(A, compute_uv=False, hermitian=hermitian)
    eps = EPS32 if S.t != F64 else EPS[F64]
    stack = S.shape[:-1]
    if tol is None:
        if not S.shape[-1]:
            amax([])        # numpy's S.max(axis=-1) of no values
        tols = [amax(r) * max(A.shape[-2:]) * eps for r in rows(S)]
    else:
        tols = _stack_param(tol, stack)
    counts = [sum(1 for v in r if v > tl) for r, tl in zip(rows(S), tols)]
    return result(Arr(I64, stack, counts), kind)

