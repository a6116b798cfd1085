"""One engine's answers on the problems given on stdin (JSON), as JSON on stdout: run by
`bench.compare` with the root of the engine to import (this checkout or an exported commit)."""

import json
import sys
import time
import warnings

root = sys.argv[1]
sys.path.insert(0, root)

import egraph_mc  # noqa: E402  (after the path: the engine under `root`)
from egraph_mc import optimize_gradient  # noqa: E402

assert egraph_mc.__file__.startswith(root), f"imported {egraph_mc.__file__}, not the engine under {root}"
rows = []
for p in json.load(sys.stdin):
    for model in ("size", "flops", "dag", "flops-dag"):
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = optimize_gradient(p["loss"], p["wrt"], p["where"], cost=model, dims=p["dims"])
            seconds = time.perf_counter() - start
            rows.append({"name": p["name"], "model": model, "text": str(r), "seconds": seconds,
                         "correct": bool(r.verify() < 1e-6), "saturated": bool(r.stats.saturated)})
        except Exception as e:  # noqa: BLE001  (outside that engine's language, or its failure: reported)
            rows.append({"name": p["name"], "model": model, "error": f"{type(e).__name__}: {e}"})
json.dump(rows, sys.stdout)
