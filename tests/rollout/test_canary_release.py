"""``setHeaderRoute`` and ``setCanaryScale`` walked by the engine with the offline applier
(the real program under Pulumi's mock runtime): the route is in the HTTPRoute while its
step is in force and gone after 100 % or an abort; the new color runs the scaled
replicas until they are restored, before it takes all the traffic; a plain ``pulumi up``
(the program built from the ledger) keeps both."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tricolor.cli.release.view import status_table
from tricolor.rollout.appliers.base import ApplierContext
from tricolor.rollout.appliers.offline import OfflineApplier
from tricolor.rollout.errors import InvalidRequestError
from tricolor.rollout.ledger import state_in_force
from tricolor.rollout.program_state import as_release_state
from tricolor.rollout.providers.base import ProviderContext
from tricolor.rollout.providers.synthetic import SyntheticProvider
from tricolor.rollout.record import Status
from tricolor.rollout.verbs import prepare
from tricolor.spec.weights import Weights
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import render

ROUTE = {"setHeaderRoute": {"name": "beta", "match": [{"headerName": "X-Beta", "headerValue": {"exact": "on"}}]}}
STEPS = [{"setCanaryScale": {"replicas": 1}}, ROUTE, {"setWeight": 20}, {"pause": "1s"}, {"analysis": {}},
         {"setWeight": 50}]


def offline(spec: Path) -> OfflineApplier:
    return OfflineApplier(ApplierContext(stack="prod", project=Path.cwd(), spec_file=spec))


def seen(applier: OfflineApplier, state: Any) -> tuple[int, int | None, bool]:
    """What the render of ``state`` holds: header-route rules in the HTTPRoute, green's
    replicas, whether green has an autoscaler."""
    inputs = {urn.rsplit("::", 1)[-1]: json.loads(body) for urn, body in applier.render(state).items()}
    rules = inputs["checkout-router-route"]["spec"]["rules"]
    routed = sum(1 for rule in rules[2:-1] if any("X-Beta" in json.dumps(m) for m in rule["matches"]))
    return routed, inputs["checkout-green-deployment"]["spec"].get("replicas"), "checkout-green-autoscaler" in inputs


def test_route_and_scale_walked_to_100(spec_with, load_prod, harness) -> None:
    spec = spec_with({"steps": STEPS})
    applier = offline(spec)
    h = harness(load_prod(spec), applier=applier)
    h.start()
    rec = h.run()
    assert rec.status == Status.COMPLETED and rec.weights == Weights(0, 100)
    walked = [(str(change.purpose), change.scope, change.target.weights.green, seen(applier, change.target))
              for change, _ in applier.history]
    assert walked == [
        ("deploy", "full", 0, (0, 4, True)),  # the prod stack runs 4 replicas (autoscaling from 4)
        ("scale", "full", 0, (0, 1, False)),  # setCanaryScale: 1 replica, no autoscaler
        ("weight", "router", 0, (1, 1, False)),  # setHeaderRoute: the rule is in the HTTPRoute
        ("weight", "router", 20, (1, 1, False)),  # setWeight 20 keeps both
        ("weight", "router", 50, (1, 1, False)),
        ("scale", "full", 50, (1, 4, True)),  # back to full replicas BEFORE 100 %
        ("weight", "router", 100, (0, 4, True)),  # 100 %: the route is over
        ("scale-down", "full", 100, (0, 4, True)),
    ]
    for change, changed in applier.history:  # a route step changes the router alone
        if change.scope == "router":
            assert changed and all("TrafficRouter" in urn for urn in changed), changed
    assert rec.header_routes == () and rec.canary_scale is None


def test_abort_removes_the_route_and_restores_the_replicas(spec_with, load_prod, harness) -> None:
    spec = spec_with({"steps": STEPS}, providerSettings={"rps": 200000, "seed": 3, "canaryErrorRate": 0.05})
    applier = offline(spec)
    h = harness(load_prod(spec), applier=applier)
    h.start()
    rec = h.run()
    assert rec.status == Status.ABORTED and rec.weights == Weights(100, 0)
    abort, changed = applier.history[-1]
    assert str(abort.purpose) == "abort" and abort.scope == "full"  # the canary's replicas change too
    assert seen(applier, abort.target) == (0, 4, True)
    assert any("checkout-green-deployment" in urn for urn in changed)
    assert rec.header_routes == () and rec.canary_scale is None
    assert "header route beta to green" in " ".join(e.detail for e in rec.events)  # the timeline says so


def test_a_plain_pulumi_up_keeps_the_route_in_force(spec_with, load_prod, harness) -> None:
    spec = spec_with({"steps": [ROUTE, {"setWeight": 20}, {"pause": {}}]})
    h = harness(load_prod(spec), applier=offline(spec))
    h.start()
    rec = h.run(person=True)  # waits at the manual gate with the route in force
    assert rec.status == Status.RUNNING and [r.name for r in rec.header_routes] == ["beta"]
    (item,) = load_stacks(["prod"], spec)
    program = {r.name: r.inputs for r in render(item, as_release_state(state_in_force(rec), rec.catalog)).resources}
    rules = program["checkout-router-route"]["spec"]["rules"]
    assert rules[2]["matches"][0]["headers"] == [{"type": "Exact", "name": "X-Beta", "value": "on"}]
    assert rules[2]["backendRefs"][0]["name"] == "checkout-green"
    table = status_table(rec)
    console = Console(width=200, record=True)
    console.print(table)
    shown = console.export_text()
    assert re.search(r"header route\s*│\s*beta: X-Beta = 'on' go to green", shown), shown
    h.steer("abort")
    assert h.ledger.read("prod").header_routes == ()


def test_promote_full_restores_the_replicas_first(spec_with, load_prod, harness) -> None:
    spec = spec_with({"steps": [{"setCanaryScale": {"weight": 50}}, {"setWeight": 10}, {"pause": {}},
                                {"setWeight": 30}, {"pause": {}}]})
    applier = offline(spec)
    h = harness(load_prod(spec), applier=applier)
    h.start()
    assert h.run(person=True).current_step.action == "pause"
    h.steer("promote", full=True)
    rec = h.ledger.read("prod")
    assert rec.status in (Status.SUCCEEDED, Status.COMPLETED)
    tail = [(str(c.purpose), c.target.weights.green, seen(applier, c.target)[1]) for c, _ in applier.history][-3:]
    assert tail[:2] == [("scale", 10, 4), ("weight", 100, 4)]


def test_match_traffic_weight_scales_before_each_weight(spec_with, load_prod, harness) -> None:
    spec = spec_with({"steps": [{"setCanaryScale": {"matchTrafficWeight": True}}, {"setWeight": 34},
                                {"setWeight": 67}]})
    applier = offline(spec)
    h = harness(load_prod(spec), applier=applier)
    h.start()
    h.run()
    walked = [(change.target.weights.green, seen(applier, change.target)[1]) for change, _ in applier.history]
    # 4 replicas: 0 % -> 0, 34 % -> ceil(1.36) = 2 before the weight, 67 % -> ceil(2.68) = 3, full, 100
    assert walked == [(0, 4), (0, 0), (0, 2), (34, 2), (34, 3), (67, 3), (67, 4), (100, 4), (100, 4)]


def test_start_refuses_what_the_backend_cannot_route(spec_with, tmp_path) -> None:
    spec = spec_with({"steps": [ROUTE, {"setWeight": 20}]})
    (item,) = load_stacks(["lambda-prod"], spec)
    with pytest.raises(InvalidRequestError) as caught:
        prepare(item.stack, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.5.0")
    assert "step 2 (setHeaderRoute beta): setHeaderRoute beta: the Lambda router is an alias" in str(caught.value)


def test_synthetic_provider_used_here_is_seeded() -> None:
    assert SyntheticProvider(ProviderContext({"seed": 3})).seed == 3
