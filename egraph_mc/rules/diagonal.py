"""Diagonal laws: diag(A), the diagonal of a square A as a column vector, and diag(v), the
diagonal matrix of a column vector (numpy's diag, both ways).

Both are linear and blind to transposes, and diag(diag(v)) = v. The trace laws move a differential
out of them toward the read-off form tr(G @ dX): Σᵢ Aᵢᵢvᵢ is both tr(A diag(v)) and diag(A)ᵀv, and
Σᵢ uᵢBᵢᵢ is both uᵀdiag(B) and tr(diag(u) B).
"""

from __future__ import annotations

from egglog import MultiSet, eq, i64, rewrite, rule, union

from egraph_mc.lang import MT, Dim, Mat, Scalar, diag_matrix, diagonal, lin, mt_diag_matrix, mt_diagonal, rows, smul, tr
from egraph_mc.rules._law import Family, Termwise
from egraph_mc.rules.vocabulary import example

diagonals = Family("diagonal", "dg_")
OF_TERMS = Termwise(mt_diagonal, MT, MT, Mat)
MATRIX_OF_TERMS = Termwise(mt_diag_matrix, MT, MT, Mat)


@diagonals.law(example("diag((X.T @ A).T)"), example("diag(diag(X @ y).T)"))
def dg_transpose(a: Mat):
    """diag(Aᵀ) = diag(A); diag(v)ᵀ = diag(v)"""
    yield rewrite(diagonal(a.T)).to(diagonal(a))
    yield rewrite(diag_matrix(a).T, subsume=True).to(diag_matrix(a))


@diagonals.law(example("diag(X.T @ A - 2 * N)"), example("diag(X @ y - 3 * x)"))
def dg_lin(xs: MultiSet[MT]):
    """diag(Σ qᵢAᵢ) = Σ qᵢ diag(Aᵢ), for both diags"""
    yield rewrite(diagonal(lin(xs))).to(lin(OF_TERMS.over(xs)))
    yield rewrite(diag_matrix(lin(xs))).to(lin(MATRIX_OF_TERMS.over(xs)))
    yield from OF_TERMS.rules(lambda q, a: MT(q, diagonal(a)))
    yield from MATRIX_OF_TERMS.rules(lambda q, a: MT(q, diag_matrix(a)))


@diagonals.law(example("diag(lam * (X.T @ A))"), example("diag(lam * (X @ y))"))
def dg_scale(s: Scalar, a: Mat):
    """diag(sA) = s diag(A), for both diags"""
    yield rewrite(diagonal(smul(s, a))).to(smul(s, diagonal(a)))
    yield rewrite(diag_matrix(smul(s, a))).to(smul(s, diag_matrix(a)))


@diagonals.law(example("diag(diag(X @ y))"))
def dg_diagonal_of_diagonal_matrix(v: Mat):
    """diag(diag(v)) = v: the diagonal of the diagonal matrix of v"""
    yield rewrite(diagonal(diag_matrix(v)), subsume=True).to(v)


@diagonals.law(example("tr(M @ diag(X @ y))", differentiate=True), example("tr(M @ diag(X @ y))"))
def dg_trace_diagonal_matrix(a: Mat, v: Mat):
    """tr(A diag(v)) = diag(A)ᵀv"""
    yield rewrite(tr(a @ diag_matrix(v))).to(tr(diagonal(a).T @ v))


@diagonals.law(example("tr(diag(X @ y))"))
def dg_trace_bare(x: Scalar, v: Mat, d: Dim):
    """tr(diag(v)) = diag(I)ᵀv, the sum of v's entries"""
    yield rule(eq(x).to(tr(diag_matrix(v))), rows(v) == d).then(union(x).with_(tr(diagonal(Mat.eye(d)).T @ v)))


@diagonals.law(example("tr(y.T @ diag(X.T @ A))", differentiate=True), example("tr(y.T @ diag(X.T @ A))"))
def dg_trace_diagonal(a: Mat, b: Mat):
    """a diag(B) = tr(diag(aᵀ) B) for a row a (a diag(B) is then 1x1: its trace)"""
    yield rewrite(tr(a @ diagonal(b))).to(tr(diag_matrix(a.T) @ b))
