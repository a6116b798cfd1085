"""Hadamard products, elementwise functions, sum, broadcasting and the positive property (issue 9,
second part), end to end: the syntax and its errors, printing that parses back to the same term
under Python's precedence, and the corpus's Hadamard and elementwise problems under every cost
model (gradient, parse-back, FLOPs against the independent count, numpy source)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egraph_mc import ShapeError, optimize_gradient
from egraph_mc.declare import parse_where
from egraph_mc.parse import parse_loss
from egraph_mc.render import evaluate, numpy_function, to_latex, to_text
from egraph_mc.testing.corpus import SUPPORTED
from egraph_mc.testing.numeric import random_values
from egraph_mc.testing.oracle import FUZZ_LIMITS, check
from egraph_mc.testing.strategies import losses
from tests.outputs import (assert_every_model_right_and_outputs_agree, assert_flops_are_pythons,
                           assert_source_computes, assert_text_is_the_term)

PROBLEMS = [p for p in SUPPORTED if p.family in ("hadamard", "elementwise")]
WHERE = "X, A, B: m x n; V: n x r; w: n; y: m; lam: scalar; P: m x n positive"

# what is written -> what is printed (each printed text parses back to the same term)
SPELLINGS = [
    ("A * B", "A * B"), ("2 * A * B", "2 * A * B"), ("A / B", "A / B"), ("1 / A", "1 / A"),
    ("2 / A * B", "2 * (1 / A) * B"), ("A * B / lam", "A * B / lam"), ("-A * B", "-A * B"),
    ("A * (B * X)", "A * (B * X)"), ("A * B @ V", "A * B @ V"), ("A / B**2", "A / B**2"), ("X**3", "X**3"),
    ("np.multiply(A, B)", "A * B"), ("np.sum(np.exp(X))", "sum(exp(X))"), ("X.sum()", "sum(X)"),
    ("1 + exp(X @ w)", "exp(X @ w) + ones((m, 1))"), ("lam - A", "lam * ones((m, n)) - A"),
    ("log(norm(X)**2)", "log(norm(X)**2)"), ("exp(-lam)", "exp(-lam)"), ("sqrt(P)", "sqrt(P)"),
]


@pytest.mark.parametrize(("written", "printed"), SPELLINGS)
def test_elementwise_syntax_prints_as_python_reads_it(written, printed):
    decls = parse_where(WHERE)
    t = parse_loss(written, decls)
    assert to_text(t) == printed
    assert parse_loss(printed, decls) == t
    rng = np.random.default_rng(1)
    dims = {"m": 4, "n": 3, "r": 2}
    values = random_values(decls, rng, dims)
    # the printed text means, in numpy, what the term means
    fn = numpy_function(t, decls.shapes)
    assert np.allclose(fn(**values), evaluate(t, values, dims))


def test_latex_uses_odot_and_parenthesizes_it_as_an_operand():
    decls = parse_where(WHERE)
    assert to_latex(parse_loss("A * B @ V", decls)) == r"\left(A \odot B\right) V"
    assert to_latex(parse_loss("exp(X) / B", decls)) == r"\exp\left(X\right) \oslash B"


def test_shape_errors_name_both_shapes_at_the_operator():
    decls = parse_where("A: m x n; C: n x m")
    with pytest.raises(ShapeError, match="m x n") as err:
        parse_loss("sum(A * C)", decls)
    assert "n x m" in str(err.value) and "^" in str(err.value)


def test_positive_fits_any_shape_and_its_draws_are_positive():
    decls = parse_where("P: m x n positive; v: n positive")
    assert decls.symbols["P"].positive and not decls.symbols["P"].symmetric
    values = random_values(decls, np.random.default_rng(0), {"m": 3, "n": 4})
    assert (values["P"] > 0).all() and (values["v"] > 0).all()


@pytest.mark.parametrize("p", PROBLEMS, ids=[p.name for p in PROBLEMS])
def test_every_model_gets_a_right_gradient_and_every_output_agrees(p):
    assert_every_model_right_and_outputs_agree(p)


def test_the_read_off_finds_the_textbook_forms():
    assert str(optimize_gradient("sum(exp(X @ w)) - y.T @ X @ w", "w", "X: m x n; w: n; y: m")) == "X.T @ (exp(X @ w) - y)"
    assert str(optimize_gradient("sum(P * log(P / Q))", "Q", "P, Q: m x n positive")) == "-(P / Q)"


# --- random losses with entrywise products, exp and log-determinants ---------------------------

_QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


@settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=_QUIET)
@given(losses(elementwise=True), st.integers(0, 2**32 - 1))
def test_random_elementwise_losses_print_exactly(case, seed):
    """The printed text parses back to the same term, its FLOPs are the independent count's, and the
    generated numpy source computes the term."""
    decls = parse_where(case.where)
    term = parse_loss(case.loss, decls)
    assert_text_is_the_term(term, decls)
    rng = np.random.default_rng(seed)
    dims = {d: int(rng.integers(1, 6)) for d in decls.dims}
    assert_flops_are_pythons(term, decls, dims)
    with np.errstate(over="ignore"):
        assert_source_computes(term, decls, random_values(decls, rng, dims), dims, tol=1e-9)


@settings(max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=_QUIET)
@given(losses(elementwise=True, max_terms=2, max_factors=8))
def test_random_elementwise_losses_never_get_a_wrong_gradient(case):
    """The fuzz oracle (every cost model, the printed text and the numpy function against finite
    differences) on losses with entrywise products, exp and log-determinants."""
    out = check(case.loss, case.wrt, case.where, **FUZZ_LIMITS)
    assert out.ok, str(out)
