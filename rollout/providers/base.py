"""Metrics providers: what the judges see, for the canary and the baseline colors.

``MetricsProvider`` is the protocol (one ``measure`` call per metric and window);
``prometheus``, ``cloudwatch``, ``webhook`` and ``synthetic`` implement it, each in its
own module, built by ``registry.get_provider`` from a ``ProviderContext``. A provider
raises ``ProviderError`` when it cannot answer; it returns ``None`` samples when there
is no data (judged INCONCLUSIVE, never PASS). A provider class also says, before a
release starts, what it cannot measure (``problems``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from ...spec.release import Metric
from ...spec.weights import Color
from ..judge import Sample, Verdict

__all__ = ["Measurement", "MetricsProvider", "ProviderContext", "ProviderType", "Window", "render_query",
           "version_of"]


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
    #: a ``rolling`` release: the previous version is measured over its own window
    #: (before the update) and the new one over ``start``..``end`` (``None``: the same)
    baseline_start: float | None = None
    baseline_end: float | None = None

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)

    @property
    def before_after(self) -> bool:
        """The baseline was measured before the update (no traffic is split)."""
        return self.baseline_start is not None and self.baseline_end is not None

    def span(self, role: str) -> tuple[float, float]:
        """(start, end) of ``role`` (``baseline`` or ``canary``)."""
        if role == "baseline" and self.baseline_start is not None and self.baseline_end is not None:
            return self.baseline_start, self.baseline_end
        return self.start, self.end

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Measurement:
    """Samples of both colors, or a verdict when the provider judges by itself."""

    baseline: Sample = None
    canary: Sample = None
    verdict: Verdict | None = None
    reason: str = ""


@dataclass(frozen=True)
class ProviderContext:
    """What a provider is built from: ``release.analysis.providerSettings`` (each
    provider reads its own keys) and, for tests, a client to use (httpx, boto3)."""

    settings: Mapping[str, Any] = field(default_factory=dict)
    client: Any = None


class MetricsProvider(Protocol):
    name: str

    def measure(self, metric: Metric, window: Window) -> Measurement: ...


class ProviderType(Protocol):
    """A provider class: built from a context; says what it cannot measure."""

    def __call__(self, context: ProviderContext) -> MetricsProvider: ...

    def problems(self, metrics: Sequence[Metric]) -> list[str]: ...


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
