"""Terms into egglog and back, through each operation's constructor in `ops.OPS`.

`to_egg` builds the egglog expression of a term; `from_egg` reads an extracted egglog expression
back into a term, node for node (no normalization: what was extracted is what is printed).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from egraph_mc import backend, lang
from egraph_mc.errors import ExtractionError
from egraph_mc.ops import DIM, DIMS, FACTORS, INT, NAME, OPS, TERMS, M, S, Op
from egraph_mc.shapes import make
from egraph_mc.term import ONE_DIM, Shape, Term


def _dim(d: str) -> lang.Dim:
    return lang.Dim.one() if d == ONE_DIM else lang.Dim.named(d)


def egg_args(o: Op, t: Term, kids: list) -> list:
    """The constructor's arguments for term t, given its children's egglog expressions."""
    it = iter(kids)
    out: list = []
    for kind in o.args:
        if kind in (M, S):
            out.append(next(it))
        elif kind == NAME:
            out.append(t.attr)
        elif kind == DIM:
            out.append(_dim(t.attr))
        elif kind == DIMS:
            out.extend(_dim(d) for d in t.attr)
        elif kind == INT:
            out.append(t.attr)
        elif kind == TERMS:
            out.extend((q, k) for (q, _), k in zip(t.args, it, strict=True))
        elif kind == FACTORS:
            out.extend(it)
    return out


def to_egg(t: Term, memo: dict[Term, object] | None = None):
    memo = {} if memo is None else memo
    stack = [(t, False)]
    while stack:  # children first, without recursion (long sums and chains)
        u, ready = stack.pop()
        if u in memo:
            continue
        if ready:
            o = OPS[u.op]
            memo[u] = o.egg(*egg_args(o, u, [memo[c] for c in u.children()]))
            continue
        stack.append((u, True))
        stack.extend((c, False) for c in u.children() if c not in memo)
    return memo[t]


def _sample(o: Op):
    """One call of the constructor (to learn its identity): children are leaves of the right sort."""
    leaves = {M: lang.Mat.var("a"), S: lang.Scalar.var("s")}
    t_args = []
    for kind in o.args:
        if kind in (M, S):
            t_args.append(leaves[kind])
        elif kind == NAME:
            t_args.append("a")
        elif kind == DIM:
            t_args.append(lang.Dim.named("n"))
        elif kind == DIMS:
            t_args += [lang.Dim.named("n"), lang.Dim.named("n")]
        elif kind == INT:
            t_args.append(2)
    if o.args == (TERMS,):
        return o.egg((1, leaves[o.sort]))
    if o.args == (FACTORS,):
        return o.egg(leaves[S], leaves[S])
    return o.egg(*t_args)


_KEYS: dict[object, str] | None = None


def _keys() -> dict[object, str]:
    global _KEYS
    if _KEYS is None:
        keys = {backend.call_key(_sample(o)): o.name for o in OPS.values()}
        m = lang.Mat.var("a")
        keys[backend.call_key(lang.MT(lang.rat(1), m))] = "MT"
        keys[backend.call_key(lang.ST(lang.rat(1), lang.Scalar.one()))] = "ST"
        keys[backend.call_key(lang.Dim.named("n"))] = "dim"
        keys[backend.call_key(lang.Dim.one())] = "dim_one"
        _KEYS = keys
    return _KEYS


def from_egg(expr, shapes: Mapping[str, Shape | None]) -> Term:
    """The term of an extracted egglog expression (declared shapes give the leaves theirs)."""
    keys = _keys()

    def kind(e) -> str:
        name = keys.get(backend.call_key(e))
        if name is None:
            raise ExtractionError(f"the extracted gradient holds an unexpected node: {str(e)[:200]}")
        return name

    def dim(e) -> str:
        return ONE_DIM if kind(e) == "dim_one" else backend.literal(backend.args_of(e)[0])

    def rational(e) -> Fraction:
        num, den = backend.args_of(e)
        return Fraction(int(backend.literal(backend.args_of(num)[0])), int(backend.literal(backend.args_of(den)[0])))

    def dec(e) -> Term:
        name = kind(e)
        o = OPS[name]
        raw = backend.args_of(e)
        if o.args == (TERMS,):
            pairs = []
            for el in raw[0].value:
                parts = backend.args_of(el)
                if not parts:  # the zero term (a run stopped before the rule dropping zeros)
                    continue
                pairs.append((rational(parts[0]), dec(parts[1])))
            if not pairs and name == "sum":
                raise ExtractionError("the extracted gradient holds an empty sum")
            return make(name, tuple(pairs))
        if o.args == (FACTORS,):
            return make(name, tuple(dec(f) for f in raw[0].value))
        kids, attr, it = [], None, iter(raw)
        for k in o.args:
            if k in (M, S):
                kids.append(dec(next(it)))
            elif k == NAME:
                attr = backend.literal(next(it))
            elif k == DIM:
                attr = dim(next(it))
            elif k == DIMS:
                attr = (dim(next(it)), dim(next(it)))
            elif k == INT:
                attr = int(backend.literal(next(it)))
        if name == "var":
            return make("var", attr=attr, shape=shapes[attr])
        return make(name, tuple(kids), attr)

    return dec(expr)


_CONSTRUCTORS: dict[object, str] | None = None


def constructors() -> dict[object, str]:
    """Each term constructor (the egglog callable) -> its name in `ops.OPS` ("MT"/"ST" for a sum's terms)."""
    global _CONSTRUCTORS
    if _CONSTRUCTORS is None:
        out = {backend.callable_of(_sample(o)): o.name for o in OPS.values()}
        out[backend.callable_of(lang.MT(lang.rat(1), lang.Mat.var("a")))] = "MT"
        out[backend.callable_of(lang.ST(lang.rat(1), lang.Scalar.one()))] = "ST"
        _CONSTRUCTORS = out
    return _CONSTRUCTORS
