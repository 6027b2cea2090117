"""``OfflineMigrationRunner``: records what a migration would run, and where.

It stands in for the platform beside the offline applier: dry runs, ``tricolor
release --applier offline`` and the tests. Each run is kept by its deterministic name
with what it runs (phase, image, command), where it would run (a Kubernetes Job in the
stack's namespace, an ECS task, a Docker container), the process that created it and
every process that observed it again. With a ledger store (``offline/<stack>.migrations.json``
next to the ledger, written after each change) that record spans processes, so a
process killed in the middle of a migration leaves a run the next one finds and
observes: a run is created once. Without one (dry runs) it is kept in memory.

Like a platform's Job, a run created here goes on to its end without the process that
created it: observed again, a ``running`` run has succeeded. ``work`` is where the
migration would take its time (the tests slow it down there).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from ...spec.naming import dns_label
from ...spec.stack import Stack
from ..errors import LedgerError
from ..stores.base import LedgerStore
from .base import MigrationContext, MigrationRelease, MigrationResult

__all__ = ["OfflineMigrationRunner", "where_it_runs"]


def where_it_runs(stack: Stack, release: MigrationRelease) -> str:
    """What the backend's runner would create for ``release`` (a person reads it)."""
    source = f" with {release.source}'s settings" if release.source else ""
    if stack.backend == "kubernetes":
        namespace = stack.config.namespace or dns_label(stack.spec.name, stack.name)  # as the components name it
        return f"a Kubernetes Job {release.name} in namespace {namespace}{source}"
    if stack.backend == "aws":
        return f"an ECS Fargate task (RunTask, startedBy {release.name}) with the service's network and secrets{source}"
    if stack.backend == "docker":
        return f"a Docker container {release.name} on the stack's network{source}"
    return f"nothing: the {stack.backend} backend runs no migrations"


class OfflineMigrationRunner:
    name = "offline"

    def __init__(self, context: MigrationContext) -> None:
        self.stack = context.stack
        self.store: LedgerStore | None = context.store
        self.key = f"offline/{self.stack.name}.migrations.json"
        self.memory: dict[str, dict[str, Any]] = {}

    def _load(self) -> dict[str, dict[str, Any]]:
        if self.store is None:
            return self.memory
        data = self.store.get(self.key)
        if data is None:
            return {}
        try:
            runs = json.loads(data)["runs"]
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerError(f"{self.store.url}/{self.key}: not what the offline migration runner writes: "
                              f"{exc}") from None
        return dict(runs)

    def _save(self, runs: dict[str, dict[str, Any]]) -> None:
        if self.store is None:
            self.memory = runs
            return
        self.store.put(self.key, json.dumps({"runs": runs}, indent=2, sort_keys=True).encode())

    @property
    def runs(self) -> dict[str, dict[str, Any]]:
        """Every run by name (what the platform would hold)."""
        return self._load()

    def work(self, phase: str, release: MigrationRelease) -> None:
        """Where the migration takes its time (nothing to wait for offline)."""

    def run(self, phase: str, release: MigrationRelease) -> MigrationResult:
        runs = self._load()
        found = runs.get(release.name)
        if found is not None:
            if found["state"] == "running":
                found["state"] = "succeeded"  # the platform ran it to its end meanwhile
            found["observed_by"] = [*found.get("observed_by", []), os.getpid()]
            self._save(runs)
            ok = found["state"] == "succeeded"
            return MigrationResult(ok, f"offline: {found['where']} existed already and was observed "
                                       f"({found['state']})", created=False)
        where = where_it_runs(self.stack, release)
        runs[release.name] = {"phase": phase, "image": release.image, "command": list(release.command),
                              "where": where, "state": "running", "created_by": os.getpid(), "at": time.time(),
                              "release": release.release_id, "attempt": release.attempt}
        self._save(runs)
        self.work(phase, release)
        runs = self._load()
        runs[release.name]["state"] = "succeeded"
        self._save(runs)
        return MigrationResult(True, f"offline: would run `{' '.join(release.command)[:100]}` with {release.image} "
                                     f"as {where}")
