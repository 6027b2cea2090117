"""The AWS backend: Fargate sizes, ALB limits, settings errors, the rendered stack, and
its task definition and listener accepted by moto's AWS server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tricolor.components import BackendLimitError
from tricolor.components.aws import (
    ALB_TARGET_GROUPS_MAX,
    ALB_WEIGHT_MAX,
    FARGATE_SIZES,
    alb_weights,
    check_size,
    forward_action,
    task_size,
)
from tricolor.components.aws.fargate import MAX_CPU, MAX_MEMORY, cpu_units, fit, memory_mib
from tricolor.spec.errors import SpecError
from tricolor.stacks.render import Rendered

STACK = "aws-prod"


# ---- Fargate sizes -------------------------------------------------------------------

def test_fargate_table_matches_aws() -> None:
    assert FARGATE_SIZES[256] == (512, 1024, 2048)
    assert FARGATE_SIZES[512] == (1024, 2048, 3072, 4096)
    assert FARGATE_SIZES[1024][0] == 2048 and FARGATE_SIZES[1024][-1] == 8192
    assert FARGATE_SIZES[4096][-1] == 30720
    assert FARGATE_SIZES[8192][1] - FARGATE_SIZES[8192][0] == 4096
    assert FARGATE_SIZES[16384][0] == 32768 and FARGATE_SIZES[16384][-1] == 122880


@pytest.mark.parametrize(("cpu", "memory", "expected"), [
    ("250m", "512Mi", (256, 512)),
    ("1", "512Mi", (1024, 2048)),
    ("500m", "3Gi", (512, 3072)),
    ("250m", "6Gi", (1024, 6144)),  # more memory than 0.25 vCPU offers: the next CPU that does
    ("4", "30Gi", (4096, 30720)),
    ("4", "31Gi", (8192, 32768)),
    ("16", "120Gi", (16384, 122880)),
])
def test_spec_limits_round_up_to_a_fargate_size(cpu: str, memory: str, expected: tuple[int, int]) -> None:
    size = task_size(cpu, memory)
    assert (size.cpu, size.memory) == expected


@given(cpu=st.integers(1, MAX_CPU), memory=st.integers(1, MAX_MEMORY))
def test_fit_is_the_smallest_offered_size_that_holds_the_request(cpu: int, memory: int) -> None:
    size = fit(cpu, memory)
    assert size.memory in FARGATE_SIZES[size.cpu]
    assert size.cpu >= cpu and size.memory >= memory
    smaller = [c for c in FARGATE_SIZES if cpu <= c < size.cpu]
    assert not any(m >= memory for c in smaller for m in FARGATE_SIZES[c])


def test_quantities() -> None:
    assert cpu_units("250m") == 256 and cpu_units("0.5") == 512 and cpu_units("2") == 2048
    assert memory_mib("512Mi") == 512 and memory_mib("1Gi") == 1024 and memory_mib("1G") == 954
    with pytest.raises(BackendLimitError, match="512Mi"):
        cpu_units("512Mi")


@pytest.mark.parametrize(("cpu", "memory", "named"), [
    (256, 4096, ["4096", "256", "512, 1024, 2048"]),
    (1024, 1024, ["1024 MiB", "2048 to 8192 in steps of 1024"]),
    (300, 1024, ["300", "256, 512, 1024, 2048, 4096, 8192, 16384"]),
])
def test_a_pair_fargate_does_not_offer(cpu: int, memory: int, named: list[str]) -> None:
    with pytest.raises(BackendLimitError) as caught:
        check_size(cpu, memory)
    for text in named:
        assert text in str(caught.value)


def test_beyond_the_largest_task() -> None:
    with pytest.raises(BackendLimitError, match=r"20480 CPU units.*16384"):
        task_size("20", "1Gi")
    with pytest.raises(BackendLimitError, match=r"131072 MiB.*122880"):
        task_size("16", "128Gi")


# ---- ALB limits ----------------------------------------------------------------------

def test_alb_weights_limits() -> None:
    assert alb_weights({"blue": 90, "green": 10}) == {"blue": 90, "green": 10}
    assert alb_weights({"blue": ALB_WEIGHT_MAX, "green": 0}) == {"blue": 999, "green": 0}
    with pytest.raises(BackendLimitError, match=r"1000.*0\.\.999"):
        alb_weights({"blue": 1000, "green": 0})
    with pytest.raises(BackendLimitError, match=r"-1.*0\.\.999"):
        alb_weights({"blue": -1, "green": 101})
    groups = {f"tg{i}": 1 for i in range(ALB_TARGET_GROUPS_MAX + 1)}
    with pytest.raises(BackendLimitError, match=r"6 target groups.*at most 5"):
        alb_weights(groups)
    with pytest.raises(BackendLimitError, match="at least one weight above 0"):
        alb_weights({"blue": 0, "green": 0})


def test_forward_action_keeps_a_zero_weight() -> None:
    action = forward_action({"blue": "arn:b", "green": "arn:g"}, {"blue": 100, "green": 0})
    assert action["forward"]["target_groups"] == [{"arn": "arn:b", "weight": 100}, {"arn": "arn:g", "weight": 0}]
    assert forward_action({"main": "arn:m"}) == {"type": "forward", "target_group_arn": "arn:m"}


# ---- bad settings: errors before any resource is registered -------------------------

def _aws(rendered_with: Callable[..., Rendered], **changes: Any) -> Rendered:
    from tricolor.stacks.config import read_stack_config

    settings = dict(read_stack_config(STACK)[0]["tricolor:aws"])
    for key, value in changes.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    return rendered_with(STACK, {"tricolor:aws": settings})


def registered(types: list[str]) -> list[str]:
    return [t for t in types if t != "pulumi:pulumi:Stack"]


def test_fargate_pair_error_before_any_resource(rendered_with: Callable[..., Rendered],
                                                registrations: list[str]) -> None:
    with pytest.raises(BackendLimitError) as caught:
        _aws(rendered_with, cpu=256, memory=4096)
    message = str(caught.value)
    assert "tricolor:aws.memory" in message and "4096" in message and "512, 1024, 2048" in message
    assert registered(registrations) == []


def test_settings_errors_name_their_keys(rendered_with: Callable[..., Rendered], registrations: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        _aws(rendered_with, vpcId="my-vpc", subnetIds=["subnet-0a1b2c3d4e5f60001"], listenerPort=70000,
             logRetentionDays=10, colour="blue")
    paths = {p.path for p in caught.value.problems}
    assert {"config.tricolor:aws.vpcId", "config.tricolor:aws.subnetIds", "config.tricolor:aws.listenerPort",
            "config.tricolor:aws.logRetentionDays", "config.tricolor:aws.colour"} <= paths
    assert all(p.file.endswith("Pulumi.aws-prod.yaml") for p in caught.value.problems)
    assert registered(registrations) == []


def test_secret_arns_must_name_spec_secrets(rendered_with: Callable[..., Rendered]) -> None:
    arn = "arn:aws:ssm:eu-west-1:123456789012:parameter/x"
    with pytest.raises(SpecError, match=r"secrets\.API_TOKEN: the spec has no secret 'API_TOKEN'"):
        _aws(rendered_with, secrets={"API_TOKEN": arn})
    with pytest.raises(SpecError, match="not a Secrets Manager secret or SSM parameter ARN"):
        _aws(rendered_with, secrets={"DATABASE_PASSWORD": "hunter2"})


def test_region_is_required(rendered_with: Callable[..., Rendered]) -> None:
    with pytest.raises(SpecError, match=r"tricolor:aws\.region: no region"):
        rendered_with(STACK, {"aws:region": None})


# ---- the rendered stack ----------------------------------------------------------------

@pytest.fixture(scope="module")
def prod() -> Rendered:
    from tricolor.stacks.render import render_stack

    return render_stack(STACK)


def container_definitions(r: Rendered, color: str) -> list[dict[str, Any]]:
    return json.loads(r.find(f"checkout-{color}-task").inputs["containerDefinitions"])


def test_task_definition_from_the_spec(prod: Rendered) -> None:
    task = prod.find("checkout-blue-task").inputs
    assert (task["cpu"], task["memory"]) == ("1024", "2048")  # limits 1 vCPU / 512Mi, rounded up
    assert task["requiresCompatibilities"] == ["FARGATE"] and task["networkMode"] == "awsvpc"
    (container,) = container_definitions(prod, "blue")
    assert container["image"] == "ghcr.io/acme/checkout:1.4.2"
    assert container["portMappings"][0]["containerPort"] == 8080
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["LOG_LEVEL"] == "info" and env["DATABASE_PORT"] == "5432"
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert secrets["DATABASE_PASSWORD"].startswith("arn:aws:secretsmanager:")
    assert secrets["STRIPE_API_KEY"].startswith("arn:aws:ssm:")
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/tricolor/aws-prod/checkout-aws-prod-blue"
    assert container["healthCheck"]["command"][1].endswith("http://localhost:8080/healthz/live > /dev/null || exit 1")


def test_secrets_are_created_from_pulumi_config_when_no_arn_is_given(rendered_with: Callable[..., Rendered]) -> None:
    """In production each color has its own secrets (the values of the revision it runs),
    which its execution role may read."""
    r = _aws(rendered_with, secrets=None)
    versions = r.by_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert len(versions) == 4 and all(v.inputs["secretString"] == "[secret]" for v in versions)
    (container,) = container_definitions(r, "green")
    refs = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    # The ARNs of the secrets created here (the offline renderer's placeholders).
    assert refs["DATABASE_PASSWORD"].endswith(":secret/checkout-green-secret-database-password")
    assert refs["STRIPE_API_KEY"].endswith(":secret/checkout-green-secret-stripe-api-key")
    names = {s.inputs["name"] for s in r.by_type("aws:secretsmanager/secret:Secret")}
    assert names == {f"checkout-aws-prod/{color}/{name}" for color in ("blue", "green")
                     for name in ("DATABASE_PASSWORD", "STRIPE_API_KEY")}
    assert "[secret]" not in r.find("checkout-green-task").inputs["containerDefinitions"]
    policy = json.loads(r.find("checkout-green-secrets-policy").inputs["policy"])
    assert sorted(policy["Statement"][0]["Resource"]) == sorted(refs.values())


def test_alarms_per_target_group(prod: Rendered) -> None:
    alarms = prod.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert sorted(a.inputs["name"] for a in alarms) == [
        "checkout-aws-prod-blue-5xx-rate", "checkout-aws-prod-blue-p99-latency",
        "checkout-aws-prod-green-5xx-rate", "checkout-aws-prod-green-p99-latency"]
    rate = prod.find("checkout-green-error-rate-alarm").inputs
    assert rate["threshold"] == 0.01
    metrics = [q["metric"] for q in rate["metricQueries"] if "metric" in q]
    assert {m["metricName"] for m in metrics} == {"HTTPCode_Target_5XX_Count", "RequestCount"}
    assert all(m["dimensions"]["TargetGroup"].endswith("checkout-green-tg/0") for m in metrics)
    latency = prod.find("checkout-blue-latency-alarm").inputs
    assert latency["extendedStatistic"] == "p99" and latency["threshold"] == 0.5


def test_header_rules_reach_one_color(prod: Rendered) -> None:
    for color in ("blue", "green"):
        rule = prod.find(f"checkout-{color}-test-rule").inputs
        assert rule["conditions"] == [{"httpHeader": {"httpHeaderName": "x-tricolor-color", "values": [color]}}]
        assert rule["actions"][0]["targetGroupArn"].endswith(f"checkout-{color}-tg")
        assert rule["listenerArn"].endswith("checkout-shared-test-listener")


def test_staging_is_one_environment_behind_its_own_listener(rendered_with: Callable[..., Rendered]) -> None:
    from tricolor.stacks.config import read_stack_config

    prod_config = read_stack_config(STACK)[0]
    r = rendered_with("staging", {"tricolor:backend": "aws", "tricolor:aws": prod_config["tricolor:aws"],
                                  "aws:region": "eu-west-1"})
    assert len(r.by_type("aws:lb/targetGroup:TargetGroup")) == 1
    assert len(r.by_type("aws:lb/loadBalancer:LoadBalancer")) == 1
    listener = r.find("checkout-router-listener").inputs
    # the weighted shape production has, one target group at 100: staging lines up with a color
    (action,) = listener["defaultActions"]
    assert action["type"] == "forward" and "targetGroupArn" not in action
    (group,) = action["forward"]["targetGroups"]
    assert group["weight"] == 100 and group["arn"].endswith("checkout-tg")
    assert r.find("checkout-service").inputs["name"] == "checkout-staging"


# ---- against moto's AWS server on 127.0.0.1 ------------------------------------------

@pytest.mark.servers
def test_container_definitions_accepted_by_register_task_definition(prod: Rendered, aws_env: str) -> None:
    ecs = boto3.client("ecs", endpoint_url=aws_env)
    for color in ("blue", "green"):
        task = prod.find(f"checkout-{color}-task").inputs
        definitions = container_definitions(prod, color)
        response = ecs.register_task_definition(
            family=task["family"], containerDefinitions=definitions, cpu=task["cpu"], memory=task["memory"],
            networkMode=task["networkMode"], requiresCompatibilities=task["requiresCompatibilities"],
            executionRoleArn="arn:aws:iam::123456789012:role/checkout-execution",
            runtimePlatform=task["runtimePlatform"])
        registered = response["taskDefinition"]
        assert registered["family"] == f"checkout-aws-prod-{color}"
        (container,) = registered["containerDefinitions"]
        assert container["image"] == definitions[0]["image"]
        assert container["secrets"] == definitions[0]["secrets"]
        assert container["environment"] == definitions[0]["environment"]
        described = ecs.describe_task_definition(taskDefinition=f"{task['family']}:{registered['revision']}")
        assert described["taskDefinition"]["cpu"] == "1024"


@pytest.mark.servers
def test_listener_forward_action_within_alb_limits(rendered_with: Callable[..., Rendered], aws_env: str) -> None:
    r = rendered_with(STACK, {"tricolor:weights": {"blue": 75, "green": 25}})
    (action,) = r.find("checkout-router-listener").inputs["defaultActions"]
    groups = action["forward"]["targetGroups"]
    assert len(groups) <= ALB_TARGET_GROUPS_MAX
    assert all(0 <= g["weight"] <= ALB_WEIGHT_MAX for g in groups)
    ec2 = boto3.client("ec2", endpoint_url=aws_env)
    elb = boto3.client("elbv2", endpoint_url=aws_env)
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"us-east-1{z}")[
        "Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    lb = elb.create_load_balancer(Name="tricolor-test", Subnets=subnets, Type="application")["LoadBalancers"][0]
    arns = {}
    for color in ("blue", "green"):
        tg = r.find(f"checkout-{color}-tg").inputs
        arns[color] = elb.create_target_group(
            Name=f"checkout-{color}", Protocol=tg["protocol"], Port=tg["port"], VpcId=vpc,
            TargetType=tg["targetType"], HealthCheckPath=tg["healthCheck"]["path"])["TargetGroups"][0]["TargetGroupArn"]
    by_color = {g["arn"].rsplit("-", 2)[-2]: g["weight"] for g in groups}
    listener = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "ForwardConfig": {
            "TargetGroups": [{"TargetGroupArn": arns[c], "Weight": w} for c, w in by_color.items()]}}],
    )["Listeners"][0]
    (stored,) = elb.describe_listeners(ListenerArns=[listener["ListenerArn"]])["Listeners"][0]["DefaultActions"]
    weights = {g["TargetGroupArn"]: g["Weight"] for g in stored["ForwardConfig"]["TargetGroups"]}
    assert weights == {arns["blue"]: 75, arns["green"]: 25}


def test_https_listener_with_a_certificate(rendered_with: Callable[..., Rendered]) -> None:
    certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d"
    r = _aws(rendered_with, certificateArn=certificate, listenerPort=443)
    listener = r.find("checkout-router-listener").inputs
    assert (listener["protocol"], listener["port"], listener["certificateArn"]) == ("HTTPS", 443, certificate)
    assert listener["sslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    ingress = r.find("checkout-shared-alb-sg").inputs["ingress"]
    assert {rule["fromPort"] for rule in ingress} == {443, 8443}


def test_shared_dependencies_exist_once(prod: Rendered) -> None:
    (db,) = prod.by_type("aws:rds/instance:Instance")
    assert db.inputs["engine"] == "postgres" and db.inputs["allocatedStorage"] == 20
    assert db.inputs["manageMasterUserPassword"] is True and "password" not in db.inputs
    assert db.inputs["deletionProtection"] is True
    (cache,) = prod.by_type("aws:elasticache/cluster:Cluster")
    assert cache.inputs["engineVersion"] == "7.0"
    assert all(x.parent.endswith("checkout-shared") for x in (db, cache))  # type: ignore[union-attr]
