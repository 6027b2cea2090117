"""CloudWatch alarms per color, the same two for every AWS backend: a rate (events over
requests, both summed per period) and a p99 latency. Pure: MetricAlarm arguments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...spec.backends import Alarms


@dataclass(frozen=True)
class AlarmMetrics:
    """Which metrics a backend's alarms read, and how its latency is measured."""

    namespace: str
    events: str  # counted failures (5xx responses, function errors)
    total: str  # counted requests (requests, invocations)
    latency: str  # a duration metric
    latency_per_ms: float  # the latency metric's unit per millisecond (seconds: 0.001)
    what: str  # "5xx responses" / "function errors"
    per: str  # "requests" / "invocations"
    rate_label: str  # "5xx rate"
    latency_label: str  # "target response time"


def alarms(names: Mapping[str, str], alarm: Alarms, metrics: AlarmMetrics, dimensions: Mapping[str, Any]
           ) -> dict[str, dict[str, Any]]:
    """MetricAlarm arguments per role (``error-rate``, ``latency``)."""

    def metric(query_id: str, metric_name: str) -> dict[str, Any]:
        return {"id": query_id, "return_data": False, "metric": {
            "namespace": metrics.namespace, "metric_name": metric_name, "period": alarm.period_seconds,
            "stat": "Sum", "dimensions": dict(dimensions)}}

    common = {
        "comparison_operator": "GreaterThanThreshold",
        "evaluation_periods": alarm.evaluation_periods,
        "datapoints_to_alarm": alarm.evaluation_periods,
        "treat_missing_data": "missing",
    }
    return {
        "error-rate": {
            "name": names["error-rate"],
            "alarm_description": f"{metrics.what} above {alarm.error_rate:.2%} of {metrics.per}",
            "threshold": alarm.error_rate,
            "metric_queries": [
                metric("errors", metrics.events),
                metric("requests", metrics.total),
                {"id": "rate", "label": metrics.rate_label, "return_data": True,
                 "expression": "IF(requests > 0, errors / requests, 0)"},
            ],
            **common,
        },
        "latency": {
            "name": names["latency"],
            "alarm_description": f"p99 {metrics.latency_label} above {alarm.latency_p99_ms} ms",
            "namespace": metrics.namespace,
            "metric_name": metrics.latency,
            "extended_statistic": "p99",
            "period": alarm.period_seconds,
            "dimensions": dict(dimensions),
            "threshold": alarm.latency_p99_ms * metrics.latency_per_ms,
            **common,
        },
    }


__all__ = ["AlarmMetrics", "alarms"]
