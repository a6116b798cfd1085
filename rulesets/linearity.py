"""Linearity laws: sums as linear combinations with exact rational coefficients, scalar multiples.

Matrix sums (`lin` of `MT`) and scalar sums (`slin` of `ST`) obey the same laws, so each law here
yields its rule for both. Coefficients combine by BigRat arithmetic, never by rewriting.
"""

from __future__ import annotations

from functools import partial

from dataclasses import dataclass
from typing import Any

from egglog import BigInt, BigRat, MultiSet, eq, i64, ne, rewrite, rule, subsume, union, var

from egraph_mc.lang import (
    MT,
    ST,
    Dim,
    Mat,
    Scalar,
    cols,
    hasd,
    lin,
    mt_in,
    mt_scale,
    rat,
    rows,
    shasd,
    slin,
    smul,
    sprod,
    st_in,
    st_scale,
    tr,
)
from rulesets._law import Family

linearity = Family("linearity")
ONE = rat(1)


@dataclass(frozen=True)
class _SumSort:
    """What a matrix sum and a scalar sum have in common."""

    value: type  # Mat or Scalar
    term: Any  # MT or ST (constructor)
    total: Any  # lin or slin
    index: Any  # mt_in or st_in
    scale: Any  # mt_scale or st_scale
    hasd: Any  # hasd or shasd

    def vars(self):
        return (
            var("s", self.value),
            var("a", self.value),
            var("b", self.value),
            var("xs", MultiSet[self.term]),
            var("ys", MultiSet[self.term]),
            var("t", self.term),
            var("u", self.term),
        )


SUMS = (
    _SumSort(Mat, MT, lin, mt_in, mt_scale, hasd),
    _SumSort(Scalar, ST, slin, st_in, st_scale, shasd),
)
p, q = var("p", BigRat), var("q", BigRat)
n = var("n", i64)


@linearity.law(lambda v: v.sum((0, v.X), (1, v.A)), lambda v: v.sum((0, v.lam), (1, v.mu)))
def sum_drop_zero():
    """A + 0 = A: zero terms (from q = 0 or dropped differentials) leave the sum."""
    for k in SUMS:
        s, a, b, xs, ys, t, u = k.vars()
        zero = k.term.zero()
        yield rule(eq(s).to(k.total(xs)), xs.contains(zero), xs.length() > i64(1)).then(
            union(s).with_(k.total(xs.remove(zero))), subsume(k.total(xs))
        )
        yield rewrite(k.term(BigRat(0, 1), a), subsume=True).to(zero)
    # A sum of nothing: the zero matrix of the e-class's shape, the scalar 0.
    x, d, e = var("x", Mat), var("d", Dim), var("e", Dim)
    yield rule(eq(x).to(lin(MultiSet(MT.zero()))), rows(x) == d, cols(x) == e).then(union(x).with_(Mat.zeros(d, e)))
    yield rewrite(slin(MultiSet(ST.zero())), subsume=True).to(slin(MultiSet[ST]()))


@linearity.law(lambda v: v.sum((1, v.A), (1, v.A), (1, v.Y)), lambda v: v.sum((1, v.lam), (1, v.lam)))
def sum_repeated_term():
    """qA + qA + ... (n times) = (nq) A"""
    for k in SUMS:
        s, a, b, xs, ys, t, u = k.vars()
        # The index says t is in the sum; its count may predate merges of elements, so the
        # multiplicity is read off the multiset itself.
        yield rule(eq(s).to(k.total(xs)), k.index(xs, t), n == xs.count(t), n > i64(1), eq(t).to(k.term(q, a))).then(
            union(s).with_(k.total((xs - MultiSet.single(t, n)).insert(k.term(q * BigRat(BigInt(n), BigInt(1)), a)))),
            subsume(k.total(xs)),
        )


@linearity.law(lambda v: v.sum((1, v.A), (2, v.A)), lambda v: v.sum((3, v.lam), (-1, v.lam)))
def sum_like_terms():
    """pA + qA = (p + q) A"""
    for k in SUMS:
        s, a, b, xs, ys, t, u = k.vars()
        yield rule(
            eq(s).to(k.total(xs)),
            k.index(xs, t),
            k.index(xs, u),
            ne(t).to(u),
            eq(t).to(k.term(p, a)),
            eq(u).to(k.term(q, a)),
        ).then(union(s).with_(k.total(xs.remove(t).remove(u).insert(k.term(p + q, a)))), subsume(k.total(xs)))


@linearity.law(
    lambda v: v.sum((1, v.A), (2, v.sum((1, v.Y), (-1, v.X)))),
    lambda v: v.sum((1, v.lam), (2, v.sum((1, v.mu), (-1, v.lam)))),
    lambda v: v.sum((1, v.A), (3, v.sum((2, v.Y),))),
)
def sum_flatten():
    """A + q(B + C) = A + qB + qC: a sum inside a sum joins it."""
    # Inside a differential (the sum holds dX) the nested form is only a step: it is subsumed,
    # or every way of nesting would be flattened again and again. Elsewhere it is kept, since
    # A + 2(B + C) may be the compact answer. q (rC) = (qr) C is never longer, so the scaled twin
    # is subsumed everywhere; a one-term inner sum 1·C is C itself (`sum_single_unit`), left alone
    # so that no sum subsumes itself.
    r = var("r", BigRat)
    for k in SUMS:
        s, a, b, xs, ys, t, u = k.vars()
        flat = k.total(xs.remove(t) + ys.map(partial(k.scale, q)))
        nested = (eq(s).to(k.total(xs)), k.index(xs, t), eq(t).to(k.term(q, b)), eq(b).to(k.total(ys)))
        yield rule(*nested, ys.length() > i64(1), k.hasd(s) == i64(1)).then(union(s).with_(flat), subsume(k.total(xs)))
        yield rule(*nested, ys.length() > i64(1), k.hasd(s) == i64(0)).then(union(s).with_(flat))
        yield rule(*nested, ys.length() == i64(1), u == ys.pick(), eq(u).to(k.term(r, a)), ne(r).to(ONE)).then(
            union(s).with_(flat), subsume(k.total(xs))
        )
        # the helper that scales each inner term by q
        yield rewrite(k.scale(q, k.term(p, a)), subsume=True).to(k.term(p * q, a))
        yield rewrite(k.scale(q, k.term.zero()), subsume=True).to(k.term.zero())


@linearity.law(lambda v: v.sum((1, v.A)), lambda v: v.sum((1, v.lam)))
def sum_single_unit():
    """A sum of the single term 1·A is A."""
    for k in SUMS:
        s, a, b, xs, ys, t, u = k.vars()
        # Subsumed: the one-term sum would sit in a's own e-class and match every sum pattern.
        yield rule(eq(s).to(k.total(xs)), xs.length() == i64(1), t == xs.pick(), eq(t).to(k.term(ONE, a))).then(
            union(s).with_(a), subsume(k.total(xs))
        )


@linearity.law(lambda v: v.sum((2, v.A), (2, v.Y), (-1, v.X)), lambda v: v.sum((-3, v.lam), (-3, v.mu)))
def sum_factor_coefficient():
    """qA + qB = q(A + B) for q ≠ ±1, in sums without dX.

    Pairwise and only for equal coefficients: factoring an arbitrary coefficient out of a whole
    sum made a new sum class for every coefficient (and for q = -1 the negated twin of every sum),
    which then multiplied through every product holding it.
    """
    for k in SUMS:
        s, a, b, xs, ys, t, u = k.vars()
        yield rule(
            eq(s).to(k.total(xs)),
            k.hasd(s) == i64(0),
            k.index(xs, t),
            k.index(xs, u),
            ne(t).to(u),
            eq(t).to(k.term(q, a)),
            eq(u).to(k.term(q, b)),
            ne(q).to(ONE),
            ne(q).to(-ONE),
        ).then(
            union(s).with_(
                k.total(xs.remove(t).remove(u).insert(k.term(q, k.total(MultiSet(k.term(ONE, a), k.term(ONE, b))))))
            )
        )


# --- scalar multiples s * A ---------------------------------------------------------------


@linearity.law(lambda v: smul(v.lam, smul(v.mu, v.A)))
def smul_smul(s: Scalar, r: Scalar, a: Mat):
    """s (r A) = (s r) A"""
    yield rewrite(smul(s, smul(r, a))).to(smul(sprod(MultiSet(s, r)), a))


@linearity.law(lambda v: smul(v.sum((2, v.lam)), v.A))
def smul_rational_out(s: Scalar, a: Mat):
    """(q s) A = q (s A): the rational coefficient stands outermost."""
    yield rewrite(smul(slin(MultiSet(ST(q, s))), a)).to(lin(MultiSet(MT(q, smul(s, a)))))


@linearity.law(lambda v: smul(Scalar.one(), v.A))
def smul_one(a: Mat):
    """1 A = A"""
    yield rewrite(smul(Scalar.one(), a), subsume=True).to(a)


@linearity.law(lambda v: v.sum((1, smul(v.lam, v.A)), (-2, smul(v.lam, v.Y))))
def smul_factor(x: Mat, s: Scalar, a: Mat, b: Mat, xs: MultiSet[MT], t: MT, u: MT):
    """p sA + q sB = s (pA + qB): a common scalar factor out of a sum (without dX)."""
    yield rule(
        eq(x).to(lin(xs)),
        hasd(x) == i64(0),
        mt_in(xs, t),
        mt_in(xs, u),
        ne(t).to(u),
        eq(t).to(MT(p, smul(s, a))),
        eq(u).to(MT(q, smul(s, b))),
    ).then(
        union(x).with_(
            lin(xs.remove(t).remove(u).insert(MT(ONE, smul(s, lin(MultiSet(MT(p, a), MT(q, b)))))))
        )
    )


@linearity.law(lambda v: smul(v.lam, v.A) @ v.B, lambda v: v.A @ smul(v.lam, v.B))
def smul_matmul_out(s: Scalar, a: Mat, b: Mat):
    """(sA) B = s (AB) = A (sB): scalars commute with products; pulled outward."""
    # Subsumed: the same size either way, and the outermost coefficient breaks the tie.
    yield rewrite(smul(s, a) @ b, subsume=True).to(smul(s, a @ b))
    yield rewrite(a @ smul(s, b), subsume=True).to(smul(s, a @ b))


@linearity.law(lambda v: v.sum((2, v.A)) @ v.B, lambda v: v.A @ v.sum((-1, v.B)))
def coefficient_matmul_out(a: Mat, b: Mat):
    """(qA) B = q (AB) = A (qB): rational coefficients commute with products; pulled outward."""
    # Subsumed: the same size either way, and the outermost coefficient breaks the tie.
    yield rewrite(lin(MultiSet(MT(q, a))) @ b, subsume=True).to(lin(MultiSet(MT(q, a @ b))))
    yield rewrite(a @ lin(MultiSet(MT(q, b))), subsume=True).to(lin(MultiSet(MT(q, a @ b))))
