"""Bad input gets a clear error naming the problem and where it is; never a raw traceback."""

from __future__ import annotations

import pytest

from egraph_mc import (
    DeclarationError,
    EgraphMcError,
    NotScalarError,
    ParseError,
    ShapeError,
    UndeclaredSymbolError,
    UnsupportedSyntaxError,
    WrtError,
    optimize_gradient,
)

WHERE = "A: n x k; X, Y: m x n; B: m x m; lam: scalar; x: n"


def err(loss, wrt="X", where=WHERE):
    with pytest.raises(EgraphMcError) as info:
        optimize_gradient(loss, wrt, where)
    return info.value


@pytest.mark.parametrize(
    ("loss", "cls", "words"),
    [
        ("norm(X @ A - ", ParseError, ["syntax error", "column"]),
        ("norm(X + Z)**2", UndeclaredSymbolError, ["undeclared symbol 'Z'", "column 10"]),
        ("norm(X @ X)**2", ShapeError, ["'@'", "m x n", "inner dims"]),
        ("norm(X + A)**2", ShapeError, ["'+'", "mxn", "nxk"]),
        ("tr(X)", ShapeError, ["tr()", "square", "mxn"]),
        ("norm(X * A)**2", ShapeError, ["shape mismatch in '*'", "m x n * n x k"]),
        ("norm(X / A)**2", ShapeError, ["shape mismatch in '/'", "m x n / n x k"]),
        ("norm(X ** 0.5)", UnsupportedSyntaxError, ["integer", "sqrt(X)"]),
        ("X @ A", NotScalarError, ["must be a scalar", "mxk"]),
        ("norm(X)**lam", UnsupportedSyntaxError, ["integer literals"]),
        ("norm(X)**1000", ParseError, ["too large"]),
        ("expm(B)", UnsupportedSyntaxError, ["unknown function 'expm'"]),
        ("norm(X.shape)", UnsupportedSyntaxError, [".shape", "only .T"]),
        ("norm(X[0])", UnsupportedSyntaxError, ["subscripts"]),
        ("norm(X, ord=2)", UnsupportedSyntaxError, ["takes no keyword"]),
        ("(lambda: 1)()", UnsupportedSyntaxError, ["unsupported call", "tr(X), norm(X)"]),
        ("sum([x for x in X])", UnsupportedSyntaxError, ["comprehensions"]),
        ("__import__('os').system('true')", UnsupportedSyntaxError, ["unsupported call"]),
        ("np.max(X)", UnsupportedSyntaxError, ["unsupported numpy function np.max()", "accepted", "np.trace"]),
        ("sum(X, axis=1)", UnsupportedSyntaxError, ["along an axis"]),
        ("X.foo()", UnsupportedSyntaxError, [".foo() is no accepted method", ".dot()"]),
        ("np.linalg.norm(X, 2)", UnsupportedSyntaxError, ["exactly one argument", "Frobenius"]),
        ("scipy.trace(X.T @ X)", UnsupportedSyntaxError, ["unsupported module 'scipy'"]),
        ("np.trace(X)", ShapeError, ["square", "mxn"]),
        ("", ParseError, ["empty"]),
        ("tr(B) if lam else tr(B)", UnsupportedSyntaxError, ["conditional"]),
        ("norm(X) > 1", UnsupportedSyntaxError, ["comparisons"]),
        ("'X'", UnsupportedSyntaxError, ["unsupported constant"]),
        ("tr(B) / 0", ParseError, ["division by zero"]),
    ],
)
def test_bad_loss(loss, cls, words):
    e = err(loss)
    assert isinstance(e, cls), f"{type(e).__name__}: {e}"
    for w in words:  # spaces aside: "m x n" and "mxn" both name the shape
        assert w.replace(" ", "") in str(e).replace(" ", ""), f"{w!r} not in: {e}"


def test_a_long_loss_is_cut_around_the_caret():
    loss = " + ".join(f"norm(X - {i} * Y)**2" for i in range(1, 200)) + " + norm(X @ Y)**2"
    e = err(loss)
    assert isinstance(e, ShapeError) or isinstance(e, ParseError), e
    *_, line, caret = str(e).splitlines()
    assert len(line) < 100 and line.strip().startswith("...")
    at = caret.index("^")
    assert "X @ Y" in line[at - 2 : at + 5]  # the caret still points at the product in the cut line


def test_syntax_error_shows_a_caret_under_the_column():
    e = err("norm(X @ A +* Y)")
    lines = str(e).splitlines()
    assert lines[-1].strip() == "^"
    assert lines[-1].index("^") - 2 == e.col  # two spaces of indent


@pytest.mark.parametrize(
    ("wrt", "cls", "words"),
    [("lam", WrtError, ["scalar"]), ("Y", WrtError, ["does not occur"]), ("Q", UndeclaredSymbolError, ["not declared"])],
)
def test_bad_wrt(wrt, cls, words):
    e = err("norm(X @ A)**2 + lam", wrt=wrt)
    assert isinstance(e, cls)
    for w in words:
        assert w in str(e)


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("X: m x n; X: n", ["declared twice", "column"]),
        ("X: m x", ["expected a dimension"]),
        ("X: 0 x n", ["must be positive"]),
        ("X: m x n x k", ["at most two dims"]),
        ("X: m x n symmetric", ["needs a square shape"]),
        ("X: n x n orthogonal", ["unknown property 'orthogonal'"]),
        ("X m x n", ["expected 'names: shape'"]),
        ("", ["no symbols declared"]),
        ("X: scalar symmetric", ["scalar takes no shape"]),
        ("tr: n", ["reserved"]),
        ("X: n @ n", ["unexpected character"]),
        ("X: mxn", ["did you mean 'm x n'?", "column 4"]),
        ("np: n", ["reserved"]),
        ("X: 3xn", ["did you mean '3 x n'?"]),
    ],
)
def test_bad_declarations(where, words):
    with pytest.raises(DeclarationError) as info:
        optimize_gradient("tr(X)", "X", where)
    for w in words:
        assert w in str(info.value), str(info.value)


def test_non_string_inputs():
    with pytest.raises(ParseError):
        optimize_gradient(42, "X", WHERE)
    with pytest.raises(DeclarationError):
        optimize_gradient("tr(B)", "X", None)


def test_deep_nesting_is_a_clear_error():
    with pytest.raises(ParseError) as info:
        optimize_gradient("(" * 500 + "lam" + ")" * 500, "X", WHERE)
    assert "nested" in str(info.value) or "too" in str(info.value)
