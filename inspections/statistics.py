"""Rates with their uncertainty, for case-file audits: a sample of 20 files says less than one of 200."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The normal quantile for a two-sided 95% interval.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Rate:
    """``successes`` of ``trials``, as a proportion with its 95% Wilson score interval."""

    successes: int
    trials: int
    low: float
    high: float

    @property
    def proportion(self) -> float | None:
        return self.successes / self.trials if self.trials else None


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion (Wilson 1927): unlike the textbook
    "p +/- z sqrt(p(1-p)/n)" it stays within 0 to 1 and is honest for small samples and rates near 0 or 1.
    With no trials, it is the whole range."""
    if trials <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and the number of trials")
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    denominator = 1 + z2 / trials
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


def rate(successes: int, trials: int) -> Rate:
    low, high = wilson_interval(successes, trials)
    return Rate(successes=successes, trials=trials, low=low, high=high)
