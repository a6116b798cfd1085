"""The fuzzing oracle: is the gradient egraph_mc returns for a loss right? Judged by finite differences.

`check(loss, wrt, where)` saturates once (`compare_costs`), extracts under every cost model, and
compares each gradient G with central finite differences of the loss on random float64 data:

    <G, V> = sum(G * V)   against   d/dt L(X + t V) at t = 0

for a random unit direction V (symmetric for a symmetric `wrt`, diagonal for a diagonal one: the
loss is only defined on such matrices). The derivative is estimated by Richardson-extrapolated
central differences, D(h) = (4 C(h/2) - C(h)) / 3 with C(h) = (f(h) - f(-h)) / 2h, at two steps:
h1 = eps^(1/3) s and h2 = eps^(1/5) s (s = max(1, |X|), eps the float64 machine epsilon). h2 is the
optimal step of the O(h^4) rule and gives the estimate; h1 is 120 times smaller, so rounding noise
or a nearby singularity (a norm near 0, a quotient's denominator near 0) makes the two disagree.

The oracle itself can be untrustworthy; then the data are redrawn (up to `redraws` times) and the
case counts as "oracle-skipped" if no draw can be trusted:
- a norm, or the base of a negative power, is tiny relative to the same expression evaluated on
  the absolute values of the data (|value| < 1e-3 |value on |data||): near-singular;
- D(h1) and D(h2) disagree beyond a tenth of the tolerance (plus the rounding-noise floor).

Tolerance: |<G, V> - D(h2)| <= 1e-6 max(|<G, V>|, |D(h2)|) + noise, where noise is the rounding
floor 100 eps M / h2 (M bounds the magnitudes inside the loss: the loss evaluated on absolute values).

Besides the term, the printed gradient (its text, and for the sharing cost models the program of
temporaries, inlined), parsed back, and the numpy function `to_numpy()` gives must give the same
values: a user reads or calls those. What is printed must be what was extracted: the text, parsed
back, must be the extracted term itself (structurally), and the FLOPs reported for it must equal an
independent count of the text as Python evaluates it (`flopcount`). A printed gradient that does
not parse back, or back to another term, or whose FLOPs disagree, is an "error".

Outcome status:
- "correct": every cost model's gradient passed;
- "wrong": a gradient failed (details say which model, which check, by how much);
- "limit-stopped": a limit stopped the rewriting (stats.saturated False) but every gradient passed;
- "fallback": no gradient was read off before the limit, and the plain gradient (simplified) the
  engine answered with instead passed;
- "limit-error": LimitError (no gradient at all before the limit);
- "error": any other exception (an EgraphMcError on this valid input is a bug too), a printed
  gradient that does not parse back, or an answer later than the engine's own hard deadline;
- "oracle-skipped": the returned gradients could not be judged (no trustworthy data).
"""

from __future__ import annotations

import re
import time
import warnings
import zlib
from dataclasses import dataclass, field

import numpy as np

from egraph_mc import score
from egraph_mc.api import COST_MODELS, compare_costs, prepare
from egraph_mc.declare import Declarations
from egraph_mc.egraph import Limits
from egraph_mc.parse import parse_loss
from egraph_mc.render import evaluate, numpy_function, program_text, to_text
from egraph_mc.term import SUMS, Term
from egraph_mc.testing.flopcount import count_flops
from egraph_mc.testing.numeric import distinct_dims, random_direction, random_values, richardson

TOLERANCE = 1e-6
EPS = float(np.finfo(np.float64).eps)
H1 = EPS ** (1 / 3)  # the classic central-difference step
H2 = EPS ** (1 / 5)  # the optimal step for the Richardson-extrapolated (O(h^4)) rule
SINGULAR = 1e-3  # |value| / |value on absolute data| below this: near a singularity
NOISE = 100.0  # rounding-noise safety factor
# Limits for fuzz runs (the test and bench.fuzz): lower than the engine's defaults, so that a loss
# whose e-graph explodes costs seconds, not minutes. A limit-stopped run must still be right.
FUZZ_LIMITS = {"time_limit": 5.0, "node_limit": 20_000}
EXTRACTION_SLACK = 30.0  # seconds allowed for extracting under every model after the rewriting stops
STATUSES = ("correct", "wrong", "limit-stopped", "fallback", "limit-error", "error", "oracle-skipped")


@dataclass
class ModelResult:
    cost_model: str
    gradient: str = ""
    saturated: bool = False
    stopped_by: str | None = None
    iterations: int = 0
    enodes: int = 0
    seconds: float = 0.0
    max_rel_error: float = 0.0  # over the trusted trials
    unconstrained_rel_error: float | None = None  # symmetric/diagonal wrt: along general directions


@dataclass
class Outcome:
    status: str
    loss: str
    wrt: str
    where: str
    details: str = ""
    seconds: float = 0.0  # the engine's wall time, summed over cost models
    models: list[ModelResult] = field(default_factory=list)
    trusted_trials: int = 0
    skipped_draws: int = 0

    @property
    def ok(self) -> bool:
        """No wrong gradient and no bug: what the fuzz test asserts."""
        return self.status not in ("wrong", "error")

    def __str__(self) -> str:
        head = f"{self.status}: loss={self.loss!r}, wrt={self.wrt!r}, where={self.where!r}"
        return head + (f"\n  {self.details}" if self.details else "")

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "loss": self.loss,
            "wrt": self.wrt,
            "where": self.where,
            "details": self.details,
            "seconds": self.seconds,
            "trusted_trials": self.trusted_trials,
            "skipped_draws": self.skipped_draws,
            "models": [vars(m) for m in self.models],
        }


# --- numerical helpers ---------------------------------------------------------------------------


def _absolute(t: Term) -> Term:
    """t with every sum coefficient made non-negative: evaluated on |data|, it bounds magnitudes."""
    if t.op in SUMS:
        return Term(t.op, tuple((abs(q), _absolute(u)) for q, u in t.args), t.attr, t.shape)
    return t.replace_children(_absolute(c) for c in t.children())


def _near_singular(loss: Term, values: dict, abs_values: dict, dims: dict, wrt: str) -> str | None:
    """A norm, or the base of a negative power, that depends on wrt and is close to 0 relative to
    its magnitude. (One that does not depend on wrt is a constant: no singularity along wrt.)"""
    for t in loss.walk():
        base = t if t.op == "norm" else t.args[0] if t.op == "pow" and t.attr < 0 else None
        if base is None or wrt not in base.symbols():
            continue
        val = float(np.linalg.norm(evaluate(base, values, dims)))
        mag = float(np.linalg.norm(evaluate(_absolute(base), abs_values, dims)))
        if not np.isfinite(val) or val <= SINGULAR * max(mag, 1e-300):
            return f"{t} = {val:.3g} (magnitude {mag:.3g})"
    return None


@dataclass
class _Probe:
    """One trustworthy draw: data, a direction, and the finite-difference derivative along it."""

    values: dict
    dims: dict
    direction: np.ndarray
    fd: float
    noise: float


def _probe(loss: Term, wrt: str, decls: Declarations, rng: np.random.Generator, constrained: bool = True):
    """(probe, None) for trustworthy data, or (None, reason) when this draw cannot be trusted."""
    dims = distinct_dims(decls, rng)
    values = random_values(decls, rng, dims)
    abs_values = {k: np.abs(v) for k, v in values.items()}
    reason = _near_singular(loss, values, abs_values, dims, wrt)
    if reason:
        return None, f"near-singular: {reason}"
    x0 = values[wrt]
    v = random_direction(decls, wrt, rng, x0.shape) if constrained else rng.standard_normal(x0.shape)
    v = v / np.linalg.norm(v)
    scale = max(1.0, float(np.linalg.norm(x0)))

    def f(t: float) -> float:
        return float(evaluate(loss, {**values, wrt: x0 + t * v}, dims))

    with np.errstate(all="ignore"):
        magnitude = max(abs(f(0.0)), abs(float(evaluate(_absolute(loss), abs_values, dims))), 1e-300)
        d1 = richardson(f, H1 * scale)
        d2 = richardson(f, H2 * scale)
    if not (np.isfinite(d1) and np.isfinite(d2)):
        return None, "non-finite finite differences"
    noise1 = NOISE * EPS * magnitude / (H1 * scale)
    noise2 = NOISE * EPS * magnitude / (H2 * scale)
    if abs(d1 - d2) > 0.1 * TOLERANCE * max(abs(d1), abs(d2)) + noise1:
        return None, f"finite differences disagree: {d1!r} (h={H1 * scale:.1e}) vs {d2!r} (h={H2 * scale:.1e})"
    return _Probe(values, dims, v, d2, noise2), None


def _gradient_value(fn, values: dict, dims: dict, want: tuple[int, ...]) -> np.ndarray:
    g = np.asarray(fn(values, dims), dtype=float)
    if g.shape != want:
        raise ValueError(f"the gradient evaluates to shape {g.shape}, the variable has shape {want}")
    return g


def _rel_error(analytic: float, fd: float, noise: float) -> float:
    """The error in units of the tolerance budget's denominator: <= TOLERANCE passes."""
    excess = max(0.0, abs(analytic - fd) - noise)
    return excess / max(abs(analytic), abs(fd), 1e-300) if excess else 0.0


# --- running the engine ---------------------------------------------------------------------------


def _run_engine(loss: str, wrt: str, where: str, models: tuple[str, ...], limits: dict):
    """("result", CostTable) or ("exception", (type name, message)): one saturation, every model.

    The engine bounds its own run (a worker process stopped at a hard deadline), so no hang can
    reach here; a run that overruns that deadline anyway is reported by `check`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return "result", compare_costs(loss, wrt, where, models=models, **limits)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - every exception, even a Rust panic (pyo3's PanicException)
        return "exception", (type(e).__name__, str(e))


def _singular_everywhere(loss: str, wrt: str, where: str, redraws: int, seed: int) -> str | None:
    """The reason, when every draw of data is near-singular (e.g. norm(S - S.T) for a symmetric S)."""
    term, decls = prepare(loss, wrt, where)
    rng = np.random.default_rng(_seed(loss, wrt, where, seed))
    reason = None
    for _ in range(redraws):
        dims = distinct_dims(decls, rng)
        values = random_values(decls, rng, dims)
        reason = _near_singular(term, values, {k: np.abs(v) for k, v in values.items()}, dims, wrt)
        if reason is None:
            return None
    return reason


# --- the oracle ----------------------------------------------------------------------------------


def expand_program(text: str) -> str:
    """One expression from a printed program ("t0 = ...", ..., then the result): temporaries inlined."""
    *defs, result = text.strip().splitlines()
    names: dict[str, str] = {}
    for line in defs:
        name, expr = (p.strip() for p in line.split("=", 1))
        names[name] = f"({_inline(expr, names)})"
    return _inline(result.strip(), names)


def _inline(expr: str, names: dict[str, str]) -> str:
    if not names:
        return expr
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    return pattern.sub(lambda m: names[m.group(1)], expr)


def _flops_disagree(g: Term, decls: Declarations, dims: dict) -> str | None:
    """Why the FLOPs reported for g's printed text and program differ from an independent count."""
    for how, text, reported in (("text", to_text(g), score.flops(g, dims)),
                                ("program", program_text(g), score.dag_flops(g, dims))):
        counted = count_flops(text, decls, dims)
        if counted != reported:
            return f"the FLOPs reported for the printed {how} {text!r} are {reported}, Python evaluates {counted}"
    return None


def _seed(loss: str, wrt: str, where: str, seed: int) -> int:
    return zlib.crc32(f"{loss}|{wrt}|{where}|{seed}".encode())


def check(
    loss: str,
    wrt: str,
    where: str,
    *,
    trials: int = 2,
    redraws: int = 6,
    seed: int = 0,
    time_limit: float = Limits.seconds,
    node_limit: int = Limits.enodes,
    iteration_limit: int = Limits.iterations,
    cost_models: tuple[str, ...] | None = None,
    isolate: bool = True,
) -> Outcome:
    """Saturate once, extract under every cost model, and judge each gradient; see the module doc.

    isolate=False runs the e-graph in this process (no hard deadline; for tests that patch it).
    """
    out = Outcome("correct", loss, wrt, where)
    limits = {"time_limit": time_limit, "node_limit": node_limit, "iteration_limit": iteration_limit,
              "isolate": isolate}
    start = time.perf_counter()
    kind, payload = _run_engine(loss, wrt, where, tuple(cost_models or COST_MODELS), limits)
    out.seconds = time.perf_counter() - start
    # the engine's own bound: the time limit, its hard-deadline margin, then extraction
    if out.seconds > time_limit + max(1.0, time_limit / 4) + EXTRACTION_SLACK:
        out.status = "error"
        out.details = f"Hang: the engine answered after {out.seconds:.0f} s although time_limit={time_limit:g} s"
        return out
    if kind == "exception":
        name, message = payload
        out.details = f"{name}: {message}"
        if name == "LimitError":
            out.status = "limit-error"
            return out
        out.status = "error"
        if name == "ExtractionError":
            singular = _singular_everywhere(loss, wrt, where, redraws, seed)
            if singular:  # no gradient exists on the data: refusing is fine
                out.status = "oracle-skipped"
                out.details += f" (the loss is not differentiable on any draw: {singular})"
        return out
    table = payload
    s = table.stats
    for row in table.rows:
        out.models.append(ModelResult(row.model, row.gradient, s.saturated, s.stopped_by, s.iterations, s.enodes,
                                      out.seconds))

    term, decls = prepare(loss, wrt, where)
    sym = decls.symbols[wrt]
    constrained_wrt = sym.symmetric or sym.diagonal
    # Three ways to evaluate each gradient: the term, its printed text parsed back, to_numpy().
    evaluators = []
    for row, mr in zip(table.rows, out.models, strict=True):
        g = row.term
        evs = [("term", lambda vals, dims, g=g: evaluate(g, vals, dims))]
        texts = [("printed text", to_text(g))]
        if row.gradient != texts[0][1]:
            texts.append(("printed program", row.gradient))
        for how, text in texts:
            try:
                printed = parse_loss(expand_program(text), decls)
            except Exception as e:  # noqa: BLE001 - the output is not in the input language: a bug
                out.status = "error"
                out.details = f"[{mr.cost_model}] the {how} {text!r} does not parse back: {type(e).__name__}: {e}"
                return out
            if printed != g:
                out.status = "error"
                out.details = f"[{mr.cost_model}] the {how} {text!r} parses back to another term: {to_text(printed)!r}"
                return out
            evs.append((how, lambda vals, dims, p=printed: evaluate(p, vals, dims)))
        problem = _flops_disagree(g, decls, table.dims)
        if problem:
            out.status = "error"
            out.details = f"[{mr.cost_model}] {problem}"
            return out
        fn = numpy_function(g, decls.shapes)
        evs.append(("to_numpy()", lambda vals, dims, fn=fn: fn(**{k: v for k, v in vals.items() if k in decls.symbols})))
        evaluators.append(evs)

    rng = np.random.default_rng(_seed(loss, wrt, where, seed))
    reasons: list[str] = []
    for _ in range(trials):
        probe = None
        for _ in range(redraws):
            probe, reason = _probe(term, wrt, decls, rng)
            if probe is not None:
                break
            out.skipped_draws += 1
            reasons.append(reason)
        if probe is None:
            continue
        out.trusted_trials += 1
        want = np.shape(probe.values[wrt])
        for mr, evs in zip(out.models, evaluators, strict=True):
            for how, fn in evs:
                try:
                    with np.errstate(all="ignore"):
                        gval = _gradient_value(fn, probe.values, probe.dims, want)
                except Exception as e:  # noqa: BLE001 - an ill-shaped gradient is a wrong one
                    out.status = "wrong"
                    out.details = f"[{mr.cost_model}] gradient {mr.gradient!r} ({how}) fails to evaluate: {type(e).__name__}: {e}"
                    return out
                analytic = float(np.sum(gval * probe.direction))
                err = _rel_error(analytic, probe.fd, probe.noise) if np.isfinite(analytic) else float("inf")
                if how == "term":
                    mr.max_rel_error = max(mr.max_rel_error, err)
                if err > TOLERANCE:
                    out.status = "wrong"
                    out.details = (
                        f"[{mr.cost_model}] gradient {mr.gradient!r} ({how}): <G, V> = {analytic!r} but finite "
                        f"differences give {probe.fd!r} (relative error {err:.2e}, dims {probe.dims})"
                    )
                    return out
    if constrained_wrt and out.trusted_trials:
        # Informational: does the gradient also hold along general (non-symmetric) directions?
        for _ in range(redraws):
            probe, _reason = _probe(term, wrt, decls, rng, constrained=False)
            if probe is not None:
                for mr, evs in zip(out.models, evaluators, strict=True):
                    try:
                        gval = _gradient_value(evs[0][1], probe.values, probe.dims, np.shape(probe.values[wrt]))
                        mr.unconstrained_rel_error = _rel_error(float(np.sum(gval * probe.direction)), probe.fd, probe.noise)
                    except Exception:  # noqa: BLE001
                        mr.unconstrained_rel_error = float("inf")
                break
    if out.trusted_trials == 0:
        out.status = "oracle-skipped"
        out.details = f"no trustworthy data in {len(reasons)} draws; last: {reasons[-1]}"
    elif table.fell_back:
        out.status = "fallback"
        out.details = "; ".join(f"[{m.cost_model}] stopped by the {m.stopped_by} limit" for m in out.models)
    elif any(not m.saturated for m in out.models):
        out.status = "limit-stopped"
        out.details = "; ".join(f"[{m.cost_model}] stopped by the {m.stopped_by} limit" for m in out.models if not m.saturated)
    return out


__all__ = ["FUZZ_LIMITS", "STATUSES", "TOLERANCE", "ModelResult", "Outcome", "check"]
