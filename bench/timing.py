"""The one timing helper of the benchmark: the median wall time of repeated calls."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(run: Callable[[], object], repeats: int, warmup: bool = False) -> tuple[float, object]:
    """(median seconds of `repeats` calls of run(), the last call's result).

    warmup: one untimed call first (caches, lazily built state, BLAS threads)."""
    if warmup:
        run()
    times, out = [], None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out

