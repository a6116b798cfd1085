"""The benchmark's anchors (bench/anchors.py): SymPy's and tensorgrad's answers, translated and measured."""

from __future__ import annotations

import sys

import pytest

from bench.anchors import STATUSES, AnchorResult, run_sympy, run_tensorgrad, tool_versions

LEAST_SQUARES = ("norm(X @ W - Y)**2", "W", "X: m x n; W: n x k; Y: m x k")
SUM_OF_TRACES = ("tr(X.T @ A @ X) + tr(B @ X)", "X", "X: n x n; A: n x n; B: n x n")


def test_a_missing_tool_is_reported_not_raised(monkeypatch):
    monkeypatch.setitem(sys.modules, "sympy", None)  # makes `import sympy` fail
    monkeypatch.setitem(sys.modules, "tensorgrad", None)
    for run in (run_sympy, run_tensorgrad):
        r = run(*LEAST_SQUARES)
        assert isinstance(r, AnchorResult) and r.status == "not installed"
    assert set(tool_versions()) == {"sympy", "tensorgrad", "torch"}


def test_sympy_least_squares_is_right_and_measured():
    pytest.importorskip("sympy")
    r = run_sympy(*LEAST_SQUARES)
    assert r.status == "ok", r.note
    assert r.correct is True
    assert r.gradient and isinstance(r.size, int) and r.size > 0
    assert r.seconds is not None and r.seconds >= 0
    assert r.raw


def test_sympy_sum_of_traces_is_recorded_whatever_it_is():
    pytest.importorskip("sympy")
    r = run_sympy(*SUM_OF_TRACES)
    assert r.status in STATUSES
    if r.status == "wrong":  # SymPy 1.14 answers 0 here (sympy issue #26585)
        assert r.correct is False and r.gradient is not None
    elif r.status == "ok":
        assert r.correct is True


def test_tensorgrad_least_squares_is_right_and_measured():
    pytest.importorskip("tensorgrad")
    r = run_tensorgrad(*LEAST_SQUARES)
    assert r.status == "ok", r.note
    assert r.correct is True and isinstance(r.size, int)
