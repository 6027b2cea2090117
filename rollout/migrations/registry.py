"""The migration runners by name: ``offline`` and one per backend (``kubernetes``,
``aws``, ``docker``). An unknown name is an ``UnknownNameError``; ``lambda`` is known
and refused (``migration_problem`` says why, before a release starts).

As the backend registry does, a runner's module is imported only when it is asked for:
each pulls its backend's components (and their provider SDK) in, which a release of
another backend, or one without migrations, never pays for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from ...errors import UnknownNameError
from ...spec.stack import Stack
from ..errors import MigrationError
from .base import MigrationContext, MigrationRunner

__all__ = ["LAMBDA_REFUSAL", "RUNNERS", "get_runner", "migration_problem", "runner_for"]

Factory = Callable[[MigrationContext], MigrationRunner]


def _lazy(module: str, cls: str) -> Factory:
    """A factory that imports ``module`` of this package when first called."""

    def make(context: MigrationContext) -> MigrationRunner:
        return cast(MigrationRunner, getattr(importlib.import_module(f"{__package__}.{module}"), cls)(context))

    return make


#: runner name -> factory (a class, or a lazy import of one)
RUNNERS: dict[str, Factory] = {
    "offline": _lazy("offline", "OfflineMigrationRunner"),
    "kubernetes": _lazy("kubernetes", "KubernetesMigrationRunner"),
    "aws": _lazy("ecs", "EcsMigrationRunner"),
    "docker": _lazy("docker", "DockerMigrationRunner"),
}
LAMBDA_REFUSAL = ("release.migrations: the lambda backend has no one-off task to run a migration in (a function "
                  "runs per invocation, at most 15 minutes, with no command); run expand/contract from your "
                  "pipeline around the release, or release this service on kubernetes, aws (ECS) or docker")


def migration_problem(stack: Stack) -> str | None:
    """Why ``stack`` cannot run its spec's migrations, or ``None``."""
    if stack.spec.release.migrations is not None and stack.backend == "lambda":
        return LAMBDA_REFUSAL
    return None


def get_runner(name: str, context: MigrationContext) -> MigrationRunner:
    if name == "lambda":
        raise MigrationError(LAMBDA_REFUSAL)
    if name not in RUNNERS:
        raise UnknownNameError("migration runner", name, [*RUNNERS, "lambda"])
    return RUNNERS[name](context)


def runner_for(applier: str, context: MigrationContext) -> MigrationRunner:
    """The offline applier's companion is the offline runner; otherwise the stack's backend's."""
    return get_runner("offline" if applier == "offline" else context.stack.backend, context)
