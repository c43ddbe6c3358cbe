"""plot_small.py CSV PNG - table, target check and plot of bench_small.sh.

Reads rows impl,op,n,count,kind,ns (ns per matrix), prints the inverse
table with ratios against numpy (OPENBLAS_NUM_THREADS=1) and LAPACKE
getrf+getri, checks the issue-5 targets, and draws time per matrix vs n
(log scale) for single matrices and stacks.
"""
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
png = sys.argv[2]
t = {}
for r in rows:
    t[(r["impl"], r["op"], int(r["n"]), r["kind"])] = float(r["ns"])
# numpy: best of the two thread settings
for (impl, op, n, kind), v in list(t.items()):
    if impl.startswith("numpy_"):
        k = ("numpy_best", op, n, kind)
        t[k] = min(t.get(k, 1e30), v)


def g(impl, n, kind, op="inv"):
    if impl == "eigen":
        return t.get(("eigen_fixed", op, n, kind), t.get(("eigen_dynamic", op, n, kind)))
    return t.get((impl, op, n, kind))


def fmt(v):
    if v is None:
        return "-"
    return "%.0f" % v if v >= 100 else "%.1f" % v


ns = sorted({k[2] for k in t})
cols = ["ul", "ul_t1", "lapacke_getri", "lapacke_gesv", "numpy_t1", "numpy_best", "eigen"]
print("float64 inverse, ns per matrix (min of repeats); x = speed-up of ul;")
print("ul = default threads (big stacks split across cores), ul 1thr = UL_NUM_THREADS=1")
for kind in ("single", "stack"):
    print("\n%-6s %3s %9s %9s %9s %9s %9s %9s %9s %9s %9s %8s %8s %8s %8s" % (
        kind, "n", "ul", "ul 1thr", "getrf+ri", "gesv", "np(1thr)", "np(best)", "eigen",
        "x np1", "x getri", "ul det", "getrf", "ul sol1", "gesv1"))
    for n in ns:
        v = [g(c, n, kind) for c in cols]
        if v[0] is None:
            continue
        xnp = v[4] / v[0] if v[4] else None
        xla = v[2] / v[0] if v[2] else None
        print("%-6s %3d %9s %9s %9s %9s %9s %9s %9s %9s %9s %8s %8s %8s %8s" % (
            "", n, fmt(v[0]), fmt(v[1]), fmt(v[2]), fmt(v[3]), fmt(v[4]), fmt(v[5]), fmt(v[6]),
            "%.1fx" % xnp if xnp else "-", "%.1fx" % xla if xla else "-",
            fmt(g("ul", n, kind, "det")), fmt(g("lapacke_getrf", n, kind, "det")),
            fmt(g("ul", n, kind, "solve1")), fmt(g("lapacke_gesv", n, kind, "solve1"))))

print("\nrandom matrices (rows interchanged by pivoting; the table above adds n to")
print("the diagonal, which needs no interchange), ns per matrix:")
for kind in ("single_piv", "stack_piv"):
    for n in ns:
        u, u1, la = g("ul", n, kind), g("ul_t1", n, kind), g("lapacke_getri", n, kind)
        if u and la:
            print("%-10s %3d   ul %7s   ul 1thr %7s   getrf+ri %7s   x getri %.1fx" % (
                kind, n, fmt(u), fmt(u1), fmt(la), la / u))

print("\ntargets (issue 5):")


def target(label, ok, detail):
    print("  [%s] %s: %s" % ("met " if ok else "MISS", label, detail))


for n, want in ((4, 30), (10, 12)):
    u, u1, npv = g("ul", n, "stack"), g("ul_t1", n, "stack"), g("numpy_t1", n, "stack")
    if u and npv:
        target("%dx%d stack >= %dx numpy(1 thread)" % (n, n, want), npv / u >= want,
               "%.1fx (%s ns vs %s ns); ours on one thread too: %s" % (
                   npv / u, fmt(u), fmt(npv), "%.1fx (%s ns)" % (npv / u1, fmt(u1)) if u1 else "-"))
u, la, ei = g("ul", 10, "single"), g("lapacke_getri", 10, "single"), g("eigen", 10, "single")
if u and la:
    target("10x10 single >= 3x LAPACKE getrf+getri", la / u >= 3, "%.1fx (%s ns vs %s ns)" % (la / u, fmt(u), fmt(la)))
if u and ei:
    target("10x10 single faster than Eigen fixed", u < ei, "%s ns vs %s ns" % (fmt(u), fmt(ei)))
for n in ns:
    if n >= 64:
        for kind in ("single", "stack"):
            u, la = g("ul", n, kind), g("lapacke_gesv", n, kind)
            if u and la:
                target("n=%d %s within 10%% of LAPACK gesv" % (n, kind), u <= 1.1 * la,
                       "%s ns vs %s ns" % (fmt(u), fmt(la)))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib missing: no plot")
    sys.exit(0)
fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
names = {"ul": "umath-linalg", "ul_t1": "umath-linalg, 1 thread", "lapacke_getri": "LAPACKE getrf+getri",
         "lapacke_gesv": "LAPACKE gesv(A, I)", "numpy_t1": "numpy (1 thread)",
         "numpy_best": "numpy (best of 1 / default threads)", "eigen": "Eigen 3 (fixed n<=16)"}
for ax, kind in zip(axes, ("single", "stack")):
    for ci, c in enumerate(cols):
        pts = [(n, g(c, n, kind)) for n in ns if g(c, n, kind)]
        if pts:   # one colour per implementation in both panels
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color="C%d" % ci,
                    lw=2.5 if c.startswith("ul") else 1.2,
                    ls="--" if c == "ul_t1" else "-", label=names[c])
    ax.legend(fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ns)
    ax.set_xticklabels([str(n) for n in ns])
    ax.set_xlabel("n")
    ax.set_title("float64 inverse, %s" % ("one matrix per call" if kind == "single"
                 else "stacks (1e5 for n<=4, 1e4 n<=16, 1e3 above)"))
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("ns per matrix")
fig.tight_layout()
fig.savefig(png, dpi=110)
print("\nwrote %s and %s" % (sys.argv[1], png))
