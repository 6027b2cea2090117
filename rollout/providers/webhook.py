"""A webhook provider: POST the metric and window, get samples or a verdict back.

Settings: ``url`` (required), ``timeout`` seconds (5), ``headers``.
Request: ``{"metric": {...}, "window": {...}}``. Response: either
``{"baseline": S, "canary": S}`` where ``S`` is ``{"total": N, "events": N}`` (rates)
or a list of numbers (distributions), or ``{"verdict": "pass"|"fail"|"inconclusive",
"reason": "..."}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...lazy import later
from ...spec.release import Metric
from ..errors import ProviderError
from ..judge import Counts, Sample
from .base import Measurement, ProviderContext, Window

if TYPE_CHECKING:
    import httpx
else:
    httpx = later("httpx")  # heavy: imported when first used

__all__ = ["WebhookProvider", "parse_sample"]


def parse_sample(value: Any, kind: str, where: str) -> Sample:
    if value is None:
        return None
    if kind == "rate":
        if not isinstance(value, dict) or set(value) != {"total", "events"}:
            raise ProviderError(f"{where}: a rate sample is {{\"total\": N, \"events\": N}}, got {value!r}")
        try:
            return Counts(total=float(value["total"]), events=float(value["events"]))
        except (TypeError, ValueError):
            raise ProviderError(f"{where}: total and events must be numbers, got {value!r}") from None
    if not isinstance(value, list):
        raise ProviderError(f"{where}: a distribution sample is a list of numbers, got {type(value).__name__}")
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError):
        raise ProviderError(f"{where}: a distribution sample is a list of numbers") from None


class WebhookProvider:
    name = "webhook"

    def __init__(self, context: ProviderContext) -> None:
        settings, client = context.settings, context.client
        if not settings.get("url"):
            raise ProviderError("webhook: providerSettings.url is required")
        self.url = str(settings["url"])
        self.client = client or httpx.Client(timeout=float(settings.get("timeout", 5)),
                                             headers=dict(settings.get("headers") or {}))

    @staticmethod
    def problems(metrics: Sequence[Metric]) -> list[str]:
        return []  # the webhook decides what it can answer

    def measure(self, metric: Metric, window: Window) -> Measurement:
        payload = {"metric": metric.model_dump(mode="json", by_alias=True), "window": window.as_dict()}
        try:
            response = self.client.post(self.url, json=payload)
        except httpx.HTTPError as exc:
            raise ProviderError(f"webhook {self.url}: {exc.__class__.__name__}: {exc}") from None
        if response.status_code != 200:
            raise ProviderError(f"webhook {self.url}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise ProviderError(f"webhook {self.url}: the answer is not JSON") from None
        if not isinstance(body, dict):
            raise ProviderError(f"webhook {self.url}: the answer must be a JSON object")
        if "verdict" in body:
            verdict = body["verdict"]
            if verdict not in ("pass", "fail", "inconclusive"):
                raise ProviderError(f"webhook {self.url}: verdict {verdict!r} is not pass, fail or inconclusive")
            return Measurement(verdict=verdict, reason=str(body.get("reason", "verdict from the webhook")))
        where = f"webhook {self.url}"
        return Measurement(baseline=parse_sample(body.get("baseline"), metric.kind, f"{where}: baseline"),
                           canary=parse_sample(body.get("canary"), metric.kind, f"{where}: canary"))
