"""How a preview is destroyed: the ``Destroyer`` protocol and the data it takes.

A destroyer receives a ``StackRef``, never a bare name: the stack's project (``None``
for the old unscoped DIY layout) and name, whose ``qualified`` form is the one name
Pulumi resolves to exactly that stack (``organization/<project>/<stack>``, or the bare
name in an unscoped backend). The only implementation is
``automation_destroyer.AutomationDestroyer`` (Pulumi's Automation API); the registry
that builds one by name is ``destroyers``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = ["ORGANIZATION", "Destroyer", "DestroyerContext", "StackRef"]

#: the organization every DIY-backend stack belongs to (Pulumi refuses any other)
ORGANIZATION = "organization"


@dataclass(frozen=True, order=True)
class StackRef:
    """One stack, fully qualified."""

    project: str | None  # None: the old unscoped layout, where Pulumi addresses the bare name
    name: str

    @property
    def qualified(self) -> str:
        """``organization/<project>/<stack>`` (the bare name in the unscoped layout)."""
        return f"{ORGANIZATION}/{self.project}/{self.name}" if self.project else self.name

    def __str__(self) -> str:
        return self.qualified


@runtime_checkable
class Destroyer(Protocol):
    """Destroy every resource of ``stack`` and remove the stack; raise on failure.

    A stack that no longer exists counts as destroyed (the reaper may run twice)."""

    def destroy(self, stack: StackRef) -> None: ...


@dataclass(frozen=True)
class DestroyerContext:
    """What a destroyer is built from: the backend, the project whose stacks it may
    destroy (any other is refused), where the project lives, and where output goes."""

    project: str
    backend_url: str | None = None
    work_dir: Path | None = None
    on_output: Callable[[str], Any] | None = None
