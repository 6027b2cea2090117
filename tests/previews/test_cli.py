"""``tricolor preview``: names, bad input, no Pulumi CLI, list and reap on a folder backend."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from tricolor.previews.naming import preview_names
from tricolor.previews.ttl import utcnow

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"TRICOLOR_SECRET_DATABASE_PASSWORD": "pw-value", "TRICOLOR_SECRET_STRIPE_API_KEY": "sk-value"}


@pytest.fixture
def stacks_dir(tmp_path: Path) -> Path:
    target = tmp_path / "stacks"
    target.mkdir()
    for file in (ROOT / "stacks").glob("Pulumi.*.yaml"):
        shutil.copy(file, target / file.name)
    return target


def snapshot(*folders: Path) -> list[str]:
    """Every file under ``folders``, and any preview stack file in the project's own stacks/."""
    mine = [str(p) for folder in folders for p in folder.rglob("*")]
    return sorted(mine + [str(p) for p in (ROOT / "stacks").glob("Pulumi.pr-*")])


def test_name_prints_the_names_ci_uses(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("preview", "name", "--pr", "12", "--branch", "feat/x", "--domain", "preview.example.com")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    names = preview_names(12, "feat/x", "checkout")
    assert document == {"stack": names.stack, "namespace": names.namespace, "slug": "feat-x", "host": names.host,
                        "pr": 12, "url": f"https://{names.host}.preview.example.com"}


@pytest.mark.parametrize(("args", "message"), [
    (["--pr", "0", "--branch", "x"], "--pr: '0' is not a pull-request number"),
    (["--pr", "abc", "--branch", "x"], "--pr: 'abc' is not a pull-request number"),
    (["--pr", "-4", "--branch", "x"], "--pr: '-4' is not a pull-request number"),
    (["--pr", "3", "--branch", ""], "--branch: the branch name is empty"),
    (["--pr", "3", "--branch", "x", "--ttl", "-1h"], "--ttl: '-1h' is negative"),
    (["--pr", "3", "--branch", "x", "--ttl", "forever"], "--ttl: 'forever' is not a duration"),
    (["--pr", "3", "--branch", "x", "--image", "Bad Image"], "--image"),
    (["--pr", "3", "--branch", "x", "--ttl", "99999999999d"], "--ttl: '99999999999d' is longer than the limit of 90d"),
    (["--pr", "3", "--branch", "x", "--ttl", "1" * 100_000], "--ttl: '111"),
    (["--pr", "9" * 5000, "--branch", "x"], "is above 2147483647"),
])
def test_bad_input_creates_nothing(cli, backend, stacks_dir, monkeypatch, no_pulumi, args, message) -> None:  # type: ignore[no-untyped-def]
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    before = snapshot(backend.root, stacks_dir)
    result = cli("preview", "up", *args, "--backend-url", backend.url, "--stacks-dir", str(stacks_dir))
    assert result.exit_code == 1, result.output  # bad input is 1 in every command; 2 means a finding
    assert message in result.stderr and "Traceback" not in result.output and len(result.stderr) < 500
    assert snapshot(backend.root, stacks_dir) == before


def test_up_without_pulumi_fails_clearly_and_creates_nothing(cli, backend, stacks_dir, monkeypatch,  # type: ignore[no-untyped-def]
                                                             no_pulumi) -> None:
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    before = snapshot(backend.root, stacks_dir)
    result = cli("preview", "up", "--pr", "12", "--branch", "feat/x", "--image", "ghcr.io/acme/checkout:pr-12",
                 "--backend-url", backend.url, "--stacks-dir", str(stacks_dir))
    assert result.exit_code == 1
    assert "the Pulumi CLI is not installed" in result.stderr and "Nothing was created" in result.stderr
    assert "pw-value" not in result.output and "sk-value" not in result.output
    assert snapshot(backend.root, stacks_dir) == before


def test_up_without_secrets_names_the_variables(cli, backend, stacks_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for key in SECRETS:
        monkeypatch.delenv(key, raising=False)
    result = cli("preview", "up", "--pr", "12", "--branch", "x", "--backend-url", backend.url,
                 "--stacks-dir", str(stacks_dir))
    assert result.exit_code == 1 and "TRICOLOR_SECRET_DATABASE_PASSWORD" in result.stderr
    assert backend.files() == [".pulumi/meta.yaml"]


def test_down_without_pulumi_touches_nothing(cli, backend, tags_for, no_pulumi) -> None:  # type: ignore[no-untyped-def]
    backend.add("pr-12-feat-x-0000000c", tags=tags_for(12, "feat/x", utcnow()))
    before = backend.files()
    nothing = cli("preview", "down", "--pr", "13", "--backend-url", backend.url)
    assert nothing.exit_code == 0 and "no preview of pull request #13" in nothing.stderr
    result = cli("preview", "down", "--pr", "12", "--backend-url", backend.url)
    assert result.exit_code == 1 and "the Pulumi CLI is not installed" in result.stderr
    assert backend.files() == before


def test_list_and_reap(cli, backend, tags_for, no_pulumi) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    backend.add("staging", tags={})
    backend.add("pr-1-new-00000001", tags=tags_for(1, "new", now - timedelta(hours=1)))
    backend.add("pr-2-old-00000002", tags=tags_for(2, "old", now - timedelta(hours=100)))
    listed = cli("preview", "list", "--backend-url", backend.url, "--output", "json")
    assert listed.exit_code == 0, listed.output
    rows = {r["stack"]: r for r in json.loads(listed.stdout)["previews"]}
    assert sorted(rows) == ["pr-1-new-00000001", "pr-2-old-00000002"]
    assert (rows["pr-1-new-00000001"]["status"], rows["pr-1-new-00000001"]["age"]) == ("active", "1h")
    assert rows["pr-1-new-00000001"]["ttlLeft"] in ("2d23h", "2d22h59m")
    assert (rows["pr-2-old-00000002"]["status"], rows["pr-2-old-00000002"]["branch"]) == ("expired", "old")
    text = cli("preview", "list", "--backend-url", backend.url)
    assert text.exit_code == 0 and "pr-2-old-00000002" in text.stdout and "expired" in text.stdout

    before = backend.files()
    dry = cli("preview", "reap", "--dry-run", "--backend-url", backend.url, "--output", "json")
    assert dry.exit_code == 0, dry.output
    outcomes = {o["stack"]: o["status"] for o in json.loads(dry.stdout)["outcomes"]}
    assert outcomes == {"staging": "skipped", "pr-1-new-00000001": "kept", "pr-2-old-00000002": "would destroy"}
    real = cli("preview", "reap", "--backend-url", backend.url)
    assert real.exit_code == 1 and "the Pulumi CLI is not installed" in real.stderr
    assert backend.files() == before


def test_reap_asks_github_about_closed_prs(cli, backend, tags_for, github) -> None:  # type: ignore[no-untyped-def]
    url, state = github
    state["pulls"].update({1: "closed", 2: "open"})
    backend.add("pr-1-a-00000001", tags=tags_for(1, "a", utcnow()))
    backend.add("pr-2-b-00000002", tags=tags_for(2, "b", utcnow()))
    backend.add("pr-3-c-00000003", tags=tags_for(3, "c", utcnow()))
    result = cli("preview", "reap", "--dry-run", "--backend-url", backend.url, "--github-repo", "acme/checkout",
                 "--github-api", url, "--github-token", "tok-123", "--output", "json")
    assert result.exit_code == 0, result.output
    outcomes = {o["stack"]: (o["status"], o["reason"]) for o in json.loads(result.stdout)["outcomes"]}
    assert outcomes["pr-1-a-00000001"] == ("would destroy", "pull request #1 is closed")
    assert outcomes["pr-2-b-00000002"][0] == outcomes["pr-3-c-00000003"][0] == "kept"
    assert "PR #3: state unknown" in result.stderr and "tok-123" not in result.output
    assert {auth for _, auth in state["seen"]} == {"Bearer tok-123"}
    listed = cli("preview", "list", "--backend-url", backend.url, "--github-repo", "acme/checkout", "--github-api", url,
                 "--output", "json")
    statuses = {r["stack"]: r["status"] for r in json.loads(listed.stdout)["previews"]}
    assert statuses == {"pr-1-a-00000001": "pr closed", "pr-2-b-00000002": "active", "pr-3-c-00000003": "active"}


def test_unsupported_backend_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("preview", "list", "--backend-url", "https://api.pulumi.com")
    assert result.exit_code == 1 and "Pulumi Cloud" in result.stderr


def test_the_old_backend_spelling_still_works_with_a_warning(cli, backend, tags_for, no_pulumi,
                                                              monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One convention: a state backend's URL is `--backend-url` (as in `drift`); `init
    --backend` names a backend kind. The preview verbs' old `--backend URL` still works."""
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    backend.add("pr-1-new-00000001", tags=tags_for(1, "new", utcnow()))
    old = cli("preview", "list", "--backend", backend.url, "--output", "json")
    assert old.exit_code == 0, old.output
    assert [r["stack"] for r in json.loads(old.stdout)["previews"]] == ["pr-1-new-00000001"]
    assert "--backend URL is deprecated; use --backend-url URL" in old.stderr.replace("\n", " ")
    none = cli("preview", "list")
    assert none.exit_code == 1 and "pass --backend-url or set PULUMI_BACKEND_URL" in none.stderr.replace("\n", " ")
