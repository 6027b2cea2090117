"""AWS Lambda's CloudWatch metrics of a color, written once for the components (the
alarms) and the release engine (the CloudWatch provider).

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
``ExecutedVersion=<version of the color>``. A rolling stack has one version at a time
behind the alias: its versions are told apart by time, and ``version=None`` leaves
``ExecutedVersion`` out.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DISTRIBUTION", "EVENTS", "NAMESPACE", "RATE", "TOTAL", "dimensions", "metric_queries", "query"]

NAMESPACE = "AWS/Lambda"
EVENTS = "Errors"
TOTAL = "Invocations"
RATE = (EVENTS, TOTAL)
DISTRIBUTION = "Duration"


def dimensions(function: str, alias: str, version: Any = None) -> dict[str, Any]:
    """The dimensions of one color's invocations through the production ``alias``."""
    dims: dict[str, Any] = {"FunctionName": function, "Resource": f"{function}:{alias}"}
    if version is not None:
        dims["ExecutedVersion"] = version
    return dims


def query(qid: str, name: str, dims: dict[str, Any], period: int, stat: str) -> dict[str, Any]:
    """One ``GetMetricData`` query of a Lambda metric."""
    return {"Id": qid, "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": NAMESPACE, "MetricName": name,
                   "Dimensions": [{"Name": k, "Value": str(v)} for k, v in dims.items()]},
        "Period": period, "Stat": stat}}


def metric_queries(function: str, alias: str, version: str | None, period: int = 60, statistic: str = "p99",
                   prefix: str = "") -> list[dict[str, Any]]:
    """``GetMetricData`` queries of one color: errors, invocations, duration."""
    dims = dimensions(function, alias, version)
    return [query(f"{prefix}errors", EVENTS, dims, period, "Sum"), query(f"{prefix}invocations", TOTAL, dims, period,
                                                                         "Sum"),
            query(f"{prefix}duration", DISTRIBUTION, dims, period, statistic)]
