"""An in-process store (dry runs, simulations, property tests): compare-and-swap, nothing
persisted. ``copy`` forks it, so a test can try a verb on one branch of a history."""

from __future__ import annotations

import threading

from ..errors import ConflictError
from .base import StoreContext, check_key, check_stack

__all__ = ["MemoryStore"]


class MemoryStore:
    def __init__(self, context: StoreContext | None = None) -> None:
        self.url = "memory://"
        self._records: dict[str, tuple[bytes, str]] = {}
        self._objects: dict[str, bytes] = {}
        self._count = 0
        self._guard = threading.Lock()  # the engine's heartbeat writes from another thread

    def where(self, stack: str) -> str:
        return f"memory://{check_stack(stack)}"

    def read(self, stack: str) -> tuple[bytes, str] | None:
        return self._records.get(check_stack(stack))

    def write(self, stack: str, data: bytes, expected: str | None) -> str:
        with self._guard:
            current = self._records.get(check_stack(stack))
            if (current[1] if current else None) != expected:
                raise ConflictError(f"memory://{stack}: changed by another writer")
            self._count += 1
            self._records[stack] = (data, str(self._count))
            return str(self._count)

    def put(self, key: str, data: bytes) -> None:
        self._objects[check_key(key)] = data

    def get(self, key: str) -> bytes | None:
        return self._objects.get(check_key(key))

    def keys(self, prefix: str) -> list[str]:
        base = check_key(prefix) + "/"
        return sorted(k for k in self._objects if k.startswith(base))

    def stacks(self) -> list[str]:
        return sorted(self._records)

    def copy(self) -> MemoryStore:
        twin = MemoryStore()
        twin._records, twin._objects, twin._count = dict(self._records), dict(self._objects), self._count
        return twin
