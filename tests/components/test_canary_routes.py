"""Header routes (``setHeaderRoute``) and the canary scale (``setCanaryScale``) in force,
rendered by every backend: the Gateway API HTTPRoute (checked against the CRD's schema),
ALB listener rules on the production listener, nginx maps (loaded by a real nginx and
routed through), and Lambda's refusal; the new color's replicas per backend."""

from __future__ import annotations

import http.client
from typing import Any

import jsonschema
import pytest
import yaml
from support import FIXTURES

from tricolor.components import BackendLimitError, ComponentError, get_backend
from tricolor.components.docker.nginx import RouterConfig, render
from tricolor.spec.canary import CanaryScale, HeaderRoute
from tricolor.spec.weights import Weights
from tricolor.stacks.config import load_stacks, read_stack_config
from tricolor.stacks.render import render as render_stack
from tricolor.stacks.state import ReleaseState

MATCHES = [
    {"headerName": "Custom-Header1", "headerValue": {"exact": "Mozilla"}},
    {"headerName": "Custom-Header2", "headerValue": {"prefix": "Mozi.lla"}},
    {"headerName": "Custom-Header3", "headerValue": {"regex": "Mozilla(.*)"}},
]
ROUTE = HeaderRoute.model_validate({"name": "beta", "color": "green", "match": MATCHES})


SPLIT = Weights(90, 10)


def rendered(stack: str, routes: tuple[HeaderRoute, ...] = (), scale: CanaryScale | None = None) -> dict[str, Any]:
    (item,) = load_stacks([stack])
    state = ReleaseState(SPLIT, dict(item.stack.images), None, routes, scale)
    return {r.name: r for r in render_stack(item, state).resources}


@pytest.fixture(scope="module")
def httproute_schema() -> jsonschema.protocols.Validator:
    crd = yaml.safe_load((FIXTURES / "gateway-api/httproutes.yaml").read_text())
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    return jsonschema.Draft7Validator(version["schema"]["openAPIV3Schema"])


def test_gateway_api_rule_per_route_schema_checked(httproute_schema) -> None:
    route = rendered("prod", (ROUTE,))["checkout-router-route"].inputs
    errors = sorted(httproute_schema.iter_errors(route), key=str)
    assert not errors, [e.message for e in errors]
    rules = route["spec"]["rules"]
    assert len(rules) == 4  # blue and green smoke-test rules, the header route, the weighted rule
    header_rule = rules[2]
    assert header_rule["backendRefs"] == [{"name": "checkout-green", "port": 80, "weight": 1}]
    assert [m["headers"] for m in header_rule["matches"]] == [
        [{"type": "Exact", "name": "Custom-Header1", "value": "Mozilla"}],
        [{"type": "RegularExpression", "name": "Custom-Header2", "value": r"^Mozi\.lla.*"}],
        [{"type": "RegularExpression", "name": "Custom-Header3", "value": "Mozilla(.*)"}]]
    assert all(m["path"] == {"type": "PathPrefix", "value": "/"} for m in header_rule["matches"])
    assert [ref["weight"] for ref in rules[-1]["backendRefs"]] == [90, 10]


def test_gateway_api_without_routes_is_unchanged() -> None:
    assert len(rendered("prod")["checkout-router-route"].inputs["spec"]["rules"]) == 3


def test_gateway_api_limits_are_refused_before_registering() -> None:
    many = tuple(HeaderRoute(name=f"r{i}", color="green", match=ROUTE.match) for i in range(14))
    with pytest.raises(BackendLimitError, match="at most 16 rules, 13 for header routes"):
        rendered("prod", many)
    problems = get_backend("kubernetes").TrafficRouter.route_problems(None, many)  # type: ignore[arg-type]
    assert any("13 for header routes" in p for p in problems)


def test_alb_rule_per_match_on_the_production_listener() -> None:
    res = rendered("aws-prod", (ROUTE,))
    rules = {name: r for name, r in res.items() if name.startswith("checkout-router-route-")}
    assert sorted(rules) == ["checkout-router-route-beta-0", "checkout-router-route-beta-1",
                             "checkout-router-route-beta-2"]
    conditions = [rules[f"checkout-router-route-beta-{i}"].inputs["conditions"][0]["httpHeader"] for i in range(3)]
    assert conditions == [
        {"httpHeaderName": "Custom-Header1", "values": ["Mozilla"]},
        {"httpHeaderName": "Custom-Header2", "values": ["Mozi.lla*"]},
        {"httpHeaderName": "Custom-Header3", "regexValues": ["^(?:Mozilla(.*))$"]}]
    for rule in rules.values():
        assert rule.parent is not None and "TrafficRouter" in rule.parent  # a router change: targeted
        (action,) = rule.inputs["actions"]
        assert action["type"] == "forward"
    assert not any(name.startswith("checkout-router-route-") for name in rendered("aws-prod"))


@pytest.mark.parametrize(("match", "fragment"), [
    ({"headerName": "X-" + "a" * 40, "headerValue": {"exact": "1"}}, "at most 40 characters"),
    ({"headerName": "Host", "headerValue": {"exact": "a"}}, "host-header condition"),
    ({"headerName": "x", "headerValue": {"regex": "(?=a)b"}}, "no lookarounds"),
    ({"headerName": "x", "headerValue": {"regex": r"(a)\1"}}, "back-references"),
    ({"headerName": "x", "headerValue": {"exact": "v" * 129}}, "at most 128"),
])
def test_alb_refuses_what_it_cannot_match(match: dict, fragment: str) -> None:
    route = HeaderRoute.model_validate({"name": "beta", "color": "green", "match": [match]})
    with pytest.raises(BackendLimitError, match=fragment):
        rendered("aws-prod", (route,))


def test_alb_wildcards_in_a_value_become_a_literal_regex() -> None:
    route = HeaderRoute.model_validate({"name": "beta", "color": "green", "match": [
        {"headerName": "x", "headerValue": {"exact": "a*b?"}}, {"headerName": "y", "headerValue": {"prefix": "v1?"}}]})
    res = rendered("aws-prod", (route,))
    assert res["checkout-router-route-beta-0"].inputs["conditions"][0]["httpHeader"]["regexValues"] == [
        r"^a\*b\?$"]
    assert res["checkout-router-route-beta-1"].inputs["conditions"][0]["httpHeader"]["regexValues"] == [r"^v1\?.*"]


def test_nginx_map_chain_in_the_rendered_router() -> None:
    config = rendered("local", (ROUTE,))["checkout-router-nginx"].inputs["uploads"][0]["content"]
    assert "default $tricolor_route_0;" in config
    assert 'map $http_custom_header1 $tricolor_route_0 {\n    default $tricolor_route_1;\n    "~^Mozilla$" ' \
           "tricolor_green;" in config
    assert '"~^Mozi\\\\.lla" tricolor_green;' in config
    assert 'map $http_custom_header3 $tricolor_route_2 {\n    default tricolor_weighted;\n' \
           '    "~^(?:Mozilla(.*))$" tricolor_green;' in config


def test_nginx_refuses_headers_it_drops() -> None:
    route = HeaderRoute.model_validate({"name": "beta", "color": "green", "match": [
        {"headerName": "x_under", "headerValue": {"exact": "1"}}]})
    with pytest.raises(BackendLimitError, match="letters, digits and '-' only"):
        rendered("local", (route,))


def test_lambda_refuses_header_routes_naming_the_step() -> None:
    with pytest.raises(BackendLimitError, match="setHeaderRoute beta: the Lambda router is an alias"):
        rendered("lambda-prod", (ROUTE,))


@pytest.mark.servers
def test_header_routes_through_real_nginx(nginx, color_backends, router_port) -> None:
    tricky = HeaderRoute.model_validate({"name": "tricky", "color": "green", "match": [
        {"headerName": "x-quote", "headerValue": {"exact": 'say "hi" \\ ok'}},
        {"headerName": "x-brace", "headerValue": {"regex": r"v\d{2};\s?[}{]"}}]})
    config = render(RouterConfig(targets=color_backends, weights={"blue": 100, "green": 0},
                                 header="x-tricolor-color", listen=f"127.0.0.1:{router_port}",
                                 routes=(ROUTE, tricky)))
    nginx.start(config)

    def color(headers: dict[str, str]) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", router_port, timeout=5)
        try:
            connection.request("GET", "/", headers=headers)
            return connection.getresponse().read().decode()
        finally:
            connection.close()

    assert color({}) == "blue"  # green has weight 0: only the routes reach it
    assert color({"Custom-Header1": "Mozilla"}) == "green"
    assert color({"Custom-Header1": "mozilla"}) == "blue"  # exact is case-sensitive
    assert color({"Custom-Header1": "Mozilla2"}) == "blue"
    assert color({"Custom-Header2": "Mozi.lla/5.0"}) == "green"
    assert color({"Custom-Header2": "MozixllA"}) == "blue"  # the dot is a literal
    assert color({"Custom-Header3": "Mozilla/5.0"}) == "green"
    assert color({"Custom-Header3": "xMozilla"}) == "blue"  # a whole-value match
    assert color({"x-quote": 'say "hi" \\ ok'}) == "green"
    assert color({"x-brace": "v12; }"}) == "green"
    assert color({"x-brace": "v1; }"}) == "blue"
    assert color({"x-tricolor-color": "blue", "Custom-Header1": "Mozilla"}) == "blue"  # the smoke-test header first


@pytest.mark.parametrize(("stack", "replicas_of"), [
    ("prod", lambda res, c: (res[f"checkout-{c}-deployment"].inputs["spec"]["replicas"],
                             f"checkout-{c}-autoscaler" in res)),
    ("aws-prod", lambda res, c: (res[f"checkout-{c}-service"].inputs["desiredCount"], f"checkout-{c}-scaling" in res)),
    ("lambda-prod", lambda res, c: (res[f"checkout-{c}-concurrency"].inputs["provisionedConcurrentExecutions"]
                                    if f"checkout-{c}-concurrency" in res else 0, None)),
])
@pytest.mark.parametrize("scale", [{"replicas": 1}, {"percent": 50}])
def test_canary_scale_sets_the_new_colors_replicas(stack: str, replicas_of, scale: dict) -> None:
    full = rendered(stack)
    scaled = rendered(stack, scale=CanaryScale(color="green", **scale))
    base, autoscaled = replicas_of(full, "green")
    expected = scale.get("replicas") or -(-base * scale["percent"] // 100)
    assert replicas_of(scaled, "green")[0] == expected
    if autoscaled is not None:
        assert replicas_of(scaled, "green")[1] is False  # the count is the release's, not an autoscaler's
    assert replicas_of(scaled, "blue") == replicas_of(full, "blue")  # the stable color is untouched


def test_docker_canary_scale_zero_stops_the_container() -> None:
    scaled = rendered("local", scale=CanaryScale(color="green", replicas=0))
    assert scaled["checkout-green-container"].inputs.get("start") is False
    one = rendered("local", scale=CanaryScale(color="green", replicas=1))
    assert one["checkout-green-container"].inputs.get("start") is not False


def test_lambda_on_demand_refuses_a_canary_scale() -> None:
    config, secure = read_stack_config("lambda-prod")
    lam = dict(config["tricolor:lambda"])
    (item,) = load_stacks(["lambda-prod"], configs={"lambda-prod": (
        {**config, "tricolor:lambda": {**lam, "concurrency": "none"}}, secure)})
    state = ReleaseState(Weights(100, 0), dict(item.stack.images), None, (), CanaryScale(color="green", replicas=2))
    with pytest.raises(ComponentError, match="on demand has no replicas"):
        render_stack(item, state)
    backend = get_backend("lambda")
    (problem,) = backend.Environment.replicas_problems(item.stack, backend.Shared.settings_of(item.stack), 2)
    assert "tricolor:lambda concurrency: provisioned" in problem
