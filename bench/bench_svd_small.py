"""The small SVD kernels (c/small/ul_kern_svd.tmpl.h) against numpy's own
`_umath_linalg` loops of the same name, ns per matrix, float64, one thread
each (OPENBLAS_NUM_THREADS=1: bench_svd_small.sh sets it; ours through
ul_set_num_threads(1)), both called as numpy gufuncs (the numpy backend)
with preallocated out=. Short calls (4000 matrices up to 4x4, 400 above)
alternate call by call and each side keeps its best: on a loaded host a
short call is more often left uninterrupted than a stack of 100000
(bench_families.py, engineer chol's, measures those). The speed-up is the
ratio within the run.

    bench_svd_small.py [N1,N2,...] [GUFUNC,...] [REPS]
"""
import sys
import time

import numpy as np

import pypy_compat.numpy_backend as backend


def main(argv):
    sizes = [int(x) for x in (argv[0] if argv else "2,3,4,8,10").split(",")]
    names = (argv[1] if len(argv) > 1 else "svd_n_f,svd_n").split(",")
    reps = int(argv[2]) if len(argv) > 2 else 100
    ours = backend.gufuncs()
    backend._library().ul_set_num_threads(1)
    npu = np.linalg._umath_linalg
    rng = np.random.default_rng(0)
    print("| gufunc | n | stack | numpy ns | ours ns | speed-up |")
    print("|---|---|---|---|---|---|")
    for name in names:
        for n in sizes:
            count = 4000 if n <= 4 else 400
            a = rng.standard_normal((count, n, n))
            sides = {"numpy": getattr(npu, name), "ours": ours[name]}
            res = sides["numpy"](a)
            res = res if isinstance(res, tuple) else (res,)
            outs = {k: tuple(np.empty_like(r) for r in res) for k in sides}
            best = {k: float("inf") for k in sides}
            for _ in range(reps):
                for k, f in sides.items():
                    o = outs[k]
                    t = time.perf_counter()
                    f(a, out=o if len(o) > 1 else o[0])
                    best[k] = min(best[k], time.perf_counter() - t)
            ns = {k: v / count * 1e9 for k, v in best.items()}
            print("| %s | %d | %d | %.1f | %.1f | %.1fx |" % (
                name, n, count, ns["numpy"], ns["ours"], ns["numpy"] / ns["ours"]),
                flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
