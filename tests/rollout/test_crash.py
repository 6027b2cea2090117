"""Crash and resume: a release in a subprocess is killed with SIGKILL between steps and
during a step, then resumed here. It ends consistent: no step applied twice, and never a
weight in force that the ledger does not know."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tricolor.rollout import Engine, Ledger, LedgerRecord, get_judge, get_provider
from tricolor.rollout.errors import LockedError
from tricolor.rollout.journal import JournalApplier

DRIVER = Path(__file__).with_name("crash_driver.py")
ROOT = Path(__file__).resolve().parents[2]


def wait_for(check: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise TimeoutError("the release never reached the state to kill it in")


def read(ledger: Ledger) -> LedgerRecord | None:
    return ledger.read("prod")


def kill_at(tmp_path: Path, spec: Path, when: Any, before: float = 0.0, after: float = 0.0) -> Ledger:
    ledger = Ledger.open(str(tmp_path / "ledger"))
    challenger = engine(tmp_path, lock_timeout=0.0)
    env = {**os.environ, "PYTHONPATH": str(ROOT.parent)}
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(spec), str(tmp_path / "ledger"),
                             str(tmp_path / "journal.jsonl"), str(before), str(after)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: proc.poll() is not None or ((rec := read(ledger)) is not None and when(rec)))
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        # Its lock is held by a live process on this host: never taken over, whatever the timeout.
        with pytest.raises(LockedError, match="never while its process is alive"):
            challenger.acquire()
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:  # the test failed before its kill: do not leave it running
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    return ledger


def engine(tmp_path: Path, lock_timeout: float = 0.3) -> Engine:
    from tricolor.stacks.render import load_stacks

    (item,) = load_stacks(["prod"], tmp_path / "service.yaml")
    analysis = item.stack.spec.release.analysis
    return Engine(stack=item.stack, ledger=Ledger.open(str(tmp_path / "ledger")),
                  applier=JournalApplier(tmp_path / "journal.jsonl"),
                  provider=get_provider(analysis.provider, analysis.provider_settings),
                  judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks),
                  lock_timeout=lock_timeout, poll=0.05)


def consistent_after_kill(tmp_path: Path, ledger: Ledger) -> None:
    """The weights in force (the journal's last line) are ones the ledger knows."""
    rec = read(ledger)
    assert rec is not None and rec.lock is not None
    lines = JournalApplier(tmp_path / "journal.jsonl").entries()
    in_force = lines[-1]["weights"] if lines else {"blue": 100, "green": 0}
    assert in_force in (rec.weights, rec.target)


def resume_and_check(tmp_path: Path) -> LedgerRecord:
    time.sleep(0.35)  # the dead owner's heartbeat must be older than the timeout
    resumer = engine(tmp_path)
    resumer.acquire()
    rec = resumer.run()
    assert rec.status == "completed" and rec.weights == {"blue": 0, "green": 100}
    lines = JournalApplier(tmp_path / "journal.jsonl").entries()
    assert [line["weights"]["green"] for line in lines] == [0, 20, 50, 100, 100]
    per_step = Counter((line["step"], line["scope"]) for line in lines)
    assert max(per_step.values()) == 1, per_step  # no step applied twice
    assert lines[-1]["weights"] == rec.weights
    assert any(e.kind == "takeover" for e in rec.events)
    return rec


@pytest.fixture
def spec(spec_with: Any) -> Path:
    # The threshold judge keeps scipy out of the subprocess: it starts faster.
    return spec_with({"steps": [{"setWeight": 20}, {"pause": "2s"}, {"analysis": {}}, {"setWeight": 50},
                                {"pause": "200ms"}, {"setWeight": 100}]}, judge="threshold")


def test_killed_between_steps(tmp_path, spec):
    ledger = kill_at(tmp_path, spec, lambda r: r.current_step is not None and r.current_step.action == "pause"
                     and r.step_state == "pending")
    consistent_after_kill(tmp_path, ledger)
    resume_and_check(tmp_path)


def test_killed_during_a_step_before_it_took_effect(tmp_path, spec):
    ledger = kill_at(tmp_path, spec, lambda r: r.step_state == "applying" and (r.target or {}).get("green") == 20,
                     before=2.0)
    rec = read(ledger)
    assert rec is not None and rec.target == {"blue": 80, "green": 20} and rec.weights == {"blue": 100, "green": 0}
    consistent_after_kill(tmp_path, ledger)
    resume_and_check(tmp_path)


def test_killed_during_a_step_after_it_took_effect(tmp_path, spec):
    journal = JournalApplier(tmp_path / "journal.jsonl")
    ledger = kill_at(tmp_path, spec, lambda r: r.step_state == "applying"
                     and any(e["weights"]["green"] == 20 for e in journal.entries()), after=2.0)
    rec = read(ledger)
    assert rec is not None and rec.step_state == "applying" and rec.weights == {"blue": 100, "green": 0}
    consistent_after_kill(tmp_path, ledger)
    resume_and_check(tmp_path)
