"""Hessian-vector products: our generated numpy H[V] against torch on the same loss.

    python -m bench.hvp [--sizes 256 1024] [--repeats 7] [--json bench/results/hvp.json]

For the reference loss and two other corpus losses with a non-constant Hessian, at each size n
(every dim of the problem set to n, as in `bench.evalspeed`), on the same random float64 data and
direction V, it times as medians of `repeats` calls after one warm-up call:
- ours: `hessian_vector(..., cost="flops-dag", dims=...).to_numpy()`, H[V] alone (the gradient
  is not computed on the way);
- torch, double backward: the loss built from the parsed term over torch (`evalspeed.torch_value`),
  g = autograd.grad(L, X, create_graph=True), then autograd.grad(<g, V>, X);
- torch.func forward-over-reverse, jvp(grad(L), (X,), (V,)) (torch.func has no `hvp` of its own;
  this is its documented recipe), on the same function.
One thread each (`evalspeed._threads`). Ratios are torch / ours (above 1: ours is faster). Each
torch H[V] is compared with ours (max relative difference). torch is optional: without it the
torch columns say "not installed".
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from bench.evalspeed import _threads, _torch, torch_value
from bench.timing import median_seconds
from egraph_mc import hessian_vector
from egraph_mc.declare import parse_where
from egraph_mc.testing.corpus import Problem, problem
from egraph_mc.testing.numeric import random_values

PROBLEMS = ["reference", "autoencoder", "symmetric factorization"]
SIZES = [256, 1024]


def _direction(p: Problem) -> str:
    """A name the problem does not declare, for V."""
    declared = parse_where(p.where).symbols
    return next(n for n in ("V", "Vd", "Dir") if n not in declared)


def _ours(p: Problem, dims: dict[str, int]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return hessian_vector(p.loss, p.wrt, p.where, direction=_direction(p), cost="flops-dag", dims=dims)


def _torch_runs(res, values: dict, dims: dict, torch) -> dict[str, Callable[[], object]]:
    """The torch contenders: double backward and torch.func's jvp of grad, each giving H[V] as a tensor."""
    wrt, v_name = res.wrt, res.direction
    tensors = {k: torch.tensor(v, dtype=torch.float64) if isinstance(v, np.ndarray) else v for k, v in values.items()}
    v = tensors[v_name]

    def loss(x):
        return torch_value(res.loss, {**tensors, wrt: x}, dims, torch)

    def double_backward():
        x = tensors[wrt].detach().requires_grad_(True)
        (g,) = torch.autograd.grad(loss(x), x, create_graph=True)
        return torch.autograd.grad(torch.sum(g * v), x)[0]

    def func_hvp():  # torch.func has no hvp: its documented recipe is the jvp of the grad
        return torch.func.jvp(torch.func.grad(loss), (tensors[wrt],), (v,))[1]

    return {"torch_double_backward": double_backward, "torch_func_hvp": func_hvp}


def measure(p: Problem, n: int, repeats: int, torch) -> dict:
    dims = {d: n for d in p.dims}
    res = _ours(p, dims)
    values = random_values(res.declarations, np.random.default_rng(n), dims)
    fn = res.to_numpy()
    row = {"name": p.name, "size": n, "ours": str(res), "saturated": res.stats.saturated}
    runs: dict[str, Callable[[], object]] = {"ours": lambda: fn(**values)}
    if torch is not None:
        runs.update(_torch_runs(res, values, dims, torch))
    # each contender's calls back to back (see bench.evalspeed)
    timed = {name: median_seconds(run, repeats, warmup=True) for name, run in runs.items()}
    row["ours_s"], ours = timed["ours"]
    if torch is None:
        row["torch"] = "not installed"
        return row
    row["torch"] = "ok"
    for name in ("torch_double_backward", "torch_func_hvp"):
        seconds, hv = timed[name]
        hv = hv.detach().numpy().reshape(np.shape(ours))
        row[f"{name}_s"] = seconds
        row[f"{name}_ratio"] = seconds / row["ours_s"]
        row[f"{name}_max_rel_diff"] = float(np.max(np.abs(hv - ours)) / max(float(np.max(np.abs(hv))), 1e-300))
    return row


def run_hvp(names: Iterable[str] = PROBLEMS, sizes: Iterable[int] = SIZES, repeats: int = 7,
            progress: Callable[[str, str, int, int], None] | None = None, threads: int = 1) -> dict:
    torch = _torch()
    jobs = [(problem(name), n) for n in sizes for name in names]
    rows = []
    with _threads(threads, torch) as achieved:
        for i, (p, n) in enumerate(jobs, 1):
            if progress:
                progress("hvp", f"{p.name} @ {n}", i, len(jobs))
            try:
                rows.append({"status": "ok", **measure(p, n, repeats, torch)})
            except Exception as e:  # never lose a row
                rows.append({"status": "error", "name": p.name, "size": n, "note": f"{type(e).__name__}: {e}"[:300]})
    env = {"torch": "not installed" if torch is None else torch.__version__, "numpy": np.__version__, **achieved}
    return {"environment": env, "repeats": repeats, "rows": rows}


def markdown(results: dict) -> list[str]:
    """The report's section: one row per problem and size."""
    out = ["## Hessian-vector products", "",
           f"Median of {results['repeats']} calls, one thread each; ratio = torch / ours (above 1: ours is faster).",
           "", "| problem | n | ours s | torch double backward s | ratio | torch.func jvp(grad) s | ratio | max rel diff |",
           "|---|---|---|---|---|---|---|---|"]
    for r in results["rows"]:
        if r["status"] != "ok" or r.get("torch") != "ok":
            out.append(f"| {r['name']} | {r['size']} | {r.get('ours_s', '')} | {r.get('note') or r.get('torch')} "
                       "| | | | |")
            continue
        diff = max(r["torch_double_backward_max_rel_diff"], r["torch_func_hvp_max_rel_diff"])
        out.append(f"| {r['name']} | {r['size']} | {r['ours_s']:.4g} | {r['torch_double_backward_s']:.4g} | "
                   f"{r['torch_double_backward_ratio']:.2f} | {r['torch_func_hvp_s']:.4g} | "
                   f"{r['torch_func_hvp_ratio']:.2f} | {diff:.1e} |")
    return out + [""]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--problem", action="append", help="a corpus problem (repeatable; default: "
                    + ", ".join(PROBLEMS) + ")")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    args = ap.parse_args(argv)
    results = run_hvp(args.problem or PROBLEMS, args.sizes, args.repeats,
                      progress=lambda part, name, i, n: print(f"[{part} {i}/{n}] {name}", file=sys.stderr))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
