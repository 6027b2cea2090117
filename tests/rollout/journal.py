"""``JournalApplier``: a real applier whose infrastructure is a JSON-lines file.

Each change that alters the state is appended as one line (written and fsynced in one
``write``); a change equal to the state in force appends nothing. The crash tests use
it to count applies per step; ``delay_before``/``delay_after`` (seconds) widen the
moments a test can kill the process in, for changes of ``delay_scope`` only (all when
``None``).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from ..spec import Color, Weights
from .applier import ApplyResult, Change
from .errors import ApplyError


class JournalApplier:
    name = "journal"

    def __init__(self, path: Path | str, delay_before: float = 0.0, delay_after: float = 0.0,
                 delay_scope: str | None = None) -> None:
        self.path = Path(path)
        self.delay_before = delay_before
        self.delay_after = delay_after
        self.delay_scope = delay_scope

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def preflight(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ApplyError(f"{self.path.parent}: cannot write the journal: {exc.strerror}") from None

    def current(self, stack: str) -> tuple[Weights, dict[Color, str]] | None:
        mine = [e for e in self.entries() if e["stack"] == stack]
        if not mine:
            return None
        last = mine[-1]
        return Weights.from_mapping(last["weights"]), {"blue": last["images"]["blue"], "green": last["images"]["green"]}

    def apply(self, change: Change) -> ApplyResult:
        slow = self.delay_scope is None or change.scope == self.delay_scope
        time.sleep(self.delay_before if slow else 0.0)
        state = (change.weights, dict(change.images))
        if self.current(change.stack) == state and change.scaled_down is None:
            return ApplyResult([], "no change")
        line = json.dumps({"stack": change.stack, "step": change.step, "scope": change.scope,
                           "label": change.label, "weights": change.weights.as_dict(),
                           "images": dict(change.images), "scaled_down": change.scaled_down,
                           "pid": os.getpid()}, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        time.sleep(self.delay_after if slow else 0.0)
        return ApplyResult([], f"journal line {change.label}")
