"""The exact power of the one-sided Fisher test the statistical judge runs on rates, and
the smallest canary size that reaches a power.

The normal approximation (with its continuity correction) is good when both colors
expect many events, and optimistic when the canary expects few: at a 1 % error rate,
a 5 % canary and a 2x effect, its 1,483 canary requests give Fisher's test 76 % power,
not 80 %. Here the power is summed exactly: the canary's events ``x_c ~ Bin(n_c, p2)``
and the baseline's ``x_b ~ Bin(n_b, p1)`` (each over its range holding all but 1e-9 of
its mass), the test rejecting when ``x_c`` is at or beyond the critical value of the
hypergeometric distribution given ``x_c + x_b`` events (its tail summed over the same
range of ``x_c``: what lies beyond is below 1e-9). Matrices of log-probabilities: fast
for the small counts where it matters. Above
``MAX_CELLS`` the normal approximation is used as is (it is accurate there).
"""

from __future__ import annotations

import math

from .base import Side
from .lazy import np, special, stats

MAX_CELLS = 4_000_000
_TAIL = 1e-9


def _support(n: int, p: float) -> tuple[np.ndarray, np.ndarray]:
    low, high = stats.binom.ppf(_TAIL, n, p), stats.binom.isf(_TAIL, n, p)
    x = np.arange(int(max(low, 0)), int(min(high, n)) + 1)
    return x, stats.binom.pmf(x, n, p)


def _log_choose(n: np.ndarray | int, k: np.ndarray) -> np.ndarray:
    return np.asarray(special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1))


def _hypergeom_pmf(x: np.ndarray, total: np.ndarray, nc: int, nb: int) -> np.ndarray:
    """P(X = x) when ``total`` events fall on ``nc`` canary and ``nb`` baseline requests at random."""
    other = total - x
    valid = (other >= 0) & (other <= nb) & (x <= total)
    safe = np.where(valid, other, 0)
    log_pmf = _log_choose(nc, x) + _log_choose(nb, safe) - _log_choose(nc + nb, total)
    return np.where(valid, np.exp(log_pmf), 0.0)


def cells(nc: int, nb: int, p1: float, p2: float) -> int:
    """How many (canary events, baseline events) pairs ``fisher_power`` would sum over."""
    width = lambda n, p: 13 * math.sqrt(n * p * (1 - p)) + 2  # noqa: E731
    return int(width(nc, p2) * width(nb, p1))


def fisher_power(nc: int, nb: int, p1: float, p2: float, level: float, side: Side = "higher") -> float:
    """The chance that Fisher's one-sided test at ``level`` fails a canary of rate ``p2``
    (``nc`` requests) against a baseline of rate ``p1`` (``nb`` requests)."""
    xc, pc = _support(nc, p2)
    xb, pb = _support(nb, p1)
    totals = np.arange(xc[0] + xb[0], xc[-1] + xb[-1] + 1)
    # p-value of every (canary events, total events) pair, then looked up per (x_c, x_b)
    pmf = _hypergeom_pmf(xc[:, None], totals[None, :], nc, nb)
    # P(X >= x | total) for "higher", P(X <= x | total) for "lower"
    p_values = np.cumsum(pmf[::-1], axis=0)[::-1] if side == "higher" else np.cumsum(pmf, axis=0)
    columns = xc[:, None] + xb[None, :] - totals[0]
    reject = np.take_along_axis(p_values < level, columns, axis=1)
    return float(pc @ reject.astype(float) @ pb)


def fisher_samples(p1: float, p2: float, k: float, level: float, power: float, side: Side, start: float) -> int:
    """The smallest canary size (baseline ``k`` times it) at which ``fisher_power`` reaches
    ``power``, searched from the approximation ``start``; ``start`` itself when the counts
    are too large to sum (where the approximation holds)."""
    n0 = max(int(math.ceil(start)), 2)
    if cells(n0 * 2, int(n0 * 2 * k), p1, p2) > MAX_CELLS:
        return n0

    def enough(n: int) -> bool:
        return fisher_power(n, max(int(round(n * k)), 1), p1, p2, level, side) >= power

    low, high = max(n0 // 2, 1), n0
    while not enough(high):
        low, high = high, high * 2
        if cells(high, int(high * k), p1, p2) > MAX_CELLS:
            return high
    while high - low > max(1, high // 500):
        mid = (low + high) // 2
        if enough(mid):
            high = mid
        else:
            low = mid
    return high
