"""Kubernetes components: Shared (once per stack), Environment (one color), BlueGreen."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ...spec import Color, Stack
from ..args import BlueGreenArgs, EnvironmentArgs, color_args
from ..secrets import secret_values
from . import manifests as m


def _child(parent: pulumi.Resource, depends_on: list[pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=depends_on or [])


class Shared(pulumi.ComponentResource):
    """What both colors of a stack share: the namespace, the Secret and the stateful
    dependencies (databases, caches, volumes), declared exactly once."""

    def __init__(self, name: str, stack: Stack, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("tricolor:kubernetes:Shared", name, None, opts)
        ns = k8s.core.v1.Namespace(f"{name}-namespace", **m.namespace(stack), opts=_child(self))
        # Known before deployment; everything in it depends on this component.
        self.namespace = m.Names.of(stack, None).namespace
        after = [ns]
        self.secret: k8s.core.v1.Secret | None = None
        values = secret_values(stack)
        if values:
            self.secret = k8s.core.v1.Secret(f"{name}-secret", **m.secret(stack, self.namespace, values),
                                             opts=_child(self, after))
        self.dependencies: dict[str, list[pulumi.Resource]] = {}
        for dep in stack.spec.dependencies:
            objects = m.dependency_objects(stack, dep, self.namespace)
            created: list[pulumi.Resource] = []
            if "pvc" in objects:
                created.append(k8s.core.v1.PersistentVolumeClaim(
                    f"{name}-{dep.name}-volume", **objects["pvc"], opts=_child(self, after)))
            else:
                created.append(k8s.core.v1.Service(
                    f"{name}-{dep.name}-service", **objects["service"], opts=_child(self, after)))
                created.append(k8s.apps.v1.StatefulSet(
                    f"{name}-{dep.name}-statefulset", **objects["statefulset"], opts=_child(self, after)))
            self.dependencies[dep.name] = created
        self.register_outputs({"namespace": self.namespace})


class Environment(pulumi.ComponentResource):
    """One running copy of the service: ConfigMap, Deployment, Service, and where the
    spec asks, HorizontalPodAutoscaler and PodDisruptionBudget. Staging and previews
    have no color and create their own ``Shared`` resources."""

    target: pulumi.Output[str]

    def __init__(self, name: str, args: EnvironmentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("tricolor:kubernetes:Environment", name, None, opts)
        stack, color = args.stack, args.color
        shared: Shared = args.shared or Shared(f"{name}-shared", stack, opts=_child(self))
        ns = shared.namespace
        after = [shared]
        config = k8s.core.v1.ConfigMap(f"{name}-config", **m.config_map(stack, color, ns), opts=_child(self, after))
        self.deployment = k8s.apps.v1.Deployment(
            f"{name}-deployment", **m.deployment(stack, color, args.image, ns, 0 if args.scaled_down else None),
            opts=_child(self, [config, *after]))
        self.service = k8s.core.v1.Service(f"{name}-service", **m.service(stack, color, ns), opts=_child(self, after))
        # A scaled-down color runs no replicas, so no autoscaler may wake it.
        hpa = None if args.scaled_down else m.autoscaler(stack, color, ns)
        if hpa is not None:
            k8s.autoscaling.v2.HorizontalPodAutoscaler(f"{name}-autoscaler", **hpa,
                                                        opts=_child(self, [self.deployment]))
        pdb = m.disruption_budget(stack, color, ns)
        if pdb is not None:
            k8s.policy.v1.PodDisruptionBudget(f"{name}-disruption-budget", **pdb, opts=_child(self, after))
        self.namespace = ns
        self.target = pulumi.Output.from_input(m.Names.of(stack, color).instance)
        self.register_outputs({"namespace": ns, "service": self.target, "image": args.image})


class BlueGreen(pulumi.ComponentResource):
    """Production: blue and green built by the same code path from the same inputs,
    differing only in color and image; the shared resources exist once."""

    targets: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: BlueGreenArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("tricolor:kubernetes:BlueGreen", name, None, opts)
        self.shared = Shared(f"{name}-shared", args.stack, opts=_child(self))
        self.colors: dict[Color, Environment] = {
            color: Environment(f"{name}-{color}", env_args, opts=_child(self))
            for color, env_args in color_args(args, self.shared).items()
        }
        self.namespace = self.shared.namespace
        self.targets = {color: env.target for color, env in self.colors.items()}
        outputs: dict[str, Any] = {"namespace": self.namespace, "services": self.targets}
        self.register_outputs(outputs)
