"""The metrics providers by name; an unknown name is an ``UnknownNameError``."""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import UnknownNameError
from ...spec.release import Metric
from .base import MetricsProvider, ProviderContext, ProviderType
from .cloudwatch import CloudWatchProvider
from .prometheus import PrometheusProvider
from .synthetic import SyntheticProvider
from .webhook import WebhookProvider

__all__ = ["PROVIDERS", "get_provider", "metric_problems"]

PROVIDERS: dict[str, ProviderType] = {
    "prometheus": PrometheusProvider,
    "cloudwatch": CloudWatchProvider,
    "webhook": WebhookProvider,
    "synthetic": SyntheticProvider,
}


def _kind(name: str) -> ProviderType:
    if name not in PROVIDERS:
        raise UnknownNameError("metrics provider", name, PROVIDERS)
    return PROVIDERS[name]


def get_provider(name: str, context: ProviderContext | None = None) -> MetricsProvider:
    return _kind(name)(context or ProviderContext())


def metric_problems(name: str, metrics: Sequence[Metric]) -> list[str]:
    """What provider ``name`` cannot measure in ``metrics`` (checked before a release starts)."""
    return _kind(name).problems(metrics)
