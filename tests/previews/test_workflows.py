"""The preview workflows: actionlint-clean, and fork pull requests get no deploy credentials."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PREVIEW = ROOT / ".github/workflows/preview.yml"
REAPER = ROOT / ".github/workflows/preview-reaper.yml"


def load(path: Path) -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_actionlint_is_clean(actionlint, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert actionlint(PREVIEW, REAPER) == []
    # The linter really looks: a broken copy is reported.
    broken = tmp_path / "broken.yml"
    broken.write_text(PREVIEW.read_text().replace("${{ github.event.pull_request.number }}",
                                                  "${{ github.event.pull_request.number( }}", 1))
    assert actionlint(broken) != []


def test_forks_never_get_deploy_credentials_without_approval() -> None:
    code = "\n".join(line for line in PREVIEW.read_text().splitlines() if not line.lstrip().startswith("#"))
    assert "pull_request_target" not in code
    workflow = load(PREVIEW)
    assert set(workflow["on"]) == {"pull_request"}
    assert set(workflow["on"]["pull_request"]["types"]) == {"opened", "synchronize", "reopened", "closed"}
    assert workflow["permissions"] == {"contents": "read"}
    for name in ("up", "down"):
        environment = workflow["jobs"][name]["environment"]["name"]
        # Same repository: `preview`; a fork: `preview-fork`, which needs a reviewer's approval.
        assert "head.repo.full_name == github.repository" in environment
        assert "'preview'" in environment and "'preview-fork'" in environment
    # Pull-request text never lands in a shell script: it goes through env variables.
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "github.event.pull_request.head.ref" not in step.get("run", "")
            assert "github.event.pull_request.title" not in step.get("run", "")


def test_up_comments_one_updated_comment_and_down_runs_on_close() -> None:
    workflow = load(PREVIEW)
    up, down = workflow["jobs"]["up"], workflow["jobs"]["down"]
    assert up["if"] == "${{ github.event.action != 'closed' }}"
    assert down["if"] == "${{ github.event.action == 'closed' }}"
    runs = "\n".join(step.get("run", "") for step in up["steps"])
    assert "tricolor preview up" in runs and "--image" in runs and "--commit" in runs
    comment = next(s for s in up["steps"] if s.get("uses", "").startswith("actions/github-script"))
    assert "updateComment" in comment["with"]["script"] and "tricolor-preview" in comment["with"]["script"]
    assert any("tricolor preview down" in step.get("run", "") for step in down["steps"])
    # The destroy job checks out the base branch: no pull-request code runs with the credentials.
    assert down["steps"][0]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"


def test_reaper_runs_on_a_schedule() -> None:
    workflow = load(REAPER)
    assert "schedule" in workflow["on"] and workflow["on"]["schedule"][0]["cron"]
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["reap"]["steps"])
    assert "tricolor preview reap" in runs and "--github-repo" in runs
