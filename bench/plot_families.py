"""plot_families.py CSV PNG - issue 14's families against numpy, a plot.

Reads the rows bench_families.py --csv writes (ns per matrix, float64
stacks, numpy's own _umath_linalg loop and ours on one thread, both in CPU
time) and draws, per family, ns per matrix against n on a log scale, with
the speed-up written at each point of ours.
"""
import csv
import sys


def main(src, png):
    rows = list(csv.DictReader(open(src)))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plot")
        return
    families = []
    for r in rows:
        if r["family"] not in families:
            families.append(r["family"])
    fig, axes = plt.subplots(1, len(families), figsize=(3.2 * len(families), 3.4),
                             squeeze=False)
    for ax, fam in zip(axes[0], families):
        pts = sorted((int(r["n"]), float(r["numpy_ns"]), float(r["ours1_ns"]))
                     for r in rows if r["family"] == fam)
        n = [p[0] for p in pts]
        ax.semilogy(n, [p[1] for p in pts], "o-", color="0.5", label="numpy")
        ax.semilogy(n, [p[2] for p in pts], "s-", color="C0", label="umath-linalg")
        for x, t_np, t_ul in pts:
            ax.annotate("%.0fx" % (t_np / t_ul), (x, t_ul), textcoords="offset points",
                        xytext=(0, 6), ha="center", fontsize=7)
        ax.set_title("%s (%s)" % (fam, rows[[r["family"] for r in rows].index(fam)]["loop"]),
                     fontsize=9)
        ax.set_xlabel("n")
        ax.set_xticks(n)
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("ns per matrix, one thread")
    axes[0][0].legend(fontsize=7)
    fig.suptitle("float64 stacks (100000 up to 4x4, 10000 above), "
                 "OPENBLAS_NUM_THREADS=1", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print("wrote", png)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
