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
