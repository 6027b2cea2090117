"""The default ledger store: ``<folder>/<stack>.json`` and small objects under it.

Compare-and-swap under an exclusive ``flock`` on ``<stack>.json.lock``; the version is
the SHA-256 of the bytes; every file is replaced atomically (write, fsync, rename), so
a process killed at any moment leaves either the old or the new content.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from pathlib import Path

from ..errors import ConflictError, LedgerError
from .base import StoreContext, check_key, check_stack

__all__ = ["LocalStore"]


def _version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically and durably."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class LocalStore:
    def __init__(self, context: StoreContext) -> None:
        self.folder = Path(context.url.removeprefix("file://"))
        self.url = f"file://{self.folder}"

    def _path(self, stack: str) -> Path:
        return self.folder / f"{check_stack(stack)}.json"

    def where(self, stack: str) -> str:
        return str(self._path(stack))

    def read(self, stack: str) -> tuple[bytes, str] | None:
        path = self._path(stack)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LedgerError(f"{path}: cannot read the ledger: {exc.strerror}") from None
        return data, _version(data)

    def write(self, stack: str, data: bytes, expected: str | None) -> str:
        path = self._path(stack)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.folder / f"{stack}.json.lock", "a+b") as guard:
                fcntl.flock(guard, fcntl.LOCK_EX)
                current = self.read(stack)
                if (current[1] if current else None) != expected:
                    raise ConflictError(f"{path}: changed by another writer; read it again")
                _replace(path, data)
        except OSError as exc:
            raise LedgerError(f"{path}: cannot write the ledger: {exc.strerror}") from None
        return _version(data)

    def put(self, key: str, data: bytes) -> None:
        path = self.folder / check_key(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _replace(path, data)
        except OSError as exc:
            raise LedgerError(f"{path}: cannot write: {exc.strerror}") from None

    def get(self, key: str) -> bytes | None:
        path = self.folder / check_key(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LedgerError(f"{path}: cannot read: {exc.strerror}") from None

    def keys(self, prefix: str) -> list[str]:
        base = self.folder / check_key(prefix)
        if not base.is_dir():
            return []
        return sorted(str(p.relative_to(self.folder)) for p in base.rglob("*")
                      if p.is_file() and not p.name.startswith("."))

    def stacks(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name[:-len(".json")] for p in self.folder.glob("*.json") if not p.name.startswith("."))
