"""check_gradient(): is a gradient written by hand the gradient of its loss?

The candidate is parsed like the loss (same declarations, never evaluated as Python) and put into
the e-graph of the gradient run before the rules start, so the same laws rewrite it along with the
loss. Three answers:

- "proved": after the run the candidate is in the gradient's e-class: the laws showed it equal.
  egglog 13.2 records no proof chain here, so the result lists the laws that fired during the run
  (matches per law), not the steps that connect the candidate to the gradient.
- "refuted": on random data, tr(Cᵀ V) for a random direction V differs from the derivative of the
  loss along V (Richardson-extrapolated central differences); both numbers are reported. Where it
  can be told, the result also says which part is off (a factor, a transpose, a term), each finding
  checked numerically against the engine's gradient at the same points.
- "not proved, agrees numerically": the laws did not show it, but the numbers agree.
- "not proved, numerically undecided": no draw of data could be trusted (near a singularity).

A symmetric (diagonal) `wrt` is differentiated as a general matrix in the e-graph, so "proved"
there means equal to the general gradient; other correct forms (the symmetric part, Xᵀ = X used)
are judged numerically, along symmetric (diagonal) directions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from egraph_mc import differentiate, worker
from egraph_mc.api import LAWS, _dims, _limits, prepare
from egraph_mc.declare import Declarations
from egraph_mc.egraph import Limits, RunStats
from egraph_mc.errors import ArgumentError, InternalError, LimitError, ParseError, ShapeError
from egraph_mc.models import Pick
from egraph_mc.parse import parse_loss
from egraph_mc.render import evaluate, to_text
from egraph_mc.rules import all_laws
from egraph_mc.shapes import make, show_shape
from egraph_mc.term import SUMS, Term
from egraph_mc.testing.numeric import project
from egraph_mc.testing.oracle import TOLERANCE, _probe, _rel_error

PROVED = "proved"
REFUTED = "refuted"
AGREES = "not proved, agrees numerically"
UNDECIDED = "not proved, numerically undecided"
STATUSES = (PROVED, REFUTED, AGREES, UNDECIDED)
MATCH = 1e-8  # relative distance under which two arrays count as equal in a finding


@dataclass
class CheckResult:
    """The verdict on a candidate gradient, with the numbers behind it."""

    status: str
    loss: Term
    wrt: str
    declarations: Declarations
    candidate: Term
    gradient: Term | None  # the engine's gradient (size pick), the reference for findings
    stats: RunStats
    laws: dict[str, int] = field(default_factory=dict)  # laws with matches in the run
    directional: float | None = None  # tr(Cᵀ V) on the deciding draw
    finite_difference: float | None = None  # d/dt L(X + t V) at 0 on the same draw
    relative_error: float | None = None
    findings: list[str] = field(default_factory=list)  # what is off, each checked numerically
    trusted_trials: int = 0

    @property
    def proved(self) -> bool:
        return self.status == PROVED

    @property
    def refuted(self) -> bool:
        return self.status == REFUTED

    def __str__(self) -> str:
        lines = [f"{self.status}: {to_text(self.candidate)}"]
        if self.directional is not None:
            lines.append(f"  tr(Cᵀ V) = {self.directional:.12g}; finite differences of the loss along V: "
                         f"{self.finite_difference:.12g} (relative error {self.relative_error:.1e})")
        lines += [f"  {f}" for f in self.findings]
        if self.gradient is not None and self.status != PROVED:
            lines.append(f"  the engine's gradient: {to_text(self.gradient)}")
        if self.laws:
            family = {law.name: law.family for law in all_laws()}
            top = sorted(((n, name) for name, n in self.laws.items() if family.get(name) != "analysis"), reverse=True)
            lines.append(f"  laws that fired, besides the analyses ({len(top)}; egglog gives no proof chain): "
                         + ", ".join(f"{name} x{n}" for n, name in top[:12]) + (", ..." if len(top) > 12 else ""))
        lines.append(f"  {self.stats}")
        return "\n".join(lines)


def parse_candidate(candidate: str | Term, wrt: str, decls: Declarations) -> Term:
    """The candidate's term; a ShapeError unless it has the shape of `wrt`."""
    if not isinstance(candidate, (str, Term)):
        raise ParseError(f"the candidate gradient must be a string, got {type(candidate).__name__}")
    term = candidate if isinstance(candidate, Term) else parse_loss(candidate, decls)
    want = decls.symbols[wrt].shape
    if term.shape != want:
        got = "a scalar" if term.is_scalar else show_shape(term)
        raise ShapeError(f"the candidate gradient is {got}, but {wrt} is {want[0]} x {want[1]}: "
                         f"a gradient has the shape of the variable")
    return term


def check_gradient(
    loss: str | Term,
    candidate: str | Term,
    wrt: str,
    where: str | Declarations,
    *,
    trials: int = 3,
    seed: int = 0,
    time_limit: float = Limits.seconds,
    node_limit: int = Limits.enodes,
    iteration_limit: int = Limits.iterations,
    memory_gb: float = worker.DEFAULT_MEMORY_GB,
    isolate: bool = True,
) -> CheckResult:
    """Is `candidate` the gradient of `loss` with respect to `wrt`? See the module docstring.

    The run is bounded like `optimize_gradient`'s; a run stopped by a limit can still prove (every
    equality it found holds), and otherwise leaves the verdict to the numbers. `trials` draws of
    random data (`seed`) judge the candidate numerically, whatever the e-graph says: a proof the
    numbers contradict raises InternalError (it would mean an unsound law).
    """
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise ArgumentError(f"trials must be a positive whole number, got {trials!r}")
    term, decls = prepare(loss, wrt, where)
    cand = parse_candidate(candidate, wrt, decls)
    limits = _limits(time_limit, node_limit, iteration_limit, memory_gb)
    outcome = _run(term, cand, wrt, decls, limits, isolate, memory_gb)
    proved = bool(outcome.equal) and outcome.equal[0]
    pick = outcome.picks.get("size")
    reference = pick.term if isinstance(pick, Pick) else None
    laws = {name: n for name, n in (outcome.law_matches or {}).items() if n}
    result = CheckResult(UNDECIDED, term, wrt, decls, cand, reference, outcome.stats, laws)
    probes = _judge(result, trials, seed)
    if proved:
        if result.relative_error is not None and result.relative_error > TOLERANCE:
            raise InternalError(f"the e-graph proved {to_text(cand)} equal to the gradient, but finite differences "
                                f"disagree ({result.directional!r} vs {result.finite_difference!r}): a law is unsound")
        result.status = PROVED
    elif result.status == REFUTED:
        result.findings = diagnose(result, probes)
    return result


def _run(term: Term, cand: Term, wrt: str, decls: Declarations, limits: Limits, isolate: bool, memory_gb: float):
    """The gradient run with the candidate in the e-graph; an empty outcome when the hard deadline
    stopped it before anything was read off (the numbers decide then)."""
    job = worker.Job(term=term, wrt=wrt, decls=decls, limits=limits, models=["size"], dims=_dims(decls, None),
                     laws=LAWS, compare=(cand,), want_matches=True)
    try:
        return worker.run(job, isolate=isolate, memory_gb=memory_gb)
    except LimitError:
        return worker.Outcome(RunStats(saturated=False, stopped_by="seconds"))


# --- numbers --------------------------------------------------------------------------------------


def _judge(result: CheckResult, trials: int, seed: int) -> list:
    """Compare tr(Cᵀ V) with finite differences on `trials` trusted draws; set the status to refuted
    (on the first draw that disagrees) or agrees; the trusted draws, for the findings."""
    rng = np.random.default_rng(seed)
    probes = []
    for _ in range(trials):
        probe = _trusted_probe(result, rng)
        if probe is None:
            continue
        probes.append(probe)
        c = _value(result.candidate, probe, result)
        analytic = float(np.sum(c * probe.direction))
        err = _rel_error(analytic, probe.fd, probe.noise) if np.isfinite(analytic) else math.inf
        if result.relative_error is None or err > result.relative_error:
            result.directional, result.finite_difference, result.relative_error = analytic, probe.fd, err
        if err > TOLERANCE:
            result.status = REFUTED
    result.trusted_trials = len(probes)
    if probes and result.status != REFUTED:
        result.status = AGREES
    return probes


def _trusted_probe(result: CheckResult, rng, redraws: int = 6):
    for _ in range(redraws):
        probe, _reason = _probe(result.loss, result.wrt, result.declarations, rng)
        if probe is not None:
            return probe
    return None


def _value(t: Term, probe, result: CheckResult) -> np.ndarray:
    """t on the probe's data, as an array of the variable's shape, projected on the space the
    variable moves in (symmetric or diagonal matrices), where the gradient is defined."""
    want = np.shape(probe.values[result.wrt])
    with np.errstate(all="ignore"):
        a = np.broadcast_to(np.asarray(evaluate(t, probe.values, probe.dims), dtype=float), want)
    return np.array(project(result.declarations, result.wrt, a))


# --- what is off ----------------------------------------------------------------------------------


def diagnose(result: CheckResult, probes: list) -> list[str]:
    """Findings on a refuted candidate, each holding on every trusted draw: the candidate is a
    multiple or the transpose of the gradient, or some of its terms are (or match none)."""
    reference = _checked_reference(result, probes)
    if reference is None:
        return ["(no verified reference gradient to compare the candidate with)"]
    cand_values = [_value(result.candidate, p, result) for p in probes]
    ref_values = [_value(reference, p, result) for p in probes]
    whole = _relation(cand_values, ref_values)
    if whole is not None:
        return [f"the candidate is {whole} the gradient {to_text(reference)}"]
    # the split of the gradient that pairs up the most terms of the candidate explains it best
    paired, found = max((_termwise(result, probes, _terms(result.candidate), ref)
                         for ref in _decompositions(reference, result)), key=lambda pf: pf[0])
    return found if paired else [f"no term of the candidate matches a term of the gradient {to_text(reference)}"]


def _checked_reference(result: CheckResult, probes: list) -> Term | None:
    """The engine's gradient (or the plain one), only once it passed the same finite differences."""
    shape = result.declarations.symbols[result.wrt].shape
    for g in (result.gradient, differentiate.gradient(result.loss, result.wrt, shape)):
        if g is not None and all(_agrees(g, p, result) for p in probes):
            return g
    return None


def _agrees(g: Term, probe, result: CheckResult) -> bool:
    analytic = float(np.sum(_value(g, probe, result) * probe.direction))
    return _rel_error(analytic, probe.fd, probe.noise) <= TOLERANCE


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return float(np.linalg.norm(a - b)) <= MATCH * max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1e-300)


def _relation(xs: list[np.ndarray], ys: list[np.ndarray]) -> str | None:
    """How arrays x relate to y on every draw: "c times", "the transpose of", "c times the transpose
    of" (c the same on every draw), or None. Never "1 times": that is equality."""
    for how, ys_ in (("", ys), ("the transpose of ", [y.T for y in ys])):
        if any(x.shape != y.shape for x, y in zip(xs, ys_, strict=True)):
            continue
        c = _common_factor(xs, ys_)
        if c is None:
            continue
        if c == 1:
            if how:
                return how.strip()
            continue
        return f"{_show_number(c)} times {how}".rstrip()
    return None


def _common_factor(xs: list[np.ndarray], ys: list[np.ndarray]) -> float | None:
    """c with x = c y on every draw (least squares on the first), or None."""
    y0 = ys[0]
    denom = float(np.sum(y0 * y0))
    if denom == 0.0:
        return None
    c = float(np.sum(xs[0] * y0)) / denom
    if not all(_close(x, c * y) for x, y in zip(xs, ys, strict=True)):
        return None
    near = Fraction(c).limit_denominator(64)
    return 1.0 if abs(float(near) - 1) <= MATCH else c


def _show_number(c: float) -> str:
    near = Fraction(c).limit_denominator(64)
    return str(near) if abs(float(near) - c) <= MATCH * max(1.0, abs(c)) else f"{c:.6g}"


def _terms(t: Term) -> list[tuple[Fraction, Term]]:
    """The top-level terms of a sum, nested sums flattened (coefficients multiplied out), a
    transposed sum read as the sum of the transposes."""
    if t.op == "transpose" and t.args[0].op == "sum":
        return [(q, make("transpose", (u,))) for q, u in _terms(t.args[0])]
    if t.op not in SUMS:
        return [(Fraction(1), t)]
    out = []
    for q, u in t.args:
        out += [(q * r, v) for r, v in _terms(u)]
    return out


def _decompositions(reference: Term, result: CheckResult) -> list[list[tuple[Fraction, Term]]]:
    """Ways to split the gradient into terms: the engine's (factored) and the plain gradient's
    (one term per occurrence of the variable, like a derivation by hand)."""
    shape = result.declarations.symbols[result.wrt].shape
    plain = differentiate.gradient(result.loss, result.wrt, shape)
    out = [_terms(reference)]
    if _terms(plain) != out[0]:
        out.append(_terms(plain))
    return out


def _termwise(result: CheckResult, probes: list, cand_terms, ref_terms) -> tuple[int, list[str]]:
    """(terms paired, findings): pair equal terms (on every draw); say how each unpaired candidate
    term relates to an unpaired term of the gradient, and which gradient terms are missing."""
    def values(terms):
        return [[float(q) * _value(t, p, result) for p in probes] for q, t in terms]

    cv, rv = values(cand_terms), values(ref_terms)
    left_c, left_r = list(range(len(cand_terms))), list(range(len(ref_terms)))
    for i in list(left_c):
        j = next((j for j in left_r if all(_close(a, b) for a, b in zip(cv[i], rv[j], strict=True))), None)
        if j is not None:
            left_c.remove(i)
            left_r.remove(j)
    paired = len(cand_terms) - len(left_c)
    if len(left_c) == len(left_r) == 1 and _relation(cv[left_c[0]], rv[left_r[0]]) is None:
        return paired, [f"the term {_show_term(cand_terms[left_c[0]])} of the candidate differs from the "
                        f"gradient's term {_show_term(ref_terms[left_r[0]])} (the other terms agree)"]
    found = []
    for i in left_c:
        related = next(((j, how) for j in left_r if (how := _relation(cv[i], rv[j])) is not None), None)
        text = _show_term(cand_terms[i])
        if related is None:
            found.append(f"the term {text} of the candidate matches no term of the gradient")
            continue
        j, how = related
        left_r.remove(j)
        found.append(f"the term {text} of the candidate is {how} the gradient's term {_show_term(ref_terms[j])}")
    found += [f"the gradient's term {_show_term(ref_terms[j])} is missing from the candidate" for j in left_r]
    return paired, found


def _show_term(pair: tuple[Fraction, Term]) -> str:
    q, t = pair
    return f"`{to_text(make('sum', ((q, t),)) if q != 1 else t)}`"


__all__ = ["AGREES", "PROVED", "REFUTED", "STATUSES", "UNDECIDED", "CheckResult", "check_gradient", "parse_candidate"]
