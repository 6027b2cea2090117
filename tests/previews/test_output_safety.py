"""``tricolor preview`` output: no seeded secret reaches the raw bytes of any command or
format, data is never read as markup, and bad input exits 1 (the one table)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest

from tricolor.previews.ttl import utcnow

SIG, SECRET_SIG = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"
SEEDS = [f"CANARY{i}qz" for i in range(1, 12)] + ["918273645501"]
MARKUP = "[bold]x[/bold] [/] :fire: [info]"


def secret_resources(stack: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Resources holding the seeds in every shape: env lists with a duplicated name,
    non-string values, many spellings, envelopes, Kubernetes Secret data, URL passwords."""
    s = SEEDS
    env = [{"name": "LOG_LEVEL", "value": "a"}, {"name": "LOG_LEVEL", "value": "b"},
           {"name": "DATABASE_PASSWORD", "value": s[0]}, {"name": "DB_PASS", "value": [s[1]]},
           {"name": "STRIPE_KEY", "value": {"k": s[2]}}, {"name": "AUTH", "value": int(s[11])},
           {"name": "DATABASE_URL", "value": f"postgres://u:{s[3]}@db/app"},
           {"name": "TOKEN", "value": {SIG: SECRET_SIG, "ciphertext": s[4]}}]
    urn = f"urn:pulumi:{stack}::tricolor::"
    deployment = {"metadata": {"labels": labels},
                  "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "app:1", "env": env}]}}}}
    secret = {"metadata": {"labels": labels}, "data": {"x": base64.b64encode(s[5].encode()).decode()},
              "stringData": {"connection_string": s[6], "clientSecretId": s[7]}}
    return [
        {"urn": urn + "kubernetes:apps/v1:Deployment::d", "type": "kubernetes:apps/v1:Deployment", "custom": True,
         "inputs": deployment, "outputs": deployment},
        {"urn": urn + "kubernetes:core/v1:Secret::s", "type": "kubernetes:core/v1:Secret", "custom": True,
         "inputs": secret, "outputs": secret},
        {"urn": urn + "pulumi:pulumi:Stack::st", "type": "pulumi:pulumi:Stack", "custom": False,
         "outputs": {"dsn": s[8], "privateKey": s[9], "apiToken": s[10]}},
    ]


def raw_of(result: Any) -> bytes:
    return bytes(result.stdout_bytes) + bytes(result.stderr_bytes)


@pytest.fixture
def seeded(backend: Any, tags_for: Any) -> Any:
    now = utcnow()
    marks = {"tricolor.dev/preview": "true", "tricolor.dev/pr": "3", "tricolor.dev/ttl": "3600s",
             "tricolor.dev/created-at": "2026-01-01T000000Z"}
    backend.add("pr-1-a-00000001", secret_resources("pr-1-a-00000001", {}),
                tags={**tags_for(1, "a", now - timedelta(hours=1)), "stripe-key": SEEDS[2], "owner-token": SEEDS[10]})
    backend.add("pr-2-b-00000002", secret_resources("pr-2-b-00000002", {}),
                tags=tags_for(2, "b", now - timedelta(days=9)))
    backend.add("pr-3-c-00000003", secret_resources("pr-3-c-00000003", marks))  # labels only, expired
    backend.add("pr-4-d-00000004", secret_resources("pr-4-d-00000004", {}))
    (backend.stacks / "pr-4-d-00000004.pulumi-tags").write_text("{ broken")
    (backend.stacks / "pr-5-e-00000005.json").write_text(json.dumps(
        {"version": 3, "checkpoint": {"latest": {"resources": secret_resources("pr-5-e-00000005", {}) * 2}}}))
    return backend


@pytest.mark.parametrize("args", [
    ["list"], ["list", "-o", "json"], ["reap", "--dry-run"], ["reap", "--dry-run", "-o", "json"],
    ["reap"], ["down", "--pr", "1"], ["down", "--pr", "5"],
])
def test_no_seeded_secret_reaches_the_output(cli, seeded, no_pulumi, args) -> None:  # type: ignore[no-untyped-def]
    result = cli("preview", *args, "--backend-url", seeded.url)
    raw = raw_of(result)
    assert result.exit_code in (0, 1) and b"Traceback" not in raw, result.output
    leaked = [seed for seed in SEEDS if seed.encode() in raw or base64.b64encode(seed.encode()) in raw]
    assert leaked == []


def test_values_are_printed_literally(cli, backend, tags_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tricolor.cli.common import LazyConsole, console

    assert isinstance(console, LazyConsole)  # made on first use: widen the rich Console behind it
    monkeypatch.setattr(console.real, "_width", 400)  # a wide terminal: table cells are not wrapped
    now = utcnow()
    backend.add("pr-1-a-00000001", tags=tags_for(1, MARKUP, now - timedelta(hours=1)))
    backend.add("pr-2-b-00000002", tags={**tags_for(2, "b", now), "tricolor:ttl": MARKUP})
    (backend.stacks / "x[info]y[b]:fire:.json").write_text("{ not json")  # no '/' in a file name
    listed = cli("preview", "list", "--backend-url", backend.url)
    assert listed.exit_code == 0, listed.output
    flat = listed.stdout
    assert "[bold]x[/bold]" in flat and ":fire:" in flat and "🔥" not in listed.stdout
    assert "x[info]y[b]:fire:" in flat
    reaped = cli("preview", "reap", "--dry-run", "--backend-url", backend.url)
    assert reaped.exit_code == 0, reaped.output
    assert "[/]" in reaped.stdout and "🔥" not in reaped.stdout
    # Errors echo the value literally too.
    bad = cli("preview", "name", "--pr", MARKUP, "--branch", "x")
    assert bad.exit_code == 1 and MARKUP in bad.stderr and "🔥" not in bad.stderr


@pytest.mark.parametrize("args", [
    ["name", "--pr", "0", "--branch", "x"],
    ["name", "--pr", "9" * 5000, "--branch", "x"],
    ["name", "--pr", "3", "--branch", "   "],
    ["down", "--pr", "-1", "--backend-url", "/nowhere"],
    ["list", "--backend-url", "gs://bucket"],
    ["list", "--backend-url", "https://api.pulumi.com"],
])
def test_bad_input_exits_1_with_a_short_message(cli, args) -> None:  # type: ignore[no-untyped-def]
    result = cli("preview", *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and len(result.stderr) < 400
