"""Scalar product laws: flattening, powers as counts, inverses, rational coefficients outermost.

Products of scalars are MultiSets of factors, so they are associative and commutative by
construction; repeated factors become integer powers spow(s, k).
"""

from __future__ import annotations

from egglog import BigInt, BigRat, MultiSet, eq, i64, ne, rewrite, rule, subsume, union, var

from egraph_mc.lang import ST, Scalar, factor_in, rat, slin, spow, sprod, tr
from egraph_mc.rules._law import Family

scalars = Family("scalars", "sc_")
ONE = rat(1)
s, f, g, base = var("s", Scalar), var("f", Scalar), var("g", Scalar), var("base", Scalar)
xs, ys = var("xs", MultiSet[Scalar]), var("ys", MultiSet[Scalar])
j, k, n = var("j", i64), var("k", i64), var("n", i64)
q = var("q", BigRat)


@scalars.law(lambda v: v.prod(v.lam, v.prod(v.mu, tr(v.M))))
def sc_prod_flatten():
    """a (b c) = a b c: a product inside a product joins it."""
    # The nested form prints no shorter, and kept it would be flattened again through every e-class
    # that holds a product equal to itself (a = a·a·a⁻¹), so it is subsumed.
    # (a one-factor product is its factor, `sc_prod_trivial`: flattening by it would be the same node)
    # (not a product into its own e-class, nor one holding its own class: a = a·b·b⁻¹ holds, and
    # expanding it inside itself unfolds without end, as for sums in `lin_flatten`)
    yield rule(eq(s).to(sprod(xs)), factor_in(xs, f), eq(f).to(sprod(ys)), ys.length() > i64(1), ne(f).to(s),
               ys.not_contains(f), ys.not_contains(s)).then(
        union(s).with_(sprod(xs.remove(f) + ys)), subsume(sprod(xs))
    )


@scalars.law(lambda v: v.prod(v.lam), lambda v: v.prod())
def sc_prod_trivial():
    """A product of one factor is that factor; of none, 1."""
    yield rule(eq(s).to(sprod(xs)), xs.length() == i64(1), f == xs.pick()).then(union(s).with_(f), subsume(sprod(xs)))
    yield rule(eq(s).to(sprod(xs)), xs.length() == i64(0)).then(union(s).with_(Scalar.one()), subsume(sprod(xs)))


@scalars.law(lambda v: v.prod(v.lam, Scalar.one()))
def sc_prod_one():
    """1 a = a"""
    yield rule(eq(s).to(sprod(xs)), xs.contains(Scalar.one())).then(
        union(s).with_(sprod(xs.remove(Scalar.one()))), subsume(sprod(xs))
    )


@scalars.law(lambda v: v.prod(v.lam, v.lam, v.mu))
def sc_prod_repeated_factor():
    """a a ... (n times) = aⁿ"""
    # (the index's count may predate merges of factors: the multiset itself is counted)
    yield rule(eq(s).to(sprod(xs)), factor_in(xs, f), n == xs.count(f), n > i64(1)).then(
        union(s).with_(sprod((xs - MultiSet.single(f, n)).insert(spow(f, n)))), subsume(sprod(xs))
    )


@scalars.law(lambda v: v.prod(spow(v.lam, 2), spow(v.lam, 3)), lambda v: v.prod(spow(v.lam, 2), spow(v.lam, -1)))
def sc_prod_powers_merge():
    """aʲ aᵏ = aʲ⁺ᵏ (a plain factor a matches as a¹, which `sc_pow_trivial` leaves in its e-class)"""
    yield rule(
        eq(s).to(sprod(xs)),
        factor_in(xs, f),
        factor_in(xs, g),
        ne(f).to(g),
        eq(f).to(spow(base, j)),
        eq(g).to(spow(base, k)),
    ).then(union(s).with_(sprod(xs.remove(f).remove(g).insert(spow(base, j + k)))), subsume(sprod(xs)))


@scalars.law(lambda v: v.prod(v.lam, spow(v.lam, -1), v.mu), lambda v: v.prod(tr(v.M), spow(tr(v.M), 2)))
def sc_prod_base_and_power():
    """a aᵏ = aᵏ⁺¹: a plain factor beside a power of itself (d log(det A) = det A · (det A)⁻¹ · ...)"""
    # `sc_prod_powers_merge` sees a plain a only as a¹, and a¹ is built only where a power of a is
    # written: a factor met plain, as det A in the differential of log(det A), needs this law.
    # (not a¹ = a itself, which shares a's e-class: removing a factor twice fails in egglog)
    yield rule(eq(s).to(sprod(xs)), factor_in(xs, f), factor_in(xs, g), ne(f).to(g), eq(g).to(spow(f, k))).then(
        union(s).with_(sprod(xs.remove(f).remove(g).insert(spow(f, k + 1)))), subsume(sprod(xs))
    )


@scalars.law(
    lambda v: spow(v.lam, 1),
    lambda v: spow(v.lam, 0),
    lambda v: spow(Scalar.one(), 3),
    lambda v: spow(spow(v.lam, 2), 3),
)
def sc_pow_trivial():
    """a¹ = a, a⁰ = 1, 1ᵏ = 1, (aʲ)ᵏ = aʲᵏ"""
    yield rewrite(spow(f, 1)).to(f)  # not subsumed: a¹ lets `sc_prod_powers_merge` see a plain a
    # Subsumed: 1 = a⁰ = 1ᵏ would otherwise feed (aʲ)ᵏ = aʲᵏ exponents without end.
    yield rewrite(spow(f, 0), subsume=True).to(Scalar.one())
    yield rewrite(spow(Scalar.one(), k), subsume=True).to(Scalar.one())
    yield rewrite(spow(spow(f, j), k)).to(spow(f, j * k), ne(j).to(i64(1)), ne(k).to(i64(1)))


@scalars.law(lambda v: v.prod(v.sum((2, v.lam)), v.mu))
def sc_prod_rational_out():
    """(q a) b = q (a b): the rational coefficient of a factor stands outermost."""
    yield rule(eq(s).to(sprod(xs)), factor_in(xs, f), eq(f).to(slin(MultiSet(ST(q, g))))).then(
        union(s).with_(slin(MultiSet(ST(q, sprod(xs.remove(f).insert(g))))))
    )


@scalars.law(lambda v: spow(v.sum((2, v.lam)), 2))
def sc_pow_rational_out():
    """(q a)ᵏ = qᵏ aᵏ"""
    # Subsumed: kept, a power of a base of two forms (‖2M‖ and 2‖M‖) is differentiated in both, and
    # the products of the two multiply without end.
    yield rule(eq(s).to(spow(slin(MultiSet(ST(q, g))), k))).then(
        union(s).with_(slin(MultiSet(ST(q ** BigRat(BigInt(k), BigInt(1)), spow(g, k))))),
        subsume(spow(slin(MultiSet(ST(q, g))), k)),
    )
