"""umath_linalg.dask: the library's gufuncs over dask arrays (issue 16).

    import dask.array as da
    import umath_linalg.dask as uld
    a = da.from_array(stack, chunks=(250_000, 4, 4))  # (..., m, m), chunked along the stack
    uld.inv(a).compute()                # numpy.linalg.inv's semantics, chunk by chunk
    w, v = uld.eigh(a)                  # several outputs: a tuple of dask arrays
    uld.apply("svd_n_s", a)             # any table gufunc by name, numpy's raw gufunc

Everything runs on dask's own machinery: ``dask.array.apply_gufunc`` over the
numpy backend's gufuncs (``pypy_compat.numpy_backend``: real numpy ufuncs
whose loops are the library's), on any scheduler, dask.distributed included.
Those ufuncs pickle by reference (``pypy_compat.numpy_gufuncs.<name>``), so a
worker only needs the library and these packages installed; it builds the
same ufunc from its own copy.

Chunks. The core dimensions of every operand are made whole (one chunk);
the stack (loop) axes keep the caller's chunks, unified across operands (the
first operand that has an axis of size > 1 sets its chunks) and merged so
that no chunk is shorter than MIN_STACK_CHUNK along any axis longer than
that: the library's kernels take a call of fewer than 4-8 matrices one
matrix at a time, which can change solve's last bits. With this rule the
results are bit-identical to one call on the whole stack in one process
running OpenBLAS on one thread, as dask's workers do (distributed sets
OPENBLAS_NUM_THREADS=1): the LAPACK path's last bits (n > 16, and families
without small kernels) depend on OpenBLAS's thread count.

Types. ``apply`` is the raw gufunc: numpy's type resolution (``resolve_dtypes``),
NaN outputs for failed matrices, sizes of output-only dimensions from
``output_sizes``. The wrappers inv, solve, det, slogdet, eigh, svd follow
numpy.linalg 1.24 (its checks and messages, computation in double or
cdouble, results in the inputs' precision, ``numpy.linalg.LinAlgError`` for
singular / non-converged matrices, raised by ``compute()``); matmul is the
raw gufunc (float32/float64/complex loops only: integers compute in float64).

Imported only on request: ``import umath_linalg`` never imports dask.
"""
import contextlib
import functools
import re

try:
    import dask.array as da
except ImportError as exc:
    raise ImportError("umath_linalg.dask needs dask (Debian 12: apt-get install "
                      "python3-dask python3-distributed): %s" % exc) from None
import numpy as np

from pypy_compat import numpy_backend as _backend

__all__ = ["apply", "gufunc", "inv", "solve", "det", "slogdet", "eigh", "svd",
           "matmul", "MIN_STACK_CHUNK"]

#: shortest chunk along a stack axis (a multiple of every kernel's lane count)
MIN_STACK_CHUNK = 16


def gufunc(name):
    """The numpy backend's ufunc for table row ``name`` (KeyError if none)."""
    uf = _backend.gufuncs().get(name)
    if uf is None:
        raise KeyError("no gufunc named %r in libumath_linalg's table" % (name,))
    return uf


def apply(name, *args, output_sizes=None):
    """Table gufunc ``name`` over dask arrays (or anything da.asarray takes).

    Returns a dask array, or a tuple of them for several outputs. Core
    dimensions are rechunked whole, stack axes as described in the module
    doc; ``output_sizes`` maps output-only dimension names to sizes."""
    uf = gufunc(name)
    if name in _OVERWRITE_INPUT:
        raise ValueError("%s writes its result into its input (numpy.linalg.qr reads "
                         "it there): not a function dask can run" % name)
    if len(args) != uf.nin:
        raise TypeError("%s takes %d arrays, %d given" % (name, uf.nin, len(args)))
    args = [da.asarray(a) for a in args]
    dtypes = uf.resolve_dtypes(tuple(a.dtype for a in args) + (None,) * uf.nout)
    return _apply(uf, args, uf, dtypes[uf.nin:], output_sizes, None)


# ------------------------------------------------------------ machinery --

# rows whose loop overwrites an input (numpy's qr_r_raw: the factors in a)
_OVERWRITE_INPUT = ("qr_r_raw_m", "qr_r_raw_n")


def _parse(signature):
    """Core dimension names (with their '?') per input and per output."""
    return tuple([tuple(d for d in group.replace(" ", "").split(",") if d)
                  for group in re.findall(r"\(([^)]*)\)", part)]
                 for part in signature.split("->"))


def _core_dims(signature, ndims):
    """Core dimension names per input and per output for inputs of these
    ndims, '?' resolved as numpy does: an input with fewer dimensions than
    its core drops its optional ones, from every operand."""
    ins, outs = _parse(signature)
    dropped = set()
    for dims, nd in zip(ins, ndims):
        if nd < len(dims):
            dropped.update(d[:-1] for d in dims if d.endswith("?"))

    def keep(dims):
        return tuple(d.rstrip("?") for d in dims if d.rstrip("?") not in dropped)
    return [keep(d) for d in ins], [keep(d) for d in outs]


def _merged(chunks, lo=MIN_STACK_CHUNK):
    """chunks with each one shorter than lo merged into its neighbour."""
    out = []
    for c in chunks:
        if out and out[-1] < lo:
            out[-1] += c
        else:
            out.append(c)
    if len(out) > 1 and out[-1] < lo:
        last = out.pop()
        out[-1] += last
    return tuple(out)


def _rechunked(args, ins):
    """Core axes whole; stack axes (aligned from the right, as numpy
    broadcasts) one chunking per axis, merged by _merged."""
    nloops = [max(a.ndim - len(c), 0) for a, c in zip(args, ins)]
    width = max(nloops)
    common = {}
    for a, nl in zip(args, nloops):
        for ax in range(nl):
            if a.shape[ax] > 1:
                common.setdefault(width - nl + ax, _merged(a.chunks[ax]))
    out = []
    for a, nl in zip(args, nloops):
        chunks = [common[width - nl + ax] if a.shape[ax] > 1 else -1
                  for ax in range(nl)] + [-1] * (a.ndim - nl)
        out.append(a.rechunk(tuple(chunks)))
    return out


def _apply(uf, args, func, out_dtypes, output_sizes, signature):
    """apply_gufunc(func) for the ufunc uf's signature; func is uf itself
    or a block function around it (called with signature=)."""
    ins, outs = _core_dims(uf.signature, [a.ndim for a in args])
    new = sorted(set(d for o in outs for d in o) - set(d for i in ins for d in i))
    missing = [d for d in new if d not in (output_sizes or {})]
    if missing:
        raise ValueError("%s: output_sizes must give the size of the output-only "
                         "dimension(s) %s" % (uf.__name__, ", ".join(missing)))
    if not new:
        # numpy's own checks (core sizes, dimensions, types) now, not in a
        # worker: one call on the core shapes with an empty stack (operands
        # that drop optional dimensions as they are)
        probe = []
        for a, c, raw in zip(args, ins, _parse(uf.signature)[0]):
            nl = max(a.ndim - len(c), 0)
            lead = (0,) * (nl + 1) if a.ndim >= len(raw) else ()
            probe.append(np.zeros(lead + a.shape[nl:], a.dtype))
        uf(*probe, **({"signature": signature} if signature else {}))
    sig = ",".join("(%s)" % ",".join(d) for d in ins) + "->" + \
        ",".join("(%s)" % ",".join(d) for d in outs)
    # meta given, not output_dtypes: dask would cast the first input's meta
    # (a ComplexWarning for eigh's real w of a complex stack)
    metas = tuple(np.empty((0,), d) for d in out_dtypes)
    return da.apply_gufunc(func, sig, *_rechunked(args, ins),
                           meta=metas if uf.nout > 1 else metas[0],
                           output_sizes=output_sizes, vectorize=False)


def _linalg_block(uf, signature, dtypes, message, *blocks):
    """One chunk as numpy.linalg computes it: signature= (double/cdouble),
    LinAlgError(message) when the loop flags a failure, results cast."""
    def failed(err, flag):
        raise np.linalg.LinAlgError(message)
    ctx = (np.errstate(call=failed, invalid="call", over="ignore", divide="ignore",
                       under="ignore") if message else contextlib.nullcontext())
    with ctx:
        res = uf(*blocks, signature=signature)
    if uf.nout == 1:
        return res.astype(dtypes[0], copy=False)
    return tuple(r.astype(d, copy=False) for r, d in zip(res, dtypes))


def _linalg(name, args, message=None):
    """numpy.linalg's recipe: _commonType, the loop computing in double or
    cdouble (the ufunc's type entry starting with that char), outputs cast to
    the inputs' precision."""
    complex_, single = False, True
    for a in args:
        if issubclass(a.dtype.type, np.inexact):
            if a.dtype.type not in (np.float32, np.float64, np.complex64, np.complex128):
                raise TypeError("array type %s is unsupported in linalg" % a.dtype.name)
            complex_ |= issubclass(a.dtype.type, np.complexfloating)
            single &= a.dtype.type in (np.float32, np.complex64)
        else:
            single = False
    uf = gufunc(name)
    signature = next(t for t in uf.types if t[0] == ("D" if complex_ else "d"))
    chars = signature.split("->")[1]
    dtypes = tuple(np.dtype({"d": "f", "D": "F"}[c]) if single else np.dtype(c)
                   for c in chars)
    func = functools.partial(_linalg_block, uf, signature, dtypes, message)
    return _apply(uf, args, func, dtypes, None, signature)


def _stacked(a, square=True):
    """da.asarray(a) after numpy.linalg's _assert_stacked_2d/_square."""
    a = da.asarray(a)
    if a.ndim < 2:
        raise np.linalg.LinAlgError("%d-dimensional array given. Array must be "
                                    "at least two-dimensional" % a.ndim)
    if square and a.shape[-1] != a.shape[-2]:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
    return a


# -------------------------------------------------------------- wrappers --

def inv(a):
    """numpy.linalg.inv over a dask stack (..., m, m)."""
    return _linalg("inv", [_stacked(a)], "Singular matrix")


def solve(a, b):
    """numpy.linalg.solve: b (..., m, k), or (..., m) when b.ndim == a.ndim - 1."""
    a, b = _stacked(a), da.asarray(b)
    return _linalg("solve1" if b.ndim == a.ndim - 1 else "solve", [a, b], "Singular matrix")


def det(a):
    """numpy.linalg.det: (..., m, m) -> (...)."""
    return _linalg("det", [_stacked(a)])


def slogdet(a):
    """numpy.linalg.slogdet: (sign, logdet), two dask arrays."""
    return _linalg("slogdet", [_stacked(a)])


def eigh(a, UPLO="L"):
    """numpy.linalg.eigh: (w, v), eigenvalues ascending."""
    UPLO = UPLO.upper()
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return _linalg("eigh_lo" if UPLO == "L" else "eigh_up", [_stacked(a)],
                   "Eigenvalues did not converge")


def svd(a, full_matrices=True, compute_uv=True):
    """numpy.linalg.svd (without hermitian=): (u, s, vh), or s alone."""
    a = _stacked(a, square=False)
    m, n = a.shape[-2:]
    side = "m" if m < n else "n"
    name = "svd_%s%s" % (side, ("_f" if full_matrices else "_s") if compute_uv else "")
    return _linalg(name, [a], "SVD did not converge")


def matmul(a, b):
    """The library's matmul gufunc (numpy's matmul semantics, 1-d operands too)."""
    return apply("matmul", a, b)
