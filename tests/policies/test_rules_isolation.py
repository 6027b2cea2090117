"""idle-color-isolated: a color is reached from outside only through the router."""

from __future__ import annotations

from tricolor.policies.rules_isolation import IsolationOptions, check


def _service(b, color, **spec):
    return b.resource(
        "kubernetes:core/v1:Service",
        f"checkout-{color}-service",
        {"metadata": {"labels": b.labels(color)}, "spec": {"type": "ClusterIP", **spec}},
    )


def test_router_only_exposure_passes(b):
    items = [
        b.http_route(b.good_route_rules()),
        b.listener({"blue": 100, "green": 0}),
        b.listener_rule("green"),
        _service(b, "green"),
        b.docker_container("green"),
        b.nginx_router(),
    ]
    for item in items:
        assert check(item, IsolationOptions(), b.PROD) == [], item.name


def test_unguarded_route_rule_fails_naming_the_rule(b):
    rules = b.good_route_rules()
    rules[1]["matches"] = [{"path": {"type": "PathPrefix", "value": "/"}}]
    (finding,) = check(b.http_route(rules), IsolationOptions(), b.PROD)
    assert "checkout-router-route" in finding.message
    assert "spec.rules[1] sends every request it matches to the green color" in finding.message


def test_smoke_header_option(b):
    route = b.http_route(b.good_route_rules())
    assert check(route, IsolationOptions.model_validate({"smokeHeader": "x-tricolor-color"}), b.PROD) == []
    assert len(check(route, IsolationOptions.model_validate({"smokeHeader": "x-other"}), b.PROD)) == 2


def test_exposed_colors_fail_on_every_backend(b):
    (lb,) = check(_service(b, "green", type="LoadBalancer"), IsolationOptions(), b.PROD)
    assert "checkout-green-service" in lb.message and "spec.type is LoadBalancer" in lb.message
    ips = check(_service(b, "blue", externalIPs=["203.0.113.7"]), IsolationOptions(), b.PROD)
    assert "spec.externalIPs" in ips[0].message
    (rule,) = check(b.listener_rule("green", header=False), IsolationOptions(), b.PROD)
    assert "actions[0] forwards every request to the green color's target group" in rule.message
    (default,) = check(b.listener({"green": 100}), IsolationOptions(), b.PROD)
    assert "defaultActions[0]" in default.message
    ecs = b.resource(
        "aws:ecs/service:Service",
        "checkout-green-service",
        {"networkConfiguration": {"assignPublicIp": True}, "tags": b.labels("green")},
    )
    assert "networkConfiguration.assignPublicIp" in check(ecs, IsolationOptions(), b.PROD)[0].message
    docker = b.docker_container("green", ports=[{"internal": 8080, "external": 8081}])
    assert (
        "ports[0] publishes port 8080 on 0.0.0.0:8081" in check(docker, IsolationOptions(), b.PROD)[0].message
    )
    ingress = b.resource(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "direct",
        {"spec": {"rules": [{"http": {"paths": [{"backend": {"service": {"name": "checkout-green"}}}]}}]}},
    )
    assert (
        "spec.rules[0].http.paths[0].backend.service.name exposes the green color"
        in check(ingress, IsolationOptions(), b.PROD)[0].message
    )


def test_missing_properties_are_handled(b):
    assert (
        check(b.resource("kubernetes:core/v1:Service", "checkout-blue", {}), IsolationOptions(), b.PROD) == []
    )
    assert check(b.http_route([{"backendRefs": None}]), IsolationOptions(), b.PROD) == []
    assert check(b.resource("aws:lb/listener:Listener", "l", {}), IsolationOptions(), b.PROD) == []
