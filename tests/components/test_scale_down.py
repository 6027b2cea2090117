"""A color the release scaled down after its rollback window runs nothing, on every
backend, while the other color is untouched; a plain render without the ledger keeps
both running."""

from __future__ import annotations

from typing import Any

import pytest

from tricolor.spec.weights import Weights
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import render
from tricolor.stacks.state import ReleaseState


def rendered(stack: str, scaled_down: str | None) -> dict[str, Any]:
    (item,) = load_stacks([stack])
    state = ReleaseState(Weights.all_on("green"), dict(item.stack.images), scaled_down)  # type: ignore[arg-type]
    return {r.name: r for r in render(item, state).resources}


@pytest.mark.parametrize(("stack", "check"), [
    ("prod", lambda res, color: (
        res[f"checkout-{color}-deployment"].inputs["spec"]["replicas"],
        f"checkout-{color}-autoscaler" in res)),
    ("aws-prod", lambda res, color: (
        res[f"checkout-{color}-service"].inputs["desiredCount"],
        f"checkout-{color}-scaling" in res)),
    ("local", lambda res, color: (
        0 if res[f"checkout-{color}-container"].inputs.get("start") is False else 1, None)),
    ("lambda-prod", lambda res, color: (
        res[f"checkout-{color}-concurrency"].inputs["provisionedConcurrentExecutions"]
        if f"checkout-{color}-concurrency" in res else 0, None)),
])
def test_scaled_down_color_runs_nothing(stack: str, check) -> None:
    both = rendered(stack, None)
    blue_scaled = rendered(stack, "blue")
    assert check(blue_scaled, "blue")[0] == 0
    assert check(blue_scaled, "green") == check(both, "green")  # the live color is untouched
    assert check(both, "blue")[0] != 0
    if check(both, "blue")[1] is not None:
        assert check(both, "blue")[1] is True and check(blue_scaled, "blue")[1] is False
