"""Scaling: how saturation time and e-graph size grow with the loss, on five generated families.

- sums: a sum of k independent terms, alternately a least-squares norm `norm(A{i} @ X - B{i})**2`
  and a trace quadratic `tr(X.T @ C{i} @ X)`, each with its own matrices, k = 1, 2, 4, ..., 64;
- chain: a product chain of L factors inside a squared norm, `norm(M1 @ ... @ X @ ... @ ML - Y)**2`,
  differentiated with respect to the middle factor X (every factor between its own dims), L = 2..10;
- regularizer: the reference loss with its one-term regularizer `lam/2 * norm(R)**2` grown to k
  terms, alternately `mu{i}/2 * norm(R @ P{i})**2` and `mu{i}/2 * tr(R.T @ G{i} @ R)`;
- mixed: t = 1..20 terms of five kinds (residual norms, trace quadratics, bilinear traces, scaled
  norms), each round of five sharing its symbols: 31 symbols at t = 20;
- repeated: Σ_{i=1..k} ‖Xw - i y‖² written out term by term, k = 1..64: like terms whose
  coefficients differ, over three symbols.

Losses are generated as strings in the loss syntax with their `where` declarations. Each instance
is run `repeats` times under the default limits (median seconds); an instance that hits a limit is
kept with saturated False. The growth is fitted as the slope of log(seconds) and log(e-nodes)
against log(printed loss size), over the saturated instances only (a stopped run's time is the
limit, not its cost), and for the seconds also over the larger half of them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from bench.anchors import TOLERANCE
from bench.timing import median_seconds
from egraph_mc import optimize_gradient
from egraph_mc.render import printed_size

REFERENCE = "1/2 * norm(A.T @ (J + R).T @ (J + R) @ A - D)**2 + lam/2 * norm(R)**2"
REFERENCE_WHERE = "A: n x k; J, R: m x n; D: k x k diagonal; lam: scalar"


def sum_of_terms(k: int) -> tuple[str, str, str]:
    """(loss, wrt, where): k independent norm and trace terms in X."""
    terms, decls = [], ["X: n x p"]
    for i in range(k):
        if i % 2 == 0:
            terms.append(f"norm(A{i} @ X - B{i})**2")
            decls += [f"A{i}: m x n", f"B{i}: m x p"]
        else:
            terms.append(f"tr(X.T @ C{i} @ X)")
            decls.append(f"C{i}: n x n")
    return " + ".join(terms), "X", "; ".join(decls)


def product_chain(length: int) -> tuple[str, str, str]:
    """(loss, wrt, where): norm(M1 @ ... @ ML - Y)**2, wrt the middle factor (named X)."""
    middle = (length + 1) // 2
    names = ["X" if i == middle else f"M{i}" for i in range(1, length + 1)]
    decls = [f"{name}: d{i} x d{i + 1}" for i, name in enumerate(names)]
    decls.append(f"Y: d0 x d{length}")
    return f"norm({' @ '.join(names)} - Y)**2", "X", "; ".join(decls)


def regularized_reference(k: int) -> tuple[str, str, str]:
    """(loss, wrt, where): the reference loss with k regularizer terms (k = 1 is the reference)."""
    terms, decls = [REFERENCE], [REFERENCE_WHERE]
    for i in range(1, k):
        if i % 2 == 1:
            terms.append(f"mu{i}/2 * norm(R @ P{i})**2")
            decls.append(f"P{i}: n x n; mu{i}: scalar")
        else:
            terms.append(f"mu{i}/2 * tr(R.T @ G{i} @ R)")
            decls.append(f"G{i}: m x m symmetric; mu{i}: scalar")
    return " + ".join(terms), "R", "; ".join(decls)


# The terms of `mixed`: each a function of the variable W (n x k) and of symbols of its own, the
# symbols shared between neighbouring terms, as in losses that people write.
_MIXED = (
    ("norm({A} @ W - {B})**2", "{A}: m x n; {B}: m x k"),
    ("{s} * tr(W.T @ {L} @ W)", "{L}: n x n symmetric; {s}: scalar"),
    ("tr({C} @ W @ {D})", "{C}: p x n; {D}: k x p"),
    ("norm({B}.T @ {A} @ W)**2 / 2", "{A}: m x n; {B}: m x k"),
    ("{s} * norm(W @ {E} - {F})**2", "{E}: k x k; {F}: n x k; {s}: scalar"),
)


def mixed_terms(t: int) -> tuple[str, str, str]:
    """(loss, wrt, where): t terms of five kinds, neighbours sharing symbols (t = 20: 30 symbols), wrt W."""
    terms, decls = [], {"W": "n x k"}

    def symbol(key: str, i: int) -> str:
        return f"{key}{i // 5}"  # the five kinds of a round of five terms share their symbols

    for i in range(t):
        template, spec = _MIXED[i % len(_MIXED)]
        keys = {k: symbol(k, i) for k in ("A", "B", "C", "D", "E", "F", "L", "s")}
        terms.append(template.format(**keys))
        for part in spec.format(**keys).split("; "):
            name, shape = part.split(": ")
            decls[name] = shape
    where = "; ".join(f"{name}: {shape}" for name, shape in decls.items())
    return " + ".join(terms), "W", where


def repeated_residual(k: int) -> tuple[str, str, str]:
    """(loss, wrt, where): Σ_{i=1..k} ‖Xw - i y‖², written out term by term (issue 13): like terms
    with different coefficients, over three symbols whatever k."""
    terms = [f"norm(X @ w - {i} * y)**2" if i > 1 else "norm(X @ w - y)**2" for i in range(1, k + 1)]
    return " + ".join(terms), "w", "X: m x n; w: n; y: m"


FAMILIES: dict[str, tuple[str, Callable[[int], tuple[str, str, str]]]] = {
    "sums": ("k (terms)", sum_of_terms),
    "chain": ("L (factors)", product_chain),
    "regularizer": ("k (regularizer terms)", regularized_reference),
    "mixed": ("t (terms; 31 symbols at t = 20)", mixed_terms),
    "repeated": ("k (repeated residual terms)", repeated_residual),
}
FULL = {"sums": [1, 2, 4, 8, 16, 32, 64], "chain": list(range(2, 11)), "regularizer": [1, 2, 4, 8, 16, 32, 64],
        "mixed": [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20], "repeated": [1, 2, 4, 8, 16, 32, 64]}
QUICK = {"sums": [1, 2, 4, 8], "chain": [2, 3, 4, 5], "regularizer": [1, 2, 4], "mixed": [1, 2, 4], "repeated": [1, 2, 4]}


def measure(loss: str, wrt: str, where: str, repeats: int) -> dict:
    row = {"loss_size": printed_size(loss)}

    def call():
        with warnings.catch_warnings():  # a stopped run warns; the row says saturated False instead
            warnings.simplefilter("ignore")
            return optimize_gradient(loss, wrt, where)

    try:
        seconds, res = median_seconds(call, repeats)
    except Exception as e:  # e.g. LimitError: no gradient before the limit; kept, not hidden
        return row | {"status": "error", "saturated": False, "note": f"{type(e).__name__}: {e}"[:300]}
    err = res.verify(trials=1)
    return row | {
        "status": "ok" if err < TOLERANCE else "wrong",
        "correct": bool(err < TOLERANCE),
        "seconds": seconds,
        "enodes": res.stats.enodes,
        "iterations": res.stats.iterations,
        "saturated": res.stats.saturated,
        "stopped_by": res.stats.stopped_by,
        "gradient_size": res.cost,
    }


def loglog_slope(xs: list[float], ys: list[float]) -> float | None:
    """Slope of log y against log x (y ~ x^slope); None with fewer than two distinct points."""
    if len(set(xs)) < 2:
        return None
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def fit(rows: list[dict]) -> dict:
    ok = sorted((r for r in rows if r.get("saturated")), key=lambda r: r["loss_size"])
    upper = ok[len(ok) // 2:]  # the larger half: less of the fixed per-call cost in the times
    return {
        "points": len(ok),
        "stopped": len(rows) - len(ok),
        "seconds_slope": loglog_slope([r["loss_size"] for r in ok], [r["seconds"] for r in ok]),
        "seconds_slope_upper": loglog_slope([r["loss_size"] for r in upper], [r["seconds"] for r in upper]),
        "enodes_slope": loglog_slope([r["loss_size"] for r in ok], [r["enodes"] for r in ok]),
    }


def run_scaling(ranges: dict[str, list[int]] = FULL, repeats: int = 3,
                progress: Callable[[str, str, int, int], None] | None = None) -> dict:
    """{family: {"parameter", "rows", "fit"}} for every family in `ranges`."""
    out = {}
    for family, params in ranges.items():
        label, make = FAMILIES[family]
        rows = []
        for i, n in enumerate(params, 1):
            if progress:
                progress("scaling", f"{family} {n}", i, len(params))
            loss, wrt, where = make(n)
            rows.append({"n": n, "loss": loss, "wrt": wrt, "where": where, **measure(loss, wrt, where, repeats)})
        out[family] = {"parameter": label, "rows": rows, "fit": fit(rows)}
    return out
