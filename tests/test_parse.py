"""Parsing declarations and losses; printing them back."""

from __future__ import annotations

from fractions import Fraction

import pytest

from egraph_mc.declare import parse_where
from egraph_mc.parse import parse_loss
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
    assert sorted(q for q, _ in t.args) == [Fraction(1, 10), Fraction(1, 3)]  # read as written: no merging


def test_the_reading_follows_python(decls):
    """A coefficient belongs to what Python applies it to: 2 * A @ B is (2A) @ B, not 2 (AB)."""
    product = parse_loss("2 * (R.T @ J)", decls)
    assert product.op == "sum" and product.args[0][1].op == "matmul"
    scaled_factor = parse_loss("2 * R.T @ J", decls)
    assert scaled_factor.op == "matmul" and scaled_factor.args[0].op == "sum"
    assert parse_loss("R.T @ (2 * J)", decls).op == "matmul"
    # numbers and scalars before the matrix scale it once, after it again
    assert parse_loss("2 * lam * R", decls).op == "scale"
    assert parse_loss("lam * R / 2", decls).op == "sum"
    assert parse_loss("-R / 2", decls).args == ((Fraction(-1, 2), parse_loss("R", decls)),)


@pytest.mark.parametrize(
    "src",
    [
        "2 * ((J + R) @ A)", "lam * R @ A", "lam * (R @ A)", "R @ A / 2", "-R / 2", "J - 2 * R", "-(R @ A) - 2 * R @ A",
        "-lam * R", "-(lam * R)", "R / lam / mu", "lam / mu * R", "R - J / 2", "-R - J", "1 / norm(R)",
        "lam / norm(R)**3", "x.T @ x + lam", "(x.T @ y) * R", "2 * (x.T @ x) @ y.T", "R + (J + R)",
        "R + 2 * (J - R) / 3", "(2) * R", "+R", "lam - 1/2", "-1/2 - lam", "tr(S)**-2", "1 / (lam * mu)",
        "lam**2 / (mu + 1)**3", "-x.T @ x", "eye(n) - S", "zeros((m, n)) + R", "(x.T @ y) + (x.T @ x)",
        "tr(x.T @ y + y.T @ x)", "3/2 * lam * mu**2", "-lam * mu / 2",
    ],
)
def test_printed_text_parses_back_to_the_same_term(decls, src):
    t = parse_loss(src, decls)
    assert parse_loss(to_text(t), decls) == t, to_text(t)


def test_one_by_one_products_are_scalars_where_they_meet_scalars(decls):
    t = parse_loss("(x.T @ y) * R", decls)
    assert t.op == "scale" and t.args[0].op == "trace"
    assert to_text(t) == "(x.T @ y) * R"
    assert parse_loss("x.T @ y", decls).op == "matmul"  # a 1x1 matrix, read as a scalar only where used as one


def test_printed_size_counts_tokens():
    assert printed_size("2 * (J + R) @ A") == 7
    assert printed_size("x.T @ y") == 4
    assert printed_size("tr(X) / 2") == 4
    assert printed_size("eye(n)") == 2


def test_latex(decls):
    assert to_latex(parse_loss("lam / 2 * norm(R)**2", decls)) == r"\frac{1}{2} \lambda \left\|R\right\|_F^{2}"
    assert r"^\top" in to_latex(parse_loss("tr(A.T @ A)", decls))


@pytest.mark.parametrize(
    ("numpy_spelling", "language"),
    [
        ("np.trace(R.T @ J)", "tr(R.T @ J)"),
        ("numpy.trace(R.T @ J)", "tr(R.T @ J)"),
        ("np.linalg.norm(R @ x - J @ y)**2", "norm(R @ x - J @ y)**2"),
        ("(R @ x).dot(J @ y)", "(R @ x).T @ (J @ y)"),
        ("(R @ x) @ (J @ y)", "(R @ x).T @ (J @ y)"),  # two vectors of one length: numpy's inner product
        ("np.dot(R, x).T @ np.matmul(J, y)", "(R @ x).T @ (J @ y)"),
        ("np.transpose(R) @ J + R.transpose() @ J", "R.T @ J + R.T @ J"),
        ("(R.T @ J).trace() + np.trace(np.eye(n) @ S)", "tr(R.T @ J) + tr(eye(n) @ S)"),
        ("np.diag(S) + S.diagonal()", "diag(S) + diag(S)"),
        ("np.trace(np.diag(x) @ S)", "tr(diag(x) @ S)"),
    ],
)
def test_numpy_spellings_read_as_the_language(decls, numpy_spelling, language):
    assert parse_loss(numpy_spelling, decls) == parse_loss(language, decls)


def test_diag_is_the_diagonal_of_a_matrix_and_the_matrix_of_a_vector(decls):
    assert parse_loss("diag(S)", decls).op == "diagonal"
    assert parse_loss("diag(S)", decls).shape == ("n", "1")
    assert parse_loss("diag(x)", decls).op == "diag_matrix"
    assert parse_loss("diag(x)", decls).shape == ("n", "n")
    assert to_text(parse_loss("diag(diag(S)) @ S", decls)) == "diag(diag(S)) @ S"


def test_a_parenthesized_scaled_one_by_one_product_in_a_matrix_chain_is_a_scalar(decls):
    # found by `make fuzz`: printed `lam * (4 * (x.T @ y)) * S` read back as lam * tr(4 xᵀy) * S
    t = parse_loss("lam * (4 * (x.T @ y)) * S", decls)
    assert parse_loss(to_text(t), decls) == t
    assert "tr(" not in to_text(t)


def test_a_long_flat_sum_is_not_deep(decls):
    loss = " + ".join(f"norm(R - {i} * J)**2" for i in range(1, 300))
    t = parse_loss(loss, decls)
    assert t.op == "ssum" and len(t.args) == 299
