"""Ledger stores: where the one JSON record per stack lives.

``LedgerStore`` is the protocol; ``local`` (a folder, the default) and ``s3`` are the
implementations. Writes are compare-and-swap: ``write`` takes the version token the
caller read (``None``: the record must not exist yet) and raises ``ConflictError``
when someone else wrote in between.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, runtime_checkable

from .errors import UnknownNameError

LEDGER_ENV = "TRICOLOR_LEDGER"
DEFAULT_FOLDER = Path(".tricolor") / "ledger"


@runtime_checkable
class LedgerStore(Protocol):
    url: str

    def read(self, stack: str) -> tuple[bytes, str] | None:
        """The record's bytes and version token, or ``None`` when there is none."""
        ...

    def write(self, stack: str, data: bytes, expected: str | None) -> str:
        """Write if the stored version is still ``expected``; return the new version."""
        ...

    def where(self, stack: str) -> str:
        """Where the record of ``stack`` is, for messages."""
        ...


def ledger_url(configured: str | None = None) -> str:
    """``configured``, else ``$TRICOLOR_LEDGER``, else ``.tricolor/ledger`` under the
    working directory (the project root, where ``pulumi up`` runs)."""
    return configured or os.environ.get(LEDGER_ENV) or str(Path.cwd() / DEFAULT_FOLDER)


def open_store(url: str | None = None) -> LedgerStore:
    """The store for ``url``: ``s3://bucket/prefix`` or a folder (``file://`` or a path)."""
    location = ledger_url(url)
    scheme = location.split("://", 1)[0] if "://" in location else "file"
    if scheme == "s3":
        from .store_s3 import S3Store

        return S3Store(location)
    if scheme == "file":
        from .store_local import LocalStore

        return LocalStore(Path(location.removeprefix("file://")))
    raise UnknownNameError("ledger store scheme", scheme, ["file", "s3"])


class MemoryStore:
    """An in-process store (dry runs and simulations): compare-and-swap, nothing persisted."""

    def __init__(self) -> None:
        self.url = "memory://"
        self._data: dict[str, tuple[bytes, str]] = {}
        self._count = 0

    def where(self, stack: str) -> str:
        return f"memory://{stack}"

    def read(self, stack: str) -> tuple[bytes, str] | None:
        return self._data.get(stack)

    def write(self, stack: str, data: bytes, expected: str | None) -> str:
        from .errors import ConflictError

        current = self._data.get(stack)
        if (current[1] if current else None) != expected:
            raise ConflictError(f"memory://{stack}: changed by another writer")
        self._count += 1
        self._data[stack] = (data, str(self._count))
        return str(self._count)
