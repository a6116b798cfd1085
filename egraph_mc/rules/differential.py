"""Differential laws: one d-law per operation, generated from its differential in `ops.OPS`.

An operation's entry gives, as JAX's `defjvp` does, each differentiable argument's contribution to
d(op); the law `d_<op>` sums the contributions of the arguments that may depend on the variable
(`dep` = 1) and drops those a member proves independent (`dep` = 0), so no zero term is built.
The guard is "does not depend on the variable", never "contains no dX": for c = tr(R @ R.T),
d(c X) != c dX. Sums, products and the variable itself, whose differentials run over multisets
or start the derivation, are written here by hand.
"""

from __future__ import annotations

from functools import partial
from itertools import combinations

from egglog import BigRat, MultiSet, String, i64, rewrite

from egraph_mc.lang import MT, ST, D, Mat, Scalar, dep, leibniz, lin, mt_D, rat, sD, sdep, slin, sprod, st_D
from egraph_mc.ops import OPS, STRUCTURAL, M, Op
from egraph_mc.rules._law import Family, Termwise
from egraph_mc.rules.vocabulary import example

differential = Family("differential", "d_")
ONE = BigRat(1, 1)


class EggBuilder:
    """The builder the differentials of `ops.OPS` are written over, building egglog terms."""

    def __getattr__(self, name: str):
        return OPS[name].egg


B = EggBuilder()


def _d(kind: str, x):
    return D(x) if kind == M else sD(x)


def _dep(kind: str, x):
    return dep(x) if kind == M else sdep(x)


def _d_law(o: Op):
    def law():
        node, children, _, args = o.pattern()
        for size in range(len(children), 0, -1):
            for moving in combinations(range(len(children)), size):
                parts = []
                for i, (kind, v) in enumerate(children):
                    if i in moving:
                        parts.append(o.d[i](B, *args, _d(kind, v)))
                total = parts[0] if len(parts) == 1 else (lin if o.sort == M else slin)(
                    MultiSet(*((MT if o.sort == M else ST)(ONE, p) for p in parts)))
                guards = [_dep(kind, v) == i64(1 if i in moving else 0) for i, (kind, v) in enumerate(children)]
                yield rewrite(_d(o.sort, node)).to(total, *guards)

    law.__name__ = f"d_{o.name}"
    law.__doc__ = f"d({o.doc}): the sum over its arguments of the differentials in `ops.OPS['{o.name}'].d`"
    return law


for _op in OPS.values():
    if _op.d not in ((), STRUCTURAL):
        differential.law(*(example(src, differentiate=True) for src in _op.examples))(_d_law(_op))


# --- structural: the variable, sums, products ---------------------------------------------------


@differential.law(lambda v: D(v.X))
def d_var(n: String):
    """d(X) = dX for the variable (the only leaf with dep = 1)."""
    # Subsumed: no other d-law then matches the variable's e-class. That class also holds the
    # gradients equal to X (grad ½xᵀx = x, = ½(2x) = ...), and differentiating those fed new
    # multiples of the gradient back into it without end.
    yield rewrite(D(Mat.var(n)), subsume=True).to(Mat.dvar(n), dep(Mat.var(n)) == i64(1))


D_TERMS = Termwise(mt_D, MT, MT, Mat)
D_STERMS = Termwise(st_D, ST, ST, Scalar)


@differential.law(lambda v: D(v.sum((1, v.X), (2, v.Y), (-1, v.Y))))
def d_sum(xs: MultiSet[MT]):
    """d(Σ qᵢAᵢ) = Σ qᵢ dAᵢ over the terms that may depend on the variable."""
    yield rewrite(D(lin(xs))).to(lin(D_TERMS.over(xs)))
    # d of a constant term is 0·A: a zero term of A's shape, without building a zero matrix that
    # products and their associativity would then carry along
    yield from D_TERMS.rules(lambda q, a: MT(q, D(a)), when=lambda a: (dep(a) == i64(1),),
                             zero_when=lambda a: (dep(a) == i64(0),),
                             zero=lambda a: ((), MT(rat(0), a)))


@differential.law(example("tr(X.T @ X) + 2 * lam", differentiate=True))
def d_ssum(xs: MultiSet[ST]):
    """d(Σ qᵢsᵢ) = Σ qᵢ dsᵢ over the terms that may depend on the variable."""
    yield rewrite(sD(slin(xs))).to(slin(D_STERMS.over(xs)))
    yield from D_STERMS.rules(lambda q, s: ST(q, sD(s)), when=lambda s: (sdep(s) == i64(1),),
                              zero_when=lambda s: (sdep(s) == i64(0),))


@differential.law(example("lam * tr(M @ X @ X.T) * tr(X.T @ X)", differentiate=True))
def d_prod(xs: MultiSet[Scalar], f: Scalar):
    """Leibniz over a product: d(Π fᵢ) = Σᵢ dfᵢ Π_{j≠i} fⱼ over the factors that may depend."""
    yield rewrite(sD(sprod(xs))).to(slin(xs.map(partial(leibniz, xs))))
    yield rewrite(leibniz(xs, f), subsume=True).to(ST(ONE, sprod(xs.remove(f).insert(sD(f)))), sdep(f) == i64(1))
    yield rewrite(leibniz(xs, f), subsume=True).to(ST.zero(), sdep(f) == i64(0))

