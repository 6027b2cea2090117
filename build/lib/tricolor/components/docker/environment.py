"""Docker components: Shared (the stack's network and stateful dependencies),
Environment (one container per color) and BlueGreen."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_docker as docker

from ...spec import Color, Stack
from ...spec.model import Dependency
from ..args import BlueGreenArgs, EnvironmentArgs, color_args, common_labels
from ..secrets import secret_values
from .settings import DockerSettings, alias, container_name, cpus, memory_mb, network_name, settings_of

DEPENDENCY_PORTS = {"postgres": 5432, "mysql": 3306, "redis": 6379}
# Official images, their data directory, and what lets them start on a laptop without a
# password (the network is private to the stack and nothing is published).
DEPENDENCY_IMAGES = {"postgres": "postgres", "mysql": "mysql", "redis": "redis"}
DEPENDENCY_DATA = {"postgres": "/var/lib/postgresql/data", "mysql": "/var/lib/mysql", "redis": "/data"}
DEPENDENCY_ENV = {"postgres": ["POSTGRES_HOST_AUTH_METHOD=trust"], "mysql": ["MYSQL_ALLOW_EMPTY_PASSWORD=yes"],
                  "redis": []}


def docker_labels(values: dict[str, str]) -> list[Any]:
    return [{"label": k, "value": v} for k, v in sorted(values.items())]


def _child(parent: pulumi.Resource, depends_on: list[Any] | None = None) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=depends_on or [])


class Shared(pulumi.ComponentResource):
    """Once per stack: the Docker network, the secrets, and each stateful dependency
    (a container with a named volume, or a volume both colors mount)."""

    def __init__(self, name: str, stack: Stack, settings: DockerSettings,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("tricolor:docker:Shared", name, None, opts)
        self.stack, self.settings = stack, settings
        self.labels = common_labels(stack, None)
        self.network_name = network_name(stack, settings)
        self.network = docker.Network(f"{name}-network", name=self.network_name, driver="bridge",
                                      labels=docker_labels(self.labels), opts=_child(self))
        self.secret_envs: list[pulumi.Output[str]] = [
            pulumi.Output.concat(variable, "=", value) for variable, value in sorted(secret_values(stack).items())]
        self.env: dict[str, str] = {}
        self.volumes: list[Any] = []
        self.dependencies: dict[str, pulumi.Resource] = {}
        for dep in stack.spec.dependencies:
            self._dependency(name, dep)
        self.register_outputs({"network": self.network_name})

    def _dependency(self, name: str, dep: Dependency) -> None:
        stack = self.stack
        labels = {**self.labels, "tricolor.dev/dependency": dep.name}
        volume = docker.Volume(f"{name}-{dep.name}-volume", name=container_name(stack, dep.name),
                               labels=docker_labels(labels), opts=_child(self))
        if dep.kind == "volume":
            self.volumes.append({"volume_name": volume.name, "container_path": f"/data/{dep.name}"})
            self.dependencies[dep.name] = volume
            self._env(dep, host="", port=None)
            return
        host = alias(stack, None) + f"-{dep.name}"
        image = DEPENDENCY_IMAGES[dep.kind] + (f":{dep.version}" if dep.version else "")
        pulled = docker.RemoteImage(f"{name}-{dep.name}-image", name=image, keep_locally=True, opts=_child(self))
        self.dependencies[dep.name] = docker.Container(
            f"{name}-{dep.name}", name=container_name(stack, dep.name), image=pulled.name,
            envs=DEPENDENCY_ENV[dep.kind], restart="unless-stopped", labels=docker_labels(labels),
            networks_advanced=[{"name": self.network.name, "aliases": [host]}],
            volumes=[{"volume_name": volume.name, "container_path": DEPENDENCY_DATA[dep.kind]}],
            opts=_child(self, [self.network]))
        self._env(dep, host=host, port=DEPENDENCY_PORTS[dep.kind])

    def _env(self, dep: Dependency, host: str, port: int | None) -> None:
        attributes = {
            "host": host,
            "port": str(port or ""),
            "url": f"{dep.kind}://{host}:{port}" if port else "",
            "path": f"/data/{dep.name}",
        }
        for variable, attribute in dep.env.items():
            self.env[variable] = attributes.get(attribute, "")


def healthcheck(stack: Stack) -> Any:
    probe = stack.spec.probes.liveness or stack.spec.probes.readiness
    url = f"http://localhost:{probe.port or stack.spec.port}{probe.path}"
    return {
        "tests": ["CMD-SHELL", f"wget -qO- {url} > /dev/null || curl -fsS {url} > /dev/null || exit 1"],
        "interval": f"{probe.period_seconds}s",
        "timeout": f"{probe.timeout_seconds}s",
        "retries": probe.failure_threshold,
        "start_period": f"{probe.initial_delay_seconds}s",
    }


class Environment(pulumi.ComponentResource):
    """One container of the service from the spec, on the stack's network under the alias
    the router reaches it by. Staging and previews create their own ``Shared``."""

    target: pulumi.Output[str]

    def __init__(self, name: str, args: EnvironmentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        stack, color = args.stack, args.color
        settings = args.shared.settings if args.shared is not None else settings_of(stack)
        limits = stack.spec.resources.limits
        memory, cpu = memory_mb(limits.memory), cpus(limits.cpu)  # checked before registering
        super().__init__("tricolor:docker:Environment", name, None, opts)
        shared: Shared = args.shared or Shared(f"{name}-shared", stack, settings, opts=_child(self))
        self.shared = shared
        spec = stack.spec
        labels = common_labels(stack, color)
        envs: list[pulumi.Input[str]] = [f"{k}={v}" for k, v in sorted({**spec.env, **shared.env}.items())]
        envs.extend(shared.secret_envs)
        image = docker.RemoteImage(f"{name}-image", name=args.image, keep_locally=True, opts=_child(self))
        self.alias = alias(stack, color)
        self.container = docker.Container(
            f"{name}-container", name=container_name(stack, color or "main"), image=image.name, envs=envs,
            networks_advanced=[{"name": shared.network.name, "aliases": [self.alias]}],
            healthcheck=healthcheck(stack), restart="unless-stopped", labels=docker_labels(labels),
            volumes=shared.volumes or None, start=not args.scaled_down, must_run=not args.scaled_down,
            memory=memory if settings.limits else None, cpus=cpu if settings.limits else None,
            opts=_child(self, [shared]))
        # The router's upstream address; as an output of the container, the router (whose
        # nginx resolves it at start) is created after the container.
        address = f"{self.alias}:{spec.port}"
        self.target = self.container.name.apply(lambda _: address)
        self.register_outputs({"container": container_name(stack, color or "main"), "target": self.target,
                               "image": args.image})


class BlueGreen(pulumi.ComponentResource):
    """Production on a laptop: a blue and a green container from the same code path,
    over one network and one set of dependencies."""

    targets: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: BlueGreenArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        settings = settings_of(args.stack)
        limits = args.stack.spec.resources.limits
        memory_mb(limits.memory), cpus(limits.cpu)  # checked before registering
        super().__init__("tricolor:docker:BlueGreen", name, None, opts)
        self.shared = Shared(f"{name}-shared", args.stack, settings, opts=_child(self))
        self.colors: dict[Color, Environment] = {
            color: Environment(f"{name}-{color}", env_args, opts=_child(self))
            for color, env_args in color_args(args, self.shared).items()
        }
        self.targets = {color: env.target for color, env in self.colors.items()}
        self.register_outputs({"network": self.shared.network_name, "targets": self.targets})
