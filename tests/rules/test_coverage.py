"""Every enabled law earns its place: it fires while saturating at least one test loss (the corpus,
and the regressions the fuzzer found).

A law that never fires on the losses people write is dead weight in every iteration (each rule's
query runs every time); it is removed, or given the example that shows what it is for.
"""

from __future__ import annotations

from collections import Counter

from egraph_mc.api import LAWS, prepare
from egraph_mc.egraph import Limits, saturate, session
from egraph_mc.rules import default_laws
from egraph_mc.testing.corpus import SUPPORTED
from egraph_mc.testing.findings import REGRESSIONS
from tests.test_fuzz import SATURATES

LOSSES = [(p.loss, p.wrt, p.where) for p in SUPPORTED] + [c[1:4] for c in REGRESSIONS] + [c[1:4] for c in SATURATES]


def test_every_law_fires_on_some_test_loss():
    fired: Counter[str] = Counter()
    for loss, wrt, where in LOSSES:
        term, decls = prepare(loss, wrt, where)
        with session(LAWS, matches=True) as s:
            saturate(s, term, wrt, decls, Limits(seconds=20, enodes=30_000))
            for name, n in s.law_matches().items():
                if n:
                    fired[name] += 1
    never = [law.name for law in default_laws() if not fired[law.name]]
    assert not never, f"these laws never fire on the {len(LOSSES)} test losses: {never}"
