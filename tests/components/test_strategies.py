"""Each strategy rendered for each backend through the mock runtime (the real program):
``blueGreen`` is two colors and a router; ``rolling`` is ONE environment with the image
in force, updated in place by the platform's rolling update (Kubernetes
``RollingUpdate`` from ``release.rollingUpdate``, ECS's deployment bounds with its
circuit breaker, Docker recreate, the Lambda alias on the one version), behind a router
with one target. Kubernetes objects are checked against the Kubernetes schemas and the
Gateway API CRD, like the other renders."""

from __future__ import annotations

import copy
import importlib
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tricolor.spec.stack import BACKENDS
from tricolor.stacks.config import load_stacks, read_stack_config
from tricolor.stacks.render import Rendered, render
from tricolor.stacks.state import ReleaseState

render_module = importlib.import_module("tricolor.stacks.render")

ROOT = Path(__file__).resolve().parents[2]
STACKS = {"kubernetes": "prod", "aws": "aws-prod", "docker": "local", "lambda": "lambda-prod"}
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout"
KUBERNETES_VERSION = kubernetes_validate.utils.latest_version()


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example spec with its rolling update tuned (a count and a percentage)."""
    data = yaml.safe_load((ROOT / "service.yaml").read_text())
    data["release"]["rollingUpdate"] = {"maxSurge": 1, "maxUnavailable": "50%", "pause": "1m"}
    path = tmp_path_factory.mktemp("spec") / "service.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def images(backend: str) -> dict[str, str]:
    repo = ECR if backend == "lambda" else "ghcr.io/acme/checkout"
    return {"blue": f"{repo}:1.4.2", "green": f"{repo}:1.5.0"}


_cache: dict[tuple[str, str], tuple[Rendered, dict[str, bool]]] = {}


def rendered(backend: str, strategy: str, spec: Path) -> tuple[Rendered, dict[str, bool]]:
    """The backend's production stack with ``strategy``, green in force (0/100), and
    each resource's ``deleteBeforeReplace`` option by name."""
    key = (backend, strategy)
    if key not in _cache:
        name = STACKS[backend]
        config, secure = read_stack_config(name)
        overrides = {**config.get("tricolor:overrides", {}), "release.strategy": strategy}
        config = {**config, "tricolor:overrides": overrides}
        (item,) = load_stacks([name], spec, configs={name: (config, secure)})
        options: dict[str, bool] = {}
        original = render_module._RecordingMonitor.RegisterResource

        def spy(self: Any, request: Any) -> Any:
            options[request.name] = bool(request.deleteBeforeReplace)
            return original(self, request)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(render_module._RecordingMonitor, "RegisterResource", spy)
            result = render(item, ReleaseState(weights=item.stack.weights.all_on("green"), images=images(backend)))
        _cache[key] = (result, options)
    return _cache[key]


def by_type(r: Rendered, suffix: str) -> list[Any]:
    return [x for x in r.resources if x.type.endswith(suffix)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("strategy", ["blueGreen", "rolling"])
def test_each_strategy_renders_its_production_shape(backend: str, strategy: str, spec_file: Path) -> None:
    r, _ = rendered(backend, strategy, spec_file)
    types = [x.type for x in r.resources]
    environments = types.count(f"tricolor:{backend}:Environment")
    assert types.count(f"tricolor:{backend}:TrafficRouter") == 1
    if strategy == "blueGreen":
        assert environments == 2 and types.count(f"tricolor:{backend}:BlueGreen") == 1
        return
    assert environments == 1 and f"tricolor:{backend}:BlueGreen" not in types
    colored = [x.name for x in r.resources if any(c in x.name.split("-") for c in ("blue", "green"))]
    assert colored == [], colored  # one environment: nothing is named after a color
    # the image in force only (a Lambda function is created with the configured image, which
    # it ignores from then on: the published version carries the image)
    text = str([x.inputs for x in r.resources if not x.type.endswith("lambda/function:Function")])
    assert images(backend)["green"] in text and images(backend)["blue"] not in text


def test_kubernetes_rolling_deployment_takes_the_spec_rolling_update(spec_file: Path) -> None:
    r, _ = rendered("kubernetes", "rolling", spec_file)
    (deployment,) = by_type(r, ":Deployment")
    assert deployment.inputs["spec"]["strategy"] == {
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "50%"}}
    labels = deployment.inputs["spec"]["template"]["metadata"]["labels"]
    assert "tricolor.dev/color" not in labels and labels["app.kubernetes.io/version"] == "1.5.0"
    (route,) = by_type(r, ":HTTPRoute")
    (rule,) = route.inputs["spec"]["rules"]  # one target: no header rules, no split
    assert rule["backendRefs"] == [{"name": "checkout", "port": 80, "weight": 1}]


def test_ecs_rolling_service_takes_the_spec_rolling_update_with_its_circuit_breaker(spec_file: Path) -> None:
    r, _ = rendered("aws", "rolling", spec_file)
    (service,) = by_type(r, "ecs/service:Service")
    # 4 tasks: maxSurge 1 is 25 % up; maxUnavailable 50 % keeps 50 % healthy
    assert (service.inputs["deploymentMaximumPercent"], service.inputs["deploymentMinimumHealthyPercent"]) == (125, 50)
    assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    blue_green, _ = rendered("aws", "blueGreen", spec_file)
    assert {(s.inputs["deploymentMaximumPercent"], s.inputs["deploymentMinimumHealthyPercent"])
            for s in by_type(blue_green, "ecs/service:Service")} == {(200, 100)}


def test_docker_rolling_container_is_recreated(spec_file: Path) -> None:
    _, options = rendered("docker", "rolling", spec_file)
    assert options["checkout-container"] is True  # the old container stops before the new one starts
    _, blue_green = rendered("docker", "blueGreen", spec_file)
    assert blue_green["checkout-blue-container"] is False


def test_lambda_rolling_alias_moves_at_once_to_the_one_version(spec_file: Path) -> None:
    r, _ = rendered("lambda", "rolling", spec_file)
    (version,) = by_type(r, "dynamic/lambda:Version")
    assert version.inputs["image"] == images("lambda")["green"]
    (alias,) = by_type(r, "lambda/alias:Alias")  # no color aliases
    assert alias.inputs["name"] == "live" and "routingConfig" not in alias.inputs


def test_rolling_kubernetes_objects_validate_against_the_schemas(spec_file: Path, fixtures: Path) -> None:
    crd = yaml.safe_load((fixtures / "gateway-api/httproutes.yaml").read_text())
    (v1,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    route_schema = jsonschema.Draft7Validator(v1["schema"]["openAPIV3Schema"])
    r, _ = rendered("kubernetes", "rolling", spec_file)
    checked = 0
    for obj in (x.inputs for x in r.resources if x.custom):
        document = copy.deepcopy(obj)
        if document["kind"] == "HTTPRoute":
            assert not list(route_schema.iter_errors(document))
        else:
            if document["kind"] == "Secret":
                document["stringData"] = {"DATABASE_PASSWORD": "x"}  # redacted in the render
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        checked += 1
    assert checked >= 10
