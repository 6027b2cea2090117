"""Values the spec refuses when it loads (issues #10 item 11 and #11): non-finite
numbers, short intervals, overflowing durations, integers past Kubernetes' and AWS's
bounds, host names that are not DNS names, parity paths the spec does not have, and
analysis where a color has no traffic."""

from __future__ import annotations

import math
from typing import Any, get_args

import pytest
import yaml
from support import line_of

from tricolor.spec.errors import SpecError
from tricolor.spec.fields import Strict
from tricolor.spec.load import load_spec, parse_spec
from tricolor.spec.model import ServiceSpec
from tricolor.spec.stack import resolve_stack
from tricolor.spec.suggest import leaves, model_keys


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_spec(data, "service.yaml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("field", ["max", "min", "tolerance", "quantile"])
@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", "1.0e+400"])
def test_metric_numbers_are_finite(spec_problems, edited, field: str, value: str) -> None:
    text = edited("        max: 0.01\n", f"        {field}: {value}\n" if field != "max" else f"        max: {value}\n")
    (problem,) = spec_problems(text)
    line = line_of("        max: 0.01\n")
    where = f"service.yaml:{line}: release.analysis.metrics[0].{field}"
    assert problem.startswith(f"{where}: Input should be a finite number")


@pytest.mark.parametrize("value", [".nan", ".inf"])
def test_alpha_is_finite(spec_problems, edited, value: str) -> None:
    (problem,) = spec_problems(edited("    minSamples: 200\n", f"    minSamples: 200\n    alpha: {value}\n"))
    line = line_of("    minSamples: 200\n") + 1
    assert problem.startswith(f"service.yaml:{line}: release.analysis.alpha: Input should be a finite number")


def _float_fields(model: type, seen: set[type]) -> list[str]:
    """Every float field reachable from ``model`` (``Model.key``)."""
    if model in seen:
        return []
    seen.add(model)
    found = []
    for key, annotation in model_keys(model).items():
        for leaf in leaves(annotation):
            inner = [leaf, *get_args(leaf)]
            if float in inner:
                found.append(f"{model.__name__}.{key}")
            for candidate in inner:
                for sub in leaves(candidate):
                    if isinstance(sub, type) and issubclass(sub, Strict):
                        found += _float_fields(sub, seen)
    return found


def test_every_float_field_refuses_nan_whatever_its_name() -> None:
    fields = _float_fields(ServiceSpec, set())
    assert {"Metric.max", "Metric.tolerance", "Analysis.alpha"} <= set(fields)
    for model in [ServiceSpec, *Strict.__subclasses__()]:
        assert model.model_config.get("allow_inf_nan") is False, model


@pytest.mark.parametrize(("value", "fragment"), [
    ("0s", "interval 0s is below 1s"), ("500ms", "interval 500ms is below 1s"), ("0", "interval 0s is below 1s"),
])
def test_interval_is_at_least_a_second(spec_problems, edited, value: str, fragment: str) -> None:
    (problem,) = spec_problems(edited("    interval: 1m", f"    interval: {value}"))
    line = line_of("    interval: 1m")
    assert problem.startswith(f"service.yaml:{line}: release.analysis.interval:") and fragment in problem


@pytest.mark.parametrize(("old", "new", "path"), [
    ("  rollbackWindow: 30m", "  rollbackWindow: 99999999999999999999d", "release.rollbackWindow"),
    ("  rollbackWindow: 30m", "  rollbackWindow: 366d", "release.rollbackWindow"),
    ("    - pause: 5m\n", f"    - pause: {10**30}\n", "release.steps[1].pause.duration"),
    ("    - pause: 5m\n", "    - pause: 1.0e+300\n", "release.steps[1].pause.duration"),
    ("    interval: 1m", "    interval: 9000000h", "release.analysis.interval"),
    ("timeout: 2s}", "timeout: 100000000000000d}", "release.smokeTests[0].timeout"),
])
def test_durations_are_bounded_without_overflow(spec_problems, edited, old: str, new: str, path: str) -> None:
    (problem,) = spec_problems(edited(old, new))
    assert f": {path}:" in problem and "longer than the limit of 365d" in problem


def test_365_days_is_fine(tmp_path, edited) -> None:
    path = tmp_path / "service.yaml"
    path.write_text(edited("  rollbackWindow: 30m", "  rollbackWindow: 365d"))
    assert load_spec(path).release.rollback_window.days == 365


@pytest.mark.parametrize(("old", "new", "path", "limit"), [
    ("replicas: 3", f"replicas: {10**30}", "replicas", "5000"),
    ("replicas: 3", f"replicas: {2**31}", "replicas", "5000"),
    ("replicas: 3", "replicas: 5001", "replicas", "5000"),
    ("maxReplicas: 12", f"maxReplicas: {10**30}", "autoscaling.maxReplicas", "5000"),
    ("disruptionBudget: {minAvailable: 2}", f"disruptionBudget: {{minAvailable: {2**40}}}",
     "disruptionBudget.minAvailable", "5000"),
    ("periodSeconds: 5,", f"periodSeconds: {2**31},", "probes.readiness.periodSeconds", str(2**31 - 1)),
    ("minSamples: 200", f"minSamples: {10**30}", "release.analysis.minSamples", str(2**31 - 1)),
    ("failureLimit: 1", f"failureLimit: {2**63}", "release.analysis.failureLimit", str(2**31 - 1)),
    ("minSamples: 200", "minSamples: 200\n    looks: 1000000", "release.analysis.looks", "100"),
])
def test_integers_are_bounded(spec_problems, edited, old: str, new: str, path: str, limit: str) -> None:
    (problem,) = spec_problems(edited(old, new))
    assert f": {path}: Input should be less than or equal to {limit}" in problem


def test_ten_to_the_thirty_replicas_through_a_stack_override(spec_data: dict) -> None:
    spec = parse_spec(spec_data)
    config = {"tricolor:environment": "production", "tricolor:backend": "kubernetes",
              "tricolor:overrides": {"replicas": 10**30}}
    with pytest.raises(SpecError) as caught:
        resolve_stack("prod", config, spec, "Pulumi.prod.yaml")
    (problem,) = map(str, caught.value.problems)
    assert problem.startswith("Pulumi.prod.yaml: config.tricolor:overrides.replicas: Input should be less than")


@pytest.mark.parametrize("host", [
    "bad_host!", "Checkout.example.com", "checkout.example.com.", "-a.example.com", "a..b", "*", "a.*.b",
    "10.0.0.1", "*.10.0.0.1", "x" * 64 + ".com", ".".join(["a" * 50] * 6), "", "checkout.example.com\n",
])
def test_hostnames_must_be_dns_names(spec_data: dict, host: str) -> None:
    spec_data["routing"]["hostnames"] = [host]
    (problem,) = problems_of(spec_data)
    assert problem.startswith("service.yaml: routing.hostnames[0]:")


@pytest.mark.parametrize("host", ["checkout.example.com", "*.example.com", "localhost", "a-1.b-2.example",
                                  "xn--bcher-kva.example"])
def test_good_hostnames(spec_data: dict, host: str) -> None:
    spec_data["routing"]["hostnames"] = [host]
    assert parse_spec(spec_data).routing.hostnames == [host]


def test_hostnames_are_listed_once(spec_data: dict) -> None:
    spec_data["routing"]["hostnames"] = ["a.example.com", "a.example.com"]
    assert problems_of(spec_data) == ["service.yaml: routing.hostnames[1]: 'a.example.com' is listed twice"]


def test_stack_hostnames_are_dns_names(spec_data: dict) -> None:
    config = {"tricolor:environment": "staging", "tricolor:backend": "kubernetes",
              "tricolor:hostnames": ["ok.example.com", "bad_host!"]}
    with pytest.raises(SpecError) as caught:
        resolve_stack("staging", config, parse_spec(spec_data), "Pulumi.staging.yaml")
    (problem,) = map(str, caught.value.problems)
    assert problem.startswith("Pulumi.staging.yaml: config.tricolor:hostnames[1]: 'bad_host!' is not a DNS host name")


@pytest.mark.parametrize(("pattern", "fragment"), [
    ("env.LOG_LEVL", "'env.LOG_LEVL' is not a path of the spec; did you mean 'env.LOG_LEVEL'?"),
    ("replica", "did you mean 'replicas'?"),
    ("autoscaling.minReplica", "did you mean 'autoscaling.minReplicas'?"),
    ("resources.limit.cpu", "did you mean 'resources.limits.cpu'?"),
    ("env.DATABASE_PASSWORD", "did you mean 'secrets.DATABASE_PASSWORD'?"),
    ("secrets.LOG_LEVEL", "is not a path of the spec"),
    ("resourcs.*", "matches no path of the spec; did you mean 'resources'?"),
    ("env.NOPE_*", "matches no path of the spec"),
    ("probes.*.path", "a '*' is allowed only at the end of a path"),
    ("replicas[0]", "is not a dotted path"),
])
def test_parity_paths_must_exist(spec_data: dict, pattern: str, fragment: str) -> None:
    spec_data["parity"]["allowed"].append(pattern)
    (problem,) = problems_of(spec_data)
    index = len(spec_data["parity"]["allowed"]) - 1
    assert problem.startswith(f"service.yaml: parity.allowed[{index}]:") and fragment in problem, problem


@pytest.mark.parametrize("pattern", [
    "replicas", "resources.*", "resources.limits.cpu", "env.*", "env.LOG_*", "secrets.DATABASE_PASSWORD",
    "secrets.*", "routing.hostnames", "dependencies.size", "probes.readiness.periodSeconds", "image", "weight",
    "release.analysis.providerSettings.url", "*", "autoscaling",
])
def test_parity_paths_that_exist(spec_data: dict, pattern: str) -> None:
    spec_data["parity"]["allowed"].append(pattern)
    assert pattern in parse_spec(spec_data).parity.allowed


def test_parity_checks_survive_other_problems(spec_data: dict) -> None:
    spec_data["env"]["bad name"] = "x"  # env fails: its names are unknown, env.* paths are not judged
    spec_data["parity"]["allowed"] += ["env.ANYTHING", "replicaz"]
    index = len(spec_data["parity"]["allowed"]) - 1
    problems = problems_of(spec_data)
    assert any(p.startswith("service.yaml: env.'bad name':") for p in problems)
    assert any(f"parity.allowed[{index}]: 'replicaz' is not a path" in p for p in problems)
    assert not any("ANYTHING" in p for p in problems)


def _steps(*steps: object) -> list[object]:
    return list(steps)


@pytest.mark.parametrize(("steps", "index", "fragment"), [
    (_steps({"analysis": {}}, {"setWeight": 10}, {"setWeight": 100}), 0, "no traffic"),
    (_steps({"pause": "1m"}, {"analysis": {}}, {"setWeight": 100}), 1, "no traffic"),
    (_steps({"setWeight": 0}, {"analysis": {}}, {"setWeight": 100}), 1, "no traffic"),
    (_steps({"setWeight": 10}, {"setWeight": 100}, {"analysis": {}}), 2, "no baseline"),
    (_steps({"setWeight": 100}, {"pause": "1m"}, {"analysis": {"metrics": ["error-rate"]}}), 2, "no baseline"),
])
def test_analysis_only_where_both_colors_have_traffic(spec_data: dict, steps: list, index: int,
                                                      fragment: str) -> None:
    spec_data["release"]["steps"] = steps
    (problem,) = problems_of(spec_data)
    assert problem.startswith(f"service.yaml: release.steps[{index}]: ") and fragment in problem


def test_analysis_between_setweights_is_fine(spec_data: dict) -> None:
    spec_data["release"]["steps"] = [{"setWeight": 1}, {"analysis": {}}, {"setWeight": 99}, {"analysis": {}}]
    assert len(parse_spec(spec_data).release.schedule) == 5


def test_every_step_problem_at_once(spec_data: dict) -> None:
    spec_data["release"]["steps"] = [{"analysis": {"metrics": ["nope"]}}, {"setWeight": 50}, {"setWeight": 20},
                                     {"setWeight": 100}, {"analysis": {}}]
    problems = problems_of(spec_data)
    assert [p.split(":")[1].strip() for p in problems] == [
        "release.steps[2]", "release.steps[0]", "release.steps[0]", "release.steps[4]"]


def test_yaml_nan_through_the_command(cli, write_spec, edited, refused) -> None:
    path = write_spec(edited("        max: 0.01\n", "        max: .nan\n"))
    line = line_of("        max: 0.01\n")
    where = f"{path}:{line}: release.analysis.metrics[0].max"
    refused(cli("plan", "--spec", str(path)), f"{where}: Input should be a finite")


def test_finite_numbers_still_load(spec_data: dict) -> None:
    spec_data["release"]["analysis"]["metrics"][0]["max"] = 1
    metric = parse_spec(spec_data).release.analysis.metrics[0]
    assert metric.max == 1.0 and math.isfinite(metric.max)
    assert yaml.safe_load("x: .nan")["x"] != yaml.safe_load("x: .nan")["x"]  # what the reader gets from YAML
