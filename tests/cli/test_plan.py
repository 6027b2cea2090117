"""`tricolor plan`: the main job, offline; bad input stops it cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml


def test_plan_text_shows_trees_and_schedule(cli) -> None:
    result = cli("plan", "--stack", "staging", "--stack", "prod")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "staging (staging, kubernetes)" in out and "prod (production, kubernetes)" in out
    assert "tricolor:kubernetes:BlueGreen" in out and "checkout-green-deployment" in out
    assert "release schedule" in out and "set weight 10%" in out and "pause 5m" in out


def test_plan_json_document(cli) -> None:
    result = cli("plan", "--stack", "prod", "--output", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    (stack,) = doc["stacks"]
    assert (stack["stack"], stack["environment"], stack["backend"]) == ("prod", "production", "kubernetes")
    first = stack["resources"][0]
    assert set(first) == {"urn", "type", "name", "parent", "inputs"}
    urns = {r["urn"] for r in stack["resources"]}
    assert all(r["parent"] in urns or r["parent"].endswith("pulumi:pulumi:Stack::tricolor-prod")
               for r in stack["resources"])


def test_plan_with_another_spec(cli, spec_data: dict, write_spec) -> None:
    spec_data["name"] = "billing"
    result = cli("plan", "--stack", "staging", "--spec", str(write_spec(spec_data)), "--output", "json")
    assert result.exit_code == 0, result.stderr
    names = {r["name"] for r in json.loads(result.stdout)["stacks"][0]["resources"]}
    assert "billing-deployment" in names


def assert_clean_failure(result: Any, *fragments: str) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""  # nothing rendered
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def bad(spec_data: dict, change) -> dict:
    change(spec_data)
    return spec_data


@pytest.mark.parametrize(("change", "fragments"), [
    (lambda d: d.pop("image"), ["image: required key is missing"]),
    (lambda d: d.update(colour="blue"), ["colour: unknown key"]),
    (lambda d: d["release"]["steps"].__setitem__(0, {"setWeight": 120}), ["release.steps[0].setWeight"]),
    (lambda d: d["release"]["steps"].__setitem__(0, {"setWeight": -1}), ["release.steps[0].setWeight"]),
    (lambda d: d["release"]["steps"].__setitem__(0, {"setWeight": "5"}), ["release.steps[0].setWeight"]),
    (lambda d: d["release"]["steps"].__setitem__(0, {"setWeight": 2.5}), ["release.steps[0].setWeight"]),
    (lambda d: d.update(name="Checkout_Service"), ["name:", "DNS-1123"]),
    (lambda d: d.update(name="c" * 64), ["name:", "63"]),
])
def test_bad_spec(cli, spec_data: dict, write_spec, change, fragments: list[str]) -> None:
    path = write_spec(bad(spec_data, change))
    assert_clean_failure(cli("plan", "--spec", str(path)), str(path), *fragments)


def test_spec_that_is_not_yaml(cli, write_spec) -> None:
    path = write_spec("apiVersion: tricolor.dev/v1\nname: [oops\n")
    assert_clean_failure(cli("plan", "--spec", str(path)), str(path), "not valid YAML")


def test_spec_that_does_not_exist(cli, tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    assert_clean_failure(cli("plan", "--spec", str(path)), str(path), "does not exist")


def write_stacks(tmp_path: Path, root: Path, prod_config: dict) -> Path:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.staging.yaml").write_text((root / "stacks/Pulumi.staging.yaml").read_text())
    (stacks / "Pulumi.prod.yaml").write_text(yaml.safe_dump({"config": prod_config}))
    return stacks


PROD = {"tricolor:environment": "production", "tricolor:backend": "kubernetes"}


@pytest.mark.parametrize(("config", "fragments"), [
    ({**PROD, "tricolor:overrides": {"port": 9090}}, ["config.tricolor:overrides.port", "not allowed"]),
    ({**PROD, "tricolor:weights": {"blue": 120, "green": -20}}, ["config.tricolor:weights", "120"]),
    ({**PROD, "tricolor:weights": {"blue": "5", "green": 95}}, ["config.tricolor:weights", "'5'"]),
    ({**PROD, "tricolor:weights": {"blue": 2.5, "green": 97.5}}, ["config.tricolor:weights", "2.5"]),
    ({**PROD, "tricolor:backend": "nomad"}, ["unknown backend 'nomad'", "kubernetes, aws, docker"]),
])
def test_bad_stack_config(cli, tmp_path: Path, root: Path, config: dict, fragments: list[str]) -> None:
    stacks = write_stacks(tmp_path, root, config)
    result = cli("plan", "--stacks-dir", str(stacks))
    assert_clean_failure(result, str(stacks / "Pulumi.prod.yaml"), *fragments)


def test_unknown_stack(cli) -> None:
    assert_clean_failure(cli("plan", "--stack", "qa"), "no such stack 'qa'", "staging, prod")


def test_the_real_command_exits_non_zero_without_traceback(tmp_path: Path) -> None:
    tricolor = Path(sys.executable).parent / "tricolor"
    proc = subprocess.run([str(tricolor), "plan", "--spec", str(tmp_path / "nope.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_plan_renders_a_preview_stack_offline(cli) -> None:
    from tricolor.previews import preview_names

    name = preview_names(42, "feat/new-cart", "checkout").stack
    result = cli("plan", "--stack", name, "--output", "json")
    assert result.exit_code == 0, result.stderr
    (stack,) = json.loads(result.stdout)["stacks"]
    assert (stack["stack"], stack["environment"]) == (name, "preview")
    route = next(r for r in stack["resources"] if r["type"].endswith("HTTPRoute"))["inputs"]
    assert route["metadata"]["labels"]["tricolor.dev/pr"] == "42"
    assert route["spec"]["hostnames"] == [f"{name}.checkout.example.com"]  # never production's host


def test_each_environment_answers_on_its_own_hostnames(rendered_k8s: dict) -> None:
    def hosts(stack: str) -> list[str]:
        return rendered_k8s[stack].find("checkout-router-route").inputs["spec"]["hostnames"]

    assert hosts("staging") == ["checkout.staging.example.com"]
    assert hosts("prod") == ["checkout.example.com"]
