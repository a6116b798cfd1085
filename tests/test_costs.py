"""Cost models side by side: every pick right, every score recomputed from the term agrees."""

from __future__ import annotations

import pytest

from egraph_mc import EgraphMcError, compare_costs, optimize_gradient
from egraph_mc.api import COST_MODELS
from egraph_mc.cli import main
from egraph_mc.verify import relative_error_vs_finite_differences
from egraph_mc.declare import parse_where
from egraph_mc.api import prepare
from egraph_mc.testing.corpus import SUPPORTED
from tests.losses import LOSSES, REFERENCE

CASES = [REFERENCE, *LOSSES]
MEASURE = {"size": "size", "flops": "flops", "dag": "dag_size", "flops-dag": "dag_flops"}


@pytest.mark.parametrize(("name", "loss", "wrt", "where", "known"), CASES, ids=[c[0] for c in CASES])
def test_every_model_picks_a_right_gradient_and_its_score_is_the_extractors(name, loss, wrt, where, known):
    table = compare_costs(loss, wrt, where, dims={})
    term, decls = prepare(loss, wrt, where)
    assert [r.model for r in table.rows] == list(COST_MODELS)
    for row in table.rows:
        assert relative_error_vs_finite_differences(term, row.term, wrt, decls) < 1e-6, (row.model, row.gradient)
        assert getattr(row, MEASURE[row.model]) == row.extractor_cost, row.model
    # each model's pick is the best of the four under its own measure
    for row in table.rows:
        measure = MEASURE[row.model]
        assert getattr(row, measure) <= min(getattr(r, measure) for r in table.rows), (row.model, table)


def test_flops_orders_the_matrix_chain():
    r = optimize_gradient("norm(A @ x - b)**2", "x", "A: m x n; x: n; b: m", cost="flops", dims={"m": 500, "n": 400})
    assert str(r) == "2 * (A.T @ (A @ x - b))"  # never (A.T @ A) @ x, nor (2 * A.T) @ ...
    r = optimize_gradient("x.T @ A.T @ A @ x", "x", "A: m x n; x: n", cost="flops", dims={"m": 500, "n": 400})
    assert "(A @ x)" in str(r)


def test_the_flops_pick_does_not_depend_on_the_spelling():
    pair = [p for p in SUPPORTED if p.family == "spelling-pair"]
    assert len(pair) == 2 and len({(p.wrt, p.where) for p in pair}) == 1
    for model in ("flops", "flops-dag"):
        picks = [optimize_gradient(p.loss, p.wrt, p.where, cost=model, dims=p.dims) for p in pair]
        assert picks[0].cost == picks[1].cost, [str(r) for r in picks]
        for r in picks:
            assert r.verify() < 1e-6
            assert "V.T @ V" in str(r)  # the r x r Gram matrix first: half the FLOPs of going through m x n


def test_reference_flops_pick_goes_through_the_small_side():
    _, loss, wrt, where, _ = REFERENCE
    dims = {"m": 2000, "n": 1000, "k": 20}
    table = {r.model: r for r in compare_costs(loss, wrt, where, dims).rows}
    assert table["flops"].flops <= table["size"].flops
    assert table["flops-dag"].dag_flops < 0.75 * table["size"].flops
    assert table["flops-dag"].gradient.startswith("t0 = (J + R) @ A")


def test_dag_models_print_programs_with_temporaries():
    _, loss, wrt, where, _ = REFERENCE
    r = optimize_gradient(loss, wrt, where, cost="dag")
    text = str(r)
    assert text.splitlines()[0].startswith("t0 = ")
    assert r"\text{where }" in r.latex() and "\\\\" not in r.latex()  # no line break in one display
    assert r.verify() < 1e-6


def test_user_defined_costs():
    _, loss, wrt, where, _ = REFERENCE
    heavy_transpose = optimize_gradient(loss, wrt, where, cost={"transpose": 100, "default": 1})
    assert heavy_transpose.cost_model == "weights" and heavy_transpose.verify() < 1e-6

    def count_products(node):
        return 5.0 if node.op == "matmul" else 1.0

    r = optimize_gradient(loss, wrt, where, cost=count_products)
    assert r.cost_model == "count_products" and r.verify() < 1e-6
    with pytest.raises(EgraphMcError, match="unknown operations"):
        optimize_gradient(loss, wrt, where, cost={"kronecker": 2})
    with pytest.raises(EgraphMcError, match="unknown cost model"):
        optimize_gradient(loss, wrt, where, cost="fastest")


def test_bad_dims():
    with pytest.raises(EgraphMcError, match="undeclared dimensions"):
        compare_costs("norm(A @ x)**2", "x", "A: m x n; x: n", dims={"q": 3})
    with pytest.raises(EgraphMcError, match="positive integer"):
        compare_costs("norm(A @ x)**2", "x", "A: m x n; x: n", dims={"m": 0})


def test_table_prints_and_converts(capsys):
    _, loss, wrt, where, _ = REFERENCE
    table = compare_costs(loss, wrt, where, {"m": 2000, "n": 1000, "k": 20})
    dicts = table.to_dicts()
    assert {d["model"] for d in dicts} == set(COST_MODELS)
    assert "flops-dag" in str(table) and "| model |" in table.markdown()
    assert main(["compare", loss, "--wrt", wrt, "--where", where, "--dims", "m=2000,n=1000,k=20"]) == 0
    assert "flops-dag" in capsys.readouterr().out
    assert parse_where(where)
