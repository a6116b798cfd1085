"""Where the e-graph runs: in a worker process that the caller stops at a hard deadline.

egglog cannot be interrupted inside an iteration, and one iteration of a loss that does not
saturate can take far longer than the time limit, or grow without bound. So the rewriting runs in
a long-lived worker process (started once per session; a fork would deadlock on egglog's threads),
with an address-space limit; the caller waits for it until the time limit plus a margin, and
kills it past that. While it runs, the worker sends snapshots of the best gradient read off so
far, so that a killed run still returns one when it has one.

`compute` is the whole job, the same in the worker and in-process (`isolate=False`).
"""

from __future__ import annotations

import atexit
import copy
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from egraph_mc import errors
from egraph_mc.declare import Declarations
from egraph_mc.egraph import Limits, RunStats, register_terms, same_class, saturate, session, simplify
from egraph_mc.errors import EgraphMcError, InternalError
from egraph_mc.graph import SerializedGraph
from egraph_mc.models import BUILTIN, Pick, extract
from egraph_mc.term import Term

DEFAULT_MEMORY_GB = 8.0
STARTUP_SECONDS = 120.0  # importing egglog and compiling the rules; generous on a loaded machine


@dataclass(kw_only=True)
class Job:
    term: Term
    wrt: str
    decls: Declarations
    limits: Limits
    models: list[str]  # built-in models to extract in the engine
    dims: dict[str, int]
    laws: str  # 'module:function' giving the laws the engine is handed
    want_graph: bool = False  # the serialized e-graph, for user-defined models extracted by the caller
    simplify: bool = False  # `term` is a gradient found otherwise, to simplify (not a loss to differentiate)
    equal: tuple[Term, ...] = ()  # with `simplify`: other forms of the same gradient, in its e-class
    expand: bool = False  # with `simplify`: products distribute over every sum (for flops models)
    compare: tuple[Term, ...] = ()  # terms rewritten along with it, then asked: equal to the result? (`check`)
    want_matches: bool = False  # count each law's matches (`explain`)


@dataclass
class Outcome:
    stats: RunStats
    picks: dict[str, Pick | str] = field(default_factory=dict)  # a model's pick, or why it has none
    graph: SerializedGraph | None = None
    complete: bool = True  # False: stopped at the hard deadline (or out of memory), picks from a snapshot
    equal: tuple[bool, ...] = ()  # per `Job.compare` term: in the result's e-class after the run
    law_matches: dict[str, int] | None = None  # matches per law name, when the job wanted them


def compute(job: Job, emit: Callable[[str, object], None] | None = None) -> Outcome:
    """Saturate, then extract under every requested model (and snapshot the size pick meanwhile)."""
    with session(job.laws, matches=job.want_matches) as s:
        handles = register_terms(s, job.compare, job.wrt, job.decls)
        last = [time.perf_counter()]

        def progress(root, stats: RunStats, started: float) -> None:
            # Snapshots cost an extraction: only once the run is long enough to risk the deadline.
            if emit is None:
                return
            now = time.perf_counter()
            if now - started > 0.4 * job.limits.seconds and now - last[0] > max(0.25, job.limits.seconds / 10):
                last[0] = now
                try:
                    pick = extract(s, root, BUILTIN["size"], job.decls, job.dims, {})
                except Exception:  # no gradient yet
                    return
                emit("snapshot", (pick, copy.deepcopy(stats)))

        if job.simplify:
            root, stats = simplify(s, job.term, job.decls, job.limits, progress, job.equal, job.expand)
        else:
            root, stats = saturate(s, job.term, job.wrt, job.decls, job.limits, progress)
        outcome = Outcome(stats)
        cache: dict = {}
        for name in job.models:
            try:
                outcome.picks[name] = extract(s, root, BUILTIN[name], job.decls, job.dims, cache)
            except (errors.ExtractionError, KeyError) as e:
                outcome.picks[name] = str(e) or type(e).__name__
        if job.want_graph:
            outcome.graph = SerializedGraph.of(s.egraph)
        outcome.equal = tuple(same_class(s.egraph, h, root) for h in handles)
        if job.want_matches:
            outcome.law_matches = s.law_matches()
    return outcome


# --- the worker process ------------------------------------------------------------------------
# A child `python -m egraph_mc.worker` speaking length-prefixed pickles over its stdin and stdout
# (not multiprocessing: its `spawn` re-imports the caller's main script).


def _write(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("!Q", len(data)) + data)
    stream.flush()


def _read(stream):
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    (n,) = struct.unpack("!Q", head)
    data = stream.read(n)
    if len(data) < n:
        raise EOFError
    return pickle.loads(data)


def serve(memory_bytes: int, laws: str) -> None:
    """The worker's loop: one job at a time from stdin, its snapshots and outcome to stdout."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the protocol stream
    with session(laws):  # import egglog and build the rule template before the first deadline starts
        pass
    _write(out, ("ready", None))
    while True:
        try:
            job = _read(inp)
        except EOFError:
            return
        try:
            outcome = compute(job, lambda kind, payload: _write(out, (kind, payload)))
            _write(out, ("done", outcome))
        except EgraphMcError as e:
            _write(out, ("error", (type(e).__name__, str(e))))
        except MemoryError:
            _write(out, ("error", ("LimitError", "the e-graph ran out of the memory limit")))
        except Exception as e:  # egglog's own failures are bugs of ours
            _write(out, ("error", ("InternalError", f"the e-graph engine failed on this loss ({type(e).__name__})")))


class _Worker:
    def __init__(self, memory_gb: float, laws: str) -> None:
        self.memory_gb, self.laws = memory_gb, laws
        env = dict(os.environ)
        paths = [p for p in sys.path if p and os.path.isdir(p)]
        env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "egraph_mc.worker", str(int(memory_gb * 2**30)), laws],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # egglog's panics are reported as errors, never shown raw
            env=env,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, job: Job) -> None:
        _write(self.process.stdin, job)

    def receive(self, timeout: float):
        """The next message, or None when none came within `timeout` seconds."""
        ready, _, _ = select.select([self.process.stdout], [], [], max(timeout, 0.0))
        if not ready:
            return None
        return _read(self.process.stdout)

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


_LOCK = threading.Lock()
_WORKER: _Worker | None = None


def _error(name: str, message: str) -> EgraphMcError:
    cls = getattr(errors, name, InternalError)
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    return exc


def _start(memory_gb: float, laws: str) -> _Worker:
    """A new worker, once it has built its rule template (the deadline of a job starts after that)."""
    worker = _Worker(memory_gb, laws)
    try:
        message = worker.receive(STARTUP_SECONDS)
    except (EOFError, OSError, pickle.UnpicklingError):
        message = None
    if message != ("ready", None):
        worker.stop()
        raise InternalError("the e-graph worker process did not start; run with isolate=False to see why")
    return worker


def run(job: Job, isolate: bool = True, memory_gb: float = DEFAULT_MEMORY_GB) -> Outcome:
    """The job's outcome; in the worker (stopped at the deadline) unless `isolate` is False."""
    if not isolate:
        return compute(job)
    global _WORKER
    margin = max(1.0, 0.25 * job.limits.seconds)
    with _LOCK:
        if _WORKER is None or not _WORKER.alive() or (_WORKER.memory_gb, _WORKER.laws) != (memory_gb, job.laws):
            if _WORKER is not None:
                _WORKER.stop()
            _WORKER = _start(memory_gb, job.laws)
        worker = _WORKER
        deadline = time.monotonic() + job.limits.seconds + margin
        snapshot: tuple[Pick, RunStats] | None = None
        reason = "seconds"
        try:
            worker.send(job)
            while True:
                message = worker.receive(deadline - time.monotonic())
                if message is None:
                    break  # the hard deadline: the iteration under way will not end in time
                kind, payload = message
                if kind == "snapshot":
                    snapshot = payload
                elif kind == "done":
                    return payload
                else:
                    raise _error(*payload)
        except (EOFError, OSError, pickle.UnpicklingError):
            reason = "memory"  # the worker died: out of its memory limit, or crashed
        worker.stop()
        _WORKER = None
    if snapshot is None:
        what = "time limit" if reason == "seconds" else "memory limit (or the engine crashed)"
        raise errors.LimitError(f"the e-graph run was stopped at the {what} before any gradient was read off")
    pick, stats = snapshot
    stats.saturated = False
    stats.stopped_by = reason
    return Outcome(stats, {"size": pick}, complete=False)


def shutdown() -> None:
    global _WORKER
    with _LOCK:
        if _WORKER is not None:
            _WORKER.stop()
            _WORKER = None


atexit.register(shutdown)

if __name__ == "__main__":
    # run the module's own copy, so that what it pickles is named egraph_mc.worker.*, not __main__.*
    from egraph_mc.worker import serve as _serve

    _serve(int(sys.argv[1]), sys.argv[2])
