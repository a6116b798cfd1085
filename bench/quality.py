"""Quality and speed of egraph_mc on the corpus, per problem and per built-in cost model.

For every problem of bench/corpus.py and every model of `egraph_mc.api.COST_MODELS`, one row:
- correct: the pick's relative error against central finite differences of the loss
  (`GradientResult.verify`) is below `bench.anchors.TOLERANCE`, the threshold the anchors use;
- size ratio: printed size of the pick (as a plain expression, `score.size`) over the corpus's
  `best_size`; the sharing-aware picks also get their program size (`score.dag_size`);
- FLOPs ratio: `score.flops` of the pick over `score.flops` of the parsed best known gradient, both
  at the problem's dims (as printed, every use computed again); `dag_flops_ratio` is the same with
  every distinct subterm computed once (what the generated numpy function costs);
- seconds: median of `repeats` whole calls of `optimize_gradient` (parse, saturate, extract), each
  in a fresh e-graph scope; e-nodes, iterations, saturated / stopped_by of the last call.
Problems outside the loss language are run too: egraph_mc rejects them, and their rows say
"unsupported" with its message.
"""

from __future__ import annotations

import statistics
import warnings
from collections.abc import Callable, Iterable

from bench.anchors import TOLERANCE
from egraph_mc.testing.corpus import Problem
from bench.timing import median_seconds
from egraph_mc import EgraphMcError, optimize_gradient, score
from egraph_mc.api import COST_MODELS
from egraph_mc.declare import parse_where
from egraph_mc.parse import parse_loss

Progress = Callable[[str, str, int, int], None]


def _best_scores(p: Problem, dims: dict[str, int]) -> dict:
    best = parse_loss(p.best, parse_where(p.where))
    return {"best_flops": score.flops(best, dims), "best_dag_flops": score.dag_flops(best, dims)}


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def measure(p: Problem, model: str, repeats: int) -> dict:
    """One row: the pick of `model` on problem `p`, checked, scored and timed."""
    row = {"name": p.name, "family": p.family, "model": model, "loss": p.loss, "wrt": p.wrt,
           "best": p.best, "best_size": p.best_size, "note": ""}

    def call():
        with warnings.catch_warnings():  # a run stopped by a limit warns; the row records it instead
            warnings.simplefilter("ignore")
            return optimize_gradient(p.loss, p.wrt, p.where, cost=model, dims=p.dims)

    try:
        seconds, res = median_seconds(call, repeats)
    except EgraphMcError as e:  # for an unsupported problem: the parser naming what it cannot read
        status = "error" if p.supported else "unsupported"
        return {**row, "status": status, "note": f"{type(e).__name__}: {e}"[:300]}
    except Exception as e:  # never lose a row
        return {**row, "status": "error", "note": f"{type(e).__name__}: {e}"[:300]}
    err = res.verify(trials=3)
    stats = res.stats
    row |= {
        "status": "ok" if err < TOLERANCE else "wrong",
        "correct": bool(err < TOLERANCE),
        "rel_error": err,
        "gradient": str(res),
        "size": score.size(res.gradient),
        "dag_size": score.dag_size(res.gradient),
        "flops": score.flops(res.gradient, res.dims),
        "dag_flops": score.dag_flops(res.gradient, res.dims),
        "seconds": seconds,
        "enodes": stats.enodes,
        "iterations": stats.iterations,
        "saturated": stats.saturated,
        "stopped_by": stats.stopped_by,
    }
    if not p.supported:
        row["note"] = "marked unsupported in the corpus, yet egraph_mc accepted it"
        return row
    row |= _best_scores(p, res.dims)
    row["size_ratio"] = _ratio(row["size"], p.best_size)
    row["flops_ratio"] = _ratio(row["flops"], row["best_flops"])
    row["dag_flops_ratio"] = _ratio(row["dag_flops"], row["best_dag_flops"])
    return row


def run_quality(problems: Iterable[Problem], repeats: int = 3, models: Iterable[str] = COST_MODELS,
                progress: Progress | None = None) -> list[dict]:
    problems, models = list(problems), list(models)
    rows = []
    for i, p in enumerate(problems, 1):
        if progress:
            progress("quality", p.name, i, len(problems))
        for model in models:
            rows.append(measure(p, model, repeats))
    return rows


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def summarize(rows: list[dict]) -> dict[str, dict]:
    """Per model: counts by status, and medians over the rows that ran."""
    out: dict[str, dict] = {}
    for model in dict.fromkeys(r["model"] for r in rows):
        mine = [r for r in rows if r["model"] == model]
        ran = [r for r in mine if "seconds" in r]
        out[model] = {
            "problems": len(mine),
            "ran": len(ran),
            "correct": sum(bool(r.get("correct")) for r in mine),
            "wrong": sum(r["status"] == "wrong" for r in mine),
            "unsupported": sum(r["status"] == "unsupported" for r in mine),
            "error": sum(r["status"] == "error" for r in mine),
            "saturated": sum(bool(r.get("saturated")) for r in ran),
            "at_best_size": sum(r.get("size_ratio") is not None and r["size_ratio"] <= 1 for r in ran),
            "median_size_ratio": _median([r["size_ratio"] for r in ran if r.get("size_ratio") is not None]),
            "max_size_ratio": max((r["size_ratio"] for r in ran if r.get("size_ratio") is not None), default=None),
            "median_flops_ratio": _median([r["flops_ratio"] for r in ran if r.get("flops_ratio") is not None]),
            "median_dag_flops_ratio": _median([r["dag_flops_ratio"] for r in ran
                                               if r.get("dag_flops_ratio") is not None]),
            "median_seconds": _median([r["seconds"] for r in ran]),
            "max_seconds": max((r["seconds"] for r in ran), default=None),
        }
    return out
