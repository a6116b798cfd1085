"""What is printed is what was extracted: over random losses (the fuzz strategy), the printed text
parses back to the same term, and the FLOPs reported for it are what Python's evaluation of the
text costs (an independent count over Python's own parse of it, `testing.flopcount`).

Extracted gradients get the same two checks in the fuzz oracle (`testing.oracle`); these run on
the losses themselves, without an e-graph, so that many more terms are tried.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egraph_mc import score
from egraph_mc.declare import parse_where
from egraph_mc.parse import parse_loss
from egraph_mc.render import evaluate, numpy_function, to_text
from egraph_mc.testing.flopcount import count_flops
from egraph_mc.testing.numeric import random_values
from egraph_mc.testing.strategies import losses
from tests.outputs import assert_flops_are_pythons, assert_text_is_the_term

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@SETTINGS
@given(losses())
def test_printed_text_parses_back_to_the_same_term(case):
    decls = parse_where(case.where)
    assert_text_is_the_term(parse_loss(case.loss, decls), decls)


@SETTINGS
@given(losses(), st.integers(0, 2**32 - 1))
def test_reported_flops_are_what_python_evaluates(case, seed):
    decls = parse_where(case.where)
    term = parse_loss(case.loss, decls)
    rng = np.random.default_rng(seed)
    assert_flops_are_pythons(term, decls, {d: int(rng.integers(1, 9)) for d in decls.dims})


@SETTINGS
@given(losses(), st.integers(0, 2**32 - 1))
def test_generated_numpy_source_computes_the_term(case, seed):
    """`numpy_source` (what `to_numpy` compiles) gives the value of the term it was generated from,
    with 1-D vectors as well as columns."""
    decls = parse_where(case.where)
    term = parse_loss(case.loss, decls)
    rng = np.random.default_rng(seed)
    dims = {d: int(rng.integers(1, 6)) for d in decls.dims}
    values = random_values(decls, rng, dims)
    fn = numpy_function(term, decls.shapes)
    want = evaluate(term, values, dims)
    assert np.allclose(fn(**values), want, rtol=1e-9, atol=1e-9), fn.source
    vectors = [n for n, shape in decls.shapes.items() if shape is not None and shape[1] == "1"]
    flat = {n: v.reshape(-1) if n in vectors else v for n, v in values.items()}
    assert np.allclose(np.ravel(fn(**flat)), np.ravel(want), rtol=1e-9, atol=1e-9), fn.source


def test_a_negated_reciprocal_prints_with_the_minus_it_is_counted_with():
    # found by `make fuzz`: `-1 / norm(X)` folds the minus into the literal (no negation), but the
    # term is -(1/‖X‖), counted with one
    decls = parse_where("X: m x n; lam: scalar")
    dims = {"m": 3, "n": 4}
    for loss in ("-1 / norm(X)", "-1 / (norm(X)**2)", "lam - 1 / norm(X)"):
        term = parse_loss(loss, decls)
        text = to_text(term)
        assert parse_loss(text, decls) == term
        assert count_flops(text, decls, dims) == score.flops(term, dims), text


def test_coefficients_of_reciprocals_and_quotients_print_as_they_are_counted():
    # found by `python -m bench.fuzz --stops 30`: `2 / mu / tr(A)` was counted with a division for
    # its `1 /` that the coefficient 2 takes the place of; `-1 / a / b` folded its minus into the 1
    decls = parse_where("x: m; mu, lam: scalar")
    dims = {"m": 3}
    bodies = ("1 / mu", "1 / mu / lam", "lam / mu", "lam", "lam * mu", "1 / (mu * lam)")
    coefficients = ("1", "-1", "2", "-2", "1/2", "-1/2", "3/2", "-3/2")
    for body in bodies:
        for q in coefficients:
            scalar = f"{q} * ({body})"
            for loss in (scalar, f"({scalar}) * x", f"lam + {scalar}", f"x + ({scalar}) * x"):
                term = parse_loss(loss, decls)
                text = to_text(term)
                assert parse_loss(text, decls) == term, (loss, text)
                assert count_flops(text, decls, dims) == score.flops(term, dims), (loss, text)


def test_the_trace_of_a_1x1_sum_is_printed_and_counted():
    # found by `make fuzz`: tr(x.T @ y - 2 * (x.T @ y)) prints tr(...) (only a 1x1 product prints
    # bare), and its one addition was not counted
    decls = parse_where("x, y: m; A: m x m")
    dims = {"m": 3}
    for scalar in ("tr(x.T @ y - 2 * (x.T @ (A @ y)))", "tr(2 * (x.T @ y))", "(x.T @ y)", "tr((x.T @ y).T)"):
        term = parse_loss(f"{scalar} * x", decls)  # in a scalar's place, where `(x.T @ y)` reads as one
        text = to_text(term)
        assert parse_loss(text, decls) == term, text
        assert count_flops(text, decls, dims) == score.flops(term, dims), text
