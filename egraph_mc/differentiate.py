"""Plain differentiation outside the e-graph: the gradient of a loss, correct but not simplified.

This is the fallback for a run that cannot saturate (see `api.optimize_gradient`). It uses the same
per-operation rules as the e-graph, JAX's way: the differential of each operation from its `d`
facet in `ops.OPS` (the functions the d-laws are generated from, here over a term builder) gives
dL, linear in dX; then dL is transposed, from the loss down, with each linear operation's
`adjoint` facet, to G with dL = tr(Gᵀ dX). Its size is linear in the loss's; nothing is factored.
"""

from __future__ import annotations

from fractions import Fraction

from egraph_mc.ops import DIM, DIMS, FACTORS, INT, NAME, OPS, STRUCTURAL, TERMS, M, S
from egraph_mc.shapes import make
from egraph_mc.term import SUMS, Term


class TermBuilder:
    """The builder the `d` and `adjoint` facets of `ops.OPS` are written over, building terms: each
    operation called with its egglog constructor's arguments (children and literals, in order).

    The few identities that the facets' output meets at every node are applied as it is built
    (1·x, x**1, I @ A, (Aᵀ)ᵀ, numbers in products multiplied out), so that the plain gradient is
    the textbook one, not a trail of them; the e-graph would find them too, but the fallback is
    what is used when the e-graph ran out of time.
    """

    def __getattr__(self, name: str):
        o = OPS[name]

        def build(*args):
            if o.args == (TERMS,):
                return make(name, tuple((Fraction(q), t) for q, t in args))
            if o.args == (FACTORS,):
                return make(name, tuple(args))
            kids, attr = [], None
            it = iter(args)
            for kind in o.args:
                if kind in (M, S):
                    kids.append(next(it))
                elif kind in (NAME, DIM, INT):
                    attr = next(it)
                elif kind == DIMS:
                    attr = (next(it), next(it))
            return make(name, tuple(kids), attr)

        return build

    @staticmethod
    def ones_like(a: Term) -> Term:
        """The ones of a's shape."""
        return make("ones", attr=a.shape)

    def epow(self, a: Term, k: int) -> Term:
        return a if k == 1 else make("epow", (a,), k)

    @staticmethod
    def identity(a: Term) -> Term:
        """I of the size of a square a."""
        return make("eye", attr=a.shape[0])

    def transpose(self, a: Term) -> Term:
        if a.op == "transpose":
            return a.args[0]
        if a.op == "eye":
            return a
        if a.op == "scale":
            return self.scale(a.args[0], self.transpose(a.args[1]))
        return make("transpose", (a,))

    def matmul(self, a: Term, b: Term) -> Term:
        for x, y in ((a, b), (b, a)):
            if x.op == "eye":
                return y
            if x.op == "scale" and x.args[1].op == "eye":
                return self.scale(x.args[0], y)
        return make("matmul", (a, b))

    def scale(self, s: Term, a: Term) -> Term:
        q = number(s)
        if q is not None:
            return _combination("sum", ((q, a),))
        if a.op == "scale":
            return self.scale(self.prod(s, a.args[0]), a.args[1])
        if s.op == "ssum" and len(s.args) == 1 and s.args[0][0] != 1:  # (q·r) A = q (r A): the number outside
            (q, r), = s.args
            return _combination("sum", ((q, self.scale(r, a)),))
        return make("scale", (s, a))

    def pow(self, s: Term, k: int) -> Term:
        return s if k == 1 else make("one") if k == 0 else make("pow", (s,), k)

    def sum(self, *pairs) -> Term:
        return _combination("sum", pairs)

    def ssum(self, *pairs) -> Term:
        return _combination("ssum", pairs)

    def prod(self, *factors: Term) -> Term:
        q, rest = Fraction(1), []
        for f in factors:
            for g in (f.args if f.op == "prod" else (f,)):
                n = number(g)
                if n is not None:
                    q *= n
                elif g.op == "ssum" and len(g.args) == 1:  # (c·x) as a factor: c goes out front
                    q *= g.args[0][0]
                    rest.append(g.args[0][1])
                else:
                    rest.append(g)
        if q == 0 or not rest:
            return constant(q)
        body = rest[0] if len(rest) == 1 else make("prod", tuple(rest))
        return body if q == 1 else make("ssum", ((q, body),))


def _combination(name: str, pairs) -> Term:
    """Σ qᵢtᵢ with nested sums flattened, numbers added up and like terms merged."""
    merged: dict[Term, Fraction] = {}
    for q, t in pairs:
        n = number(t) if name == "ssum" else None
        inner = ((n, make("one")),) if n is not None else t.args if t.op == name else ((Fraction(1), t),)
        for r, u in inner:
            merged[u] = merged.get(u, Fraction(0)) + Fraction(q) * r
    kept = tuple((q, u) for u, q in merged.items() if q)
    if len(kept) == 1 and kept[0][0] == 1:
        return kept[0][1]
    if not kept and name == "sum":
        first = pairs[0][1]
        return make("zeros", attr=first.shape)
    return make(name, kept)


def number(t: Term) -> Fraction | None:
    """The value of a number term (1, or q·1), else None."""
    if t.op == "one":
        return Fraction(1)
    if t.op == "ssum" and len(t.args) == 1 and t.args[0][1].op == "one":
        return t.args[0][0]
    if t.op == "ssum" and not t.args:
        return Fraction(0)
    return None


def constant(q: Fraction) -> Term:
    return make("one") if q == 1 else make("ssum", ((q, make("one")),) if q else ())


B = TermBuilder()


def _literals(t: Term) -> list:
    """t's arguments in its constructor's order, children and literals (what the facets take)."""
    o = OPS[t.op]
    kids, out = iter(t.children()), []
    for kind in o.args:
        if kind in (M, S):
            out.append(next(kids))
        elif kind in (NAME, DIM, INT):
            out.append(t.attr)
        elif kind == DIMS:
            out.extend(t.attr)
    return out


def differential(loss: Term, wrt: str, dx: Term) -> Term | None:
    """dL, linear in the leaf `dx` standing for d(wrt); None where L does not depend on wrt."""
    memo: dict[Term, Term | None] = {}
    for u in _postorder(loss):  # children first
        memo[u] = _d(u, wrt, dx, memo)
    return memo[loss]


def _postorder(t: Term):
    seen, stack = set(), [(t, False)]
    while stack:
        u, done = stack.pop()
        if done:
            yield u
            continue
        if u in seen:
            continue
        seen.add(u)
        stack.append((u, True))
        stack.extend((c, False) for c in u.children())


def _d(u: Term, wrt: str, dx: Term, memo: dict) -> Term | None:
    o = OPS[u.op]
    if u.op == "var":
        return dx if u.attr == wrt else None
    if o.d == ():
        return None
    if u.op in SUMS:
        parts = [(q, memo[c]) for q, c in u.args if memo[c] is not None]
        return _combination(u.op, parts) if parts else None
    if u.op == "prod":
        parts = []
        for i, f in enumerate(u.args):
            if memo[f] is not None:
                rest = u.args[:i] + u.args[i + 1:]
                parts.append((Fraction(1), B.prod(*rest, memo[f])))
        return _combination("ssum", parts) if parts else None
    assert o.d != STRUCTURAL, u.op
    args = _literals(u)
    parts = [o.d[i](B, *args, memo[c]) for i, c in enumerate(u.children()) if memo[c] is not None]
    if not parts:
        return None
    return _combination("sum" if o.sort == M else "ssum", [(Fraction(1), p) for p in parts])


def read_off(dl: Term, dx: Term, shape) -> Term:
    """G with dL = tr(Gᵀ dX), by transposing dL from the top: every node holding dX passes its
    adjoint to its children by its operation's `adjoint` facet."""
    holds: dict[Term, bool] = {}
    for u in _postorder(dl):
        holds[u] = u == dx or any(holds[c] for c in u.children())
    adjoint: dict[Term, list[Term]] = {dl: [make("one")]}
    gradient: list[Term] = []
    for u in reversed(list(_postorder(dl))):  # parents before children
        if u not in adjoint:
            continue
        parts = adjoint.pop(u)
        adj = _combination("ssum" if u.is_scalar else "sum", [(Fraction(1), p) for p in parts])
        if u == dx:
            gradient.append(adj)
            continue
        o = OPS[u.op]
        if u.op in SUMS:
            for q, c in u.args:
                if holds[c]:
                    adjoint.setdefault(c, []).append(_combination(u.op, ((q, adj),)))
            continue
        if u.op == "prod":
            (i,) = [k for k, f in enumerate(u.args) if holds[f]]  # linear: one factor holds dX
            rest = u.args[:i] + u.args[i + 1:]
            adjoint.setdefault(u.args[i], []).append(B.prod(*rest, adj))
            continue
        args = _literals(u)
        for i, c in enumerate(u.children()):
            if holds[c]:
                adjoint.setdefault(c, []).append(o.adjoint[i](B, *args, adj))
    if not gradient:
        return make("zeros", attr=shape)
    return _combination("sum", [(Fraction(1), g) for g in gradient])


def gradient(loss: Term, wrt: str, shape) -> Term:
    """The gradient of the scalar `loss` with respect to the matrix `wrt` (of `shape`), unsimplified."""
    dx = Term("var", (), ("d", wrt), shape)  # dX: a leaf no declared symbol can be
    dl = differential(loss, wrt, dx)
    if dl is None:
        return make("zeros", attr=shape)
    return read_off(dl, dx, shape)
