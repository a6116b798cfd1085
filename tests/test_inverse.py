"""inv, det, logdet and spd matrices (issue 9, first part), end to end: parsing and errors, the
gradients of the corpus's log-det and inverse problems under every cost model, and every output
(text that parses back, LaTeX, numpy source with solve, FLOPs as Python evaluates the text)."""

from __future__ import annotations

import numpy as np
import pytest

from egraph_mc import DeclarationError, ShapeError, optimize_gradient, score
from egraph_mc.declare import parse_where
from egraph_mc.parse import parse_loss
from egraph_mc.render import to_latex, to_text
from egraph_mc.testing.corpus import SUPPORTED
from egraph_mc.testing.numeric import random_values
from tests.outputs import assert_every_model_right_and_outputs_agree

PROBLEMS = [p for p in SUPPORTED if p.family in ("log-det", "inverse")]


def test_spd_is_a_symmetric_square_property_and_its_draws_are_positive_definite():
    decls = parse_where("S: n x n spd; A: n x n")
    assert decls.symbols["S"].spd and decls.symbols["S"].symmetric and not decls.symbols["A"].spd
    with pytest.raises(DeclarationError, match="square"):
        parse_where("S: m x n spd")
    values = random_values(decls, np.random.default_rng(0), {"n": 5})
    assert np.allclose(values["S"], values["S"].T) and np.linalg.eigvalsh(values["S"]).min() >= 0.5 - 1e-12


@pytest.mark.parametrize(("loss", "message"), [("logdet(A)", "needs a square matrix, got m x n"),
                                               ("tr(inv(A) @ B)", "needs a square matrix, got m x n"),
                                               ("det(x)", "needs a square matrix, got n x 1")])
def test_non_square_arguments_are_shape_errors_at_their_column(loss, message):
    decls = parse_where("A: m x n; B: n x m; x: n")
    with pytest.raises(ShapeError, match=message) as err:
        parse_loss(loss, decls)
    assert "^" in str(err.value)


def test_printing_latex_and_numpy_spellings():
    decls = parse_where("X: n x n; A: n x n; y: n")
    assert parse_loss("np.linalg.inv(X) @ A + np.linalg.det(X) * A", decls) == parse_loss("inv(X) @ A + det(X) * A", decls)
    for text, latex in [("logdet(X)", r"\log\left|\det X\right|"), ("det(X.T @ A)", r"\det\left(X^\top A\right)"),
                        ("y.T @ inv(X).T @ y", r"y^\top X^{-\top} y"), ("tr(inv(X.T) @ A)", r"\operatorname{tr}\left(X^{-\top} A\right)"),
                        ("tr(inv(X @ A) @ A)", r"\operatorname{tr}\left(\left(X A\right)^{-1} A\right)")]:
        t = parse_loss(text, decls)
        assert to_text(t) == text and to_latex(t) == latex


@pytest.mark.parametrize("p", PROBLEMS, ids=[p.name for p in PROBLEMS])
def test_every_model_gets_a_right_gradient_and_every_output_agrees(p):
    table = assert_every_model_right_and_outputs_agree(p)
    assert min(score.size(r.term) for r in table.rows) <= p.best_size + 1, table


def test_the_log_determinant_of_an_spd_matrix_is_its_inverse_and_the_source_solves():
    assert str(optimize_gradient("logdet(X)", "X", "X: n x n spd")) == "inv(X)"
    assert str(optimize_gradient("logdet(X)", "X", "X: n x n")) == "inv(X).T"
    res = optimize_gradient("x.T @ inv(S) @ x", "x", "x: n; S: n x n spd")
    assert "np.linalg.solve(S, x)" in res.numpy_source()
