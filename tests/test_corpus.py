"""The benchmark corpus: every known best gradient parses, is right, and has the size it claims."""

from __future__ import annotations

import math

import pytest

from egraph_mc.testing.corpus import CORPUS, SUPPORTED, UNSUPPORTED, Problem, problem
from egraph_mc.errors import EgraphMcError
from egraph_mc.declare import parse_where
from egraph_mc.parse import parse_loss
from egraph_mc.render import printed_size
from egraph_mc.parse import as_scalar
from egraph_mc.verify import relative_error_vs_finite_differences
from tests.losses import LOSSES, REFERENCE


def _ids(problems: list[Problem]) -> list[str]:
    return [p.name for p in problems]


@pytest.mark.parametrize("p", SUPPORTED, ids=_ids(SUPPORTED))
def test_best_gradient_parses_is_right_and_has_its_size(p: Problem):
    decls = parse_where(p.where)
    loss = parse_loss(p.loss, decls)
    if loss.is_1x1:
        loss = as_scalar(loss)
    assert loss.is_scalar, f"{p.name}: the loss is not a scalar"
    assert p.wrt in loss.symbols(), f"{p.name}: {p.wrt} does not occur in the loss"
    grad = parse_loss(p.best, decls)
    assert grad.shape == decls.symbols[p.wrt].shape, f"{p.name}: gradient shape {grad.shape}"
    err = relative_error_vs_finite_differences(loss, grad, p.wrt, decls, trials=3)
    assert err < 1e-6, f"{p.name}: relative error {err:.1e} for {p.best}"
    assert printed_size(p.best) == p.best_size, f"{p.name}: printed size {printed_size(p.best)}, claimed {p.best_size}"


def test_names_are_unique():
    names = [p.name for p in CORPUS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("p", CORPUS, ids=_ids(CORPUS))
def test_every_problem_is_described(p: Problem):
    assert p.name.strip() and p.source.strip() and p.family.strip()
    decls = parse_where(p.where)
    assert p.wrt in decls.symbols and decls.symbols[p.wrt].shape is not None
    assert set(p.dims) == set(decls.dims), f"{p.name}: dims {sorted(p.dims)} for declared {decls.dims}"
    assert all(isinstance(v, int) and v > 0 for v in p.dims.values())
    assert math.prod(sorted(p.dims.values(), reverse=True)[:3]) <= 1e8, f"{p.name}: dims too large"
    assert p.best, f"{p.name}: no best gradient"


@pytest.mark.parametrize("p", UNSUPPORTED, ids=_ids(UNSUPPORTED))
def test_unsupported_problems_are_marked_and_outside_the_language(p: Problem):
    assert not p.supported and p.best_size is None
    with pytest.raises(EgraphMcError):
        parse_loss(p.loss, parse_where(p.where))


def test_corpus_size_and_coverage():
    assert len(CORPUS) >= 44
    assert len(UNSUPPORTED) >= 2  # row-wise reductions, non-smooth functions
    assert all(p.supported and isinstance(p.best_size, int) for p in SUPPORTED)
    assert len(SUPPORTED) + len(UNSUPPORTED) == len(CORPUS)


def test_the_test_losses_are_in_the_corpus_at_their_known_size_or_better():
    for name, loss, wrt, where, known in [REFERENCE, *LOSSES]:
        p = problem(name)
        assert (p.loss, p.wrt, p.where) == (loss, wrt, where), name
        assert p.supported and p.best_size <= known, f"{name}: best {p.best_size}, known {known}"


def test_unknown_problem_name():
    with pytest.raises(KeyError):
        problem("no such problem")
