"""Secret canaries: states seeded with known secret strings in every shape go through
every drift format and ``plan --against``; the raw bytes of every output are searched
for the seeds. And the counts never depend on whether two secrets are equal."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"


def seeds(stack: str) -> dict[str, str]:
    """One canary per shape, different per stack (so a leak would also show as drift)."""
    return {shape: f"canary-{shape}-{stack}-7f3a" for shape in (
        "dup-env", "list", "object", "db-pass", "stripe-key", "auth", "connection-string",
        "client-secret-id", "ciphertext", "plaintext", "output", "k8s-data", "k8s-string", "url", "docker",
        "embedded", "named-entry")}


NUMBER = {"staging": 31415926535, "prod": 27182818284}


def seed(stack: str, resources: list[dict[str, Any]]) -> None:
    """Put every shape into the stack's ConfigMap and Deployment (outputs and inputs)."""
    s = seeds(stack)
    for resource in resources:
        outputs = resource.get("outputs") or {}
        if resource["type"] == "kubernetes:core/v1:ConfigMap":
            outputs["data"]["FEATURE_NEW_CART"] = stack  # a real difference, so the map is diffed field by field
            outputs["data"].update({
                "DB_PASS": s["db-pass"], "STRIPE_KEY": s["stripe-key"], "AUTH": s["auth"],
                "connection_string": s["connection-string"], "clientSecretId": s["client-secret-id"],
                "DATABASE_URL": f"postgres://app:{s['url']}@db.internal:5432/orders",
            })
            outputs["password"] = [s["list"], NUMBER[stack]]
            outputs["apiToken"] = {"nested": {"deeper": s["object"]}}
            outputs["signingSecret"] = NUMBER[stack]
            outputs["encrypted"] = {SIG: SECRET_SIG, "ciphertext": base64.b64encode(
                json.dumps(s["ciphertext"]).encode()).decode()}
            outputs["decrypted"] = {SIG: SECRET_SIG, "plaintext": json.dumps(s["plaintext"])}
            outputs["wrapped"] = {SIG: OUTPUT_SIG, "value": s["output"], "secret": True}
            outputs["taskDefinition"] = json.dumps({"containerDefinitions": [{"environment": [
                {"name": "DATABASE_PASSWORD", "value": s["embedded"]}]}]})
        if resource["type"] == "kubernetes:apps/v1:Deployment":
            container = outputs["spec"]["template"]["spec"]["containers"][0]
            container["image"] = f"ghcr.io/acme/checkout:{stack}"
            container["workingDir"] = f"/srv/{stack}-build"
            container["env"] = list(container.get("env") or []) + [
                {"name": "LOG_LEVEL", "value": "info"}, {"name": "LOG_LEVEL", "value": "debug"},  # a name twice
                {"name": "DATABASE_PASSWORD", "value": s["dup-env"]},
                {"name": "DATABASE_PASSWORD", "value": s["dup-env"] + "-again"},
                {"name": "AUTH", "value": s["named-entry"]},
            ]
        resource["inputs"] = copy.deepcopy(outputs) if outputs else resource.get("inputs")
    secret = {"urn": f"urn:pulumi:{stack}::tricolor::kubernetes:core/v1:Secret::checkout-db", "custom": True,
              "type": "kubernetes:core/v1:Secret",
              "outputs": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "checkout-db"},
                          "data": {"password": base64.b64encode(s["k8s-data"].encode()).decode()},
                          "stringData": {"token": s["k8s-string"]}},
              "inputs": {"metadata": {"name": "checkout-db"}, "stringData": {"token": s["k8s-string"]}}}
    docker = {"urn": f"urn:pulumi:{stack}::tricolor::docker:index/container:Container::checkout-app",
              "custom": True, "type": "docker:index/container:Container",
              "outputs": {"name": "checkout", "envs": [f"DB_PASSWORD={s['docker']}", "LOG_LEVEL=info"]}}
    resources.extend([secret, docker])


def all_seeds() -> list[str]:
    out = [v for stack in ("staging", "prod") for v in seeds(stack).values()]
    out += [str(n) for n in NUMBER.values()]
    out += [base64.b64encode(s.encode()).decode() for stack in ("staging", "prod")
            for s in (seeds(stack)["k8s-data"], json.dumps(seeds(stack)["ciphertext"]))]
    return out


def assert_no_seed(where: str, data: bytes) -> None:
    for canary in all_seeds():
        assert canary.encode() not in data, f"{where} leaks {canary}"


@pytest.fixture
def seeded(backend: Callable[..., Path]) -> Path:
    return backend(seed)


def test_no_drift_format_leaks_a_seed(cli: Any, seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    args = ["drift", "--stacks", "staging,prod", "--backend-url", str(seeded), "--no-history", "--show-allowed"]
    written = cli(*args, "--out", str(out), *[a for f in ("text", "markdown", "json", "html", "junit")
                                                for a in ("--format", f)])
    assert written.exit_code == 2, written.stderr
    assert_no_seed("stderr", written.stderr.encode())
    files = sorted(out.iterdir())
    assert len(files) == 5
    for path in files:
        assert_no_seed(path.name, path.read_bytes())
    for fmt in ("text", "markdown", "json", "html", "junit"):
        result = cli(*args, "--format", fmt)
        assert result.exit_code == 2, result.stderr
        assert_no_seed(f"stdout ({fmt})", result.stdout_bytes)
        assert_no_seed(f"stderr ({fmt})", result.stderr.encode())
    document = json.loads((out / "drift.json").read_text())
    by_path = {(d["resource"].split("::")[1], d["path"]): d for d in document["differences"]}
    # The seeds differ between the stacks, yet no secret field is reported: they are
    # redacted the same way in both (the drift found is the injected Secret, Docker, ...).
    assert not [k for k in by_path if k[1].startswith(("data.DB_PASS", "password", "apiToken", "encrypted"))]


def test_plan_output_leaks_no_seed(cli: Any, seeded: Path, tmp_path: Path) -> None:
    state = json.loads((seeded / ".pulumi/stacks/tricolor/staging.json").read_text())
    export = tmp_path / "staging-export.json"
    export.write_text(json.dumps({"version": 3, "deployment": state["checkpoint"]["latest"]}))
    for source in (str(export), str(seeded)):
        for output in ("text", "json", "markdown"):
            result = cli("plan", "--stack", "staging", "--against", source, "--output", output)
            assert result.exit_code == 0, result.stderr
            assert_no_seed(f"plan {output} against {source}", result.stdout_bytes)
            assert_no_seed("plan stderr", result.stderr.encode())
            if output == "text":
                assert "[secret]" in result.stdout  # the changed secret fields are shown, redacted


def _summary(cli: Any, backend: Callable[..., Path], same: bool) -> dict[str, Any]:
    def mutate(stack: str, resources: list[dict[str, Any]]) -> None:
        value = "same-secret" if same else f"secret-of-{stack}"
        for resource in resources:
            if resource["type"] == "kubernetes:core/v1:ConfigMap":
                resource["outputs"]["data"]["DATABASE_PASSWORD"] = value
                resource["outputs"]["token"] = {SIG: SECRET_SIG, "ciphertext": base64.b64encode(value.encode())
                                                .decode()}

    result = cli("drift", "--stacks", "staging,prod", "--backend-url", str(backend(mutate)), "--no-history",
                 "--format", "json")
    document = json.loads(result.stdout)
    return {"summary": document["summary"], "differences": document["differences"]}


def test_counts_do_not_depend_on_secret_values(cli: Any, backend: Callable[..., Path]) -> None:
    """``summary.unchanged`` and every count are the same whether two environments'
    secrets are equal or not: redaction happens before fingerprinting."""
    assert _summary(cli, backend, same=True) == _summary(cli, backend, same=False)
