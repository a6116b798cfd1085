"""The egglog language: sorts for dims, matrices and scalars, the differential, the read-off.

Sums are linear combinations held in MultiSets (`lin` of `MT(coefficient, matrix)` terms), so
they are associative and commutative by construction and like terms meet by counting, not by
rewriting. Rational coefficients are BigRat primitives, so 1/2 * 2 = 1 is arithmetic.
Scalar products are MultiSets of factors; integer powers are explicit `spow` nodes.

Costs are in units of `UNIT` per printed token (see `egraph_mc.costs`); the primitive
literals inside a node (a name, a BigRat, an exponent) add 1 each, far below a unit. Helper
constructors (`D`, `grad`, the per-term helpers used by `map`) cost `NEVER`, so they are never
extracted while a real term exists in their e-class.
"""

from __future__ import annotations

from fractions import Fraction

from egglog import BigRat, Expr, MultiSet, String, StringLike, function, i64, i64Like, method, var

UNIT = 1000
NEVER = 10**18  # egglog's costs are unsigned and saturate, so sums of NEVER do not wrap


def rat(q: int | Fraction) -> BigRat:
    q = Fraction(q)
    return BigRat(q.numerator, q.denominator)


class Dim(Expr):
    """A symbolic dimension: a declared name, or the literal 1 of vectors and 1x1 products."""

    @method(cost=UNIT)
    @classmethod
    def named(cls, name: StringLike) -> Dim: ...

    @method(cost=UNIT)
    @classmethod
    def one(cls) -> Dim: ...


class Mat(Expr):
    """A matrix term (vectors are n x 1 matrices)."""

    @method(cost=UNIT)
    @classmethod
    def var(cls, name: StringLike) -> Mat: ...

    @method(cost=NEVER)  # dX: lives only in differentials
    @classmethod
    def dvar(cls, name: StringLike) -> Mat: ...

    @method(cost=UNIT)  # eye(n): one call and one dim
    @classmethod
    def eye(cls, n: Dim) -> Mat: ...

    @method(cost=UNIT)  # zeros((r, c)): one call and two dims
    @classmethod
    def zeros(cls, rows: Dim, cols: Dim) -> Mat: ...

    @method(cost=UNIT)  # ones((r, c)): a scalar added to a matrix broadcasts as s * ones
    @classmethod
    def ones(cls, rows: Dim, cols: Dim) -> Mat: ...

    @method(cost=UNIT)
    def __matmul__(self, other: Mat) -> Mat: ...

    @method(cost=UNIT)
    @property
    def T(self) -> Mat: ...

    # Python-side builders (not e-graph operations): sums and scalings as linear combinations.
    @method(preserve=True)
    def __add__(self, other: Mat) -> Mat:
        return lin(MultiSet(MT(rat(1), self), MT(rat(1), other)))

    @method(preserve=True)
    def __sub__(self, other: Mat) -> Mat:
        return lin(MultiSet(MT(rat(1), self), MT(rat(-1), other)))

    @method(preserve=True)
    def __neg__(self) -> Mat:
        return lin(MultiSet(MT(rat(-1), self)))

    @method(preserve=True)
    def __rmul__(self, c: int | Fraction | Scalar) -> Mat:
        return smul(c, self) if isinstance(c, Scalar) else lin(MultiSet(MT(rat(c), self)))


class Scalar(Expr):
    """A scalar term: declared scalars, traces, norms, linear combinations, products, powers."""

    @method(cost=UNIT)
    @classmethod
    def var(cls, name: StringLike) -> Scalar: ...

    @method(cost=UNIT)  # the constant 1
    @classmethod
    def one(cls) -> Scalar: ...

    # Python-side builders (not e-graph operations).
    @method(preserve=True)
    def __add__(self, other: Scalar) -> Scalar:
        return slin(MultiSet(ST(rat(1), self), ST(rat(1), other)))

    @method(preserve=True)
    def __sub__(self, other: Scalar) -> Scalar:
        return slin(MultiSet(ST(rat(1), self), ST(rat(-1), other)))

    @method(preserve=True)
    def __mul__(self, other: Scalar | Mat) -> Scalar | Mat:
        if isinstance(other, Mat):
            return smul(self, other)
        return sprod(MultiSet(self, other))

    @method(preserve=True)
    def __rmul__(self, c: int | Fraction) -> Scalar:
        return slin(MultiSet(ST(rat(c), self)))

    @method(preserve=True)
    def __pow__(self, k: int) -> Scalar:
        return spow(self, k)


class MT(Expr):
    """A matrix term with its rational coefficient, an element of a `lin` sum."""

    @method(cost=0)  # priced per coefficient by `costs`
    def __init__(self, q: BigRat, x: Mat) -> None: ...


class ST(Expr):
    """A scalar term with its rational coefficient, an element of an `slin` sum."""

    @method(cost=0)
    def __init__(self, q: BigRat, s: Scalar) -> None: ...

    @method(cost=0)
    @classmethod
    def zero(cls) -> ST: ...


# --- matrix operations -------------------------------------------------------------------


@function(cost=0)  # priced by `costs`: (#terms - 1) operators, +1 for a leading minus
def lin(terms: MultiSet[MT]) -> Mat: ...


@function(cost=UNIT)  # s * X
def smul(s: Scalar, x: Mat) -> Mat: ...


@function(cost=UNIT)  # diag(A): the diagonal of a square A, as a column vector
def diagonal(x: Mat) -> Mat: ...


@function(cost=UNIT)  # diag(v): the diagonal matrix of a column vector
def diag_matrix(v: Mat) -> Mat: ...


@function(cost=UNIT)  # inv(A) of a square A
def inv(x: Mat) -> Mat: ...


# Elementwise: A * B, A / B, A**k, exp, log, sqrt of every entry.
@function(cost=UNIT)
def hadamard(a: Mat, b: Mat) -> Mat: ...


@function(cost=UNIT)
def hdiv(a: Mat, b: Mat) -> Mat: ...


@function(cost=UNIT)
def epow(a: Mat, k: i64Like) -> Mat: ...


@function(cost=UNIT)
def exp(a: Mat) -> Mat: ...


@function(cost=UNIT)
def log(a: Mat) -> Mat: ...


@function(cost=UNIT)
def sqrt(a: Mat) -> Mat: ...


# --- scalar operations -------------------------------------------------------------------


@function(cost=UNIT)  # sum(A): the sum of the entries
def esum(a: Mat) -> Scalar: ...


@function(cost=UNIT)
def sexp(s: Scalar) -> Scalar: ...


@function(cost=UNIT)
def slog(s: Scalar) -> Scalar: ...


@function(cost=UNIT)
def ssqrt(s: Scalar) -> Scalar: ...


@function(cost=UNIT)  # priced by `costs`: 0 when the argument is 1x1 (printed bare)
def tr(x: Mat) -> Scalar: ...


@function(cost=UNIT)
def norm(x: Mat) -> Scalar: ...


@function(cost=UNIT)
def det(x: Mat) -> Scalar: ...


@function(cost=UNIT)  # log|det A|
def logdet(x: Mat) -> Scalar: ...


@function(cost=0)
def slin(terms: MultiSet[ST]) -> Scalar: ...


@function(cost=0)  # priced by `costs`: (#factors - 1) operators
def sprod(factors: MultiSet[Scalar]) -> Scalar: ...


@function(cost=0)  # priced by `costs`: s**k costs two units, a divisor s**-1 none
def spow(s: Scalar, k: i64Like) -> Scalar: ...


# --- differential and read-off -----------------------------------------------------------


@function(cost=NEVER)
def D(x: Mat) -> Mat: ...


@function(cost=NEVER)
def sD(s: Scalar) -> Scalar: ...


@function(cost=NEVER)
def grad(ds: Scalar) -> Mat:
    """The gradient G of a scalar differential linear in dX: ds = tr(G.T @ dX)."""


# --- helpers applied by `MultiSet.map` (captured arguments first, for `functools.partial`);
# each is rewritten away at once, and each maps the zero term to the zero term ---------------


@function(cost=NEVER)
def mt_T(x: MT) -> MT: ...


@function(cost=NEVER)
def mt_D(x: MT) -> MT: ...


@function(cost=NEVER)
def st_D(x: ST) -> ST: ...


@function(cost=NEVER)
def mt_lmul(a: Mat, x: MT) -> MT: ...


@function(cost=NEVER)
def mt_rmul(b: Mat, x: MT) -> MT: ...


@function(cost=NEVER)
def mt_scale(q: BigRat, x: MT) -> MT: ...


@function(cost=NEVER)
def mt_diagonal(x: MT) -> MT: ...


@function(cost=NEVER)
def mt_diag_matrix(x: MT) -> MT: ...


@function(cost=NEVER)
def mt_hadamard(a: Mat, x: MT) -> MT: ...


@function(cost=NEVER)
def mt_tr(x: MT) -> ST: ...


@function(cost=NEVER)
def st_grad(x: ST) -> MT: ...


@function(cost=NEVER)
def st_scale(q: BigRat, x: ST) -> ST: ...


@function(cost=NEVER)
def leibniz(factors: MultiSet[Scalar], x: Scalar) -> ST: ...


# The e-class each term of a sum scales (one of them, when a term's class holds several).
@function(merge=lambda old, new: old)
def mt_body(t: MT) -> Mat: ...


@function(merge=lambda old, new: old)
def st_body(t: ST) -> Scalar: ...


# Nodes of the term sorts that are no operation of the language: the helpers above, and the
# quotients the factoring laws keep per term (rules/products.py, rules/linearity.py). The audit
# knows them as intermediate; any other node of a term sort is an operation missing from ops.OPS.
HELPERS = frozenset({"mt_T", "mt_D", "st_D", "mt_lmul", "mt_rmul", "mt_scale", "mt_tr", "st_grad", "st_scale",
                     "mt_diagonal", "mt_diag_matrix", "mt_hadamard",
                     "leibniz", "left_quotient", "right_quotient", "scalar_quotient", "mt_body", "st_body",
                     # the members of collected groups (`rules._law.Collected`), each a term itself
                     "left_member", "right_member", "scalar_member", "mt_with_body", "st_with_body",
                     # the term of a one-term sum (`lin_one` below)
                     "lin_one", "slin_one",
                     *(f"{s}_nested{k}" for s in ("mt", "st") for k in ("", "_single", "_single_small"))})


# --- analyses ------------------------------------------------------------------------------


@function(merge=lambda old, new: old.min(new))
def dep(x: Mat) -> i64:
    """0: proven independent of the variable (some member never mentions it); 1: may depend."""


@function(merge=lambda old, new: old.min(new))
def sdep(s: Scalar) -> i64: ...


@function(merge=lambda old, new: old.min(new))
def mtdep(t: MT) -> i64: ...


@function(merge=lambda old, new: old.min(new))
def stdep(t: ST) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def hasd(x: Mat) -> i64:
    """1: some member contains the differential dX."""


@function(merge=lambda old, new: old.max(new))
def shasd(s: Scalar) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def mthasd(t: MT) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def sthasd(t: ST) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def expanding() -> i64:
    """1 in the cost-directed pass only (`egraph.simplify(expand=True)`): then products also
    distribute over sums without dX, so that a flops model can weigh both forms."""


# Every member of an e-class has the same shape, so the merge never has to choose.
@function(merge=lambda old, new: old)
def rows(x: Mat) -> Dim: ...


@function(merge=lambda old, new: old)
def cols(x: Mat) -> Dim: ...


@function(merge=lambda old, new: old.max(new))
def is_sym(x: Mat) -> i64:
    """1 if declared symmetric (diagonal implies symmetric), 0 if declared general: leaves only."""


# Index of sum/product elements, filled by MultiSet.fill_index: element -> multiplicity. Rules read
# it for membership only: after two elements merge, fill_index is not re-run, so a count can be
# stale (the merge keeps the larger); multiplicities are read with MultiSet.count.
@function(merge=lambda old, new: old.max(new))
def mt_in(terms: MultiSet[MT], t: MT) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def st_in(terms: MultiSet[ST], t: ST) -> i64: ...


@function(merge=lambda old, new: old.max(new))
def factor_in(factors: MultiSet[Scalar], f: Scalar) -> i64: ...


# A sum with no zero term, marked once per sum: the sum laws join on this flag instead of
# scanning the multiset at each of their matches (a scan copies it: quadratic in a sum's length).
# A term found zero after the mark is set leaves the flag stale until `lin_drop_zero` drops it;
# the flag only keeps the laws from copying such a sum, never decides a value.
@function(merge=lambda old, new: old)
def lin_clean(terms: MultiSet[MT]) -> i64: ...


@function(merge=lambda old, new: old)
def mt_is_zero(t: MT) -> i64:
    """1 for a term of value zero (q·zeros(d, e), 0·A): marked, never merged into one zero term."""


@function(merge=lambda old, new: old)
def st_is_zero(t: ST) -> i64: ...


@function(merge=lambda old, new: old)
def slin_clean(terms: MultiSet[ST]) -> i64: ...


# The term of a one-term sum, found once per sum (for the laws that match a sum of one term).
@function(merge=lambda old, new: old)
def lin_one(terms: MultiSet[MT]) -> MT: ...


@function(merge=lambda old, new: old)
def slin_one(terms: MultiSet[ST]) -> ST: ...
