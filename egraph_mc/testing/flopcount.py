"""An independent count of the floating-point operations of printed text, as Python evaluates it.

The text (an expression, or a program of `t0 = ...` lines) is parsed with Python's own `ast` and
every operation is counted as numpy would perform it, left to right: `A @ B` 2·r·k·c, an
elementwise `+ - * /` or a negation one per element of its result (broadcasting a scalar), `**` one per element,
`tr(X)` n, `norm(X)` two per element, `sum(X)` one, `exp`, `log`, `sqrt` four per element, `inv(X)`
2n³ and `det`, `logdet` n³ (LU), `.T`, `eye`, `zeros`, `ones` and numeric
literals (folded by Python's compiler: `-1/2`, `3/2`) nothing. It shares no code with `ops.OPS`,
so the tests can hold the reported FLOPs of a printed gradient against it.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from egraph_mc.declare import Declarations

Shape = tuple[int, int] | None  # None: a scalar


def _size(d: str, dims: Mapping[str, int]) -> int:
    return 1 if d == "1" else int(d) if d.isdigit() else dims[d]


class _Counter:
    def __init__(self, decls: Declarations, dims: Mapping[str, int], names: dict[str, Shape]):
        self.decls, self.dims, self.names = decls, dims, names
        self.flops = 0

    def constant(self, node: ast.AST) -> bool:
        """A numeric literal expression, folded by the compiler: 2, -1/2, 3/2."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.UnaryOp):
            return self.constant(node.operand)
        if isinstance(node, ast.BinOp):
            return self.constant(node.left) and self.constant(node.right)
        return False

    def shape(self, node: ast.AST) -> Shape:
        if self.constant(node):
            return None
        match node:
            case ast.Name(id=name):
                if name in self.names:
                    return self.names[name]
                s = self.decls.symbols[name].shape
                return None if s is None else (_size(s[0], self.dims), _size(s[1], self.dims))
            case ast.Attribute(value=v, attr="T"):
                s = self.shape(v)
                return None if s is None else (s[1], s[0])
            case ast.UnaryOp(op=op, operand=x):
                s = self.shape(x)
                if isinstance(op, ast.USub):
                    self.flops += _elems(s)
                return s
            case ast.BinOp(left=a, op=op, right=b):
                sa, sb = self.shape(a), self.shape(b)
                if isinstance(op, ast.MatMult):
                    (r, k), (_, c) = sa, sb
                    self.flops += 2 * r * k * c
                    return (r, c)
                if isinstance(op, ast.Pow):  # one per entry (a scalar has one)
                    self.flops += _elems(sa)
                    return sa
                out = sa if sb is None else sb if sa is None else (max(sa[0], sb[0]), max(sa[1], sb[1]))
                self.flops += _elems(out)
                return out
            case ast.Call(func=ast.Name(id=fn), args=args):
                if fn == "eye":
                    n = _dim(args[0], self.dims)
                    return (n, n)
                if fn in ("zeros", "ones"):
                    return tuple(_dim(e, self.dims) for e in args[0].elts)
                s = self.shape(args[0])
                if fn == "diag":  # a copy: of a square matrix's diagonal, or a vector into a matrix
                    return (s[0], 1) if s[1] != 1 or s[0] == 1 else (s[0], s[0])
                if fn == "tr":  # n for n x n (a 1x1 product read as a scalar prints bare: no call)
                    self.flops += s[0]
                    return None
                if fn == "norm":
                    self.flops += 2 * _elems(s)
                    return None
                if fn in ("exp", "log", "sqrt"):  # a transcendental per entry: 4 (see the table's costs)
                    self.flops += 4 * _elems(s)
                    return s
                if fn == "sum":
                    self.flops += _elems(s)
                    return None
                if fn == "inv":  # LU and the solves (see the table's costs)
                    self.flops += 2 * s[0] ** 3
                    return s
                if fn in ("det", "logdet"):  # LU
                    self.flops += s[0] ** 3
                    return None
        raise ValueError(f"cannot count {ast.dump(node)[:80]}")


def _elems(s: Shape) -> int:
    return 1 if s is None else s[0] * s[1]


def _dim(node: ast.AST, dims: Mapping[str, int]) -> int:
    return node.value if isinstance(node, ast.Constant) else dims[node.id]


def count_flops(text: str, decls: Declarations, dims: Mapping[str, int]) -> int:
    """FLOPs of an expression or program as Python and numpy evaluate it (each line once)."""
    names: dict[str, Shape] = {}
    total = 0
    for line in text.strip().splitlines():
        name, _, expr = line.rpartition("=") if "=" in line.split("#")[0] else ("", "", line)
        counter = _Counter(decls, dims, names)
        shape = counter.shape(ast.parse(expr.strip(), mode="eval").body)
        total += counter.flops
        if name.strip():
            names[name.strip()] = shape
    return total
