"""Operands: what every Python value becomes before it reaches the driver.

to_operand classifies a value (kind, type number from _dtypes, shape, byte
strides, data pointer; no copy unless unavoidable); cast_operand makes the
C-contiguous copy of the loop's type that a cast needs.  Also the names the
other modules share (ffi, lib, LinAlgError, the K_* kinds).

Operand kinds, in order of precedence for the kind of the results:
numpy ndarray > cffi array > buffer (memoryview, array.array, ...) > nested
list / scalar.
"""
import array as _array
import numbers
import sys

from . import _dtypes as _dt
from ._ul import ffi, lib

NULL = ffi.NULL
CData = ffi.CData
_typeof = ffi.typeof
_new = ffi.new
_new_noclear = ffi.new_allocator(should_clear_after_alloc=False)
_from_buffer = ffi.from_buffer

K_LIST, K_BUF, K_CFFI, K_NUMPY = 0, 1, 2, 3

UL_OK = lib.UL_OK
UL_ESINGULAR = lib.UL_ESINGULAR

# Types come from the one table (_dtypes); these names are the lookups
# the operand code uses, bound once.
T_SMALLINT, T_UINT32, T_UINT64 = _dt.T_SMALLINT, _dt.T_UINT32, _dt.T_UINT64
T_BOOL, T_INT64 = _dt.BOOL.num, _dt.INT64.num
T_DOUBLE, T_CDOUBLE = _dt.FLOAT64.num, _dt.COMPLEX128.num
TYPECHARS = _dt.TYPECHARS
CNAMES = _dt.CNAMES
ITEMSIZE = _dt.ITEMSIZE
FORMATS = _dt.STRUCT_FORMATS        # memoryview formats
_ARRAY_CODES = _dt.ARRAY_CODES      # array.array codes
_PUT = _dt.PUT
_SAFE = _dt.SAFE
_CFFI_TYPES = _dt.BY_CNAME
_LITTLE = sys.byteorder == "little"


class LinAlgError(Exception):
    """Raised by linear-algebra functions on a numerically failed input
    (a singular matrix for inv/solve).  Same role and message as
    numpy.linalg.LinAlgError."""


def _numpy():
    """The numpy module if the caller has imported it (never imports it)."""
    return sys.modules.get("numpy")


# ---------------------------------------------------------------- operands
class Operand(object):
    """One operand as the driver sees it."""
    __slots__ = ("kind", "type", "shape", "strides", "ptr", "obj", "values",
                 "itemsize", "cname", "writable", "open_len")

    def __init__(self, kind, typenum, shape, strides, ptr, obj, values=None,
                 itemsize=0, cname=None, writable=True):
        self.kind = kind
        self.type = typenum
        self.shape = shape
        self.strides = strides
        self.ptr = ptr          # something cffi accepts as void* (or None)
        self.obj = obj          # keeps the memory alive
        self.values = values    # flat list (lists/scalars) when ptr is None
        self.itemsize = itemsize
        self.cname = cname
        self.writable = writable
        self.open_len = False   # a cffi 'T[]' array: its type has no length


def _c_strides(shape, itemsize):
    strides = []
    s = itemsize
    for n in reversed(shape):
        strides.append(s)
        s *= n if n > 0 else 1  # (an open length -1 is fixed up later)
    strides.reverse()
    return tuple(strides)


def _prod(shape):
    p = 1
    for n in shape:
        p *= n
    return p


_ctype_info = {}


def _cffi_ctype_info(ct):
    """(typenum, shape, strides, itemsize, cname) of a cffi array ctype."""
    info = _ctype_info.get(ct)
    if info is not None:
        return info
    shape = []
    t = ct
    while t.kind == "array":
        if t.length is None:
            if t is not ct:
                raise TypeError("cffi array %r has no known length"
                                % (ct.cname,))
            shape.append(-1)        # open array 'T[]': length from len(x)
        else:
            shape.append(t.length)
        t = t.item
    if t.kind != "primitive":
        if t.kind == "pointer" and t is ct:
            raise TypeError("cffi operand %r is a pointer and has no shape: "
                            "pass a cffi array (ffi.new('double[4][4]')) or "
                            "ffi.cast it to an array type" % (ct.cname,))
        raise TypeError("cffi operand %r: items must be numbers, not %s"
                        % (ct.cname, t.kind))
    typenum = _CFFI_TYPES.get(t.cname)
    if typenum is None:
        raise TypeError("cffi operand %r: unsupported item type %r"
                        % (ct.cname, t.cname))
    itemsize = ffi.sizeof(t)
    if typenum in ITEMSIZE and ITEMSIZE[typenum] != itemsize:
        typenum = _dt.int_type(True, itemsize)     # e.g. 'long' on ILP32
    shape = tuple(shape)
    info = (typenum, shape, _c_strides(shape, itemsize), itemsize, t.cname)
    _ctype_info[ct] = info
    return info


def _format_type(fmt, itemsize):
    f = fmt
    if f[:1] in ("@", "=") or (_LITTLE and f[:1] == "<") or \
            (not _LITTLE and f[:1] in (">", "!")):
        f = f[1:]
    t = _dt.BY_BUFFER_CODE.get(f)
    if t is not None:
        return t
    if f in _dt.SIGNED_BUFFER_CODES:
        return _dt.int_type(True, itemsize)
    if f in _dt.UNSIGNED_BUFFER_CODES:
        return _dt.int_type(False, itemsize)
    raise TypeError("unsupported buffer format %r (linalg needs float, double, "
                    "complex or integer items in native byte order)" % (fmt,))


MAX_NDIM = 64       # the driver's UL_MAX_NDIM (gufunc/ul_driver.h)


def _list_shape_values(x):
    """Shape and flat values of nested lists/tuples (or a scalar)."""
    if isinstance(x, (list, tuple)):
        shape = []
        t = x
        while isinstance(t, (list, tuple)):
            shape.append(len(t))
            if not t:
                break
            t = t[0]
        if len(shape) > MAX_NDIM:   # before _flatten recurses that deep
            raise ValueError("nested lists %d levels deep: an operand has at "
                             "most %d dimensions" % (len(shape), MAX_NDIM))
        shape = tuple(shape)
        flat = []
        _flatten(x, shape, 0, flat)
        return shape, flat
    if isinstance(x, (int, float, complex)):
        return (), [x]
    raise TypeError("operand of type %s is not an array: pass a numpy array, "
                    "a cffi array, a buffer (memoryview, array.array) or "
                    "nested lists of numbers" % type(x).__name__)


def _flatten(x, shape, depth, flat):
    n = shape[depth]
    if len(x) != n:
        raise ValueError("nested lists are ragged: length %d where %d was "
                         "expected at depth %d" % (len(x), n, depth))
    if depth == len(shape) - 1:
        flat.extend(x)          # items checked by _values_type
    else:
        for v in x:
            if not isinstance(v, (list, tuple)):
                raise ValueError("nested lists are ragged at depth %d" % depth)
            _flatten(v, shape, depth + 1, flat)


def _values_type(values):
    """The type numpy gives a list of these Python numbers: the highest of
    bool < int64 < float64 < complex128 (numpy's type numbers grow along
    this chain, so max() of numbers is the promotion)."""
    B, I, F, C = T_BOOL, T_INT64, T_DOUBLE, T_CDOUBLE
    t = B
    for v in values:
        tv = type(v)
        if tv is float:
            if t < F:
                t = F
        elif tv is bool:
            pass
        elif tv is int:
            if t < I:
                t = I
        elif tv is complex:
            t = C
        elif isinstance(v, bool):
            pass
        elif isinstance(v, int):
            if t < I:
                t = I
        elif isinstance(v, float):
            if t < F:
                t = F
        elif isinstance(v, complex):
            t = C
        elif isinstance(v, (list, tuple)):
            raise ValueError("nested lists are ragged: a sequence where a "
                             "number was expected")
        elif isinstance(v, numbers.Integral):       # numpy integer scalars
            if t < I:
                t = I
        elif isinstance(v, numbers.Real):
            if t < F:
                t = F
        elif isinstance(v, numbers.Complex):
            t = C
        else:
            raise TypeError("list item of type %s is not a number"
                            % type(v).__name__)
    if not values:
        t = F           # numpy: an empty list is float64
    return t


View = None     # umath_linalg._views.View (set there: it imports this)


def to_operand(x, writable=False, what="operand"):
    """Classify x and describe it (no copy unless unavoidable)."""
    if type(x) is Operand:
        if writable and not x.writable:
            raise ValueError("%s is read-only" % what)
        return x
    if type(x) is View:
        return x.operand(writable, what)
    if isinstance(x, CData):
        typenum, shape, strides, itemsize, cname = _cffi_ctype_info(_typeof(x))
        if shape and shape[0] < 0:          # 'double[]' of len(x) items
            shape = (len(x),) + shape[1:]
            strides = _c_strides(shape, itemsize)
            op = Operand(K_CFFI, typenum, shape, strides, x, x, None,
                         itemsize, cname)
            op.open_len = True              # its ctype cannot key a plan
            return op
        return Operand(K_CFFI, typenum, shape, strides, x, x, None, itemsize,
                       cname)
    np = _numpy()
    if np is not None and isinstance(x, np.ndarray):
        return _numpy_operand(np, x, writable)
    if isinstance(x, (list, tuple, int, float, complex)):
        if writable:
            raise TypeError("%s must be a writable array (numpy array, cffi "
                            "array or writable buffer), not %s"
                            % (what, type(x).__name__))
        shape, values = _list_shape_values(x)
        return Operand(K_LIST, _values_type(values), shape, None, None, x,
                       values, writable=False)
    try:
        mv = memoryview(x)
    except AssertionError as e:     # PyPy 7.3's ctypes: c_longdouble[2][2]
        raise TypeError("operand of type %s: its buffer cannot be read (%s)"
                        % (type(x).__name__, e))
    except TypeError:
        if np is not None and hasattr(x, "__array_interface__"):
            return _numpy_operand(np, np.asarray(x), writable)
        raise TypeError("operand of type %s is not an array: pass a numpy "
                        "array, a cffi array, a buffer (memoryview, "
                        "array.array) or nested lists of numbers"
                        % type(x).__name__)
    return _buffer_operand(mv, x, writable, what)


def _buffer_operand(mv, x, writable, what):
    if writable and mv.readonly:
        raise ValueError("%s is read-only" % what)
    typenum = _format_type(mv.format, mv.itemsize)
    shape = tuple(mv.shape)
    if mv.c_contiguous:
        ptr = _from_buffer("char[]", mv, require_writable=writable)
        strides = _c_strides(shape, mv.itemsize)
    else:
        if writable:
            raise ValueError("%s: a non-contiguous memoryview cannot be "
                             "written; pass a C-contiguous buffer" % what)
        data = bytearray(mv.tobytes())
        ptr = _from_buffer("char[]", data)
        strides = _c_strides(shape, mv.itemsize)
        x = data
    return Operand(K_BUF, typenum, shape, strides, ptr, (x, mv), None,
                   mv.itemsize, None, not mv.readonly)


def _numpy_type(dt):
    if not dt.isnative and dt.itemsize > 1:
        raise TypeError("array of non-native byte order %s is unsupported"
                        % (dt,))
    t = _dt.BY_NUMPY_KIND.get((dt.kind, dt.itemsize))
    if t is None:
        raise TypeError("array type %s is unsupported in linalg" % (dt.name,))
    return t


def _numpy_operand(np, a, writable):
    if writable and not a.flags.writeable:
        raise ValueError("output array is read-only")
    typenum = _numpy_type(a.dtype)
    try:
        ptr = _from_buffer("char[]", a, require_writable=writable)
    except (BufferError, ValueError, TypeError):
        ptr = ffi.cast("char *", a.__array_interface__["data"][0])
    return Operand(K_NUMPY, typenum, a.shape, a.strides, ptr, a, None,
                   a.itemsize, None, bool(a.flags.writeable))


# ----------------------------------------------------------- conversions
def flat_values(op):
    """The operand's items as a flat C-order Python list."""
    if op.values is not None:
        return op.values
    if type(op.obj) is View:
        return op.obj.values()
    n = _prod(op.shape)
    if op.kind == K_NUMPY:
        return op.obj.ravel().tolist()
    if op.kind == K_CFFI:
        if n == 0:
            return []
        return ffi.unpack(ffi.cast(op.cname + " *", op.obj), n)
    # buffer: op.ptr is C-contiguous (a private copy if the view was not)
    x, mv = op.obj
    if n == 0:
        return []
    if op.type in CNAMES and ITEMSIZE[op.type] == op.itemsize:
        return ffi.unpack(ffi.cast(CNAMES[op.type] + " *", op.ptr), n)
    return _flatten_nested(_native(mv).tolist(), len(op.shape))


_NATIVE_INTS = {1: "b", 2: "h", 4: "i", 8: "q"}


def _native(mv):
    """mv with a native single-character format, which tolist() needs
    (ctypes arrays say '<h', '<I' ...: standard sizes, explicit order)."""
    f = mv.format
    if len(f) == 2 and f[0] in "<>=!" and mv.c_contiguous and \
            f[1] in "bBhHiIlLqQ":
        code = _NATIVE_INTS.get(mv.itemsize, f[1])
        code = code.upper() if f[1].isupper() else code
        return mv.cast("B").cast(code, mv.shape)
    return mv


def _flatten_nested(x, ndim):
    if ndim <= 1:
        return list(x) if ndim == 1 else [x]
    out = []
    for v in x:
        out.extend(_flatten_nested(v, ndim - 1))
    return out


def cast_operand(op, typenum):
    """A new C-contiguous operand holding op's items as typenum."""
    if op.kind == K_NUMPY:
        np = _numpy()
        a = np.ascontiguousarray(op.obj, dtype=np.dtype(TYPECHARS[typenum]))
        res = _numpy_operand(np, a, False)
        return res
    values = flat_values(op)
    if typenum in _dt.REAL_FLOAT_NUMS and op.type in _dt.COMPLEX_NUMS:
        raise TypeError("cannot cast complex input to a real loop")
    cname = CNAMES[typenum]
    shape = op.shape
    n = len(values)
    put = _PUT.get(typenum)
    if put is not None:
        # A bytearray (GC memory: no raw-malloc pressure on PyPy) filled by
        # one C call that takes the Python list itself.
        buf = bytearray(max(n, 1) * ITEMSIZE[typenum])
        ptr = _from_buffer("char[]", buf)
        if n:
            try:
                put(ptr, values, n)
            except TypeError:
                put(ptr, [float(v) for v in values], n)
    elif typenum in _ARRAY_CODES:
        buf = _array.array(_ARRAY_CODES[typenum], [int(v) for v in values] or [0])
        ptr = _from_buffer("char[]", buf)
    else:
        buf = _new(cname + "[]", max(n, 1))
        if n:
            buf[0:n] = [complex(v) for v in values]
        ptr = buf
    return Operand(op.kind, typenum, shape,
                   _c_strides(shape, ITEMSIZE[typenum]), ptr, buf, None,
                   ITEMSIZE[typenum], cname)
