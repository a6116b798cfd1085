"""The rewrite laws, one module per family. `FAMILIES` is what the engine runs, all together."""

from __future__ import annotations

from rulesets._law import Family, Law
from rulesets.analysis import analysis
from rulesets.differential import differential
from rulesets.linearity import linearity
from rulesets.products import products
from rulesets.readoff import readoff
from rulesets.scalars import scalars
from rulesets.trace import trace
from rulesets.transpose import transpose

FAMILIES: tuple[Family, ...] = (analysis, differential, linearity, scalars, products, transpose, trace, readoff)


def all_laws() -> list[Law]:
    return [law for family in FAMILIES for law in family.laws]


__all__ = ["FAMILIES", "Family", "Law", "all_laws"]
