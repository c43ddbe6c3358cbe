#!/bin/sh
# Runs the INSTALLED numpy's numpy/linalg/tests/test_linalg.py (numpy's file,
# not a copy) with pypy_compat.numpy_backend installed, through the plugin
# ul_numpy_backend_plugin.py beside this script. CPython only.
# Usage: tests/numpy_suite/run.sh [PYTHON] [extra pytest args], from the repo root.
# --noconftest: numpy's own numpy/conftest.py needs hypothesis (not installed
# here) and only adds fixtures/markers this file does not use; the plugin
# registers the markers.
py=${1:-/usr/bin/python3}
[ $# -gt 0 ] && shift
root=$(pwd)
# rootdir = the installed numpy's folder, so test ids read numpy/linalg/tests/...
npdir=$("$py" -c "import os, numpy; print(os.path.dirname(os.path.dirname(numpy.__file__)))") || exit 1
export PYTHONPATH="$root:$root/tests/numpy_suite${PYTHONPATH:+:$PYTHONPATH}"
exec "$py" -m pytest -q -p no:cacheprovider --noconftest \
    -p ul_numpy_backend_plugin --rootdir="$npdir" \
    --pyargs numpy.linalg.tests.test_linalg "$@"
