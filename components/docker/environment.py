"""Docker components: Shared (the stack's network and stateful dependencies),
Environment (one container per color) and BlueGreen.

The dependency containers run the official images as the one table describes them
(``components.dependencies``), with the image's own readiness command as the Docker
health check. Without credentials a database starts without a password (trust), which
is fit for a laptop only: the stack's network is private and nothing of it is published.

Each container gets its environment from the revision it runs (a color's own spec and
secret values: a new secret value reaches one color at a time; its labels name the
revision and the versions of the values, never a value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_docker as docker

from ...spec.backends import DockerSettings
from ...spec.model import Dependency
from ...spec.stack import Stack
from ...vocab import labels as keys
from .. import dependencies as table
from .. import skeleton
from ..args import EnvironmentArgs, SharedArgs, common_labels
from ..revisions import ignored, versions_digest
from ..secrets import secret_values
from ..skeleton import child
from .settings import alias, container_name, cpus, memory_mb, network_name, settings_of

# What lets an official image start without a password on a laptop.
NO_PASSWORD = {"postgres": {"POSTGRES_HOST_AUTH_METHOD": "trust"}, "mysql": {"MYSQL_ALLOW_EMPTY_PASSWORD": "yes"}}


def docker_labels(values: dict[str, str]) -> list[Any]:
    return [{"label": k, "value": v} for k, v in sorted(values.items())]


def env_list(plain: Mapping[str, Any], secret: Mapping[str, pulumi.Input[str]]) -> list[pulumi.Input[str]]:
    """``NAME=value`` entries, secrets last (their values stay Pulumi secrets)."""
    out: list[pulumi.Input[str]] = [f"{k}={v}" for k, v in sorted(plain.items())]
    return out + [pulumi.Output.concat(k, "=", v) for k, v in sorted(secret.items())]


class Shared(skeleton.SharedBase[DockerSettings]):
    """Once per stack: the Docker network, the secrets, and each stateful dependency
    (a container with a named volume, or a volume both colors mount)."""

    backend = "docker"

    def __init__(self, name: str, args: SharedArgs[DockerSettings], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        stack = args.stack
        self.network_name = network_name(stack, args.settings)
        self.network = docker.Network(f"{name}-network", name=self.network_name, driver="bridge",
                                      labels=docker_labels(self.labels), opts=child(self))
        self.secret_values = secret_values(stack)
        self.volumes: list[Any] = []
        self.dependencies: dict[str, pulumi.Resource] = {}
        self.revision = args.revision
        endpoints = {dep.name: self._dependency(name, dep) for dep in stack.spec.dependencies}
        self.endpoints = endpoints
        wiring = table.dependency_env(list(stack.spec.dependencies), endpoints)
        self.env: dict[str, Any] = wiring.plain
        self.secret_envs = env_list({}, {**self.secret_values,
                                         **{k: self.secret_values[ref] for k, ref in wiring.secret.items()}})
        self.register_outputs(self.exports())

    @classmethod
    def settings_of(cls, stack: Stack) -> DockerSettings:
        return settings_of(stack)

    def exports(self) -> dict[str, Any]:
        return {"network": self.network_name}

    def _dependency(self, name: str, dep: Dependency) -> table.Endpoint:
        stack = self.stack
        engine = table.engine_of(dep)
        if dep.kind == "external":
            return table.endpoint(dep, dep.host)
        labels = {**self.labels, keys.DEPENDENCY: dep.name}
        volume = docker.Volume(f"{name}-{dep.name}-volume", name=container_name(stack, dep.name),
                               labels=docker_labels(labels), opts=child(self))
        if engine is None:  # a volume both colors mount
            self.volumes.append({"volume_name": volume.name, "container_path": table.volume_path(dep)})
            self.dependencies[dep.name] = volume
            return table.endpoint(dep, "")
        host = alias(stack, None) + f"-{dep.name}"
        wanted = table.image_env(dep, engine, reference=lambda variable: self.secret_values[dep.credentials or ""])
        plain = {**wanted.plain, **({} if dep.credentials else NO_PASSWORD.get(engine.kind, {}))}
        secret = {k: self.secret_values[ref] for k, ref in wanted.secret.items()}
        pulled = docker.RemoteImage(f"{name}-{dep.name}-image", name=engine.image_ref(dep.version), keep_locally=True,
                                    opts=child(self))
        self.dependencies[dep.name] = docker.Container(
            f"{name}-{dep.name}", name=container_name(stack, dep.name), image=pulled.name,
            envs=env_list(plain, secret), command=wanted.args or None,  # the image's entrypoint runs the server
            restart="unless-stopped", labels=docker_labels(labels),
            healthcheck={"tests": ["CMD", *engine.ready(table.user_of(dep), table.database_of(dep))],
                         "interval": "10s", "timeout": "5s", "retries": 6, "start_period": "30s"},
            networks_advanced=[{"name": self.network.name, "aliases": [host]}],
            volumes=[{"volume_name": volume.name, "container_path": engine.data_dir}],
            opts=child(self, self.network, ignore_changes=ignored(self.revision, "envs") if secret else None))
        return table.endpoint(dep, host)


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


class Environment(skeleton.EnvironmentBase[Shared]):
    """One container of the service from the spec, on the stack's network under the alias
    the router reaches it by."""

    backend = "docker"
    shared_class = Shared

    @classmethod
    def check(cls, stack: Stack, settings: DockerSettings, images: list[str]) -> None:
        limits = stack.spec.resources.limits
        memory_mb(limits.memory), cpus(limits.cpu)  # BackendLimitError before registering

    def build(self, name: str, args: EnvironmentArgs[Shared], shared: Shared) -> pulumi.Input[Any]:
        stack, color, settings = args.stack, args.color, shared.settings
        spec = stack.spec
        limits = spec.resources.limits
        labels = common_labels(stack, color)
        envs = self._envs(stack, shared)
        if args.revision is not None:
            labels[keys.REVISION] = args.revision.digest
            labels[keys.VALUE_VERSIONS] = versions_digest(args.revision.secrets)
        image = docker.RemoteImage(f"{name}-image", name=args.image, keep_locally=True, opts=child(self))
        self.alias = alias(stack, color)
        self._container = container_name(stack, color or "")  # staging: checkout-staging
        # One container per color whatever the replicas; a canary scale of 0 stops it.
        running = not args.scaled_down and args.replicas != 0
        self.container = docker.Container(
            f"{name}-container", name=self._container, image=image.name, envs=envs,
            networks_advanced=[{"name": shared.network.name, "aliases": [self.alias]}],
            healthcheck=healthcheck(stack), restart="unless-stopped", labels=docker_labels(labels),
            volumes=shared.volumes or None, start=running, must_run=running,
            memory=memory_mb(limits.memory) if settings.limits else None,
            cpus=cpus(limits.cpu) if settings.limits else None,
            # rolling production: recreate (the old container stops before the new one
            # starts under the same name); the router's upstream is the same address
            opts=child(self, shared, ignore_changes=ignored(args.revision, "envs"),
                       delete_before_replace=True if args.rolling else None))
        # The router's upstream address; as an output of the container, the router (whose
        # nginx resolves it at start) is created after the container.
        address = f"{self.alias}:{spec.port}"
        return self.container.name.apply(lambda _: address)

    @staticmethod
    def _envs(stack: Stack, shared: Shared) -> list[pulumi.Input[str]]:
        """``NAME=value`` from this environment's spec (its revision's), wired to the
        stack's dependencies; secret values last (they stay Pulumi secrets)."""
        wiring = table.dependency_env(list(stack.spec.dependencies), shared.endpoints)
        values = secret_values(stack)
        return env_list({**stack.spec.env, **wiring.plain},
                        {**values, **{k: values[ref] for k, ref in wiring.secret.items()}})

    def exports(self) -> dict[str, Any]:
        return {"container": self._container}


class BlueGreen(skeleton.BlueGreen[Shared, Environment], environment=Environment):
    """Production on a laptop: a blue and a green container from the same code path,
    over one network and one set of dependencies."""
