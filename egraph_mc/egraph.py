"""The e-graph pipeline: one fresh e-graph per loss, all rule families run together to saturation.

`saturate` registers grad(d(L)) (the gradient of the loss's differential, read off inside the
e-graph), seeds the analyses from the declarations, and runs the combined ruleset one iteration at
a time so that the time, e-node and iteration limits are checked between iterations (egglog has no
time limit of its own). Stopping at a limit is not an error: the best gradient found so far is
still extracted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from egglog import EGraph, MultiSet, bindings, run, set_, unstable_combine_rulesets
from egglog.egraph_state import span

from egraph_mc import lang
from egraph_mc.convert import to_egg
from egraph_mc.extract import ROOT
from egraph_mc.costs import flops_cost_schedule, size_cost_schedule
from egraph_mc.parse import Declarations
from egraph_mc.term import Term


@dataclass(frozen=True)
class Limits:
    """When to stop rewriting if the e-graph has not saturated (checked between iterations)."""

    seconds: float = 10.0
    enodes: int = 100_000
    iterations: int = 150


@dataclass
class RunStats:
    iterations: int = 0
    enodes: int = 0
    eclasses: int | None = None
    saturated: bool = False
    stopped_by: str | None = None  # "seconds", "enodes" or "iterations" when not saturated
    seconds: dict[str, float] = field(default_factory=dict)  # per phase: build, rewrite, extract

    def __str__(self) -> str:
        state = "saturated" if self.saturated else f"stopped by the {self.stopped_by} limit"
        phases = ", ".join(f"{k} {v:.3f}s" for k, v in self.seconds.items())
        return f"{state} after {self.iterations} iterations, {self.enodes} e-nodes, {self.eclasses} e-classes ({phases})"


class _Template:
    """An e-graph holding only the declarations and the rules; each loss works in a pushed scope.

    Declaring ~60 rules into a new e-graph costs more than saturating a small loss, so every call
    pushes a scope on this template and pops it afterwards: no term, fact or cost outlives a call.
    The rewrite step is compiled to an egglog command once (egglog 13.2's public `run` re-adds the
    declarations and decodes a per-rule report on every call, ~4 ms an iteration).
    """

    def __init__(self) -> None:
        from rulesets import all_laws

        combined = unstable_combine_rulesets(*(law.ruleset() for law in all_laws()), name="egraph_mc")
        self.egraph = EGraph()
        self.step = self._compile(run(combined))
        self.size_costs = self._compile(size_cost_schedule())
        self.flops_costs = self._compile(flops_cost_schedule())

    def _compile(self, schedule):
        self.egraph._add_decls(schedule)
        return self.egraph._state.run_schedule_to_egg(schedule.schedule)

    def rewrite_once(self) -> bool:
        """One iteration of every rule; whether anything changed."""
        (out,) = self.egraph._egraph.run_program(self.step)
        return bool(out.report.updated)

    def apply_size_costs(self) -> None:
        """Price every node by its printed size (see `costs`), once the rewriting has stopped."""
        self.egraph._egraph.run_program(self.size_costs)

    def apply_flops_costs(self) -> None:
        """Price every node by its FLOPs at the seeded `dim_size`s (see `costs`)."""
        self.egraph._egraph.run_program(self.flops_costs)


_LOCAL = threading.local()
_SPAN = span()


@contextmanager
def session() -> Iterator[_Template]:
    """A fresh scope on this thread's template e-graph, dropped afterwards (or rebuilt on failure)."""
    template = getattr(_LOCAL, "template", None)
    if template is None:
        template = _LOCAL.template = _Template()
    template.egraph.push()
    try:
        yield template
    except BaseException:
        _LOCAL.template = None  # egglog may be mid-iteration: never reuse its state
        raise
    template.egraph.pop()


# Term constructors: what counts as an e-node (analysis tables, indexes and costs are left out).
_ANALYSES = {
    f"egraph_mc_lang_{n}"
    for n in ("dep", "sdep", "mtdep", "stdep", "hasd", "shasd", "mthasd", "sthasd", "rows", "cols", "is_sym",
              "mt_in", "st_in", "factor_in", "Dim_named", "Dim_one")
}


def count_enodes(egraph: EGraph) -> int:
    """Rows of the term tables, from egglog's size report (cheap enough to call every iteration)."""
    (out,) = egraph._egraph.run_program(bindings.PrintSize(_SPAN, None))
    return sum(n for name, n in out.sizes if name.startswith("egraph_mc_lang_") and name not in _ANALYSES)


_TERM_SORTS = tuple(f"egraph_mc.lang.{c}" for c in ("Mat", "Scalar", "MT", "ST"))


def measure(egraph: EGraph) -> tuple[int, int]:
    """(e-nodes, e-classes) of the term sorts, read off a frozen copy of the tables."""
    frozen = egraph._egraph.freeze()
    nodes, classes = 0, set()
    for fn in frozen.functions.values():
        if fn.is_let_binding or fn.output_sort not in _TERM_SORTS:
            continue
        nodes += len(fn.rows)
        classes.update((fn.output_sort, row.output) for row in fn.rows)
    return nodes, len(classes)


def seed(egraph: EGraph, names: set[str], wrt: str, decls: Declarations, gradient_root_expr=None) -> None:
    """Facts the analyses start from: shapes, dependence on `wrt`, symmetry of the named leaves.

    The constants that rules name in their queries are registered too (the scalars 1 and 0, the
    zero term): "s is not 1", "the sum holds no zero term" only match where the constant exists.
    """
    facts = [lang.Scalar.one(), lang.slin(MultiSet[lang.ST]()), lang.MT.zero(), lang.ST.zero()]
    for name in sorted(names):
        sym = decls.symbols[name]
        if sym.shape is None:
            facts.append(set_(lang.sdep(lang.Scalar.var(name))).to(0))
            continue
        leaves = [lang.Mat.var(name)] + ([lang.Mat.dvar(name)] if name == wrt else [])
        if name == wrt and gradient_root_expr is not None:
            # the gradient has the variable's shape (its members may all be subsumed before the
            # shape analysis reaches them, and extraction by FLOPs needs it)
            leaves.append(gradient_root_expr)
        rows, cols = (lang.Dim.one() if d == "1" else lang.Dim.named(d) for d in sym.shape)
        for leaf in leaves:
            facts += [set_(lang.rows(leaf)).to(rows), set_(lang.cols(leaf)).to(cols)]
        facts.append(set_(lang.dep(lang.Mat.var(name))).to(1 if name == wrt else 0))
        # A symmetric variable is differentiated as a general matrix (see `egraph_mc.symmetric`).
        symmetric = sym.symmetric and name != wrt
        facts.append(set_(lang.is_sym(lang.Mat.var(name))).to(1 if symmetric else 0))
    egraph.register(*facts)


def gradient_root(loss: Term, wrt: str):
    """grad(d L): the e-class where the read-off gradient appears (for a symmetric variable, the
    gradient of the loss as written for a general matrix: see `egraph_mc.symmetric`)."""
    return lang.grad(lang.sD(to_egg(loss)))


def saturate(template: _Template, loss: Term, wrt: str, decls: Declarations, limits: Limits = Limits(), progress=None):
    """Run every rule together until nothing changes or a limit is reached; returns (root, stats).

    `progress(root, stats, started)` is called after every iteration that does not end the run."""
    stats = RunStats()
    start = time.perf_counter()
    egraph = template.egraph
    root = egraph.let(ROOT, gradient_root(loss, wrt))
    seed(egraph, loss.symbols(), wrt, decls, root)
    stats.seconds["build"] = time.perf_counter() - start
    start = time.perf_counter()
    while True:
        before = time.perf_counter()
        updated = template.rewrite_once()
        stats.iterations += 1
        # Counting e-nodes costs about as much as a small iteration: count when iterations get
        # slow (that is when the e-graph grows), and at least every eighth.
        if time.perf_counter() - before > 0.005 or stats.iterations % 8 == 0 or not updated:
            stats.enodes = count_enodes(egraph)
        if not updated:
            stats.saturated = True
            break
        elapsed = time.perf_counter() - start
        for name, used, limit in (
            ("seconds", elapsed, limits.seconds),
            ("enodes", stats.enodes, limits.enodes),
            ("iterations", stats.iterations, limits.iterations),
        ):
            if used >= limit:
                stats.stopped_by = name
                break
        if stats.stopped_by:
            break
        if progress is not None:
            progress(root, stats, start)
    stats.enodes, stats.eclasses = measure(egraph)
    stats.seconds["rewrite"] = time.perf_counter() - start
    return root, stats
