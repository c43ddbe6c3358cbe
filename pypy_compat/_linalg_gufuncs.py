"""How pypy_compat.linalg runs a gufunc of libumath_linalg on its arrays
(_linalg_arrays.Arr), as numpy's linalg.py does: the double or complex
double loop forced (numpy's signature='d->d'), inputs copied once into C
buffers of the loop's type, outputs into new C buffers, the whole stack in
one driver call; a failed matrix raises LinAlgError with the message numpy's
linalg.py gives for that family.  Rows are looked up by name on first use,
so the module imports with a library that lacks some of them.  Also numpy's
argument checks and _commonType, shared by the public functions.
"""
from umath_linalg._core import (ffi, lib, LinAlgError, Operand, K_BUF,
                                _c_strides, CNAMES, ITEMSIZE, _PUT, _prod)
from umath_linalg._gufunc import Gufunc
from ._linalg_arrays import (Arr, COMPLEX, F32, F64, C64, C128, REAL_OF,
                             isfinite)

_from_buffer = ffi.from_buffer
_unpack = ffi.unpack
_cast = ffi.cast
_GUFUNCS = {}

SINGULAR = "Singular matrix"
NONPOSDEF = "Matrix is not positive definite"
EIG_NONCONV = "Eigenvalues did not converge"
SVD_NONCONV = "SVD did not converge"
LSTSQ_NONCONV = "SVD did not converge in Linear Least Squares"
QR_ERROR = "Incorrect argument found while performing QR factorization"


def gufunc(name, raise_failed=True):
    """The Gufunc of table row `name` (NotImplementedError if the library
    has no such row)."""
    key = (name, raise_failed)
    g = _GUFUNCS.get(key)
    if g is None:
        row = lib.ul_gufunc_find(name.encode())
        if row == ffi.NULL:
            raise NotImplementedError(
                "this libumath_linalg has no gufunc %r (needed by "
                "pypy_compat.linalg)" % name)
        g = Gufunc(row, singular="raise" if raise_failed else "ignore")
        _GUFUNCS[key] = g
    return g


def has_gufunc(name):
    """True if the library's table has the row `name`."""
    return lib.ul_gufunc_find(name.encode()) != ffi.NULL


def _operand(a, t):
    """A C-contiguous buffer operand holding a's items as type t (an
    output's when a.data is empty)."""
    n = len(a.data)
    size = ITEMSIZE[t]
    put = _PUT.get(t)
    total = max(_prod(a.shape), 1)
    if put is not None:
        buf = bytearray(total * size)
        ptr = _from_buffer("char[]", buf)
        if n:
            try:
                put(ptr, a.data, n)
            except TypeError:
                put(ptr, [float(v) for v in a.data], n)
    else:
        buf = ffi.new(CNAMES[t] + "[]", total)
        ptr = buf
        if n:
            buf[0:n] = a.data
    return Operand(K_BUF, t, a.shape, _c_strides(a.shape, size), ptr, buf,
                   None, size, CNAMES[t])


def _read(op):
    n = _prod(op.shape)
    if not n:
        return Arr(op.type, op.shape, [])
    return Arr(op.type, op.shape,
               _unpack(_cast(op.cname + " *", op.ptr), n))


def run(name, ins, loop_types, message=SINGULAR, inputs_back=False):
    """Run row `name` on the Arrs ins with the loop of input types
    loop_types; the outputs as Arrs (and, with inputs_back, the inputs as
    the loop left them: qr_r_raw writes its input).  A failed matrix raises
    LinAlgError(message); message None leaves its outputs NaN."""
    g = gufunc(name, message is not None)
    loop_types = tuple(loop_types)
    ops = tuple(_operand(a, t) for a, t in zip(ins, loop_types))
    shapes = g.out_shapes(tuple(op.shape for op in ops))
    lout = g.select(loop_types)[2]
    outs = tuple(_operand(Arr(t, s, []), t) for t, s in zip(lout, shapes))
    try:
        g.call(ops, out=outs, loop_types=loop_types)
    except LinAlgError:
        raise LinAlgError(message)
    res = [_read(o) for o in outs]
    if inputs_back:
        return res, [_read(o) for o in ops]
    return res


# ------------------------------------------------------------ numpy's rules
def assert_stacked_2d(*arrays):
    for a in arrays:
        if a.ndim < 2:
            raise LinAlgError("%d-dimensional array given. Array must be at "
                              "least two-dimensional" % a.ndim)


def assert_2d(*arrays):
    for a in arrays:
        if a.ndim != 2:
            raise LinAlgError("%d-dimensional array given. Array must be "
                              "two-dimensional" % a.ndim)


def assert_stacked_square(*arrays):
    for a in arrays:
        m, n = a.shape[-2:]
        if m != n:
            raise LinAlgError("Last 2 dimensions of the array must be square")


def assert_finite(*arrays):
    for a in arrays:
        if not all(map(isfinite, a.data)):
            raise LinAlgError("Array must not contain infs or NaNs")


def is_empty_2d(a):
    return not a.data and _prod(a.shape[-2:]) == 0


def common_type(*arrays):
    """numpy's _commonType: (computation type, result type)."""
    single = True
    cplx = False
    for a in arrays:
        if a.t in COMPLEX:
            cplx = True
        if a.t not in (F32, C64):
            single = False
    if cplx:
        return C128, (C64 if single else C128)
    return F64, (F32 if single else F64)


def astype(a, t):
    """a as type t, rounded as numpy's astype rounds to single."""
    if t == F32 and a.t != F32:
        return Arr(t, a.shape, _round32([v.real if type(v) is complex else v
                                         for v in a.data]))
    if t == C64 and a.t != C64:
        d = a.data
        re = _round32([complex(v).real for v in d])
        im = _round32([complex(v).imag for v in d])
        return Arr(t, a.shape, [complex(x, y) for x, y in zip(re, im)])
    if t in (F64, F32) and a.t in COMPLEX:
        return Arr(t, a.shape, [v.real for v in a.data])
    if t in COMPLEX and a.t not in COMPLEX:
        return Arr(t, a.shape, [complex(v) for v in a.data])
    return Arr(t, a.shape, a.data)


def _round32(values):
    if not values:
        return []
    return _unpack(ffi.new("float[]", values), len(values))


def real_type(t):
    return REAL_OF.get(t, F64)
