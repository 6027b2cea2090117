"""Test doubles of the preview interfaces (never shipped as product code).

``RecordingDestroyer`` destroys nothing: it records every ``StackRef`` it is asked to
destroy, raises ``DestroyError`` for the qualified names in ``fail``, and lets a test
make the effect visible with ``on_destroy`` (remove the stack's files, as ``pulumi
stack rm`` would). ``FlakyStore`` wraps a real store and fails reading the keys a test
names, as a bucket policy that denies one object would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tricolor.previews.destroy import StackRef
from tricolor.previews.errors import BackendError, DestroyError
from tricolor.previews.store import BackendStore


class RecordingDestroyer:
    def __init__(self, fail: Iterable[str] = (), on_destroy: Callable[[StackRef], None] | None = None) -> None:
        self.fail = set(fail)
        self.on_destroy = on_destroy
        self.calls: list[StackRef] = []
        self.destroyed: list[StackRef] = []

    @property
    def qualified(self) -> list[str]:
        return [ref.qualified for ref in self.calls]

    def destroy(self, stack: StackRef) -> None:
        assert isinstance(stack, StackRef), f"a destroyer is given a StackRef, not {stack!r}"
        self.calls.append(stack)
        if stack.qualified in self.fail:
            raise DestroyError(f"{stack.qualified}: injected failure")
        if self.on_destroy is not None:
            self.on_destroy(stack)
        self.destroyed.append(stack)


class FlakyStore:
    """A real store whose reads of keys containing any of ``deny`` fail."""

    def __init__(self, store: BackendStore, deny: Iterable[str] = (), deny_list: Iterable[str] = ()) -> None:
        self.store, self.deny, self.deny_list = store, tuple(deny), tuple(deny_list)

    @property
    def url(self) -> str:
        return self.store.url

    def list(self, prefix: str) -> list[str]:
        if any(prefix.startswith(p) for p in self.deny_list):
            raise BackendError(f"AccessDenied listing {prefix}")
        return self.store.list(prefix)

    def read(self, key: str) -> bytes | None:
        if any(d in key for d in self.deny):
            raise BackendError(f"AccessDenied reading {key}")
        return self.store.read(key)
