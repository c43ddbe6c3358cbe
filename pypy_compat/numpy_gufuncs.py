"""The numpy backend's gufuncs as attributes of an importable module.

    from pypy_compat.numpy_gufuncs import inv, eigh_lo   # numpy.ufunc objects
    pickle.dumps(inv)   # by reference: (numpy's _ufunc_reconstruct,
                        #                ("pypy_compat.numpy_gufuncs", "inv"))

Every row of libumath_linalg's table is an attribute here under its own
``__name__`` (``pypy_compat.numpy_backend.gufuncs()[name]``, built on first
access). That is what pickling a ufunc by reference needs: numpy pickles a
ufunc as a global, found again by module and ``__name__``, and dask.distributed
sends functions to its workers that way. A process that unpickles one imports
this module and builds the same ufunc from its own copy of the library.

numpy's own reducer only gives the name and lets pickle search sys.modules
for a module holding the object, which can find a module the receiving side
cannot import (a test file, a script). So when the backend first meets numpy
it registers, with copyreg, a reducer for numpy.ufunc that names this module
for the library's ufuncs and hands every other ufunc to numpy's reducer
unchanged. Rows registered at run time (``ul_gufunc_register``) pickle the
same way but exist only in the process that registered them.
"""
import copyreg
import importlib

from . import numpy_backend as _backend


def __getattr__(name):
    if name.startswith("_"):  # __path__, __wrapped__ ...: never a table row
        raise AttributeError(name)
    uf = _backend.gufuncs().get(name)
    if uf is None:
        raise AttributeError("module %r has no attribute %r: libumath_linalg's "
                             "table has no gufunc of that name" % (__name__, name))
    return uf


def __dir__():
    return sorted(set(globals()) | set(_backend.gufuncs()))


def _register_pickling(np):
    """Called once by numpy_backend with the numpy module it checked."""
    numpy_reduce = copyreg.dispatch_table.get(np.ufunc)
    try:
        reconstruct = importlib.import_module("numpy._core")._ufunc_reconstruct
    except (ImportError, AttributeError):  # numpy 1.x
        reconstruct = np.core._ufunc_reconstruct

    def reduce_ufunc(uf):
        if _backend.gufuncs().get(uf.__name__) is uf:
            return reconstruct, (__name__, uf.__name__)
        return numpy_reduce(uf) if numpy_reduce else uf.__name__

    copyreg.pickle(np.ufunc, reduce_ufunc)
