"""float64 4x4 inverses through umath_linalg.dask on a LocalCluster of 2
worker processes (1 thread each), against the library in this process (one
call, its 2 threads) and numpy.linalg.inv (numpy's own loops): 10^7
matrices in chunks of 500000, then dask's cost per chunk from a sweep of
chunk sizes over 10^6 matrices, and the chunk size from which it is under
10 % of the run.

    bench_dask.py [N [N_SWEEP]]       (run through bench_dask.sh)

The data is made on the workers (dask.random, persisted; the sweep
rechunks it there) and the results stay there (persist + wait, then
released): the times are the computation and dask's scheduling, not moving
gigabytes through sockets. Each time is the best of REPS, dask and the
one-process call interleaved repetition by repetition, so load drift hits
both alike. Every dask result is checked bitwise against the one-process
call.
"""
import logging
import sys
import time

import numpy as np

REPS = 3
HEADLINE_CHUNK = 500_000
SWEEP = (2_000, 5_000, 20_000, 50_000, 125_000, 500_000)


def once(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    import dask.array as da
    import distributed
    import pypy_compat.numpy_backend as backend
    import umath_linalg.dask as uld

    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10 ** 7
    n_sweep = int(float(sys.argv[2])) if len(sys.argv) > 2 else 10 ** 6
    inv = backend.gufuncs()["inv"]
    env = {"UL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=logging.ERROR, env=env) as cluster, \
            distributed.Client(cluster) as client:
        client.wait_for_workers(2)

        def tasks():
            return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))

        def on_cluster(x):
            """One inv over x on the workers, timed; then the result is
            released and the scheduler waited for until it has forgotten it
            (the same keys would otherwise be found in memory next time)."""
            base = tasks()
            t0 = time.perf_counter()
            r = uld.inv(x).persist()
            distributed.wait(r)
            t = time.perf_counter() - t0
            assert tasks() > base
            client.cancel(r)
            del r
            while tasks() > base:
                time.sleep(0.01)
            return t

        def timed(x, a, numpy_reps=0):
            if not np.array_equal(uld.inv(x).compute(), inv(a)):
                raise SystemExit("dask and one-process results differ (%s)" % (x.chunks[0][:2],))
            t = {"dask": float("inf"), "one": float("inf"), "numpy": float("inf")}
            for rep in range(REPS):
                t["dask"] = min(t["dask"], on_cluster(x))
                t["one"] = min(t["one"], once(lambda: inv(a)))
                if rep < numpy_reps:
                    t["numpy"] = min(t["numpy"], once(lambda: np.linalg.inv(a)))
            return t

        def made(count, chunk):
            rs = da.random.RandomState(7)
            x = (rs.uniform(-1, 1, (count, 4, 4), chunks=(chunk, 4, 4)) + 5 * np.eye(4)).persist()
            distributed.wait(x)
            return x, x.compute()  # the same matrices here, for the one-process call

        print("float64 4x4 inverses; 2 workers x 1 thread (UL_NUM_THREADS=1); one "
              "process: the library's 2 threads; best of %d (numpy: 1)\n" % REPS)
        x, a = made(n, HEADLINE_CHUNK)
        head = timed(x, a, numpy_reps=1)
        del x, a
        print("| %d matrices | s | ns/matrix | vs one process |" % n)
        print("|---|---|---|---|")
        for key, label in (("dask", "dask, 2 workers, chunks of %d" % HEADLINE_CHUNK),
                           ("one", "library, one process, one call"),
                           ("numpy", "numpy.linalg.inv, one process")):
            print("| %s | %.3f | %.1f | %.2f |" % (label, head[key], head[key] / n * 1e9,
                                                  head[key] / head["one"]))
        sys.stdout.flush()

        x0, a = made(n_sweep, SWEEP[-1])
        rows = []
        for chunk in SWEEP:
            x = x0.rechunk((chunk, 4, 4)).persist()
            distributed.wait(x)
            t = timed(x, a)
            rows.append((chunk, len(x.chunks[0]), t["dask"], t["one"]))
            del x
        # wall = t0 + b * chunks: b is dask's cost per chunk (2 workers)
        b, t0 = np.polyfit([r[1] for r in rows], [r[2] for r in rows], 1)
        work = min(r[3] for r in rows) / n_sweep  # s per matrix, both cores
        print("\n| %d matrices, chunk | chunks | dask s | one process s | dask / one |"
              % n_sweep)
        print("|---|---|---|---|---|")
        for chunk, nk, td, to in rows:
            print("| %d | %d | %.3f | %.3f | %.2f |" % (chunk, nk, td, to, td / to))
        print("\nfit: wall = %.3f s + %.2f ms x chunks. dask's cost per chunk %.2f ms of "
              "wall time = the work of %d matrices (%.1f ns each on 2 cores): under 10 %% "
              "of a chunk's time from chunks of %d matrices"
              % (t0, b * 1e3, b * 1e3, b / work, work * 1e9, 9 * b / work))


if __name__ == "__main__":
    main()
