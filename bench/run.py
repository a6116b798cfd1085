"""The whole benchmark in one run: quality, anchors, scaling, evaluation speed; JSON, report, plots.

    python -m bench.run [--quick] [--out DIR] [--report FILE]

Full run: every corpus problem, 3 repeats, scaling k = 1..64 and L = 2..10, evaluation at n = 64,
256, 1024; writes bench/results/{quality,anchors,scaling,evalspeed,memory,meta}.json, the PNG plots in
bench/results/ and bench/REPORT.md. `--quick` (under 2 minutes): a few problems, 1 repeat, small
scaling ranges, n = 64 only; it writes to bench/results-quick/ (report included) so it never
overwrites the committed results of a full run. Progress goes to stderr, one line per step.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import sys
import time
import warnings
from collections.abc import Iterable
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench import evalspeed, hvp, memory, quality, scaling
from bench.anchors import run_all, tool_versions
from egraph_mc.testing.corpus import CORPUS, Problem, problem
from bench.plots import make_plots
from bench.provenance import commit_label
from bench.report import render

ROOT = Path(__file__).resolve().parent
QUICK_PROBLEMS = ["reference", "least squares", "three-term sum", "trace AXBX'", "Rayleigh quotient",
                  "softmax regression"]
TOOLS = ("sympy", "tensorgrad")


def progress(part: str, name: str, i: int, n: int) -> None:
    print(f"[{part} {i}/{n}] {name}", file=sys.stderr, flush=True)


def run_anchors(problems: Iterable[Problem], tools=TOOLS) -> dict:
    """bench.anchors on the corpus; problems outside our loss language are rows marked unsupported
    (the anchors build their input from our parsed loss)."""
    problems = list(problems)
    rows = []
    for i, p in enumerate(problems, 1):
        progress("anchors", p.name, i, len(problems))
        if p.supported:
            with warnings.catch_warnings():  # SymPy's deprecation chatter; results are in the rows
                warnings.simplefilter("ignore")
                found = run_all([(p.name, p.loss, p.wrt, p.where)], tools)
        else:
            found = [{"name": p.name, "loss": p.loss, "wrt": p.wrt, "where": p.where, "tool": t,
                      "status": "unsupported", "note": "outside egraph_mc's loss language, which the "
                      "anchors' input is built from"} for t in tools]
        rows += [{**r, "best_size": p.best_size} for r in found]
    return {"versions": tool_versions(), "rows": rows, "summary": _anchor_summary(rows, tools)}


def _anchor_summary(rows: list[dict], tools) -> dict:
    out = {}
    for tool in tools:
        mine = [r for r in rows if r["tool"] == tool]
        secs = [r["seconds"] for r in mine if r.get("seconds") is not None]
        ratios = [r["size"] / r["best_size"] for r in mine if r.get("correct") and r.get("size") and r["best_size"]]
        statuses: dict[str, int] = {}
        for r in mine:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        out[tool] = {
            "problems": len(mine),
            "correct": sum(bool(r.get("correct")) for r in mine),
            "statuses": statuses,
            "median_seconds": statistics.median(secs) if secs else None,
            "max_seconds": max(secs, default=None),
            "median_size_ratio": statistics.median(ratios) if ratios else None,
        }
    return out


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _meta(quick: bool, command: str) -> dict:
    return {
        "command": command,
        "quick": quick,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit_label(".", ":!bench/results", ":!bench/results-quick", ":!bench/REPORT.md"),  # not its outputs
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
                   f"Python {platform.python_version()}",
        "versions": {"egraph-mc": _version("egraph-mc"), "egglog": _version("egglog"), "numpy": _version("numpy"),
                     **tool_versions(), "matplotlib": _version("matplotlib")},
    }


def _load() -> float | None:
    """The 1-minute load average: another process busy on this small machine shows here."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _warm_up() -> None:
    """Start the worker and build the rule template outside every timing."""
    from egraph_mc import optimize_gradient

    optimize_gradient("norm(X)**2", "X", "X: m x n")


def run(quick: bool = False, problems: list[str] | None = None, out: Path | None = None,
        report: Path | None = None, command: str | None = None, with_hvp: bool = False) -> dict:
    """Run every part and write the JSON, plots and report; returns the results.

    problems: corpus names for quality, anchors and evaluation speed (default: all for a full run,
    QUICK_PROBLEMS for a quick one; evaluation speed then takes the supported ones among them).
    with_hvp: also time Hessian-vector products against torch (`bench.hvp`; optional, not in `make bench`)."""
    out = Path(out or ROOT / ("results-quick" if quick else "results"))
    report = Path(report or (out / "REPORT.md" if quick else ROOT / "REPORT.md"))
    chosen = [problem(n) for n in problems or (QUICK_PROBLEMS if quick else [p.name for p in CORPUS])]
    eval_names = [p.name for p in chosen if p.supported][:4] if problems else evalspeed.PROBLEMS
    repeats = 1 if quick else 3

    def quality_part() -> dict:
        rows = quality.run_quality(chosen, repeats, progress=progress)
        return {"repeats": repeats, "rows": rows, "summary": quality.summarize(rows)}

    steps = {
        "quality": quality_part,
        "anchors": lambda: run_anchors(chosen),
        "scaling": lambda: scaling.run_scaling(scaling.QUICK if quick else scaling.FULL, repeats, progress),
        "evalspeed": lambda: evalspeed.run_evalspeed(eval_names, [64] if quick else evalspeed.SIZES,
                                                     repeats=1 if quick else 7, progress=progress),
        "memory": lambda: memory.run_memory(memory.QUICK if quick else memory.CASES, progress),
    }
    if with_hvp:
        steps["hvp"] = lambda: hvp.run_hvp(hvp.PROBLEMS, [64] if quick else hvp.SIZES, repeats=1 if quick else 7,
                                           progress=progress)
    results: dict = {"meta": _meta(quick, command or "python -m bench.run" + (" --quick" if quick else ""))}
    timings = results["meta"]["part_seconds"] = {}
    load_at_start = _load()
    start = time.perf_counter()
    _warm_up()
    out.mkdir(parents=True, exist_ok=True)
    for part, step in steps.items():
        t0 = time.perf_counter()
        results[part] = step()
        timings[part] = time.perf_counter() - t0
        (out / f"{part}.json").write_text(json.dumps(results[part], indent=1, default=str))
    results["meta"]["seconds"] = time.perf_counter() - start
    results["meta"]["load_average"] = {"start": load_at_start, "end": _load()}
    (out / "meta.json").write_text(json.dumps(results["meta"], indent=1))
    plots = make_plots(results, out)
    if isinstance(plots, dict):  # links relative to the report
        plots = {k: os.path.relpath(v, report.parent) for k, v in plots.items()}
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render(results, plots))
    print(f"wrote {out}/*.json and {report} in {results['meta']['seconds']:.1f} s", file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a few problems, 1 repeat, small ranges (< 2 minutes)")
    ap.add_argument("--out", type=Path, default=None, help="JSON and plots (default bench/results, or "
                    "bench/results-quick with --quick)")
    ap.add_argument("--report", type=Path, default=None, help="the report (default bench/REPORT.md, or "
                    "REPORT.md in the output directory with --quick)")
    ap.add_argument("--problem", action="append", help="only this corpus problem (repeatable)")
    ap.add_argument("--hvp", action="store_true", help="also time Hessian-vector products against torch (bench.hvp)")
    args = ap.parse_args(argv)
    command = shlex.join(["python", "-m", "bench.run", *(sys.argv[1:] if argv is None else argv)])
    run(args.quick, args.problem, args.out, args.report, command, with_hvp=args.hvp)


if __name__ == "__main__":
    main()
