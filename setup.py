"""Python packaging of umath_linalg and pypy_compat (CPython and PyPy).

    pip install --no-build-isolation --no-index --no-deps --target DIR .
    /usr/bin/python3 setup.py build_ext --inplace     (or: make py)

The cffi extension umath_linalg._ul is built by bridge/ul_build.py
(cffi_modules).  libumath_linalg.so.0 (from `make lib`, which the
building commands run if it is missing) is shipped inside the installed
umath_linalg package and the extension finds it through an rpath of
$ORIGIN, so an installed copy needs neither LD_LIBRARY_PATH nor the source
tree.
"""
import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
# (the same override bridge/ul_build.py reads for the library to link)
LIBDIR = os.environ.get("UMATH_LINALG_LIBDIR",
                        os.path.join(HERE, "build", "out", "lib"))
SONAME = "libumath_linalg.so.0"


def _ensure_lib():
    """libumath_linalg.so.0, built by `make lib` if missing.  Called only by
    the commands that build (build_py and build_ext, which build, install,
    bdist_wheel, develop ... run), never at import: `setup.py --version`,
    `--help`, `clean`, `egg_info` need no C compiler."""
    path = os.path.join(LIBDIR, SONAME)
    if not os.path.exists(path):
        subprocess.check_call(["make", "-C", HERE, "lib"])
        if not os.path.exists(path):
            raise RuntimeError("`make lib` did not produce %s (is "
                               "UMATH_LINALG_LIBDIR right?)" % path)
    return path


class BuildPyWithLib(build_py):
    """build_py that also copies libumath_linalg.so.0 into the package."""

    def run(self):
        build_py.run(self)
        if not self.dry_run:
            src = os.path.realpath(_ensure_lib())
            dst_dir = os.path.join(self.build_lib, "umath_linalg")
            os.makedirs(dst_dir, exist_ok=True)
            shutil.copyfile(src, os.path.join(dst_dir, SONAME))
            os.chmod(os.path.join(dst_dir, SONAME), 0o755)


class BuildExtWithLib(build_ext):
    """build_ext that makes the library first: the cffi extension links it."""

    def run(self):
        if not self.dry_run:
            _ensure_lib()
        build_ext.run(self)


# $ORIGIN: the copy shipped beside the extension (installed packages);
# then the tree's build/out/lib (`setup.py build_ext --inplace`).
os.environ.setdefault("UL_BUILD_RPATH", "$ORIGIN:" + LIBDIR)

setup(
    name="umath_linalg",
    version="0.1.0",
    description="numpy's linalg gufunc loops as a C library, driven from "
                "PyPy and CPython through cffi",
    packages=["umath_linalg", "pypy_compat"],
    package_data={"umath_linalg": ["umath_linalg.h"]},
    setup_requires=[],
    install_requires=[],
    cffi_modules=["bridge/ul_build.py:ffibuilder"],
    cmdclass={"build_py": BuildPyWithLib, "build_ext": BuildExtWithLib},
    zip_safe=False,
)
