"""One release per stack: the lock kept inside the ledger record.

The lock names its owner, host and pid and carries a heartbeat the owner refreshes.
A lock is stale, and may be taken over, only when its heartbeat is older than the
timeout, and never while its pid is alive on this same host.
"""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from dataclasses import dataclass

from .errors import LockedError
from .record import LockInfo


@dataclass(frozen=True)
class Owner:
    """Who runs this engine."""

    id: str
    host: str
    pid: int

    @classmethod
    def here(cls) -> Owner:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        host = socket.gethostname()
        return cls(id=f"{user}@{host}:{os.getpid()}:{uuid.uuid4().hex[:8]}", host=host, pid=os.getpid())

    def lock(self, now: float) -> LockInfo:
        return LockInfo(owner=self.id, host=self.host, pid=self.pid, acquired_at=now, heartbeat=now)


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed, not yet reaped by its parent) is not alive.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def stale(lock: LockInfo, now: float, timeout: float, host: str) -> bool:
    """May ``lock`` be taken over now, from ``host``?"""
    if now - lock.heartbeat < timeout:
        return False
    return not (lock.host == host and pid_alive(lock.pid))


def describe(lock: LockInfo, now: float) -> str:
    return (f"held by {lock.owner} (host {lock.host}, pid {lock.pid}), "
            f"last heartbeat {max(0.0, now - lock.heartbeat):.1f}s ago")


def check_takeover(lock: LockInfo | None, owner: Owner, now: float, timeout: float, stack: str) -> None:
    """Raise ``LockedError`` unless ``owner`` holds ``lock`` or may take it over."""
    if lock is None or lock.owner == owner.id:
        return
    if not stale(lock, now, timeout, owner.host):
        raise LockedError(f"stack {stack!r} has a release in progress, {describe(lock, now)}; "
                          f"a lock is taken over only after {timeout:g}s without heartbeat "
                          "and never while its process is alive on the same host")
