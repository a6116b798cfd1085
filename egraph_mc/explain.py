"""Results that explain themselves: the derivation a person would write, and notebook displays.

`explain(result)` gives, for a `GradientResult`: the loss; its differential dL, linear in dX (each
operation's differential, `differentiate.differential`); the read-off dL = tr(Gᵀ dX) with G the
plain gradient (each operation's differential transposed, `differentiate.gradient`); the gradient
the rules extracted; and the laws that took the one to the other, with their match counts and
statements, by family. egglog 13.2 records no step-by-step proof in this setup, so the laws are
those that fired during the run (a law that fired may not be on the path to the extracted form);
the counts come from a second run of the same job with match counting on, cached in the result
(egglog does not promise the same counts from run to run: they may differ a little).

`latex(result)` and `html(result)` render the loss, the gradient and the run's stats for Jupyter.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Mapping

from egraph_mc import differentiate, score, worker
from egraph_mc.api import LAWS  # api imports this module only inside GradientResult's methods
from egraph_mc.declare import Declarations
from egraph_mc.egraph import Limits, RunStats
from egraph_mc.errors import LimitError
from egraph_mc.render import to_latex, to_text
from egraph_mc.rules import FAMILIES, all_laws
from egraph_mc.shapes import make
from egraph_mc.term import Term

INDENT = "    "
SUMMARIZED = ("analysis",)  # bookkeeping families (shapes, dependence): one line, not law by law


class Explanation(str):
    """The explanation's text; shown as itself (not quoted) at the prompt."""

    def __repr__(self) -> str:
        return str(self)


def explain(result) -> Explanation:
    """The derivation of `result` (a GradientResult), as text; see the module docstring."""
    wrt, decls = result.wrt, result.declarations
    dx = differential_leaf(wrt, decls)
    dl = differentiate.differential(result.loss, wrt, dx)
    plain = differentiate.gradient(result.loss, wrt, decls.symbols[wrt].shape)
    d = dx.attr
    lines = [
        f"L = {to_text(result.loss)}",
        f"{INDENT}where {where_text(decls)}",
        "",
        f"1. The differential, each operation's differential with {d} = d({wrt}):",
        f"{INDENT}dL = {to_text(dl) if dl is not None else '0'}",
        f"2. Read off dL = tr(Gᵀ {d}), transposing each operation of dL:",
        f"{INDENT}G = {to_text(plain)}    (size {score.size(plain)})",
        f"3. The rules derive G in one e-graph (loss, differential and read-off together) and rewrite it to "
        f"saturation; the {result.cost_model} cost model picks:",
        f"{INDENT}grad_{wrt} L = {str(result).replace(chr(10), '; ')}    (size {score.size(result.gradient)})",
    ]
    if "note" in result.extra:
        lines.append(f"{INDENT}({result.extra['note']})")
    if decls.symbols[wrt].symmetric:
        lines.append(f"{INDENT}({wrt} is {'diagonal' if decls.symbols[wrt].diagonal else 'symmetric'}: "
                     "this is the symmetric part (G + Gᵀ)/2 of the general gradient, with "
                     f"{wrt}ᵀ = {wrt} used in it)")
    lines += ["", *laws_section(fired_laws(result)), "", f"Run: {result.stats}"]
    return Explanation("\n".join(lines))


def differential_leaf(wrt: str, decls: Declarations) -> Term:
    """A leaf printed dX for d(X), named so that no declared symbol prints the same."""
    name = next(n for n in (f"d{wrt}", f"d_{wrt}", f"delta_{wrt}") if n not in decls.symbols)
    return make("var", attr=name, shape=decls.symbols[wrt].shape)


def where_text(decls: Declarations) -> str:
    """The declarations as a `where` string."""
    parts = []
    for name, sym in decls.symbols.items():
        if sym.shape is None:
            parts.append(f"{name}: scalar")
            continue
        rows, cols = sym.shape
        shape = rows if cols == "1" else f"{rows} x {cols}"
        prop = " diagonal" if sym.diagonal else " spd" if sym.spd else " symmetric" if sym.symmetric else ""
        prop += " positive" if sym.positive else ""
        parts.append(f"{name}: {shape}{prop}")
    return "; ".join(parts)


def fired_laws(result) -> dict[str, int] | None:
    """Matches per law that fired in the result's run (counted by running the same job again, once, with match
    counting on); None when that run was stopped before it ended."""
    if "law_matches" not in result.extra:
        job = worker.Job(term=result.loss, wrt=result.wrt, decls=result.declarations, limits=_limits(result.stats),
                         models=[], dims=dict(result.dims), laws=LAWS, want_matches=True)
        try:
            outcome = worker.run(job)
        except LimitError:
            outcome = None
        fired = None if outcome is None else {name: n for name, n in (outcome.law_matches or {}).items() if n}
        result.extra["law_matches"] = fired
    return result.extra["law_matches"]


def _limits(stats: RunStats) -> Limits:
    """The original run's extent: the default limits, or as many iterations as it ran when it stopped early."""
    if stats.saturated or stats.iterations == 0:
        return Limits()
    return Limits(iterations=stats.iterations)


def laws_section(matches: Mapping[str, int] | None) -> list[str]:
    """The laws that fired, by family, most matches first, each with its statement."""
    head = "4. The laws that fired (egglog 13.2 gives no step-by-step proof: these matched during the run):"
    if matches is None:
        return [head, f"{INDENT}(not known: counting them took longer than the limits)"]
    laws = {law.name: law for law in all_laws()}
    lines = [head]
    for family in FAMILIES:
        fired = sorted(((n, name) for name, n in matches.items() if n and laws[name].family == family.name),
                       reverse=True)
        if not fired:
            continue
        total = sum(n for n, _ in fired)
        if family.name in SUMMARIZED:
            lines.append(f"{INDENT}{family.name}: {len(fired)} laws, {total} matches (shapes, dependence on "
                         f"the variable: bookkeeping the other laws read)")
            continue
        lines.append(f"{INDENT}{family.name} ({total} matches):")
        lines += [f"{INDENT * 2}{name} x{n}: {_first_line(laws[name].doc)}" for n, name in fired]
    return lines


def _first_line(doc: str) -> str:
    return doc.splitlines()[0] if doc else ""


# --- notebook displays ------------------------------------------------------------------------------


def latex(result) -> str:
    """The loss, the gradient and the run's stats, as one LaTeX block (`_repr_latex_`)."""
    x = to_latex(make("var", attr=result.wrt, shape=result.declarations.symbols[result.wrt].shape))
    return (r"$\begin{aligned} L &= " + to_latex(result.loss) + r" \\ \nabla_{" + x + "} L &= " + result.latex()
            + r" \\ & \text{" + _latex_text(f"{result.cost_model} {result.cost:g}; {result.stats}") + r"}"
            + r"\end{aligned}$")


def html(result) -> str:
    """A small table of the loss, the gradient (LaTeX and text) and the stats (`_repr_html_`)."""
    def row(head: str, body: str) -> str:
        return f"<tr><th style='text-align:left'>{head}</th><td style='text-align:left'>{body}</td></tr>"

    x = html_lib.escape(result.wrt)
    rows = [
        row("loss", f"$${html_lib.escape(to_latex(result.loss))}$$"),
        row(f"gradient w.r.t. {x}", f"$${html_lib.escape(result.latex())}$$"),
        row("as numpy", f"<code>{html_lib.escape(str(result)).replace(chr(10), '<br>')}</code>"),
        row("stats", html_lib.escape(f"{result.cost_model} {result.cost:g}; {result.stats}")),
    ]
    return "<table class='egraph-mc'>" + "".join(rows) + "</table>"


def _latex_text(s: str) -> str:
    """Plain text safe inside \\text{...}."""
    for ch in "\\{}":
        s = s.replace(ch, "")
    for ch in "_%#&$":
        s = s.replace(ch, "\\" + ch)
    return s


__all__ = ["Explanation", "explain", "html", "latex"]
