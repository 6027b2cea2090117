"""Metrics providers: what the judges see, for the canary and the baseline colors.

``MetricsProvider`` is the protocol (one ``measure`` call per metric and window);
``prometheus``, ``cloudwatch``, ``webhook`` and ``synthetic`` are the implementations,
built by ``get_provider``. A provider raises ``ProviderError`` when it cannot answer;
it returns ``None`` samples when there is no data (judged INCONCLUSIVE, never PASS).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from ..spec import Color
from ..spec.release import Metric
from .errors import UnknownNameError
from .judge import Sample, Verdict


@dataclass(frozen=True)
class Window:
    """The time range to measure (epoch seconds) and who is who in it."""

    start: float
    end: float
    canary: Color
    baseline: Color
    canary_version: str = ""
    baseline_version: str = ""
    canary_weight: int = 0

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Measurement:
    """Samples of both colors, or a verdict when the provider judges by itself."""

    baseline: Sample = None
    canary: Sample = None
    verdict: Verdict | None = None
    reason: str = ""


class MetricsProvider(Protocol):
    name: str

    def measure(self, metric: Metric, window: Window) -> Measurement: ...


def render_query(template: str, color: str, version: str, window: Window) -> str:
    """Fill ``{{color}}``, ``{{version}}`` and ``{{window}}`` (e.g. ``300s``) in a query."""
    seconds = max(1, int(round(window.seconds)))
    return (template.replace("{{color}}", color).replace("{{version}}", version)
            .replace("{{window}}", f"{seconds}s"))


def version_of(image: str) -> str:
    """The tag (or digest) of an image reference, the usual ``version`` label."""
    name = image.rsplit("/", 1)[-1]
    if "@" in name:
        return name.split("@", 1)[1]
    return name.split(":", 1)[1] if ":" in name else "latest"


PROVIDERS = ("prometheus", "cloudwatch", "webhook", "synthetic")


def metric_problems(provider: str, metrics: list[Metric]) -> list[str]:
    """What a provider cannot measure in ``metrics`` (checked before a release starts)."""
    problems = []
    if provider == "prometheus":
        for m in metrics:
            if not m.query:
                problems.append(f"release.analysis.metrics {m.name!r}: prometheus needs a PromQL query")
            if m.kind == "rate" and not m.total_query:
                problems.append(f"release.analysis.metrics {m.name!r}: totalQuery is missing; a rate metric "
                                "needs the total (requests) next to query (the events) for prometheus")
    return problems


def get_provider(name: str, settings: dict[str, Any] | None = None) -> MetricsProvider:
    settings = dict(settings or {})
    if name == "prometheus":
        from .prometheus import PrometheusProvider

        return PrometheusProvider(settings)
    if name == "cloudwatch":
        from .cloudwatch import CloudWatchProvider

        return CloudWatchProvider(settings)
    if name == "webhook":
        from .webhook import WebhookProvider

        return WebhookProvider(settings)
    if name == "synthetic":
        from .synthetic import SyntheticProvider

        return SyntheticProvider(settings)
    raise UnknownNameError("metrics provider", name, PROVIDERS)
