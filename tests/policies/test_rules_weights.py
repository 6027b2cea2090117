"""router-weights: integers, in the backend's range, stable plus canary equal to the total."""

from __future__ import annotations

import pytest

from tricolor.policies.rules_weights import WeightOptions, check


@pytest.mark.parametrize(("blue", "green"), [(100, 0), (90, 10), (0, 100), (50, 50)])
def test_valid_weights_pass_on_every_backend(b, blue, green):
    assert check(b.http_route(b.good_route_rules(blue, green)), WeightOptions(), b.PROD) == []
    assert check(b.listener({"blue": blue, "green": green}), WeightOptions(), b.PROD) == []
    if blue and green:  # nginx has no weight 0: a color at 0 is left out of the upstream
        assert check(b.nginx_router(blue, green), WeightOptions(), b.PROD) == []


def test_sum_must_equal_the_total(b):
    (finding,) = check(b.http_route(b.good_route_rules(90, 20)), WeightOptions(), b.PROD)
    assert "checkout-router-route" in finding.message
    assert "spec.rules[2].backendRefs weights 90 + 20 = 110" in finding.message
    (alb,) = check(b.listener({"blue": 60, "green": 30}), WeightOptions(), b.PROD)
    assert "defaultActions[0].forward.targetGroups weights 60 + 30 = 90" in alb.message
    (nginx,) = check(b.nginx_router(80, 10), WeightOptions(), b.PROD)
    assert "upstream tricolor_weighted" in nginx.message and "= 90" in nginx.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("90", "is '90', not an integer"),
        (2.5, "is 2.5, not an integer"),
        (True, "is True, not an integer"),
        (-1, "is -1, outside 0..1000000"),
        (1_000_001, "is 1000001, outside 0..1000000"),
    ],
)
def test_bad_gateway_weights_name_the_field(b, value, expected):
    findings = check(b.http_route(b.good_route_rules(value, 0)), WeightOptions(), b.PROD)
    assert any("spec.rules[2].backendRefs[0].weight " + expected in f.message for f in findings), findings


def test_backend_ranges_differ(b):
    (alb,) = check(b.listener({"blue": 1000, "green": 0}), WeightOptions(), b.PROD)
    assert "targetGroups[0].weight is 1000, outside 0..999" in alb.message
    findings = check(b.nginx_router(100, 0), WeightOptions(), b.PROD)
    assert any("server checkout-green:8080 is 0, outside 1.." in f.message for f in findings)
    many = b.listener({f"c{i}": 20 for i in range(6)})
    assert any(
        "has 6 backends; a AWS ALB forward action takes at most 5" in f.message
        for f in check(many, WeightOptions(), b.PROD)
    )


def test_missing_weights_are_handled(b):
    rules = b.good_route_rules()
    del rules[2]["backendRefs"][1]["weight"]
    (finding,) = check(b.http_route(rules), WeightOptions(), b.PROD)
    assert "spec.rules[2].backendRefs[1].weight is missing" in finding.message
    del rules[0]["backendRefs"][0]["weight"]  # a single backend: Gateway API defaults the weight to 1
    assert len(check(b.http_route(rules), WeightOptions(), b.PROD)) == 1
    assert (
        check(
            b.resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "r", {}), WeightOptions(), b.PROD
        )
        == []
    )
    unknown = b.listener({"blue": "[unknown]", "green": 0})
    assert check(unknown, WeightOptions(), b.PROD) == []


def test_total_is_an_option(b):
    route = b.http_route(b.good_route_rules(900, 100))
    assert len(check(route, WeightOptions(), b.PROD)) == 1
    assert check(route, WeightOptions.model_validate({"total": 1000}), b.PROD) == []


def alias(b, weights, primary="7"):
    props = {"name": "live", "functionName": "checkout-lambda-prod", "functionVersion": primary}
    if weights is not None:
        props["routingConfig"] = {"additionalVersionWeights": weights}
    return b.resource("aws:lambda/alias:Alias", "checkout-router-alias", props)


def test_lambda_alias_weights_at_every_step_of_the_example_pass(b):
    from tricolor.components.aws_lambda.routing import alias_for

    for green in (0, 10, 25, 50, 100):
        routing = alias_for({"blue": "7", "green": "8"}, {"blue": 100 - green, "green": green})
        rendered = alias(b, routing.additional or None, routing.function_version)
        assert check(rendered, WeightOptions(), b.PROD) == [], green
    assert check(alias(b, None), WeightOptions(), b.PROD) == []


@pytest.mark.parametrize(("weights", "expected"), [
    ({"8": 1.5}, "is 1.5, outside 0..1 allowed by a AWS Lambda alias"),
    ({"8": -0.1}, "outside 0..1"),
    ({"8": 0.125}, "not a whole percentage"),
    ({"8": "0.1"}, "not a number"),
    ({"8": True}, "not a number"),
    ({"8": 0.1, "9": 0.1}, "has 2 versions; a AWS Lambda alias routes to its primary version and at most 1"),
    ({"7": 0.1}, "is the primary version (functionVersion) itself"),
])
def test_lambda_alias_weights_are_checked_against_lambda_limits(b, weights, expected):
    findings = check(alias(b, weights), WeightOptions(), b.PROD)
    assert any(expected in f.message for f in findings), [f.message for f in findings]
    assert all("routingConfig.additionalVersionWeights" in f.message for f in findings)


def test_lambda_versions_unknown_offline_are_not_judged(b):
    unknown = "(version of 123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.5.0, known after deployment)"
    assert check(alias(b, {unknown: 0.1}, primary="(version of x, known after deployment)"), WeightOptions(),
                 b.PROD) == []
