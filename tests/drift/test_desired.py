"""Desired versus live: the Automation API's refresh events in the drift format, and a
plain message where the Pulumi CLI is absent."""

from __future__ import annotations

from typing import Any

import pytest

from tricolor.drift import DesiredStateError
from tricolor.drift.desired import desired_vs_live, pulumi_cli, result_from_events

URN = "urn:pulumi:prod::tricolor::tricolor:kubernetes:Environment$kubernetes:core/v1:ConfigMap::checkout-blue-config"
GONE = "urn:pulumi:prod::tricolor::tricolor:kubernetes:Environment$kubernetes:core/v1:Service::checkout-blue-service"


def _state(urn: str, outputs: dict[str, Any]) -> dict[str, Any]:
    return {"type": urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1], "urn": urn, "id": "x", "parent": "",
            "provider": "", "custom": True, "outputs": outputs}


def _event(op: str, urn: str, old: dict[str, Any], new: dict[str, Any] | None, sequence: int) -> Any:
    from pulumi.automation.events import EngineEvent

    metadata = {"op": op, "urn": urn, "type": _state(urn, {})["type"], "provider": "", "old": _state(urn, old),
                "diffs": sorted(set(old) ^ set(new or {}))}
    if new is not None:
        metadata["new"] = _state(urn, new)
    return EngineEvent.from_json({"sequence": sequence, "timestamp": 0, "resourcePreEvent": {"metadata": metadata}})


def test_refresh_events_become_differences() -> None:
    events = [
        _event("update", URN, {"data": {"LOG_LEVEL": "info", "MODE": "a"}, "metadata": {"resourceVersion": "1"}},
               {"data": {"LOG_LEVEL": "debug", "MODE": "b"}, "metadata": {"resourceVersion": "9"}}, 1),
        _event("delete", GONE, {"spec": {"type": "ClusterIP"}}, None, 2),
    ]
    result = result_from_events("prod", events, allowed=["env.LOG_LEVEL"])
    assert result.environments == ("prod (state)", "prod (live)")
    found = {(d.resource, d.path): d for d in result.differences}
    assert set(found) == {
        ("kubernetes:core/v1:ConfigMap::checkout-blue-config", "data.LOG_LEVEL"),
        ("kubernetes:core/v1:ConfigMap::checkout-blue-config", "data.MODE"),
        ("kubernetes:core/v1:Service::checkout-blue-service", ""),
    }
    assert found[("kubernetes:core/v1:ConfigMap::checkout-blue-config", "data.LOG_LEVEL")].status == "allowed"
    assert found[("kubernetes:core/v1:ConfigMap::checkout-blue-config", "data.MODE")].values == {
        "prod (state)": "a", "prod (live)": "b"}
    gone = found[("kubernetes:core/v1:Service::checkout-blue-service", "")]
    assert gone.kind == "missing" and gone.values["prod (live)"] is None and result.exit_code == 2


def test_a_clear_message_without_the_pulumi_cli(tmp_path: Any) -> None:
    with pytest.raises(DesiredStateError) as info:
        pulumi_cli(which=lambda name: None)
    assert "needs the Pulumi CLI" in str(info.value) and "tricolor drift --stacks" in str(info.value)
    with pytest.raises(DesiredStateError, match="needs the Pulumi CLI"):
        import os

        saved = os.environ["PATH"]
        os.environ["PATH"] = str(tmp_path)
        try:
            desired_vs_live("prod", tmp_path)
        finally:
            os.environ["PATH"] = saved
