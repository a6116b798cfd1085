"""Analyses the rewrite laws read: element indexes, dependence on the variable, dX content, shapes.

These rules only fill analysis tables; they never merge e-classes. Their propagation through the
operations is generated from `ops.OPS` (each operation's arguments and shape rule), so a new
operation is analysed as soon as it has its entry.
- `dep` is 0 once some member of an e-class is free of the variable (a proof of independence),
  1 while every member seen may depend on it. Leaves are seeded by the engine.
- `hasd` is 1 once some member contains dX.
Both propagate as the maximum over the children.
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
    rows,
    sD,
    sdep,
    shasd,
    slin,
    smul,
    sprod,
    st_in,
    lin_clean,
    mt_is_zero,
    st_is_zero,
    lin_one,
    slin_clean,
    slin_one,
    stdep,
    sthasd,
    tr,
)
from egraph_mc.ops import FACTORS, OPS, TERMS, M, S
from egraph_mc.rules._law import Family
from egraph_mc.rules.vocabulary import example

analysis = Family("analysis", "an_")


def _examples(*names: str) -> tuple:
    return tuple(example(src) for name in names for src in OPS[name].examples)


# --- indexes: which terms a sum holds, which factors a product holds -----------------------


@analysis.law(example("X - 2 * A"))
def an_index_lin(xs: MultiSet[MT]):
    """Every term of a matrix sum is reachable as mt_in(sum, term) = multiplicity."""
    yield rule(lin(xs)).then(xs.fill_index(mt_in))


@analysis.law(example("lam + 2 * tr(M)"))
def an_index_slin(xs: MultiSet[ST]):
    """Every term of a scalar sum is reachable as st_in(sum, term) = multiplicity."""
    yield rule(slin(xs)).then(xs.fill_index(st_in))


@analysis.law(example("X - 2 * A"))
def an_clean_lin(xs: MultiSet[MT], t: MT, q: BigRat, a: Mat, d: Dim, e: Dim):
    """Matrix zero terms (q·0, 0·A) are marked; a matrix sum with none is marked clean."""
    yield rule(eq(t).to(MT(q, Mat.zeros(d, e)))).then(set_(mt_is_zero(t)).to(i64(1)))
    yield rule(eq(t).to(MT(BigRat(0, 1), a))).then(set_(mt_is_zero(t)).to(i64(1)))
    # (`map` skips the terms not marked)
    yield rule(lin(xs), xs.map(mt_is_zero).length() == i64(0)).then(set_(lin_clean(xs)).to(i64(1)))


@analysis.law(example("lam + 2 * tr(M)"))
def an_clean_slin(xs: MultiSet[ST], t: ST, q: BigRat, s: Scalar):
    """Scalar zero terms (q·0, 0·s, the zero term) are marked; a scalar sum with none is marked clean."""
    yield rule(eq(t).to(ST(q, slin(MultiSet[ST]())))).then(set_(st_is_zero(t)).to(i64(1)))
    yield rule(eq(t).to(ST(BigRat(0, 1), s))).then(set_(st_is_zero(t)).to(i64(1)))
    yield rule(eq(t).to(ST.zero())).then(set_(st_is_zero(t)).to(i64(1)))
    yield rule(slin(xs), xs.map(st_is_zero).length() == i64(0)).then(set_(slin_clean(xs)).to(i64(1)))


@analysis.law(example("2 * X"))
def an_one_lin(xs: MultiSet[MT], t: MT):
    """The term of a one-term matrix sum is lin_one(sum)."""
    yield rule(lin(xs), xs.length() == i64(1), t == xs.pick()).then(set_(lin_one(xs)).to(t))


@analysis.law(example("2 * lam"))
def an_one_slin(xs: MultiSet[ST], t: ST):
    """The term of a one-term scalar sum is slin_one(sum)."""
    yield rule(slin(xs), xs.length() == i64(1), t == xs.pick()).then(set_(slin_one(xs)).to(t))


@analysis.law(example("lam * tr(M)"))
def an_index_sprod(xs: MultiSet[Scalar]):
    """Every factor of a scalar product is reachable as factor_in(product, factor) = multiplicity."""
    yield rule(sprod(xs)).then(xs.fill_index(factor_in))


# --- dependence and dX content: the maximum over the children ------------------------------


def _max_over_children(m: Callable, s: Callable, mt: Callable, st: Callable) -> Iterator:
    """Propagation of a 0/1 analysis (given per sort: matrix, scalar, the two term sorts) through
    every operation of `ops.OPS`, and through the terms of sums and the factors of products."""
    per_sort = {M: m, S: s}
    for o in OPS.values():
        if o.args in ((TERMS,), (FACTORS,)):
            continue
        node, children, _, _ = o.pattern()
        out = var("out", Mat if o.sort == M else Scalar)
        if not children:  # a leaf: its value is seeded (symbols) or 0 (constants)
            if o.d == ():
                yield rule(eq(out).to(node)).then(set_(per_sort[o.sort](out)).to(0))
            continue
        flags = [var(f"f{i}", i64) for i in range(len(children))]
        atoms = [per_sort[kind](v) == f for (kind, v), f in zip(children, flags, strict=True)]
        value = flags[0]
        for f in flags[1:]:
            value = value.max(f)
        yield rule(eq(out).to(node), *atoms).then(set_(per_sort[o.sort](out)).to(value))
    x, a, y = var("x", Mat), var("a", Mat), var("y", Scalar)
    t, u, q, i, k = var("t", MT), var("u", ST), var("q", BigRat), var("i", i64), var("k", i64)
    xs, ys, fs = var("xs", MultiSet[MT]), var("ys", MultiSet[ST]), var("fs", MultiSet[Scalar])
    flags = var("flags", MultiSet[i64])
    yield rule(eq(t).to(MT(q, a)), m(a) == i).then(set_(mt(t)).to(i))
    yield rule(eq(u).to(ST(q, y)), s(y) == i).then(set_(st(u)).to(i))
    # A sum or product is 1 when some element is 1, and 0 once every element is known to be 0.
    # `map` reads the analysis outside the query, so semi-naive evaluation would not re-run the
    # rule when an element's value arrives: the atom `flag(e) == k` on some element triggers it,
    # and the length check waits for the elements `map` skips as not analysed yet.
    e, g, f = var("e", MT), var("g", ST), var("f", Scalar)
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


@analysis.law(*_examples("eye", "one", "scale", "norm", "prod", "pow"))
def an_dep():
    """dep(op(children)) = max of the children's dep; constants are 0."""
    yield from _max_over_children(dep, sdep, mtdep, stdep)
    yield rule(eq(var("y", Scalar)).to(slin(MultiSet[ST]()))).then(set_(sdep(var("y", Scalar))).to(0))


@analysis.law(lambda v: v.prod(v.lam, tr(v.sum((1, v.A.T @ v.dX), (1, D(v.X).T @ v.A)))))
def an_hasd():
    """hasd(op(children)) = max of the children's hasd; dX, d(.) are 1; every other leaf 0."""
    yield from _max_over_children(hasd, shasd, mthasd, sthasd)
    x, a, y, f, n = var("x", Mat), var("a", Mat), var("y", Scalar), var("f", Scalar), var("n", String)
    yield rule(eq(x).to(Mat.dvar(n))).then(set_(hasd(x)).to(1))
    yield rule(eq(x).to(D(a))).then(set_(hasd(x)).to(1))
    yield rule(eq(y).to(sD(f))).then(set_(shasd(y)).to(1))
    yield rule(eq(x).to(Mat.var(n))).then(set_(hasd(x)).to(0))
    yield rule(eq(y).to(Scalar.var(n))).then(set_(shasd(y)).to(0))
    yield rule(eq(y).to(slin(MultiSet[ST]()))).then(set_(shasd(y)).to(0))


# --- shapes --------------------------------------------------------------------------------


@analysis.law(lambda v: v.sum((1, (v.A @ v.B @ v.C).T), (1, smul(v.lam, v.M)), (1, D(v.X) @ v.X.T), (1, Mat.eye(Dim.named("m")))),
               example("zeros((m, n)) + X"))
def an_shape(x: Mat, a: Mat, t: MT, q: BigRat, xs: MultiSet[MT], d: Dim, e: Dim):
    """rows/cols of every matrix e-class, from the declared leaves up, by each operation's shape rule."""
    for o in OPS.values():
        rule_ = o.shape.out
        if o.sort != M or rule_ in (None, ("declared",), ("terms",)):
            continue
        node, children, literal, _ = o.pattern()
        dims, atoms = [], []
        for j, ref in enumerate(rule_):
            if ref[0] == "attr":
                dims.append(literal[ref[1]])
                continue
            if ref[0] == "one":
                dims.append(Dim.one())
                continue
            _, i, which = ref
            dv = var(f"s{j}", Dim)
            atoms.append((rows if which == "r" else cols)(children[i][1]) == dv)
            dims.append(dv)
        yield rule(eq(x).to(node), *atoms).then(set_(rows(x)).to(dims[0]), set_(cols(x)).to(dims[1]))
    yield rule(eq(x).to(D(a)), rows(a) == d, cols(a) == e).then(set_(rows(x)).to(d), set_(cols(x)).to(e))
    yield rule(eq(x).to(lin(xs)), mt_in(xs, t), eq(t).to(MT(q, a)), rows(a) == d, cols(a) == e).then(
        set_(rows(x)).to(d), set_(cols(x)).to(e)
    )

