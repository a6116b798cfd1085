"""Output: a term as numpy-syntax text (which parses back to the same term), as LaTeX, as a numpy
function, and as a program of temporaries; the printed size of a text.

Each node prints by its entry in `ops.OPS` (see `printing.py` for the rules that make the text
parse back). The printed size is counted on the text itself, token by token, independently of the
cost tables: one unit per operator, function call, `.T`, symbol and number.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Callable, Mapping

import numpy as np

from egraph_mc.ops import NUMPY, op
from egraph_mc.printing import ATOM
from egraph_mc.term import Term


def _printer(facet: str, names: Mapping[Term, str] | None = None) -> Callable[[Term], tuple[str, int]]:
    """A memoized printer; subterms in `names` print as those names (temporaries)."""
    memo: dict[Term, tuple[str, int]] = {t: (n, ATOM) for t, n in (names or {}).items()}

    def show(t: Term) -> tuple[str, int]:
        if t not in memo:
            memo[t] = getattr(op(t.op), facet)(t, show)
        return memo[t]

    show.names = frozenset(names or ())  # temporaries: atoms the chain printers never take apart
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


def evaluate(t: Term, values: Mapping[str, object], dims: Mapping[str, int] | None = None, xp=NUMPY):
    """The value of t for the given symbol values (numpy arrays; vectors as n x 1 columns), by each
    operation's `numpy` facet over the array namespace `xp`."""
    env = {"dims": dict(dims or {}), "values": values, "xp": xp}
    memo: dict[Term, object] = {}  # by equality: every distinct subterm is computed once
    # children before parents, without recursion (a long sum is wide, a long chain deep)
    stack = [(t, False)]
    while stack:
        u, ready = stack.pop()
        if u in memo:
            continue
        if ready:
            memo[u] = op(u.op).numpy(u, [memo[c] for c in u.children()], env)
            continue
        stack.append((u, True))
        stack.extend((c, False) for c in u.children() if c not in memo)
    return memo[t]


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


# --- programs: shared subterms as named temporaries ---------------------------------------------


def shared_subterms(t: Term) -> list[Term]:
    """Subterms used more than once in the DAG of t that print as themselves, children first.

    Leaves, numbers and reciprocals are never named: a reciprocal prints as a divisor (`a / g`)."""
    uses: dict[Term, int] = {}
    order: list[Term] = []
    seen: set[Term] = set()
    stack = [(t, False)]
    while stack:
        u, done = stack.pop()
        if done:
            order.append(u)
            continue
        if u in seen:
            continue
        seen.add(u)
        stack.append((u, True))
        for c in reversed(u.children()):
            uses[c] = uses.get(c, 0) + 1
            stack.append((c, False))
    return [u for u in order if uses.get(u, 0) > 1 and u.children() and not _inline(u)]


def _inline(u: Term) -> bool:
    """Never a temporary: a reciprocal (a divisor), a number."""
    return (u.op == "pow" and u.attr < 0) or (u.op == "ssum" and all(v.op == "one" for _, v in u.args))


def program(t: Term) -> tuple[list[tuple[str, Term]], dict[Term, str]]:
    """(temporary definitions, names): every shared subterm named t0, t1, ... in evaluation order."""
    names: dict[Term, str] = {}
    lines: list[tuple[str, Term]] = []
    for u in shared_subterms(t):
        names[u] = f"t{len(names)}"
        lines.append((names[u], u))
    return lines, names


def program_text(t: Term) -> str:
    """The gradient as a program: `t0 = ...` lines, then the gradient over the temporaries."""
    lines, names = program(t)
    out = []
    for name, u in lines:
        show = _printer("text", {k: v for k, v in names.items() if k != u})
        out.append(f"{name} = {show(u)[0]}")
    out.append(_printer("text", names)(t)[0])
    return "\n".join(out)


def program_latex(t: Term) -> str:
    lines, names = program(t)
    latex_names = {u: f"t_{{{n[1:]}}}" for u, n in names.items()}
    body = _printer("latex", latex_names)(t)[0]
    if not lines:
        return body
    defs = []
    for name, u in lines:
        show = _printer("latex", {k: v for k, v in latex_names.items() if k != u})
        defs.append(f"{latex_names[u]} = {show(u)[0]}")
    return body + r" \\ \text{where } " + r",\; ".join(defs)


def program_size(text: str) -> int:
    """Units of a program: tokens of every line, temporaries' names not counted, and every other
    name (symbol, function, dim) counted once: a shared subterm, or a symbol, is paid once."""
    units, names_seen = 0, set()
    temporaries = {line.split("=", 1)[0].strip() for line in text.splitlines() if "=" in line}
    for line in text.splitlines():
        expr = line.split("=", 1)[1] if "=" in line else line
        tokens = list(tokenize.generate_tokens(io.StringIO(expr.strip()).readline))
        for i, tok in enumerate(tokens):
            if tok.type == tokenize.NAME:
                if i > 0 and tokens[i - 1].string == ".":
                    continue
                if tok.string in temporaries or tok.string in names_seen:
                    continue
                names_seen.add(tok.string)
                units += 1
            elif tok.type == tokenize.NUMBER or (tok.type == tokenize.OP and tok.string not in "(),"):
                units += 1
    return units
