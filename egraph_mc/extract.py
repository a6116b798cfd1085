"""Extraction over the serialized e-graph, in Python: tree extraction for user-defined costs and a
sharing-aware (DAG) extractor, for the models egglog's additive Rust-side extractor cannot express.

The e-graph is read once after saturation (`Graph.of`). Only term nodes that may be extracted are
kept: no subsumed node, no differential, read-off or helper node. A sum's terms (`MT`, `ST`) are
nodes of their own ("term": a coefficient and the class it scales), as in the e-graph.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from egglog import EGraph

from egraph_mc import term as T
from egraph_mc.term import Term

ROOT = "gradient_root"
_RATIO = re.compile(r"Ratio \{ numer: (-?\d+), denom: (\d+) \}")
_NEVER_OPS = {"Mat.dvar", "D", "sD", "grad", "mt_T", "mt_D", "st_D", "mt_lmul", "mt_rmul", "mt_scale", "mt_tr",
              "st_grad", "st_scale", "leibniz", "MT.zero", "ST.zero"}
_TERM_OPS = {"Mat.var", "Scalar.var", "Scalar.one", "Mat.eye", "Mat.zeros", "· @ ·", "·.T", "lin", "smul", "tr",
             "norm", "slin", "sprod", "spow", "MT", "ST"}


@dataclass(frozen=True)
class Node:
    """One extractable e-node. `kids` are child e-classes; a sum's are its terms' classes, with `coefs`."""

    op: str  # the Term op: var, svar, one, eye, zeros, matmul, transpose, sum, scale, trace, norm, ssum, prod, pow
    eclass: str
    kids: tuple[str, ...] = ()
    coefs: tuple[Fraction, ...] = ()
    attr: object = None  # symbol name, dims, exponent


@dataclass
class Graph:
    nodes: dict[str, list[Node]] = field(default_factory=dict)  # e-class -> its extractable nodes
    shapes: dict[str, T.Shape | None] = field(default_factory=dict)  # e-class -> shape (None: scalar)
    root: str | None = None  # the e-class of the gradient (the `gradient_root` binding)
    scalar_classes: set[str] = field(default_factory=set)

    def signs(self, node: Node) -> list[Fraction]:
        """The coefficients a sum's terms may carry (any member of each term's class)."""
        return [t.coefs[0] for k in node.kids for t in self.nodes.get(k, ())]

    @classmethod
    def of(cls, egraph: EGraph, subsumed: bool = False) -> Graph:
        return cls.from_json(egraph._serialize().to_json(), subsumed)

    @classmethod
    def from_json(cls, text: str, subsumed: bool = False) -> Graph:
        """The extractable nodes; with `subsumed`, the subsumed ones too.

        A subsumed node is still an equality the rules proved, only not preferred. Rules that
        subsume can, together, subsume every member of a class (G = 2H and H = G/2 each flattened
        into the other); extraction then falls back on them rather than finding no gradient.
        """
        data = json.loads(text)
        raw = data["nodes"]
        literal = {}
        dim_name = {}
        for n in raw.values():
            op = n["op"]
            if not n["children"] and (op.startswith('"') or op.lstrip("-").isdigit()):
                literal[n["eclass"]] = op[1:-1] if op.startswith('"') else int(op)
            m = _RATIO.fullmatch(op)
            if m:
                literal[n["eclass"]] = Fraction(int(m.group(1)), int(m.group(2)))
        for n in raw.values():
            if n["op"] == "Dim.named":
                dim_name[n["eclass"]] = literal[raw[n["children"][0]]["eclass"]]
            elif n["op"] == "Dim.one":
                dim_name[n["eclass"]] = "1"
        graph = cls()
        # a class bound by several lets lists them all ("$__expr_0, $gradient_root": the gradient is
        # a term of the loss itself, as x for ½xᵀx)
        graph.root = next(
            (c for c, d in data["class_data"].items() if f"${ROOT}" in (x.strip() for x in d.get("let", "").split(","))),
            None,
        )
        rows, cols = {}, {}
        for n in raw.values():
            if n["op"] in ("rows", "cols") and raw[n["children"][0]]["eclass"] is not None:
                target = rows if n["op"] == "rows" else cols
                target[raw[n["children"][0]]["eclass"]] = dim_name.get(n["eclass"])
        klass = {nid: n["eclass"] for nid, n in raw.items()}
        for nid, n in raw.items():
            op = n["op"]
            if op not in _TERM_OPS or (n.get("subsumed") and not subsumed):
                continue
            kids = [klass[c] for c in n["children"]]
            node = _node(op, n["eclass"], kids, n["children"], raw, klass, literal, dim_name)
            if node is not None:
                graph.nodes.setdefault(n["eclass"], []).append(node)
        for c, d in data["class_data"].items():
            sort = d.get("type", "")
            if sort.endswith((".Mat", ".Scalar", ".MT", ".ST")):
                graph.shapes[c] = (rows[c], cols[c]) if c in rows and c in cols else None
            if sort.endswith((".Scalar", ".ST")):
                graph.scalar_classes.add(c)
        for c, ns in graph.nodes.items():  # a matrix term has the shape of what it scales
            if ns[0].op == "term" and graph.shapes.get(ns[0].kids[0]) is not None:
                graph.shapes[c] = graph.shapes[ns[0].kids[0]]
        return graph


def _node(op, eclass, kids, child_ids, raw, klass, literal, dim_name) -> Node | None:
    match op:
        case "Mat.var":
            return Node("var", eclass, attr=literal[kids[0]])
        case "Scalar.var":
            return Node("svar", eclass, attr=literal[kids[0]])
        case "Scalar.one":
            return Node("one", eclass)
        case "Mat.eye":
            return Node("eye", eclass, attr=dim_name[kids[0]])
        case "Mat.zeros":
            return Node("zeros", eclass, attr=(dim_name[kids[0]], dim_name[kids[1]]))
        case "· @ ·":
            return Node("matmul", eclass, tuple(kids))
        case "·.T":
            return Node("transpose", eclass, tuple(kids))
        case "smul":
            return Node("scale", eclass, tuple(kids))
        case "tr":
            return Node("trace", eclass, tuple(kids))
        case "norm":
            return Node("norm", eclass, tuple(kids))
        case "spow":
            return Node("pow", eclass, (kids[0],), attr=literal[kids[1]])
        case "sprod":
            elems = [klass[e] for e in raw[child_ids[0]]["children"]]
            return Node("prod", eclass, tuple(elems))
        case "lin" | "slin":
            elems = tuple(klass[e] for e in raw[child_ids[0]]["children"])  # classes of MT/ST terms
            if not elems:
                return None
            return Node("sum" if op == "lin" else "ssum", eclass, elems)
        case "MT" | "ST":  # one term of a sum: its coefficient, and the class of what it scales
            return Node("term", eclass, (kids[1],), (literal[kids[0]],))
    return None


# --- costs of one node ----------------------------------------------------------------------


def size_units(node: Node, graph: Graph) -> int:
    """Printed tokens of the node itself (its children's tokens not included)."""
    match node.op:
        case "var" | "svar" | "one" | "transpose" | "matmul" | "scale" | "norm":
            return 1
        case "eye":
            return 2
        case "zeros":
            return 3
        case "trace":
            return 0 if graph.shapes.get(node.kids[0]) == ("1", "1") else 1
        case "pow":
            return 0 if node.attr == -1 else 2
        case "prod":
            return len(node.kids) - 1
        case "sum" | "ssum":
            lead = 0 if any(q > 0 for q in graph.signs(node)) else 1
            return len(node.kids) - 1 + lead
        case "term":
            return _coefficient_tokens(node.coefs[0])
    raise ValueError(node.op)


def _coefficient_tokens(q: Fraction) -> int:
    q = abs(q)
    if q == 1:
        return 0
    if q.denominator == 1 or q.numerator == 1:
        return 2
    return 4


def flops(node: Node, graph: Graph, dims: dict[str, int]) -> int:
    """Floating-point operations of the node itself, at the given dims."""

    def size(d: str) -> int:
        return 1 if d == "1" else int(d) if d.isdigit() else dims[d]

    def elems(c: str) -> float:
        s = graph.shapes.get(c)
        if s is None:
            return 1 if c in graph.scalar_classes else math.inf
        return size(s[0]) * size(s[1])

    if any(graph.shapes.get(k) is None for k in node.kids if node.op in ("matmul", "trace", "norm")):
        return math.inf  # an operand whose shape the analysis never reached: not extractable here
    match node.op:
        case "matmul":
            (r, k), (_, c) = graph.shapes[node.kids[0]], graph.shapes[node.kids[1]]
            return 2 * size(r) * size(k) * size(c)
        case "sum" | "ssum":
            return elems(node.eclass) * (len(node.kids) - 1)
        case "term":
            return 0 if abs(node.coefs[0]) == 1 else elems(node.kids[0])
        case "scale":
            return elems(node.eclass)
        case "trace":
            return size(graph.shapes[node.kids[0]][0])
        case "norm":
            return 2 * elems(node.kids[0])
        case "prod":
            return len(node.kids) - 1
        case "pow":
            return max(abs(node.attr) - 1, 1)
    return 0


NodeCost = Callable[[Node], float]


# --- extraction -----------------------------------------------------------------------------


def tree_extract(graph: Graph, root: str, cost: NodeCost) -> tuple[dict[str, Node], float]:
    """The cheapest term under an additive cost (every use of a subterm paid again)."""
    best: dict[str, float] = {}
    choice: dict[str, Node] = {}
    own = {id(n): cost(n) for ns in graph.nodes.values() for n in ns}
    changed = True
    while changed:
        changed = False
        for c, ns in graph.nodes.items():
            for n in ns:
                if any(k not in best for k in n.kids):
                    continue
                total = own[id(n)] + sum(best[k] for k in n.kids)
                if total < best.get(c, math.inf):
                    best[c], choice[c] = total, n
                    changed = True
    if root not in best:
        raise KeyError(root)
    return choice, best[root]


def dag_extract(graph: Graph, root: str, cost: NodeCost) -> tuple[dict[str, Node], float]:
    """A sharing-aware pick: every distinct subterm paid once (greedy, as extraction-gym's greedy-dag).

    Each e-class keeps the set of e-classes its best term uses, with their own costs; a node's cost
    is that of the union of its children's sets plus itself. Greedy, so not always optimal; the
    result's cost is exact for the term it picks.
    """
    sets: dict[str, dict[str, float]] = {}
    totals: dict[str, float] = {}
    choice: dict[str, Node] = {}
    own = {id(n): cost(n) for ns in graph.nodes.values() for n in ns}
    changed = True
    rounds = 0
    while changed and rounds < 200:
        changed, rounds = False, rounds + 1
        for c, ns in graph.nodes.items():
            for n in ns:
                if any(k not in sets for k in n.kids) or c in n.kids:
                    continue
                used: dict[str, float] = {}
                for k in n.kids:
                    used.update(sets[k])
                if c in used:  # a cycle through this class
                    continue
                used[c] = own[id(n)]
                total = sum(used.values())
                if total < totals.get(c, math.inf) - 1e-9:
                    sets[c], totals[c], choice[c] = used, total, n
                    changed = True
    if root not in totals:
        raise KeyError(root)
    return choice, dag_cost(choice, root, cost)


def dag_cost(choice: dict[str, Node], root: str, cost: NodeCost) -> float:
    """Every distinct e-class the choice reaches from the root, paid once; inf on a cycle."""
    order = _topological(choice, root)
    return math.inf if order is None else sum(cost(choice[c]) for c in order)


def _topological(choice: dict[str, Node], root: str) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    order: list[str] = []
    stack: list[tuple[str, int]] = [(root, 0)]
    while stack:
        c, i = stack.pop()
        if i == 0:
            if state.get(c) == 2:
                continue
            if state.get(c) == 1 or c not in choice:
                return None
            state[c] = 1
        kids = choice[c].kids
        if i < len(kids):
            stack.append((c, i + 1))
            k = kids[i]
            if state.get(k) == 1:
                return None
            if state.get(k) != 2:
                stack.append((k, 0))
        else:
            state[c] = 2
            order.append(c)
    return order


def best_dag(graph: Graph, root: str, cost: NodeCost, measures: list[NodeCost], seconds: float = 1.0):
    """Sharing-aware extraction: starts from the best tree and the greedy DAG under each measure,
    then local search from the cheapest start under `cost`.

    The local search switches one e-class's node at a time and keeps a switch whenever the DAG it
    reaches is cheaper, until no switch helps or the time is spent. Not exact, never worse than
    its starting points.
    """
    candidates = []
    for measure in measures:
        for extractor in (tree_extract, dag_extract):
            try:
                candidates.append(extractor(graph, root, measure)[0])
            except KeyError:
                pass
    base: dict[str, Node] = {}
    for cand in reversed(candidates):  # every class gets some choice, the seeds' first
        base.update(cand)
    if not candidates:
        raise KeyError(root)
    scored = [(dag_cost({**base, **cand}, root, cost), i) for i, cand in enumerate(candidates)]
    best_cost, i = min(scored)
    choice = {**base, **candidates[i]}
    deadline = time.perf_counter() + seconds
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for c in _topological(choice, root) or []:
            for alt in graph.nodes.get(c, ()):
                if alt is choice[c] or any(k not in choice for k in alt.kids):
                    continue
                trial = {**choice, c: alt}
                trial_cost = dag_cost(trial, root, cost)
                if trial_cost < best_cost - 1e-9:
                    choice, best_cost, improved = trial, trial_cost, True
                    break
            if improved or time.perf_counter() > deadline:
                break
    return choice, best_cost


# --- back to terms --------------------------------------------------------------------------


def to_term(graph: Graph, choice: dict[str, Node], root: str, shapes: dict[str, T.Shape | None]) -> Term:
    """The chosen term, built without normalization (its structure is what the cost model priced)."""
    memo: dict[str, object] = {}

    def build(c: str) -> Term:
        if c in memo:
            return memo[c]
        n = choice[c]
        kids = [build(k) for k in n.kids]
        match n.op:
            case "var":
                t = T.var(n.attr, shapes[n.attr])
            case "svar":
                t = T.svar(n.attr)
            case "one":
                t = T.one()
            case "eye":
                t = T.eye(n.attr)
            case "zeros":
                t = T.zeros(n.attr)
            case "term":
                t = (n.coefs[0], kids[0])  # a (coefficient, term) pair, consumed by its sum
            case "sum" | "ssum":
                # q·(r·C) is (qr)·C: a nested one-term sum (the e-graph may keep one, subsumed) prints longer
                pairs = [(q * u.args[0][0], u.args[0][1]) if u.op == n.op and len(u.args) == 1 else (q, u) for q, u in kids]
                t = pairs[0][1] if len(pairs) == 1 and pairs[0][0] == 1 else T.node(n.op, tuple(pairs))
            case "pow":
                t = T.node("pow", (kids[0],), n.attr)
            case _:
                t = T.node(n.op, tuple(kids))
        memo[c] = t
        return t

    return build(root)
