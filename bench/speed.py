"""Saturation speed of the reference loss and of every test loss (medians of repeated runs).

    python -m bench.speed [--repeats 7] [--json bench/results/speed.json]

Prints one row per loss: iterations, e-nodes, e-classes, median seconds (whole call:
parse, saturate, extract), the size and the printed gradient. The first call of a process
builds the rule template; it is run once before timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from egraph_mc import optimize_gradient
from egraph_mc.testing.corpus import CORE


def measure(loss: str, wrt: str, where: str, repeats: int) -> dict:
    times, res = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        res = optimize_gradient(loss, wrt, where)
        times.append(time.perf_counter() - start)
    return {
        "loss": loss,
        "wrt": wrt,
        "iterations": res.stats.iterations,
        "enodes": res.stats.enodes,
        "eclasses": res.stats.eclasses,
        "saturated": res.stats.saturated,
        "median_s": statistics.median(times),
        "max_s": max(times),
        "size": res.cost,
        "gradient": str(res.gradient),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    optimize_gradient(CORE[0].loss, CORE[0].wrt, CORE[0].where)  # build the rule template outside the timings
    rows = []
    print("| loss | wrt | iterations | e-nodes | e-classes | saturated | median s | size | gradient |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, loss, wrt, where in ((p.name, p.loss, p.wrt, p.where) for p in CORE):
        r = measure(loss, wrt, where, args.repeats)
        r["name"] = name
        rows.append(r)
        print(f"| {name} | {wrt} | {r['iterations']} | {r['enodes']} | {r['eclasses']} | {r['saturated']} | "
              f"{r['median_s']:.3f} | {r['size']} | `{r['gradient']}` |", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
