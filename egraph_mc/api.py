"""optimize_gradient(): a loss in numpy syntax in, its best gradient out."""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from egraph_mc import term as T
from egraph_mc.convert import from_egg
from egraph_mc.egraph import Limits, RunStats, saturate, session
from egraph_mc.errors import (
    EgraphMcError,
    ExtractionError,
    InternalError,
    LimitError,
    NotScalarError,
    UndeclaredSymbolError,
    WrtError,
)
from egraph_mc.lang import NEVER, UNIT
from egraph_mc.parse import Declarations, parse_loss, parse_where
from egraph_mc.render import evaluate, numpy_function, size, to_latex, to_text
from egraph_mc.term import Term
from egraph_mc.verify import relative_error_vs_finite_differences

COST_MODELS = ("size",)


@dataclass
class GradientResult:
    """The gradient of `loss` with respect to `wrt`, as extracted under `cost_model`."""

    loss: Term
    wrt: str
    declarations: Declarations
    gradient: Term
    cost: int
    cost_model: str
    stats: RunStats
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return to_text(self.gradient)

    def latex(self) -> str:
        return to_latex(self.gradient)

    def to_numpy(self):
        """A function of the symbols (keyword arrays; vectors 1-D or n x 1) giving the gradient."""
        return numpy_function(self.gradient, self.declarations.shapes)

    def evaluate(self, values: Mapping[str, object]) -> np.ndarray:
        return self.to_numpy()(**values)

    def verify(self, trials: int = 3, seed: int = 0) -> float:
        """Max relative error of tr(Gᵀ V) against central finite differences of the loss along V."""
        return relative_error_vs_finite_differences(
            self.loss, self.gradient, self.wrt, self.declarations, trials=trials, seed=seed
        )


def prepare(loss: str | Term, wrt: str, where: str | Declarations) -> tuple[Term, Declarations]:
    """Parse and check the inputs: a scalar loss, and `wrt` a declared matrix or vector in it."""
    decls = where if isinstance(where, Declarations) else parse_where(where)
    term = loss if isinstance(loss, Term) else parse_loss(loss, decls)
    if not term.is_scalar:
        if not term.is_1x1:
            r, c = term.shape
            raise NotScalarError(f"the loss must be a scalar, got a {r}x{c} matrix (wrap it in tr(...) or norm(...)**2)")
        term = T.as_scalar(term)
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


def optimize_gradient(
    loss: str | Term,
    wrt: str,
    where: str | Declarations,
    cost: str = "size",
    *,
    time_limit: float = Limits.seconds,
    node_limit: int = Limits.enodes,
    iteration_limit: int = Limits.iterations,
) -> GradientResult:
    """The gradient of a scalar loss of matrices, derived and simplified by equality saturation.

    loss: numpy syntax over the declared symbols, e.g. "norm(X @ W - Y)**2 + lam * norm(W)**2".
    wrt: the matrix or vector to differentiate with respect to.
    where: declarations, e.g. "X: m x n; W: n x k; Y: m x k; lam: scalar" (a single dim is a
        column vector; `symmetric` and `diagonal` may follow a square shape).
    cost: the extraction cost model ("size": the fewest printed tokens).
    Limits bound the rewriting; a run stopped by one still returns the best gradient found, with
    `stats.saturated == False` and a warning.
    """
    if cost not in COST_MODELS:
        raise EgraphMcError(f"unknown cost model {cost!r} (known: {', '.join(COST_MODELS)})")
    term, decls = prepare(loss, wrt, where)
    limits = Limits(seconds=time_limit, enodes=node_limit, iterations=iteration_limit)
    try:
        with session() as s:
            root, stats = saturate(s, term, wrt, decls, limits)
            start = time.perf_counter()
            s.apply_size_costs()
            expr, best = s.egraph.extract(root, include_cost=True)
            stats.seconds["extract"] = time.perf_counter() - start
    except EgraphMcError:
        raise
    except Exception as e:  # an egglog failure is a bug of ours: never show a Rust traceback
        raise InternalError(f"the e-graph engine failed on this loss ({type(e).__name__}); please report it") from None
    if best >= NEVER:
        if not stats.saturated:
            raise LimitError(
                f"no gradient was read off before the {stats.stopped_by} limit "
                f"({stats.iterations} iterations, {stats.enodes} e-nodes); raise the limit"
            )
        raise ExtractionError("the rules found no gradient for this loss")
    gradient = from_egg(expr, decls.shapes)
    if not stats.saturated:
        warnings.warn(f"rewriting stopped by the {stats.stopped_by} limit: {stats}", stacklevel=2)
    return GradientResult(term, wrt, decls, gradient, size(gradient), cost, stats, {"egglog_cost": best / UNIT})
