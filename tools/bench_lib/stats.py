"""Small statistics: median and p95 the same way for every metric."""

import statistics


def percentile(samples: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not samples:
        return None
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples: list[float]) -> dict:
    return {"n": len(samples),
            "median": statistics.median(samples) if samples else None,
            "p95": percentile(samples, 0.95),
            "min": min(samples) if samples else None,
            "max": max(samples) if samples else None}


def ratio(a, b) -> float | None:
    if a is None or b in (None, 0):
        return None
    return a / b
