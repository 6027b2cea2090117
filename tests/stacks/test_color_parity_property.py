"""Property: for any valid spec, blue and green render identical objects except for
color, image and weight."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import render

LABEL = st.from_regex(r"[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8})?", fullmatch=True).filter(
    lambda s: "blue" not in s and "green" not in s)
ENV_NAME = st.from_regex(r"[A-Z][A-Z0-9_]{0,12}", fullmatch=True)
CPU = st.sampled_from(["100m", "250m", "500m", "1", "2"])
MEMORY = st.sampled_from(["128Mi", "256Mi", "1Gi", "2Gi"])
TAG = st.from_regex(r"v[0-9a-f]{8}", fullmatch=True)


def dependency(index: int, name: str, kind: str, secrets: dict[str, Any]) -> dict[str, Any]:
    """A dependency that can run: a volume gives its path; a database its password
    (from a spec secret it names)."""
    out: dict[str, Any] = {"name": name, "kind": kind, "env": {f"DEP_{index}": "path" if kind == "volume" else "host"}}
    if kind == "postgres":
        secrets[f"DEP_{index}_PASSWORD"] = {"config": f"dep{index}Password"}
        out["credentials"] = f"DEP_{index}_PASSWORD"
    return out


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(LABEL)
    # any text but control and format characters, which the spec refuses (tests/spec/test_strict_yaml.py)
    text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cf")), max_size=20)
    env = draw(st.dictionaries(ENV_NAME, text, max_size=4))
    secrets = {k: {"config": f"s{i}"} for i, k in enumerate(draw(st.lists(
        ENV_NAME.filter(lambda k: k not in env), max_size=2, unique=True)))}
    spec: dict[str, Any] = {
        "apiVersion": "tricolor.dev/v1",
        "name": name,
        "image": f"registry.example.com/{name}:{draw(TAG)}",
        "port": draw(st.integers(1024, 65535)),
        "env": env,
        "secrets": secrets,
        "resources": {"requests": {"cpu": draw(CPU), "memory": draw(MEMORY)},
                      "limits": {"cpu": draw(CPU), "memory": draw(MEMORY)}},
        "probes": {"readiness": {"path": "/" + draw(LABEL)}},
        "replicas": draw(st.integers(0, 20)),
        "dependencies": [dependency(i, dep, draw(st.sampled_from(["postgres", "redis", "volume"])), secrets)
                         for i, dep in enumerate(draw(st.lists(LABEL, max_size=2, unique=True)))],
        "routing": {"gateway": {"name": "gw", "namespace": "infra"}},
        "release": {"preset": draw(st.sampled_from(["all-at-once", "canary-10-5m", "blue-green"])),
                    "smokeTests": [{"path": "/healthz"}],
                    "analysis": {"metrics": [{"name": "error-rate", "kind": "rate", "max": 0.01}]}},
    }
    if draw(st.booleans()):
        spec["probes"]["liveness"] = {"path": "/live", "periodSeconds": draw(st.integers(1, 60))}
    if draw(st.booleans()):
        low = draw(st.integers(1, 5))
        spec["autoscaling"] = {"minReplicas": low, "maxReplicas": low + draw(st.integers(0, 10))}
    if draw(st.booleans()):
        spec["disruptionBudget"] = {"minAvailable": draw(st.integers(0, 3))}
    return spec


def subtree(resources: list[Any], root_name: str) -> dict[str, Any]:
    """Resources under the component named ``root_name``, keyed by name."""
    by_urn = {r.urn: r for r in resources}
    root = next(r for r in resources if r.name == root_name)
    out = {}
    for r in resources:
        node = r
        while node.parent in by_urn and node.urn != root.urn:
            node = by_urn[node.parent]
        if node.urn == root.urn and r.urn != root.urn:
            out[r.name] = r
    return out


def neutral(value: Any, color: str, image: str, tag: str) -> Any:
    """``value`` with the color, image and image tag replaced by placeholders."""
    if isinstance(value, dict):
        return {neutral(k, color, image, tag): neutral(v, color, image, tag) for k, v in value.items()}
    if isinstance(value, list):
        return [neutral(v, color, image, tag) for v in value]
    if isinstance(value, str):
        return value.replace(image, "<image>").replace(tag, "<tag>").replace(color, "<color>")
    return value


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs(), blue_tag=TAG, green_tag=TAG, green_weight=st.integers(0, 100))
def test_blue_and_green_differ_only_in_color_image_and_weight(
    tmp_path_factory, spec: dict, blue_tag: str, green_tag: str, green_weight: int
) -> None:
    path: Path = tmp_path_factory.mktemp("spec") / "service.yaml"
    path.write_text(yaml.safe_dump(spec))
    repo = spec["image"].rsplit(":", 1)[0]
    images = {"blue": f"{repo}:{blue_tag}", "green": f"{repo}:{green_tag}"}
    config = {"tricolor:environment": "production", "tricolor:backend": "kubernetes",
              "tricolor:images": images, "tricolor:weights": {"blue": 100 - green_weight, "green": green_weight}}
    (item,) = load_stacks(["prod"], spec_file=path, configs={"prod": (copy.deepcopy(config), set())})
    resources = render(item).resources
    name = spec["name"]
    blue = subtree(resources, f"{name}-blue")
    green = subtree(resources, f"{name}-green")
    assert blue and len(blue) == len(green)
    for blue_name, resource in blue.items():
        twin = green[blue_name.replace(f"{name}-blue", f"{name}-green", 1)]
        assert twin.type == resource.type
        assert neutral(resource.inputs, "blue", images["blue"], blue_tag) == \
            neutral(twin.inputs, "green", images["green"], green_tag), resource.type
    route = next(r for r in resources if r.type.endswith("HTTPRoute")).inputs
    weighted = {b["name"]: b["weight"] for b in route["spec"]["rules"][-1]["backendRefs"]}
    assert weighted == {f"{name}-blue": 100 - green_weight, f"{name}-green": green_weight}
