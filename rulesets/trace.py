"""Trace laws: transpose invariance, linearity, scalar multiples, the cyclic property, norms.

The trace splits over sums only where they hold dX, and rotates only to move dX rightward
(toward the read-off form tr(G @ dX)); merging traces or rotating freely multiplies sums.
"""

from __future__ import annotations

from egglog import BigRat, MultiSet, eq, i64, ne, rewrite, rule, union

from egraph_mc.lang import MT, ST, Mat, Scalar, hasd, lin, mt_tr, norm, slin, smul, spow, sprod, tr
from rulesets._law import Family

trace = Family("trace")


@trace.law(lambda v: tr((v.A @ v.B @ v.C).T))
def tr_transpose(a: Mat):
    """tr(Aᵀ) = tr(A)"""
    yield rewrite(tr(a.T)).to(tr(a))


@trace.law(lambda v: tr(v.sum((1, v.A.T @ v.dX), (2, v.A.T @ v.X))))
def tr_lin(s: Scalar, xs: MultiSet[MT], q: BigRat, a: Mat):
    """tr(Σ qᵢAᵢ) = Σ qᵢ tr(Aᵢ), where the sum holds dX."""
    yield rule(eq(s).to(tr(lin(xs))), hasd(lin(xs)) == i64(1)).then(union(s).with_(slin(xs.map(mt_tr))))
    yield rewrite(mt_tr(MT(q, a)), subsume=True).to(ST(q, tr(a)))
    yield rewrite(mt_tr(MT.zero()), subsume=True).to(ST.zero())


@trace.law(lambda v: tr(smul(v.lam, v.A.T @ v.X)))
def tr_smul(s: Scalar, a: Mat):
    """tr(sA) = s tr(A)"""
    # same size; coefficient outermost (s = 1 excepted: 1·A is A itself)
    yield rewrite(tr(smul(s, a)), subsume=True).to(sprod(MultiSet(s, tr(a))), ne(s).to(Scalar.one()))


@trace.law(lambda v: tr(v.dX @ v.A.T), lambda v: tr((v.A.T @ v.dX) @ v.N))
def tr_cyclic(a: Mat, b: Mat):
    """tr(AB) = tr(BA), applied where A holds dX (moving dX to the right end)."""
    yield rewrite(tr(a @ b)).to(tr(b @ a), hasd(a) == i64(1))


@trace.law(lambda v: spow(norm(v.A), 2))
def norm_squared(a: Mat):
    """‖A‖² = tr(AᵀA)"""
    yield rewrite(spow(norm(a), 2)).to(tr(a.T @ a))
