"""What the cost-directed pass (`api._expand`: products distribute over every sum, for the flops
models) buys: every supported corpus problem's flops pick with the pass off and on, in one run.

    python -m bench.distribute [--model flops] [--json bench/results/distribute.json]

Reports the problems whose pick got cheaper (FLOPs at the problem's dims, recomputed from the
term), any that got dearer, and the median seconds per call both ways (runs alternate per problem).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from pathlib import Path

from bench.provenance import ROOT, commit_label
from egraph_mc import api, optimize_gradient
from egraph_mc.testing.corpus import SUPPORTED


def _pick(p, model: str, expand: bool):
    original = api._expand
    if not expand:
        api._expand = lambda *args, **kwargs: None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            r = optimize_gradient(p.loss, p.wrt, p.where, cost=model, dims=p.dims)
            return r, time.perf_counter() - start
    finally:
        api._expand = original


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="flops", choices=("flops", "flops-dag"))
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "distribute.json")
    args = ap.parse_args(argv)
    optimize_gradient("norm(X)**2", "X", "X: n x n")  # start the worker outside the timings
    rows = []
    for i, p in enumerate(SUPPORTED):
        order = (False, True) if i % 2 == 0 else (True, False)
        got = {}
        for expand in order:
            r, seconds = _pick(p, args.model, expand)
            got[expand] = {"gradient": str(r), "cost": r.cost, "seconds": seconds, "error": r.verify()}
        rows.append({"name": p.name, "off": got[False], "on": got[True]})
    cheaper = [r for r in rows if r["on"]["cost"] < r["off"]["cost"]]
    dearer = [r for r in rows if r["on"]["cost"] > r["off"]["cost"]]
    summary = {
        "model": args.model, "problems": len(rows), "cheaper": len(cheaper), "dearer": len(dearer),
        "largest_gain": max((r["off"]["cost"] / r["on"]["cost"] for r in cheaper), default=1.0),
        "median_seconds_off": statistics.median(r["off"]["seconds"] for r in rows),
        "median_seconds_on": statistics.median(r["on"]["seconds"] for r in rows),
        "max_error": max(max(r["off"]["error"], r["on"]["error"]) for r in rows),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"commit": commit_label("egraph_mc"), "summary": summary, "rows": rows}, indent=1))
    for r in cheaper:
        print(f"{r['name']}: {r['off']['cost']:.3g} -> {r['on']['cost']:.3g} FLOPs   {r['on']['gradient']}")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
