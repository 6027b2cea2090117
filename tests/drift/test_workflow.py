"""The scheduled drift workflow: actionlint-clean, read-only, report uploaded, one issue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml


def test_workflow_passes_actionlint(root: Path, actionlint: Callable[..., list[dict[str, object]]]) -> None:
    assert actionlint(root / ".github/workflows/drift.yml") == []


def test_workflow_is_scheduled_read_only_and_reports(root: Path) -> None:
    workflow = yaml.safe_load((root / ".github/workflows/drift.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key 'on' as True
    assert triggers["schedule"][0]["cron"]
    assert workflow["permissions"] == {"contents": "read", "id-token": "write", "issues": "write"}
    steps = workflow["jobs"]["drift"]["steps"]
    text = yaml.safe_dump(steps)
    assert "tricolor drift --stack " in text and "--output html" in text  # the one CLI convention
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in steps)
    issue = next(step for step in steps if step.get("name") == "Open or update the drift issue")
    assert issue["if"] == "${{ steps.drift.outputs.code == '2' }}"
    assert "gh issue edit" in issue["run"] and "gh issue create" in issue["run"]
