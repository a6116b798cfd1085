"""Every use of egglog beyond its documented Python API, in one place (egglog 13.2).

An egglog upgrade changes this module and nothing else. It covers: compiling a schedule to an
egglog command once and running it again and again (the public `EGraph.run` re-adds the
declarations and decodes a per-rule report each time, ~4 ms an iteration); counting table rows;
serializing the e-graph with the operations named as in `ops.OPS`; telling which constructor an
extracted expression calls; the rules a ruleset declares and how often each matched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from egglog import EGraph, Ruleset, bindings
from egglog.bindings import EggSmolError
from egglog.deconstruct import get_callable_args, get_callable_fn, get_literal_value
from egglog.egraph_state import span

__all__ = [
    "EggSmolError",
    "args_of",
    "call_key",
    "compile_schedule",
    "literal",
    "matches_by_rule",
    "rule_decls",
    "row_counts",
    "run_compiled",
    "serialize",
    "term_rows",
]

_SPAN = span()


def egg_name(egraph: EGraph, constructor: Callable) -> str:
    """egglog's own name of a constructor or function (e.g. egraph_mc_lang_lin)."""
    return egraph._callable_to_egg(constructor)[1]


def compile_schedule(egraph: EGraph, schedule):
    """A schedule as an egglog command, declared in this e-graph once, to run with `run_compiled`."""
    egraph._add_decls(schedule)
    return egraph._state.run_schedule_to_egg(schedule.schedule)


def run_compiled(egraph: EGraph, command, matches: dict[str, int] | None = None) -> bool:
    """Run a compiled schedule; whether anything changed. Given `matches`, add the run's match
    counts per rule name to it (decoding the report costs a little every iteration)."""
    (out,) = egraph._egraph.run_program(command)
    report = out.report
    if matches is not None:
        for name, n in report.num_matches_per_rule.items():
            if n:
                matches[name] = matches.get(name, 0) + n
    return bool(report.updated)


def row_counts(egraph: EGraph) -> dict[str, int]:
    """Rows of every table, from egglog's size report (cheap enough to call every iteration)."""
    (out,) = egraph._egraph.run_program(bindings.PrintSize(_SPAN, None))
    return dict(out.sizes)


def term_rows(egraph: EGraph, sorts: tuple[str, ...]) -> tuple[int, int]:
    """(e-nodes, e-classes) of the given sorts, read off a frozen copy of the tables."""
    frozen = egraph._egraph.freeze()
    nodes, classes = 0, set()
    for fn in frozen.functions.values():
        if fn.is_let_binding or fn.output_sort not in sorts:
            continue
        nodes += len(fn.rows)
        classes.update((fn.output_sort, row.output) for row in fn.rows)
    return nodes, len(classes)


_OP_NAMES = "_egraph_mc_op_names"  # the attribute caching (declarations, op names) on an e-graph


def serialize(egraph: EGraph, names: dict[Callable, str]) -> dict:
    """The e-graph as egglog serializes it (nodes, class_data), every op named: the given
    constructors by the given names, all else by egglog's Python name ("rows", "Mat.dvar", ...)."""
    serialized = egraph._egraph.serialize([])
    serialized.split_classes(egraph._egraph, set())
    # Cached per e-graph (held by the e-graph itself: an id() key is reused once the e-graph is
    # collected) and per number of declarations, which only grow.
    count = len(egraph._state.egg_fn_to_callable_refs)
    cached = getattr(egraph, _OP_NAMES, None)
    if cached is None or cached[0] != count:
        mapping = egraph._state.op_mapping()
        mapping.update({egg_name(egraph, fn): name for fn, name in names.items()})
        cached = (count, mapping)
        object.__setattr__(egraph, _OP_NAMES, cached)
    serialized.map_ops(cached[1])
    return json.loads(serialized.to_json())


def call_key(expr) -> object:
    """A hashable identity of the constructor an egglog expression calls (None for a literal)."""
    fn = get_callable_fn(expr)
    if fn is None:
        return None
    try:
        return fn.__egg_ref__
    except AttributeError:
        return ("init", fn.__egg_tp__.ident)


def callable_of(expr):
    """The constructor an egglog expression calls."""
    return get_callable_fn(expr)


def args_of(expr) -> tuple:
    return tuple(get_callable_args(expr))


def literal(expr):
    return get_literal_value(expr)


def rule_decls(rulesets: Iterable[Ruleset]) -> set:
    """The rule declarations of rulesets (to read their match counts in a run report)."""
    out = set()
    for rs in rulesets:
        rs.__egg_decls__  # materialize the deferred rules
        out |= set(rs.__egg_ruleset__.rules)
    return out


def matches_by_rule(egraph: EGraph, counts: dict[str, int]) -> dict[object, int]:
    """A run report's match counts keyed by rule declaration (see `rule_decls`), not egglog's name."""
    decls = egraph._state.rule_name_to_command_decl
    out: dict[object, int] = {}
    for name, n in counts.items():
        decl = decls.get(name)
        if decl is not None:
            out[decl] = out.get(decl, 0) + n
    return out
