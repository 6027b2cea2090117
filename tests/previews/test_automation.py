"""The thin Automation API layer, as far as it can be checked without a Pulumi CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tricolor.previews.automation import Workspace, project_dir, require_pulumi, up_preview
from tricolor.previews.automation_destroyer import AutomationDestroyer
from tricolor.previews.destroy import DestroyerContext, StackRef
from tricolor.previews.errors import DestroyError, PulumiUnavailable
from tricolor.previews.tags import PreviewMeta
from tricolor.stacks.project import ProjectError


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


def test_project_dir_is_the_working_project_never_the_installed_package(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectError, match="tricolor init"):
        project_dir()
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\nconfig:\n  tricolor:spec:\n    value: s.yaml\n")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "deep" / "er")
    assert project_dir() == tmp_path
    assert Workspace().work_dir == tmp_path
    options = Workspace(backend_url="s3://b/p", work_dir=tmp_path).options(None)
    assert options.env_vars == {"PULUMI_BACKEND_URL": "s3://b/p"} and options.work_dir == str(tmp_path)


def test_the_destroyer_selects_the_stack_by_its_fully_qualified_name(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The Automation API's own entry point is replaced by a recorder (no Pulumi CLI here):
    what reaches ``select_stack`` is the qualified name, never a bare one in a scoped backend."""
    from pulumi import automation as auto

    import tricolor.previews.automation_destroyer as module

    selected: list[str] = []

    class Selected:
        def destroy(self, **kwargs: object) -> None:
            assert kwargs["remove"] is True

    def select_stack(name: str, **kwargs: object) -> Selected:
        selected.append(name)
        return Selected()

    monkeypatch.setattr(auto, "select_stack", select_stack)
    monkeypatch.setattr(module, "require_pulumi", lambda: None)
    destroyer = AutomationDestroyer(DestroyerContext("tricolor", f"file://{tmp_path}", tmp_path))
    destroyer.destroy(StackRef("tricolor", "pr-1-x-00000001"))
    destroyer.destroy(StackRef(None, "pr-2-y-00000002"))  # the unscoped layout: Pulumi's name is the bare one
    assert selected == ["organization/tricolor/pr-1-x-00000001", "pr-2-y-00000002"]
    with pytest.raises(DestroyError, match="not a stack of project 'tricolor'"):
        destroyer.destroy(StackRef("other", "prod"))
    assert selected == ["organization/tricolor/pr-1-x-00000001", "pr-2-y-00000002"]


def test_outputs_are_redacted_before_they_are_printed() -> None:
    from types import SimpleNamespace

    from tricolor.previews.automation import command_failure, shown_outputs

    outputs = {
        "url": SimpleNamespace(value="https://pr-1.preview.example.com", secret=False),
        "databaseUrl": SimpleNamespace(value="postgres://app:CANARY-1@db:5432/app", secret=False),
        "apiToken": SimpleNamespace(value="CANARY-2", secret=False),
        "settings": SimpleNamespace(value={"env": [{"name": "X", "value": "1"}, {"name": "X", "value": "2"},
                                                   {"name": "DB_PASS", "value": "CANARY-3"}]}, secret=False),
        "password": SimpleNamespace(value="CANARY-4", secret=True),
    }
    shown = shown_outputs(outputs)
    assert "CANARY" not in str(shown) and shown["url"] == "https://pr-1.preview.example.com"
    assert shown["databaseUrl"] == "postgres://app:[secret]@db:5432/app" and "password" not in shown
    failure = command_failure(RuntimeError("x" * 10_000 + " postgres://u:CANARY-5@h/db failed"))
    assert "CANARY" not in failure and len(failure) <= 4003 and failure.endswith("failed")
