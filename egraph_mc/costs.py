"""Cost tables set inside egglog (Rust-side extraction): printed size, and FLOPs at given dims.

Size, in `UNIT`s per token.
Most constructors carry their printed cost as a constant (`lang.py`); the ones whose printed form
depends on their arguments get it here, by rules run once the rewriting has stopped:
- a term q·A of a sum prints `A`, `2 * A`, `A / 2` or `3/2 * A` (the sign joins the `+`/`-`);
- a sum of n terms prints n - 1 signs, plus a leading `-` when no term is positive;
- a product of n scalar factors prints n - 1 operators; a power s**k two more tokens, a divisor
  s**-1 none (`a / s`);
- the trace of a 1x1 product prints bare (`(x.T @ x)`).
Each rule sets one node's cost once; the sign analysis is run to completion first, so no cost is
ever set twice.

FLOPs, in `FLOP` units per floating-point operation plus one unit per printed token as the tie
break: every term node gets its cost set from the shapes (`rows`/`cols`) and the dims' sizes
(`dim_size`, seeded per extraction). An (a x b) @ (b x c) product costs 2abc, an elementwise sum or
scaling of an a x b matrix ab per pass, a trace of n x n n, a transpose nothing.
"""

from __future__ import annotations

from egglog import BigInt, BigRat, MultiSet, String, eq, function, i64, ne, rule, ruleset, seq, set_, set_cost

from egraph_mc.lang import MT, NEVER, ST, UNIT, Dim, Mat, Scalar, cols, lin, mt_in, norm, rows, slin, smul, spow, sprod, st_in, tr


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
    yield rule(sprod(fs), fs.length() > i64(0)).then(set_cost(sprod(fs), (fs.length() - 1) * UNIT))
    yield _empty_matrix_sum(xs)
    yield rule(spow(f, k), ne(k).to(i64(-1))).then(set_cost(spow(f, k), 2 * UNIT))
    yield rule(spow(f, k), eq(k).to(i64(-1))).then(set_cost(spow(f, k), 0))
    yield rule(tr(a), rows(a) == Dim.one(), cols(a) == Dim.one()).then(set_cost(tr(a), 0))


def _empty_matrix_sum(xs):
    """A matrix sum of no terms does not print (its shape is not in the node): zeros((m, n)) does."""
    return rule(lin(xs), xs.length() == i64(0)).then(set_cost(lin(xs), NEVER))


def size_cost_schedule():
    """The sign analysis to completion, then the size costs (run after the rewriting has stopped)."""
    return seq(signs.saturate(), size_costs.saturate())


# --- FLOPs -----------------------------------------------------------------------------------

FLOP = 1000  # cost units per floating-point operation; the printed tokens (1 each) break ties


@function
def dim_size(d: Dim) -> i64: ...


@ruleset
def flops_costs(
    x: Mat,
    a: Mat,
    b: Mat,
    s: Scalar,
    f: Scalar,
    q: BigRat,
    n: String,
    xs: MultiSet[MT],
    ys: MultiSet[ST],
    fs: MultiSet[Scalar],
    d1: Dim,
    d2: Dim,
    d3: Dim,
    i: i64,
    j: i64,
    k: i64,
):
    def shape(m, di, dj, si, sj):
        return (rows(m) == di, cols(m) == dj, dim_size(di) == si, dim_size(dj) == sj)

    yield rule(eq(x).to(a @ b), *shape(a, d1, d2, i, j), cols(b) == d3, dim_size(d3) == k).then(
        set_cost(a @ b, 2 * i * j * k * FLOP + 1)
    )
    yield rule(a.T).then(set_cost(a.T, 1))
    yield rule(eq(x).to(lin(xs)), xs.length() > i64(0), *shape(x, d1, d2, i, j)).then(
        set_cost(lin(xs), (xs.length() - 1) * (i * j * FLOP + 1))
    )
    yield _empty_matrix_sum(xs)
    # a coefficient other than ±1 is one more pass over the term
    yield rule(MT(q, a), *shape(a, d1, d2, i, j), eq(abs(q)).to(BigRat(1, 1))).then(set_cost(MT(q, a), 0))
    yield rule(MT(q, a), *shape(a, d1, d2, i, j), ne(abs(q)).to(BigRat(1, 1))).then(set_cost(MT(q, a), i * j * FLOP + 2))
    yield rule(eq(x).to(smul(s, a)), *shape(a, d1, d2, i, j)).then(set_cost(smul(s, a), i * j * FLOP + 1))
    yield rule(tr(a), rows(a) == d1, dim_size(d1) == i).then(set_cost(tr(a), i * FLOP + 1))
    yield rule(norm(a), *shape(a, d1, d2, i, j)).then(set_cost(norm(a), 2 * i * j * FLOP + 1))
    # scalar arithmetic: one operation each
    yield rule(slin(ys), ys.length() > i64(0)).then(set_cost(slin(ys), (ys.length() - 1) * (FLOP + 1)))
    yield rule(ST(q, s), eq(abs(q)).to(BigRat(1, 1))).then(set_cost(ST(q, s), 0))
    yield rule(ST(q, s), ne(abs(q)).to(BigRat(1, 1))).then(set_cost(ST(q, s), FLOP + 2))
    yield rule(sprod(fs), fs.length() > i64(0)).then(set_cost(sprod(fs), (fs.length() - 1) * (FLOP + 1)))
    yield rule(spow(f, k)).then(set_cost(spow(f, k), FLOP + 2))
    # leaves: their printed tokens only
    yield rule(Mat.var(n)).then(set_cost(Mat.var(n), 1))
    yield rule(Scalar.var(n)).then(set_cost(Scalar.var(n), 1))
    yield rule(Mat.eye(d1)).then(set_cost(Mat.eye(d1), 1))
    yield rule(Mat.zeros(d1, d2)).then(set_cost(Mat.zeros(d1, d2), 1))
    yield rule(Scalar.one()).then(set_cost(Scalar.one(), 1))
    yield rule(Dim.named(n)).then(set_cost(Dim.named(n), 1))
    yield rule(Dim.one()).then(set_cost(Dim.one(), 1))


def flops_cost_schedule():
    return flops_costs.saturate()
