"""The numpy backend's gufuncs as dask needs them (issue 16): attributes of
an importable module (pypy_compat.numpy_gufuncs) that pickle by reference
and round-trip into a fresh process; calls on the tiny and empty inputs
dask's dtype/meta inference makes. CPython with numpy only."""
import pickle
import re
import subprocess
import sys

import pytest

if sys.implementation.name != "cpython":  # pragma: no cover
    pytest.skip("the numpy backend needs CPython's numpy", allow_module_level=True)
np = pytest.importorskip("numpy", reason="the numpy backend needs numpy")

import pypy_compat.numpy_backend as backend  # noqa: E402
import pypy_compat.numpy_gufuncs as numpy_gufuncs  # noqa: E402

UFUNCS = backend.gufuncs()


def test_every_row_is_a_module_attribute_under_its_name():
    assert len(UFUNCS) > 20
    for name, uf in UFUNCS.items():
        assert uf.__name__ == name
        assert getattr(numpy_gufuncs, name) is uf
    assert set(UFUNCS) <= set(dir(numpy_gufuncs))
    with pytest.raises(AttributeError, match="table has no gufunc of that name"):
        numpy_gufuncs.no_such_gufunc


def test_pickle_by_reference_and_numpy_ufuncs_unchanged():
    data = pickle.dumps(UFUNCS["inv"])
    assert b"pypy_compat.numpy_gufuncs" in data and b"_ufunc_reconstruct" in data
    for name, uf in UFUNCS.items():
        assert pickle.loads(pickle.dumps(uf)) is uf
    # numpy's own ufuncs keep numpy's reducer (by name, found by pickle)
    assert pickle.loads(pickle.dumps(np.add)) is np.add
    theirs = np.linalg._umath_linalg.inv
    assert pickle.loads(pickle.dumps(theirs)) is theirs
    assert b"numpy.linalg._umath_linalg" in pickle.dumps(theirs)


def test_bound_elsewhere_still_pickles_to_the_module(tmp_path):
    # a module that holds the ufunc under the same name and comes first in
    # sys.modules (pickle's search order) must not become the reference: a
    # worker may not be able to import it
    (tmp_path / "user_mod.py").write_text(
        "def setup():\n    global inv\n    import pypy_compat.numpy_backend as b\n"
        "    inv = b.gufuncs()['inv']\n")
    code = ("import pickle, sys; sys.path.insert(0, %r); import user_mod; user_mod.setup(); "
            "sys.stdout.buffer.write(pickle.dumps(user_mod.inv))" % str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    assert b"user_mod" not in out.stdout and b"pypy_compat.numpy_gufuncs" in out.stdout


FRESH = """
import pickle, sys
import numpy as np
ufs = pickle.loads(sys.stdin.buffer.read())
import pypy_compat.numpy_backend as backend
ours = backend.gufuncs()
assert all(backend.owns(u) and ours[u.__name__] is u for u in ufs), ufs
a = np.array([[4.0, 1.0], [2.0, 3.0]])
print(ufs[0](a).tolist(), ufs[1](a), ufs[2](a, a).tolist())
"""


@pytest.mark.parametrize("dumps", ["pickle", "cloudpickle"])
def test_round_trip_in_a_fresh_process(dumps):
    mod = pytest.importorskip(dumps, reason="cloudpickle comes with python3-dask")
    data = mod.dumps([UFUNCS["inv"], UFUNCS["det"], UFUNCS["matmul"]])
    out = subprocess.run([sys.executable, "-c", FRESH], input=data,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    a = np.array([[4.0, 1.0], [2.0, 3.0]])
    want = "%s %s %s" % (UFUNCS["inv"](a).tolist(), UFUNCS["det"](a),
                         UFUNCS["matmul"](a, a).tolist())
    assert out.stdout.decode().strip() == want


def _core_ndims(signature):
    """Number of core dimensions of each input ('?' ones included)."""
    ins = signature.split("->")[0]
    return [len([d for d in g.split(",") if d.strip()])
            for g in re.findall(r"\(([^)]*)\)", ins)]


@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_inference_inputs(name):
    """What dask's apply_infer_dtype (all sizes 1) and compute_meta (sizes
    0) call: every loop type, with and without stack axes; no error, no
    crash, outputs of the loop's types."""
    uf = UFUNCS[name]
    for types in uf.types:
        ins, outs = types.split("->")
        for stack in [(), (0,), (1,), (2, 0)]:
            for size in (0, 1):
                args = [np.ones(stack + (size,) * n, dtype=ch)
                        for n, ch in zip(_core_ndims(uf.signature), ins)]
                with np.errstate(all="ignore"):
                    res = uf(*args)
                res = res if isinstance(res, tuple) else (res,)
                assert "".join(r.dtype.char for r in res) == outs
                if size == 1 and stack != (2, 0):
                    assert all(r.size == 0 or np.isfinite(r).all() for r in res), (types, res)
