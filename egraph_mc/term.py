"""Terms outside the e-graph: an immutable tree with shapes, node for node the egglog language.

A `Term` is what the parser produces, what the engine sends into egglog and what extraction gives
back. It carries no algebra: the tree is built as written (the parser's reading of Python syntax)
or as extracted, and printed as it is. Only the order inside sums and products is canonical, since
those are multisets (`MultiSet` in egglog): `args` of "sum"/"ssum" are sorted (coefficient, term)
pairs, of "prod" sorted factors.

Shapes are symbolic `(rows, cols)` pairs of dim names ("1" for vectors); scalars have shape None.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

Shape = tuple[str, str]
ONE_DIM = "1"
MULTISETS = ("sum", "ssum", "prod")  # ops whose arguments are unordered
SUMS = ("sum", "ssum")  # ops whose arguments are (coefficient, term) pairs


@dataclass(frozen=True)
class Term:
    op: str
    args: tuple = ()
    attr: Any = None
    shape: Shape | None = field(default=None, compare=False)
    _hash: int = field(default=0, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op in MULTISETS:
            object.__setattr__(self, "args", tuple(sorted(self.args, key=_order)))
        # terms are hashed often (memo tables, sharing): hash once
        object.__setattr__(self, "_hash", hash((self.op, self.args, self.attr)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def is_scalar(self) -> bool:
        return self.shape is None

    @property
    def is_1x1(self) -> bool:
        return self.shape == (ONE_DIM, ONE_DIM)

    def children(self) -> tuple[Term, ...]:
        """The sub-terms (coefficients of sums left out)."""
        if self.op in SUMS:
            return tuple(t for _, t in self.args)
        return tuple(a for a in self.args if isinstance(a, Term))

    def walk(self) -> Iterator[Term]:
        """Every node, parents before children (iterative: long sums are wide, not deep)."""
        stack = [self]
        while stack:
            t = stack.pop()
            yield t
            stack.extend(reversed(t.children()))

    def symbols(self) -> set[str]:
        return {t.attr for t in self.walk() if t.op in ("var", "svar")}

    def replace_children(self, kids: Iterable[Term]) -> Term:
        """The same node over other children (coefficients kept), shape unchanged."""
        kids = list(kids)
        if self.op in SUMS:
            args = tuple((q, k) for (q, _), k in zip(self.args, kids, strict=True))
        else:
            it = iter(kids)
            args = tuple(next(it) if isinstance(a, Term) else a for a in self.args)
        return Term(self.op, args, self.attr, self.shape)


def _order(a) -> str:
    return repr(a)


def terms_of(t: Term) -> tuple[tuple[Fraction, Term], ...]:
    """A sum's (coefficient, term) pairs; any other term as a single unit term."""
    return t.args if t.op in SUMS else ((Fraction(1), t),)


def describe(t: Term) -> str:
    return "a scalar" if t.is_scalar else f"a {t.shape[0]}x{t.shape[1]} matrix"
