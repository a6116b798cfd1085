"""Hypothesis strategies: random, well-shaped scalar losses in egraph_mc's loss language.

`losses()` draws a `Case(loss, wrt, where)`. Everything is generated *by shape*: a scalar term picks
the shape its matrix expression must have (any m x n for a norm, a square n x n for a trace, 1 x 1
for a quadratic form), and a matrix expression of a given shape is a sum of products whose inner
dims are drawn so that every factor fits. A factor of a given shape is a declared symbol of that
shape, the transpose of one of the transposed shape, or (one level deep) a parenthesized sum.
Symbols are declared on first use, so the `where` string always matches the loss.

Every choice is a small integer or a `sampled_from` whose first option is the simplest one (one
term, no coefficient, one factor, reuse the first symbol, no transpose, no properties), so
hypothesis shrinks a failing loss towards a short one over few symbols.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import assume
from hypothesis import strategies as st

from egraph_mc.api import prepare
from egraph_mc.declare import parse_where
from egraph_mc.errors import WrtError
from egraph_mc.parse import parse_loss

DIM_NAMES = ("m", "n", "k", "p")
MATRIX_NAMES = tuple("ABCDEFGHJKLMNPQRUVWXYZ")  # no T (reserved .T) nor I (reads as identity)
VECTOR_NAMES = ("x", "y", "z", "u", "v", "w", "a", "b", "c", "d", "e", "f", "g", "h")
SCALAR_NAMES = ("lam", "mu")
ONE = "1"  # the dim of a vector's other side

ATOM_KINDS = ("sqnorm", "trace", "quad", "norm", "compound")
# with `losses(elementwise=True)`: Hadamard products, exp and sum, log-determinants as well
ELEMENTWISE_KINDS = ("hadamard", "exp", "logdet")
# (prefix, suffix) around a scalar term; {s} is a declared scalar. The first is "no coefficient".
COEFFICIENTS = (
    ("", ""),
    ("2 * ", ""),
    ("1/2 * ", ""),
    ("{s} * ", ""),
    ("3 * ", ""),
    ("0.25 * ", ""),
    ("{s}/2 * ", ""),
    ("", " / 3"),
    ("2/3 * {s} * ", ""),
    ("", " / {s}"),
)
SUMMAND_COEFFICIENTS = ("", "2 * ", "1/2 * ", "{s} * ", "3 * ")
POWERS = (2, -1, 3, -2)


@dataclass(frozen=True)
class Case:
    """One generated input: the arguments of optimize_gradient."""

    loss: str
    wrt: str
    where: str

    def __str__(self) -> str:
        return f"loss={self.loss!r}, wrt={self.wrt!r}, where={self.where!r}"


@dataclass
class _Symbol:
    name: str
    shape: tuple[str, str]  # (rows, cols); a vector is (n, "1")
    prop: str  # "", "symmetric" or "diagonal"

    def spec(self) -> str:
        r, c = self.shape
        if c == ONE:
            return r
        return f"{r} x {c}" + (f" {self.prop}" if self.prop else "")


class _Builder:
    """Draws the parts of one loss; holds its declarations and a budget of factors."""

    def __init__(self, draw, dims: tuple[str, ...], max_factors: int, max_symbols: int, elementwise: bool = False):
        self.draw = draw
        self.kinds = ATOM_KINDS[:-1] + (ELEMENTWISE_KINDS if elementwise else ())
        self.dims = dims
        self.budget = max_factors
        self.max_symbols = max_symbols
        self.symbols: list[_Symbol] = []
        self.scalars: list[str] = []

    # --- declarations ------------------------------------------------------------------------

    def scalar(self) -> str:
        name = SCALAR_NAMES[self.draw(st.integers(0, len(SCALAR_NAMES) - 1))]
        if name not in self.scalars:
            self.scalars.append(name)
        return name

    def _new_symbol(self, shape: tuple[str, str]) -> _Symbol:
        r, c = shape
        if c == ONE:
            used = {s.name for s in self.symbols}
            name = next(n for n in VECTOR_NAMES if n not in used)
            prop = ""
        else:
            used = {s.name for s in self.symbols}
            name = next(n for n in MATRIX_NAMES if n not in used)
            prop = self.draw(st.sampled_from(("", "symmetric", "diagonal"))) if r == c else ""
        sym = _Symbol(name, shape, prop)
        self.symbols.append(sym)
        return sym

    def symbol(self, a: str, b: str) -> str:
        """A symbol of shape a x b: an existing one (or the transpose of one), or a new one."""
        assert not (a == ONE and b == ONE)
        self.budget -= 1
        options = [s.name for s in self.symbols if s.shape == (a, b)]
        options += [f"{s.name}.T" for s in self.symbols if s.shape == (b, a) and a != b]
        options += [f"{s.name}.T" for s in self.symbols if s.shape == (a, b) and a == b]
        new_allowed = len(self.symbols) < self.max_symbols or not options
        pick = self.draw(st.integers(0, len(options) - (0 if new_allowed else 1)))
        if pick < len(options):
            return options[pick]
        if a == ONE:  # a row: the transpose of a column vector
            return self._new_symbol((b, ONE)).name + ".T"
        if b == ONE:
            return self._new_symbol((a, ONE)).name
        transposed = self.draw(st.booleans())
        if transposed and a != b:
            return self._new_symbol((b, a)).name + ".T"
        name = self._new_symbol((a, b)).name
        return name + ".T" if transposed else name

    # --- matrix expressions ------------------------------------------------------------------

    def inner_dim(self, left: str, right: str | None) -> str:
        """A dim between two factors; never makes a 1 x 1 factor."""
        d = self.draw(st.sampled_from((*self.dims, ONE)))
        if d == ONE and (left == ONE or right == ONE):
            d = self.dims[0]
        return d

    def factor(self, a: str, b: str, depth: int) -> str:
        nested = depth < 1 and self.budget >= 4 and self.draw(st.integers(0, 4)) == 4
        if not nested:
            return self.symbol(a, b)
        transposed = self.draw(st.booleans())
        inner = self.matrix(b, a, depth + 1, min_summands=2) if transposed else self.matrix(a, b, depth + 1, min_summands=2)
        return f"({inner}).T" if transposed else f"({inner})"

    def product(self, a: str, b: str, depth: int, min_len: int = 1) -> str:
        length = self.draw(st.integers(min_len, 4))
        length = max(min_len, min(length, self.budget))
        chain = [a]
        for i in range(length - 1):
            last = i == length - 2
            chain.append(self.inner_dim(chain[-1], b if last else None))
        chain.append(b)
        return " @ ".join(self.factor(chain[i], chain[i + 1], depth) for i in range(length))

    def matrix(self, a: str, b: str, depth: int = 0, min_summands: int = 1) -> str:
        """A sum (or difference) of products of shape a x b."""
        count = self.draw(st.integers(min_summands, 3 if depth == 0 else 2))
        if self.budget < 2 * count:
            count = min_summands
        parts: list[str] = []
        products: set[str] = set()
        for _ in range(count):
            sign = "" if not parts else self.draw(st.sampled_from((" + ", " - ")))
            coef = self.draw(st.sampled_from(SUMMAND_COEFFICIENTS))
            if "{s}" in coef:
                coef = coef.format(s=self.scalar())
            min_len = 2 if a == ONE and b == ONE else 1
            product = self.product(a, b, depth, min_len)
            if product in products:  # X - X would cancel: drop the repeat
                continue
            products.add(product)
            parts.append(f"{sign}{coef}{product}")
        return "".join(parts)

    # --- scalars -----------------------------------------------------------------------------

    def some_shape(self) -> tuple[str, str]:
        a = self.draw(st.sampled_from((*self.dims, ONE)))
        b = self.draw(st.sampled_from((*self.dims, ONE)))
        if a == ONE and b == ONE:
            b = self.dims[0]
        return a, b

    def atom(self, kind: str) -> tuple[str, bool]:
        """A basic scalar term; and whether it needs parentheses as an operand of * / **."""
        if kind == "sqnorm":
            a, b = self.some_shape()
            return f"norm({self.matrix(a, b)})**2", True
        if kind == "norm":
            a, b = self.some_shape()
            return f"norm({self.matrix(a, b)})", False
        if kind == "trace":
            d = self.draw(st.sampled_from(self.dims))
            if self.draw(st.integers(0, 3)) == 3:  # a Gram form tr(Eᵀ M E)
                e = self.draw(st.sampled_from(self.dims))
                r = self.matrix(d, e)
                return f"tr(({r}).T @ {self.product(d, d, 1)} @ ({r}))", False
            return f"tr({self.matrix(d, d)})", False
        if kind == "quad":
            if self.draw(st.integers(0, 2)) == 2:  # (r)ᵀ M (r) with a residual r
                d = self.draw(st.sampled_from(self.dims))
                r = self.matrix(d, ONE)
                return f"({r}).T @ {self.product(d, d, 1)} @ ({r})", True
            return self.product(ONE, ONE, 0, min_len=2), True
        if kind == "hadamard":  # an entrywise product of two sums, squared or summed
            a, b = self.some_shape()
            left, right = self.matrix(a, b), self.matrix(a, b)
            if self.draw(st.booleans()):
                return f"norm(({left}) * ({right}))**2", True
            return f"sum(({left}) * ({right}))", False
        if kind == "exp":  # exp of every entry of a product, summed
            a, b = self.some_shape()
            return f"sum(exp({self.product(a, b, 1)}))", False
        if kind == "logdet":  # of I + RᵀR: positive definite at every draw
            d, e = self.draw(st.sampled_from(self.dims)), self.draw(st.sampled_from((*self.dims, ONE)))
            r = self.matrix(e, d)
            return f"logdet(eye({d}) + ({r}).T @ ({r}))", False
        raise ValueError(kind)

    def scalar_term(self) -> str:
        kind = self.draw(st.sampled_from((*self.kinds, "compound")))
        if kind != "compound":
            text, _ = self.atom(kind)
        else:
            x, xp = self.atom(self.draw(st.sampled_from(self.kinds)))
            wrap = (lambda t, p: f"({t})" if p else t)
            op = self.draw(st.sampled_from(("*", "/", "**")))
            if op == "**":
                text = f"{wrap(x, xp)}**{self.draw(st.sampled_from(POWERS))}"
            else:
                y, yp = self.atom(self.draw(st.sampled_from(self.kinds)))
                text = f"{wrap(x, xp)} {op} {wrap(y, yp)}"
        prefix, suffix = self.draw(st.sampled_from(COEFFICIENTS))
        if "{s}" in prefix + suffix:
            s = self.scalar()
            prefix, suffix = prefix.format(s=s), suffix.format(s=s)
        return f"{prefix}{text}{suffix}"

    # --- the loss ----------------------------------------------------------------------------

    def loss(self, terms: int) -> str:
        parts = []
        for i in range(terms):
            sign = self.draw(st.sampled_from(("", "-"))) if i == 0 else self.draw(st.sampled_from((" + ", " - ")))
            parts.append(sign + self.scalar_term())
        return "".join(parts)

    def where(self) -> str:
        """Declarations grouped by spec, in order of first use: 'A, B: m x n; S: n x n symmetric'."""
        groups: dict[str, list[str]] = {}
        for s in self.symbols:
            groups.setdefault(s.spec(), []).append(s.name)
        if self.scalars:
            groups["scalar"] = list(self.scalars)
        return "; ".join(f"{', '.join(names)}: {spec}" for spec, names in groups.items())


@st.composite
def losses(draw, max_terms: int = 4, max_factors: int = 12, max_symbols: int = 7, elementwise: bool = False) -> Case:
    """A random scalar loss over 2-4 dims, its declarations, and a matrix or vector to differentiate by.

    max_factors bounds the symbol occurrences of the whole loss (the engine's time grows fast with
    the loss), max_symbols the number of declared matrices and vectors; `elementwise` adds the
    atoms of ELEMENTWISE_KINDS to the core language's.
    """
    ndims = draw(st.integers(2, len(DIM_NAMES)))
    dims = DIM_NAMES[:ndims]
    b = _Builder(draw, dims, max_factors, max_symbols, elementwise)
    loss = b.loss(draw(st.integers(1, max_terms)))
    used_dims = {d for s in b.symbols for d in s.shape if d != ONE}
    if len(used_dims) < 2:  # declare (unused) so that the declarations name at least two dims
        spare = next(d for d in dims if d not in used_dims)
        b._new_symbol((next(iter(used_dims), dims[0]), spare))
    where = b.where()
    decls = parse_where(where)
    term = parse_loss(loss, decls)  # a generator bug, not a fuzz finding, if this raises
    present = [s.name for s in b.symbols if s.name in term.symbols()]
    assume(present)  # every matrix cancelled (e.g. tr(A) - tr(A)): nothing to differentiate by
    wrt = present[draw(st.integers(0, len(present) - 1))]
    try:
        prepare(loss, wrt, where)
    except WrtError:  # pragma: no cover - cannot happen: wrt occurs in the parsed loss
        assume(False)
    return Case(loss, wrt, where)


__all__ = ["Case", "losses"]
