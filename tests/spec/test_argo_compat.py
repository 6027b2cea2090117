"""Every canary step list of Argo Rollouts' examples and docs (70 lists, the fixture
``argo-rollouts/step-lists.yaml``): those tricolor accepts, as written or once
``tricolor import argo`` has mapped Argo's analysis shape and its two-kind steps, walk
the schedule Argo would run (weights over steps, pauses, analyses, header routes and
scales, the full promotion when the steps run out); those it refuses are refused with a
message naming the step kind and why. The counts are the README's table."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from support import FIXTURES

from tricolor.rollout.plan import build_plan
from tricolor.spec.argo_steps import convert_steps
from tricolor.spec.release import Release

DATA = yaml.safe_load((FIXTURES / "argo-rollouts/step-lists.yaml").read_text())
LISTS: list[dict[str, Any]] = DATA["lists"]
REFUSED_KINDS = ("experiment", "setMirrorRoute", "plugin", "replicaProgressThreshold")
IDS = [f"{item['source']}:{item['line']}" for item in LISTS]


def go_seconds(value: Any) -> float:
    """Argo's reading of a pause duration (written here, apart from tricolor's parser):
    an integer or a string of digits is seconds, else a Go duration of h/m/s parts."""
    if isinstance(value, int):
        return float(value)
    if re.fullmatch(r"\d+", value):
        return float(value)
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|m|s)", value)
    assert "".join(n + u for n, u in parts) == value, value
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)


def argo_schedule(steps: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What Argo runs: each step in order (the kinds of one step: scale, route, then the
    rest), then 100 % when the steps run out below it."""
    out: list[tuple[Any, ...]] = []
    weight = 0
    order = ("setCanaryScale", "setHeaderRoute", "setWeight", "pause", "analysis")
    for step in steps:
        for kind in sorted(step, key=order.index):
            value = step[kind]
            if kind == "setWeight":
                weight = value
                out.append(("weight", value))
            elif kind == "pause":
                duration = (value or {}).get("duration")
                out.append(("pause", None if duration is None else go_seconds(duration)))
            elif kind == "analysis":
                out.append(("analysis", weight))
            elif kind == "setHeaderRoute":
                out.append(("route", value["name"], not value.get("match")))
            else:
                out.append(("scale", tuple(sorted(value.items()))))
    if weight != 100:
        out.append(("weight", 100))
    return out


def tricolor_schedule(release: Release) -> list[tuple[Any, ...]]:
    """The plan tricolor walks, the same way (its own scale rows are checked apart)."""
    out: list[tuple[Any, ...]] = []
    for step in build_plan(release):
        if step.action == "setWeight":
            out.append(("weight", step.weight))
        elif step.action == "pause":
            out.append(("pause", step.duration))
        elif step.action == "analysis":
            out.append(("analysis", step.weight))
        elif step.action == "setHeaderRoute" and step.route is not None:
            out.append(("route", step.route.name, step.route.removes))
    return out


def without_scales(schedule: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [s for s in schedule if s[0] != "scale"]


def load(steps: list[dict[str, Any]], metrics: list[str]) -> Release:
    return Release.model_validate({"steps": steps, "analysis": {"metrics": [{"name": m} for m in metrics]}})


def classify(item: dict[str, Any]) -> tuple[str, Any]:
    steps = item["steps"]
    kinds = {kind for step in steps for kind in step}
    try:
        return "as written", load(steps, ["m"])
    except ValidationError as exc:
        written = exc
    if kinds & set(REFUSED_KINDS):
        return "refused: step kind", written
    converted = convert_steps(steps, lambda key: [f"{key[0]}-metric"])
    names = sorted({n for s in converted.steps if "analysis" in s for n in s["analysis"]["metrics"]}) or ["m"]
    try:
        release = load(converted.steps, names)
    except ValidationError as exc:
        return "refused: analysis without traffic", exc
    assert not converted.notes, converted.notes  # imported whole: nothing left out
    return "imported", release


CLASSES = {id_: classify(item) for id_, item in zip(IDS, LISTS, strict=True)}


def test_every_list_is_counted() -> None:
    assert DATA["commit"] == "9f8d111d8f8e3e88b6d7f8bbdf62fd3cd863ef9d"
    assert len(LISTS) == 70
    assert Counter(kind for kind, _ in CLASSES.values()) == {
        "as written": 40, "imported": 11, "refused: step kind": 16, "refused: analysis without traffic": 3}
    refused = Counter(k for item in LISTS for k in {k for s in item["steps"] for k in s} if k in REFUSED_KINDS)
    assert refused == {"experiment": 11, "plugin": 4, "setMirrorRoute": 3, "replicaProgressThreshold": 1}
    kinds = Counter(k for item in LISTS for step in item["steps"] for k in step)
    assert kinds == {"setWeight": 112, "pause": 108, "analysis": 15, "experiment": 11, "setCanaryScale": 11,
                     "setHeaderRoute": 5, "setMirrorRoute": 4, "plugin": 4, "replicaProgressThreshold": 1}


@pytest.mark.parametrize("item", [i for i, id_ in zip(LISTS, IDS, strict=True)
                                  if CLASSES[id_][0] in ("as written", "imported")],
                         ids=lambda i: f"{i['source']}:{i['line']}")
def test_accepted_lists_run_the_schedule_argo_would(item: dict[str, Any]) -> None:
    _, release = CLASSES[f"{item['source']}:{item['line']}"]
    assert isinstance(release, Release)
    expected = argo_schedule(item["steps"])
    assert tricolor_schedule(release) == without_scales(expected)
    plan = [s.scale for s in build_plan(release) if s.action == "setCanaryScale"]
    assert [None if s is None else s.model_dump(by_alias=True, exclude_none=True) for s in plan] == argo_replicas(
        expected)


def argo_replicas(schedule: list[tuple[Any, ...]]) -> list[dict[str, Any] | None]:
    """The canary's scale as Argo changes it: each setCanaryScale (matchTrafficWeight: a
    percent that follows the weight, changed before each new weight), and the full count
    back before 100 % (``None``)."""
    out: list[dict[str, Any] | None] = []
    weight, in_force, follows = 0, False, False
    for entry in schedule:
        if entry[0] == "scale":
            spec = dict(entry[1])
            in_force, follows = True, bool(spec.get("matchTrafficWeight"))
            out.append({"weight": weight} if follows else spec)
        elif entry[0] == "weight":
            if in_force and entry[1] == 100:
                out.append(None)
                in_force = follows = False
            elif follows and entry[1] != weight:
                out.append({"weight": entry[1]})
            weight = entry[1]
    return out


@pytest.mark.parametrize("item", [i for i, id_ in zip(LISTS, IDS, strict=True)
                                  if CLASSES[id_][0] == "refused: step kind"], ids=lambda i: f"{i['source']}")
def test_refused_lists_name_the_step_kind_and_why(item: dict[str, Any]) -> None:
    _, error = CLASSES[f"{item['source']}:{item['line']}"]
    messages = [e["msg"] for e in error.errors()]
    for index, step in enumerate(item["steps"]):
        for kind in set(step) & set(REFUSED_KINDS):
            found = [m for e, m in zip(error.errors(), messages, strict=True) if index in e["loc"]]
            assert any(f"{kind}: not supported" in m for m in found), (index, kind, found)


@pytest.mark.parametrize("item", [i for i, id_ in zip(LISTS, IDS, strict=True)
                                  if CLASSES[id_][0] == "refused: analysis without traffic"],
                         ids=lambda i: f"{i['source']}:{i['line']}")
def test_analysis_without_traffic_is_refused_naming_the_step(item: dict[str, Any]) -> None:
    _, error = CLASSES[f"{item['source']}:{item['line']}"]
    assert "analysis while the new color has no traffic" in str(error)


def test_pauses_read_as_argo_reads_them() -> None:
    canary = next(i for i in LISTS if i["source"] == "docs/features/canary/index.md" and len(i["steps"]) == 5)
    release = load(canary["steps"], ["m"])
    assert [s.duration for s in build_plan(release) if s.action == "pause"] == [10, 10, 600, 36000, None]
    assert timedelta(seconds=go_seconds("10h")) == timedelta(hours=10)


def test_the_one_list_argos_docs_write_in_invalid_yaml() -> None:
    (bad,) = DATA["unparsable"]
    assert bad["source"] == "docs/features/hpa-support.md" and "setCanaryScale: replicas: 1" in bad["text"]
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(bad["text"])
