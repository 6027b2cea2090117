"""``DockerMigrationRunner``: a migration phase as a one-off container (the Docker SDK).

The container borrows the environment of the service's container of the color it runs
for (its variables, secrets included, as the daemon holds them: nothing is printed)
and joins the stack's network, so it reaches the databases by the same names; it runs
the release's image with the phase's command and is kept after it exits (its logs
stay readable; ``docker rm`` it when done).

Idempotent by name: the container's name is the run's deterministic name; a container
of that name is observed (its exit code read, waiting while it runs), never created
again. Past the timeout it is stopped and the run fails. ``DOCKER_HOST`` (or the local
socket) says which daemon.
"""

from __future__ import annotations

import time
from typing import Any

from ...components.docker.settings import container_name, network_name
from ...spec.stack import Stack
from ...vocab import labels as keys
from ..errors import MigrationError
from .base import MigrationContext, MigrationRelease, MigrationResult

__all__ = ["DockerMigrationRunner"]


class DockerMigrationRunner:
    name = "docker"

    def __init__(self, context: MigrationContext) -> None:
        self.stack: Stack = context.stack
        self.client = context.client

    def _docker(self) -> Any:
        if self.client is None:
            import docker
            from docker.errors import DockerException

            try:
                self.client = docker.from_env()
            except DockerException as exc:
                raise MigrationError(f"docker: no daemon to talk to ({exc})") from None
        return self.client

    def _create(self, release: MigrationRelease) -> Any:
        from docker.errors import APIError, ImageNotFound, NotFound

        client = self._docker()
        source = container_name(self.stack, release.source or "main")
        try:
            environment = client.containers.get(source).attrs.get("Config", {}).get("Env") or []
        except NotFound:
            raise MigrationError(f"docker: container {source} not found: the migration borrows its environment "
                                 "and network") from None
        labels = {keys.APP_MANAGED_BY: keys.MANAGED_BY, keys.STACK: self.stack.name, keys.APP_COMPONENT: "migration",
                  f"{keys.PREFIX}/release": release.release_id}
        options = {"command": list(release.command), "name": release.name, "environment": list(environment),
                   "network": network_name(self.stack, self.stack.config.docker), "labels": labels, "detach": True}
        try:
            try:
                return client.containers.create(release.image, **options)
            except ImageNotFound:
                client.images.pull(release.image)
                return client.containers.create(release.image, **options)
        except APIError as exc:
            raise MigrationError(f"docker: creating container {release.name}: {exc.explanation or exc}") from None

    def run(self, phase: str, release: MigrationRelease) -> MigrationResult:
        from docker.errors import DockerException, NotFound
        from requests.exceptions import ConnectionError as Unreachable
        from requests.exceptions import ReadTimeout, RequestException

        client = self._docker()
        try:
            try:
                container = client.containers.get(release.name)
                created = False
            except NotFound:
                container = self._create(release)
                created = True
            if container.attrs.get("State", {}).get("Status") == "created":
                container.start()
            started = time.monotonic()
            try:
                answer = container.wait(timeout=release.timeout)
            except (ReadTimeout, Unreachable):
                if time.monotonic() - started < release.timeout:
                    raise
                container.stop(timeout=10)
                return MigrationResult(False, f"container {release.name} did not end within {release.timeout:g}s "
                                              "(stopped)", created)
        except (DockerException, RequestException) as exc:
            raise MigrationError(f"docker: running {release.name}: {exc}") from None
        code = answer.get("StatusCode")
        if code == 0:
            return MigrationResult(True, f"container {release.name} exited 0", created)
        error = (answer.get("Error") or {}).get("Message") if isinstance(answer.get("Error"), dict) else None
        return MigrationResult(False, f"container {release.name} exited {code}" + (f" ({error})" if error else ""),
                               created)
