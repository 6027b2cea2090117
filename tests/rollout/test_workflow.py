"""The release workflow shipped in the repository passes actionlint."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github/workflows/release.yml"


def test_release_workflow_is_actionlint_clean(actionlint):
    assert actionlint(WORKFLOW) == []


def test_release_workflow_runs_the_release_commands():
    data = yaml.safe_load(WORKFLOW.read_text())
    inputs = data[True]["workflow_dispatch"]["inputs"]  # YAML 1.1 reads `on` as true
    assert {"stack", "image", "dry_run"} <= set(inputs)
    runs = " ".join(step.get("run", "") for step in data["jobs"]["release"]["steps"])
    assert "tricolor release start" in runs and "--dry-run" in runs and "tricolor release status" in runs
    assert data["concurrency"]["cancel-in-progress"] is False


def test_actionlint_catches_a_broken_workflow(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ inputs.stack }}", "${{ inputs.stak }}", 1))
    assert actionlint(broken) != []
