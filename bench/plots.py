"""PNG plots of a run: one per scaling family, one for evaluation speed (matplotlib, Agg backend).

matplotlib is optional: without it `make_plots` returns the reason instead of paths, and the
report says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def _pyplot():
    try:
        import matplotlib
    except ImportError as e:
        return None, f"matplotlib is not installed ({e}); no plots were drawn"
    matplotlib.use("Agg")  # files only: no display on a build machine
    import matplotlib.pyplot as plt

    return plt, None


def _scaling_plot(plt, family: str, data: Mapping, path: Path) -> None:
    rows = [r for r in data["rows"] if "seconds" in r]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, key, label, slope in ((left, "seconds", "seconds (median)", data["fit"]["seconds_slope"]),
                                  (right, "enodes", "e-nodes", data["fit"]["enodes_slope"])):
        for saturated, marker, name in ((True, "o", "saturated"), (False, "x", "stopped by a limit")):
            pts = [r for r in rows if bool(r["saturated"]) == saturated]
            if pts:
                ax.plot([r["loss_size"] for r in pts], [r[key] for r in pts], marker, label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("printed loss size")
        ax.set_ylabel(label)
        ax.set_title(f"slope {slope:.2f}" if slope is not None else "slope: too few points")
        for r in rows:
            ax.annotate(str(r["n"]), (r["loss_size"], r[key]), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.legend(fontsize=7)
    fig.suptitle(f"scaling: {family} ({data['parameter']} annotated)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _evalspeed_plot(plt, ev: Mapping, path: Path) -> None:
    rows = [r for r in ev["rows"] if r.get("status") == "ok"]
    names = list(dict.fromkeys(r["name"] for r in rows))
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.4), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        mine = sorted((r for r in rows if r["name"] == name), key=lambda r: r["size"])
        sizes = [r["size"] for r in mine]
        for key, label, style in (("ours_s", "ours (flops-dag)", "o-"), ("size_pick_s", "size pick", "s--"),
                                  ("torch_s", "torch.autograd", "^-")):
            if all(key in r for r in mine):
                ax.plot(sizes, [r[key] for r in mine], style, label=label)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.set_xlabel("n (every dim)")
        ax.set_title(name, fontsize=9)
    axes[0][0].set_ylabel("seconds (median)")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def make_plots(results: Mapping, out: Path) -> dict[str, Path] | str:
    """{name: path of its PNG} for the parts present in results, or why no plot was drawn."""
    plt, reason = _pyplot()
    if plt is None:
        return reason
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for family, data in (results.get("scaling") or {}).items():
        paths[family] = out / f"scaling-{family}.png"
        _scaling_plot(plt, family, data, paths[family])
    if results.get("evalspeed") and any(r.get("status") == "ok" for r in results["evalspeed"]["rows"]):
        paths["evalspeed"] = out / "evalspeed.png"
        _evalspeed_plot(plt, results["evalspeed"], paths["evalspeed"])
    return paths
