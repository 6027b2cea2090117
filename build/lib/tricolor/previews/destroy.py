"""How a preview is destroyed: the ``Destroyer`` protocol and its factory.

Implementations, one module each:

- ``automation.AutomationDestroyer``: the real one, Pulumi's Automation API
  (``select_stack`` then ``destroy(remove=True)``);
- ``recording.RecordingDestroyer``: records each call and fails on demand; it destroys
  nothing, and exists for tests and rehearsals of the reaper.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from .errors import PreviewInputError

DESTROYERS = ("automation", "recording")


@runtime_checkable
class Destroyer(Protocol):
    """Destroy every resource of ``stack`` and remove the stack; raise on failure.

    A stack that no longer exists counts as destroyed (the reaper may run twice)."""

    def destroy(self, stack: str) -> None: ...


def get_destroyer(name: str, **options: Any) -> Destroyer:
    """The destroyer called ``name``; ``PreviewInputError`` naming the known ones otherwise."""
    if name == "automation":
        from .automation import AutomationDestroyer

        return AutomationDestroyer(**options)
    if name == "recording":
        from .recording import RecordingDestroyer

        return RecordingDestroyer(**options)
    raise PreviewInputError(f"unknown destroyer {name!r}; known: {', '.join(DESTROYERS)}")
