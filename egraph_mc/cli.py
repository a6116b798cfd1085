"""egraph-mc: the command line over `optimize_gradient`."""

from __future__ import annotations

import argparse
import sys
import warnings

from egraph_mc.api import COST_MODELS, compare_costs, optimize_gradient
from egraph_mc.check import PROVED, REFUTED, check_gradient
from egraph_mc.egraph import Limits
from egraph_mc.errors import EgraphMcError

REFERENCE = (
    "1/2 * norm(A.T @ (J + R).T @ (J + R) @ A - D)**2 + lam/2 * norm(R)**2",
    "R",
    "A: n x k; J, R: m x n; D: k x k diagonal; lam: scalar",
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="egraph-mc", description="Gradients of matrix losses by equality saturation.")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grad", help="the gradient of a loss")
    g.add_argument("loss", help='the loss in numpy syntax, e.g. "norm(X @ W - Y)**2"')
    g.add_argument("--wrt", required=True, help="the matrix or vector to differentiate with respect to")
    g.add_argument("--where", required=True, help='declarations, e.g. "X: m x n; W: n x k; Y: m x k"')
    g.add_argument("--cost", default="size", choices=COST_MODELS, help="extraction cost model (default: size)")
    g.add_argument("--latex", action="store_true", help="also print the gradient as LaTeX")
    g.add_argument("--verify", action="store_true", help="check against finite differences of the loss")
    g.add_argument("--stats", action="store_true", help="print iterations, e-nodes and seconds")
    g.add_argument("--dims", type=_dims, default=None, help="dim sizes for the FLOPs models, e.g. m=2000,n=1000")
    g.add_argument("--explain", action="store_true", help="print the derivation and the laws that fired")
    c = sub.add_parser("compare", help="every cost model's gradient side by side, from one saturated e-graph")
    c.add_argument("loss")
    c.add_argument("--wrt", required=True)
    c.add_argument("--where", required=True)
    c.add_argument("--dims", type=_dims, default=None, help="dim sizes, e.g. m=2000,n=1000,k=20 (others: 100)")
    c.add_argument("--markdown", action="store_true", help="print a Markdown table")
    k = sub.add_parser("check", help="is CANDIDATE the gradient of LOSS? exit 0: proved, 1: refuted, 3: not proved",
                       description=check_help())
    k.add_argument("loss")
    k.add_argument("candidate", help='your gradient, in the same syntax, e.g. "2 * X.T @ (X @ W - Y)"')
    k.add_argument("--wrt", required=True)
    k.add_argument("--where", required=True)
    for q in (g, c, k):
        q.add_argument("--time-limit", type=float, default=Limits.seconds, help="seconds of rewriting at most")
        q.add_argument("--node-limit", type=int, default=Limits.enodes, help="e-nodes at most")
    d = sub.add_parser("demo", help="the reference example")
    d.add_argument("--latex", action="store_true")
    return p


def check_help() -> str:
    return ("Puts CANDIDATE into the e-graph of LOSS's gradient: 'proved' when the rules show them equal; "
            "otherwise finite differences on random data decide between 'refuted' (with both numbers and, "
            "where it can be told, what is off) and 'not proved, agrees numerically'.")


def run_check(args) -> int:
    """The `check` subcommand: the verdict, and an exit code scripts can test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = check_gradient(args.loss, args.candidate, args.wrt, args.where, time_limit=args.time_limit,
                                node_limit=args.node_limit)
    print(result)
    return 0 if result.status == PROVED else 1 if result.status == REFUTED else 3


def _dims(text: str) -> dict[str, int]:
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, eq, value = part.partition("=")
        if not eq or not name.strip().isidentifier() or not value.strip().isdigit():
            raise argparse.ArgumentTypeError(f"expected name=size pairs like m=2000,n=1000; got {part!r}")
        out[name.strip()] = int(value)
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        loss, wrt, where = REFERENCE
        print(f"L = {loss}\n  where {where}\n\ngrad_{wrt} L =")
        args = argparse.Namespace(
            command="grad", loss=loss, wrt=wrt, where=where, cost="size", dims=None, latex=args.latex, verify=True,
            stats=True, time_limit=Limits.seconds, node_limit=Limits.enodes,
        )
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "compare":
            table = compare_costs(
                args.loss, args.wrt, args.where, args.dims, time_limit=args.time_limit, node_limit=args.node_limit
            )
            print(table.markdown() if args.markdown else table)
            return 0
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = optimize_gradient(
                args.loss, args.wrt, args.where, args.cost, dims=args.dims,
                time_limit=args.time_limit, node_limit=args.node_limit,
            )
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
        print(res)
        if args.latex:
            print(res.latex())
        if args.stats:
            print(f"{res.cost_model} {res.cost:g}; {res.stats}")
        if args.verify:
            print(f"max relative error vs finite differences: {res.verify():.1e}")
        if getattr(args, "explain", False):
            print(res.explain())
    except EgraphMcError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
