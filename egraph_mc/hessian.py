"""hessian_vector(): the Hessian of a loss applied to a direction V, by a second pass of the rules.

The first pass gives the gradient G(X) (`optimize_gradient`). The Hessian is symmetric, so the
gradient of the scalar tr(G(X)ᵀ V), V held fixed, is H[V]: the same e-graph pipeline, run on that
scalar, derives and factors it. For a symmetric (diagonal) X, V moves in the same space, and both
passes return the symmetric part (see `egraph_mc.symmetric`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from egraph_mc import worker
from egraph_mc.api import Cost, GradientResult, _dims, optimize_gradient, prepare
from egraph_mc.declare import RESERVED, Declarations, Symbol, parse_where
from egraph_mc.egraph import Limits, RunStats
from egraph_mc.errors import ArgumentError, ShapeError
from egraph_mc.models import resolve
from egraph_mc.render import evaluate, to_text
from egraph_mc.shapes import make
from egraph_mc.term import Term
from egraph_mc.testing.numeric import distinct_dims, project, random_values, richardson, step


@dataclass
class HessianVectorResult:
    """H[V] for a loss: `first` is the gradient pass, `second` the pass on tr(Gᵀ V) (its gradient is H[V])."""

    first: GradientResult
    second: GradientResult
    direction: str

    @property
    def loss(self) -> Term:
        return self.first.loss

    @property
    def wrt(self) -> str:
        return self.first.wrt

    @property
    def declarations(self) -> Declarations:
        return self.first.declarations

    @property
    def gradient(self) -> Term:
        return self.first.gradient

    @property
    def hvp(self) -> Term:
        """H[V], of the shape of `wrt`."""
        return self.second.gradient

    @property
    def stats(self) -> RunStats:
        """The second pass's run (the first pass's is `first.stats`)."""
        return self.second.stats

    def __str__(self) -> str:
        return str(self.second)

    def latex(self) -> str:
        return self.second.latex()

    def to_numpy(self):
        """A function of the symbols (V among them, keyword arrays) giving H[V]."""
        return self.second.to_numpy()

    def verify(self, trials: int = 3, seed: int = 0) -> float:
        """Max relative error (Frobenius) of H[V] against central differences of the gradient:
        (G(X + hV) - G(X - hV)) / 2h, Richardson-extrapolated, on random data."""
        rng = np.random.default_rng(seed)
        decls, wrt = self.declarations, self.wrt
        worst = 0.0
        for _ in range(trials):
            dims = distinct_dims(decls, rng)
            values = random_values(decls, rng, dims)
            x0, v = values[wrt], values[self.direction]
            shape = np.shape(x0)

            def grad(t: float) -> np.ndarray:
                return _array(self.gradient, {**values, wrt: x0 + t * v}, dims, shape)

            fd = project(decls, wrt, richardson(grad, step(x0, v)))
            hv = project(decls, wrt, _array(self.hvp, values, dims, shape))
            scale = max(float(np.linalg.norm(hv)), float(np.linalg.norm(fd)), 1e-12)
            worst = max(worst, float(np.linalg.norm(hv - fd)) / scale)
        return worst


def _array(t: Term, values: dict, dims: dict, shape) -> np.ndarray:
    return np.broadcast_to(np.asarray(evaluate(t, values, dims), dtype=float), shape)


def with_direction(decls: Declarations, wrt: str, direction: str) -> Declarations:
    """The declarations with `direction` declared like `wrt` (same shape and properties) if it is not
    declared; an error if it is declared with another shape."""
    if not isinstance(direction, str) or not direction.isidentifier() or direction in RESERVED:
        raise ArgumentError(f"direction must be a symbol name, got {direction!r}")
    if direction == wrt:
        raise ArgumentError(f"the direction must be another symbol than wrt={wrt!r}")
    x = decls.symbols[wrt]
    declared = decls.symbols.get(direction)
    if declared is None:
        return Declarations({**decls.symbols, direction: Symbol(direction, x.shape, x.symmetric, x.diagonal)})  # a direction is not spd
    if declared.shape != x.shape:
        got = "a scalar" if declared.shape is None else " x ".join(declared.shape)
        raise ShapeError(f"the direction {direction} is declared {got}, but {wrt} is {' x '.join(x.shape)}: "
                         f"H[{direction}] needs a direction of the shape of {wrt}")
    return decls


def hessian_vector(
    loss: str | Term,
    wrt: str,
    where: str | Declarations,
    direction: str = "V",
    cost: Cost = "size",
    *,
    dims: Mapping[str, int] | None = None,
    time_limit: float = Limits.seconds,
    node_limit: int = Limits.enodes,
    iteration_limit: int = Limits.iterations,
    memory_gb: float = worker.DEFAULT_MEMORY_GB,
    isolate: bool = True,
) -> HessianVectorResult:
    """H[V], the directional derivative of the gradient along `direction`, of the shape of `wrt`.

    `direction` is a symbol declared in `where` with the shape of `wrt`, or declared here like it.
    Both passes take the cost model, dims and limits of `optimize_gradient` (each pass its own
    limits). A loss whose gradient does not depend on `wrt` has H[V] = 0.
    """
    decls = where if isinstance(where, Declarations) else parse_where(where)
    term, decls = prepare(loss, wrt, decls)  # checks wrt before the direction is declared like it
    decls = with_direction(decls, wrt, direction)
    limits = dict(dims=dims, time_limit=time_limit, node_limit=node_limit, iteration_limit=iteration_limit,
                  memory_gb=memory_gb, isolate=isolate)
    first = optimize_gradient(term, wrt, decls, cost, **limits)
    v = make("var", attr=direction, shape=decls.symbols[direction].shape)
    along = make("trace", (make("matmul", (make("transpose", (first.gradient,)), v)),))  # tr(Gᵀ V)
    if wrt not in first.gradient.symbols():
        second = _zero(along, first, decls, dims, resolve(cost))
    else:
        second = optimize_gradient(along, wrt, decls, cost, **limits)
    return HessianVectorResult(first, second, direction)


def _zero(along: Term, first: GradientResult, decls: Declarations, dims, model) -> GradientResult:
    """H[V] = 0: the gradient does not depend on wrt (the loss is linear in it)."""
    zero = make("zeros", attr=decls.symbols[first.wrt].shape)
    sizes = _dims(decls, dims)
    stats = RunStats(saturated=True)
    note = f"the gradient {to_text(first.gradient)} does not depend on {first.wrt}: the Hessian is zero"
    return GradientResult(along, first.wrt, decls, zero, model.score(zero, sizes), model.name, stats, sizes,
                          {"note": note})


__all__ = ["HessianVectorResult", "hessian_vector", "with_direction"]
