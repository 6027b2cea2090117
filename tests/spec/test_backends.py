"""The backends' settings in a stack file: typed, every problem named with its key, an
unknown key answered with the nearest known one, integers bounded as the clouds bound
them."""

from __future__ import annotations

from typing import Any

import pytest

from tricolor.spec.backends import SETTINGS, AwsSettings, DockerSettings, KubernetesSettings, LambdaSettings
from tricolor.spec.errors import SpecError
from tricolor.spec.load import validate_model
from tricolor.spec.stack import BACKENDS, StackConfig

FILE = "Pulumi.test.yaml"
AWS = {"vpcId": "vpc-0a1b2c3d4e5f60718", "subnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]}


def problems(config: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        validate_model(StackConfig, {"environment": "production", "backend": "kubernetes", **config}, FILE,
                       prefix="config.tricolor:")
    assert all(p.file == FILE for p in caught.value.problems)
    return {p.path: p.message for p in caught.value.problems}


def test_every_backend_has_typed_settings() -> None:
    assert set(SETTINGS) == set(BACKENDS)
    config = StackConfig.model_validate({"environment": "staging", "backend": "lambda", "aws": AWS,
                                         "lambda": {"memorySize": 1024}, "docker": {"routerPort": 9000},
                                         "kubernetes": {"storageClassName": "gp3"}})
    assert isinstance(config.aws, AwsSettings) and isinstance(config.lambda_, LambdaSettings)
    assert isinstance(config.docker, DockerSettings) and isinstance(config.kubernetes, KubernetesSettings)
    assert (config.lambda_.memory_size, config.docker.router_port, config.kubernetes.storage_class_name) == (
        1024, 9000, "gp3")


@pytest.mark.parametrize(("config", "path", "hint"), [
    ({"aws": {**AWS, "listenerPrt": 80}}, "config.tricolor:aws.listenerPrt", "did you mean 'listenerPort'?"),
    ({"aws": {**AWS, "alarms": {"errorRat": 0.1}}}, "config.tricolor:aws.alarms.errorRat",
     "did you mean 'errorRate'?"),
    ({"docker": {"routerport": 80}}, "config.tricolor:docker.routerport", "did you mean 'routerPort'?"),
    ({"kubernetes": {"storageClass": "gp3"}}, "config.tricolor:kubernetes.storageClass",
     "did you mean 'storageClassName'?"),
    ({"lambda": {"colour": "blue"}}, "config.tricolor:lambda.colour", "known keys: alarms, alias, architecture"),
])
def test_an_unknown_key_is_refused_by_name_with_the_nearest_one(config: dict[str, Any], path: str,
                                                                hint: str) -> None:
    found = problems(config)
    assert path in found and found[path].startswith("unknown key") and hint in found[path]


def test_every_problem_is_reported_together() -> None:
    found = problems({"aws": {**AWS, "listenerPort": 70000, "colour": 1, "logRetentionDays": 10},
                      "lambda": {"timeout": 0, "memorySize": 64}, "docker": {"bindAddress": "localhost"},
                      "kubernetes": {"revisionHistoryLimit": -1}})
    assert set(found) == {
        "config.tricolor:aws.listenerPort", "config.tricolor:aws.colour", "config.tricolor:aws.logRetentionDays",
        "config.tricolor:lambda.timeout", "config.tricolor:lambda.memorySize", "config.tricolor:docker.bindAddress",
        "config.tricolor:kubernetes.revisionHistoryLimit"}


@pytest.mark.parametrize(("model", "key", "low", "high"), [
    (LambdaSettings, "memorySize", 128, 10240),
    (LambdaSettings, "timeout", 1, 900),
    (LambdaSettings, "ephemeralStorage", 512, 10240),
    (DockerSettings, "routerPort", 1, 65535),
    (KubernetesSettings, "progressDeadlineSeconds", 1, 2**31 - 1),
    (KubernetesSettings, "terminationGracePeriodSeconds", 0, 2**31 - 1),
])
def test_integers_are_bounded_as_the_cloud_bounds_them(model: Any, key: str, low: int, high: int) -> None:
    base = AWS if model is AwsSettings else {}
    for good in (low, high):
        model.model_validate({**base, key: good})
    for bad in (low - 1, high + 1):
        with pytest.raises(SpecError):
            validate_model(model, {**base, key: bad}, FILE)


def test_aws_ports_must_differ_and_ids_look_like_ids() -> None:
    found = problems({"aws": {**AWS, "vpcId": "my-vpc", "listenerPort": 8443}})
    assert "not a VPC id" in found["config.tricolor:aws.vpcId"]
    found = problems({"aws": {**AWS, "listenerPort": 8443}})
    assert "both 8443" in found["config.tricolor:aws"]


def test_lambda_network_is_given_whole_and_its_alias_is_a_name() -> None:
    found = problems({"lambda": {"vpcId": AWS["vpcId"]}})
    assert "vpcId and subnetIds together" in found["config.tricolor:lambda"]
    found = problems({"lambda": {"alias": "12"}})
    assert "not only digits" in found["config.tricolor:lambda.alias"]
