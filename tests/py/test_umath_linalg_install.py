"""setup.py: `pip install --no-build-isolation --no-index --no-deps --target`
with the running interpreter, then import from a clean directory with no
LD_LIBRARY_PATH: the installed extension must find the shipped
libumath_linalg.so.0 through its $ORIGIN rpath."""
import os
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _pip_ok():
    try:
        return subprocess.run([sys.executable, "-m", "pip", "--version"],
                              capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.mark.skipif(not _pip_ok(), reason="pip not available")
def test_pip_install_target_and_import():
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "site")
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        cmd = [sys.executable, "-m", "pip", "install", "-q",
               "--no-build-isolation", "--no-index", "--no-deps",
               "--target", target, "."]
        for attempt in range(2):    # a concurrent `make lib` may relink
            r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True,
                               text=True)
            if r.returncode == 0:
                break
            time.sleep(5)
        assert r.returncode == 0, r.stdout + r.stderr
        env["PYTHONPATH"] = target
        env.pop("LD_LIBRARY_PATH", None)
        env.pop("UMATH_LINALG_LIB", None)
        code = ("import umath_linalg as u, pypy_compat.linalg as L; "
                "print(u.__file__); print(u.inv([[2.0, 0.0], [0.0, 4.0]])); "
                "print(L.det([[1, 2], [3, 4]]))")
        r = subprocess.run([sys.executable, "-c", code], cwd=tmp, env=env,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert lines[0].startswith(target)
        assert lines[1] == "[[0.5, 0.0], [0.0, 0.25]]"
        assert abs(float(lines[2]) + 2.0) < 1e-12
        assert os.path.exists(os.path.join(target, "umath_linalg",
                                           "libumath_linalg.so.0"))


def _setup_py(args, tmp):
    """Run setup.py with a library folder that has no library and a `make`
    that only records its arguments: (returncode, output, make calls)."""
    fakebin = os.path.join(tmp, "bin")
    os.makedirs(fakebin, exist_ok=True)
    log = os.path.join(tmp, "make.log")
    with open(os.path.join(fakebin, "make"), "w") as f:
        f.write('#!/bin/sh\necho "$@" >> "%s"\nexit 0\n' % log)
    os.chmod(os.path.join(fakebin, "make"), 0o755)
    env = dict(os.environ)
    env["PATH"] = fakebin + os.pathsep + env.get("PATH", "")
    env["UMATH_LINALG_LIBDIR"] = os.path.join(tmp, "nolib")
    if os.path.exists(log):
        os.remove(log)
    r = subprocess.run([sys.executable, "setup.py"] + args, cwd=ROOT,
                       env=env, capture_output=True, text=True)
    calls = open(log).read().splitlines() if os.path.exists(log) else []
    return r.returncode, r.stdout + r.stderr, calls


@pytest.mark.parametrize("args", [
    ["--version"], ["--help"], ["--name"], ["clean", "--build-base", "{t}"],
    ["egg_info", "--egg-base", "{t}"]])
def test_setup_py_builds_nothing_for_commands_that_do_not_build(args):
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, calls = _setup_py([a.format(t=tmp) for a in args], tmp)
        assert rc == 0, out
        assert calls == []
        if args == ["--version"]:
            assert out.strip().splitlines()[-1] == "0.1.0"


@pytest.mark.parametrize("args", [
    ["build_py", "--build-lib", "{t}/lib"],
    ["build_ext", "--build-lib", "{t}/lib", "--build-temp", "{t}/tmp"]])
def test_setup_py_building_commands_make_the_library(args):
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, calls = _setup_py([a.format(t=tmp) for a in args], tmp)
        assert calls == ["-C %s lib" % ROOT]
        # the fake make made nothing: a clear error, not a broken build
        assert rc != 0 and "did not produce" in out, out
