"""pypy_compat.dtype: the minimal numpy-like dtype of frompyfunc's dtypes
lists.  Every field, and every spelling dtype() accepts, comes from
umath_linalg._dtypes (the loop types' records)."""
from umath_linalg import _dtypes as _dt

__all__ = ["dtype"]


class dtype(object):
    """A minimal numpy-like dtype for frompyfunc's dtypes lists.

    dtype(float), dtype(int), dtype('float32'), dtype('D'), dtype(np.int32)
    ... Attributes: name, char (numpy's type char), num (numpy's type
    number), itemsize, kind. Compares equal to dtypes of the same type and to
    their name or char."""
    __slots__ = ("name", "char", "num", "itemsize", "kind", "letter", "cname")

    # every field, and what dtype() accepts, comes from umath_linalg._dtypes
    _ALIASES = {}
    _BY_NAME = {}
    _BY_NUM = {}

    def __new__(cls, spec):
        if isinstance(spec, dtype):
            return spec
        key = spec
        if not isinstance(spec, (str, type)) or \
                getattr(spec, "__module__", "") == "numpy":
            # numpy dtypes and scalar types: their name
            name = getattr(spec, "name", None)
            if name is None and isinstance(spec, type):
                name = getattr(spec, "__name__", None)
            key = name
        if isinstance(key, type) or isinstance(key, str):
            key = cls._ALIASES.get(key, key)
        d = cls._BY_NAME.get(key)
        if d is None:
            raise TypeError("dtype %r is not supported (use bool, int32, "
                            "int64, float32, float64, complex64 or "
                            "complex128)" % (spec,))
        return d

    @classmethod
    def _make(cls, rec):
        self = object.__new__(cls)
        for k in cls.__slots__:
            setattr(self, k, getattr(rec, k))
        return self

    def __eq__(self, other):
        if isinstance(other, dtype):
            return self is other
        try:
            return dtype(other) is self
        except TypeError:
            return NotImplemented

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self):
        return hash(self.name)

    def __reduce__(self):
        return (dtype, (self.name,))

    def __repr__(self):
        return "dtype(%r)" % self.name

    __str__ = lambda self: self.name


for _rec in _dt.LOOP_TYPES:         # (table order: dtypes=['match'] rows)
    _d = dtype._make(_rec)
    dtype._BY_NAME[_d.name] = _d
    dtype._BY_NUM[_d.num] = _d
    for _s in _rec.spellings:
        dtype._ALIASES[_s] = _d.name
del _rec, _d, _s
