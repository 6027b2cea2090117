"""``policy check --state`` output: no secret in any shape reaches the raw bytes of any
format, and data is never read as markup or an emoji code."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

SIG, SECRET_SIG, OUTPUT_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270",
                               "d0e6a833031e9bbcd3f4e8bde6ca49a4")


def seeds(side: str) -> dict[str, Any]:
    """Seeded secrets, different per color (so a diff between the colors would show them)."""
    return {f"S{i}": f"CANARY{i}{side}zq" for i in range(1, 16)} | {"N1": int(f"9182736455{ord(side)}")}


def color_resources(b: Any, color: str, side: str) -> list[Any]:
    s = seeds(side)
    deployment = b.deployment(color, environment=None, replicas=4 if color == "blue" else 6,
                              image=b.IMAGE if color == "blue" else "app:latest")
    container = deployment.props["spec"]["template"]["spec"]["containers"][0]
    container["env"] = [
        {"name": "LOG_LEVEL", "value": "info"}, {"name": "LOG_LEVEL", "value": "debug"},  # a duplicated name
        {"name": "DATABASE_PASSWORD", "value": s["S1"]},
        {"name": "DB_PASS", "value": [s["S2"]]},  # not a string
        {"name": "STRIPE_KEY", "value": {"live": s["S3"]}},
        {"name": "AUTH", "value": s["N1"]},  # a number
        {"name": "DATABASE_URL", "value": f"postgres://app:{s['S4']}@db:5432/app"},
        {"name": "API_TOKEN", "value": {SIG: SECRET_SIG, "ciphertext": s["S5"]}},
        {"name": "PLAIN", "value": {SIG: OUTPUT_SIG, "value": s["S6"], "secret": True}},
    ]
    config = b.resource("kubernetes:core/v1:ConfigMap", f"checkout-{color}-config", {
        "metadata": {"labels": b.labels(color, environment=None)},
        "data": {"connection_string": s["S7"], "clientSecretId": s["S8"], "SENTRY_DSN": s["S9"],
                 "privateKey": s["S10"], "GITHUB_TOKEN": s["S11"], "mode": color}})
    secret = b.resource("kubernetes:core/v1:Secret", f"checkout-{color}-secret", {
        "metadata": {"labels": b.labels(color, environment=None)},
        "data": {"greeting": base64.b64encode(s["S12"].encode()).decode()},
        "stringData": {"note": s["S13"], "password": s["S14"]}})
    return [deployment, config, secret]


def every_seed() -> list[str]:
    out = []
    for side in "ab":
        for value in seeds(side).values():
            out.append(str(value))
            out.append(base64.b64encode(str(value).encode()).decode())
    return out


@pytest.fixture
def seeded_export(tmp_path: Any, b: Any) -> Any:
    items = color_resources(b, "blue", "a") + color_resources(b, "green", "b")
    resources = [{"urn": i.urn, "type": i.type, "custom": True, "inputs": dict(i.props),
                  "outputs": dict(i.props)} for i in items]
    path = tmp_path / "prod.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
    return path


@pytest.mark.parametrize("output", ["text", "json"])
def test_no_seeded_secret_reaches_the_output(cli, seeded_export, output) -> None:  # type: ignore[no-untyped-def]
    result = cli("policy", "check", "--state", str(seeded_export), "--output", output)
    assert result.exit_code == 2, result.output
    raw = result.stdout_bytes + result.stderr_bytes
    # The check looked: the colors differ and the report says where (replicas, env, the configs).
    assert b"color-parity" in raw and b"replicas" in raw and b"images-pinned" in raw
    # Secrets redact to the same bytes on both colors: no difference there to report, nor to count.
    assert b"DATABASE_PASSWORD" not in raw and b"clientSecretId" not in raw
    leaked = [seed for seed in every_seed() if seed.encode() in raw]
    assert leaked == []


def test_equal_or_different_secrets_give_the_same_report(cli, tmp_path, b) -> None:  # type: ignore[no-untyped-def]
    """Not one bit of a secret: whether the colors' secrets are equal changes nothing."""
    outputs = []
    for green_side in ("a", "b"):
        items = color_resources(b, "blue", "a") + color_resources(b, "green", green_side)
        resources = [{"urn": i.urn, "type": i.type, "custom": True, "inputs": dict(i.props)} for i in items]
        path = tmp_path / f"prod-{green_side}.json"
        path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
        outputs.append(cli("policy", "check", "--state", str(path), "--output", "json").stdout.replace(
            str(path), "FILE"))
    assert outputs[0] == outputs[1]


MARKUP = "[bold]x[/bold] [/] :fire: [info]"


def test_data_is_never_markup(cli, tmp_path, b) -> None:  # type: ignore[no-untyped-def]
    hostile = b.resource("kubernetes:core/v1:ConfigMap", f"cm-{MARKUP}", {
        "metadata": {"labels": {"tricolor.dev/preview": "true", "tricolor.dev/pr": "7",
                                "tricolor.dev/created-at": "2026-01-31T120000Z", "tricolor.dev/ttl": MARKUP}}})
    image = b.deployment(None, environment="production", image=f"app:{MARKUP}")
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": [
        {"urn": i.urn, "type": i.type, "custom": True, "inputs": dict(i.props)} for i in (hostile, image)]}}))
    result = cli("policy", "check", "--state", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"label or tag tricolor.dev/ttl is {MARKUP!r}" in result.stdout  # printed literally, whole
    assert f"ConfigMap: cm-{MARKUP})" in result.stdout
    assert f"'app:{MARKUP}' is not a valid image reference" in result.stdout
    assert "🔥" not in result.stdout
    # A bad value on the command line is echoed literally in the error too (exit 1: bad input).
    bad = cli("policy", "check", "--state", str(path), "--environment", MARKUP)
    assert bad.exit_code == 1 and MARKUP in bad.stderr and "🔥" not in bad.stderr
