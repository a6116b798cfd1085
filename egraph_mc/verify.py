"""Numerical checks: random data for declared symbols, and gradients against finite differences."""

from __future__ import annotations

import numpy as np

from egraph_mc.parse import Declarations
from egraph_mc.render import evaluate
from egraph_mc.term import Term


def random_dims(decls: Declarations, rng: np.random.Generator, low: int = 2, high: int = 6) -> dict[str, int]:
    """Distinct-ish sizes per dim name, so a transposed or misplaced factor cannot pass by luck."""
    return {d: int(rng.integers(low, high)) for d in decls.dims}


def random_values(
    decls: Declarations, rng: np.random.Generator, dims: dict[str, int], names=None
) -> dict[str, np.ndarray | float]:
    values: dict[str, np.ndarray | float] = {}
    for name, sym in decls.symbols.items():
        if names is not None and name not in names:
            continue
        if sym.shape is None:
            values[name] = float(rng.uniform(0.5, 1.5))
            continue
        r, c = (1 if d == "1" else int(d) if d.isdigit() else dims[d] for d in sym.shape)
        values[name] = random_direction(decls, name, rng, (r, c))
    return values


def random_direction(decls: Declarations, name: str, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A random matrix in the space `name` is declared in: symmetric or diagonal when it is.

    The gradient of a symmetric X is only defined along symmetric directions (dX = dXᵀ), so
    that is where it is checked.
    """
    a = rng.standard_normal(shape)
    sym = decls.symbols[name]
    if sym.diagonal:
        return np.diag(np.diag(a))
    if sym.symmetric:
        return (a + a.T) / 2
    return a


def directional_fd(loss: Term, wrt: str, values: dict, direction: np.ndarray, dims: dict[str, int]) -> float:
    """d/dt L(wrt + t V) at 0: central differences at h and h/2, combined by Richardson (O(h⁴))."""
    x0 = values[wrt]
    scale = max(1.0, float(np.linalg.norm(x0)))
    h = 1e-3 * scale / max(1.0, float(np.linalg.norm(direction)))

    def f(t: float) -> float:
        return float(evaluate(loss, {**values, wrt: x0 + t * direction}, dims))

    d1 = (f(h) - f(-h)) / (2 * h)
    d2 = (f(h / 2) - f(-h / 2)) / h
    return (4 * d2 - d1) / 3


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
