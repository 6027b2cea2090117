"""Kubernetes objects of the shared dependencies, as plain dicts. Pure, no Pulumi.

- ``postgres``, ``mysql``, ``redis``: a one-replica StatefulSet running the official
  image as it documents (``components.dependencies``): its password from the stack's
  Secret (the spec secret named by ``credentials``), its volume on the image's data
  directory (the image's files one level down, away from ``lost+found``), readiness
  and liveness probes that run the image's own client, resources; and the headless
  Service (``clusterIP: None``) the StatefulSet is governed by, which the service
  reaches it through.
- ``volume``: a PersistentVolumeClaim both colors mount.
- ``external``: nothing: the environments are only wired to its host and port.

Invariant: a database never starts without a password. ``credentials_problems`` names
every postgres/mysql dependency without one (and every ``credentials`` naming no spec
secret) so the stack fails before anything is registered.
"""

from __future__ import annotations

from typing import Any

from ...spec.backends import KubernetesSettings
from ...spec.model import Amounts, Dependency, Resources
from ...spec.naming import dns_label
from ...spec.stack import Stack
from ...vocab import labels as keys
from .. import dependencies as table
from ..args import common_labels

# What a database gets when the spec names no resources for it.
DEFAULT_RESOURCES: dict[str, Resources] = {
    "postgres": Resources(requests=Amounts(cpu="250m", memory="256Mi"), limits=Amounts(cpu="1", memory="1Gi")),
    "mysql": Resources(requests=Amounts(cpu="250m", memory="512Mi"), limits=Amounts(cpu="1", memory="1Gi")),
    "redis": Resources(requests=Amounts(cpu="100m", memory="128Mi"), limits=Amounts(cpu="500m", memory="512Mi")),
}
NEEDS_PASSWORD = ("postgres", "mysql")


def credentials_problems(stack: Stack) -> list[str]:
    """Why the stack's dependencies cannot run on Kubernetes (missing or unknown credentials)."""
    out = []
    secrets = stack.spec.secrets
    for dep in stack.spec.dependencies:
        where = f"dependencies.{dep.name}.credentials"
        if dep.credentials is None and dep.kind in NEEDS_PASSWORD:
            key = dep.name.title().replace("-", "")
            suggestion = key[0].lower() + key[1:] + "Password"
            out.append(f"{where}: the official {dep.kind} image does not start without a password; name the spec "
                       f"secret that holds it (for example secrets: {{{dep.name.upper().replace('-', '_')}_PASSWORD:"
                       f" {{config: {suggestion}}}}} and credentials: {dep.name.upper().replace('-', '_')}_PASSWORD, "
                       f"then pulumi config set --secret {suggestion} ...)")
        elif dep.credentials is not None and dep.credentials not in secrets:
            out.append(f"{where}: {dep.credentials!r} is not one of the spec's secrets "
                       f"({', '.join(sorted(secrets)) or 'there are none'})")
    return out


def host(stack: Stack, dep: Dependency, namespace: str) -> str:
    """The headless Service's DNS name (an external dependency: its own host)."""
    if dep.kind == "external":
        return dep.host or ""
    return f"{dns_label(stack.spec.name, dep.name)}.{namespace}.svc.cluster.local"


def service_env(stack: Stack, namespace: str) -> table.DependencyEnv:
    """The service's variables for its dependencies; secrets are spec secret names."""
    endpoints = {dep.name: table.endpoint(dep, host(stack, dep, namespace)) for dep in stack.spec.dependencies}
    return table.dependency_env(list(stack.spec.dependencies), endpoints)


def _secret_env(variable: str, secret_name: str, key: str) -> dict[str, Any]:
    return {"name": variable, "valueFrom": {"secretKeyRef": {"name": secret_name, "key": key}}}


def _probe(command: list[str], initial: int, period: int) -> dict[str, Any]:
    return {"exec": {"command": command}, "initialDelaySeconds": initial, "periodSeconds": period,
            "timeoutSeconds": 5, "failureThreshold": 6}


def container(dep: Dependency, engine: table.Engine, secret_name: str) -> dict[str, Any]:
    """The official image's container, configured as its documentation asks."""
    wanted = table.image_env(dep, engine, reference=lambda variable: f"$({variable})")
    env = [{"name": k, "value": v} for k, v in wanted.plain.items()]
    env += [_secret_env(k, secret_name, ref) for k, ref in wanted.secret.items()]
    mount: dict[str, Any] = {"name": "data", "mountPath": engine.data_dir}
    if engine.kind == "mysql":
        mount["subPath"] = engine.subdirectory  # mysqld wants an empty directory: not the volume's root
    resources = dep.resources or DEFAULT_RESOURCES[engine.kind]
    ready = engine.ready(table.user_of(dep), table.database_of(dep))
    out: dict[str, Any] = {
        "name": engine.kind,
        "image": engine.image_ref(dep.version),
        "ports": [{"name": engine.kind, "containerPort": engine.port, "protocol": "TCP"}],
        "env": env,
        "volumeMounts": [mount],
        "readinessProbe": _probe(ready, 5, 10),
        "livenessProbe": _probe(ready, 30, 20),
        "resources": {"requests": resources.requests.model_dump(), "limits": resources.limits.model_dump()},
    }
    if wanted.args:
        out["args"] = wanted.args
    return out


def objects(stack: Stack, dep: Dependency, ns: Any, secret_name: str,
            settings: KubernetesSettings) -> dict[str, dict[str, Any]]:
    """The objects of one dependency: ``pvc`` (volume), ``service`` and ``statefulset``
    (a database or cache), nothing (external)."""
    name = dns_label(stack.spec.name, dep.name)
    dep_labels = {**common_labels(stack, None), keys.APP_NAME: name, keys.APP_COMPONENT: dep.kind,
                  keys.DEPENDENCY: dep.name}
    storage: dict[str, Any] = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": dep.size}}}
    if settings.storage_class_name:
        storage["storageClassName"] = settings.storage_class_name
    meta = {"name": name, "namespace": ns, "labels": dep_labels}
    engine = table.engine_of(dep)
    if dep.kind == "volume":
        return {"pvc": {"metadata": meta, "spec": storage}}
    if dep.kind == "external" or engine is None:
        return {}
    match = {keys.APP_NAME: name}
    return {
        "service": {
            "metadata": meta,
            "spec": {"clusterIP": "None", "selector": match,
                     "ports": [{"name": engine.kind, "port": engine.port, "targetPort": engine.kind,
                                "protocol": "TCP"}]},
        },
        "statefulset": {
            "metadata": meta,
            "spec": {
                "serviceName": name,
                "replicas": 1,
                "selector": {"matchLabels": match},
                "template": {
                    "metadata": {"labels": {**dep_labels, **match}},
                    "spec": {"containers": [container(dep, engine, secret_name)]},
                },
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": storage}],
            },
        },
    }


__all__ = ["DEFAULT_RESOURCES", "container", "credentials_problems", "host", "objects", "service_env"]
