"""The result object: text, LaTeX, numpy function, verification, stats, limits."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from egraph_mc import LimitError, optimize_gradient
from egraph_mc.api import FALLBACK_NOTE
from egraph_mc.cli import main
from tests.losses import REFERENCE

_, LOSS, WRT, WHERE, _ = REFERENCE


@pytest.fixture(scope="module")
def res():
    return optimize_gradient(LOSS, WRT, WHERE)


def test_numpy_function_matches_finite_differences(res):
    rng = np.random.default_rng(1)
    m, n, k = 5, 4, 3
    vals = dict(A=rng.standard_normal((n, k)), J=rng.standard_normal((m, n)), R=rng.standard_normal((m, n)),
                D=np.diag(rng.standard_normal(k)), lam=0.7)
    g = res.to_numpy()(**vals)
    assert g.shape == (m, n)

    def loss(R):
        M = vals["A"].T @ (vals["J"] + R).T @ (vals["J"] + R) @ vals["A"] - vals["D"]
        return 0.5 * np.sum(M**2) + vals["lam"] / 2 * np.sum(R**2)

    V = rng.standard_normal((m, n))
    h = 1e-6
    fd = (loss(vals["R"] + h * V) - loss(vals["R"] - h * V)) / (2 * h)
    assert np.isclose(np.sum(g * V), fd, rtol=1e-6)


def test_vectors_may_be_one_dimensional():
    r = optimize_gradient("norm(A @ x - b)**2", "x", "A: m x n; x: n; b: m")
    A, x, b = np.ones((3, 2)), np.arange(2.0), np.arange(3.0)
    g = r.to_numpy()(A=A, x=x, b=b)
    assert g.shape == (2,)
    assert np.allclose(g, 2 * A.T @ (A @ x - b))


def test_numpy_source_is_a_plain_function_with_temporaries_and_shape_asserts():
    r = optimize_gradient(LOSS, WRT, WHERE, cost="flops-dag", dims={"m": 50, "n": 20, "k": 4})
    source = r.numpy_source()
    assert source.startswith("import numpy as np") and "def gradient(A, J, R, D, lam):" in source
    assert "t0 = (J + R) @ A" in source and "assert J.shape == (m, n)" in source
    namespace = {}
    exec(compile(source, "<test>", "exec"), namespace)  # the text as a user would paste it
    rng = np.random.default_rng(0)
    vals = dict(A=rng.standard_normal((4, 3)), J=rng.standard_normal((5, 4)), R=rng.standard_normal((5, 4)),
                D=np.diag(rng.standard_normal(3)), lam=0.5)
    assert np.allclose(namespace["gradient"](**vals), r.to_numpy()(**vals))
    with pytest.raises(AssertionError, match="J must be m x n"):
        namespace["gradient"](**{**vals, "J": vals["J"].T})


def test_numpy_source_keeps_vectors_as_columns_so_outer_products_stay_outer():
    r = optimize_gradient("a.T @ X @ b + tr(X)", "X", "a, b: n; X: n x n")
    source = r.numpy_source()
    assert "np.eye(n)" in source and "np.reshape(a, (-1, 1))" in source
    a, b = np.arange(1.0, 4.0), np.array([2.0, -1.0, 0.5])
    g = r.to_numpy()(a=a, b=b, X=np.zeros((3, 3)))
    assert np.allclose(g, np.outer(a, b) + np.eye(3))  # not a @ b (an inner product of 1-D arrays)


def test_latex_stats_and_verify(res):
    assert res.latex().startswith("2 ")
    assert r"\lambda" in res.latex()
    assert res.stats.saturated and res.stats.iterations > 0 and res.stats.enodes > 0
    assert set(res.stats.seconds) == {"build", "rewrite", "extract"}
    assert res.verify(trials=2) < 1e-6


def test_a_run_stopped_by_a_limit_warns_and_returns_the_best_gradient(res):
    # a few iterations short of saturation the gradient has long been read off
    with pytest.warns(UserWarning, match="iterations limit"):
        r = optimize_gradient(LOSS, WRT, WHERE, iteration_limit=res.stats.iterations - 4)
    assert not r.stats.saturated and r.stats.stopped_by == "iterations"
    assert r.verify() < 1e-6


def test_no_gradient_before_the_limit_falls_back_on_the_plain_gradient():
    with pytest.warns(UserWarning, match="plain gradient"):
        r = optimize_gradient(LOSS, WRT, WHERE, iteration_limit=1)
    assert not r.stats.saturated and "plain gradient" in r.extra["note"]
    assert r.verify() < 1e-6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(LimitError, match="no gradient"):  # unless the caller wants the e-graph's or nothing
            optimize_gradient(LOSS, WRT, WHERE, iteration_limit=1, fallback=False)


def test_an_ill_shaped_pick_is_dropped_not_answered(monkeypatch):
    """F15: a pick that does not shape-check (an e-class holding two shapes) is an engine bug. The
    model gets no pick from that run and falls back on the plain gradient, with a warning; it is not
    raised as the user's ShapeError. Simulated here by a converter that fails for the first pick."""
    from egraph_mc import models
    from egraph_mc.errors import ShapeError

    real, calls = models.from_egg, []

    def ill_shaped_once(*args):
        calls.append(1)
        if len(calls) == 1:
            raise ShapeError("shape mismatch in '@': 1 x 1 @ m x 1")
        return real(*args)

    monkeypatch.setattr(models, "from_egg", ill_shaped_once)
    with pytest.warns(UserWarning, match="ill-shaped term"):
        r = optimize_gradient(LOSS, WRT, WHERE, isolate=False)
    assert r.extra["note"] == FALLBACK_NOTE and r.verify() < 1e-6


def test_a_pick_of_another_shape_than_wrt_is_dropped_not_answered(monkeypatch):
    """F14: a gradient whose every product fits but whose shape is not wrt's (1 x m for an m x m
    variable) was answered once. Simulated by a converter that transposes the first pick."""
    from egraph_mc import models
    from egraph_mc.shapes import make

    real, calls = models.from_egg, []

    def transposed_once(*args):
        calls.append(1)
        term = real(*args)
        return make("transpose", (term,)) if len(calls) == 1 else term

    monkeypatch.setattr(models, "from_egg", transposed_once)
    with pytest.warns(UserWarning, match=r"ill-shaped term \(n x m where R is m x n\)"):
        r = optimize_gradient(LOSS, WRT, WHERE, isolate=False)
    assert r.gradient.shape == ("m", "n") and r.verify() < 1e-6


def test_the_plain_gradient_is_right_on_every_test_loss():
    from egraph_mc.api import prepare
    from egraph_mc.differentiate import gradient
    from egraph_mc.verify import relative_error_vs_finite_differences
    from tests.losses import LOSSES

    for name, loss, wrt, where, _ in [REFERENCE, *LOSSES]:
        term, decls = prepare(loss, wrt, where)
        g = gradient(term, wrt, decls.symbols[wrt].shape)
        assert g.shape == decls.symbols[wrt].shape
        assert relative_error_vs_finite_differences(term, g, wrt, decls) < 1e-6, name


def test_cli(capsys):
    assert main(["grad", "norm(X @ W - Y)**2", "--wrt", "W", "--where", "X: m x n; W: n x k; Y: m x k", "--latex",
                 "--verify", "--stats"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2 * (X.T @ (X @ W - Y))"  # the coefficient of the product, outside it
    assert out[1].startswith("2 \\left(X^\\top")
    assert "saturated" in out[2]
    assert "relative error" in out[3]


def test_cli_errors_are_one_clear_message(capsys):
    assert main(["grad", "norm(X @ W", "--wrt", "W", "--where", "X: m x n; W: n x k"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: syntax error") and "Traceback" not in err
