"""cffi out-of-line API-mode build of umath_linalg._ul (CPython and PyPy).

The declarations are the block between ``/* UL_CDEF_BEGIN */`` and
``/* UL_CDEF_END */`` of umath_linalg/umath_linalg.h, sliced at build time so
they cannot drift from the header.  A few bridge-private ``static`` helpers
(``ulpy_call2`` ...) are defined in the generated module itself: they take
each operand's data pointer as a ``void *`` argument, so a Python caller
passes cdata arrays or ``ffi.from_buffer`` objects directly and nothing is
allocated per call to hold the pointer array.

    /usr/bin/python3 bridge/ul_build.py    # builds umath_linalg/_ul.*.so in place
    pypy3 bridge/ul_build.py               # same for PyPy
    setup.py: cffi_modules=["bridge/ul_build.py:ffibuilder"]

Temporary files go under build/out/cffi-<impl>/, never beside tracked files.
The extension links libumath_linalg from build/out/lib with an rpath to it
(in place) or, under setup.py, to $ORIGIN when setup.py ships the library
inside the package (UL_BUILD_RPATH overrides both).
"""
import os
import re
import sys

import cffi

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER_DIR = os.path.join(ROOT, "umath_linalg")
HEADER = os.path.join(HEADER_DIR, "umath_linalg.h")
LIB_DIR = os.environ.get("UMATH_LINALG_LIBDIR",
                         os.path.join(ROOT, "build", "out", "lib"))


def header_cdef(path=HEADER):
    """The text between the UL_CDEF_BEGIN and UL_CDEF_END markers of the header."""
    with open(path) as f:
        text = f.read()
    m = re.search(r"/\*\s*UL_CDEF_BEGIN\s*\*/(.*?)/\*\s*UL_CDEF_END\s*\*/", text, re.S)
    if m is None:
        raise RuntimeError("%s: no UL_CDEF_BEGIN/UL_CDEF_END block" % path)
    return m.group(1)


# Bridge-private helpers: one C call per Python call, data pointers passed as
# arguments (no per-call pointer array on the Python side).
HELPERS_CDEF = """
int ulpy_call2(const ul_gufunc *g, void *d0, void *d1, const int *types,
               const int *ndims, const ptrdiff_t *shapes, const ptrdiff_t *strides);
int ulpy_call3(const ul_gufunc *g, void *d0, void *d1, void *d2, const int *types,
               const int *ndims, const ptrdiff_t *shapes, const ptrdiff_t *strides);
int ulpy_call4(const ul_gufunc *g, void *d0, void *d1, void *d2, void *d3,
               const int *types, const int *ndims, const ptrdiff_t *shapes,
               const ptrdiff_t *strides);
int ulpy_run2(const ul_plan *p, void *d0, void *d1);
int ulpy_run3(const ul_plan *p, void *d0, void *d1, void *d2);
int ulpy_run4(const ul_plan *p, void *d0, void *d1, void *d2, void *d3);
void ulpy_put_d(void *dst, const double *src, size_t n);
void ulpy_put_f(void *dst, const float *src, size_t n);
int ulpy_list2_d(const ul_plan *p, const double *a, void *o);
int ulpy_list2_f(const ul_plan *p, const float *a, void *o);
int ulpy_list3_d(const ul_plan *p, const double *a, const double *b, void *o);
int ulpy_list3_f(const ul_plan *p, const float *a, const float *b, void *o);
"""

HELPERS_SRC = r"""
#include <string.h>
#include "umath_linalg.h"
static int ulpy_call2(const ul_gufunc *g, void *d0, void *d1, const int *types,
                      const int *ndims, const ptrdiff_t *shapes, const ptrdiff_t *strides)
{
    char *data[2] = {(char *)d0, (char *)d1};
    return ul_gufunc_callv(g, 2, data, types, ndims, shapes, strides, NULL);
}
static int ulpy_call3(const ul_gufunc *g, void *d0, void *d1, void *d2, const int *types,
                      const int *ndims, const ptrdiff_t *shapes, const ptrdiff_t *strides)
{
    char *data[3] = {(char *)d0, (char *)d1, (char *)d2};
    return ul_gufunc_callv(g, 3, data, types, ndims, shapes, strides, NULL);
}
static int ulpy_call4(const ul_gufunc *g, void *d0, void *d1, void *d2, void *d3,
                      const int *types, const int *ndims, const ptrdiff_t *shapes,
                      const ptrdiff_t *strides)
{
    char *data[4] = {(char *)d0, (char *)d1, (char *)d2, (char *)d3};
    return ul_gufunc_callv(g, 4, data, types, ndims, shapes, strides, NULL);
}
/* A prepared plan (ul_plan_new) on new data pointers: the fast path's
   one C call per Python call. */
static int ulpy_run2(const ul_plan *p, void *d0, void *d1)
{
    char *data[2] = {(char *)d0, (char *)d1};
    return ul_plan_run(p, data, NULL);
}
static int ulpy_run3(const ul_plan *p, void *d0, void *d1, void *d2)
{
    char *data[3] = {(char *)d0, (char *)d1, (char *)d2};
    return ul_plan_run(p, data, NULL);
}
static int ulpy_run4(const ul_plan *p, void *d0, void *d1, void *d2, void *d3)
{
    char *data[4] = {(char *)d0, (char *)d1, (char *)d2, (char *)d3};
    return ul_plan_run(p, data, NULL);
}
/* Copy n items into dst; called with a Python list as src, which cffi
   converts into a temporary C array (no GC-tracked allocation). */
static void ulpy_put_d(void *dst, const double *src, size_t n)
{
    memcpy(dst, src, n * sizeof(double));
}
static void ulpy_put_f(void *dst, const float *src, size_t n)
{
    memcpy(dst, src, n * sizeof(float));
}
/* The nested-list fast path (umath_linalg/_lists.py): the flat Python list
   itself is the input argument.  cffi converts it into a temporary C array
   for the call (on PyPy a memcpy for a list of floats), so the Python side
   allocates no input buffer and makes one foreign call, on the plan the
   list's shapes prepared. */
#define ULPY_LIST2(ch, T) \
static int ulpy_list2_##ch(const ul_plan *p, const T *a, void *o) \
{ \
    char *data[2] = {(char *)a, (char *)o}; \
    return ul_plan_run(p, data, NULL); \
}
#define ULPY_LIST3(ch, T) \
static int ulpy_list3_##ch(const ul_plan *p, const T *a, const T *b, void *o) \
{ \
    char *data[3] = {(char *)a, (char *)b, (char *)o}; \
    return ul_plan_run(p, data, NULL); \
}
ULPY_LIST2(d, double)
ULPY_LIST2(f, float)
ULPY_LIST3(d, double)
ULPY_LIST3(f, float)
"""


def _rpath():
    env = os.environ.get("UL_BUILD_RPATH")
    if env is not None:
        return [p for p in env.split(":") if p]
    if __name__ == "__cffi__" and os.environ.get("UL_SHIP_LIB", "1") != "0":
        # setup.py copies libumath_linalg.so.0 into the package folder.
        return ["$ORIGIN", os.path.abspath(LIB_DIR)]
    return [os.path.abspath(LIB_DIR)]


ffibuilder = cffi.FFI()
ffibuilder.cdef(header_cdef() + HELPERS_CDEF)
ffibuilder.set_source(
    "umath_linalg._ul",
    HELPERS_SRC,
    include_dirs=[HEADER_DIR],
    library_dirs=[LIB_DIR],
    libraries=["umath_linalg"],
    extra_link_args=["-Wl,-rpath," + p for p in _rpath()],
    extra_compile_args=["-O2"],
)


def build_inplace():
    """Compile the extension into umath_linalg/ (temp files under build/out/)."""
    impl = "pypy" if hasattr(sys, "pypy_version_info") else "cpython"
    tmp = os.path.join(ROOT, "build", "out", "cffi-" + impl)
    os.makedirs(tmp, exist_ok=True)
    built = ffibuilder.compile(tmpdir=tmp, verbose=False)
    dest = os.path.join(ROOT, "umath_linalg", os.path.basename(built))
    os.replace(built, dest)
    return dest


if __name__ == "__main__":
    print(build_inplace())
