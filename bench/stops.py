"""Every stop point of one loss: the run stopped after 1, 2, ... N iterations, each pick judged.

    python -m bench.stops "LOSS" --wrt X --where "..." [--upto 60] [--json out.json]
    python -m bench.stops --finding F14    # a finding's regression cases (egraph_mc/testing/findings.py)

A wrong or ill-shaped pick seen only under load (FUZZ_FINDINGS F14, F15) came from a run stopped
somewhere a quiet machine never stops it. Iteration limits stop it at every point in turn, with no
clock involved, so what one stop point gives is what it gives again. Each run is judged by the
oracle (every cost model against finite differences, printed text and numpy function included), and
a pick the engine dropped as ill-shaped is counted apart (it is never answered, but it is a bug).
The run is in this process (`isolate=False`): the iteration limit bounds it, not a deadline.
"""

from __future__ import annotations

import argparse
import json
import warnings
from collections import Counter

from egraph_mc.models import ILL_SHAPED
from egraph_mc.testing import oracle


def sweep(loss: str, wrt: str, where: str, upto: int = 60, seconds: float = 60.0) -> list[dict]:
    """One row per iteration limit 1..upto, until a run saturates below its limit."""
    rows = []
    ill: list[str] = []
    warn = warnings.warn

    def recording(message, *args, **kwargs):  # the oracle silences UserWarnings: count the drops here
        if ILL_SHAPED in str(message):
            ill.append(str(message))
        return warn(message, *args, **kwargs)

    warnings.warn = recording
    try:
        for limit in range(1, upto + 1):
            ill.clear()
            out = oracle.check(loss, wrt, where, iteration_limit=limit, time_limit=seconds, isolate=False)
            saturated = bool(out.models) and out.models[0].saturated
            iterations = out.models[0].iterations if out.models else None
            rows.append({"limit": limit, "status": out.status, "ok": out.ok, "details": out.details,
                         "ill_shaped": list(ill),
                         "saturated": saturated, "iterations": iterations})
            if saturated and iterations is not None and iterations < limit:
                break  # later limits give the same run
    finally:
        warnings.warn = warn
    return rows


def _finding(name: str) -> list[tuple[str, str, str]]:
    from egraph_mc.testing.findings import REGRESSIONS

    return [(loss, wrt, where) for tag, loss, wrt, where, _ in REGRESSIONS if tag == name]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("loss", nargs="?")
    ap.add_argument("--wrt")
    ap.add_argument("--where")
    ap.add_argument("--finding", help="the regression cases of this finding (egraph_mc/testing/findings.py), e.g. F14")
    ap.add_argument("--upto", type=int, default=60)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    cases = _finding(args.finding) if args.finding else [(args.loss, args.wrt, args.where)]
    report = []
    for loss, wrt, where in cases:
        rows = sweep(loss, wrt, where, args.upto)
        report.append({"loss": loss, "wrt": wrt, "where": where, "rows": rows})
        counts = Counter(r["status"] for r in rows)
        ill = sum(bool(r["ill_shaped"]) for r in rows)
        bad = sum(not r["ok"] for r in rows)
        print(f"{loss[:70]}... wrt {wrt}: {len(rows)} stop points, {dict(counts)}; wrong or error at {bad}, "
              f"an ill-shaped pick dropped at {ill}")
        for r in rows:
            if not r["ok"] or r["ill_shaped"]:
                print(f"  limit {r['limit']}: {r['status']} {r['details'][:200]} {r['ill_shaped'][:1]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
