"""The engine end to end, in process: a real ledger folder, the journal applier, a
virtual clock (pauses take no wall time), the synthetic provider or local servers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tricolor.rollout import Engine, Ledger, VirtualClock, get_judge, get_provider, request
from tricolor.rollout.errors import InvalidRequestError, NoReleaseError
from tricolor.rollout.journal import JournalApplier
from tricolor.rollout.notify import SlackWebhook
from tricolor.rollout.smoke import SmokeTester

IMAGE = "ghcr.io/acme/checkout:1.5.0"


def make_engine(stack: Any, tmp_path: Path, provider: Any = None, **kw: Any) -> Engine:
    analysis = stack.spec.release.analysis
    return Engine(stack=stack, ledger=Ledger.open(str(tmp_path / "ledger")),
                  applier=JournalApplier(tmp_path / "journal.jsonl"),
                  provider=provider or get_provider(analysis.provider, analysis.provider_settings),
                  judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks),
                  clock=kw.pop("clock", VirtualClock()), poll=0.5, **kw)


def journal(tmp_path: Path) -> list[dict[str, Any]]:
    return JournalApplier(tmp_path / "journal.jsonl").entries()


def test_success_walks_every_step_and_scales_down(spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with())
    engine = make_engine(stack, tmp_path)
    engine.start(IMAGE)
    rec = engine.run()
    assert rec.status == "completed" and rec.lock is None
    assert rec.weights == {"blue": 0, "green": 100} and rec.images["green"] == IMAGE
    assert rec.scaled_down == "blue"
    lines = journal(tmp_path)
    assert [(e["scope"], e["weights"]["green"]) for e in lines] == [
        ("full", 0), ("router", 20), ("router", 50), ("router", 100), ("full", 100)]
    assert lines[-1]["scaled_down"] == "blue"
    assert [v.verdict for v in rec.verdicts] == ["pass"]
    assert rec.verdicts[0].metrics[0]["canary_total"] > 100


def test_failed_analysis_aborts_to_zero_and_notifies(spec_with, load_prod, tmp_path, http_server):
    hook = http_server(lambda *a: (200, {"ok": True}))
    stack = load_prod(spec_with(providerSettings={"rps": 200000, "seed": 3, "canaryErrorRate": 0.05}))
    engine = make_engine(stack, tmp_path, notifier=SlackWebhook(hook.url))
    engine.start(IMAGE)
    rec = engine.run()
    assert rec.status == "aborted"
    assert rec.weights == {"blue": 100, "green": 0}
    assert "worse than baseline" in (rec.reason or "")
    greens = [e["weights"]["green"] for e in journal(tmp_path)]
    assert greens == [0, 20, 0]  # never above the 20 % in force when it failed
    texts = [s["body"]["text"] for s in hook.seen]
    assert any("failure" in t for t in texts) and any("aborted" in t for t in texts)
    assert all("attachments" in s["body"] for s in hook.seen)


@pytest.mark.parametrize("answer, limit_word", [
    ((503, {"status": "error"}), "error(s) in a row"),  # provider down
    ((200, {"baseline": None, "canary": None}), "inconclusive"),  # provider returns nothing
    ((200, {"baseline": {"total": 1000, "events": 1}, "canary": {"total": float("nan"), "events": 0}}),
     "inconclusive"),  # NaN
])
def test_provider_down_or_empty_aborts_and_never_promotes(spec_with, load_prod, tmp_path, http_server,
                                                          answer, limit_word):
    server = http_server(lambda *a: answer)
    stack = load_prod(spec_with(provider="webhook", providerSettings={"url": server.url}))
    engine = make_engine(stack, tmp_path)
    engine.start(IMAGE)
    rec = engine.run()
    assert rec.status == "aborted" and limit_word in (rec.reason or "")
    assert max(e["weights"]["green"] for e in journal(tmp_path)) == 20
    assert rec.weights == {"blue": 100, "green": 0}
    assert all(v.verdict != "pass" for v in rec.verdicts) and len(server.seen) >= 2


def test_webhook_verdict_is_used(spec_with, load_prod, tmp_path, http_server):
    server = http_server(lambda *a: (200, {"verdict": "pass", "reason": "external judge"}))
    stack = load_prod(spec_with(provider="webhook", providerSettings={"url": server.url}))
    engine = make_engine(stack, tmp_path)
    engine.start(IMAGE)
    assert engine.run().status == "completed"
    assert server.seen[0]["body"]["window"]["canary"] == "green"


def test_smoke_tests_use_the_header_route(spec_with, load_prod, tmp_path, http_server):
    def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        return (200, {}) if headers.get("x-tricolor-color") == "green" else (404, {})

    server = http_server(answer)
    checks = [{"path": "/healthz/ready", "expectStatus": 200, "timeout": "2s"}]
    stack = load_prod(spec_with({"smokeTests": checks}))
    engine = make_engine(stack, tmp_path, smoke=SmokeTester(server.url, "x-tricolor-color"))
    engine.start(IMAGE)
    assert engine.run().status == "completed"
    assert server.seen[0]["path"] == "/healthz/ready"


def test_failing_smoke_test_aborts_before_any_traffic(spec_with, load_prod, tmp_path, http_server):
    server = http_server(lambda *a: (500, {}))
    checks = [{"path": "/healthz/ready", "expectStatus": 200}]
    stack = load_prod(spec_with({"smokeTests": checks}))
    engine = make_engine(stack, tmp_path, smoke=SmokeTester(server.url))
    engine.start(IMAGE)
    rec = engine.run()
    assert rec.status == "aborted" and "smoke tests failed" in (rec.reason or "")
    assert all(e["weights"]["green"] == 0 for e in journal(tmp_path))


def test_pause_until_promoted_then_promote(spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with({"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}]}))
    clock = VirtualClock()
    engine = make_engine(stack, tmp_path, clock=clock, exit_when_waiting=True)
    engine.start(IMAGE)
    rec = engine.run()
    assert rec.status == "running" and rec.lock is None and rec.weights["green"] == 10
    request(engine.ledger, "prod", "promote", "tester", clock.now())
    engine.exit_when_waiting = False
    engine.acquire()
    rec = engine.run()
    assert rec.status == "completed" and rec.weights == {"blue": 0, "green": 100}
    assert any(e.kind == "step" and "promoted by tester" in e.detail for e in rec.events)


def test_manual_pause_resume_and_abort(spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with({"steps": [{"setWeight": 10}, {"pause": "1h"}, {"setWeight": 100}]}))
    clock = VirtualClock()
    engine = make_engine(stack, tmp_path, clock=clock, exit_when_waiting=True)
    engine.start(IMAGE)
    request(engine.ledger, "prod", "pause", "ops", clock.now())
    rec = engine.run()  # handles the pause, then waits for a person: exits
    assert rec.status == "paused" and rec.paused_by == "ops"
    with pytest.raises(InvalidRequestError):
        request(engine.ledger, "prod", "rollback", "ops", clock.now())
    request(engine.ledger, "prod", "resume", "ops", clock.now())
    request_rec = request(engine.ledger, "prod", "abort", "ops", clock.now(), "bad feeling")
    assert request_rec.request is not None and request_rec.request.action == "abort"  # the last one wins
    engine.acquire()
    rec = engine.run()
    assert rec.status == "aborted" and rec.reason == "bad feeling" and rec.weights["green"] == 0


def test_rollback_inside_the_window(spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with({"rollbackWindow": "30m"}))
    clock = VirtualClock()
    engine = make_engine(stack, tmp_path, clock=clock, exit_when_waiting=True)
    engine.start(IMAGE)
    # Drive until the flip; the engine then waits out the window: leave a rollback request.
    original_sleep = clock.sleep

    def sleep(seconds: float) -> None:
        rec = engine.ledger.read("prod")
        if rec is not None and rec.status == "succeeded" and rec.request is None:
            request(engine.ledger, "prod", "rollback", "oncall", clock.now(), "latency alarm")
        original_sleep(seconds)

    clock.sleep = sleep  # type: ignore[method-assign]
    rec = engine.run()
    assert rec.status == "rolled-back" and rec.weights == {"blue": 100, "green": 0}
    assert rec.images["green"] == IMAGE and rec.scaled_down is None
    assert journal(tmp_path)[-1]["weights"] == {"blue": 100, "green": 0}


def test_bad_requests_change_nothing(spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with())
    engine = make_engine(stack, tmp_path)
    with pytest.raises(NoReleaseError, match="no release on stack 'prod'"):
        request(engine.ledger, "prod", "promote", "me", 0.0)
    with pytest.raises(InvalidRequestError, match="not a valid image reference"):
        engine.start("Not An Image!")
    assert engine.ledger.read("prod") is None and not (tmp_path / "journal.jsonl").exists()
    engine.start(IMAGE)
    before = (tmp_path / "ledger" / "prod.json").read_bytes()
    with pytest.raises(InvalidRequestError, match="rollback applies to a release that succeeded"):
        request(engine.ledger, "prod", "rollback", "me", 0.0)
    assert (tmp_path / "ledger" / "prod.json").read_bytes() == before
    engine.run()
    with pytest.raises(NoReleaseError, match="completed"):
        request(engine.ledger, "prod", "promote", "me", 0.0)
    record = json.loads((tmp_path / "ledger" / "prod.json").read_text())
    assert record["status"] == "completed"


def test_second_release_starts_from_the_ledger(spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with())
    engine = make_engine(stack, tmp_path)
    engine.start(IMAGE)
    engine.run()
    engine.start("ghcr.io/acme/checkout:1.6.0")
    rec = engine.run()
    assert rec.canary == "blue" or rec.stable == "blue"
    assert rec.weights == {"blue": 100, "green": 0}
    assert rec.images == {"blue": "ghcr.io/acme/checkout:1.6.0", "green": IMAGE}


class FailingRouter(JournalApplier):
    """A journal applier whose router updates fail (as a `pulumi up` can)."""

    def apply(self, change: Any) -> Any:
        from tricolor.rollout.errors import ApplyError

        if change.scope == "router" and change.weights.green > 0:
            raise ApplyError("pulumi up failed: the gateway rejected the route")
        return super().apply(change)


def test_a_failed_apply_aborts_the_release(spec_with, load_prod, tmp_path):
    stack = load_prod(spec_with())
    engine = make_engine(stack, tmp_path)
    engine.applier = FailingRouter(tmp_path / "journal.jsonl")
    engine.start(IMAGE)
    rec = engine.run()
    assert rec.status == "aborted" and "gateway rejected" in (rec.reason or "")
    assert rec.weights == {"blue": 100, "green": 0}
    assert any(e.kind == "apply-failed" and "'green': 20" in e.detail for e in rec.events)


def test_an_applier_that_cannot_work_stops_the_start(spec_with, load_prod, tmp_path):
    import shutil

    from tricolor.rollout.errors import ApplyError
    from tricolor.rollout.pulumi_applier import PulumiApplier

    if shutil.which("pulumi"):
        pytest.skip("a Pulumi CLI is installed here")
    stack = load_prod(spec_with())
    engine = make_engine(stack, tmp_path)
    engine.applier = PulumiApplier("prod", ledger=str(tmp_path / "ledger"))
    with pytest.raises(ApplyError, match="pulumi: cannot select stack 'prod'"):
        engine.start(IMAGE)
    assert engine.ledger.read("prod") is None


def test_an_engine_without_the_lock_does_not_drive(spec_with, load_prod, tmp_path):
    from tricolor.rollout.errors import LockedError

    stack = load_prod(spec_with({"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}]}))
    engine = make_engine(stack, tmp_path, exit_when_waiting=True)
    engine.start(IMAGE)
    engine.run()  # waits for promotion: lets the lock go
    with pytest.raises(LockedError, match="does not hold the release lock"):
        engine.run()
