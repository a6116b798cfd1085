"""Parsing a loss in numpy syntax into a term, as Python itself reads the text, with no algebra.

The text is parsed with Python's `ast` module and read node by node; nothing is evaluated. What the
reader adds to Python's tree is only the language's structure:
- a `+`/`-` chain is one sum (a multiset of signed terms); a `*`/`/` chain is one node: its numbers
  are a coefficient, its scalars a scalar factor, its one matrix the base. Both follow Python's
  order: numbers and scalars before the matrix scale the matrix once (`2 * lam * X` is (2λ)·X),
  each one after it scales it again (`lam * X / g` is (λX)/g), and consecutive numbers join
  (`-X / 2` is -½X). A parenthesized operand is never read into the enclosing chain, so
  `2 * (A @ B)` and `2 * A @ B` are different terms, as they are to numpy;
- a divisor s**k is the factor s**-k; s @ row for a scalar s is s * row;
- a 1x1 product is a 1x1 matrix where a matrix is expected (an operand of `@` or `.T`, an
  argument of tr() or norm()), and its trace, a scalar, where it meets a scalar: in a `*`/`/`
  chain with a scalar or another matrix, as a base, as the loss, in a sum with a scalar or with a
  parenthesized 1x1 product (`(x.T @ y) + (z.T @ w)`); the printer writes a scalar view `(x.T @ y)`.
The printer (`printing.py`) writes every term so that this reading gives it back.

Every construct outside the language is rejected with the column it starts at.
"""

from __future__ import annotations

import ast
import io
import tokenize
from fractions import Fraction

from egraph_mc.declare import Declarations, parse_where
from egraph_mc.errors import EgraphMcError, ParseError, ShapeError, UndeclaredSymbolError, UnsupportedSyntaxError
from egraph_mc.ops import CALLS, DIM, DIMS, METHODS, SPELLINGS, M, S
from egraph_mc.shapes import make, show_shape
from egraph_mc.term import ONE_DIM, SUMS, Term

MAX_SOURCE = 20_000  # characters: a loss longer than this is a mistake, not a loss
MAX_DEPTH = 120  # nesting (parentheses and calls; a long flat sum or product is not deep)
MAX_EXPONENT = 64
EXCERPT = 70  # characters of the loss shown around the caret in an error message


def excerpt(source: str, col: int) -> tuple[str, int]:
    """The part of a long source around a column, with ellipses, and the column within it."""
    if len(source) <= EXCERPT:
        return source, col
    start = max(0, min(col - EXCERPT // 2, len(source) - EXCERPT))
    end = start + EXCERPT
    text = ("..." if start else "") + source[start:end] + ("..." if end < len(source) else "")
    return text, col - start + (3 if start else 0)


def caret(source: str, col: int) -> str:
    text, c = excerpt(source, col)
    return f"\n  {text}\n  {' ' * c}^"


# --- numbers and scalar/matrix helpers ---------------------------------------------------------------


def number(q: Fraction) -> Term:
    """The number q as a scalar term: 1, the empty sum 0, or q·1."""
    if q == 1:
        return make("one")
    if q == 0:
        return make("ssum", ())
    return make("ssum", ((q, make("one")),))


def scalar_of(q: Fraction, factors: list[Term]) -> Term:
    """q * f1 * f2 ...: one factor bare, several as a product, a rational coefficient on top."""
    base = None if not factors else factors[0] if len(factors) == 1 else make("prod", tuple(factors))
    if base is None:
        return number(q)
    return base if q == 1 else make("ssum", ((q, base),))


def scaled(q: Fraction, t: Term) -> Term:
    if t.op == "one":
        return number(q)
    if q == 1:
        return t
    return make("sum" if not t.is_scalar else "ssum", ((q, t),))


def as_scalar(t: Term) -> Term:
    """A scalar, or a 1x1 product read as one (its trace)."""
    if t.is_scalar:
        return t
    if t.is_1x1:
        return make("trace", (t,))
    raise ShapeError(f"expected a scalar or a 1x1 product, got a {show_shape(t)} matrix")


# --- the reader ---------------------------------------------------------------------------------------


def _utf8_col(source: str, byte_col: int) -> int:
    return len(source.encode()[:byte_col].decode(errors="ignore"))


class _Reader:
    def __init__(self, source: str, decls: Declarations, offset: int = 0):
        self.source, self.decls = source, decls
        self.offset = offset  # bytes before this piece of a long sum parsed on its own
        self.text = source.encode()[offset:].decode(errors="ignore")  # what the nodes' offsets index
        self.depth = 0

    # errors, positioned

    def col(self, node: ast.AST) -> int:
        return _utf8_col(self.source, self.offset + getattr(node, "col_offset", 0))

    def fail(self, node: ast.AST, msg: str, cls: type[ParseError] = UnsupportedSyntaxError):
        raise cls(msg, self.source, self.col(node))

    def at(self, node: ast.AST, err: ShapeError):
        if "(column" in str(err):
            raise err
        raise ShapeError(f"{err} (column {self.col(node) + 1}){caret(self.source, self.col(node))}") from None

    def operator_node(self, node: ast.BinOp) -> ast.AST:
        """A stand-in node at the operator's column (shape errors point at the operator)."""
        src = self.source.encode()
        start, end = self.offset + (node.left.end_col_offset or 0), self.offset + node.right.col_offset
        idx = next((i for i in range(start, end) if chr(src[i]) in "+-*/@"), start)
        fake = ast.Constant(0)
        fake.col_offset = idx - self.offset
        return fake

    # parentheses: an operand starts after its parent (a left operand) or ends before it (a right one)

    @staticmethod
    def wrapped_left(parent: ast.AST, child: ast.AST) -> bool:
        return child.col_offset > parent.col_offset

    @staticmethod
    def wrapped_right(parent: ast.AST, child: ast.AST) -> bool:
        return child.end_col_offset < parent.end_col_offset

    # the walk

    def read(self, node: ast.AST, matrix: bool = False) -> Term:
        """The term of a node; `matrix`: read where a matrix is expected (an operand of `@` or `.T`, an
        argument of tr() or norm()), where a lone 1x1 product stays a 1x1 matrix."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                self.fail(node, f"the loss is nested more than {MAX_DEPTH} levels deep", ParseError)
            try:
                return self._read(node, matrix)
            except ShapeError as e:
                self.at(self.operator_node(node) if isinstance(node, ast.BinOp) else node, e)
            except ZeroDivisionError:
                self.fail(node, "division by zero", ParseError)
        finally:
            self.depth -= 1

    def _read(self, node: ast.AST, matrix: bool) -> Term:
        match node:
            case ast.BinOp(op=ast.Add() | ast.Sub()):
                return self.sum_chain(node, matrix)
            case ast.BinOp(op=ast.Mult() | ast.Div()) | ast.UnaryOp(op=ast.USub()):
                q, core = self.product_chain(node, matrix)
                return scaled(q, core)
            case ast.UnaryOp(op=ast.UAdd(), operand=x):
                t = self.read(x, matrix)
                return make("sum" if not t.is_scalar else "ssum", ((Fraction(1), t),))
            case ast.BinOp(op=ast.MatMult(), left=a, right=b):
                return self.matmul(self.read(a, True), self.read(b, True))
            case ast.BinOp(op=ast.Pow()):
                return self.power(node)
            case ast.BinOp(op=op):
                self.fail(node, f"unsupported operator {type(op).__name__} (supported: + - * / @ **)")
            case ast.Constant():
                return number(self.constant(node))
            case ast.Name(id=name):
                return self.symbol(node, name)
            case ast.Attribute(value=value, attr="T"):
                a = self.read(value, True)
                if a.is_scalar:
                    raise ShapeError("'.T' needs a matrix or vector, got a scalar")
                return make("transpose", (a,))
            case ast.Attribute(attr=attr):
                self.fail(node, f"unsupported attribute .{attr} (only .T, the transpose, is supported)")
            case ast.Call():
                return self.call(node)
            case _:
                self.fail(node, f"unsupported syntax: {_describe(node)}")

    def constant(self, node: ast.Constant) -> Fraction:
        text = ast.get_source_segment(self.text, node) or repr(node.value)
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            self.fail(node, f"unsupported constant {text}")
        try:
            return Fraction(text.replace("_", ""))
        except (ValueError, ZeroDivisionError):
            self.fail(node, f"unsupported number {text}")

    def numeric(self, node: ast.AST) -> Fraction | None:
        """The value of a number written as one: 2, 0.25, -3 (a chain splits 3/2 into 3 and / 2)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return self.constant(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            if self.wrapped_right(node, node.operand):
                return None
            inner = self.numeric(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        return None

    def symbol(self, node: ast.AST, name: str) -> Term:
        if name in CALLS:
            self.fail(node, f"{name!r} is a function, not a symbol")
        sym = self.decls.symbols.get(name)
        if sym is None:
            col = self.col(node)
            raise UndeclaredSymbolError(
                f"undeclared symbol {name!r} (declare it in `where`, e.g. '{name}: n x k' or '{name}: scalar') "
                f"(column {col + 1}){caret(self.source, col)}"
            )
        if sym.shape is None:
            return make("svar", attr=name)
        return make("var", attr=name, shape=sym.shape)

    # chains

    def _flatten(self, node: ast.AST, ops: tuple[type, ...]) -> list[tuple[ast.operator | None, ast.AST, bool]]:
        """The operands of a left-nested chain of `ops`, stopping at parentheses: (operator before the
        operand, operand, whether the operand is parenthesized)."""
        items = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ops):
            items.append((node.op, node.right, self.wrapped_right(node, node.right)))
            if self.wrapped_left(node, node.left):
                items.append((None, node.left, True))
                break
            node = node.left
        else:
            items.append((None, node, False))
        return items[::-1]

    def sum_chain(self, node: ast.BinOp, matrix: bool = False) -> Term:
        pairs: list[tuple[Fraction, Term]] = []
        scalar_view = False  # a parenthesized 1x1 product, `(x.T @ y)`: a scalar (its trace)
        for op, item, wrapped in self._flatten(node, (ast.Add, ast.Sub)):
            sign = Fraction(-1 if isinstance(op, ast.Sub) else 1)
            if not wrapped and (isinstance(item, (ast.Constant, ast.UnaryOp)) or
                                (isinstance(item, ast.BinOp) and isinstance(item.op, (ast.Mult, ast.Div)))):
                if isinstance(item, ast.UnaryOp) and isinstance(item.op, ast.UAdd):
                    q, core = Fraction(1), self.read(item)
                else:
                    q, core = self.product_chain(item, matrix)
                pairs.append((sign * q, core))
            else:
                pairs.append((sign, self.read(item, matrix)))
                scalar_view |= wrapped and pairs[-1][1].is_1x1 and not matrix
        terms = [t for _, t in pairs]
        wide = next((t for t in terms if not t.is_scalar and not t.is_1x1), None)
        if wide is not None and any(t.is_scalar for t in terms):
            # a scalar plus a matrix broadcasts, as in numpy: s is s * ones of the matrix's shape
            ones = make("ones", attr=wide.shape)
            pairs = [(q, t if not t.is_scalar else ones if t.op == "one" else make("scale", (t, ones)))
                     for q, t in pairs]
            return make("sum", tuple(pairs))
        if scalar_view or any(t.is_scalar for t in terms):
            try:
                pairs = [(q, as_scalar(t)) for q, t in pairs]
            except ShapeError:
                m = next(t for t in terms if not t.is_scalar and not t.is_1x1)
                raise ShapeError(f"shape mismatch in '+': scalar + {show_shape(m)} "
                                 "(a scalar and a matrix cannot be added)") from None
            return make("ssum", tuple(pairs))
        return make("sum", tuple(pairs))

    def product_chain(self, node: ast.AST, matrix: bool = False) -> tuple[Fraction, Term]:
        """(q, core): the chain is q * core, q its own rational coefficient (see the module doc)."""
        items = self._flatten(node, (ast.Mult, ast.Div)) if isinstance(node, ast.BinOp) else [(None, node, False)]
        read = []  # (divide, sign flips, number | None, term | None)
        items_read = []  # (index in read, node) of the terms read as they are (not divisors)
        for op, item, wrapped in items:
            divide, flips = isinstance(op, ast.Div), 0
            while not wrapped and isinstance(item, ast.UnaryOp) and self.numeric(item) is None:
                if not isinstance(item.op, (ast.USub, ast.UAdd)):
                    self.fail(item, f"unsupported unary operator {type(item.op).__name__}")
                flips += isinstance(item.op, ast.USub)
                wrapped = self.wrapped_right(item, item.operand)
                item = item.operand
            c = None if wrapped else self.numeric(item)
            if c is not None:
                if divide and c == 0:
                    raise ZeroDivisionError
                read.append((divide, flips, 1 / c if divide else c, None))
            else:
                read.append((divide, flips, None, self.divisor(item, wrapped) if divide else self.read(item, matrix)))
                items_read.append((len(read) - 1, item))
        # A chain with a matrix that is not 1x1 has it for its base: every other operand is a scalar,
        # so a 1x1 one read where a matrix was expected is read again as a scalar (`(4 * (x.T @ y))`
        # is 4·(xᵀy), not the trace of the 1x1 matrix 4xᵀy).
        if matrix and any(t is not None and not t.is_scalar and not t.is_1x1 for _, _, _, t in read):
            for i, item in items_read:
                divide, flips, c, t = read[i]
                if t is not None and t.is_1x1:
                    read[i] = (divide, flips, c, self.read(item, False))
        # the base: the first matrix that is not 1x1; where a matrix is expected, a lone 1x1 one
        terms = [t for _, _, _, t in read if t is not None and not t.is_scalar]
        base = next((t for t in terms if not t.is_1x1), terms[0] if matrix and terms else None)
        prefix_q, factors = Fraction(1), []
        core: Term | None = None
        top_q = Fraction(1)
        for divide, flips, c, t in read:
            sign = Fraction(-1) ** flips
            if core is None:
                prefix_q *= sign
            else:
                top_q *= sign
            if c is not None:
                if core is None:
                    prefix_q *= c
                else:
                    top_q *= c
                continue
            entrywise = not t.is_scalar and not t.is_1x1  # (a 1x1 operand here is a scalar)
            if entrywise and core is not None:  # A * B, A / B: entry by entry, left to right as Python
                core, top_q = make("hdiv" if divide else "hadamard", (scaled(top_q, core), t)), Fraction(1)
                continue
            if entrywise and divide:  # the first matrix divides: 1 / A, the entries' reciprocals
                t = base = make("epow", (t,), -1)
            if t is not base or core is not None:
                t = as_scalar(t)
                if core is None:
                    factors.append(t)
                else:
                    core = make("scale", (t, scaled(top_q, core)))
                    top_q = Fraction(1)
                continue
            if factors:
                core, top_q = make("scale", (scalar_of(prefix_q, factors), t)), Fraction(1)
            else:
                core, top_q = t, prefix_q
        if core is None:
            if not factors:
                return prefix_q, make("one")
            return prefix_q, scalar_of(Fraction(1), factors)
        return top_q, core

    def divisor(self, item: ast.AST, wrapped: bool) -> Term:
        """The factor a divisor contributes: s**-1, or s**-k for a divisor written s**k; a matrix
        divisor (not 1x1) is returned as it is, the chain divides by it entry by entry."""
        if isinstance(item, ast.Constant) or self.numeric(item) is not None:  # a parenthesized number
            return make("pow", (number(self.numeric(item)),), -1)
        if not wrapped and isinstance(item, ast.BinOp) and isinstance(item.op, ast.Pow):
            base, k = self.read(item.left), self.exponent(item.right)
            if not base.is_scalar and not base.is_1x1:
                return self.read(item)  # a matrix power, divided entry by entry
            return make("pow", (as_scalar(base),), -k)
        t = self.read(item)
        if not t.is_scalar and not t.is_1x1:
            return t  # a matrix: divided entry by entry (the chain makes A / B of it)
        return make("pow", (as_scalar(t),), -1)

    def exponent(self, node: ast.AST) -> int:
        k = self.numeric(node)
        if k is None or k.denominator != 1:
            hint = "; sqrt(X) is the square root" if k == Fraction(1, 2) else ""
            self.fail(node, f"exponents must be integer literals (e.g. x**2, s**-1){hint}")
        if abs(k) > MAX_EXPONENT:
            self.fail(node, f"exponent {k} is too large (at most {MAX_EXPONENT} in absolute value)", ParseError)
        return int(k)

    def power(self, node: ast.BinOp) -> Term:
        k = self.exponent(node.right)
        c = self.numeric(node.left)
        if c is not None:
            if c == 0 and k < 0:
                raise ZeroDivisionError
            return number(c**k)
        base = self.read(node.left)
        if not base.is_scalar and not base.is_1x1:  # entry by entry, as numpy's ** (A @ A is the matrix power)
            return make("epow", (base,), k)
        return make("pow", (as_scalar(base),), k)

    def matmul(self, a: Term, b: Term) -> Term:
        # two vectors of one length: their inner product, as numpy's 1-D `x @ y` and `x.dot(y)`
        if (not a.is_scalar and not b.is_scalar and a.shape[1] == ONE_DIM == b.shape[1]
                and a.shape[0] == b.shape[0] != ONE_DIM):
            return make("matmul", (make("transpose", (a,)), b))
        # numpy keeps a 1x1 product 1x1: `s @ row` for a scalar s is a scalar multiple of the row
        if a.is_scalar and not b.is_scalar and b.shape[0] == ONE_DIM:
            return make("scale", (a, b))
        if b.is_scalar and not a.is_scalar and a.shape[1] == ONE_DIM:
            return make("scale", (b, a))
        if a.is_scalar or b.is_scalar:
            raise ShapeError(f"'@' needs two matrices, got {'a scalar' if a.is_scalar else show_shape(a)} @ "
                             f"{'a scalar' if b.is_scalar else show_shape(b)}")
        return make("matmul", (a, b))

    def call(self, node: ast.Call) -> Term:
        """A call: the language's functions (tr, norm, eye, zeros), numpy's spellings of them
        (np.trace, numpy.linalg.norm, np.dot, ...) and array methods (x.dot(y), A.transpose())."""
        func, args = node.func, list(node.args)
        dotted = _dotted(func)
        module = dotted.split(".")[0] if dotted else None
        if dotted and "." in dotted and module in NUMPY_MODULES and module not in self.decls.symbols:
            name = "np." + dotted.split(".", 1)[1]
            if name not in SPELLINGS:
                self.fail(node, f"unsupported numpy function {dotted}() (accepted: "
                                f"{', '.join(SPELLINGS)}, with np. or numpy.)")
            cands = SPELLINGS[name]
            spelled = dotted
        elif isinstance(func, ast.Attribute):
            if dotted and "." in dotted and module not in self.decls.symbols:  # scipy.trace(B), math.exp(x)
                self.fail(node, f"unsupported module {module!r} in {dotted}(): only numpy's functions "
                                f"(np. or numpy.) and the language's own are accepted")
            if func.attr not in METHODS:
                self.fail(node, f"unsupported call: .{func.attr}() is no accepted method (accepted: "
                                f"{', '.join(f'.{m}()' for m in METHODS)}, and the attribute .T)")
            cands, spelled, args = METHODS[func.attr], f".{func.attr}", [func.value, *args]
        elif isinstance(func, ast.Name):
            if func.id not in CALLS:
                self.fail(node, f"unknown function {func.id!r} (supported: {_usage()}, and numpy's spellings "
                                f"{', '.join(SPELLINGS)})")
            cands, spelled = CALLS[func.id], func.id
        else:
            self.fail(node, f"unsupported call: only {_usage()}, numpy's spellings of them and array methods can be called")
        if node.keywords:
            axis = " (sums along an axis are not supported: sum(X) is the sum of every entry)" \
                if node.keywords[0].arg == "axis" else ""
            self.fail(node.keywords[0].value, f"{spelled}() takes no keyword arguments{axis}")
        o = cands[0]
        arity = len(o.children_kinds) or 1
        if len(args) != arity or any(isinstance(a, ast.Starred) for a in args):
            what = "exactly one argument" if arity == 1 else f"exactly {arity} arguments"
            hint = " (the Frobenius norm, numpy's default)" if o.name == "norm" else ""
            self.fail(node, f"{spelled}() takes {what}{hint}")
        if o.args == (DIM,):  # eye(n)
            return make(o.name, attr=self.dim(args[0]))
        if o.args == (DIMS,):  # zeros((m, n)), ones((m, n))
            arg = args[0]
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                self.fail(arg, f"{spelled}() takes a shape tuple, e.g. {o.name}((m, n))")
            return make(o.name, attr=(self.dim(arg.elts[0]), self.dim(arg.elts[1])))
        if len(cands) > 1 and {c.sort for c in cands} == {M, S} and all(c.children_kinds in ((M,), (S,)) for c in cands):
            # exp, log, sqrt: entry by entry on a matrix, plain on a scalar (a 1x1 product is one)
            t = self.read(args[0])
            scalar = t.is_scalar or t.is_1x1
            chosen = next(c for c in cands if c.children_kinds == ((S,) if scalar else (M,)))
            return make(chosen.name, (as_scalar(t) if scalar else t,))
        kids = [self.read(a, kind == M) for a, kind in zip(args, o.children_kinds, strict=True)]
        for kind, t in zip(o.children_kinds, kids, strict=True):
            if kind == M and t.is_scalar:
                raise ShapeError(f"{spelled}() needs a matrix or vector, got a scalar")
        if o.name == "matmul":
            return self.matmul(*kids)
        errors = []
        for c in cands:  # the first operation so spelled whose shape rule the arguments meet
            try:
                return make(c.name, tuple(kids))
            except ShapeError as e:
                errors.append(e)
        if len(cands) == 1:
            raise errors[0]
        raise ShapeError(f"{spelled}() takes " + " or ".join(f"{c.usage}: {c.doc}" for c in cands)
                         + f"; got {show_shape(kids[0])}")

    def dim(self, node: ast.AST) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value > 0:
            return str(node.value)
        if isinstance(node, ast.Name) and node.id in self.decls.dims:
            return node.id
        self.fail(node, "expected a declared dimension name or a positive integer")


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


NUMPY_MODULES = ("np", "numpy")


def _usage() -> str:
    return ", ".join(o.usage for ops in CALLS.values() for o in ops)


def _dotted(node: ast.AST) -> str | None:
    """`np.linalg.norm` for a chain of names and attributes; None for any other callee."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _describe(node: ast.AST) -> str:
    return _DESCRIPTIONS.get(type(node), f"{type(node).__name__} is not part of the loss language")


# --- entry points ---------------------------------------------------------------------------------


def _top_level_splits(source: str) -> list[int] | None:
    """Byte offsets of the binary `+`/`-` at bracket depth 0 (for a sum too long for `ast`)."""
    splits, depth, prev = [], 0, None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.OP and tok.string in "([":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]":
                depth -= 1
            elif depth == 0 and tok.type == tokenize.OP and tok.string in "+-" and prev is not None and (
                prev.type in (tokenize.NAME, tokenize.NUMBER) or prev.string in (")", "]")
            ):
                splits.append(len(source[: tok.start[1]].encode()))
            if tok.type not in (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.NL):
                prev = tok
    except (tokenize.TokenError, IndentationError):
        return None
    return splits


def _long_sum(source: str, decls: Declarations) -> Term:
    """A flat sum parsed term by term: Python's parser recurses once per `+` and gives up near 2500."""
    raw = source.encode()
    splits = _top_level_splits(source)
    if not splits:
        raise ParseError("the loss is nested too deeply to parse")
    bounds = [0, *splits, len(raw)]
    pieces = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        text = raw[start:end].decode()
        sign, body, lead = Fraction(1), text, 0
        stripped = text.lstrip()
        if start > 0:
            sign = Fraction(-1 if stripped[0] == "-" else 1)
            body = stripped[1:]
            lead = len(text.encode()) - len(body.encode())
        pad = len(body.encode()) - len(body.lstrip().encode())
        tree = ast.parse(body.strip(), mode="eval")
        pieces.append((sign, tree.body, start + lead + pad))
    pairs = []
    for sign, node, offset in pieces:
        reader = _Reader(source, decls, offset)
        if isinstance(node, (ast.Constant, ast.UnaryOp)) or (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div))):
            q, core = reader.product_chain(node)
        else:
            q, core = Fraction(1), reader.read(node)
        pairs.append((sign * q, core))
    if any(t.is_scalar or t.is_1x1 for _, t in pairs):
        return make("ssum", tuple((q, as_scalar(t)) for q, t in pairs))
    return make("sum", tuple(pairs))


def parse_loss(source: str, decls: Declarations) -> Term:
    """The term of a loss (or of any expression over the declared symbols)."""
    if not isinstance(source, str):
        raise ParseError(f"the loss must be a string, got {type(source).__name__}")
    if not source.strip():
        raise ParseError("the loss is empty")
    if len(source) > MAX_SOURCE:
        raise ParseError(f"the loss is {len(source)} characters long (at most {MAX_SOURCE})")
    source = source.strip()
    if "\n" in source:
        raise ParseError("the loss must be one expression on one line", source, source.index("\n"))
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        col = (e.offset or 1) - 1
        raise ParseError(f"syntax error: {e.msg}", source, max(col, 0)) from None
    except (RecursionError, MemoryError):
        return _long_sum(source, decls)
    except ValueError:
        raise ParseError("the loss is nested too deeply to parse") from None
    return _Reader(source, decls).read(tree.body)


def parse(source: str, where: str) -> tuple[Term, Declarations]:
    decls = parse_where(where)
    return parse_loss(source, decls), decls


__all__ = ["Declarations", "EgraphMcError", "as_scalar", "number", "parse", "parse_loss", "parse_where"]
