"""The CloudWatch provider: GetMetricData on ALB target-group metrics, against moto's server."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import boto3
import pytest

from tricolor.rollout.errors import ProviderError
from tricolor.rollout.judge import Counts, MetricWindow, get_judge
from tricolor.rollout.providers.base import ProviderContext, Window
from tricolor.rollout.providers.registry import get_provider
from tricolor.spec.release import Metric

pytestmark = pytest.mark.servers


def datum(group: str, name: str, value: float, at: float) -> dict[str, object]:
    return {"MetricName": name, "Dimensions": [{"Name": "TargetGroup", "Value": group}],
            "Timestamp": datetime.fromtimestamp(at, UTC), "Value": value}


def test_cloudwatch_rates_and_latency(aws_env):
    cw = boto3.client("cloudwatch")
    suffix = uuid.uuid4().hex[:8]
    groups = {"blue": f"targetgroup/blue-{suffix}/1", "green": f"targetgroup/green-{suffix}/2"}
    now = time.time()
    data = []
    for minute in range(1, 6):
        at = now - minute * 60
        data += [datum(groups["blue"], "RequestCount", 10_000, at),
                 datum(groups["blue"], "HTTPCode_Target_5XX_Count", 100, at),
                 datum(groups["green"], "RequestCount", 1_000, at),
                 datum(groups["green"], "HTTPCode_Target_5XX_Count", 50, at),
                 datum(groups["blue"], "TargetResponseTime", 0.1, at),
                 datum(groups["green"], "TargetResponseTime", 0.3, at)]
    cw.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=data)
    settings = {"targetGroups": groups, "statistic": "Average", "period": 60}
    provider = get_provider("cloudwatch", ProviderContext(settings))
    window = Window(start=now - 3600, end=now + 60, canary="green", baseline="blue", canary_weight=10)
    m = provider.measure(Metric(name="error-rate", kind="rate", max=0.01), window)
    assert m.baseline == Counts(total=50_000, events=500) and m.canary == Counts(total=5_000, events=250)
    verdict = get_judge("statistical", 100).judge_metric(MetricWindow("error-rate", "rate", m.baseline, m.canary))
    assert verdict.verdict == "fail"
    lat = provider.measure(Metric(name="latency", kind="distribution"), window)
    assert lat.canary and all(v == pytest.approx(0.3) for v in lat.canary)
    # A target group with no datapoints: no data, judged INCONCLUSIVE.
    groups_of_quiet = {"blue": groups["blue"], "green": "targetgroup/none/3"}
    quiet = get_provider("cloudwatch", ProviderContext({"targetGroups": groups_of_quiet}))
    empty = quiet.measure(Metric(name="error-rate", kind="rate"), window)
    assert empty.canary is None
    assert get_judge("statistical").judge_metric(
        MetricWindow("error-rate", "rate", empty.baseline, empty.canary)).verdict == "inconclusive"


def test_cloudwatch_settings_are_checked(aws_env):
    with pytest.raises(ProviderError, match="targetGroups must map blue and green"):
        get_provider("cloudwatch", ProviderContext({"targetGroups": {"blue": "x"}}))
