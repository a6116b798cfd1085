"""The test losses: the reference and 24 more, drawn from the corpus (egraph_mc.testing.corpus) by
name, each with the printed size the engine must reach (a regression bound; the corpus keeps the
best known size, which may be smaller)."""

from egraph_mc.testing.corpus import problem

BOUNDS = {
    "reference": 29, "least squares": 10, "least squares, vector": 10, "ridge, vector": 14, "ridge": 14,
    "weighted least squares": 12, "weighted least squares, vector": 12, "quadratic form": 6,
    "quadratic form, symmetric": 5, "trace quadratic": 6, "trace AXBX'": 13, "trace AX": 2, "trace AXB": 5,
    "trace X squared": 4, "bilinear": 4, "factorization U": 11, "factorization V": 12,
    "factorization U, regularized": 14, "factorization V, regularized": 15, "two-sided": 15, "autoencoder": 28,
    "three-term sum": 23, "four-term sum": 29, "Tikhonov": 19, "Rayleigh quotient": 26, "Frobenius norm": 4,
}


def _entry(name: str) -> tuple:
    p = problem(name)
    return (p.name, p.loss, p.wrt, p.where, BOUNDS[name])


REFERENCE = _entry("reference")
LOSSES = [_entry(name) for name in BOUNDS if name != "reference"]
