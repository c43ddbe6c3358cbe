"""pypy_compat: numpy-flavoured APIs for interpreters without numpy (PyPy first).

    from pypy_compat import linalg      # numpy.linalg semantics over libumath_linalg
    pypy_compat.frompyfunc, pypy_compat.dtype   # PyPy's extended frompyfunc
    pypy_compat.numpy_backend           # real numpy gufuncs from the C table

Submodules load on first use, so importing the package needs neither the
compiled extension nor any optional part.
"""
import importlib

__all__ = ["linalg", "frompyfunc", "dtype", "numpy_backend"]


def __getattr__(name):
    """Load linalg / numpy_backend lazily, and frompyfunc / dtype from
    pypy_compat.frompyfunc (AttributeError if that module is absent)."""
    if name in ("linalg", "numpy_backend"):
        return importlib.import_module(__name__ + "." + name)
    if name in ("frompyfunc", "dtype"):
        try:
            mod = importlib.import_module(__name__ + ".frompyfunc")
        except ImportError as e:
            raise AttributeError("pypy_compat.%s is not available: %s"
                                 % (name, e))
        value = getattr(mod, name)
        # Importing the submodule bound the name 'frompyfunc' to the module;
        # the package exposes the function of that name instead.
        globals()["frompyfunc"] = getattr(mod, "frompyfunc", mod)
        if hasattr(mod, "dtype"):
            globals()["dtype"] = mod.dtype
        return value
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
