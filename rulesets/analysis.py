"""Analyses the rewrite laws read: element indexes, dependence on the variable, dX content, shapes.

These rules only fill analysis tables; they never merge e-classes.
- `dep` is 0 once some member of an e-class is free of the variable (a proof of independence),
  1 while every member seen may depend on it. Leaves are seeded by the engine.
- `hasd` is 1 once some member contains dX.
Both propagate as the maximum over the children, so one generator serves both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from egglog import BigRat, MultiSet, String, eq, i64, rule, set_, var

from egraph_mc.lang import (
    MT,
    ST,
    D,
    Dim,
    Mat,
    Scalar,
    cols,
    dep,
    factor_in,
    hasd,
    lin,
    mt_in,
    mtdep,
    mthasd,
    norm,
    rows,
    sD,
    sdep,
    shasd,
    slin,
    smul,
    spow,
    sprod,
    st_in,
    stdep,
    sthasd,
    tr,
)
from rulesets._law import Family

analysis = Family("analysis")


# --- indexes: which terms a sum holds, which factors a product holds -----------------------


@analysis.law(lambda v: v.sum((1, v.A), (2, v.X)))
def index_lin(xs: MultiSet[MT]):
    """Every term of a matrix sum is reachable as mt_in(sum, term) = multiplicity."""
    yield rule(lin(xs)).then(xs.fill_index(mt_in))


@analysis.law(lambda v: v.sum((1, v.lam), (2, tr(v.M))))
def index_slin(xs: MultiSet[ST]):
    """Every term of a scalar sum is reachable as st_in(sum, term) = multiplicity."""
    yield rule(slin(xs)).then(xs.fill_index(st_in))


@analysis.law(lambda v: v.prod(v.lam, tr(v.M)))
def index_sprod(xs: MultiSet[Scalar]):
    """Every factor of a scalar product is reachable as factor_in(product, factor) = multiplicity."""
    yield rule(sprod(xs)).then(xs.fill_index(factor_in))


# --- dependence and dX content: the maximum over the children ------------------------------


def _max_over_children(
    m: Callable[[Mat], i64], s: Callable[[Scalar], i64], mt: Callable[[MT], i64], st: Callable[[ST], i64]
) -> Iterator:
    """Propagation rules for a 0/1 analysis given per sort (matrix, scalar, and the two term sorts)."""
    x, a, b = var("x", Mat), var("a", Mat), var("b", Mat)
    y, f = var("y", Scalar), var("f", Scalar)
    t, u = var("t", MT), var("u", ST)
    i, j, k = var("i", i64), var("j", i64), var("k", i64)
    q = var("q", BigRat)
    xs, ys, fs = var("xs", MultiSet[MT]), var("ys", MultiSet[ST]), var("fs", MultiSet[Scalar])
    flags = var("flags", MultiSet[i64])
    yield rule(eq(x).to(a @ b), m(a) == i, m(b) == j).then(set_(m(x)).to(i.max(j)))
    yield rule(eq(x).to(a.T), m(a) == i).then(set_(m(x)).to(i))
    yield rule(eq(x).to(smul(y, a)), s(y) == i, m(a) == j).then(set_(m(x)).to(i.max(j)))
    yield rule(eq(t).to(MT(q, a)), m(a) == i).then(set_(mt(t)).to(i))
    yield rule(eq(u).to(ST(q, y)), s(y) == i).then(set_(st(u)).to(i))
    yield rule(eq(y).to(tr(a)), m(a) == i).then(set_(s(y)).to(i))
    yield rule(eq(y).to(norm(a)), m(a) == i).then(set_(s(y)).to(i))
    yield rule(eq(y).to(spow(f, k)), s(f) == i).then(set_(s(y)).to(i))
    # A sum or product is 1 when some element is 1, and 0 once every element is known to be 0.
    # `map` reads the analysis outside the query, so semi-naive evaluation would not re-run the
    # rule when an element's value arrives: the atom `flag(e) == k` on some element triggers it,
    # and the length check waits for the elements `map` skips as not analysed yet.
    e = var("e", MT)
    g = var("g", ST)
    for z, node, elements, index, el, flag, out in (
        (x, lin(xs), xs, mt_in, e, mt, m),
        (y, slin(ys), ys, st_in, g, st, s),
        (y, sprod(fs), fs, factor_in, f, s, s),
    ):
        yield rule(eq(z).to(node), index(elements, el), flag(el) == i64(1)).then(set_(out(z)).to(1))
        yield rule(
            eq(z).to(node),
            index(elements, el),
            flag(el) == k,
            flags == elements.map(flag),
            flags.length() == elements.length(),
            flags.not_contains(i64(1)),
        ).then(set_(out(z)).to(0))


@analysis.law(
    lambda v: v.sum((1, smul(v.lam, v.A.T @ v.X)), (-1, Mat.eye(Dim.named("n")))),
    lambda v: v.prod(spow(tr(v.M @ v.X @ v.X.T), 2), norm(v.A), v.sum((1, v.lam), (1, Scalar.one()))),
)
def dep_propagate():
    """dep(op(children)) = max of the children's dep; constants are 0."""
    yield from _max_over_children(dep, sdep, mtdep, stdep)
    x, d, e, y = var("x", Mat), var("d", Dim), var("e", Dim), var("y", Scalar)
    yield rule(eq(x).to(Mat.eye(d))).then(set_(dep(x)).to(0))
    yield rule(eq(x).to(Mat.zeros(d, e))).then(set_(dep(x)).to(0))
    yield rule(eq(y).to(Scalar.one())).then(set_(sdep(y)).to(0))
    yield rule(eq(y).to(slin(MultiSet[ST]()))).then(set_(sdep(y)).to(0))  # the scalar 0 (no terms to read)


@analysis.law(lambda v: v.prod(v.lam, tr(v.sum((1, v.A.T @ v.dX), (1, D(v.X).T @ v.A)))))
def hasd_propagate():
    """hasd(op(children)) = max of the children's hasd; dX, d(.) are 1; leaves 0."""
    yield from _max_over_children(hasd, shasd, mthasd, sthasd)
    x, a, d, e = var("x", Mat), var("a", Mat), var("d", Dim), var("e", Dim)
    y, f, n = var("y", Scalar), var("f", Scalar), var("n", String)
    yield rule(eq(x).to(Mat.dvar(n))).then(set_(hasd(x)).to(1))
    yield rule(eq(x).to(D(a))).then(set_(hasd(x)).to(1))
    yield rule(eq(y).to(sD(f))).then(set_(shasd(y)).to(1))
    yield rule(eq(x).to(Mat.var(n))).then(set_(hasd(x)).to(0))
    yield rule(eq(x).to(Mat.eye(d))).then(set_(hasd(x)).to(0))
    yield rule(eq(x).to(Mat.zeros(d, e))).then(set_(hasd(x)).to(0))
    yield rule(eq(y).to(Scalar.var(n))).then(set_(shasd(y)).to(0))
    yield rule(eq(y).to(Scalar.one())).then(set_(shasd(y)).to(0))
    yield rule(eq(y).to(slin(MultiSet[ST]()))).then(set_(shasd(y)).to(0))


# --- shapes --------------------------------------------------------------------------------


@analysis.law(lambda v: v.sum((1, (v.A @ v.B @ v.C).T), (1, smul(v.lam, v.M)), (1, D(v.X) @ v.X.T), (1, Mat.eye(Dim.named("m")))))
def shape_propagate(x: Mat, a: Mat, b: Mat, y: Scalar, t: MT, q: BigRat, xs: MultiSet[MT], d: Dim, e: Dim):
    """rows/cols of every matrix e-class, from the declared leaves up."""
    yield rule(eq(x).to(a @ b), rows(a) == d, cols(b) == e).then(set_(rows(x)).to(d), set_(cols(x)).to(e))
    yield rule(eq(x).to(a.T), rows(a) == d, cols(a) == e).then(set_(rows(x)).to(e), set_(cols(x)).to(d))
    yield rule(eq(x).to(smul(y, a)), rows(a) == d, cols(a) == e).then(set_(rows(x)).to(d), set_(cols(x)).to(e))
    yield rule(eq(x).to(D(a)), rows(a) == d, cols(a) == e).then(set_(rows(x)).to(d), set_(cols(x)).to(e))
    yield rule(eq(x).to(Mat.eye(d))).then(set_(rows(x)).to(d), set_(cols(x)).to(d))
    yield rule(eq(x).to(Mat.zeros(d, e))).then(set_(rows(x)).to(d), set_(cols(x)).to(e))
    yield rule(eq(x).to(lin(xs)), mt_in(xs, t), eq(t).to(MT(q, a)), rows(a) == d, cols(a) == e).then(
        set_(rows(x)).to(d), set_(cols(x)).to(e)
    )
