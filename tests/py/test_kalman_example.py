"""examples/kalman_*.py (issue 13, item 4): the three versions of the
extended Kalman filter agree.  200 steps; numpy's version where numpy
imports (CPython), the fast and list versions under both interpreters."""
import os
import sys

import pytest

EX = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "examples")
sys.path.insert(0, EX)

import kalman_model as km  # noqa: E402
import kalman_pypy_fast  # noqa: E402
import kalman_pypy_lists  # noqa: E402

STEPS = 200
TOL = 1e-10


@pytest.fixture(scope="module")
def data():
    return km.make_data(STEPS)


@pytest.fixture(scope="module")
def results(data):
    truth, zs = data
    r = {"fast": kalman_pypy_fast.run(zs), "lists": kalman_pypy_lists.run(zs)}
    try:
        import kalman_numpy
    except ImportError:         # PyPy: no numpy
        pass
    else:
        r["numpy"] = kalman_numpy.run(zs)
    return r


def test_data_deterministic(data):
    # a fixed seed gives the same data in every process and interpreter:
    # spot values (exact: integer LCG, Irwin-Hall sums, sqrt)
    truth, zs = data
    assert km.make_data(STEPS) == data
    assert len(zs) == STEPS and len(zs[0]) == km.M
    assert km.LCG(1).uniform() == (1664525 + 1013904223) / 4294967296.0


@pytest.mark.parametrize("name", ["fast", "lists"])
def test_versions_agree(results, name):
    ref_name = "numpy" if "numpy" in results else "lists"
    x, P, nrej = results[name]
    rx, rP, rrej = results[ref_name]
    assert nrej == rrej
    assert km.rel_diff(x, rx) <= TOL
    assert km.rel_diff(P, rP) <= TOL


@pytest.mark.parametrize("name", ["fast", "lists"])
def test_filter_tracks(data, results, name):
    # the filter works: the position ends within a few metres of the truth
    # (1 m range noise, P0 10 m), the step-100 outlier is gated out, and P
    # stays symmetric with a positive diagonal
    truth, zs = data
    x, P, nrej = results[name]
    err = sum((x[i] - truth[-1][i]) ** 2 for i in range(3)) ** 0.5
    assert err < 5.0
    assert nrej >= 1
    n = km.N
    for i in range(n):
        assert P[i * n + i] > 0
        for j in range(i):
            assert abs(P[i * n + j] - P[j * n + i]) <= 1e-9 * (
                abs(P[i * n + i]) + abs(P[j * n + j]))
