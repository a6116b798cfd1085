"""Parsing declarations and losses; printing them back."""

from __future__ import annotations

from fractions import Fraction

import pytest

from egraph_mc.parse import parse_loss, parse_where
from egraph_mc.render import printed_size, to_latex, to_text

WHERE = "A: n x k; J, R: m x n; D: k x k diagonal; lam, mu: scalar; x, y: n; S: n x n symmetric; M: 3 x n"


@pytest.fixture(scope="module")
def decls():
    return parse_where(WHERE)


def test_declarations(decls):
    s = decls.symbols
    assert s["A"].shape == ("n", "k")
    assert s["J"].shape == s["R"].shape == ("m", "n")
    assert s["D"].diagonal and s["D"].symmetric
    assert s["S"].symmetric and not s["S"].diagonal
    assert s["lam"].shape is None
    assert s["x"].shape == ("n", "1")  # one dim: a column vector
    assert s["M"].shape == ("3", "n")
    assert set(decls.dims) == {"n", "k", "m"}


@pytest.mark.parametrize(
    "src",
    [
        "1/2 * norm(A.T @ (J + R).T @ (J + R) @ A - D)**2 + lam / 2 * norm(R)**2",
        "x.T @ S @ x",
        "(x.T @ S @ x) / (x.T @ x)",
        "tr(R.T @ J) - 3/2 * lam * mu**2",
        "norm(R) * norm(J)",
        "lam * tr(A.T @ A) + mu",
    ],
)
def test_text_parses_back_to_the_same_term(decls, src):
    t = parse_loss(src, decls)
    assert parse_loss(to_text(t), decls) == t


def test_numbers_stay_exact(decls):
    t = parse_loss("0.1 * tr(D) + 1/3 * tr(D)", decls)
    assert t.args[0][0] == Fraction(1, 10) + Fraction(1, 3)


def test_normal_form_pulls_coefficients_out_of_products(decls):
    assert parse_loss("R.T @ (2 * J)", decls) == parse_loss("2 * R.T @ J", decls)
    assert parse_loss("(-J).T @ R", decls) == parse_loss("-(J.T @ R)", decls)
    assert str(parse_loss("(lam * J).T @ R", decls)) == "lam * J.T @ R"


def test_like_terms_merge(decls):
    assert str(parse_loss("R - J + 2 * R - R", decls)) == "2 * R - J"


def test_one_by_one_products_are_scalars(decls):
    t = parse_loss("(x.T @ y) * R", decls)
    assert str(t) == "(x.T @ y) * R"


def test_printed_size_counts_tokens():
    assert printed_size("2 * (J + R) @ A") == 7
    assert printed_size("x.T @ y") == 4
    assert printed_size("tr(X) / 2") == 4
    assert printed_size("eye(n)") == 2


def test_latex(decls):
    assert to_latex(parse_loss("lam / 2 * norm(R)**2", decls)) == r"\frac{1}{2} \lambda \left\|R\right\|_F^{2}"
    assert r"^\top" in to_latex(parse_loss("tr(A.T @ A)", decls))
