"""Anchors of the benchmark: the same gradients derived by SymPy and by tensorgrad, measured like ours.

    python -m bench.anchors [--all] [--json bench/results/anchors.json]

For each problem (loss, wrt, where), each anchor tool builds the loss in its own terms, differentiates,
simplifies as its users would, and the answer is translated back into egraph_mc's numpy syntax. The
translation is parsed by egraph_mc, printed by egraph_mc's printer and measured with the same
`printed_size`; it is checked against finite differences of the loss with the same
`relative_error_vs_finite_differences` (on data that honours the declared properties).

- SymPy: MatrixSymbols (vectors as n x 1), squared Frobenius norms as `Trace(X.T*X)`, an unsquared
  norm as `sqrt(Trace(X.T*X))`; `expr.diff(MatrixSymbol)` then `simplify`. MatrixSymbol has no
  symmetric or diagonal variant: such declarations are lost (noted), the numerical check still uses
  symmetric/diagonal data. SymPy 1.14 answers 0 for the derivative of a sum of traces (sympy issue
  #26585): that answer is recorded as "wrong", never skipped.
- tensorgrad (0.3): every matrix is an order-2 tensor whose edges we track as (row, column), vectors
  order-1, scalars order-0; `@` renames the contracted edges to a fresh shared name, `tr` contracts
  with an identity Delta, `norm(X)**2` is `Product([X, X])`. Symmetric (and diagonal) matrices are
  variables `with_symmetries`. The gradient is `loss.grad(W).full_simplify(expand=False)`, i.e. its own
  `simplify()` repeated until it changes nothing (with its default knobs, no expansion into a sum of
  products); the answer, a tensor network, is read back into matrix chains and traces. Independently
  of the translation, tensorgrad's generated torch program (its compiler's `codegen.specialize`, run
  on plain tensors since torch 2.13 has no named tensors) is checked against finite differences too.

Timings are the median of 3 runs of the tool's differentiation + simplification only (building the
tool's loss expression and translating are outside), each from fresh state where the tool allows:
SymPy's cache is cleared, tensorgrad's expression objects (which memoize on themselves) are rebuilt.

The tools are optional: every import of sympy, tensorgrad or torch is inside a function, and a tool
that is missing gives status "not installed".
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import operator
import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from bench.timing import median_seconds
from egraph_mc.declare import Declarations, parse_where
from egraph_mc.parse import parse_loss
from egraph_mc.render import printed_size, to_text
from egraph_mc.parse import as_scalar
from egraph_mc.term import ONE_DIM, Term
from egraph_mc.testing.numeric import random_dims, random_values
from egraph_mc.verify import directional_fd, relative_error_vs_finite_differences

TOLERANCE = 1e-6  # a relative error below this is a right gradient
REPEATS = 3

STATUSES = ("ok", "wrong", "untranslatable", "unsupported", "error", "not installed")


@dataclass
class AnchorResult:
    tool: str
    status: str  # one of STATUSES
    gradient: str | None = None  # the answer in egraph_mc syntax, when translatable
    raw: str | None = None  # the tool's own printed answer
    size: int | None = None  # printed_size of `gradient`
    correct: bool | None = None  # against finite differences
    seconds: float | None = None  # median of REPEATS runs of differentiation + simplification
    note: str = ""


class Untranslatable(Exception):
    """The tool's answer has a construct that egraph_mc's syntax cannot write."""


def _version(module: str) -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - python < 3.8
        return "unknown"
    try:
        return version(module)
    except PackageNotFoundError:
        return "not installed"


def tool_versions() -> dict[str, str]:
    """Installed versions of the anchor tools, or "not installed"."""
    return {name: _version(name) for name in ("sympy", "tensorgrad", "torch")}


# --- shared: the problem, the check, the measure ----------------------------------------------


@dataclass
class _Problem:
    loss: str
    wrt: str
    where: str
    decls: Declarations
    term: Term  # the loss as a scalar term

    @property
    def wrt_shape(self) -> tuple[str, str]:
        return self.decls.symbols[self.wrt].shape

    def property_note(self) -> str:
        props = [
            f"{n} {'diagonal' if s.diagonal else 'symmetric'}"
            for n, s in self.decls.symbols.items()
            if s.symmetric or s.diagonal
        ]
        return ", ".join(props)


def _problem(loss: str, wrt: str, where: str) -> _Problem:
    decls = parse_where(where)
    term = parse_loss(loss, decls)
    if not term.is_scalar:
        term = as_scalar(term)
    if wrt not in decls.symbols or decls.symbols[wrt].shape is None:
        raise ValueError(f"wrt={wrt!r} must be a declared matrix or vector")
    return _Problem(loss, wrt, where, decls, term)


def _median_seconds(run: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    return median_seconds(run, repeats)


def _translated(p: _Problem, text: str) -> tuple[Term, str, int]:
    """Parse a translated gradient, print it with egraph_mc's printer, measure it."""
    try:
        g = parse_loss(text, p.decls)
    except Exception as e:  # the translation does not parse back: a translation gap, not the tool's fault
        raise Untranslatable(f"translation did not parse: {type(e).__name__}: {e}; text: {text}") from None
    if g.is_scalar or g.is_1x1:
        if p.wrt_shape != (ONE_DIM, ONE_DIM):
            if g.op == "ssum" and not g.args:  # the number 0
                g = parse_loss(f"zeros(({p.wrt_shape[0]}, {p.wrt_shape[1]}))", p.decls)
            else:
                raise Untranslatable(f"a scalar gradient for a {p.wrt_shape[0]}x{p.wrt_shape[1]} matrix: {text}")
    elif g.shape != p.wrt_shape:
        raise Untranslatable(f"gradient of shape {g.shape} for {p.wrt} of shape {p.wrt_shape}: {text}")
    printed = to_text(g)
    return g, printed, printed_size(printed)


def _error_of_callable(p: _Problem, gradient: Callable[[dict, dict], np.ndarray], trials: int = 3, seed: int = 0) -> float:
    """relative_error_vs_finite_differences for a gradient given as a function of (values, dims)."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(trials):
        dims = random_dims(p.decls, rng)
        values = random_values(p.decls, rng, dims)
        v = rng.standard_normal(np.shape(values[p.wrt]))
        g = np.broadcast_to(np.asarray(gradient(values, dims), dtype=float), np.shape(values[p.wrt]))
        analytic = float(np.sum(g * v))
        fd = directional_fd(p.term, p.wrt, values, v, dims)
        worst = max(worst, abs(analytic - fd) / max(abs(analytic), abs(fd), 1e-12))
    return worst


def _finish(tool: str, p: _Problem, raw: str, text: str | None, seconds: float, notes: list[str],
            untranslatable_reason: str | None = None, fallback_error: float | None = None) -> AnchorResult:
    """Translate, check, measure; the status follows from what could be done."""
    res = AnchorResult(tool, "ok", raw=raw, seconds=seconds)
    if text is not None:
        try:
            g, printed, size = _translated(p, text)
        except Untranslatable as e:
            untranslatable_reason = str(e)
        else:
            res.gradient, res.size = printed, size
            err = relative_error_vs_finite_differences(p.term, g, p.wrt, p.decls, trials=3)
            res.correct = bool(err < TOLERANCE)
            res.status = "ok" if res.correct else "wrong"
            notes.append(f"relative error {err:.2e}")
            if fallback_error is not None:
                notes.append(f"its own generated code: relative error {fallback_error:.2e}")
            if fallback_error is not None and (fallback_error < TOLERANCE) != res.correct:
                notes.append(f"translation and the tool's own numbers disagree (tool's: {fallback_error:.2e})")
    if res.gradient is None:
        res.status = "untranslatable"
        notes.append(f"untranslatable: {untranslatable_reason}")
        if fallback_error is not None:
            res.correct = bool(fallback_error < TOLERANCE)
            notes.append(f"the tool's own numbers: relative error {fallback_error:.2e}")
    res.note = "; ".join(n for n in notes if n)
    return res


def _not_installed(tool: str, err: Exception) -> AnchorResult:
    return AnchorResult(tool, "not installed", note=f"{type(err).__name__}: {err}")


def _error(tool: str, err: BaseException, raw: str | None = None, seconds: float | None = None) -> AnchorResult:
    tb = traceback.extract_tb(err.__traceback__)
    where = f" at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else ""
    return AnchorResult(tool, "error", raw=raw, seconds=seconds, note=f"{type(err).__name__}: {err}{where}"[:500])


def _number(q: Fraction | float) -> str:
    if isinstance(q, float):
        if q.is_integer():
            return str(int(q))
        return repr(q)
    q = Fraction(q)
    return str(q.numerator) if q.denominator == 1 else f"({q.numerator}/{q.denominator})"


# --- SymPy --------------------------------------------------------------------------------------


def _sympy_dim(sp, d: str):
    return sp.Integer(int(d)) if d.isdigit() else sp.Symbol(d)


def _term_to_sympy(t: Term, decls: Declarations, sp, notes: set[str]):
    """A loss term as a SymPy (matrix) expression."""

    def dim(d):
        return _sympy_dim(sp, d)

    def frob2(a):
        x = go(a)
        return sp.Trace(x.T * x)

    def go(u: Term):
        op = u.op
        if op == "var":
            return sp.MatrixSymbol(u.attr, dim(u.shape[0]), dim(u.shape[1]))
        if op == "svar":
            return sp.Symbol(u.attr)
        if op == "one":
            return sp.S.One
        if op == "eye":
            return sp.Identity(dim(u.attr))
        if op == "zeros":
            return sp.ZeroMatrix(dim(u.attr[0]), dim(u.attr[1]))
        if op == "matmul":
            return go(u.args[0]) * go(u.args[1])
        if op == "transpose":
            return go(u.args[0]).T
        if op in ("sum", "ssum"):
            parts = [sp.Rational(q.numerator, q.denominator) * go(x) for q, x in u.args]
            if not parts:
                return sp.S.Zero
            return functools.reduce(operator.add, parts)
        if op == "scale":
            return go(u.args[0]) * go(u.args[1])
        if op == "trace":
            return sp.Trace(go(u.args[0]))
        if op == "inv":
            return sp.Inverse(go(u.args[0]))
        if op == "det":
            return sp.Determinant(go(u.args[0]))
        if op == "logdet":
            return sp.log(sp.Determinant(go(u.args[0])))
        if op == "norm":
            notes.add("an unsquared norm written sqrt(Trace(X.T*X))")
            return sp.sqrt(frob2(u.args[0]))
        if op == "prod":
            return functools.reduce(operator.mul, [go(x) for x in u.args])
        if op == "pow":
            base, k = u.args[0], u.attr
            if base.op == "norm" and k % 2 == 0:
                return frob2(base.args[0]) ** (k // 2)
            return go(base) ** k
        raise ValueError(f"no SymPy form for {op!r}")

    return go(t)


def _sympy_to_text(e, sp) -> str:
    """A SymPy matrix or scalar expression in egraph_mc syntax (parenthesized generously)."""
    from sympy.matrices.expressions.matexpr import MatrixExpr

    def p(s: str) -> str:
        return f"({s})"

    def go(x) -> str:
        if isinstance(x, MatrixExpr):
            if isinstance(x, sp.MatrixSymbol):
                return str(x.name)
            if isinstance(x, sp.MatMul):
                scalars = [a for a in x.args if not isinstance(a, MatrixExpr)]
                mats = [a for a in x.args if isinstance(a, MatrixExpr)]
                chain = " @ ".join(p(go(a)) for a in mats)
                if not scalars:
                    return chain
                return " * ".join([p(go(s)) for s in scalars] + [p(chain)])
            if isinstance(x, sp.MatAdd):
                return " + ".join(p(go(a)) for a in x.args)
            if isinstance(x, sp.Transpose):
                return p(go(x.arg)) + ".T"
            if isinstance(x, sp.Identity):
                return f"eye({x.rows})"
            if isinstance(x, sp.ZeroMatrix):
                return f"zeros(({x.rows}, {x.cols}))"
            if isinstance(x, sp.MatPow) and x.exp.is_Integer and int(x.exp) > 0:
                return " @ ".join([p(go(x.base))] * int(x.exp))
            if isinstance(x, sp.Inverse) or (isinstance(x, sp.MatPow) and x.exp == -1):
                return f"inv({go(x.args[0])})"
            raise Untranslatable(f"{type(x).__name__}: {x}")
        if isinstance(x, sp.Trace):
            return f"tr({go(x.arg)})"
        if isinstance(x, sp.Determinant):
            return f"det({go(x.arg)})"
        if isinstance(x, sp.log) and isinstance(x.args[0], sp.Determinant):
            return f"logdet({go(x.args[0].arg)})"
        if x.is_Integer or x.is_Rational:
            return _number(Fraction(int(x.p), int(x.q)))
        if isinstance(x, sp.Symbol):
            return x.name
        if isinstance(x, sp.Add):
            return " + ".join(p(go(a)) for a in x.args)
        if isinstance(x, sp.Mul):
            return " * ".join(p(go(a)) for a in x.args)
        if isinstance(x, sp.Pow):
            base, k = x.args
            if k.is_Integer:
                return f"{p(go(base))} ** {int(k)}"
            # sqrt(Trace(X.T*X))**j is norm(X)**(2j)
            if k.is_Rational and int(k.q) == 2 and isinstance(base, sp.Trace):
                inner = base.arg
                if isinstance(inner, sp.MatMul) and len(inner.args) == 2:
                    a, b = inner.args
                    if isinstance(a, sp.Transpose) and a.arg == b:
                        return f"norm({go(b)}) ** {int(k.p)}"
            raise Untranslatable(f"power {x}")
        raise Untranslatable(f"{type(x).__name__}: {x}")

    return go(e)


def _sympy_termwise(p: _Problem, expr, W, sp) -> str:
    """What a user working around sympy issue #26585 gets: each summand differentiated, then added."""
    try:
        g = sp.simplify(functools.reduce(operator.add, [a.diff(W) for a in sp.Add.make_args(expr)]))
        _, printed, size = _translated(p, _sympy_to_text(g, sp))
        err = relative_error_vs_finite_differences(p.term, parse_loss(printed, p.decls), p.wrt, p.decls)
        return f"the workaround (summands differentiated one by one) gives size {size}, relative error {err:.2e}: {printed}"
    except Exception as e:
        return f"the workaround (summands differentiated one by one) failed: {type(e).__name__}: {e}"[:300]


def run_sympy(loss: str, wrt: str, where: str) -> AnchorResult:
    """The gradient by SymPy 1.14's matrix calculus: `diff` then `simplify`."""
    tool = "sympy"
    try:
        import sympy as sp
        from sympy.core.cache import clear_cache
    except ImportError as e:
        return _not_installed(tool, e)
    p = _problem(loss, wrt, where)
    notes: set[str] = set()
    try:
        expr = _term_to_sympy(p.term, p.decls, sp, notes)
        W = _term_to_sympy(Term("var", (), wrt, p.wrt_shape), p.decls, sp, set())
    except Exception as e:
        return _error(tool, e)
    note_list = sorted(notes)
    if p.property_note():
        note_list.append(f"MatrixSymbol cannot declare {p.property_note()} (checked on such data)")

    def derive():
        clear_cache()
        return sp.simplify(expr.diff(W))

    try:
        seconds, g = _median_seconds(derive)
    except Exception as e:
        res = _error(tool, e)
        res.status = "unsupported" if notes else "error"
        res.note = "; ".join(note_list + [res.note])
        return res
    raw = str(g)
    try:
        if g == 0 or isinstance(g, sp.ZeroMatrix):
            text = f"zeros(({p.wrt_shape[0]}, {p.wrt_shape[1]}))"
            if len(sp.Add.make_args(expr)) > 1:
                note_list.append("zero for a sum (sympy issue #26585)")
                note_list.append(_sympy_termwise(p, expr, W, sp))
        else:
            text = _sympy_to_text(g, sp)
        reason = None
    except Untranslatable as e:
        text, reason = None, str(e)
    res = _finish(tool, p, raw, text, seconds, note_list, reason)
    if res.status == "untranslatable" and notes:
        res.status = "unsupported"  # an unsquared norm SymPy cannot take through
    return res


# --- tensorgrad ---------------------------------------------------------------------------------

# A matrix is (tensor, row edge, column edge); an edge is None for a dim of size 1 (vectors are order-1
# tensors, 1x1 products and scalars order-0).


class _TgBuilder:
    def __init__(self, p: _Problem, tg, F, sp):
        self.p, self.tg, self.F, self.sp = p, tg, F, sp
        self.counter = itertools.count()
        self.variables: dict[str, tuple] = {}
        for name, sym in p.decls.symbols.items():
            self.variables[name] = self._variable(name, sym)

    def size(self, d: str):
        return self.sp.Integer(int(d)) if d.isdigit() else self.sp.Symbol(d)

    def fresh(self) -> str:
        return f"e{next(self.counter)}"

    def _variable(self, name, sym):
        tg = self.tg
        if sym.shape is None:
            return tg.Variable(name), None, None
        r, c = sym.shape
        if c == ONE_DIM:
            return tg.Variable(name, **{r: self.size(r)}), r, None
        re, ce = r, (c if c != r else c + "_")
        v = tg.Variable(name, **{re: self.size(r), ce: self.size(c)})
        if sym.symmetric:  # diagonal matrices, too: the tensor has no diagonal variable of its own
            v = v.with_symmetries(f"{re} {ce}")
        return v, re, ce

    def rename(self, t, mapping: dict[str, str]):
        """Rename free edges, simultaneously and safely (through fresh names)."""
        mapping = {a: b for a, b in mapping.items() if a is not None and a != b}
        if not mapping:
            return t
        mid = {a: self.fresh() for a in mapping}
        t = t.rename(**mid)
        return t.rename(**{mid[a]: b for a, b in mapping.items()})

    def build(self, u: Term):
        tg, F = self.tg, self.F
        op = u.op
        if op in ("var", "svar"):
            return self.variables[u.attr]
        if op == "one":
            return tg.Product([]), None, None
        if op == "eye":
            a, b = self.fresh(), self.fresh()
            return tg.Delta(self.size(u.attr), a, b), a, b
        if op == "zeros":
            r, c = u.attr
            edges = {}
            re = ce = None
            if r != ONE_DIM:
                re = self.fresh()
                edges[re] = self.size(r)
            if c != ONE_DIM:
                ce = self.fresh()
                edges[ce] = self.size(c)
            return tg.Zero(**edges), re, ce
        if op == "matmul":
            (a, ra, ca), (b, rb, cb) = self.build(u.args[0]), self.build(u.args[1])
            if ca is not None:
                k = self.fresh()
                a, b = self.rename(a, {ca: k}), self.rename(b, {rb: k})
            if ra is not None and ra == cb:
                nc = self.fresh()
                b, cb = self.rename(b, {cb: nc}), nc
            return tg.Product([a, b]), ra, cb
        if op == "transpose":
            a, r, c = self.build(u.args[0])
            return a, c, r
        if op in ("sum", "ssum"):
            parts = [(q, self.build(x)) for q, x in u.args]
            if not parts:
                return tg.Zero(), None, None
            _, (_, r0, c0) = parts[0]
            terms = [self.rename(t, {r: r0, c: c0}) for _, (t, r, c) in parts]
            weights = [int(q) if q.denominator == 1 else q for q, _ in parts]
            return tg.Sum(terms, weights), r0, c0
        if op == "scale":
            (s, _, _), (t, r, c) = self.build(u.args[0]), self.build(u.args[1])
            return tg.Product([s, t]), r, c
        if op == "trace":
            a, r, c = self.build(u.args[0])
            if r is None:
                return a, None, None
            return tg.Product([a, tg.Delta(a.shape[r], r, c)]), None, None
        if op == "norm":
            return F.sqrt(self.frob2(u.args[0])), None, None
        if op == "prod":
            return tg.Product([self.build(x)[0] for x in u.args]), None, None
        if op == "pow":
            base, k = u.args[0], u.attr
            if base.op == "norm" and k % 2 == 0:
                f2 = self.frob2(base.args[0])
                return (f2 if k == 2 else F.pow(f2, k // 2)), None, None
            return F.pow(self.build(base)[0], k), None, None
        raise ValueError(f"no tensorgrad form for {op!r}")

    def frob2(self, x: Term):
        t, _, _ = self.build(x)
        return self.F.frobenius2(t)


class _TgReader:
    """A simplified tensorgrad tensor read back as egraph_mc text: matrix chains, traces, sums."""

    def __init__(self, tg, p: _Problem, builder: _TgBuilder):
        from tensorgrad import functions as F
        from tensorgrad.tensor import Rename

        self.tg, self.p, self.Rename = tg, p, Rename
        self.PowerFunction = F._PowerFunction
        self.ScaleFunction = F._ScaleFunction
        self.counter = 0
        self.orient = {}  # Variable name -> declared (row edge, col edge)
        for name, (v, r, c) in builder.variables.items():
            self.orient[name] = (r, c)
        # a symmetric variable's two edges are one orbit in tensorgrad: its orientation means nothing
        self.symmetric = {n for n, s in p.decls.symbols.items() if s.symmetric}

    @staticmethod
    def p_(s: str) -> str:
        return f"({s})"

    def dim(self, t, e) -> str:
        return "1" if e is None else str(t.shape[e])

    def text(self, t, R: str | None, C: str | None) -> str:
        tg = self.tg
        edges = set(t.edges)
        want = {e for e in (R, C) if e is not None}
        if edges != want:
            raise Untranslatable(f"edges {sorted(edges)} where {sorted(want)} were expected in {t!r}"[:300])
        if isinstance(t, self.Rename):
            inv = {new: old for old, new in t.mapping.items()}
            return self.text(t.tensor, inv.get(R, R) if R else None, inv.get(C, C) if C else None)
        if isinstance(t, tg.Variable):
            r, c = self.orient.get(t.name, (None, None))
            if (R, C) == (r, c) or (t.name in self.symmetric and (R, C) == (c, r)):
                return t.name
            if (R, C) == (c, r):
                return f"{t.name}.T"
            raise Untranslatable(f"variable {t!r} read as ({R}, {C})")
        if isinstance(t, tg.Zero):
            if not edges:
                return "0"
            return f"zeros(({self.dim(t, R)}, {self.dim(t, C)}))"
        if isinstance(t, tg.Delta):
            if len(edges) == 0:
                return f"tr(eye({t.size}))"
            if len(edges) == 2:
                return f"eye({t.size})"
            raise Untranslatable(f"a Delta of order {len(edges)} (a ones vector or a hyperedge)")
        if isinstance(t, tg.Sum):
            return " + ".join(f"{_number(w)} * {self.p_(self.text(x, R, C))}" for x, w in zip(t.terms, t.weights))
        if isinstance(t, tg.Product):
            return self.product(t, R, C)
        if isinstance(t, tg.Function):
            return self.function(t, R, C)
        raise Untranslatable(f"{type(t).__name__}: {t!r}"[:300])

    def function(self, t, R, C) -> str:
        sig = t.signature
        if R is not None or C is not None:
            raise Untranslatable(f"an elementwise function with edges: {t!r}"[:300])
        if isinstance(sig, self.ScaleFunction):
            inner = self.tg.Function(sig.inner, t.inputs, t.shape_out)
            return f"{_number(sig.alpha)} * {self.p_(self.function(inner, R, C))}"
        if isinstance(sig, self.PowerFunction):
            (x,) = t.inputs
            if x.edges:
                raise Untranslatable(f"an elementwise power of a tensor: {t!r}"[:300])
            k = Fraction(sig.k)
            if k.denominator == 1:
                return f"{self.p_(self.text(x, None, None))} ** {k.numerator}"
            if k.denominator == 2:
                y = self.frob2_arg(x)
                if y is not None:
                    return f"norm({y}) ** {k.numerator}"
            raise Untranslatable(f"power {k} of {x!r}"[:300])
        raise Untranslatable(f"function {sig.name}")

    def frob2_arg(self, x) -> str | None:
        """The text of Y when x is ‖Y‖² = Product([Y, Y]) (Y's edges all contracted with its copy)."""
        from tensorgrad.tensor import peel_rename

        x = peel_rename(x)
        if not isinstance(x, self.tg.Product):
            return None
        factors, squares = self.sums_of_squares(self.flatten(list(x.factors)))
        if not factors and len(squares) == 1:
            return squares[0].removesuffix(" ** 2")[len("norm("):-1]
        if len(x.factors) != 2:
            return None
        a, b = x.factors
        if a.edges != b.edges or len(a.edges) > 2 or not a.is_isomorphic(b):
            return None
        es = list(a.edges)
        try:
            return self.text(a, es[0] if es else None, es[1] if len(es) > 1 else None)
        except Untranslatable:
            return None

    def fresh(self) -> str:
        self.counter += 1
        return f"z{self.counter}"

    def flatten(self, factors: list) -> list:
        """Inline nested products (their inner edges renamed apart) and fuse Deltas that share an edge."""
        from tensorgrad.tensor import peel_rename

        tg = self.tg
        out, todo = [], list(factors)
        while todo:
            f = peel_rename(todo.pop())
            if isinstance(f, tg.Product):
                count: dict[str, int] = {}
                for g in f.factors:
                    for e in g.edges:
                        count[e] = count.get(e, 0) + 1
                inner = {e: self.fresh() for e, k in count.items() if k == 2}
                todo.extend(g.rename(**{e: inner[e] for e in g.edges if e in inner}) for g in f.factors)
            else:
                out.append(f)
        while True:  # Delta fusion: δ(a.., e) δ(e, b..) = δ(a.., b..)
            deltas = [i for i, f in enumerate(out) if isinstance(f, tg.Delta)]
            pair = next(((i, j) for i, j in itertools.combinations(deltas, 2)
                         if set(out[i].edges) & set(out[j].edges)), None)
            if pair is None:
                return out
            i, j = pair
            a, b = out[i], out[j]
            shared = set(a.edges) & set(b.edges)
            rest = [e for e in a.edges if e not in shared] + [e for e in b.edges if e not in shared]
            merged = [tg.Delta(a.size, *rest)] + [tg.Delta(a.size) for _ in range(len(shared) - 1)]
            out = [f for k, f in enumerate(out) if k not in (i, j)] + merged

    def sums_of_squares(self, factors: list) -> tuple[list, list[str]]:
        """Elementwise pow(Y, 2) summed over all its edges by order-1 Deltas is norm(Y)**2."""
        tg = self.tg
        squares = []
        while True:
            found = None
            for i, f in enumerate(factors):
                if not (isinstance(f, tg.Function) and isinstance(f.signature, self.PowerFunction)
                        and f.signature.k == 2 and f.edges and len(f.edges) <= 2
                        and set(f.inputs[0].edges) == set(f.edges)):
                    continue
                ones = [next((j for j, g in enumerate(factors) if isinstance(g, tg.Delta) and list(g.edges) == [e]),
                             None) for e in f.edges]
                if all(j is not None for j in ones):
                    found = i, ones
                    break
            if found is None:
                return factors, squares
            i, ones = found
            y = factors[i].inputs[0]
            es = list(y.edges)
            squares.append(f"norm({self.text(y, es[0], es[1] if len(es) > 1 else None)}) ** 2")
            factors = [f for k, f in enumerate(factors) if k != i and k not in ones]

    def product(self, t, R, C) -> str:
        from tensorgrad.tensor import peel_rename

        tg = self.tg
        factors = self.flatten(list(t.factors))
        for i, f in enumerate(factors):  # a sum of outer products: distribute the product over it
            s = peel_rename(f)
            if isinstance(s, tg.Sum) and len(s.edges) > 2:
                others = factors[:i] + factors[i + 1:]
                return " + ".join(f"{_number(w)} * {self.p_(self.product(tg.Product(others + [x]), R, C))}"
                                  for x, w in zip(s.terms, s.weights))
        factors, squares = self.sums_of_squares(factors)
        owners: dict[str, list[int]] = {}
        for i, f in enumerate(factors):
            if len(f.edges) > 2:
                raise Untranslatable(f"a factor of order {len(f.edges)}: {f!r}"[:300])
            for e in f.edges:
                owners.setdefault(e, []).append(i)
        used: set[int] = set()

        def walk(start: int, e_in: str | None) -> tuple[list[tuple[int, str | None, str | None]], bool]:
            """Follow a chain from factor `start` entered by e_in; (links, closed into a cycle)."""
            links, cur = [], start
            while True:
                used.add(cur)
                rest = [e for e in factors[cur].edges if e != e_in]
                e_out = rest[0] if rest else None
                links.append((cur, e_in, e_out))
                if e_out is None or len(owners[e_out]) == 1:
                    return links, False
                nxt = next(j for j in owners[e_out] if j != cur)
                if nxt in used:
                    return links, True
                cur, e_in = nxt, e_out

        def chain(links) -> str:
            pieces = []
            for i, e_in, e_out in links:
                f = factors[i]
                if isinstance(f, tg.Delta) and len(f.edges) == 2:
                    continue  # an identity in a chain
                if e_in is None and e_out is not None:
                    piece = self.p_(self.text(f, e_out, None)) + ".T"
                else:
                    piece = self.p_(self.text(f, e_in, e_out))
                pieces.append(piece)
            if not pieces:  # the chain was identities only
                f = factors[links[0][0]]
                return f"eye({f.size})"
            return " @ ".join(pieces)

        main = None
        if R is not None:
            links, _ = walk(owners[R][0], R)
            end = links[-1][2]
            if end == C and C is not None:
                main = chain(links)
            elif end is None:
                main = chain(links)  # a column vector
                if C is not None:
                    links_c, _ = walk(owners[C][0], C)
                    if links_c[-1][2] is not None:
                        raise Untranslatable("a product whose free edges do not form a matrix chain")
                    main = f"{self.p_(main)} @ {self.p_(chain(links_c))}.T"
            else:
                raise Untranslatable("a product whose free edges do not form a matrix chain")
        elif C is not None:
            links, _ = walk(owners[C][0], C)
            if links[-1][2] is not None:
                raise Untranslatable("a product whose free edges do not form a matrix chain")
            main = f"{self.p_(chain(links))}.T"
        scalars = list(squares)
        for i, f in enumerate(factors):
            if i not in used and not f.edges:
                used.add(i)
                scalars.append(self.text(f, None, None))
        def fewest_transposes(starts) -> str:
            """A scalar chain read from each possible start; the reading with the fewest `.T`."""
            before, best = set(used), None
            for start, e_in, wrap in starts:
                used.clear()
                used.update(before)
                links, closed = walk(start, e_in)
                if wrap and not closed:
                    raise Untranslatable("an open chain without a free edge")
                txt = f"tr({chain(links)})" if wrap else chain(links)
                if best is None or txt.count(".T") < best[0].count(".T"):
                    best = txt, set(used)
            used.clear()
            used.update(best[1])
            return best[0]

        for i, f in enumerate(factors):  # open chains between two vectors: a 1x1 product, u.T @ ... @ v
            if i not in used and len(f.edges) == 1:
                links, _ = walk(i, None)
                other = links[-1][0]
                used.difference_update(j for j, _, _ in links)
                scalars.append(fewest_transposes([(i, None, False), (other, None, False)]))
        for i, f in enumerate(factors):  # closed chains: traces, read in either direction
            if i not in used:
                scalars.append(fewest_transposes([(i, e, True) for e in f.edges]))
        parts = [self.p_(s) for s in scalars]
        if main is not None:
            parts.append(self.p_(main))
        return " * ".join(parts) if parts else "1"


def _tg_program_error(p: _Problem, builder: _TgBuilder, grad_tensor, torch) -> float:
    """Run tensorgrad's own generated torch code for the gradient and check it by finite differences."""
    from tensorgrad.compiler.runtime import CompiledProgram

    prog = CompiledProgram((grad_tensor,))
    _, R, C = builder.variables[p.wrt]
    perm, target = prog._wrap_plans[0]

    def gradient(values: dict, dims: dict) -> np.ndarray:
        sym_dims = {}
        for name, d in dims.items():
            sym_dims[builder.size(name)] = d
        fn = prog.codegen.specialize(sym_dims, dtype=torch.float64)
        args = []
        for var in prog.vars:
            val = np.asarray(values[var.name], dtype=float)
            r, c = builder.variables[var.name][1:]
            if r is not None and c is None:
                val = val.reshape(-1)
            args.append(torch.tensor(val, dtype=torch.float64))
        (out,) = fn(*args)
        if perm is not None:
            out = out.permute(perm)
        out = out.numpy()
        order = [e for e in (R, C) if e is not None]
        if list(target) != order and len(target) == 2:
            out = out.T
        return out.reshape(np.shape(values[p.wrt]))

    return _error_of_callable(p, gradient)


def run_tensorgrad(loss: str, wrt: str, where: str) -> AnchorResult:
    """The gradient by tensorgrad 0.3, simplified to a fixpoint without expansion, read back as matrices.

    That is `loss.grad(W).full_simplify(expand=False)`: `simplify()` repeated until it changes nothing
    (one `simplify()` can leave Delta networks half merged). The sizes of one `simplify()` and of the
    expanded `full_simplify()` are given in the note."""
    tool = "tensorgrad"
    try:
        import sympy as sp
        import tensorgrad as tg
        import tensorgrad.functions as F
        import torch
        from tensorgrad.structure import size_key
    except ImportError as e:
        return _not_installed(tool, e)
    except Exception as e:  # a broken install (e.g. a torch it cannot load)
        res = _not_installed(tool, e)
        res.note = "import failed: " + res.note
        return res
    p = _problem(loss, wrt, where)
    notes = []
    if any(s.diagonal for s in p.decls.symbols.values()):
        notes.append("diagonal matrices given as symmetric variables (no diagonal variable in tensorgrad)")

    def fresh():
        size_key.cache_clear()
        b = _TgBuilder(p, tg, F, sp)
        return b, b.build(p.term)[0]

    try:
        builder, loss_tensor = fresh()
        if loss_tensor.edges:
            raise ValueError(f"the loss has free edges {list(loss_tensor.edges)}")
    except Exception as e:
        return _error(tool, e)

    times = []
    grad = None
    try:
        for _ in range(REPEATS):
            builder, loss_tensor = fresh()  # new objects: tensorgrad memoizes on the expression objects
            wrt_var = builder.variables[wrt][0]
            start = time.perf_counter()
            grad = loss_tensor.grad(wrt_var).full_simplify(expand=False)
            times.append(time.perf_counter() - start)
    except Exception as e:
        return _error(tool, e)
    seconds = statistics.median(times)
    raw = repr(grad)
    _, R, C = builder.variables[wrt]
    try:
        text, reason = _TgReader(tg, p, builder).text(grad, R, C), None
    except Untranslatable as e:
        text, reason = None, str(e)
    try:
        own_error = _tg_program_error(p, builder, grad, torch)
    except Exception as e:
        own_error = None
        notes.append(f"its generated code could not be run: {type(e).__name__}: {e}"[:300])
    for label, variant in (("one simplify()", lambda g: g.simplify()),
                           ("full_simplify() (expanded)", lambda g: g.full_simplify())):
        try:
            other = variant(loss_tensor.grad(builder.variables[wrt][0]))
            _, printed, size = _translated(p, _TgReader(tg, p, builder).text(other, R, C))
            notes.append(f"{label} gives size {size}: {printed}")
        except Exception as e:
            notes.append(f"{label} not measured: {type(e).__name__}: {e}"[:200])
    return _finish(tool, p, raw, text, seconds, notes, reason, own_error)


# --- the demo -------------------------------------------------------------------------------------

EXAMPLES = [
    ("reference", "1/2 * norm(A.T @ (J + R).T @ (J + R) @ A - D)**2 + lam/2 * norm(R)**2", "R",
     "A: n x k; J, R: m x n; D: k x k diagonal; lam: scalar"),
    ("least squares", "norm(X @ W - Y)**2", "W", "X: m x n; W: n x k; Y: m x k"),
    ("sum of traces", "tr(X.T @ A @ X) + tr(B @ X)", "X", "X: n x n; A: n x n; B: n x n"),
    ("quadratic form", "x.T @ A @ x", "x", "A: n x n; x: n"),
]

RUNNERS = {"sympy": run_sympy, "tensorgrad": run_tensorgrad}


def run_all(problems, tools=("sympy", "tensorgrad")) -> list[dict]:
    rows = []
    for name, loss, wrt, where in problems:
        for tool in tools:
            try:
                r = RUNNERS[tool](loss, wrt, where)
            except Exception as e:  # never lose a row
                r = _error(tool, e)
            rows.append({"name": name, "loss": loss, "wrt": wrt, "where": where, **asdict(r)})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="also run the corpus's core problems (the test losses)")
    ap.add_argument("--tool", choices=sorted(RUNNERS), action="append", help="only this tool (repeatable)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--verbose", action="store_true", help="print the raw answers and notes")
    args = ap.parse_args(argv)
    problems = list(EXAMPLES)
    if args.all:
        from egraph_mc.testing.corpus import CORE

        problems += [(p.name, p.loss, p.wrt, p.where) for p in CORE]
    print("versions:", ", ".join(f"{k} {v}" for k, v in tool_versions().items()))
    print("| problem | tool | status | size | seconds | correct | gradient |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for prob in problems:
        for row in run_all([prob], tuple(args.tool or RUNNERS)):
            rows.append(row)
            secs = "" if row["seconds"] is None else f"{row['seconds']:.4f}"
            print(f"| {row['name']} | {row['tool']} | {row['status']} | {row['size'] or ''} | {secs} | "
                  f"{row['correct']} | `{row['gradient'] or ''}` |", flush=True)
            if args.verbose:
                print(f"    raw: {row['raw']}\n    note: {row['note']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"versions": tool_versions(), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
