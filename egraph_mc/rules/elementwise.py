"""Elementwise laws: Hadamard products A ∘ B, quotients A ⊘ B, powers, exp/log/sqrt and sum(A).

Their differentials live beside the operations (`ops.OPS`): d(A ∘ B) = dA ∘ B + A ∘ dB,
d exp(A) = exp(A) ∘ dA, d log(A) = dA ⊘ A, ... What is left for the laws is the read-off: dX sits
inside an entrywise product, and the Hadamard trace identity tr(A (B ∘ C)) = tr((Aᵀ ∘ B)ᵀ C) takes
it out (sum(A) = tr(1ᵀ A) first). dX is moved to the right operand, as the trace laws move it to the
right end; entrywise products distribute over sums that hold it. The rest is what a person tidies
with: x ∘ 1 = x, log(exp(A)) = A, exp(log(A)) = A (where log is defined: entries > 0).
"""

from __future__ import annotations

from egglog import BigRat, MultiSet, eq, i64, ne, rewrite, rule, union

from egraph_mc.lang import (MT, Dim, Mat, Scalar, cols, epow, esum, exp, hadamard, hasd, hdiv, lin, log,
                            mt_hadamard, rows, smul, tr)
from egraph_mc.rules._law import Family, Termwise
from egraph_mc.rules.vocabulary import example

elementwise = Family("elementwise", "ew_")
TIMES = Termwise(mt_hadamard, MT, MT, Mat)


@elementwise.law(lambda v: esum(hadamard(v.A, v.dX)), lambda v: esum(v.dX @ v.B))
def ew_sum_as_trace(s: Scalar, a: Mat, d: Dim, e: Dim):
    """sum(A) = tr(1ᵀ A), 1 the ones of A's shape, where A holds dX (the read-off's form)"""
    yield rule(eq(s).to(esum(a)), hasd(a) == i64(1), rows(a) == d, cols(a) == e).then(
        union(s).with_(tr(Mat.ones(d, e).T @ a)))


@elementwise.law(lambda v: tr(v.A.T @ hadamard(exp(v.X), v.dX)), lambda v: tr(v.Y.T @ hadamard(v.A, v.dX)))
def ew_trace_hadamard(a: Mat, b: Mat, c: Mat):
    """tr(A (B ∘ C)) = tr((Aᵀ ∘ B)ᵀ C), where C holds dX"""
    yield rewrite(tr(a @ hadamard(b, c))).to(tr(hadamard(a.T, b).T @ c), hasd(c) == i64(1))


@elementwise.law(lambda v: tr(hadamard(v.N, v.dX.T @ v.A)))
def ew_trace_bare_hadamard(s: Scalar, b: Mat, c: Mat, d: Dim):
    """tr(B ∘ C) = tr((I ∘ B)ᵀ C) for square B, C, where C holds dX"""
    yield rule(eq(s).to(tr(hadamard(b, c))), hasd(c) == i64(1), rows(b) == d).then(
        union(s).with_(tr(hadamard(Mat.eye(d), b).T @ c)))


@elementwise.law(lambda v: hadamard(v.dX, exp(v.X)), example("exp(X) * A"))
def ew_hadamard_commute(a: Mat, b: Mat):
    """A ∘ B = B ∘ A (so dX can be the right operand, and a reciprocal the right factor)"""
    yield rewrite(hadamard(a, b)).to(hadamard(b, a))


@elementwise.law(example("(3 * X) * A"), example("A * (-X)"), example("(3 * X) / A"), example("A / (2 * X)"),
                 example("1 / (2 * X)"), lifts=True)
def ew_rational_out(a: Mat, b: Mat, q: BigRat):
    """(qA) ∘ B = A ∘ (qB) = q (A ∘ B); (qA) ⊘ B = q (A ⊘ B); A ⊘ (qB) = (1/q) (A ⊘ B); (qA)⁻¹ = (1/q) A⁻¹"""
    one = lambda x: lin(MultiSet(MT(q, x)))  # noqa: E731
    yield rewrite(hadamard(one(a), b), subsume=True).to(one(hadamard(a, b)))
    yield rewrite(hadamard(a, one(b)), subsume=True).to(one(hadamard(a, b)))
    yield rewrite(hdiv(one(a), b), subsume=True).to(one(hdiv(a, b)))
    # (a zero q: no rewrite, 1/q is undefined and would stop egglog)
    yield rewrite(hdiv(a, one(b)), subsume=True).to(lin(MultiSet(MT(BigRat(1, 1) / q, hdiv(a, b)))),
                                                    ne(q).to(BigRat(0, 1)))
    yield rewrite(epow(one(a), -1), subsume=True).to(lin(MultiSet(MT(BigRat(1, 1) / q, epow(a, -1)))),
                                                     ne(q).to(BigRat(0, 1)))


@elementwise.law(example("exp(X) / exp(X)"), example("A / (A / exp(X))"))
def ew_quotients(a: Mat, b: Mat, c: Mat, x: Mat, d: Dim, e: Dim):
    """A ⊘ A = 1 (where A has no zero entry); A ⊘ (B ⊘ C) = (A ⊘ B) ∘ C"""
    yield rule(eq(x).to(hdiv(a, a)), rows(a) == d, cols(a) == e).then(union(x).with_(Mat.ones(d, e)))
    yield rewrite(hdiv(a, hdiv(b, c))).to(hadamard(hdiv(a, b), c))


@elementwise.law(lambda v: hadamard(v.A, v.sum((1, v.dX), (-2, v.X))), example("A * (lam * X)"), example("(lam * X) * A"))
def ew_hadamard_lin(a: Mat, xs: MultiSet[MT], s: Scalar, b: Mat):
    """A ∘ (Σ qᵢBᵢ) = Σ qᵢ (A ∘ Bᵢ) where the sum holds dX; A ∘ (sB) = s (A ∘ B); (sA) ∘ B = s (A ∘ B)"""
    yield rule(eq(b).to(hadamard(a, lin(xs))), hasd(lin(xs)) == i64(1)).then(union(b).with_(lin(TIMES.over(xs, a))))
    yield from TIMES.rules(lambda q, x: MT(q, hadamard(a, x)), a)
    yield rewrite(hadamard(a, smul(s, b))).to(smul(s, hadamard(a, b)))
    yield rewrite(hadamard(smul(s, a), b)).to(smul(s, hadamard(a, b)))


@elementwise.law(example("A / exp(X)"), example("X * exp(A)**-1"))
def ew_quotient_as_product(a: Mat, b: Mat):
    """A ⊘ B = A ∘ B⁻¹ (entrywise reciprocal)"""
    yield rewrite(hdiv(a, b)).to(hadamard(a, epow(b, -1)))
    yield rewrite(hadamard(a, epow(b, -1))).to(hdiv(a, b))


@elementwise.law(example("ones((m, n)) * X"), example("X * ones((m, n))"))
def ew_times_ones(a: Mat, d: Dim, e: Dim):
    """1 ∘ A = A ∘ 1 = A"""
    yield rewrite(hadamard(Mat.ones(d, e), a), subsume=True).to(a)
    yield rewrite(hadamard(a, Mat.ones(d, e)), subsume=True).to(a)


@elementwise.law(example("X**1"), example("X**0"), example("(X**2)**3"))
def ew_power(a: Mat, j: i64, k: i64, x: Mat, d: Dim, e: Dim):
    """A**1 = A, A**0 = 1, (A**j)**k = A**(jk)"""
    yield rewrite(epow(a, 1), subsume=True).to(a)
    yield rule(eq(x).to(epow(a, 0)), rows(a) == d, cols(a) == e).then(union(x).with_(Mat.ones(d, e)))
    yield rewrite(epow(epow(a, j), k)).to(epow(a, j * k))


@elementwise.law(example("exp(X) * exp(X)"), example("X * X**3"), example("X**2 * X**-3"))
def ew_powers_merge(a: Mat, j: i64, k: i64):
    """A ∘ A = A**2; A ∘ A**k = A**(k+1); A**j ∘ A**k = A**(j+k) (where the powers are defined)"""
    yield rewrite(hadamard(a, a)).to(epow(a, 2))
    yield rewrite(hadamard(a, epow(a, k))).to(epow(a, k + 1))
    yield rewrite(hadamard(epow(a, j), epow(a, k))).to(epow(a, j + k))


@elementwise.law(example("log(exp(X))"), example("exp(log(exp(X)))"))
def ew_exp_log(a: Mat):
    """log(exp(A)) = A; exp(log(A)) = A where log is defined (entries > 0)"""
    yield rewrite(log(exp(a)), subsume=True).to(a)
    yield rewrite(exp(log(a)), subsume=True).to(a)
