"""How each operation prints: numpy syntax that Python parses back to the same term, and LaTeX.

The parser (`parse.py`) reads a `*`/`/` chain and a `+`/`-` chain as one node each: a chain's
numbers become the coefficient, its scalars the scalar factor, its one matrix the base. So a child
that is itself such a node, or a product `@`, is parenthesized wherever the parser would otherwise
read it into the parent's chain, and Python's own precedence decides the rest: `2 * (A @ B)` is the
coefficient 2 of a product, `2 * A @ B` the product of 2A and B.

A printer returns (text, form); the form says how the text would be read as an operand:
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from egraph_mc.term import Term

SUM = 1  # a + b: a `+`/`-` chain
CHAIN = 2  # 2 * a, a / b, lam * X, -2 * X: a `*`/`/` chain
MATMUL = 3  # a @ b
UNARY = 4  # -a
POW = 5  # a**k
ATOM = 6  # a name, a call, a.T, a parenthesized scalar view (x.T @ y)

Show = Callable[[Term], tuple[str, int]]


def paren(text: str, latex: bool) -> str:
    return rf"\left({text}\right)" if latex else f"({text})"


def atom(show: Show, t: Term, latex: bool = False, allow: tuple[int, ...] = ()) -> str:
    """t as an operand that must stand alone: parenthesized unless an atom (or an allowed form)."""
    s, form = show(t)
    return s if form == ATOM or form in allow else paren(s, latex)


def number(q: Fraction, latex: bool = False) -> str:
    """A non-negative rational as it is written: 2, 1/2 (LaTeX: \\frac{1}{2})."""
    if q.denominator == 1:
        return str(q.numerator)
    return rf"\frac{{{q.numerator}}}{{{q.denominator}}}" if latex else f"{q.numerator}/{q.denominator}"


def _is_number(t: Term) -> bool:
    return t.op == "one" or (t.op == "ssum" and (not t.args or (len(t.args) == 1 and t.args[0][1].op == "one")))


# --- leaves and calls ---------------------------------------------------------------------------


def name_text(t: Term, show: Show) -> tuple[str, int]:
    return t.attr, ATOM


GREEK = {"lam": r"\lambda", "lambda_": r"\lambda", "mu": r"\mu", "alpha": r"\alpha", "beta": r"\beta",
         "gamma": r"\gamma", "sigma": r"\sigma", "rho": r"\rho", "eta": r"\eta", "tau": r"\tau", "nu": r"\nu"}


def name_latex(t: Term, show: Show) -> tuple[str, int]:
    name = t.attr
    if name in GREEK:
        return GREEK[name], ATOM
    if len(name) > 1 and "_" not in name:
        return rf"\mathrm{{{name}}}", ATOM
    return name, ATOM


def call_text(fn: str) -> Callable[[Term, Show], tuple[str, int]]:
    """`fn(x, ...)`, each argument printed whole."""
    return lambda t, show: (f"{fn}({', '.join(show(a)[0] for a in t.children())})", ATOM)


def call_latex(template: str) -> Callable[[Term, Show], tuple[str, int]]:
    """A LaTeX template over the arguments, {0}, {1}, ... (each printed whole)."""
    return lambda t, show: (template.format(*(show(a)[0] for a in t.children())), ATOM)


def bare_trace(a: Term) -> bool:
    """Whether tr(a) prints as a alone: a 1x1 product read as a scalar (`(x.T @ y)`); the trace of
    any other 1x1 term, a sum say, prints `tr(...)`."""
    return a.is_1x1 and a.op in ("matmul", "transpose", "var")


def trace_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    """tr(A), or (a) bare for a 1x1 product a read as a scalar (`(x.T @ y)`)."""
    (a,) = t.args
    inner = show(a)[0]
    if bare_trace(a):
        return paren(inner, latex), ATOM
    return (rf"\operatorname{{tr}}\left({inner}\right)" if latex else f"tr({inner})"), ATOM


def trace_source(t: Term, show: Show) -> tuple[str, int]:
    """np.trace(A); a 1x1 product read as a scalar is its one entry, `(x.T @ y).item()`."""
    (a,) = t.args
    if bare_trace(a):
        return f"({show(a)[0]}).item()", ATOM
    return f"np.trace({show(a)[0]})", ATOM


# --- products ---------------------------------------------------------------------------------


def _chain_left(show: Show, t: Term, latex: bool) -> str:
    """The left operand of `*`, `/` or `@`: Python reads these left to right at one precedence, so
    a chain, a product, a negation or a power stays bare; a sum is parenthesized."""
    s, form = show(t)
    return s if form in (CHAIN, MATMUL, UNARY, POW, ATOM) else paren(s, latex)


def matmul_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    a, b = t.args
    left, right = _chain_left(show, a, latex), atom(show, b, latex)
    return (f"{left} {right}" if latex else f"{left} @ {right}"), MATMUL


def _entrywise_text(text_op: str, latex_op: str) -> Callable[..., tuple[str, int]]:
    """A * B or A / B entry by entry (LaTeX A ⊙ B, A ⊘ B); the right operand parenthesized unless it
    stands alone or is a power. In LaTeX, where juxtaposition is the matrix product, ⊙ and ⊘ are
    parenthesized as operands."""

    def text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
        a, b = t.args
        op = latex_op if latex else text_op
        return f"{_chain_left(show, a, latex)} {op} {atom(show, b, latex, allow=(POW,))}", (SUM if latex else CHAIN)

    return text


hadamard_text = _entrywise_text("*", r"\odot")
hdiv_text = _entrywise_text("/", r"\oslash")


def epow_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    """A**k for every entry; k = -1 prints as 1 / A (a chain), as numpy users write it."""
    (a,), k = t.args, t.attr
    if latex:
        return rf"{_superscript_base(show, a)}^{{\circ {k}}}", ATOM
    if k == -1:
        return f"1 / {atom(show, a, allow=(POW,))}", CHAIN
    return f"{atom(show, a)}**{k}", POW


def matmul_source(t: Term, show: Show) -> tuple[str, int]:
    """In generated numpy source, inv(A) @ B is np.linalg.solve(A, B): one LU and its solves, stabler
    and cheaper than forming the inverse."""
    a, b = t.args
    if a.op == "inv" and not named(show, a):
        return f"np.linalg.solve({show(a.args[0])[0]}, {show(b)[0]})", ATOM
    return matmul_text(t, show)


def transpose_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    a = t.args[0]
    if latex and a.op == "inv" and not named(show, a) and a.args[0].op != "transpose":
        return rf"{_superscript_base(show, a.args[0])}^{{-\top}}", ATOM  # (A⁻¹)ᵀ = A⁻ᵀ
    inner = _superscript_base(show, a) if latex else atom(show, a)
    return (rf"{inner}^\top" if latex else f"{inner}.T"), ATOM


def _superscript_base(show: Show, t: Term) -> str:
    """t in LaTeX as the base of a superscript: parenthesized when it carries one already."""
    s = atom(show, t, True)
    return paren(s, True) if "^" in s and not s.endswith(r"\right)") else s


def inverse_latex(t: Term, show: Show) -> tuple[str, int]:
    """A^{-1}; (Aᵀ)⁻¹ = A^{-\top}."""
    a = t.args[0]
    if a.op == "transpose" and not named(show, a):
        return rf"{_superscript_base(show, a.args[0])}^{{-\top}}", ATOM
    return rf"{_superscript_base(show, a)}^{{-1}}", ATOM


# --- the * / chain: scalar products, scalings, coefficients, powers ------------------------------


def named(show: Show, t: Term) -> bool:
    """Whether t prints as a temporary's name (then it is an atom, never taken apart)."""
    return t in getattr(show, "names", ())


def factor_parts(s: Term, show: Show | None = None) -> tuple[Fraction, list[Term], list[tuple[Term, int]]]:
    """A scalar as a chain prefix: (coefficient, numerator factors, (base, k) divisors); a term
    printed as a temporary's name is one factor."""
    if show is not None and named(show, s):
        return Fraction(1), [s], []
    q = Fraction(1)
    if s.op == "ssum" and len(s.args) == 1 and s.args[0][1].op != "one":
        q, s = s.args[0]
    if show is not None and named(show, s):
        return q, [s], []
    factors = sorted(s.args, key=lambda f: f.op != "svar") if s.op == "prod" else [s]  # `lam * tr(X)`
    num, den = [], []
    for f in factors:
        if f.op == "pow" and f.attr < 0 and not (show is not None and named(show, f)):
            den.append((f.args[0], -f.attr))
        else:
            num.append(f)
    return q, num, den


def _factor(show: Show, f: Term, latex: bool) -> str:
    """A numerator factor of a chain: an atom or a power (`g**2`); a number is parenthesized so that
    the parser does not read it as the chain's coefficient."""
    if _is_number(f):
        return paren(show(f)[0], latex)
    return atom(show, f, latex, allow=(POW,))


def _divisor(show: Show, g: Term, k: int, latex: bool) -> str:
    """g**k as a divisor: `/ g`, `/ g**2`; a power g itself is parenthesized (`/ (h**2)`), since
    a divisor written h**2 reads as the factor h**-2."""
    if k == 1:
        if g.op == "pow" and not named(show, g):
            return paren(show(g)[0], latex)
        return _factor(show, g, latex)
    base = atom(show, g, latex)
    return f"{base}^{{{k}}}" if latex else f"{base}**{k}"


def chain_text(q: Fraction, num: list[str], den: list[str], latex: bool = False) -> str:
    """q * n1 * n2 / d1 / d2 (q > 0) as the parser reads it back: q = 1/k is written `n / k`, a
    chain with no numerator starts with 1 (`1 / d`)."""
    if latex:
        top = " ".join(([number(q, True)] if q != 1 else []) + num) or "1"
        return rf"\frac{{{top}}}{{{' '.join(den)}}}" if den else top
    items, divs = list(num), list(den)
    if q != 1:
        if q.denominator == 1:
            items.insert(0, str(q.numerator))
        elif q.numerator == 1 and items:
            divs.insert(0, str(q.denominator))
        else:
            items.insert(0, number(q))
    text = " * ".join(items) if items else "1"
    return text + "".join(f" / {d}" for d in divs)


def prod_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    _, num, den = factor_parts(t, show)
    return chain_text(Fraction(1), [_factor(show, f, latex) for f in num],
                      [_divisor(show, g, k, latex) for g, k in den], latex), CHAIN


def pow_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    (g,), k = t.args, t.attr
    if k < 0:
        return chain_text(Fraction(1), [], [_divisor(show, g, -k, latex)], latex), CHAIN
    base = atom(show, g, latex)
    return (f"{base}^{{{k}}}" if latex else f"{base}**{k}"), POW


def scale_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    """s * X with the scalar's factors as the chain's prefix: `lam / mu * X`; a lone divisor after
    the matrix: `X / norm(X)`."""
    s, x = t.args
    if s.op == "pow" and s.attr < 0 and not named(show, s):
        body = _chain_left(show, x, latex)
        d = _divisor(show, s.args[0], -s.attr, latex)
        return (rf"\frac{{{show(x)[0]}}}{{{d}}}" if latex else f"{body} / {d}"), CHAIN
    q, num, den = factor_parts(s, show)
    if _is_number(s):
        prefix = paren(show(s)[0], latex)
    else:
        chain = chain_text(abs(q), [_factor(show, f, latex) for f in num], [_divisor(show, g, k, latex) for g, k in den],
                           latex)
        prefix = f"-{_kept_minus(chain, q, False, latex)}" if q < 0 else chain
    sep = " " if latex else " * "
    return f"{prefix}{sep}{atom(show, x, latex)}", CHAIN


# --- sums ---------------------------------------------------------------------------------------


def unfolded_sign(q: Fraction, is_number: bool = False) -> bool:
    """A leading negative coefficient printed as a minus on its term (`-X`, `-X / 2`: a pass over
    the term), not folded into a literal (`-2 * X`, `-1/2`)."""
    return q < 0 and abs(q.numerator) == 1 and not is_number


def sum_order(pairs: tuple) -> list[tuple[Fraction, Term]]:
    """Terms in print order: a positive term first; among all-negative ones, one whose minus folds
    into a literal (`-2 * X`, `-1/2`) rather than one printed on the term (`-X`, `-X / 2`)."""
    return sorted(pairs, key=lambda p: (p[0] < 0, unfolded_sign(p[0], p[1].op == "one"), repr(p[1])))


def _term(q: Fraction, t: Term, show: Show, latex: bool, lead: bool) -> str:
    """|q| * t as one element of a sum; for a leading negative term, what follows its minus sign."""
    mag = abs(q)
    if t.op == "one":
        return number(mag, latex)
    s, form = show(t)
    nested_sum = t.op in ("sum", "ssum")  # any sum inside a sum is parenthesized, or it joins the chain
    minus_binds = lead and q < 0 and not t.is_scalar  # `-lam * X` reads as (-lam) * X, `-A @ B` as (-A) @ B
    if t.is_scalar and (t.op == "prod" or (t.op == "pow" and t.attr < 0)) and mag != 1 and not named(show, t):
        _, num, den = factor_parts(t, show)  # a scalar product joins the coefficient's chain: 3/2 * lam * mu**2
        return chain_text(mag, [_factor(show, f, latex) for f in num], [_divisor(show, g, k, latex) for g, k in den],
                          latex)
    if mag == 1:
        if nested_sum or form in (SUM, UNARY) or (minus_binds and form in (CHAIN, MATMUL)):
            return paren(s, latex)
        return s
    if mag.numerator == 1:  # t / k
        if latex:
            return rf"\frac{{{s}}}{{{mag.denominator}}}"
        bare = form in (ATOM, POW) or (form in (CHAIN, MATMUL) and not nested_sum and not minus_binds)
        return f"{s if bare else paren(s, latex)} / {mag.denominator}"
    sep = " " if latex else " * "
    return f"{number(mag, latex)}{sep}{atom(show, t, latex)}"


def _kept_minus(body: str, q: Fraction, is_number: bool, latex: bool) -> str:
    """What follows a leading minus that is an operation (`unfolded_sign`): -1 times a chain that
    starts with the literal 1 is parenthesized, `-(1 / s)`, since Python folds `-1 / s` into the
    literal and the costs count the minus. (A coefficient -1/k stays `-1/k / s`: parenthesized it
    would read back as -1·(1/k)/s; `folded_minus` says so, for the costs.)"""
    if not latex and abs(q) == 1 and unfolded_sign(q, is_number) and body[:1].isdigit():
        return paren(body, latex)
    return body


def reciprocal(t: Term) -> bool:
    """A scalar power with a negative exponent: it prints as a divisor, `/ s`."""
    return t.op == "pow" and t.attr < 0


def divisors_only(t: Term) -> bool:
    """A chain with no numerator factor, printed `1 / a / b` (or `q / a / b` under a coefficient q)."""
    return reciprocal(t) or (t.op == "prod" and all(reciprocal(f) for f in t.args))


def folded_minus(q: Fraction, t: Term) -> bool:
    """Whether the leading term -|q|·t of a sum prints with its minus folded into a literal although
    `unfolded_sign` says it is an operation: a coefficient -1/k of a chain of divisors only,
    `-1/2 / s` (Python reads the literal -1/2)."""
    return unfolded_sign(q) and abs(q) != 1 and t.is_scalar and divisors_only(t)


def sum_text(t: Term, show: Show, latex: bool = False) -> tuple[str, int]:
    ordered = sum_order(t.args)
    if not ordered:
        return ("0", ATOM)
    parts = []
    for i, (q, u) in enumerate(ordered):
        body = _term(q, u, show, latex, lead=i == 0)
        if i == 0:
            parts.append(f"-{_kept_minus(body, q, u.op == 'one', latex)}" if q < 0 else body)
        else:
            parts.append(f" {'-' if q < 0 else '+'} {body}")
    text = "".join(parts)
    if len(ordered) > 1:
        return text, SUM
    q, u = ordered[0]
    if u.op == "one":
        return text, (UNARY if q < 0 else ATOM)
    if q == 1:  # a one-term sum 1·t (never extracted: `lin_single_unit`): `+t`
        return f"+{paren(text, latex)}", UNARY
    return text, (UNARY if q == -1 else CHAIN)
