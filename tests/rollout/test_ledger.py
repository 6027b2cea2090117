"""Ledger stores (one suite over the folder, S3 on moto's server and memory),
compare-and-swap, history, the lock rules, concurrent starts, records of schema 1, and
the stack program receiving the state in force as an input."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from journal import JournalApplier
from release_support import IMAGE

from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.engine import Engine, Services
from tricolor.rollout.errors import ConflictError, InvalidRequestError, LedgerError, LockedError
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.lock import Owner, actor_name, check_takeover, stale
from tricolor.rollout.program_state import as_release_state
from tricolor.rollout.record import SCHEMA, LedgerRecord, LockInfo, Status, upgrade
from tricolor.rollout.stores.base import LEDGER_ENV, StoreContext, ledger_location
from tricolor.rollout.stores.memory import MemoryStore
from tricolor.rollout.stores.registry import open_store
from tricolor.rollout.verbs import prepare, start
from tricolor.spec.canary import CanaryScale, HeaderRoute
from tricolor.spec.weights import Weights

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_1 = Path(__file__).with_name("ledger-schema1")


@pytest.fixture(params=["local", "s3", "memory"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "local":
        return str(tmp_path / "ledger")
    if request.param == "memory":
        return "memory://"
    request.getfixturevalue("aws_env")
    import boto3

    bucket = f"ledger-{uuid.uuid4().hex[:10]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    return f"s3://{bucket}/tricolor/ledger"


def test_compare_and_swap_and_objects(store_url):
    store = open_store(StoreContext(store_url))
    assert store.read("prod") is None and store.stacks() == []
    v1 = store.write("prod", b'{"a": 1}', None)
    with pytest.raises(ConflictError):
        store.write("prod", b'{"a": 2}', None)  # create, but it exists
    v2 = store.write("prod", b'{"a": 2}', v1)
    with pytest.raises(ConflictError):
        store.write("prod", b'{"a": 3}', v1)  # stale version
    assert store.read("prod") == (b'{"a": 2}', v2)
    store.put("history/prod/1-a.json", b"1")
    store.put("history/prod/2-b.json", b"2")
    store.put("offline/prod.json", b"o")
    assert store.keys("history/prod") == ["history/prod/1-a.json", "history/prod/2-b.json"]
    assert store.get("offline/prod.json") == b"o" and store.get("offline/none.json") is None
    assert store.stacks() == ["prod"]  # objects under folders are not stacks


@pytest.mark.parametrize("name", ["../x/prod", "../../etc/passwd", "a/b", "..", "", "x" * 101])
def test_stack_names_never_leave_the_ledger(tmp_path, name):
    """Finding 8: `--stack ../x/prod` read outside the ledger folder."""
    ledger = Ledger.open(str(tmp_path / "ledger"))
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "prod.json").write_text("{}")
    with pytest.raises(InvalidRequestError, match="--stack"):
        ledger.read(name)
    with pytest.raises(InvalidRequestError, match="--stack"):
        ledger.history(name)
    for key in ("../x/prod.json", "history/../../x.json", "/etc/x.json", "a//b.json"):
        with pytest.raises(InvalidRequestError, match="ledger key"):
            ledger.store.put(key, b"")


def test_concurrent_starts_exactly_one_wins(store_url, spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with())
    ledger = Ledger.open(store_url) if not store_url.startswith("memory") else Ledger(MemoryStore())
    barrier = threading.Barrier(4)
    outcomes: list[Any] = []

    def contender() -> None:
        engine = Engine(stack="prod", ledger=ledger if store_url.startswith("memory") else Ledger.open(store_url),
                        services=Services.of(JournalApplier(tmp_path / "j")), clock=VirtualClock(),
                        owner=Owner.here("contender"))
        barrier.wait()
        try:
            outcomes.append(start(engine, prepare(stack, IMAGE)))
        except (LockedError, InvalidRequestError) as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=contender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [o for o in outcomes if isinstance(o, LedgerRecord)]
    losers = [o for o in outcomes if isinstance(o, LockedError)]
    assert len(winners) == 1 and len(losers) == 3, outcomes
    assert "release in progress" in str(losers[0]) and "pid" in str(losers[0])
    stored = ledger.read("prod")
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
    results = [(p.wait(timeout=120), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _, _ in results)
    loser = next(err for code, _, err in results if code != 0)
    winner_rec = Ledger.open(str(ledger)).read("prod")
    assert codes[0] == 0 and codes[1] in (1, 4), results
    assert "release" in loser and ("in progress" in loser or "already has release" in loser)
    assert winner_rec is not None and winner_rec.weights == Weights(90, 10)
    assert winner_rec.images["green"] == "ghcr.io/acme/checkout:2.0.0" and winner_rec.lock is None


def test_lock_rules():
    host = socket.gethostname()
    me = Owner.here()
    now = time.time()
    alive = LockInfo(owner="other", host=host, pid=os.getpid(), acquired_at=now, heartbeat=0)
    assert not stale(alive, now=10_000, timeout=60, host=host)  # alive here: never
    dead_pid = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_pid.wait()
    dead = alive.model_copy(update={"pid": dead_pid.pid, "heartbeat": 9_999})
    assert stale(dead, now=10_000, timeout=60, host=host)  # gone on this host: at once
    remote = alive.model_copy(update={"host": "elsewhere", "heartbeat": 9_990})
    assert not stale(remote, now=10_000, timeout=60, host=host)  # other host: the timeout decides
    assert stale(remote, now=10_050, timeout=60, host=host)
    slow_beats = remote.model_copy(update={"every": 30.0})  # never before three of its owner's intervals
    assert not stale(slow_beats, now=10_050, timeout=60, host=host) and stale(slow_beats, 10_080, 60, host)
    with pytest.raises(LockedError, match="pid"):
        check_takeover(alive, me, 10_000, 60, "prod")
    check_takeover(dead, me, 10_000, 60, "prod")
    # a pid now held by a process started after the lock was taken: the owner is gone (a reused pid)
    reused = alive.model_copy(update={"acquired_at": now - 10 ** 7})
    assert stale(reused, now=10_000, timeout=60, host=host)


def test_the_actor_is_a_person_and_a_host(monkeypatch):
    """Finding 10: the actor was `user@host:pid:hex`."""
    assert actor_name({"GITHUB_ACTOR": "octocat", "USER": "runner"}) == "octocat"
    monkeypatch.setattr("tricolor.rollout.lock._git_user", lambda: None)
    assert actor_name({"USER": "alice"}) == "alice"
    monkeypatch.setattr("tricolor.rollout.lock._git_user", lambda: "Alice Doe")
    assert actor_name({"USER": "alice"}) == "Alice Doe"
    owner = Owner.here("alice")
    assert owner.actor == f"alice@{socket.gethostname()}" and owner.lock().actor == owner.actor


def test_corrupt_or_future_record_is_a_clear_error(tmp_path):
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "prod.json").write_text("{not json")
    with pytest.raises(LedgerError, match=r"prod\.json: not a valid ledger record"):
        Ledger.open(str(folder)).read("prod")
    (folder / "prod.json").write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(LedgerError, match="newer than this tricolor knows"):
        Ledger.open(str(folder)).read("prod")


@pytest.mark.parametrize("name", ["gate", "aborting", "succeeded"])
def test_records_of_schema_1_still_load(name):
    raw = (SCHEMA_1 / f"{name}.json").read_bytes()
    rec = LedgerRecord.from_json(raw, name)
    old = json.loads(raw)
    assert rec.schema_version == SCHEMA and rec.release_id == old["release_id"] and rec.status == old["status"]
    assert rec.revisions is None and rec.revision is None and rec.catalog == {}  # recorded no revisions
    assert rec.weights.as_dict() == old["weights"] and rec.settings.analysis.failure_limit == 0
    assert rec.settings.analysis.from_spec and rec.settings.rollback_window == 1800
    if name == "aborting":
        assert rec.target is not None and rec.target.weights == Weights(100, 0)
        assert rec.target.images["green"] == "ghcr.io/acme/checkout:1.5.0"
    assert LedgerRecord.from_json(rec.to_json(), name) == rec  # and round-trips in the new schema


@pytest.mark.parametrize("canary", [False, True])
def test_records_of_schema_2_load_with_or_without_header_routes_and_canary_scale(canary):
    """Schema 2 (before revisions) was written with and without the header routes and the
    canary scale (setHeaderRoute, setCanaryScale): both load as schema 3, recording no
    revisions, their routes and scale kept in the record, its target and the program's input."""
    # a schema-2 record: schema 1 upgraded (2 -> 3 adds fields, all defaulted)
    old = {**upgrade(json.loads((SCHEMA_1 / "aborting.json").read_bytes()), "aborting"), "schema_version": 2}
    assert "revisions" not in old and "header_routes" not in old
    route = HeaderRoute(name="beta", color="green", match=({"headerName": "X-Beta", "headerValue": {"exact": "on"}},))
    extras = {"header_routes": [route.model_dump(mode="json", by_alias=True)],
              "canary_scale": {"color": "green", "replicas": 2}} if canary else {}
    raw = {**old, **extras, "target": {**old["target"], **extras}}
    rec = LedgerRecord.from_json(json.dumps(raw).encode(), "schema-2")
    assert rec.schema_version == SCHEMA == 3 and rec.revisions is None and rec.catalog == {}
    assert rec.target is not None and rec.target.revisions is None
    assert rec.header_routes == rec.target.header_routes == ((route,) if canary else ())
    assert rec.canary_scale == rec.target.canary_scale == (CanaryScale(color="green", replicas=2) if canary else None)
    state = as_release_state(rec.in_force, rec.catalog)
    assert state.header_routes == rec.header_routes and state.canary_scale == rec.canary_scale
    assert state.revisions is None  # the program builds both colors from the spec
    assert LedgerRecord.from_json(rec.to_json(), "schema-3") == rec


def test_a_schema_1_abort_is_finished_by_this_version(tmp_path, spec_with, load_prod, harness):
    folder = tmp_path / "ledger"
    folder.mkdir()
    shutil.copy(SCHEMA_1 / "aborting.json", folder / "prod.json")
    h = harness(load_prod(spec_with()))
    rec = h.steer("abort").record  # the dead owner's lock is from another host, long silent
    assert rec.status == Status.ABORTED and rec.weights == Weights(100, 0)
    assert h.lines()[-1]["weights"] == {"blue": 100, "green": 0}


def test_history_keeps_every_release_and_list_every_stack(tmp_path, spec_with, load_prod, harness):
    h = harness(load_prod(spec_with()))
    ids = []
    for image in ("ghcr.io/acme/checkout:1.5.0", "ghcr.io/acme/checkout:1.6.0", "ghcr.io/acme/checkout:1.7.0"):
        h.start(image)
        ids.append(h.run().release_id)
    assert [r.release_id for r in h.ledger.history("prod")] == ids
    assert h.ledger.stacks() == ["prod"]


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
    record = LedgerRecord.from_json((SCHEMA_1 / "gate.json").read_bytes(), "gate")
    assert ledger.update("prod", lambda _: record) == record and calls["n"] == 2


def test_ledger_location_order(tmp_path, monkeypatch):
    monkeypatch.delenv(LEDGER_ENV, raising=False)
    assert ledger_location(None, None, tmp_path) == str(tmp_path / ".tricolor" / "ledger")
    assert ledger_location(None, "releases", tmp_path) == str(tmp_path / "releases")
    assert ledger_location(None, "s3://b/p", tmp_path) == "s3://b/p"
    monkeypatch.setenv(LEDGER_ENV, "/elsewhere")
    assert ledger_location(None, "s3://b/p", tmp_path) == "/elsewhere"  # the variable overrides (tests)
    assert ledger_location("/given", "s3://b/p", tmp_path) == "/given"  # --ledger wins
