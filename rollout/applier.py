"""Appliers: how a release step reaches the infrastructure.

``Applier`` is the protocol; ``PulumiApplier`` (Automation API), ``OfflineApplier``
(the program under Pulumi's mock runtime) and ``JournalApplier`` (appends each change
to a file; used by the crash tests) implement it; ``get_applier`` builds one by name.
``apply`` must be idempotent: applying the state already in force changes nothing.
``current`` reports the state in force as the infrastructure sees it (``None``: unknown),
so an apply interrupted by a crash is finished, never repeated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ..spec import Color, Weights
from .errors import UnknownNameError

Scope = Literal["full", "router"]


@dataclass(frozen=True)
class Change:
    stack: str
    weights: Weights
    images: dict[Color, str]
    scope: Scope
    step: int = 0
    label: str = ""
    scaled_down: Color | None = None


@dataclass(frozen=True)
class ApplyResult:
    changed: list[str] = field(default_factory=list)  # URNs the change updated, when known
    summary: str = ""


class Applier(Protocol):
    name: str

    def preflight(self) -> None:
        """Raise ``ApplyError`` if this applier cannot work (checked before a release starts)."""
        ...

    def apply(self, change: Change) -> ApplyResult: ...

    def current(self, stack: str) -> tuple[Weights, dict[Color, str]] | None: ...


APPLIERS = ("pulumi", "offline", "journal")


def get_applier(name: str, **options: Any) -> Applier:
    if name == "pulumi":
        from .pulumi_applier import PulumiApplier

        return PulumiApplier(**options)
    if name == "offline":
        from .offline import OfflineApplier

        return OfflineApplier(**options)
    if name == "journal":
        from .journal import JournalApplier

        return JournalApplier(**options)
    raise UnknownNameError("applier", name, APPLIERS)
