"""Peak memory of the e-graph worker: the reference loss, and losses that cannot saturate.

Each case runs in a fresh process (`python -m bench.memory --one ...`) that calls
`optimize_gradient` with the engine's default limits (or the case's), then ends the engine's worker
and reads the worker's peak resident set size (`getrusage(RUSAGE_CHILDREN).ru_maxrss`): the
e-graph lives there. The worker's address space is capped at `memory_gb` (default 8 GB); this
shows how far below the cap the limits keep it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

WHERE = "X, Y, A, B: n x n"


def _chain(k: int) -> str:
    return " @ ".join(["X"] * k)


# (name, loss, wrt, where, limits): the reference, then the unsaturable losses of tests/test_limits.py
CASES = [
    ("reference", "1/2 * norm(A.T @ (J + R).T @ (J + R) @ A - D)**2 + lam/2 * norm(R)**2", "R",
     "A: n x k; J, R: m x n; D: k x k diagonal; lam: scalar", {}),
    ("chain of 7, default limits", f"norm({_chain(7)} - Y)**2", "X", WHERE, {}),
    ("three chains, default limits", f"norm({_chain(4)} - A)**2 + norm({_chain(5)} - B)**2 + tr({_chain(6)})", "X",
     WHERE, {}),
    ("nested norms, default limits", f"norm(norm({_chain(4)})**2 * {_chain(3)} - Y)**2", "X", WHERE, {}),
    ("chain of 20, hard stop mid-iteration", f"norm({_chain(20)} - Y)**2", "X", WHERE, {"time_limit": 2}),
]
QUICK = CASES[:2]


def _one(loss: str, wrt: str, where: str, limits: dict) -> dict:
    """In the measuring process: one call, then the worker ended and its peak read."""
    from egraph_mc import optimize_gradient, worker
    from egraph_mc.errors import LimitError

    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = optimize_gradient(loss, wrt, where, **limits)
        s = res.stats
        outcome = "saturated" if s.saturated else f"stopped by the {s.stopped_by} limit"
        enodes = s.enodes
    except LimitError as e:
        outcome, enodes = f"LimitError: {e}", None
    seconds = time.perf_counter() - start
    if worker._WORKER is not None:
        worker._WORKER.stop()  # waited for: its usage joins RUSAGE_CHILDREN
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: kilobytes
    return {"outcome": outcome, "enodes": enodes, "seconds": seconds, "peak_mb": peak_kb / 1024}


def run_memory(cases=CASES, progress=None) -> dict:
    rows = []
    for i, (name, loss, wrt, where, limits) in enumerate(cases, 1):
        if progress:
            progress("memory", name, i, len(cases))
        proc = subprocess.run(
            [sys.executable, "-m", "bench.memory", "--one", loss, wrt, where, json.dumps(limits)],
            capture_output=True, text=True, timeout=600,
        )
        row = {"name": name, "loss": loss, "limits": limits}
        if proc.returncode == 0:
            row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
        else:
            row.update({"outcome": f"error: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}"})
        rows.append(row)
    peaks = [r["peak_mb"] for r in rows if r.get("peak_mb") is not None]
    return {"rows": rows, "max_peak_mb": max(peaks, default=None)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--one", nargs=4, metavar=("LOSS", "WRT", "WHERE", "LIMITS_JSON"))
    args = ap.parse_args(argv)
    if args.one:
        loss, wrt, where, limits = args.one
        print(json.dumps(_one(loss, wrt, where, json.loads(limits))))
        return
    print(json.dumps(run_memory(progress=lambda *a: print(*a, file=sys.stderr)), indent=1))


if __name__ == "__main__":
    main()
