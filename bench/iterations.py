"""Which laws match in each iteration of one saturation run: where the iterations of a run go.

    python -m bench.iterations "LOSS" --wrt X --where "..." [--top 6]
    python -m bench.iterations --repeated 16      # the scaling family's loss with k terms

Prints one line per iteration, with the laws that matched most in it. Written to find why the
repeated family took about 30 + k iterations (lin_like_terms added a group's coefficients one per
iteration; they are now summed in one step, and the count no longer grows with k).
"""

from __future__ import annotations

import argparse
import warnings

from egraph_mc import backend
from egraph_mc.api import LAWS, prepare
from egraph_mc.egraph import Limits, saturate, session


def trace(loss: str, wrt: str, where: str, seconds: float = 60.0) -> list[dict[str, int]]:
    """Matches per law, per iteration, of one run at the default limits (but `seconds`)."""
    term, decls = prepare(loss, wrt, where)
    per_iteration: list[dict[str, int]] = []
    with session(LAWS, matches=True) as s:
        step = s.rewrite_once

        def counted() -> bool:
            before = dict(s.matches)
            changed = step()
            delta = {n: v - before.get(n, 0) for n, v in s.matches.items() if v != before.get(n, 0)}
            by_rule = backend.matches_by_rule(s.egraph, delta)
            per_law = {law.name: sum(by_rule.get(d, 0) for d in backend.rule_decls([law.ruleset()])) for law in s.laws}
            per_iteration.append({n: k for n, k in per_law.items() if k})
            return changed

        # the template is this thread's cached one: the wrapper must not outlive this run
        s.rewrite_once = counted
        try:
            saturate(s, term, wrt, decls, Limits(seconds=seconds))
        finally:
            del s.rewrite_once
    return per_iteration


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("loss", nargs="?")
    ap.add_argument("--wrt")
    ap.add_argument("--where")
    ap.add_argument("--repeated", type=int, help="the scaling family's repeated residual with this many terms")
    ap.add_argument("--top", type=int, default=6)
    args = ap.parse_args(argv)
    if args.repeated:
        from bench.scaling import repeated_residual

        loss, wrt, where = repeated_residual(args.repeated)
    else:
        loss, wrt, where = args.loss, args.wrt, args.where
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = trace(loss, wrt, where)
    only = sum(1 for r in rows if set(r) == {"lin_like_terms"})
    for i, r in enumerate(rows):
        top = sorted(r.items(), key=lambda kv: -kv[1])[: args.top]
        print(i, ", ".join(f"{n} {k}" for n, k in top))
    print(f"{len(rows)} iterations; {only} with only lin_like_terms matching")


if __name__ == "__main__":
    main()
