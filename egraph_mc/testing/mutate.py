"""Wrong gradients on purpose: a correct gradient with one mistake a person makes by hand.

Mutations of a term, each at a numbered site: drop a transpose (Aᵀ -> A), change a coefficient (a
term's q -> 2q, or the whole gradient doubled when it has no sum), swap the factors of a matrix
product (AB -> BA). A mutation whose result does not fit the shapes gives None. A mutant is not
always wrong (Sᵀ -> S for a symmetric S): whoever uses one judges it numerically.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from egraph_mc.errors import ShapeError
from egraph_mc.shapes import make
from egraph_mc.term import SUMS, Term

KINDS = ("transpose", "coefficient", "swap")
Path = tuple[int, ...]


def _nodes(t: Term, path: Path = ()) -> Iterator[tuple[Path, Term]]:
    """Every node with the child indices leading to it, parents first."""
    yield path, t
    for i, c in enumerate(t.children()):
        yield from _nodes(c, (*path, i))


def sites(t: Term, kind: str) -> list[tuple[Path, int | None]]:
    """Where `kind` applies: (path of the node, index of the sum term for "coefficient")."""
    if kind == "transpose":
        return [(p, None) for p, u in _nodes(t) if u.op == "transpose"]
    if kind == "swap":
        return [(p, None) for p, u in _nodes(t) if u.op == "matmul"]
    if kind == "coefficient":
        found = [(p, i) for p, u in _nodes(t) if u.op in SUMS for i in range(len(u.args))]
        return found or [((), None)]  # no sum: the whole gradient doubled
    raise ValueError(f"unknown mutation {kind!r} (known: {', '.join(KINDS)})")


def mutate(t: Term, kind: str, index: int) -> Term | None:
    """t with the mutation `kind` at site `index` (modulo the number of sites); None when there is
    no such site or the result does not fit the shapes (or has another shape than t)."""
    found = sites(t, kind)
    if not found:
        return None
    path, term_index = found[index % len(found)]
    node = _at(t, path)
    try:
        out = _replace(t, path, _mutated(node, kind, term_index))
    except ShapeError:
        return None
    return out if out.shape == t.shape else None  # a gradient keeps the variable's shape


def _mutated(node: Term, kind: str, term_index: int | None) -> Term:
    if kind == "transpose":
        return node.args[0]
    if kind == "swap":
        a, b = node.args
        return make("matmul", (b, a))
    if term_index is None:
        return make("sum" if not node.is_scalar else "ssum", ((Fraction(2), node),))
    args = tuple((q * 2 if i == term_index else q, u) for i, (q, u) in enumerate(node.args))
    return make(node.op, args, node.attr, node.shape)


def _at(t: Term, path: Path) -> Term:
    for i in path:
        t = t.children()[i]
    return t


def _replace(t: Term, path: Path, new: Term) -> Term:
    """t with the node at `path` replaced by `new`, every node above rebuilt (shapes checked)."""
    if not path:
        return new
    kids = list(t.children())
    kids[path[0]] = _replace(kids[path[0]], path[1:], new)
    if t.op in SUMS:
        args = tuple((q, k) for (q, _), k in zip(t.args, kids, strict=True))
    else:
        it = iter(kids)
        args = tuple(next(it) if isinstance(a, Term) else a for a in t.args)
    return make(t.op, args, t.attr, t.shape)


__all__ = ["KINDS", "mutate", "sites"]
