"""Kubernetes objects of an environment, as plain dicts built from the spec.

Pure functions: no Pulumi here, so the shapes are testable on their own. Values may be
Pulumi ``Output``s where a name comes from another resource. The shared dependencies'
objects are in ``dependencies.py``; ``tricolor:kubernetes`` settings are applied here
only when given (an absent key leaves Kubernetes' default, and writes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...spec.backends import KubernetesSettings
from ...spec.canary import HeaderRoute
from ...spec.model import Probe, image_tag
from ...spec.naming import dns_label
from ...spec.stack import Stack
from ...spec.weights import Color, Weights
from ...vocab import labels as keys
from ...vocab import limits
from ..args import common_labels
from ..errors import BackendLimitError
from . import dependencies as deps
from .header_routes import header_rules

SERVICE_PORT = 80


@dataclass(frozen=True)
class Names:
    """The Kubernetes names of one environment (all DNS-1123 labels)."""

    namespace: str
    instance: str  # Deployment, Service, HPA, PDB: ``checkout-blue`` or ``checkout``
    config_map: str
    secret: str
    route: str
    env_secret: str = ""  # the environment's own Secret (``checkout-blue-env-secrets``)

    @classmethod
    def of(cls, stack: Stack, color: Color | None) -> Names:
        name = stack.spec.name
        return cls(
            namespace=stack.config.namespace or dns_label(name, stack.name),
            instance=dns_label(name, color or ""),
            config_map=dns_label(name, color or "", "config"),
            secret=dns_label(name, "secrets"),
            route=dns_label(name),
            env_secret=dns_label(name, color or "", "env-secrets"),
        )


def labels(stack: Stack, color: Color | None, image: str | None = None) -> dict[str, str]:
    out = common_labels(stack, color)
    out[keys.APP_INSTANCE] = Names.of(stack, color).instance
    if image is not None:
        version = image_tag(image)
        if version:
            out[keys.APP_VERSION] = version[:63]
    return out


def selector(stack: Stack, color: Color | None) -> dict[str, str]:
    """The labels that select one environment's pods (never the version: it changes)."""
    return {
        keys.APP_NAME: stack.spec.name,
        keys.APP_INSTANCE: Names.of(stack, color).instance,
    }


def metadata(name: str, namespace: Any, object_labels: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": object_labels}


def namespace(stack: Stack) -> dict[str, Any]:
    return {"metadata": {"name": Names.of(stack, None).namespace, "labels": common_labels(stack, None)}}


def secret(stack: Stack, ns: Any, values: dict[str, Any], versions: str | None = None) -> dict[str, Any]:
    """The Secret holding the spec's secret values (Pulumi secrets, kept secret), with
    the versions of those values when known (never the values)."""
    meta = metadata(Names.of(stack, None).secret, ns, common_labels(stack, None))
    if versions is not None:
        meta["annotations"] = {keys.VALUE_VERSIONS: versions}
    return {"metadata": meta, "type": "Opaque", "string_data": values}


def env_secret(stack: Stack, color: Color | None, ns: Any, values: dict[str, Any], versions: str) -> dict[str, Any]:
    """An environment's own Secret (a color's: the values of the revision it runs),
    annotated with their versions (never the values): a new value reaches one color at a
    time."""
    meta = metadata(Names.of(stack, color).env_secret, ns, labels(stack, color))
    meta["annotations"] = {keys.VALUE_VERSIONS: versions}
    return {"metadata": meta, "type": "Opaque", "string_data": values}


def config_map(stack: Stack, color: Color | None, ns: Any) -> dict[str, Any]:
    names = Names.of(stack, color)
    data = dict(sorted(stack.spec.env.items()))
    data.update(deps.service_env(stack, names.namespace).plain)
    return {"metadata": metadata(names.config_map, ns, labels(stack, color)), "data": data}


def _probe(probe: Probe, port: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": probe.path, "port": probe.port or port},
        "initialDelaySeconds": probe.initial_delay_seconds,
        "periodSeconds": probe.period_seconds,
        "timeoutSeconds": probe.timeout_seconds,
        "failureThreshold": probe.failure_threshold,
    }


def container(stack: Stack, image: str, names: Names, secret_name: str | None = None) -> dict[str, Any]:
    spec = stack.spec
    secret_refs = {variable: variable for variable in spec.secrets}
    secret_refs.update(deps.service_env(stack, names.namespace).secret)  # a dependency's password
    env = [
        {"name": variable, "valueFrom": {"secretKeyRef": {"name": secret_name or names.secret, "key": key}}}
        for variable, key in sorted(secret_refs.items())
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


def pod_spec(stack: Stack, image: str, names: Names, settings: KubernetesSettings,
             secret_name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"containers": [container(stack, image, names, secret_name)]}
    if settings.image_pull_secrets:
        out["imagePullSecrets"] = [{"name": name} for name in settings.image_pull_secrets]
    if settings.termination_grace_period_seconds is not None:
        out["terminationGracePeriodSeconds"] = settings.termination_grace_period_seconds
    return out


def deployment(stack: Stack, color: Color | None, image: str, ns: Any, replicas: int | None = None,
               settings: KubernetesSettings | None = None, revision: str | None = None,
               secret_name: str | None = None) -> dict[str, Any]:
    """The Deployment of one environment; ``revision`` (the digest of the configuration
    the color runs) is annotated on its pods, so a change of configuration alone (a new
    secret value) rolls them; ``secret_name``: the Secret its variables come from."""
    names = Names.of(stack, color)
    pod_labels = labels(stack, color, image)
    spec = stack.spec
    settings = settings or KubernetesSettings.model_validate({})
    count = spec.replicas if replicas is None else replicas
    if spec.autoscaling is not None and replicas is None:
        count = max(count, spec.autoscaling.min_replicas)
    body: dict[str, Any] = {
        "replicas": count,
        "selector": {"matchLabels": selector(stack, color)},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
        "template": {
            "metadata": {"labels": pod_labels},
            "spec": pod_spec(stack, image, names, settings, secret_name),
        },
    }
    if revision is not None:
        body["template"]["metadata"]["annotations"] = {keys.REVISION: revision}
    if settings.revision_history_limit is not None:
        body["revisionHistoryLimit"] = settings.revision_history_limit
    if settings.progress_deadline_seconds is not None:
        body["progressDeadlineSeconds"] = settings.progress_deadline_seconds
    return {"metadata": metadata(names.instance, ns, pod_labels), "spec": body}


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


def http_route(
    stack: Stack,
    ns: Any,
    services: dict[str, Any],
    weights: Weights | None,
    routes: tuple[HeaderRoute, ...] = (),
) -> dict[str, Any]:
    """A Gateway API HTTPRoute: per color a header rule that reaches that color alone
    (for smoke tests), the header routes in force (``header_routes.py``), then the
    weighted rule. ``weight: 0`` is kept, never dropped."""
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
        rules += header_rules(routes, services, path, SERVICE_PORT)
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


def route_weights(route: dict[str, Any], names: list[str]) -> dict[str, int]:
    """The percentages the HTTPRoute's weighted (last) rule sends to each of ``names``
    (the services it was built from, in order), read back from its ``backendRefs``;
    ``BackendLimitError`` for what the Gateway API's schema refuses."""
    refs = route["spec"]["rules"][-1]["backendRefs"]
    if len(refs) > limits.GATEWAY.max_backends:
        raise BackendLimitError(f"{len(refs)} backendRefs in one rule; a {limits.GATEWAY.what} takes at most "
                                f"{limits.GATEWAY.max_backends}")
    weights = [int(ref["weight"]) for ref in refs]
    for name, weight in zip(names, weights, strict=True):
        if not limits.GATEWAY.min_weight <= weight <= limits.GATEWAY.max_weight:
            raise BackendLimitError(f"weight of {name}: {weight} is outside the {limits.GATEWAY.what} limit "
                                    f"0..{limits.GATEWAY.max_weight:g}")
    if len(refs) == 1:
        return {names[0]: limits.TOTAL}
    total = sum(weights)
    return {name: weight * limits.TOTAL // total if total else 0 for name, weight in zip(names, weights, strict=True)}
