"""Results: new outputs in the kind of the inputs, and how the caller gets
them (ndarray, cffi array, shaped memoryview, nested lists; 0-d results as
scalars)."""
from ._core import (ffi, _typeof, _new_noclear, _from_buffer, _numpy, _prod,
                    K_BUF, K_CFFI, K_NUMPY, K_LIST, TYPECHARS, CNAMES,
                    ITEMSIZE, FORMATS)


_ctype_cache = {}


def cffi_array_type(cname, shape):
    """The cffi ctype 'cname[d0][d1]...' (cached)."""
    key = (cname, shape)
    ct = _ctype_cache.get(key)
    if ct is None:
        ct = _typeof(cname + "".join("[%d]" % n for n in shape))
        _ctype_cache[key] = ct
    return ct


class _Result(object):
    """An output buffer of a given kind, and how to hand it to the caller."""
    __slots__ = ("kind", "type", "shape", "obj", "ptr")

    def __init__(self, kind, typenum, shape):
        self.kind = kind
        self.type = typenum
        self.shape = shape
        n = _prod(shape)
        if kind == K_NUMPY:
            np = _numpy()
            self.obj = np.empty(shape, dtype=TYPECHARS[typenum])
            self.ptr = _from_buffer("char[]", self.obj, require_writable=True)
        elif kind == K_CFFI and shape:
            self.obj = _new_noclear(cffi_array_type(CNAMES[typenum], shape))
            self.ptr = self.obj
        elif typenum in FORMATS:
            self.obj = bytearray(max(n, 1) * ITEMSIZE[typenum])
            self.ptr = _from_buffer("char[]", self.obj, require_writable=True)
        else:
            self.obj = _new_noclear(CNAMES[typenum] + "[]", max(n, 1))
            self.ptr = self.obj

    def value(self):
        """The result in its caller-facing kind."""
        kind = self.kind
        shape = self.shape
        if kind == K_NUMPY:
            return self.obj if shape else self.obj[()]
        if kind == K_CFFI and shape:
            return self.obj
        if type(self.obj) is bytearray:
            typed = ffi.cast(CNAMES[self.type] + " *", self.ptr)
            if not shape:
                return typed[0]
            n = _prod(shape)
            if kind == K_BUF:
                if n:
                    return memoryview(self.obj).cast(FORMATS[self.type], shape)
                return make_memoryview(b"", FORMATS[self.type], shape)
            return nest(ffi.unpack(typed, n), shape) if n else \
                _empty_nest(shape)
        if not shape:
            return self.obj[0]
        n = _prod(shape)
        if kind == K_BUF and self.type in FORMATS:
            return make_memoryview(ffi.buffer(self.obj, n * ITEMSIZE[self.type]),
                                   FORMATS[self.type], shape)
        return nest(ffi.unpack(self.obj, n) if n else [], shape)


def make_memoryview(raw, fmt, shape):
    """A C-contiguous memoryview of format fmt and shape over a copy of raw."""
    data = bytearray(raw)
    if 0 in shape:
        if shape[0] == 0 and 0 not in shape[1:]:
            size = struct_size(fmt)
            one = memoryview(bytearray(size * _prod(shape[1:]))).cast(
                fmt, (1,) + tuple(shape[1:]))
            return one[0:0]
        return memoryview(data).cast(fmt)
    return memoryview(data).cast(fmt, shape)


def struct_size(fmt):
    """Item size of a single-character struct format."""
    import struct
    return struct.calcsize(fmt)


def nest(flat, shape):
    """Nested lists of the given shape from a flat C-order list."""
    if not shape:
        return flat[0]
    if 0 in shape:
        return _empty_nest(shape)
    rows = flat
    for n in reversed(shape[1:]):
        rows = [rows[i:i + n] for i in range(0, len(rows), n)]
    return list(rows)


def _empty_nest(shape):
    if shape[0] == 0:
        return []
    return [_empty_nest(shape[1:]) for _ in range(shape[0])]


def result_kind(ops):
    """Kind of the results: the highest of the inputs' kinds."""
    k = K_LIST
    for op in ops:
        if op.kind > k:
            k = op.kind
    return k
