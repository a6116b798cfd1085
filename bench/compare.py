"""Before and after in one run: the corpus under every cost model with this checkout's engine and
with an earlier commit's, runs interleaved so that the shared machine's noise falls on both alike.

    python -m bench.compare --base 5b11ceb [--repeats 2] [--json bench/results/compare.json]

The earlier engine is exported with `git archive` into a temporary directory and run in its own
process (`bench/_snapshot.py`); every figure is measured the same way for both, by this checkout:
correctness by central finite differences (each result's own `verify`), printed size by
`render.printed_size`, and FLOPs by an independent count of the printed text under Python's
evaluation order (`testing.flopcount`), so a text that reads differently from what was extracted
is charged what it costs. Problems the earlier language cannot parse are listed, not compared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from bench.provenance import ROOT, commit_label
from egraph_mc.declare import parse_where
from egraph_mc.render import printed_size, program_size
from egraph_mc.testing.corpus import SUPPORTED
from egraph_mc.testing.flopcount import count_flops

MODELS = ("size", "flops", "dag", "flops-dag")
SNAPSHOT = Path(__file__).with_name("_snapshot.py")


def export(rev: str, into: Path) -> Path:
    """The tree of `rev`, as committed, under `into`."""
    data = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def snapshot(root: Path, problems: list[dict]) -> dict[tuple[str, str], dict]:
    """Every problem under every model with the engine under `root` (in its own process)."""
    # cwd and PYTHONPATH: the engine's own worker processes (`python -m egraph_mc.worker`) import it too
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, str(SNAPSHOT), str(root)], input=json.dumps(problems), capture_output=True,
                         text=True, check=True, cwd=root, env=env)
    return {(r["name"], r["model"]): r for r in json.loads(out.stdout)}


def measure(row: dict, problem) -> dict:
    """Size and FLOPs of the printed text, counted here, the same way for both engines."""
    if "error" in row:
        return row
    decls = parse_where(problem.where)
    shared = row["model"] in ("dag", "flops-dag")
    return {**row, "size": program_size(row["text"]) if shared else printed_size(row["text"]),
            "flops": count_flops(row["text"], decls, problem.dims)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the earlier commit")
    ap.add_argument("--repeats", type=int, default=2, help="runs of each engine (interleaved: A B B A ...)")
    ap.add_argument("--problem", action="append", help="only this corpus problem (repeatable)")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "compare.json")
    args = ap.parse_args(argv)
    chosen = [p for p in SUPPORTED if not args.problem or p.name in args.problem]
    problems = [{"name": p.name, "loss": p.loss, "wrt": p.wrt, "where": p.where, "dims": p.dims} for p in chosen]
    by_name = {p.name: p for p in chosen}
    runs: dict[str, list[dict]] = {"base": [], "head": []}
    with tempfile.TemporaryDirectory() as tmp:
        base = export(args.base, Path(tmp))
        for i in range(args.repeats):
            order = (("base", base), ("head", ROOT)) if i % 2 == 0 else (("head", ROOT), ("base", base))
            for label, root in order:
                runs[label].append(snapshot(root, problems))
                print(f"run {i + 1}/{args.repeats}: {label} done", file=sys.stderr)
    rows = []
    for key, first in runs["head"][0].items():
        name, model = key
        head, base = measure(first, by_name[name]), measure(runs["base"][0][key], by_name[name])
        rows.append({"name": name, "model": model, "head": head, "base": base,
                     "head_seconds": statistics.median(r[key].get("seconds", float("nan")) for r in runs["head"]),
                     "base_seconds": statistics.median(r[key].get("seconds", float("nan")) for r in runs["base"])})
    summary = summarize(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"base": args.base, "head": commit_label("egraph_mc"), "repeats": args.repeats,
                                     "summary": summary, "rows": rows}, indent=1))
    print(report(summary, args.base))


def summarize(rows: list[dict]) -> dict:
    """Per model: problems both answer; correct, smaller/larger size, fewer/more FLOPs; median seconds."""
    out = {}
    for model in MODELS:
        mine = [r for r in rows if r["model"] == model]
        both = [r for r in mine if "error" not in r["head"] and "error" not in r["base"]]
        s = {"problems": len(mine), "compared": len(both),
             "base_cannot": sorted(r["name"] for r in mine if "error" in r["base"]),
             "head_errors": sorted(r["name"] for r in mine if "error" in r["head"]),
             "head_correct": sum(r["head"]["correct"] for r in both),
             "base_correct": sum(r["base"]["correct"] for r in both)}
        for measure_ in ("size", "flops"):
            s[f"{measure_}_smaller"] = sum(r["head"][measure_] < r["base"][measure_] for r in both)
            s[f"{measure_}_larger"] = sorted(r["name"] for r in both if r["head"][measure_] > r["base"][measure_])
            ratios = [r["head"][measure_] / r["base"][measure_] for r in both if r["base"][measure_]]
            s[f"{measure_}_median_ratio"] = statistics.median(ratios) if ratios else None
        s["base_median_seconds"] = statistics.median(r["base_seconds"] for r in both) if both else None
        s["head_median_seconds"] = statistics.median(r["head_seconds"] for r in both) if both else None
        out[model] = s
    return out


def report(summary: dict, base: str) -> str:
    lines = [f"| model | compared | correct (base / now) | size smaller / larger | FLOPs smaller / larger "
             f"| median s (base / now) |", "|---|---|---|---|---|---|"]
    for model, s in summary.items():
        if not s["compared"]:
            lines.append(f"| {model} | 0 | | | | |")
            continue
        lines.append(f"| {model} | {s['compared']} | {s['base_correct']} / {s['head_correct']} "
                     f"| {s['size_smaller']} / {len(s['size_larger'])} | {s['flops_smaller']} / {len(s['flops_larger'])} "
                     f"| {s['base_median_seconds']:.3f} / {s['head_median_seconds']:.3f} |")
    cannot = summary[MODELS[0]]["base_cannot"]
    lines.append(f"\nbase {base}; {len(cannot)} problems outside its language: {', '.join(cannot) or 'none'}")
    for model, s in summary.items():
        for measure_ in ("size", "flops"):
            if s[f"{measure_}_larger"]:
                lines.append(f"{model}: {measure_} larger on {', '.join(s[f'{measure_}_larger'])}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
