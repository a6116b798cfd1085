"""Plain scores of an extracted gradient, computed from the term alone (never from an extractor).

- size: tokens of the printed gradient;
- flops: floating-point operations to evaluate it as printed (every use computed again);
- dag_size: tokens of the program with shared subterms as temporaries (each paid once);
- dag_flops: floating-point operations with every distinct subterm computed once.
"""

from __future__ import annotations

from collections.abc import Mapping

from egraph_mc.ops import OPS
from egraph_mc.render import printed_size, program_size, program_text, to_text
from egraph_mc.term import Term

DEFAULT_DIM = 100  # the size of every dim the user gives no size for


def dim_sizes(dims_used: list[str], dims: Mapping[str, int] | None) -> dict[str, int]:
    dims = dict(dims or {})
    return {d: int(dims.get(d, DEFAULT_DIM)) for d in dims_used} | dims


def size(t: Term) -> int:
    return printed_size(to_text(t))


def flops(t: Term, dims: Mapping[str, int]) -> int:
    return OPS[t.op].flops(t, dims) + sum(flops(c, dims) for c in t.children())


def dag_size(t: Term) -> int:
    return program_size(program_text(t))


def dag_flops(t: Term, dims: Mapping[str, int]) -> int:
    seen: set[Term] = set()
    total = 0
    stack = [t]
    while stack:
        u = stack.pop()
        if u in seen:
            continue
        seen.add(u)
        total += OPS[u.op].flops(u, dims)
        stack.extend(u.children())
    return total
