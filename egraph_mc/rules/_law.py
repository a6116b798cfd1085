"""Laws: named rewrite rules grouped in families, each with the example terms its test fires it on.

A law is a generator function in the egglog-python style (typed parameters are the pattern
variables). Its name, prefixed by its family's, says which law it is; its docstring states it; its
examples are expressions in `rules.vocabulary` on which it must fire, so that the soundness test
can evaluate both sides on random matrices. A law tried and found unsound is kept in its family
with `disabled=` and its counterexample: it never runs, and a test checks that the audit refutes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from egglog import BigRat, Ruleset, i64, rewrite, rule, ruleset, set_, var

from egraph_mc import lang


@dataclass(frozen=True)
class Law:
    name: str
    family: str
    fn: Callable[..., Iterable]
    examples: tuple[Callable, ...]
    doc: str
    disabled: str | None = None  # why it is unsound: its counterexample
    lifts: bool = False  # lifts a coefficient out of a product: also run on the loss before differentiating

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
    prefix: str
    laws: list[Law] = field(default_factory=list)

    def law(self, *examples: Callable, disabled: str | None = None, lifts: bool = False
            ) -> Callable[[Callable], Callable]:
        """Register the decorated generator as a law; `examples` build terms it must fire on;
        `lifts`: it lifts a coefficient out of a product (see `rules`)."""

        def register(fn: Callable) -> Callable:
            doc = (fn.__doc__ or "").strip()
            self.laws.append(Law(fn.__name__, self.name, fn, tuple(examples), doc, disabled, lifts))
            return fn

        return register

    @property
    def enabled(self) -> list[Law]:
        return [law for law in self.laws if law.disabled is None]


class Termwise:
    """A function applied to every term of a sum, q·A -> q·f(A): `MultiSet.map` with a helper node
    (`lang.mt_T`, ...) that its rules rewrite away at once. It hides the plumbing: `over` maps a
    sum's terms, `rules` yields the rewrites of the helper, the zero term to the zero term."""

    def __init__(self, helper: Callable, source: type, target: type, body: type):
        self.helper, self.source, self.target, self.body = helper, source, target, body

    def over(self, terms, *captured):
        return terms.map(partial(self.helper, *captured) if captured else self.helper)

    def rules(self, image: Callable, *captured, when: Callable | None = None, zero_when: Callable | None = None,
              zero: Callable | None = None):
        """helper(q·x) -> image(q, x) (when `when(x)` holds), the zero term when `zero_when(x)` holds.

        A scalar zero term is the constant ST.zero(). A matrix zero term keeps a shape (one
        shapeless zero made zero matrices of different shapes one e-class, F11): `zero(x)` gives
        the facts that find it and the term, such as 0·x. Zero terms are marked, not merged
        (`lin_drop_zero`), so a matrix one needs no rule here: its image is a zero term again."""
        q, x = var("q", BigRat), var("x", self.body)
        node = self.helper(*captured, self.source(q, x))
        conditions = when(x) if when else ()
        yield rewrite(node, subsume=True).to(image(q, x), *conditions)
        if zero_when is None and self.source is not lang.ST:
            return
        facts, zero_term = zero(x) if zero is not None else ((), self.target.zero())
        if zero_when is not None:
            yield rewrite(node, subsume=True).to(zero_term, *zero_when(x), *facts)
        if self.source is lang.ST:
            yield rewrite(self.helper(*captured, lang.ST.zero()), subsume=True).to(zero_term, *facts)


class Collected:
    """Terms of sums collected as a set that only grows, per sum and key (a factor, the sum's class).

    A set of terms gathered fact by fact (the terms with a common factor, the nested sums to
    flatten) is never a merged multiset value: egglog 13.2 can panic merging multiset values in a
    rebuild (and mapping a function that captured a multiset). Each member is a fact
    `member(key, t) = t`; each time one arrives, the group of every sum holding t is read off the
    sum with `MultiSet.map` (which keeps the terms the fact is defined for) and recorded as a key,
    `group(xs, key, g)`. Groups only grow, so the last holds every member; the earlier, smaller
    ones are equally sound.
    """

    def __init__(self, member: Callable, group: Callable, index: Callable):
        self.member, self.group, self.index = member, group, index

    def add(self, key, t):
        """The action making t a member under key."""
        return set_(self.member(key, t)).to(t)

    def rules(self, xs, key, t, *where):
        """Record the group of each sum xs holding a new member t (where `where` holds)."""
        yield rule(self.member(key, t) == t, self.index(xs, t), *where).then(
            set_(self.group(xs, key, xs.map(partial(self.member, key)))).to(i64(1)))

    def holds(self, xs, key, g):
        """The fact: g is a group of xs under key."""
        return self.group(xs, key, g) == i64(1)


__all__ = ["Collected", "Family", "Law", "Termwise", "lang"]
