"""Evaluation speed: our generated numpy gradients against torch.autograd on the same loss.

For a few corpus problems at sizes 64, 256 and 1024 (every dim of the problem set to that size, so
every matrix is square or a vector; no dim is kept small) it times, as medians of `repeats` calls
after one warm-up call, on the same random float64 data:
- ours: `GradientResult.to_numpy()` of the `flops-dag` pick (optimized at those dims);
- the `size` pick's numpy function, to show what the FLOPs-aware pick buys;
- torch.autograd (CPU, float64): the loss built from the parsed loss term by each operation's
  `numpy` facet over torch (`torch_value`; no user string is evaluated), then `torch.autograd.grad`,
  i.e. a forward and a backward pass, as a torch user would get the gradient.
Both libraries run single-threaded (see `_threads`). Ratios are torch / ours and size pick / ours
(above 1: ours is faster). torch is optional; without it the torch columns say "not installed".
The torch gradient is also compared with ours, as a check that both compute the same thing.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack, contextmanager

import numpy as np

from egraph_mc.testing.corpus import Problem, problem
from bench.timing import median_seconds
from egraph_mc import optimize_gradient, score
from egraph_mc.render import evaluate
from egraph_mc.declare import parse_where
from egraph_mc.term import Term
from egraph_mc.testing.numeric import random_values

PROBLEMS = ["reference", "least squares", "autoencoder", "five-term sum"]
SIZES = [64, 256, 1024]


class TorchXP:
    """The array functions of `egraph_mc.ops.NumpyXP` in torch (float64), so that every operation's
    `numpy` facet evaluates a term in torch, for autograd."""

    inplace = False  # autograd: no in-place accumulation

    def __init__(self, torch):
        self.torch = torch

    def eye(self, n: int):
        return self.torch.eye(n, dtype=self.torch.float64)

    def zeros(self, r: int, c: int):
        return self.torch.zeros(r, c, dtype=self.torch.float64)

    def trace(self, a):
        return self.torch.trace(a)

    def norm(self, a):
        return self.torch.linalg.norm(a)  # Frobenius (flattened 2-norm)

    def diagonal(self, a):
        return self.torch.diagonal(a).reshape(-1, 1)  # a column, as in NumpyXP

    def diag_matrix(self, v):
        return self.torch.diag(v.reshape(-1))

    def ones(self, r: int, c: int):
        return self.torch.ones(r, c, dtype=self.torch.float64)

    def _tensor(self, a):
        return a if self.torch.is_tensor(a) else self.torch.tensor(a, dtype=self.torch.float64)

    def exp(self, a):
        return self.torch.exp(self._tensor(a))

    def log(self, a):
        return self.torch.log(self._tensor(a))

    def sqrt(self, a):
        return self.torch.sqrt(self._tensor(a))

    def sum(self, a):
        return self.torch.sum(a)

    def inv(self, a):
        return self.torch.linalg.inv(a)

    def det(self, a):
        return self.torch.linalg.det(a)

    def logdet(self, a):
        return self.torch.linalg.slogdet(a)[1]


def torch_value(t: Term, values: Mapping[str, object], dims: Mapping[str, int], torch):
    """The value of term t in torch, every distinct subterm computed once (as numpy's `evaluate`)."""
    return evaluate(t, values, dims, xp=TorchXP(torch))


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _pick(p: Problem, model: str, dims: dict[str, int]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return optimize_gradient(p.loss, p.wrt, p.where, cost=model, dims=dims)


def measure(p: Problem, n: int, repeats: int, torch) -> dict:
    dims = {d: n for d in p.dims}
    fast, small = _pick(p, "flops-dag", dims), _pick(p, "size", dims)
    values = random_values(parse_where(p.where), np.random.default_rng(n), dims)
    row = {"name": p.name, "size": n, "dims": dims, "ours": str(fast), "size_pick": str(small),
           "ours_dag_flops": score.dag_flops(fast.gradient, dims),
           "size_pick_dag_flops": score.dag_flops(small.gradient, dims)}
    ours_fn, size_fn = fast.to_numpy(), small.to_numpy()
    runs = {"ours": lambda: ours_fn(**values), "size_pick": lambda: size_fn(**values)}
    if torch is not None:
        tensors = {k: torch.tensor(v, dtype=torch.float64) if isinstance(v, np.ndarray) else v
                   for k, v in values.items()}
        tensors[p.wrt].requires_grad_(True)

        def autograd():  # forward and backward: what a torch user runs to get the gradient
            loss = torch_value(fast.loss, tensors, dims, torch)
            return torch.autograd.grad(loss, tensors[p.wrt])[0]

        runs["torch"] = autograd
    # each contender's calls back to back, as in a loop that needs the gradient again and again
    # (alternating them roughly doubled numpy's times at n = 1024 here; likely allocator effects)
    timed = {name: median_seconds(run, repeats, warmup=True) for name, run in runs.items()}
    (row["ours_s"], ours), (row["size_pick_s"], _) = timed["ours"], timed["size_pick"]
    row["size_pick_ratio"] = row["size_pick_s"] / row["ours_s"]
    if torch is None:
        row["torch"] = "not installed"
        return row
    row["torch"] = "ok"
    row["torch_s"], g = timed["torch"]
    row["torch_ratio"] = row["torch_s"] / row["ours_s"]
    g = g.numpy().reshape(np.shape(ours))
    row["max_rel_diff"] = float(np.max(np.abs(g - ours)) / max(float(np.max(np.abs(g))), 1e-300))
    return row


@contextmanager
def _threads(n: int, torch):
    """numpy's BLAS and torch both limited to n threads, and what was achieved.

    On a small shared machine another process often holds a core; a multi-threaded BLAS then waits
    on its slowest thread, and an idle thread pool spinning between calls slows the other library.
    One thread each measures the computation, not the contention. numpy's BLAS is limited through
    threadpoolctl (in the bench extra); without it, it keeps its default, and the results say so."""
    state: dict = {}
    with ExitStack() as stack:
        if torch is not None:
            stack.callback(torch.set_num_threads, torch.get_num_threads())
            torch.set_num_threads(n)
            state["torch_threads"] = torch.get_num_threads()
        try:
            from threadpoolctl import threadpool_info, threadpool_limits
        except ImportError:
            state["numpy_threads"] = "library default (threadpoolctl not installed)"
        else:
            stack.enter_context(threadpool_limits(n, user_api="blas"))
            state["numpy_threads"] = ", ".join(f"{i['internal_api']} {i['num_threads']}"
                                               for i in threadpool_info() if i["user_api"] == "blas")
        yield state


def run_evalspeed(names: Iterable[str] = PROBLEMS, sizes: Iterable[int] = SIZES, repeats: int = 5,
                  progress: Callable[[str, str, int, int], None] | None = None, threads: int = 1) -> dict:
    torch = _torch()
    with _threads(threads, torch) as achieved:
        return _run(list(names), list(sizes), repeats, progress, torch, achieved)


def _run(names, sizes, repeats, progress, torch, threads: dict) -> dict:
    env = {"cpus": os.cpu_count(), "numpy": np.__version__,
           "torch": "not installed" if torch is None else torch.__version__, **threads}
    env["matmul_s"] = _matmul_seconds(max(sizes), repeats, torch)
    jobs = [(problem(name), n) for n in sizes for name in names]
    rows = []
    for i, (p, n) in enumerate(jobs, 1):
        if progress:
            progress("evalspeed", f"{p.name} @ {n}", i, len(jobs))
        try:
            rows.append({"status": "ok", **measure(p, n, repeats, torch)})
        except Exception as e:  # never lose a row
            rows.append({"status": "error", "name": p.name, "size": n, "note": f"{type(e).__name__}: {e}"[:300]})
    return {"environment": env, "repeats": repeats, "rows": rows}


def _matmul_seconds(n: int, repeats: int, torch) -> dict:
    """One n x n float64 product in numpy and in torch: the yardstick for the times above."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    runs = {"numpy": lambda: a @ b}
    if torch is not None:
        ta, tb = torch.tensor(a), torch.tensor(b)
        runs["torch"] = lambda: ta @ tb
    return {"n": n, **{k: median_seconds(run, repeats, warmup=True)[0] for k, run in runs.items()}}
