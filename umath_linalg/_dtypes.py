"""The one dtype table of the Python packages.

Every module of umath_linalg and pypy_compat takes type numbers, letters,
C type names, buffer formats and item sizes from here; none writes a numpy
type number itself.  The loop types' numbers are the library's own UL_BOOL,
UL_INT32 ... (umath_linalg.h), which are numpy's NPY_TYPES values.

Two sorts of record:
- loop types (LOOP_TYPES): the seven types a loop of the table or a
  frompyfunc row can have (bool, int32, int64, float32, float64,
  complex64, complex128);
- cast-only kinds: integer operands no loop takes, which only ever reach a
  loop after a cast (int8/16 and uint8/16; uint32; uint64).  Their numbers
  are negative, private to this package.
"""
from ._ul import lib


class DType(object):
    """One type as the Python layer sees it (fields None where they do not
    apply)."""
    __slots__ = (
        "num",          # numpy type number (negative: a cast-only kind)
        "name",         # numpy's name ('float64'); 'integer' for cast-only
        "char",         # numpy's type char ('d'), as in ufunc.types
        "kind",         # numpy's dtype.kind ('b' 'i' 'u' 'f' 'c')
        "itemsize",
        "cname",        # cffi C type name ('double _Complex')
        "letter",       # ul_ffi_gufunc_new's type letter ('?' 'i' 'q' ...)
        "struct",       # struct / memoryview.cast format; None for complex
        "array_code",   # array.array type code; None when there is none
        "put",          # lib.ulpy_put_* filling a C array from a list
        "real",         # the real type of a complex type (itself if real)
        "safe",         # nums this type casts to safely (numpy's can_cast)
        "buffer_codes",     # PEP 3118 formats that give this type
        "numpy_kinds",      # (dtype.kind, itemsize) pairs that give it
        "c_names",          # cffi C type names of this type
        "spellings",        # what pypy_compat.dtype() accepts for it
    )

    def __init__(self, **fields):
        for k in self.__slots__:
            setattr(self, k, fields.pop(k, None))
        if fields:
            raise TypeError("unknown DType fields %s" % sorted(fields))

    def __repr__(self):
        return "<DType %s %d>" % (self.name, self.num)

    @property
    def loop(self):
        """True for a type a loop can have."""
        return self.num >= 0


def _t(**f):
    return DType(**f)


# Internal cast-only kinds (never a loop type).
T_SMALLINT, T_UINT32, T_UINT64 = -2, -3, -4

BOOL = _t(num=lib.UL_BOOL, name="bool", char="?", kind="b", itemsize=1,
          cname="_Bool", letter="?", struct="?", buffer_codes=("?",),
          numpy_kinds=(("b", 1),), c_names=("_Bool", "bool"),
          spellings=(bool, "?", "b1", "bool_", "_Bool"))
INT32 = _t(num=lib.UL_INT32, name="int32", char="i", kind="i", itemsize=4,
           cname="int32_t", letter="i", struct="i", array_code="i",
           numpy_kinds=(("i", 4),), c_names=("int32_t", "int"),
           spellings=("i", "i4", "int32_t"))
INT64 = _t(num=lib.UL_INT64, name="int64", char="l", kind="i", itemsize=8,
           cname="int64_t", letter="q", struct="q", array_code="q",
           numpy_kinds=(("i", 8),),
           c_names=("int64_t", "long", "long long", "ssize_t", "ptrdiff_t",
                    "intptr_t"),
           spellings=(int, "int", "l", "q", "i8", "int64_t", "long",
                      "long long", "int64_t "))
FLOAT32 = _t(num=lib.UL_FLOAT, name="float32", char="f", kind="f",
             itemsize=4, cname="float", letter="f", struct="f",
             array_code="f", put=lib.ulpy_put_f, buffer_codes=("f",),
             numpy_kinds=(("f", 4),), c_names=("float",),
             spellings=("f", "f4", "single"))
FLOAT64 = _t(num=lib.UL_DOUBLE, name="float64", char="d", kind="f",
             itemsize=8, cname="double", letter="d", struct="d",
             array_code="d", put=lib.ulpy_put_d, buffer_codes=("d",),
             numpy_kinds=(("f", 8),), c_names=("double",),
             spellings=(float, "d", "f8", "float", "double"))
COMPLEX64 = _t(num=lib.UL_CFLOAT, name="complex64", char="F", kind="c",
               itemsize=8, cname="float _Complex", letter="F",
               buffer_codes=("Zf",), numpy_kinds=(("c", 8),),
               c_names=("float _Complex",),
               spellings=("F", "c8", "float _Complex"))
COMPLEX128 = _t(num=lib.UL_CDOUBLE, name="complex128", char="D", kind="c",
                itemsize=16, cname="double _Complex", letter="D",
                buffer_codes=("Zd",), numpy_kinds=(("c", 16),),
                c_names=("double _Complex",),
                spellings=(complex, "D", "c16", "complex", "double _Complex"))
SMALLINT = _t(num=T_SMALLINT, name="integer", kind="i",
              buffer_codes=("b", "B", "h", "H", "c"),
              numpy_kinds=(("i", 1), ("i", 2), ("u", 1), ("u", 2)),
              c_names=("char", "signed char", "unsigned char", "short",
                       "unsigned short", "int8_t", "uint8_t", "int16_t",
                       "uint16_t"))
UINT32 = _t(num=T_UINT32, name="integer", kind="u", itemsize=4,
            numpy_kinds=(("u", 4),), c_names=("unsigned int", "uint32_t"))
UINT64 = _t(num=T_UINT64, name="integer", kind="u", itemsize=8,
            numpy_kinds=(("u", 8),),
            c_names=("unsigned long", "unsigned long long", "uint64_t",
                     "size_t", "uintptr_t"))

# Table order is frompyfunc's dtypes=['match'] row order.
LOOP_TYPES = (BOOL, INT32, INT64, FLOAT32, FLOAT64, COMPLEX64, COMPLEX128)
ALL = LOOP_TYPES + (SMALLINT, UINT32, UINT64)

# numpy's safe casts among these (numpy.can_cast(from, to, 'safe')).
for _d, _to in (
        (BOOL, LOOP_TYPES),
        (SMALLINT, (INT32, INT64, FLOAT32, FLOAT64, COMPLEX64, COMPLEX128)),
        (INT32, (INT32, INT64, FLOAT64, COMPLEX128)),
        (UINT32, (INT64, FLOAT64, COMPLEX128)),
        (INT64, (INT64, FLOAT64, COMPLEX128)),
        (UINT64, (FLOAT64, COMPLEX128)),
        (FLOAT32, (FLOAT32, FLOAT64, COMPLEX64, COMPLEX128)),
        (FLOAT64, (FLOAT64, COMPLEX128)),
        (COMPLEX64, (COMPLEX64, COMPLEX128)),
        (COMPLEX128, (COMPLEX128,))):
    _d.safe = tuple(t.num for t in _to)
for _d in ALL:
    _d.real = _d
COMPLEX64.real = FLOAT32
COMPLEX128.real = FLOAT64
del _d, _to

BY_NUM = dict((d.num, d) for d in ALL)
BY_NAME = dict((d.name, d) for d in LOOP_TYPES)

# numpy's type chars of its other built-in types, for ufunc.types-style
# strings of rows a C caller registered with such types (numpy's NPY_TYPES
# values; the library has no loop for any of them).
_OTHER_NUMPY_CHARS = {1: "b", 2: "B", 3: "h", 4: "H", 6: "I", 8: "L", 9: "q",
                      10: "Q", 13: "g", 16: "G", 23: "e"}
TYPECHARS = dict(_OTHER_NUMPY_CHARS)
TYPECHARS.update((d.num, d.char) for d in LOOP_TYPES)


def _index(field):
    """{value: num} over every record's tuple field `field`."""
    out = {}
    for d in ALL:
        for v in getattr(d, field) or ():
            out[v] = d.num
    return out


# Derived lookups, keyed by type number unless said otherwise.
CNAMES = dict((d.num, d.cname) for d in LOOP_TYPES)
ITEMSIZE = dict((d.num, d.itemsize) for d in LOOP_TYPES)
STRUCT_FORMATS = dict((d.num, d.struct) for d in LOOP_TYPES if d.struct)
ARRAY_CODES = dict((d.num, d.array_code) for d in LOOP_TYPES if d.array_code)
PUT = dict((d.num, d.put) for d in LOOP_TYPES if d.put is not None)
SAFE = dict((d.num, d.safe) for d in ALL)
NAMES = dict((d.num, d.name) for d in LOOP_TYPES)
COMPLEX_NUMS = frozenset(d.num for d in LOOP_TYPES if d.kind == "c")
REAL_FLOAT_NUMS = frozenset(d.num for d in LOOP_TYPES if d.kind == "f")
SINGLE_NUMS = frozenset((FLOAT32.num, COMPLEX64.num))
BY_CNAME = _index("c_names")            # cffi C type name -> num
BY_BUFFER_CODE = _index("buffer_codes")     # PEP 3118 format -> num
BY_NUMPY_KIND = _index("numpy_kinds")       # (kind, itemsize) -> num
SIGNED_BUFFER_CODES = ("i", "l", "q", "n")      # sized by itemsize
UNSIGNED_BUFFER_CODES = ("I", "L", "Q", "N")


def int_type(signed, itemsize):
    """num of a native integer of itemsize bytes as operands see it."""
    if itemsize <= 2:
        return T_SMALLINT
    if signed:
        return INT32.num if itemsize == 4 else INT64.num
    return T_UINT32 if itemsize == 4 else T_UINT64


def tname(num):
    """numpy's name of a type for messages ('integer' for cast-only ones)."""
    d = BY_NUM.get(num)
    return d.name if d is not None else "integer"
