"""Numerical audit of an e-graph: every member of every e-class must evaluate to the same value.

The e-graph is serialized and evaluated bottom-up on random data: matrices get arrays of their
declared shapes, dX a random direction V. d(x) is evaluated by central differences of x along V
(Richardson-extrapolated), grad(s) is checked by linearity: s(V1) - s(V2) = <G, V1 - V2> for every
member G of its e-class. The analyses are checked too: `rows`/`cols` against the arrays' shapes,
`dep` = 0 against a perturbation of the variable, `is_sym` against symmetry.

An e-graph that merged two unequal terms fails the audit. This is how every rewrite rule is proven
sound (tests fire each rule on examples and audit the result) and how saturated e-graphs of whole
losses are checked.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from egglog import EGraph

from egraph_mc.parse import Declarations
from egraph_mc.verify import random_dims, random_direction, random_values


class _Zero:
    """The zero term: the additive identity of every shape."""

    def __repr__(self) -> str:
        return "ZERO"


ZERO = _Zero()
_RATIO = re.compile(r"Ratio \{ numer: (-?\d+), denom: (\d+) \}")
_DERIVATIVES = {"D", "sD", "mt_D", "st_D", "leibniz"}
_READOFFS = {"grad", "st_grad"}
_ANALYSES = {"rows", "cols", "dep", "sdep", "mtdep", "stdep", "hasd", "shasd", "mthasd", "sthasd",
             "is_sym", "mt_in", "st_in", "factor_in", "mt_positive", "st_positive"}


@dataclass
class AuditReport:
    classes: int = 0
    checked_members: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


@dataclass
class _Graph:
    nodes: dict[str, dict]
    members: dict[str, list[str]]
    literal: dict[str, object]  # primitive e-class -> value
    zero_classes: set[str]

    @classmethod
    def of(cls, egraph: EGraph) -> _Graph:
        data = json.loads(egraph._serialize().to_json())
        nodes = data["nodes"]
        members: dict[str, list[str]] = defaultdict(list)
        literal: dict[str, object] = {}
        for nid, n in nodes.items():
            members[n["eclass"]].append(nid)
            if not n["children"] and not n["op"][0].isalpha() or n["op"].startswith("Ratio"):
                literal[n["eclass"]] = _literal(n["op"])
        zero_classes = {n["eclass"] for n in nodes.values() if n["op"] in ("MT.zero", "ST.zero")}
        return cls(nodes, members, literal, zero_classes)

    def cls(self, nid: str) -> str:
        return self.nodes[nid]["eclass"]


def _literal(op: str) -> object:
    if op.startswith('"'):
        return op[1:-1]
    m = _RATIO.fullmatch(op)
    if m:
        return Fraction(int(m.group(1)), int(m.group(2)))
    try:
        return int(op)
    except ValueError:
        return op


def _add(a, b):
    if a is ZERO:
        return b
    if b is ZERO:
        return a
    return a + b


def _scale(q, v):
    return ZERO if v is ZERO else float(q) * v


def _apply(op: str, args: list, ev: _Evaluation):
    """The value of one e-node from its children's values (None: not evaluable here)."""
    match op:
        case "Mat.var" | "Scalar.var":
            return ev.env[args[0]]
        case "Mat.dvar":
            return ev.direction
        case "Scalar.one":
            return 1.0
        case "Dim.named":
            return args[0]
        case "Dim.one":
            return "1"
        case "Mat.eye":
            return np.eye(ev.size(args[0]))
        case "Mat.zeros":
            return np.zeros((ev.size(args[0]), ev.size(args[1])))
        case "· @ ·":
            return ZERO if args[0] is ZERO or args[1] is ZERO else args[0] @ args[1]
        case "·.T" | "mt_T":
            return ZERO if args[0] is ZERO else np.transpose(args[0])
        case "MT" | "ST" | "mt_scale" | "st_scale":
            return _scale(args[0], args[1])
        case "MT.zero" | "ST.zero":
            return ZERO if op == "MT.zero" else 0.0
        case "MultiSet":
            return list(args)
        case "lin" | "slin":
            out = ZERO
            for v in args[0]:
                out = _add(out, v)
            return 0.0 if out is ZERO and op == "slin" else out
        case "sprod":
            out = 1.0
            for v in args[0]:
                out = out * v
            return out
        case "spow":
            return args[0] ** args[1]
        case "smul":
            return ZERO if args[1] is ZERO else args[0] * args[1]
        case "tr" | "mt_tr":
            return 0.0 if args[0] is ZERO else float(np.trace(args[0]))
        case "norm":
            return float(np.linalg.norm(args[0]))
        case "mt_lmul":
            return ZERO if args[1] is ZERO else args[0] @ args[1]
        case "mt_rmul":
            return ZERO if args[1] is ZERO else args[1] @ args[0]
    return None


class _Evaluation:
    """Values of all e-classes at one point (symbol values, direction V for dX)."""

    def __init__(self, graph: _Graph, env: dict, direction, dims: dict[str, int], derivative=None):
        self.graph, self.env, self.direction, self.dims = graph, env, direction, dims
        self.derivative = derivative  # class -> d(class) along V, for d-nodes (None: skip them)
        self.values: dict[str, object] = dict(graph.literal)
        # The zero term is one e-class for every shape: its members are zeros of any shape.
        self.values.update({c: ZERO for c in graph.zero_classes})
        self.node_values: dict[str, object] = {}
        self._run()

    def size(self, d: str) -> int:
        return 1 if d == "1" else int(d) if d.isdigit() else self.dims[d]

    def _node_value(self, nid: str, n: dict):
        op = n["op"]
        kids = [self.graph.cls(c) for c in n["children"]]
        if op in _ANALYSES or op in _READOFFS:
            return None
        if op in _DERIVATIVES:
            if self.derivative is None:
                return None
            if op == "leibniz":  # d-term of factor f in the product xs: (xs without f) * df
                if kids[0] not in self.values or kids[1] not in self.derivative:
                    return None
                rest = [self.graph.cls(c) for c in self.graph.nodes[n["children"][0]]["children"]]
                rest.remove(kids[1])
                out = self.derivative[kids[1]]
                for c in rest:
                    if c not in self.values:
                        return None
                    out = out * self.values[c]
                return out
            return self.derivative.get(kids[0])
        if any(k not in self.values for k in kids):
            return None
        try:
            return _apply(op, [self.values[k] for k in kids], self)
        except (KeyError, ValueError, TypeError, ZeroDivisionError, FloatingPointError):
            return None

    def _run(self) -> None:
        pending = {nid: n for nid, n in self.graph.nodes.items() if nid not in self.node_values}
        changed = True
        while changed:
            changed = False
            for nid, n in list(pending.items()):
                v = self._node_value(nid, n)
                if v is None:
                    continue
                del pending[nid]
                self.node_values[nid] = v
                c = n["eclass"]
                if c not in self.values:
                    self.values[c] = v
                    changed = True


def _close(a, b, rtol: float) -> bool:
    if a is ZERO or b is ZERO:
        other = b if a is ZERO else a
        return other is ZERO or np.allclose(other, 0.0, atol=1e-8)
    if isinstance(a, list) or isinstance(b, list) or isinstance(a, str) or isinstance(b, str):
        return True  # containers and dims are compared through their users
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return bool(np.all(np.abs(a - b) <= rtol * scale))


def audit(
    egraph: EGraph, decls: Declarations, wrt: str | None, trials: int = 2, seed: int = 0, rtol: float = 1e-6
) -> AuditReport:
    """Evaluate every e-class of the e-graph on random data; report members that disagree."""
    graph = _Graph.of(egraph)
    report = AuditReport(classes=len(graph.members))
    rng = np.random.default_rng(seed)
    for trial in range(trials):
        dims = random_dims(decls, rng)
        env = random_values(decls, rng, dims)
        if wrt is None:
            v1 = v2 = None
            base = _Evaluation(graph, env, None, dims, {})
            other = shifted = None
        else:
            v1 = random_direction(decls, wrt, rng, np.shape(env[wrt]))
            v2 = random_direction(decls, wrt, rng, np.shape(env[wrt]))
            base = _Evaluation(graph, env, v1, dims, _finite_differences(graph, env, wrt, v1, dims))
            other = _Evaluation(graph, env, v2, dims, _finite_differences(graph, env, wrt, v2, dims))
            shifted = _Evaluation(graph, {**env, wrt: env[wrt] + 1e-3 * v1}, v1, dims)
        _compare_members(graph, base, report, rtol, f"trial {trial}")
        _check_readoffs(graph, base, other, v1, v2, report, rtol)
        _check_analyses(graph, base, shifted, report)
    return report


def _finite_differences(graph: _Graph, env: dict, wrt: str, v, dims) -> dict[str, object]:
    """d(class)/dt at t = 0 of every e-class evaluated at wrt + tV (Richardson on h and h/2)."""
    h = 1e-3 * max(1.0, float(np.linalg.norm(env[wrt]))) / max(1.0, float(np.linalg.norm(v)))
    evals = {t: _Evaluation(graph, {**env, wrt: env[wrt] + t * v}, v, dims).values for t in (h, -h, h / 2, -h / 2)}
    out = {}
    for c in graph.members:
        vals = [evals[t].get(c) for t in (h, -h, h / 2, -h / 2)]
        if any(x is None or isinstance(x, (str, list)) for x in vals):
            continue
        if all(x is ZERO for x in vals):
            out[c] = ZERO
            continue
        vals = [0.0 if x is ZERO else x for x in vals]
        d1 = (vals[0] - vals[1]) / (2 * h)
        d2 = (vals[2] - vals[3]) / h
        out[c] = (4 * d2 - d1) / 3
    return out


def _compare_members(graph: _Graph, ev: _Evaluation, report: AuditReport, rtol: float, where: str) -> None:
    for c, nids in graph.members.items():
        ref = ev.values.get(c)
        if ref is None:
            continue
        for nid in nids:
            v = ev.node_values.get(nid)
            if v is None:
                continue
            report.checked_members += 1
            if not _close(ref, v, rtol):
                report.mismatches.append(
                    f"{where}: e-class {c} member {graph.nodes[nid]['op']} = {_brief(v)} differs from {_brief(ref)}"
                )


def _check_readoffs(graph, base, other, v1, v2, report: AuditReport, rtol: float) -> None:
    """grad(s) = G needs s(V1) - s(V2) = <G, V1 - V2> (st_grad likewise for a scalar term)."""
    if other is None:
        return
    for nid, n in graph.nodes.items():
        if n["op"] not in _READOFFS:
            continue
        s, g = graph.cls(n["children"][0]), n["eclass"]
        if s not in base.values or s not in other.values or g not in base.values:
            continue
        G = base.values[g]
        lhs = _number(base.values[s]) - _number(other.values[s])
        report.checked_members += 1
        if G is not ZERO and np.shape(G) != np.shape(v1):
            report.mismatches.append(f"read-off {n['op']} in e-class {g} has shape {np.shape(G)}, not {np.shape(v1)}")
            continue
        rhs = 0.0 if G is ZERO else float(np.sum(np.asarray(G) * (v1 - v2)))
        if abs(lhs - rhs) > rtol * max(1.0, abs(lhs), abs(rhs)):
            report.mismatches.append(f"read-off {n['op']} in e-class {g}: <G, dV> = {rhs:.6g} but ds = {lhs:.6g}")


def _check_analyses(graph, base, shifted, report: AuditReport) -> None:
    for nid, n in graph.nodes.items():
        op = n["op"]
        if op not in ("rows", "cols", "dep", "sdep", "is_sym"):
            continue
        arg, out = graph.cls(n["children"][0]), n["eclass"]
        val = base.values.get(arg)
        res = base.values.get(out)
        if val is None or res is None or val is ZERO:
            continue
        report.checked_members += 1
        if op in ("rows", "cols"):
            want = np.shape(val)[0 if op == "rows" else 1]
            if base.size(res) != want:
                report.mismatches.append(f"{op} of e-class {arg} says {res}, the value has {want}")
        elif op == "is_sym" and res == 1 and not np.allclose(val, np.transpose(val)):
            report.mismatches.append(f"is_sym holds for e-class {arg}, which is not symmetric")
        elif op in ("dep", "sdep") and res == 0 and shifted is not None:
            moved = shifted.values.get(arg)
            if moved is not None and not _close(val, moved, 1e-9):
                report.mismatches.append(f"{op} = 0 for e-class {arg}, which changes with the variable")


def _number(v) -> float:
    return 0.0 if v is ZERO else float(v)


def _brief(v) -> str:
    if v is ZERO:
        return "0"
    a = np.asarray(v, dtype=float)
    return f"{a.ravel()[:3]}{'...' if a.size > 3 else ''} (shape {a.shape})"
