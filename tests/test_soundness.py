"""Soundness of whole runs: every member of every e-class of a saturated e-graph agrees numerically.

The per-law tests prove each rule on its own examples; this audits the e-graph that all rules build
together on every test loss, so a rule that is unsound only in combination (or on a shape its
examples missed) fails here. Every e-node is evaluated, which covers every term extraction could pick.
"""

from __future__ import annotations

import pytest

from egraph_mc.api import prepare
from egraph_mc.audit import audit
from egraph_mc.egraph import Limits, saturate, session
from tests.losses import LOSSES, REFERENCE

CASES = [REFERENCE, *LOSSES]


@pytest.mark.parametrize(("name", "loss", "wrt", "where", "known"), CASES, ids=[c[0] for c in CASES])
def test_saturated_egraph_is_sound(name, loss, wrt, where, known):
    term, decls = prepare(loss, wrt, where)
    with session() as s:
        _, stats = saturate(s, term, wrt, decls, Limits(seconds=30))
        report = audit(s.egraph, decls, wrt, trials=1, seed=len(name))
    assert stats.enodes > 0
    assert report.checked_members > stats.enodes / 2, f"only {report.checked_members} of {stats.enodes} e-nodes were evaluated"
    assert report.ok, f"{name}: unequal members merged:\n" + "\n".join(report.mismatches[:10])
