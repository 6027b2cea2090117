"""The migration runner protocol and what it is given and answers.

``MigrationRunner.run(phase, release)`` runs phase ``expand`` or ``contract`` of a
release's migrations (``release.command``: the spec's command and the phase's
arguments, with ``release.image``) under the deterministic ``release.name``, waits for
it to end (at most ``release.timeout`` seconds, then it is a failure) and says whether
it succeeded. A run of that name that already exists is observed, not started again
(``MigrationResult.created`` is then ``False``). A runner raises ``MigrationError``
when it cannot run or observe anything (no cluster, no such service): the release then
treats the phase as failed (an expand that cannot run aborts the release).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ...spec.stack import Stack
from ...spec.weights import Color
from ..stores.base import LedgerStore

__all__ = ["MigrationContext", "MigrationRelease", "MigrationResult", "MigrationRunner", "PHASES"]

PHASES = ("expand", "contract")


@dataclass(frozen=True)
class MigrationRelease:
    """One run of one phase of a release's migrations."""

    stack: str
    release_id: str
    name: str  # deterministic: the Job, task or container name
    image: str
    command: tuple[str, ...]  # the spec's command followed by the phase's arguments
    timeout: float  # seconds
    attempt: int = 1
    #: the color whose environment (network, secrets, settings) the run borrows; ``None``:
    #: the one environment of a rolling stack
    source: Color | None = None


@dataclass(frozen=True)
class MigrationResult:
    ok: bool
    detail: str = ""
    created: bool = True  # False: a run of that name existed and was observed


@dataclass(frozen=True)
class MigrationContext:
    """What a runner may be built from (each takes what it needs)."""

    stack: Stack
    store: LedgerStore | None = None  # where the offline runner keeps what it ran
    client: Any = None  # tests: a client to use (a Kubernetes ApiClient, boto3, docker)
    poll: float = 2.0  # seconds between two looks at a run
    extra: dict[str, Any] = field(default_factory=dict)


class MigrationRunner(Protocol):
    name: str

    def run(self, phase: str, release: MigrationRelease) -> MigrationResult: ...
