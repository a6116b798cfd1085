"""Differential laws: one d-law per operation, in the spirit of JAX's per-primitive JVP rules.

d is applied only where the variable may occur (`dep` = 1) and dropped where a member proves the
term independent (`dep` = 0), so zero terms are never built. The guard on a coefficient is "does
not depend on the variable", never "contains no dX": for c = tr(R @ R.T), d(c X) != c dX.
"""

from __future__ import annotations

from functools import partial

from egglog import BigRat, MultiSet, String, i64, ne, rewrite

from egraph_mc.lang import (
    MT,
    ST,
    D,
    Mat,
    Scalar,
    dep,
    leibniz,
    lin,
    mt_D,
    norm,
    sD,
    sdep,
    slin,
    smul,
    spow,
    sprod,
    st_D,
    tr,
)
from rulesets._law import Family

differential = Family("differential")
ONE = BigRat(1, 1)


def _pair(a: Mat, b: Mat) -> Mat:
    return lin(MultiSet(MT(ONE, a), MT(ONE, b)))


@differential.law(lambda v: D(v.X))
def d_var(n: String):
    """d(X) = dX for the variable (the only leaf with dep = 1)."""
    # Subsumed: no other d-law then matches the variable's e-class. That class also holds the
    # gradients equal to X (grad ½xᵀx = x, = ½(2x) = ...), and differentiating those fed new
    # multiples of the gradient back into it without end.
    yield rewrite(D(Mat.var(n)), subsume=True).to(Mat.dvar(n), dep(Mat.var(n)) == i64(1))


@differential.law(lambda v: D(v.X @ v.X.T), lambda v: D(v.A.T @ v.X))
def d_matmul(a: Mat, b: Mat):
    """Leibniz: d(AB) = dA B + A dB, keeping only the factors that may depend on the variable."""
    yield rewrite(D(a @ b)).to(_pair(D(a) @ b, a @ D(b)), dep(a) == i64(1), dep(b) == i64(1))
    yield rewrite(D(a @ b)).to(D(a) @ b, dep(a) == i64(1), dep(b) == i64(0))
    yield rewrite(D(a @ b)).to(a @ D(b), dep(a) == i64(0), dep(b) == i64(1))


@differential.law(lambda v: D(v.X.T))
def d_transpose(a: Mat):
    """d(Aᵀ) = (dA)ᵀ"""
    yield rewrite(D(a.T)).to(D(a).T)


@differential.law(lambda v: D(smul(tr(v.X.T @ v.X), v.X)), lambda v: D(smul(v.lam, v.X)))
def d_scale(s: Scalar, a: Mat):
    """d(s A) = ds A + s dA, keeping only the factors that may depend on the variable."""
    # (1·A is A itself: differentiating that member would only make zero terms)
    one = ne(s).to(Scalar.one())
    yield rewrite(D(smul(s, a))).to(_pair(smul(sD(s), a), smul(s, D(a))), sdep(s) == i64(1), dep(a) == i64(1), one)
    yield rewrite(D(smul(s, a))).to(smul(s, D(a)), sdep(s) == i64(0), dep(a) == i64(1), one)
    yield rewrite(D(smul(s, a))).to(smul(sD(s), a), sdep(s) == i64(1), dep(a) == i64(0), one)


@differential.law(lambda v: D(v.sum((1, v.X), (2, v.Y), (-1, v.Y))))
def d_sum(xs: MultiSet[MT], q: BigRat, a: Mat):
    """d(Σ qᵢAᵢ) = Σ qᵢ dAᵢ over the terms that may depend on the variable."""
    yield rewrite(D(lin(xs))).to(lin(xs.map(mt_D)))
    yield rewrite(mt_D(MT(q, a)), subsume=True).to(MT(q, D(a)), dep(a) == i64(1))
    yield rewrite(mt_D(MT(q, a)), subsume=True).to(MT.zero(), dep(a) == i64(0))
    yield rewrite(mt_D(MT.zero()), subsume=True).to(MT.zero())


@differential.law(lambda v: sD(tr(v.A.T @ v.X)))
def d_trace(a: Mat):
    """d tr(A) = tr(dA)"""
    yield rewrite(sD(tr(a))).to(tr(D(a)))


@differential.law(lambda v: sD(norm(v.X)))
def d_norm(a: Mat):
    """d ‖A‖ = tr(Aᵀ dA) / ‖A‖"""
    yield rewrite(sD(norm(a))).to(sprod(MultiSet(tr(a.T @ D(a)), spow(norm(a), -1))))


@differential.law(lambda v: sD(v.sum((1, tr(v.X.T @ v.X)), (2, v.lam))))
def d_ssum(xs: MultiSet[ST], q: BigRat, s: Scalar):
    """d(Σ qᵢsᵢ) = Σ qᵢ dsᵢ over the terms that may depend on the variable."""
    yield rewrite(sD(slin(xs))).to(slin(xs.map(st_D)))
    yield rewrite(st_D(ST(q, s)), subsume=True).to(ST(q, sD(s)), sdep(s) == i64(1))
    yield rewrite(st_D(ST(q, s)), subsume=True).to(ST.zero(), sdep(s) == i64(0))
    yield rewrite(st_D(ST.zero()), subsume=True).to(ST.zero())


@differential.law(lambda v: sD(v.prod(v.lam, tr(v.M @ v.X @ v.X.T), tr(v.X.T @ v.X))))
def d_prod(xs: MultiSet[Scalar], f: Scalar):
    """Leibniz over a product: d(Π fᵢ) = Σᵢ dfᵢ Π_{j≠i} fⱼ over the factors that may depend."""
    yield rewrite(sD(sprod(xs))).to(slin(xs.map(partial(leibniz, xs))))
    yield rewrite(leibniz(xs, f), subsume=True).to(ST(ONE, sprod(xs.remove(f).insert(sD(f)))), sdep(f) == i64(1))
    yield rewrite(leibniz(xs, f), subsume=True).to(ST.zero(), sdep(f) == i64(0))


@differential.law(lambda v: sD(spow(tr(v.X.T @ v.X), 3)), lambda v: sD(spow(tr(v.X.T @ v.X), -1)))
def d_pow(s: Scalar, k: i64):
    """d(sᵏ) = k sᵏ⁻¹ ds"""
    yield rewrite(sD(spow(s, k))).to(
        slin(MultiSet(ST(BigRat(k, 1), sprod(MultiSet(spow(s, k - 1), sD(s)))))), sdep(s) == i64(1)
    )
