"""PyPy's extended frompyfunc over libumath_linalg's run-time gufuncs.

    from pypy_compat import frompyfunc, dtype

    def times2(in_array, out_array):
        in_flat = in_array.flat
        out_flat = out_array.flat
        for i in range(in_array.size):
            out_flat[i] = in_flat[i] * 2
    ufunc = frompyfunc([times2, times2], 1, 1, signature='(i)->(i)',
                       dtypes=[dtype(int), dtype(int), dtype(float), dtype(float)],
                       stack_inputs=True)
    ufunc([1, 2, 3])                    # -> [2, 4, 6]

    hypot = frompyfunc(lib.hypot, 2, 1)  # a cffi function pointer: runs in C

frompyfunc(funcs, nin, nout, signature=None, dtypes=None, stack_inputs=False,
name=None, doc=None) returns a umath_linalg Gufunc (broadcasting over stacks,
out=, lists / buffers / cffi arrays / numpy arrays as operands, results in the
inputs' kind), whose row is registered in the library's table (so
umath_linalg.gufunc(name), ul_gufunc_find from C and
pypy_compat.numpy_backend.gufuncs() all see it) until the object is
released (.release(), or garbage collection).

funcs: one function or a list, one per row of dtypes. Each is either
  * a cffi function pointer (any FFI instance; or an int address; NULL, an
    address in the first page, a negative int or one wider than a pointer
    raise ValueError before anything is registered): the loop
    runs entirely in C through libffi (bridge/ul_ffi.c), with a direct-call
    fast path for double(double), double(double, double) and the float
    versions. Without a signature the C function takes the inputs by value
    and returns the output (stack_inputs=False) or takes pointers to the
    outputs after the inputs (stack_inputs=True). With a signature it is
    called once per core block with a pointer to each operand's C-contiguous
    core block, then each distinct core dimension's size as a ptrdiff_t (see
    umath_linalg.h, ul_ffi_gufunc_new).
  * a Python callable: when every function is one, the loop over the
    (broadcast) stack runs in Python, after the shared operand handling
    (casting, outputs, shape checks), so PyPy's JIT compiles loop and
    function together; the registered C row (for C callers and numpy)
    calls the function back through a cffi callback. Without a signature it gets
    scalars: out = f(*ins) (stack_inputs=False), or f(*ins, *outs) with each
    output a 0-d array to assign with out[()] = v or out.flat[0] = v. With a
    signature it gets arrays (.flat, .size, .shape, .ndim, .dtype, indexing,
    len, iteration, tolist()) over each core block: f(*ins, *outs) writes
    the outputs (stack_inputs=True), or the value(s) f(*ins) returns are
    stored into them (stack_inputs=False). An exception raised by f
    propagates (through the C row: re-raised after the call, the remaining
    elements having run).
dtypes: a flat list of nin+nout dtypes per function (pypy_compat.dtype,
  builtin int / float / complex / bool, numpy dtypes or type strings such as
  'float64', 'int32', 'd'), or ['match'] (each Python function gets a row for
  every supported type, outputs of the input type), or None: taken from the
  cffi function's C type, and float64 everywhere for a Python function.
Supported types: bool, int32, int64, float32, float64, complex64, complex128.

Here: the gufunc object and the building of its rows.  The loop machinery
for Python functions (CoreArray, the Python loop, the callbacks) is in
pypy_compat/_pyloop.py, the dtype class in pypy_compat/_dtype.py.
"""
import itertools
import mmap
import threading

import umath_linalg as ul
from umath_linalg import ffi, lib, _dtypes as _dt
from umath_linalg._gufunc import Gufunc
from pypy_compat._dtype import dtype
# (CoreArray stays importable from here, where it used to live)
from pypy_compat._pyloop import CoreArray, py_loop, py_callback  # noqa: F401

__all__ = ["frompyfunc", "dtype", "FrompyfuncGufunc"]

_CData = ffi.CData


# C type names of cffi function arguments -> type letters
_CTYPE_NAMES = dict((c, d.letter) for d in _dt.LOOP_TYPES for c in d.c_names)


# ------------------------------------------------------------ the object
class FrompyfuncGufunc(Gufunc):
    """A Gufunc whose row frompyfunc made (see the module docstring).

    Extra: .release() unregisters and frees the row (later calls raise);
    .is_direct(k) tells whether loop k calls its C function directly;
    .to_numpy() the real numpy.ufunc over the same loops (CPython with
    numpy)."""

    def __init__(self, row, keep, errors, pyrows=None, core=None):
        Gufunc.__init__(self, row)
        self._keep = keep           # cffi callbacks and buffers the row uses
        self._errors = errors       # exceptions raised inside callbacks
        self._released = False
        # Python loops: {row types: (func, dtypes, stack_inputs)} when every
        # function is a Python callable; each call then runs its loop in
        # Python (PyPy's JIT compiles it) after the shared operand handling
        # (casting, output allocation, shape checks) of Gufunc.call.
        self._pyrows = pyrows
        self._core_nd = [len(c) for c in core] if core else \
            [0] * (self.nin + self.nout)

    def _remember(self, *a):
        # Python rows run in _run below: no fast-path plan may skip it.
        if self._pyrows is None:
            Gufunc._remember(self, *a)

    def _run(self, p, ptrs):
        if self._pyrows is not None:
            nops = self.nops
            types = tuple(p.types[0:nops])
            ndims = p.ndims[0:nops]
            shapes = []
            strides = []
            pos = 0
            for nd in ndims:
                shapes.append(tuple(p.shapes[pos:pos + nd]))
                strides.append(tuple(p.strides[pos:pos + nd]))
                pos += nd
            if py_loop(self, self._pyrows[types], shapes, strides, ptrs):
                return lib.UL_OK
        return Gufunc._run(self, p, ptrs)

    def __call__(self, *args, out=None):
        if self._released:
            raise ValueError("frompyfunc gufunc %r was released" % self.name)
        errors = self._errors
        del errors[:]
        r = Gufunc.__call__(self, *args, out=out)
        if errors:
            exc = errors[0]
            del errors[:]
            raise exc
        return r

    def call(self, args, out=None, loop_types=None, kind=None):
        if self._released:
            raise ValueError("frompyfunc gufunc %r was released" % self.name)
        return Gufunc.call(self, args, out, loop_types, kind)

    def is_direct(self, k=0):
        """True if loop k calls its C function directly (no libffi)."""
        return lib.ul_ffi_gufunc_is_direct(self._g, k) == 1

    def to_numpy(self):
        """The numpy.ufunc over this row's loops (needs numpy; the ufunc
        must not be called after release())."""
        from pypy_compat import numpy_backend
        return numpy_backend.gufuncs()[self.name]

    def release(self):
        """Unregister and free the row. RuntimeError while a loop of it is
        running in another thread."""
        if self._released:
            return
        st = lib.ul_ffi_gufunc_release(self._g)
        if st == lib.UL_EBUSY:
            raise RuntimeError("frompyfunc gufunc %r is running in another "
                               "thread" % self.name)
        self._released = True
        # umath_linalg.gufunc(name) caches objects by name: drop one over
        # this row, so that the name can never reach the freed row.
        shared = getattr(ul, "_shared", None)
        if shared is not None:
            cached = shared.get(self.name)
            if cached is not None and cached._g == self._g:
                del shared[self.name]
        with _names_lock:
            _names.discard(self.name)
        self._keep = None

    def __del__(self):
        try:
            if not self._released:
                self.release()
        except Exception:
            pass

    def __repr__(self):
        return "<frompyfunc gufunc %r %s %s>" % (self.name, self.signature,
                                                 " ".join(self.types))


_names = set()
_names_lock = threading.Lock()
_counter = itertools.count(1)


# ------------------------------------------------------ building the rows
def _is_cffi_function(f):
    """A cffi function pointer (of any FFI instance) or an int address."""
    return isinstance(f, (_CData, int)) and not isinstance(f, bool)


# No C function lives in the first page (it is never mapped), and an int
# outside the pointer range would be wrapped silently by ffi.cast.
_PAGE = mmap.PAGESIZE
_ADDR_LIMIT = 1 << (8 * ffi.sizeof("void *"))


def _check_address(f, k):
    """Raise unless C function k (a cffi pointer or an int address) can be
    code: ValueError for NULL, the first page, negative or too wide ints;
    TypeError for cffi data that is not a pointer (an array, a struct)."""
    if isinstance(f, _CData):
        ct = ffi.typeof(f)
        if ct.kind not in ("function", "pointer"):
            raise TypeError("frompyfunc: function %d is a cffi %r %s, not a "
                            "C function pointer" % (k, ct.cname, ct.kind))
        addr = int(ffi.cast("uintptr_t", f))
        if addr == 0:
            raise ValueError("frompyfunc: function %d is a NULL %r, not a C "
                             "function" % (k, ct.cname))
    else:
        addr = f
        if addr < 0:
            raise ValueError("frompyfunc: function %d: address %d is "
                             "negative, not a C function" % (k, addr))
        if addr >= _ADDR_LIMIT:
            raise ValueError("frompyfunc: function %d: address %#x does not "
                             "fit in a pointer, not a C function" % (k, addr))
    if addr < _PAGE:
        raise ValueError("frompyfunc: function %d: address %#x is below the "
                         "page size (%d), not a C function" % (k, addr, _PAGE))


def _cffi_letters(f, nin, nout, stack_inputs, signature):
    """Type letters of a cffi function pointer, from its C type."""
    try:
        t = ffi.typeof(f)
    except TypeError:
        raise TypeError("cannot read the C type of %r: pass dtypes" % (f,))
    if t.kind == "pointer" and t.item.kind == "function":
        t = t.item
    if t.kind != "function":
        raise TypeError("%r is not a C function: pass dtypes" % (f,))
    args = list(t.args)
    if signature:
        raise TypeError("with a signature the C function takes pointers: "
                        "pass dtypes")
    letters = []

    def letter(ct, what):
        if ct.kind == "pointer" and what == "out":
            ct = ct.item
        c = _CTYPE_NAMES.get(ct.cname)
        if c is None:
            raise TypeError("C type %r of %r is not supported by frompyfunc"
                            % (ct.cname, f))
        return c
    if stack_inputs:
        if len(args) != nin + nout:
            raise TypeError("%s takes %d arguments, nin + nout is %d"
                            % (t.cname, len(args), nin + nout))
        letters = [letter(a, "in") for a in args[:nin]] + \
            [letter(a, "out") for a in args[nin:]]
    else:
        if len(args) != nin or nout != 1:
            raise TypeError("%s takes %d arguments and returns one value; "
                            "nin is %d, nout %d" % (t.cname, len(args), nin,
                                                    nout))
        letters = [letter(a, "in") for a in args] + [letter(t.result, "in")]
    return "".join(letters)


def _core_dims(signature, nin, nout):
    """Each operand's core dimension indices (order of first appearance),
    and the number of distinct names. Validation is the C parser's job
    (ul_ffi_gufunc_new); this only maps names for the Python callbacks."""
    try:
        ins, outs = signature.replace(" ", "").split("->")
    except ValueError:
        raise ValueError("bad gufunc signature %r: one '->' expected"
                         % (signature,))
    names = {}
    core = []
    for part in (ins, outs):
        if not part:
            continue
        if not (part.startswith("(") and part.endswith(")")):
            raise ValueError("bad gufunc signature %r" % (signature,))
        for op in part[1:-1].split("),("):
            dims = []
            for nm in op.split(","):
                if nm:
                    dims.append(names.setdefault(nm, len(names)))
            core.append(dims)
    if len(core) != nin + nout:
        raise ValueError("gufunc signature %r has %d operands, nin + nout is "
                         "%d" % (signature, len(core), nin + nout))
    return core, len(names)


def _unique_name(base):
    with _names_lock:
        name = base
        while name in _names or lib.ul_gufunc_find(name.encode()) != ffi.NULL:
            name = "%s_%d" % (base, next(_counter))
        _names.add(name)
        return name


def frompyfunc(funcs, nin, nout, signature=None, dtypes=None,
               stack_inputs=False, name=None, doc=None):
    """A gufunc from Python functions or cffi function pointers (PyPy's
    extended frompyfunc; see the module docstring)."""
    if not isinstance(funcs, (list, tuple)):
        funcs = [funcs]
    funcs = list(funcs)
    if not funcs:
        raise ValueError("frompyfunc needs at least one function")
    if not isinstance(nin, int) or not isinstance(nout, int) or nin < 1 \
            or nout < 1:
        raise ValueError("nin and nout must be positive integers")
    nargs = nin + nout
    for what, v, kinds in (("signature", signature, str), ("doc", doc, str),
                           ("name", name, (str, bytes))):
        if v is not None and not isinstance(v, kinds):
            raise TypeError("frompyfunc: %s must be a string, not %s"
                            % (what, type(v).__name__))
    signature = signature or None
    for k, f in enumerate(funcs):
        if not (callable(f) or _is_cffi_function(f)):
            raise TypeError("frompyfunc: %r is neither callable nor a cffi "
                            "function pointer" % (f,))
        if _is_cffi_function(f):
            _check_address(f, k)        # before anything is registered
    # rows of types, one per function
    rows = []           # (func, [dtype]*nargs)
    if dtypes is not None and list(dtypes) == ["match"]:
        for f in funcs:
            if _is_cffi_function(f):
                rows.append((f, None))
            else:
                for d in dtype._BY_NAME.values():
                    rows.append((f, [d] * nargs))
    elif dtypes is not None:
        dts = [dtype(d) for d in dtypes]
        if len(dts) != nargs * len(funcs):
            raise ValueError("dtypes has %d entries; %d functions of %d "
                             "operands need %d" % (len(dts), len(funcs),
                                                    nargs, nargs * len(funcs)))
        for k, f in enumerate(funcs):
            rows.append((f, dts[k * nargs:(k + 1) * nargs]))
    else:
        for f in funcs:
            rows.append((f, None if _is_cffi_function(f)
                         else [dtype(float)] * nargs))
    core = ndims = None
    if signature:
        core, ndims = _core_dims(signature, nin, nout)
    # Calling convention of the whole row list: (C flags, C signature).
    # Python functions with a signature, returning several outputs, or with
    # a complex type (cffi callbacks take no complex by value) go through
    # pointers.
    py_rows = [dts for f, dts in rows if not _is_cffi_function(f)]
    py_pointers = bool(signature) or (nout > 1 and not stack_inputs) or \
        any(d.kind == "c" for dts in py_rows for d in dts)
    style = lib.UL_FFI_STACK_INPUTS if stack_inputs else lib.UL_FFI_RETURN
    if py_pointers and not signature:
        py_conv = (lib.UL_FFI_STACK_INPUTS, "->".join(
            [",".join(["()"] * nin), ",".join(["()"] * nout)]))
    elif py_pointers:
        py_conv = (lib.UL_FFI_STACK_INPUTS, signature)
    else:
        py_conv = (style, None)
    c_conv = (style, signature)
    if py_rows and len(py_rows) < len(rows) and py_conv != c_conv:
        raise TypeError("frompyfunc: the Python and the C functions need "
                        "different calling conventions here (the Python ones "
                        "take pointers%s); make two gufuncs"
                        % ("" if signature else " for complex types"))
    flags, c_signature = py_conv if py_rows else c_conv
    errors = []
    keep = []
    fns = []
    letters = []
    for f, dts in rows:
        if _is_cffi_function(f):
            if dts is None:
                row_letters = _cffi_letters(f, nin, nout, stack_inputs,
                                            signature)
            else:
                row_letters = "".join(d.letter for d in dts)
            fptr = ffi.cast("void *", f)
            keep.append(f)
        else:
            row_letters = "".join(d.letter for d in dts)
            cb = py_callback(f, dts, nin, nout, stack_inputs, core,
                              ndims or 0, errors, py_pointers)
            fptr = ffi.cast("void *", cb)
            keep.append(cb)
        fns.append(fptr)
        letters.append(row_letters)
    if name is None:
        f0 = funcs[0]
        name = getattr(f0, "__name__", None) or "frompyfunc"
        if not isinstance(name, str) or _is_cffi_function(f0):
            name = "frompyfunc"
    if isinstance(name, bytes):
        name = name.decode()
    reg_name = _unique_name(name)
    c_fns = ffi.new("void *[]", fns)
    c_types = ffi.new("char[]", "".join(letters).encode())
    out = ffi.new("const ul_gufunc **")
    msg = ffi.new("char[]", 256)
    st = lib.ul_ffi_gufunc_new(
        reg_name.encode(), nin, nout, len(fns), c_fns, c_types, flags,
        c_signature.encode() if c_signature else ffi.NULL,
        doc.encode() if doc else ffi.NULL, out, msg, 256)
    if st != lib.UL_OK:
        with _names_lock:
            _names.discard(reg_name)
        text = ffi.string(msg).decode("utf-8", "replace") or \
            ffi.string(lib.ul_strerror(st)).decode()
        exc = {lib.UL_EBADTYPE: TypeError, lib.UL_ENOMEM: MemoryError,
               lib.UL_EFFI: TypeError}.get(st, ValueError)
        raise exc(text)
    pyrows = None
    if not any(_is_cffi_function(f) for f, _ in rows):
        pyrows = {}
        for f, dts in rows:
            key = tuple(d.num for d in dts)
            pyrows.setdefault(key, (f, dts, bool(stack_inputs)))
    return FrompyfuncGufunc(out[0], keep, errors, pyrows, core)
