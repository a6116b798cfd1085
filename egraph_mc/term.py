"""Terms outside the e-graph: an immutable tree with shapes, built by normalizing constructors.

A `Term` is what the parser produces, what the engine sends into egglog, and what comes back out
of extraction. The constructors keep one normal form, so that printing and parsing round-trip:
- sums are linear combinations `((coefficient, term), ...)`, sorted, like terms merged, sums with
  coefficient ±1 inside sums flattened (the sign is free in print), zero terms dropped;
- a scalar coefficient of a product operand or of a transpose stands outermost (`2 * A @ B`);
- scalar products are sorted factor tuples with integer powers merged.

Shapes are symbolic `(rows, cols)` pairs of dim names ("1" for vectors); scalars have shape None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from egraph_mc.errors import ShapeError

Shape = tuple[str, str]
ONE_DIM = "1"


@dataclass(frozen=True)
class Term:
    op: str
    args: tuple = ()
    attr: Any = None
    shape: Shape | None = field(default=None, compare=False)
    _hash: int = field(default=0, compare=False, repr=False)

    def __post_init__(self) -> None:
        # terms are hashed often (memo tables, sharing): hash once
        object.__setattr__(self, "_hash", hash((self.op, self.args, self.attr)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def is_scalar(self) -> bool:
        return self.shape is None

    @property
    def is_1x1(self) -> bool:
        return self.shape == (ONE_DIM, ONE_DIM)

    def children(self) -> tuple[Term, ...]:
        """The sub-terms (coefficients of sums left out)."""
        if self.op in ("sum", "ssum"):
            return tuple(t for _, t in self.args)
        return tuple(a for a in self.args if isinstance(a, Term))

    def walk(self) -> Iterable[Term]:
        yield self
        for c in self.children():
            yield from c.walk()

    def symbols(self) -> set[str]:
        return {t.attr for t in self.walk() if t.op in ("var", "svar")}

    def __str__(self) -> str:
        from egraph_mc.render import to_text

        return to_text(self)

    # Python builders, so that terms can be written as `A.T @ (X - B)`.
    def __matmul__(self, other: Term) -> Term:
        return matmul(self, other)

    @property
    def T(self) -> Term:  # noqa: N802 - numpy's spelling
        return transpose(self)

    def __add__(self, other: Term | int | Fraction) -> Term:
        return add(self, lift(other))

    __radd__ = __add__

    def __sub__(self, other: Term | int | Fraction) -> Term:
        return add(self, scale(-1, lift(other)))

    def __rsub__(self, other: Term | int | Fraction) -> Term:
        return add(lift(other), scale(-1, self))

    def __neg__(self) -> Term:
        return scale(-1, self)

    def __mul__(self, other: Term | int | Fraction) -> Term:
        return multiply(self, lift(other))

    __rmul__ = __mul__

    def __truediv__(self, other: Term | int | Fraction) -> Term:
        return multiply(self, power(lift(other), -1))

    def __pow__(self, k: int) -> Term:
        return power(self, k)


def lift(x: Term | int | Fraction) -> Term:
    return x if isinstance(x, Term) else constant(Fraction(x))


# --- leaves --------------------------------------------------------------------------------


def var(name: str, shape: Shape) -> Term:
    return Term("var", (), name, shape)


def svar(name: str) -> Term:
    return Term("svar", (), name, None)


def one() -> Term:
    return Term("one")


def constant(c: Fraction) -> Term:
    return ssum([(Fraction(c), one())])


def eye(n: str) -> Term:
    return Term("eye", (), n, (n, n))


def zeros(shape: Shape) -> Term:
    return Term("zeros", (), shape, shape)


# --- matrix operations ---------------------------------------------------------------------


def _coefficient_out(t: Term) -> tuple[Fraction, Term | None, Term]:
    """Split t into (rational, scalar factor or None, rest) when t is a scaling, else (1, None, t)."""
    if t.op == "sum" and len(t.args) == 1:
        q, inner = t.args[0]
        q2, s, rest = _coefficient_out(inner)
        return q * q2, s, rest
    if t.op == "scale":
        s, inner = t.args
        q2, s2, rest = _coefficient_out(inner)
        return q2, s if s2 is None else multiply(s, s2), rest
    return Fraction(1), None, t


def _rescale(q: Fraction, s: Term | None, t: Term) -> Term:
    if s is not None:
        t = scale_by(s, t)
    return scale(q, t)


def matmul(a: Term, b: Term) -> Term:
    # A 1x1 product turns scalar where `*` meets it (2 * (x.T @ x)); numpy keeps it 1x1, so
    # `2 * (x.T @ x) @ y.T` is valid there: a scalar against a dim of 1 is a scalar multiple.
    if a.is_scalar and not b.is_scalar and b.shape[0] == "1":
        return multiply(a, b)
    if b.is_scalar and not a.is_scalar and a.shape[1] == "1":
        return multiply(a, b)
    if a.is_scalar or b.is_scalar:
        raise ShapeError(f"'@' needs two matrices, got {describe(a)} @ {describe(b)}")
    if a.shape[1] != b.shape[0]:
        raise ShapeError(
            f"shape mismatch in '@': {a.shape[0]}x{a.shape[1]} @ {b.shape[0]}x{b.shape[1]} "
            f"(inner dims {a.shape[1]} and {b.shape[0]} differ)"
        )
    qa, sa, a0 = _coefficient_out(a)
    qb, sb, b0 = _coefficient_out(b)
    s = sa if sb is None else sb if sa is None else multiply(sa, sb)
    core = Term("matmul", (a0, b0), None, (a.shape[0], b.shape[1]))
    return _rescale(qa * qb, s, core)


def transpose(a: Term) -> Term:
    if a.is_scalar:
        raise ShapeError(f"'.T' needs a matrix, got {describe(a)}")
    q, s, a0 = _coefficient_out(a)
    return _rescale(q, s, Term("transpose", (a0,), None, (a.shape[1], a.shape[0])))


def _sum_terms(pairs: Iterable[tuple[Fraction, Term]]) -> list[tuple[Fraction, Term]]:
    """Flatten ±1-weighted inner sums, merge like terms, drop zeros, sort."""
    acc: dict[Term, Fraction] = {}
    for q, t in pairs:
        q = Fraction(q)
        if t.op in ("sum", "ssum") and (abs(q) == 1 or len(t.args) == 1):
            for q2, t2 in t.args:
                acc[t2] = acc.get(t2, Fraction(0)) + q * q2
        else:
            acc[t] = acc.get(t, Fraction(0)) + q
    return sorted(((q, t) for t, q in acc.items() if q != 0), key=lambda p: (repr(p[1]), p[0]))


def add(a: Term, b: Term) -> Term:
    """a + b for two matrices of one shape, or two scalars (a 1x1 product counts as a scalar)."""
    if a.is_scalar != b.is_scalar:
        a, b = as_scalar(a), as_scalar(b)
    if not a.is_scalar and a.shape != b.shape:
        raise ShapeError(f"shape mismatch in '+': {a.shape[0]}x{a.shape[1]} + {b.shape[0]}x{b.shape[1]}")
    return (ssum if a.is_scalar else msum)([(Fraction(1), a), (Fraction(1), b)], a.shape)


def msum(pairs: Iterable[tuple[Fraction, Term]], shape: Shape | None = None) -> Term:
    terms = _sum_terms(pairs)
    if not terms:
        if shape is None:
            raise ValueError("an empty matrix sum needs its shape")
        return zeros(shape)
    if len(terms) == 1 and terms[0][0] == 1:
        return terms[0][1]
    return Term("sum", tuple(terms), None, terms[0][1].shape)


def scale(q: Fraction | int, t: Term) -> Term:
    """q t for a rational q."""
    q = Fraction(q)
    if t.is_scalar:
        return ssum([(q, t)])
    return msum([(q, t)], t.shape)


def scale_by(s: Term, t: Term) -> Term:
    """s t for a scalar term s and a matrix t; rational coefficients stand outermost."""
    q, s0 = _scalar_coefficient(s)
    if s0 is None:
        return scale(q, t)
    qt, st, t0 = _coefficient_out(t)
    if st is not None:
        s0 = multiply(s0, st)
        q2, s0 = _scalar_coefficient(s0)
        q *= q2
        if s0 is None:
            return scale(q * qt, t0)
    return scale(q * qt, Term("scale", (s0, t0), None, t.shape))


# --- scalar operations ---------------------------------------------------------------------


def as_scalar(t: Term) -> Term:
    """A scalar, or a 1x1 product read as one (its trace)."""
    if t.is_scalar:
        return t
    if t.is_1x1:
        return trace(t)
    raise ShapeError(f"expected a scalar or a 1x1 product, got a {t.shape[0]}x{t.shape[1]} matrix")


def trace(a: Term) -> Term:
    if a.is_scalar:
        raise ShapeError(f"tr() needs a square matrix, got {describe(a)}")
    if a.shape[0] != a.shape[1]:
        raise ShapeError(f"tr() needs a square matrix, got {a.shape[0]}x{a.shape[1]}")
    q, s, a0 = _coefficient_out(a)
    core = Term("trace", (a0,), None, None)
    return scale(q, core if s is None else multiply(s, core))


def norm(a: Term) -> Term:
    if a.is_scalar:
        raise ShapeError(f"norm() needs a matrix or vector, got {describe(a)}")
    q, s, a0 = _coefficient_out(a)
    if s is None:  # ‖qA‖ = |q| ‖A‖; a symbolic factor's sign is unknown, so it stays inside
        return scale(abs(q), Term("norm", (a0,), None, None))
    return Term("norm", (a,), None, None)


def ssum(pairs: Iterable[tuple[Fraction, Term]], shape: None = None) -> Term:
    terms = _sum_terms(pairs)
    if len(terms) == 1 and terms[0][0] == 1:
        return terms[0][1]
    return Term("ssum", tuple(terms), None, None)


def _scalar_coefficient(s: Term) -> tuple[Fraction, Term | None]:
    """Split a scalar into (rational, the rest or None when it is a pure number)."""
    if s.op == "ssum" and not s.args:  # the number 0
        return Fraction(0), None
    if s.op == "ssum" and len(s.args) == 1:
        q, inner = s.args[0]
        if inner.op == "one":
            return q, None
        return q, inner
    if s.op == "one":
        return Fraction(1), None
    return Fraction(1), s


def multiply(a: Term, b: Term) -> Term:
    """a * b: scalar times scalar, or scalar times matrix (either order)."""
    # A 1x1 product is a scalar wherever `*` meets it.
    a = as_scalar(a) if a.is_1x1 else a
    b = as_scalar(b) if b.is_1x1 else b
    if not a.is_scalar and not b.is_scalar:
        raise ShapeError(
            f"'*' multiplies by scalars only, got {a.shape[0]}x{a.shape[1]} * {b.shape[0]}x{b.shape[1]} "
            "(use '@' for the matrix product)"
        )
    if not a.is_scalar:
        a, b = b, a
    if not b.is_scalar:
        return scale_by(a, b)
    qa, a0 = _scalar_coefficient(a)
    qb, b0 = _scalar_coefficient(b)
    factors: dict[Term, int] = {}
    for f in (a0, b0):
        for g, k in _factors(f):
            factors[g] = factors.get(g, 0) + k
    return scale(qa * qb, product(factors))


def _factors(f: Term | None) -> list[tuple[Term, int]]:
    if f is None:
        return []
    if f.op == "prod":
        return [(g, 1) if g.op != "pow" else (g.args[0], g.attr) for g in f.args]
    if f.op == "pow":
        return [(f.args[0], f.attr)]
    return [(f, 1)]


def product(factors: dict[Term, int]) -> Term:
    # declared scalars first (`lam * tr(X)`), then the rest in a fixed order
    items = sorted(((g, k) for g, k in factors.items() if k != 0), key=lambda p: (p[0].op != "svar", repr(p[0])))
    parts = [g if k == 1 else Term("pow", (g,), k, None) for g, k in items]
    if not parts:
        return one()
    if len(parts) == 1:
        return parts[0]
    return Term("prod", tuple(parts), None, None)


def power(a: Term, k: int) -> Term:
    a = as_scalar(a)
    q, a0 = _scalar_coefficient(a)
    if a0 is None:
        if q == 0 and k < 0:
            raise ZeroDivisionError("division by zero")
        return constant(q**k)
    if k == 0:
        return one()
    factors: dict[Term, int] = {}
    for g, j in _factors(a0):
        j *= k
        if g.op == "norm" and g.args[0].op == "scale" and j % 2 == 0:
            # ‖sA‖ʲ = sʲ ‖A‖ʲ for an even power: the sign of s no longer matters. (Kept inside,
            # ‖sA‖ differentiates into ‖sA‖⁻¹ products whose flattening never ends.)
            s, inner = g.args[0].args
            for h, i in (*_factors(s), (Term("norm", (inner,), None, None), 1)):
                factors[h] = factors.get(h, 0) + i * j
            continue
        factors[g] = factors.get(g, 0) + j
    return scale(q**k, product(factors))


def describe(t: Term) -> str:
    return "a scalar" if t.is_scalar else f"a {t.shape[0]}x{t.shape[1]} matrix"


def node(op: str, args: tuple, attr: Any = None) -> Term:
    """A term exactly as given (no normalization), its shape read off its children.

    Extraction under a FLOPs model builds its pick with this: where a coefficient stands or how a
    product is bracketed is what the model priced.
    """
    if op in ("sum", "ssum"):
        args = tuple(sorted(args, key=lambda p: (repr(p[1]), p[0])))
        shape = args[0][1].shape
    elif op == "prod":
        args = tuple(sorted(args, key=lambda k: (k.op != "svar", repr(k))))
        shape = None
    elif op == "matmul":
        shape = (args[0].shape[0], args[1].shape[1])
    elif op == "transpose":
        shape = (args[0].shape[1], args[0].shape[0])
    elif op == "scale":
        shape = args[1].shape
    else:
        shape = None
    return Term(op, tuple(args), attr, shape)
