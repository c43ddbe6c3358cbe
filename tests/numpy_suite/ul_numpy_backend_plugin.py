"""pytest plugin: run numpy's own linalg tests with pypy_compat.numpy_backend installed.

Used as ``-p ul_numpy_backend_plugin`` (tests/numpy_suite on sys.path) on the
installed numpy's ``numpy/linalg/tests/test_linalg.py`` (see run.sh beside
this file); the test file is numpy's, not a copy.

Environment: UL_NUMPY_SUITE_BACKEND=0 runs the same suite on numpy's own
loops (a baseline); UL_NUMPY_SUITE_WARNINGS=default keeps pytest's warning
handling instead of numpy's "every warning is an error".

At configure time it installs the backend and checks, before any test runs,
that numpy.linalg really reaches the project's gufuncs: for every name the
table and numpy share, the object linalg.py sees is the backend's ufunc, its
C loop table is the library's (``numpy_backend.owns``), and numpy's original
is not. It then counts, per test, which gufuncs linalg.py looked up (each
lookup there is followed by a call) and reports how many tests ran on the
project's gufuncs and how many only on numpy's own loops. At unconfigure it
uninstalls and checks that numpy is restored.
"""
import collections
import os
import types

import pytest

_state = {}


class _CountingModule(types.ModuleType):
    """Wraps the backend's proxy: counts the gufunc lookups linalg.py makes."""

    def __getattr__(self, name):
        target = self.__dict__["_target"]
        value = getattr(target, name)
        if name in self.__dict__["_ours"]:
            self.__dict__["_counts"]["ours", name] += 1
        elif not name.startswith("_"):
            self.__dict__["_counts"]["numpy", name] += 1
        return value


def _fail(msg):
    raise pytest.UsageError("umath_linalg numpy backend: " + msg)


# numpy's own pytest.ini turns every warning into an error, less a few
# import-time messages; the same here, so a loop that raises an FP flag numpy's
# does not (a new "divide by zero encountered in det" warning) fails the test.
NUMPY_FILTERWARNINGS = (
    "error",
    "ignore:Not importing directory",
    "ignore:numpy.dtype size changed",
    "ignore:numpy.ufunc size changed",
    "ignore::UserWarning:cpuinfo",
    "ignore:the matrix subclass is not",
    "ignore:Importing from numpy.matlib is",
)


def pytest_configure(config):
    for mark in ("slow", "xslow", "valgrind_error", "leaks_references"):
        config.addinivalue_line("markers", "%s: numpy test-suite marker" % mark)
    if os.environ.get("UL_NUMPY_SUITE_WARNINGS", "error") == "error":
        for line in NUMPY_FILTERWARNINGS:
            config.addinivalue_line("filterwarnings", line)
    if os.environ.get("UL_NUMPY_SUITE_BACKEND", "1") == "0":
        return  # baseline: numpy's own loops, same settings
    import numpy as np
    import pypy_compat.numpy_backend as backend

    try:
        info = backend._numpy_info()
        linalg_py = info.linalg_py
        original = linalg_py._umath_linalg
        replaced = backend.install()
        ours = backend.gufuncs()
    except (backend.BackendError, ImportError) as exc:
        _fail("install() failed: %s" % exc)
    proxy = linalg_py._umath_linalg
    if proxy is original:
        _fail("install() did not replace numpy.linalg's _umath_linalg")
    for name in replaced:
        seen = getattr(proxy, name)
        if seen is not ours[name] or not backend.owns(seen):
            _fail("%s seen by numpy.linalg is not the project's gufunc" % name)
        if backend.owns(getattr(original, name)) or getattr(original, name) is seen:
            _fail("numpy's own %s looks like the project's" % name)
    for name in ("inv", "solve", "solve1", "det", "slogdet"):
        if name not in replaced:
            _fail("%s is not installed (replaced: %s)" % (name, replaced))
    # One behavioural check through numpy.linalg: a singular matrix in a stack.
    a = np.array([np.eye(2), np.zeros((2, 2))])
    try:
        np.linalg.inv(a)
    except np.linalg.LinAlgError:
        pass
    else:
        _fail("inv of a stack holding a singular matrix did not raise LinAlgError")

    counting = _CountingModule(proxy.__name__, proxy.__doc__)
    counting.__dict__.update(_target=proxy, _ours=frozenset(replaced),
                             _counts=collections.Counter())
    linalg_py._umath_linalg = counting
    _state.update(backend=backend, linalg_py=linalg_py, original=original,
                  counting=counting, replaced=replaced, library=backend._lib_path,
                  numpy_version=np.__version__, per_test={})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if "counting" not in _state:
        yield
        return
    counts = _state["counting"].__dict__["_counts"]
    before = counts.copy()
    yield
    used = counts - before
    _state["per_test"][item.nodeid] = used


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _state.setdefault("outcomes", {})[report.nodeid] = (
            "xfailed" if hasattr(report, "wasxfail") else report.outcome)


def pytest_terminal_summary(terminalreporter):
    if "per_test" not in _state:
        return
    per_test = _state["per_test"]
    ours_tests = [n for n, c in per_test.items() if any(k[0] == "ours" for k in c)]
    numpy_only = [n for n, c in per_test.items()
                  if c and not any(k[0] == "ours" for k in c)]
    total = collections.Counter()
    for c in per_test.values():
        total.update(c)
    tr = terminalreporter
    tr.section("umath_linalg numpy backend")
    tr.write_line("numpy %s linalg suite with the backend installed (library %s)"
                  % (_state["numpy_version"], _state["library"]))
    tr.write_line("project gufuncs installed: %s" % ", ".join(_state["replaced"]))
    outcomes = _state.get("outcomes", {})
    ours_outcomes = collections.Counter(outcomes.get(n, "?") for n in ours_tests)
    tr.write_line("tests called: %d; used the project's gufuncs: %d (%s); used only "
                  "numpy's own loops: %d; no gufunc: %d"
                  % (len(per_test), len(ours_tests),
                     ", ".join("%d %s" % (v, k) for k, v in sorted(ours_outcomes.items())),
                     len(numpy_only), len(per_test) - len(ours_tests) - len(numpy_only)))
    tr.write_line("calls through the project's gufuncs: " + ", ".join(
        "%s=%d" % (k[1], v) for k, v in sorted(total.items()) if k[0] == "ours"))
    tr.write_line("calls through numpy's own gufuncs: " + ", ".join(
        "%s=%d" % (k[1], v) for k, v in sorted(total.items()) if k[0] == "numpy"))


def pytest_unconfigure(config):
    if "backend" not in _state:
        return
    _state["backend"].uninstall()
    if _state["linalg_py"]._umath_linalg is not _state["original"]:
        raise RuntimeError("uninstall() did not restore numpy.linalg._umath_linalg")
