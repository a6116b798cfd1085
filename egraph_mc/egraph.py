"""The e-graph pipeline: one fresh e-graph per loss, all rule families run together to saturation.

The engine is handed its laws, as a 'module:function' reference (`api.LAWS`: egraph_mc.rules'
`default_laws`), which a worker process can import; it imports no rule module itself.
`saturate` registers the loss, lifts the coefficients written inside its products out of them
(the laws marked `lifts`, on the loss alone: see `rules`), registers grad(d(L)) (the gradient of
the loss's differential, read off inside the e-graph), seeds the analyses from the declarations,
and runs the combined ruleset one iteration at a time so that the time, e-node and iteration limits are checked between iterations (egglog has no
time limit of its own). Stopping at a limit is not an error: the best gradient found so far is
still extracted.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from egglog import EGraph, MultiSet, eq, i64, run, set_, union, unstable_combine_rulesets

from egraph_mc import backend, lang
from egraph_mc.convert import to_egg
from egraph_mc.costs import flops_cost_schedule, size_cost_schedule
from egraph_mc.declare import Declarations
from egraph_mc.extract import ROOT

LOSS = "loss"  # the `let` binding of the loss
EXTRA = "registered_"  # `let` bindings of terms compared with the gradient (`register_terms`)
LIFT_ITERATIONS = 20  # at most: each lifts every coefficient one level up its product
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
    The rewrite step is compiled to an egglog command once (see `backend.compile_schedule`).
    """

    def __init__(self, laws: Sequence) -> None:
        self.laws = list(laws)
        combined = unstable_combine_rulesets(*(law.ruleset() for law in self.laws), name="egraph_mc")
        self.egraph = EGraph()
        self.step = backend.compile_schedule(self.egraph, run(combined))
        lifting = [law.ruleset() for law in self.laws if law.lifts or law.family == "analysis"]
        self.lift = backend.compile_schedule(
            self.egraph, run(unstable_combine_rulesets(*lifting, name="egraph_mc_lift"))) if lifting else None

        self.size_costs = backend.compile_schedule(self.egraph, size_cost_schedule())
        self.flops_costs = backend.compile_schedule(self.egraph, flops_cost_schedule())
        self.matches: dict[str, int] | None = None  # per rule name, when a session collects them

    def rewrite_once(self) -> bool:
        """One iteration of every rule; whether anything changed."""
        return backend.run_compiled(self.egraph, self.step, self.matches)

    def lift_once(self) -> bool:
        """One iteration of the coefficient-lifting laws only; whether anything changed."""
        return self.lift is not None and backend.run_compiled(self.egraph, self.lift, self.matches)

    def law_matches(self) -> dict[str, int]:
        """Matches per law in this scope (a law's rules summed), by law name (see `session`)."""
        by_decl = backend.matches_by_rule(self.egraph, self.matches or {})
        out = {}
        for law in self.laws:
            decls = backend.rule_decls([law.ruleset()])
            out[law.name] = sum(by_decl.get(d, 0) for d in decls)
        return out

    def apply_size_costs(self) -> None:
        """Price every node by its printed size (see `costs`), once the rewriting has stopped."""
        backend.run_compiled(self.egraph, self.size_costs)

    def apply_flops_costs(self) -> None:
        """Price every node by its FLOPs at the seeded dim sizes (see `costs`)."""
        backend.run_compiled(self.egraph, self.flops_costs)


def resolve_laws(ref: str) -> Callable[[], Sequence]:
    """'module:function' -> the function giving the laws."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


_LOCAL = threading.local()


@contextmanager
def session(laws: str, matches: bool = False) -> Iterator[_Template]:
    """A fresh scope on this thread's template e-graph for these laws, dropped afterwards (or
    rebuilt on failure); `matches`: count each law's matches (`law_matches`)."""
    templates = getattr(_LOCAL, "templates", None)
    if templates is None:
        templates = _LOCAL.templates = {}
    template = templates.get(laws)
    if template is None:
        template = templates[laws] = _Template(resolve_laws(laws)())
    template.egraph.push()
    template.matches = {} if matches else None
    try:
        yield template
    except BaseException:
        templates.pop(laws, None)  # egglog may be mid-iteration: never reuse its state
        raise
    template.egraph.pop()


# Term constructors: what counts as an e-node (analysis tables, indexes and costs are left out).
_ANALYSES = {
    f"egraph_mc_lang_{n}"
    for n in ("dep", "sdep", "mtdep", "stdep", "hasd", "shasd", "mthasd", "sthasd", "rows", "cols", "is_sym",
              "mt_in", "st_in", "factor_in", "Dim_named", "Dim_one")
}
_TERM_SORTS = tuple(f"egraph_mc.lang.{c}" for c in ("Mat", "Scalar", "MT", "ST"))


def count_enodes(egraph: EGraph) -> int:
    """Rows of the term tables (cheap enough to call every iteration)."""
    return sum(n for name, n in backend.row_counts(egraph).items()
               if name.startswith("egraph_mc_lang_") and name not in _ANALYSES)


def measure(egraph: EGraph) -> tuple[int, int]:
    """(e-nodes, e-classes) of the term sorts."""
    return backend.term_rows(egraph, _TERM_SORTS)


def seed(egraph: EGraph, names: set[str], wrt: str, decls: Declarations) -> None:
    """Facts the analyses start from: shapes, dependence on `wrt`, symmetry of the named leaves.

    The constants that rules name in their queries are registered too (the scalars 1 and 0, the
    scalar zero term): "s is not 1", "the sum holds no zero term" only match where the constant exists.
    """
    facts = [lang.Scalar.one(), lang.slin(MultiSet[lang.ST]()), lang.ST.zero()]
    for name in sorted(names):
        sym = decls.symbols[name]
        if sym.shape is None:
            facts.append(set_(lang.sdep(lang.Scalar.var(name))).to(0))
            continue
        leaves = [lang.Mat.var(name)] + ([lang.Mat.dvar(name)] if name == wrt else [])
        for leaf in leaves:
            facts += _shape_facts(leaf, sym.shape)
        facts.append(set_(lang.dep(lang.Mat.var(name))).to(1 if name == wrt else 0))
        # A symmetric variable is differentiated as a general matrix (see `egraph_mc.symmetric`).
        symmetric = sym.symmetric and name != wrt
        facts.append(set_(lang.is_sym(lang.Mat.var(name))).to(1 if symmetric else 0))
        if sym.diagonal and name != wrt:  # what a diagonal D is: D = diag(diag(D))
            facts.append(union(lang.Mat.var(name)).with_(lang.diag_matrix(lang.diagonal(lang.Mat.var(name)))))
    egraph.register(*facts)


def _shape_facts(x, shape) -> list:
    rows, cols = (lang.Dim.one() if d == "1" else lang.Dim.named(d) for d in shape)
    return [set_(lang.rows(x)).to(rows), set_(lang.cols(x)).to(cols)]


def seed_gradient(egraph: EGraph, shape, root) -> None:
    """The gradient has the variable's shape (its members may all be subsumed before the shape
    analysis reaches them, and extraction by FLOPs needs it)."""
    egraph.register(*_shape_facts(root, shape))


def register_terms(template: _Template, terms: Sequence[Term], wrt: str, decls: Declarations) -> list:
    """Put terms into the e-graph before a run, their symbols seeded, so that the rules rewrite them
    along with the loss; returns their handles, to compare with the gradient (`same_class`)."""
    if not terms:
        return []
    egraph = template.egraph
    handles = [egraph.let(f"{EXTRA}{i}", to_egg(t)) for i, t in enumerate(terms)]
    seed(egraph, set().union(*(t.symbols() for t in terms)), wrt, decls)
    return handles


def same_class(egraph: EGraph, a, b) -> bool:
    """Whether two registered expressions are in one e-class (egglog's check raises when not)."""
    try:
        egraph.check(eq(a).to(b))
    except backend.EggSmolError:
        return False
    return True


def saturate(template: _Template, loss: Term, wrt: str, decls: Declarations, limits: Limits = Limits(), progress=None):
    """Run every rule together until nothing changes or a limit is reached; returns (root, stats).

    `progress(root, stats, started)` is called after every iteration that does not end the run."""
    stats = RunStats()
    start = time.perf_counter()
    egraph = template.egraph
    loss_expr = egraph.let(LOSS, to_egg(loss))
    seed(egraph, loss.symbols(), wrt, decls)
    # Coefficients written inside products (`mu * z @ x.T @ C`) are lifted out first, by the laws
    # that do it during the run: differentiated as written, every product would be differentiated
    # and reassociated with the coefficient at every place it passes through.
    for _ in range(LIFT_ITERATIONS):
        if not template.lift_once():
            break
    root = egraph.let(ROOT, lang.grad(lang.sD(loss_expr)))
    seed_gradient(egraph, decls.symbols[wrt].shape, root)
    stats.seconds["build"] = time.perf_counter() - start
    _run(template, root, stats, limits, progress)
    return root, stats


def simplify(template: _Template, term: Term, decls: Declarations, limits: Limits = Limits(), progress=None,
             equal: Sequence[Term] = (), expand: bool = False):
    """Run every rule on a term (a gradient found otherwise) until nothing changes or a limit is
    reached; returns (root, stats). No differential is in it: only the algebra applies. `equal`:
    terms known to be equal to it (the same gradient in other forms), put in its e-class.
    `expand`: products also distribute over every sum (`lang.expanding`), for a flops model.
    Symmetric symbols are all seeded as such (none is the variable here): Sᵀ = S may be used."""
    stats = RunStats()
    start = time.perf_counter()
    egraph = template.egraph
    if expand:
        egraph.register(set_(lang.expanding()).to(i64(1)))
    root = egraph.let(ROOT, to_egg(term))
    if equal:
        egraph.register(*(union(root).with_(to_egg(t)) for t in equal))
    seed(egraph, set().union(term.symbols(), *(t.symbols() for t in equal)), "", decls)
    seed_gradient(egraph, term.shape, root)
    stats.seconds["build"] = time.perf_counter() - start
    _run(template, root, stats, limits, progress)
    return root, stats


def _run(template: _Template, root, stats: RunStats, limits: Limits, progress) -> None:
    """Iterate every rule until nothing changes or a limit is reached, recording it in `stats`."""
    egraph = template.egraph
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
