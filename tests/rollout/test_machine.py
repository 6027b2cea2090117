"""The state machine: every transition, and a property test over random sequences of
events and failures."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tricolor.rollout import machine
from tricolor.rollout.errors import InvalidRequestError
from tricolor.rollout.plan import build_plan
from tricolor.rollout.record import LedgerRecord, Request, VerdictEntry
from tricolor.spec import Release, Weights

SETTINGS = {"interval": 60.0, "failure_limit": 0, "inconclusive_limit": 2, "consecutive_error_limit": 2,
            "consecutive_success_limit": 1, "rollback_window": 600.0, "scale_down_idle": True}
RELEASE = Release.model_validate({
    "steps": [{"setWeight": 10}, {"pause": "5m"}, {"analysis": {}}, {"setWeight": 40}, {"pause": {}},
              {"setWeight": 100}],
    "smokeTests": [{"path": "/health"}],
    "analysis": {"metrics": [{"name": "error-rate", "max": 0.01}]},
})


def fresh(now: float = 0.0) -> LedgerRecord:
    return machine.new_record(stack="prod", release_id="r1", image="repo/app:v2", plan=build_plan(RELEASE),
                              weights=Weights(100, 0), images={"blue": "repo/app:v1", "green": "repo/app:v1"},
                              settings=SETTINGS, now=now, lock=None)


def apply(rec: LedgerRecord, now: float) -> LedgerRecord:
    return machine.end_apply(machine.begin_apply(rec, now), now)


def verdict(rec: LedgerRecord, v: str, now: float) -> LedgerRecord:
    return machine.measurement(rec, now, VerdictEntry(at=now, step=rec.step_index, verdict=v, reason=v))  # type: ignore[arg-type]


def test_plan_of_presets():
    for preset, weights in {"all-at-once": [100], "canary-10-5m": [10, 100],
                            "linear-10-every-1m": list(range(10, 101, 10))}.items():
        rel = Release.model_validate({"preset": preset, "analysis": {"metrics": [{"name": "e"}]}})
        plan = build_plan(rel)
        assert [s.weight for s in plan if s.action == "setWeight"] == weights
        assert plan[0].action == "deploy" and plan[-1].action == "finish"
    bg = build_plan(Release.model_validate({"preset": "blue-green", "smokeTests": [{"path": "/"}]}))
    assert [s.action for s in bg] == ["deploy", "smoke", "setWeight", "finish"]


def test_happy_path_transitions():
    rec = fresh()
    assert rec.canary == "green" and rec.stable == "blue"
    assert machine.next_action(rec, 0).kind == "apply" and machine.next_action(rec, 0).scope == "full"
    begun = machine.begin_apply(rec, 0)
    assert begun.step_state == "applying" and begun.target_images == {"blue": "repo/app:v1", "green": "repo/app:v2"}
    rec = machine.end_apply(begun, 0)
    assert rec.images["green"] == "repo/app:v2" and rec.step_index == 1
    assert machine.next_action(rec, 0).kind == "smoke"
    rec = machine.smoke_result(rec, 0, True, "ok")
    assert machine.next_action(rec, 0).scope == "router"
    rec = apply(rec, 1)
    assert rec.weights == {"blue": 90, "green": 10} and rec.weight_since == 1
    wait = machine.next_action(rec, 2)
    assert wait.kind == "wait" and wait.until == 301
    assert machine.next_action(rec, 301).kind == "advance"
    rec = machine.advance(rec, 301)
    assert machine.next_action(rec, 301).kind == "measure"
    rec = verdict(rec, "inconclusive", 301)
    assert machine.next_action(rec, 302) == machine.Next("wait", 361, reason="next measurement")
    rec = verdict(rec, "pass", 361)
    rec = apply(rec, 362)
    assert rec.weights == {"blue": 60, "green": 40}
    assert machine.next_action(rec, 10_000) == machine.Next("wait", None, reason="pause until promoted")
    rec = machine.promote(rec, 400, "me")
    rec = apply(rec, 401)
    assert machine.next_action(rec, 401).kind == "finish"
    rec = machine.finish(rec, 402)
    assert rec.status == "succeeded" and rec.stable == "green" and rec.canary == "blue"
    assert machine.next_action(rec, 500).kind == "wait"
    assert machine.next_action(rec, 1002).scope == "full"
    rec = apply(rec, 1002)
    assert rec.status == "completed" and rec.scaled_down == "blue" and rec.terminal
    assert machine.next_action(rec, 2000).kind == "stop"


@pytest.mark.parametrize("verdicts, reason", [
    (["fail"], "analysis failed"),
    (["error", "error"], "error(s) in a row"),
    (["inconclusive"] * 3, "inconclusive"),
])
def test_analysis_limits_abort(verdicts, reason):
    rec = machine.advance(apply(machine.smoke_result(apply(fresh(), 0), 0, True, ""), 0), 400)
    for v in verdicts:
        rec = verdict(rec, v, 400)
    assert rec.status == "aborting" and reason in (rec.reason or "")
    target, _, _ = machine.target_of(rec)
    assert target == Weights(100, 0)
    rec = apply(rec, 401)
    assert rec.status == "aborted" and rec.weights == {"blue": 100, "green": 0} and rec.lock is None


def test_errors_between_passes_reset():
    rec = machine.advance(apply(machine.smoke_result(apply(fresh(), 0), 0, True, ""), 0), 400)
    for v in ["error", "inconclusive", "error", "inconclusive"]:
        rec = verdict(rec, v, 400)
    assert rec.status == "running"


def test_requests():
    rec = fresh()
    rec = machine.handle_request(machine.add_request(rec, Request(action="pause", by="a", at=0)), 0)
    assert rec.status == "paused" and machine.next_action(rec, 0).kind == "wait"
    rec = machine.handle_request(machine.add_request(rec, Request(action="resume", by="a", at=0)), 0)
    assert rec.status == "running"
    rec = machine.handle_request(machine.add_request(rec, Request(action="rollback", by="a", at=0)), 0)
    assert rec.status == "running" and rec.events[-1].kind == "ignored"
    rec = machine.handle_request(machine.add_request(rec, Request(action="abort", by="a", at=0)), 0)
    assert rec.status == "aborting"
    rec = apply(rec, 1)
    with pytest.raises(InvalidRequestError):
        machine.add_request(rec, Request(action="resume", by="a", at=0))


def test_rollback_only_inside_the_window():
    rec = fresh()
    with pytest.raises(InvalidRequestError):
        machine.rollback(rec, 0, "x")
    done = machine.finish(machine._with(rec, weights={"blue": 0, "green": 100}), 10)
    with pytest.raises(InvalidRequestError):
        machine.rollback(done, 10 + 601, "late")
    back = apply(machine.rollback(done, 20, "alarm"), 21)
    assert back.status == "rolled-back" and back.weights == {"blue": 100, "green": 0}


def test_invalid_weights_cannot_be_recorded():
    rec = fresh()
    for bad in ({"blue": 95, "green": 10}, {"blue": 101, "green": -1}, {"blue": 50.5, "green": 49.5}):
        with pytest.raises(ValueError):
            machine._with(rec, weights=bad)
    with pytest.raises(InvalidRequestError, match="split"):
        machine.new_record(stack="prod", release_id="r", image="a/b:1", plan=[], weights=Weights(50, 50),
                           images={"blue": "a/b:0", "green": "a/b:0"}, settings={}, now=0, lock=None)


EVENTS = st.sampled_from(["tick", "apply", "crash-mid-apply", "smoke-ok", "smoke-fail", "pass", "fail",
                          "inconclusive", "error", "pause", "resume", "promote", "abort", "rollback"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(EVENTS, st.integers(0, 400)), min_size=1, max_size=60))
def test_random_sequences_keep_the_invariants(events: list[tuple[str, int]]):
    rec, now = fresh(), 0.0
    finished: LedgerRecord | None = None
    for event, dt in events:
        now += dt
        before = rec
        rec = step(rec, event, now)
        for r in (rec, before):
            w = Weights.from_mapping(r.weights)  # valid integers adding up to 100
            assert w.blue + w.green == 100
            if r.target is not None:
                Weights.from_mapping(r.target)
        if before.status == "aborting" or rec.status == "aborting":
            assert machine.canary_weight(rec) <= machine.canary_weight(before) or before.status != "aborting"
            if before.status == "aborting" and rec.status in ("aborting", "aborted"):
                assert rec.weights[before.canary] <= before.weights[before.canary]
        if rec.status == "aborted":
            assert rec.weights[rec.canary] == 0
        if finished is not None:
            assert rec == finished  # a finished release never moves again
        if rec.terminal:
            finished = rec


def step(rec: LedgerRecord, event: str, now: float) -> LedgerRecord:
    """Feed one event the way the engine would (ignoring those that do not fit)."""
    if rec.terminal:
        try:
            return machine.handle_request(machine.add_request(rec, Request(action="resume", by="x", at=now)), now)
        except InvalidRequestError:
            return rec
    if event in ("pause", "resume", "promote", "abort", "rollback"):
        return machine.handle_request(machine.add_request(rec, Request(action=event, by="x", at=now)), now)  # type: ignore[arg-type]
    action = machine.next_action(rec, now)
    kind: Any = action.kind
    if kind == "request":
        return machine.handle_request(rec, now)
    if kind == "apply" and event in ("apply", "tick"):
        return apply(rec, now)
    if kind == "apply" and event == "crash-mid-apply":
        return machine.begin_apply(rec, now)  # resumed later by another "apply"
    if kind == "smoke" and event in ("smoke-ok", "smoke-fail"):
        return machine.smoke_result(rec, now, event == "smoke-ok", event)
    if kind == "measure" and event in ("pass", "fail", "inconclusive", "error"):
        return verdict(rec, event, now)
    if kind == "advance":
        return machine.advance(rec, now)
    if kind == "finish":
        return machine.finish(rec, now)
    if kind == "close":
        return machine.window_over(rec, now)
    return rec
