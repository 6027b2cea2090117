"""A live owner's lock is never taken over (finding 4): an apply that takes three times
the lock timeout, while an owner on another host keeps asking to abort. The owner beats
in the background; the abort is queued as a request, and the owner acts on it once its
apply is done. Without the heartbeat the same abort takes the lock over (the control)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from journal import JournalApplier
from release_support import IMAGE

from tricolor.rollout import engine as engine_module
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.errors import LockedError
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.lock import Owner
from tricolor.rollout.record import RequestAction, Status
from tricolor.rollout.verbs import prepare, start, steer

TIMEOUT = 0.6
APPLY = 3 * TIMEOUT


def owner_and_challenger(stack: Any, tmp_path: Path) -> tuple[Engine, Engine, JournalApplier]:
    journal = JournalApplier(tmp_path / "journal.jsonl", delay_before=APPLY, slow=["weight"])
    ledger = str(tmp_path / "ledger")
    owner = Engine(stack="prod", ledger=Ledger.open(ledger), services=Services.of(journal), lock_timeout=TIMEOUT,
                   poll=0.05, owner=Owner.here("owner"))
    elsewhere = Owner(id="challenger@elsewhere:1:x", host="elsewhere", pid=1, actor="challenger@elsewhere")
    challenger = Engine(stack="prod", ledger=Ledger.open(ledger), services=Services.of(journal),
                        lock_timeout=TIMEOUT, poll=0.05, owner=elsewhere)
    start(owner, prepare(stack, IMAGE))
    return owner, challenger, journal


def challenge_during_the_apply(owner: Engine, challenger: Engine) -> tuple[list[Any], list[Any], threading.Thread]:
    outcomes: list[Any] = []
    finished: list[Any] = []
    def drive() -> None:
        try:
            finished.append(owner.run(Stop(active=True)))
        except LockedError as exc:  # the control: the owner finds its lock taken
            finished.append(exc)

    thread = threading.Thread(target=drive, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until the slow weight apply is in progress
        rec = owner.ledger.read("prod")
        if rec is not None and rec.target is not None and rec.target.weights.green == 20:
            break
        time.sleep(0.01)
    until = time.monotonic() + APPLY
    while time.monotonic() < until and not finished:
        try:
            outcomes.append(steer(challenger, RequestAction.ABORT, reason="from another host"))
        except LockedError as exc:
            outcomes.append(exc)
        time.sleep(0.1)
    return outcomes, finished, thread


def test_an_abort_from_another_host_waits_for_a_live_owner(spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with({"steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 100}]}))
    owner, challenger, journal = owner_and_challenger(stack, tmp_path)
    outcomes, finished, thread = challenge_during_the_apply(owner, challenger)
    thread.join(60)
    assert outcomes and all(o.queued for o in outcomes), outcomes  # queued as requests, never a takeover
    rec = finished[0]
    assert rec.status == Status.ABORTED and rec.weights.green == 0 and rec.lock is None
    assert not any(e.kind == "takeover" for e in rec.events)
    assert any(e.kind == "abort" and e.by == "challenger@elsewhere" for e in rec.events)
    assert [line["weights"]["green"] for line in journal.entries()] == [0, 20, 0]  # the owner's apply landed first


def test_without_the_heartbeat_the_same_abort_would_take_the_lock_over(spec_with, load_prod, tmp_path, monkeypatch):
    """The control: the old engine sent no heartbeat while applying."""

    class Silent:
        lost = None

        def __init__(self, *args: Any) -> None:
            pass

        def __enter__(self) -> Silent:
            return self

        def __exit__(self, *args: Any) -> None:
            pass

    monkeypatch.setattr(engine_module, "Heartbeat", Silent)
    stack = load_prod(spec_with({"steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 100}]}))
    owner, challenger, _ = owner_and_challenger(stack, tmp_path)
    outcomes, finished, thread = challenge_during_the_apply(owner, challenger)
    thread.join(60)
    assert any(not isinstance(o, LockedError) and not o.queued for o in outcomes)  # it took over
    assert isinstance(finished[0], LockedError)  # and the owner, whose apply landed, lost the release
    rec = owner.ledger.read("prod")
    assert rec is not None and any(e.kind == "takeover" for e in rec.events)


@pytest.mark.parametrize("stale_for", [0.0])
def test_a_dead_owner_on_this_host_is_taken_over_at_once(spec_with, load_prod, harness, stale_for):
    """Finding 1: with the pid dead, every verb was refused until the timeout (or forever)."""
    h = harness(load_prod(spec_with({"steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 100}]})),
                lock_timeout=3600)
    h.start()
    rec = h.ledger.read("prod")
    dead = rec.lock.model_copy(update={"pid": 5_000_001, "owner": "gone"})
    h.ledger.update("prod", lambda r: r.model_copy(update={"lock": dead}))
    h.engine.owner = Owner.here("next")
    done = h.steer("abort", reason="the runner died").record
    assert done.status == Status.ABORTED and any(e.kind == "takeover" for e in done.events)
