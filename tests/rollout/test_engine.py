"""The engine end to end, in process: a real ledger folder, the journal applier, a
virtual clock (pauses take no wall time), the synthetic provider or local servers."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from journal import JournalApplier
from release_support import IMAGE

from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.errors import ApplyError, InvalidRequestError, LedgerError, LockedError, NoReleaseError
from tricolor.rollout.judges import get_judge
from tricolor.rollout.measure import measure
from tricolor.rollout.notifiers.base import NotifierContext
from tricolor.rollout.notifiers.slack import SlackWebhook
from tricolor.rollout.providers.base import Measurement, ProviderContext
from tricolor.rollout.providers.synthetic import SyntheticProvider
from tricolor.rollout.providers.webhook import WebhookProvider
from tricolor.rollout.record import Status
from tricolor.rollout.smoke import SmokeTester
from tricolor.spec.weights import Weights


def test_success_walks_every_step_and_returns_once_active(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with({"rollbackWindow": "30m"})))
    h.start()
    rec = h.run()
    assert rec.status == Status.SUCCEEDED and rec.lock is None and rec.active == "green"
    assert rec.weights == Weights(0, 100) and rec.images["green"] == IMAGE and rec.scaled_down is None
    assert [(e["scope"], e["weights"]["green"]) for e in h.lines()] == [
        ("full", 0), ("router", 20), ("router", 50), ("router", 100)]
    assert [v.verdict for v in rec.verdicts] == ["pass"]
    assert rec.verdicts[0].metrics[0]["canary_total"] > 100
    # the next command after the window completes it and scales the old color down
    h.engine.clock.sleep(31 * 60)  # type: ignore[attr-defined]
    done = h.steer("resume").record
    assert done.status == Status.COMPLETED and done.scaled_down == "blue"
    assert h.lines()[-1]["state"]["scaled_down"] == "blue"


def test_a_window_of_zero_scales_down_at_once(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with()))
    h.start()
    rec = h.run()
    assert rec.status == Status.COMPLETED and rec.scaled_down == "blue"
    assert [e["purpose"] for e in h.lines()][-1] == "scale-down"


def test_failed_analysis_aborts_to_zero_and_notifies(spec_with, load_prod, harness, http_server):
    hook = http_server(lambda *a: (200, {"ok": True}))
    stack = load_prod(spec_with(providerSettings={"rps": 200000, "seed": 3, "canaryErrorRate": 0.05}))
    h = harness(stack, notifier=SlackWebhook(NotifierContext(url=hook.url)))
    h.start()
    rec = h.run()
    assert rec.status == Status.ABORTED and rec.weights == Weights(100, 0)
    assert "worse than baseline" in (rec.reason or "")
    assert [e["weights"]["green"] for e in h.lines()] == [0, 20, 0]  # never above the 20 % in force
    texts = [s["body"]["text"] for s in hook.seen]
    assert any("failure" in t for t in texts) and any("aborted" in t for t in texts)
    verdict = next(e.detail for e in rec.events if e.kind == "verdict")
    assert verdict.startswith("analysis 1/") and ": fail (error-rate " in verdict and " vs " in verdict


@pytest.mark.parametrize("answer, limit_word", [
    ((503, {"status": "error"}), "error(s) in a row"),  # provider down
    ((200, {"baseline": None, "canary": None}), "inconclusive"),  # provider returns nothing
    ((200, {"baseline": {"total": 1000, "events": 1}, "canary": {"total": float("nan"), "events": 0}}),
     "inconclusive"),  # NaN
])
def test_provider_down_or_empty_aborts_and_never_promotes(spec_with, load_prod, harness, http_server,
                                                          answer, limit_word):
    server = http_server(lambda *a: answer)
    stack = load_prod(spec_with(provider="webhook", providerSettings={"url": server.url}))
    h = harness(stack)
    h.start()
    rec = h.run()
    assert rec.status == Status.ABORTED and limit_word in (rec.reason or "")
    assert max(e["weights"]["green"] for e in h.lines()) == 20 and rec.weights == Weights(100, 0)
    assert all(v.verdict != "pass" for v in rec.verdicts) and len(server.seen) >= 2


class Exploding:
    name = "exploding"

    def measure(self, metric: Any, window: Any) -> Measurement:
        raise ZeroDivisionError("a provider bug")


@pytest.mark.parametrize("limits", [{"max": math.nan}, {"max": math.inf}, {"tolerance": math.inf},
                                    {"min": -math.inf}])
def test_a_limit_that_is_not_finite_is_an_error_never_a_pass(spec_with, load_prod, harness, limits):
    """Finding 11: a NaN limit crashed the engine mid-release; an infinite one passed a
    canary ten times worse. The spec and the ledger record refuse such limits now; should
    one still reach a measurement (a record built in memory), it is an error, never a pass."""
    stack = load_prod(spec_with(providerSettings={"rps": 200000, "seed": 3, "canaryErrorRate": 0.1}))
    h = harness(stack)
    h.start()
    rec = h.engine.ledger.read("prod")
    metric = rec.settings.analysis.metrics[0].model_copy(update=limits)
    analysis = rec.settings.analysis.model_copy(update={"metrics": [metric]})
    rec = rec.model_copy(update={"settings": rec.settings.model_copy(update={"analysis": analysis})})
    provider = ProviderContext({"rps": 200000, "seed": 3, "canaryErrorRate": 0.1})
    entry = measure(rec, rec.started_at + 300, lambda: SyntheticProvider(provider),
                    lambda: get_judge("statistical", 200, 0.008, 10))
    assert entry.verdict == "error" and "not a finite number" in entry.reason
    with pytest.raises(LedgerError, match="finite"):  # and it can never be written into a ledger
        h.engine.ledger.update("prod", lambda r: r.model_copy(update={"settings": rec.settings}))
        h.engine.ledger.read("prod")


def test_a_provider_or_judge_that_raises_is_an_error_verdict(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with()), provider=Exploding())
    h.start()
    rec = h.run()
    assert rec.status == Status.ABORTED and "ZeroDivisionError: a provider bug" in rec.verdicts[0].reason
    assert rec.lock is None and rec.weights == Weights(100, 0)


def test_webhook_verdict_is_used(spec_with, load_prod, harness, http_server):
    server = http_server(lambda *a: (200, {"verdict": "pass", "reason": "external judge"}))
    stack = load_prod(spec_with(provider="webhook", providerSettings={"url": server.url}))
    h = harness(stack, provider=WebhookProvider(ProviderContext({"url": server.url})))
    h.start()
    assert h.run().status == Status.COMPLETED
    assert server.seen[0]["body"]["window"]["canary"] == "green"


def test_smoke_tests_use_the_header_route(spec_with, load_prod, harness, http_server):
    def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        return (200, {}) if headers.get("x-tricolor-color") == "green" else (404, {})

    server = http_server(answer)
    stack = load_prod(spec_with({"smokeTests": [{"path": "/healthz/ready", "expectStatus": 200, "timeout": "2s"}]}))
    h = harness(stack, smoke=SmokeTester(server.url, "x-tricolor-color"))
    h.start()
    assert h.run().status == Status.COMPLETED
    assert server.seen[0]["path"] == "/healthz/ready"


def test_failing_smoke_test_aborts_before_any_traffic(spec_with, load_prod, harness, http_server):
    server = http_server(lambda *a: (500, {}))
    stack = load_prod(spec_with({"smokeTests": [{"path": "/healthz/ready", "expectStatus": 200}]}))
    h = harness(stack, smoke=SmokeTester(server.url))
    h.start()
    rec = h.run()
    assert rec.status == Status.ABORTED and "smoke tests failed" in (rec.reason or "")
    assert all(e["weights"]["green"] == 0 for e in h.lines())


def test_pause_until_promoted_then_promote(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with({"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}]})))
    h.start()
    rec = h.run(person=True)
    assert rec.status == Status.RUNNING and rec.lock is None and rec.weights.green == 10
    rec = h.steer("promote", reason="looks good").record
    assert rec.status == Status.COMPLETED and rec.weights == Weights(0, 100)
    assert any(e.kind == "step" and "promoted by" in e.detail and "(looks good)" in e.detail for e in rec.events)


def test_manual_pause_resume_and_abort(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with({"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}]})))
    h.start()
    h.run(person=True)  # at the manual gate: lets the lock go
    paused = h.steer("pause", reason="db migration").record
    assert paused.status == Status.PAUSED and paused.paused_by == h.engine.owner.actor and paused.lock is None
    with pytest.raises(InvalidRequestError, match="use abort"):
        h.steer("rollback")
    rec = h.steer("abort", reason="bad feeling").record
    assert rec.status == Status.ABORTED and rec.reason == "bad feeling" and rec.weights.green == 0
    assert "bad feeling" in rec.events[-1].detail


def test_rollback_inside_the_window(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with({"rollbackWindow": "30m"})))
    h.start()
    assert h.run().status == Status.SUCCEEDED
    rec = h.steer("rollback", reason="latency alarm").record
    assert rec.status == Status.ROLLED_BACK and rec.weights == Weights(100, 0) and rec.reason == "latency alarm"
    assert rec.images["green"] == IMAGE and rec.scaled_down is None
    assert h.lines()[-1]["weights"] == {"blue": 100, "green": 0}


def test_bad_requests_change_nothing(spec_with, load_prod, harness, tmp_path):
    h = harness(load_prod(spec_with()))
    with pytest.raises(NoReleaseError, match="no release on stack 'prod': nothing to promote"):
        h.steer("promote")
    with pytest.raises(InvalidRequestError, match="not a valid image reference"):
        h.start("Not An Image!")
    assert h.ledger.read("prod") is None and not (tmp_path / "journal.jsonl").exists()
    h.start()
    before = (tmp_path / "ledger" / "prod.json").read_bytes()
    with pytest.raises(InvalidRequestError, match="rollback applies to a release that succeeded"):
        h.steer("rollback")
    assert (tmp_path / "ledger" / "prod.json").read_bytes() == before
    h.run()
    with pytest.raises(NoReleaseError, match="completed"):
        h.steer("promote")
    assert json.loads((tmp_path / "ledger" / "prod.json").read_text())["status"] == "completed"


def test_second_release_starts_from_the_ledger_and_history_keeps_both(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with()))
    h.start()
    first = h.run()
    h.start("ghcr.io/acme/checkout:1.6.0")
    rec = h.run()
    assert rec.active == "blue" and rec.weights == Weights(100, 0) and rec.scaled_down == "green"
    # after its rollback window the old color is brought to the new revision (image
    # included) as it is scaled down
    assert rec.images == {"blue": "ghcr.io/acme/checkout:1.6.0", "green": "ghcr.io/acme/checkout:1.6.0"}
    assert rec.revisions == {"blue": rec.revision, "green": rec.revision} and rec.shared == rec.revision
    assert first.revisions == {"blue": first.revision, "green": first.revision} != rec.revisions
    assert [r.release_id for r in h.ledger.history("prod")] == [first.release_id, rec.release_id]


class FailingRouter(JournalApplier):
    """A journal applier whose router updates fail (as a `pulumi up` can)."""

    def apply(self, change: Any) -> Any:
        if change.scope == "router" and change.target.weights.green > 0:
            raise ApplyError("pulumi up failed: the gateway rejected the route")
        return super().apply(change)


def test_a_failed_apply_aborts_the_release(spec_with, load_prod, harness, tmp_path):
    h = harness(load_prod(spec_with()), applier=FailingRouter(tmp_path / "journal.jsonl"))
    h.start()
    rec = h.run()
    assert rec.status == Status.ABORTED and "gateway rejected" in (rec.reason or "")
    assert rec.weights == Weights(100, 0)
    assert any(e.kind == "apply-failed" and "step 2" in e.detail for e in rec.events)


def test_a_failed_abort_apply_keeps_its_target_and_the_next_abort_finishes_it(spec_with, load_prod, harness,
                                                                               tmp_path):
    """Finding 5: a failed abort left a pending request and wedged the release."""
    stack = load_prod(spec_with({"steps": [{"setWeight": 30}, {"pause": {}}, {"setWeight": 100}]}))
    h = harness(stack)
    h.start()
    h.run(person=True)
    h.engine.services.applier = type(h.engine.services.applier).of(
        JournalApplier(tmp_path / "journal.jsonl", fail=["abort"]))
    with pytest.raises(ApplyError, match="run `tricolor release abort` again"):
        h.steer("abort", reason="alarm")
    rec = h.ledger.read("prod")
    assert rec.status == Status.ABORTING and rec.step_state == "applying" and rec.lock is None
    assert rec.target is not None and rec.target.weights == Weights(100, 0) and rec.request is None
    h.engine.services.applier = type(h.engine.services.applier).of(h.journal)
    done = h.steer("abort").record
    assert done.status == Status.ABORTED and done.weights == Weights(100, 0)
    assert h.lines()[-1]["weights"] == {"blue": 100, "green": 0}


def test_an_applier_that_cannot_work_stops_the_start(spec_with, load_prod, harness, tmp_path):
    import shutil

    from tricolor.rollout.appliers.base import ApplierContext
    from tricolor.rollout.appliers.pulumi import PulumiApplier

    if shutil.which("pulumi"):
        pytest.skip("a Pulumi CLI is installed here")
    applier = PulumiApplier(ApplierContext(stack="prod", project=tmp_path, ledger=str(tmp_path / "ledger")))
    with pytest.raises(ApplyError, match="pulumi: cannot select stack 'prod'"):
        applier.preflight()


def test_an_engine_without_the_lock_does_not_drive(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with({"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}]})))
    h.start()
    h.run(person=True)  # waits for promotion: lets the lock go
    with pytest.raises(LockedError, match="does not hold the release lock"):
        h.run()


def test_a_dry_run_gate_is_promoted_after_the_stated_wait(spec_with, load_prod, harness):
    h = harness(load_prod(spec_with({"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}]})),
                gate_wait=600.0, clock=VirtualClock())
    start = h.start().started_at
    rec = h.run()
    assert rec.status == Status.COMPLETED
    simulated = [e for e in rec.events if e.kind == "simulated"]
    assert len(simulated) == 1 and "promoted after 600s" in simulated[0].detail
    assert rec.finished_at is not None and rec.finished_at - start >= 600
