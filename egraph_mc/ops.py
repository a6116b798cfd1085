"""OPS: every operation of the language in one place, with all its facets.

For each operation: its numpy evaluation, its printed form (numpy syntax with Python's precedence,
and LaTeX), its egglog constructor, and its floating-point cost. The parser's spelling lives in
`parse.py`'s small syntax tables, the differential in `rulesets/differential.py` (one d-law per
operation, named `d_<op>`); a test checks that every operation has all of them.

Printing precedence levels follow Python: SUM < MUL (`*`, `/`, `@`) < UNARY (`-x`) < POW < ATOM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from egglog import MultiSet

from egraph_mc import lang
from egraph_mc.term import Term

SUM, MUL, UNARY, POW, ATOM = 1, 2, 3, 4, 5

# A printer returns (text, precedence level); `show(t)` prints a child, `wrap(t, level)` adds
# parentheses when the child binds looser than `level`.
Show = Callable[[Term], tuple[str, int]]


@dataclass(frozen=True)
class Op:
    name: str
    evaluate: Callable[..., Any]  # (term, child values, dims) -> ndarray | float
    text: Callable[..., tuple[str, int]]  # (term, show) -> (numpy-syntax text, level)
    latex: Callable[..., tuple[str, int]]  # (term, show) -> (LaTeX, level)
    to_egg: Callable[..., Any]  # (term, child egglog terms) -> egglog term
    flops: Callable[..., int]  # (term, dims) -> floating-point operations of this node alone
    constant: bool = False  # its differential is zero (the other ops have a d-law d_<name>)


def wrap(show: Show, t: Term, level: int) -> str:
    s, lv = show(t)
    return s if lv >= level else f"({s})"


def _combination(terms, vals):
    """Σ qᵢvᵢ with one full-size temporary where possible: a coefficient of ±1 is no multiply, and
    the terms after the first accumulate in place into an array this sum owns (the values of
    subterms are shared, so the first term is never written to)."""
    acc, owned = None, False
    for (q, _), v in zip(terms, vals, strict=True):
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
    return acc


def _size(dims: dict[str, int], d: str) -> int:
    return 1 if d == "1" else (int(d) if d.isdigit() else dims[d])


def _elems(t: Term, dims: dict[str, int]) -> int:
    return 1 if t.is_scalar else _size(dims, t.shape[0]) * _size(dims, t.shape[1])


def _dim(d: str) -> lang.Dim:
    return lang.Dim.one() if d == "1" else lang.Dim.named(d)


# --- rational coefficients in print ----------------------------------------------------------


def coefficient_text(q: Fraction, body: str, body_level: int) -> tuple[str, int]:
    """q * body for q > 0: `body`, `2 * body`, `body / 2`, `3/2 * body`."""
    if q == 1:
        return body, body_level
    b = body if body_level >= MUL else f"({body})"
    if q.denominator == 1:
        return f"{q.numerator} * {b}", MUL
    if q.numerator == 1:
        return f"{b} / {q.denominator}", MUL
    return f"{q.numerator}/{q.denominator} * {b}", MUL


def coefficient_latex(q: Fraction, body: str, body_level: int) -> tuple[str, int]:
    if q == 1:
        return body, body_level
    b = body if body_level >= MUL else rf"\left({body}\right)"
    if q.denominator == 1:
        return f"{q.numerator} {b}", MUL
    return rf"\frac{{{q.numerator}}}{{{q.denominator}}} {b}", MUL


def sum_text(pairs: tuple, show: Show, coef: Callable = coefficient_text, minus: str = "-") -> tuple[str, int]:
    """A linear combination, a positive term first when there is one."""
    ordered = sorted(pairs, key=lambda p: p[0] < 0)
    parts = []
    for i, (q, t) in enumerate(ordered):
        if t.op == "one":
            body = str(abs(q)) if coef is coefficient_text else _latex_number(abs(q))
        else:
            s, lv = show(t)
            body, _ = coef(abs(q), s, lv if lv > SUM else 0)
            if abs(q) == 1 and lv <= SUM:
                body = f"({s})" if coef is coefficient_text else rf"\left({s}\right)"
        if i == 0:
            parts.append(f"{minus}{body}" if q < 0 else body)
        else:
            parts.append(f" {'-' if q < 0 else '+'} {body}")
    text = "".join(parts)
    if len(ordered) == 1:
        return text, (UNARY if ordered[0][0] < 0 else (MUL if abs(ordered[0][0]) != 1 else show(ordered[0][1])[1]))
    return text, SUM


def _latex_number(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else rf"\frac{{{q.numerator}}}{{{q.denominator}}}"


# --- the operations ----------------------------------------------------------------------------


def _prod_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    """Factors of a scalar product; negative powers print as divisors."""
    num, den = [], []
    for f in t.args:
        g, k = (f.args[0], f.attr) if f.op == "pow" else (f, 1)
        if k > 0:
            num.append(_power_text(g, k, show, latex))
        else:
            den.append(_power_text(g, -k, show, latex))
    if latex:
        top = " ".join(num) or "1"
        return (rf"\frac{{{top}}}{{{' '.join(den)}}}", MUL) if den else (top, MUL)
    text = " * ".join(num) if num else "1"
    for d in den:
        text += f" / {d}"
    return text, MUL


def _power_text(g: Term, k: int, show: Show, latex: bool = False) -> str:
    if k == 1:
        return wrap(show, g, UNARY)
    if latex:
        return f"{wrap(show, g, ATOM)}^{{{k}}}"
    return f"{wrap(show, g, ATOM)}**{k}"


def _pow_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    g, k = t.args[0], t.attr
    if k > 0:
        return _power_text(g, k, show, latex), POW
    inner = _power_text(g, -k, show, latex)
    return (rf"\frac{{1}}{{{inner}}}", MUL) if latex else (f"1 / {inner}", MUL)


def _scale_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    s, x = t.args
    if s.op == "pow" and s.attr == -1:  # X / s
        g = s.args[0]
        if latex:
            return rf"\frac{{{show(x)[0]}}}{{{show(g)[0]}}}", MUL
        return f"{wrap(show, x, MUL)} / {wrap(show, g, UNARY)}", MUL
    sep = " " if latex else " * "
    return f"{wrap(show, s, MUL)}{sep}{wrap(show, x, MUL)}", MUL


def _trace_text(t: Term, show: Show) -> tuple[str, int]:
    a = t.args[0]
    if a.is_1x1:  # a 1x1 product read as a scalar prints bare
        return f"({show(a)[0]})", ATOM
    return f"tr({show(a)[0]})", ATOM


def _trace_latex(t: Term, show: Show) -> tuple[str, int]:
    a = t.args[0]
    if a.is_1x1:
        return rf"\left({show(a)[0]}\right)", ATOM
    return rf"\operatorname{{tr}}\left({show(a)[0]}\right)", ATOM


def _latex_name(name: str) -> str:
    greek = {"lam": r"\lambda", "lambda_": r"\lambda", "mu": r"\mu", "alpha": r"\alpha", "beta": r"\beta",
             "gamma": r"\gamma", "sigma": r"\sigma", "rho": r"\rho", "eta": r"\eta", "tau": r"\tau"}
    if name in greek:
        return greek[name]
    if len(name) > 1 and "_" not in name:
        return rf"\mathrm{{{name}}}"
    return name


def _eval_prod(t, vals, dims):
    out = 1.0
    for v in vals:
        out = out * v
    return out


def _mt(q: Fraction, x) -> lang.MT:
    return lang.MT(lang.rat(q), x)


def _st(q: Fraction, s) -> lang.ST:
    return lang.ST(lang.rat(q), s)


OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op(
            "var",
            evaluate=lambda t, vals, dims: dims["__values__"][t.attr],
            text=lambda t, show: (t.attr, ATOM),
            latex=lambda t, show: (_latex_name(t.attr), ATOM),
            to_egg=lambda t, kids: lang.Mat.var(t.attr),
            flops=lambda t, dims: 0,
        ),
        Op(
            "svar",
            evaluate=lambda t, vals, dims: dims["__values__"][t.attr],
            text=lambda t, show: (t.attr, ATOM),
            latex=lambda t, show: (_latex_name(t.attr), ATOM),
            to_egg=lambda t, kids: lang.Scalar.var(t.attr),
            flops=lambda t, dims: 0,
            constant=True,
        ),
        Op(
            "one",
            evaluate=lambda t, vals, dims: 1.0,
            text=lambda t, show: ("1", ATOM),
            latex=lambda t, show: ("1", ATOM),
            to_egg=lambda t, kids: lang.Scalar.one(),
            flops=lambda t, dims: 0,
            constant=True,
        ),
        Op(
            "eye",
            evaluate=lambda t, vals, dims: np.eye(_size(dims, t.attr)),
            text=lambda t, show: (f"eye({t.attr})", ATOM),
            latex=lambda t, show: ("I", ATOM),
            to_egg=lambda t, kids: lang.Mat.eye(_dim(t.attr)),
            flops=lambda t, dims: 0,
            constant=True,
        ),
        Op(
            "zeros",
            evaluate=lambda t, vals, dims: np.zeros((_size(dims, t.attr[0]), _size(dims, t.attr[1]))),
            text=lambda t, show: (f"zeros(({t.attr[0]}, {t.attr[1]}))", ATOM),
            latex=lambda t, show: ("0", ATOM),
            to_egg=lambda t, kids: lang.Mat.zeros(_dim(t.attr[0]), _dim(t.attr[1])),
            flops=lambda t, dims: 0,
            constant=True,
        ),
        Op(
            "matmul",
            evaluate=lambda t, vals, dims: vals[0] @ vals[1],
            text=lambda t, show: (f"{wrap(show, t.args[0], MUL)} @ {wrap(show, t.args[1], UNARY)}", MUL),
            latex=lambda t, show: (f"{wrap(show, t.args[0], MUL)} {wrap(show, t.args[1], UNARY)}", MUL),
            to_egg=lambda t, kids: kids[0] @ kids[1],
            flops=lambda t, dims: 2
            * _size(dims, t.args[0].shape[0])
            * _size(dims, t.args[0].shape[1])
            * _size(dims, t.args[1].shape[1]),
        ),
        Op(
            "transpose",
            evaluate=lambda t, vals, dims: vals[0].T,
            text=lambda t, show: (f"{wrap(show, t.args[0], ATOM)}.T", ATOM),
            latex=lambda t, show: (rf"{wrap(show, t.args[0], ATOM)}^\top", ATOM),
            to_egg=lambda t, kids: kids[0].T,
            flops=lambda t, dims: 0,
        ),
        Op(
            "sum",
            evaluate=lambda t, vals, dims: _combination(t.args, vals),
            text=lambda t, show: sum_text(t.args, show),
            latex=lambda t, show: sum_text(t.args, show, coefficient_latex),
            to_egg=lambda t, kids: lang.lin(MultiSet(*(_mt(q, k) for (q, _), k in zip(t.args, kids, strict=True)))),
            # one pass per term beyond the first, one more per coefficient other than ±1
            flops=lambda t, dims: _elems(t, dims) * (len(t.args) - 1 + sum(abs(q) != 1 for q, _ in t.args)),
        ),
        Op(
            "scale",
            evaluate=lambda t, vals, dims: vals[0] * vals[1],
            text=lambda t, show: _scale_text(t, show),
            latex=lambda t, show: _scale_text(t, show, latex=True),
            to_egg=lambda t, kids: lang.smul(kids[0], kids[1]),
            flops=lambda t, dims: _elems(t, dims),
        ),
        Op(
            "trace",
            evaluate=lambda t, vals, dims: float(np.trace(vals[0])),
            text=_trace_text,
            latex=_trace_latex,
            to_egg=lambda t, kids: lang.tr(kids[0]),
            flops=lambda t, dims: _size(dims, t.args[0].shape[0]),
        ),
        Op(
            "norm",
            evaluate=lambda t, vals, dims: float(np.linalg.norm(vals[0])),
            text=lambda t, show: (f"norm({show(t.args[0])[0]})", ATOM),
            latex=lambda t, show: (rf"\left\|{show(t.args[0])[0]}\right\|_F", ATOM),
            to_egg=lambda t, kids: lang.norm(kids[0]),
            flops=lambda t, dims: 2 * _elems(t.args[0], dims),
        ),
        Op(
            "ssum",
            evaluate=lambda t, vals, dims: _combination(t.args, vals),
            text=lambda t, show: sum_text(t.args, show),
            latex=lambda t, show: sum_text(t.args, show, coefficient_latex),
            to_egg=lambda t, kids: lang.slin(MultiSet(*(_st(q, k) for (q, _), k in zip(t.args, kids, strict=True)))),
            flops=lambda t, dims: len(t.args) - 1 + sum(abs(q) != 1 for q, _ in t.args),
        ),
        Op(
            "prod",
            evaluate=_eval_prod,
            text=lambda t, show: _prod_text(t, show),
            latex=lambda t, show: _prod_text(t, show, latex=True),
            to_egg=lambda t, kids: lang.sprod(MultiSet(*kids)),
            flops=lambda t, dims: len(t.args) - 1,
        ),
        Op(
            "pow",
            evaluate=lambda t, vals, dims: vals[0] ** t.attr,
            text=lambda t, show: _pow_text(t, show),
            latex=lambda t, show: _pow_text(t, show, latex=True),
            to_egg=lambda t, kids: lang.spow(kids[0], t.attr),
            flops=lambda t, dims: max(abs(t.attr) - 1, 1),
        ),
    )
}
