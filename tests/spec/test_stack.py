"""Stack configuration: environment, backend, and only the overrides the spec allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tricolor.spec.errors import SpecError
from tricolor.spec.load import load_spec
from tricolor.spec.stack import resolve_stack

SPEC = load_spec(Path(__file__).resolve().parents[2] / "service.yaml")


def resolve(config: dict, name: str = "prod"):
    return resolve_stack(name, config, SPEC, "Pulumi.prod.yaml")


def problems(config: dict, name: str = "prod") -> list[str]:
    with pytest.raises(SpecError) as caught:
        resolve(config, name)
    return [str(p) for p in caught.value.problems]


BASE = {"tricolor:environment": "production", "tricolor:backend": "kubernetes"}


def test_allowed_overrides_change_the_effective_spec() -> None:
    stack = resolve({**BASE, "tricolor:overrides": {
        "replicas": 6, "env.LOG_LEVEL": "warn", "resources.limits.cpu": "2"}})
    assert stack.spec.replicas == 6
    assert stack.spec.env["LOG_LEVEL"] == "warn"
    assert stack.spec.resources.limits.cpu == "2"
    assert stack.base_spec.replicas == 3  # the shared spec itself is untouched


def test_override_outside_parity_allowed_is_refused() -> None:
    (problem,) = problems({**BASE, "tricolor:overrides": {"port": 9090}})
    assert problem.startswith("Pulumi.prod.yaml: config.tricolor:overrides.port:")
    assert "not allowed" in problem and "env.LOG_LEVEL" in problem


def test_allowed_override_with_a_bad_value_names_the_key() -> None:
    (problem,) = problems({**BASE, "tricolor:overrides": {"replicas": "many"}})
    assert problem.startswith("Pulumi.prod.yaml: config.tricolor:overrides.replicas:")


@pytest.mark.parametrize("weights", [
    {"blue": 120, "green": -20}, {"blue": -1, "green": 101}, {"blue": "5", "green": 95},
    {"blue": 2.5, "green": 97.5}, {"blue": 60, "green": 30},
])
def test_bad_config_weights(weights: dict) -> None:
    (problem,) = problems({**BASE, "tricolor:weights": weights})
    assert problem.startswith("Pulumi.prod.yaml: config.tricolor:weights")


def test_every_problem_of_a_stack_together() -> None:
    found = problems({"tricolor:environment": "qa", "tricolor:backend": "nomad", "tricolor:colour": "x"},
                     name="bad name!")
    assert any("stack name 'bad name!'" in p for p in found)
    assert any("config.tricolor:colour: unknown key" in p for p in found)
    assert any("config.tricolor:environment" in p for p in found)
    assert any("unknown backend 'nomad'" in p and "kubernetes, aws, docker" in p for p in found)


def test_weights_only_in_production() -> None:
    (problem,) = problems({"tricolor:environment": "staging", "tricolor:backend": "kubernetes",
                           "tricolor:weights": {"blue": 100, "green": 0}}, name="staging")
    assert "only for the production environment" in problem


def test_secret_config_keys_named_by_the_spec_are_accepted() -> None:
    stack = resolve({**BASE, "tricolor:databasePassword": "[secret]", "aws:region": "eu-west-1"})
    assert stack.other_config == {"aws:region": "eu-west-1"}


def test_images_and_weights_of_production() -> None:
    stack = resolve({**BASE, "tricolor:weights": {"blue": 90, "green": 10},
                     "tricolor:images": {"green": "ghcr.io/acme/checkout:1.5.0"}})
    assert stack.weights.as_dict() == {"blue": 90, "green": 10}
    assert stack.images == {"blue": SPEC.image, "green": "ghcr.io/acme/checkout:1.5.0"}
