"""The one reader of the serialized e-graph, used by the Python extractors and by the audit.

egglog serializes every table row as a node: term constructors (named as in `ops.OPS`: "matmul",
"sum", ...; a sum's terms are "MT"/"ST" nodes), helpers and analyses (egglog's Python names:
"D", "rows", "mt_T", ...) and primitive literals (strings, integers, rationals).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from egglog import EGraph

from egraph_mc import backend
from egraph_mc.convert import constructors
from egraph_mc.term import ONE_DIM

_RATIO = re.compile(r"Ratio \{ numer: (-?\d+), denom: (\d+) \}")


@dataclass(frozen=True)
class ENode:
    id: str
    op: str
    eclass: str
    children: tuple[str, ...]  # node ids (each stands for its e-class)
    subsumed: bool = False


@dataclass
class SerializedGraph:
    nodes: dict[str, ENode]
    members: dict[str, list[str]] = field(default_factory=dict)  # e-class -> node ids
    sorts: dict[str, str] = field(default_factory=dict)  # e-class -> sort ("Mat", "Scalar", ...)
    literals: dict[str, object] = field(default_factory=dict)  # e-class of a primitive -> its value
    lets: dict[str, set[str]] = field(default_factory=dict)  # e-class -> the let names bound to it

    @classmethod
    def of(cls, egraph: EGraph) -> SerializedGraph:
        data = backend.serialize(egraph, constructors())
        nodes = {
            nid: ENode(nid, n["op"], n["eclass"], tuple(n["children"]), bool(n.get("subsumed")))
            for nid, n in data["nodes"].items()
        }
        graph = cls(nodes)
        members: dict[str, list[str]] = defaultdict(list)
        for nid, n in nodes.items():
            members[n.eclass].append(nid)
            if not n.children:
                value = _literal(n.op)
                if value is not None:
                    graph.literals[n.eclass] = value
        graph.members = dict(members)
        for c, d in data["class_data"].items():
            graph.sorts[c] = d.get("type", "").rsplit(".", 1)[-1]
            if d.get("let"):
                graph.lets[c] = {x.strip().lstrip("$") for x in d["let"].split(",")}
        return graph

    def cls(self, nid: str) -> str:
        return self.nodes[nid].eclass

    def kids(self, node: ENode) -> list[str]:
        """The e-classes of a node's children."""
        return [self.nodes[c].eclass for c in node.children]

    def bound(self, name: str) -> str | None:
        """The e-class a `let` name is bound to."""
        return next((c for c, names in self.lets.items() if name in names), None)

    def dims(self) -> dict[str, str]:
        """Dim e-class -> dim name ("1" for the dim of vectors)."""
        out = {}
        for n in self.nodes.values():
            if n.op == "Dim.named":
                out[n.eclass] = self.literals[self.kids(n)[0]]
            elif n.op == "Dim.one":
                out[n.eclass] = ONE_DIM
        return out

    def shapes(self) -> dict[str, tuple[str, str]]:
        """Matrix e-class -> (rows, cols), from the shape analysis."""
        dims = self.dims()
        rows, cols = {}, {}
        for n in self.nodes.values():
            if n.op in ("rows", "cols"):
                (target,) = self.kids(n)
                (rows if n.op == "rows" else cols)[target] = dims.get(n.eclass)
        return {c: (rows[c], cols[c]) for c in rows if c in cols and rows[c] and cols[c]}


def _literal(op: str) -> object:
    if op.startswith('"'):
        return op[1:-1]
    m = _RATIO.fullmatch(op)
    if m:
        return Fraction(int(m.group(1)), int(m.group(2)))
    try:
        return int(op)
    except ValueError:
        return None
