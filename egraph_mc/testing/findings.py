"""The fuzz findings (bench/FUZZ_FINDINGS.md) as concrete cases, shared by tests/ and bench/.

`tests/test_fuzz.py` runs each through the oracle; `python -m bench.stops --finding F14` runs one
finding's cases at every stop point.
"""

from __future__ import annotations

# (finding in bench/FUZZ_FINDINGS.md, loss, wrt, where, extra check() arguments): the minimized form
# of each failing example the fuzz test or bench.fuzz found; the extra arguments make a
# limit-dependent failure deterministic.
REGRESSIONS: list[tuple[str, str, str, str, dict]] = [
    # wrong gradients: a symmetric or diagonal wrt (read-off merged A with Aᵀ)
    ("F1", "tr((2 * S + B).T @ C) ** 2", "S", "S: m x m symmetric; B, C: m x m", {}),
    ("F1", "tr((2 * A - B).T @ x @ y.T) ** (-1)", "A", "A: m x m diagonal; B: m x m; x, y: m", {}),
    ("F1", "norm(M @ A + A)**2", "A", "A: n x n symmetric; M: n x n", {}),
    ("F1", "norm(B.T @ (D @ B.T).T @ A + A)", "A", "A: n x n symmetric; B: m x n; D: n x n", {}),
    ("F1", "tr((A.T @ A @ B + 2 * C).T @ P @ (A.T @ A + 2 * C))", "C", "A: k x n; B, C: n x n symmetric; P: n x n",
     {}),
    ("F1", "norm(M @ A)**2", "A", "A: n x n symmetric; M: n x n", {}),
    # no gradient on valid losses: every member of a class subsumed (one-term sums G = 2H, H = G/2)
    ("F2", "-norm(1/2 * x.T @ x @ y.T + z.T @ C)**2", "x", "x, z: m; y: n; C: m x n", {}),
    ("F2", "norm(D + 1/2 * (x @ y.T @ E @ z) @ x.T)**2 + norm(z)**2", "z", "D: p x p; x: p; y: k; E: k x m; z: m",
     {}),
    ("F2", "norm(A @ B @ C + 1/2 * (x @ y.T @ E @ z) @ x.T @ x @ x.T)**2 + z.T @ z", "z",
     "A: p x n; B: n x m; C: m x p; x: p; y: k; E: k x m; z: m", {}),
    ("F2", "-x.T @ (1/2 * x.T @ A @ A.T + 1/2 * x.T @ B @ B.T).T", "x", "x: m; A, B: m x m", {}),
    ("F2", "-tr(A) + norm(A)**2 + norm(A)**2 + norm(A)**2", "A", "A: m x m", {}),
    # no gradient by FLOPs: the gradient's class had no shape (its members subsumed before the analysis)
    ("F3", "-2/3 * lam * (norm(2 * (2 * x @ y.T @ A @ x - 2 * B @ B @ B.T @ x) - 2 * x)**2) * (y.T @ y)"
     " - 3 * norm(3 * z) + 2 * norm(3 * C)", "A", "x: k; y: n; A: n x k; B: k x k; z: m; C: n x n; lam: scalar", {}),
    # a printed gradient that does not parse back: a 1x1 product scaled, then multiplied by `@`
    ("F4", "-x.T @ (2 * x.T @ x @ y.T @ A.T - y.T @ A.T).T @ x.T @ x / lam", "y", "x: n; y: m; A: n x m; lam: scalar",
     {}),
    ("F4", "norm((mu * C @ z @ u.T @ x).T)", "C", "x, u: m; C: m x k; z: k; mu: scalar", {}),
    # no gradient for a constant loss (no dX was ever built to read the zero's shape from)
    ("F6", "-tr(A) + tr(A.T)", "A", "A: m x m; B: m x n", {}),
    # a run stopped by a limit extracted a sum still holding a zero term
    ("F7", "3 * (3 * (mu * A @ x @ y.T @ B - 1/2 * x @ y.T).T @ A @ A.T @ z).T @ C @ C.T @ D @ (3 * (mu * A @ x"
     " @ y.T @ B - 1/2 * x @ y.T).T @ A @ A.T @ z) - 2 * norm(A)**2 + tr(lam * E)", "A",
     "A: n x n; x, y, z: n; B: n x n symmetric; C: n x m; D: n x n diagonal; E: m x m symmetric; mu, lam: scalar", {}),
    # valid losses that passed once a fix above landed, kept as they were found
    ("F0", "norm(A + B)**2", "A", "A, B: m x n", {}),
    ("F0", "tr((A + B) @ C)", "A", "A, B, C: n x n", {}),
    ("F0", "z.T @ (A @ x + B.T @ x)", "z", "x, z: m; A: m x m; B: m x m symmetric", {}),
    # limits: one iteration too slow to return (stopped at the hard deadline), an iteration limit
    ("F5", "norm(1/2 * A.T + 1/2 * A)**2", "A", "A: m x m", {"time_limit": 2.0, "cost_models": ("size",)}),
    ("F5", "tr(2 * A @ A @ A @ A + 2 * A @ B @ B.T @ A)", "A", "A: p x p symmetric; B: p x m",
     {"iteration_limit": 20, "time_limit": 60.0, "cost_models": ("dag",)}),
    # F14 (open): wrong once each, under load, not reproduced since
    ("F14", "1/2 * x.T @ x + 2 * norm(1/2 * A.T @ y @ x.T + mu * B.T @ (mu * C.T - 1/2 * D.T) @ (1/2 * z.T + x.T).T "
     "@ z.T + lam * E.T)**2 + 2 * tr(1/2 * F.T) / (norm(3 * G.T)**2) - (lam * u).T @ G @ (lam * u) / lam", "x",
     "x, z: n; A, B: m x p; y: m; C, D: n x m; E: n x p; F: n x n symmetric; G: k x k symmetric; u: k; "
     "mu, lam: scalar", {}),
    ("F14", "-lam * norm(mu * x + 2 * (mu * A @ B - 2 * C @ C.T) @ y - mu * B.T @ D @ E.T @ x) - 0.25 * norm(3 * z)",
     "B", "x, y: m; A, C: m x n; B, D: n x m; E: m x m symmetric; z: n; mu, lam: scalar", {}),
    ("F14", "-lam/2 * norm(lam * x.T @ A @ (lam * A.T @ x @ x.T - B @ C @ B.T) @ D)", "C",
     "x: n; A: n x n symmetric; B, D: n x m; C: m x m symmetric; lam: scalar",
     {"iteration_limit": 5, "time_limit": 60.0}),
    # F16: at a stop point, a one-factor product printed as its factor, so the text parsed back to another term
    ("F16", "1/2 * x.T @ x + 2 * norm(1/2 * A.T @ y @ x.T + mu * B.T @ (mu * C.T - 1/2 * D.T) @ (1/2 * z.T + x.T).T "
     "@ z.T + lam * E.T)**2 + 2 * tr(1/2 * F.T) / (norm(3 * G.T)**2) - (lam * u).T @ G @ (lam * u) / lam", "x",
     "x, z: n; A, B: m x p; y: m; C, D: n x m; E: n x p; F: n x n symmetric; G: k x k symmetric; u: k; "
     "mu, lam: scalar", {"iteration_limit": 2, "time_limit": 60.0, "cost_models": ("size",)}),
    # F17: FLOPs of `2 / mu / tr(A)` (the coefficient takes the place of the 1 of `1 / mu / tr(A)`)
    ("F17", "-tr(2 * x @ (3 * x @ y.T @ A @ z + 3 * u @ z.T @ B.T @ v).T @ C.T - 2 * x @ x.T - 3 * C.T) / tr(1/2 * A.T) "
     "/ mu - norm(3 * v)**3 - lam * norm(lam * D) + lam * norm(lam * E.T) / (norm(3 * B.T)**2)", "x",
     "x, u: p; y, z: m; A: m x m diagonal; B: n x m; v: n; C: p x p symmetric; D: n x n; E: m x k; mu, lam: scalar",
     {"iteration_limit": 9, "time_limit": 60.0, "cost_models": ("dag",)}),
    ("F14", "tr((1/2 * A @ (3 * A.T + 3 * x @ x.T @ A.T) @ A - 2 * (lam * x @ x.T @ A.T + 2 * A.T).T - mu * A).T @ B "
     "@ (1/2 * A @ (3 * A.T + 3 * x @ x.T @ A.T) @ A - 2 * (lam * x @ x.T @ A.T + 2 * A.T).T - mu * A)) + norm(x.T) + "
     "2 * norm(B)**2", "A", "A: n x m; x: m; B: n x n; lam, mu: scalar", {"cost_models": ("flops",)}),
    # F19 (open): at a stop point, the fallback's scaled eye(1) prints `s * eye(1)`, read back as a product of scalars
    ("F19", "2 * (x.T @ A @ y)**2 + mu/2 * (z.T @ B.T @ y)**-2 - mu/2 * norm(2 * (3 * u @ y.T @ B + lam * C.T).T @ v "
     "@ v.T @ D.T)", "y", "x, y, u, v: m; A: m x m symmetric; z: n; B: m x n; C: n x m; D: p x m; mu, lam: scalar",
     {"iteration_limit": 1, "time_limit": 60.0, "cost_models": ("size",)}),
    # F15 (open): an ill-shaped pick in the cost-directed pass, once, under load (now dropped)
    ("F15", "-2 * logdet(eye(m) + (3 * x.T @ y @ x.T @ (3 * A + x @ x.T).T + y.T).T @ (3 * x.T @ y @ x.T "
     "@ (3 * A + x @ x.T).T + y.T)) + norm(3 * B)**2", "x", "x, y: m; A: m x m; B: m x n", {}),
]
