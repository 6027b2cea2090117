"""``setHeaderRoute`` and ``setCanaryScale`` as Argo Rollouts writes them (issue #14):
accepted, validated with messages naming the step, and ``extendUntil``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tricolor.spec.canary import CanaryScale, scaled_replicas
from tricolor.spec.errors import SpecError
from tricolor.spec.load import parse_spec
from tricolor.spec.release import SetCanaryScale, SetHeaderRoute, describe_step

ROUTE = {"setHeaderRoute": {"name": "beta", "match": [
    {"headerName": "Custom-Header1", "headerValue": {"exact": "Mozilla"}},
    {"headerName": "Custom-Header2", "headerValue": {"prefix": "Mozilla"}},
    {"headerName": "Custom-Header3", "headerValue": {"regex": "Mozilla(.*)"}}]}}


def _with(spec_data: dict, *steps: object) -> dict:
    spec_data["release"]["steps"][1:1] = list(steps)
    return spec_data


def test_header_route_steps_are_accepted(spec_data: dict) -> None:
    schedule = parse_spec(_with(spec_data, ROUTE, {"setHeaderRoute": {"name": "beta"}})).release.schedule
    route, removal = schedule[1], schedule[2]
    assert isinstance(route, SetHeaderRoute) and isinstance(removal, SetHeaderRoute)
    spec = route.set_header_route
    assert spec.name == "beta" and not spec.removes and [m.header_value.kind for m in spec.match or ()] == [
        "exact", "prefix", "regex"]
    assert removal.set_header_route.removes
    assert describe_step(route) == ("header route beta: requests with Custom-Header1 = 'Mozilla' or Custom-Header2 "
                                    "starting with 'Mozilla' or Custom-Header3 matching 'Mozilla(.*)' go to the "
                                    "new color")
    assert describe_step(removal) == "remove header route beta"


def test_an_empty_match_list_removes_too(spec_data: dict) -> None:
    schedule = parse_spec(_with(spec_data, ROUTE, {"setHeaderRoute": {"name": "beta", "match": []}})).release.schedule
    assert isinstance(schedule[2], SetHeaderRoute) and schedule[2].set_header_route.removes


@pytest.mark.parametrize(("scale", "text"), [
    ({"replicas": 3}, "scale the new color to 3 replicas"), ({"weight": 25}, "scale the new color to 25 % of its"),
    ({"matchTrafficWeight": True}, "replicas following its traffic weight"), ({"replicas": 0}, "0 replicas"),
])
def test_canary_scale_steps_are_accepted(spec_data: dict, scale: dict, text: str) -> None:
    step = parse_spec(_with(spec_data, {"setCanaryScale": scale})).release.schedule[1]
    assert isinstance(step, SetCanaryScale) and text in describe_step(step)


@pytest.mark.parametrize(("percent", "replicas", "expected"), [(25, 4, 1), (25, 10, 3), (10, 10, 1), (0, 10, 0),
                                                               (100, 7, 7), (1, 3, 1), (50, 5, 3)])
def test_a_percent_of_replicas_rounds_up_as_argo_does(percent: int, replicas: int, expected: int) -> None:
    assert scaled_replicas(CanaryScale(color="green", percent=percent), replicas) == expected
    assert scaled_replicas(CanaryScale(color="green", replicas=2), replicas) == 2


@pytest.mark.parametrize(("step", "where", "fragment"), [
    ({"setHeaderRoute": {"name": "beta", "match": [{"headerName": "x", "headerValue": {}}]}},
     "release.steps[1].setHeaderRoute.match[0].headerValue", "exactly one of exact, prefix or regex"),
    ({"setHeaderRoute": {"name": "beta", "match": [{"headerName": "x", "headerValue": {"exact": "a", "regex": "b"}}]}},
     "release.steps[1].setHeaderRoute.match[0].headerValue", "got exact, regex"),
    ({"setHeaderRoute": {"name": "beta", "match": [{"headerName": "x", "headerValue": {"regex": "a(("}}]}},
     "release.steps[1].setHeaderRoute.match[0].headerValue", "is not a regular expression"),
    ({"setHeaderRoute": {"name": "beta", "match": [{"headerName": "bad header", "headerValue": {"exact": "a"}}]}},
     "release.steps[1].setHeaderRoute.match[0].headerName", "is not an HTTP header name"),
    ({"setHeaderRoute": {"name": "beta", "match": [{"headerName": "x", "headerValue": {"exact": "a\x01b"}}]}},
     "release.steps[1].setHeaderRoute.match[0].headerValue", "printable ASCII only"),
    ({"setHeaderRoute": {"name": "Beta_Route", "match": [{"headerName": "x", "headerValue": {"exact": "a"}}]}},
     "release.steps[1].setHeaderRoute.name", "is not a route name"),
    ({"setHeaderRoute": {"name": "gone"}}, "release.steps[1]", "no step before sets one of that name"),
    ({"setCanaryScale": {}}, "release.steps[1].setCanaryScale", "exactly one of replicas, weight or matchTraffic"),
    ({"setCanaryScale": {"replicas": 2, "weight": 20}}, "release.steps[1].setCanaryScale", "got replicas, weight"),
    ({"setCanaryScale": {"matchTrafficWeight": False}}, "release.steps[1].setCanaryScale", "sets nothing"),
    ({"setCanaryScale": {"weight": 120}}, "release.steps[1].setCanaryScale.weight", "less than or equal to 100"),
    ({"setCanaryScale": {"replicas": -1}}, "release.steps[1].setCanaryScale.replicas", "greater than or equal"),
    ({"replicaProgressThreshold": {"type": "Percent", "value": 90}}, "release.steps[1]",
     "replicaProgressThreshold: not supported"),
])
def test_bad_canary_steps_name_the_field(spec_data: dict, step: dict, where: str, fragment: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(_with(spec_data, step), "service.yaml")
    found = {p.path: p.message for p in caught.value.problems}
    assert where in found, found
    assert fragment in found[where]


def test_a_removal_with_a_typo_suggests_the_route(spec_data: dict) -> None:
    with pytest.raises(SpecError, match="did you mean 'beta'"):
        parse_spec(_with(spec_data, ROUTE, {"setHeaderRoute": {"name": "betta"}}))


@pytest.mark.parametrize("step", [ROUTE, {"setCanaryScale": {"replicas": 1}}])
def test_nothing_routes_or_scales_after_100(spec_data: dict, step: dict) -> None:
    spec_data["release"]["steps"].append(step)
    with pytest.raises(SpecError) as caught:
        parse_spec(spec_data)
    (problem,) = caught.value.problems
    assert "after setWeight: 100 (steps[9])" in problem.message


def test_extend_until(spec_data: dict) -> None:
    spec_data["release"]["analysis"]["extendUntil"] = "30m"
    assert parse_spec(spec_data).release.analysis.extend_until == timedelta(minutes=30)
    spec_data["release"]["analysis"]["extendUntil"] = "0s"
    with pytest.raises(SpecError, match="extendUntil must be above 0s"):
        parse_spec(spec_data)
    spec_data["release"]["analysis"]["extendUntil"] = "soon"
    with pytest.raises(SpecError, match="release.analysis.extendUntil"):
        parse_spec(spec_data)


def test_canary_steps_round_trip(spec_data: dict) -> None:
    spec = parse_spec(_with(spec_data, {"setCanaryScale": {"weight": 25}}, ROUTE))
    data = spec.as_data()
    assert data["release"]["steps"][1] == {"setCanaryScale": {"weight": 25}}
    assert data["release"]["steps"][2]["setHeaderRoute"]["match"][0] == {
        "headerName": "Custom-Header1", "headerValue": {"exact": "Mozilla"}}
    assert parse_spec(data) == spec
