"""The benchmark corpus: scalar matrix losses from the Matrix Cookbook and from ML practice.

Each `Problem` is a loss, the symbol to differentiate with respect to, its declarations, concrete
sizes for every dim (realistic for ML use, for the FLOPs cost models), and the most compact correct
gradient known: `best`, in the tool's numpy-like syntax, with `best_size = printed_size(best)`.
`best` is the smaller of a hand-derived compact form and what `optimize_gradient` returned when
the corpus was written. Equation numbers refer to The Matrix Cookbook, version of November 15,
2012 (Petersen & Pedersen).

Problems with `supported=False` are outside the loss language (reductions along an axis, functions
that are not differentiable everywhere); their loss is written in numpy-like syntax, `best` is
the known gradient in numpy-like syntax or words, and `best_size` is None.

The first 26 problems (`CORE`) are the test losses of tests/losses.py, under the same names.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Problem:
    name: str
    loss: str
    wrt: str
    where: str
    dims: dict[str, int] = field(hash=False)
    best: str | None
    best_size: int | None
    source: str
    supported: bool = True
    family: str


CORPUS: list[Problem] = [
    # --- the test losses (tests/losses.py) ---------------------------------------------------
    Problem(
        name="reference",
        loss="1/2 * norm(A.T @ (J + R).T @ (J + R) @ A - D)**2 + lam/2 * norm(R)**2",
        wrt="R", where="A: n x k; J, R: m x n; D: k x k diagonal; lam: scalar",
        dims={"m": 1000, "n": 200, "k": 20},
        best="2 * (J + R) @ A @ (((J + R) @ A).T @ (J + R) @ A - D) @ A.T + lam * R", best_size=29,
        source="egraph_mc reference loss: Gram-matrix fit of a perturbed projection with ridge (ML practice); "
        "Matrix Cookbook eq. (119), (132)",
        family="regularized-sum",
    ),
    Problem(
        name="least squares", loss="norm(X @ W - Y)**2", wrt="W", where="X: m x n; W: n x k; Y: m x k",
        dims={"m": 10000, "n": 100, "k": 10},
        best="2 * X.T @ (X @ W - Y)", best_size=10,
        source="least squares, multi-output; Matrix Cookbook eq. (119)", family="least-squares",
    ),
    Problem(
        name="least squares, vector", loss="norm(A @ x - b)**2", wrt="x", where="A: m x n; x: n; b: m",
        dims={"m": 10000, "n": 500},
        best="2 * A.T @ (A @ x - b)", best_size=10,
        source="least squares; Matrix Cookbook eq. (84) with W = I", family="least-squares",
    ),
    Problem(
        name="ridge, vector", loss="norm(X @ w - y)**2 + lam * norm(w)**2", wrt="w",
        where="X: m x n; w: n; y: m; lam: scalar",
        dims={"m": 10000, "n": 500},
        best="2 * (X.T @ (X @ w - y) + lam * w)", best_size=14,
        source="ridge regression (Hoerl & Kennard 1970)", family="least-squares",
    ),
    Problem(
        name="ridge", loss="norm(X @ W - Y)**2 + lam * norm(W)**2", wrt="W",
        where="X: m x n; W: n x k; Y: m x k; lam: scalar",
        dims={"m": 10000, "n": 100, "k": 10},
        best="2 * (X.T @ (X @ W - Y) + lam * W)", best_size=14,
        source="ridge regression, multi-output", family="least-squares",
    ),
    Problem(
        name="weighted least squares", loss="tr((X @ W - Y).T @ S @ (X @ W - Y))", wrt="W",
        where="X: m x n; W: n x k; Y: m x k; S: m x m symmetric",
        dims={"m": 2000, "n": 100, "k": 10},
        best="2 * X.T @ S @ (X @ W - Y)", best_size=12,
        source="weighted / generalized least squares; Matrix Cookbook eq. (117)", family="least-squares",
    ),
    Problem(
        name="weighted least squares, vector", loss="(A @ x - b).T @ S @ (A @ x - b)", wrt="x",
        where="A: m x n; x: n; b: m; S: m x m symmetric",
        dims={"m": 2000, "n": 500},
        best="2 * A.T @ S @ (A @ x - b)", best_size=12,
        source="weighted least squares; Matrix Cookbook eq. (84)", family="least-squares",
    ),
    Problem(
        name="quadratic form", loss="x.T @ A @ x", wrt="x", where="A: n x n; x: n",
        dims={"n": 1000},
        best="(A.T + A) @ x", best_size=6,
        source="Matrix Cookbook eq. (81)", family="quadratic",
    ),
    Problem(
        name="quadratic form, symmetric", loss="x.T @ S @ x", wrt="x", where="S: n x n symmetric; x: n",
        dims={"n": 1000},
        best="2 * S @ x", best_size=5,
        source="Matrix Cookbook eq. (81) with B symmetric", family="quadratic",
    ),
    Problem(
        name="trace quadratic", loss="tr(X.T @ A @ X)", wrt="X", where="A: n x n; X: n x k",
        dims={"n": 1000, "k": 50},
        best="(A.T + A) @ X", best_size=6,
        source="Matrix Cookbook eq. (108)", family="trace",
    ),
    Problem(
        name="trace AXBX'", loss="tr(A @ X @ B @ X.T)", wrt="X", where="A: n x n; X: n x k; B: k x k",
        dims={"n": 1000, "k": 50},
        best="A.T @ X @ B.T + A @ X @ B", best_size=13,
        source="Matrix Cookbook eq. (117) (tr(AXBXᵀ) = tr(XᵀAXB))", family="trace",
    ),
    Problem(
        name="trace AX", loss="tr(A @ X)", wrt="X", where="A: k x n; X: n x k",
        dims={"n": 1000, "k": 50},
        best="A.T", best_size=2,
        source="Matrix Cookbook eq. (100)", family="trace",
    ),
    Problem(
        name="trace AXB", loss="tr(A @ X @ B)", wrt="X", where="A: p x n; X: n x k; B: k x p",
        dims={"p": 200, "n": 1000, "k": 50},
        best="(B @ A).T", best_size=4,
        source="Matrix Cookbook eq. (101)", family="trace",
    ),
    Problem(
        name="trace X squared", loss="tr(X @ X)", wrt="X", where="X: n x n",
        dims={"n": 1000},
        best="2 * X.T", best_size=4,
        source="Matrix Cookbook eq. (106)", family="trace",
    ),
    Problem(
        name="bilinear", loss="a.T @ X @ b", wrt="X", where="a: m; X: m x n; b: n",
        dims={"m": 1000, "n": 500},
        best="a @ b.T", best_size=4,
        source="Matrix Cookbook eq. (70)", family="bilinear",
    ),
    Problem(
        name="factorization U", loss="norm(X - U @ V.T)**2", wrt="U", where="X: m x n; U: m x r; V: n x r",
        dims={"m": 2000, "n": 1000, "r": 20},
        best="2 * (U @ V.T - X) @ V", best_size=10,
        source="matrix factorization / low-rank approximation", family="factorization",
    ),
    Problem(
        name="factorization V", loss="norm(X - U @ V.T)**2", wrt="V", where="X: m x n; U: m x r; V: n x r",
        dims={"m": 2000, "n": 1000, "r": 20},
        best="2 * (U @ V.T - X).T @ U", best_size=11,
        source="matrix factorization / low-rank approximation", family="factorization",
    ),
    Problem(
        name="factorization U, regularized", loss="norm(X - U @ V.T)**2 + lam * (norm(U)**2 + norm(V)**2)",
        wrt="U", where="X: m x n; U: m x r; V: n x r; lam: scalar",
        dims={"m": 2000, "n": 1000, "r": 20},
        best="2 * (lam * U + (U @ V.T - X) @ V)", best_size=14,
        source="regularized matrix factorization (collaborative filtering, Koren et al. 2009)",
        family="factorization",
    ),
    Problem(
        name="factorization V, regularized", loss="norm(X - U @ V.T)**2 + lam * (norm(U)**2 + norm(V)**2)",
        wrt="V", where="X: m x n; U: m x r; V: n x r; lam: scalar",
        dims={"m": 2000, "n": 1000, "r": 20},
        best="2 * (lam * V + (U @ V.T - X).T @ U)", best_size=15,
        source="regularized matrix factorization (collaborative filtering, Koren et al. 2009)",
        family="factorization",
    ),
    Problem(
        name="two-sided", loss="norm(A.T @ X @ A - B)**2", wrt="X", where="A: n x k; X: n x n; B: k x k",
        dims={"n": 500, "k": 50},
        best="2 * A @ (A.T @ X @ A - B) @ A.T", best_size=15,
        source="two-sided least squares; Matrix Cookbook eq. (119) with AXB = AᵀXA", family="least-squares",
    ),
    Problem(
        name="autoencoder", loss="norm(X - X @ W @ W.T)**2", wrt="W", where="X: m x n; W: n x k",
        dims={"m": 5000, "n": 500, "k": 20},
        best="2 * ((X @ W @ W.T - X).T @ X + X.T @ (X @ W @ W.T - X)) @ W", best_size=27,
        source="linear autoencoder with tied weights (Baldi & Hornik 1989)", family="factorization",
    ),
    Problem(
        name="three-term sum", loss="norm(X @ W - Y)**2 + norm(Z @ W - V)**2 + lam * norm(W)**2", wrt="W",
        where="X: m x n; Z: p x n; W: n x k; Y: m x k; V: p x k; lam: scalar",
        dims={"m": 1000, "p": 500, "n": 100, "k": 10},
        best="2 * (X.T @ (X @ W - Y) + Z.T @ (Z @ W - V) + lam * W)", best_size=23,
        source="multi-source least squares with ridge (ML practice)", family="regularized-sum",
    ),
    Problem(
        name="four-term sum",
        loss="norm(X @ W - Y)**2 + norm(Z @ W - V)**2 + lam * norm(W)**2 + mu * tr(W.T @ L @ W)", wrt="W",
        where="X: m x n; Z: p x n; W: n x k; Y: m x k; V: p x k; L: n x n symmetric; lam, mu: scalar",
        dims={"m": 1000, "p": 500, "n": 100, "k": 10},
        best="2 * (X.T @ (X @ W - Y) + Z.T @ (Z @ W - V) + lam * W + mu * L @ W)", best_size=29,
        source="multi-source least squares with ridge and graph Laplacian regularizer (ML practice)",
        family="regularized-sum",
    ),
    Problem(
        name="Tikhonov", loss="norm(A @ x - b)**2 + lam * norm(L @ x)**2", wrt="x",
        where="A: m x n; x: n; b: m; L: p x n; lam: scalar",
        dims={"m": 1000, "n": 200, "p": 199},
        best="2 * (A.T @ (A @ x - b) + lam * L.T @ L @ x)", best_size=19,
        source="Tikhonov regularization with a general operator L", family="least-squares",
    ),
    Problem(
        name="Rayleigh quotient", loss="(x.T @ A @ x) / (x.T @ x)", wrt="x", where="A: n x n symmetric; x: n",
        dims={"n": 1000},
        best="2 * (A @ x - (x.T @ A @ x) / (x.T @ x) * x) / (x.T @ x)", best_size=24,
        source="PCA / Rayleigh quotient", family="rational",
    ),
    Problem(
        name="Frobenius norm", loss="norm(R)", wrt="R", where="R: m x n",
        dims={"m": 1000, "n": 500},
        best="R / norm(R)", best_size=4,
        source="Frobenius norm (unsquared); Matrix Cookbook eq. (132) and the chain rule", family="norm",
    ),
    # --- Matrix Cookbook: traces (sec. 2.5) ----------------------------------------------------
    Problem(
        name="trace X", loss="tr(X)", wrt="X", where="X: n x n",
        dims={"n": 1000},
        best="eye(n)", best_size=2,
        source="Matrix Cookbook eq. (99)", family="trace",
    ),
    Problem(
        name="trace X'A", loss="tr(X.T @ A)", wrt="X", where="X: n x k; A: n x k",
        dims={"n": 1000, "k": 50},
        best="A", best_size=1,
        source="Matrix Cookbook eq. (103)", family="trace",
    ),
    Problem(
        name="trace AX'B", loss="tr(A @ X.T @ B)", wrt="X", where="A: p x k; X: n x k; B: n x p",
        dims={"p": 200, "n": 1000, "k": 50},
        best="B @ A", best_size=3,
        source="Matrix Cookbook eq. (102)", family="trace",
    ),
    Problem(
        name="trace X squared B", loss="tr(X @ X @ B)", wrt="X", where="X: n x n; B: n x n",
        dims={"n": 1000},
        best="(X @ B + B @ X).T", best_size=8,
        source="Matrix Cookbook eq. (107)", family="trace",
    ),
    Problem(
        name="trace BXX'", loss="tr(B @ X @ X.T)", wrt="X", where="B: n x n; X: n x k",
        dims={"n": 1000, "k": 50},
        best="(B.T + B) @ X", best_size=6,
        source="Matrix Cookbook eq. (109)", family="trace",
    ),
    Problem(
        name="trace XBX'", loss="tr(X @ B @ X.T)", wrt="X", where="B: k x k; X: n x k",
        dims={"n": 1000, "k": 50},
        best="X @ (B.T + B)", best_size=6,
        source="Matrix Cookbook eq. (111)", family="trace",
    ),
    Problem(
        name="trace X'XB", loss="tr(X.T @ X @ B)", wrt="X", where="B: k x k; X: n x k",
        dims={"n": 1000, "k": 50},
        best="X @ (B.T + B)", best_size=6,
        source="Matrix Cookbook eq. (113)", family="trace",
    ),
    Problem(
        name="trace AXBX", loss="tr(A @ X @ B @ X)", wrt="X", where="A: k x n; X: n x k; B: k x n",
        dims={"n": 1000, "k": 50},
        best="(A @ X @ B + B @ X @ A).T", best_size=12,
        source="Matrix Cookbook eq. (114)", family="trace",
    ),
    Problem(
        name="trace X'X", loss="tr(X.T @ X)", wrt="X", where="X: n x k",
        dims={"n": 1000, "k": 50},
        best="2 * X", best_size=3,
        source="Matrix Cookbook eq. (115)", family="trace",
    ),
    Problem(
        name="trace B'X'CXB", loss="tr(B.T @ X.T @ C @ X @ B)", wrt="X", where="B: k x p; X: n x k; C: n x n",
        dims={"n": 1000, "k": 50, "p": 20},
        best="(C.T + C) @ X @ B @ B.T", best_size=11,
        source="Matrix Cookbook eq. (116)", family="trace",
    ),
    Problem(
        name="trace X'BXC", loss="tr(X.T @ B @ X @ C)", wrt="X", where="B: n x n; X: n x k; C: k x k",
        dims={"n": 1000, "k": 50},
        best="B @ X @ C + B.T @ X @ C.T", best_size=13,
        source="Matrix Cookbook eq. (117)", family="trace",
    ),
    Problem(
        name="trace AXBX'C", loss="tr(A @ X @ B @ X.T @ C)", wrt="X", where="A: p x n; X: n x k; B: k x k; C: n x p",
        dims={"p": 200, "n": 1000, "k": 50},
        best="(C @ A).T @ X @ B.T + C @ A @ X @ B", best_size=17,
        source="Matrix Cookbook eq. (118)", family="trace",
    ),
    Problem(
        name="trace (AXB+C)(AXB+C)'", loss="tr((A @ X @ B + C) @ (A @ X @ B + C).T)", wrt="X",
        where="A: p x n; X: n x k; B: k x q; C: p x q",
        dims={"p": 500, "n": 200, "k": 50, "q": 100},
        best="2 * A.T @ (A @ X @ B + C) @ B.T", best_size=15,
        source="Matrix Cookbook eq. (119)", family="trace",
    ),
    Problem(
        name="trace X cubed", loss="tr(X @ X @ X)", wrt="X", where="X: n x n",
        dims={"n": 1000},
        best="3 * (X @ X).T", best_size=6,
        source="Matrix Cookbook eq. (121) with k = 3", family="trace",
    ),
    # --- Matrix Cookbook: vector and scalar forms (sec. 2.4) -----------------------------------
    Problem(
        name="linear form", loss="a.T @ x", wrt="x", where="a: n; x: n",
        dims={"n": 1000},
        best="a", best_size=1,
        source="Matrix Cookbook eq. (69)", family="bilinear",
    ),
    Problem(
        name="bilinear, transposed", loss="a.T @ X.T @ b", wrt="X", where="a: m; X: n x m; b: n",
        dims={"m": 1000, "n": 500},
        best="b @ a.T", best_size=4,
        source="Matrix Cookbook eq. (71)", family="bilinear",
    ),
    Problem(
        name="bilinear, same vector", loss="a.T @ X @ a", wrt="X", where="a: n; X: n x n",
        dims={"n": 1000},
        best="a @ a.T", best_size=4,
        source="Matrix Cookbook eq. (72)", family="bilinear",
    ),
    Problem(
        name="Mahalanobis metric", loss="d.T @ M @ d", wrt="M", where="d: n; M: n x n",
        dims={"n": 100},
        best="d @ d.T", best_size=4,
        source="metric learning: Mahalanobis distance wrt the metric; Matrix Cookbook eq. (72)", family="bilinear",
    ),
    Problem(
        name="b'X'Xc", loss="b.T @ X.T @ X @ c", wrt="X", where="b: n; X: m x n; c: n",
        dims={"m": 1000, "n": 500},
        best="X @ (b @ c.T + c @ b.T)", best_size=11,
        source="Matrix Cookbook eq. (77)", family="quadratic",
    ),
    Problem(
        name="(Bx+b)'C(Dx+d)", loss="(B @ x + b).T @ C @ (D @ x + d)", wrt="x",
        where="B: m x n; x: n; b: m; C: m x p; D: p x n; d: p",
        dims={"m": 500, "n": 200, "p": 300},
        best="(C @ D).T @ (B @ x + b) + B.T @ (C @ (D @ x + d))", best_size=21,
        source="Matrix Cookbook eq. (78)", family="quadratic",
    ),
    Problem(
        name="b'X'DXc", loss="b.T @ X.T @ D @ X @ c", wrt="X", where="b: n; X: m x n; D: m x m; c: n",
        dims={"m": 1000, "n": 500},
        best="D @ X @ c @ b.T + D.T @ (X @ b @ c.T)", best_size=18,
        source="Matrix Cookbook eq. (82)", family="quadratic",
    ),
    Problem(
        name="(Xb+c)'D(Xb+c)", loss="(X @ b + c).T @ D @ (X @ b + c)", wrt="X", where="X: m x n; b: n; c: m; D: m x m",
        dims={"m": 1000, "n": 500},
        best="(D.T + D) @ (X @ b + c) @ b.T", best_size=13,
        source="Matrix Cookbook eq. (83)", family="quadratic",
    ),
    Problem(
        name="(x-As)'W(x-As) wrt s", loss="(x - A @ s).T @ W @ (x - A @ s)", wrt="s",
        where="x: n; A: n x k; s: k; W: n x n symmetric",
        dims={"n": 1000, "k": 50},
        best="2 * A.T @ W @ (A @ s - x)", best_size=12,
        source="Matrix Cookbook eq. (84)", family="quadratic",
    ),
    Problem(
        name="(x-s)'W(x-s) wrt s", loss="(x - s).T @ W @ (x - s)", wrt="s", where="x: n; s: n; W: n x n symmetric",
        dims={"n": 1000},
        best="2 * W @ (s - x)", best_size=7,
        source="Matrix Cookbook eq. (86)", family="quadratic",
    ),
    Problem(
        name="(x-As)'W(x-As) wrt A", loss="(x - A @ s).T @ W @ (x - A @ s)", wrt="A",
        where="x: n; A: n x k; s: k; W: n x n symmetric",
        dims={"n": 1000, "k": 50},
        best="2 * W @ (A @ s - x) @ s.T", best_size=12,
        source="Matrix Cookbook eq. (88)", family="quadratic",
    ),
    Problem(
        name="quadratic plus linear", loss="x.T @ A @ x + b.T @ x", wrt="x", where="A: n x n; x: n; b: n",
        dims={"n": 1000},
        best="(A.T + A) @ x + b", best_size=8,
        source="Matrix Cookbook eq. (94)-(95)", family="quadratic",
    ),
    Problem(
        name="squared quadratic form", loss="(x.T @ A @ x)**2", wrt="x", where="A: n x n symmetric; x: n",
        dims={"n": 1000},
        best="4 * (x.T @ A @ x) * A @ x", best_size=12,
        source="Matrix Cookbook eq. (81) and the chain rule", family="product",
    ),
    Problem(
        name="generalized Rayleigh quotient", loss="((A @ x).T @ (A @ x)) / ((B @ x).T @ (B @ x))", wrt="x",
        where="A: m x n; B: p x n; x: n",
        dims={"m": 500, "p": 400, "n": 200},
        best="2 * (A.T @ A @ x - norm(A @ x)**2 / norm(B @ x)**2 * B.T @ B @ x) / norm(B @ x)**2", best_size=36,
        source="Matrix Cookbook eq. (93); generalized eigenproblems / LDA", family="rational",
    ),
    # --- Matrix Cookbook: norms (sec. 2.6, 2.7) ------------------------------------------------
    Problem(
        name="vector norm squared", loss="norm(x)**2", wrt="x", where="x: n",
        dims={"n": 1000},
        best="2 * x", best_size=3,
        source="Matrix Cookbook eq. (131)", family="norm",
    ),
    Problem(
        name="Frobenius norm squared", loss="norm(X)**2", wrt="X", where="X: m x n",
        dims={"m": 1000, "n": 500},
        best="2 * X", best_size=3,
        source="Matrix Cookbook eq. (132)", family="norm",
    ),
    Problem(
        name="Frobenius norm, fourth power", loss="norm(X)**4", wrt="X", where="X: m x n",
        dims={"m": 1000, "n": 500},
        best="4 * norm(X)**2 * X", best_size=8,
        source="Matrix Cookbook eq. (132) and the chain rule", family="norm",
    ),
    Problem(
        name="square-root lasso loss", loss="norm(X @ w - y)", wrt="w", where="X: m x n; w: n; y: m",
        dims={"m": 10000, "n": 500},
        best="X.T @ (X @ w - y) / norm(X @ w - y)", best_size=15,
        source="square-root lasso (Belloni, Chernozhukov & Wang 2011); Matrix Cookbook eq. (129)", family="norm",
    ),
    Problem(
        name="Frobenius residual, unsquared", loss="norm(X @ W - Y)", wrt="W", where="X: m x n; W: n x k; Y: m x k",
        dims={"m": 10000, "n": 100, "k": 10},
        best="X.T @ (X @ W - Y) / norm(X @ W - Y)", best_size=15,
        source="unsquared Frobenius residual (multi-output square-root lasso loss)", family="norm",
    ),
    # --- products of traces and scalar coefficients --------------------------------------------
    Problem(
        name="product of traces", loss="tr(X.T @ A @ X) * tr(X.T @ X)", wrt="X", where="A: n x n; X: n x k",
        dims={"n": 1000, "k": 50},
        best="norm(X)**2 * (A + A.T) @ X + 2 * tr(X.T @ A @ X) * X", best_size=23,
        source="Matrix Cookbook eq. (108), (115) and the product rule", family="product",
    ),
    Problem(
        name="product of linear traces", loss="tr(A @ X) * tr(B @ X)", wrt="X", where="A: k x n; B: k x n; X: n x k",
        dims={"n": 1000, "k": 50},
        best="tr(A @ X) * B.T + tr(B @ X) * A.T", best_size=15,
        source="Matrix Cookbook eq. (100) and the product rule", family="product",
    ),
    Problem(
        name="trace ratio", loss="tr(X.T @ A @ X) / tr(X.T @ B @ X)", wrt="X",
        where="X: n x k; A: n x n symmetric; B: n x n symmetric",
        dims={"n": 1000, "k": 20},
        best="2 * (A @ X - tr(X.T @ A @ X) / tr(X.T @ B @ X) * B @ X) / tr(X.T @ B @ X)", best_size=33,
        source="trace-ratio LDA (Wang et al. 2007); Matrix Cookbook eq. (108)", family="rational",
    ),
    Problem(
        name="cosine similarity", loss="(a.T @ x) / norm(x)", wrt="x", where="a: n; x: n",
        dims={"n": 1000},
        best="a / norm(x) - (a.T @ x) / norm(x)**3 * x", best_size=16,
        source="cosine similarity to a fixed vector (ML practice); Matrix Cookbook eq. (69), (129)",
        family="rational",
    ),
    Problem(
        name="scalar coefficient, convex mix", loss="(1 - alpha) / 2 * norm(X @ W - Y)**2 + alpha / 2 * norm(W)**2",
        wrt="W", where="X: m x n; W: n x k; Y: m x k; alpha: scalar",
        dims={"m": 10000, "n": 100, "k": 10},
        best="(1 - alpha) * X.T @ (X @ W - Y) + alpha * W", best_size=16,
        source="ridge with a convex mixing weight (ML practice)", family="least-squares",
    ),
    Problem(
        name="scalar coefficient, ratio", loss="lam / (1 + mu) * norm(X @ W - Y)**2", wrt="W",
        where="X: m x n; W: n x k; Y: m x k; lam, mu: scalar",
        dims={"m": 10000, "n": 100, "k": 10},
        best="2 * lam / (1 + mu) * X.T @ (X @ W - Y)", best_size=16,
        source="least squares with a scalar coefficient expression (ML practice)", family="least-squares",
    ),
    # --- ML practice ---------------------------------------------------------------------------
    Problem(
        name="Tikhonov, matrix", loss="norm(A @ X - B)**2 + lam * norm(L @ X)**2", wrt="X",
        where="A: m x n; X: n x k; B: m x k; L: p x n; lam: scalar",
        dims={"m": 1000, "n": 200, "k": 10, "p": 199},
        best="2 * (A.T @ (A @ X - B) + lam * L.T @ L @ X)", best_size=19,
        source="Tikhonov regularization, multiple right-hand sides", family="least-squares",
    ),
    Problem(
        name="five-term sum",
        loss="norm(X @ W - Y)**2 + norm(Z @ W - V)**2 + lam * norm(W)**2 + mu * tr(W.T @ L @ W) + nu * norm(P @ W)**2",
        wrt="W",
        where="X: m x n; Z: p x n; W: n x k; Y: m x k; V: p x k; L: n x n symmetric; P: q x n; lam, mu, nu: scalar",
        dims={"m": 1000, "p": 500, "n": 100, "k": 10, "q": 99},
        best="2 * (X.T @ (X @ W - Y) + Z.T @ (Z @ W - V) + lam * W + mu * L @ W + nu * P.T @ P @ W)", best_size=38,
        source="multi-source least squares with ridge, graph Laplacian and Tikhonov smoothness regularizers "
        "(ML practice)",
        family="regularized-sum",
    ),
    Problem(
        name="multi-task, task graph", loss="norm(X @ W - Y)**2 + lam * tr(W @ G @ W.T)", wrt="W",
        where="X: m x d; W: d x t; Y: m x t; G: t x t symmetric; lam: scalar",
        dims={"m": 10000, "d": 200, "t": 20},
        best="2 * (X.T @ (X @ W - Y) + lam * W @ G)", best_size=16,
        source="multi-task learning with a task-relationship Laplacian (Evgeniou, Micchelli & Pontil 2005)",
        family="regularized-sum",
    ),
    Problem(
        name="label propagation", loss="norm(Y - F)**2 + mu * tr(F.T @ L @ F)", wrt="F",
        where="F, Y: n x c; L: n x n symmetric; mu: scalar",
        dims={"n": 5000, "c": 10},
        best="2 * (F - Y + mu * L @ F)", best_size=11,
        source="graph Laplacian regularizer: label spreading (Zhou et al. 2004)", family="regularized-sum",
    ),
    Problem(
        name="graph-regularized factorization", loss="norm(X - U @ V.T)**2 + lam * tr(U.T @ L @ U)", wrt="U",
        where="X: m x n; U: m x r; V: n x r; L: m x m symmetric; lam: scalar",
        dims={"m": 2000, "n": 1000, "r": 20},
        best="2 * ((U @ V.T - X) @ V + lam * L @ U)", best_size=16,
        source="graph-regularized matrix factorization (Cai et al. 2011, GNMF without nonnegativity)",
        family="factorization",
    ),
    Problem(
        name="weighted factorization, diagonal", loss="norm(D @ (X - U @ V.T))**2", wrt="U",
        where="D: m x m diagonal; X: m x n; U: m x r; V: n x r",
        dims={"m": 2000, "n": 1000, "r": 20},
        best="2 * D @ D @ (U @ V.T - X) @ V", best_size=14,
        source="row-weighted low-rank approximation (ML practice)", family="factorization",
    ),
    Problem(
        name="rank-one factor", loss="norm(X - u @ v.T)**2", wrt="u", where="X: m x n; u: m; v: n",
        dims={"m": 2000, "n": 1000},
        best="2 * (u @ v.T - X) @ v", best_size=10,
        source="rank-one approximation (power method / deflation, ML practice)", family="factorization",
    ),
    Problem(
        name="symmetric factorization", loss="norm(X @ X.T - K)**2", wrt="X", where="X: n x r; K: n x n symmetric",
        dims={"n": 2000, "r": 20},
        best="4 * (X @ X.T - K) @ X", best_size=10,
        source="symmetric matrix factorization / classical MDS stress (ML practice)", family="factorization",
    ),
    Problem(
        name="linear autoencoder, encoder", loss="norm(X - X @ E @ D)**2", wrt="E",
        where="X: m x n; E: n x k; D: k x n",
        dims={"m": 5000, "n": 500, "k": 20},
        best="2 * X.T @ (X @ E @ D - X) @ D.T", best_size=15,
        source="linear autoencoder, untied weights (Baldi & Hornik 1989)", family="factorization",
    ),
    Problem(
        name="linear autoencoder, decoder", loss="norm(X - X @ E @ D)**2", wrt="D",
        where="X: m x n; E: n x k; D: k x n",
        dims={"m": 5000, "n": 500, "k": 20},
        best="2 * (X @ E).T @ (X @ E @ D - X)", best_size=14,
        source="linear autoencoder, untied weights (Baldi & Hornik 1989)", family="factorization",
    ),
    Problem(
        name="two-layer linear network, first layer", loss="norm(X @ W1 @ W2 - Y)**2", wrt="W1",
        where="X: m x n; W1: n x h; W2: h x k; Y: m x k",
        dims={"m": 5000, "n": 200, "h": 50, "k": 10},
        best="2 * X.T @ (X @ W1 @ W2 - Y) @ W2.T", best_size=15,
        source="deep linear network (Saxe, McClelland & Ganguli 2014)", family="factorization",
    ),
    Problem(
        name="two-layer linear network, second layer", loss="norm(X @ W1 @ W2 - Y)**2", wrt="W2",
        where="X: m x n; W1: n x h; W2: h x k; Y: m x k",
        dims={"m": 5000, "n": 200, "h": 50, "k": 10},
        best="2 * (X @ W1).T @ (X @ W1 @ W2 - Y)", best_size=14,
        source="deep linear network (Saxe, McClelland & Ganguli 2014)", family="factorization",
    ),
    Problem(
        name="orthogonality penalty", loss="norm(W.T @ W - eye(k))**2", wrt="W", where="W: n x k",
        dims={"n": 1000, "k": 50},
        best="4 * W @ (W.T @ W - eye(k))", best_size=11,
        source="soft orthogonality regularizer (ML practice)", family="norm",
    ),
    Problem(
        name="penalized PCA", loss="lam * norm(W.T @ W - eye(k))**2 - tr(W.T @ S @ W)", wrt="W",
        where="W: n x k; S: n x n symmetric; lam: scalar",
        dims={"n": 1000, "k": 20},
        best="4 * lam * W @ (W.T @ W - eye(k)) - 2 * S @ W", best_size=19,
        source="PCA with a soft orthogonality penalty; Matrix Cookbook eq. (108)", family="regularized-sum",
    ),
    Problem(
        name="Sylvester residual", loss="norm(A @ X + X @ B - C)**2", wrt="X",
        where="A: n x n; X: n x k; B: k x k; C: n x k",
        dims={"n": 1000, "k": 100},
        best="2 * ((A @ X + X @ B - C) @ B.T + A.T @ (A @ X + X @ B - C))", best_size=27,
        source="least-squares Sylvester equation AX + XB = C (control / ML practice)", family="least-squares",
    ),
    Problem(
        name="Lyapunov residual", loss="norm(A @ X + X @ A.T + Q)**2", wrt="X",
        where="A: n x n; X: n x n; Q: n x n symmetric",
        dims={"n": 500},
        best="2 * ((A @ X + X @ A.T + Q) @ A + A.T @ (A @ X + X @ A.T + Q))", best_size=28,
        source="least-squares Lyapunov equation AX + XAᵀ + Q = 0 (control)", family="least-squares",
    ),
    # --- symmetric and diagonal variables, and diag (issue 12) ----------------------------------
    Problem(
        name='symmetric weight, trace of an outer product', loss='tr(P @ (X - M) @ (X - M).T) / 4', wrt='P',
        where='P: n x n symmetric; X, M: n x k', dims={'n': 500, 'k': 50},
        best='(X - M) @ (X - M).T / 4', best_size=10,
        source='Matrix Cookbook eq. (100) with a symmetric weight; Mahalanobis metric learning (ML practice)', family="structured",
    ),
    Problem(
        name='bilinear trace in a symmetric S', loss='tr(A @ S @ B)', wrt='S',
        where='S: n x n symmetric; A: k x n; B: n x k', dims={'n': 500, 'k': 50},
        best='(B @ A + (B @ A).T) / 2', best_size=10,
        source='Matrix Cookbook eq. (100), restricted to symmetric S (the symmetric part)', family="structured",
    ),
    Problem(
        name='residual covariance weight', loss='tr((X @ W - Y).T @ (X @ W - Y) @ S)', wrt='S',
        where='S: k x k symmetric; X: m x n; W: n x k; Y: m x k', dims={'m': 10000, 'n': 100, 'k': 10},
        best='(X @ W - Y).T @ (X @ W - Y)', best_size=12,
        source='weighted least squares, gradient in the output precision (ML practice)', family="structured",
    ),
    Problem(
        name='nearest symmetric matrix', loss='norm(X - S)**2', wrt='S',
        where='S: n x n symmetric; X: n x n', dims={'n': 500},
        best='2 * S - X - X.T', best_size=8,
        source='projection onto the symmetric matrices (Frobenius)', family="structured",
    ),
    Problem(
        name='covariance fit', loss='norm(S - X.T @ X)**2', wrt='S',
        where='S: n x n symmetric; X: m x n', dims={'m': 10000, 'n': 200},
        best='2 * (S - X.T @ X)', best_size=8,
        source='covariance matching (ML practice)', family="structured",
    ),
    Problem(
        name='graph smoothness in a symmetric S', loss='tr(X.T @ S @ X)', wrt='S',
        where='S: n x n symmetric; X: n x k', dims={'n': 1000, 'k': 20},
        best='X @ X.T', best_size=4,
        source='Matrix Cookbook eq. (108), gradient in the symmetric weight', family="structured",
    ),
    Problem(
        name='symmetric sandwich', loss='tr(S @ A @ S @ B)', wrt='S',
        where='S, A, B: n x n symmetric', dims={'n': 500},
        best='A @ S @ B + B @ S @ A', best_size=11,
        source='Matrix Cookbook eq. (110) with symmetric matrices', family="structured",
    ),
    Problem(
        name='column scaling fit', loss='norm(Y - X @ D)**2', wrt='D',
        where='D: n x n diagonal; X, Y: m x n', dims={'m': 10000, 'n': 200},
        best='-2 * diag(diag(X.T @ (Y - X @ D)))', best_size=13,
        source='per-feature scaling by least squares (ML practice)', family="structured",
    ),
    Problem(
        name='row scaling fit', loss='norm(D @ X - Y)**2', wrt='D',
        where='D: m x m diagonal; X, Y: m x n', dims={'m': 2000, 'n': 500},
        best='2 * diag(diag((D @ X - Y) @ X.T))', best_size=12,
        source='per-sample weights by least squares (ML practice)', family="structured",
    ),
    Problem(
        name='diagonal preconditioner', loss='tr(D @ A) - 1/2 * norm(D)**2', wrt='D',
        where='D: n x n diagonal; A: n x n', dims={'n': 1000},
        best='diag(diag(A)) - D', best_size=5,
        source='nearest diagonal preconditioner (Jacobi), Frobenius', family="structured",
    ),
    Problem(
        name='row weights as a vector', loss='norm(diag(w) @ X - Y)**2', wrt='w',
        where='w: m; X, Y: m x n', dims={'m': 2000, 'n': 500},
        best='2 * diag((diag(w) @ X - Y) @ X.T)', best_size=12,
        source='per-sample weights as a vector, diag(w) (ML practice)', family="structured",
    ),
    Problem(
        name='trace of a diagonal matrix of a product', loss='tr(W.T @ diag(X @ y))', wrt='X',
        where='W: m x m; X: m x n; y: n', dims={'m': 1000, 'n': 200},
        best='diag(W) @ y.T', best_size=5,
        source='diag of a vector: tr(Wᵀ diag(v)) = diag(W)ᵀ v', family="structured",
    ),
    Problem(
        name='diagonal read out', loss='v.T @ diag(X)', wrt='X',
        where='X: n x n; v: n', dims={'n': 1000},
        best='diag(v)', best_size=2,
        source='diag of a matrix: vᵀ diag(X) = tr(diag(v) X)', family="structured",
    ),
    # --- one loss in two spellings: the flops pick must not depend on which (issue 13) --------------
    Problem(
        name='low-rank fit, factored spelling', loss='norm(X - U @ V.T)**2', wrt='U',
        where='X: m x n; U: m x r; V: n x r', dims={'m': 2000, 'n': 1000, 'r': 10},
        best='2 * (U @ V.T - X) @ V', best_size=10,
        source='matrix factorization; its flops pick distributes: 2 (U(VᵀV) - XV)', family="spelling-pair",
    ),
    Problem(
        name='low-rank fit, expanded spelling', loss='norm(X)**2 - 2 * tr(U.T @ X @ V) + tr(V @ U.T @ U @ V.T)',
        wrt='U', where='X: m x n; U: m x r; V: n x r', dims={'m': 2000, 'n': 1000, 'r': 10},
        best='2 * (U @ V.T - X) @ V', best_size=10,
        source='the same loss expanded (Matrix Cookbook eq. (104), (109))', family="spelling-pair",
    ),
    # --- inverses and determinants (issue 9); spd: symmetric positive definite -----------------------
    Problem(
        name="log-determinant", loss="logdet(X)", wrt="X", where="X: n x n", dims={"n": 500},
        best="inv(X).T", best_size=3, source="Matrix Cookbook eq. (57)", family="log-det",
    ),
    Problem(
        name="log-determinant of an spd matrix", loss="logdet(X)", wrt="X", where="X: n x n spd", dims={"n": 500},
        best="inv(X)", best_size=2, source="Matrix Cookbook eq. (57), the symmetric part", family="log-det",
    ),
    Problem(
        name="determinant", loss="det(X)", wrt="X", where="X: n x n", dims={"n": 500},
        best="det(X) * inv(X).T", best_size=6, source="Matrix Cookbook eq. (49)", family="log-det",
    ),
    Problem(
        name="log-determinant of a regularized Gram matrix", loss="logdet(X.T @ X + eye(n))", wrt="X", where="X: m x n",
        dims={"m": 2000, "n": 100},
        best="2 * (X @ inv(X.T @ X + eye(n)))", best_size=12,
        source="Matrix Cookbook eq. (55) with I added (always invertible); Bayesian linear regression's evidence",
        family="log-det",
    ),
    Problem(
        name="Gaussian negative log-likelihood", loss="logdet(S) + tr(inv(S) @ C)", wrt="S",
        where="S: n x n spd; C: n x n symmetric", dims={"n": 500},
        best="inv(S) - inv(S) @ C @ inv(S)", best_size=10,
        source="Gaussian covariance estimation (maximum likelihood); Matrix Cookbook eq. (57), (61)",
        family="log-det",
    ),
    Problem(
        name="Gaussian negative log-likelihood in the precision", loss="tr(P @ C) - logdet(P)", wrt="P",
        where="P: n x n spd; C: n x n symmetric", dims={"n": 500},
        best="C - inv(P)", best_size=4, source="precision matrix estimation (the graphical lasso's smooth part)",
        family="log-det",
    ),
    Problem(
        name="log-det barrier", loss="tr(C @ X) - lam * logdet(X)", wrt="X",
        where="C: n x n symmetric; X: n x n spd; lam: scalar", dims={"n": 500},
        best="C - lam * inv(X)", best_size=6, source="semidefinite programming, barrier method", family="log-det",
    ),
    Problem(
        name="log-determinant of an inverse", loss="logdet(inv(X))", wrt="X", where="X: n x n spd", dims={"n": 500},
        best="-inv(X)", best_size=3, source="Matrix Cookbook eq. (57) with log|det X⁻¹| = -log|det X|",
        family="log-det",
    ),
    Problem(
        name="log of the determinant", loss="log(det(X))", wrt="X", where="X: n x n spd", dims={"n": 500},
        best="inv(X)", best_size=2, source="Matrix Cookbook eq. (57), spelled as np.log(np.linalg.det(X))",
        family="log-det",
    ),
    Problem(
        name="scaled kernel quadratic form", loss="y.T @ inv(s * K) @ y", wrt="K", where="y: n; K: n x n spd; s: scalar",
        dims={"n": 1000},
        best="-(inv(K) @ y @ (y.T @ inv(K)) / s)", best_size=13,
        source="Gaussian process data fit with a signal scale; Matrix Cookbook eq. (61)", family="inverse",
    ),
    Problem(
        name="generalized least squares", loss="1/2 * logdet(S) + 1/2 * (y - X @ w).T @ inv(S) @ (y - X @ w)",
        wrt="w", where="S: m x m spd; y: m; X: m x n; w: n", dims={"m": 2000, "n": 100},
        best="X.T @ inv(S) @ (X @ w - y)", best_size=11,
        source="Gaussian likelihood with a known covariance (generalized least squares)", family="inverse",
    ),
    Problem(
        name="trace of an inverse product", loss="tr(A @ inv(X) @ B)", wrt="X", where="A: k x n; X: n x n; B: n x k",
        dims={"n": 500, "k": 50},
        best="-(inv(X) @ B @ A @ inv(X)).T", best_size=11, source="Matrix Cookbook eq. (63)", family="inverse",
    ),
    Problem(
        name="inverse quadratic form", loss="x.T @ inv(S) @ x", wrt="x", where="x: n; S: n x n spd", dims={"n": 500},
        best="2 * (inv(S) @ x)", best_size=6, source="Matrix Cookbook eq. (85) with inv(S)", family="inverse",
    ),
    Problem(
        name="inverse quadratic form in the matrix", loss="x.T @ inv(S) @ x", wrt="S", where="x: n; S: n x n spd",
        dims={"n": 500},
        best="-(inv(S) @ x @ (x.T @ inv(S)))", best_size=11, source="Matrix Cookbook eq. (61)", family="inverse",
    ),
    Problem(
        name="fit through an inverse", loss="norm(inv(M) @ A - B)**2", wrt="M", where="M: n x n; A: n x k; B: n x k",
        dims={"n": 500, "k": 20},
        best="-2 * (inv(M).T @ (inv(M) @ A - B) @ (inv(M) @ A).T)", best_size=19,
        source="Matrix Cookbook eq. (59) and the chain rule", family="inverse",
    ),
    # --- Hadamard products and elementwise functions (issue 9); positive: every entry > 0 -------------
    Problem(
        name="masked matrix completion", loss="norm(M * (X - U @ V.T))**2", wrt="U",
        where="M: m x n; X: m x n; U: m x r; V: n x r", dims={"m": 2000, "n": 1000, "r": 20},
        best="2 * (M * M * (U @ V.T - X)) @ V", best_size=14,
        source="matrix completion with an observation mask (Hadamard product); Matrix Cookbook eq. (38)",
        family="hadamard",
    ),
    Problem(
        name="Hadamard least squares", loss="norm(A * X - B)**2", wrt="X", where="A, X, B: m x n",
        dims={"m": 2000, "n": 1000},
        best="2 * (A * (A * X - B))", best_size=9, source="elementwise weights (diagonal scaling of every entry)",
        family="hadamard",
    ),
    Problem(
        name="Poisson regression", loss="sum(exp(X @ w)) - y.T @ X @ w", wrt="w", where="X: m x n; w: n; y: m",
        dims={"m": 10000, "n": 500},
        best="X.T @ (exp(X @ w) - y)", best_size=9,
        source="Poisson regression negative log-likelihood (generalized linear models)", family="elementwise",
    ),
    Problem(
        name="Poisson regression, written with the mean", loss="sum(exp(X @ w) - y * log(exp(X @ w)))", wrt="w",
        where="X: m x n; w: n; y: m", dims={"m": 10000, "n": 500},
        best="X.T @ (exp(X @ w) - y)", best_size=9,
        source="Poisson negative log-likelihood sum(mu - y log mu) with mu = exp(X @ w) written in", family="elementwise",
    ),
    Problem(
        name="smoothed residual norm", loss="sqrt(norm(X @ w - y)**2 + 1)", wrt="w", where="X: m x n; w: n; y: m",
        dims={"m": 10000, "n": 500},
        best="X.T @ (X @ w - y) / sqrt(norm(X @ w - y)**2 + 1)", best_size=20,
        source="a smooth approximation of the residual norm (scalar sqrt)", family="elementwise",
    ),
    Problem(
        name="squared diagonal entries", loss="tr(W * W)", wrt="W", where="W: n x n", dims={"n": 1000},
        best="2 * (eye(n) * W)", best_size=6, source="a penalty on the diagonal entries (trace of a Hadamard product)",
        family="hadamard",
    ),
    Problem(
        name="logistic regression", loss="sum(log(1 + exp(-y * (X @ w))))", wrt="w", where="X: m x n; w: n; y: m",
        dims={"m": 10000, "n": 500},
        best="-(X.T @ (y / (exp(y * (X @ w)) + ones((m, 1)))))", best_size=16,
        source="logistic regression (labels y in {-1, +1}): -X^T (y * sigmoid(-y * (X @ w)))", family="elementwise",
    ),
    Problem(
        name="log-sum-exp", loss="log(sum(exp(X @ w)))", wrt="w", where="X: m x n; w: n",
        dims={"m": 10000, "n": 500},
        best="X.T @ exp(X @ w) / sum(exp(X @ w))", best_size=13, source="the softmax's normalizer", family="elementwise",
    ),
    Problem(
        name="exponential of a bilinear form", loss="sum(exp(A @ X @ B))", wrt="X", where="A: m x k; X: k x p; B: p x n",
        dims={"m": 1000, "k": 50, "p": 50, "n": 1000},
        best="A.T @ exp(A @ X @ B) @ B.T", best_size=12, source="Matrix Cookbook eq. (70)-style chain rule",
        family="elementwise",
    ),
    Problem(
        name="pseudo-Huber", loss="sum(sqrt(X * X + 1))", wrt="X", where="X: m x n", dims={"m": 2000, "n": 1000},
        best="X / sqrt(X * X + ones((m, n)))", best_size=10, source="smooth L1 (pseudo-Huber) penalty",
        family="elementwise",
    ),
    Problem(
        name="square-root fit", loss="1/2 * norm(sqrt(X) - Y)**2", wrt="X", where="X: m x n positive; Y: m x n",
        dims={"m": 2000, "n": 1000},
        best="(sqrt(X) - Y) / sqrt(X) / 2", best_size=9, source="variance-stabilized (Anscombe-style) fit",
        family="elementwise",
    ),
    Problem(
        name="Gaussian kernel", loss="exp(-norm(x - y)**2 / 2)", wrt="x", where="x, y: n", dims={"n": 1000},
        best="exp(-norm(x - y)**2 / 2) * (y - x)", best_size=14, source="RBF kernel k(x, y)",
        family="elementwise",
    ),
    Problem(
        name="entropic transport", loss="sum(P * C) + lam * sum(P * log(P))", wrt="P",
        where="P: m x n positive; C: m x n; lam: scalar", dims={"m": 1000, "n": 1000},
        best="C + lam * (log(P) + ones((m, n)))", best_size=10,
        source="entropy-regularized optimal transport (Sinkhorn's objective)", family="elementwise",
    ),
    Problem(
        name="KL divergence", loss="sum(P * log(P / Q))", wrt="Q", where="P, Q: m x n positive",
        dims={"m": 1000, "n": 1000},
        best="-(P / Q)", best_size=4, source="Kullback-Leibler divergence KL(P || Q)", family="elementwise",
    ),
    Problem(
        name="KL matrix factorization", loss="sum(W @ H - V * log(W @ H))", wrt="W",
        where="W: m x r positive; H: r x n positive; V: m x n positive", dims={"m": 2000, "n": 1000, "r": 20},
        best="(ones((m, n)) - V / (W @ H)) @ H.T", best_size=12,
        source="nonnegative matrix factorization, generalized KL (Lee & Seung 2001)", family="elementwise",
    ),
    # --- outside the loss language -------------------------------------------------------------
    Problem(
        name="softmax regression", loss="-sum(Y * log(softmax(X @ W, axis=1)))", wrt="W",
        where="X: m x n; W: n x k; Y: m x k", dims={"m": 10000, "n": 500, "k": 10},
        best="X.T @ (softmax(X @ W, axis=1) - Y)", best_size=None,
        source="multinomial logistic regression (row-wise softmax: reductions along an axis)",
        supported=False, family="elementwise",
    ),
    Problem(
        name="lasso", loss="norm(X @ w - y)**2 + lam * sum(abs(w))", wrt="w", where="X: m x n; w: n; y: m; lam: scalar",
        dims={"m": 10000, "n": 500},
        best="2 * X.T @ (X @ w - y) + lam * sign(w) (a subgradient)", best_size=None,
        source="L1-regularized least squares (not differentiable at 0)", supported=False, family="elementwise",
    ),
]

SUPPORTED: list[Problem] = [p for p in CORPUS if p.supported]
CORE: list[Problem] = CORPUS[:26]  # the reference and the test losses
UNSUPPORTED: list[Problem] = [p for p in CORPUS if not p.supported]


def problem(name: str) -> Problem:
    """The corpus problem of this name."""
    for p in CORPUS:
        if p.name == name:
            return p
    raise KeyError(name)
