"""Terms into egglog and back: `to_egg` walks a `Term` through OPS; `from_egg` decodes extraction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

from egglog import MultiSet
from egglog.deconstruct import get_callable_args, get_callable_fn, get_literal_value

from egraph_mc import lang
from egraph_mc import term as T
from egraph_mc.errors import ExtractionError
from egraph_mc.ops import OPS
from egraph_mc.term import Term


def to_egg(t: Term, memo: dict[Term, object] | None = None):
    memo = {} if memo is None else memo
    if t not in memo:
        memo[t] = OPS[t.op].to_egg(t, [to_egg(c, memo) for c in t.children()])
    return memo[t]


def _ref(expr) -> object:
    """A hashable identity of the callable of an egglog call (a function, or a class's __init__)."""
    fn = get_callable_fn(expr)
    if fn is None:
        return None
    try:
        return fn.__egg_ref__
    except AttributeError:
        return ("init", fn.__egg_tp__.ident)


def _sample_refs() -> dict[object, str]:
    """The callable of each constructor, read off a sample call (egglog compares by reference)."""
    m, s = lang.Mat.var("a"), lang.Scalar.var("s")
    d = lang.Dim.named("n")
    samples = {
        "var": m,
        "svar": s,
        "one": lang.Scalar.one(),
        "eye": lang.Mat.eye(d),
        "zeros": lang.Mat.zeros(d, d),
        "matmul": m @ m,
        "transpose": m.T,
        "sum": lang.lin(MultiSet[lang.MT]()),
        "scale": lang.smul(s, m),
        "trace": lang.tr(m),
        "norm": lang.norm(m),
        "ssum": lang.slin(MultiSet[lang.ST]()),
        "prod": lang.sprod(MultiSet[lang.Scalar]()),
        "pow": lang.spow(s, 2),
        "named": d,
        "dim_one": lang.Dim.one(),
        "mt": lang.MT(lang.rat(1), m),
        "st": lang.ST(lang.rat(1), s),
    }
    return {_ref(e): name for name, e in samples.items()}


_REFS: dict[object, str] | None = None


def from_egg(expr, shapes: Mapping[str, T.Shape | None], normalize: bool = True) -> Term:
    """Decode an extracted egglog term into a `Term` (declared shapes give the leaves').

    normalize: build with the normalizing constructors (coefficients outermost, like terms merged:
    the printed form that parses back); False keeps the extracted structure exactly (FLOPs)."""
    global _REFS
    if _REFS is None:
        _REFS = _sample_refs()
    refs = _REFS

    def kind(e) -> str:
        name = refs.get(_ref(e))
        if name is None:
            raise ExtractionError(f"the extracted gradient holds an unexpected node: {str(e)[:200]}")
        return name

    def dim(e) -> str:
        return "1" if kind(e) == "dim_one" else get_literal_value(get_callable_args(e)[0])

    def integer(e) -> int:
        (lit,) = get_callable_args(e)  # BigInt(i64) or BigInt.from_string(String)
        return int(get_literal_value(lit))

    def rational(e) -> Fraction:
        num, den = get_callable_args(e)
        return Fraction(integer(num), integer(den))

    def build(op: str, args: tuple, attr=None) -> Term:
        if normalize:
            return {
                "matmul": lambda: T.matmul(*args),
                "transpose": lambda: T.transpose(*args),
                "scale": lambda: T.multiply(*args),
                "trace": lambda: T.trace(*args),
                "norm": lambda: T.norm(*args),
                "pow": lambda: T.power(args[0], attr),
                "sum": lambda: T.msum(args, args[0][1].shape),
                "ssum": lambda: T.ssum(args),
            }[op]()
        return T.node(op, args, attr)

    decoders: dict[str, Callable] = {
        "var": lambda a: T.var(get_literal_value(a[0]), shapes[get_literal_value(a[0])]),
        "svar": lambda a: T.svar(get_literal_value(a[0])),
        "one": lambda a: T.one(),
        "eye": lambda a: T.eye(dim(a[0])),
        "zeros": lambda a: T.zeros((dim(a[0]), dim(a[1]))),
        "matmul": lambda a: build("matmul", (dec(a[0]), dec(a[1]))),
        "transpose": lambda a: build("transpose", (dec(a[0]),)),
        "scale": lambda a: build("scale", (dec(a[0]), dec(a[1]))),
        "trace": lambda a: build("trace", (dec(a[0]),)),
        "norm": lambda a: build("norm", (dec(a[0]),)),
        "pow": lambda a: build("pow", (dec(a[0]),), int(get_literal_value(a[1]))),
        "sum": lambda a: _sum(a[0], "sum"),
        "ssum": lambda a: _sum(a[0], "ssum"),
        "prod": lambda a: _product(a[0]),
    }

    def _sum(ms, op: str) -> Term:
        pairs = []
        for el in ms.value:
            args = get_callable_args(el)
            if not args:  # the zero term (a run stopped before `sum_drop_zero` removed it)
                continue
            q, x = args
            pairs.append((rational(q), dec(x)))
        if not pairs:
            raise ExtractionError("the extracted gradient holds an empty sum")
        return build(op, tuple(pairs))

    def _product(ms) -> Term:
        factors = tuple(dec(el) for el in ms.value)
        if not normalize:
            return T.node("prod", factors)
        out = T.one()
        for f in factors:
            out = T.multiply(out, f)
        return out

    def dec(e) -> Term:
        return decoders[kind(e)](get_callable_args(e))

    return dec(expr)
