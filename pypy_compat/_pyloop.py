"""Python functions as gufunc loops: frompyfunc's pure-Python machinery.

A row of Python functions runs one of two ways:
- py_loop: the loop over the (broadcast) stack itself in Python, called
  by FrompyfuncGufunc._run after the shared operand handling (casting,
  outputs, shape checks), so PyPy's JIT compiles loop and function
  together;
- py_callback: a cffi callback that the registered C row calls per element
  or core block (C callers, numpy, and strides py_loop does not take).
Both hand the function CoreArray views (or scalars) over the operands.
"""
from umath_linalg import ffi

__all__ = ["CoreArray", "assign", "py_loop", "py_callback"]


# ----------------------------------------------------- arrays for Python
class CoreArray(object):
    """A C-contiguous array over one core block, handed to Python functions.

    .flat is the typed cffi pointer itself (flat[i] reads and writes item
    i); .shape, .size, .ndim, .dtype; a[i] / a[i, j] index like numpy
    (a[i] on a 2-d array is a row view); a[()] is the item of a 0-d array;
    len(a), iteration and tolist()."""
    __slots__ = ("flat", "shape", "size", "ndim", "dtype", "_strides")

    def __init__(self, ptr, shape, dt):
        self.flat = ptr
        self.shape = shape
        self.ndim = len(shape)
        n = 1
        strides = []
        for s in reversed(shape):
            strides.append(n)
            n *= s
        strides.reverse()
        self.size = n
        self._strides = tuple(strides)
        self.dtype = dt

    def _offset(self, idx):
        if not isinstance(idx, tuple):
            idx = (idx,)
        if len(idx) > self.ndim:
            raise IndexError("too many indices for an array of %d dimensions"
                             % self.ndim)
        off = 0
        for k, i in enumerate(idx):
            n = self.shape[k]
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError("index %d is out of bounds for axis %d with "
                                 "size %d" % (idx[k], k, n))
            off += i * self._strides[k]
        return off, len(idx)

    def __getitem__(self, idx):
        if idx is Ellipsis:
            idx = ()
        off, used = self._offset(idx)
        if used == self.ndim:
            return self.flat[off]
        return CoreArray(self.flat + off, self.shape[used:], self.dtype)

    def __setitem__(self, idx, value):
        if idx is Ellipsis:
            idx = ()
        off, used = self._offset(idx)
        if used == self.ndim:
            self.flat[off] = value
            return
        sub = CoreArray(self.flat + off, self.shape[used:], self.dtype)
        assign(sub, value)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        for i in range(self.shape[0]):
            yield self[i]

    def tolist(self):
        """Nested lists (a scalar for a 0-d array)."""
        if not self.shape:
            return self.flat[0]
        if self.ndim == 1:
            return [self.flat[i] for i in range(self.size)]
        return [row.tolist() for row in self]

    def __repr__(self):
        return "CoreArray(%r, dtype=%s)" % (self.tolist(), self.dtype.name)


def assign(arr, value):
    """Store value (a scalar, a CoreArray or nested sequences) into arr."""
    if isinstance(value, CoreArray):
        if value.shape != arr.shape:
            raise ValueError("could not broadcast shape %s into %s"
                             % (value.shape, arr.shape))
        for i in range(arr.size):
            arr.flat[i] = value.flat[i]
        return
    if not arr.shape:
        arr.flat[0] = value
        return
    if isinstance(value, (int, float, complex)):
        for i in range(arr.size):
            arr.flat[i] = value
        return
    value = list(value)
    if len(value) != arr.shape[0]:
        raise ValueError("a sequence of length %d cannot fill an axis of "
                         "length %d" % (len(value), arr.shape[0]))
    if arr.ndim == 1:
        for i, v in enumerate(value):
            arr.flat[i] = v
    else:
        for i, v in enumerate(value):
            assign(arr[i], v)


def _block(base, off, shape, strides, dt, contiguous, copy_in):
    """A CoreArray over the core block at base + off (element strides):
    in place when C-contiguous, else a packed copy (copy_in: with the
    block's values) and the list of its element offsets for writing
    back."""
    if contiguous:
        return CoreArray(base + off, shape, dt), None
    offs = [off]
    for n, st in zip(shape, strides):
        offs = [o + i * st for o in offs for i in range(n)]
    tmp = ffi.new(dt.cname + "[]", max(len(offs), 1))
    if copy_in:
        for t, o in enumerate(offs):
            tmp[t] = base[o]
    return CoreArray(ffi.cast(dt.cname + " *", tmp), shape, dt), (offs, tmp)


def py_loop(g, row, shapes, strides, ptrs):
    """Runs Python func over the operands (driver-checked shapes, byte
    strides, data pointers) in Python. False if a stride is not a multiple
    of its item size (the C loop then runs instead)."""
    func, dts, stack = row
    nin, nops = g.nin, g.nops
    cnd = g._core_nd
    bases = []
    es = []
    for i in range(nops):
        isz = dts[i].itemsize
        if any(st % isz for st in strides[i]):
            return False
        bases.append(ffi.cast(dts[i].cname + " *", ptrs[i]))
        es.append([st // isz for st in strides[i]])
    outer = shapes[nin][:len(shapes[nin]) - cnd[nin]]
    od = len(outer)
    ostr = []
    cshape = []
    cstr = []
    contig = []
    for i in range(nops):
        sh = shapes[i]
        no = len(sh) - cnd[i]
        o = [0] * od
        for j in range(no):
            if sh[j] != 1:
                o[od - no + j] = es[i][j]
        ostr.append(o)
        cs = sh[no:]
        cst = es[i][no:]
        cshape.append(cs)
        cstr.append(cst)
        expect = 1
        ok = True
        for n, st in zip(reversed(cs), reversed(cst)):
            if n != 1 and st != expect:
                ok = False
            expect *= n
        contig.append(ok or expect == 0)
    total = 1
    for n in outer:
        total *= n
    elementwise = not any(cnd)
    if elementwise and not stack and g.nout == 1 and od == 1:
        # the common case, kept tight for the JIT
        n = outer[0]
        o = bases[nin]
        so = ostr[nin][0]
        if nin == 1:
            a = bases[0]
            sa = ostr[0][0]
            for t in range(n):
                o[t * so] = func(a[t * sa])
            return True
        if nin == 2:
            a, b = bases[0], bases[1]
            sa, sb = ostr[0][0], ostr[1][0]
            for t in range(n):
                o[t * so] = func(a[t * sa], b[t * sb])
            return True
    offs = [0] * nops
    idx = [0] * od
    for _ in range(total):
        if elementwise:
            ins = [bases[i][offs[i]] for i in range(nin)]
            if stack:
                outs = [CoreArray(bases[j] + offs[j], (), dts[j])
                        for j in range(nin, nops)]
                func(*(ins + outs))
            else:
                r = func(*ins)
                if nops - nin == 1:
                    bases[nin][offs[nin]] = r
                else:
                    for j, v in enumerate(r):
                        bases[nin + j][offs[nin + j]] = v
        else:
            arrs = []
            backs = []
            for i in range(nops):
                arr, back = _block(bases[i], offs[i], cshape[i], cstr[i],
                                   dts[i], contig[i], i < nin)
                arrs.append(arr)
                backs.append(back)
            if stack:
                func(*arrs)
            else:
                r = func(*arrs[:nin])
                if nops - nin == 1:
                    assign(arrs[nin], r)
                else:
                    for j, v in enumerate(r):
                        assign(arrs[nin + j], v)
            for j in range(nin, nops):
                if backs[j] is not None:
                    wo, tmp = backs[j]
                    for t, o in enumerate(wo):
                        bases[j][o] = tmp[t]
        d = od - 1
        while d >= 0:
            idx[d] += 1
            for i in range(nops):
                offs[i] += ostr[i][d]
            if idx[d] < outer[d]:
                break
            for i in range(nops):
                offs[i] -= ostr[i][d] * outer[d]
            idx[d] = 0
            d -= 1
    return True



def py_callback(func, dts, nin, nout, stack_inputs, core, ndims, errors,
                 pointers):
    """A cffi callback running Python func for one row, in the C calling
    convention of the gufunc: typed scalars (element-wise, pointers False:
    out = f(*ins) or f(*ins, *out_ptrs)) or pointers to every operand's
    block then the core sizes (pointers True; core None for element-wise
    rows, else each operand's core dimension indices into the sizes)."""
    nargs = nin + nout

    def onerror(exc_type, exc_value, tb):
        errors.append(exc_value if exc_value is not None else exc_type())
        return None

    if not pointers:
        if not stack_inputs:
            ctype = "%s(%s)" % (dts[nin].cname,
                                ", ".join(d.cname for d in dts[:nin]))
            return ffi.callback(ctype, func, onerror=onerror)
        ctype = "void(%s)" % ", ".join([d.cname for d in dts[:nin]] +
                                       [d.cname + " *" for d in dts[nin:]])

        def cb(*a):
            outs = [CoreArray(a[j], (), dts[j]) for j in range(nin, nargs)]
            func(*(list(a[:nin]) + outs))
        return ffi.callback(ctype, cb, onerror=onerror)
    ptr_types = [ffi.typeof(d.cname + " *") for d in dts]
    ctype = "void(%s)" % ", ".join(["void *"] * nargs + ["ptrdiff_t"] * ndims)
    cast = ffi.cast
    if core is None:
        if stack_inputs:
            def cb(*p):
                ins = [cast(ptr_types[i], p[i])[0] for i in range(nin)]
                outs = [CoreArray(cast(ptr_types[j], p[j]), (), dts[j])
                        for j in range(nin, nargs)]
                func(*(ins + outs))
        else:
            def cb(*p):
                ins = [cast(ptr_types[i], p[i])[0] for i in range(nin)]
                r = func(*ins)
                if nout == 1:
                    cast(ptr_types[nin], p[nin])[0] = r
                else:
                    for j, v in enumerate(r):
                        cast(ptr_types[nin + j], p[nin + j])[0] = v
    else:
        def arrays(p):
            sizes = p[nargs:]
            return [CoreArray(cast(ptr_types[i], p[i]),
                              tuple(sizes[d] for d in core[i]), dts[i])
                    for i in range(nargs)]
        if stack_inputs:
            def cb(*p):
                func(*arrays(p))
        else:
            def cb(*p):
                arrs = arrays(p)
                r = func(*arrs[:nin])
                if nout == 1:
                    assign(arrs[nin], r)
                else:
                    for j, v in enumerate(r):
                        assign(arrs[nin + j], v)
    return ffi.callback(ctype, cb, onerror=onerror)
