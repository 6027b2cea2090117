"""``release.strategy``, ``release.rollingUpdate`` and ``release.migrations`` in the spec:
defaults, the stack override ``parity.allowed`` permits, and every problem named by its
field."""

from __future__ import annotations

from typing import Any

import pytest

from tricolor.spec.errors import SpecError
from tricolor.spec.load import validate_model
from tricolor.spec.model import ServiceSpec
from tricolor.spec.strategies import surge_of
from tricolor.stacks.config import load_stacks

MIGRATIONS = {"command": ["./migrate"], "expand": ["up"], "contract": ["cleanup"]}


def problems(data: dict[str, Any]) -> list[str]:
    try:
        validate_model(ServiceSpec, data, "service.yaml")
    except SpecError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_blue_green_is_the_default_and_rolling_has_safe_update_settings(spec_data) -> None:
    spec = validate_model(ServiceSpec, spec_data, "service.yaml")
    assert spec.release.strategy == "blueGreen" and spec.release.migrations is None
    update = spec.release.rolling_update
    assert (update.max_surge, update.max_unavailable, update.pause.total_seconds()) == ("25%", 0, 300)


def test_a_stack_overrides_the_strategy_only_where_parity_allows_it(spec_data, write_spec) -> None:
    (small,) = load_stacks(["small"])
    assert small.stack.spec.release.strategy == "rolling" and small.stack.base_spec.release.strategy == "blueGreen"
    spec_data["parity"]["allowed"].remove("release.strategy")
    with pytest.raises(SpecError, match=r"overriding 'release.strategy' is not allowed"):
        load_stacks(["small"], write_spec(spec_data))


def test_an_unknown_strategy_is_named_with_a_suggestion(spec_data) -> None:
    spec_data["release"]["strategy"] = "blue-green"
    (problem,) = problems(spec_data)
    assert "release.strategy: unknown strategy 'blue-green'; strategies: blueGreen, rolling" in problem
    assert "did you mean 'blueGreen'?" in problem


def test_rolling_needs_no_steps_but_blue_green_does(spec_data) -> None:
    del spec_data["release"]["steps"]
    assert any("give exactly one of 'preset' or 'steps'" in p for p in problems(spec_data))
    spec_data["release"]["strategy"] = "rolling"
    assert problems(spec_data) == []


@pytest.mark.parametrize(("update", "fragment"), [
    ({"maxSurge": 0, "maxUnavailable": "0%"}, "both 0: the update could never replace a pod"),
    ({"maxSurge": "110%"}, "maxSurge: '110%' is not a count (2) or a percentage from 0% to 100%"),
    ({"maxUnavailable": -1}, "maxUnavailable: -1 is below 0"),
    ({"maxSurge": True}, "maxSurge: True is not a count"),
    ({"pause": "-1m"}, "rollingUpdate.pause"),
    ({"maxSurge": 1, "surge": 2}, "rollingUpdate.surge"),
])
def test_rolling_update_problems_name_the_field(spec_data, update: dict[str, Any], fragment: str) -> None:
    spec_data["release"]["rollingUpdate"] = update
    assert any(fragment in p for p in problems(spec_data)), problems(spec_data)


def test_surges_round_as_kubernetes_does() -> None:
    assert surge_of("25%", 3, round_up=True) == 1 and surge_of("25%", 3, round_up=False) == 0
    assert surge_of(2, 3, round_up=True) == 2 and surge_of("100%", 4, round_up=True) == 4


@pytest.mark.parametrize(("migrations", "fragment"), [
    ({"command": ["./migrate"]}, "give expand and/or contract"),
    ({**MIGRATIONS, "command": []}, "release.migrations.command"),
    ({**MIGRATIONS, "command": [" "]}, "the command's first word (the program) is empty"),
    ({**MIGRATIONS, "timeout": "500ms"}, "a migration needs a timeout of at least 1s"),
    ({**MIGRATIONS, "image": "Not An Image"}, "release.migrations.image: 'Not An Image' is not a valid image"),
    ({**MIGRATIONS, "phase": "expand"}, "release.migrations.phase"),
])
def test_migration_problems_name_the_field(spec_data, migrations: dict[str, Any], fragment: str) -> None:
    spec_data["release"]["migrations"] = migrations
    assert any(fragment in p for p in problems(spec_data)), problems(spec_data)


def test_migrations_read_as_phases_and_command_lines(spec_data) -> None:
    spec_data["release"]["migrations"] = {**MIGRATIONS, "contract": None}
    migrations = validate_model(ServiceSpec, spec_data, "service.yaml").release.migrations
    assert migrations is not None and migrations.phases() == ("expand",)
    assert migrations.command_line("expand") == ["./migrate", "up"] and migrations.args("contract") is None
