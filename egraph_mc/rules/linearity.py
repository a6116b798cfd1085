"""Linearity laws: sums as linear combinations with exact rational coefficients, scalar multiples.

Matrix sums (`lin` of `MT`) and scalar sums (`slin` of `ST`) obey the same laws, so each law here
yields its rule for both. Coefficients combine by BigRat arithmetic, never by rewriting.
"""

from __future__ import annotations

from fractions import Fraction
from functools import partial

from dataclasses import dataclass
from typing import Any

from egglog import BigInt, BigRat, MultiSet, String, eq, function, i64, multiset_fold, ne, rewrite, rule, set_, subsume, union, var

from egraph_mc.lang import (
    mt_body,
    st_body,
    MT,
    ST,
    Dim,
    Mat,
    Scalar,
    cols,
    diag_matrix,
    diagonal,
    hadamard,
    spow,
    hasd,
    lin_clean,
    lin_one,
    mt_is_zero,
    lin,
    mt_in,
    mt_scale,
    rat,
    rows,
    shasd,
    slin_clean,
    slin_one,
    st_is_zero,
    slin,
    smul,
    sprod,
    st_in,
    st_scale,
    tr,
)
from egraph_mc.rules._law import Collected, Family

linearity = Family("linearity", "lin_")
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
    clean: Any  # lin_clean or slin_clean
    one: Any  # lin_one or slin_one

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


@function(merge=lambda old, new: old.min(new))
def mt_magnitude(t: MT) -> BigRat:
    """|q| of a term q·A (of one of its members)."""


@function(merge=lambda old, new: old.min(new))
def st_magnitude(t: ST) -> BigRat: ...


# Nested terms of a sum, collected as a set that only grows (multi-term and one-term inner sums
# apart), and each term's expansion, kept once.
@function(merge=lambda old, new: (old + new).reset_counts())
def mt_nested(xs: MultiSet[MT]) -> MultiSet[MT]: ...


@function(merge=lambda old, new: (old + new).reset_counts())
def mt_nested_single(xs: MultiSet[MT]) -> MultiSet[MT]: ...


@function(merge=lambda old, new: (old + new).reset_counts())
def mt_nested_single_small(xs: MultiSet[MT]) -> MultiSet[MT]: ...


@function(merge=lambda old, new: old)
def mt_expansion(t: MT) -> MultiSet[MT]: ...


@function(merge=lambda old, new: old)
def mt_expansion_single(t: MT) -> MultiSet[MT]: ...


@function(merge=lambda old, new: old)
def mt_expansion_single_small(t: MT) -> MultiSet[MT]: ...


@function(merge=lambda old, new: (old + new).reset_counts())
def st_nested(xs: MultiSet[ST]) -> MultiSet[ST]: ...


@function(merge=lambda old, new: (old + new).reset_counts())
def st_nested_single(xs: MultiSet[ST]) -> MultiSet[ST]: ...


@function(merge=lambda old, new: (old + new).reset_counts())
def st_nested_single_small(xs: MultiSet[ST]) -> MultiSet[ST]: ...


@function(merge=lambda old, new: old)
def st_expansion(t: ST) -> MultiSet[ST]: ...


@function(merge=lambda old, new: old)
def st_expansion_single(t: ST) -> MultiSet[ST]: ...


@function(merge=lambda old, new: old)
def st_expansion_single_small(t: ST) -> MultiSet[ST]: ...


@function(merge=lambda old, new: old)
def mt_bodies_known(terms: MultiSet[MT]) -> i64: ...


@function(merge=lambda old, new: old)
def st_bodies_known(terms: MultiSet[ST]) -> i64: ...


NESTED = (
    (mt_nested, mt_expansion, mt_nested_single, mt_expansion_single, mt_nested_single_small, mt_expansion_single_small),
    (st_nested, st_expansion, st_nested_single, st_expansion_single, st_nested_single_small, st_expansion_single_small),
)

SUMS = (
    _SumSort(Mat, MT, lin, mt_in, mt_scale, hasd, lin_clean, lin_one),
    _SumSort(Scalar, ST, slin, st_in, st_scale, shasd, slin_clean, slin_one),
)
p, q = var("p", BigRat), var("q", BigRat)
n = var("n", i64)
ZERO_SCALAR = slin(MultiSet[ST]())


def _no_zero(k: _SumSort, s, xs):
    """The fact s = total(xs) for a sum with no zero term left (`an_clean_*` marks it)."""
    return eq(s).to(k.total(xs)), k.clean(xs) == i64(1)


@linearity.law(lambda v: v.sum((0, v.X), (1, v.A)), lambda v: v.sum((0, v.lam), (1, v.mu)),
               lambda v: v.sum((2, Mat.zeros(Dim.named("m"), Dim.named("n"))), (1, v.A)),
               lambda v: v.sum((2, ZERO_SCALAR), (1, v.lam)), lambda v: v.sum((0, v.X), (2, v.X)), lifts=True)
def lin_drop_zero():
    """A + 0 = A: zero terms (0·A, q·0, dropped differentials) leave the sum; a sum of zeros is 0.

    Zero terms are marked (`an_clean_*`), never merged into one zero term. A merge collapses every
    zero-valued term into one e-class: then a sum a law had subsumed, say {1·Z, 1·T} replaced by
    {2·Y, 1·T} with Z = 2Y, becomes one node with its replacement once Z and Y turn out zero, and the
    subsumed mark wins: the loss's e-class was left with no node to extract (the I10 loss). One
    shapeless matrix zero term also put zero matrices of different shapes in one e-class (F11).
    """
    # a zero term at a time (all its copies); the other sum laws skip sums that still hold one
    # (`_no_zero`), or they would make a copy of the sum for every count of zeros
    x, y, d, e = var("x", Mat), var("y", Scalar), var("d", Dim), var("e", Dim)
    flags = var("flags", MultiSet[i64])
    for k, is_zero in zip(SUMS, (mt_is_zero, st_is_zero), strict=True):
        s, a, b, xs, ys, t, u = k.vars()
        yield rule(eq(s).to(k.total(xs)), k.index(xs, t), is_zero(t) == i64(1), n == xs.count(t), xs.length() > n).then(
            union(s).with_(k.total(xs - MultiSet.single(t, n))), subsume(k.total(xs))
        )
    # A sum of zeros only: the zero matrix of the e-class's shape, the scalar 0 (`map` skips the
    # terms not marked; the atoms on one term's mark re-run the rule as marks arrive).
    xs, t, zts, u = var("xs", MultiSet[MT]), var("t", MT), var("zts", MultiSet[ST]), var("u", ST)
    yield rule(eq(x).to(lin(xs)), mt_in(xs, t), mt_is_zero(t) == i64(1), flags == xs.map(mt_is_zero),
               flags.length() == xs.length(), rows(x) == d, cols(x) == e).then(
        union(x).with_(Mat.zeros(d, e)), subsume(lin(xs))
    )
    yield rule(eq(y).to(slin(zts)), st_in(zts, u), st_is_zero(u) == i64(1), flags == zts.map(st_is_zero),
               flags.length() == zts.length()).then(
        union(y).with_(ZERO_SCALAR), subsume(slin(zts))
    )


@linearity.law(lambda v: v.sum((1, v.A), (1, v.A), (1, v.Y)), lambda v: v.sum((1, v.lam), (1, v.lam)), lifts=True)
def lin_repeated_term():
    """qA + qA + ... (n times) = (nq) A"""
    for k in SUMS:
        s, a, b, xs, ys, t, u = k.vars()
        # The index says t is in the sum; its count may predate merges of elements, so the
        # multiplicity is read off the multiset itself.
        yield rule(*_no_zero(k, s, xs), k.index(xs, t), n == xs.count(t), n > i64(1), eq(t).to(k.term(q, a))).then(
            union(s).with_(k.total((xs - MultiSet.single(t, n)).insert(k.term(q * BigRat(BigInt(n), BigInt(1)), a)))),
            subsume(k.total(xs)),
        )


# Like terms: the terms of a sum with one body, kept from the sum by `*_with_body` (read when
# the rule runs; it runs again as each term's fact arrives, so the last run sees them all) and kept
# as a key, never as a merged value: egglog 13.2 can panic merging multiset values in a rebuild.
# Their coefficients (`*_coef_in`) are summed in one step by egglog's multiset reduce: a fold taking
# one picked term per iteration made ~k iterations of every rule for k like terms (issue 13), and
# merging pairs made a sum for every subset of them.
@function(merge=lambda old, new: old)
def mt_with_body(a: Mat, t: MT) -> MT:
    """t itself, defined only where t's body is a: mapped over a sum, it keeps the terms in a."""


@function(merge=lambda old, new: old)
def st_with_body(a: Scalar, t: ST) -> ST: ...


@function(merge=lambda old, new: old)
def mt_like(xs: MultiSet[MT], a: Mat, group: MultiSet[MT]) -> i64: ...


@function(merge=lambda old, new: old)
def st_like(xs: MultiSet[ST], a: Scalar, group: MultiSet[ST]) -> i64: ...


@function(merge=lambda old, new: old)
def mt_coef_in(a: Mat, t: MT) -> BigRat:
    """q where t = q·a: the coefficient of t on the body a."""


@function(merge=lambda old, new: old)
def st_coef_in(a: Scalar, t: ST) -> BigRat: ...


@function(merge=lambda old, new: old)
def mt_like_total(a: Mat, group: MultiSet[MT]) -> BigRat:
    """The sum of the group's coefficients on a (keyed by a too: a term class can have two bodies)."""


@function(merge=lambda old, new: old)
def st_like_total(a: Scalar, group: MultiSet[ST]) -> BigRat: ...


LIKE = ((mt_with_body, mt_like, mt_coef_in, mt_like_total), (st_with_body, st_like, st_coef_in, st_like_total))


@linearity.law(lambda v: v.sum((1, v.A), (2, v.A)), lambda v: v.sum((3, v.lam), (-1, v.lam)),
               lambda v: v.sum((1, v.A), (2, v.A), (-5, v.A), (1, v.X)), lifts=True)
def lin_like_terms():
    """pA + qA + rA + ... = (p + q + r + ...) A: all the terms with one body at once."""
    for k, (with_body, like, coef_in, total) in zip(SUMS, LIKE, strict=True):
        s, a, b, xs, ys, t, u = k.vars()
        g, rest = var("g", MultiSet[k.term]), var("rest", MultiSet[k.term])
        yield rule(eq(u).to(k.term(p, a))).then(set_(with_body(a, u)).to(u), set_(coef_in(a, u)).to(p))
        yield rule(*_no_zero(k, s, xs), k.index(xs, t), with_body(a, t) == t).then(
            set_(like(xs, a, xs.map(partial(with_body, a)))).to(i64(1)))
        yield rule(like(xs, a, g) == i64(1), g.length() > i64(1)).then(
            set_(total(a, g)).to(multiset_fold(BigRat.__add__, BigRat(0, 1), g.map(partial(coef_in, a)))))
        yield rule(*_no_zero(k, s, xs), like(xs, a, g) == i64(1), g.length() > i64(1), total(a, g) == q, rest == xs - g).then(
            union(s).with_(k.total(rest.insert(k.term(q, a)))), subsume(k.total(xs)))


@linearity.law(
    lambda v: v.sum((1, v.A), (2, v.sum((1, v.Y), (-1, v.X)))),
    lambda v: v.sum((1, v.lam), (2, v.sum((1, v.mu), (-1, v.lam)))),
    lambda v: v.sum((1, v.A), (3, v.sum((2, v.Y),))),
    lambda v: v.sum((1, v.A), (2, v.sum((1, v.Y), (1, v.X))), (3, v.sum((1, v.Y), (-1, v.X))), (2, v.sum((3, v.Y),))),
    lambda v: v.sum((-1, v.sum((Fraction(1, 2), v.Y),)), (1, v.A)),
    lifts=True,
)
def lin_flatten():
    """A + q(B + C) = A + qB + qC: the sums inside a sum join it, all at once.

    An inner sum that mentions its own e-class is not expanded into others: x = ½x + ½x holds (the
    gradient of ½xᵀx is x), and expanding it anywhere, itself included, unfolds without end
    (x = ½x + ¼x + ¼x = ...). Whether it does is known once its terms' bodies are.
    The nested terms of a sum are collected first (`*_nested`, a set that only grows; each term's
    expansion is kept once), then flattened together: flattening one at a time made a sum for
    every subset of them. Inside a differential (the sum holds dX) the nested form is only a step
    and is subsumed; elsewhere A + 2(B + C) may be the compact answer and is kept. q (rC) = (qr) C
    is never longer, so that flattening subsumes, but only for |r| > 1: G = 2H and H = G/2 can
    both hold, and then q·G -> 2q·H -> q·G would subsume every member of the class. Along such a
    cycle the factors multiply to 1, so some |r| <= 1 and its source is kept. A one-term inner
    sum 1·C is C itself (`lin_single_unit`) and is left alone.
    """
    r = var("r", BigRat)
    for k, body, ready, (multi, expansion, single, expansion_single, small, expansion_small) in zip(
            SUMS, (mt_body, st_body), (mt_bodies_known, st_bodies_known), NESTED, strict=True):
        s, a, b, xs, ys, t, u = k.vars()
        rest, ns = var("rest", MultiSet[k.term]), var("ns", MultiSet[k.term])
        bodies, w, known = var("bodies", MultiSet[k.value]), var("w", k.term), var("known", k.value)
        yield rule(eq(u).to(k.term(p, a))).then(set_(body(u)).to(a))
        # An inner sum is ready once all its terms' bodies are known, marked once per sum (`map`
        # reads the bodies outside the query: the atom on one element's body re-runs the rule as
        # they arrive, and the length check waits for all of them).
        yield rule(k.total(ys), k.index(ys, w), body(w) == known, ys.map(body).length() == ys.length()).then(
            set_(ready(ys)).to(i64(1)))

        def inner(*size):
            return (
                *_no_zero(k, s, xs),
                k.index(xs, t),
                eq(t).to(k.term(q, b)),
                eq(b).to(k.total(ys)),
                ne(b).to(s),
                *size,
                ready(ys) == i64(1),
                k.clean(ys) == i64(1),
                bodies == ys.map(body),
                bodies.not_contains(b),
                ys.not_contains(t),
            )

        scaled = ys.map(partial(k.scale, q))
        yield rule(*inner(ys.length() > i64(1))).then(set_(multi(xs)).to(MultiSet(t)), set_(expansion(t)).to(scaled))
        one_term = (*inner(k.one(ys) == u), eq(u).to(k.term(r, a)), ne(r).to(ONE))
        yield rule(*one_term, abs(r) > ONE).then(set_(single(xs)).to(MultiSet(t)), set_(expansion_single(t)).to(scaled))
        yield rule(*one_term, abs(r) <= ONE).then(set_(small(xs)).to(MultiSet(t)), set_(expansion_small(t)).to(scaled))
        for group, expand, subsumes in (
            (multi, expansion, "where dX"),
            (single, expansion_single, "always"),
            (small, expansion_small, "never"),
        ):
            flat = k.total(rest + MultiSet.sum_multisets(ns.map(expand)))
            query = (*_no_zero(k, s, xs), group(xs) == ns, rest == xs - ns)
            if subsumes == "always":
                yield rule(*query).then(union(s).with_(flat), subsume(k.total(xs)))
            elif subsumes == "never":
                yield rule(*query).then(union(s).with_(flat))
            else:
                yield rule(*query, k.hasd(s) == i64(1)).then(union(s).with_(flat), subsume(k.total(xs)))
                yield rule(*query, k.hasd(s) == i64(0)).then(union(s).with_(flat))
        # the helper that scales each inner term by q
        yield rewrite(k.scale(q, k.term(p, a)), subsume=True).to(k.term(p * q, a))
    yield rewrite(st_scale(q, ST.zero()), subsume=True).to(ST.zero())


@linearity.law(lambda v: v.sum((1, v.A)), lambda v: v.sum((1, v.lam)), lifts=True)
def lin_single_unit():
    """A sum of the single term 1·A is A."""
    for k in SUMS:
        s, a, b, xs, ys, t, u = k.vars()
        # Subsumed: the one-term sum would sit in a's own e-class and match every sum pattern.
        yield rule(eq(s).to(k.total(xs)), k.one(xs) == t, eq(t).to(k.term(ONE, a))).then(
            union(s).with_(a), subsume(k.total(xs))
        )


@linearity.law(lambda v: v.sum((2, v.A), (-2, v.Y), (2, v.X)), lambda v: v.sum((-3, v.lam), (-3, v.mu)))
def lin_factor_coefficient():
    """qA - qB + qC = q(A - B + C) when every term's coefficient is ±q (q ≠ 1), in sums without dX.

    All terms at once: factoring subsets pairwise made a sum for every subset of the terms.
    """
    for k, magnitude in ((SUMS[0], mt_magnitude), (SUMS[1], st_magnitude)):
        s, a, b, xs, ys, t, u = k.vars()
        flags = var("flags", MultiSet[BigRat])
        yield rule(k.term(q, a)).then(set_(magnitude(k.term(q, a))).to(abs(q)))
        yield rule(
            *_no_zero(k, s, xs),
            k.hasd(s) == i64(0),
            xs.length() > i64(1),
            # no repeated term: q·a + q·a is (2q)·a (`lin_repeated_term`); factored, it would make
            # the new class a + a = 2a, whose members factor into 4a, and so on without end
            xs.reset_counts().length() == xs.length(),
            k.index(xs, t),
            magnitude(t) == p,  # any term's magnitude arriving re-runs the rule
            flags == xs.map(magnitude),
            flags.length() == xs.length(),
            flags.reset_counts().length() == i64(1),
            ne(p).to(ONE),
        ).then(union(s).with_(k.total(MultiSet(k.term(p, k.total(xs.map(partial(k.scale, ONE / p))))))))
        # the helper that divides each term by p
        yield rewrite(k.scale(q, k.term(p, a)), subsume=True).to(k.term(p * q, a))


# --- scalar multiples s * A ---------------------------------------------------------------


@linearity.law(lambda v: smul(v.lam, smul(v.mu, v.A)), lifts=True)
def lin_scale_scale(s: Scalar, r: Scalar, a: Mat):
    """s (r A) = (s r) A"""
    yield rewrite(smul(s, smul(r, a))).to(smul(sprod(MultiSet(s, r)), a))


@linearity.law(lambda v: smul(v.sum((2, v.lam)), v.A), lifts=True)
def lin_scale_rational_out(s: Scalar, a: Mat):
    """(q s) A = q (s A): the rational coefficient stands outermost."""
    yield rewrite(smul(slin(MultiSet(ST(q, s))), a)).to(lin(MultiSet(MT(q, smul(s, a)))))


@linearity.law(lambda v: smul(Scalar.one(), v.A))
def lin_scale_one(a: Mat):
    """1 A = A"""
    yield rewrite(smul(Scalar.one(), a), subsume=True).to(a)


@function(merge=lambda old, new: old)
def scalar_member(s: Scalar, t: MT) -> MT: ...


@function(merge=lambda old, new: old)
def scalar_group(xs: MultiSet[MT], s: Scalar, g: MultiSet[MT]) -> i64: ...


SCALAR_GROUP = Collected(scalar_member, scalar_group, mt_in)


@function(merge=lambda old, new: old)
def scalar_quotient(s: Scalar, t: MT) -> MT: ...


@linearity.law(
    lambda v: v.sum((1, smul(v.lam, v.A)), (-2, smul(v.lam, v.Y))),
    lambda v: v.sum((1, smul(v.lam, v.A)), (2, smul(v.lam, v.Y)), (1, smul(v.lam, v.X)), (1, v.A)),
)
def lin_scale_factor(x: Mat, s: Scalar, a: Mat, xs: MultiSet[MT], t: MT, g: MultiSet[MT], rest: MultiSet[MT]):
    """p₁sA₁ + p₂sA₂ + ... = s(p₁A₁ + p₂A₂ + ...), in sums without dX; all terms with s at once."""
    sum_without_dx = (eq(x).to(lin(xs)), lin_clean(xs) == i64(1), hasd(x) == i64(0))
    yield rule(*sum_without_dx, mt_in(xs, t), eq(t).to(MT(p, smul(s, a)))).then(
        SCALAR_GROUP.add(s, t), set_(scalar_quotient(s, t)).to(MT(p, a))
    )
    yield from SCALAR_GROUP.rules(xs, s, t)
    yield rule(*sum_without_dx, SCALAR_GROUP.holds(xs, s, g), g.length() > i64(1), rest == xs - g).then(
        union(x).with_(lin(rest.insert(MT(ONE, smul(s, lin(g.map(partial(scalar_quotient, s))))))))
    )


@linearity.law(lambda v: smul(v.lam, v.A) @ v.B, lambda v: v.A @ smul(v.lam, v.B), lifts=True)
def lin_scale_matmul_out(s: Scalar, a: Mat, b: Mat):
    """(sA) B = s (AB) = A (sB): scalars commute with products; pulled outward."""
    # Subsumed: the same size either way, and the outermost coefficient breaks the tie. Not for
    # s = 1: 1·A sits in A's own e-class, and the product node it matched would be lost.
    yield rewrite(smul(s, a) @ b, subsume=True).to(smul(s, a @ b), ne(s).to(Scalar.one()))
    yield rewrite(a @ smul(s, b), subsume=True).to(smul(s, a @ b), ne(s).to(Scalar.one()))


@linearity.law(lambda v: v.sum((2, v.A)) @ v.B, lambda v: v.A @ v.sum((-1, v.B)), lifts=True)
def lin_coefficient_matmul_out(x: Mat, a: Mat, b: Mat, xs: MultiSet[MT], t: MT):
    """(qA) B = q (AB) = A (qB): rational coefficients commute with products; pulled outward."""
    # Subsumed: the same size either way, and the outermost coefficient breaks the tie. Not for
    # q = 1: the one-term sum 1·A sits in A's own e-class (`lin_single_unit`), and subsuming the
    # product node it matched would lose that product. The one term is read from `lin_one`: the
    # pattern lin({qA}) built a one-element multiset for every term of the e-graph to join on.
    one_term = (lin_one(xs) == t, eq(t).to(MT(q, a)), ne(q).to(ONE))
    yield rule(eq(x).to(lin(xs) @ b), *one_term).then(
        union(x).with_(lin(MultiSet(MT(q, a @ b)))), subsume(lin(xs) @ b))
    yield rule(eq(x).to(b @ lin(xs)), *one_term).then(
        union(x).with_(lin(MultiSet(MT(q, b @ a)))), subsume(b @ lin(xs)))


@linearity.law(lambda v: smul(v.lam, v.sum((2, v.A))), lifts=True)
def lin_coefficient_scale_out(x: Mat, s: Scalar, a: Mat, xs: MultiSet[MT], t: MT, name: String):
    """s (qA) = q (sA) for a scalar symbol s: the rational coefficient stands outside, as outside products."""
    # Subsumed, as in `lin_coefficient_matmul_out` (and for the same reason not for q = 1). Only
    # for a symbol: with any scalar (norms, traces) it made a small loss grow without end (R1).
    yield rule(eq(x).to(smul(s, lin(xs))), eq(s).to(Scalar.var(name)), lin_one(xs) == t, eq(t).to(MT(q, a)), ne(q).to(ONE)).then(
        union(x).with_(lin(MultiSet(MT(q, smul(s, a))))), subsume(smul(s, lin(xs))))


# --- zero: absorbing in products, dropped from sums --------------------------------------------
# Zero-valued terms appear (the differential of a constant, a power a⁰ = 1 read before its merge);
# unless they collapse to the zero matrix or scalar, every sum they touch grows without end.


@linearity.law(
    lambda v: v.prod(v.lam, ZERO_SCALAR),
    lambda v: smul(ZERO_SCALAR, v.A),
    lambda v: smul(v.lam, Mat.zeros(Dim.named("m"), Dim.named("n"))),
    lambda v: Mat.zeros(Dim.named("m"), Dim.named("n")) @ v.B,
    lambda v: v.A.T @ Mat.zeros(Dim.named("m"), Dim.named("n")),
    lambda v: tr(Mat.zeros(Dim.named("n"), Dim.named("n"))),
    lambda v: spow(ZERO_SCALAR, 2),
    lambda v: hadamard(v.A, Mat.zeros(Dim.named("m"), Dim.named("n"))),
    lambda v: diagonal(Mat.zeros(Dim.named("n"), Dim.named("n"))),
    lambda v: diag_matrix(Mat.zeros(Dim.named("n"), Dim.one())),
    lifts=True,
)
def lin_zero_absorbs(x: Mat, a: Mat, b: Mat, s: Scalar, q: BigRat, d: Dim, e: Dim, f: Dim, k: i64, fs: MultiSet[Scalar]):
    """0·s = 0, 0·A = 0, s·0 = 0, 0 @ B = 0, A @ 0 = 0, tr(0) = 0, 0ᵏ = 0 (k > 0), A ∘ 0 = 0,
    diag(0) = 0 (both ways). (Zero terms leave sums by `lin_drop_zero`.)"""
    zero = Mat.zeros(d, e)
    yield rule(eq(s).to(sprod(fs)), fs.contains(ZERO_SCALAR)).then(union(s).with_(ZERO_SCALAR), subsume(sprod(fs)))
    yield rule(eq(x).to(smul(ZERO_SCALAR, a)), rows(a) == d, cols(a) == e).then(
        union(x).with_(zero), subsume(smul(ZERO_SCALAR, a))
    )
    yield rewrite(smul(s, zero), subsume=True).to(zero)
    yield rule(eq(x).to(zero @ b), cols(b) == f).then(union(x).with_(Mat.zeros(d, f)), subsume(zero @ b))
    yield rule(eq(x).to(a @ zero), rows(a) == f).then(union(x).with_(Mat.zeros(f, e)), subsume(a @ zero))
    yield rewrite(tr(zero), subsume=True).to(ZERO_SCALAR)
    yield rewrite(spow(ZERO_SCALAR, k), subsume=True).to(ZERO_SCALAR, k > i64(0))
    yield rewrite(hadamard(a, zero), subsume=True).to(zero)
    yield rewrite(diagonal(Mat.zeros(d, d)), subsume=True).to(Mat.zeros(d, Dim.one()))
    yield rewrite(diag_matrix(Mat.zeros(d, Dim.one())), subsume=True).to(Mat.zeros(d, d))
