"""Shared data for the judges' tests: seeded latency samples and window builders
(as fixtures, so every test module gets the same ones)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from tricolor.rollout.judges import MetricWindow

JUDGE_NAMES = ["threshold", "statistical"]


@pytest.fixture(scope="session")
def lat() -> SimpleNamespace:
    """Lognormal latencies (ms): a 4,000-value baseline, a same-distribution canary, a 1.5x slower one."""
    rng = np.random.default_rng(1)
    return SimpleNamespace(base=rng.lognormal(np.log(100), 0.4, 4000).tolist(),
                           same=rng.lognormal(np.log(100), 0.4, 800).tolist(),
                           slow=rng.lognormal(np.log(150), 0.4, 800).tolist())


def _builder(name: str, kind: str) -> Callable[..., MetricWindow]:
    def build(baseline: Any, canary: Any, **kw: Any) -> MetricWindow:
        return MetricWindow(name=name, kind=kind, baseline=baseline, canary=canary, **kw)

    return build


@pytest.fixture(scope="session")
def rate() -> Callable[..., MetricWindow]:
    return _builder("error-rate", "rate")


@pytest.fixture(scope="session")
def latency() -> Callable[..., MetricWindow]:
    return _builder("latency", "distribution")
