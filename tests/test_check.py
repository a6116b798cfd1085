"""check_gradient: book gradients are proved, mutated ones refuted, and no wrong candidate is ever proved."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from egraph_mc import ShapeError, check_gradient, optimize_gradient
from egraph_mc.api import prepare
from egraph_mc.check import AGREES, PROVED, REFUTED
from egraph_mc.parse import parse_loss
from egraph_mc.render import to_text
from egraph_mc.testing.corpus import CORE, SUPPORTED, problem
from egraph_mc.testing.mutate import KINDS, mutate
from egraph_mc.verify import relative_error_vs_finite_differences

WRONG = 1e-4  # a mutant this far off finite differences is wrong
RIGHT = 1e-8  # and this close, right (Sᵀ -> S for a symmetric S)

# Derivations as written in textbooks (expanded, or arranged otherwise than the engine's pick).
TEXTBOOK = [
    ("norm(X @ W - Y)**2", "W", "X: m x n; W: n x k; Y: m x k", "2 * X.T @ X @ W - 2 * X.T @ Y"),
    ("norm(A @ x - b)**2", "x", "A: m x n; x: n; b: m", "2 * A.T @ A @ x - 2 * A.T @ b"),
    ("x.T @ A @ x", "x", "A: n x n; x: n", "A @ x + A.T @ x"),
    ("tr(X.T @ A @ X)", "X", "A: n x n; X: n x k", "A @ X + A.T @ X"),
    ("tr(A @ X @ B)", "X", "A: p x n; X: n x k; B: k x p", "A.T @ B.T"),
    ("norm(X @ W - Y)**2 + lam * norm(W)**2", "W", "X: m x n; W: n x k; Y: m x k; lam: scalar",
     "2 * X.T @ (X @ W - Y) + 2 * lam * W"),
    ("norm(X - U @ V.T)**2", "U", "X: m x n; U: m x r; V: n x r", "-2 * (X - U @ V.T) @ V"),
    ("tr(A @ X @ B @ X.T)", "X", "A: n x n; X: n x k; B: k x k", "A @ X @ B + A.T @ X @ B.T"),
    ("norm(A @ x - b)**2 + lam * norm(L @ x)**2", "x", "A: m x n; x: n; b: m; L: p x n; lam: scalar",
     "2 * A.T @ (A @ x - b) + 2 * lam * L.T @ L @ x"),
]


def test_book_gradients_of_the_corpus_are_proved():
    statuses = {p.name: check_gradient(p.loss, p.best, wrt=p.wrt, where=p.where).status for p in SUPPORTED}
    proved = [name for name, s in statuses.items() if s == PROVED]
    assert len(proved) >= 20, f"only {len(proved)} of {len(statuses)} proved"
    assert all(s in (PROVED, AGREES) for s in statuses.values()), statuses  # a book gradient is right


@pytest.mark.parametrize("p", CORE, ids=lambda p: p.name)
def test_the_engines_own_gradient_is_proved(p):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        text = str(optimize_gradient(p.loss, p.wrt, p.where))
    r = check_gradient(p.loss, text, wrt=p.wrt, where=p.where)
    assert r.status == PROVED, r
    assert r.laws and all(n > 0 for n in r.laws.values())
    assert r.relative_error is not None and r.relative_error < 1e-6


@pytest.mark.parametrize("loss, wrt, where, candidate", TEXTBOOK, ids=[c[3] for c in TEXTBOOK])
def test_textbook_forms_are_proved(loss, wrt, where, candidate):
    assert check_gradient(loss, candidate, wrt=wrt, where=where).status == PROVED


@pytest.mark.parametrize("name, candidate, finding", [
    ("trace X squared", "2 * X", "the candidate is the transpose of the gradient"),  # dropped transpose
    ("least squares", "3 * X.T @ (X @ W - Y)", "the candidate is 3/2 times the gradient"),  # coefficient
    ("ridge", "2 * (X.T @ (X @ W - Y) + 2 * lam * W)", "is 2 times the gradient's term `2 * (lam * W)`"),
    ("trace X squared B", "(X @ B + X @ B).T",  # swapped factors: B @ X -> X @ B
     "`(X @ B).T` of the candidate differs from the gradient's term `(B @ X).T`"),
])
def test_mutated_candidates_are_refuted_with_what_is_off(name, candidate, finding):
    p = problem(name)
    r = check_gradient(p.loss, candidate, wrt=p.wrt, where=p.where)
    assert r.status == REFUTED, r
    assert abs(r.directional - r.finite_difference) > 1e-3 * abs(r.finite_difference)
    assert any(finding in f for f in r.findings), r.findings


def test_a_candidate_of_another_shape_is_a_shape_error():
    p = problem("least squares")
    with pytest.raises(ShapeError, match=r"candidate gradient is m x k, but W is n x k"):
        check_gradient(p.loss, "X @ W - Y", wrt=p.wrt, where=p.where)
    with pytest.raises(ShapeError, match="candidate gradient is a scalar"):
        check_gradient(p.loss, "norm(W)", wrt=p.wrt, where=p.where)


def test_a_right_candidate_the_rules_cannot_show_agrees_numerically():
    p = problem("factorization U")  # the rules do not expand the factored gradient
    r = check_gradient(p.loss, "2 * U @ V.T @ V - 2 * X @ V", wrt=p.wrt, where=p.where)
    assert r.status == AGREES
    assert r.relative_error < 1e-6 and not r.findings


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(p=st.sampled_from(SUPPORTED), kind=st.sampled_from(KINDS), site=st.integers(0, 20))
def test_a_mutated_gradient_is_never_proved(p, kind, site):
    term, decls = prepare(p.loss, p.wrt, p.where)
    book = parse_loss(p.best, decls)
    mutant = mutate(book, kind, site)
    assume(mutant is not None and mutant != book)
    error = relative_error_vs_finite_differences(term, mutant, p.wrt, decls, trials=2, seed=7)
    r = check_gradient(p.loss, to_text(mutant), wrt=p.wrt, where=p.where)
    if error > WRONG:
        assert r.status == REFUTED, f"{to_text(mutant)}: {r.status} (off by {error:.1e})"
    elif error < RIGHT:  # the mutation kept the value (Sᵀ -> S for a symmetric S)
        assert r.status in (PROVED, AGREES)
