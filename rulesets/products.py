"""Product laws: associativity, distribution over sums that hold dX, factoring of common factors.

Distribution is one-way and only where the sum holds dX (the differential must be expanded to be
read off); factoring is one-way and only where it does not, so the two never undo each other and
the gradient's sums stay factored.
"""

from __future__ import annotations

from functools import partial

from egglog import BigRat, MultiSet, birewrite, eq, i64, ne, rewrite, rule, union, var

from egraph_mc.lang import MT, D, Mat, hasd, lin, mt_in, mt_lmul, mt_rmul, rat
from rulesets._law import Family

products = Family("products")
ONE = rat(1)
p, q = var("p", BigRat), var("q", BigRat)


@products.law(lambda v: (v.A @ v.B) @ v.C)
def matmul_assoc(a: Mat, b: Mat, c: Mat):
    """(AB)C = A(BC)"""
    yield birewrite((a @ b) @ c).to(a @ (b @ c))


@products.law(lambda v: v.A.T @ v.sum((1, v.dX), (1, v.A)))
def distribute_left(x: Mat, a: Mat, b: Mat, xs: MultiSet[MT]):
    """A (Σ qᵢBᵢ) = Σ qᵢ ABᵢ, where the sum holds dX."""
    yield rule(eq(x).to(a @ lin(xs)), hasd(lin(xs)) == i64(1)).then(
        union(x).with_(lin(xs.map(partial(mt_lmul, a))))
    )
    yield rewrite(mt_lmul(a, MT(q, b)), subsume=True).to(MT(q, a @ b))
    yield rewrite(mt_lmul(a, MT.zero()), subsume=True).to(MT.zero())


@products.law(lambda v: v.sum((1, v.dX), (-1, v.A)) @ v.B)
def distribute_right(x: Mat, a: Mat, b: Mat, xs: MultiSet[MT]):
    """(Σ qᵢAᵢ) B = Σ qᵢ AᵢB, where the sum holds dX."""
    yield rule(eq(x).to(lin(xs) @ b), hasd(lin(xs)) == i64(1)).then(
        union(x).with_(lin(xs.map(partial(mt_rmul, b))))
    )
    yield rewrite(mt_rmul(b, MT(q, a)), subsume=True).to(MT(q, a @ b))
    yield rewrite(mt_rmul(b, MT.zero()), subsume=True).to(MT.zero())


@products.law(lambda v: v.sum((1, v.A @ v.B), (-2, v.A @ (v.N @ v.B))))
def factor_left(x: Mat, a: Mat, b: Mat, c: Mat, xs: MultiSet[MT], t: MT, u: MT):
    """pAB + qAC = A(pB + qC), in sums without dX."""
    yield rule(
        eq(x).to(lin(xs)),
        xs.not_contains(MT.zero()),
        hasd(x) == i64(0),
        mt_in(xs, t),
        mt_in(xs, u),
        ne(t).to(u),
        eq(t).to(MT(p, a @ b)),
        eq(u).to(MT(q, a @ c)),
    ).then(union(x).with_(lin(xs.remove(t).remove(u).insert(MT(ONE, a @ lin(MultiSet(MT(p, b), MT(q, c))))))))


@products.law(lambda v: v.sum((1, v.B.T @ v.A.T), (1, (v.N @ v.B).T @ v.A.T)))
def factor_right(x: Mat, a: Mat, b: Mat, c: Mat, xs: MultiSet[MT], t: MT, u: MT):
    """pBA + qCA = (pB + qC)A, in sums without dX."""
    yield rule(
        eq(x).to(lin(xs)),
        xs.not_contains(MT.zero()),
        hasd(x) == i64(0),
        mt_in(xs, t),
        mt_in(xs, u),
        ne(t).to(u),
        eq(t).to(MT(p, b @ a)),
        eq(u).to(MT(q, c @ a)),
    ).then(union(x).with_(lin(xs.remove(t).remove(u).insert(MT(ONE, lin(MultiSet(MT(p, b), MT(q, c))) @ a)))))
