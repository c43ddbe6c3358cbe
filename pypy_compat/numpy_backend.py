"""Real numpy gufuncs built from libumath_linalg's dispatch table.

    import pypy_compat.numpy_backend as backend
    backend.install()          # numpy.linalg.inv/solve/det/slogdet/... now run our loops
    backend.gufuncs()["inv"]   # <ufunc 'inv'>, a genuine numpy.ufunc
    backend.uninstall()        # numpy exactly as it was

How it works. The library exports a table of rows (name, nin, nout,
signature, ntypes, types, funcs, data, doc) in exactly the shape numpy's C
function ``PyUFunc_FromFuncAndDataAndSignature`` takes. That function is slot
31 of the ``void **`` table inside the ``_UFUNC_API`` capsule of numpy's
``_multiarray_umath`` module; it is called here through ctypes (PYFUNCTYPE:
the GIL stays held during the call and a Python error propagates), with the
table's own pointers. Those pointers are static data of the library, which is
loaded once and never closed, so every pointer numpy keeps stays valid for the
life of the process. No compiled CPython extension is involved.

``install()`` replaces the module object that ``numpy/linalg/linalg.py``
(numpy 2.x: ``numpy/linalg/_linalg.py``) reaches through its module-level name
``_umath_linalg`` with a proxy module: the proxy's attributes are our ufuncs
for every name the table and numpy's ``_umath_linalg`` both have (after
checking that signature, nin, nout and type list are identical), and numpy's
own objects for everything else. ``numpy.linalg._umath_linalg`` itself (the
package attribute and ``sys.modules`` entry) is left untouched, so numpy's
original loops stay reachable. ``uninstall()`` puts the original module object
back.

The gufunc loops run with the GIL released (numpy releases it around any
gufunc loop on non-object dtypes); the library's loops are reentrant. Errors
follow numpy: a singular matrix gives NaN output plus FE_INVALID, which
numpy.linalg's extobj/errstate turns into ``LinAlgError``.

Tried on: Debian 12's python3-numpy 1.24.2 under CPython 3.11 (``/usr/bin/python3``).
numpy 2.x is handled by name (``numpy._core``, ``numpy/linalg/_linalg.py``;
same slot 31, same leading ``PyUFuncObject`` fields) but has not been run.
PyPy: numpy is not importable there, and ``install()``/``gufuncs()`` raise
``ImportError``; use ``umath_linalg`` / ``pypy_compat.linalg`` instead.

numpy 2.1 and later (written down, not testable here: Debian 12 has 1.24).
numpy 2.0 adds ``cholesky_up`` (the table has it; ``install()`` replaces it
where numpy has it). numpy 2.1 merges the ``_m``/``_n`` pairs into one gufunc
each, whose third core size p = min(m, n) is set by the ufunc's
``process_core_dims_func`` hook: ``svd`` "(m,n)->(p)", ``svd_s``
"(m,n)->(m,p),(p),(p,n)", ``svd_f`` "(m,n)->(m,m),(p),(n,n)", ``qr_r_raw``
"(m,n)->(p)", ``lstsq`` "(m,n),(m,nrhs),()->(n,nrhs),(nrhs),(),(p)"; the loops
get dimensions [N, m, n, p] (or [N, m, n, nrhs, p]). The proxy would meet it
with one object per merged name that picks our ``_m`` row's ufunc when
m < n and ``_n`` otherwise (linalg's ``_linalg.py`` only calls these objects,
with ``signature=`` and under ``errstate``): a small Python callable, since
setting ``process_core_dims_func`` needs a C function that raises a Python
error, which a library without the CPython API cannot provide. The
signature check in ``install()`` would compare the merged name's signature
with p replaced by m or n. ``linalg.solve`` uses ``solve1`` only for
``b.ndim == 1`` in 2.0; that is numpy's Python side and needs nothing here.
"""

import ctypes
import importlib
import importlib.util
import os
import sys
import threading
import types as _types

__all__ = ["install", "uninstall", "installed", "gufuncs", "owns",
           "BackendError", "TRIED_NUMPY_VERSIONS"]

#: numpy versions this module has been run against (the full test suite).
TRIED_NUMPY_VERSIONS = ("1.24.2",)

# numpy C-API: index of PyUFunc_FromFuncAndDataAndSignature in _UFUNC_API
# (numpy/core/code_generators/numpy_api.py; 31 in 1.x and 2.x alike).
_SLOT_FROM_FUNC_AND_DATA_AND_SIGNATURE = 31
_PYUFUNC_NONE = -1          # identity: PyUFunc_None
_NPY_NTYPES_BUILTIN = 24    # type numbers 0..23 are numpy's built-in dtypes


class BackendError(RuntimeError):
    """The backend cannot be used with this numpy or this library."""


class _Row(ctypes.Structure):
    """ctypes view of ``ul_gufunc`` (umath_linalg.h); every pointer raw."""
    _fields_ = [
        ("name", ctypes.c_void_p),
        ("nin", ctypes.c_int),
        ("nout", ctypes.c_int),
        ("signature", ctypes.c_void_p),
        ("ntypes", ctypes.c_int),
        ("types", ctypes.c_void_p),
        ("funcs", ctypes.c_void_p),
        ("data", ctypes.c_void_p),
        ("doc", ctypes.c_void_p),
    ]


class _UFuncHead(ctypes.Structure):
    """The leading fields of numpy's PyUFuncObject (1.x and 2.x agree)."""
    _fields_ = [
        ("ob_refcnt", ctypes.c_ssize_t),
        ("ob_type", ctypes.c_void_p),
        ("nin", ctypes.c_int),
        ("nout", ctypes.c_int),
        ("nargs", ctypes.c_int),
        ("identity", ctypes.c_int),
        ("functions", ctypes.c_void_p),
        ("data", ctypes.c_void_p),
        ("ntypes", ctypes.c_int),
        ("reserved1", ctypes.c_int),
        ("name", ctypes.c_void_p),
        ("types", ctypes.c_void_p),
        ("doc", ctypes.c_void_p),
    ]


_lock = threading.RLock()
_lib = None            # the CDLL; kept for the process, never closed
_lib_path = None
_numpy = None          # cached _NumpyInfo once checked
_cache = {}            # row identity tuple -> ufunc (kept for the process)
_installed = None      # (linalg_module, original _umath_linalg, proxy)


# ---------------------------------------------------------------- library --

def _library_path():
    """Path of libumath_linalg from umath_linalg/_libpath.py, imported by file
    so the cffi package (umath_linalg/__init__.py) is not needed."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidate = os.path.join(os.path.dirname(here), "umath_linalg", "_libpath.py")
    if os.path.exists(candidate):
        spec = importlib.util.spec_from_file_location("_ul_numpy_backend_libpath", candidate)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod.library_path()
    try:
        return importlib.import_module("umath_linalg._libpath").library_path()
    except ImportError:
        return os.environ.get("UMATH_LINALG_LIB") or "libumath_linalg.so.0"


def _library():
    """Load libumath_linalg once (never unloaded) and declare the table API."""
    global _lib, _lib_path
    if _lib is not None:
        return _lib
    path = _library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:
        raise BackendError(
            "cannot load libumath_linalg (%s): %s; run `make lib` in the "
            "repository or set UMATH_LINALG_LIB" % (path, exc)) from None
    for sym in ("ul_gufunc_count", "ul_gufunc_at", "ul_gufunc_find"):
        if not hasattr(lib, sym):
            raise BackendError("%s does not export %s" % (path, sym))
    lib.ul_gufunc_count.restype = ctypes.c_size_t
    lib.ul_gufunc_count.argtypes = []
    lib.ul_gufunc_at.restype = ctypes.POINTER(_Row)
    lib.ul_gufunc_at.argtypes = [ctypes.c_size_t]
    lib.ul_gufunc_find.restype = ctypes.POINTER(_Row)
    lib.ul_gufunc_find.argtypes = [ctypes.c_char_p]
    _lib, _lib_path = lib, path
    return lib


def _rows():
    """Every row of the table as it is now: list of (address, _Row)."""
    lib = _library()
    out = []
    for i in range(lib.ul_gufunc_count()):
        p = lib.ul_gufunc_at(i)
        if not p:
            continue
        out.append((ctypes.addressof(p.contents), p.contents))
    return out


def _cstr(addr):
    return ctypes.string_at(addr).decode("ascii") if addr else None


# ------------------------------------------------------------------ numpy --

class _NumpyInfo(object):
    """What this module needs from numpy, located and checked once."""

    def __init__(self):
        if sys.implementation.name != "cpython":
            raise ImportError("pypy_compat.numpy_backend needs CPython's numpy "
                              "(this is %s)" % sys.implementation.name)
        import numpy  # ImportError propagates (PyPy without numpy)
        self.np = numpy
        self.version = numpy.__version__
        try:
            major = int(self.version.split(".")[0])
        except ValueError:
            raise BackendError("unrecognised numpy version %r" % self.version)
        if major == 1:
            core_name, linalg_name = "numpy.core._multiarray_umath", "numpy.linalg.linalg"
        elif major == 2:
            core_name, linalg_name = "numpy._core._multiarray_umath", "numpy.linalg._linalg"
        else:
            raise BackendError("numpy %s is not supported (known: 1.x, 2.x; tried on %s)"
                               % (self.version, ", ".join(TRIED_NUMPY_VERSIONS)))
        try:
            core = importlib.import_module(core_name)
            self.linalg_py = importlib.import_module(linalg_name)
        except ImportError as exc:
            raise BackendError("numpy %s: cannot import %s / %s: %s"
                               % (self.version, core_name, linalg_name, exc)) from None
        if not isinstance(getattr(self.linalg_py, "_umath_linalg", None), _types.ModuleType):
            raise BackendError("numpy %s: %s has no module-level _umath_linalg"
                               % (self.version, linalg_name))
        self.from_func = self._slot31(core)
        self._check_layout()

    def _slot31(self, core):
        capsule = getattr(core, "_UFUNC_API", None)
        if capsule is None:
            raise BackendError("numpy %s: %s has no _UFUNC_API capsule"
                               % (self.version, core.__name__))
        py = ctypes.PyDLL(None)  # private handle: argtypes do not leak to ctypes.pythonapi
        get_name = py.PyCapsule_GetName
        get_name.restype = ctypes.c_void_p
        get_name.argtypes = [ctypes.py_object]
        is_valid = py.PyCapsule_IsValid
        is_valid.restype = ctypes.c_int
        is_valid.argtypes = [ctypes.py_object, ctypes.c_char_p]
        get_ptr = py.PyCapsule_GetPointer
        get_ptr.restype = ctypes.c_void_p
        get_ptr.argtypes = [ctypes.py_object, ctypes.c_char_p]
        if type(capsule).__name__ != "PyCapsule":
            raise BackendError("numpy %s: _UFUNC_API is a %s, not a capsule"
                               % (self.version, type(capsule).__name__))
        name = get_name(capsule)
        if name is not None:
            raise BackendError("numpy %s: _UFUNC_API capsule is named %r; expected "
                               "an unnamed capsule" % (self.version, _cstr(name)))
        if not is_valid(capsule, None):
            raise BackendError("numpy %s: _UFUNC_API capsule is not valid" % self.version)
        api = ctypes.cast(get_ptr(capsule, None), ctypes.POINTER(ctypes.c_void_p))
        fptr = api[_SLOT_FROM_FUNC_AND_DATA_AND_SIGNATURE] if api else None
        if not fptr:
            raise BackendError("numpy %s: _UFUNC_API slot %d is NULL"
                               % (self.version, _SLOT_FROM_FUNC_AND_DATA_AND_SIGNATURE))
        # PyUFunc_FromFuncAndDataAndSignature(funcs, data, types, ntypes, nin,
        #     nout, identity, name, doc, unused, signature)
        proto = ctypes.PYFUNCTYPE(
            ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
            ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
        self._keep = (capsule, api)
        return proto(fptr)

    def _check_layout(self):
        """Check the PyUFuncObject fields read by owns() on numpy's own add
        and on _umath_linalg.det before trusting them."""
        np = self.np
        probes = [np.add]
        det = getattr(self.linalg_py._umath_linalg, "det", None)
        if isinstance(det, np.ufunc):
            probes.append(det)
        for uf in probes:
            h = _UFuncHead.from_address(id(uf))
            ok = (h.nin == uf.nin and h.nout == uf.nout and h.nargs == uf.nargs
                  and h.ntypes == uf.ntypes and h.name
                  and _cstr(h.name) == uf.__name__ and h.functions and h.types)
            if ok:
                raw = ctypes.string_at(h.types, h.ntypes * h.nargs)
                ok = _types_strings(np, raw, h.nin, h.nargs) == uf.types
            if not ok:
                raise BackendError("numpy %s: PyUFuncObject layout not recognised "
                                   "(checked on %s)" % (self.version, uf.__name__))


def _types_strings(np, raw, nin, nargs):
    """ufunc.types-style strings ('dd->d') from a raw type-number array."""
    out = []
    for k in range(0, len(raw), nargs):
        chars = [_dtype_of(np, n).char for n in raw[k:k + nargs]]
        out.append("".join(chars[:nin]) + "->" + "".join(chars[nin:]))
    return out


_TYPENUM_TO_DTYPE = {}


def _dtype_of(np, num):
    """numpy dtype whose type number is num (built-in types only)."""
    if not _TYPENUM_TO_DTYPE:
        for ch in np.typecodes["All"] + "?":
            try:
                d = np.dtype(ch)
            except TypeError:
                continue
            _TYPENUM_TO_DTYPE.setdefault(d.num, d)
    try:
        return _TYPENUM_TO_DTYPE[num]
    except KeyError:
        raise BackendError("type number %d is not a built-in numpy dtype" % num) from None


def _numpy_info():
    global _numpy
    if _numpy is None:
        _numpy = _NumpyInfo()
        from . import numpy_gufuncs  # the ufuncs' module, for pickling by reference
        numpy_gufuncs._register_pickling(_numpy.np)
    return _numpy


# ---------------------------------------------------------------- ufuncs --

def _row_key(addr, row):
    return (addr, row.name, row.nin, row.nout, row.signature, row.ntypes,
            row.types, row.funcs, row.data, row.doc)


def _build(info, row):
    """A numpy.ufunc from one table row, checked field by field."""
    np = info.np
    name = _cstr(row.name)
    if not (row.name and row.signature and row.types and row.funcs and row.data):
        raise BackendError("table row %r has a NULL pointer" % name)
    if row.nin < 1 or row.nout < 0 or row.ntypes < 1 or row.nin + row.nout > 32:
        raise BackendError("table row %r: bad nin/nout/ntypes" % name)
    nargs = row.nin + row.nout
    raw = ctypes.string_at(row.types, row.ntypes * nargs)
    for num in raw:
        if num >= _NPY_NTYPES_BUILTIN:
            raise BackendError("table row %r: type number %d unknown" % (name, num))
    expected_types = _types_strings(np, raw, row.nin, nargs)
    uf = info.from_func(row.funcs, row.data, row.types, row.ntypes, row.nin,
                        row.nout, _PYUFUNC_NONE, row.name, row.doc, 0, row.signature)
    if type(uf) is not np.ufunc:
        raise BackendError("slot %d returned %r, not a numpy.ufunc"
                           % (_SLOT_FROM_FUNC_AND_DATA_AND_SIGNATURE, type(uf)))
    signature = _cstr(row.signature)
    if not signature.replace("()", "").replace(",", "").replace("->", "").strip():
        signature = None  # numpy turns an all-scalar "(),()->()" into a plain ufunc
    h = _UFuncHead.from_address(id(uf))
    problems = []
    if uf.__name__ != name or h.name != row.name:
        problems.append("name")
    if uf.signature != signature:
        problems.append("signature %r != %r" % (uf.signature, signature))
    if (uf.nin, uf.nout, uf.ntypes) != (row.nin, row.nout, row.ntypes):
        problems.append("nin/nout/ntypes")
    if uf.types != expected_types:
        problems.append("types %r != %r" % (uf.types, expected_types))
    if (h.functions, h.data, h.types) != (row.funcs, row.data, row.types):
        problems.append("loop pointers")
    if problems:
        raise BackendError("numpy %s: slot %d built a ufunc that does not match "
                           "table row %r: %s" % (info.version,
                                                 _SLOT_FROM_FUNC_AND_DATA_AND_SIGNATURE,
                                                 name, "; ".join(problems)))
    return uf


def gufuncs():
    """Mapping name -> numpy.ufunc for every row of the library's table now.

    The ufuncs are real ``numpy.ufunc`` objects whose loops, type list, name
    and doc are the table's own (static) pointers; names, signatures and
    type lists are numpy 1.24's. Each is also ``pypy_compat.numpy_gufuncs.<name>``
    and pickles by reference to it (for dask.distributed). A ufunc is built once per row and cached for
    the process. Rows registered at run time (``ul_gufunc_register``) are
    included while registered; numpy keeps their pointers, so such a ufunc
    must not be called after its row is released. Returns a new dict.
    Raises ImportError without numpy (PyPy), BackendError when the library
    cannot be loaded or numpy's C-API layout is not recognised.
    """
    with _lock:
        info = _numpy_info()
        out = {}
        for addr, row in _rows():
            key = _row_key(addr, row)
            uf = _cache.get(key)
            if uf is None:
                uf = _build(info, row)
                _cache[key] = uf
            out.setdefault(uf.__name__, uf)
        return out


def owns(ufunc):
    """True if ``ufunc`` is a numpy.ufunc whose loop table is one of the
    library's (its C ``functions`` pointer is a row's ``funcs``): a check
    at the C level that calls really go to this library."""
    with _lock:
        info = _numpy_info()
        if type(ufunc) is not info.np.ufunc:
            return False
        h = _UFuncHead.from_address(id(ufunc))
        return any(h.functions == row.funcs and h.types == row.types
                   for _, row in _rows())


# --------------------------------------------------------- install/remove --

class _UmathLinalgProxy(_types.ModuleType):
    """Stand-in for numpy.linalg._umath_linalg: our gufuncs where the table
    has them (in the instance dict), numpy's own module otherwise."""

    def __getattr__(self, name):
        original = self.__dict__.get("_ul_original")
        if original is None:
            raise AttributeError(name)
        return getattr(original, name)

    def __dir__(self):
        names = set(dir(self.__dict__["_ul_original"]))
        names.update(self.__dict__)
        return sorted(names)


def install():
    """Make numpy.linalg's functions run on this library's gufuncs.

    Every gufunc that both the table and numpy's ``_umath_linalg`` have
    (inv, solve, solve1, det, slogdet, and later rows) is replaced, as seen
    by numpy/linalg/linalg.py, by the table's; the others stay numpy's.
    Idempotent. All checks (numpy version, capsule, slot 31, ufunc layout,
    identical signature/nin/nout/types for each replaced name) run before
    anything changes: on failure BackendError is raised and numpy is left as
    it was. Returns the sorted list of replaced names.
    """
    global _installed
    with _lock:
        if _installed is not None:
            return sorted(k for k in _installed[2].__dict__ if not k.startswith("_"))
        info = _numpy_info()
        ours = gufuncs()
        linalg_py = info.linalg_py
        original = linalg_py._umath_linalg
        if isinstance(original, _UmathLinalgProxy):
            raise BackendError("numpy.linalg already uses a umath_linalg proxy "
                               "that this module did not record (module reloaded?)")
        chosen, problems = {}, []
        for name, uf in ours.items():
            theirs = getattr(original, name, None)
            if theirs is None:
                continue  # a gufunc numpy does not have: reachable via gufuncs()
            if not isinstance(theirs, info.np.ufunc):
                problems.append("%s: numpy's is not a ufunc" % name)
                continue
            for attr in ("signature", "nin", "nout", "types"):
                if getattr(uf, attr) != getattr(theirs, attr):
                    problems.append("%s.%s: ours %r, numpy's %r" % (
                        name, attr, getattr(uf, attr), getattr(theirs, attr)))
            chosen[name] = uf
        if problems:
            raise BackendError("numpy %s: not installed, the table differs from "
                               "numpy's _umath_linalg: %s"
                               % (info.version, "; ".join(problems)))
        if not chosen:
            raise BackendError("not installed: the table has no gufunc numpy uses")
        proxy = _UmathLinalgProxy(original.__name__, original.__doc__)
        proxy.__dict__["_ul_original"] = original
        proxy.__dict__["_ul_library"] = _lib_path
        for attr in ("__file__", "__package__", "__spec__", "__loader__", "__version__"):
            if hasattr(original, attr):
                proxy.__dict__[attr] = getattr(original, attr)
        proxy.__dict__.update(chosen)
        linalg_py._umath_linalg = proxy
        _installed = (linalg_py, original, proxy)
        return sorted(chosen)


def uninstall():
    """Restore numpy.linalg's own gufuncs exactly (the original module object
    back in numpy/linalg/linalg.py). Idempotent; a no-op when not installed."""
    global _installed
    with _lock:
        if _installed is None:
            return
        linalg_py, original, _proxy = _installed
        linalg_py._umath_linalg = original
        _installed = None


def installed():
    """True while install() is in effect."""
    with _lock:
        return _installed is not None
