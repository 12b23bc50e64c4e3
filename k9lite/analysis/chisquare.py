"""The chi-square goodness-of-fit test of a probe's counts, on its own small gamma function.

scipy would bring ~100 MB for one function: the regularized upper incomplete gamma Q(a, x)
(the chi-square survival function is Q(k / 2, x / 2)) is a few lines of Numerical Recipes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["chi_square_p", "upper_gamma_q"]

_NOISE = 1e-9
"""Differences below this share of the expected count are floating-point noise."""


def chi_square_p(observed: Sequence[int], expected: Sequence[float]) -> float:
    """The chi-square goodness-of-fit p-value of counts against expected shares.

    `expected` are shares (normalised to sum to 1); the statistic sum((o - e)^2 / e), with
    e = share * total, is compared with the chi-square distribution of k - 1 degrees of
    freedom, k the categories with a share. A count in a category of share 0 rejects outright
    (p = 0). Like any chi-square test it is an approximation, poor below ~5 expected a pod.
    """
    if len(observed) != len(expected):
        raise ValueError(f"{len(observed)} counts against {len(expected)} expected shares")
    if any(o < 0 for o in observed) or any(e < 0 for e in expected):
        raise ValueError("counts and expected shares must not be negative")
    total, weight = sum(observed), math.fsum(expected)
    if total == 0:
        return 1.0
    if weight <= 0:
        raise ValueError("expected shares sum to zero")
    statistic, categories = 0.0, 0
    for count, share in zip(observed, expected, strict=True):
        mean = share / weight * total
        if mean <= 0:
            if count > 0:
                return 0.0
            continue
        categories += 1
        difference = count - mean
        if abs(difference) > _NOISE * mean:
            statistic += difference * difference / mean
    if categories < 2:
        return 1.0
    return upper_gamma_q((categories - 1) / 2, statistic / 2)


_EPSILON = 1e-15
_TINY = 1e-300
_MAX_ITERATIONS = 10_000


def upper_gamma_q(a: float, x: float) -> float:
    """The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a).

    The chi-square survival function is Q(k / 2, x / 2). As Numerical Recipes' gammq: the
    series of P = 1 - Q converges fast for x < a + 1, the continued fraction of Q beyond.
    """
    if a <= 0 or x < 0:
        raise ValueError(f"Q(a, x) needs a > 0 and x >= 0, got a={a}, x={x}")
    if x == 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    if x < a + 1:
        return max(0.0, 1.0 - _lower_series(a, x))
    return min(1.0, _upper_fraction(a, x))


def _prefactor(a: float, x: float) -> float:
    """x^a e^-x / Γ(a), in logarithms so that neither overflows."""
    return math.exp(a * math.log(x) - x - math.lgamma(a))


def _lower_series(a: float, x: float) -> float:
    """P(a, x) by its series: sum of x^n / (a (a+1) ... (a+n)), times the prefactor."""
    term = total = 1 / a
    denominator = a
    for _ in range(_MAX_ITERATIONS):
        denominator += 1
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPSILON:
            break
    return total * _prefactor(a, x)


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction, evaluated with the modified Lentz method."""
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    fraction = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = d if abs(d) >= _TINY else _TINY
        c = b + an / c
        c = c if abs(c) >= _TINY else _TINY
        d = 1 / d
        step = d * c
        fraction *= step
        if abs(step - 1) < _EPSILON:
            break
    return _prefactor(a, x) * fraction
