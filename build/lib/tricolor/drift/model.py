"""Plain data of the drift module: snapshots of environments, differences, results.

A ``Snapshot`` is one environment as a source saw it (``staging``, ``prod/blue``,
``prod/green``), its resources keyed by *role*: the resource's type and name with the
stack, environment and color taken out, so the same role in two environments is the same
part of the service. A ``Difference`` is one field of one role whose values differ.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

Kind = Literal["changed", "missing"]
Status = Literal["drift", "allowed", "ignored"]
STATUSES: tuple[Status, ...] = ("drift", "allowed", "ignored")

# Exit codes, as ``terraform plan -detailed-exitcode``.
EXIT_PARITY, EXIT_ERROR, EXIT_DRIFT = 0, 1, 2


@dataclass(frozen=True)
class Resource:
    """One resource of an environment after the cheap normalisation.

    ``canonical`` is its JSON (sorted keys, volatile top-level fields dropped, the
    environment's names replaced by placeholders): equal bytes mean equal resources.
    ``fields`` is the fully normalised document (secrets redacted, unknowns marked,
    named lists keyed by name), computed only when asked for.
    """

    role: str
    type: str
    name: str
    canonical: bytes

    @cached_property
    def fingerprint(self) -> str:
        return hashlib.blake2b(self.canonical, digest_size=16).hexdigest()

    @cached_property
    def fields(self) -> Any:
        from .normalize import deep_normalize, loads

        return deep_normalize(loads(self.canonical), self.type)


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
    resource). ``reason`` says which allowed path, release rule or ignore rule applies.
    ``first_seen`` and ``new`` are filled in from the history when there is one.
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

    @property
    def key(self) -> str:
        """A stable identity of the difference across runs."""
        return f"{self.resource}|{self.path}"

    def as_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource, "type": self.type, "path": self.path,
            "values": dict(self.values), "kind": self.kind, "status": self.status,
            "reason": self.reason, "first_seen": self.first_seen, "new": self.new,
        }


@dataclass(frozen=True)
class DriftResult:
    """Every difference between the compared environments, plus what was compared."""

    environments: tuple[str, ...]
    differences: tuple[Difference, ...]
    resources: int = 0
    fingerprinted_equal: int = 0
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

    def by_resource(self) -> dict[str, list[Difference]]:
        grouped: dict[str, list[Difference]] = {}
        for difference in self.differences:
            grouped.setdefault(difference.resource, []).append(difference)
        return grouped
