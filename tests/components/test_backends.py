"""One suite over every backend: the same spec and the same interface give the same
shape of production (blue, green, router) on Kubernetes, AWS, Docker and Lambda; every
router says which weights it configured (its ``weights`` output)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tricolor.components import UnknownBackendError, get_backend, known_backends
from tricolor.errors import UnknownNameError
from tricolor.spec.stack import BACKENDS
from tricolor.stacks.render import Rendered, RenderedResource

STACKS = {"kubernetes": "prod", "aws": "aws-prod", "docker": "local", "lambda": "lambda-prod"}
# What each backend's resources are registered as (Lambda versions: a dynamic provider).
PACKAGES = {"kubernetes": ("kubernetes:",), "aws": ("aws:",), "docker": ("docker:",),
            "lambda": ("aws:", "pulumi-python:dynamic/lambda:")}
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout"
IMAGES = {"blue": "ghcr.io/acme/checkout:1.4.2", "green": "ghcr.io/acme/checkout:1.5.0-rc.1"}
LAMBDA_IMAGES = {"blue": f"{ECR}:1.4.2", "green": f"{ECR}:1.5.0-rc.1"}
_cache: dict[tuple[str, str], tuple[Rendered, dict[str, dict[str, Any]]]] = {}


def images_of(backend: str) -> dict[str, str]:
    return LAMBDA_IMAGES if backend == "lambda" else IMAGES


def rendered_outputs(backend: str, blue: int, green: int, render_with: Callable[..., Rendered]
                     ) -> tuple[Rendered, dict[str, dict[str, Any]]]:
    """The backend's production stack at these weights, with a different image per color,
    and every component's registered outputs."""
    key = (backend, f"{blue}/{green}")
    if key not in _cache:
        outputs: dict[str, dict[str, Any]] = {}
        r = render_with(STACKS[backend], {"tricolor:weights": {"blue": blue, "green": green},
                                          "tricolor:images": images_of(backend)}, outputs=outputs)
        _cache[key] = (r, outputs)
    return _cache[key]


def rendered(backend: str, blue: int, green: int, render_with: Callable[..., Rendered]) -> Rendered:
    return rendered_outputs(backend, blue, green, render_with)[0]


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


def neutral(value: Any, color: str, images: dict[str, str]) -> Any:
    """``value`` with the color, its image and the image's version taken out."""
    if isinstance(value, dict):
        return {neutral(k, color, images): neutral(v, color, images) for k, v in value.items()}
    if isinstance(value, list):
        return [neutral(v, color, images) for v in value]
    if isinstance(value, str):
        text = value.replace(images[color], "<image>").replace(images[color].rsplit(":", 1)[1], "<version>")
        return re.sub(r"\b(blue|green)\b", "<color>", text)
    return value


def color_resources(r: Rendered, backend: str, color: str) -> dict[str, RenderedResource]:
    (env,) = [x for x in r.resources if x.type == f"tricolor:{backend}:Environment" and x.name.endswith(f"-{color}")]
    return {re.sub(r"\b(blue|green)\b", "<color>", x.name): x for x in descendants(r, env)}


def router_weights(r: Rendered, outputs: dict[str, dict[str, Any]], backend: str) -> dict[str, int]:
    """The weights the router component says it configured (its ``weights`` output)."""
    (router,) = [x for x in r.resources if x.type == f"tricolor:{backend}:TrafficRouter"]
    return {color: int(weight) for color, weight in outputs[router.urn]["weights"].items()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_resources_registered(backend: str, rendered_with: Callable[..., Rendered]) -> None:
    r = rendered(backend, 90, 10, rendered_with)
    types = [x.type for x in r.resources]
    assert types.count(f"tricolor:{backend}:BlueGreen") == 1
    assert types.count(f"tricolor:{backend}:Environment") == 2
    assert types.count(f"tricolor:{backend}:Shared") == 1
    assert types.count(f"tricolor:{backend}:TrafficRouter") == 1
    custom = [x for x in r.resources if x.custom]
    assert len(custom) >= 8
    assert all(x.type.startswith(PACKAGES[backend]) for x in custom)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_child_is_named_after_its_parent(backend: str, rendered_with: Callable[..., Rendered]) -> None:
    """Children named ``f"{name}-<role>"`` under their component (``parent=self``)."""
    r = rendered(backend, 90, 10, rendered_with)
    by_urn = {x.urn: x for x in r.resources}
    for resource in r.resources:
        parent = by_urn.get(resource.parent or "")
        if parent is None or parent.type == "pulumi:pulumi:Stack" or parent.custom:
            continue
        assert resource.name.startswith(f"{parent.name}-"), (resource.name, parent.name)


@pytest.mark.parametrize("backend", BACKENDS)
def test_colors_differ_only_in_color_image_and_weight(backend: str, rendered_with: Callable[..., Rendered]) -> None:
    r = rendered(backend, 90, 10, rendered_with)
    images = images_of(backend)
    blue, green = color_resources(r, backend, "blue"), color_resources(r, backend, "green")
    assert len(blue) >= 2
    assert blue.keys() == green.keys()
    for role, resource in blue.items():
        assert resource.type == green[role].type
        assert neutral(resource.inputs, "blue", images) == neutral(green[role].inputs, "green", images), role
    # ... and the images really are the colors' own.
    text = {c: json.dumps([x.inputs for x in res.values()]) for c, res in (("blue", blue), ("green", green))}
    assert images["blue"] in text["blue"] and images["green"] not in text["blue"]
    assert images["green"] in text["green"] and images["blue"] not in text["green"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("blue", "green"), [(90, 10), (0, 100), (50, 50)])
def test_router_weights_follow_their_source(backend: str, blue: int, green: int,
                                            rendered_with: Callable[..., Rendered]) -> None:
    r, outputs = rendered_outputs(backend, blue, green, rendered_with)
    assert router_weights(r, outputs, backend) == {"blue": blue, "green": green}


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
    assert set(known_backends()) == set(BACKENDS)
    for name in BACKENDS:
        backend = get_backend(name)
        for component in ("Shared", "Environment", "BlueGreen", "TrafficRouter"):
            assert getattr(backend, component).__module__.startswith("tricolor.components."), (name, component)


def test_the_registry_refuses_an_unknown_name_listing_the_known_ones() -> None:
    with pytest.raises(UnknownNameError) as caught:
        get_backend("nomad")
    assert isinstance(caught.value, UnknownBackendError)
    assert caught.value.kind == "backend" and caught.value.name == "nomad"
    assert caught.value.known == tuple(sorted(BACKENDS))
    assert "'nomad'" in str(caught.value)
    for name in BACKENDS:
        assert name in str(caught.value)


def test_unknown_backend_in_a_stack_file(cli: Callable[..., Any], tmp_path: Any, root: Any) -> None:
    (tmp_path / "Pulumi.edge.yaml").write_text(
        "config:\n  tricolor:environment: staging\n  tricolor:backend: nomad\n")
    result = cli("plan", "--stack", "edge", "--stacks-dir", str(tmp_path), "--spec", str(root / "service.yaml"))
    assert result.exit_code == 1
    output = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert "nomad" in output and ", ".join(BACKENDS) in output
