"""The owner's heartbeat, refreshed in the background while it works.

An apply (a real ``pulumi up`` can take minutes), a measurement or a smoke test may take
longer than the lock timeout; the engine beats in a daemon thread for as long as it
drives a release, so a live owner's lock is never taken over from another host. A beat
is a compare-and-swap write of the lock's ``heartbeat`` alone; when the lock is no
longer ours the thread stops and says so (``lost``), and the engine stops at its next
write. A beat that fails (the ledger unreachable for a moment) is retried at the next
beat.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

from .errors import LockedError, RolloutError

__all__ = ["Heartbeat"]


class Heartbeat:
    def __init__(self, beat: Callable[[], None], every: float) -> None:
        self.beat = beat
        self.every = max(every, 0.01)
        self.lost: str | None = None
        self.beats = 0
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tricolor-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.beat()
                self.beats += 1
            except LockedError as exc:
                self.lost = str(exc)
                return
            except (RolloutError, OSError):
                self.failures += 1

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
