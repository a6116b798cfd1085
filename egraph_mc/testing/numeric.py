"""Random data for declared symbols, and derivatives by finite differences: the one implementation
that `GradientResult.verify`, the audit of e-graphs and the fuzzing oracle all use."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from egraph_mc.declare import Declarations


def random_dims(decls: Declarations, rng: np.random.Generator, low: int = 2, high: int = 6) -> dict[str, int]:
    """Distinct-ish sizes per dim name, so a transposed or misplaced factor cannot pass by luck."""
    return {d: int(rng.integers(low, high)) for d in decls.dims}


def distinct_dims(decls: Declarations, rng: np.random.Generator) -> dict[str, int]:
    """Pairwise different sizes (2..6) per dim, so that a misplaced factor cannot fit by luck."""
    pool = rng.permutation(np.arange(2, 7))
    return {d: int(pool[i % len(pool)]) for i, d in enumerate(decls.dims)}


def random_values(decls: Declarations, rng: np.random.Generator, dims: dict[str, int], names=None
                  ) -> dict[str, np.ndarray | float]:
    values: dict[str, np.ndarray | float] = {}
    for name, sym in decls.symbols.items():
        if names is not None and name not in names:
            continue
        if sym.shape is None:
            values[name] = float(rng.uniform(0.5, 1.5))
            continue
        r, c = (1 if d == "1" else int(d) if d.isdigit() else dims[d] for d in sym.shape)
        if sym.spd:  # well away from singular: eigenvalues at least 1/2
            a = rng.standard_normal((r, r))
            values[name] = a @ a.T / r + np.eye(r) / 2
            continue
        if sym.positive:  # every entry well inside the domain of log and sqrt
            values[name] = project(decls, name, rng.uniform(0.5, 2.0, (r, c)))
            continue
        values[name] = random_direction(decls, name, rng, (r, c))
    return values


def random_direction(decls: Declarations, name: str, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A random matrix in the space `name` is declared in: symmetric or diagonal when it is.

    The gradient of a symmetric X is only defined along symmetric directions (dX = dXᵀ), so
    that is where it is checked.
    """
    return project(decls, name, rng.standard_normal(shape))


def project(decls: Declarations, name: str, a: np.ndarray) -> np.ndarray:
    """a projected on the space `name` is declared in (its symmetric or diagonal part when it is
    symmetric or diagonal): where its gradient, or a Hessian applied to it, is defined."""
    sym = decls.symbols[name]
    if sym.diagonal:
        return np.diag(np.diag(a))
    if sym.symmetric:
        return (a + a.T) / 2
    return a


def richardson(f: Callable[[float], object], h: float):
    """d/dt f(t) at 0 by central differences at h and h/2, Richardson-extrapolated (error O(h⁴))."""
    c1 = (f(h) - f(-h)) / (2 * h)
    c2 = (f(h / 2) - f(-h / 2)) / h
    return (4 * c2 - c1) / 3


def step(x0, direction, scale: float = 1e-3) -> float:
    """A step along `direction` small relative to the point: scale · max(1, |x0|) / max(1, |V|)."""
    return scale * max(1.0, float(np.linalg.norm(x0))) / max(1.0, float(np.linalg.norm(direction)))
