"""Laws: named rewrite rules grouped in families, each with the example terms its test fires it on.

A law is a generator function in the egglog-python style (typed parameters are the pattern
variables). Its name says which law it is; its docstring states the law; its examples are
expressions in `rulesets.vocabulary` on which the law must fire, so that the rule-soundness test
can evaluate both sides on random matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from egglog import Ruleset, ruleset


@dataclass(frozen=True)
class Law:
    name: str
    family: str
    fn: Callable[..., Iterable]
    examples: tuple[Callable, ...]
    doc: str

    def ruleset(self) -> Ruleset:
        """A ruleset holding only this law (named after it, so run reports can be read per law)."""
        return _ruleset_of(self)


_RULESETS: dict[str, Ruleset] = {}


def _ruleset_of(law: Law) -> Ruleset:
    # egglog rulesets are declarations: build each once per process and reuse it in every e-graph.
    if law.name not in _RULESETS:
        rs = ruleset(name=f"{law.family}.{law.name}")
        rs.register(law.fn)
        _RULESETS[law.name] = rs
    return _RULESETS[law.name]


@dataclass
class Family:
    """A family of laws; `law` registers one. Families are values, never looked up by string."""

    name: str
    laws: list[Law] = field(default_factory=list)

    def law(self, *examples: Callable) -> Callable[[Callable], Callable]:
        """Register the decorated generator as a law; `examples` build terms it must fire on."""

        def register(fn: Callable) -> Callable:
            doc = (fn.__doc__ or "").strip()
            self.laws.append(Law(fn.__name__, self.name, fn, tuple(examples), doc))
            return fn

        return register
