"""What `tricolor plan --output json` renders is checked against real schemas:
the Kubernetes API schemas (kubernetes-validate), the Gateway API HTTPRoute CRD, and
Pulumi's own schema for Pulumi.yaml."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

KUBERNETES_VERSION = kubernetes_validate.utils.latest_version()


@pytest.fixture(scope="session")
def plan_json(root: Path) -> dict[str, Any]:
    from typer.testing import CliRunner

    from tricolor.cli.app import app

    result = CliRunner().invoke(app, ["plan", "--stack", "staging", "--stack", "prod", "--output", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def httproute_validator(fixtures: Path) -> jsonschema.protocols.Validator:
    crd = yaml.safe_load((fixtures / "gateway-api/httproutes.yaml").read_text())
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    schema = version["schema"]["openAPIV3Schema"]
    return jsonschema.Draft7Validator(schema)


def kubernetes_objects(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["inputs"] for s in plan["stacks"] for r in s["resources"] if r["type"].startswith("kubernetes:")]


def test_plan_renders_kubernetes_objects(plan_json: dict[str, Any]) -> None:
    kinds = {o["kind"] for o in kubernetes_objects(plan_json)}
    assert {"Namespace", "ConfigMap", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler",
            "PodDisruptionBudget", "StatefulSet", "HTTPRoute"} <= kinds


def test_every_core_object_validates_against_the_kubernetes_schemas(plan_json: dict[str, Any]) -> None:
    checked = 0
    for obj in kubernetes_objects(plan_json):
        if obj["kind"] == "HTTPRoute":
            continue
        document = copy.deepcopy(obj)
        if document["kind"] == "Secret":
            document["stringData"] = {"DATABASE_PASSWORD": "x"}  # redacted in plan output
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        checked += 1
    assert checked >= 20


def test_the_kubernetes_check_rejects_a_broken_object(plan_json: dict[str, Any]) -> None:
    deployment = next(o for o in kubernetes_objects(plan_json) if o["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    broken["spec"]["replicas"] = "four"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_every_httproute_validates_against_the_crd(plan_json: dict[str, Any], httproute_validator) -> None:
    routes = [o for o in kubernetes_objects(plan_json) if o["kind"] == "HTTPRoute"]
    assert len(routes) == 2
    for route in routes:
        errors = sorted(httproute_validator.iter_errors(route), key=str)
        assert not errors, [e.message for e in errors]


def test_upstream_examples_validate_too(fixtures: Path, httproute_validator) -> None:
    examples = sorted((fixtures / "gateway-api").glob("example-*.yaml"))
    assert len(examples) == 3
    for path in examples:
        for document in yaml.safe_load_all(path.read_text()):
            if document and document.get("kind") == "HTTPRoute":
                assert not list(httproute_validator.iter_errors(document)), path.name


def test_the_crd_check_rejects_out_of_range_weights(plan_json: dict[str, Any], httproute_validator) -> None:
    route = copy.deepcopy(next(o for o in kubernetes_objects(plan_json) if o["kind"] == "HTTPRoute"))
    route["spec"]["rules"][-1]["backendRefs"][0]["weight"] = 2_000_000
    assert list(httproute_validator.iter_errors(route))


def test_pulumi_yaml_validates_against_pulumis_schema(root: Path, fixtures: Path) -> None:
    schema = json.loads((fixtures / "pulumi-schema/project.json").read_text())
    project = yaml.safe_load((root / "Pulumi.yaml").read_text())
    jsonschema.Draft202012Validator(schema).validate(project)
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == ".venv"
    assert project["main"] == "stacks/"
    assert project["stackConfigDir"] == "stacks"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate({**project, "runtime": 3})
