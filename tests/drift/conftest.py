"""Shared helpers of the drift tests: rendered stacks, DIY backends, fixture secrets."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ALLOWED = ["replicas", "autoscaling.*", "resources.*", "disruptionBudget.*", "env.LOG_LEVEL"]
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SIG_KEY = "4dabf18193072939515e22adb298388d"


@pytest.fixture(scope="session")
def rendered() -> dict[str, Any]:
    """The shipped staging and prod stacks, rendered offline once per session."""
    from tricolor.stacks.render import render_stack

    return {name: render_stack(name) for name in ("staging", "prod")}


def checkpoint(stack: str, resources: list[dict[str, Any]], version: int = 3) -> dict[str, Any]:
    return {"version": version, "checkpoint": {"stack": stack, "latest": {
        "manifest": {"time": "2026-01-01T00:00:00Z", "magic": "", "version": "v3.200.0"},
        "secrets_providers": {"type": "b64", "state": {}}, "resources": resources}}}


def state_resources(rendered: Any) -> list[dict[str, Any]]:
    """A rendered stack as the resources of a checkpoint (outputs = inputs plus volatile ids)."""
    out = [{"urn": f"urn:pulumi:{rendered.stack.name}::tricolor::pulumi:pulumi:Stack::tricolor-"
                   f"{rendered.stack.name}", "custom": False, "type": "pulumi:pulumi:Stack"}]
    for number, r in enumerate(rendered.resources):
        outputs = copy.deepcopy(r.inputs)
        if r.custom and isinstance(outputs.get("metadata"), dict):
            outputs["metadata"]["uid"] = f"uid-{rendered.stack.name}-{number}"
            outputs["metadata"]["resourceVersion"] = str(1000 + number)
            outputs["status"] = {"observedGeneration": number}
        out.append({"urn": r.urn, "custom": r.custom, "type": r.type, "id": f"{r.name}-{number}",
                    "inputs": r.inputs, "outputs": outputs, "parent": r.parent})
    return out


@pytest.fixture
def backend(tmp_path: Path, rendered: dict[str, Any]) -> Callable[..., Path]:
    """Write staging and prod as a DIY backend folder; ``mutate(stack, resources)`` injects changes."""

    def write(mutate: Callable[[str, list[dict[str, Any]]], None] | None = None, gz: bool = False) -> Path:
        import gzip

        root = tmp_path / "backend"
        folder = root / ".pulumi" / "stacks" / "tricolor"
        folder.mkdir(parents=True, exist_ok=True)
        for name, r in rendered.items():
            resources = state_resources(r)
            if mutate:
                mutate(name, resources)
            data = json.dumps(checkpoint(name, resources)).encode()
            if gz:
                (folder / f"{name}.json.gz").write_bytes(gzip.compress(data))
            else:
                (folder / f"{name}.json").write_bytes(data)
        return root

    return write


def find(resources: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    return next(r for r in resources if r["urn"].endswith(suffix))


def secret_envelopes(document: Any) -> Iterator[dict[str, Any]]:
    if isinstance(document, dict):
        if document.get(SIG_KEY) == SECRET_SIG:
            yield document
        for value in document.values():
            yield from secret_envelopes(value)
    elif isinstance(document, list):
        for value in document:
            yield from secret_envelopes(value)


@pytest.fixture(scope="session")
def secret_strings(fixtures: Path) -> list[str]:
    """Every secret's ciphertext and plaintext in checkpoint-secrets.json (b64 provider)."""
    document = json.loads((fixtures / "pulumi-state" / "checkpoint-secrets.json").read_text())
    out: set[str] = set()
    for envelope in secret_envelopes(document):
        out.add(envelope["ciphertext"])
        plain = json.loads(base64.b64decode(envelope["ciphertext"]))
        out.add(plain)
        # A plaintext that is JSON text also must not appear re-serialised.
        with contextlib.suppress(ValueError):
            out.add(json.dumps(json.loads(plain), sort_keys=True, separators=(",", ":")))
    assert len(out) >= 6
    return sorted(out)


def changed(rendered: Any, name: str, change: Callable[[dict[str, Any]], None]) -> Any:
    """A copy of a rendered stack with ``change(inputs)`` applied to resource ``name``."""
    import dataclasses

    from tricolor.stacks.render import RenderedResource

    resources = []
    for r in rendered.resources:
        if r.name == name:
            inputs = copy.deepcopy(r.inputs)
            change(inputs)
            r = RenderedResource(r.urn, r.type, r.name, r.parent, r.custom, inputs)
        resources.append(r)
    return dataclasses.replace(rendered, resources=resources)


LONG_KEY = "observability.example.com/dashboard-url-for-the-checkout-service-latency-panel"


@pytest.fixture(scope="session")
def report_result(rendered: dict[str, Any]) -> Any:
    """staging vs prod with: FEATURE_NEW_CART drifting in blue only, a long annotation
    path and value in staging only, the disruption budget ignored, LOG_LEVEL and the
    rest allowed."""
    from tricolor.drift import IgnoreRules, compare, snapshots_from_rendered

    def feature(inputs: dict[str, Any]) -> None:
        inputs["data"]["FEATURE_NEW_CART"] = "true"

    def annotate(percentile: str) -> Callable[[dict[str, Any]], None]:
        def change(inputs: dict[str, Any]) -> None:
            inputs["spec"]["template"]["metadata"].setdefault("annotations", {})[LONG_KEY] = (
                "https://grafana.example.com/d/checkout-latency?orgId=1&refresh=30s&var-environment=all"
                f"&var-percentile={percentile}&from=now-6h&to=now")
        return change

    staging = changed(rendered["staging"], "checkout-deployment", annotate("p99"))
    prod = changed(rendered["prod"], "checkout-blue-config", feature)
    for color in ("blue", "green"):
        prod = changed(prod, f"checkout-{color}-deployment", annotate("p95"))
    snapshots = snapshots_from_rendered(staging) + snapshots_from_rendered(prod)
    ignore = IgnoreRules.parse("kubernetes:policy/v1:PodDisruptionBudget::* spec  # budget differs on purpose")
    return compare(snapshots, ["replicas", "autoscaling.*", "resources.*", "env.LOG_LEVEL"], ignore)
