"""Read-off laws: the gradient G of a differential ds = tr(Gᵀ dX), found inside the e-graph.

grad(s) is the gradient of s with respect to dX. It is linear; factors free of dX are constants
to it; and tr(A dX) = tr((Aᵀ)ᵀ dX) gives Aᵀ.
"""

from __future__ import annotations

from egglog import MultiSet, String, eq, i64, rewrite, rule, union

from egraph_mc.lang import MT, ST, Dim, Mat, Scalar, cols, factor_in, grad, lin, rat, rows, shasd, slin, smul, sprod, st_grad, tr
from egraph_mc.rules._law import Family, Termwise

readoff = Family("readoff", "grad_")
GRADIENTS = Termwise(st_grad, ST, MT, Scalar)


@readoff.law(lambda v: grad(v.sum((1, tr(v.A.T @ v.dX)), (-2, tr(v.A @ v.dX.T)))))
def grad_sum(xs: MultiSet[ST], n: String, d: Dim, e: Dim):
    """grad(Σ qᵢsᵢ) = Σ qᵢ grad(sᵢ); a term free of dX contributes nothing (zero of dX's shape)."""
    yield rewrite(grad(slin(xs))).to(lin(GRADIENTS.over(xs)))
    dx = Mat.dvar(n)
    yield from GRADIENTS.rules(lambda q, s: MT(q, grad(s)), when=lambda s: (shasd(s) == i64(1),),
                               zero_when=lambda s: (shasd(s) == i64(0),),
                               zero=lambda s: ((rows(dx) == d, cols(dx) == e), MT(rat(1), Mat.zeros(d, e))))


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


@readoff.law((lambda v: grad(tr(v.A.T @ v.dS)), "S"),
             disabled="for a symmetric S, dS = dSᵀ merges A with Aᵀ: tr(A dS) = tr(Aᵀ dS), both read off as "
                      "the gradient, and A = [[0, 1], [0, 0]] ≠ Aᵀ (finding F1)")
def grad_symmetric_direction(x: Mat, a: Mat, n: String):
    """grad tr(A dS) = Aᵀ = A for a symmetric S (dS = dSᵀ): unsound, the gradient along symmetric
    directions is only defined up to an antisymmetric part, and the two read-offs merge A with Aᵀ."""
    yield rewrite(grad(tr(a @ Mat.dvar(n)))).to(a.T)
    yield rewrite(grad(tr(a @ Mat.dvar(n)))).to(a)
