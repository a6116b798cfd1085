"""Checks that every output of a result agrees with the term it prints, shared by the test modules:
the printed text parses back to the term, its FLOPs are what Python's evaluation of the text costs
(the independent count of `testing.flopcount`), and the generated numpy source computes it."""

from __future__ import annotations

import numpy as np

from egraph_mc import compare_costs, score
from egraph_mc.api import prepare
from egraph_mc.declare import Declarations
from egraph_mc.parse import parse_loss
from egraph_mc.render import evaluate, numpy_function, program_text, to_text
from egraph_mc.term import Term
from egraph_mc.testing.corpus import Problem
from egraph_mc.testing.flopcount import count_flops
from egraph_mc.testing.numeric import random_values
from egraph_mc.verify import relative_error_vs_finite_differences


def assert_text_is_the_term(term: Term, decls: Declarations) -> None:
    text = to_text(term)
    assert parse_loss(text, decls) == term, f"{text!r} reads as another term"


def assert_flops_are_pythons(term: Term, decls: Declarations, dims: dict[str, int]) -> None:
    for how, text, reported in (("text", to_text(term), score.flops(term, dims)),
                                ("program", program_text(term), score.dag_flops(term, dims))):
        assert count_flops(text, decls, dims) == reported, f"{how} {text!r} at {dims}"


def assert_source_computes(term: Term, decls: Declarations, values: dict, dims: dict[str, int], tol: float) -> None:
    fn = numpy_function(term, decls.shapes)
    assert np.allclose(fn(**values), evaluate(term, values, dims), rtol=tol, atol=tol), fn.source


def assert_every_model_right_and_outputs_agree(p: Problem):
    """compare_costs on a corpus problem (dims capped at 60): every model's gradient is right against
    finite differences, and its text, FLOPs and numpy source agree with it; returns the table."""
    dims = {d: min(size, 60) for d, size in p.dims.items()}
    table = compare_costs(p.loss, p.wrt, p.where, dims=dims)
    term, decls = prepare(p.loss, p.wrt, p.where)
    rng = np.random.default_rng(0)
    small = {d: int(rng.integers(2, 6)) for d in decls.dims}
    values = random_values(decls, rng, small)
    for row in table.rows:
        g = row.term
        assert relative_error_vs_finite_differences(term, g, p.wrt, decls) < 1e-6, (row.model, row.gradient)
        assert_text_is_the_term(g, decls)
        assert_flops_are_pythons(g, decls, dims)
        fn = numpy_function(g, decls.shapes)
        assert np.allclose(fn(**values), evaluate(g, values, small), rtol=1e-8, atol=1e-10), fn.source
    return table
