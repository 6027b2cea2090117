"""The live AWS source against moto's server on 127.0.0.1: ECS services and task
definitions, ALB target groups and a weighted listener, tagged per stack and color."""

from __future__ import annotations

from typing import Any

import pytest

from tricolor.drift import SourceError, compare
from tricolor.drift.aws_live import AwsSource

pytestmark = pytest.mark.servers
ALLOWED = ["replicas", "autoscaling.*", "resources.*", "disruptionBudget.*", "env.LOG_LEVEL"]


def _tags(stack: str, color: str | None, key: str = "key", value: str = "value") -> list[dict[str, str]]:
    tags = {"tricolor.dev/stack": stack, "tricolor.dev/environment": "production" if color else stack,
            "app.kubernetes.io/managed-by": "tricolor"}
    if color:
        tags["tricolor.dev/color"] = color
    return [{key: k, value: v} for k, v in tags.items()]


def _deploy(ecs: Any, elb: Any, vpc: str, stack: str, color: str | None, *, env: dict[str, str], count: int,
            image: str = "ghcr.io/acme/checkout:1.4.2") -> str:
    name = f"checkout-{stack}" + (f"-{color}" if color else "")
    ecs.register_task_definition(
        family=name, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
        containerDefinitions=[{
            "name": "checkout", "image": image, "essential": True,
            "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in sorted(env.items())],
        }],
        tags=_tags(stack, color))
    ecs.create_service(cluster="tricolor", serviceName=name, taskDefinition=name, desiredCount=count,
                       launchType="FARGATE", tags=_tags(stack, color))
    group = elb.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip",
                                    HealthCheckPath="/healthz/ready", HealthCheckIntervalSeconds=5,
                                    Tags=_tags(stack, color, "Key", "Value"))
    return str(group["TargetGroups"][0]["TargetGroupArn"])


@pytest.fixture
def world(aws_env: str) -> dict[str, Any]:
    import boto3

    ecs, elb, ec2 = boto3.client("ecs"), boto3.client("elbv2"), boto3.client("ec2")
    ecs.create_cluster(clusterName="tricolor")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")
               ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    env = {"LOG_LEVEL": "info", "HTTP_TIMEOUT_MS": "3000"}
    staging = _deploy(ecs, elb, vpc, "staging", None, env={**env, "LOG_LEVEL": "debug"}, count=2)
    blue = _deploy(ecs, elb, vpc, "prod", "blue", env=env, count=4)
    green = _deploy(ecs, elb, vpc, "prod", "green", env={**env, "HTTP_TIMEOUT_MS": "9000"}, count=4,
                    image="ghcr.io/acme/checkout:1.5.0")
    for stack, groups in (("staging", [(staging, 1)]), ("prod", [(blue, 90), (green, 10)])):
        lb = elb.create_load_balancer(Name=f"checkout-{stack}", Subnets=subnets, Type="application",
                                      Tags=_tags(stack, None, "Key", "Value"))["LoadBalancers"][0]
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                            DefaultActions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                                {"TargetGroupArn": arn, "Weight": weight} for arn, weight in groups]}}],
                            Tags=_tags(stack, None, "Key", "Value"))
    return {"endpoint": aws_env}


def test_aws_environments_compared(world: dict[str, Any], cli: Any) -> None:
    source = AwsSource(region="us-east-1")
    snapshots = source.snapshots("staging") + source.snapshots("prod")
    assert [s.environment for s in snapshots] == ["staging", "prod/blue", "prod/green"]
    assert set(snapshots[1].resources) == {
        "aws:ecs/service:Service::checkout", "aws:ecs/taskDefinition:TaskDefinition::checkout",
        "aws:lb/targetGroup:TargetGroup::checkout", "aws:lb/listener:Listener::checkout-80"}
    result = compare(snapshots, ALLOWED)
    drift = {(d.resource, d.path): d for d in result.of_status("drift")}
    key = ("aws:ecs/taskDefinition:TaskDefinition::checkout",
           "containerDefinitions.checkout.environment.HTTP_TIMEOUT_MS")
    assert set(drift) == {key}, [d.as_json() for d in result.of_status("drift")]
    assert drift[key].values == {"staging": "3000", "prod/blue": "3000", "prod/green": "9000"}
    allowed = {(d.path, d.reason.split(" (")[0]) for d in result.of_status("allowed")}
    assert ("desiredCount", "parity.allowed: replicas") in allowed
    assert ("containerDefinitions.checkout.environment.LOG_LEVEL", "parity.allowed: env.LOG_LEVEL") in allowed
    assert ("containerDefinitions.checkout.image", "release-managed: image") in allowed
    assert any(p.endswith(".Weight") and r == "release-managed: weight" for p, r in allowed)
    # The same world through the command line: exit 2, the drift in the Markdown report.
    result = cli("drift", "--stacks", "staging,prod", "--source", "aws", "--region", "us-east-1",
                 "--format", "markdown", "--no-history")
    assert result.exit_code == 2, result.stderr
    assert "### Drift (1)" in result.stdout and "HTTP_TIMEOUT_MS" in result.stdout


def test_aws_errors_name_the_stack(aws_env: str) -> None:
    dead = AwsSource(region="us-east-1", endpoint_url="http://127.0.0.1:9", max_attempts=1, timeout=2)
    with pytest.raises(SourceError, match="stack staging: AWS cannot be read"):
        dead.snapshots("staging")
