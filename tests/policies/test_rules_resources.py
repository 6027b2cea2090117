"""production-resources: requests, limits and a readiness probe on every production color."""

from __future__ import annotations

from tricolor.policies.rules_resources import ResourceOptions, check


def test_compliant_workloads_pass(b):
    for item in (b.deployment(), b.ecs_task(), b.docker_container()):
        assert check(item, ResourceOptions(), b.PROD) == []


def test_missing_resources_fail_naming_each_field(b):
    findings = check(b.deployment(color="green", resources=False), ResourceOptions(), b.PROD)
    (finding,) = findings
    assert "checkout-green-deployment" in finding.message and "(green)" in finding.message
    for what in ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory"):
        assert f"spec.template.spec.containers[0].resources.{what}" in finding.message


def test_missing_probe_fails_naming_the_field(b):
    (finding,) = check(b.deployment(probe=False), ResourceOptions(), b.PROD)
    assert "no readiness probe (spec.template.spec.containers[0].readinessProbe)" in finding.message


def test_other_backends(b):
    ecs = check(b.ecs_task(cpu=None, memory=None, health=False), ResourceOptions(), b.PROD)
    text = " ".join(f.message for f in ecs)
    assert "checkout-blue-task" in text and "containerDefinitions[0].cpu" in text
    assert "containerDefinitions[0].memory" in text and "containerDefinitions[0].healthCheck" in text
    docker = b.mutate(b.docker_container(), lambda p: [p.pop("cpus"), p.pop("memory"), p.pop("healthcheck")])
    text = " ".join(f.message for f in check(docker, ResourceOptions(), b.PROD))
    assert "cpuShares" in text and "memory" in text and "healthcheck.tests" in text


def test_missing_properties_are_handled(b):
    empty = b.resource("kubernetes:apps/v1:Deployment", "checkout-blue-deployment", {})
    assert check(empty, ResourceOptions(), b.PROD) == []  # no containers: nothing to judge
    partial = b.mutate(
        b.deployment(), lambda p: p["spec"]["template"]["spec"]["containers"][0]["resources"].pop("limits")
    )
    (finding,) = check(partial, ResourceOptions(), b.PROD)
    assert "limits.cpu" in finding.message and "requests" not in finding.message


def test_scope_and_options(b):
    staging = b.deployment(color=None, environment="staging", resources=False, probe=False)
    assert check(staging, ResourceOptions(), b.STAGING) == []
    shared = b.deployment(color=None, resources=False)
    assert check(shared, ResourceOptions(), b.PROD) == []
    assert len(check(shared, ResourceOptions.model_validate({"coloredOnly": False}), b.PROD)) == 1
    no_probe = b.deployment(probe=False)
    assert check(no_probe, ResourceOptions.model_validate({"requireReadiness": False}), b.PROD) == []
