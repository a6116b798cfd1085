"""Every law in rulesets/ is sound: fired on its examples, every e-class then evaluates consistently.

The laws are found through the registry (`rulesets.all_laws`), never listed here. Each example
is registered in a fresh e-graph, the law runs beside the analyses it reads, and the audit
evaluates every member of every e-class on random matrices of the declared shapes: both sides of
the law, d-nodes against finite differences, read-offs by linearity.
"""

from __future__ import annotations

import pytest
from egglog import EGraph, run, unstable_combine_rulesets

from egraph_mc.audit import audit
from egraph_mc.egraph import seed
from rulesets import FAMILIES, all_laws
from rulesets.analysis import analysis
from rulesets.vocabulary import Vocabulary, example_parts

LAWS = all_laws()
CASES = [(law, i) for law in LAWS for i in range(len(law.examples))]


def _rule_decls(law) -> set:
    rs = law.ruleset()
    rs.__egg_decls__  # materialize the deferred rules
    return set(rs.__egg_ruleset__.rules)


def fire(law, example_index: int):
    term, wrt = example_parts(law.examples[example_index])
    vocab = Vocabulary()
    egraph = EGraph()
    seed(egraph, set(vocab.declarations.symbols), wrt, vocab.declarations)
    egraph.register(term)
    analyses = unstable_combine_rulesets(*(a.ruleset() for a in analysis.laws))
    matches = 0
    decls = _rule_decls(law)
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


def test_every_law_has_an_example_a_docstring_and_a_unique_name():
    names = [law.name for law in LAWS]
    assert len(names) == len(set(names)), "law names must be unique"
    for law in LAWS:
        assert law.examples, f"{law.name} has no example to be tested on"
        assert law.doc, f"{law.name} has no docstring stating its law"


def test_every_family_runs_in_the_default_schedule():
    from egraph_mc.egraph import _Template

    template_families = {law.family for law in all_laws()}
    assert template_families == {f.name for f in FAMILIES}
    assert _Template  # the template combines all_laws(): every family is in the one schedule


def test_every_operation_has_its_differential():
    from egraph_mc.ops import OPS

    d_laws = {law.name for law in LAWS if law.family == "differential"}
    for name, op in OPS.items():
        if op.constant:
            continue
        assert f"d_{name}" in d_laws, f"operation {name!r} has no d-law d_{name}"
