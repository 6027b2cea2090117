"""`tricolor drift`: exit codes 0 parity, 2 drift, 1 error; every bad input named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import find  # type: ignore[import-not-found]


@pytest.fixture(autouse=True)
def _history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "history.sqlite"
    monkeypatch.setenv("TRICOLOR_DRIFT_HISTORY", str(path))
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    return path


def _inject_env(stack: str, resources: list[dict[str, Any]]) -> None:
    if stack == "prod":
        find(resources, "::checkout-blue-config")["outputs"]["data"]["FEATURE_NEW_CART"] = "true"


def test_parity_exits_0(cli: Any, backend: Any) -> None:
    result = cli("drift", "--stacks", "staging,prod", "--backend-url", str(backend()))
    assert result.exit_code == 0, result.stderr
    assert "parity: 0 drift, " in " ".join(result.stdout.split())


def test_drift_exits_2_with_json(cli: Any, backend: Any) -> None:
    result = cli("drift", "--stacks", "staging,prod", "--backend-url", f"file://{backend(_inject_env)}",
                 "--format", "json")
    assert result.exit_code == 2, result.stderr
    document = json.loads(result.stdout)
    (drift,) = [d for d in document["differences"] if d["status"] == "drift"]
    assert (drift["path"], drift["values"]) == ("data.FEATURE_NEW_CART",
                                                {"staging": "false", "prod/blue": "true", "prod/green": "false"})
    assert drift["new"] is None and drift["odd"] == ["prod/blue"]  # a first run: nothing is "new" yet
    assert document["summary"]["new"] is None


def test_out_folder_ignore_file_and_history(cli: Any, backend: Any, tmp_path: Path, _history: Path) -> None:
    root = backend(_inject_env)
    ignore = tmp_path / ".driftignore"
    ignore.write_text("kubernetes:core/v1:ConfigMap::checkout-config data.FEATURE_NEW_CART  # rolling out\n")
    args = ["drift", "--stacks", "staging,prod", "--backend-url", str(root), "--out", str(tmp_path / "r")]
    for fmt in ("text", "markdown", "json", "html", "junit"):
        args += ["--format", fmt]
    args.append("--record")
    first = cli(*args)
    assert first.exit_code == 2, first.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [
        "drift-junit.xml", "drift.html", "drift.json", "drift.md", "drift.txt"]
    second = cli(*args, "--ignore", str(ignore))
    assert second.exit_code == 0, second.stderr
    document = json.loads((tmp_path / "r" / "drift.json").read_text())
    assert document["summary"]["ignored"] == 1 and document["summary"]["drift"] == 0
    history = cli("drift", "history", "--json")
    assert history.exit_code == 0, history.stderr
    runs = json.loads(history.stdout)
    assert [(r["drift"], r["ignored"]) for r in runs] == [(1, 0), (0, 1)]
    table = cli("drift", "history")
    assert table.exit_code == 0 and "parity" in table.stdout


def test_export_from_standard_input(cli: Any, backend: Any) -> None:
    root = backend()
    staging = (root / ".pulumi/stacks/tricolor/staging.json").read_text()
    result = cli("drift", "--stacks", "staging,prod", "--backend-url", str(root), "--export", "staging=-",
                 "--no-history", input=staging)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("content", "expected"), [
    ('{"version": 3, "checkpoint": {"latest": {"resources": [{"urn": ', "not valid JSON"),
    ('{"version": 9, "deployment": {}}', "unsupported state schema version 9"),
])
def test_bad_state_file_exits_1_naming_it(cli: Any, backend: Any, tmp_path: Path, content: str,
                                          expected: str) -> None:
    bad = tmp_path / "staging-export.json"
    bad.write_text(content)
    result = cli("drift", "--stacks", "staging,prod", "--backend-url", str(backend()), "--export",
                 f"staging={bad}")
    assert result.exit_code == 1
    assert "staging-export.json" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_stack_and_unreadable_backend_exit_1(cli: Any, backend: Any, tmp_path: Path) -> None:
    missing = cli("drift", "--stacks", "staging,qa", "--backend-url", str(backend()))
    assert missing.exit_code == 1 and "stack qa not found" in missing.stderr
    unreadable = cli("drift", "--stacks", "staging,prod", "--backend-url", f"file://{tmp_path}/nowhere")
    assert unreadable.exit_code == 1 and f"{tmp_path}/nowhere" in unreadable.stderr
    no_url = cli("drift", "--stacks", "staging,prod")
    assert no_url.exit_code == 1 and "no backend URL" in no_url.stderr
    no_stacks = cli("drift")
    assert no_stacks.exit_code == 1 and "--stack" in no_stacks.stderr


def test_other_bad_input_exits_1(cli: Any, backend: Any, tmp_path: Path) -> None:
    root = str(backend())
    bad_ignore = tmp_path / "bad.ignore"
    bad_ignore.write_text("one two three\n")
    result = cli("drift", "--stacks", "staging,prod", "--backend-url", root, "--ignore", str(bad_ignore))
    assert result.exit_code == 1 and "bad.ignore:1" in result.stderr
    result = cli("drift", "--stacks", "staging,prod", "--backend-url", root, "--format", "json", "--format", "html")
    assert result.exit_code == 1 and "--out" in result.stderr
    result = cli("drift", "--stacks", "staging", "--backend-url", root)
    assert result.exit_code == 1 and "only 1 environment" in result.stderr
    result = cli("drift", "--stacks", "staging,prod", "--source", "kubernetes", "--namespace", "staging")
    assert result.exit_code == 1 and "STACK=VALUE" in result.stderr
    result = cli("drift", "history", "--history", str(tmp_path / "none.sqlite"))
    assert result.exit_code == 1 and "does not exist yet" in result.stderr


def test_desired_versus_live_without_the_pulumi_cli(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = cli("drift", "--desired", "prod")
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "needs the Pulumi CLI" in message and "not installed" in message
    assert "Traceback" not in result.stderr


def test_stack_names_are_checked_and_never_echoed_whole(cli: Any, backend: Any) -> None:
    root = str(backend())
    long = cli("drift", "--stacks", "staging," + "x" * 1_000_000, "--backend-url", root)
    assert long.exit_code == 1 and "1000000 characters" in long.stderr and len(long.stderr) < 1_000
    for bad in ("../../etc/passwd", "a b", "prod/blue"):
        result = cli("drift", "--stacks", f"staging,{bad}", "--backend-url", root)
        assert result.exit_code == 1 and "--stacks" in result.stderr and "Traceback" not in result.stderr
