"""The spec loads, validates every problem at once, and names field and file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tricolor.spec.durations import parse_duration
from tricolor.spec.errors import SpecError, SpecFileError
from tricolor.spec.load import load_spec, parse_spec
from tricolor.spec.release import PRESETS, SetWeight

SPEC = Path(__file__).resolve().parents[2] / "service.yaml"


def test_example_spec_loads() -> None:
    spec = load_spec(SPEC)
    assert spec.name == "checkout"
    assert spec.port == 8080
    assert spec.secrets["DATABASE_PASSWORD"].config == "databasePassword"
    assert [d.name for d in spec.dependencies] == ["orders-db", "sessions"]
    assert "env.LOG_LEVEL" in spec.parity.allowed
    steps = spec.release.schedule
    assert isinstance(steps[0], SetWeight) and steps[0].set_weight == 10
    assert steps[-1] == SetWeight(setWeight=100)
    assert spec.release.rollback_window == timedelta(minutes=30)


def problems_of(data: object, file: str = "service.yaml") -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_spec(data, file)
    return [str(p) for p in caught.value.problems]


def test_every_problem_is_reported_at_once(spec_data: dict) -> None:
    del spec_data["image"]
    spec_data["colour"] = "blue"
    spec_data["port"] = 70000
    problems = problems_of(spec_data)
    assert len(problems) == 3
    assert "service.yaml: image: required key is missing" in problems
    assert "service.yaml: colour: unknown key (got 'blue')" in problems
    assert any(p.startswith("service.yaml: port:") and "65535" in p for p in problems)


@pytest.mark.parametrize(
    ("weight", "fragment"),
    [(120, "less than or equal to 100"), (-1, "greater than or equal to 0"),
     ("5", "valid integer"), (2.5, "valid integer")],
)
def test_bad_weights_name_the_step(spec_data: dict, weight: object, fragment: str) -> None:
    spec_data["release"]["steps"][0] = {"setWeight": weight}
    (problem,) = problems_of(spec_data)
    assert problem.startswith("service.yaml: release.steps[0].setWeight:")
    assert fragment in problem


@pytest.mark.parametrize(
    "name", ["Checkout", "check_out", "-checkout", "checkout-", "a" * 64, "chéckout"],
)
def test_service_name_must_be_a_dns_label(spec_data: dict, name: str) -> None:
    spec_data["name"] = name
    (problem,) = problems_of(spec_data)
    assert problem.startswith("service.yaml: name:")
    assert repr(name) in problem


def test_a_service_name_leaves_room_for_what_is_added_to_it(spec_data: dict) -> None:
    """A 63-character name was accepted, and every name made from it (checkout-green-config,
    tricolor-checkout-staging) was cut and hashed differently per color and stack: the
    policies then found blue and green, staging and prod different. 40 leaves the room."""
    spec_data["name"] = "a" * 40
    assert parse_spec(spec_data).name == "a" * 40
    spec_data["name"] = "a" * 41
    (problem,) = problems_of(spec_data)
    assert problem.startswith("service.yaml: name:") and "at most 40" in problem and "green-env-secrets" in problem


@pytest.mark.parametrize("image", ["", "UPPER/case:1", "repo:", "repo@sha256:short", "a b"])
def test_bad_image_reference(spec_data: dict, image: str) -> None:
    spec_data["image"] = image
    (problem,) = problems_of(spec_data)
    assert problem.startswith("service.yaml: image:")


@pytest.mark.parametrize("image", [
    "nginx", "nginx:1.27", "ghcr.io/acme/app:v2", "localhost:5000/a/b:1",
    "repo/app@sha256:" + "a" * 64, "repo/app:1.2@sha256:" + "b" * 64,
])
def test_good_image_references(spec_data: dict, image: str) -> None:
    spec_data["image"] = image
    assert parse_spec(spec_data).image == image


def test_release_needs_exactly_one_strategy(spec_data: dict) -> None:
    spec_data["release"]["preset"] = "blue-green"
    (problem,) = problems_of(spec_data)
    assert "exactly one of 'preset' or 'steps'" in problem


def test_unknown_preset_lists_known_ones(spec_data: dict) -> None:
    del spec_data["release"]["steps"]
    spec_data["release"]["preset"] = "yolo"
    (problem,) = problems_of(spec_data)
    assert "unknown preset 'yolo'" in problem
    for name in PRESETS:
        assert name in problem


def test_steps_never_go_down(spec_data: dict) -> None:
    spec_data["release"]["steps"] = [{"setWeight": 50}, {"pause": "1m"}, {"setWeight": 20}]
    (problem,) = problems_of(spec_data)
    assert problem.startswith("service.yaml: release.steps[2]:")
    assert "goes down from 50 to 20 (steps[0] set 50)" in problem


def test_negative_pause_is_refused(spec_data: dict) -> None:
    spec_data["release"]["steps"][1] = {"pause": "-5m"}
    (problem,) = problems_of(spec_data)
    assert problem.startswith("service.yaml: release.steps[1].pause")
    assert "negative" in problem


def test_unknown_step_kind(spec_data: dict) -> None:
    spec_data["release"]["steps"][1] = {"sleep": "5m"}
    (problem,) = problems_of(spec_data)
    assert problem.startswith("service.yaml: release.steps[1]:")
    assert "setWeight" in problem


def test_pause_forms() -> None:
    from tricolor.spec.release import Pause

    assert Pause.model_validate({"pause": "90s"}).pause.duration == timedelta(seconds=90)
    assert Pause.model_validate({"pause": {}}).pause.duration is None


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_end_at_full_weight(preset: str, spec_data: dict) -> None:
    del spec_data["release"]["steps"]
    spec_data["release"]["preset"] = preset
    schedule = parse_spec(spec_data).release.schedule
    weights = [s.set_weight for s in schedule if isinstance(s, SetWeight)]
    assert weights[-1] == 100
    assert weights == sorted(weights)


def test_secret_and_env_names_may_not_clash(spec_data: dict) -> None:
    spec_data["env"]["DATABASE_PASSWORD"] = "oops"
    (problem,) = problems_of(spec_data)
    assert "DATABASE_PASSWORD" in problem


def test_yaml_numbers_in_env_become_text(spec_data: dict) -> None:
    spec_data["env"]["RETRIES"] = 3
    spec_data["env"]["DEBUG"] = True
    spec = parse_spec(spec_data)
    assert spec.env["RETRIES"] == "3" and spec.env["DEBUG"] == "true"


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpecFileError) as caught:
        load_spec(tmp_path / "nope.yaml")
    assert str(tmp_path / "nope.yaml") in str(caught.value)
    assert "does not exist" in str(caught.value)


def test_not_yaml_is_named(write_spec) -> None:
    path = write_spec("name: [unclosed\n  image: x")
    with pytest.raises(SpecFileError) as caught:
        load_spec(path)
    assert f"{path}:2: is not valid YAML at column" in str(caught.value)


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("5m", 300), ("1h30m", 5400), ("2d", 172800), (0, 0)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["-1h", "forever", "", "5", "1.5", "1x", "m5"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration|negative"):
        parse_duration(text)
