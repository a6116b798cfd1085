"""The command line: `check` (a verdict and an exit code) and `grad --explain`."""

from __future__ import annotations

from egraph_mc.cli import main

LS = ("norm(X @ W - Y)**2", "--wrt", "W", "--where", "X: m x n; W: n x k; Y: m x k")


def check(candidate: str, loss: str = LS[0], rest: tuple = LS[1:]) -> list[str]:
    return ["check", loss, candidate, *rest]


def test_check_proves_a_right_gradient(capsys):
    assert main(check("2 * X.T @ X @ W - 2 * X.T @ Y")) == 0
    out = capsys.readouterr().out
    assert out.startswith("proved: ")
    assert "laws that fired" in out and "finite differences" in out


def test_check_refutes_a_wrong_gradient_and_says_what_is_off(capsys):
    assert main(check("X.T @ (X @ W - Y)")) == 1
    out = capsys.readouterr().out
    assert out.startswith("refuted: ")
    assert "the candidate is 1/2 times the gradient" in out
    assert "the engine's gradient: " in out


def test_check_reports_a_right_gradient_it_cannot_prove(capsys):
    assert main(check("2 * U @ V.T @ V - 2 * X @ V", "norm(X - U @ V.T)**2",
                      ("--wrt", "U", "--where", "X: m x n; U: m x r; V: n x r"))) == 3
    assert capsys.readouterr().out.startswith("not proved, agrees numerically: ")


def test_check_rejects_a_candidate_of_another_shape(capsys):
    assert main(check("X @ W - Y")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "m x k" in err and "n x k" in err and "Traceback" not in err


def test_grad_explain_prints_the_derivation(capsys):
    assert main(["grad", *LS, "--explain"]) == 0
    out = capsys.readouterr().out
    first, rest = out.split("\n", 1)
    assert first.startswith("2 ")  # the gradient first, as without --explain
    for part in ("dL = ", "tr(Gᵀ dW)", "grad_W L = ", "The laws that fired", "readoff"):
        assert part in rest, part
