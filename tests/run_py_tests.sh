#!/bin/sh
# Runs the Python test suite under CPython (Debian's, with numpy) and PyPy.
# Usage: run_py_tests.sh PYTHON PYPY. Exit status non-zero if any run fails.
py=$1; pypy=$2
status=0
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
echo "== pytest under $py"
"$py" -m pytest -q -p no:cacheprovider tests/py || status=1
echo "== pytest under $pypy"
"$pypy" -m pytest -q -p no:cacheprovider tests/py || status=1
# numpy's own linalg test suite (the installed numpy's test_linalg.py) with
# pypy_compat.numpy_backend installed; CPython only (issue 3).
echo "== numpy's linalg test suite with the umath_linalg backend, under $py"
sh tests/numpy_suite/run.sh "$py" || status=1
exit $status
