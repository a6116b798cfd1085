"""A gradient checked against finite differences of its loss (`GradientResult.verify`)."""

from __future__ import annotations

import numpy as np

from egraph_mc.declare import Declarations
from egraph_mc.render import evaluate
from egraph_mc.term import Term
from egraph_mc.testing.numeric import random_dims, random_direction, random_values, richardson, step


def directional_fd(loss: Term, wrt: str, values: dict, direction: np.ndarray, dims: dict[str, int]) -> float:
    """d/dt L(wrt + t V) at 0: central differences at h and h/2, combined by Richardson (O(h⁴))."""
    x0 = values[wrt]

    def f(t: float) -> float:
        return float(evaluate(loss, {**values, wrt: x0 + t * direction}, dims))

    return richardson(f, step(x0, direction))


def relative_error_vs_finite_differences(
    loss: Term, gradient: Term, wrt: str, decls: Declarations, trials: int = 3, seed: int = 0
) -> float:
    """Max over random trials of |tr(Gᵀ V) - fd| / max(|tr(Gᵀ V)|, |fd|, 1e-12)."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(trials):
        dims = random_dims(decls, rng)
        values = random_values(decls, rng, dims)
        v = random_direction(decls, wrt, rng, np.shape(values[wrt]))
        g = np.asarray(evaluate(gradient, values, dims), dtype=float)
        g = np.broadcast_to(g, np.shape(values[wrt]))
        analytic = float(np.sum(g * v))
        fd = directional_fd(loss, wrt, values, v, dims)
        worst = max(worst, abs(analytic - fd) / max(abs(analytic), abs(fd), 1e-12))
    return worst
