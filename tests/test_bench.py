"""The benchmark runner (bench/run.py) on its quick path, so that it cannot rot.

Needs none of the bench extra: without torch, tensorgrad or matplotlib the results say
"not installed" and the report says why there are no plots.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench import scaling
from bench.report import render
from bench.run import run
from egraph_mc.api import COST_MODELS
from egraph_mc.declare import parse_where
from egraph_mc.parse import parse_loss
from egraph_mc.render import evaluate

PARTS = ("quality", "anchors", "scaling", "evalspeed", "memory")


def test_quick_run_writes_every_result_and_the_report(tmp_path):
    report = tmp_path / "REPORT.md"
    results = run(quick=True, problems=["least squares", "softmax regression"], out=tmp_path, report=report)
    data = {part: json.loads((tmp_path / f"{part}.json").read_text()) for part in PARTS}

    rows = data["quality"]["rows"]
    assert {(r["name"], r["model"]) for r in rows} == {(n, m) for n in ("least squares", "softmax regression")
                                                         for m in COST_MODELS}
    for r in rows:
        if r["name"] == "softmax regression":
            assert r["status"] == "unsupported"
        else:
            assert r["status"] == "ok" and r["correct"] is True
            for key in ("size_ratio", "flops_ratio", "seconds", "enodes", "iterations", "saturated"):
                assert key in r, key
    assert set(data["quality"]["summary"]) == set(COST_MODELS)

    anchors = data["anchors"]
    assert {r["tool"] for r in anchors["rows"]} == {"sympy", "tensorgrad"}
    assert all(r["status"] == "unsupported" for r in anchors["rows"] if r["name"] == "softmax regression")
    assert set(anchors["summary"]) == {"sympy", "tensorgrad"}

    assert set(data["scaling"]) == set(scaling.FAMILIES)
    for family in data["scaling"].values():
        assert {"points", "stopped", "seconds_slope", "enodes_slope"} <= set(family["fit"])
        assert all({"n", "loss_size", "status"} <= set(r) for r in family["rows"])

    ev = data["evalspeed"]
    assert [(r["name"], r["size"]) for r in ev["rows"]] == [("least squares", 64)]
    row = ev["rows"][0]
    assert row["status"] == "ok" and row["ours_s"] > 0 and row["torch"] in ("ok", "not installed")

    mem = data["memory"]
    assert [r["name"] for r in mem["rows"]][0] == "reference"
    assert all(r["peak_mb"] > 0 and "outcome" in r for r in mem["rows"])

    text = report.read_text()
    for heading in ("## Summary", "## Quality and speed", "## Anchors", "## Scaling", "## Evaluation speed",
                    "## Peak memory"):
        assert heading in text
    assert "softmax regression" in text and "unsupported" in text
    assert set(PARTS) <= set(results)


def test_report_says_what_is_missing():
    ev = {"environment": {"torch": "not installed", "cpus": 2, "numpy": np.__version__, "matmul_s": {"n": 64}},
          "repeats": 1, "rows": []}
    text = render({"meta": {}, "evalspeed": ev}, "matplotlib is not installed; no plots were drawn")
    assert "torch is not installed" in text and "matplotlib is not installed" in text


@pytest.mark.parametrize("family", sorted(scaling.FAMILIES))
def test_scaling_losses_are_generated_valid_and_grow(family):
    _, make = scaling.FAMILIES[family]
    sizes = []
    for n in (2, 3, 4):
        loss, wrt, where = make(n)
        decls = parse_where(where)
        term = parse_loss(loss, decls)
        assert term.is_scalar and wrt in term.symbols()
        sizes.append(scaling.printed_size(loss))
    assert sizes == sorted(sizes) and len(set(sizes)) == 3


def test_torch_loss_matches_numpy():
    torch = pytest.importorskip("torch")
    from bench.evalspeed import torch_value
    from egraph_mc.testing.corpus import problem
    from egraph_mc.testing.numeric import random_values

    p = problem("reference")
    decls = parse_where(p.where)
    term = parse_loss(p.loss, decls)
    dims = {d: 3 for d in decls.dims}
    values = random_values(decls, np.random.default_rng(0), dims)
    tensors = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in values.items()}
    assert float(torch_value(term, tensors, dims, torch)) == pytest.approx(evaluate(term, values, dims), rel=1e-12)


def test_iterations_traces_the_laws_of_each_iteration(capsys):
    from bench import iterations

    from egraph_mc.api import LAWS
    from egraph_mc.egraph import session

    rows = iterations.trace("norm(X @ w - y)**2", "w", "X: m x n; w: n; y: m")
    assert rows and any("d_norm" in r or "d_pow" in r for r in rows)
    with session(LAWS) as s:  # the thread's cached template is left as it was
        assert "rewrite_once" not in vars(s)
    iterations.main(["--repeated", "4"])
    assert "with only lin_like_terms matching" in capsys.readouterr().out
