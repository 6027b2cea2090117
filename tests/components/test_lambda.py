"""The Lambda backend: weights as alias routing (exact both ways), the alias at every step
of the example's release, staging without a split, settings refused before anything is
registered, what the program renders accepted by moto's Lambda, and the policies and
drift run over the Lambda stack."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tricolor.components import BackendLimitError
from tricolor.components.aws_lambda import AliasRouting, VersionProvider, alias_for, fraction, percent, weights_of
from tricolor.components.aws_lambda.metrics import metric_queries
from tricolor.drift import compare, snapshots_from_rendered
from tricolor.policies import check_rendered
from tricolor.spec.errors import SpecError
from tricolor.spec.release import SetWeight
from tricolor.spec.weights import Weights
from tricolor.stacks.config import load_stacks, read_stack_config
from tricolor.stacks.render import Rendered, render
from tricolor.stacks.state import ReleaseState

STACK = "lambda-prod"
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout"
IMAGES = {"blue": f"{ECR}:1.4.2", "green": f"{ECR}:1.5.0"}


def version_of(image: str) -> str:
    """The offline renderer's stand-in for the version published from ``image``."""
    return f"(version of {image}, known after deployment)"


# ---- weights <-> alias routing, pure -----------------------------------------------------

def test_every_whole_percentage_converts_exactly_both_ways() -> None:
    for weight in range(101):
        assert percent(fraction(weight)) == weight
    assert fraction(10) == 0.1 and fraction(0) == 0.0 and fraction(100) == 1.0


@pytest.mark.parametrize("value", [0.123, 1.5, -0.1, 0.333])
def test_a_fraction_that_is_no_whole_percentage_is_refused(value: float) -> None:
    with pytest.raises(BackendLimitError):
        percent(value)


def test_the_worked_examples() -> None:
    versions = {"blue": "7", "green": "8"}
    assert alias_for(versions, {"blue": 90, "green": 10}) == AliasRouting("7", {"8": 0.1})
    assert alias_for(versions, {"blue": 40, "green": 60}) == AliasRouting("8", {"7": 0.4})
    assert alias_for(versions, {"blue": 0, "green": 100}) == AliasRouting("8", {"7": 0.0})
    assert alias_for(versions, {"blue": 50, "green": 50}) == AliasRouting("7", {"8": 0.5})
    # One version for both colors: Lambda refuses an additional version equal to the primary.
    assert alias_for({"blue": "7", "green": "7"}, {"blue": 90, "green": 10}) == AliasRouting("7")
    assert alias_for({"main": "3"}, None).additional == {}  # no routing_config: all traffic on "3"


@given(green=st.integers(0, 100))
def test_the_alias_sends_what_the_weights_say(green: int) -> None:
    versions = {"blue": "11", "green": "12"}
    weights = {"blue": 100 - green, "green": green}
    alias = alias_for(versions, weights)
    assert len(alias.additional) == 1 and alias.function_version not in alias.additional
    assert all(0.0 <= share <= 1.0 for share in alias.additional.values())
    assert weights_of(alias, versions) == weights


@pytest.mark.parametrize(("versions", "weights", "message"), [
    ({"blue": "1", "green": "2", "red": "3"}, {"blue": 50, "green": 25, "red": 25}, "at most one additional"),
    ({"blue": "1", "green": "2"}, {"blue": 60, "green": 60}, "add up to 120"),
    ({"blue": "1", "green": "2"}, {"blue": 50, "purple": 50}, "weights name"),
    ({"blue": "1", "green": "2"}, None, "no weights to split"),
])
def test_what_no_alias_can_route_is_refused(versions: dict[str, str], weights: dict[str, int] | None,
                                            message: str) -> None:
    with pytest.raises(BackendLimitError, match=message):
        alias_for(versions, weights)


def test_metric_queries_of_a_color() -> None:
    errors, invocations, duration = metric_queries("checkout-lambda-prod", "live", "12")
    dims = {d["Name"]: d["Value"] for d in errors["MetricStat"]["Metric"]["Dimensions"]}
    assert dims == {"FunctionName": "checkout-lambda-prod", "Resource": "checkout-lambda-prod:live",
                    "ExecutedVersion": "12"}
    assert (errors["MetricStat"]["Metric"]["MetricName"], invocations["MetricStat"]["Metric"]["MetricName"],
            duration["MetricStat"]["Metric"]["MetricName"]) == ("Errors", "Invocations", "Duration")
    assert duration["MetricStat"]["Stat"] == "p99"


# ---- the rendered stack ------------------------------------------------------------------

def render_at(render_with: Callable[..., Rendered], green: int, images: dict[str, str] = IMAGES,
              outputs: dict[str, Any] | None = None, **changes: Any) -> Rendered:
    return render_with(STACK, {"tricolor:weights": {"blue": 100 - green, "green": green},
                               "tricolor:images": images, **changes}, outputs=outputs)


def test_the_alias_at_every_step_of_the_example_release(rendered_with: Callable[..., Rendered]) -> None:
    (item,) = load_stacks([STACK])
    steps = [0, *[s.set_weight for s in item.stack.spec.release.schedule if isinstance(s, SetWeight)]]
    assert steps == [0, 10, 25, 50, 100]
    blue, green = version_of(IMAGES["blue"]), version_of(IMAGES["green"])
    others: list[dict[str, Any]] = []
    for weight in steps:
        outputs: dict[str, Any] = {}
        r = render_at(rendered_with, weight, outputs=outputs)
        alias = r.find("checkout-router-alias").inputs
        assert alias["name"] == "live"
        primary, other, share = (blue, green, weight) if weight <= 50 else (green, blue, 100 - weight)
        assert alias["functionVersion"] == primary, weight
        assert alias["routingConfig"] == {"additionalVersionWeights": {other: share / 100}}, weight
        (router,) = r.by_type("tricolor:lambda:TrafficRouter")
        assert outputs[router.urn]["weights"] == {"blue": 100 - weight, "green": weight}
        others.append({x.name: x.inputs for x in r.resources if not x.name.startswith("checkout-router")})
    # A weight step changes the production alias only.
    assert all(other == others[0] for other in others[1:])


def test_each_color_is_its_own_version_with_its_own_alias(rendered_with: Callable[..., Rendered]) -> None:
    r = render_at(rendered_with, 10)
    for color in ("blue", "green"):
        version = r.find(f"checkout-{color}-version")
        assert version.type == "pulumi-python:dynamic/lambda:Version"
        assert version.inputs["image"] == IMAGES[color]
        assert version.inputs["function_name"] == "checkout-lambda-prod"
        alias = r.find(f"checkout-{color}-alias").inputs
        assert (alias["name"], alias["functionVersion"]) == (color, version_of(IMAGES[color]))
        concurrency = r.find(f"checkout-{color}-concurrency").inputs
        assert concurrency["qualifier"] == version_of(IMAGES[color])
        assert concurrency["provisionedConcurrentExecutions"] == 2  # the stack's replicas
    # Green publishes after blue: both go through $LATEST.
    green = r.find("checkout-green-version")
    assert r.find("checkout-blue-version").urn in _depends_on(rendered_with, green.urn)


def _depends_on(rendered_with: Callable[..., Rendered], urn: str) -> list[str]:
    """The explicit dependencies a registration carried (read from the mock monitor)."""
    import importlib

    render_module = importlib.import_module("tricolor.stacks.render")
    seen: dict[str, list[str]] = {}
    original = render_module._RecordingMonitor.RegisterResource

    def spy(self: Any, request: Any) -> Any:
        response = original(self, request)
        seen[response.urn] = list(request.dependencies)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render_module._RecordingMonitor, "RegisterResource", spy)
        render_at(rendered_with, 10)
    return seen[urn]


def test_the_function_keeps_secrets_as_references(rendered_with: Callable[..., Rendered]) -> None:
    r = render_at(rendered_with, 10)
    function = r.find("checkout-shared-function").inputs
    variables = function["environment"]["variables"]
    assert variables["DATABASE_PASSWORD_SECRET_ARN"].startswith("arn:aws:secretsmanager:")
    assert variables["STRIPE_API_KEY_SECRET_ARN"].startswith("arn:aws:ssm:")
    assert "DATABASE_PASSWORD" not in variables and "[secret]" not in str(function)
    assert variables["LOG_LEVEL"] == "info" and variables["DATABASE_PORT"] == "5432"
    assert function["memorySize"] == 512 and function["packageType"] == "Image" and function["publish"] is False
    assert function["vpcConfig"]["subnetIds"] == ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]


def test_same_image_in_both_colors_is_one_version_and_no_split(rendered_with: Callable[..., Rendered]) -> None:
    same = {"blue": IMAGES["blue"], "green": IMAGES["blue"]}
    outputs: dict[str, Any] = {}
    r = render_at(rendered_with, 10, images=same, outputs=outputs)
    alias = r.find("checkout-router-alias").inputs
    assert "routingConfig" not in alias and alias["functionVersion"] == version_of(IMAGES["blue"])
    (router,) = r.by_type("tricolor:lambda:TrafficRouter")
    assert outputs[router.urn]["weights"] == {"blue": 100, "green": 0}


def test_staging_is_one_function_with_an_alias_and_no_split(rendered_with: Callable[..., Rendered]) -> None:
    settings = read_stack_config(STACK)[0]["tricolor:lambda"]
    r = rendered_with("staging", {"tricolor:backend": "lambda", "tricolor:lambda": settings,
                                  "tricolor:image": IMAGES["green"], "aws:region": "eu-west-1"})
    assert len(r.by_type("aws:lambda/function:Function")) == 1
    (alias,) = r.by_type("aws:lambda/alias:Alias")
    assert alias.inputs["name"] == "live" and "routingConfig" not in alias.inputs
    assert alias.inputs["functionVersion"] == version_of(IMAGES["green"])
    assert r.find("checkout-shared-function").inputs["name"] == "checkout-staging"


def test_a_scaled_down_color_keeps_its_version_and_loses_its_concurrency() -> None:
    (item,) = load_stacks([STACK])
    state = ReleaseState(Weights.all_on("green"), dict(IMAGES), "blue")  # type: ignore[arg-type]
    names = {r.name for r in render(item, state).resources}
    assert "checkout-blue-version" in names and "checkout-blue-alias" in names
    assert "checkout-blue-concurrency" not in names and "checkout-green-concurrency" in names


# ---- refusals before anything is registered ---------------------------------------------

def registered(types: list[str]) -> list[str]:
    return [t for t in types if t != "pulumi:pulumi:Stack"]


def test_an_image_outside_ecr_is_refused(rendered_with: Callable[..., Rendered], registrations: list[str]) -> None:
    with pytest.raises(BackendLimitError, match=r"'ghcr.io/acme/checkout:2.0' is not an Amazon ECR image"):
        render_at(rendered_with, 10, images={"blue": IMAGES["blue"], "green": "ghcr.io/acme/checkout:2.0"})
    assert registered(registrations) == []


@pytest.mark.parametrize(("changes", "paths"), [
    ({"memorySize": 20000, "timeout": 901, "ephemeralStorage": 100},
     {"config.tricolor:lambda.memorySize", "config.tricolor:lambda.timeout",
      "config.tricolor:lambda.ephemeralStorage"}),
    ({"concurency": "provisioned"}, {"config.tricolor:lambda.concurency"}),
    ({"vpcId": None}, {"config.tricolor:lambda"}),
    ({"alias": "42"}, {"config.tricolor:lambda.alias"}),
])
def test_settings_beyond_lambdas_limits_are_refused_by_name(rendered_with: Callable[..., Rendered],
                                                           changes: dict[str, Any], paths: set[str]) -> None:
    settings = dict(read_stack_config(STACK)[0]["tricolor:lambda"])
    for key, value in changes.items():
        if value is None:
            settings.pop(key)
        else:
            settings[key] = value
    with pytest.raises(SpecError) as caught:
        rendered_with(STACK, {"tricolor:lambda": settings})
    assert {p.path for p in caught.value.problems} == paths
    if "concurency" in changes:
        assert "did you mean 'concurrency'?" in str(caught.value)


def test_dependencies_need_a_network(rendered_with: Callable[..., Rendered]) -> None:
    settings = {k: v for k, v in read_stack_config(STACK)[0]["tricolor:lambda"].items()
                if k not in ("vpcId", "subnetIds")}
    with pytest.raises(SpecError, match=r"orders-db, sessions live in a VPC"):
        rendered_with(STACK, {"tricolor:lambda": settings})


# ---- moto's Lambda accepts what the program renders ----------------------------------------

@pytest.mark.servers
def test_moto_accepts_the_function_versions_and_aliases(rendered_with: Callable[..., Rendered], aws_env: str) -> None:
    r = render_at(rendered_with, 10)
    iam, ec2, lam = (boto3.client(s, region_name="eu-west-1") for s in ("iam", "ec2", "lambda"))
    role = iam.create_role(RoleName="checkout-lambda", AssumeRolePolicyDocument=r.find(
        "checkout-shared-role").inputs["assumeRolePolicy"])["Role"]["Arn"]
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{i}.0/24")["Subnet"]["SubnetId"] for i in (1, 2)]
    group = ec2.create_security_group(GroupName="fn", Description="fn", VpcId=vpc)["GroupId"]
    function = r.find("checkout-shared-function").inputs
    created = lam.create_function(
        FunctionName=function["name"], Role=role, PackageType=function["packageType"],
        Code={"ImageUri": function["imageUri"]}, MemorySize=function["memorySize"], Timeout=function["timeout"],
        Architectures=function["architectures"], EphemeralStorage={"Size": function["ephemeralStorage"]["size"]},
        Environment={"Variables": function["environment"]["variables"]},
        LoggingConfig={"LogFormat": function["loggingConfig"]["logFormat"],
                       "LogGroup": function["loggingConfig"]["logGroup"]},
        VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [group]})
    assert created["MemorySize"] == 512 and created["PackageType"] == "Image"
    # Each color's version, published by the program's own provider, in order.
    provider, real = VersionProvider(), {}
    for color in ("blue", "green"):
        props = dict(r.find(f"checkout-{color}-version").inputs)
        props.pop("__provider", None)
        result = provider.create(props)
        real[version_of(IMAGES[color])] = result.outs["version"]
        assert result.id == f"{function['name']}:{result.outs['version']}"
        published = lam.get_function(FunctionName=function["name"], Qualifier=result.outs["version"])
        assert published["Code"]["ImageUri"] == IMAGES[color]
    assert real[version_of(IMAGES["blue"])] != real[version_of(IMAGES["green"])]
    # The colors' aliases and the production alias, with the real version numbers.
    for name in ("checkout-blue-alias", "checkout-green-alias", "checkout-router-alias"):
        alias = r.find(name).inputs
        routing = {real[v]: share for v, share in alias.get("routingConfig", {}).get(
            "additionalVersionWeights", {}).items()}
        kwargs: dict[str, Any] = {"RoutingConfig": {"AdditionalVersionWeights": routing}} if routing else {}
        lam.create_alias(FunctionName=function["name"], Name=alias["name"],
                         FunctionVersion=real[alias["functionVersion"]], Description=alias["description"], **kwargs)
    live = lam.get_alias(FunctionName=function["name"], Name="live")
    assert live["FunctionVersion"] == real[version_of(IMAGES["blue"])]
    assert live["RoutingConfig"]["AdditionalVersionWeights"] == {real[version_of(IMAGES["green"])]: 0.1}
    # A new image for blue is a new version; green's stays.
    old = {"function_name": function["name"], "image": IMAGES["blue"], "config": "a", "region": "eu-west-1"}
    new = {**old, "image": f"{ECR}:1.6.0"}
    assert provider.diff("x", old, new).replaces == ["image"]
    assert provider.diff("x", old, {**old, "description": "other"}).replaces == []
    newer = provider.create({**new, "description": new["image"]})
    assert int(newer.outs["version"]) > max(int(v) for v in real.values())


# ---- policies and drift over the Lambda stack --------------------------------------------

# Where a Lambda color's version number shows (each color's version is published from
# its image, so these differ exactly when the images do).
VERSION_FIELDS = ("functionVersion", "qualifier", "ExecutedVersion")


def test_policies_find_nothing_wrong_with_the_lambda_stack(rendered_with: Callable[..., Rendered]) -> None:
    assert check_rendered([render_at(rendered_with, 0, images={"blue": IMAGES["blue"], "green": IMAGES["blue"]})]) \
        == []
    # Mid-release (two images), the only findings are the version numbers, which the
    # color-parity rule does not know yet as coming from the image (see the README).
    violations = check_rendered([render_at(rendered_with, 10)])
    assert {v.policy for v in violations} <= {"color-parity"}
    for violation in violations:
        fields = [part.split(":")[0].rsplit(".", 1)[-1] for part in violation.message.split(": ", 1)[1].split("; ")]
        assert set(fields) <= set(VERSION_FIELDS), violation.message


def test_policies_see_the_function_image(rendered_with: Callable[..., Rendered]) -> None:
    """The image rules read the function's ``imageUri`` (a mutable tag is flagged)."""
    latest = {"blue": f"{ECR}:latest", "green": f"{ECR}:latest"}
    violations = check_rendered([render_at(rendered_with, 0, images=latest)])
    assert any(":latest" in v.message for v in violations)


def test_drift_between_the_colors_of_the_lambda_stack(rendered_with: Callable[..., Rendered]) -> None:
    same = {"blue": IMAGES["blue"], "green": IMAGES["blue"]}
    r = render_at(rendered_with, 0, images=same)
    result = compare(snapshots_from_rendered(r), r.stack.spec.parity.allowed)
    assert [d for d in result.differences if d.status == "drift"] == []
    # With two images, what differs is the image and the version published from it:
    # release-managed (drift/mapping.py's Lambda table), never drift.
    r = render_at(rendered_with, 10)
    differences = compare(snapshots_from_rendered(r), r.stack.spec.parity.allowed).differences
    assert [d for d in differences if d.status == "drift"] == []
    by_image = {d.path for d in differences if d.reason == "release-managed: image"}
    assert by_image <= {"image", "functionVersion", "qualifier", "dimensions.ExecutedVersion",
                        "metricQueries.0.metric.dimensions.ExecutedVersion",
                        "metricQueries.1.metric.dimensions.ExecutedVersion"}
    assert {"image", "functionVersion", "qualifier"} <= by_image


def test_the_example_stack_file_is_valid() -> None:
    (item,) = load_stacks([STACK])
    assert item.stack.backend == "lambda" and item.stack.environment == "production"
    assert item.stack.config.lambda_.alias == "live" and item.stack.config.lambda_.concurrency == "provisioned"


def test_the_release_dry_run_moves_only_the_production_alias(cli: Callable[..., Any], tmp_path: Any) -> None:
    """The release engine walks the Lambda stack like any other: a weight step changes
    the production alias and nothing else."""
    result = cli("release", "start", "--stack", STACK, "--image", IMAGES["green"], "--dry-run",
                 "--ledger", str(tmp_path), "--output", "json")
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    weights = [s for s in steps if s["action"] == "setWeight"]
    assert [s["weights"]["green"] for s in weights] == [10, 25, 50, 100]
    for step in weights:
        assert [urn.rsplit("::", 1)[1] for urn in step["changes"]] == ["checkout-router-alias"]
    (deploy,) = [s for s in steps if s["action"] == "deploy"]
    assert "checkout-green-version" in {urn.rsplit("::", 1)[1] for urn in deploy["changes"]}
