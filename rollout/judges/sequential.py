"""Group-sequential boundaries: how a judge that looks again and again at a growing
window keeps its overall false-failure rate.

An analysis step measures the cumulative window every ``interval``; testing each look
at the same level would fail a good canary far more often than that level. The
O'Brien-Fleming boundary spends little of ``alpha`` early, when counts are small, and
most of it at the planned last look: at look ``k`` of ``K`` the one-sided test rejects
when ``Z >= C * sqrt(K / k)``, with ``C`` chosen so that all ``K`` looks together fail a
canary that is as good as the baseline with probability ``alpha``. Looks beyond ``K``
use the last boundary.
"""

from __future__ import annotations

from functools import lru_cache

from .lazy import np, stats

_PATHS = 200_000


@lru_cache(maxsize=64)
def obf_constant(alpha: float, looks: int) -> float:
    """``C`` for ``looks`` equally spaced looks at overall one-sided level ``alpha``.

    Under the null the cumulative statistic is a random walk ``S``; the boundary is
    crossed when ``max_k S_k / sqrt(K) >= C``. Its quantile is estimated once per
    (alpha, looks) from seeded simulated walks (deterministic).
    """
    if looks <= 1:
        return float(stats.norm.isf(alpha))
    rng = np.random.default_rng(20240601 + looks)
    walks = np.cumsum(rng.standard_normal((_PATHS, looks), dtype=np.float32), axis=1)
    peak = walks.max(axis=1) / np.sqrt(looks)
    return float(np.quantile(peak, 1 - alpha))


def nominal_alpha(alpha: float, look: int, looks: int) -> float:
    """The level to test look ``look`` (1-based) at, so ``looks`` looks spend ``alpha``."""
    if looks <= 1:
        return alpha
    k = min(max(look, 1), looks)
    return float(stats.norm.sf(obf_constant(alpha, looks) * np.sqrt(looks / k)))
