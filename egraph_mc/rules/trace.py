"""Trace laws: transpose invariance, linearity, scalar multiples, the cyclic property, norms.

The trace splits over sums only where they hold dX, and rotates only to move dX rightward
(toward the read-off form tr(G @ dX)); merging traces or rotating freely multiplies sums.
"""

from __future__ import annotations

from egglog import BigRat, MultiSet, eq, i64, ne, rewrite, rule, union

from egraph_mc.lang import MT, ST, Dim, Mat, Scalar, cols, hasd, lin, mt_tr, norm, rows, slin, smul, spow, sprod, tr
from egraph_mc.rules._law import Family, Termwise

trace = Family("trace", "tr_")
TRACES = Termwise(mt_tr, MT, ST, Mat)


@trace.law(lambda v: tr((v.A @ v.B @ v.C).T))
def tr_transpose(a: Mat):
    """tr(Aᵀ) = tr(A)"""
    yield rewrite(tr(a.T)).to(tr(a))


@trace.law(lambda v: tr(v.sum((1, v.A.T @ v.dX), (2, v.A.T @ v.X))), lambda v: tr(v.sum((1, v.x.T @ v.x), (-1, v.x.T @ v.x.T.T))))
def tr_lin(s: Scalar, xs: MultiSet[MT], x: Mat, d: Dim):
    """tr(Σ qᵢAᵢ) = Σ qᵢ tr(Aᵢ), where the sum holds dX or is 1x1 (a sum of scalars)."""
    yield rule(eq(s).to(tr(lin(xs))), hasd(lin(xs)) == i64(1)).then(union(s).with_(slin(TRACES.over(xs))))
    # A 1x1 sum is a sum of scalars: `(x.T @ y) + (z.T @ w)`. (Never subsumed: the trace node of
    # a sum is the trace of its whole e-class, tr(x.T @ y) among its members.)
    yield rule(eq(s).to(tr(x)), eq(x).to(lin(xs)), xs.length() > i64(1), rows(x) == Dim.one(), cols(x) == Dim.one()
               ).then(union(s).with_(slin(TRACES.over(xs))))
    yield from TRACES.rules(lambda q, a: ST(q, tr(a)))


@trace.law(lambda v: tr(v.sum((3, v.M))), lifts=True)
def tr_rational_out(a: Mat, q: BigRat):
    """tr(qA) = q tr(A) for a rational q"""
    # Not subsumed: the trace node of qA is the trace of its whole e-class (see tr_lin).
    yield rewrite(tr(lin(MultiSet(MT(q, a))))).to(slin(MultiSet(ST(q, tr(a)))), ne(q).to(BigRat(1, 1)))


@trace.law(lambda v: tr(smul(v.lam, v.A.T @ v.X)), lifts=True)
def tr_smul(s: Scalar, a: Mat):
    """tr(sA) = s tr(A)"""
    # same size; coefficient outermost (s = 1 excepted: 1·A is A itself)
    yield rewrite(tr(smul(s, a)), subsume=True).to(sprod(MultiSet(s, tr(a))), ne(s).to(Scalar.one()))


@trace.law(lambda v: tr(v.dX @ v.A.T), lambda v: tr((v.A.T @ v.dX) @ v.N))
def tr_cyclic(a: Mat, b: Mat):
    """tr(AB) = tr(BA), applied where A holds dX (moving dX to the right end)."""
    yield rewrite(tr(a @ b)).to(tr(b @ a), hasd(a) == i64(1))


@trace.law(lambda v: tr(v.A.T @ v.X), disabled="tr(AB) = tr(A) tr(B) is false: A = B = I₂ gives 2 and 4")
def tr_multiplicative(a: Mat, b: Mat):
    """tr(AB) = tr(A) tr(B): the trace is linear, not multiplicative."""
    yield rewrite(tr(a @ b)).to(sprod(MultiSet(tr(a), tr(b))))


@trace.law(lambda v: spow(norm(v.A), 2))
def tr_norm_squared(a: Mat):
    """‖A‖² = tr(AᵀA)"""
    yield rewrite(spow(norm(a), 2)).to(tr(a.T @ a))


@trace.law(lambda v: norm(v.sum((-3, v.A))), lifts=True)
def tr_norm_rational_out(a: Mat, q: BigRat):
    """‖qA‖ = |q| ‖A‖ for a rational q"""
    yield rewrite(norm(lin(MultiSet(MT(q, a)))), subsume=True).to(slin(MultiSet(ST(abs(q), norm(a)))))


@trace.law(lambda v: spow(norm(smul(v.lam, v.A)), 2), lambda v: spow(norm(smul(v.lam, v.A)), -4), lifts=True)
def tr_norm_scale_even_power(s: Scalar, a: Mat, k: i64):
    """‖sA‖ᵏ = sᵏ ‖A‖ᵏ for an even k (the sign of s no longer matters)"""
    # Subsumed: kept, ‖sA‖ differentiates into ‖sA‖⁻¹ products whose flattening never ends.
    yield rewrite(spow(norm(smul(s, a)), k), subsume=True).to(sprod(MultiSet(spow(s, k), spow(norm(a), k))),
                                                              eq(k % i64(2)).to(i64(0)))
