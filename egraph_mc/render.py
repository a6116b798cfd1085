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

from egraph_mc.ops import DIM, DIMS, NUMPY, op
from egraph_mc.printing import ATOM
from egraph_mc.term import ONE_DIM, Term


def _printer(facet: str, names: Mapping[Term, str] | None = None) -> Callable[[Term], tuple[str, int]]:
    """A memoized printer; subterms in `names` print as those names (temporaries)."""
    memo: dict[Term, tuple[str, int]] = {t: (n, ATOM) for t, n in (names or {}).items()}

    def show(t: Term) -> tuple[str, int]:
        if t not in memo:
            o = op(t.op)
            memo[t] = (getattr(o, facet) or o.text)(t, show)  # `source` differs from `text` in a few ops
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
    """A callable taking the symbols as keyword arrays (scalars as numbers) and returning t's value:
    the function of `numpy_source`, compiled (its text is the callable's `source`). Arrays for
    other symbols are ignored; 1-D vectors are accepted and the result then is 1-D too."""
    params = source_params(t, shapes)
    source = numpy_source(t, shapes, params)
    # The code compiled is generated from the term, never from user text: every name in it is a
    # declared symbol or dim (identifiers checked by the parser), a temporary, or numpy's.
    namespace: dict[str, object] = {}
    exec(compile(source, "<egraph_mc gradient>", "exec"), namespace)
    compiled = namespace["gradient"]

    def gradient(**values):
        missing = [n for n in params if n not in values]
        if missing:
            raise TypeError(f"missing arrays for: {', '.join(missing)}")
        args = {n: values[n] if shapes.get(n) is None else np.asarray(values[n], dtype=float) for n in params}
        flat = any(np.ndim(args[n]) == 1 for n in params if shapes.get(n) is not None)
        out = np.asarray(compiled(**args), dtype=float)
        return out.reshape(-1) if flat and out.ndim == 2 and out.shape[1] == 1 else out

    gradient.__doc__ = f"gradient = {to_text(t)}"
    gradient.source = source
    return gradient


def source_params(t: Term, shapes: Mapping[str, tuple[str, str] | None]) -> list[str]:
    """The arguments of t's function, in declaration order: its symbols, and for a dim that only
    a constant such as eye(n) or zeros((m, n)) names, the first declared symbol that has it (its size
    is read off)."""
    needed = t.symbols()
    have = {d for n in needed for d in shapes.get(n) or ()}
    dims = {d for u in t.walk() for d in _dims_named(u)}
    for d in sorted(dims - have - {ONE_DIM}):
        if not d.isdigit():
            needed.add(next(n for n, s in shapes.items() if s is not None and d in s))
    return [n for n in shapes if n in needed]


def numpy_source(t: Term, shapes: Mapping[str, tuple[str, str] | None], params: list[str] | None = None,
                 name: str = "gradient", doc: str | None = None) -> str:
    """t as a plain Python function of `params` using numpy: shared subterms as temporaries,
    numpy's spellings of the language's functions (each op's `source`), and shape asserts.

    Inside, every vector is a column (n x 1), as in the loss language: `u @ v.T` is the outer
    product and `(u.T @ v).item()` the inner one; 1-D vectors are made columns on entry."""
    params = source_params(t, shapes) if params is None else params
    taken = set(shapes) | {"np"}

    def fresh(base: str) -> str:  # a dim or temporary named like a symbol gets a trailing _
        while base in taken:
            base += "_"
        taken.add(base)
        return base

    body: list[str] = []
    dims: dict[str, str] = {}  # dim -> its name in the source
    for p in params:
        shape = shapes.get(p)
        if shape is None:
            continue
        if shape[1] == ONE_DIM:
            body.append(f"{p} = np.reshape({p}, (-1, 1))  # a column vector")
        for i, d in enumerate(shape):
            if d != ONE_DIM and not d.isdigit() and d not in dims:
                dims[d] = fresh(d)
                body.append(f"{dims[d]} = {p}.shape[{i}]")
    for p in params:
        shape = shapes.get(p)
        if shape is not None:
            want = ", ".join(dims.get(d, d) for d in shape)
            body.append(f'assert {p}.shape == ({want}), f"{p} must be {" x ".join(shape)}, got {{{p}.shape}}"')
    renamed = {d: n for d, n in dims.items() if d != n}
    root = _rename_dims(t, renamed) if renamed else t
    lines, names = program(root)
    names = {u: fresh(n) for u, n in names.items()}
    for _, u in lines:
        show = _printer("source", {k: v for k, v in names.items() if k != u})
        body.append(f"{names[u]} = {show(u)[0]}")
    body.append(f"return {_printer('source', names)(root)[0]}")
    doc = f"gradient = {to_text(t)}" if doc is None else doc
    quoted = '"""' + doc.replace("\\", "\\\\").replace('"', '\\"') + '"""'
    return (f"import numpy as np\n\n\ndef {name}({', '.join(params)}):\n    {quoted}\n"
            + "".join(f"    {b}\n" for b in body))


def _dims_named(u: Term) -> tuple[str, ...]:
    """The dims a node names in its literal (eye(n): n; zeros((m, n)), ones((m, n)): m and n)."""
    kinds = op(u.op).args
    return (u.attr,) if kinds == (DIM,) else tuple(u.attr) if kinds == (DIMS,) else ()


def _rename_dims(t: Term, renamed: Mapping[str, str]) -> Term:
    """t with the dims its constants name (eye(n), zeros((m, n)), ...) renamed (a dim named like a symbol)."""

    def go(u: Term) -> Term:
        named = _dims_named(u)
        if named:
            new = tuple(renamed.get(d, d) for d in named)
            return Term(u.op, u.args, new[0] if op(u.op).args == (DIM,) else new, u.shape)
        kids = u.children()
        return u.replace_children([go(c) for c in kids]) if kids else u

    return go(t)


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
    # one line: a `\\` line break is not allowed inside a single display (`$$...$$`, `_repr_latex_`)
    return body + r", \qquad \text{where } " + r",\; ".join(defs)


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
