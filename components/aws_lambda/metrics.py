"""CloudWatch alarms of a Lambda color, for the release engine's judges and for people.

The metrics and their dimensions (``AWS/Lambda``; ``FunctionName``, ``Resource`` of the
production alias, ``ExecutedVersion`` of the color) are written once in
``vocab.lambda_metrics``, which the CloudWatch metrics provider reads too. The
``BlueGreen`` component registers each color's version (its outputs
``colors.<color>.version``), so a metrics provider can fill ``ExecutedVersion`` in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...spec.backends import Alarms
from ...vocab.lambda_metrics import DISTRIBUTION, NAMESPACE, RATE, dimensions, metric_queries
from ..aws_common.alarms import AlarmMetrics
from ..aws_common.alarms import alarms as shared_alarms


def alarm_names(instance: str) -> dict[str, str]:
    """The CloudWatch alarm names of one color (``checkout-lambda-prod-blue``)."""
    return {"error-rate": f"{instance}-error-rate", "latency": f"{instance}-p99-duration"}


LAMBDA_ALARMS = AlarmMetrics(namespace=NAMESPACE, events="Errors", total="Invocations", latency=DISTRIBUTION,
                             latency_per_ms=1.0, what="function errors", per="invocations",
                             rate_label="error rate", latency_label="duration")


def alarms(names: Mapping[str, str], alarm: Alarms, dims: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """MetricAlarm arguments per role: the color's error rate (Errors / Invocations) and
    its p99 duration, through the production alias."""
    return shared_alarms(names, alarm, LAMBDA_ALARMS, dims)


__all__ = ["DISTRIBUTION", "LAMBDA_ALARMS", "NAMESPACE", "RATE", "alarm_names", "alarms", "dimensions",
           "metric_queries"]
