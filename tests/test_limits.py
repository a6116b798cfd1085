"""Limits: a loss that cannot saturate returns in time with a correct gradient, always.

These losses grow without end under associativity (powers of one matrix have many equal
factorings), so every run here is stopped by a limit; when no gradient was read off before it, the
answer is the plain gradient, simplified within a quarter of the limit. The bound checked is the
promise of `optimize_gradient`: the time limit plus its margin (a quarter of it, at least a
second), the fallback's budget and its margin, plus slack for extraction on a loaded machine. It is
a guard against hangs, not a speed test.
"""

from __future__ import annotations

import time
import warnings

import pytest

from egraph_mc import optimize_gradient
from egraph_mc.egraph import Limits

WHERE = "X, Y, A, B: n x n"
SLACK = 5.0  # seconds for extraction and inter-process messages; a hang would exceed any slack


def chain(k: int) -> str:
    return " @ ".join(["X"] * k)


CASES = [
    ("long chain, default limits", f"norm({chain(7)} - Y)**2", {}),
    ("very long chain, hard stop mid-iteration", f"norm({chain(20)} - Y)**2", {"time_limit": 2}),
    ("sum of long chains", f"norm({chain(4)} - A)**2 + norm({chain(5)} - B)**2 + tr({chain(6)})", {"time_limit": 3}),
    ("nested norms", f"norm(norm({chain(5)})**2 * {chain(4)} - Y)**2", {"time_limit": 3}),
    ("e-node limit", f"norm({chain(6)} - Y)**2", {"node_limit": 8000}),
    ("e-node limit before any gradient", f"norm({chain(7)} - Y)**2", {"node_limit": 5000}),
]


@pytest.fixture(scope="module", autouse=True)
def warm_worker():
    optimize_gradient("norm(X)**2", "X", WHERE)  # start the worker outside the timed calls


@pytest.mark.parametrize(("name", "loss", "limits"), CASES, ids=[c[0] for c in CASES])
def test_unsaturable_loss_returns_within_the_limit(name, loss, limits):
    seconds = limits.get("time_limit", Limits.seconds)
    start = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = optimize_gradient(loss, "X", WHERE, **limits)
    elapsed = time.monotonic() - start
    assert not result.stats.saturated and result.stats.stopped_by in ("seconds", "enodes")
    assert any("limit" in str(w.message) for w in caught), "a stopped run must warn"
    assert result.verify() < 1e-6
    fallback = max(1.0, 0.25 * seconds)
    assert elapsed < seconds + max(1.0, 0.25 * seconds) + fallback + max(1.0, 0.25 * fallback) + SLACK, \
        f"{name} took {elapsed:.1f}s"


def test_limits_are_validated():
    with pytest.raises(ValueError, match="time_limit"):
        optimize_gradient("norm(X)**2", "X", WHERE, time_limit=0)
    with pytest.raises(ValueError, match="node_limit"):
        optimize_gradient("norm(X)**2", "X", WHERE, node_limit=-5)


@pytest.mark.parametrize("bad", [{"time_limit": float("inf")}, {"time_limit": float("nan")}, {"memory_gb": 0},
                                 {"iteration_limit": 2.5}, {"node_limit": "many"}, {"time_limit": True}])
def test_limits_must_be_positive_finite_numbers(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        optimize_gradient("norm(X)**2", "X", WHERE, **bad)
