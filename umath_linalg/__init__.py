"""umath_linalg: numpy's linear-algebra gufunc loops as a plain C library,
driven from PyPy and CPython through cffi with one C call per Python call.

    import umath_linalg as ul
    ul.inv(a)                  # a: ndarray, cffi array, buffer or nested lists
    ul.inv(a, out=o)           # no allocation
    ul.solve(a, b); ul.det(a); ul.slogdet(a)
    ul.matmul(a, b)            # numpy's matmul: 1-d operands, stacks
    ul.matmul(a, ul.T(b))      # a transposed view: no copy (_views.py)
    g = ul.gufunc("inv"); g.signature, g.types, g(a)

Results come back in the kind of the inputs: ndarray for ndarray, the same
cffi array type for cffi arrays, a shaped memoryview for other buffers
(nested lists for complex results, which memoryview cannot hold), nested
lists for lists; 0-d results as scalars.  Mixed inputs give the highest kind
(ndarray > cffi > buffer > list).  Inputs are cast as numpy casts them
(int -> float64, bool -> float32 ...), with a copy; out= must have the
loop's exact type and the full broadcast shape, and is returned.  Stacks (..., m, m)
broadcast as numpy gufuncs do.  inv and solve raise LinAlgError("Singular
matrix") when a matrix is singular (the other matrices of the stack and
out= are written nonetheless, the singular ones NaN); det gives 0 and slogdet
(0, -inf) for those.
"""
from ._core import LinAlgError, ffi, lib, CData, _ctype_info, \
    _cffi_ctype_info
from ._gufunc import Gufunc, make_fast11, MISS
from ._views import View, T

__all__ = ["inv", "solve", "det", "slogdet", "matmul", "gufunc", "gufuncs",
           "plan", "LinAlgError", "Gufunc", "ffi", "lib", "T", "View"]

_shared = {}


def gufunc(name):
    """The Gufunc object of the table row called `name` (KeyError if none).

    The object has .name .signature .types .nin .nout .ntypes; singular
    matrices leave NaN outputs (numpy's raw gufunc behaviour).  Rows
    registered at run time (ul_gufunc_register, frompyfunc) work the same;
    such an object must not be called after its row is released."""
    row = lib.ul_gufunc_find(name.encode() if isinstance(name, str) else name)
    if row == ffi.NULL:
        _shared.pop(name, None)
        raise KeyError("no gufunc named %r in libumath_linalg" % (name,))
    g = _shared.get(name)
    if g is None or g._g != row:
        # (a row registered at run time may have been released and another
        # registered under the same name: never reuse a stale row)
        g = _shared[name] = Gufunc(row)
    return g


def gufuncs():
    """Names of every gufunc in the dispatch table, in table order."""
    n = lib.ul_gufunc_count()
    return [ffi.string(lib.ul_gufunc_at(i).name).decode() for i in range(n)]


def _raising(name):
    return Gufunc(lib.ul_gufunc_find(name.encode()), singular="raise")


_INV = _raising("inv")
_SOLVE = _raising("solve")
_SOLVE1 = _raising("solve1")
_DET = gufunc("det")
_SLOGDET = gufunc("slogdet")


inv = make_fast11(_INV, name="inv", doc="""Inverse of each matrix of a stack (..., m, m): inv(a, out=None).

    Raises LinAlgError("Singular matrix") if any matrix is singular (out=,
    if given, is written nonetheless: the singular matrices NaN).""")


def _ndim(x):
    if isinstance(x, CData):
        info = _ctype_info.get(ffi.typeof(x))
        if info is None:
            info = _cffi_ctype_info(ffi.typeof(x))
        return len(info[1])
    nd = getattr(x, "ndim", None)
    if nd is not None:
        return nd
    if isinstance(x, (list, tuple)):
        n = 0
        while isinstance(x, (list, tuple)):
            n += 1
            if not x:
                break
            x = x[0]
        return n
    try:
        return memoryview(x).ndim
    except (TypeError, AssertionError):     # (PyPy: see _core.to_operand)
        return 0


def solve(a, b, out=None):
    """Solve a x = b for x over stacks: a (..., m, m), b (..., m, n) or,
    when b has one dimension fewer than a (numpy 1.24's rule), (..., m).

    Raises LinAlgError("Singular matrix") if any matrix is singular."""
    r = _SOLVE.try_fast((a, b), out)
    if r is MISS:
        r = _SOLVE1.try_fast((a, b), out)
        if r is MISS:
            g = _SOLVE1 if _ndim(b) == _ndim(a) - 1 else _SOLVE
            r = g.call((a, b), out)
    return r


det = make_fast11(_DET, name="det", doc="""Determinant of each matrix of a stack (..., m, m): det(a, out=None).

    0 for a singular matrix, 1 for an empty (0 x 0) one.""")


def slogdet(a):
    """(sign, log|det|) of each matrix of a stack (..., m, m); (0, -inf)
    when singular."""
    return _SLOGDET(a)


_MATMUL = gufunc("matmul")


def matmul(a, b, out=None):
    """Matrix product of a and b as numpy's np.matmul: stacks (..., n, k) @
    (..., k, m) -> (..., n, m) broadcast on the outer dimensions; a 1-d a is
    a row vector and a 1-d b a column vector, and that dimension is not in
    the result ((k) @ (k) is a scalar).  float32, float64, complex64 and
    complex128 loops; other inputs are cast as for the other functions
    (integers -> float64, bool -> float32: numpy keeps those types).
    No conjugation.  out= must have the loop's type and the result's shape."""
    r = _MATMUL.try_fast((a, b), out)
    if r is MISS:
        r = _MATMUL.call((a, b), out)
    return r


def plan(f, *inputs, out):
    """A prepared call: p = plan(f, *inputs, out=outs), then p(*inputs,
    *outs) on arrays of the same cffi types, as often as needed.

    f is inv, solve, det, slogdet, matmul or any Gufunc (gufunc(name));
    inputs and out (one array, or a tuple of every output) are cffi arrays
    of fixed size whose types match one of f's loops exactly (no casting:
    double for the float64 loop).  Everything a call checks (types, core
    dims, broadcasting, out='s shape) is checked here, once, with the same
    errors; nothing is run.  p(...) then takes new arrays of exactly those
    cffi types (a TypeError otherwise), writes the outputs in place and
    returns None, in one C call: no cache lookup, no validation in C (the
    cheapest call the library has; the fast path of inv(a, out=o) does a
    little more).  Singular matrices raise as f does (LinAlgError from
    inv and solve; det gives 0).  For a filter step:

        ffi = umath_linalg.ffi
        P = ffi.new("double[10][10]"); Pinv = ffi.new("double[10][10]")
        inv_P = umath_linalg.plan(umath_linalg.inv, P, out=Pinv)
        for step in ...:
            ...             # update P in place
            inv_P(P, Pinv)  # Pinv = inverse of P
    """
    outs = out if isinstance(out, tuple) else (out,)
    if f is solve:
        f = _SOLVE1 if _ndim(inputs[1]) == _ndim(inputs[0]) - 1 else _SOLVE
    g = f if isinstance(f, Gufunc) else getattr(f, "gufunc", None)
    if g is None and f is slogdet:
        g = _SLOGDET
    if g is None and f is matmul:
        g = _MATMUL
    if not isinstance(g, Gufunc):
        raise TypeError("plan: %r is not a umath_linalg gufunc or function"
                        % (f,))
    return g.plan(inputs, outs)
