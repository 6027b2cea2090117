"""``JournalApplier``: a test double whose infrastructure is a JSON-lines file.

Each change that alters the state is appended as one line (written and fsynced in one
``write``); a change equal to the state in force appends nothing. The crash tests use
it to count applies per step and to see what was applied last from another process;
``delay_before``/``delay_after`` (seconds) widen the moments a test can kill the
process in, for changes whose purpose is in ``slow`` (all when ``None``); ``fail``
makes changes of those purposes raise ``ApplyError``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from tricolor.rollout.appliers.base import ApplierContext, ApplyResult, Change
from tricolor.rollout.errors import ApplyError
from tricolor.rollout.record import InForce


class JournalApplier:
    name = "journal"

    def __init__(self, path: Path | str, delay_before: float = 0.0, delay_after: float = 0.0,
                 slow: Collection[str] | None = None, fail: Collection[str] = ()) -> None:
        self.path = Path(path)
        self.delay_before = delay_before
        self.delay_after = delay_after
        self.slow = None if slow is None else set(slow)
        self.fail = set(fail)

    @classmethod
    def from_context(cls, context: ApplierContext) -> JournalApplier:
        """As a registered applier (test entry point): the journal sits next to the ledger;
        delays and failures come from ``TRICOLOR_TEST_*`` variables."""
        env = os.environ
        slow = env.get("TRICOLOR_TEST_SLOW")
        return cls(Path(env["TRICOLOR_TEST_JOURNAL"]), float(env.get("TRICOLOR_TEST_DELAY_BEFORE", 0)),
                   float(env.get("TRICOLOR_TEST_DELAY_AFTER", 0)), None if slow is None else slow.split(","),
                   [f for f in env.get("TRICOLOR_TEST_FAIL", "").split(",") if f])

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def last(self) -> dict[str, Any] | None:
        lines = self.entries()
        return lines[-1] if lines else None

    def preflight(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ApplyError(f"{self.path.parent}: cannot write the journal: {exc.strerror}") from None

    def current(self, stack: str) -> InForce | None:
        mine = [e for e in self.entries() if e["stack"] == stack]
        if not mine:
            return None
        return InForce.model_validate(mine[-1]["state"])

    def apply(self, change: Change) -> ApplyResult:
        slow = self.slow is None or str(change.purpose) in self.slow
        if str(change.purpose) in self.fail:
            raise ApplyError(f"the {change.purpose} change was refused (test)")
        time.sleep(self.delay_before if slow else 0.0)
        if self.current(change.stack) == change.target:
            return ApplyResult([], "no change")
        line = json.dumps({"stack": change.stack, "step": change.step, "scope": change.scope,
                           "purpose": str(change.purpose), "label": change.label,
                           "state": change.target.model_dump(mode="json"),
                           "weights": change.target.weights.as_dict(), "pid": os.getpid()}, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        time.sleep(self.delay_after if slow else 0.0)
        return ApplyResult([], f"journal line {change.label}")
