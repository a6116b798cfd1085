"""Product laws: associativity, distribution over sums that hold dX, factoring of common factors.

Distribution is one-way and only where the sum holds dX (the differential must be expanded to be
read off); factoring is one-way and only where it does not, so the two never undo each other and
the gradient's sums stay factored. A flops model's pick is then given a second, cost-directed pass
(`expanding`) where products distribute everywhere: (X - UVᵀ)V and XV - U(VᵀV) meet in one
e-class and the model weighs them.
"""

from __future__ import annotations

from functools import partial

from egglog import BigRat, MultiSet, birewrite, eq, function, i64, rewrite, rule, set_, union, var

from egraph_mc.lang import MT, Dim, Mat, expanding, hasd, lin, lin_clean, mt_in, mt_lmul, mt_rmul, rat
from egraph_mc.rules._law import Collected, Family, Termwise

products = Family("products", "mm_")
LEFT = Termwise(mt_lmul, MT, MT, Mat)
RIGHT = Termwise(mt_rmul, MT, MT, Mat)
ONE = rat(1)
p, q = var("p", BigRat), var("q", BigRat)


@products.law(lambda v: (v.A @ v.B) @ v.C)
def mm_assoc(a: Mat, b: Mat, c: Mat):
    """(AB)C = A(BC)"""
    yield birewrite((a @ b) @ c).to(a @ (b @ c))


@products.law(lambda v: v.A.T @ v.sum((1, v.dX), (1, v.A)), lambda v: v.A.T @ v.sum((1, v.X), (-2, v.A)))
def mm_distribute_left(x: Mat, a: Mat, b: Mat, xs: MultiSet[MT]):
    """A (Σ qᵢBᵢ) = Σ qᵢ ABᵢ, where the sum holds dX, or anywhere in the cost-directed pass."""
    yield rule(eq(x).to(a @ lin(xs)), hasd(lin(xs)) == i64(1)).then(union(x).with_(lin(LEFT.over(xs, a))))
    yield rule(eq(x).to(a @ lin(xs)), expanding() == i64(1)).then(union(x).with_(lin(LEFT.over(xs, a))))
    yield from LEFT.rules(lambda q, b: MT(q, a @ b), a)


@products.law(lambda v: v.sum((1, v.dX), (-1, v.A)) @ v.B, lambda v: v.sum((1, v.X), (3, v.A)) @ v.B)
def mm_distribute_right(x: Mat, a: Mat, b: Mat, xs: MultiSet[MT]):
    """(Σ qᵢAᵢ) B = Σ qᵢ AᵢB, where the sum holds dX, or anywhere in the cost-directed pass."""
    yield rule(eq(x).to(lin(xs) @ b), hasd(lin(xs)) == i64(1)).then(union(x).with_(lin(RIGHT.over(xs, b))))
    yield rule(eq(x).to(lin(xs) @ b), expanding() == i64(1)).then(union(x).with_(lin(RIGHT.over(xs, b))))
    yield from RIGHT.rules(lambda q, a: MT(q, a @ b), b)


# The terms of a sum that share a left (right) factor a, collected as a set that only grows
# (`Collected`), and each term's quotient by a, kept once (so a term split two ways is counted once).
@function(merge=lambda old, new: old)
def left_member(a: Mat, t: MT) -> MT: ...


@function(merge=lambda old, new: old)
def left_group(xs: MultiSet[MT], a: Mat, g: MultiSet[MT]) -> i64: ...


@function(merge=lambda old, new: old)
def left_quotient(a: Mat, t: MT) -> MT: ...


@function(merge=lambda old, new: old)
def right_member(a: Mat, t: MT) -> MT: ...


@function(merge=lambda old, new: old)
def right_group(xs: MultiSet[MT], a: Mat, g: MultiSet[MT]) -> i64: ...


@function(merge=lambda old, new: old)
def right_quotient(a: Mat, t: MT) -> MT: ...


LEFT_GROUP = Collected(left_member, left_group, mt_in)
RIGHT_GROUP = Collected(right_member, right_group, mt_in)


def _factor(x, xs, t, a, b, g, rest, term, group, quotient, factored):
    """Collect the terms with the factor, then factor all the collected ones out at once (factoring
    pairs made a sum for every subset of the terms)."""
    sum_without_dx = (eq(x).to(lin(xs)), lin_clean(xs) == i64(1), hasd(x) == i64(0))
    yield rule(*sum_without_dx, mt_in(xs, t), eq(t).to(term)).then(group.add(a, t), set_(quotient(a, t)).to(MT(p, b)))
    yield from group.rules(xs, a, t)
    yield rule(*sum_without_dx, group.holds(xs, a, g), g.length() > i64(1), rest == xs - g).then(
        union(x).with_(lin(rest.insert(MT(ONE, factored(lin(g.map(partial(quotient, a))))))))
    )


@products.law(
    lambda v: v.sum((1, v.A @ v.B), (-2, v.A @ (v.N @ v.B))),
    lambda v: v.sum((1, v.A @ v.B), (2, v.A @ (v.N @ v.B)), (3, v.A @ v.Q @ v.B), (1, v.M @ v.A @ v.B)),
)
def mm_factor_left(x: Mat, a: Mat, b: Mat, xs: MultiSet[MT], t: MT, g: MultiSet[MT], rest: MultiSet[MT]):
    """p₁AB₁ + p₂AB₂ + ... = A(p₁B₁ + p₂B₂ + ...), in sums without dX."""
    yield from _factor(x, xs, t, a, b, g, rest, MT(p, a @ b), LEFT_GROUP, left_quotient, lambda inner: a @ inner)


@products.law(
    lambda v: v.sum((1, v.B.T @ v.A.T), (1, (v.N @ v.B).T @ v.A.T)),
    lambda v: v.sum((1, v.A.T @ v.X), (1, v.A.T @ v.A @ v.N), (-1, v.A.T @ v.Y)),
)
def mm_factor_right(x: Mat, a: Mat, b: Mat, xs: MultiSet[MT], t: MT, g: MultiSet[MT], rest: MultiSet[MT]):
    """p₁B₁A + p₂B₂A + ... = (p₁B₁ + p₂B₂ + ...)A, in sums without dX."""
    yield from _factor(x, xs, t, a, b, g, rest, MT(p, b @ a), RIGHT_GROUP, right_quotient, lambda inner: inner @ a)


@products.law(lambda v: Mat.eye(Dim.named("m")) @ v.A, lambda v: v.A @ Mat.eye(Dim.named("n")))
def mm_identity(a: Mat, d: Dim):
    """I A = A = A I"""
    # Subsumed: A is in the same e-class, shorter, and I A would be reassociated with the rest.
    yield rewrite(Mat.eye(d) @ a, subsume=True).to(a)
    yield rewrite(a @ Mat.eye(d), subsume=True).to(a)
