"""check_gradient on the whole corpus: book gradients proved, and every mutant of them judged.

    python -m bench.check_mutants [--json FILE]

For every supported corpus problem: `check_gradient` on its book gradient (`best`), then on every
mutant of it (`egraph_mc.testing.mutate`: each dropped transpose, doubled coefficient and swapped
product that still fits the shapes). Each mutant is judged independently by finite differences
(`verify.relative_error_vs_finite_differences`): wrong above 1e-4, right below 1e-8. It counts the
verdicts per judgement; a false proof is a wrong mutant reported "proved".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from egraph_mc import check_gradient
from egraph_mc.api import prepare
from egraph_mc.parse import parse_loss
from egraph_mc.render import to_text
from egraph_mc.testing.corpus import SUPPORTED
from egraph_mc.testing.mutate import KINDS, mutate, sites
from egraph_mc.verify import relative_error_vs_finite_differences

WRONG, RIGHT = 1e-4, 1e-8


def _judge(error: float) -> str:
    return "wrong" if error > WRONG else "right" if error < RIGHT else "unclear"


def run() -> dict:
    books: Counter[str] = Counter()
    mutants: Counter[str] = Counter()
    false_proofs, missed = [], []
    for i, p in enumerate(SUPPORTED, 1):
        print(f"[check {i}/{len(SUPPORTED)}] {p.name}", file=sys.stderr)
        books[check_gradient(p.loss, p.best, wrt=p.wrt, where=p.where).status] += 1
        term, decls = prepare(p.loss, p.wrt, p.where)
        book = parse_loss(p.best, decls)
        for kind in KINDS:
            for site in range(len(sites(book, kind))):
                m = mutate(book, kind, site)
                if m is None or m == book:
                    continue
                judged = _judge(relative_error_vs_finite_differences(term, m, p.wrt, decls, trials=2, seed=1))
                status = check_gradient(p.loss, to_text(m), wrt=p.wrt, where=p.where).status
                mutants[f"{judged}: {status}"] += 1
                if judged == "wrong" and status == "proved":
                    false_proofs.append((p.name, to_text(m)))
                elif judged == "wrong" and status != "refuted":
                    missed.append((p.name, to_text(m), status))
    return {"problems": len(SUPPORTED), "book": dict(books), "mutants": dict(mutants),
            "false_proofs": false_proofs, "wrong_not_refuted": missed}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    results = run()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
