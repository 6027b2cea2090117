"""Builders of resources in each backend's shape, and the rendered example stacks."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from tricolor.policies.model import Context, Resource

PROD = Context(stack="prod", environment="production")
STAGING = Context(stack="staging", environment="staging")
PREVIEW = Context(stack="pr-12", environment="preview")
IMAGE = "ghcr.io/acme/checkout:1.4.2"


def urn(type_: str, name: str, stack: str = "prod", parent_type: str = "") -> str:
    chain = f"{parent_type}${type_}" if parent_type else type_
    return f"urn:pulumi:{stack}::tricolor::{chain}::{name}"


def resource(
    type_: str, name: str, props: dict[str, Any], stack: str = "prod", parent: str | None = None
) -> Resource:
    return Resource(type=type_, name=name, urn=urn(type_, name, stack), props=props, parent=parent)


def labels(
    color: str | None = "blue", environment: str | None = "production", **extra: str
) -> dict[str, str]:
    out = {"app.kubernetes.io/name": "checkout"}
    if color:
        out["tricolor.dev/color"] = color
    if environment:
        out["tricolor.dev/environment"] = environment
    out.update(extra)
    return out


def container(image: str | None = IMAGE, resources: bool = True, probe: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"name": "checkout"}
    if image is not None:
        out["image"] = image
    if resources:
        out["resources"] = {
            "requests": {"cpu": "250m", "memory": "256Mi"},
            "limits": {"cpu": "1", "memory": "512Mi"},
        }
    if probe:
        out["readinessProbe"] = {"httpGet": {"path": "/healthz/ready", "port": 8080}}
    return out


def deployment(
    color: str | None = "blue", environment: str | None = "production", replicas: int = 4, **kwargs: Any
) -> Resource:
    name = f"checkout-{color}" if color else "checkout"
    props = {
        "metadata": {"name": name, "namespace": "checkout-prod", "labels": labels(color, environment)},
        "spec": {
            "replicas": replicas,
            "template": {
                "metadata": {"labels": labels(color, environment)},
                "spec": {"containers": [container(**kwargs)]},
            },
        },
    }
    return resource("kubernetes:apps/v1:Deployment", f"{name}-deployment", props)


def http_route(rules: list[dict[str, Any]]) -> Resource:
    props = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "checkout", "labels": labels(None)},
        "spec": {"rules": rules},
    }
    return resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "checkout-router-route", props)


def backend(name: str, weight: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "port": 80}
    if weight is not None:
        out["weight"] = weight
    return out


def header_match(color: str) -> dict[str, Any]:
    return {
        "path": {"type": "PathPrefix", "value": "/"},
        "headers": [{"type": "Exact", "name": "x-tricolor-color", "value": color}],
    }


def good_route_rules(blue: Any = 100, green: Any = 0) -> list[dict[str, Any]]:
    return [
        {"matches": [header_match("blue")], "backendRefs": [backend("checkout-blue", 1)]},
        {"matches": [header_match("green")], "backendRefs": [backend("checkout-green", 1)]},
        {
            "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
            "backendRefs": [backend("checkout-blue", blue), backend("checkout-green", green)],
        },
    ]


TG = "arn:aws:lb:us-east-1:000000000000:targetGroup/checkout-{}-tg"


def listener(weights: dict[str, Any]) -> Resource:
    groups = [{"arn": TG.format(color), "weight": weight} for color, weight in weights.items()]
    props = {
        "defaultActions": [{"type": "forward", "forward": {"targetGroups": groups}}],
        "port": 80,
        "tags": labels(None),
    }
    return resource("aws:lb/listener:Listener", "checkout-router-listener", props)


def listener_rule(color: str, header: bool = True) -> Resource:
    props: dict[str, Any] = {
        "actions": [{"type": "forward", "targetGroupArn": TG.format(color)}],
        "priority": 1,
        "tags": labels(color),
    }
    if header:
        props["conditions"] = [{"httpHeader": {"httpHeaderName": "x-tricolor-color", "values": [color]}}]
    return resource("aws:lb/listenerRule:ListenerRule", f"checkout-{color}-test-rule", props)


def ecs_task(
    color: str = "blue", image: str = IMAGE, cpu: Any = "1024", memory: Any = "2048", health: bool = True
) -> Resource:
    definition: dict[str, Any] = {"name": "checkout", "image": image, "essential": True}
    if health:
        definition["healthCheck"] = {"command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"]}
    props: dict[str, Any] = {"containerDefinitions": json.dumps([definition]), "tags": labels(color)}
    if cpu is not None:
        props["cpu"] = cpu
    if memory is not None:
        props["memory"] = memory
    return resource("aws:ecs/taskDefinition:TaskDefinition", f"checkout-{color}-task", props)


def docker_container(color: str | None = "blue", image: str = IMAGE, **extra: Any) -> Resource:
    props: dict[str, Any] = {
        "image": image,
        "cpus": "1",
        "memory": 512,
        "healthcheck": {"tests": ["CMD-SHELL", "wget -qO- http://localhost:8080/healthz/live"]},
        "labels": [{"label": k, "value": v} for k, v in labels(color).items()],
    }
    props.update(extra)
    name = f"checkout-{color}-container" if color else "checkout-router-nginx"
    return resource("docker:index/container:Container", name, props, stack="local")


NGINX = """upstream tricolor_weighted {{
    server checkout-blue:8080 weight={blue};
    server checkout-green:8080 weight={green};
    keepalive 16;
}}
upstream tricolor_blue {{
    server checkout-blue:8080;
}}
"""


def nginx_router(blue: Any = 90, green: Any = 10) -> Resource:
    content = NGINX.format(blue=blue, green=green)
    return docker_container(
        None,
        image="nginx:1.27-alpine",
        uploads=[{"content": content, "file": "/etc/nginx/x"}],
        ports=[{"internal": 80, "external": 8080, "ip": "127.0.0.1"}],
    )


def mutate(item: Resource, change: Callable[[dict[str, Any]], None]) -> Resource:
    props = copy.deepcopy(dict(item.props))
    change(props)
    return Resource(item.type, item.name, item.urn, props, item.parent)


@pytest.fixture(scope="session")
def b() -> SimpleNamespace:
    """The builders, as ``b.deployment(...)`` in tests."""
    return SimpleNamespace(
        PROD=PROD,
        STAGING=STAGING,
        PREVIEW=PREVIEW,
        IMAGE=IMAGE,
        urn=urn,
        resource=resource,
        labels=labels,
        container=container,
        deployment=deployment,
        http_route=http_route,
        backend=backend,
        header_match=header_match,
        good_route_rules=good_route_rules,
        listener=listener,
        listener_rule=listener_rule,
        ecs_task=ecs_task,
        docker_container=docker_container,
        nginx_router=nginx_router,
        mutate=mutate,
    )


@pytest.fixture(scope="session")
def rendered() -> dict[str, Any]:
    """Every example stack rendered once under the mock runtime, by name."""
    from tricolor.stacks.config import load_stacks, stack_names
    from tricolor.stacks.render import render

    return {item.stack.name: render(item) for item in load_stacks(stack_names())}
