"""Parsing: declarations ("A: n x k; x: n; lam: scalar") and losses in numpy syntax, to terms.

The loss is parsed with Python's `ast` module and walked node by node; nothing is evaluated.
Every construct outside the language is rejected with the column it starts at.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass
from fractions import Fraction

from egraph_mc import term as T
from egraph_mc.errors import (
    DeclarationError,
    EgraphMcError,
    ParseError,
    ShapeError,
    UndeclaredSymbolError,
    UnsupportedSyntaxError,
)
from egraph_mc.term import Term

MAX_SOURCE = 20_000  # characters: a loss longer than this is a mistake, not a loss
MAX_DEPTH = 120  # nesting of the expression tree
MAX_EXPONENT = 64
FUNCTIONS = ("tr", "norm")  # scalar functions of a matrix
BUILDERS = ("eye", "zeros")  # constant matrices, for gradients printed back
RESERVED = set(FUNCTIONS) | set(BUILDERS) | {"T"}
PROPERTIES = ("symmetric", "diagonal")


@dataclass(frozen=True)
class Symbol:
    name: str
    shape: T.Shape | None  # None: a scalar
    symmetric: bool = False
    diagonal: bool = False


@dataclass(frozen=True)
class Declarations:
    symbols: dict[str, Symbol]

    @property
    def shapes(self) -> dict[str, T.Shape | None]:
        return {n: s.shape for n, s in self.symbols.items()}

    @property
    def dims(self) -> list[str]:
        out: list[str] = []
        for s in self.symbols.values():
            for d in s.shape or ():
                if d != T.ONE_DIM and not d.isdigit() and d not in out:
                    out.append(d)
        return out


# --- declarations ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_]\w*)|(?P<int>\d+)|(?P<sym>[:;,x×*])|(?P<bad>\S))")


def parse_where(where: str) -> Declarations:
    """Declarations: `names: dim [x dim] [symmetric|diagonal]` or `names: scalar`, separated by `;`."""
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
        symmetric = "symmetric" in props or "diagonal" in props
        symbols[name] = Symbol(name, shape, symmetric, "diagonal" in props)


def _parse_spec(spec: list, fail) -> tuple[T.Shape | None, set[str]]:
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
        if text not in PROPERTIES:
            fail(f"unknown property {text!r} (known: {', '.join(PROPERTIES)})", col)
        if len(dims) != 2 or dims[0] != dims[1]:
            fail(f"{text!r} needs a square shape (n x n), not {' x '.join(dims)}", col)
        props.add(text)
    shape = (dims[0], T.ONE_DIM) if len(dims) == 1 else (dims[0], dims[1])
    return shape, props


SEPARATORS = ("x", "×", "*")


# --- the loss ----------------------------------------------------------------------------------


def parse_loss(source: str, decls: Declarations) -> Term:
    """The term of a loss (or of any expression over the declared symbols)."""
    if not isinstance(source, str):
        raise ParseError(f"the loss must be a string, got {type(source).__name__}")
    if not source.strip():
        raise ParseError("the loss is empty")
    if len(source) > MAX_SOURCE:
        raise ParseError(f"the loss is {len(source)} characters long (at most {MAX_SOURCE})")
    if "\n" in source.strip():
        raise ParseError("the loss must be one expression on one line", source, source.index("\n"))
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as e:
        col = (e.offset or 1) - 1
        raise ParseError(f"syntax error: {e.msg}", source.strip(), max(col, 0)) from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError("the loss is nested too deeply to parse") from None
    return _Walker(source.strip(), decls).walk(tree.body, 0)


class _Walker:
    def __init__(self, source: str, decls: Declarations):
        self.source, self.decls = source, decls

    def fail(self, node: ast.AST, msg: str, cls: type[ParseError] = UnsupportedSyntaxError):
        raise cls(msg, self.source, getattr(node, "col_offset", 0))

    def shape_error(self, node: ast.AST, err: ShapeError):
        col = getattr(node, "col_offset", 0)
        line = self.source
        raise ShapeError(f"{err} (column {col + 1})\n  {line}\n  {' ' * col}^") from None

    def walk(self, node: ast.AST, depth: int) -> Term:
        if depth > MAX_DEPTH:
            self.fail(node, f"the loss is nested more than {MAX_DEPTH} levels deep", ParseError)
        try:
            return self._walk(node, depth + 1)
        except ShapeError as e:
            if "(column" in str(e):
                raise
            self.shape_error(self._op_node(node), e)
        except ZeroDivisionError:
            self.fail(node, "division by zero", ParseError)

    def _op_node(self, node: ast.AST) -> ast.AST:
        """Point shape errors at the operator, not at the left operand."""
        if isinstance(node, ast.BinOp):
            seg = self.source
            start = node.left.end_col_offset or 0
            end = node.right.col_offset
            idx = next((i for i in range(start, end) if seg[i] in "+-*/@"), start)
            fake = ast.Constant(0)
            fake.col_offset = idx
            return fake
        return node

    def _walk(self, node: ast.AST, depth: int) -> Term:
        match node:
            case ast.Constant(value=bool()) | ast.Constant(value=complex()) | ast.Constant(value=str()) | ast.Constant(
                value=bytes()
            ) | ast.Constant(value=None):
                self.fail(node, f"unsupported constant {ast.get_source_segment(self.source, node)}")
            case ast.Constant(value=int() | float()):
                text = ast.get_source_segment(self.source, node) or repr(node.value)
                try:
                    return T.constant(Fraction(text.replace("_", "")))
                except (ValueError, ZeroDivisionError):
                    self.fail(node, f"unsupported number {text}")
            case ast.Name(id=name):
                return self.symbol(node, name)
            case ast.Attribute(value=value, attr="T"):
                return T.transpose(self.matrix(value, depth, ".T"))
            case ast.Attribute(attr=attr):
                self.fail(node, f"unsupported attribute .{attr} (only .T, the transpose, is supported)")
            case ast.UnaryOp(op=ast.USub(), operand=x):
                return -self.walk(x, depth)
            case ast.UnaryOp(op=ast.UAdd(), operand=x):
                return self.walk(x, depth)
            case ast.BinOp(left=a, op=op, right=b):
                return self.binop(node, a, op, b, depth)
            case ast.Call():
                return self.call(node, depth)
            case _:
                self.fail(node, f"unsupported syntax: {_describe(node)}")

    def symbol(self, node: ast.AST, name: str) -> Term:
        if name in RESERVED:
            self.fail(node, f"{name!r} is a function, not a symbol")
        sym = self.decls.symbols.get(name)
        if sym is None:
            col = node.col_offset
            raise UndeclaredSymbolError(
                f"undeclared symbol {name!r} (declare it in `where`, e.g. '{name}: n x k' or '{name}: scalar') "
                f"(column {col + 1})\n  {self.source}\n  {' ' * col}^"
            )
        return T.svar(name) if sym.shape is None else T.var(name, sym.shape)

    def matrix(self, node: ast.AST, depth: int, what: str) -> Term:
        t = self.walk(node, depth)
        if t.is_scalar:
            raise ShapeError(f"'{what}' needs a matrix or vector, got a scalar")
        return t

    def binop(self, node: ast.BinOp, a: ast.AST, op: ast.operator, b: ast.AST, depth: int) -> Term:
        if isinstance(op, ast.Pow):
            return self.power(node, a, b, depth)
        left, right = self.walk(a, depth), self.walk(b, depth)
        match op:
            case ast.Add():
                return T.add(left, right)
            case ast.Sub():
                return T.add(left, -right)
            case ast.Mult():
                return T.multiply(left, right)
            case ast.MatMult():
                return T.matmul(left, right)
            case ast.Div():
                if not right.is_scalar and not right.is_1x1:
                    raise ShapeError(
                        f"'/' divides by scalars only, got a {right.shape[0]}x{right.shape[1]} matrix as divisor"
                    )
                return T.multiply(left, T.power(right, -1))
        self.fail(node, f"unsupported operator {type(op).__name__} (supported: + - * / @ **)")

    def power(self, node: ast.BinOp, a: ast.AST, b: ast.AST, depth: int) -> Term:
        k = _integer(b)
        if k is None:
            self.fail(b, "exponents must be integer literals (e.g. x**2, s**-1)")
        if abs(k) > MAX_EXPONENT:
            self.fail(b, f"exponent {k} is too large (at most {MAX_EXPONENT} in absolute value)", ParseError)
        base = self.walk(a, depth)
        if not base.is_scalar and not base.is_1x1:
            raise ShapeError(
                f"'**' applies to scalars only, got a {base.shape[0]}x{base.shape[1]} matrix "
                "(matrix powers are not supported; write A @ A)"
            )
        return T.power(base, k)

    def call(self, node: ast.Call, depth: int) -> Term:
        if not isinstance(node.func, ast.Name):
            self.fail(node, "unsupported call: only tr(X), norm(X) (and eye(n), zeros((m, n))) can be called")
        name = node.func.id
        if node.keywords:
            self.fail(node.keywords[0].value if node.keywords else node, f"{name}() takes no keyword arguments")
        if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            self.fail(node, f"{name}() takes exactly one argument")
        arg = node.args[0]
        if name == "tr":
            return T.trace(self.matrix(arg, depth, "tr"))
        if name == "norm":
            return T.norm(self.matrix(arg, depth, "norm"))
        if name == "eye":
            return T.eye(self.dim(arg))
        if name == "zeros":
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                self.fail(arg, "zeros() takes a shape tuple, e.g. zeros((m, n))")
            return T.zeros((self.dim(arg.elts[0]), self.dim(arg.elts[1])))
        self.fail(node, f"unknown function {name!r} (supported: {', '.join(FUNCTIONS)})")

    def dim(self, node: ast.AST) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value > 0:
            return str(node.value)
        if isinstance(node, ast.Name) and node.id in self.decls.dims:
            return node.id
        self.fail(node, "expected a declared dimension name or a positive integer")


def _integer(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _integer(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    return None


_DESCRIPTIONS = {
    ast.Subscript: "subscripts (indexing) are not supported",
    ast.Lambda: "lambda expressions are not supported",
    ast.ListComp: "comprehensions are not supported",
    ast.SetComp: "comprehensions are not supported",
    ast.DictComp: "comprehensions are not supported",
    ast.GeneratorExp: "generator expressions are not supported",
    ast.Compare: "comparisons are not supported",
    ast.BoolOp: "boolean operators are not supported",
    ast.IfExp: "conditional expressions are not supported",
    ast.Tuple: "tuples are not supported",
    ast.List: "lists are not supported",
    ast.Dict: "dicts are not supported",
    ast.Set: "sets are not supported",
    ast.Starred: "starred expressions are not supported",
    ast.NamedExpr: "assignment expressions are not supported",
    ast.Await: "await is not supported",
    ast.JoinedStr: "f-strings are not supported",
}


def _describe(node: ast.AST) -> str:
    return _DESCRIPTIONS.get(type(node), f"{type(node).__name__} is not part of the loss language")


def parse(source: str, where: str) -> tuple[Term, Declarations]:
    decls = parse_where(where)
    return parse_loss(source, decls), decls


__all__ = ["Declarations", "EgraphMcError", "Symbol", "parse", "parse_loss", "parse_where"]
