"""The state machine: every transition, typed state, and a property test over random
sequences of events and failures."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tricolor.rollout import machine, steering
from tricolor.rollout.errors import InvalidRequestError
from tricolor.rollout.machine import Act
from tricolor.rollout.plan import build_plan
from tricolor.rollout.record import InForce, LedgerRecord, Request, RequestAction, Status, StepState, VerdictEntry
from tricolor.rollout.settings import AnalysisSettings, ReleaseSettings
from tricolor.spec.release import Release
from tricolor.spec.revision import Revision
from tricolor.spec.weights import Weights

SETTINGS = ReleaseSettings(analysis=AnalysisSettings(interval=60.0, failure_limit=0, inconclusive_limit=2,
                                                     consecutive_error_limit=2, consecutive_success_limit=1),
                           rollback_window=600.0, scale_down_idle=True)
RELEASE = Release.model_validate({
    "steps": [{"setWeight": 10}, {"pause": "5m"}, {"analysis": {}}, {"setWeight": 40}, {"pause": {}},
              {"setWeight": 100}],
    "smokeTests": [{"path": "/health"}],
    "analysis": {"metrics": [{"name": "error-rate", "max": 0.01}]},
})
V1 = {"blue": "repo/app:v1", "green": "repo/app:v1"}


def fresh(now: float = 0.0) -> LedgerRecord:
    return machine.new_record(stack="prod", release_id="r1", image="repo/app:v2", plan=build_plan(RELEASE),
                              state=InForce(weights=Weights(100, 0), images=V1), settings=SETTINGS, now=now,
                              lock=None)


def apply(rec: LedgerRecord, now: float) -> LedgerRecord:
    return machine.end_apply(machine.begin_apply(rec, now), now)


def verdict(rec: LedgerRecord, v: str, now: float) -> LedgerRecord:
    entry = VerdictEntry(at=now, step=rec.step_index, verdict=v, reason=v)  # type: ignore[arg-type]
    return machine.measurement(rec, now, entry, f"analysis: {v}")


def ask(rec: LedgerRecord, action: str, now: float, **kw: Any) -> LedgerRecord:
    request = Request(action=RequestAction(action), by="x@host", at=now, **kw)
    return steering.handle_request(steering.add_request(rec, request), now)


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
    assert machine.next_action(rec, 0).kind == Act.APPLY
    begun = machine.begin_apply(rec, 0)
    assert begun.step_state == StepState.APPLYING and begun.target is not None
    assert begun.target.images == {"blue": "repo/app:v1", "green": "repo/app:v2"}
    assert begun.events[-1].detail == "step 1/9 deploy repo/app:v2 to green (blue 100 %, green 0 %)"
    rec = machine.end_apply(begun, 0)
    assert rec.images["green"] == "repo/app:v2" and rec.step_index == 1
    assert machine.next_action(rec, 0).kind == Act.SMOKE
    rec = machine.smoke_result(rec, 0, True, "ok")
    rec = machine.begin_apply(rec, 1)
    assert rec.events[-1].detail == "step 3/9 set weight: blue 90 %, green 10 %"
    rec = machine.end_apply(rec, 1)
    assert rec.weights == Weights(90, 10) and rec.weight_since == 1
    wait = machine.next_action(rec, 2)
    assert wait.kind == Act.WAIT and wait.until == 301
    assert machine.next_action(rec, 301).kind == Act.ADVANCE
    rec = machine.advance(rec, 301)
    assert machine.next_action(rec, 301).kind == Act.MEASURE
    rec = verdict(rec, "inconclusive", 301)
    assert machine.next_action(rec, 302) == machine.Next(Act.WAIT, 361, reason="next measurement")
    rec = verdict(rec, "pass", 361)
    rec = apply(rec, 362)
    assert rec.weights == Weights(60, 40)
    assert machine.next_action(rec, 10_000).for_a_person
    rec = ask(rec, "promote", 400)
    rec = apply(rec, 401)
    assert machine.next_action(rec, 401).kind == Act.FINISH
    rec = machine.finish(rec, 402)
    assert rec.status == Status.SUCCEEDED and rec.stable == "green" and rec.canary == "blue" and rec.active == "green"
    assert machine.next_action(rec, 500).rollback_window
    assert machine.next_action(rec, 1003).kind == Act.APPLY
    rec = apply(rec, 1003)
    assert rec.status == Status.COMPLETED and rec.scaled_down == "blue" and rec.terminal
    assert machine.next_action(rec, 2000).kind == Act.STOP


@pytest.mark.parametrize("verdicts, reason", [
    (["fail"], "analysis failed"),
    (["error", "error"], "error(s) in a row"),
    (["inconclusive"] * 3, "inconclusive"),
])
def test_analysis_limits_abort(verdicts, reason):
    rec = machine.advance(apply(machine.smoke_result(apply(fresh(), 0), 0, True, ""), 0), 400)
    for v in verdicts:
        rec = verdict(rec, v, 400)
    assert rec.status == Status.ABORTING and reason in (rec.reason or "")
    assert machine.target_of(rec).weights == Weights(100, 0)
    rec = apply(rec, 401)
    assert rec.status == Status.ABORTED and rec.weights == Weights(100, 0) and rec.lock is None


def test_errors_between_passes_reset():
    rec = machine.advance(apply(machine.smoke_result(apply(fresh(), 0), 0, True, ""), 0), 400)
    for v in ["error", "inconclusive", "error", "inconclusive"]:
        rec = verdict(rec, v, 400)
    assert rec.status == Status.RUNNING


def test_requests_keep_who_and_why():
    rec = ask(fresh(), "pause", 0, reason="db maintenance")
    assert rec.status == Status.PAUSED and rec.paused_by == "x@host"
    assert rec.events[-1].detail == "paused by x@host (db maintenance)" and rec.events[-1].by == "x@host"
    assert machine.next_action(rec, 0).for_a_person
    rec = ask(rec, "resume", 0, reason="done")
    assert rec.status == Status.RUNNING and "(done)" in rec.events[-1].detail
    rec = ask(rec, "rollback", 0)
    assert rec.status == Status.RUNNING and rec.events[-1].kind == "ignored"
    rec = ask(rec, "abort", 0, reason="bad feeling")
    assert rec.status == Status.ABORTING and rec.reason == "bad feeling"
    rec = apply(rec, 1)
    with pytest.raises(InvalidRequestError):
        steering.add_request(rec, Request(action=RequestAction.RESUME, by="a", at=0))


def test_an_interrupted_apply_is_finished_before_any_request():
    rec = machine.begin_apply(machine.smoke_result(apply(fresh(), 0), 0, True, ""), 1)  # 10 % in flight
    rec = steering.add_request(rec, Request(action=RequestAction.ABORT, by="x", at=2))
    assert machine.next_action(rec, 2).kind == Act.APPLY  # the weights stay known
    rec = machine.end_apply(rec, 2)
    assert machine.next_action(rec, 2).kind == Act.REQUEST
    rec = apply(steering.handle_request(rec, 3), 3)
    assert rec.status == Status.ABORTED and rec.weights == Weights(100, 0)


def test_promote_full_skips_every_remaining_step():
    rec = machine.smoke_result(apply(fresh(), 0), 0, True, "")
    rec = ask(rec, "promote", 1, full=True)
    assert rec.current_step is not None and rec.current_step.weight == 100 and rec.current_step.action == "setWeight"
    rec = apply(rec, 2)
    assert machine.next_action(rec, 2).kind == Act.FINISH
    early = ask(fresh(), "promote", 0, full=True)  # not deployed yet: nothing skipped
    assert early.step_index == 0 and early.events[-1].kind == "ignored"


def test_resume_keeps_the_time_already_paused():
    rec = apply(machine.smoke_result(apply(fresh(), 0), 0, True, ""), 0)  # at the 5m pause, since 0
    rec = ask(rec, "pause", 100)
    rec = ask(rec, "resume", 1000)  # paused 900 s: the pause ends at 300 + 900
    assert machine.next_action(rec, 1199).kind == Act.WAIT and machine.next_action(rec, 1200).kind == Act.ADVANCE


def test_rollback_only_inside_the_window():
    rec = fresh()
    with pytest.raises(InvalidRequestError):
        machine.rollback(rec, 0, "x")
    done = machine.finish(machine.with_(rec, weights=Weights(0, 100)), 10)
    with pytest.raises(InvalidRequestError):
        machine.rollback(done, 10 + 601, "late")
    back = apply(machine.rollback(done, 20, "alarm"), 21)
    assert back.status == Status.ROLLED_BACK and back.weights == Weights(100, 0)
    late = ask(done, "abort", 700)  # after the window every request is ignored: the release completes
    assert late.events[-1].kind == "ignored" and machine.next_action(late, 700).kind == Act.APPLY


def test_invalid_weights_cannot_be_recorded():
    rec = fresh()
    for bad in ({"blue": 95, "green": 10}, {"blue": 101, "green": -1}, {"blue": 50.5, "green": 49.5},
                {"blue": "50", "green": 50}):
        with pytest.raises(ValueError):
            machine.with_(rec, weights=bad)
    with pytest.raises(InvalidRequestError, match="split"):
        machine.new_record(stack="prod", release_id="r", image="a/b:1", plan=[], settings=ReleaseSettings(),
                           state=InForce(weights=Weights(50, 50), images={"blue": "a/b:0", "green": "a/b:0"}),
                           now=0, lock=None)
    with pytest.raises(ValueError, match="target"):
        machine.with_(rec, step_state=StepState.APPLYING)  # applying without a recorded target


EVENTS = st.sampled_from(["tick", "apply", "crash-mid-apply", "smoke-ok", "smoke-fail", "pass", "fail",
                          "inconclusive", "error", "pause", "resume", "promote", "promote-full", "abort", "rollback"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(EVENTS, st.integers(0, 400)), min_size=1, max_size=60))
def test_random_sequences_keep_the_invariants(events: list[tuple[str, int]]):
    rec, now = fresh(), 0.0
    finished: LedgerRecord | None = None
    for event, dt in events:
        now += dt
        before = rec
        rec = step(rec, event, now)
        if before.status == Status.ABORTING and rec.status in (Status.ABORTING, Status.ABORTED):
            assert rec.weights.of(before.canary) <= before.weights.of(before.canary)
        if rec.status == Status.ABORTED:
            assert rec.weights.of(rec.canary) == 0
        if finished is not None:
            assert rec == finished  # a finished release never moves again
        if rec.terminal:
            finished = rec


def step(rec: LedgerRecord, event: str, now: float) -> LedgerRecord:
    """Feed one event the way the engine would (ignoring those that do not fit)."""
    if rec.terminal:
        try:
            return ask(rec, "resume", now)
        except InvalidRequestError:
            return rec
    if event in ("pause", "resume", "promote", "abort", "rollback", "promote-full"):
        return steering.add_request(rec, Request(action=RequestAction(event.split("-")[0]), by="x", at=now,
                                                full=event == "promote-full"))
    action = machine.next_action(rec, now)
    if action.kind == Act.REQUEST:
        return steering.handle_request(rec, now)
    if action.kind == Act.APPLY and event in ("apply", "tick"):
        return apply(rec, now)
    if action.kind == Act.APPLY and event == "crash-mid-apply":
        return machine.begin_apply(rec, now)  # resumed later by another "apply"
    if action.kind == Act.SMOKE and event in ("smoke-ok", "smoke-fail"):
        return machine.smoke_result(rec, now, event == "smoke-ok", event)
    if action.kind == Act.MEASURE and event in ("pass", "fail", "inconclusive", "error"):
        return verdict(rec, event, now)
    if action.kind == Act.ADVANCE:
        return machine.advance(rec, now)
    if action.kind == Act.FINISH:
        return machine.finish(rec, now)
    if action.kind == Act.CLOSE:
        return machine.window_over(rec, now)
    return rec


def test_settings_defaults_are_the_spec_defaults():
    """One place for defaults: a record without a setting behaves as a spec without it
    (the old engine read failure_limit 0, inconclusive_limit 0, consecutive_error_limit 1)."""
    from tricolor.spec.release import Analysis

    spec_default = Release.model_validate({"preset": "all-at-once"})
    assert AnalysisSettings() == AnalysisSettings.of(Analysis.model_validate({}))
    assert (AnalysisSettings().failure_limit, AnalysisSettings().inconclusive_limit,
            AnalysisSettings().consecutive_error_limit) == (1, 3, 3)
    defaults = ReleaseSettings()
    assert defaults.rollback_window == spec_default.rollback_window.total_seconds()
    assert defaults.scale_down_idle == spec_default.scale_down_idle
    upgraded = ReleaseSettings.model_validate(ReleaseSettings.upgrade({}))
    assert upgraded.analysis.model_copy(update={"from_spec": False}) == AnalysisSettings()


R1 = Revision(id="r1", number=1, image="repo/app:v1", digest="config-1", shared="shared-1", spec={})
R2 = Revision(id="r2", number=2, image="repo/app:v2", digest="config-2", shared="shared-1", spec={})


def fresh_revision(now: float = 0.0) -> LedgerRecord:
    """A release of revision r2 (a new image and configuration) over r1, in force on both."""
    state = InForce(weights=Weights(100, 0), images=V1, revisions={"blue": "r1", "green": "r1"}, shared="r1")
    return machine.new_record(stack="prod", release_id="r", image=R2.image, plan=build_plan(RELEASE), state=state,
                              settings=SETTINGS, now=now, lock=None, revision=R2, catalog={"r1": R1})


def revisions_hold(rec: LedgerRecord) -> None:
    """The invariants of revisions (issue 17) on one record."""
    assert rec.revisions is not None
    for state in (rec.in_force, rec.target):  # revisions and images move together
        if state is not None and state.revisions is not None:
            assert all(rec.catalog[state.revisions[c]].image == state.images[c] for c in ("blue", "green"))
    live = rec.weights.active
    if rec.status in (Status.ABORTING, Status.ABORTED, Status.ROLLING_BACK, Status.ROLLED_BACK) \
            and rec.step_state != StepState.APPLYING:
        if rec.status in (Status.ABORTED, Status.ROLLED_BACK):  # traffic is back on the old revision
            assert live == rec.stable and rec.revisions[live] == "r1"
    elif rec.status in (Status.SUCCEEDED, Status.COMPLETED):
        assert rec.revisions[rec.stable] == "r2"  # the new color is active with the new revision
        if rec.scaled_down is not None:  # brought to the new revision as it was scaled down
            assert rec.revisions[rec.scaled_down] == "r2"
    elif rec.weights.of(rec.canary) > 0:  # the canary takes traffic only with the new revision
        assert rec.revisions[rec.canary] == "r2" and rec.revisions[rec.stable] == "r1"
    if rec.step_index == 0 and rec.status == Status.RUNNING and rec.step_state == StepState.PENDING:
        assert rec.revisions == {"blue": "r1", "green": "r1"}  # nothing reaches a color before its deploy


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(EVENTS, st.integers(0, 400)), min_size=1, max_size=60))
def test_random_sequences_keep_each_color_on_its_recorded_revision(events: list[tuple[str, int]]):
    rec, now = fresh_revision(), 0.0
    revisions_hold(rec)
    for event, dt in events:
        now += dt
        rec = step(rec, event, now)
        revisions_hold(rec)
        if rec.status == Status.ABORTED:
            assert rec.weights.of(rec.canary) == 0


def test_a_record_naming_a_revision_it_does_not_keep_is_refused():
    rec = fresh_revision()
    with pytest.raises(ValueError, match="r9 named but not in the catalog"):
        machine.with_(rec, revisions={"blue": "r1", "green": "r9"})
# --- the step alphabet with setHeaderRoute and setCanaryScale (issue #14) ----------------

_ROUTE_MATCH = [{"headerName": "X-Beta", "headerValue": {"exact": "on"}}]


@st.composite
def schedules(draw: Any) -> list[dict[str, Any]]:
    """A valid step list drawn from every step kind: weights that never go down, analysis
    only while both colors have traffic, route removals of routes set, nothing after 100."""
    steps: list[dict[str, Any]] = []
    weight, routes = 0, set()
    for _ in range(draw(st.integers(1, 9))):
        kind = draw(st.sampled_from(["setWeight", "pause", "analysis", "route", "unroute", "scale"]))
        if kind == "setWeight":
            weight = draw(st.integers(weight, 99))
            steps.append({"setWeight": weight})
        elif kind == "pause":
            steps.append({"pause": draw(st.sampled_from(["1s", "30s", {}]))})
        elif kind == "analysis" and 0 < weight < 100:
            steps.append({"analysis": {}})
        elif kind == "route":
            name = draw(st.sampled_from(["a", "b"]))
            routes.add(name)
            steps.append({"setHeaderRoute": {"name": name, "match": _ROUTE_MATCH}})
        elif kind == "unroute" and routes:
            name = draw(st.sampled_from(sorted(routes)))
            routes.discard(name)
            steps.append({"setHeaderRoute": {"name": name}})
        elif kind == "scale":
            steps.append({"setCanaryScale": draw(st.sampled_from(
                [{"replicas": 0}, {"replicas": 2}, {"weight": 25}, {"matchTrafficWeight": True}]))})
    if draw(st.booleans()):
        steps.append({"setWeight": 100})
    return steps


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules(), st.lists(st.tuples(EVENTS, st.integers(0, 400)), min_size=1, max_size=60))
def test_random_schedules_with_routes_and_scales_keep_the_invariants(steps: list, events: list) -> None:
    """... and revisions move with them (a release of r2 over r1: issue 17)."""
    release = Release.model_validate({"steps": steps, "analysis": {"metrics": [{"name": "error-rate", "max": 0.01}]}})
    state = InForce(weights=Weights(100, 0), images=V1, revisions={"blue": "r1", "green": "r1"}, shared="r1")
    rec = machine.new_record(stack="prod", release_id="r1", image="repo/app:v2", plan=build_plan(release),
                             state=state, settings=SETTINGS, now=0.0, lock=None, revision=R2, catalog={"r1": R1})
    now, finished = 0.0, None
    for event, dt in events:
        now += dt
        before = rec
        rec = step(rec, event, now)
        revisions_hold(rec)
        if before.status == Status.ABORTING and rec.status in (Status.ABORTING, Status.ABORTED):
            assert rec.weights.of(before.canary) <= before.weights.of(before.canary)
        if rec.status in (Status.ABORTED, Status.ROLLED_BACK, Status.SUCCEEDED, Status.COMPLETED):
            assert rec.header_routes == () and rec.canary_scale is None  # over: no route, full replicas
        if rec.status == Status.ABORTED:
            assert rec.weights.of(rec.canary) == 0
        for route in rec.header_routes:  # a route only ever sends to the new color
            assert route.color == rec.canary and rec.weights.of(rec.canary) < 100
        if rec.canary_scale is not None:  # a scale only while the new color has less than all the traffic
            assert rec.canary_scale.color == rec.canary and rec.weights.of(rec.canary) < 100
        if rec.target is not None and rec.status == Status.RUNNING:
            step_now = rec.current_step
            assert step_now is not None
            if step_now.action != "setWeight":  # a route or a scale never moves the weights
                assert rec.target.weights == rec.weights
        if finished is not None:
            assert rec == finished
        if rec.terminal:
            finished = rec


def test_extend_until_counts_inconclusive_only_after_the_extension() -> None:
    """The exact rule (``analysis.py``): interval 60 s, inconclusiveLimit 2, extendUntil
    300 s: looks at 0..240 s into the step are not counted, those at 300, 360 and 420 s
    are; the third counted one exceeds the limit and aborts (at 420 s)."""
    extended = SETTINGS.model_copy(update={"analysis": SETTINGS.analysis.model_copy(update={"extend_until": 300.0})})
    rec = machine.advance(apply(machine.smoke_result(apply(fresh(), 0), 0, True, ""), 0), 1000)
    rec = rec.model_copy(update={"settings": extended})
    start = rec.step_started_at
    assert start == 1000
    for at in range(0, 420, 60):
        rec = verdict(rec, "inconclusive", start + at)
        assert rec.status == Status.RUNNING, at
    assert rec.counters.extended == 5 and rec.counters.inconclusive == 2
    assert "not counted: within extendUntil" in rec.events[-3].detail
    rec = verdict(rec, "inconclusive", start + 420)
    assert rec.status == Status.ABORTING and "3 inconclusive measurement(s), limit 2" in (rec.reason or "")
    failed = machine.advance(apply(machine.smoke_result(apply(fresh(), 0), 0, True, ""), 0), 1000)
    failed = verdict(failed.model_copy(update={"settings": extended}), "fail", 1060)
    assert failed.status == Status.ABORTING  # a failure counts inside the extension


def test_promote_full_before_the_last_weight_is_applied_still_applies_it():
    """Found by the schedule property test: ``promote --full`` while the last
    ``setWeight`` (100) is pending jumped past it to the finish, so the release
    "succeeded" with all traffic (and a header route) still on the old color."""
    route = {"setHeaderRoute": {"name": "a", "match": [{"headerName": "X-Beta", "headerValue": {"exact": "on"}}]}}
    release = Release.model_validate({"steps": [route], "analysis": {"metrics": [{"name": "error-rate", "max": 0.01}]}})
    rec = machine.new_record(stack="prod", release_id="r1", image="repo/app:v2", plan=build_plan(release),
                             state=InForce(weights=Weights(100, 0), images=V1), settings=SETTINGS, now=0.0, lock=None)
    for event in ("tick", "tick", "promote-full", "tick", "tick", "tick"):
        rec = step(rec, event, 0.0)
    assert rec.status in (Status.SUCCEEDED, Status.COMPLETED)
    assert rec.weights.of(rec.stable) == 100 and rec.stable == "green" and rec.header_routes == ()
