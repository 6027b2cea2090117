"""Kubernetes objects of an environment, as plain dicts built from the spec.

Pure functions: no Pulumi here, so the shapes are testable on their own. Values may be
Pulumi ``Output``s where a name comes from another resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...spec import Color, ServiceSpec, Stack, Weights, dns_label, image_tag
from ...spec.model import Dependency, Probe
from ..args import common_labels

SERVICE_PORT = 80
DEPENDENCY_PORTS = {"postgres": 5432, "mysql": 3306, "redis": 6379}
DEPENDENCY_IMAGES = {"postgres": "postgres", "mysql": "mysql", "redis": "redis"}


@dataclass(frozen=True)
class Names:
    """The Kubernetes names of one environment (all DNS-1123 labels)."""

    namespace: str
    instance: str  # Deployment, Service, HPA, PDB: ``checkout-blue`` or ``checkout``
    config_map: str
    secret: str
    route: str

    @classmethod
    def of(cls, stack: Stack, color: Color | None) -> Names:
        name = stack.spec.name
        return cls(
            namespace=stack.config.namespace or dns_label(name, stack.name),
            instance=dns_label(name, color or ""),
            config_map=dns_label(name, color or "", "config"),
            secret=dns_label(name, "secrets"),
            route=dns_label(name),
        )


def labels(stack: Stack, color: Color | None, image: str | None = None) -> dict[str, str]:
    out = common_labels(stack, color)
    out["app.kubernetes.io/instance"] = Names.of(stack, color).instance
    if image is not None:
        version = image_tag(image)
        if version:
            out["app.kubernetes.io/version"] = version[:63]
    return out


def selector(stack: Stack, color: Color | None) -> dict[str, str]:
    """The labels that select one environment's pods (never the version: it changes)."""
    return {
        "app.kubernetes.io/name": stack.spec.name,
        "app.kubernetes.io/instance": Names.of(stack, color).instance,
    }


def metadata(name: str, namespace: Any, object_labels: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": object_labels}


def namespace(stack: Stack) -> dict[str, Any]:
    return {"metadata": {"name": Names.of(stack, None).namespace, "labels": common_labels(stack, None)}}


def secret(stack: Stack, ns: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The Secret holding the spec's secret values (Pulumi secrets, kept secret)."""
    return {
        "metadata": metadata(Names.of(stack, None).secret, ns, common_labels(stack, None)),
        "type": "Opaque",
        "string_data": values,
    }


def config_map(stack: Stack, color: Color | None, ns: Any) -> dict[str, Any]:
    names = Names.of(stack, color)
    data = dict(sorted(stack.spec.env.items()))
    data.update(dependency_env(stack, ns))
    return {"metadata": metadata(names.config_map, ns, labels(stack, color)), "data": data}


def dependency_host(stack: Stack, dep: Dependency, ns: str) -> str:
    return f"{dns_label(stack.spec.name, dep.name)}.{ns}.svc.cluster.local"


def dependency_env(stack: Stack, ns: Any) -> dict[str, str]:
    """Environment variables that point the service at its shared dependencies."""
    out: dict[str, str] = {}
    namespace_name = Names.of(stack, None).namespace
    for dep in stack.spec.dependencies:
        host = dependency_host(stack, dep, namespace_name)
        port = DEPENDENCY_PORTS.get(dep.kind)
        attributes = {
            "host": host,
            "port": str(port or ""),
            "url": f"{dep.kind}://{host}:{port}" if port else "",
            "path": f"/data/{dep.name}",
        }
        for variable, attribute in dep.env.items():
            out[variable] = attributes.get(attribute, "")
    return out


def _probe(probe: Probe, port: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": probe.path, "port": probe.port or port},
        "initialDelaySeconds": probe.initial_delay_seconds,
        "periodSeconds": probe.period_seconds,
        "timeoutSeconds": probe.timeout_seconds,
        "failureThreshold": probe.failure_threshold,
    }


def container(spec: ServiceSpec, image: str, names: Names) -> dict[str, Any]:
    env = [
        {"name": variable, "valueFrom": {"secretKeyRef": {"name": names.secret, "key": variable}}}
        for variable in sorted(spec.secrets)
    ]
    out: dict[str, Any] = {
        "name": spec.name,
        "image": image,
        "ports": [{"name": "http", "containerPort": spec.port, "protocol": "TCP"}],
        "envFrom": [{"configMapRef": {"name": names.config_map}}],
        "resources": {
            "requests": {"cpu": spec.resources.requests.cpu, "memory": spec.resources.requests.memory},
            "limits": {"cpu": spec.resources.limits.cpu, "memory": spec.resources.limits.memory},
        },
        "readinessProbe": _probe(spec.probes.readiness, spec.port),
    }
    if env:
        out["env"] = env
    if spec.probes.liveness is not None:
        out["livenessProbe"] = _probe(spec.probes.liveness, spec.port)
    return out


def deployment(stack: Stack, color: Color | None, image: str, ns: Any, replicas: int | None = None) -> dict[str, Any]:
    names = Names.of(stack, color)
    pod_labels = labels(stack, color, image)
    spec = stack.spec
    count = spec.replicas if replicas is None else replicas
    if spec.autoscaling is not None and replicas is None:
        count = max(count, spec.autoscaling.min_replicas)
    return {
        "metadata": metadata(names.instance, ns, pod_labels),
        "spec": {
            "replicas": count,
            "selector": {"matchLabels": selector(stack, color)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {"containers": [container(spec, image, names)]},
            },
        },
    }


def service(stack: Stack, color: Color | None, ns: Any) -> dict[str, Any]:
    names = Names.of(stack, color)
    return {
        "metadata": metadata(names.instance, ns, labels(stack, color)),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(stack, color),
            "ports": [{"name": "http", "port": SERVICE_PORT, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def autoscaler(stack: Stack, color: Color | None, ns: Any) -> dict[str, Any] | None:
    scaling = stack.spec.autoscaling
    if scaling is None:
        return None
    names = Names.of(stack, color)
    return {
        "metadata": metadata(names.instance, ns, labels(stack, color)),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": names.instance},
            "minReplicas": scaling.min_replicas,
            "maxReplicas": scaling.max_replicas,
            "metrics": [{
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": scaling.target_cpu},
                },
            }],
        },
    }


def disruption_budget(stack: Stack, color: Color | None, ns: Any) -> dict[str, Any] | None:
    budget = stack.spec.disruption_budget
    if budget is None:
        return None
    names = Names.of(stack, color)
    body: dict[str, Any] = {"selector": {"matchLabels": selector(stack, color)}}
    if budget.min_available is not None:
        body["minAvailable"] = budget.min_available
    else:
        body["maxUnavailable"] = budget.max_unavailable
    return {"metadata": metadata(names.instance, ns, labels(stack, color)), "spec": body}


def dependency_objects(stack: Stack, dep: Dependency, ns: Any) -> dict[str, dict[str, Any]]:
    """A shared dependency: a PersistentVolumeClaim for a volume; a one-replica
    StatefulSet with its storage and a Service for a database or cache."""
    name = dns_label(stack.spec.name, dep.name)
    dep_labels = {**common_labels(stack, None), "app.kubernetes.io/name": name,
                  "app.kubernetes.io/component": dep.kind}
    storage = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": dep.size}}}
    if dep.kind == "volume":
        return {"pvc": {"metadata": metadata(name, ns, dep_labels), "spec": storage}}
    port = DEPENDENCY_PORTS[dep.kind]
    match = {"app.kubernetes.io/name": name}
    image = DEPENDENCY_IMAGES[dep.kind] + (f":{dep.version}" if dep.version else "")
    return {
        "service": {
            "metadata": metadata(name, ns, dep_labels),
            "spec": {"clusterIP": "None", "selector": match,
                     "ports": [{"name": dep.kind, "port": port, "targetPort": port}]},
        },
        "statefulset": {
            "metadata": metadata(name, ns, dep_labels),
            "spec": {
                "serviceName": name,
                "replicas": 1,
                "selector": {"matchLabels": match},
                "template": {
                    "metadata": {"labels": {**dep_labels, **match}},
                    "spec": {"containers": [{
                        "name": dep.kind,
                        "image": image,
                        "ports": [{"containerPort": port}],
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    }]},
                },
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": storage}],
            },
        },
    }


def http_route(
    stack: Stack,
    ns: Any,
    services: dict[str, Any],
    weights: Weights | None,
) -> dict[str, Any]:
    """A Gateway API HTTPRoute: per color a header rule that reaches that color alone
    (for smoke tests), then the weighted rule. ``weight: 0`` is kept, never dropped."""
    routing = stack.spec.routing
    names = Names.of(stack, None)
    path = {"type": "PathPrefix", "value": routing.path}
    rules: list[dict[str, Any]] = []
    if weights is None:
        (only,) = services.values()
        rules.append({"matches": [{"path": path}],
                      "backendRefs": [{"name": only, "port": SERVICE_PORT, "weight": 1}]})
    else:
        for color, svc in services.items():
            rules.append({
                "matches": [{"path": path,
                             "headers": [{"type": "Exact", "name": routing.header, "value": color}]}],
                "backendRefs": [{"name": svc, "port": SERVICE_PORT, "weight": 1}],
            })
        rules.append({
            "matches": [{"path": path}],
            "backendRefs": [
                {"name": svc, "port": SERVICE_PORT, "weight": weights.of(color)}  # type: ignore[arg-type]
                for color, svc in services.items()
            ],
        })
    body: dict[str, Any] = {
        "parentRefs": [{
            "group": "gateway.networking.k8s.io",
            "kind": "Gateway",
            "name": routing.gateway.name,
            "namespace": routing.gateway.namespace,
        }],
        "rules": rules,
    }
    hostnames = stack.config.hostnames if stack.config.hostnames is not None else routing.hostnames
    if hostnames:
        body["hostnames"] = list(hostnames)
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": metadata(names.route, ns, common_labels(stack, None)),
        "spec": body,
    }
