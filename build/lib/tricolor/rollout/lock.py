"""One release per stack: the lock kept inside the ledger record, and who acts.

The lock names its owner (unique per engine), the person (``actor``), host and pid, and
carries a heartbeat the owner refreshes in the background while it works
(``heartbeat.Heartbeat``). A lock may be taken over when its process is known dead (same
host, pid gone, or the pid now belongs to a process started after the lock was taken:
a reused pid), or, from another host, only when its heartbeat is older than the
timeout and three of the owner's heartbeat intervals (the lock says how often its owner
beats). A live owner is never taken over, whatever the timeout.

Lock times (taken, heartbeat) are wall-clock seconds whatever clock drives the release
(a dry run's is virtual): they are about processes, not about the release's schedule.

The actor a person reads is ``$GITHUB_ACTOR``, else the git user name, else ``$USER``,
plus the host: ``alice@ci-runner-3``.
"""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import LockedError
from .record import LockInfo

__all__ = ["Owner", "actor_name", "check_takeover", "describe", "owner_alive", "pid_alive", "stale", "started_at",
           "wall_clock"]


def _git_user() -> str | None:
    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def actor_name(env: Mapping[str, str] | None = None) -> str:
    """Who runs this command, as a person reads it (without the host)."""
    env = os.environ if env is None else env
    if env.get("GITHUB_ACTOR"):
        return env["GITHUB_ACTOR"]
    name = _git_user()
    if name:
        return name
    if env.get("USER"):
        return env["USER"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Owner:
    """Who runs this engine: ``id`` is unique per engine, ``actor`` is for people."""

    id: str
    host: str
    pid: int
    actor: str

    @classmethod
    def here(cls, actor: str | None = None) -> Owner:
        host = socket.gethostname()
        person = f"{actor or actor_name()}@{host}"
        return cls(id=f"{person}:{os.getpid()}:{uuid.uuid4().hex[:8]}", host=host, pid=os.getpid(), actor=person)

    def lock(self, every: float = 5.0) -> LockInfo:
        now = wall_clock()
        return LockInfo(owner=self.id, host=self.host, pid=self.pid, acquired_at=now, heartbeat=now, actor=self.actor,
                        every=every)


def wall_clock() -> float:
    return time.time()


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


def started_at(pid: int) -> float | None:
    """When process ``pid`` started (epoch seconds), where ``/proc`` tells."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22: starttime
        with open("/proc/stat") as proc:
            boot = next(int(line.split()[1]) for line in proc if line.startswith("btime "))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def owner_alive(lock: LockInfo) -> bool:
    """Is the process that took ``lock`` (on this host) still running? A pid taken by a
    process started after the lock was taken is someone else's."""
    if not pid_alive(lock.pid):
        return False
    started = started_at(lock.pid)
    return started is None or started <= lock.acquired_at + 2.0


def stale(lock: LockInfo, now: float, timeout: float, host: str) -> bool:
    """May ``lock`` be taken over now, from ``host``? From another host, only after
    ``timeout`` and three of the owner's heartbeat intervals without a beat."""
    if lock.host == host:
        return not owner_alive(lock)
    return now - lock.heartbeat >= max(timeout, 3 * lock.every)


def describe(lock: LockInfo, now: float) -> str:
    who = lock.actor or lock.owner
    return f"held by {who} (host {lock.host}, pid {lock.pid}), last heartbeat {max(0.0, now - lock.heartbeat):.1f}s ago"


def check_takeover(lock: LockInfo | None, owner: Owner, now: float, timeout: float, stack: str) -> None:
    """Raise ``LockedError`` unless ``owner`` holds ``lock`` or may take it over."""
    if lock is None or lock.owner == owner.id:
        return
    if not stale(lock, now, timeout, owner.host):
        raise LockedError(f"stack {stack!r} has a release in progress, {describe(lock, now)}; a lock is taken "
                          f"over when its process is gone, or from another host after {timeout:g}s without "
                          "heartbeat; never while its process is alive on the same host")
