"""Ledger stores: where the one JSON record per stack (and its history) lives.

``LedgerStore`` is the protocol; ``local`` (a folder), ``s3`` and ``memory`` (dry runs)
implement it, ``registry.open_store`` picks one from a location. Writes of a stack's
record are compare-and-swap: ``write`` takes the version token the caller read
(``None``: the record must not exist yet) and raises ``ConflictError`` when someone else
wrote in between. ``put``/``get``/``keys`` hold other small objects under checked keys:
past releases (``history/<stack>/...``) and what the offline applier last applied
(``offline/<stack>.json``).

Where the ledger is: ``--ledger``, else ``$TRICOLOR_LEDGER`` (tests), else the stack's
``tricolor:ledger``, else ``.tricolor/ledger`` under the project. Stack names and keys
are checked before any path or object key is formed: ``../x`` never leaves the ledger.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ...spec.naming import stack_name_problem
from ..errors import InvalidRequestError

__all__ = ["LEDGER_ENV", "DEFAULT_FOLDER", "LedgerStore", "StoreContext", "check_key", "check_stack",
           "ledger_location", "scheme_of"]

LEDGER_ENV = "TRICOLOR_LEDGER"
DEFAULT_FOLDER = Path(".tricolor") / "ledger"
_SEGMENT = re.compile(r"^[A-Za-z0-9_.-]+$")


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

    def put(self, key: str, data: bytes) -> None:
        """Store a small object (atomically replaced)."""
        ...

    def get(self, key: str) -> bytes | None: ...

    def keys(self, prefix: str) -> list[str]:
        """Keys of the objects under ``prefix`` (a folder, ``history/prod``), sorted."""
        ...

    def stacks(self) -> list[str]:
        """Every stack with a record, sorted."""
        ...


@dataclass(frozen=True)
class StoreContext:
    """What a store is built from: its location, and a client for tests (S3)."""

    url: str
    client: Any = None


def check_stack(stack: str) -> str:
    """``stack`` if it is a valid stack name (so a safe file and key name)."""
    problem = stack_name_problem(stack)
    if problem or stack in (".", ".."):
        raise InvalidRequestError(f"--stack: {problem or f'{stack!r} is not a stack name'}")
    return stack


def check_key(key: str) -> str:
    """``key`` if every ``/``-separated part of it is a plain name (no ``..``, no root)."""
    parts = key.split("/")
    if not key or any(not _SEGMENT.match(p) or p in (".", "..") for p in parts):
        raise InvalidRequestError(f"ledger key {key[:80]!r} is not a relative name of plain parts")
    return key


def scheme_of(location: str) -> str:
    return location.split("://", 1)[0] if "://" in location else "file"


def ledger_location(explicit: str | None = None, configured: str | None = None, project: Path | None = None) -> str:
    """The ledger's location (see the module docstring for the order). A relative folder
    is relative to the project (the folder of ``Pulumi.yaml``, where ``pulumi up`` runs)."""
    base = project or Path.cwd()
    chosen = explicit or os.environ.get(LEDGER_ENV) or configured
    if not chosen:
        return str(base / DEFAULT_FOLDER)
    if scheme_of(chosen) != "file":
        return chosen
    path = Path(chosen.removeprefix("file://")).expanduser()
    return str(path if path.is_absolute() else base / path)
