"""The cost models on the reference loss: the compare table, FLOPs ratios, and numpy timings.

    python -m bench.costs [--repeats 5] [--markdown] [--json bench/results/costs.json]

At m=2000, n=1000, k=20 it prints compare_costs' table, the FLOPs of each pick against the size
pick and against the expanded forms (as printed, numpy evaluating left to right), and the time of
the generated numpy functions (median of `repeats` calls on random arrays).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench.timing import median_seconds
from egraph_mc import compare_costs
from egraph_mc.declare import parse_where
from egraph_mc.parse import parse_loss
from egraph_mc.render import numpy_function
from egraph_mc.score import dag_flops, flops
from egraph_mc.testing.corpus import problem

DIMS = {"m": 2000, "n": 1000, "k": 20}
# The gradient written out: distributed over the product (the blog's hand derivation), and fully
# expanded into products of symbols.
EXPANDED = {
    "hand (blog) form": "2 * (J + R) @ (A @ A.T @ (J + R).T @ (J + R) @ A @ A.T - A @ D @ A.T) + lam * R",
    "fully expanded": (
        "2 * J @ A @ A.T @ J.T @ J @ A @ A.T + 2 * J @ A @ A.T @ J.T @ R @ A @ A.T"
        " + 2 * J @ A @ A.T @ R.T @ J @ A @ A.T + 2 * J @ A @ A.T @ R.T @ R @ A @ A.T"
        " + 2 * R @ A @ A.T @ J.T @ J @ A @ A.T + 2 * R @ A @ A.T @ J.T @ R @ A @ A.T"
        " + 2 * R @ A @ A.T @ R.T @ J @ A @ A.T + 2 * R @ A @ A.T @ R.T @ R @ A @ A.T"
        " - 2 * J @ A @ D @ A.T - 2 * R @ A @ D @ A.T + lam * R"
    ),
}


def time_call(fn, values, repeats: int) -> float:
    return median_seconds(lambda: fn(**values), repeats, warmup=True)[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--markdown", action="store_true", help="print only the compare table, as Markdown")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    ref = problem("reference")
    loss, wrt, where = ref.loss, ref.wrt, ref.where
    table = compare_costs(loss, wrt, where, DIMS)
    if args.markdown:
        print(table.markdown())
        print(f"\ndims: {', '.join(f'{k}={v}' for k, v in DIMS.items())}; {table.stats}")
        return
    print(table, "\n")
    rows = {r.model: r for r in table.rows}
    decls = parse_where(where)
    size_flops = rows["size"].flops
    report = {"dims": DIMS, "table": table.to_dicts(), "flops": {}, "seconds": {}}
    print(f"FLOPs at {DIMS} (as printed, left to right; 'shared': every distinct subterm once)")
    lines = [(f"{m} pick", rows[m].flops, rows[m].dag_flops) for m in rows]
    for name, text in EXPANDED.items():
        t = parse_loss(text, decls)
        lines.append((name, flops(t, DIMS), dag_flops(t, DIMS)))
    for name, f, fd in lines:
        report["flops"][name] = {"flops": f, "shared": fd}
        print(f"  {name:18s} {f:>14,} ({f / size_flops:5.2f} x size pick)   shared {fd:>14,} ({fd / size_flops:5.2f} x)")
    rng = np.random.default_rng(0)
    m, n, k = DIMS["m"], DIMS["n"], DIMS["k"]
    values = dict(A=rng.standard_normal((n, k)), J=rng.standard_normal((m, n)), R=rng.standard_normal((m, n)),
                  D=np.diag(rng.standard_normal(k)), lam=0.1)
    print(f"\nnumpy evaluation, median of {args.repeats} (generated functions compute every distinct subterm once)")
    timed = {f"{mname} pick": rows[mname].term for mname in ("size", "flops", "flops-dag")}
    timed |= {name: parse_loss(text, decls) for name, text in EXPANDED.items()}
    base = None
    for name, t in timed.items():
        s = time_call(numpy_function(t, decls.shapes), values, args.repeats)
        base = base or s
        report["seconds"][name] = s
        print(f"  {name:18s} {s * 1000:9.2f} ms ({s / base:5.2f} x size pick)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
