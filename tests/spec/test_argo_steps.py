"""Steps and durations as Argo Rollouts writes them (issue #14, spec side): Go
durations, implicit full promotion, an empty step list, and step kinds tricolor refuses
with the reason."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES

from tricolor.spec.durations import MAX_DURATION, format_duration, parse_duration
from tricolor.spec.errors import SpecError
from tricolor.spec.load import parse_spec
from tricolor.spec.release import AnalysisStep, Pause, SetWeight, describe_step

ARGO = yaml.safe_load((FIXTURES / "argo-rollouts/canary-steps.yaml").read_text())


@pytest.mark.parametrize(("text", "expected"), [
    ("1.5h", timedelta(minutes=90)), ("500ms", timedelta(milliseconds=500)), ("250us", timedelta(microseconds=250)),
    ("250µs", timedelta(microseconds=250)), ("+5m", timedelta(minutes=5)), ("30", timedelta(seconds=30)),
    (30, timedelta(seconds=30)), (" 10 ", timedelta(seconds=10)), ("1h30m", timedelta(minutes=90)),
    (".5s", timedelta(milliseconds=500)), ("1.m", timedelta(minutes=1)), ("2d", timedelta(days=2)),
    ("1m0.5s", timedelta(seconds=60.5)), ("1h1m1s1ms1us", timedelta(hours=1, minutes=1, seconds=1, microseconds=1001)),
    ("1500ns", timedelta(microseconds=2)), ("0", timedelta(0)), (2.5, timedelta(seconds=2.5)), ("365d", MAX_DURATION),
])
def test_go_durations(text: str | int | float, expected: timedelta) -> None:
    assert parse_duration(text, digits_are_seconds=True) == expected


def test_digit_strings_are_seconds_only_where_asked(spec_data: dict) -> None:
    spec_data["release"]["steps"][1] = {"pause": {"duration": "40"}}
    pause = parse_spec(spec_data).release.schedule[1]
    assert isinstance(pause, Pause) and pause.pause.duration == timedelta(seconds=40)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("72")  # a preview's --ttl 72 is not 72 seconds


@pytest.mark.parametrize(("text", "fragment"), [
    ("1.5", "not a duration"), ("5 m", "not a duration"), ("-5m", "negative"), ("1e3s", "not a duration"),
    ("h", "not a duration"), ("", "not a duration"), ("١٢s", "not a duration"), ("5M", "not a duration"),
    ("366d", "longer than the limit of 365d"), ("9" * 30 + "h", "longer than the limit"), (10**30, "longer than"),
    (float("inf"), "finite"), (float("nan"), "finite"), (True, "not a duration"), ("1" * 5000, "not a duration"),
])
def test_bad_durations_name_the_value(text: object, fragment: str) -> None:
    with pytest.raises(ValueError, match="duration|negative|longer") as caught:
        parse_duration(text, digits_are_seconds=True)
    assert fragment in str(caught.value) and len(str(caught.value)) < 200


@pytest.mark.parametrize(("delta", "text"), [
    (timedelta(milliseconds=500), "500ms"), (timedelta(seconds=90), "1m30s"), (timedelta(0), "0s"),
    (timedelta(seconds=1, milliseconds=250), "1s250ms"), (timedelta(microseconds=7), "7us"),
    (timedelta(days=2, hours=3), "2d3h"),
])
def test_format_duration_keeps_what_it_is_given(delta: timedelta, text: str) -> None:
    assert format_duration(delta) == text


@given(st.timedeltas(min_value=timedelta(0), max_value=MAX_DURATION))
def test_format_then_parse_is_the_same_duration(delta: timedelta) -> None:
    assert parse_duration(format_duration(delta)) == delta


def test_sub_second_pause_shows_and_round_trips(spec_data: dict) -> None:
    spec_data["release"]["steps"][1] = {"pause": "500ms"}
    spec = parse_spec(spec_data)
    pause = spec.release.schedule[1]
    assert isinstance(pause, Pause) and describe_step(pause) == "pause 500ms"
    assert spec.as_data()["release"]["steps"][1] == {"pause": {"duration": "500ms"}}
    assert parse_spec(spec.as_data()) == spec


def test_steps_that_end_below_100_promote_fully(spec_data: dict) -> None:
    spec_data["release"]["steps"] = [{"setWeight": 20}, {"pause": {}}, {"setWeight": 60}, {"pause": 20}]
    spec = parse_spec(spec_data)
    last = spec.release.schedule[-1]
    assert len(spec.release.schedule) == 5
    assert isinstance(last, SetWeight) and last.set_weight == 100 and last.implicit
    assert "implicit" in describe_step(last)
    assert len(spec.release.steps or []) == 4  # the spec itself is unchanged
    assert "implicit" not in str(spec.as_data())
    assert parse_spec(spec.as_data()) == spec


def test_an_explicit_100_is_not_implicit(spec_data: dict) -> None:
    last = parse_spec(spec_data).release.schedule[-1]
    assert isinstance(last, SetWeight) and not last.implicit and "implicit" not in describe_step(last)


@pytest.mark.parametrize("steps", [[], [{"pause": "1m"}]])
def test_empty_steps_promote_at_once(spec_data: dict, steps: list) -> None:
    spec_data["release"]["steps"] = steps
    schedule = parse_spec(spec_data).release.schedule
    assert schedule[-1] == SetWeight(setWeight=100, implicit=True)
    assert len(schedule) == len(steps) + 1


def test_a_user_cannot_write_implicit(spec_data: dict) -> None:
    spec_data["release"]["steps"] = [{"setWeight": 100, "implicit": True}]
    with pytest.raises(SpecError, match="exactly one kind"):
        parse_spec(spec_data)


@pytest.mark.parametrize(("step", "fragments"), [
    ({"experiment": {"templates": []}}, ["experiment: not supported", "extra ReplicaSets"]),
    ({"setMirrorRoute": {"name": "m"}}, ["setMirrorRoute: not supported", "cannot mirror"]),
    ({"plugin": {"name": "x"}}, ["plugin: not supported", "no plugin runtime"]),
    ({"replicaProgressThreshold": {"type": "Pod", "value": 1}}, ["replicaProgressThreshold: not supported",
                                                                 "every replica"]),
    ({"setweight": 30}, ["unknown step kind 'setweight'", "did you mean 'setWeight'?"]),
    ({"sleep": "5m"}, ["unknown step kind 'sleep'", "{setWeight: N}"]),
    ({"setWeight": 20, "pause": "1m"}, ["exactly one kind", "has 2: 'setWeight', 'pause'"]),
    (5, ["a step is a mapping", "got 5"]),
    ({"analysis": {"templates": [{"templateName": "x"}], "args": []}},
     ["Argo Rollouts' analysis shape", "{analysis: {metrics: [NAME, ...]}}", "has: error-rate, latency-ms"]),
    ({"analysis": {"metric": ["error-rate"]}}, ["unknown key(s) 'metric'", "did you mean 'metrics'?"]),
])
def test_refused_steps_name_the_step_and_why(spec_data: dict, step: object, fragments: list[str]) -> None:
    spec_data["release"]["steps"][3] = step
    with pytest.raises(SpecError) as caught:
        parse_spec(spec_data, "service.yaml")
    (problem,) = map(str, caught.value.problems)
    assert problem.startswith("service.yaml: release.steps[3]")
    for fragment in fragments:
        assert fragment in problem, problem


def test_every_refused_step_at_once(spec_data: dict) -> None:
    spec_data["release"]["steps"][1:3] = [{"experiment": {}}, {"setWeight": 120}, {"plugin": {}}]
    with pytest.raises(SpecError) as caught:
        parse_spec(spec_data, "service.yaml")
    assert [p.path for p in caught.value.problems] == ["release.steps[1]", "release.steps[2].setWeight",
                                                       "release.steps[3]"]
    messages = [p.message for p in caught.value.problems]
    assert messages[0].startswith("experiment: not supported") and messages[2].startswith("plugin: not supported")


def test_argo_analysis_shape_without_declared_metrics(spec_data: dict) -> None:
    spec_data["release"]["analysis"]["metrics"] = []
    spec_data["release"]["steps"][2] = {"analysis": {"name": "a", "templates": [{"templateName": "x"}]}}
    with pytest.raises(SpecError, match="release.analysis.metrics is empty: declare the metrics"):
        parse_spec(spec_data)


def _schedule(steps: list) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for step in steps:
        if isinstance(step, SetWeight):
            out.append(("setWeight", step.set_weight))
        elif isinstance(step, Pause):
            out.append(("pause", step.pause.duration))
        else:
            assert isinstance(step, AnalysisStep)
            out.append(("analysis", None))
    return out


@pytest.mark.parametrize(("source", "expected"), [
    ("examples/rollout-canary.yaml", [
        ("setWeight", 20), ("pause", None), ("setWeight", 40), ("pause", timedelta(seconds=40)), ("setWeight", 60),
        ("pause", timedelta(seconds=20)), ("setWeight", 80), ("pause", timedelta(seconds=20)), ("setWeight", 100)]),
    ("docs/features/canary.md#example", [
        ("setWeight", 10), ("pause", timedelta(hours=1)), ("setWeight", 20), ("pause", None), ("setWeight", 100)]),
    ("docs/features/canary.md#pause-duration", [
        ("pause", timedelta(seconds=10)), ("pause", timedelta(seconds=10)), ("pause", timedelta(minutes=10)),
        ("pause", timedelta(hours=10)), ("pause", None), ("setWeight", 100)]),
])
def test_argo_step_lists_run_the_schedule_argo_would(spec_data: dict, source: str, expected: list) -> None:
    spec_data["release"]["steps"] = ARGO[source]
    schedule = parse_spec(spec_data).release.schedule
    assert _schedule(list(schedule)) == expected


@pytest.mark.parametrize(("source", "refused"), [
    ("examples/rollout-analysis-step.yaml", {"release.steps[1].analysis": "Argo Rollouts' analysis shape"}),
    ("examples/rollout-experiment-step.yaml", {"release.steps[1]": "experiment: not supported"}),
    ("examples/istio/istio-mirror.yaml", {"release.steps[1]": "setMirrorRoute: not supported"}),
])
def test_argo_step_lists_with_kinds_tricolor_lacks(spec_data: dict, source: str, refused: dict[str, str]) -> None:
    spec_data["release"]["steps"] = ARGO[source]
    with pytest.raises(SpecError) as caught:
        parse_spec(spec_data)
    found = {p.path: p.message for p in caught.value.problems}
    assert set(found) == set(refused)
    for path, fragment in refused.items():
        assert fragment in found[path]


def test_plan_shows_the_implicit_step(cli, write_spec, spec_data: dict, root: Path) -> None:
    spec_data["release"]["steps"] = ARGO["docs/features/canary.md#example"]
    result = cli("plan", "--spec", str(write_spec(spec_data)), "--stack", "prod")
    assert result.exit_code == 0, result.stderr
    flat = " ".join(result.stdout.split())
    assert "pause 1h" in flat and "pause until promoted" in flat
    assert "set weight 100% (implicit:" in flat  # the table wraps the rest of the line
