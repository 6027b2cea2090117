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


def lambda_datum(function: str, version: str | None, name: str, value: float, at: float) -> dict[str, object]:
    dims = [{"Name": "FunctionName", "Value": function}, {"Name": "Resource", "Value": f"{function}:live"}]
    if version is not None:
        dims.append({"Name": "ExecutedVersion", "Value": version})
    return {"MetricName": name, "Dimensions": dims, "Timestamp": datetime.fromtimestamp(at, UTC), "Value": value}


def lambda_function(function: str) -> tuple[str, str]:
    """A container-image function with two published versions and the colors' aliases
    on them, as the lambda backend leaves it (moto's Lambda)."""
    import json

    role = boto3.client("iam").create_role(
        RoleName=f"role-{function}", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
                                                                          "Statement": []}))["Role"]["Arn"]
    lam = boto3.client("lambda")
    ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout"
    lam.create_function(FunctionName=function, Role=role, PackageType="Image", Code={"ImageUri": f"{ecr}:1.4.2"})
    blue = lam.publish_version(FunctionName=function)["Version"]
    lam.update_function_code(FunctionName=function, ImageUri=f"{ecr}:1.5.0")
    green = lam.publish_version(FunctionName=function)["Version"]
    lam.create_alias(FunctionName=function, Name="blue", FunctionVersion=blue)
    lam.create_alias(FunctionName=function, Name="green", FunctionVersion=green)
    return blue, green


def test_cloudwatch_lambda_colors_are_the_alias_invocations_per_executed_version(aws_env):
    function = f"checkout-{uuid.uuid4().hex[:8]}"
    blue, green = lambda_function(function)
    now = time.time()
    data = []
    for minute in range(1, 4):
        at = now - minute * 60
        data += [lambda_datum(function, blue, "Invocations", 9_000, at),
                 lambda_datum(function, blue, "Errors", 90, at),
                 lambda_datum(function, green, "Invocations", 1_000, at),
                 lambda_datum(function, green, "Errors", 100, at),
                 lambda_datum(function, blue, "Duration", 120, at),
                 lambda_datum(function, green, "Duration", 480, at)]
    boto3.client("cloudwatch").put_metric_data(Namespace="AWS/Lambda", MetricData=data)
    # the colors' versions read from their own aliases (blue -> 1, green -> 2)
    provider = get_provider("cloudwatch", ProviderContext({"function": function, "statistic": "Average"}))
    window = Window(start=now - 3600, end=now + 60, canary="green", baseline="blue", canary_weight=10)
    m = provider.measure(Metric(name="error-rate", kind="rate", max=0.01), window)
    assert m.baseline == Counts(total=27_000, events=270) and m.canary == Counts(total=3_000, events=300)
    latency = provider.measure(Metric(name="latency", kind="distribution"), window)
    assert latency.canary and all(v == pytest.approx(480) for v in latency.canary)
    # explicit versions win over the aliases
    pinned = get_provider("cloudwatch", ProviderContext({"function": function, "versions": {"blue": green,
                                                                                             "green": blue}}))
    swapped = pinned.measure(Metric(name="error-rate", kind="rate"), window)
    assert swapped.canary == Counts(total=27_000, events=270)


def test_cloudwatch_lambda_rolling_windows_leave_executed_version_out(aws_env):
    """A rolling stack: one version at a time behind the alias, told apart by time."""
    function = f"checkout-{uuid.uuid4().hex[:8]}"
    now = time.time()
    update = now - 600
    data = [lambda_datum(function, None, "Invocations", 1_000, update - 120),
            lambda_datum(function, None, "Errors", 5, update - 120),
            lambda_datum(function, None, "Invocations", 1_000, now - 120),
            lambda_datum(function, None, "Errors", 80, now - 120)]
    boto3.client("cloudwatch").put_metric_data(Namespace="AWS/Lambda", MetricData=data)
    provider = get_provider("cloudwatch", ProviderContext({"function": function, "alias": "live"}))
    window = Window(start=update, end=now + 60, canary="green", baseline="blue", canary_weight=100,
                    baseline_start=update - 600, baseline_end=update)
    m = provider.measure(Metric(name="error-rate", kind="rate", max=0.01), window)
    assert m.baseline == Counts(total=1_000, events=5) and m.canary == Counts(total=1_000, events=80)


def test_cloudwatch_lambda_missing_alias_is_a_provider_error(aws_env):
    provider = get_provider("cloudwatch", ProviderContext({"function": f"none-{uuid.uuid4().hex[:8]}"}))
    window = Window(start=time.time() - 600, end=time.time(), canary="green", baseline="blue", canary_weight=10)
    with pytest.raises(ProviderError, match="the version of blue"):
        provider.measure(Metric(name="error-rate", kind="rate"), window)
