"""Ledger stores (one suite over the folder and S3 on moto's server), compare-and-swap,
the lock rules, concurrent starts, and the stack program reading the ledger."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from tricolor.rollout import Engine, Ledger, LedgerRecord, MemoryStore, VirtualClock, open_store
from tricolor.rollout.errors import ConflictError, InvalidRequestError, LedgerError, LockedError
from tricolor.rollout.journal import JournalApplier
from tricolor.rollout.lock import Owner, check_takeover, stale
from tricolor.rollout.record import LockInfo
from tricolor.rollout.store import LEDGER_ENV

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["local", "s3"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "local":
        return str(tmp_path / "ledger")
    request.getfixturevalue("aws_env")
    import boto3

    bucket = f"ledger-{uuid.uuid4().hex[:10]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    return f"s3://{bucket}/tricolor/ledger"


def test_compare_and_swap(store_url):
    store = open_store(store_url)
    assert store.read("prod") is None
    v1 = store.write("prod", b'{"a": 1}', None)
    with pytest.raises(ConflictError):
        store.write("prod", b'{"a": 2}', None)  # create, but it exists
    v2 = store.write("prod", b'{"a": 2}', v1)
    with pytest.raises(ConflictError):
        store.write("prod", b'{"a": 3}', v1)  # stale version
    assert store.read("prod") == (b'{"a": 2}', v2)


def test_concurrent_starts_exactly_one_wins(store_url, spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with())
    barrier = threading.Barrier(4)
    outcomes: list[Any] = []

    def contender() -> None:
        engine = Engine(stack=stack, ledger=Ledger.open(store_url), applier=JournalApplier(tmp_path / "j"),
                        clock=VirtualClock(), owner=Owner.here())
        barrier.wait()
        try:
            outcomes.append(engine.start("ghcr.io/acme/checkout:1.5.0"))
        except (LockedError, InvalidRequestError) as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=contender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [o for o in outcomes if isinstance(o, LedgerRecord)]
    losers = [o for o in outcomes if isinstance(o, LockedError)]
    assert len(winners) == 1 and len(losers) == 3, outcomes
    assert "release in progress" in str(losers[0]) and "pid" in str(losers[0])
    stored = Ledger.open(store_url).read("prod")
    assert stored is not None and stored.release_id == winners[0].release_id
    assert stored.lock is not None and stored.lock.owner == winners[0].lock.owner


def test_two_cli_starts_at_once(spec_with, tmp_path):
    """Two `tricolor release start` processes on one stack: one runs, the other is refused."""
    spec = spec_with({"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}]}, judge="threshold")
    ledger = tmp_path / "ledger"
    cmd = [str(Path(sys.executable).with_name("tricolor")), "release", "start", "--stack", "prod", "--image",
           "ghcr.io/acme/checkout:2.0.0", "--spec", str(spec), "--ledger", str(ledger), "--applier", "offline",
           "--detach-on-pause", "--report-dir", str(tmp_path / "reports")]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [(p.wait(timeout=60), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _, _ in results)
    loser = next(err for code, _, err in results if code != 0)
    winner_rec = Ledger.open(str(ledger)).read("prod")
    # The winner walks to the pause and detaches; the loser either met its live lock (4) or
    # its release waiting for promotion (1); both are clear errors and the ledger is the winner's.
    assert codes[0] == 0 and codes[1] in (1, 4), results
    assert "release" in loser and ("in progress" in loser or "already has release" in loser)
    assert winner_rec is not None and winner_rec.weights == {"blue": 90, "green": 10}
    assert winner_rec.images["green"] == "ghcr.io/acme/checkout:2.0.0" and winner_rec.lock is None


def test_lock_rules():
    host = socket.gethostname()
    me = Owner.here()
    alive = LockInfo(owner="other", host=host, pid=os.getpid(), acquired_at=0, heartbeat=0)
    assert not stale(alive, now=10_000, timeout=60, host=host)  # alive here: never
    dead_pid = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_pid.wait()
    dead = alive.model_copy(update={"pid": dead_pid.pid})
    assert not stale(dead.model_copy(update={"heartbeat": 9_990}), now=10_000, timeout=60, host=host)
    assert stale(dead, now=10_000, timeout=60, host=host)
    remote = alive.model_copy(update={"host": "elsewhere"})
    assert stale(remote, now=10_000, timeout=60, host=host)  # other host: the timeout decides
    with pytest.raises(LockedError, match="pid"):
        check_takeover(alive, me, 10_000, 60, "prod")
    check_takeover(dead, me, 10_000, 60, "prod")


def test_corrupt_record_is_a_clear_error(tmp_path):
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "prod.json").write_text("{not json")
    with pytest.raises(LedgerError, match=r"prod\.json: not a valid ledger record"):
        Ledger.open(str(folder)).read("prod")


def test_memory_store_and_update_retries():
    ledger = Ledger(MemoryStore())
    calls = {"n": 0}
    real_write = ledger.store.write

    def flaky(stack: str, data: bytes, expected: str | None) -> str:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConflictError("lost the race")
        return real_write(stack, data, expected)

    ledger.store.write = flaky  # type: ignore[method-assign]
    from tricolor.rollout import machine
    from tricolor.rollout.plan import PlanStep
    from tricolor.spec import Weights

    record = machine.new_record(stack="prod", release_id="r1", image="a/b:2", plan=[PlanStep(0, "finish", 100)],
                                weights=Weights(100, 0), images={"blue": "a/b:1", "green": "a/b:1"}, settings={},
                                now=1.0, lock=None)
    assert ledger.update("prod", lambda _: record) == record and calls["n"] == 2


def test_program_reads_weights_and_images_from_the_ledger(tmp_path, monkeypatch):
    """A plain `pulumi up` (the program under the mocks here) reproduces the ledger's canary."""
    from tricolor.rollout import machine
    from tricolor.rollout.plan import PlanStep
    from tricolor.spec import Weights
    from tricolor.stacks import render_stack

    monkeypatch.setenv(LEDGER_ENV, str(tmp_path / "ledger"))
    route = render_stack("prod").find("checkout-router-route")
    refs = route.inputs["spec"]["rules"][-1]["backendRefs"]
    assert sorted(r["weight"] for r in refs) == [0, 100]  # no ledger: the stack config
    record = machine.new_record(stack="prod", release_id="r1", image="ghcr.io/acme/checkout:9.9.9",
                                plan=[PlanStep(0, "finish", 100)], weights=Weights(100, 0),
                                images={"blue": "ghcr.io/acme/checkout:1.4.2",
                                        "green": "ghcr.io/acme/checkout:1.4.2"},
                                settings={}, now=1.0, lock=None)
    record = machine._with(record, weights={"blue": 70, "green": 30},
                           images={"blue": "ghcr.io/acme/checkout:1.4.2", "green": "ghcr.io/acme/checkout:9.9.9"})
    Ledger.open().update("prod", lambda _: record)
    rendered = render_stack("prod")
    weights = {r["name"]: r["weight"] for r in rendered.find("checkout-router-route").inputs["spec"]["rules"][-1]
               ["backendRefs"]}
    assert weights == {"checkout-blue": 70, "checkout-green": 30}
    green = rendered.find("checkout-green-deployment").inputs["spec"]["template"]["spec"]["containers"][0]
    assert green["image"] == "ghcr.io/acme/checkout:9.9.9"
