"""Scores of a gradient, computed from the term alone (never from an extractor), exactly as printed.

- size: tokens of the printed gradient;
- flops: floating-point operations to evaluate the printed text as Python does, every use computed
  again: each node's `flops` facet (`ops.OPS`), plus the two operations its facet leaves to its
  parent when the parent is not there: a reciprocal printed alone (`1 / g`) and a product of
  divisors only (`1 / a / b`) each cost one more division, unless a coefficient stands for the 1
  (`2 / a / b`);
- dag_size, dag_flops: the same for the program of temporaries (`render.program`): each temporary
  paid once where it is defined.
"""

from __future__ import annotations

from collections.abc import Mapping

from egraph_mc.costs import flops_of
from egraph_mc.printing import divisors_only, folded_minus, reciprocal, sum_order
from egraph_mc.render import printed_size, program, program_size, program_text, to_text
from egraph_mc.term import Term

DEFAULT_DIM = 100  # the size of every dim the user gives no size for


def dim_sizes(dims_used: list[str], dims: Mapping[str, int] | None) -> dict[str, int]:
    dims = dict(dims or {})
    return {d: int(dims.get(d, DEFAULT_DIM)) for d in dims_used} | dims


def size(t: Term) -> int:
    return printed_size(to_text(t))


def _alone(t: Term, parent: Term | None, coefficient) -> int:
    """The division a node's facet leaves to its parent, when the parent does not take it: a
    reciprocal is a divisor of a product (`a / g`), of a scaling (`X / g`) or of a coefficient
    (`2 / g`), else printed `1 / g`; a product of divisors only prints `1 / a / b`, or `2 / a / b`
    under a coefficient."""
    if reciprocal(t) and parent is not None and (parent.op == "prod" or (parent.op == "scale" and t is parent.args[0])):
        return 0
    if divisors_only(t):
        return 0 if coefficient is not None and abs(coefficient) != 1 else 1
    return 0


def _tree_flops(t: Term, dims: Mapping[str, int], names: Mapping[Term, str]) -> int:
    """Operations of t as printed, the subterms in `names` (temporaries) costing nothing."""
    total = 0
    stack = [(t, None, None)]
    while stack:
        u, parent, q = stack.pop()
        if u in names and u is not t:
            continue
        total += flops_of(u, dims) + _alone(u, parent, q)
        # the facet counted the leading minus, Python folds it into the literal (sorting a sum's
        # terms into print order is asked for only where some term could fold)
        if u.op == "ssum" and any(folded_minus(p, c) for p, c in u.args):
            lead_q, lead = sum_order(u.args)[0]
            if lead not in names and folded_minus(lead_q, lead):
                total -= 1
        if u.op in ("sum", "ssum"):
            stack.extend((c, u, q) for q, c in u.args)
        else:
            stack.extend((c, u, None) for c in u.children())
    return total


def flops(t: Term, dims: Mapping[str, int]) -> int:
    return _tree_flops(t, dims, {})


def dag_size(t: Term) -> int:
    return program_size(program_text(t))


def dag_flops(t: Term, dims: Mapping[str, int]) -> int:
    lines, names = program(t)
    return sum(_tree_flops(u, dims, names) for _, u in lines) + _tree_flops(t, dims, names)
