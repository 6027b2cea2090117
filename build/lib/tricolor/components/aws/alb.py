"""Application Load Balancer shapes and limits: weighted forward actions, header rules,
target group health checks, CloudWatch alarms. Pure functions, no Pulumi.

ALB limits (AWS documentation, "Listeners for your Application Load Balancers"):
a forward action holds at most 5 target groups, each weighted 0..999, and at least one
weight must be above 0. tricolor's weights are percentages (0..100, adding up to 100);
they are passed through unchanged, which keeps their ratio and stays inside 0..999.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...spec.model import Probe
from ..errors import BackendLimitError
from .settings import Alarms

ALB_WEIGHT_MAX = 999
ALB_TARGET_GROUPS_MAX = 5
NAMESPACE = "AWS/ApplicationELB"


def alb_weights(weights: Mapping[str, int]) -> dict[str, int]:
    """Our weights as ALB weights, or ``BackendLimitError`` naming the value and the limit."""
    if not weights:
        raise BackendLimitError("a forward action needs at least one target group")
    if len(weights) > ALB_TARGET_GROUPS_MAX:
        raise BackendLimitError(
            f"{len(weights)} target groups ({', '.join(weights)}) in one forward action; "
            f"an ALB allows at most {ALB_TARGET_GROUPS_MAX}")
    out: dict[str, int] = {}
    for name, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= ALB_WEIGHT_MAX:
            raise BackendLimitError(f"weight of {name}: {weight!r} is outside the ALB limit 0..{ALB_WEIGHT_MAX}")
        out[name] = weight
    if not any(out.values()):
        raise BackendLimitError("every weight is 0; an ALB forward action needs at least one weight above 0")
    return out


def forward_action(target_groups: Mapping[str, Any], weights: Mapping[str, int] | None = None) -> dict[str, Any]:
    """A listener action forwarding to ``target_groups`` (name -> ARN) by ``weights``;
    without weights, a plain forward to the only target group. A weight of 0 is kept
    (the target group stays attached and receives nothing)."""
    if weights is None:
        if len(target_groups) != 1:
            raise BackendLimitError(f"{len(target_groups)} target groups but no weights to split them")
        (arn,) = target_groups.values()
        return {"type": "forward", "target_group_arn": arn}
    if set(weights) != set(target_groups):
        raise BackendLimitError(f"weights name {sorted(weights)} but the target groups are {sorted(target_groups)}")
    checked = alb_weights(weights)
    return {
        "type": "forward",
        "forward": {
            "target_groups": [{"arn": arn, "weight": checked[name]} for name, arn in target_groups.items()],
            "stickiness": {"enabled": False, "duration": 1},
        },
    }


def header_rule(header: str, value: str, target_group: Any) -> dict[str, Any]:
    """Listener rule arguments: requests whose ``header`` equals ``value`` go to one target group."""
    return {
        "conditions": [{"http_header": {"http_header_name": header, "values": [value]}}],
        "actions": [{"type": "forward", "target_group_arn": target_group}],
    }


def not_found_action(header: str) -> dict[str, Any]:
    return {
        "type": "fixed-response",
        "fixed_response": {"content_type": "text/plain", "status_code": "404",
                           "message_body": f"name a color in the {header} header"},
    }


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def target_group_health_check(probe: Probe) -> dict[str, Any]:
    """The readiness probe as an ALB health check, clamped to what ALB accepts
    (interval 5..300 s, timeout 2..120 s and below the interval, thresholds 2..10)."""
    interval = _clamp(probe.period_seconds, 5, 300)
    timeout = _clamp(probe.timeout_seconds, 2, min(120, interval - 1))
    return {
        "enabled": True,
        "path": probe.path,
        "port": str(probe.port) if probe.port else "traffic-port",
        "protocol": "HTTP",
        "matcher": "200-399",
        "interval": interval,
        "timeout": timeout,
        "healthy_threshold": 2,
        "unhealthy_threshold": _clamp(probe.failure_threshold, 2, 10),
    }


def alarm_names(instance: str) -> dict[str, str]:
    """The CloudWatch alarm names of one environment (``checkout-prod-blue``); the release
    engine reads their state with ``cloudwatch.describe_alarms(AlarmNames=...)``."""
    return {"error-rate": f"{instance}-5xx-rate", "latency": f"{instance}-p99-latency"}


def alarms(names: Mapping[str, str], alarm: Alarms, target_group: Any, load_balancer: Any) -> dict[str, dict[str, Any]]:
    """MetricAlarm arguments per role: the target group's 5xx rate (5xx / requests) and
    its p99 response time. ``target_group``/``load_balancer`` are ARN suffixes."""
    dimensions = {"TargetGroup": target_group, "LoadBalancer": load_balancer}

    def metric(query_id: str, metric_name: str) -> dict[str, Any]:
        return {"id": query_id, "return_data": False, "metric": {
            "namespace": NAMESPACE, "metric_name": metric_name, "period": alarm.period_seconds,
            "stat": "Sum", "dimensions": dimensions}}

    common = {
        "comparison_operator": "GreaterThanThreshold",
        "evaluation_periods": alarm.evaluation_periods,
        "datapoints_to_alarm": alarm.evaluation_periods,
        "treat_missing_data": "missing",
    }
    return {
        "error-rate": {
            "name": names["error-rate"],
            "alarm_description": f"5xx responses above {alarm.error_rate:.2%} of requests",
            "threshold": alarm.error_rate,
            "metric_queries": [
                metric("errors", "HTTPCode_Target_5XX_Count"),
                metric("requests", "RequestCount"),
                {"id": "rate", "label": "5xx rate", "return_data": True,
                 "expression": "IF(requests > 0, errors / requests, 0)"},
            ],
            **common,
        },
        "latency": {
            "name": names["latency"],
            "alarm_description": f"p99 target response time above {alarm.latency_p99_ms} ms",
            "namespace": NAMESPACE,
            "metric_name": "TargetResponseTime",
            "extended_statistic": "p99",
            "period": alarm.period_seconds,
            "dimensions": dimensions,
            "threshold": alarm.latency_p99_ms / 1000,
            **common,
        },
    }
