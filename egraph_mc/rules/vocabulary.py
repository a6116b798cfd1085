"""The symbols that law examples are written in, with shapes chosen so no two dims coincide.

X (m x n) is the variable of differentiation unless an example names another; dX is its
differential. `v.A @ v.B` and the like build egglog terms directly; `example("X @ A.T")` reads an
example written in the loss language.
"""

from __future__ import annotations

from egglog import MultiSet

from egraph_mc import lang
from egraph_mc.convert import to_egg
from egraph_mc.declare import Declarations, parse_where
from egraph_mc.parse import parse_loss

WHERE = (
    "X, A, Y: m x n; B: n x p; C: p x m; M: m x m; N, Q: n x n; S: n x n symmetric; Dg: n x n diagonal; "
    "x: m; y: n; lam, mu: scalar"
)
WRT = "X"


class Vocabulary:
    def __init__(self) -> None:
        self.declarations: Declarations = parse_where(WHERE)

    @staticmethod
    def sum(*pairs):
        """Σ qᵢ tᵢ from (q, t) pairs: a matrix or a scalar linear combination."""
        if isinstance(pairs[0][1], lang.Scalar):
            return lang.slin(MultiSet(*(lang.ST(lang.rat(q), t) for q, t in pairs)))
        return lang.lin(MultiSet(*(lang.MT(lang.rat(q), t) for q, t in pairs)))

    @staticmethod
    def prod(*factors):
        return lang.sprod(MultiSet[lang.Scalar](*factors))

    def __getattr__(self, name: str):
        if name.startswith("d") and name[1:] in self.__dict__.get("declarations", parse_where(WHERE)).symbols:
            return lang.Mat.dvar(name[1:])
        sym = self.declarations.symbols.get(name)
        if sym is None:
            raise AttributeError(name)
        return lang.Scalar.var(name) if sym.shape is None else lang.Mat.var(name)


def example_parts(example) -> tuple[object, str]:
    """An example is `lambda v: term` (variable X) or `(lambda v: term, "Q")` for another variable."""
    if isinstance(example, tuple):
        fn, wrt = example
    else:
        fn, wrt = example, WRT
    return fn(Vocabulary()), wrt


def example(source: str, differentiate: bool = False):
    """An example written in the loss language over the vocabulary's symbols (X the variable);
    `differentiate`: its differential d(source), on which the d-laws fire."""
    def build(v: Vocabulary):
        t = parse_loss(source, v.declarations)
        e = to_egg(t)
        if differentiate:
            return lang.sD(e) if t.is_scalar else lang.D(e)
        return e

    build.source = source
    return build
