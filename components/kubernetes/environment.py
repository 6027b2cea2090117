"""Kubernetes components: Shared (once per stack), Environment (one color), BlueGreen.

Invariants: the namespace, the stack's Secret and the stateful dependencies exist once
per stack (``Shared``), never per color; a dependency that could not run (a database
without credentials) stops the stack before anything is registered. Each environment
reads its secret values from its own Secret (``checkout-blue-env-secrets``: a color's
holds the values of the revision it runs); the stack's Secret holds only what the
dependencies need (their credentials).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ...spec.backends import KubernetesSettings
from ...spec.stack import Stack
from .. import skeleton
from ..args import EnvironmentArgs, SharedArgs
from ..errors import ComponentError
from ..revisions import ignored, versions_digest
from ..secrets import secret_values
from ..skeleton import child
from . import dependencies as deps
from . import manifests as m
from .rolling import rolling_deployment


class Shared(skeleton.SharedBase[KubernetesSettings]):
    """What both colors of a stack share: the namespace, the Secret and the stateful
    dependencies (databases, caches, volumes), declared exactly once."""

    backend = "kubernetes"

    def __init__(self, name: str, args: SharedArgs[KubernetesSettings],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        stack = args.stack
        ns = k8s.core.v1.Namespace(f"{name}-namespace", **m.namespace(stack), opts=child(self))
        # Known before deployment; everything in it depends on the Namespace.
        self.namespace = m.Names.of(stack, None).namespace
        self.secret: k8s.core.v1.Secret | None = None
        needed = {dep.credentials for dep in stack.spec.dependencies if dep.credentials}
        values = {k: v for k, v in secret_values(stack).items() if k in needed}  # the environments hold theirs
        if values:
            held = args.revision.secrets if args.revision is not None else None
            versions = None if held is None else versions_digest({k: v for k, v in held.items() if k in needed})
            self.secret = k8s.core.v1.Secret(f"{name}-secret", **m.secret(stack, self.namespace, values, versions),
                                             opts=child(self, ns, ignore_changes=ignored(args.revision, "stringData")))
        secret_name = m.Names.of(stack, None).secret
        self.dependencies: dict[str, list[pulumi.Resource]] = {}
        for dep in stack.spec.dependencies:
            objects = deps.objects(stack, dep, self.namespace, secret_name, args.settings)
            created: list[pulumi.Resource] = []
            if "pvc" in objects:
                created.append(k8s.core.v1.PersistentVolumeClaim(
                    f"{name}-{dep.name}-volume", **objects["pvc"], opts=child(self, ns)))
            if "service" in objects:
                service = k8s.core.v1.Service(f"{name}-{dep.name}-service", **objects["service"],
                                              opts=child(self, ns))
                created += [service, k8s.apps.v1.StatefulSet(
                    f"{name}-{dep.name}-statefulset", **objects["statefulset"],
                    opts=child(self, ns, self.secret, service))]
            self.dependencies[dep.name] = created
        self.register_outputs(self.exports())

    @classmethod
    def settings_of(cls, stack: Stack) -> KubernetesSettings:
        return stack.config.kubernetes

    def exports(self) -> dict[str, Any]:
        return {"namespace": self.namespace}


class Environment(skeleton.EnvironmentBase[Shared]):
    """One running copy of the service: ConfigMap, Deployment, Service, and where the
    spec asks, HorizontalPodAutoscaler and PodDisruptionBudget."""

    backend = "kubernetes"
    shared_class = Shared

    @classmethod
    def check(cls, stack: Stack, settings: Any, images: list[str]) -> None:
        problems = deps.credentials_problems(stack)
        if problems:
            raise ComponentError(f"stack {stack.name}: " + "; ".join(problems))

    def build(self, name: str, args: EnvironmentArgs[Shared], shared: Shared) -> pulumi.Input[Any]:
        stack, color = args.stack, args.color
        ns = shared.namespace
        config = k8s.core.v1.ConfigMap(f"{name}-config", **m.config_map(stack, color, ns), opts=child(self, shared))
        secret, secret_name = self._env_secret(name, args, shared)
        revision = args.revision.digest if args.revision is not None else None
        deployment = m.deployment(stack, color, args.image, ns, 0 if args.scaled_down else args.replicas,
                                  shared.settings, revision=revision, secret_name=secret_name)
        if args.rolling:  # production updated in place (release.strategy: rolling)
            deployment = rolling_deployment(deployment, stack.spec.release.rolling_update)
        self.deployment = k8s.apps.v1.Deployment(f"{name}-deployment", **deployment,
                                                 opts=child(self, config, shared, secret))
        self.service = k8s.core.v1.Service(f"{name}-service", **m.service(stack, color, ns), opts=child(self, shared))
        # A scaled-down color runs no replicas, so no autoscaler may wake it; under a canary
        # scale (setCanaryScale) the color runs the count the release sets, unscaled.
        hpa = None if args.scaled_down or args.replicas is not None else m.autoscaler(stack, color, ns)
        if hpa is not None:
            k8s.autoscaling.v2.HorizontalPodAutoscaler(f"{name}-autoscaler", **hpa, opts=child(self, self.deployment))
        pdb = m.disruption_budget(stack, color, ns)
        if pdb is not None:
            k8s.policy.v1.PodDisruptionBudget(f"{name}-disruption-budget", **pdb, opts=child(self, shared))
        self._instance = m.Names.of(stack, color).instance
        return self._instance

    def _env_secret(self, name: str, args: EnvironmentArgs[Shared],
                    shared: Shared) -> tuple[k8s.core.v1.Secret | None, str | None]:
        """The environment's own Secret (a color's: the values of its revision)."""
        stack, color = args.stack, args.color
        values = secret_values(stack)
        if not values:
            return None, None
        versions = versions_digest(args.revision.secrets if args.revision is not None else {})
        secret = k8s.core.v1.Secret(
            f"{name}-secret", **m.env_secret(stack, color, shared.namespace, values, versions),
            opts=child(self, shared, ignore_changes=ignored(args.revision, "stringData")))
        return secret, m.Names.of(stack, color).env_secret

    def exports(self) -> dict[str, Any]:
        return {"namespace": self.namespace, "service": self._instance}


class BlueGreen(skeleton.BlueGreen[Shared, Environment], environment=Environment):
    """Production on Kubernetes: two Deployments and Services over one namespace."""
