"""Numerical audit of an e-graph: every member of every e-class must evaluate to the same value.

The e-graph is read (`graph.SerializedGraph`) and evaluated bottom-up on random data: matrices get
arrays of their declared shapes, dX a random direction V, every term node its value by its entry
in `ops.OPS` (an operation the table does not know is an error, never skipped). d(x) is evaluated
by finite differences of x along V (`testing.numeric.richardson`); grad(s) is checked by
linearity: s(V1) - s(V2) = <G, V1 - V2> for every member G of its e-class. The analyses are
checked too: `rows`/`cols` against the arrays' shapes, `dep` = 0 against a perturbation of the
variable, `is_sym` against symmetry. The helper nodes of `MultiSet.map` (mt_T, ...) are
intermediate: their e-classes are checked through the members they are rewritten to.

An e-graph that merged two unequal terms fails the audit. This is how every rewrite rule is proven
sound (tests fire each rule on examples and audit the result) and how saturated e-graphs of whole
losses are checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from egglog import EGraph

from egraph_mc.declare import Declarations
from egraph_mc.graph import ENode, SerializedGraph
from egraph_mc.lang import HELPERS
from egraph_mc.ops import DIM, DIMS, INT, NAME, NUMPY, OPS, TERMS
from egraph_mc.term import Term
from egraph_mc.testing.numeric import random_dims, random_direction, random_values, richardson, step


class _Zero:
    """The scalar zero term."""

    def __repr__(self) -> str:
        return "ZERO"


ZERO = _Zero()
_DERIVATIVES = {"D", "sD"}
_READOFFS = {"grad", "st_grad"}
_CHECKED = {"rows", "cols", "dep", "sdep", "is_sym"}
# e-graph plumbing that is no term: containers and literals are read through their users
_STRUCTURE = {"MultiSet", "Dim.named", "Dim.one", "Mat.dvar", "MT", "ST", "ST.zero"}


@dataclass
class AuditReport:
    classes: int = 0
    checked_members: int = 0
    mismatches: list[str] = field(default_factory=list)
    unknown_ops: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.mismatches


_TERM_SORTS = ("Mat", "Scalar", "MT", "ST")


def _unknown(graph: SerializedGraph, n: ENode) -> bool:
    """A node of a term sort that is neither an operation of `ops.OPS`, nor plumbing, nor a helper."""
    if graph.sorts.get(n.eclass) not in _TERM_SORTS:
        return False
    return not (n.op in OPS or n.op in _STRUCTURE or n.op in _DERIVATIVES or n.op in _READOFFS or n.op in HELPERS)


class _Evaluation:
    """Values of all e-classes at one point (symbol values, direction V for dX)."""

    def __init__(self, graph: SerializedGraph, env: dict, direction, dims: dict[str, int], derivative=None):
        self.graph, self.env, self.direction, self.dims = graph, env, direction, dims
        self.derivative = derivative  # class -> d(class) along V, for d-nodes (None: skip them)
        self.values: dict[str, object] = dict(graph.literals)
        self.dim_names = graph.dims()
        self.node_values: dict[str, object] = {}
        self._run()

    def size(self, d: str) -> int:
        return 1 if d == "1" else int(d) if d.isdigit() else self.dims[d]

    def _node_value(self, n: ENode):
        op = n.op
        kids = self.graph.kids(n)
        if op == "ST.zero":
            return ZERO
        if op == "Mat.dvar":
            return self.direction
        if op in _DERIVATIVES:
            return None if self.derivative is None else self.derivative.get(kids[0])
        if op == "MultiSet":
            return [self.values[k] for k in kids] if all(k in self.values for k in kids) else None
        if op in ("MT", "ST"):
            if kids[1] not in self.values:
                return None
            v = self.values[kids[1]]
            return ZERO if isinstance(v, _Zero) else float(self.values[kids[0]]) * v
        if op not in OPS:
            return None
        o = OPS[op]
        if o.args in ((TERMS,), ("factors",)):
            if kids[0] not in self.values:
                return None
            elements = [v for v in self.values[kids[0]] if not isinstance(v, _Zero)]
            if o.args == (TERMS,) and not elements:
                return ZERO if op == "sum" else 0.0
            t = Term(op, tuple((Fraction(1), _PLACEHOLDER) for _ in elements)) if o.args == (TERMS,) else None
            return o.numpy(t, elements, self.env_for())
        children, attr, it = [], None, iter(kids)
        for kind in o.args:
            k = next(it)
            if kind in ("M", "S"):
                if k not in self.values or isinstance(self.values[k], _Zero):
                    return None
                children.append(self.values[k])
            elif kind in (NAME, INT):
                attr = self.graph.literals[k]
            elif kind == DIM:
                attr = self.dim_names[k]
            elif kind == DIMS:
                attr = (self.dim_names[k], self.dim_names[next(it)])
        return o.numpy(Term(op, (), attr), children, self.env_for())

    def env_for(self) -> dict:
        return {"dims": self.dims, "values": self.env, "xp": NUMPY}

    def _run(self) -> None:
        pending = dict(self.graph.nodes)
        changed = True
        while changed:
            changed = False
            for nid, n in list(pending.items()):
                try:
                    with np.errstate(all="ignore"):
                        v = self._node_value(n)
                except (KeyError, ValueError, TypeError, ZeroDivisionError, FloatingPointError):
                    v = None
                if v is None:
                    continue
                del pending[nid]
                self.node_values[nid] = v
                if n.eclass not in self.values:
                    self.values[n.eclass] = v
                    changed = True


_PLACEHOLDER = Term("one")


def _close(a, b, rtol: float) -> bool:
    if isinstance(a, _Zero) or isinstance(b, _Zero):
        other = b if isinstance(a, _Zero) else a
        return isinstance(other, _Zero) or np.allclose(other, 0.0, atol=1e-8)
    if isinstance(a, (list, str)) or isinstance(b, (list, str)):
        return True  # containers and dims are compared through their users
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return bool(np.all(np.abs(a - b) <= rtol * scale))


def audit(egraph: EGraph, decls: Declarations, wrt: str | None, trials: int = 2, seed: int = 0, rtol: float = 1e-6
          ) -> AuditReport:
    """Evaluate every e-class of the e-graph on random data; report members that disagree."""
    graph = SerializedGraph.of(egraph)
    report = AuditReport(classes=len(graph.members))
    report.unknown_ops = {n.op for n in graph.nodes.values() if _unknown(graph, n)}
    for op in sorted(report.unknown_ops):
        report.mismatches.append(f"the audit cannot evaluate the operation {op!r}: give it an entry in ops.OPS")
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


def _finite_differences(graph: SerializedGraph, env: dict, wrt: str, v, dims) -> dict[str, object]:
    """d(class)/dt at t = 0 of every e-class evaluated at wrt + tV."""
    h = step(env[wrt], v)
    evals = {}

    def at(t: float) -> dict:
        if t not in evals:
            evals[t] = _Evaluation(graph, {**env, wrt: env[wrt] + t * v}, v, dims).values
        return evals[t]

    out = {}
    for c in graph.members:
        vals = [at(t).get(c) for t in (h, -h, h / 2, -h / 2)]
        if any(x is None or isinstance(x, (str, list)) for x in vals):
            continue
        if all(isinstance(x, _Zero) for x in vals):
            out[c] = ZERO
            continue
        table = dict(zip((h, -h, h / 2, -h / 2), (0.0 if isinstance(x, _Zero) else x for x in vals), strict=True))
        out[c] = richardson(lambda t, table=table: table[t], h)
    return out


def _compare_members(graph: SerializedGraph, ev: _Evaluation, report: AuditReport, rtol: float, where: str) -> None:
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
                    f"{where}: e-class {c} member {graph.nodes[nid].op} = {_brief(v)} differs from {_brief(ref)}"
                )


def _check_readoffs(graph, base, other, v1, v2, report: AuditReport, rtol: float) -> None:
    """grad(s) = G needs s(V1) - s(V2) = <G, V1 - V2> (st_grad likewise for a scalar term)."""
    if other is None:
        return
    for n in graph.nodes.values():
        if n.op not in _READOFFS:
            continue
        s, g = graph.kids(n)[0], n.eclass
        if s not in base.values or s not in other.values or g not in base.values:
            continue
        G = base.values[g]
        lhs = _number(base.values[s]) - _number(other.values[s])
        report.checked_members += 1
        if not isinstance(G, _Zero) and np.shape(G) != np.shape(v1):
            report.mismatches.append(f"read-off {n.op} in e-class {g} has shape {np.shape(G)}, not {np.shape(v1)}")
            continue
        rhs = 0.0 if isinstance(G, _Zero) else float(np.sum(np.asarray(G) * (v1 - v2)))
        if abs(lhs - rhs) > rtol * max(1.0, abs(lhs), abs(rhs)):
            report.mismatches.append(f"read-off {n.op} in e-class {g}: <G, dV> = {rhs:.6g} but ds = {lhs:.6g}")


def _check_analyses(graph, base, shifted, report: AuditReport) -> None:
    for n in graph.nodes.values():
        if n.op not in _CHECKED:
            continue
        arg, out = graph.kids(n)[0], n.eclass
        val = base.values.get(arg)
        res = base.values.get(out) if n.op in ("dep", "sdep", "is_sym") else base.dim_names.get(out)
        if val is None or res is None or isinstance(val, _Zero):
            continue
        report.checked_members += 1
        if n.op in ("rows", "cols"):
            want = np.shape(val)[0 if n.op == "rows" else 1]
            if base.size(res) != want:
                report.mismatches.append(f"{n.op} of e-class {arg} says {res}, the value has {want}")
        elif n.op == "is_sym" and res == 1 and not np.allclose(val, np.transpose(val)):
            report.mismatches.append(f"is_sym holds for e-class {arg}, which is not symmetric")
        elif n.op in ("dep", "sdep") and res == 0 and shifted is not None:
            moved = shifted.values.get(arg)
            if moved is not None and not _close(val, moved, 1e-9):
                report.mismatches.append(f"{n.op} = 0 for e-class {arg}, which changes with the variable")


def _number(v) -> float:
    return 0.0 if isinstance(v, _Zero) else float(v)


def _brief(v) -> str:
    if isinstance(v, _Zero):
        return "0"
    a = np.asarray(v, dtype=float)
    return f"{a.ravel()[:3]}{'...' if a.size > 3 else ''} (shape {a.shape})"
