"""The default ledger store: ``<folder>/<stack>.json``.

Compare-and-swap under an exclusive ``flock`` on ``<stack>.json.lock``; the version is
the SHA-256 of the bytes; the record is replaced atomically (write, fsync, rename), so a
process killed at any moment leaves either the old or the new record.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from .errors import ConflictError, LedgerError


def _version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"file://{folder}"

    def where(self, stack: str) -> str:
        return str(self.folder / f"{stack}.json")

    def read(self, stack: str) -> tuple[bytes, str] | None:
        path = self.folder / f"{stack}.json"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LedgerError(f"{path}: cannot read the ledger: {exc.strerror}") from None
        return data, _version(data)

    def write(self, stack: str, data: bytes, expected: str | None) -> str:
        path = self.folder / f"{stack}.json"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.folder / f"{stack}.json.lock", "a+b") as guard:
                fcntl.flock(guard, fcntl.LOCK_EX)
                current = self.read(stack)
                if (current[1] if current else None) != expected:
                    raise ConflictError(f"{path}: changed by another writer; read it again")
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                with open(tmp, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, path)
                directory = os.open(self.folder, os.O_RDONLY)
                try:
                    os.fsync(directory)
                finally:
                    os.close(directory)
        except OSError as exc:
            raise LedgerError(f"{path}: cannot write the ledger: {exc.strerror}") from None
        return _version(data)
