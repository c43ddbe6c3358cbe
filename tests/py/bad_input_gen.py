"""Operands for test_bad_input.py: a random matrix (or vector, or stack)
value in one of many containers, good and bad, each with what numpy would
see.

gen_operand(rng, shape) returns (obj, value, verdict):
  value    the nested lists of Python numbers the operand holds (None when
           it holds no numbers numpy could use)
  verdict  "ok" (numpy takes it: a call must succeed or raise a Python
           error it would raise too, and a result must match value's),
           "bad" (numpy rejects it: a Python exception is required), or
           "any" (either, but a result must match value's).
"""
import array
import ctypes
import math

from umath_linalg import ffi
import umath_linalg as ul

try:
    import numpy as np
except ImportError:         # PyPy
    np = None

CFFI_GOOD = ["double", "float", "double _Complex", "float _Complex", "int",
             "short", "long long", "unsigned char", "_Bool", "int8_t"]
CFFI_BAD = ["char", "long double", "double *", "void *"]
CTYPES_GOOD = [ctypes.c_double, ctypes.c_float, ctypes.c_int8,
               ctypes.c_int16, ctypes.c_int32, ctypes.c_int64,
               ctypes.c_uint8, ctypes.c_uint32, ctypes.c_bool]
CTYPES_BAD = [ctypes.c_char, ctypes.c_void_p, ctypes.c_longdouble]
MV_GOOD = "bBhHiIlLqQfd"
NP_GOOD = ["float64", "float32", "complex64", "complex128", "int8", "uint64",
           "float16", "bool", "int32"]
NP_BAD = ["object", "U2", "datetime64[s]", "timedelta64[s]", "V8"]


def shape_of(v):
    s = []
    while isinstance(v, list):
        s.append(len(v))
        if not v:
            break
        v = v[0]
    return tuple(s)


def flat(v):
    if isinstance(v, list):
        return [x for e in v for x in flat(e)]
    return [v]


def nest(values, shape):
    if not shape:
        return values[0]
    step = len(values) // shape[0] if shape[0] else 0
    return [nest(values[i * step:(i + 1) * step], shape[1:])
            for i in range(shape[0])]


def mapv(f, v):
    return [mapv(f, e) for e in v] if isinstance(v, list) else f(v)


def rand_value(rng, shape, kind):
    """Diagonally dominant square cores (well conditioned), others any."""
    def elem(idx):
        i, j = (idx[-2], idx[-1]) if len(idx) >= 2 else (0, 1)
        n = shape[-1] if shape else 1
        x = n + 1 + rng.random() if i == j else rng.uniform(-1, 1)
        if kind == "int":
            return int(round(x * 2))
        if kind == "bool":
            return i == j
        if kind == "complex":
            return complex(x, rng.uniform(-1, 1))
        return x

    def build(prefix, rest):
        if not rest:
            return elem(prefix)
        return [build(prefix + (k,), rest[1:]) for k in range(rest[0])]
    return build((), tuple(shape))


def _fill_cffi(ctype, shape, value):
    cdecl = ctype + "".join("[%d]" % s for s in shape) if shape else ctype + "[1]"
    obj = ffi.new(cdecl)
    vals = flat(value)
    if not shape:
        obj[0] = vals[0]
        return obj
    flatp = ffi.cast(ctype + " *", obj)
    for k, x in enumerate(vals):
        flatp[k] = x
    return obj


def _ctypes_array(ct, shape, value):
    t = ct
    for s in reversed(shape):
        t = t * s
    obj = t()
    base = ctypes.cast(ctypes.pointer(obj), ctypes.POINTER(ct))
    for k, x in enumerate(flat(value)):
        base[k] = x
    return obj


def _f32(x):
    return float(ffi.cast("float", x))


def as_int(v, unsigned=False):
    return mapv(lambda x: abs(int(x.real if isinstance(x, complex) else x))
                if unsigned else int(x.real if isinstance(x, complex) else x), v)


def good_container(rng, value, shape):
    """(obj, value as held, verdict) for a container numpy accepts."""
    cplx = any(isinstance(x, complex) for x in flat(value))
    choice = rng.randrange(9 if np is not None else 7)
    if choice == 0:
        return value, value, "ok"
    if choice == 1:
        return mapv(lambda x: x, [tuple(r) if isinstance(r, list) else r
                                   for r in value]) if shape else value, value, "ok"
    if choice == 2 and shape:       # cffi array of a numeric C type
        ct = rng.choice(CFFI_GOOD)
        v = value
        if "_Complex" not in ct:
            v = mapv(lambda x: x.real if isinstance(x, complex) else x, v)
        else:               # numpy's reference then runs the complex path
            v = mapv(complex, v)
        if ct in ("int", "short", "long long", "int8_t"):
            v = as_int(v)
        elif ct in ("unsigned char",):
            v = as_int(v, unsigned=True)
        elif ct == "_Bool":
            v = mapv(bool, v)
        elif ct == "float":
            v = mapv(_f32, v)
        elif ct == "float _Complex":
            v = mapv(lambda x: complex(_f32(complex(x).real),
                                       _f32(complex(x).imag)), v)
        return _fill_cffi(ct, shape, v), v, "ok"
    if choice == 3 and shape and all(shape) and not cplx:
        ct = rng.choice(CTYPES_GOOD)
        v = value
        if ct in (ctypes.c_int8, ctypes.c_int16, ctypes.c_int32, ctypes.c_int64):
            v = as_int(v)
        elif ct in (ctypes.c_uint8, ctypes.c_uint32):
            v = as_int(v, unsigned=True)
        elif ct is ctypes.c_bool:
            v = mapv(bool, v)
        elif ct is ctypes.c_float:
            v = mapv(lambda x: ctypes.c_float(x).value, v)
        return _ctypes_array(ct, shape, v), v, "ok"
    if choice == 4 and shape and all(shape) and not cplx:
        fmt = rng.choice(MV_GOOD)
        v = value
        if fmt not in "fd":
            v = as_int(v, unsigned=fmt.isupper())
            lim = 1 << (8 * array.array(fmt).itemsize - (0 if fmt.isupper() else 1))
            v = mapv(lambda x: x % lim if fmt.isupper() else
                     (x + lim) % (2 * lim) - lim, v)
        a = array.array(fmt, flat(v))
        if fmt == "f":
            v = nest(list(a), shape)
        mv = memoryview(a)
        if rng.random() < 0.5:          # read-only: a bytes copy
            mv = memoryview(bytes(mv)).cast(fmt)
        return mv.cast("B").cast(fmt, shape), v, "ok"
    if choice == 5 and len(shape) == 1 and shape[0] and not cplx:
        a = array.array("d", [float(x) for x in flat(value)] * 2)
        step = rng.choice([-1, 2, -2])
        mv = memoryview(a)[::step][:shape[0]]
        return mv, nest(list(mv), shape), "ok"
    if choice == 6 and len(shape) == 2 and all(shape):     # transposed view
        tv = [list(r) for r in zip(*value)] if len(shape) == 2 else None
        if tv is not None:
            return ul.T(tv), value, "ok"
    if choice >= 7 and np is not None:
        dt = rng.choice(NP_GOOD)
        if cplx and not dt.startswith("complex"):
            dt = "complex128"
        if dt.startswith("u"):
            value = as_int(value, unsigned=True)
        a = np.array(value, dtype=dt).reshape(shape)
        if a.ndim >= 1 and rng.random() < 0.5:
            a = a[..., ::-1].copy()[..., ::-1]       # negative strides
        if a.ndim >= 2 and rng.random() < 0.3:
            a = np.asfortranarray(a)
        if rng.random() < 0.3:
            a.flags.writeable = False
        return a, a.tolist(), "ok"
    return value, value, "ok"


def bad_container(rng, value, shape):
    """(obj, value, verdict) for inputs numpy rejects, or odd ones."""
    v = value
    choice = rng.randrange(16)
    if choice == 0:
        return [[1.0, 2.0], [3.0]], None, "bad"
    if choice == 1:
        return [[1.0, 2.0], [3.0, [4.0]]], None, "bad"
    if choice == 2:
        if rng.random() < 0.2:      # bytes are a buffer of uint8
            return b"\x03\x01", [3, 1], "any"
        return rng.choice(["ab", "", [["1", "2"], ["3", "4"]], [[b"x"]]]), None, "bad"
    if choice == 3:
        return rng.choice([None, [[None, 1.0], [1.0, 1.0]], {}, object(),
                           [[1.0, object()], [1.0, 1.0]], set()]), None, "bad"
    if choice == 4:                 # deep nesting of a valid core
        depth = rng.choice([3, 20, 70, 3000])
        obj = v
        for _ in range(depth):
            obj = [obj]
        return (obj, obj, "any") if depth < 60 else (obj, None, "bad")
    if choice == 5:
        big = rng.choice([2 ** 64, 2 ** 70, -2 ** 63 - 1, 10 ** 400])
        obj = [[big, 0], [0, 1]]
        try:
            return obj, mapv(float, obj), "any"
        except OverflowError:
            return obj, None, "bad"
    if choice == 6:
        return rng.choice([True, 1j, 3, -2.5, 2 ** 80]), None, "any"
    if choice == 7 and shape:
        # C's char is a small integer here (_dtypes.SMALLINT), long double not
        ct = rng.choice(CFFI_BAD[:2])
        obj = ffi.new(ct + "".join("[%d]" % d for d in shape))
        return (obj, mapv(lambda x: 0, v), "any") if ct == "char" else (obj, None, "bad")
    if choice == 8:
        if rng.random() < 0.2:
            return ffi.new("double[]", 0), None, "any"    # empty: fine
        if rng.random() < 0.2:      # C chars are small integers here
            return ffi.new("char[]", b"ab"), [97, 98, 0], "any"
        return ffi.new(rng.choice(["double *", "int *"])), None, "bad"
    if choice == 9 and shape and all(shape):
        ct = rng.choice(CTYPES_BAD)
        return _ctypes_array(ct, shape, mapv(lambda x: ct(0).value, v)), None, "bad"
    if choice == 10:
        return memoryview(b"abcdefgh").cast("c"), None, "any"
    if choice == 11:
        return memoryview(bytes(16)).cast("?", [4, 4]), [[False] * 4] * 4, "any"
    if choice == 12 and np is not None:
        try:
            return np.zeros(shape or (2, 2), dtype=rng.choice(NP_BAD)), None, "bad"
        except TypeError:
            return None, None, "bad"
    if choice == 13:
        return [[math.nan, math.inf], [1.0, -math.inf]], None, "any"
    if choice == 14:
        return rng.choice([[], [[]], [[], []], [[[]]]]), None, "any"
    return [[1.0, 2.0], "ab"], None, "bad"


def gen_operand(rng, shape, bad_rate=0.3):
    kind = rng.choice(["float", "float", "int", "bool", "complex"])
    value = rand_value(rng, shape, kind)
    if rng.random() < bad_rate:
        return bad_container(rng, value, shape)
    return good_container(rng, value, shape)
