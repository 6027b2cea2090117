"""The thin Automation API layer, as far as it can be checked without a Pulumi CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tricolor import ROOT
from tricolor.previews import DestroyerContext, PreviewMeta, PulumiUnavailable, StackRef
from tricolor.previews.automation import Workspace, project_dir, require_pulumi, up_preview
from tricolor.previews.automation_destroyer import AutomationDestroyer


def test_without_the_cli_everything_stops_before_acting(no_pulumi, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PulumiUnavailable, match="not installed"):
        require_pulumi()
    workspace = Workspace(backend_url=f"file://{tmp_path}", work_dir=tmp_path)
    with pytest.raises(PulumiUnavailable):
        AutomationDestroyer(DestroyerContext("tricolor", workspace.backend_url, tmp_path)).destroy(
            StackRef("tricolor", "pr-1-x-00000001"))
    meta = PreviewMeta(pr=1, created_at=datetime(2026, 11, 26, tzinfo=UTC), ttl=timedelta(hours=1), branch="x")
    with pytest.raises(PulumiUnavailable):
        up_preview("pr-1-x-00000001", meta, {"tricolor:environment": "preview"}, {}, workspace)
    assert list(tmp_path.iterdir()) == [tmp_path / "empty-bin"]  # nothing but the fixture's empty PATH


def test_project_dir_prefers_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert project_dir() == ROOT
    (tmp_path / "Pulumi.yaml").write_text("name: tricolor\nruntime: python\n")
    assert project_dir() == tmp_path
    assert Workspace().work_dir == tmp_path
    options = Workspace(backend_url="s3://b/p", work_dir=tmp_path).options(None)
    assert options.env_vars == {"PULUMI_BACKEND_URL": "s3://b/p"} and options.work_dir == str(tmp_path)
