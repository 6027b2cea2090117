"""Plain data of the drift module: snapshots of environments, differences, results.

A ``Snapshot`` is one environment as a source saw it (``staging``, ``prod/blue``,
``prod/green``), its resources keyed by *role*: the resource's type and name with the
stack, environment and color taken out, so the same role in two environments is the same
part of the service. A ``Difference`` is one field of one role whose values differ.

Invariants: a ``Resource`` holds only its normal form (``canonical``, already redacted:
no secret value ever reaches this module); nothing here imports the normaliser.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from ..errors import ExitCode

Kind = Literal["changed", "missing"]
Status = Literal["drift", "allowed", "ignored"]
STATUSES: tuple[Status, ...] = ("drift", "allowed", "ignored")

# Exit codes, as ``terraform plan -detailed-exitcode`` (from the one table in tricolor.errors).
EXIT_PARITY, EXIT_ERROR, EXIT_DRIFT = int(ExitCode.OK), int(ExitCode.ERROR), int(ExitCode.FINDING)


@dataclass(frozen=True)
class Resource:
    """One resource of an environment after the cheap normalisation.

    ``canonical`` is its JSON (sorted keys, volatile top-level fields dropped, secrets
    redacted, embedded JSON documents parsed, the environment's names replaced by
    placeholders): equal bytes mean equal resources.
    """

    role: str
    type: str
    name: str
    canonical: bytes

    @cached_property
    def fingerprint(self) -> str:
        return hashlib.blake2b(self.canonical, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """One environment: ``stack`` (Pulumi stack name), ``environment`` (its label, such
    as ``staging`` or ``prod/blue``), ``source`` (where it was read) and its resources."""

    stack: str
    environment: str
    resources: Mapping[str, Resource] = field(default_factory=dict)
    source: str = ""
    color: str | None = None


@dataclass(frozen=True)
class Difference:
    """One field of one resource role that differs between environments.

    ``values`` maps each environment label to the field's value there (``None`` where the
    field or resource is missing). ``path`` is the dotted field path (``""`` for the whole
    resource). ``odd`` names the environments whose value differs from the baseline (the
    value most environments share, else the first environment's). ``reason`` says which
    allowed path, release rule or ignore rule applies. ``first_seen`` and ``new`` are
    filled in from the history when there is one.
    """

    resource: str
    type: str
    path: str
    values: Mapping[str, Any]
    kind: Kind
    status: Status
    reason: str = ""
    first_seen: str | None = None
    new: bool | None = None
    odd: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """A stable identity of the difference across runs."""
        return f"{self.resource}|{self.path}"

    def as_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource, "type": self.type, "path": self.path,
            "values": dict(self.values), "kind": self.kind, "status": self.status,
            "reason": self.reason, "first_seen": self.first_seen, "new": self.new, "odd": list(self.odd),
        }


@dataclass(frozen=True)
class DriftResult:
    """Every difference between the compared environments, plus what was compared.

    ``unchanged`` counts the roles present in every environment with no difference at
    all; it depends only on the normalised (redacted) documents, never on a secret."""

    environments: tuple[str, ...]
    differences: tuple[Difference, ...]
    resources: int = 0
    unchanged: int = 0
    unknown: int = 0
    sources: Mapping[str, str] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    types: Mapping[str, str] = field(default_factory=dict)

    def of_status(self, status: Status) -> list[Difference]:
        return [d for d in self.differences if d.status == status]

    @property
    def counts(self) -> dict[str, int]:
        return {status: len(self.of_status(status)) for status in STATUSES}

    @property
    def has_drift(self) -> bool:
        return any(d.status == "drift" for d in self.differences)

    @property
    def exit_code(self) -> int:
        return EXIT_DRIFT if self.has_drift else EXIT_PARITY

    @property
    def annotated(self) -> bool:
        """Whether the history told which differences are new (never on a first run)."""
        return any(d.new is not None for d in self.differences)

    def by_resource(self) -> dict[str, list[Difference]]:
        grouped: dict[str, list[Difference]] = {}
        for difference in self.differences:
            grouped.setdefault(difference.resource, []).append(difference)
        return grouped
