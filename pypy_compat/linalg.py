"""numpy.linalg's functions with numpy.linalg's (1.24) semantics, without numpy.

The whole public API of numpy 1.24's numpy.linalg: inv, solve, det, slogdet
(here), cholesky, qr (modes reduced, complete, r, raw), eig, eigvals, eigh,
eigvalsh (UPLO), svd (full_matrices, compute_uv, hermitian), lstsq (rcond,
with numpy 1.24's FutureWarning default), pinv (rcond, hermitian),
matrix_rank (tol, hermitian) in _linalg_decomp.py; norm (every ord and axis
form, keepdims) and cond (every p) in _linalg_norms.py; matrix_power,
multi_dot, tensorsolve, tensorinv in _linalg_misc.py; and numpy 2's
additions with numpy 2's semantics: svdvals, matrix_norm, vector_norm,
outer, tensordot, trace, vecdot, cross, diagonal, matrix_transpose, matmul
(here).  The decompositions run libumath_linalg's gufuncs (cholesky_lo,
qr_r_raw_m/_n, qr_reduced, qr_complete, eig, eigvals, eigh_lo/_up,
eigvalsh_lo/_up, svd_m/_n[_s/_f], lstsq_m/_n) exactly as numpy's linalg.py
drives _umath_linalg; a row the library lacks raises NotImplementedError
when the function needing it is called (the module imports regardless).

Operands: nested lists, buffers (memoryview, array.array ...), cffi arrays,
umath_linalg.View / umath_linalg.T(a) views of those (no copy), or numpy
arrays when numpy is loaded.  Results come back in the operand's
kind (lists for lists, memoryview for real buffers, the cffi array type for
cffi arrays, ndarray for ndarray; 0-d results as scalars).  Several-output
functions return plain tuples, as numpy 1.24 (numpy 2.0 returns named
tuples EigResult, EighResult, QRResult, SlogdetResult, SVDResult).

As numpy.linalg does: every decomposition runs in double (or complex
double); integers and bools become float64; a result is float32 (complex64)
only when every input is float32 (complex64), in which case the double
result is cast back.  eig/eigvals give real results when every eigenvalue
of a real input is real.  Functions without LAPACK (matrix_power,
multi_dot, trace, outer, ...) keep numpy's promoted type (integers stay
integers).  Errors: LinAlgError with numpy's texts ("Singular matrix",
"Matrix is not positive definite", "Eigenvalues did not converge", "SVD did
not converge", "SVD did not converge in Linear Least Squares", "Array must
not contain infs or NaNs", "%d-dimensional array given. Array must be at
least two-dimensional", "Last 2 dimensions of the array must be square",
"Incompatible dimensions", "cond is not defined on empty arrays" ...),
ValueError / TypeError where numpy raises those, with its messages;
TypeError("array type %s is unsupported in linalg").  Empty matrices give
empty inverses/solutions, det 1.0 and slogdet (1.0, 0.0).
"""
import array as _array

from umath_linalg import _core, _dtypes as _dt, _results
from umath_linalg._core import (ffi, lib, LinAlgError, to_operand, CData,
                                K_CFFI, K_NUMPY, CNAMES, _prod)
from umath_linalg._results import cffi_array_type, make_memoryview, \
    result_kind
from umath_linalg._gufunc import Gufunc, MISS, make_fast11

from ._linalg_decomp import (cholesky, qr, eig, eigvals, eigh, eigvalsh,
                             svd, lstsq, pinv, matrix_rank)
from ._linalg_norms import norm, cond, matrix_norm, vector_norm, svdvals
from ._linalg_misc import (matrix_power, multi_dot, tensorsolve, tensorinv,
                           matrix_transpose, diagonal, trace, outer,
                           tensordot, vecdot, cross)
from ._linalg_arrays import (arrs as _arrs, promote as _promote,
                             matmul as _matmul_exact, result as _result,
                             Arr as _Arr, INEXACT as _INEXACT)

# numpy 1.24's numpy.linalg.__all__, then numpy 2's additions (but matmul).
__all__ = ["matrix_power", "solve", "tensorsolve", "tensorinv", "inv",
           "cholesky", "eigvals", "eigvalsh", "pinv", "slogdet", "det",
           "svd", "eig", "eigh", "lstsq", "norm", "qr", "cond",
           "matrix_rank", "LinAlgError", "multi_dot",
           "svdvals", "trace", "diagonal", "cross", "outer", "tensordot",
           "matrix_transpose", "matrix_norm", "vector_norm", "vecdot",
           "matmul"]

_typeof = ffi.typeof


def _row(name):
    row = lib.ul_gufunc_find(name.encode())
    if row == ffi.NULL:
        raise ImportError("libumath_linalg has no gufunc %r" % name)
    return row


# Private Gufunc objects: their fast-path caches only ever hold plans made
# here (double / complex double loops, operands already checked).
_INV = Gufunc(_row("inv"), singular="raise")
_SOLVE = Gufunc(_row("solve"), singular="raise")
_SOLVE1 = Gufunc(_row("solve1"), singular="raise")
_DET = Gufunc(_row("det"))
_SLOGDET = Gufunc(_row("slogdet"))
_MATMUL = Gufunc(_row("matmul"))

_F32, _F64 = _dt.FLOAT32.num, _dt.FLOAT64.num
_C64, _C128 = _dt.COMPLEX64.num, _dt.COMPLEX128.num


# ------------------------------------------------------------ numpy's rules
def _assert_stacked_2d(*ops):
    for op in ops:
        if len(op.shape) < 2:
            raise LinAlgError("%d-dimensional array given. Array must be at "
                              "least two-dimensional" % len(op.shape))


def _assert_stacked_square(*ops):
    for op in ops:
        m, n = op.shape[-2:]
        if m != n:
            raise LinAlgError("Last 2 dimensions of the array must be square")


def _common_type(*ops):
    """(computation type, result type) as numpy's _commonType: always
    double or complex double to compute; single only if every input is."""
    single = True
    cplx = False
    for op in ops:
        t = op.type
        if t in _dt.COMPLEX_NUMS:
            cplx = True
        if t not in _dt.SINGLE_NUMS:
            single = False
    if cplx:
        return _C128, (_C64 if single else _C128)
    return _F64, (_F32 if single else _F64)


def _real(t):
    return _dt.BY_NUM[t].real.num


# ------------------------------------------------------- casting results
def _cast_result(value, kind, t):
    """Cast a double (complex double) result to float32 (complex64) in the
    caller's kind, as numpy's .astype(result_t) does."""
    if kind == K_NUMPY:
        np = _core._numpy()
        return np.asarray(value).astype(np.dtype(_core.TYPECHARS[t]))[()] \
            if not getattr(value, "shape", ()) else \
            value.astype(np.dtype(_core.TYPECHARS[t]))
    if isinstance(value, (float, int)):
        return float(ffi.cast("float", value))
    if isinstance(value, complex):
        c = ffi.cast("float _Complex", value)
        return complex(c)
    if kind == K_CFFI and isinstance(value, CData):
        info = _core._cffi_ctype_info(_typeof(value))
        shape = info[1]
        n = _prod(shape)
        dst = ffi.new(cffi_array_type(CNAMES[t], shape))
        if n:
            src = ffi.cast(info[4] + " *", value)
            ffi.cast(CNAMES[t] + " *", dst)[0:n] = ffi.unpack(src, n)
        return dst
    if isinstance(value, memoryview):
        shape = tuple(value.shape)
        n = _prod(shape)
        flat = ffi.unpack(ffi.cast("double *", ffi.from_buffer(value)), n) \
            if n else []
        return make_memoryview(_array.array("f", flat).tobytes(), "f", shape)
    if isinstance(value, list):
        flat = _flatten_nested(value)
        return _results.nest([_cast_result(v, kind, t) for v in flat],
                             _list_shape(value))
    return value


def _flatten_nested(x):
    if not isinstance(x, list):
        return [x]
    out = []
    for v in x:
        out.extend(_flatten_nested(v))
    return out


def _list_shape(x):
    shape = []
    while isinstance(x, list):
        shape.append(len(x))
        if not x:
            break
        x = x[0]
    return tuple(shape)


def _list_ndim(x):
    n = 0
    while type(x) is list or type(x) is tuple:
        n += 1
        if not x:
            break
        x = x[0]
    return n


def _run(g, ops, t, result_t, real_out=()):
    """Run g on ops with the t loop, results in the callers' kind, cast
    back to result_t (and its real type for the outputs in real_out)."""
    kind = result_kind(ops)
    r = g.call(tuple(ops), None, loop_types=(t,) * len(ops), kind=kind)
    if result_t == t:
        return r
    if g.nout == 1:
        return _cast_result(r, kind, result_t)
    return tuple(_cast_result(v, kind, _real(result_t) if j in real_out
                              else result_t) for j, v in enumerate(r))


# -------------------------------------------------------------- the API
def _inv_general(a, out=None):
    op = to_operand(a)
    _assert_stacked_2d(op)
    _assert_stacked_square(op)
    t, result_t = _common_type(op)
    return _run(_INV, [op], t, result_t)


_inv_fast = make_fast11(_INV, fallback=_inv_general)


def inv(a):
    """Inverse of a square matrix or of each matrix of a stack (..., M, M).

    Raises LinAlgError("Singular matrix") if a matrix is singular, and
    numpy's LinAlgError messages for non-square or 1-d input."""
    return _inv_fast(a)


def solve(a, b):
    """Solve a @ x = b.  a: (..., M, M); b: (..., M, K), or (..., M) when
    b.ndim == a.ndim - 1 (numpy 1.24's rule).  Broadcasts over stacks.

    Raises LinAlgError("Singular matrix") if a matrix of a is singular."""
    if type(a) is list and type(b) is list:
        g = _SOLVE1 if _list_ndim(b) == _list_ndim(a) - 1 else _SOLVE
        r = g.try_fast((a, b))
        if r is not MISS:
            return r
    else:
        r = _SOLVE.try_fast((a, b))
        if r is not MISS:
            return r
        r = _SOLVE1.try_fast((a, b))
        if r is not MISS:
            return r
    aop = to_operand(a)
    _assert_stacked_2d(aop)
    _assert_stacked_square(aop)
    bop = to_operand(b)
    t, result_t = _common_type(aop, bop)
    g = _SOLVE1 if len(bop.shape) == len(aop.shape) - 1 else _SOLVE
    kind = result_kind([aop, bop])
    r = g.call((aop, bop), None, loop_types=(t, t), kind=kind)
    if result_t != t:
        r = _cast_result(r, kind, result_t)
    return r


def _det_general(a, out=None):
    op = to_operand(a)
    _assert_stacked_2d(op)
    _assert_stacked_square(op)
    t, result_t = _common_type(op)
    return _run(_DET, [op], t, result_t)


_det_fast = make_fast11(_DET, fallback=_det_general)


def det(a):
    """Determinant of a square matrix or of each matrix of a stack
    (..., M, M).  A singular matrix gives 0.0; an empty one 1.0."""
    return _det_fast(a)


def slogdet(a):
    """(sign, logabsdet) of a square matrix or of each matrix of a stack
    (..., M, M), such that det = sign * exp(logabsdet).  A singular matrix
    gives (0.0, -inf); an empty one (1.0, 0.0).  sign has the result type
    (complex for complex input), logabsdet its real type."""
    r = _SLOGDET.try_fast((a,))
    if r is not MISS:
        return r
    op = to_operand(a)
    _assert_stacked_2d(op)
    _assert_stacked_square(op)
    t, result_t = _common_type(op)
    return _run(_SLOGDET, [op], t, result_t, real_out=(1,))


def matmul(x1, x2):
    """numpy 2's numpy.linalg.matmul (the same as numpy.matmul): the
    matrix product of stacks (..., n, k) @ (..., k, m) -> (..., n, m),
    outer dimensions broadcast; a 1-d x1 is a row and a 1-d x2 a column,
    and that dimension is left out of the result ((k) @ (k) is a scalar).
    numpy's result type: integers and bools stay integers and bools
    (computed exactly in Python), float32 stays float32; floating types run
    libumath_linalg's matmul gufunc.  numpy's errors (a 0-d operand, core
    dimensions that differ, outer dimensions that do not broadcast), as
    ValueError with numpy's text.  No conjugation."""
    r = _MATMUL.try_fast((x1, x2))
    if r is not MISS:
        return r
    ops = (to_operand(x1), to_operand(x2))      # (no copy yet)
    t = _promote(ops[0].type, ops[1].type)
    if t in _INEXACT:
        return _MATMUL.call(ops, None, loop_types=(t, t),
                            kind=result_kind(ops))
    (a, b), kind = _arrs(ops)
    shape, = _MATMUL.out_shapes((a.shape, b.shape))   # numpy's errors
    if a.ndim == 1:
        a = _Arr(a.t, (1,) + a.shape, a.data)
    if b.ndim == 1:
        b = _Arr(b.t, b.shape + (1,), b.data)
    r = _matmul_exact(a, b, t)
    return _result(_Arr(t, shape, r.data), kind)


def __getattr__(name):
    """numpy.linalg names this module does not provide (yet) fail with a
    clear AttributeError naming what the C table offers."""
    if name.startswith("__"):
        raise AttributeError(name)
    from umath_linalg import gufuncs
    raise AttributeError(
        "pypy_compat.linalg has no %r: it provides %s (libumath_linalg's "
        "table: %s)" % (name, ", ".join(__all__), ", ".join(gufuncs())))
