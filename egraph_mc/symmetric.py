"""The gradient of a symmetric (or diagonal) variable: the symmetric part of the general one.

Inside the e-graph a symmetric X is differentiated as a general matrix: with Xᵀ = X there, dX = dXᵀ
too, tr(A dX) = tr(Aᵀ dX), and the read-off would give both A and Aᵀ as one gradient (merging A
with Aᵀ). The general gradient G is right along the symmetric directions X moves in; the one that
is itself symmetric is (G + Gᵀ)/2, and that is what is returned. Since X is symmetric, Xᵀ = X may
be used in it, and transposes are pushed to the leaves so that a G that is already symmetric comes
back unchanged (eye(n) + 2 * X, not (eye(n) + 2 * X + (eye(n) + 2 * X).T) / 2).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from egraph_mc import term as T
from egraph_mc.term import Term


def symmetric_part(g: Term, symmetric: set[str]) -> Term:
    """(G + Gᵀ)/2, with Sᵀ = S for every name in `symmetric` (the variable among them)."""
    h = _assume_symmetric(g, symmetric)
    ht = _transposed(h, symmetric)
    if ht == h:
        return h
    half = Fraction(1, 2)
    return T.msum([(q * half, u) for x in (h, ht) for q, u in _terms(x)], h.shape)


def _terms(t: Term) -> list[tuple[Fraction, Term]]:
    return list(t.args) if t.op == "sum" else [(Fraction(1), t)]


def _assume_symmetric(t: Term, symmetric: set[str]) -> Term:
    """t with Sᵀ replaced by S for the symmetric names, the rest of its structure kept."""
    if t.op == "transpose" and t.args[0].op == "var" and t.args[0].attr in symmetric:
        return t.args[0]
    if t.op in ("sum", "ssum"):
        return replace(t, args=tuple((q, _assume_symmetric(u, symmetric)) for q, u in t.args))
    return replace(t, args=tuple(_assume_symmetric(a, symmetric) if isinstance(a, Term) else a for a in t.args))


def _transposed(t: Term, symmetric: set[str]) -> Term:
    """tᵀ with the transpose pushed to the leaves: (AB)ᵀ = BᵀAᵀ, (A + B)ᵀ = Aᵀ + Bᵀ, (Aᵀ)ᵀ = A."""
    match t.op:
        case "var" if t.attr in symmetric:
            return t
        case "eye":
            return t
        case "zeros":
            return T.zeros((t.attr[1], t.attr[0]))
        case "transpose":
            return t.args[0]
        case "matmul":
            a, b = t.args
            return T.node("matmul", (_transposed(b, symmetric), _transposed(a, symmetric)))
        case "sum":
            return T.node("sum", tuple((q, _transposed(u, symmetric)) for q, u in t.args))
        case "scale":
            s, a = t.args
            return T.node("scale", (s, _transposed(a, symmetric)))
    return T.node("transpose", (t,))
