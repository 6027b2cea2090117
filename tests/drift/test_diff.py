"""compare(): the shipped stacks are at parity; injected changes are drift."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from tricolor.drift import (
    Difference,
    DriftError,
    IgnoreFileError,
    IgnoreRules,
    Item,
    build_snapshots,
    compare,
    snapshots_from_rendered,
    spec_path,
)
from tricolor.stacks.render import RenderedResource

ALLOWED = ["replicas", "autoscaling.*", "resources.*", "disruptionBudget.*", "env.LOG_LEVEL"]


def _snapshots(rendered: dict[str, Any]) -> list[Any]:
    return snapshots_from_rendered(rendered["staging"]) + snapshots_from_rendered(rendered["prod"])


def _changed(rendered: Any, name: str, change: Any) -> Any:
    """A copy of a rendered stack with ``change(inputs)`` applied to resource ``name``."""
    resources = []
    for r in rendered.resources:
        if r.name == name:
            inputs = copy.deepcopy(r.inputs)
            change(inputs)
            r = RenderedResource(r.urn, r.type, r.name, r.parent, r.custom, inputs)
        resources.append(r)
    return dataclasses.replace(rendered, resources=resources)


def test_shipped_stacks_have_no_drift(rendered: dict[str, Any]) -> None:
    result = compare(_snapshots(rendered), ALLOWED)
    assert result.environments == ("staging", "prod/blue", "prod/green")
    assert result.counts["drift"] == 0 and result.exit_code == 0
    found = {(d.resource.split("::")[1], d.path) for d in result.differences}
    assert ("checkout-deployment", "spec.replicas") in found
    assert ("checkout-config", "data.LOG_LEVEL") in found
    assert ("checkout-router-route", "spec.rules.0.backendRefs.checkout.weight") in found
    assert all(d.status == "allowed" and d.reason for d in result.differences)
    hostnames = [d for d in result.differences if d.path.startswith("spec.hostnames")]
    assert all(d.reason.startswith("per-environment: routing.hostnames") for d in hostnames)
    # Resources whose fingerprints are equal were never diffed field by field.
    assert result.unchanged >= 5  # the Secrets carry each stack's own value versions (release-managed)


def test_blue_and_green_alone_differ_only_in_color_and_weight(rendered: dict[str, Any]) -> None:
    result = compare(snapshots_from_rendered(rendered["prod"]), [])
    assert {d.reason.split(":")[0] for d in result.differences} == {"release-managed"}
    assert {d.reason for d in result.differences} == {"release-managed: color", "release-managed: weight"}


def test_an_injected_env_var_is_drift(rendered: dict[str, Any]) -> None:
    def flip(inputs: dict[str, Any]) -> None:
        inputs["data"]["FEATURE_NEW_CART"] = "true"

    prod = _changed(rendered["prod"], "checkout-green-config", flip)
    result = compare(snapshots_from_rendered(rendered["staging"]) + snapshots_from_rendered(prod), ALLOWED)
    drift = result.of_status("drift")
    assert [(d.resource, d.path) for d in drift] == [("kubernetes:core/v1:ConfigMap::checkout-config",
                                                      "data.FEATURE_NEW_CART")]
    assert drift[0].values == {"staging": "false", "prod/blue": "false", "prod/green": "true"}
    assert drift[0].kind == "changed" and result.exit_code == 2


def test_an_injected_probe_change_is_drift_and_a_missing_probe_is_missing(rendered: dict[str, Any]) -> None:
    def probe(inputs: dict[str, Any]) -> None:
        container = inputs["spec"]["template"]["spec"]["containers"][0]
        container["readinessProbe"]["periodSeconds"] = 30
        del container["livenessProbe"]

    staging = _changed(rendered["staging"], "checkout-deployment", probe)
    result = compare(snapshots_from_rendered(staging) + snapshots_from_rendered(rendered["prod"]), ALLOWED)
    drift = {d.path: d for d in result.of_status("drift")}
    base = "spec.template.spec.containers.checkout"
    assert set(drift) == {f"{base}.readinessProbe.periodSeconds", f"{base}.livenessProbe"}
    assert drift[f"{base}.livenessProbe"].kind == "missing"
    assert drift[f"{base}.livenessProbe"].values["staging"] is None


def test_allowed_paths_come_from_the_spec(rendered: dict[str, Any]) -> None:
    result = compare(_snapshots(rendered), ["replicas"])
    drift = {d.path for d in result.of_status("drift")}
    assert drift == {"data.LOG_LEVEL", "spec.maxReplicas", "spec.minReplicas", "spec.minAvailable"}


def test_ignore_rules_report_as_ignored(rendered: dict[str, Any]) -> None:
    rules = IgnoreRules.parse("# accepted\nkubernetes:core/v1:ConfigMap::*  data  # logs are noisier in staging\n",
                              "team.driftignore")
    result = compare(_snapshots(rendered), ["replicas"], rules)
    ignored = result.of_status("ignored")
    assert [d.path for d in ignored] == ["data.LOG_LEVEL"]
    assert ignored[0].reason == "ignored by team.driftignore:2: logs are noisier in staging"
    assert "data.LOG_LEVEL" not in {d.path for d in result.of_status("drift")}


def test_malformed_ignore_line_names_file_and_line() -> None:
    with pytest.raises(IgnoreFileError, match=r"x.ignore:2"):
        IgnoreRules.parse("a b\na b c\n", "x.ignore")


def test_missing_resource_is_reported_with_names() -> None:
    a = build_snapshots("a", [Item("aws:sns/topic:Topic", "alerts", {"x": 1}), Item("aws:sqs/queue:Queue", "q", {})])
    b = build_snapshots("b", [Item("aws:sns/topic:Topic", "alerts", {"x": 1})])
    result = compare(a + b, [])
    (d,) = result.differences
    assert (d.resource, d.path, d.kind, d.status) == ("aws:sqs/queue:Queue::q", "", "missing", "drift")
    assert d.values == {"a": "q", "b": None}


def test_unknown_values_are_not_compared() -> None:
    marker = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    a = build_snapshots("a", [Item("aws:sns/topic:Topic", "t", {"name": "x", "policy": marker})])
    b = build_snapshots("b", [Item("aws:sns/topic:Topic", "t", {"name": "x", "policy": "{}"})])
    result = compare(a + b, [])
    assert result.differences == () and result.unknown == 1


def test_secret_in_one_environment_plain_in_another_shows_neither() -> None:
    envelope = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "Y2lwaGVy"}
    a = build_snapshots("a", [Item("aws:ssm/parameter:Parameter", "p", {"value": envelope})])
    b = build_snapshots("b", [Item("aws:ssm/parameter:Parameter", "p", {"value": "plain-text-value"})])
    (d,) = compare(a + b, []).differences
    assert d.values == {"a": "[secret]", "b": "[secret]"} and d.status == "drift"


def test_two_secrets_are_never_claimed_different() -> None:
    def env(ciphertext: str) -> Item:
        return Item("aws:ssm/parameter:Parameter", "p", {"value": {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": ciphertext}})

    result = compare(build_snapshots("a", [env("AAAA")]) + build_snapshots("b", [env("BBBB")]), [])
    assert result.differences == ()


def test_compare_needs_two_distinct_environments(rendered: dict[str, Any]) -> None:
    staging = snapshots_from_rendered(rendered["staging"])
    with pytest.raises(DriftError, match="two or more"):
        compare(staging, ALLOWED)
    with pytest.raises(DriftError, match="unique"):
        compare(staging + staging, ALLOWED)


@pytest.mark.parametrize(("type_", "path", "expected"), [
    ("kubernetes:apps/v1:Deployment", ("spec", "replicas"), "replicas"),
    ("kubernetes:apps/v1:Deployment", ("spec", "template", "spec", "containers", "app", "resources", "limits", "cpu"),
     "resources.limits.cpu"),
    ("kubernetes:apps/v1:Deployment", ("spec", "template", "spec", "containers", "app", "image"), "image"),
    ("kubernetes:core/v1:ConfigMap", ("data", "LOG_LEVEL"), "env.LOG_LEVEL"),
    ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", ("spec", "maxReplicas"), "autoscaling.maxReplicas"),
    ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", ("spec", "scaleTargetRef", "name"), None),
    ("kubernetes:policy/v1:PodDisruptionBudget", ("spec", "minAvailable"), "disruptionBudget.minAvailable"),
    ("aws:ecs/service:Service", ("desiredCount",), "replicas"),
    ("aws:ecs/taskDefinition:TaskDefinition", ("containerDefinitions", "app", "environment", "LOG_LEVEL"),
     "env.LOG_LEVEL"),
    ("aws:ecs/taskDefinition:TaskDefinition", ("memory",), "resources.limits.memory"),
    ("aws:lb/listener:Listener", ("DefaultActions", "0", "ForwardConfig", "TargetGroups", "tg", "Weight"), "weight"),
    ("docker:index/container:Container", ("envs", "LOG_LEVEL"), "env.LOG_LEVEL"),
    ("docker:index/container:Container", ("image",), "image"),
    # what names the environment itself (its color; staging: its environment) or where it listens on its host
    ("aws:ecs/taskDefinition:TaskDefinition",
     ("containerDefinitions", "app", "logConfiguration", "options", "awslogs-stream-prefix"), "color"),
    ("aws:lb/listenerRule:ListenerRule", ("conditions", "0", "httpHeader", "values"), "color"),
    ("docker:index/container:Container", ("ports", "0", "external"), "docker.routerPort"),
    ("docker:index/container:Container", ("ports", "0", "ip"), "docker.bindAddress"),
    ("docker:index/container:Container", ("uploads",), "weight"),
    ("random:index/randomId:RandomId", ("hex",), None),
])
def test_backend_tables_map_fields_to_spec_paths(type_: str, path: tuple[str, ...], expected: str | None) -> None:
    assert spec_path(type_, path) == expected


def test_where_a_docker_router_listens_is_per_environment_and_reported() -> None:
    from tricolor.drift.mapping import allowed_reason

    assert allowed_reason("docker:index/container:Container", ("ports", "0", "external"), []) == \
        "per-environment: docker.routerPort (stack config)"
    assert allowed_reason("docker:index/container:Container", ("ports", "0", "internal"), []) is None  # the spec's


def test_difference_json_is_stable() -> None:
    d = Difference("r", "t", "a.b", {"x": 1, "y": None}, "missing", "drift")
    assert d.as_json() == {"resource": "r", "type": "t", "path": "a.b", "values": {"x": 1, "y": None},
                           "kind": "missing", "status": "drift", "reason": "", "first_seen": None, "new": None,
                           "odd": []}


@pytest.mark.parametrize("stack", ["prod", "aws-prod", "local"])
def test_blue_and_green_at_parity_on_every_backend(stack: str) -> None:
    """Each backend's production stack: blue and green differ only in release-managed ways."""
    from tricolor.stacks.render import render_stack

    result = compare(snapshots_from_rendered(render_stack(stack)), ALLOWED)
    assert result.counts["drift"] == 0, [d.as_json() for d in result.of_status("drift")]
    assert {d.reason.split(":")[0] for d in result.differences} == {"release-managed"}


ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout"


def test_lambda_colors_mid_release_differ_only_in_release_managed_ways() -> None:
    """Each Lambda color's version (the version resource, its alias, its provisioned
    concurrency, its alarms' ExecutedVersion) moves with its image."""
    from tricolor.spec.weights import Weights
    from tricolor.stacks.config import load_stacks
    from tricolor.stacks.render import render
    from tricolor.stacks.state import ReleaseState

    (item,) = load_stacks(["lambda-prod"])
    mid = render(item, ReleaseState(weights=Weights(90, 10), images={"blue": f"{ECR}:1.4.2", "green": f"{ECR}:1.5.0"}))
    result = compare(snapshots_from_rendered(mid), [])
    assert result.counts["drift"] == 0, [d.as_json() for d in result.of_status("drift")]
    reasons = {(d.path.split(".")[0], d.reason) for d in result.differences}
    assert ("functionVersion", "release-managed: image") in reasons
    assert ("qualifier", "release-managed: image") in reasons
    assert ("dimensions", "release-managed: image") in reasons


def test_lambda_memory_and_env_are_spec_paths(tmp_path) -> None:
    """A Lambda staging stack and production differ in memory and LOG_LEVEL: allowed by
    ``resources.*`` and ``env.LOG_LEVEL``; another variable is drift."""
    from tricolor.stacks.config import load_stacks, read_stack_config
    from tricolor.stacks.render import render

    config, secret = read_stack_config("lambda-prod")
    staging = {k: v for k, v in config.items() if k not in ("tricolor:weights", "tricolor:images")}
    staging.update({"tricolor:environment": "staging", "tricolor:image": f"{ECR}:1.4.2", "tricolor:overrides": {
        "env.LOG_LEVEL": "debug", "resources.limits.memory": "1Gi"}})
    stacks = load_stacks(["lambda-staging", "lambda-prod"], configs={"lambda-staging": (staging, secret)})
    left, right = (render(item) for item in stacks)
    result = compare(snapshots_from_rendered(left) + snapshots_from_rendered(right), ALLOWED)
    function = [d for d in result.differences if d.type == "aws:lambda/function:Function"]
    paths = {d.path: d.reason for d in function}
    assert paths["memorySize"] == "parity.allowed: resources.* (spec path resources.limits.memory)"
    assert paths["environment.variables.LOG_LEVEL"].startswith("parity.allowed: env.LOG_LEVEL")
    edited = _changed(left, "checkout-shared-function",
                      lambda i: i["environment"]["variables"].update(PAYMENTS_URL="http://elsewhere"))
    drift = compare(snapshots_from_rendered(edited) + snapshots_from_rendered(right), ALLOWED).of_status("drift")
    assert [d.path for d in drift if d.type == "aws:lambda/function:Function"] == ["environment.variables.PAYMENTS_URL"]
