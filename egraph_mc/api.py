"""optimize_gradient(): a loss in numpy syntax in, its best gradient out; compare_costs(): one
saturated e-graph, every cost model's pick side by side."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from egraph_mc import differentiate, score
from egraph_mc import worker
from egraph_mc.egraph import Limits, RunStats
from egraph_mc.extract import Graph
from egraph_mc.errors import (
    ArgumentError,
    EgraphMcError,
    ExtractionError,
    LimitError,
    NotScalarError,
    UndeclaredSymbolError,
    WrtError,
)
from egraph_mc.models import BUILTIN, ILL_SHAPED, CostModel, NodeInfo, Pick, extract_from_graph, resolve
from egraph_mc.declare import Declarations, parse_where
from egraph_mc.parse import as_scalar, parse_loss
from egraph_mc.symmetric import diagonal_part, symmetric_part
from egraph_mc.render import numpy_function, numpy_source, program_latex, program_text, to_latex, to_text
from egraph_mc.term import Term
from egraph_mc.verify import relative_error_vs_finite_differences
from egraph_mc.worker import Job

COST_MODELS = tuple(BUILTIN)
LAWS = "egraph_mc.rules:default_laws"  # the laws the engine is handed (a worker process imports them)
Cost = str | Mapping[str, float] | Callable[[NodeInfo], float] | CostModel


@dataclass
class GradientResult:
    """The gradient of `loss` with respect to `wrt`, as extracted under `cost_model`."""

    loss: Term
    wrt: str
    declarations: Declarations
    gradient: Term
    cost: float  # the model's score of `gradient`, recomputed from the term
    cost_model: str
    stats: RunStats
    dims: dict[str, int] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def shares(self) -> bool:
        """Whether the model counts shared subterms once (then the gradient prints as a program)."""
        return self.cost_model in ("dag", "flops-dag")

    def __str__(self) -> str:
        return program_text(self.gradient) if self.shares else to_text(self.gradient)

    def latex(self) -> str:
        return program_latex(self.gradient) if self.shares else to_latex(self.gradient)

    def to_numpy(self):
        """A function of the symbols (keyword arrays; vectors 1-D or n x 1) giving the gradient.

        It computes every distinct subterm once."""
        return numpy_function(self.gradient, self.declarations.shapes)

    def numpy_source(self, name: str = "gradient") -> str:
        """The gradient as plain Python source using numpy (what `to_numpy` compiles): temporaries
        for shared subterms, shape asserts, vectors as columns."""
        doc = (f"The gradient of {to_text(self.loss)} with respect to {self.wrt}\n\n"
               f"    ({self.cost_model} pick of egraph_mc): {to_text(self.gradient)}\n    ")
        return numpy_source(self.gradient, self.declarations.shapes, name=name, doc=doc)

    def verify(self, trials: int = 3, seed: int = 0) -> float:
        """Max relative error of tr(Gᵀ V) against central finite differences of the loss along V."""
        return relative_error_vs_finite_differences(
            self.loss, self.gradient, self.wrt, self.declarations, trials=trials, seed=seed
        )

    # the derivation and notebook displays live in `egraph_mc.explain` (imported late: it imports this module)
    def explain(self):
        """The derivation: loss, differential, read-off, the laws that fired (see `egraph_mc.explain`)."""
        from egraph_mc import explain

        return explain.explain(self)

    def _repr_latex_(self) -> str:
        from egraph_mc import explain

        return explain.latex(self)

    def _repr_html_(self) -> str:
        from egraph_mc import explain

        return explain.html(self)


def prepare(loss: str | Term, wrt: str, where: str | Declarations) -> tuple[Term, Declarations]:
    """Parse and check the inputs: a scalar loss, and `wrt` a declared matrix or vector in it."""
    decls = where if isinstance(where, Declarations) else parse_where(where)
    term = loss if isinstance(loss, Term) else parse_loss(loss, decls)
    if not term.is_scalar:
        if not term.is_1x1:
            r, c = term.shape
            raise NotScalarError(f"the loss must be a scalar, got a {r}x{c} matrix (wrap it in tr(...) or norm(...)**2)")
        term = as_scalar(term)
    if not isinstance(wrt, str) or not wrt:
        raise WrtError(f"wrt must be a symbol name, got {wrt!r}")
    sym = decls.symbols.get(wrt)
    if sym is None:
        raise UndeclaredSymbolError(f"wrt={wrt!r} is not declared in `where`")
    if sym.shape is None:
        raise WrtError(f"wrt={wrt!r} is a scalar; the gradient is taken with respect to a matrix or vector")
    if wrt not in term.symbols():
        raise WrtError(f"wrt={wrt!r} does not occur in the loss, so its gradient is identically zero")
    return term, decls


def _dims(decls: Declarations, dims: Mapping[str, int] | None) -> dict[str, int]:
    given = dict(dims or {})
    unknown = set(given) - set(decls.dims)
    if unknown:
        raise EgraphMcError(f"dims for undeclared dimensions: {', '.join(sorted(unknown))} (declared: {', '.join(decls.dims)})")
    for d, v in given.items():
        if not isinstance(v, (int, np.integer)) or v <= 0:
            raise EgraphMcError(f"dim {d} must be a positive integer, got {v!r}")
    return score.dim_sizes(decls.dims, given)


def _limits(time_limit, node_limit, iteration_limit, memory_gb) -> Limits:
    for name, value in (("time_limit", time_limit), ("node_limit", node_limit),
                        ("iteration_limit", iteration_limit), ("memory_gb", memory_gb)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            raise ArgumentError(f"{name} must be a positive finite number, got {value!r}")
    for name, value in (("node_limit", node_limit), ("iteration_limit", iteration_limit)):
        if not float(value).is_integer():
            raise ArgumentError(f"{name} must be a whole number, got {value!r}")
    return Limits(seconds=float(time_limit), enodes=int(node_limit), iterations=int(iteration_limit))


def _extract(term: Term, wrt: str, decls: Declarations, limits: Limits, models: list[CostModel], sizes,
             isolate: bool, memory_gb: float, simplify: bool = False, equal: tuple[Term, ...] = (),
             expand: bool = False):
    """One e-graph run in the worker and every model's pick from it: (outcome, picks)."""
    builtin = [m.name for m in models if m.name in BUILTIN and BUILTIN[m.name] is m]
    custom = [m for m in models if m.name not in builtin]
    job = Job(term=term, wrt=wrt, decls=decls, limits=limits, models=builtin, dims=sizes, want_graph=bool(custom),
              laws=LAWS, simplify=simplify, equal=equal, expand=expand)
    outcome = worker.run(job, isolate=isolate, memory_gb=memory_gb)
    picks: dict[str, Pick | str] = dict(outcome.picks)
    if custom and outcome.graph is not None:
        graph = Graph.read(outcome.graph)
        for m in custom:
            try:
                picks[m.name] = extract_from_graph(graph, m, decls, sizes)
            except KeyError:
                picks[m.name] = "no gradient was read off"
            except ExtractionError as e:
                picks[m.name] = str(e)
    want = decls.symbols[wrt].shape
    for name, pick in picks.items():
        # a term of another shape than wrt's, though each of its products fits (FUZZ_FINDINGS F14)
        if isinstance(pick, Pick) and pick.term.shape != want:
            picks[name] = f"{ILL_SHAPED} ({_shape_text(pick.term.shape)} where {wrt} is {_shape_text(want)})"
    for name, why in picks.items():
        if isinstance(why, str) and why.startswith(ILL_SHAPED):
            warnings.warn(f"[{name}] {why}; this pick is dropped (please report the loss)", stacklevel=3)
    return outcome, picks


def _shape_text(shape) -> str:
    return "a scalar" if shape is None else f"{shape[0]} x {shape[1]}"


def _second_pass(forms: list[Term], wrt: str, decls: Declarations, budget: Limits,
                 models: list[CostModel], sizes, isolate, memory_gb, expand: bool = False) -> dict:
    """Every model's pick after the laws simplify `forms` (equal terms, one e-class) again within
    `budget`: the second runs of the fallback, the symmetric projection and the cost-directed
    expansion. {} when that run is stopped before any pick."""
    try:
        _, picks = _extract(forms[0], wrt, decls, budget, models, sizes, isolate, memory_gb, simplify=True,
                            equal=tuple(forms[1:]), expand=expand)
    except LimitError:
        return {}
    return picks


def _better(m: CostModel, again, than: Pick, sizes) -> Pick:
    """A second pass's pick, scored by the model, where it is cheaper than the pick held; else that one."""
    if isinstance(again, Pick) and m.score(again.term, sizes) < than.cost:
        return Pick(again.term, m.score(again.term, sizes), again.extractor_cost, again.seconds)
    return than


def _quarter(limits: Limits) -> Limits:
    """A second pass's limits: a quarter of the time limit (at least a second), the same e-node and
    iteration limits."""
    return Limits(seconds=max(1.0, limits.seconds / 4), enodes=limits.enodes, iterations=limits.iterations)


def _fallback(term: Term, wrt: str, decls: Declarations, limits: Limits, models: list[CostModel], sizes, isolate,
              memory_gb, picks: dict) -> bool:
    """The models without a pick get the plain gradient (`differentiate`), simplified by the same
    laws within a quarter of the time limit (at least a second); whether any needed it."""
    missing = [m for m in models if not isinstance(picks.get(m.name), Pick)]
    if not missing:
        return False
    plain = differentiate.gradient(term, wrt, decls.symbols[wrt].shape)
    simplified = _second_pass([plain], wrt, decls, _quarter(limits), missing, sizes, isolate, memory_gb)
    for m in missing:
        pick = simplified.get(m.name)
        picks[m.name] = pick if isinstance(pick, Pick) else Pick(plain, m.score(plain, sizes), math.nan, 0.0)
    return True


def _run(loss, wrt, where, limits: Limits, models: list[CostModel], dims, isolate: bool, memory_gb: float,
         fallback: bool = True):
    """Parse, saturate once (in the worker), extract under every model; a model without a pick
    (the run stopped before any gradient was read off) falls back on the plain gradient.

    Returns (term, decls, stats, picks, dims, complete, fell_back); a pick is a `Pick` or why there is none.
    """
    term, decls = prepare(loss, wrt, where)
    sizes = _dims(decls, dims)
    try:
        outcome, picks = _extract(term, wrt, decls, limits, models, sizes, isolate, memory_gb)
        stats, complete = outcome.stats, outcome.complete
    except LimitError:
        if not fallback:
            raise
        stats = RunStats(saturated=False, stopped_by="seconds")
        picks, complete = {}, True
    fell_back = fallback and _fallback(term, wrt, decls, limits, models, sizes, isolate, memory_gb, picks)
    if decls.symbols[wrt].symmetric:
        _project(wrt, decls, limits, models, sizes, isolate, memory_gb, picks)
    _expand(wrt, decls, limits, models, sizes, isolate, memory_gb, picks)
    return term, decls, stats, picks, sizes, complete, fell_back


def _distributes(t: Term) -> bool:
    """Whether some product in t has a sum for a factor (a form a distribution can change)."""
    return any(u.op == "matmul" and any(c.op == "sum" for c in u.args) for u in t.walk())


# Bounds meant to let the corpus problems' passes saturate; the reference loss's pass does
# not saturate, and stops at the e-node bound.
EXPAND_LIMITS = Limits(enodes=5_000, iterations=40)


def _expand(wrt: str, decls: Declarations, limits: Limits, models: list[CostModel], sizes, isolate, memory_gb,
            picks: dict) -> None:
    """The flops models' picks get a cost-directed pass: products distribute over every sum as well
    as factor (`lang.expanding`), so that which of (X - UVᵀ)V and XV - U(VᵀV) is cheaper decides,
    not how the loss was spelled. A pick is replaced only by a cheaper one. Distributing everywhere
    need not saturate (a chain of k sums has 2^k expansions), so the pass is bounded by iterations
    and e-nodes (`EXPAND_LIMITS`), not by the clock: one loss gets one pick whatever the machine's
    load. A quarter of the time limit stays as a guard."""
    flops = [m for m in models if m.kind in ("flops", "flops-dag") and isinstance(picks.get(m.name), Pick)
             and _distributes(picks[m.name].term)]
    if not flops:
        return
    forms = list(dict.fromkeys(picks[m.name].term for m in flops))
    budget = Limits(seconds=limits.seconds / 4, enodes=min(limits.enodes, EXPAND_LIMITS.enodes),
                    iterations=min(limits.iterations, EXPAND_LIMITS.iterations))
    again = _second_pass(forms, wrt, decls, budget, flops, sizes, isolate, memory_gb, expand=True)
    for m in flops:
        picks[m.name] = _better(m, again.get(m.name), picks[m.name], sizes)


def _project(wrt: str, decls: Declarations, limits: Limits, models: list[CostModel], sizes, isolate, memory_gb,
             picks: dict) -> None:
    """A symmetric (diagonal) variable's gradient: the symmetric (diagonal) part of the general one
    (see `symmetric`), simplified again by the same laws within a quarter of the time limit, every
    model's projected pick in one e-class, so that G + Gᵀ with G = Gᵀ collapses and coefficients
    factor. A model keeps its projected pick where the second run finds none better."""
    names = {n for n, sym in decls.symbols.items() if sym.symmetric}
    project = diagonal_part if decls.symbols[wrt].diagonal else symmetric_part
    projected = {name: project(pick.term, names) for name, pick in picks.items() if isinstance(pick, Pick)}
    if not projected:
        return
    forms = list(dict.fromkeys(projected.values()))
    simplified = _second_pass(forms, wrt, decls, _quarter(limits), models, sizes, isolate, memory_gb)
    for m in models:
        if m.name in projected:
            term = projected[m.name]
            picks[m.name] = _better(m, simplified.get(m.name), Pick(term, m.score(term, sizes), math.nan, 0.0), sizes)


FALLBACK_NOTE = ("no gradient was read off in the e-graph before the limit: this is the plain gradient "
                 "(each operation's differential, transposed), simplified by the same laws within a short budget")


def _no_gradient(stats: RunStats) -> EgraphMcError:
    if not stats.saturated:
        return LimitError(
            f"no gradient was read off before the {stats.stopped_by} limit "
            f"({stats.iterations} iterations, {stats.enodes} e-nodes); raise the limit"
        )
    return ExtractionError("the rules found no gradient for this loss")


def optimize_gradient(
    loss: str | Term,
    wrt: str,
    where: str | Declarations,
    cost: Cost = "size",
    *,
    dims: Mapping[str, int] | None = None,
    time_limit: float = Limits.seconds,
    node_limit: int = Limits.enodes,
    iteration_limit: int = Limits.iterations,
    memory_gb: float = worker.DEFAULT_MEMORY_GB,
    isolate: bool = True,
    fallback: bool = True,
) -> GradientResult:
    """The gradient of a scalar loss of matrices, derived and simplified by equality saturation.

    loss: numpy syntax over the declared symbols, e.g. "norm(X @ W - Y)**2 + lam * norm(W)**2".
    wrt: the matrix or vector to differentiate with respect to.
    where: declarations, e.g. "X: m x n; W: n x k; Y: m x k; lam: scalar" (a single dim is a
        column vector; `symmetric` and `diagonal` may follow a square shape).
    cost: "size" (fewest printed tokens), "flops" (fewest operations at `dims`), "dag" (fewest
        tokens, shared subterms written once as temporaries), "flops-dag" (fewest operations,
        shared subterms computed once), a mapping from operation to weight such as
        {"matmul": 10, "default": 1}, or a callable taking a `NodeInfo` and returning its cost.
    dims: sizes of the declared dims for the FLOPs models; a dim not given counts as 100.
    Limits bound the rewriting: seconds, e-nodes, iterations (checked between iterations) and the
    memory of the worker process the e-graph runs in (`memory_gb`). An iteration still running at
    the time limit plus a margin (a quarter of it, at least a second) is stopped by ending the
    worker. A run stopped by any limit still returns the best gradient found, with
    `stats.saturated == False` and a warning. When none was read off yet (or the rules read off
    none), the answer is the plain gradient, each operation's differential transposed, simplified by
    the same laws within a quarter of the time limit: correct, perhaps not factored, with
    `stats.saturated == False` and `extra["note"]` saying so. With `fallback=False` that case
    raises LimitError (or ExtractionError) instead.
    isolate: False runs the e-graph in this process (no hard stop; for debugging).
    """
    model = resolve(cost)
    limits = _limits(time_limit, node_limit, iteration_limit, memory_gb)
    term, decls, stats, picks, sizes, complete, fell_back = _run(loss, wrt, where, limits, [model], dims, isolate,
                                                                 memory_gb, fallback)
    pick = picks.get(model.name)
    extra: dict = {}
    if not isinstance(pick, Pick):
        raise _no_gradient(stats) from None
    if fell_back:
        extra["note"] = FALLBACK_NOTE
    elif not complete:  # stopped at the hard deadline: the size pick of the last snapshot
        extra["note"] = "the run was stopped mid-iteration; this is the size pick of the last snapshot"
        if stats.saturated:  # saturated, yet read off nothing: the answer is not the e-graph's
            stats.saturated, stats.stopped_by = False, "no read-off"
    stats.seconds["extract"] = pick.seconds
    if not stats.saturated:
        warnings.warn(f"rewriting stopped by the {stats.stopped_by} limit: {stats}"
                      + ("; the answer is the plain gradient, simplified" if fell_back else ""), stacklevel=2)
    extra["extractor_cost"] = pick.extractor_cost
    cost_value = pick.cost if complete else model.score(pick.term, sizes)
    return GradientResult(term, wrt, decls, pick.term, cost_value, model.name, stats, sizes, extra)


# --- comparing the cost models ---------------------------------------------------------------


@dataclass
class CostRow:
    model: str
    gradient: str
    size: int
    flops: int
    dag_size: int
    dag_flops: int
    extract_seconds: float
    extractor_cost: float  # the extractor's own total, to be checked against the model's score
    term: Term = field(repr=False)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "term"}


@dataclass
class CostTable:
    """One row per cost model: its pick and every score of that pick."""

    rows: list[CostRow]
    dims: dict[str, int]
    stats: RunStats
    fell_back: bool = False  # some model's pick is the plain gradient, simplified (see optimize_gradient)

    def to_dicts(self) -> list[dict]:
        return [r.as_dict() for r in self.rows]

    def __str__(self) -> str:
        head = ["model", "size", "flops", "size (shared)", "flops (shared)", "extract s", "gradient"]
        body = [
            [r.model, str(r.size), f"{r.flops:.3g}", str(r.dag_size), f"{r.dag_flops:.3g}", f"{r.extract_seconds:.3f}",
             r.gradient.replace("\n", "; ")]
            for r in self.rows
        ]
        widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head) - 1)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False)) + "  " + head[-1]]
        lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths, strict=False)) + "  " + row[-1] for row in body]
        dims = ", ".join(f"{k}={v}" for k, v in self.dims.items())
        return "\n".join(lines) + f"\n(dims {dims}; {self.stats})"

    def markdown(self) -> str:
        out = ["| model | size | FLOPs | size, shared | FLOPs, shared | extraction s | gradient |", "|---|---|---|---|---|---|---|"]
        for r in self.rows:
            g = r.gradient.replace("\n", "; ")
            out.append(f"| {r.model} | {r.size} | {r.flops:,} | {r.dag_size} | {r.dag_flops:,} | {r.extract_seconds:.4f} | `{g}` |")
        return "\n".join(out)


def compare_costs(
    loss: str | Term,
    wrt: str,
    where: str | Declarations,
    dims: Mapping[str, int] | None = None,
    models: Iterable[Cost] = COST_MODELS,
    *,
    time_limit: float = Limits.seconds,
    node_limit: int = Limits.enodes,
    iteration_limit: int = Limits.iterations,
    memory_gb: float = worker.DEFAULT_MEMORY_GB,
    isolate: bool = True,
) -> CostTable:
    """Saturate once; extract under every model; score every pick under every measure."""
    resolved = [resolve(m) for m in models]
    limits = _limits(time_limit, node_limit, iteration_limit, memory_gb)
    term, decls, stats, picks, sizes, complete, fell_back = _run(loss, wrt, where, limits, resolved, dims, isolate,
                                                                 memory_gb)
    if fell_back and stats.saturated:
        stats.saturated, stats.stopped_by = False, "no read-off"
    rows = []
    for m in resolved:
        pick = picks[m.name]
        if not isinstance(pick, Pick):
            raise _no_gradient(stats) from None
        g = pick.term
        text = program_text(g) if m.kind in ("dag", "flops-dag") else to_text(g)
        rows.append(
            CostRow(m.name, text, score.size(g), score.flops(g, sizes), score.dag_size(g), score.dag_flops(g, sizes),
                    pick.seconds, pick.extractor_cost, g)
        )
    if not stats.saturated:
        warnings.warn(f"rewriting stopped by the {stats.stopped_by} limit: {stats}", stacklevel=2)
    return CostTable(rows, sizes, stats, fell_back)
