"""Declarations: `where` strings such as "A: n x k; x: n; lam: scalar; S: n x n symmetric".

Each `;`-separated part declares names with a shape: two dims (rows x cols), one dim (a column
vector), or `scalar`; a square shape may carry properties. Every mistake is reported with the
column it is at.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from egraph_mc.errors import DeclarationError
from egraph_mc.ops import CALLS
from egraph_mc.term import ONE_DIM, Shape

RESERVED = set(CALLS) | {"T", "np", "numpy"}  # the language's functions, `.T`, numpy's module names
PROPERTIES = ("symmetric", "diagonal", "spd", "positive")  # spd: symmetric positive definite
SQUARE_ONLY = ("symmetric", "diagonal", "spd")  # positive (every entry > 0) fits any shape


@dataclass(frozen=True)
class Symbol:
    name: str
    shape: Shape | None  # None: a scalar
    symmetric: bool = False
    diagonal: bool = False
    spd: bool = False  # symmetric positive definite (implies symmetric): where logdet and inv are at home
    positive: bool = False  # every entry > 0: where log and sqrt are at home


@dataclass(frozen=True)
class Declarations:
    symbols: dict[str, Symbol]

    @property
    def shapes(self) -> dict[str, Shape | None]:
        return {n: s.shape for n, s in self.symbols.items()}

    @property
    def dims(self) -> list[str]:
        out: list[str] = []
        for s in self.symbols.values():
            for d in s.shape or ():
                if d != ONE_DIM and not d.isdigit() and d not in out:
                    out.append(d)
        return out


# --- declarations ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_]\w*)|(?P<int>\d+)|(?P<sym>[:;,x×*])|(?P<bad>\S))")


def parse_where(where: str) -> Declarations:
    """Declarations: `names: dim [x dim] [symmetric|diagonal|spd|positive]` or `names: scalar`, separated by `;`."""
    if not isinstance(where, str):
        raise DeclarationError(f"declarations must be a string, got {type(where).__name__}")
    symbols: dict[str, Symbol] = {}
    pos = 0
    for part in re.split(r"[;\n]", where):
        _parse_declaration(part, pos, where, symbols)
        pos += len(part) + 1
    if not symbols:
        raise DeclarationError("no symbols declared (expected e.g. 'A: n x k; x: n; lam: scalar')")
    return Declarations(symbols)


def _parse_declaration(part: str, offset: int, where: str, symbols: dict[str, Symbol]) -> None:
    if not part.strip():
        return
    toks = [(m.lastgroup, m.group(m.lastgroup), offset + m.start(m.lastgroup)) for m in _TOKEN.finditer(part)]
    toks = [t for t in toks if t[0] is not None]

    def fail(msg: str, col: int) -> None:
        raise DeclarationError(msg, where, col, what="declarations")

    for kind, text, col in toks:
        if kind == "bad":
            fail(f"unexpected character {text!r}", col)
    colon = next((i for i, t in enumerate(toks) if t[1] == ":"), None)
    if colon is None:
        fail("expected 'names: shape', e.g. 'A, B: n x k'", toks[0][2])
    names = toks[:colon]
    spec = toks[colon + 1 :]
    declared: list[tuple[str, int]] = []
    expect_name = True
    for kind, text, col in names:
        if expect_name and kind == "name":
            declared.append((text, col))
        elif not expect_name and text == ",":
            pass
        else:
            fail("expected a comma-separated list of names before ':'", col)
        expect_name = not expect_name
    if not declared or expect_name:
        fail("expected a name before ':'", toks[colon][2] if not declared else names[-1][2])
    if not spec:
        fail("expected a shape after ':' (e.g. 'n x k', 'n', or 'scalar')", toks[colon][2])
    shape, props = _parse_spec(spec, fail)
    for name, col in declared:
        if keyword.iskeyword(name) or name in RESERVED:
            fail(f"{name!r} is reserved and cannot be declared", col)
        if name in symbols:
            fail(f"{name!r} is declared twice", col)
        symmetric = bool(props & {"symmetric", "diagonal", "spd"})
        symbols[name] = Symbol(name, shape, symmetric, "diagonal" in props, "spd" in props, "positive" in props)


def _parse_spec(spec: list, fail) -> tuple[Shape | None, set[str]]:
    """`scalar` | dim [sep dim] {property}, with sep one of `x`, `×`, `*`."""
    if spec[0][1] == "scalar":
        if len(spec) > 1:
            fail("a scalar takes no shape or properties", spec[1][2])
        return None, set()

    def dim(tok) -> str:
        kind, text, col = tok
        if kind == "int":
            if int(text) <= 0:
                fail(f"a dimension must be positive, got {text}", col)
            return str(int(text))
        if kind == "name" and text not in PROPERTIES and text != "scalar" and not keyword.iskeyword(text):
            return text
        fail(f"malformed shape: expected a dimension (a name or a positive integer), got {text!r}", col)

    dims = [dim(spec[0])]
    i = 1
    glued = re.fullmatch(r"([A-Za-z_]\w*?|\d+)x([A-Za-z_]\w*|\d+)", spec[0][1])
    if glued and (len(spec) == 1 or spec[1][1] not in SEPARATORS):  # `X: mxn` is not a vector of length mxn
        fail(f"malformed shape {spec[0][1]!r}: did you mean '{glued[1]} x {glued[2]}'? "
             f"(separate dims by spaces around x)", spec[0][2])
    if i < len(spec) and spec[i][1] in SEPARATORS:
        if i + 1 >= len(spec):
            fail("malformed shape: expected a dimension after the separator", spec[i][2])
        dims.append(dim(spec[i + 1]))
        i += 2
    if i < len(spec) and spec[i][1] in SEPARATORS:
        fail("a shape has at most two dims (rows x cols)", spec[i][2])
    props: set[str] = set()
    for kind, text, col in spec[i:]:
        if kind != "name":
            fail(f"malformed shape: unexpected {text!r}", col)
        if text not in PROPERTIES and len(dims) == 1 and col == spec[1][2] and text[:1] == "x" and text[1:]:
            fail(f"malformed shape '{dims[0]}{text}': did you mean '{dims[0]} x {text[1:]}'? "
                 f"(separate dims by spaces around x)", spec[0][2])
        if text not in PROPERTIES:
            fail(f"unknown property {text!r} (known: {', '.join(PROPERTIES)})", col)
        if text in SQUARE_ONLY and (len(dims) != 2 or dims[0] != dims[1]):
            fail(f"{text!r} needs a square shape (n x n), not {' x '.join(dims)}", col)
        props.add(text)
    shape = (dims[0], ONE_DIM) if len(dims) == 1 else (dims[0], dims[1])
    return shape, props


SEPARATORS = ("x", "×", "*")
