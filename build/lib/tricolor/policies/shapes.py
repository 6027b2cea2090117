"""Where each backend keeps what the rules look at, by type token.

- Kubernetes (``kubernetes:<group>/<version>:<Kind>``): ``metadata.labels``; containers
  of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs.
- AWS (``aws:...``): ``tags``; ECS task definitions (``containerDefinitions``, a JSON
  string), Lambda functions packaged as images (``imageUri``).
- Docker (``docker:index/...``): ``labels`` (a list of ``{label, value}``); containers
  (``image``, ``memory``, ``cpus``, ``healthcheck``), images (``name``).

Pure functions over ``Resource``; a missing property is ``None``, never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..spec.weights import COLORS
from .model import Context, Resource, is_opaque

LABEL_PREFIX = "tricolor.dev"
COLOR_LABEL = f"{LABEL_PREFIX}/color"
ENVIRONMENT_LABEL = f"{LABEL_PREFIX}/environment"
PREVIEW_LABEL = f"{LABEL_PREFIX}/preview"

_COLOR_TOKEN = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(COLORS) + r")(?![A-Za-z0-9])")

K8S_POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
LAMBDA_FUNCTION = "aws:lambda/function:Function"
DOCKER_CONTAINER = "docker:index/container:Container"
DOCKER_IMAGES = {"docker:index/remoteImage:RemoteImage": "name", "docker:index/image:Image": "imageName"}


def get(data: Any, *path: str | int) -> Any:
    """``data[path[0]][path[1]]...`` or ``None`` when any step is missing."""
    node = data
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or not -len(node) <= key < len(node):
                return None
        elif not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def backend_of(resource: Resource) -> str:
    """``kubernetes``, ``aws``, ``docker`` or the type's package (``tricolor``, ``pulumi``...)."""
    return resource.type.split(":", 1)[0]


def k8s_kind(resource: Resource) -> str | None:
    """The Kubernetes kind of a ``kubernetes:`` resource (``Deployment``), else ``None``."""
    if backend_of(resource) != "kubernetes" or resource.type.startswith("pulumi:providers"):
        return None
    return resource.type.rsplit(":", 1)[-1]


def labels_of(resource: Resource) -> dict[str, str] | None:
    """The resource's labels or tags, or ``None`` when it has none at all."""
    props = resource.props
    backend = backend_of(resource)
    if backend == "kubernetes":
        labels = get(props, "metadata", "labels")
    elif backend == "docker":
        raw = props.get("labels")
        if isinstance(raw, list):
            labels = {str(i.get("label")): i.get("value") for i in raw if isinstance(i, Mapping)}
        else:
            labels = raw
    else:
        labels = props.get("tags")
        if labels is None:
            labels = props.get("tagsAll")
    if not isinstance(labels, Mapping):
        return None
    return {str(k): v for k, v in labels.items()}


def color_in(text: Any) -> str | None:
    """The color named as a whole word in ``text`` (``checkout-green-config``), if any."""
    if not isinstance(text, str):
        return None
    match = _COLOR_TOKEN.search(text)
    return match.group(1) if match else None


def urn_name(urn: str | None) -> str | None:
    return urn.rsplit("::", 1)[-1] if urn else None


def color_of(resource: Resource) -> str | None:
    """The color a resource belongs to: its ``tricolor.dev/color`` label or tag, else a
    color word in its name or its parent's name."""
    labels = labels_of(resource) or {}
    value = labels.get(COLOR_LABEL)
    if value in COLORS:
        return str(value)
    return color_in(resource.name) or color_in(urn_name(resource.parent))


def environment_of(resource: Resource, context: Context) -> str | None:
    """The environment from the resource's own label or tag, else from the context."""
    labels = labels_of(resource) or {}
    value = labels.get(ENVIRONMENT_LABEL)
    if isinstance(value, str) and not is_opaque(value):
        return value
    if labels.get(PREVIEW_LABEL) == "true":
        return "preview"
    return context.environment


def uncolor(value: Any) -> Any:
    """``value`` with every color word replaced by ``<color>`` (keys and strings, deeply)."""
    if isinstance(value, Mapping):
        return {uncolor(k): uncolor(v) for k, v in value.items()}
    if isinstance(value, list):
        return [uncolor(v) for v in value]
    if isinstance(value, str):
        return _COLOR_TOKEN.sub("<color>", value)
    return value


@dataclass(frozen=True)
class Container:
    """A container of a workload, whatever the backend, with the path of each field."""

    path: str
    name: str | None
    image: Any
    image_field: str
    requests: dict[str, Any] = field(default_factory=dict)  # cpu, memory -> value or None
    limits: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)  # "requests.cpu" -> field path
    readiness: Any = None
    readiness_field: str = ""
    runs_service: bool = True  # False for images and functions: no resources or probes


def containers_of(resource: Resource) -> list[Container]:
    """Every container (or image reference) the resource runs; empty for other types."""
    kind = k8s_kind(resource)
    if kind in K8S_POD_SPEC_PATHS:
        return _k8s_containers(resource, K8S_POD_SPEC_PATHS[kind])
    if resource.type == ECS_TASK_DEFINITION:
        return _ecs_containers(resource)
    if resource.type == DOCKER_CONTAINER:
        return [_docker_container(resource)]
    if resource.type == LAMBDA_FUNCTION:
        uri = resource.props.get("imageUri")
        if uri is None:
            return []
        return [Container("imageUri", resource.name, uri, "imageUri", runs_service=False)]
    if resource.type in DOCKER_IMAGES:
        key = DOCKER_IMAGES[resource.type]
        return [Container(key, resource.name, resource.props.get(key), key, runs_service=False)]
    return []


def _k8s_containers(resource: Resource, pod_path: tuple[str, ...]) -> list[Container]:
    pod = get(resource.props, *pod_path)
    out: list[Container] = []
    prefix = ".".join(pod_path)
    for group in ("initContainers", "containers"):
        items = get(pod, group)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            path = f"{prefix}.{group}[{index}]"
            res = item.get("resources")
            fields = {
                f"{kind}.{what}": f"{path}.resources.{kind}.{what}"
                for kind in ("requests", "limits")
                for what in ("cpu", "memory")
            }
            out.append(
                Container(
                    path=path,
                    name=item.get("name"),
                    image=item.get("image"),
                    image_field=f"{path}.image",
                    requests={w: get(res, "requests", w) for w in ("cpu", "memory")},
                    limits={w: get(res, "limits", w) for w in ("cpu", "memory")},
                    fields=fields,
                    readiness=item.get("readinessProbe"),
                    readiness_field=f"{path}.readinessProbe",
                    runs_service=group == "containers",
                )
            )
    return out


def ecs_definitions(resource: Resource) -> list[Any] | None:
    """The parsed ``containerDefinitions`` of a task definition (``None`` if unreadable)."""
    raw = resource.props.get("containerDefinitions")
    if isinstance(raw, str) and not is_opaque(raw):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, list) else None


def _ecs_containers(resource: Resource) -> list[Container]:
    props = resource.props
    out: list[Container] = []
    for index, item in enumerate(ecs_definitions(resource) or []):
        if not isinstance(item, Mapping):
            continue
        path = f"containerDefinitions[{index}]"

        def first(*candidates: tuple[Any, str]) -> tuple[Any, str]:
            for value, where in candidates:
                if value is not None:
                    return value, where
            return None, candidates[0][1]

        req_cpu = first((item.get("cpu"), f"{path}.cpu"), (props.get("cpu"), "cpu"))
        req_mem = first(
            (item.get("memoryReservation"), f"{path}.memoryReservation"),
            (item.get("memory"), f"{path}.memory"),
            (props.get("memory"), "memory"),
        )
        lim_cpu = first((props.get("cpu"), "cpu"), (item.get("cpu"), f"{path}.cpu"))
        lim_mem = first((item.get("memory"), f"{path}.memory"), (props.get("memory"), "memory"))
        out.append(
            Container(
                path=path,
                name=item.get("name"),
                image=item.get("image"),
                image_field=f"{path}.image",
                requests={"cpu": req_cpu[0], "memory": req_mem[0]},
                limits={"cpu": lim_cpu[0], "memory": lim_mem[0]},
                fields={
                    "requests.cpu": req_cpu[1],
                    "requests.memory": req_mem[1],
                    "limits.cpu": lim_cpu[1],
                    "limits.memory": lim_mem[1],
                },
                readiness=item.get("healthCheck"),
                readiness_field=f"{path}.healthCheck",
            )
        )
    return out


def _docker_container(resource: Resource) -> Container:
    """Docker has no requests: a container is reserved what it may use, so ``memory``
    and ``cpus`` (the limits) stand for the requests unless ``memoryReservation`` or
    ``cpuShares`` are set."""
    props = resource.props

    def first(*keys: str) -> tuple[Any, str]:
        for key in keys:
            if props.get(key) is not None:
                return props[key], key
        return None, keys[0]

    cpu_limit, memory_limit = first("cpus", "cpuQuota"), first("memory")
    cpu_request, memory_request = first("cpuShares", "cpus", "cpuQuota"), first("memoryReservation", "memory")
    health = props.get("healthcheck")
    return Container(
        path="",
        name=props.get("name") or resource.name,
        image=props.get("image"),
        image_field="image",
        requests={"cpu": cpu_request[0], "memory": memory_request[0]},
        limits={"cpu": cpu_limit[0], "memory": memory_limit[0]},
        fields={
            "requests.cpu": cpu_request[1],
            "requests.memory": memory_request[1],
            "limits.cpu": cpu_limit[1],
            "limits.memory": memory_limit[1],
        },
        readiness=health if get(health, "tests") else None,
        readiness_field="healthcheck.tests",
    )
