"""The test losses: the reference and 24 more from the Matrix Cookbook and ML practice.

Each entry: (name, loss, wrt, where, the most compact size known). The known size is the printed
size (render.printed_size) of the most compact gradient we know by hand or have found.
"""

REFERENCE = (
    "reference",
    "1/2 * norm(A.T @ (J + R).T @ (J + R) @ A - D)**2 + lam/2 * norm(R)**2",
    "R",
    "A: n x k; J, R: m x n; D: k x k diagonal; lam: scalar",
    29,
)

LOSSES = [
    ("least squares", "norm(X @ W - Y)**2", "W", "X: m x n; W: n x k; Y: m x k", 10),
    ("least squares, vector", "norm(A @ x - b)**2", "x", "A: m x n; x: n; b: m", 10),
    ("ridge, vector", "norm(X @ w - y)**2 + lam * norm(w)**2", "w", "X: m x n; w: n; y: m; lam: scalar", 14),
    ("ridge", "norm(X @ W - Y)**2 + lam * norm(W)**2", "W", "X: m x n; W: n x k; Y: m x k; lam: scalar", 14),
    ("weighted least squares", "tr((X @ W - Y).T @ S @ (X @ W - Y))", "W",
     "X: m x n; W: n x k; Y: m x k; S: m x m symmetric", 12),
    ("weighted least squares, vector", "(A @ x - b).T @ S @ (A @ x - b)", "x", "A: m x n; x: n; b: m; S: m x m symmetric", 12),
    ("quadratic form", "x.T @ A @ x", "x", "A: n x n; x: n", 6),
    ("quadratic form, symmetric", "x.T @ S @ x", "x", "S: n x n symmetric; x: n", 5),
    ("trace quadratic", "tr(X.T @ A @ X)", "X", "A: n x n; X: n x k", 6),
    ("trace AXBX'", "tr(A @ X @ B @ X.T)", "X", "A: n x n; X: n x k; B: k x k", 13),
    ("trace AX", "tr(A @ X)", "X", "A: k x n; X: n x k", 2),
    ("trace AXB", "tr(A @ X @ B)", "X", "A: p x n; X: n x k; B: k x p", 5),
    ("trace X squared", "tr(X @ X)", "X", "X: n x n", 4),
    ("bilinear", "a.T @ X @ b", "X", "a: m; X: m x n; b: n", 4),
    ("factorization U", "norm(X - U @ V.T)**2", "U", "X: m x n; U: m x r; V: n x r", 11),
    ("factorization V", "norm(X - U @ V.T)**2", "V", "X: m x n; U: m x r; V: n x r", 12),
    ("factorization U, regularized", "norm(X - U @ V.T)**2 + lam * (norm(U)**2 + norm(V)**2)", "U",
     "X: m x n; U: m x r; V: n x r; lam: scalar", 14),
    ("factorization V, regularized", "norm(X - U @ V.T)**2 + lam * (norm(U)**2 + norm(V)**2)", "V",
     "X: m x n; U: m x r; V: n x r; lam: scalar", 15),
    ("two-sided", "norm(A.T @ X @ A - B)**2", "X", "A: n x k; X: n x n; B: k x k", 15),
    ("autoencoder", "norm(X - X @ W @ W.T)**2", "W", "X: m x n; W: n x k", 28),
    ("three-term sum", "norm(X @ W - Y)**2 + norm(Z @ W - V)**2 + lam * norm(W)**2", "W",
     "X: m x n; Z: p x n; W: n x k; Y: m x k; V: p x k; lam: scalar", 23),
    ("four-term sum", "norm(X @ W - Y)**2 + norm(Z @ W - V)**2 + lam * norm(W)**2 + mu * tr(W.T @ L @ W)", "W",
     "X: m x n; Z: p x n; W: n x k; Y: m x k; V: p x k; L: n x n symmetric; lam, mu: scalar", 29),
    ("Tikhonov", "norm(A @ x - b)**2 + lam * norm(L @ x)**2", "x", "A: m x n; x: n; b: m; L: p x n; lam: scalar", 19),
    ("Rayleigh quotient", "(x.T @ A @ x) / (x.T @ x)", "x", "A: n x n symmetric; x: n", 26),
    ("Frobenius norm", "norm(R)", "R", "R: m x n", 4),
]
