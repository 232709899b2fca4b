"""Small helpers shared by the benches: memory, percentiles, figures."""

from __future__ import annotations

import resource
import statistics
from collections.abc import Sequence


def rss_mb() -> float:
    """This process's resident memory now, in MB (from /proc)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """The highest resident memory this process has had, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def figures(values: dict[str, float | str]) -> None:
    """Print the bench's figures last, one `name: value` per line."""
    for name, value in values.items():
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{name}: {text}", flush=True)
