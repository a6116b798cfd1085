"""Every law in egraph_mc/rules/ is sound: fired on its examples, every e-class then evaluates consistently.

The laws are found through the registry (`rules.all_laws`), never listed here. Each example is
registered in a fresh e-graph, the law runs beside the analyses it reads, and the audit evaluates
every member of every e-class on random matrices of the declared shapes: both sides of the law,
d-nodes against finite differences, read-offs by linearity. A law kept disabled as unsound must
be refuted by the same audit on its example.
"""

from __future__ import annotations

import pytest
from egglog import EGraph, i64, run, set_, unstable_combine_rulesets

from egraph_mc import backend
from egraph_mc.audit import audit
from egraph_mc.egraph import seed
from egraph_mc.lang import expanding
from egraph_mc.ops import OPS, check_complete
from egraph_mc.rules import FAMILIES, all_laws, default_laws
from egraph_mc.rules.analysis import analysis
from egraph_mc.rules.vocabulary import Vocabulary, example_parts

LAWS = all_laws()
ENABLED = [law for law in LAWS if law.disabled is None]
DISABLED = [law for law in LAWS if law.disabled is not None]
CASES = [(law, i) for law in ENABLED for i in range(len(law.examples))]


def fire(law, example_index: int):
    term, wrt = example_parts(law.examples[example_index])
    vocab = Vocabulary()
    egraph = EGraph()
    seed(egraph, set(vocab.declarations.symbols), wrt, vocab.declarations)
    # the cost-directed pass's marker, so that the laws it enables (products over every sum) are
    # fired and audited too
    egraph.register(term, set_(expanding()).to(i64(1)))
    analyses = unstable_combine_rulesets(*(a.ruleset() for a in analysis.laws))
    matches = 0
    decls = backend.rule_decls([law.ruleset()])
    for _ in range(6):
        egraph.run(analyses.saturate())
        report = egraph.run(run(law.ruleset()))
        matches += sum(n for d, n in report.num_matches_per_rule.items() if d in decls)
    egraph.run(analyses.saturate())
    return egraph, wrt, matches, vocab.declarations


@pytest.mark.parametrize(("law", "example"), CASES, ids=[f"{law.family}.{law.name}[{i}]" for law, i in CASES])
def test_law_is_sound_on_its_example(law, example):
    egraph, wrt, matches, decls = fire(law, example)
    if law.family != analysis.name:
        assert matches > 0, f"{law.name} did not fire on its example"
    report = audit(egraph, decls, wrt, trials=2, seed=example)
    assert report.ok, "\n".join(report.mismatches[:10])
    assert report.checked_members > 0


@pytest.mark.parametrize("law", DISABLED, ids=[law.name for law in DISABLED])
def test_a_disabled_law_is_refuted_by_the_audit(law):
    egraph, wrt, matches, decls = fire(law, 0)
    assert matches > 0, f"{law.name} did not fire on its example"
    report = audit(egraph, decls, wrt, trials=3, seed=0)
    assert not report.ok, f"{law.name} is disabled as unsound ({law.disabled}), but the audit finds nothing wrong"
    assert law not in default_laws()


def test_every_law_has_an_example_a_docstring_a_unique_name_and_its_family_prefix():
    names = [law.name for law in LAWS]
    assert len(names) == len(set(names)), "law names must be unique"
    prefixes = {f.name: f.prefix for f in FAMILIES}
    for law in LAWS:
        assert law.examples, f"{law.name} has no example to be tested on"
        assert law.doc, f"{law.name} has no docstring stating its law"
        assert law.name.startswith(prefixes[law.family]), f"{law.name} lacks its family prefix {prefixes[law.family]}"


def test_every_family_runs_in_the_default_schedule():
    assert {law.family for law in default_laws()} == {f.name for f in FAMILIES}


def test_the_op_table_is_complete():
    assert check_complete() == []


def test_every_operation_has_its_differential():
    d_laws = {law.name for law in LAWS if law.family == "differential"}
    for name, op in OPS.items():
        if op.d == ():
            continue
        assert f"d_{name}" in d_laws, f"operation {name!r} has no d-law d_{name}"


def test_an_unknown_operation_fails_the_audit():
    from egglog import function

    from egraph_mc import lang

    @function
    def mystery(x: lang.Mat) -> lang.Mat: ...

    egraph = EGraph()
    vocab = Vocabulary()
    egraph.register(mystery(vocab.A))
    report = audit(egraph, vocab.declarations, None, trials=1)
    assert not report.ok and any("mystery" in m for m in report.mismatches)
