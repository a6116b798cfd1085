"""Cost tables set inside egglog (Rust-side extraction): the printed size, in `UNIT`s per token.

Most constructors carry their printed cost as a constant (`lang.py`); the ones whose printed form
depends on their arguments get it here, by rules run once the rewriting has stopped:
- a term q·A of a sum prints `A`, `2 * A`, `A / 2` or `3/2 * A` (the sign joins the `+`/`-`);
- a sum of n terms prints n - 1 signs, plus a leading `-` when no term is positive;
- a product of n scalar factors prints n - 1 operators; a power s**k two more tokens, a divisor
  s**-1 none (`a / s`);
- the trace of a 1x1 product prints bare (`(x.T @ x)`).
Each rule sets one node's cost once; the sign analysis is run to completion first, so no cost is
ever set twice.
"""

from __future__ import annotations

from egglog import BigInt, BigRat, MultiSet, eq, function, i64, ne, rule, ruleset, seq, set_, set_cost

from egraph_mc.lang import MT, ST, UNIT, Dim, Mat, Scalar, cols, lin, mt_in, rows, slin, spow, sprod, st_in, tr


@function(merge=lambda old, new: old.max(new))
def mt_positive(t: MT) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def st_positive(t: ST) -> i64: ...


ZERO = BigRat(0, 1)


@ruleset
def signs(q: BigRat, a: Mat, s: Scalar):
    yield rule(MT(q, a), q > ZERO).then(set_(mt_positive(MT(q, a))).to(1))
    yield rule(MT(q, a), q < ZERO).then(set_(mt_positive(MT(q, a))).to(0))
    yield rule(ST(q, s), q > ZERO).then(set_(st_positive(ST(q, s))).to(1))
    yield rule(ST(q, s), q < ZERO).then(set_(st_positive(ST(q, s))).to(0))


def _coefficient_rules(term, body, q):
    """Printed cost of q·body beyond the body itself, by the kind of the rational q."""
    node = term(q, body)
    one = BigInt(1)
    yield rule(node, eq(abs(q)).to(BigRat(1, 1))).then(set_cost(node, 0))
    yield rule(node, ne(abs(q)).to(BigRat(1, 1)), eq(q.denom).to(one)).then(set_cost(node, 2 * UNIT))
    yield rule(node, ne(q.denom).to(one), eq(q.numer * q.numer).to(one)).then(set_cost(node, 2 * UNIT))
    yield rule(node, ne(q.denom).to(one), ne(q.numer * q.numer).to(one)).then(set_cost(node, 4 * UNIT))


@ruleset
def size_costs(
    a: Mat,
    s: Scalar,
    f: Scalar,
    q: BigRat,
    xs: MultiSet[MT],
    ys: MultiSet[ST],
    fs: MultiSet[Scalar],
    t: MT,
    u: ST,
    flags: MultiSet[i64],
    k: i64,
    j: i64,
):
    yield from _coefficient_rules(MT, a, q)
    yield from _coefficient_rules(ST, s, q)
    # sums: (n - 1) signs, and a leading minus when no term is positive
    for total, elements, index, el, positive in (
        (lin(xs), xs, mt_in, t, mt_positive),
        (slin(ys), ys, st_in, u, st_positive),
    ):
        yield rule(total, index(elements, el), positive(el) == i64(1)).then(
            set_cost(total, (elements.length() - 1) * UNIT)
        )
        yield rule(
            total,
            index(elements, el),
            positive(el) == j,
            flags == elements.map(positive),
            flags.length() == elements.length(),
            flags.not_contains(i64(1)),
        ).then(set_cost(total, elements.length() * UNIT))
    yield rule(sprod(fs)).then(set_cost(sprod(fs), (fs.length() - 1) * UNIT))
    yield rule(spow(f, k), ne(k).to(i64(-1))).then(set_cost(spow(f, k), 2 * UNIT))
    yield rule(spow(f, k), eq(k).to(i64(-1))).then(set_cost(spow(f, k), 0))
    yield rule(tr(a), rows(a) == Dim.one(), cols(a) == Dim.one()).then(set_cost(tr(a), 0))


def size_cost_schedule():
    """The sign analysis to completion, then the size costs (run after the rewriting has stopped)."""
    return seq(signs.saturate(), size_costs.saturate())
