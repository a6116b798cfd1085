"""Output: a term as numpy-syntax text (which parses back), as LaTeX, as a numpy function; its size.

The printed size is counted on the printed text itself, token by token, independently of the
e-graph's cost tables: one unit per operator, function call, `.T`, symbol and number.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Callable, Mapping

import numpy as np

from egraph_mc.ops import OPS
from egraph_mc.term import Term


def _printer(facet: str) -> Callable[[Term], tuple[str, int]]:
    memo: dict[Term, tuple[str, int]] = {}

    def show(t: Term) -> tuple[str, int]:
        if t not in memo:
            memo[t] = getattr(OPS[t.op], facet)(t, show)
        return memo[t]

    return show


def to_text(t: Term) -> str:
    return _printer("text")(t)[0]


def to_latex(t: Term) -> str:
    return _printer("latex")(t)[0]


def printed_size(text: str) -> int:
    """Units in printed numpy syntax: operators, calls, `.T`, names and numbers (not parentheses)."""
    units = 0
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.NUMBER:
            units += 1
        elif tok.type == tokenize.NAME:
            after_dot = i > 0 and tokens[i - 1].string == "."
            if not after_dot:  # `.T` is counted at its dot
                units += 1
        elif tok.type == tokenize.OP and tok.string not in "(),":
            units += 1
    return units


def size(t: Term) -> int:
    return printed_size(to_text(t))


def evaluate(t: Term, values: Mapping[str, object], dims: Mapping[str, int] | None = None):
    """The value of t for the given symbol values (numpy arrays; vectors as n x 1 columns)."""
    env = dict(dims or {})
    env["__values__"] = values
    memo: dict[int, object] = {}

    def ev(u: Term):
        key = id(u)
        if key not in memo:
            memo[key] = OPS[u.op].evaluate(u, [ev(c) for c in u.children()], env)
        return memo[key]

    return ev(t)


def dims_of(shapes: Mapping[str, tuple[str, str] | None], values: Mapping[str, object]) -> dict[str, int]:
    """Read every symbolic dim off the arrays given for the declared symbols."""
    dims: dict[str, int] = {}
    for name, shape in shapes.items():
        if shape is None or name not in values:
            continue
        arr = np.asarray(values[name])
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        for d, n in zip(shape, arr.shape, strict=True):
            if d != "1" and not d.isdigit():
                dims[d] = n
    return dims


def numpy_function(t: Term, shapes: Mapping[str, tuple[str, str] | None]) -> Callable[..., np.ndarray]:
    """A callable taking the symbols as keyword arrays (scalars as numbers) and returning t's value.

    It interprets the term with numpy (no code is generated or executed); 1-D vectors are accepted
    and the result keeps the shape convention of the inputs.
    """
    needed = sorted(t.symbols())

    def gradient(**values):
        missing = [n for n in needed if n not in values]
        if missing:
            raise TypeError(f"missing arrays for: {', '.join(missing)}")
        flat = any(np.ndim(values[n]) == 1 for n in needed if shapes.get(n) is not None)
        arrays = {}
        for n, v in values.items():
            a = np.asarray(v, dtype=float)
            if shapes.get(n) is not None and a.ndim == 1:
                a = a.reshape(-1, 1)
            arrays[n] = a
        out = evaluate(t, arrays, dims_of(shapes, arrays))
        out = np.asarray(out, dtype=float)
        return out.reshape(-1) if flat and out.ndim == 2 and out.shape[1] == 1 else out

    gradient.__doc__ = f"gradient = {to_text(t)}"
    return gradient
