"""The gradient of a symmetric (or diagonal) variable: the symmetric part of the general one.

Inside the e-graph a symmetric X is differentiated as a general matrix: with Xᵀ = X there, dX = dXᵀ
too, tr(A dX) = tr(Aᵀ dX), and the read-off would give both A and Aᵀ as one gradient (merging A
with Aᵀ). The general gradient G is right along the symmetric directions X moves in; the one that
is itself symmetric is (G + Gᵀ)/2, and that is what is returned. Since X is symmetric, Xᵀ = X may
be used in it, and transposes are pushed to the leaves so that a G that is already symmetric comes
back unchanged (eye(n) + 2 * X, not (eye(n) + 2 * X + (eye(n) + 2 * X).T) / 2).
"""

from __future__ import annotations

from fractions import Fraction

from egraph_mc.shapes import make
from egraph_mc.term import Term, terms_of


def symmetric_part(g: Term, symmetric: set[str]) -> Term:
    """(G + Gᵀ)/2, with Sᵀ = S for every name in `symmetric` (the variable among them)."""
    h = _assume_symmetric(g, symmetric)
    ht = _transposed(h, symmetric)
    if ht == h:
        return h
    merged: dict[Term, Fraction] = {}
    for x in (h, ht):
        for q, u in terms_of(x):
            merged[u] = merged.get(u, Fraction(0)) + q / 2
    return make("sum", tuple((q, u) for u, q in merged.items() if q != 0))


def diagonal_part(g: Term, symmetric: set[str]) -> Term:
    """diag(diag(G)): a diagonal variable moves along its diagonal only, so its gradient is the
    diagonal matrix of G's diagonal (that of (G + Gᵀ)/2 too), with Sᵀ = S for the symmetric names."""
    h = _assume_symmetric(g, symmetric)
    return make("diag_matrix", (make("diagonal", (h,)),))


def _assume_symmetric(t: Term, symmetric: set[str]) -> Term:
    """t with Sᵀ replaced by S for the symmetric names, the rest of its structure kept."""
    if t.op == "transpose" and t.args[0].op == "var" and t.args[0].attr in symmetric:
        return t.args[0]
    return t.replace_children(_assume_symmetric(c, symmetric) for c in t.children())


def _transposed(t: Term, symmetric: set[str]) -> Term:
    """tᵀ with the transpose pushed to the leaves: (AB)ᵀ = BᵀAᵀ, (A + B)ᵀ = Aᵀ + Bᵀ, (Aᵀ)ᵀ = A."""
    match t.op:
        case "var" if t.attr in symmetric:
            return t
        case "eye":
            return t
        case "zeros" | "ones":
            return make(t.op, attr=(t.attr[1], t.attr[0]))
        case "transpose":
            return t.args[0]
        case "matmul":
            a, b = t.args
            return make("matmul", (_transposed(b, symmetric), _transposed(a, symmetric)))
        case "sum":
            return make("sum", tuple((q, _transposed(u, symmetric)) for q, u in t.args))
        case "scale":
            s, a = t.args
            return make("scale", (s, _transposed(a, symmetric)))
    return make("transpose", (t,))
