"""Inverse and determinant laws: inv(A), det(A) and logdet(A) = log|det A| of a square A.

The differentials themselves live beside the operations (`ops.OPS`): d inv(A) = -A⁻¹ dA A⁻¹,
d det A = det A tr(A⁻¹ dA), d logdet A = tr(A⁻¹ dA). The laws here are the ones a person uses to
tidy what those produce: transposes pass through an inverse (so the inverse of a symmetric matrix
is seen to be symmetric, and the read-off's A⁻ᵀ meets A⁻¹), a matrix times its inverse is I, and
the determinants do not see a transpose.
"""

from __future__ import annotations

from egglog import MultiSet, birewrite, eq, rewrite, rule, subsume, union

from egraph_mc.lang import ST, Dim, Mat, Scalar, det, inv, logdet, rat, rows, slin, smul, spow
from egraph_mc.rules._law import Family
from egraph_mc.rules.vocabulary import example

inverse = Family("inverse", "inv_")


@inverse.law(example("inv(S @ S + X.T @ X).T"), example("inv(S).T"), example("inv((S @ S + X.T @ X).T)"))
def inv_transpose(a: Mat):
    """(A⁻¹)ᵀ = (Aᵀ)⁻¹"""
    yield birewrite(inv(a).T).to(inv(a.T))


@inverse.law(example("inv(M) @ M"), example("N @ inv(N)"), example("inv(S @ S + X.T @ X) @ (S @ S + X.T @ X)"))
def inv_cancel(a: Mat, x: Mat, d: Dim):
    """A⁻¹A = AA⁻¹ = I"""
    # The product is subsumed: kept in the class of I, reassociation never meets it again (left
    # to match, A = A X X⁻¹ = A X X⁻¹ X X⁻¹ ... grows without end).
    yield rule(eq(x).to(inv(a) @ a), rows(a) == d).then(union(x).with_(Mat.eye(d)), subsume(inv(a) @ a))
    yield rule(eq(x).to(a @ inv(a)), rows(a) == d).then(union(x).with_(Mat.eye(d)), subsume(a @ inv(a)))


@inverse.law(example("inv(inv(S @ S + X.T @ X))"))
def inv_involution(a: Mat):
    """(A⁻¹)⁻¹ = A"""
    yield rewrite(inv(inv(a)), subsume=True).to(a)


@inverse.law(example("inv(lam * (S @ S + X.T @ X))"))
def inv_scale(s: Scalar, a: Mat):
    """(sA)⁻¹ = s⁻¹A⁻¹"""
    yield rewrite(inv(smul(s, a))).to(smul(spow(s, -1), inv(a)))


@inverse.law(example("det((S @ S + X.T @ X).T)"), example("logdet((S @ S + X.T @ X).T)"))
def inv_det_transpose(a: Mat):
    """det Aᵀ = det A; log|det Aᵀ| = log|det A|"""
    yield rewrite(det(a.T)).to(det(a))
    yield rewrite(logdet(a.T)).to(logdet(a))


@inverse.law(example("det(inv(S @ S + X.T @ X))"), example("logdet(inv(S @ S + X.T @ X))"))
def inv_det_of_inverse(a: Mat):
    """det A⁻¹ = (det A)⁻¹; log|det A⁻¹| = -log|det A|"""
    yield rewrite(det(inv(a))).to(spow(det(a), -1))
    yield rewrite(logdet(inv(a))).to(slin(MultiSet(ST(rat(-1), logdet(a)))))
