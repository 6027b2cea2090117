"""The migration runners at the edge, each against something that speaks its platform's
API on 127.0.0.1: a Kubernetes API double (the real kubernetes client), moto's ECS
server (boto3), a Docker Engine API double (the real Docker SDK). Each runs a phase
once, observes a run of the same name instead of starting it again, and reports the
run's outcome; the Job manifest validates against the Kubernetes schemas."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import kubernetes_validate
import pytest

from tricolor.components.kubernetes.migration import job
from tricolor.rollout.errors import MigrationError
from tricolor.rollout.migrations.base import MigrationContext, MigrationRelease
from tricolor.rollout.migrations.ecs import EcsMigrationRunner, started_by
from tricolor.rollout.migrations.registry import get_runner
from tricolor.stacks.config import load_stacks

RELEASE = MigrationRelease(stack="prod", release_id="3f2a9c1d7e4b", name="prod-expand-3f2a9c1d7e4b-1",
                           image="ghcr.io/acme/checkout:1.5.0", command=("python", "manage.py", "migrate", "--expand"),
                           timeout=600, source="blue")


def stack(name: str) -> Any:
    (item,) = load_stacks([name])
    return item.stack


def test_the_job_validates_and_runs_in_the_service_pod_settings() -> None:
    manifest = job(stack("prod"), RELEASE.name, RELEASE.image, list(RELEASE.command), "expand", RELEASE.release_id,
                   RELEASE.timeout, "blue")
    kubernetes_validate.validate(copy.deepcopy(manifest), kubernetes_validate.utils.latest_version(), strict=True)
    assert manifest["metadata"] == {**manifest["metadata"], "name": RELEASE.name, "namespace": "checkout-prod"}
    spec = manifest["spec"]
    assert (spec["backoffLimit"], spec["activeDeadlineSeconds"]) == (0, 600)
    (container,) = spec["template"]["spec"]["containers"]
    assert container["image"] == RELEASE.image and container["command"] == ["python"]
    assert container["args"] == ["manage.py", "migrate", "--expand"]
    assert container["envFrom"] == [{"configMapRef": {"name": "checkout-blue-config"}}]  # the color's settings
    secrets = {e["name"]: e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"]}
    assert secrets["DATABASE_PASSWORD"] == "checkout-secrets"
    assert "readinessProbe" not in container and "ports" not in container
    labels = spec["template"]["metadata"]["labels"]
    assert "app.kubernetes.io/instance" not in labels  # never selected by the service


class KubernetesApi:
    """Jobs in a namespace, created once; each read advances a job through ``states``."""

    def __init__(self, states: list[dict[str, Any]]) -> None:
        self.jobs: dict[str, dict[str, Any]] = {}
        self.states = states
        self.posts = 0

    def __call__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        parts = urlparse(path).path.strip("/").split("/")  # apis batch v1 namespaces NS jobs [NAME]
        if method == "POST":
            self.posts += 1
            obj = json.loads(body)
            name = obj["metadata"]["name"]
            if name in self.jobs:
                return 409, {"kind": "Status", "reason": "AlreadyExists", "code": 409,
                             "message": f'jobs.batch "{name}" already exists'}
            self.jobs[name] = {**obj, "status": {}, "reads": 0}
            return 201, obj
        found = self.jobs.get(parts[-1])
        if found is None:
            return 404, {"kind": "Status", "reason": "NotFound", "code": 404}
        found["status"] = self.states[min(found["reads"], len(self.states) - 1)]
        found["reads"] += 1
        return 200, {k: v for k, v in found.items() if k != "reads"}


def kube_runner(server_url: str) -> Any:
    from kubernetes import client

    configuration = client.Configuration(host=server_url)
    return get_runner("kubernetes", MigrationContext(stack=stack("prod"), client=client.ApiClient(configuration),
                                                     poll=0.01))


COMPLETE = {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}


def test_kubernetes_runs_a_job_once_and_observes_it_again(http_server) -> None:
    api = KubernetesApi([{"active": 1}, {"active": 1}, COMPLETE])
    server = http_server(api)
    first = kube_runner(server.url).run("expand", RELEASE)
    assert first.ok and first.created and "Job prod-expand-3f2a9c1d7e4b-1 in checkout-prod" in first.detail
    again = kube_runner(server.url).run("expand", RELEASE)  # a new process, the same run
    assert again.ok and not again.created and len(api.jobs) == 1 and api.posts == 2
    sent = api.jobs[RELEASE.name]
    assert sent["spec"]["template"]["spec"]["containers"][0]["image"] == RELEASE.image


def test_kubernetes_reports_a_failed_job_with_its_reason(http_server) -> None:
    failed = {"failed": 1, "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                                           "message": "Job has reached the specified backoff limit"}]}
    server = http_server(KubernetesApi([{"active": 1}, failed]))
    result = kube_runner(server.url).run("expand", RELEASE)
    assert not result.ok and "BackoffLimitExceeded" in result.detail


def test_kubernetes_gives_up_waiting_after_the_timeout_and_a_grace(http_server) -> None:
    from kubernetes import client

    server = http_server(KubernetesApi([{"active": 1}]))
    now = [0.0]
    configuration = client.Configuration(host=server.url)
    runner = get_runner("kubernetes", MigrationContext(
        stack=stack("prod"), client=client.ApiClient(configuration),
        extra={"clock": lambda: now[0], "sleep": lambda seconds: now.__setitem__(0, now[0] + 30)}))
    result = runner.run("expand", MigrationRelease(**{**RELEASE.__dict__, "timeout": 120.0}))
    assert not result.ok and "did not end within 120s" in result.detail
    assert now[0] == 180  # the timeout and a minute's grace (the cluster stops it first)


def test_kubernetes_unreachable_is_a_migration_error() -> None:
    from kubernetes import client

    dead = client.ApiClient(client.Configuration(host="http://127.0.0.1:9"))
    runner = get_runner("kubernetes", MigrationContext(stack=stack("prod"), client=dead, poll=0.01))
    with pytest.raises(MigrationError, match="API server unreachable"):
        runner.run("expand", RELEASE)


@pytest.mark.servers
def test_ecs_runs_a_task_with_the_service_network_and_secrets_once(aws_env) -> None:
    prod = stack("aws-prod")
    region = "eu-west-1"
    ecs, ec2 = boto3.client("ecs", region_name=region), boto3.client("ec2", region_name=region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="checkout-aws-prod")
    # moto's Fargate tasks fail in its network model (an ENI without a DNS name): the
    # service runs on an EC2 container instance here; the runner runs the task as the
    # service runs (launch type, network configuration), whichever it is.
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ecs.register_container_instance(cluster="checkout-aws-prod", instanceIdentityDocument=json.dumps(
        {"instanceId": instance, "region": region, "accountId": "123456789012"}))
    secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:checkout/prod/database-password-AbCdEf"
    live = ecs.register_task_definition(
        family="checkout-aws-prod-blue", networkMode="bridge", requiresCompatibilities=["EC2"],
        executionRoleArn="arn:aws:iam::123456789012:role/execution",
        taskRoleArn="arn:aws:iam::123456789012:role/task",
        containerDefinitions=[{"name": "checkout", "image": "ghcr.io/acme/checkout:1.4.2", "essential": True,
                               "memory": 512, "portMappings": [{"containerPort": 8080}],
                               "environment": [{"name": "LOG_LEVEL", "value": "info"}],
                               "secrets": [{"name": "DATABASE_PASSWORD", "valueFrom": secret}]}])["taskDefinition"]
    network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}}
    ecs.create_service(cluster="checkout-aws-prod", serviceName="checkout-aws-prod-blue", desiredCount=0,
                       taskDefinition=live["taskDefinitionArn"], launchType="EC2", networkConfiguration=network)

    def task_ends(_: float) -> None:  # the platform runs the task to its end while the runner waits
        for arn in ecs.list_tasks(cluster="checkout-aws-prod", startedBy=started_by(RELEASE.name))["taskArns"]:
            ecs.stop_task(cluster="checkout-aws-prod", task=arn, reason="Essential container in task exited")

    client = boto3.client("ecs", region_name=region)
    sent: list[dict[str, Any]] = []
    client.meta.events.register("provide-client-params.ecs.RunTask", lambda params, **_: sent.append(params))
    context = MigrationContext(stack=prod, client=client, poll=0.01, extra={"sleep": task_ends})
    first = EcsMigrationRunner(context).run("expand", RELEASE)
    assert first.ok and first.created, first.detail
    again = get_runner("aws", context).run("expand", RELEASE)
    assert again.ok and not again.created
    (request,) = sent  # started once
    assert request["networkConfiguration"] == network and request["launchType"] == "EC2"
    assert request["startedBy"] == started_by(RELEASE.name) and request["clientToken"] == RELEASE.name
    tasks = ecs.list_tasks(cluster="checkout-aws-prod", startedBy=started_by(RELEASE.name),
                           desiredStatus="STOPPED")["taskArns"]
    (task,) = ecs.describe_tasks(cluster="checkout-aws-prod", tasks=tasks)["tasks"]
    definition = ecs.describe_task_definition(taskDefinition=task["taskDefinitionArn"])["taskDefinition"]
    assert definition["family"] == "checkout-aws-prod-blue-migrate"
    (container,) = definition["containerDefinitions"]
    assert container["image"] == RELEASE.image and container["command"] == list(RELEASE.command)
    assert container["secrets"] == [{"name": "DATABASE_PASSWORD", "valueFrom": secret}]
    assert container["environment"] == [{"name": "LOG_LEVEL", "value": "info"}] and not container.get("portMappings")
    assert definition["executionRoleArn"].endswith("role/execution")


@pytest.mark.servers
def test_ecs_without_the_service_is_a_migration_error(aws_env) -> None:
    runner = get_runner("aws", MigrationContext(stack=stack("aws-prod"), poll=0.01))
    orphan = MigrationRelease(**{**RELEASE.__dict__, "name": "prod-expand-0000000000ff-1", "source": "green"})
    with pytest.raises(MigrationError, match="ecs"):
        runner.run("expand", orphan)


def test_ecs_started_by_is_cut_deterministically() -> None:
    long = "checkout-with-a-very-long-name-prod-contract-3f2a9c1d7e4b-12"
    assert started_by(long) == started_by(long) and len(started_by(long)) == 36
    assert started_by(RELEASE.name) == RELEASE.name


class DockerApi:
    """Containers by name; ``create`` once; ``wait`` answers the configured exit code."""

    def __init__(self, code: int = 0) -> None:
        self.containers: dict[str, dict[str, Any]] = {
            "checkout-local-blue": {"Id": "svc", "Name": "/checkout-local-blue", "State": {"Status": "running"},
                                    "Config": {"Env": ["LOG_LEVEL=info", "DATABASE_PASSWORD=s3cret"]}}}
        self.code = code
        self.created: list[dict[str, Any]] = []

    def _find(self, ref: str) -> dict[str, Any] | None:
        return next((c for name, c in self.containers.items() if ref in (name, c["Id"])), None)

    def __call__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        url = urlparse(path)
        parts = url.path.strip("/").split("/")[1:]  # without the API version
        if parts == ["containers", "create"]:
            name = parse_qs(url.query)["name"][0]
            spec = json.loads(body)
            self.created.append({"name": name, **spec})
            self.containers[name] = {"Id": f"id-{name}", "Name": f"/{name}", "State": {"Status": "created"},
                                     "Config": {"Env": spec.get("Env") or []}}
            return 201, {"Id": f"id-{name}", "Warnings": []}
        found = self._find(parts[1]) if len(parts) > 1 else None
        if found is None:
            return 404, {"message": f"No such container: {parts[1] if len(parts) > 1 else ''}"}
        if parts[-1] == "json":
            return 200, found
        if parts[-1] == "start":
            found["State"]["Status"] = "running"
            return 204, b""
        if parts[-1] == "wait":
            found["State"]["Status"] = "exited"
            return 200, {"StatusCode": self.code}
        return 404, {"message": "not served"}


def docker_runner(url: str) -> Any:
    import docker

    client = docker.DockerClient(base_url=url.replace("http://", "tcp://"), version="1.45")
    return get_runner("docker", MigrationContext(stack=stack("local"), client=client))


def test_docker_runs_a_container_with_the_service_environment_once(http_server) -> None:
    api = DockerApi()
    server = http_server(api)
    first = docker_runner(server.url).run("expand", RELEASE)
    assert first.ok and first.created, first.detail
    again = docker_runner(server.url).run("expand", RELEASE)
    assert again.ok and not again.created and len(api.created) == 1
    (created,) = api.created
    assert created["Image"] == RELEASE.image and created["Cmd"] == list(RELEASE.command)
    assert created["Env"] == ["LOG_LEVEL=info", "DATABASE_PASSWORD=s3cret"]  # borrowed, never printed
    assert created["HostConfig"]["NetworkMode"] == "tricolor-checkout-local"
    assert "s3cret" not in first.detail + again.detail


def test_docker_reports_the_exit_code_of_a_failed_migration(http_server) -> None:
    server = http_server(DockerApi(code=3))
    result = docker_runner(server.url).run("expand", RELEASE)
    assert not result.ok and "exited 3" in result.detail


def test_docker_without_the_service_container_is_a_migration_error(http_server) -> None:
    api = DockerApi()
    api.containers.clear()
    server = http_server(api)
    with pytest.raises(MigrationError, match="container checkout-local-blue not found"):
        docker_runner(server.url).run("expand", RELEASE)


def test_an_unknown_runner_lists_the_known_ones() -> None:
    from tricolor.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="known: aws, docker, kubernetes, lambda, offline"):
        get_runner("nomad", MigrationContext(stack=stack("prod")))
