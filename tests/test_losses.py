"""The reference loss and the test losses: right, saturated, and as compact as known."""

from __future__ import annotations

import pytest

from egraph_mc import optimize_gradient
from egraph_mc.parse import parse_loss
from egraph_mc.render import printed_size, to_text
from tests.losses import LOSSES, REFERENCE


def _run(loss, wrt, where):
    res = optimize_gradient(loss, wrt, where)
    assert res.stats.saturated, res.stats
    return res


def test_reference_loss():
    name, loss, wrt, where, known = REFERENCE
    res = _run(loss, wrt, where)
    assert res.verify(trials=3) < 1e-6
    text = str(res)
    assert text.startswith("2 * "), f"the factor 2 should stand in front: {text}"
    assert res.cost <= known
    assert res.cost == printed_size(text)


@pytest.mark.parametrize(("name", "loss", "wrt", "where", "known"), LOSSES, ids=[c[0] for c in LOSSES])
def test_loss(name, loss, wrt, where, known):
    res = _run(loss, wrt, where)
    assert res.verify(trials=3) < 1e-6, str(res)
    assert res.cost <= known, f"{res.gradient} has size {res.cost}, known {known}"


@pytest.mark.parametrize(("name", "loss", "wrt", "where", "known"), [REFERENCE, *LOSSES[:8]], ids=lambda c: str(c)[:20])
def test_gradient_text_parses_back_to_the_same_term(name, loss, wrt, where, known):
    res = _run(loss, wrt, where)
    again = parse_loss(to_text(res.gradient), res.declarations)
    assert again == res.gradient


def test_egglog_cost_is_the_printed_size():
    for name, loss, wrt, where, known in [REFERENCE, *LOSSES]:
        res = optimize_gradient(loss, wrt, where)
        assert res.extra["extractor_cost"] == res.cost, name
