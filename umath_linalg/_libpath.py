"""Where libumath_linalg.so.0 is: one place for every Python loader.

Order: $UMATH_LINALG_LIB, the in-place build (build/out/lib beside this
package's parent folder), a copy shipped inside the package (what setup.py
installs), then the system's library search path.
"""
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
SONAME = "libumath_linalg.so.0"


def library_path():
    """Path (or bare soname for the system loader) of libumath_linalg."""
    env = os.environ.get("UMATH_LINALG_LIB")
    if env:
        return env
    inplace = os.path.join(os.path.dirname(_HERE), "build", "out", "lib", SONAME)
    if os.path.exists(inplace):
        return inplace
    shipped = os.path.join(_HERE, SONAME)
    if os.path.exists(shipped):
        return shipped
    return SONAME


def library_dir():
    """Folder of the in-place build, or None when the library is installed."""
    path = library_path()
    return os.path.dirname(path) if os.sep in path else None
