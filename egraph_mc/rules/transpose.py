"""Transpose laws: involution, over products both ways, over sums and scalar multiples, symmetry.

Transposes move both ways through products: pushed to the leaves they expose the variable to the
read-off; pulled up they give the compact ((J + R) @ A).T. Involution bounds the pair.
"""

from __future__ import annotations

from egglog import BigRat, MultiSet, birewrite, i64, ne, rewrite

from egraph_mc.lang import MT, Dim, Mat, Scalar, is_sym, lin, mt_T, smul
from egraph_mc.rules._law import Family, Termwise

transpose = Family("transpose", "t_")
TRANSPOSED = Termwise(mt_T, MT, MT, Mat)


@transpose.law(lambda v: v.A.T.T)
def t_involution(a: Mat):
    """(Aᵀ)ᵀ = A"""
    yield rewrite(a.T.T).to(a)


@transpose.law(lambda v: (v.A @ v.B).T, lambda v: v.B.T @ v.A.T)
def t_matmul(a: Mat, b: Mat):
    """(AB)ᵀ = BᵀAᵀ"""
    yield birewrite((a @ b).T).to(b.T @ a.T)


@transpose.law(lambda v: (v.A @ v.B).T, disabled="(AB)ᵀ = AᵀBᵀ is false: A = [[0, 1], [0, 0]], B = Aᵀ")
def t_matmul_unordered(a: Mat, b: Mat):
    """(AB)ᵀ = AᵀBᵀ: the order of the factors must reverse (shapes only fit for square A, B)."""
    yield rewrite((a @ b).T).to(a.T @ b.T)


@transpose.law(lambda v: v.sum((1, v.A), (-2, v.X)).T, lambda v: v.sum((3, v.A)).T, lifts=True)
def t_lin(xs: MultiSet[MT], q: BigRat, a: Mat):
    """(Σ qᵢAᵢ)ᵀ = Σ qᵢAᵢᵀ"""
    yield rewrite(lin(xs).T).to(lin(TRANSPOSED.over(xs)))
    # (qA)ᵀ = q Aᵀ is the same size; the outermost coefficient breaks the tie (q = 1 excepted:
    # 1·A is A itself, and its transpose node must not be lost).
    yield rewrite(lin(MultiSet(MT(q, a))).T, subsume=True).to(lin(MultiSet(MT(q, a.T))), ne(q).to(BigRat(1, 1)))
    yield from TRANSPOSED.rules(lambda q, x: MT(q, x.T))


@transpose.law(lambda v: smul(v.lam, v.A).T, lifts=True)
def t_smul(s: Scalar, a: Mat):
    """(sA)ᵀ = sAᵀ"""
    # same size; coefficient outermost (s = 1 excepted: 1·A is A itself)
    yield rewrite(smul(s, a).T, subsume=True).to(smul(s, a.T), ne(s).to(Scalar.one()))


@transpose.law(lambda v: v.S.T, lambda v: v.Dg.T)
def t_symmetric(a: Mat):
    """Sᵀ = S for a declared symmetric (or diagonal) S"""
    yield rewrite(a.T).to(a, is_sym(a) == i64(1))


@transpose.law(lambda v: Mat.eye(Dim.named("n")).T, lambda v: Mat.zeros(Dim.named("m"), Dim.named("n")).T)
def t_constant(d: Dim, e: Dim):
    """Iᵀ = I, 0ᵀ = 0"""
    yield rewrite(Mat.eye(d).T).to(Mat.eye(d))
    yield rewrite(Mat.zeros(d, e).T).to(Mat.zeros(e, d))
