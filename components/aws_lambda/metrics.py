"""CloudWatch metrics and alarms of a Lambda color, for the release engine's judges.

Lambda publishes in the ``AWS/Lambda`` namespace, per function, per alias or version
(``Resource``) and, for invocations through an alias, per version that ran them
(``ExecutedVersion``). During a canary the production alias splits invocations between
two versions, so a color's metrics are those of the alias whose ``ExecutedVersion`` is
the color's version:

==========================  ===========================================================
metric                      use
==========================  ===========================================================
``Invocations`` (Sum)       the total of a rate (requests)
``Errors`` (Sum)            the events of a rate (function errors)
``Throttles`` (Sum)         invocations refused for lack of concurrency
``Duration`` (p99)          a distribution (milliseconds)
==========================  ===========================================================

dimensions: ``FunctionName=<function>``, ``Resource=<function>:<alias>``,
``ExecutedVersion=<version of the color>``. Smoke tests invoke a color through its own
alias (``<function>:blue``); its metrics have ``Resource=<function>:blue``.

The ``BlueGreen`` component registers each color's version (its outputs
``colors.<color>.version``; ``pair.colors[color].version`` in the program), so a metrics
provider can fill ``ExecutedVersion`` in; ``metric_queries`` builds the ``GetMetricData``
queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...spec.backends import Alarms
from ..aws_common.alarms import AlarmMetrics
from ..aws_common.alarms import alarms as shared_alarms

NAMESPACE = "AWS/Lambda"
RATE = ("Errors", "Invocations")
DISTRIBUTION = "Duration"


def dimensions(function: str, alias: str, version: Any) -> dict[str, Any]:
    """The dimensions of one color's invocations through the production ``alias``."""
    return {"FunctionName": function, "Resource": f"{function}:{alias}", "ExecutedVersion": version}


def metric_queries(function: str, alias: str, version: str, period: int = 60, statistic: str = "p99"
                   ) -> list[dict[str, Any]]:
    """``GetMetricData`` queries of one color: errors, invocations, duration."""
    dims = [{"Name": k, "Value": str(v)} for k, v in dimensions(function, alias, version).items()]

    def query(qid: str, name: str, stat: str) -> dict[str, Any]:
        return {"Id": qid, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": NAMESPACE, "MetricName": name, "Dimensions": dims},
            "Period": period, "Stat": stat}}

    return [query("errors", "Errors", "Sum"), query("invocations", "Invocations", "Sum"),
            query("duration", DISTRIBUTION, statistic)]


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
