"""Prometheus over its HTTP API (httpx).

Settings (``release.analysis.providerSettings``): ``url`` (or ``$TRICOLOR_PROMETHEUS_URL``),
``timeout`` seconds (5), ``step`` seconds for range queries (15), ``requestsQuery`` (the
requests of one color over the window, e.g.
``sum(increase(http_requests_total{color="{{color}}"}[{{window}}]))``: the traffic check's
totals when no rate metric is measured).

- ``rate`` metrics: ``query`` gives the events and ``totalQuery`` the total over the
  window, both instant queries at the window's end, e.g.
  ``sum(increase(http_requests_total{color="{{color}}",code=~"5.."}[{{window}}]))``.
- ``distribution`` metrics: ``query`` is evaluated over the window as a range query;
  every value of every series is a sample.

A ``rolling`` release measures the previous version over its own window (before the
update): its queries are evaluated at that window's end (``Window.span``). Its one
environment has no color: ``{{color}}`` is filled in empty, and ``color=""`` selects
the series without a color label (``{{version}}`` still names each version).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...lazy import later
from ...spec.release import Metric
from ..errors import ProviderError
from ..judge import Counts, Sample
from .base import Measurement, ProviderContext, Window, render_query

if TYPE_CHECKING:
    import httpx
else:
    httpx = later("httpx")  # heavy: imported when first used

__all__ = ["PrometheusProvider", "URL_ENV"]

URL_ENV = "TRICOLOR_PROMETHEUS_URL"


class PrometheusProvider:
    name = "prometheus"

    def __init__(self, context: ProviderContext) -> None:
        settings, client = context.settings, context.client
        url = settings.get("url") or os.environ.get(URL_ENV)
        if not url:
            raise ProviderError(f"prometheus: no URL (set analysis.providerSettings.url or ${URL_ENV})")
        self.url = str(url).rstrip("/")
        self.step = float(settings.get("step", 15))
        requests = settings.get("requestsQuery")
        self.requests_query = str(requests) if requests else None
        self.client = client or httpx.Client(timeout=float(settings.get("timeout", 5)))

    @staticmethod
    def problems(metrics: Sequence[Metric]) -> list[str]:
        problems = []
        for m in metrics:
            if not m.query:
                problems.append(f"release.analysis.metrics {m.name!r}: prometheus needs a PromQL query")
            if m.kind == "rate" and not m.total_query:
                problems.append(f"release.analysis.metrics {m.name!r}: totalQuery is missing; a rate metric "
                                "needs the total (requests) next to query (the events) for prometheus")
        return problems

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        try:
            response = self.client.get(f"{self.url}{path}", params=params)
        except httpx.HTTPError as exc:
            raise ProviderError(f"prometheus at {self.url}: {exc.__class__.__name__}: {exc}") from None
        try:
            body = response.json()
        except ValueError:
            raise ProviderError(f"prometheus at {self.url}: HTTP {response.status_code}, not JSON") from None
        if response.status_code != 200 or body.get("status") != "success":
            raise ProviderError(f"prometheus at {self.url}: HTTP {response.status_code}: "
                                f"{body.get('errorType', '')} {body.get('error', '')}".strip())
        return body["data"]

    def instant(self, query: str, at: float) -> float | None:
        """The sum of an instant vector (``None``: empty result)."""
        data = self._get("/api/v1/query", {"query": query, "time": at})
        if data.get("resultType") == "scalar":
            return float(data["result"][1])
        if data.get("resultType") != "vector":
            raise ProviderError(f"prometheus: {query!r} gave a {data.get('resultType')}, not a vector")
        if not data["result"]:
            return None
        return sum(float(item["value"][1]) for item in data["result"])

    def values(self, query: str, start: float, end: float) -> list[float] | None:
        step = max(self.step, (end - start) / 10000.0, 0.001)
        data = self._get("/api/v1/query_range", {"query": query, "start": start, "end": end, "step": step})
        values = [float(v) for series in data.get("result", []) for _, v in series.get("values", [])]
        return values or None

    def _sample(self, metric: Metric, color: str, version: str, window: Window, role: str = "canary") -> Sample:
        if not metric.query:
            raise ProviderError(f"metric {metric.name!r}: the prometheus provider needs a query")
        color = "" if window.before_after else color  # rolling: the one environment has no color
        query = render_query(metric.query, color, version, window)
        start, end = window.span(role)
        if metric.kind == "distribution":
            return self.values(query, start, end)
        if not metric.total_query:
            raise ProviderError(f"metric {metric.name!r}: a rate metric needs totalQuery (the total "
                                "requests) next to query (the events) for the prometheus provider")
        events = self.instant(query, end)
        total = self.instant(render_query(metric.total_query, color, version, window), end)
        if total is None:
            return None
        # No matching error series while requests exist means zero errors (a NaN total
        # stays NaN and is judged INCONCLUSIVE).
        return Counts(total=total, events=0.0 if events is None else events)

    def totals(self, window: Window) -> tuple[float, float] | None:
        """Both colors' requests over ``window`` (``requestsQuery``; ``None`` without it)."""
        if self.requests_query is None:
            return None
        found = [self.instant(render_query(self.requests_query, color, version, window), window.end)
                 for color, version in ((window.baseline, window.baseline_version),
                                        (window.canary, window.canary_version))]
        return None if found[0] is None or found[1] is None else (found[0], found[1])

    def measure(self, metric: Metric, window: Window) -> Measurement:
        return Measurement(
            baseline=self._sample(metric, window.baseline, window.baseline_version, window, "baseline"),
            canary=self._sample(metric, window.canary, window.canary_version, window),
        )
