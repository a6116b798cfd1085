"""Costs of one node, from the `size` and `flops` facets of `ops.OPS`, on every path that prices a node.

A facet is a function of a *view* of the node: its arguments' shapes (`rows(i)`, `cols(i)`,
`elems(i)`), its own (`out_elems()`), its literal (`attr`) and a sum's coefficients (`coefs`).
Three views read the same facet:
- `TermView`: a node of a term, at concrete dims (the scores in `score.py`);
- `NodeView` (in `extract.py`): a node of the serialized e-graph (the Python extractors);
- `EggView`: a node matched by an egglog rule, whose dims are i64 variables bound by the query; the
  cost rules below are generated from the facets with it, so egglog's extractor prices each node
  as the facet says. Sums, products and powers, whose cost depends on a multiset or a literal, get
  hand-written rules that mirror their facets (`ops.sum_size`, `ops.sum_flops`, ...); the tests
  check that egglog's total equals the facets' on extracted gradients.

Size is in `UNIT`s per printed token; FLOPs in `FLOP`s per floating-point operation, plus one unit
per printed token as the tie break.
"""

from __future__ import annotations

from collections.abc import Mapping

from egglog import BigInt, BigRat, MultiSet, String, eq, function, i64, ne, rule, ruleset, seq, set_, set_cost, var

from egraph_mc.lang import MT, NEVER, ST, UNIT, Dim, Mat, Scalar, cols, lin, mt_in, rows, slin, spow, sprod, st_in, tr
from egraph_mc import printing as P
from egraph_mc.ops import OPS, M
from egraph_mc.term import ONE_DIM, Term

FLOP = 1000  # cost units per floating-point operation; the printed tokens (1 each) break ties
HAND_WRITTEN = ("sum", "ssum", "prod", "pow", "trace")  # their rules are below, not generated


def dim_size(d: str, dims: Mapping[str, int]) -> int:
    return 1 if d == ONE_DIM else int(d) if d.isdigit() else dims[d]


class TermView:
    """A node of a term at concrete dims."""

    def __init__(self, t: Term, dims: Mapping[str, int]):
        self.t, self.dims = t, dims
        self.kids = t.children()
        self.attr = t.attr
        self.terms = tuple((q, u.op == "one") for q, u in t.args) if t.op in ("sum", "ssum") else ()
        self.nargs = len(self.kids)

    def _shape(self, shape) -> tuple[int, int]:
        return (1, 1) if shape is None else (dim_size(shape[0], self.dims), dim_size(shape[1], self.dims))

    def rows(self, i: int) -> int:
        return self._shape(self.kids[i].shape)[0]

    def cols(self, i: int) -> int:
        return self._shape(self.kids[i].shape)[1]

    def elems(self, i: int) -> int:
        r, c = self._shape(self.kids[i].shape)
        return r * c

    def out_elems(self) -> int:
        r, c = self._shape(self.t.shape)
        return r * c

    def is_1x1(self, i: int) -> bool:
        return self.kids[i].is_1x1

    def bare_trace(self, i: int) -> bool:
        """Whether the trace of argument i prints as that argument alone (`printing.bare_trace`)."""
        return P.bare_trace(self.kids[i])


def size_of(t: Term) -> int:
    return OPS[t.op].size(TermView(t, {}))


def flops_of(t: Term, dims: Mapping[str, int]) -> int:
    return OPS[t.op].flops(TermView(t, dims))


# --- egglog: the rules generated from the facets --------------------------------------------------

class EggView:
    """A node matched in egglog: each dim asked for becomes an i64 variable bound by the query."""

    def __init__(self, node, children):
        self.node, self.children = node, children
        self.atoms: list = []
        self._vars: dict = {}

    def _size(self, x, which: str):
        key = (id(x), which)
        if key not in self._vars:
            n = len(self._vars)
            d, k = var(f"dim{n}", Dim), var(f"size{n}", i64)
            self.atoms += [(rows if which == "r" else cols)(x) == d, dim_size_table(d) == k]
            self._vars[key] = k
        return self._vars[key]

    def _matrix(self, i: int):
        kind, v = self.children[i]
        if kind != M:  # a scalar argument has one element
            return None
        return v

    def rows(self, i: int):
        v = self._matrix(i)
        return 1 if v is None else self._size(v, "r")

    def cols(self, i: int):
        v = self._matrix(i)
        return 1 if v is None else self._size(v, "c")

    def elems(self, i: int):
        return self.rows(i) * self.cols(i)

    def out_elems(self):
        x = var("out", Mat)
        self.atoms.insert(0, eq(x).to(self.node))
        return self._size(x, "r") * self._size(x, "c")

    def is_1x1(self, i: int):
        raise TypeError("a cost that depends on a 1x1 argument is written by hand (HAND_WRITTEN)")

    bare_trace = is_1x1

    @property
    def attr(self):
        raise TypeError("a cost that reads the node's literal is written by hand (HAND_WRITTEN)")


@function
def dim_size_table(d: Dim) -> i64:
    """The size of each dim, seeded per extraction under the FLOPs model."""


def _generated(model: str):
    for o in OPS.values():
        if o.name in HAND_WRITTEN:
            continue
        node, children, _, _ = o.pattern()
        tokens = o.size(EggView(node, children))
        if model == "size":
            yield rule(node).then(set_cost(node, tokens * UNIT))
            continue
        view = EggView(node, children)
        flops = o.flops(view)
        yield rule(node, *view.atoms).then(set_cost(node, flops * FLOP + tokens))


# --- egglog: the hand-written rules for sums, products, powers and traces -------------------------


@function(merge=lambda old, new: old.max(new))
def mt_positive(t: MT) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def st_positive(t: ST) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def mt_unfolded(t: MT) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def st_unfolded(t: ST) -> i64: ...


ZERO = BigRat(0, 1)
ONE = BigRat(1, 1)


@ruleset
def signs(q: BigRat, a: Mat, s: Scalar):
    """Per term of a sum: is its coefficient positive, is its sign printed on the term (printing.unfolded_sign)."""
    for term, body, positive, unfolded in ((MT, a, mt_positive, mt_unfolded), (ST, s, st_positive, st_unfolded)):
        node = term(q, body)
        yield rule(node, q > ZERO).then(set_(positive(node)).to(1), set_(unfolded(node)).to(0))
        yield rule(node, q < ZERO).then(set_(positive(node)).to(0))
        other = () if term is MT else (ne(s).to(Scalar.one()),)  # a number's minus is its literal's
        yield rule(node, q < ZERO, eq(q.numer * q.numer).to(BigInt(1)), *other).then(set_(unfolded(node)).to(1))
        yield rule(node, q < ZERO, ne(q.numer * q.numer).to(BigInt(1))).then(set_(unfolded(node)).to(0))
    yield rule(ST(q, Scalar.one()), q < ZERO).then(set_(st_unfolded(ST(q, Scalar.one()))).to(0))


def _coefficient_size(term, body, q):
    """ops.coefficient_size in egglog: ±1 none, 2 or 1/k two tokens, 3/2 four; a number q·1 none
    for an integer, two for p/k."""
    node = term(q, body)
    guard = () if term is MT else (ne(body).to(Scalar.one()),)
    yield rule(node, *guard, eq(abs(q)).to(ONE)).then(set_cost(node, 0))
    yield rule(node, *guard, ne(abs(q)).to(ONE), eq(q.denom).to(BigInt(1))).then(set_cost(node, 2 * UNIT))
    yield rule(node, *guard, ne(q.denom).to(BigInt(1)), eq(q.numer * q.numer).to(BigInt(1))).then(set_cost(node, 2 * UNIT))
    yield rule(node, *guard, ne(q.denom).to(BigInt(1)), ne(q.numer * q.numer).to(BigInt(1))).then(set_cost(node, 4 * UNIT))
    if term is ST:
        number = ST(q, Scalar.one())
        yield rule(number, eq(q.denom).to(BigInt(1))).then(set_cost(number, 0))
        yield rule(number, ne(q.denom).to(BigInt(1))).then(set_cost(number, 2 * UNIT))


def _all_flagged(elements, index, el, flag, j, value: int):
    """Query atoms: every element of the multiset has flag == value (some element's flag triggers it)."""
    flags = var("flags", MultiSet[i64])
    other = i64(1 - value)
    return (index(elements, el), flag(el) == j, flags == elements.map(flag), flags.length() == elements.length(),
            flags.not_contains(other))


def _sum_rules(model: str, xs, ys, t, u, j, x, y, d1, d2, i, k):
    q = var("q", BigRat)
    for matrix, term, total, elements, index, el, positive, unfolded, out in (
        (True, MT, lin(xs), xs, mt_in, t, mt_positive, mt_unfolded, x),
        (False, ST, slin(ys), ys, st_in, u, st_positive, st_unfolded, y),
    ):
        n = elements.length()
        if model == "size":  # ops.sum_size: n - 1 signs, a leading minus when no term is positive
            yield rule(total, index(elements, el), positive(el) == i64(1)).then(set_cost(total, (n - 1) * UNIT))
            yield rule(total, n > i64(1), *_all_flagged(elements, index, el, positive, j, 0)).then(
                set_cost(total, n * UNIT))
            # a lone negation -A pays a sub-unit more: ties go to the flat sum (-A - B, not (-A) - B)
            minus_one = eq(el).to(term(BigRat(-1, 1), var("b", Mat if matrix else Scalar)))
            yield rule(total, n == i64(1), index(elements, el), minus_one).then(set_cost(total, UNIT + 1))
            yield rule(total, n == i64(1), index(elements, el), eq(el).to(term(q, var("b", Mat if matrix else Scalar))),
                       q < ZERO, ne(q).to(BigRat(-1, 1))).then(set_cost(total, UNIT))
            continue
        # ops.sum_flops: a pass per sign, one more when every term's sign is printed on it
        if matrix:
            shape = (eq(out).to(total), rows(out) == d1, cols(out) == d2, dim_size_table(d1) == i,
                     dim_size_table(d2) == k)
            elems = i * k
        else:
            shape, elems = (), i64(1)
        tokens_some = n - 1
        yield rule(total, *shape, index(elements, el), unfolded(el) == i64(0)).then(
            set_cost(total, (n - 1) * elems * FLOP + tokens_some))
        yield rule(total, *shape, *_all_flagged(elements, index, el, unfolded, j, 1)).then(
            set_cost(total, n * elems * FLOP + n))


@ruleset
def size_costs(a: Mat, s: Scalar, f: Scalar, q: BigRat, xs: MultiSet[MT], ys: MultiSet[ST], fs: MultiSet[Scalar],
               t: MT, u: ST, j: i64, k: i64, x: Mat, y: Scalar, d1: Dim, d2: Dim, i: i64, n: String):
    yield from _generated("size")
    yield from _coefficient_size(MT, a, q)
    yield from _coefficient_size(ST, s, q)
    yield from _sum_rules("size", xs, ys, t, u, j, x, y, d1, d2, i, k)
    yield rule(lin(xs), xs.length() == i64(0)).then(set_cost(lin(xs), NEVER))  # zeros((m, n)) prints it
    yield rule(sprod(fs), fs.length() > i64(0)).then(set_cost(sprod(fs), (fs.length() - 1) * UNIT))
    yield rule(spow(f, k), ne(k).to(i64(-1))).then(set_cost(spow(f, k), 2 * UNIT))
    yield rule(spow(f, k), eq(k).to(i64(-1))).then(set_cost(spow(f, k), 0))
    yield rule(tr(a), rows(a) == Dim.one(), cols(a) == Dim.one()).then(set_cost(tr(a), 0))
    yield rule(tr(a), rows(a) == d1, ne(d1).to(Dim.one())).then(set_cost(tr(a), UNIT))
    yield rule(Dim.named(n)).then(set_cost(Dim.named(n), 0))
    yield rule(Dim.one()).then(set_cost(Dim.one(), 0))


@ruleset
def flops_costs(a: Mat, s: Scalar, f: Scalar, q: BigRat, xs: MultiSet[MT], ys: MultiSet[ST], fs: MultiSet[Scalar],
                t: MT, u: ST, j: i64, k: i64, x: Mat, y: Scalar, d1: Dim, d2: Dim, i: i64, n: String):
    yield from _generated("flops")
    yield from _sum_rules("flops", xs, ys, t, u, j, x, y, d1, d2, i, k)
    yield rule(lin(xs), xs.length() == i64(0)).then(set_cost(lin(xs), NEVER))
    # ops.coefficient_flops: a coefficient other than ±1 is a pass over its term
    yield rule(MT(q, a), eq(abs(q)).to(ONE)).then(set_cost(MT(q, a), 0))
    yield rule(MT(q, a), ne(abs(q)).to(ONE), rows(a) == d1, cols(a) == d2, dim_size_table(d1) == i,
               dim_size_table(d2) == k).then(set_cost(MT(q, a), i * k * FLOP + 2))
    yield rule(ST(q, s), ne(s).to(Scalar.one()), eq(abs(q)).to(ONE)).then(set_cost(ST(q, s), 0))
    yield rule(ST(q, s), ne(s).to(Scalar.one()), ne(abs(q)).to(ONE)).then(set_cost(ST(q, s), FLOP + 2))
    yield rule(ST(q, Scalar.one())).then(set_cost(ST(q, Scalar.one()), 0))  # a number: its literal
    yield rule(sprod(fs), fs.length() > i64(0)).then(set_cost(sprod(fs), (fs.length() - 1) * (FLOP + 1)))
    yield rule(spow(f, k), ne(k).to(i64(-1))).then(set_cost(spow(f, k), FLOP + 2))
    yield rule(spow(f, k), eq(k).to(i64(-1))).then(set_cost(spow(f, k), 0))
    yield rule(tr(a), rows(a) == Dim.one(), cols(a) == Dim.one()).then(set_cost(tr(a), 0))
    yield rule(tr(a), rows(a) == d1, ne(d1).to(Dim.one()), dim_size_table(d1) == i).then(set_cost(tr(a), i * FLOP + 1))
    yield rule(Dim.named(n)).then(set_cost(Dim.named(n), 0))
    yield rule(Dim.one()).then(set_cost(Dim.one(), 0))


def size_cost_schedule():
    """The sign analysis to completion, then the size costs (run after the rewriting has stopped)."""
    return seq(signs.saturate(), size_costs.saturate())


def flops_cost_schedule():
    return seq(signs.saturate(), flops_costs.saturate())


def dim_facts(dims_declared: list[str], literal_dims: set[str], dims: Mapping[str, int]) -> list:
    """dim_size_table facts for every dim at the given sizes (numeric dims are their own size)."""
    facts = [set_(dim_size_table(Dim.one())).to(1)]
    facts += [set_(dim_size_table(Dim.named(d))).to(int(dims[d])) for d in dims_declared]
    facts += [set_(dim_size_table(Dim.named(d))).to(int(d)) for d in sorted(literal_dims)]
    return facts


__all__ = ["FLOP", "TermView", "dim_facts", "flops_cost_schedule", "flops_of", "size_cost_schedule", "size_of"]
