"""The Docker router's generated nginx configuration, loaded by a real nginx in front of
two HTTP backends on 127.0.0.1: the measured split follows the weights, a 0 weight gets
nothing, and the smoke-test header reaches the named color."""

from __future__ import annotations

import http.client
from collections import Counter

import pytest

from tricolor.components.docker.nginx import RouterConfig, render

pytestmark = pytest.mark.servers

REQUESTS = 2000
HEADER = "x-tricolor-color"


def count(port: int, requests: int, headers: dict[str, str] | None = None) -> Counter[str]:
    """Send ``requests`` GETs over one keep-alive connection; count the answering colors.

    (The standard library's client: per request it costs a third of httpx's, which
    keeps 8,000 requests within a few seconds.)"""
    seen: Counter[str] = Counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        for _ in range(requests):
            connection.request("GET", "/", headers=headers or {})
            response = connection.getresponse()
            body = response.read().decode()
            assert response.status == 200, body
            seen[body] += 1
    finally:
        connection.close()
    return seen


def test_weights_and_header_through_real_nginx(nginx, color_backends, router_port) -> None:
    port = router_port

    def config(blue: int, green: int) -> str:
        # The same generator the Docker router uses; only the addresses are local.
        return render(RouterConfig(targets=color_backends, weights={"blue": blue, "green": green},
                                   header=HEADER, listen=f"127.0.0.1:{port}"))

    settings = [(90, 10), (50, 50), (100, 0), (0, 100)]
    for index, (blue, green) in enumerate(settings):
        text = config(blue, green)
        if index == 0:
            nginx.start(text)
        else:
            nginx.reload(text)
        seen = count(port, REQUESTS)
        assert sum(seen.values()) == REQUESTS
        assert set(seen) <= {"blue", "green"}
        for color, weight in (("blue", blue), ("green", green)):
            share = 100 * seen[color] / REQUESTS
            if weight == 0:
                assert seen[color] == 0, f"{color} at weight 0 received {seen[color]} requests"
            assert abs(share - weight) <= 3, f"{color}: {share:.1f}% measured, weight {weight}"
        # The smoke-test header reaches the named color, whatever its weight.
        for color in ("blue", "green"):
            assert count(port, 50, {HEADER: color}) == Counter({color: 50})
        # An unknown color in the header falls back to the weighted split.
        assert set(count(port, 20, {HEADER: "purple"})) <= {c for c, w in (("blue", blue), ("green", green)) if w}


def test_staging_router_sends_everything_to_its_one_environment(nginx, color_backends, router_port) -> None:
    config = render(RouterConfig(targets={"main": color_backends["green"]}, weights=None, header=HEADER,
                                 listen=f"127.0.0.1:{router_port}"))
    nginx.start(config)
    assert count(router_port, 200) == Counter({"green": 200})
    assert count(router_port, 20, {HEADER: "blue"}) == Counter({"green": 20})  # no color routes in staging
