"""``RecordingDestroyer``: a destroyer that destroys nothing.

It records every stack it is asked to destroy and raises ``DestroyError`` for the
stacks named in ``fail``, so tests can drive the reaper through successes and
failures. ``on_destroy`` lets a test make the effect visible (for example, remove the
stack's files from a folder backend, as ``pulumi stack rm`` would).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .errors import DestroyError


class RecordingDestroyer:
    def __init__(self, fail: Iterable[str] = (), on_destroy: Callable[[str], None] | None = None) -> None:
        self.fail = set(fail)
        self.on_destroy = on_destroy
        self.calls: list[str] = []
        self.destroyed: list[str] = []

    def destroy(self, stack: str) -> None:
        self.calls.append(stack)
        if stack in self.fail:
            raise DestroyError(f"{stack}: injected failure")
        if self.on_destroy is not None:
            self.on_destroy(stack)
        self.destroyed.append(stack)
