"""OPS: every operation of the language, one entry each, holding every facet of it.

An entry says, for one operation:
- `egg`: its egglog constructor (`lang.py`), and `args`: what its arguments are (see the kinds);
- `call`: its spelling in the loss language when it is a function call (`tr`, `norm`); operators
  (`@`, `.T`, the `*`/`/` and `+`/`-` chains, `**`) are read by `parse.py` by their syntax;
- `shape`: its shape rule (`Shape`), checked by the parser and propagated in the e-graph;
- `size` and `flops`: its cost, written once, used by the egglog cost rules, the Python extractors
  and the scores of a term (`costs.py`);
- `numpy`: its value (through `env["xp"]`, numpy's functions by default: `NumpyXP`);
  `text` and `latex`: how it prints (`printing.py`);
- `d`: its differential, one function per differentiable argument as in JAX's `defjvp`, each
  giving that argument's contribution to d(op) from the argument and its differential, written
  over a builder `B` so that the same rule builds egglog terms (the d-laws in `rules/differential.py`
  are generated from it) and plain terms. `STRUCTURAL` marks an operation whose d-law is written by
  hand there (sums and products over multisets, the variable itself); `()` a constant.

`check_complete()` (run by the tests) fails when an entry lacks a facet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from egraph_mc import lang
from egraph_mc import printing as P
from egraph_mc.term import ONE_DIM, Term

# --- argument kinds -------------------------------------------------------------------------------
M, S = "M", "S"  # a matrix, a scalar (children)
NAME, DIM, DIMS, INT = "name", "dim", "dims", "int"  # literals, held in Term.attr
TERMS, FACTORS = "terms", "factors"  # a multiset of (coefficient, term) pairs / of scalar factors
CHILD_KINDS = (M, S)
STRUCTURAL = "structural"


@dataclass(frozen=True)
class Shape:
    """A shape rule: where the result's rows and cols come from, and what the arguments must satisfy.

    out: None for a scalar result; else (rows, cols), each ("arg", i, "r"|"c"), ("attr", j) or
        ("one",), the dim 1 of vectors.
    same: pairs of argument dims that must be equal, with what the error calls the operation.
    square: arguments that must be square matrices; vector: arguments that must be column vectors.
    """

    out: tuple | None
    same: tuple[tuple[tuple[int, str], tuple[int, str]], ...] = ()
    square: tuple[int, ...] = ()
    vector: tuple[int, ...] = ()


SCALAR = Shape(None)


class Pattern(NamedTuple):
    """An operation applied to egglog pattern variables."""

    node: Any
    children: list  # (kind, variable) of each child, in order
    literals: list  # the variables of its literal arguments (names, dims, integers), in order
    args: list  # every argument variable, in the constructor's order


@dataclass(frozen=True)
class Op:
    name: str
    egg: Callable[..., Any]
    args: tuple[str, ...]
    sort: str  # M or S
    shape: Shape
    numpy: Callable[..., Any]  # (term, child values, env) -> value
    text: Callable[..., tuple[str, int]]  # (term, show) -> (text, form)
    latex: Callable[..., tuple[str, int]]
    size: Callable[..., Any]  # (view) -> printed tokens of the node itself (not its children)
    flops: Callable[..., Any]  # (view) -> floating-point operations of the node itself
    d: tuple[Callable[..., Any], ...] | str
    # for an operation linear in an argument (as the differentials use them): that argument's
    # adjoint from the result's, (B, *args, adjoint) -> term; the read-off of the fallback
    # (`differentiate.py`) transposes dL with them. Sums and products: by their multisets.
    adjoint: tuple[Callable[..., Any], ...] = ()
    call: str | None = None  # spelled as a function call in the loss language
    # numpy's spellings accepted for it (`np.` and `numpy.` prefixes both read): functions
    # (np.trace, np.linalg.norm) and array methods (x.dot(y)); the output uses the language's own
    spellings: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    # its text in generated numpy source (`render.numpy_source`) where that differs from `text`:
    # numpy's functions for the language's own (np.trace for tr); vectors there are columns
    source: Callable[..., tuple[str, int]] | None = None
    symbol: str | None = None  # spelled as an operator (for messages)
    usage: str | None = None  # a call as written, for messages: tr(X)
    doc: str = ""
    # terms using the op, in the symbols of `rules.vocabulary` (X: m x n is the variable): the
    # generated laws (its d-law, its analyses) are fired and audited on them
    examples: tuple[str, ...] = ()

    @property
    def children_kinds(self) -> tuple[str, ...]:
        return tuple(k for k in self.args if k in CHILD_KINDS)

    def pattern(self) -> Pattern:
        """op(v0, v1, ...) over fresh egglog pattern variables."""
        sorts = {M: lang.Mat, S: lang.Scalar, NAME: lang.String, DIM: lang.Dim, INT: lang.i64}
        args, children, literals = [], [], []
        for i, kind in enumerate(self.args):
            if kind == DIMS:
                pair = [lang.var(f"d{i}a", lang.Dim), lang.var(f"d{i}b", lang.Dim)]
                args += pair
                literals += pair
                continue
            v = lang.var(f"v{i}", sorts[kind])
            args.append(v)
            (children if kind in CHILD_KINDS else literals).append((kind, v) if kind in CHILD_KINDS else v)
        return Pattern(self.egg(*args), children, literals, args)


def _size_of(env, d: str) -> int:
    return 1 if d == ONE_DIM else int(d) if d.isdigit() else env["dims"][d]


class NumpyXP:
    """The array functions the `numpy` facets call, from numpy. Another namespace with the same
    methods evaluates the same facets elsewhere (bench/evalspeed.py: torch, for autograd)."""

    inplace = True  # sums may accumulate into an array they own

    @staticmethod
    def eye(n: int):
        return np.eye(n)

    @staticmethod
    def zeros(r: int, c: int):
        return np.zeros((r, c))

    @staticmethod
    def trace(a):
        return float(np.trace(a))

    @staticmethod
    def norm(a):
        return float(np.linalg.norm(a))

    @staticmethod
    def diagonal(a):
        return np.diagonal(a).reshape(-1, 1).copy()  # a column, as every vector here

    @staticmethod
    def diag_matrix(v):
        return np.diagflat(v)

    @staticmethod
    def ones(r: int, c: int):
        return np.ones((r, c))

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)

    @staticmethod
    def sum(a):
        return float(np.sum(a))

    @staticmethod
    def inv(a):
        return np.linalg.inv(a)

    @staticmethod
    def det(a):
        return float(np.linalg.det(a))

    @staticmethod
    def logdet(a):
        return float(np.linalg.slogdet(a)[1])  # log|det A|


NUMPY = NumpyXP()


def _combination(t: Term, vals, env):
    """Σ qᵢvᵢ with one full-size temporary: a coefficient ±1 is no multiply; the terms after the first
    accumulate in place into an array this sum owns (subterm values are shared, never written to)."""
    acc, owned = None, False
    if not env.get("xp", NUMPY).inplace:
        return sum(v if q == 1 else -v if q == -1 else float(q) * v for (q, _), v in zip(t.args, vals, strict=True))
    for (q, _), v in zip(t.args, vals, strict=True):
        if acc is None:
            acc, owned = (v, False) if q == 1 else (-v if q == -1 else float(q) * v, True)
        elif not owned:
            acc, owned = (acc + v if q == 1 else acc - v if q == -1 else acc + float(q) * v), True
        elif q == 1:
            acc += v
        elif q == -1:
            acc -= v
        else:
            acc += float(q) * v
    if acc is None:  # the empty sum: the scalar 0
        return 0.0
    return acc


def _product(t: Term, vals, env):
    out = 1.0
    for v in vals:
        out = out * v
    return out


_MT_SET, _ST_SET, _FACTOR_SET = lang.MultiSet[lang.MT], lang.MultiSet[lang.ST], lang.MultiSet[lang.Scalar]


def _mt(q, x):
    return lang.MT(lang.rat(q) if isinstance(q, (int, Fraction)) else lang.BigRat(q, 1), x)


def _st(q, s):
    return lang.ST(lang.rat(q) if isinstance(q, (int, Fraction)) else lang.BigRat(q, 1), s)


def _dim(d: str) -> lang.Dim:
    return lang.Dim.one() if d == ONE_DIM else lang.Dim.named(d)


def _tokens(n: int) -> Callable[[Any], int]:
    return lambda v: n


# --- costs of sums and products, shared by every cost path (costs.py mirrors them in egglog) -------
# A sum q₁A₁ + q₂A₂ + ... prints n - 1 signs, a leading minus when no term is positive, and each
# coefficient; it costs a pass over the result per sign, one per coefficient other than ±1, and one
# more for a leading minus printed on a term (`-X - Y`, `-X / 2`) rather than folded into a literal
# (`-2 * X`): see `printing.sum_order`. A number q·1 prints as the literal q and costs nothing.
# `terms` is ((q, is_number), ...).


def sum_size(terms) -> int:
    return len(terms) - 1 + (not any(q > 0 for q, _ in terms))


def sum_flops(terms, elems) -> Any:
    return elems * (len(terms) - 1 + all(P.unfolded_sign(q, num) for q, num in terms))


def coefficient_size(q: Fraction, is_number: bool = False) -> int:
    """`2 *`, `/ 2`: two tokens; `3/2 *`: four; ±1: none (the sign is the sum's). A number q·1 prints
    as q: the 1 counts one token, so an integer adds none and p/k two."""
    q = abs(q)
    if is_number:
        return 0 if q.denominator == 1 else 2
    if q == 1:
        return 0
    return 2 if q.denominator == 1 or q.numerator == 1 else 4


def coefficient_flops(q: Fraction, elems, is_number: bool = False) -> Any:
    return 0 if abs(q) == 1 or is_number else elems


def _sum_size(v) -> int:
    return sum_size(v.terms) + sum(coefficient_size(q, num) for q, num in v.terms)


def _sum_flops(v) -> Any:
    elems = v.out_elems()
    return sum_flops(v.terms, elems) + sum(coefficient_flops(q, elems, num) for q, num in v.terms)


def _cube(v) -> Any:
    """n³ for the n x n argument (written as products: the egglog view's dims are i64 terms)."""
    n = v.rows(0)
    return n * n * n


# FLOPs per entry of an elementwise exp, log or sqrt: a transcendental costs several multiply-adds
TRANSCENDENTAL = 4


def _pow_size(v) -> int:
    return 0 if v.attr == -1 else 2  # `/ s` (the product's `/`), else `**k`


def _pow_flops(v) -> int:
    return 0 if v.attr == -1 else 1  # one power; a divisor's division is its product's operation


OPS: dict[str, Op] = {
    op.name: op
    for op in (
        # --- leaves -------------------------------------------------------------------------
        Op("var", lang.Mat.var, (NAME,), M, Shape(("declared",)),
           numpy=lambda t, vals, env: env["values"][t.attr],
           text=P.name_text, latex=P.name_latex, size=_tokens(1), flops=lambda v: 0, d=STRUCTURAL,
           examples=("X",), doc="a declared matrix or vector"),
        Op("svar", lang.Scalar.var, (NAME,), S, SCALAR,
           numpy=lambda t, vals, env: env["values"][t.attr],
           text=P.name_text, latex=P.name_latex, size=_tokens(1), flops=lambda v: 0, d=(),
           examples=("lam",), doc="a declared scalar (a constant: never differentiated)"),
        Op("one", lang.Scalar.one, (), S, SCALAR,
           numpy=lambda t, vals, env: 1.0,
           text=lambda t, show: ("1", P.ATOM), latex=lambda t, show: ("1", P.ATOM), size=_tokens(1), flops=lambda v: 0, d=(),
           examples=("lam + 1",), doc="the number 1 (other numbers are its multiples: q·1)"),
        Op("eye", lang.Mat.eye, (DIM,), M, Shape((("attr", 0), ("attr", 0))),
           numpy=lambda t, vals, env: env["xp"].eye(_size_of(env, t.attr)),
           text=lambda t, show: (f"eye({t.attr})", P.ATOM), latex=lambda t, show: ("I", P.ATOM),
           source=lambda t, show: (f"np.eye({t.attr})", P.ATOM),
           size=_tokens(2), flops=lambda v: 0, d=(), call="eye", spellings=("np.eye", "np.identity"), usage="eye(n)", examples=("eye(n) + N",), doc="the identity of a declared dim"),
        Op("zeros", lang.Mat.zeros, (DIMS,), M, Shape((("attr", 0), ("attr", 1))),
           numpy=lambda t, vals, env: env["xp"].zeros(_size_of(env, t.attr[0]), _size_of(env, t.attr[1])),
           text=lambda t, show: (f"zeros(({t.attr[0]}, {t.attr[1]}))", P.ATOM),
           source=lambda t, show: (f"np.zeros(({t.attr[0]}, {t.attr[1]}))", P.ATOM),
           latex=lambda t, show: ("0", P.ATOM), size=_tokens(3), flops=lambda v: 0, d=(), call="zeros", spellings=("np.zeros",),
           usage="zeros((m, n))", examples=("zeros((m, n)) + X",), doc="the zero matrix of a shape"),
        Op("ones", lang.Mat.ones, (DIMS,), M, Shape((("attr", 0), ("attr", 1))),
           numpy=lambda t, vals, env: env["xp"].ones(_size_of(env, t.attr[0]), _size_of(env, t.attr[1])),
           text=lambda t, show: (f"ones(({t.attr[0]}, {t.attr[1]}))", P.ATOM),
           source=lambda t, show: (f"np.ones(({t.attr[0]}, {t.attr[1]}))", P.ATOM),
           latex=lambda t, show: (r"\mathbf{1}", P.ATOM), size=_tokens(3), flops=lambda v: 0, d=(), call="ones",
           spellings=("np.ones",), usage="ones((m, n))", examples=("ones((m, n)) + X",),
           doc="the matrix of ones of a shape (a scalar added to a matrix is broadcast as s * ones)"),
        # --- matrices ---------------------------------------------------------------------
        Op("matmul", lambda a, b: a @ b, (M, M), M,
           Shape((("arg", 0, "r"), ("arg", 1, "c")), same=(((0, "c"), (1, "r")),)),
           numpy=lambda t, vals, env: vals[0] @ vals[1],
           text=P.matmul_text, latex=lambda t, show: P.matmul_text(t, show, True), source=P.matmul_source, size=_tokens(1),
           flops=lambda v: 2 * v.rows(0) * v.cols(0) * v.cols(1),
           d=(lambda B, a, b, da: B.matmul(da, b), lambda B, a, b, db: B.matmul(a, db)),
           adjoint=(lambda B, a, b, g: B.matmul(g, B.transpose(b)), lambda B, a, b, g: B.matmul(B.transpose(a), g)),
           symbol="@", spellings=("np.matmul", "np.dot"), methods=("dot",), examples=("X @ X.T", "A.T @ X", "X @ B"),
           doc="A @ B (x @ y of two vectors is their inner product, as in numpy)"),
        Op("transpose", lambda a: a.T, (M,), M, Shape((("arg", 0, "c"), ("arg", 0, "r"))),
           numpy=lambda t, vals, env: vals[0].T,
           text=P.transpose_text, latex=lambda t, show: P.transpose_text(t, show, True), size=_tokens(1),
           flops=lambda v: 0, d=(lambda B, a, da: B.transpose(da),), adjoint=(lambda B, a, g: B.transpose(g),), symbol=".T", spellings=("np.transpose",), methods=("transpose",), examples=("X.T",), doc="A.T"),
        Op("sum", lambda *pairs: lang.lin(_MT_SET(*(_mt(q, x) for q, x in pairs))), (TERMS,), M,
           Shape(("terms",)),
           numpy=_combination, text=P.sum_text, latex=lambda t, show: P.sum_text(t, show, True),
           size=_sum_size, flops=_sum_flops, d=STRUCTURAL, symbol="+", examples=("X - 2 * A",), doc="Σ qᵢAᵢ: a linear combination with rational coefficients"),
        Op("scale", lang.smul, (S, M), M, Shape((("arg", 1, "r"), ("arg", 1, "c"))),
           numpy=lambda t, vals, env: vals[0] * vals[1],
           text=P.scale_text, latex=lambda t, show: P.scale_text(t, show, True), size=_tokens(1),
           flops=lambda v: v.elems(1),
           d=(lambda B, s, a, ds: B.scale(ds, a), lambda B, s, a, da: B.scale(s, da)),
           adjoint=(lambda B, s, a, g: B.trace(B.matmul(B.transpose(g), a)), lambda B, s, a, g: B.scale(s, g)),
           symbol="*", examples=("tr(X.T @ X) * X", "lam * X", "tr(X.T @ A) * A"), doc="s * A for a scalar term s"),
        Op("diagonal", lang.diagonal, (M,), M, Shape((("arg", 0, "r"), ("one",)), square=(0,)),
           numpy=lambda t, vals, env: env["xp"].diagonal(vals[0]),
           source=lambda t, show: (f"np.diag({show(t.args[0])[0]}).reshape(-1, 1)", P.ATOM),  # a column
           text=P.call_text("diag"), latex=P.call_latex(r"\operatorname{{diag}}\left({0}\right)"), size=_tokens(1),
           flops=lambda v: 0, d=(lambda B, a, da: B.diagonal(da),), adjoint=(lambda B, a, g: B.diag_matrix(g),),
           call="diag", spellings=("np.diag", "np.diagonal"), methods=("diagonal",), usage="diag(A)",
           examples=("diag(X.T @ A)", "diag(X.T @ A - 2 * N)"),
           doc="the diagonal of a square matrix, as a column vector (numpy's diag of a matrix)"),
        Op("diag_matrix", lang.diag_matrix, (M,), M, Shape((("arg", 0, "r"), ("arg", 0, "r")), vector=(0,)),
           numpy=lambda t, vals, env: env["xp"].diag_matrix(vals[0]),
           source=P.call_text("np.diagflat"),
           text=P.call_text("diag"), latex=P.call_latex(r"\operatorname{{diag}}\left({0}\right)"), size=_tokens(1),
           flops=lambda v: 0, d=(lambda B, v, dv: B.diag_matrix(dv),), adjoint=(lambda B, v, g: B.diagonal(g),),
           call="diag", spellings=("np.diag",), usage="diag(v)", examples=("diag(X @ y)", "diag(X @ y - x)"),
           doc="the diagonal matrix of a column vector (numpy's diag of a vector)"),
        # --- elementwise ------------------------------------------------------------------
        Op("hadamard", lang.hadamard, (M, M), M,
           Shape((("arg", 0, "r"), ("arg", 0, "c")), same=(((0, "r"), (1, "r")), ((0, "c"), (1, "c")))),
           numpy=lambda t, vals, env: vals[0] * vals[1],
           text=P.hadamard_text, latex=lambda t, show: P.hadamard_text(t, show, True), size=_tokens(1),
           flops=lambda v: v.out_elems(),
           d=(lambda B, a, b, da: B.hadamard(da, b), lambda B, a, b, db: B.hadamard(a, db)),
           adjoint=(lambda B, a, b, g: B.hadamard(g, b), lambda B, a, b, g: B.hadamard(a, g)),
           symbol="*", spellings=("np.multiply",), examples=("A * X", "(X @ B) * (A @ B)"),
           doc="A * B, the elementwise (Hadamard) product of two matrices of one shape"),
        Op("hdiv", lang.hdiv, (M, M), M,
           Shape((("arg", 0, "r"), ("arg", 0, "c")), same=(((0, "r"), (1, "r")), ((0, "c"), (1, "c")))),
           numpy=lambda t, vals, env: vals[0] / vals[1],
           text=P.hdiv_text, latex=lambda t, show: P.hdiv_text(t, show, True), size=_tokens(1),
           flops=lambda v: v.out_elems(),
           d=(lambda B, a, b, da: B.hdiv(da, b),
              lambda B, a, b, db: B.sum((-1, B.hdiv(B.hadamard(a, db), B.epow(b, 2))))),
           adjoint=(lambda B, a, b, g: B.hdiv(g, b),),
           symbol="/", spellings=("np.divide",), examples=("X / exp(A)", "A / exp(X)"),
           doc="A / B, the elementwise quotient of two matrices of one shape"),
        Op("epow", lang.epow, (M, INT), M, Shape((("arg", 0, "r"), ("arg", 0, "c"))),
           numpy=lambda t, vals, env: vals[0] ** t.attr,
           text=P.epow_text, latex=lambda t, show: P.epow_text(t, show, True), size=_tokens(2),
           flops=lambda v: v.out_elems(),
           d=(lambda B, a, k, da: B.hadamard(B.sum((k, B.epow(a, k - 1))), da),),
           symbol="**", examples=("X**3", "1 / X"),
           doc="A**k, every entry to the integer power k (1 / A for k = -1)"),
        Op("exp", lang.exp, (M,), M, Shape((("arg", 0, "r"), ("arg", 0, "c"))),
           numpy=lambda t, vals, env: env["xp"].exp(vals[0]),
           text=P.call_text("exp"), latex=P.call_latex(r"\exp\left({0}\right)"), source=P.call_text("np.exp"),
           size=_tokens(1), flops=lambda v: TRANSCENDENTAL * v.out_elems(),
           d=(lambda B, a, da: B.hadamard(B.exp(a), da),),
           call="exp", spellings=("np.exp",), usage="exp(X)", examples=("exp(X @ B)",), doc="exp of every entry"),
        Op("log", lang.log, (M,), M, Shape((("arg", 0, "r"), ("arg", 0, "c"))),
           numpy=lambda t, vals, env: env["xp"].log(vals[0]),
           text=P.call_text("log"), latex=P.call_latex(r"\log\left({0}\right)"), source=P.call_text("np.log"),
           size=_tokens(1), flops=lambda v: TRANSCENDENTAL * v.out_elems(),
           d=(lambda B, a, da: B.hdiv(da, a),),
           call="log", spellings=("np.log",), usage="log(X)", examples=("log(exp(X @ B))",),
           doc="the natural log of every entry"),
        Op("sqrt", lang.sqrt, (M,), M, Shape((("arg", 0, "r"), ("arg", 0, "c"))),
           numpy=lambda t, vals, env: env["xp"].sqrt(vals[0]),
           text=P.call_text("sqrt"), latex=P.call_latex(r"\sqrt{{{0}}}"), source=P.call_text("np.sqrt"),
           size=_tokens(1), flops=lambda v: TRANSCENDENTAL * v.out_elems(),
           d=(lambda B, a, da: B.hdiv(da, B.sum((2, B.sqrt(a)))),),
           call="sqrt", spellings=("np.sqrt",), usage="sqrt(X)", examples=("sqrt(exp(X @ B))",),
           doc="the square root of every entry"),
        # The inverse and the determinants of an n x n matrix: FLOPs as LAPACK spends them, LU
        # (about (2/3)n³, counted n³) and for the inverse n triangular solve pairs on top (2n³ in all).
        Op("inv", lang.inv, (M,), M, Shape((("arg", 0, "r"), ("arg", 0, "c")), square=(0,)),
           numpy=lambda t, vals, env: env["xp"].inv(vals[0]),
           text=P.call_text("inv"), latex=P.inverse_latex, source=P.call_text("np.linalg.inv"), size=_tokens(1),
           flops=lambda v: 2 * _cube(v),
           d=(lambda B, a, da: B.sum((-1, B.matmul(B.matmul(B.inv(a), da), B.inv(a)))),),
           call="inv", spellings=("np.linalg.inv",), usage="inv(X)", examples=("inv(S @ S + X.T @ X)",),
           doc="inv(A), the inverse of a square A"),
        Op("det", lang.det, (M,), S, Shape(None, square=(0,)),
           numpy=lambda t, vals, env: env["xp"].det(vals[0]),
           text=P.call_text("det"), latex=P.call_latex(r"\det\left({0}\right)"), source=P.call_text("np.linalg.det"),
           size=_tokens(1), flops=_cube,
           d=(lambda B, a, da: B.prod(B.det(a), B.trace(B.matmul(B.inv(a), da))),),
           call="det", spellings=("np.linalg.det",), usage="det(X)", examples=("det(S @ S + X.T @ X)",),
           doc="det(A), the determinant of a square A"),
        Op("logdet", lang.logdet, (M,), S, Shape(None, square=(0,)),
           numpy=lambda t, vals, env: env["xp"].logdet(vals[0]),
           text=P.call_text("logdet"), latex=P.call_latex(r"\log\left|\det {0}\right|"),
           source=lambda t, show: (f"np.linalg.slogdet({show(t.args[0])[0]})[1]", P.ATOM),
           size=_tokens(1), flops=_cube,
           d=(lambda B, a, da: B.trace(B.matmul(B.inv(a), da)),),
           call="logdet", usage="logdet(X)", examples=("logdet(S @ S + X.T @ X)",),
           doc="logdet(A) = log|det A| of a square A (numpy's slogdet(A)[1])"),
        # --- scalars ----------------------------------------------------------------------
        Op("trace", lang.tr, (M,), S, Shape(None, square=(0,)),
           numpy=lambda t, vals, env: env["xp"].trace(vals[0]),
           text=P.trace_text, latex=lambda t, show: P.trace_text(t, show, True), source=P.trace_source, size=lambda v: 0 if v.bare_trace(0) else 1,
           flops=lambda v: 0 if v.bare_trace(0) else v.rows(0), d=(lambda B, a, da: B.trace(da),), call="tr", spellings=("np.trace",), methods=("trace",),
           adjoint=(lambda B, a, g: B.scale(g, B.identity(a)),),
           usage="tr(X)", examples=("tr(A.T @ X)",), doc="tr(A); a 1x1 product read as a scalar is its trace, printed bare: (x.T @ y)"),
        Op("norm", lang.norm, (M,), S, SCALAR,
           numpy=lambda t, vals, env: env["xp"].norm(vals[0]),
           text=P.call_text("norm"), latex=P.call_latex(r"\left\|{0}\right\|_F"), source=P.call_text("np.linalg.norm"), size=_tokens(1),
           flops=lambda v: 2 * v.elems(0),
           d=(lambda B, a, da: B.prod(B.trace(B.matmul(B.transpose(a), da)), B.pow(B.norm(a), -1)),),
           call="norm", spellings=("np.linalg.norm",), usage="norm(X)", examples=("norm(X)",), doc="the Frobenius norm ‖A‖"),
        Op("esum", lang.esum, (M,), S, SCALAR,
           numpy=lambda t, vals, env: env["xp"].sum(vals[0]),
           text=P.call_text("sum"), latex=P.call_latex(r"\operatorname{{sum}}\left({0}\right)"), source=P.call_text("np.sum"),
           size=_tokens(1), flops=lambda v: v.elems(0), d=(lambda B, a, da: B.esum(da),),
           adjoint=(lambda B, a, g: B.scale(g, B.ones_like(a)),),
           call="sum", spellings=("np.sum",), methods=("sum",), usage="sum(X)", examples=("sum(X @ B)",),
           doc="sum(A), the sum of the entries"),
        Op("sexp", lang.sexp, (S,), S, SCALAR,
           numpy=lambda t, vals, env: env["xp"].exp(vals[0]),
           text=P.call_text("exp"), latex=P.call_latex(r"\exp\left({0}\right)"), source=P.call_text("np.exp"),
           size=_tokens(1), flops=lambda v: TRANSCENDENTAL, d=(lambda B, s, ds: B.prod(B.sexp(s), ds),),
           call="exp", spellings=("np.exp",), usage="exp(s)", examples=("exp(tr(A.T @ X))",), doc="exp of a scalar"),
        Op("slog", lang.slog, (S,), S, SCALAR,
           numpy=lambda t, vals, env: env["xp"].log(vals[0]),
           text=P.call_text("log"), latex=P.call_latex(r"\log\left({0}\right)"), source=P.call_text("np.log"),
           size=_tokens(1), flops=lambda v: TRANSCENDENTAL, d=(lambda B, s, ds: B.prod(ds, B.pow(s, -1)),),
           call="log", spellings=("np.log",), usage="log(s)", examples=("log(tr(X.T @ X))",), doc="the natural log of a scalar"),
        Op("ssqrt", lang.ssqrt, (S,), S, SCALAR,
           numpy=lambda t, vals, env: env["xp"].sqrt(vals[0]),
           text=P.call_text("sqrt"), latex=P.call_latex(r"\sqrt{{{0}}}"), source=P.call_text("np.sqrt"),
           size=_tokens(1), flops=lambda v: TRANSCENDENTAL,
           d=(lambda B, s, ds: B.ssum((Fraction(1, 2), B.prod(ds, B.pow(B.ssqrt(s), -1)))),),
           call="sqrt", spellings=("np.sqrt",), usage="sqrt(s)", examples=("sqrt(tr(X.T @ X))",),
           doc="the square root of a scalar"),
        Op("ssum", lambda *pairs: lang.slin(_ST_SET(*(_st(q, s) for q, s in pairs))), (TERMS,), S, SCALAR,
           numpy=_combination, text=P.sum_text, latex=lambda t, show: P.sum_text(t, show, True),
           size=_sum_size, flops=_sum_flops, d=STRUCTURAL, symbol="+", examples=("tr(X.T @ X) + 2 * lam",), doc="Σ qᵢsᵢ of scalars; q·1 is the number q, the empty sum 0"),
        Op("prod", lambda *fs: lang.sprod(_FACTOR_SET(*fs)), (FACTORS,), S, SCALAR,
           numpy=_product, text=P.prod_text, latex=lambda t, show: P.prod_text(t, show, True),
           size=lambda v: v.nargs - 1, flops=lambda v: v.nargs - 1, d=STRUCTURAL, symbol="*", examples=("lam * tr(M @ X @ X.T) * tr(X.T @ X)",), doc="Π fᵢ of scalars; a factor s**-k prints as the divisor / s**k"),
        Op("pow", lang.spow, (S, INT), S, SCALAR,
           numpy=lambda t, vals, env: vals[0] ** t.attr,
           text=P.pow_text, latex=lambda t, show: P.pow_text(t, show, True), size=_pow_size, flops=_pow_flops,
           d=(lambda B, s, k, ds: B.ssum((k, B.prod(B.pow(s, k - 1), ds))),),
           symbol="**", examples=("tr(X.T @ X)**3", "tr(X.T @ X)**-1"), doc="s**k for an integer k"),
    )
}


def check_complete() -> list[str]:
    """What the table lacks: every entry needs every facet, and a d for every differentiable argument."""
    missing = []
    for op in OPS.values():
        for facet in ("egg", "numpy", "text", "latex", "shape"):
            if getattr(op, facet) is None:
                missing.append(f"{op.name}: no {facet}")
        if op.flops is None or op.size is None:
            missing.append(f"{op.name}: no cost")
        if op.d != STRUCTURAL and len(op.d) not in (0, len(op.children_kinds)):
            missing.append(f"{op.name}: {len(op.d)} differentials for {len(op.children_kinds)} arguments")
        if not op.doc:
            missing.append(f"{op.name}: no doc")
    return missing


def op(name: str) -> Op:
    """The entry of an operation; an unknown one is an error, never skipped."""
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"unknown operation {name!r} (known: {', '.join(OPS)})") from None


def _spelled(pairs) -> dict[str, tuple[Op, ...]]:
    """name -> the operations spelled so, in table order (diag: of a matrix, then of a vector; the
    parser takes the first whose shape rule the arguments meet)."""
    out: dict[str, tuple[Op, ...]] = {}
    for name, o in pairs:
        out[name] = out.get(name, ()) + (o,)
    return out


# the language's calls (the functions before the constants eye and zeros), numpy's spellings, methods
CALLS = _spelled(sorted(((o.call, o) for o in OPS.values() if o.call), key=lambda p: p[1].name in ("eye", "zeros", "ones")))
SPELLINGS = _spelled((name, o) for o in OPS.values() for name in o.spellings)
METHODS = _spelled((name, o) for o in OPS.values() for name in o.methods)
