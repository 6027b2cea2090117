"""Running ``tricolor release`` in subprocesses and killing them (SIGKILL) at a chosen
moment, seen in the ledger. Used by the crash tests and the kill matrix."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENTRY = Path(__file__).with_name("cli_entry.py")


def wait_for(check: Callable[[], bool], timeout: float = 90.0, what: str = "the state to kill it in") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise TimeoutError(f"never reached {what}")


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None


@dataclass
class Site:
    """A ledger folder, the spec and the options every command of a test shares."""

    ledger: Path
    spec: Path
    stack: str = "prod"
    env: dict[str, str] = field(default_factory=dict)
    lock_timeout: float = 0.5

    def args(self, verb: str, *extra: str) -> list[str]:
        common = ["--stack", self.stack, "--ledger", str(self.ledger)]
        if verb in ("status", "history"):
            return ["release", verb, *common, "-o", "json", *extra]
        return ["release", verb, *common, "--spec", str(self.spec), "--poll", "0.05", "--lock-timeout",
                str(self.lock_timeout), "--report-dir", str(self.ledger.parent / "reports"), "-o", "json", *extra]

    def environ(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**os.environ, "COLUMNS": "200", "GITHUB_ACTOR": "kill-tester", **self.env, **(extra or {})}

    def run(self, verb: str, *extra: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ENTRY), *self.args(verb, *extra)], capture_output=True, text=True,
                              timeout=timeout, env=self.environ(env))

    def spawn(self, verb: str, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, str(ENTRY), *self.args(verb, *extra)], env=self.environ(env),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def record(self) -> dict[str, Any] | None:
        return read_json(self.ledger / f"{self.stack}.json")

    def applied(self) -> dict[str, Any] | None:
        """What the offline applier applied last (``None``: nothing yet)."""
        found = read_json(self.ledger / "offline" / f"{self.stack}.json")
        return None if found is None else found["state"]

    def copy(self, folder: Path) -> Site:
        shutil.copytree(self.ledger, folder / "ledger")
        return Site(folder / "ledger", self.spec, self.stack, dict(self.env), self.lock_timeout)

    def kill_when(self, proc: subprocess.Popen[bytes], when: Callable[[dict[str, Any]], bool],
                  timeout: float = 90.0) -> dict[str, Any]:
        """SIGKILL ``proc`` as soon as the ledger shows ``when``; the record it left."""
        try:
            wait_for(lambda: proc.poll() is not None or ((rec := self.record()) is not None and when(rec)), timeout)
            if proc.poll() is not None:
                raise AssertionError(f"exited {proc.returncode} before the kill: "
                                     + (proc.stderr.read().decode() if proc.stderr else ""))
            proc.send_signal(signal.SIGKILL)
        finally:
            if proc.poll() is None and proc.returncode is None:
                proc.kill()
            proc.wait(timeout=10)
            if proc.stderr:
                proc.stderr.close()
        rec = self.record()
        assert rec is not None
        return rec


def canary_weight(rec: dict[str, Any]) -> int:
    return rec["weights"][rec["canary"]]


def step_action(rec: dict[str, Any]) -> str | None:
    index = rec["step_index"]
    return rec["plan"][index]["action"] if 0 <= index < len(rec["plan"]) else None
