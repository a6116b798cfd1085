"""The long fuzz run: N random losses from egraph_mc.testing.strategies.losses(), each judged by
egraph_mc.testing.oracle.check.

    python -m bench.fuzz --n 2000 [--seed S] [--time-limit S] [--node-limit N] [--json bench/results/fuzz.json]
    python -m bench.fuzz --n 300 --stops 30 [--profile P]   # each run stopped after 1..30 iterations
    python -m bench.fuzz --reduce LOSS WRT WHERE [--model MODEL]

The losses are drawn by running a hypothesis `@given` function programmatically (generation only:
no shrinking, no example database), seeded by --seed so that a run can be repeated. Every outcome
is recorded and nothing stops the run. Prints progress, then the counts per outcome (correct /
wrong / limit-stopped / fallback / limit-error / error / oracle-skipped), the slowest case, the median
seconds, and every wrong or erroring case; writes everything to the JSON file.

--stops K stops each loss's runs (the first, and the second passes after it) at an iteration limit
drawn from 1..K by the loss's hash, with a time limit of a minute: the states a run is in when a
deadline stops it on a loaded machine, reached without a clock, so a failure repeats
(FUZZ_FINDINGS F14, F16 to F19).

--reduce minimizes one failing case: it keeps replacing a node of the loss by one of its operands
(or a number by 1 or 2), dropping unused declarations and symmetric/diagonal properties, while the
oracle's verdict stays the same (same status, same exception type). It works on the loss text,
so it also shrinks losses that did not come from the strategy; hypothesis' own shrinking (the
"long" profile of tests/test_fuzz.py) is the other way.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import platform
import statistics
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

from egraph_mc.api import COST_MODELS
from bench.provenance import commit_label
from egraph_mc.testing.oracle import FUZZ_LIMITS, STATUSES, check
from egraph_mc.testing.strategies import losses

ROOT = Path(__file__).resolve().parent.parent


# The profiles of random losses: the default draws up to 4 terms over 7 matrices and vectors, the
# large one up to 6 terms over 15 (issue 10: a loss of a few terms and a dozen symbols must answer),
# the elementwise one adds entrywise products, exp and log-determinants (issue 9).
PROFILES = {
    "default": {"max_terms": 4, "max_factors": 12, "max_symbols": 7},
    "large": {"max_terms": 6, "max_factors": 24, "max_symbols": 15},
    "elementwise": {"max_terms": 4, "max_factors": 12, "max_symbols": 7, "elementwise": True},
}


def stop_point(loss: str, wrt: str, stops: int) -> int:
    """The iteration limit 1..stops that --stops gives this case (the same in every run)."""
    return 1 + zlib.crc32(f"{loss}|{wrt}".encode()) % stops


def run(n: int, seed_value: int, limits: dict, every: int = 25, quiet: bool = False, profile: str = "default",
        stops: int | None = None) -> dict:
    outcomes = []
    started = time.perf_counter()

    @seed(seed_value)
    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(losses(**PROFILES[profile]))
    def one(case):
        start = time.perf_counter()
        extra = {"iteration_limit": stop_point(case.loss, case.wrt, stops)} if stops else {}
        out = check(case.loss, case.wrt, case.where, **limits, **extra)
        row = out.as_dict()
        row.update(extra)
        row["wall_seconds"] = time.perf_counter() - start
        outcomes.append(row)
        if not quiet and (out.status in ("wrong", "error") or len(outcomes) % every == 0):
            counts = Counter(o["status"] for o in outcomes)
            elapsed = time.perf_counter() - started
            print(f"[{len(outcomes)}/{n} {elapsed:.0f}s] " + ", ".join(f"{k} {counts[k]}" for k in STATUSES if counts[k]),
                  flush=True)
            if out.status in ("wrong", "error"):
                print(f"  {out}", flush=True)

    optimize_once = check("norm(X @ W - Y)**2", "W", "X: m x n; W: n x k; Y: m x k")  # build the rule template
    assert optimize_once.status == "correct", optimize_once
    one()
    counts = Counter(o["status"] for o in outcomes)
    engine = [o["seconds"] for o in outcomes]
    # Runs that overshot a limit: more than twice the time limit, or twice the e-node limit (a
    # limit is checked between rewrite iterations only, and one iteration can grow the e-graph 10x).
    overshoots = [
        {"loss": o["loss"], "wrt": o["wrt"], "where": o["where"], "model": m["cost_model"], "seconds": m["seconds"],
         "enodes": m["enodes"]}
        for o in outcomes
        for m in o["models"]
        if m["seconds"] > 2 * limits["time_limit"] or m["enodes"] > 2 * limits["node_limit"]
    ]
    slowest = max(outcomes, key=lambda o: o["seconds"]) if outcomes else None
    return {
        "n": len(outcomes),
        "profile": profile,
        "stops": stops,
        "seed": seed_value,
        "limits": limits,
        "cost_models": list(COST_MODELS),
        "commit": commit_label("egraph_mc"),  # the engine under test
        "python": platform.python_version(),
        "wall_seconds": time.perf_counter() - started,
        "counts": {k: counts.get(k, 0) for k in STATUSES},
        "median_seconds": statistics.median(engine) if engine else None,
        "mean_seconds": statistics.fmean(engine) if engine else None,
        "slowest": {k: slowest[k] for k in ("loss", "wrt", "where", "seconds", "status")} if slowest else None,
        "failures": [o for o in outcomes if o["status"] in ("wrong", "error")],
        "overshoots": overshoots,
        "outcomes": outcomes,
    }


# --- reducing a failing case ------------------------------------------------------------------


def _signature(loss: str, wrt: str, where: str, models: tuple[str, ...] | None) -> tuple[str, str] | None:
    """(status, exception type or "") of a case, or None when it is no longer a valid input."""
    from egraph_mc.api import prepare

    try:
        prepare(loss, wrt, where)
    except Exception:  # noqa: BLE001 - the edit broke shapes or removed wrt
        return None
    out = check(loss, wrt, where, cost_models=models, **FUZZ_LIMITS)
    m = re.match(r"\[[\w-]+\] (\w+):", out.details)
    return out.status, m.group(1) if out.status == "error" and m else ""


def _edits(loss: str):
    """Every loss one step simpler: a node replaced by one of its operands, a number by 1 or 2."""

    def operands(node: ast.AST) -> list[ast.expr]:
        return list(node.args) if isinstance(node, ast.Call) else [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]

    count = len(list(ast.walk(ast.parse(loss, mode="eval").body)))
    for i in range(count):
        node = list(ast.walk(ast.parse(loss, mode="eval").body))[i]
        for k in range(len(operands(node))):
            tree = ast.parse(loss, mode="eval")
            target = list(ast.walk(tree.body))[i]
            child = operands(target)[k]
            if target is tree.body:
                tree.body = child
            else:
                for parent in ast.walk(tree.body):
                    for name, value in ast.iter_fields(parent):
                        if value is target:
                            setattr(parent, name, child)
                        elif isinstance(value, list) and target in value:
                            value[value.index(target)] = child
            yield ast.unparse(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value not in (1, 2):
            for v in (1, 2):
                tree = ast.parse(loss, mode="eval")
                list(ast.walk(tree.body))[i].value = v
                yield ast.unparse(tree)


def _used_declarations(loss: str, where: str) -> str:
    names = set(re.findall(r"[A-Za-z_]\w*", loss))
    parts = []
    for part in where.split(";"):
        left, spec = part.split(":", 1)
        kept = [n.strip() for n in left.split(",") if n.strip() in names]
        if kept:
            parts.append(f"{', '.join(kept)}:{spec}")
    return "; ".join(parts)


def reduce_case(loss: str, wrt: str, where: str, models: tuple[str, ...] | None = None, log=print) -> tuple[str, str, str]:
    """A smaller case with the same verdict (greedy, to a fixed point)."""
    target = _signature(loss, wrt, where, models)
    if target is None or target[0] not in ("wrong", "error"):
        raise SystemExit(f"nothing to reduce: the case is {target}")
    log(f"reducing a {target[0]} {target[1]}".rstrip())
    where = _used_declarations(loss, where)
    progress = True
    while progress:
        progress = False
        for cand in _edits(loss):
            if cand == loss or wrt not in re.findall(r"\w+", cand):
                continue
            w = _used_declarations(cand, where)
            if _signature(cand, wrt, w, models) == target:
                loss, where, progress = cand, w, True
                log(f"  {loss}  |  {where}")
                break
        if progress:
            continue
        for prop in (" symmetric", " diagonal"):
            parts = where.split(";")
            for j, part in enumerate(parts):
                if prop in part:
                    w = ";".join([*parts[:j], part.replace(prop, ""), *parts[j + 1 :]])
                    if _signature(loss, wrt, w, models) == target:
                        where, progress = w, True
                        log(f"  {loss}  |  {where}")
                        break
            if progress:
                break
    return loss, wrt, where


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="number of losses to draw")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="default", help="how large the random losses are")
    ap.add_argument("--time-limit", type=float, default=FUZZ_LIMITS["time_limit"], help="engine time limit per run (s)")
    ap.add_argument("--node-limit", type=int, default=FUZZ_LIMITS["node_limit"], help="engine e-node limit per run")
    ap.add_argument("--stops", type=int, help="stop each loss's runs after 1..STOPS iterations (a time limit of 60 s)")
    ap.add_argument("--reduce", nargs=3, metavar=("LOSS", "WRT", "WHERE"), help="minimize one failing case")
    ap.add_argument("--model", action="append", help="with --reduce: only these cost models (repeatable)")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "fuzz.json")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--every", type=int, default=25, help="print progress every this many losses")
    args = ap.parse_args(argv)
    if args.reduce:
        case = reduce_case(*args.reduce, models=tuple(args.model) if args.model else None)
        print(f"loss={case[0]!r}, wrt={case[1]!r}, where={case[2]!r}")
        print(check(*case, cost_models=tuple(args.model) if args.model else None, **FUZZ_LIMITS))
        return 0
    limits = {"time_limit": 60.0 if args.stops else args.time_limit, "node_limit": args.node_limit}
    report = run(args.n, args.seed, limits, every=args.every, quiet=args.quiet, profile=args.profile, stops=args.stops)
    c = report["counts"]
    stopped = f", stopped after 1..{args.stops} iterations" if args.stops else ""
    print(f"\n{report['n']} losses (profile {args.profile}{stopped}, seed {report['seed']}, cost models "
          f"{', '.join(report['cost_models'])}, "
          f"engine {report['commit']}) in {report['wall_seconds']:.0f} s")
    print(" / ".join(f"{k} {c[k]}" for k in STATUSES))
    if report["slowest"]:
        s = report["slowest"]
        print(f"median {report['median_seconds']:.3f} s per loss (all cost models); slowest {s['seconds']:.2f} s "
              f"({s['status']}): loss={s['loss']!r}, wrt={s['wrt']!r}, where={s['where']!r}")
    if report["overshoots"]:
        worst = max(report["overshoots"], key=lambda o: o["seconds"])
        print(f"limit overshoots (a run past twice the time or e-node limit): {len(report['overshoots'])} model runs; "
              f"worst {worst['seconds']:.1f} s, {worst['enodes']} e-nodes ({worst['model']}): loss={worst['loss']!r}")
    for f in report["failures"]:
        limit = f", iteration_limit={f['iteration_limit']}" if "iteration_limit" in f else ""
        print(f"- {f['status']}: loss={f['loss']!r}, wrt={f['wrt']!r}, where={f['where']!r}{limit}\n    {f['details']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1))
    print(f"wrote {args.json}")
    return 1 if c["wrong"] or c["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
