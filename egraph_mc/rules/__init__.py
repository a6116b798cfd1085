"""The rewrite laws, one module per family, and the default set the engine is handed.

Every family's laws run together, all at once, to saturation: no order is chosen by hand. Only the
input is prepared: the laws marked `lifts` (coefficients out of products, traces, norms and
transposes; sums flattened, like terms merged, zeros absorbed), with the analyses they read,
first run on the loss alone, since input may hold a coefficient
anywhere (`mu * z @ x.T @ C` is ((μz)xᵀ)C), and differentiated as written, each product would be
differentiated and reassociated with the coefficient at every place it passes through. The engine
(`egraph_mc.egraph`) does not import this package; `api.py` hands it `default_laws()`.
"""

from __future__ import annotations

from egraph_mc.rules._law import Family, Law
from egraph_mc.rules.analysis import analysis
from egraph_mc.rules.diagonal import diagonals
from egraph_mc.rules.differential import differential
from egraph_mc.rules.elementwise import elementwise
from egraph_mc.rules.inverse import inverse
from egraph_mc.rules.linearity import linearity
from egraph_mc.rules.products import products
from egraph_mc.rules.readoff import readoff
from egraph_mc.rules.scalars import scalars
from egraph_mc.rules.trace import trace
from egraph_mc.rules.transpose import transpose

FAMILIES: tuple[Family, ...] = (analysis, differential, linearity, scalars, products, transpose, trace, diagonals,
                                inverse, elementwise, readoff)


def all_laws() -> list[Law]:
    """Every law, the disabled ones included (they are audited as unsound)."""
    return [law for family in FAMILIES for law in family.laws]


def default_laws() -> list[Law]:
    """The laws the engine runs: every enabled law of every family."""
    return [law for family in FAMILIES for law in family.enabled]


__all__ = ["FAMILIES", "Family", "Law", "all_laws", "default_laws"]
