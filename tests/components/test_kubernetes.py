"""Kubernetes components under Pulumi's mock runtime: resources, names, parents, inputs."""

from __future__ import annotations

from typing import Any


def by_name(rendered: Any) -> dict[str, Any]:
    return {r.name: r for r in rendered.resources}


def test_staging_has_one_environment_with_its_own_shared_resources(rendered_k8s: dict) -> None:
    res = by_name(rendered_k8s["staging"])
    assert res["checkout"].type == "tricolor:kubernetes:Environment"
    assert res["checkout-shared"].parent == res["checkout"].urn
    for child in ("checkout-deployment", "checkout-service", "checkout-config",
                  "checkout-autoscaler", "checkout-disruption-budget"):
        assert res[child].parent == res["checkout"].urn, child
    assert res["checkout-shared-namespace"].inputs["metadata"]["name"] == "checkout-staging"
    assert res["checkout-router-route"].parent == res["checkout-router"].urn


def test_production_builds_two_colors_and_one_shared(rendered_k8s: dict) -> None:
    res = by_name(rendered_k8s["prod"])
    pair = res["checkout"]
    assert pair.type == "tricolor:kubernetes:BlueGreen"
    assert res["checkout-blue"].parent == pair.urn
    assert res["checkout-green"].parent == pair.urn
    assert res["checkout-shared"].parent == pair.urn
    # Stateful dependencies exist once per stack, never per color.
    statefulsets = [r for r in rendered_k8s["prod"].resources if r.type == "kubernetes:apps/v1:StatefulSet"]
    assert sorted(r.name for r in statefulsets) == [
        "checkout-shared-orders-db-statefulset", "checkout-shared-sessions-statefulset"]
    namespaces = [r for r in rendered_k8s["prod"].resources if r.type == "kubernetes:core/v1:Namespace"]
    assert len(namespaces) == 1
    assert len([r for r in rendered_k8s["prod"].resources if r.type == "kubernetes:apps/v1:Deployment"]) == 2


def test_deployment_inputs(rendered_k8s: dict) -> None:
    deployment = by_name(rendered_k8s["prod"])["checkout-green-deployment"].inputs
    assert deployment["apiVersion"] == "apps/v1" and deployment["kind"] == "Deployment"
    meta = deployment["metadata"]
    assert meta["name"] == "checkout-green" and meta["namespace"] == "checkout-prod"
    labels = meta["labels"]
    assert labels["tricolor.dev/color"] == "green"
    assert labels["app.kubernetes.io/name"] == "checkout"
    assert labels["app.kubernetes.io/instance"] == "checkout-green"
    assert labels["app.kubernetes.io/version"] == "1.4.2"
    spec = deployment["spec"]
    assert spec["replicas"] == 4  # prod override; autoscaling min 4
    assert spec["selector"]["matchLabels"] == {
        "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout-green"}
    (container,) = spec["template"]["spec"]["containers"]
    assert container["image"] == "ghcr.io/acme/checkout:1.4.2"
    assert container["resources"] == {"requests": {"cpu": "250m", "memory": "256Mi"},
                                      "limits": {"cpu": "1", "memory": "512Mi"}}
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz/ready", "port": 8080}
    assert container["livenessProbe"]["initialDelaySeconds"] == 10
    assert container["envFrom"] == [{"configMapRef": {"name": "checkout-green-config"}}]
    secret_refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    # each color reads its secret values from its own Secret (the values of its revision)
    assert secret_refs["DATABASE_PASSWORD"] == {"name": "checkout-green-env-secrets", "key": "DATABASE_PASSWORD"}


def test_config_map_and_secret(rendered_k8s: dict) -> None:
    res = by_name(rendered_k8s["staging"])
    data = res["checkout-config"].inputs["data"]
    assert data["LOG_LEVEL"] == "debug"  # staging override
    assert data["DATABASE_HOST"] == "checkout-orders-db.checkout-staging.svc.cluster.local"
    assert data["DATABASE_PORT"] == "5432"
    assert data["REDIS_URL"] == "redis://checkout-sessions.checkout-staging.svc.cluster.local:6379"
    secret = res["checkout-shared-secret"].inputs
    assert secret["stringData"] == "[secret]"  # values come from secret config and stay secret
    assert res["checkout-secret"].inputs["stringData"] == "[secret]"  # the environment's own Secret


def test_autoscaler_and_disruption_budget(rendered_k8s: dict) -> None:
    res = by_name(rendered_k8s["prod"])
    hpa = res["checkout-blue-autoscaler"].inputs["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "checkout-blue"}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (4, 12)
    pdb = res["checkout-blue-disruption-budget"].inputs["spec"]
    assert pdb["minAvailable"] == 2


def test_route_weights_keep_zero_and_headers_reach_each_color(rendered_k8s: dict) -> None:
    route = by_name(rendered_k8s["prod"])["checkout-router-route"].inputs
    assert route["apiVersion"] == "gateway.networking.k8s.io/v1" and route["kind"] == "HTTPRoute"
    assert route["spec"]["parentRefs"][0]["name"] == "public"
    *header_rules, weighted = route["spec"]["rules"]
    assert {r["matches"][0]["headers"][0]["value"]: r["backendRefs"][0]["name"] for r in header_rules} == {
        "blue": "checkout-blue", "green": "checkout-green"}
    assert all(r["matches"][0]["headers"][0]["name"] == "x-tricolor-color" for r in header_rules)
    assert [(b["name"], b["weight"]) for b in weighted["backendRefs"]] == [
        ("checkout-blue", 100), ("checkout-green", 0)]


def test_router_weights_follow_the_stack_config(tmp_path, root) -> None:
    from tricolor.stacks.config import load_stacks, read_stack_config
    from tricolor.stacks.render import render

    config, secure = read_stack_config("prod")
    config["tricolor:weights"] = {"blue": 35, "green": 65}
    (item,) = load_stacks(["prod"], configs={"prod": (config, secure)})
    route = render(item).find("checkout-router-route").inputs
    weighted = route["spec"]["rules"][-1]["backendRefs"]
    assert [b["weight"] for b in weighted] == [35, 65]
