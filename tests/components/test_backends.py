"""One suite over every backend: the same spec and the same interface give the same
shape of production (blue, green, router) on Kubernetes, AWS and Docker."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tricolor.components import UnknownBackendError, get_backend
from tricolor.spec import BACKENDS
from tricolor.stacks import Rendered, RenderedResource

STACKS = {"kubernetes": "prod", "aws": "aws-prod", "docker": "local"}
IMAGES = {"blue": "ghcr.io/acme/checkout:1.4.2", "green": "ghcr.io/acme/checkout:1.5.0-rc.1"}
_cache: dict[tuple[str, str], Rendered] = {}


def rendered(backend: str, blue: int, green: int, render_with: Callable[..., Rendered]) -> Rendered:
    """The backend's production stack at these weights, with a different image per color."""
    key = (backend, f"{blue}/{green}")
    if key not in _cache:
        _cache[key] = render_with(STACKS[backend], {"tricolor:weights": {"blue": blue, "green": green},
                                                    "tricolor:images": IMAGES})
    return _cache[key]


def descendants(r: Rendered, root: RenderedResource) -> list[RenderedResource]:
    """Every resource under ``root`` (children, grandchildren, ...)."""
    urns = {root.urn}
    out: list[RenderedResource] = []
    grew = True
    while grew:
        grew = False
        for res in r.resources:
            if res.parent in urns and res.urn not in urns:
                urns.add(res.urn)
                out.append(res)
                grew = True
    return out


def neutral(value: Any, color: str) -> Any:
    """``value`` with the color, its image and the image's version taken out."""
    if isinstance(value, dict):
        return {neutral(k, color): neutral(v, color) for k, v in value.items()}
    if isinstance(value, list):
        return [neutral(v, color) for v in value]
    if isinstance(value, str):
        text = value.replace(IMAGES[color], "<image>").replace(IMAGES[color].rsplit(":", 1)[1], "<version>")
        return re.sub(r"\b(blue|green)\b", "<color>", text)
    return value


def color_resources(r: Rendered, backend: str, color: str) -> dict[str, RenderedResource]:
    (env,) = [x for x in r.resources if x.type == f"tricolor:{backend}:Environment" and x.name.endswith(f"-{color}")]
    return {re.sub(r"\b(blue|green)\b", "<color>", x.name): x for x in descendants(r, env)}


def router_weights(r: Rendered, backend: str) -> dict[str, int]:
    """The weights the router resource carries, read the way each backend's router does."""
    (router,) = [x for x in r.resources if x.type == f"tricolor:{backend}:TrafficRouter"]
    (resource,) = [x for x in descendants(r, router) if x.custom and "RemoteImage" not in x.type]
    if backend == "kubernetes":
        refs = resource.inputs["spec"]["rules"][-1]["backendRefs"]
        return {ref["name"].rsplit("-", 1)[1]: ref["weight"] for ref in refs}
    if backend == "aws":
        groups = resource.inputs["defaultActions"][0]["forward"]["targetGroups"]
        return {re.search(r"-(blue|green)-tg", g["arn"]).group(1): g["weight"] for g in groups}  # type: ignore[union-attr]
    config = resource.inputs["uploads"][0]["content"]
    weighted = config.split("upstream tricolor_weighted {", 1)[1].split("}", 1)[0]
    found = dict(re.findall(r"server \S+-(blue|green):\d+ weight=(\d+);", weighted))
    return {color: int(found.get(color, 0)) for color in ("blue", "green")}


@pytest.mark.parametrize("backend", BACKENDS)
def test_resources_registered(backend: str, rendered_with: Callable[..., Rendered]) -> None:
    r = rendered(backend, 90, 10, rendered_with)
    types = [x.type for x in r.resources]
    assert types.count(f"tricolor:{backend}:BlueGreen") == 1
    assert types.count(f"tricolor:{backend}:Environment") == 2
    assert types.count(f"tricolor:{backend}:TrafficRouter") == 1
    custom = [x for x in r.resources if x.custom]
    assert len(custom) >= 8
    assert all(x.type.startswith(f"{backend}:") for x in custom)


@pytest.mark.parametrize("backend", BACKENDS)
def test_colors_differ_only_in_color_image_and_weight(backend: str, rendered_with: Callable[..., Rendered]) -> None:
    r = rendered(backend, 90, 10, rendered_with)
    blue, green = color_resources(r, backend, "blue"), color_resources(r, backend, "green")
    assert len(blue) >= 2
    assert blue.keys() == green.keys()
    for role, resource in blue.items():
        assert resource.type == green[role].type
        assert neutral(resource.inputs, "blue") == neutral(green[role].inputs, "green"), role
    # ... and the images really are the colors' own.
    text = {c: json.dumps([x.inputs for x in res.values()]) for c, res in (("blue", blue), ("green", green))}
    assert IMAGES["blue"] in text["blue"] and IMAGES["green"] not in text["blue"]
    assert IMAGES["green"] in text["green"] and IMAGES["blue"] not in text["green"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("blue", "green"), [(90, 10), (0, 100)])
def test_router_weights_follow_their_source(backend: str, blue: int, green: int,
                                            rendered_with: Callable[..., Rendered]) -> None:
    r = rendered(backend, blue, green, rendered_with)
    assert router_weights(r, backend) == {"blue": blue, "green": green}


@pytest.mark.parametrize("backend", BACKENDS)
def test_plan_json_for_each_backend(backend: str, cli: Callable[..., Any]) -> None:
    result = cli("plan", "--stack", STACKS[backend], "--output", "json")
    assert result.exit_code == 0, result.output
    (stack,) = json.loads(result.stdout)["stacks"]
    assert stack["backend"] == backend
    assert stack["environment"] == "production"
    types = {x["type"] for x in stack["resources"]}
    assert {f"tricolor:{backend}:BlueGreen", f"tricolor:{backend}:TrafficRouter"} <= types


def test_every_backend_exports_the_interface() -> None:
    for name in BACKENDS:
        backend = get_backend(name)
        for component in ("Environment", "BlueGreen", "TrafficRouter"):
            assert getattr(backend, component).__module__.startswith(f"tricolor.components.{name}.")


def test_unknown_backend_lists_supported_ones() -> None:
    with pytest.raises(UnknownBackendError) as caught:
        get_backend("nomad")
    assert "'nomad'" in str(caught.value)
    for name in BACKENDS:
        assert name in str(caught.value)


def test_unknown_backend_in_a_stack_file(cli: Callable[..., Any], tmp_path: Any, root: Any) -> None:
    (tmp_path / "Pulumi.edge.yaml").write_text(
        "config:\n  tricolor:environment: staging\n  tricolor:backend: nomad\n")
    result = cli("plan", "--stack", "edge", "--stacks-dir", str(tmp_path), "--spec", str(root / "service.yaml"))
    assert result.exit_code != 0
    output = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert "nomad" in output and "kubernetes, aws, docker" in output
