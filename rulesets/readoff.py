"""Read-off laws: the gradient G of a differential ds = tr(Gᵀ dX), found inside the e-graph.

grad(s) is the gradient of s with respect to dX. It is linear; factors free of dX are constants
to it; and tr(A dX) = tr((Aᵀ)ᵀ dX) gives Aᵀ.
"""

from __future__ import annotations

from egglog import BigRat, MultiSet, String, eq, i64, rewrite, rule, union

from egraph_mc.lang import MT, ST, Dim, Mat, Scalar, cols, factor_in, grad, lin, rows, shasd, slin, smul, sprod, st_grad, tr
from rulesets._law import Family

readoff = Family("readoff")


@readoff.law(lambda v: grad(v.sum((1, tr(v.A.T @ v.dX)), (-2, tr(v.A @ v.dX.T)))))
def grad_sum(xs: MultiSet[ST], q: BigRat, s: Scalar):
    """grad(Σ qᵢsᵢ) = Σ qᵢ grad(sᵢ); a term free of dX contributes nothing."""
    yield rewrite(grad(slin(xs))).to(lin(xs.map(st_grad)))
    yield rewrite(st_grad(ST(q, s)), subsume=True).to(MT(q, grad(s)), shasd(s) == i64(1))
    yield rewrite(st_grad(ST(q, s)), subsume=True).to(MT.zero(), shasd(s) == i64(0))
    yield rewrite(st_grad(ST.zero()), subsume=True).to(MT.zero())


@readoff.law(lambda v: grad(v.prod(v.lam, tr(v.A.T @ v.dX))))
def grad_product(x: Mat, xs: MultiSet[Scalar], f: Scalar, g: Scalar, i: i64, flags: MultiSet[i64]):
    """grad(c s) = c grad(s) for the one factor s that holds dX."""
    yield rule(
        eq(x).to(grad(sprod(xs))),
        factor_in(xs, f),
        shasd(f) == i64(1),
        factor_in(xs, g),
        shasd(g) == i,  # any factor's analysis arriving re-runs the rule (see analysis.py)
        flags == xs.map(shasd),
        flags.length() == xs.length(),  # `map` skips factors not analysed yet
        flags.count(i64(1)) == i64(1),
    ).then(union(x).with_(smul(sprod(xs.remove(f)), grad(f))))


@readoff.law(lambda v: grad(tr(v.A.T @ v.dX)))
def grad_trace(a: Mat, n: String):
    """grad tr(A dX) = Aᵀ"""
    yield rewrite(grad(tr(a @ Mat.dvar(n)))).to(a.T)


@readoff.law(lambda v: grad(tr(v.A @ v.dX.T)))
def grad_trace_transposed(a: Mat, n: String):
    """grad tr(A dXᵀ) = A"""
    yield rewrite(grad(tr(a @ Mat.dvar(n).T))).to(a)


@readoff.law((lambda v: grad(tr(v.dQ)), "Q"))
def grad_trace_bare(x: Mat, n: String, d: Dim):
    """grad tr(dX) = I"""
    yield rule(eq(x).to(grad(tr(Mat.dvar(n)))), rows(Mat.dvar(n)) == d).then(union(x).with_(Mat.eye(d)))


@readoff.law(lambda v: grad(slin(MultiSet[ST]())))
def grad_zero(x: Mat, n: String, d: Dim, e: Dim):
    """grad 0 = 0, of the variable's shape (the gradient's own, when no dX was ever built:
    a loss that is constant, such as tr(A) - tr(Aᵀ))"""
    yield rule(
        eq(x).to(grad(slin(MultiSet[ST]()))), rows(Mat.dvar(n)) == d, cols(Mat.dvar(n)) == e
    ).then(union(x).with_(Mat.zeros(d, e)))
    yield rule(eq(x).to(grad(slin(MultiSet[ST]()))), rows(x) == d, cols(x) == e).then(union(x).with_(Mat.zeros(d, e)))
