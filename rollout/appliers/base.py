"""Appliers: how a release step reaches the infrastructure.

``Applier`` is the protocol; ``pulumi`` (Automation API) and ``offline`` (the program
under Pulumi's mock runtime) implement it, each in its own module, and
``registry.get_applier`` builds one by name from an ``ApplierContext``.

``apply`` must be idempotent: applying the state already in force changes nothing.
``current`` reports the state in force as the infrastructure sees it (``None``:
unknown), so an apply interrupted by a kill is finished, never repeated when it took
effect (and re-applied when it did not, or when nobody can tell).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal, Protocol

from ...spec.revision import Revision
from ..record import InForce
from ..stores.base import LedgerStore

__all__ = ["Applier", "ApplierContext", "ApplyResult", "Change", "Purpose", "Scope", "is_router"]

Scope = Literal["full", "router"]
ROUTER_MARK = "TrafficRouter"


def is_router(urn: str) -> bool:
    """Is ``urn`` the router component or one of its children (its type chain names it)?"""
    return ROUTER_MARK in urn.split("::")[-2]


class Purpose(StrEnum):
    """Why a change is applied; a deploy, a scale-down and a canary scale touch the
    colors (a full update), every other change only the router (a targeted update)."""

    DEPLOY = "deploy"
    WEIGHT = "weight"
    SCALE = "scale"  # setCanaryScale: the new color's replicas
    ABORT = "abort"
    ROLLBACK = "rollback"
    SCALE_DOWN = "scale-down"

    @property
    def scope(self) -> Scope:
        return "full" if self in (Purpose.DEPLOY, Purpose.SCALE_DOWN, Purpose.SCALE) else "router"


@dataclass(frozen=True)
class Change:
    stack: str
    target: InForce
    purpose: Purpose
    step: int = 0
    label: str = ""
    colors: bool = False  # the change also resizes a color (a canary scale ends): a full update
    #: a ``rolling`` stack: every change updates its one environment in place (a full update)
    in_place: bool = False
    #: the bodies of the revisions the target names (the record's catalog)
    catalog: Mapping[str, Revision] = field(default_factory=dict)

    @property
    def scope(self) -> Scope:
        return "full" if self.colors or self.in_place else self.purpose.scope


@dataclass(frozen=True)
class ApplyResult:
    changed: list[str] = field(default_factory=list)  # URNs the change updated, when known
    summary: str = ""


@dataclass(frozen=True)
class ApplierContext:
    """Everything an applier may be built from (each takes what it needs)."""

    stack: str
    project: Path  # the folder of Pulumi.yaml: where ``pulumi up`` runs
    spec_file: Path | None = None
    stacks_dir: Path | None = None
    ledger: str | None = None  # the ledger's location, passed on to the program
    store: LedgerStore | None = None  # where the offline applier keeps what it applied
    in_force: InForce | None = None  # what the ledger says is in force (the offline applier's start)
    catalog: Mapping[str, Revision] | None = None  # the bodies of the revisions it names


class Applier(Protocol):
    name: str

    def preflight(self) -> None:
        """Raise ``ApplyError`` if this applier cannot work (checked before a release starts)."""
        ...

    def apply(self, change: Change) -> ApplyResult: ...

    def current(self, stack: str) -> InForce | None: ...
