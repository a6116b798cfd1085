"""hessian_vector: H[V] by a second pass of the rules, checked against finite differences of the gradient."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from egraph_mc import ShapeError, hessian_vector
from egraph_mc.errors import ArgumentError
from egraph_mc.cli import REFERENCE
from egraph_mc.declare import parse_where
from egraph_mc.testing.corpus import CORE


def _direction_name(where: str) -> str:
    """A name the problem does not declare (several corpus problems declare a V of their own)."""
    declared = parse_where(where).symbols
    return next(n for n in ("V", "Vd", "Dir") if n not in declared)


@pytest.mark.parametrize("p", CORE, ids=lambda p: p.name)
def test_hvp_agrees_with_finite_differences_of_the_gradient(p):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no limit may stop either pass
        r = hessian_vector(p.loss, wrt=p.wrt, where=p.where, direction=_direction_name(p.where))
    assert r.hvp.shape == r.declarations.symbols[p.wrt].shape
    assert r.verify(trials=2) < 1e-6


def test_the_reference_saturates_to_a_factored_form():
    loss, wrt, where = REFERENCE
    r = hessian_vector(loss, wrt=wrt, where=where)
    assert r.first.stats.saturated and r.stats.saturated
    text = str(r)
    assert "V" in text and "(J + R)" in text  # J + R kept as a factor, not multiplied out
    assert r.verify() < 1e-6
    # the numpy function of H[V], against the central difference of the gradient's
    rng = np.random.default_rng(3)
    m, n, k = 5, 4, 3
    vals = dict(A=rng.standard_normal((n, k)), J=rng.standard_normal((m, n)), R=rng.standard_normal((m, n)),
                D=np.diag(rng.standard_normal(k)), lam=0.7, V=rng.standard_normal((m, n)))
    grad, hvp = r.first.to_numpy(), r.to_numpy()
    h = 1e-5
    fd = (grad(**{**vals, "R": vals["R"] + h * vals["V"]}) - grad(**{**vals, "R": vals["R"] - h * vals["V"]})) / (2 * h)
    assert np.allclose(hvp(**vals), fd, rtol=1e-6, atol=1e-6)
    assert r.latex()


def test_a_loss_linear_in_wrt_has_a_zero_hvp():
    r = hessian_vector("tr(A @ X)", wrt="X", where="A: k x n; X: n x k")
    assert str(r) == "zeros((n, k))"
    assert "Hessian is zero" in r.second.extra["note"]
    assert r.verify() == 0.0


def test_a_declared_direction_must_have_the_shape_of_wrt():
    with pytest.raises(ShapeError, match="direction V is declared m x r, but U is n x r"):
        hessian_vector("norm(X - U @ V.T)**2", wrt="U", where="X: n x m; U: n x r; V: m x r")
    with pytest.raises(ArgumentError, match="direction"):
        hessian_vector("norm(X)**2", wrt="X", where="X: m x n", direction="X")


def test_a_symmetric_wrt_gets_a_symmetric_direction():
    r = hessian_vector("tr(S @ S @ S)", wrt="S", where="S: n x n symmetric")
    assert r.declarations.symbols["V"].symmetric
    assert r.verify() < 1e-6
