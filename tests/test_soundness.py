"""Soundness of whole runs: every member of every e-class of a saturated e-graph agrees numerically.

The per-law tests prove each rule on its own examples; this audits the e-graph that all rules build
together on every test loss, so a rule that is unsound only in combination (or on a shape its
examples missed) fails here. Every e-node is evaluated, which covers every term extraction could pick.
"""

from __future__ import annotations

import pytest

from egraph_mc.api import LAWS, prepare
from egraph_mc.audit import audit
from egraph_mc.egraph import Limits, saturate, session
from tests.losses import LOSSES, REFERENCE
from egraph_mc.testing.findings import REGRESSIONS

CASES = [REFERENCE, *LOSSES]


@pytest.mark.parametrize(("name", "loss", "wrt", "where", "known"), CASES, ids=[c[0] for c in CASES])
def test_saturated_egraph_is_sound(name, loss, wrt, where, known):
    term, decls = prepare(loss, wrt, where)
    with session(LAWS) as s:
        _, stats = saturate(s, term, wrt, decls, Limits(seconds=30))
        report = audit(s.egraph, decls, wrt, trials=1, seed=len(name))
    assert stats.enodes > 0
    assert report.checked_members > stats.enodes / 2, f"only {report.checked_members} of {stats.enodes} e-nodes were evaluated"
    assert report.ok, f"{name}: unequal members merged:\n" + "\n".join(report.mismatches[:10])


# A symmetric or diagonal variable: dX = dXᵀ, so the read-off must not merge A with Aᵀ (F1 in
# bench/FUZZ_FINDINGS.md: the e-graph of the first case merged C with Cᵀ before the fix).
SYMMETRIC = [(loss, wrt, where) for finding, loss, wrt, where, _ in REGRESSIONS if finding == "F1"]


@pytest.mark.parametrize(("loss", "wrt", "where"), SYMMETRIC, ids=[c[0] for c in SYMMETRIC])
def test_saturated_egraph_is_sound_for_a_symmetric_variable(loss, wrt, where):
    term, decls = prepare(loss, wrt, where)
    with session(LAWS) as s:
        saturate(s, term, wrt, decls, Limits(seconds=30))
        report = audit(s.egraph, decls, wrt, trials=2, seed=1)
    assert report.ok, "unequal members merged:\n" + "\n".join(report.mismatches[:10])


# F11 (bench/FUZZ_FINDINGS.md): like terms that cancel inside a product, (M4 - M4), left one
# shapeless zero term, and the sum of it was one e-node for every shape, so the 1 x n and the m x n
# zero matrices shared an e-class. Zero terms are now terms of their own shape, marked zero.
def test_zero_matrices_of_different_shapes_stay_apart():
    term, decls = prepare("M1.T @ M2 @ (M4 - M4) @ M5 @ M1", "M5", "M1: n; M2: n x m; M4: m x n; M5: n x n")
    with session(LAWS) as s:
        saturate(s, term, "M5", decls, Limits(seconds=30))
        report = audit(s.egraph, decls, "M5", trials=1, seed=1)
    assert report.ok, "\n".join(report.mismatches[:3])
