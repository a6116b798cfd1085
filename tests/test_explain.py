"""res.explain(), _repr_latex_ and _repr_html_: the derivation, readable and checkable."""

from __future__ import annotations

import numpy as np
import pytest

from egraph_mc import optimize_gradient
from egraph_mc.declare import Declarations, Symbol
from egraph_mc.egraph import Limits, saturate, session
from egraph_mc.api import LAWS, prepare
from egraph_mc.explain import differential_leaf
from egraph_mc.parse import parse_loss
from egraph_mc.render import evaluate
from egraph_mc.rules import all_laws
from egraph_mc.testing.numeric import random_values
from tests.losses import REFERENCE

_, LOSS, WRT, WHERE, _ = REFERENCE


@pytest.fixture(scope="module")
def res():
    return optimize_gradient(LOSS, WRT, WHERE)


def _line_after(text: str, prefix: str) -> str:
    return next(line.strip()[len(prefix):] for line in text.splitlines() if line.strip().startswith(prefix))


def test_the_explanation_walks_through_the_derivation(res):
    text = res.explain()
    for step in ("L = ", "where A: n x k", "dL = ", "tr(Gᵀ dR)", "G = ", f"grad_R L = {res}", "Run: saturated"):
        assert step in text, step
    assert "no step-by-step proof" in text
    assert repr(text) == str(text)  # shown as text at the prompt, not as a quoted string


def test_the_printed_differential_is_the_differential(res):
    """dL, parsed back with dR declared, equals tr(Gᵀ dR) on random data."""
    text = res.explain()
    decls = res.declarations
    dx = differential_leaf(WRT, decls)
    with_dx = Declarations({**decls.symbols, dx.attr: Symbol(dx.attr, decls.symbols[WRT].shape)})
    dl = parse_loss(_line_after(text, "dL = "), with_dx)
    rng = np.random.default_rng(0)
    dims = {"m": 5, "n": 4, "k": 3}
    values = random_values(with_dx, rng, dims)
    g = evaluate(res.gradient, values, dims)
    assert np.isclose(float(evaluate(dl, values, dims)), float(np.sum(g * values[dx.attr])), rtol=1e-10)


def test_the_laws_listed_are_those_that_fired_with_their_counts(res):
    text = res.explain()
    counted = res.extra["law_matches"]  # counted once, then cached
    docs = {law.name: law for law in all_laws()}
    shown = [name for name in counted if docs[name].family != "analysis"]
    assert shown
    for name in shown:
        first_line = docs[name].doc.splitlines()[0]
        assert f"{name} x{counted[name]}: {first_line}" in text
    # An independent run fires the same laws. Its counts may differ a little: egglog does not promise
    # deterministic match counts (egglog issue #793; CI once saw tr_cyclic's differ), so a law
    # matched a few times in one run is allowed not to fire in the other.
    term, decls = prepare(LOSS, WRT, WHERE)
    with session(LAWS, matches=True) as s:
        saturate(s, term, WRT, decls, Limits())
        fired = {name: n for name, n in s.law_matches().items() if n}
    assert {n for n, k in fired.items() if k > 2} <= set(counted)
    assert {n for n, k in counted.items() if k > 2} <= set(fired)


def test_notebook_displays(res):
    latex = res._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$")
    assert r"\nabla_{R} L" in latex and res.latex() in latex and "saturated" in latex
    html = res._repr_html_()
    assert html.startswith("<table") and "gradient w.r.t. R" in html and "saturated" in html
    assert f"<code>{res}</code>" in html


def test_a_symmetric_variable_is_explained_as_the_symmetric_part():
    r = optimize_gradient("tr(S @ A @ S)", "S", "S: n x n symmetric; A: n x n")
    assert "symmetric part" in r.explain()
