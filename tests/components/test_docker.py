"""The Docker backend: the generated nginx configuration, the rendered local stack and
staging set, and bad settings refused before any resource is registered."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tricolor.components import BackendLimitError
from tricolor.components.docker import RouterConfig, render, weighted_servers
from tricolor.spec.errors import SpecError
from tricolor.stacks.render import Rendered

TARGETS = {"blue": "checkout-blue:8080", "green": "checkout-green:8080"}


def upstream(config: str, name: str) -> str:
    return config.split(f"upstream {name} {{", 1)[1].split("}", 1)[0]


def test_weighted_upstream_has_no_line_for_a_zero_weight() -> None:
    config = render(RouterConfig(TARGETS, {"blue": 100, "green": 0}))
    weighted = upstream(config, "tricolor_weighted")
    assert "checkout-blue:8080 weight=100;" in weighted
    assert "checkout-green" not in weighted
    assert "weight=0" not in config
    # The idle color stays reachable by header for smoke tests.
    assert "server checkout-green:8080;" in upstream(config, "tricolor_green")
    assert re.search(r"map \$http_x_tricolor_color \$tricolor_upstream \{[^}]*green tricolor_green;", config)


def test_split_weights() -> None:
    config = render(RouterConfig(TARGETS, {"blue": 90, "green": 10}))
    weighted = upstream(config, "tricolor_weighted")
    assert re.findall(r"server (\S+) weight=(\d+);", weighted) == [("checkout-blue:8080", "90"),
                                                                   ("checkout-green:8080", "10")]


def test_single_target_has_no_header_map() -> None:
    config = render(RouterConfig({"main": "checkout:8080"}, None))
    assert "map " not in config
    assert "proxy_pass http://tricolor_weighted;" in config


@pytest.mark.parametrize(("weights", "message"), [
    ({"blue": 101, "green": 0}, r"101.*0\.\.100"),
    ({"blue": 0, "green": 0}, "at least one server with a weight above 0"),
    ({"blue": 50, "purple": 50}, "weights name"),
])
def test_weight_limits(weights: dict[str, int], message: str) -> None:
    with pytest.raises(BackendLimitError, match=message):
        weighted_servers(TARGETS, weights)


def test_header_nginx_cannot_route_on() -> None:
    with pytest.raises(BackendLimitError, match=r"routing.header: 'x\.color'"):
        render(RouterConfig(TARGETS, {"blue": 50, "green": 50}, header="x.color"))


# ---- rendered stacks -------------------------------------------------------------------

@pytest.fixture(scope="module")
def local() -> Rendered:
    from tricolor.stacks.render import render_stack

    return render_stack("local")


def test_local_stack(local: Rendered) -> None:
    containers = {c.inputs["name"]: c.inputs for c in local.by_type("docker:index/container:Container")}
    assert {"checkout-local-blue", "checkout-local-green", "checkout-local-router",
            "checkout-local-orders-db", "checkout-local-sessions"} == set(containers)
    (network,) = local.by_type("docker:index/network:Network")
    assert network.inputs["name"] == "tricolor-checkout-local"
    for color in ("blue", "green"):
        inputs = containers[f"checkout-local-{color}"]
        assert inputs["networksAdvanced"] == [{"name": "tricolor-checkout-local", "aliases": [f"checkout-{color}"]}]
        assert inputs["image"] == "ghcr.io/acme/checkout:1.4.2"
        assert inputs["envs"] == "[secret]"  # the spec's secrets are among them: never shown
    router = containers["checkout-local-router"]
    assert router["ports"] == [{"internal": 80, "external": 8080, "ip": "127.0.0.1"}]
    (upload,) = router["uploads"]
    assert upload["file"] == "/etc/nginx/conf.d/default.conf"
    assert "server checkout-blue:8080 weight=100;" in upload["content"]
    assert "checkout-green" not in upstream(upload["content"], "tricolor_weighted")
    # Dependencies exist once, with their own volumes.
    volumes = {v.inputs["name"] for v in local.by_type("docker:index/volume:Volume")}
    assert volumes == {"checkout-local-orders-db", "checkout-local-sessions"}


def test_staging_is_its_own_set(rendered_with: Callable[..., Rendered]) -> None:
    r = rendered_with("staging", {"tricolor:backend": "docker", "tricolor:docker": {"routerPort": 8081}})
    (network,) = r.by_type("docker:index/network:Network")
    assert network.inputs["name"] == "tricolor-checkout-staging"
    names = {c.inputs["name"] for c in r.by_type("docker:index/container:Container")}
    assert names == {"checkout-staging", "checkout-staging-router", "checkout-staging-orders-db",
                     "checkout-staging-sessions"}
    router = r.find("checkout-router-nginx").inputs
    assert router["ports"][0]["external"] == 8081
    assert "map " not in router["uploads"][0]["content"]
    env = r.find("checkout-container").inputs
    assert env["networksAdvanced"][0]["aliases"] == ["checkout"]


def test_bad_settings_before_any_resource(rendered_with: Callable[..., Rendered], registrations: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        rendered_with("local", {"tricolor:docker": {"routerPort": 70000, "bindAddress": "localhost",
                                                    "nginxImage": "Not An Image"}})
    paths = {p.path for p in caught.value.problems}
    assert paths == {"config.tricolor:docker.routerPort", "config.tricolor:docker.bindAddress",
                     "config.tricolor:docker.nginxImage"}
    assert [t for t in registrations if t != "pulumi:pulumi:Stack"] == []


@given(blue=st.integers(0, 100))
def test_weighted_servers_property(blue: int) -> None:
    green = 100 - blue
    servers = weighted_servers(TARGETS, {"blue": blue, "green": green})
    assert sum(weight for _, weight in servers) == 100
    assert all(weight > 0 for _, weight in servers)
    assert {address for address, _ in servers} == {TARGETS[c] for c, w in (("blue", blue), ("green", green)) if w}
