"""Cost models: what "best gradient" means. One saturated e-graph, several ways to pick from it.

- "size": the fewest printed tokens (egglog's extractor, Rust-side costs);
- "flops": the fewest floating-point operations at concrete dims (egglog's extractor, Rust-side
  costs from the shapes); it picks the matrix-chain order;
- "dag": the fewest tokens when every distinct subterm is written once, as a temporary;
- "flops-dag": the fewest operations when every distinct subterm is computed once;
- user-defined: a mapping from operation to weight (`{"matmul": 10, "default": 1}`), or a callable
  taking a `NodeInfo` and returning its cost; both additive over the printed term.
The two sharing-aware models and the user-defined ones are extracted in Python from the serialized
e-graph (`extract.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from egraph_mc import extract as X
from egraph_mc import lang, score
from egraph_mc.backend import EggSmolError
from egraph_mc.convert import from_egg
from egraph_mc.costs import FLOP, dim_facts
from egraph_mc.declare import Declarations
from egraph_mc.errors import EgraphMcError, ExtractionError, ShapeError
from egraph_mc.ops import OPS
from egraph_mc.term import Term


@dataclass(frozen=True)
class NodeInfo:
    """What a user-defined cost sees of one operation of a candidate gradient."""

    op: str  # a key of egraph_mc.ops.OPS: "matmul", "transpose", "sum", "scale", "trace", ...
    shape: tuple[int, int] | None  # at the given dims; None for a scalar
    arg_shapes: tuple[tuple[int, int] | None, ...]
    coefficients: tuple[Fraction, ...]  # a sum's coefficients


@dataclass(frozen=True)
class CostModel:
    name: str
    kind: str  # "size", "flops" (egglog), "dag", "flops-dag" (sharing-aware), "tree" (user-defined)
    weight: Callable[[NodeInfo], float] | None = None

    def score(self, t: Term, dims: Mapping[str, int]) -> float:
        """The model's score of a term, by a plain function of the term (not by the extractor)."""
        match self.kind:
            case "size":
                return score.size(t)
            case "flops":
                return score.flops(t, dims)
            case "dag":
                return score.dag_size(t)
            case "flops-dag":
                return score.dag_flops(t, dims)
        return _tree_score(t, self.weight, dims)


BUILTIN = {name: CostModel(name, name) for name in ("size", "flops", "dag", "flops-dag")}


def resolve(cost: str | Mapping[str, float] | Callable[[NodeInfo], float] | CostModel) -> CostModel:
    if isinstance(cost, CostModel):
        return cost
    if isinstance(cost, str):
        if cost not in BUILTIN:
            raise EgraphMcError(f"unknown cost model {cost!r} (known: {', '.join(BUILTIN)}, or a mapping or callable)")
        return BUILTIN[cost]
    if isinstance(cost, Mapping):
        unknown = set(cost) - set(OPS) - {"default"}
        if unknown:
            raise EgraphMcError(
                f"unknown operations in the cost weights: {', '.join(sorted(unknown))} (known: {', '.join(OPS)}, default)"
            )
        weights = {k: float(v) for k, v in cost.items()}
        default = weights.get("default", 1.0)
        return CostModel("weights", "tree", lambda n: weights.get(n.op, default))
    if callable(cost):
        return CostModel(getattr(cost, "__name__", "custom"), "tree", cost)
    raise EgraphMcError(f"cost must be a model name, a mapping of operation to weight, or a callable; got {cost!r}")


# --- user-defined (additive) costs ---------------------------------------------------------------


def _at(shape, dims: Mapping[str, int]):
    if shape is None:
        return None
    return tuple(1 if d == "1" else int(d) if d.isdigit() else dims[d] for d in shape)


def _info_of_node(n: X.Node, graph: X.Graph, dims: Mapping[str, int]) -> NodeInfo | None:
    if n.op == "term":
        return None  # a sum's coefficients are seen by the sum
    coefs = tuple(t.coefs[0] for k in n.kids for t in graph.nodes.get(k, ())[:1]) if n.op in ("sum", "ssum") else ()
    return NodeInfo(n.op, _at(graph.shapes.get(n.eclass), dims), tuple(_at(graph.shapes.get(k), dims) for k in n.kids),
                    coefs)


def _tree_score(t: Term, weight, dims: Mapping[str, int]) -> float:
    total = 0.0
    for u in t.walk():
        kids = u.children()
        info = NodeInfo(u.op, _at(u.shape, dims), tuple(_at(k.shape, dims) for k in kids),
                        tuple(q for q, _ in u.args) if u.op in ("sum", "ssum") else ())
        total += float(weight(info))
    return total


# --- extraction under a model ------------------------------------------------------------------


@dataclass
class Pick:
    term: Term
    cost: float  # the model's score, recomputed from the term
    extractor_cost: float  # what the extractor said
    seconds: float


def extract(session, root, model: CostModel, decls: Declarations, dims: Mapping[str, int], graph_cache: dict) -> Pick:
    """The best gradient under `model` from the saturated e-graph of `session` (left unchanged)."""
    start = time.perf_counter()
    egraph = session.egraph
    if model.kind in ("size", "flops"):
        egraph.push()
        try:
            if model.kind == "size":
                session.apply_size_costs()
            else:
                literal = {d for sym in decls.symbols.values() for d in sym.shape or () if d.isdigit()}
                egraph.register(*dim_facts(decls.dims, literal, dims))
                session.apply_flops_costs()
            try:
                expr, best = egraph.extract(root, include_cost=True)
            except EggSmolError:  # every member of some class subsumed: the fallback below
                expr, best = None, lang.NEVER
        finally:
            egraph.pop()
        if best < lang.NEVER:
            term = _well_shaped(from_egg, expr, decls.shapes)
            unit = lang.UNIT if model.kind == "size" else FLOP
            return Pick(term, model.score(term, dims), best // unit, time.perf_counter() - start)
    # In Python: the sharing-aware and user-defined models; and every model, with the subsumed nodes
    # too, when every path to a term went through one (see `X.Graph.from_json`).
    for subsumed in (False, True) if model.kind not in ("size", "flops") else (True,):
        key = "with subsumed" if subsumed else "graph"
        if key not in graph_cache:
            graph_cache[key] = X.Graph.of(egraph, subsumed=subsumed)
        try:
            pick = extract_from_graph(graph_cache[key], model, decls, dims)
        except KeyError:
            continue
        pick.seconds = time.perf_counter() - start
        return pick
    raise ExtractionError("no gradient was read off")


def extract_from_graph(graph: X.Graph, model: CostModel, decls: Declarations, dims: Mapping[str, int]) -> Pick:
    """Python-side extraction from the serialized e-graph: the sharing-aware and user-defined models
    (and the others, from a graph with subsumed nodes)."""
    start = time.perf_counter()
    root_class = graph.root
    sizes: dict[int, float] = {}
    flopss: dict[int, float] = {}

    def by_size(n):  # node costs are asked for again and again by the local search: memoized
        if id(n) not in sizes:
            sizes[id(n)] = X.size_units(n, graph)
        return sizes[id(n)]

    def by_flops(n):
        if id(n) not in flopss:
            flopss[id(n)] = X.flops(n, graph, dims)
        return flopss[id(n)]

    if model.kind in ("dag", "flops-dag"):
        # starts: trees and greedy DAGs under both measures (what is small often shares well)
        own = by_size if model.kind == "dag" else by_flops
        choice, cost = X.best_dag(graph, root_class, own, [by_size, by_flops])
    elif model.kind in ("size", "flops"):  # egglog's extractor's models, when it cannot be used
        choice, cost = X.tree_extract(graph, root_class, by_size if model.kind == "size" else by_flops)
    else:
        choice, cost = X.tree_extract(
            graph, root_class, lambda n: 0.0 if n.op == "term" else model.weight(_info_of_node(n, graph, dims))
        )
    term = _well_shaped(X.to_term, graph, choice, root_class, decls.shapes)
    return Pick(term, model.score(term, dims), cost, time.perf_counter() - start)


ILL_SHAPED = "the e-graph gave an ill-shaped term"


def _well_shaped(build, *args) -> Term:
    """The picked term, or an ExtractionError when it is ill-shaped: members of an e-class all have
    one shape, so such a pick means some e-class holds two (an engine bug, FUZZ_FINDINGS F15). The
    model then has no pick from this run, and the caller keeps the pick it had or falls back on the
    plain gradient: a wrong-shaped term is never answered, nor reported as the user's ShapeError."""
    try:
        return build(*args)
    except ShapeError as e:
        raise ExtractionError(f"{ILL_SHAPED} ({e}): two shapes in one e-class") from None
