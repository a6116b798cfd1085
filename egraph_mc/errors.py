"""One exception hierarchy: every error a user can cause is an `EgraphMcError`."""

from __future__ import annotations


class EgraphMcError(Exception):
    """Base class of every error egraph_mc raises on purpose."""


class ParseError(EgraphMcError):
    """The loss or the declarations are not valid syntax; the message shows the column."""

    def __init__(self, message: str, source: str = "", col: int | None = None, what: str = "loss"):
        self.source, self.col, self.reason = source, col, message
        if col is not None and source:
            line, caret = _window(source.replace("\n", " "), col)
            message = f"{message} (in the {what}, column {col + 1})\n  {line}\n  {' ' * caret}^"
        super().__init__(message)


WINDOW = 72  # characters of a long source shown around the error column


def _window(line: str, col: int) -> tuple[str, int]:
    """The part of a long line around `col`, cut with '...' at either end, and the caret's place in it."""
    if len(line) <= WINDOW:
        return line, col
    start = max(0, min(col - WINDOW // 2, len(line) - WINDOW))
    end = start + WINDOW
    shown = ("..." if start else "") + line[start:end] + ("..." if end < len(line) else "")
    return shown, col - start + (3 if start else 0)


class UnsupportedSyntaxError(ParseError):
    """Valid Python that the loss language does not accept (calls, subscripts, lambdas, ...)."""


class DeclarationError(ParseError):
    """A malformed `where` declaration: duplicate names, bad dims, unknown properties."""


class UndeclaredSymbolError(EgraphMcError):
    """A name in the loss, or `wrt`, that the `where` declarations do not declare."""


class ShapeError(EgraphMcError):
    """An operation whose operands' shapes do not fit; the message names both shapes."""


class WrtError(EgraphMcError):
    """`wrt` is missing from the loss, or is not a matrix or vector."""


class NotScalarError(EgraphMcError):
    """The loss is not a scalar (nor a 1x1 product)."""


class ArgumentError(EgraphMcError, ValueError):
    """An API argument out of its range (a limit that is not positive, an unknown cost model)."""


class LimitError(EgraphMcError):
    """A limit (time, e-nodes, iterations) was reached before any gradient was read off."""


class ExtractionError(EgraphMcError):
    """No gradient could be read off the saturated e-graph."""


class InternalError(EgraphMcError):
    """An engine failure that is a bug in egraph_mc, never the user's fault."""
