"""The workflows: actionlint-clean, every third-party action pinned by a commit SHA,
fork pull requests never near a secret or a write token, the staging plan commented on
every pull request, the release environment a fixed choice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github/workflows"
PREVIEW = WORKFLOWS / "preview.yml"
FORK = WORKFLOWS / "preview-fork.yml"
REAPER = WORKFLOWS / "preview-reaper.yml"
RELEASE = WORKFLOWS / "release.yml"
PLAN_COMMAND = ("tricolor plan --stack staging --against git:${{ github.event.pull_request.base.sha }} "
                "--output markdown")
_PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
_TAG_COMMENT = re.compile(r"#\s*v\d+(\.\d+){1,2}\s*$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def all_workflows() -> list[Path]:
    files = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
    assert len(files) >= 5
    return files


def steps_of(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def unpinned(text: str) -> list[str]:
    """Every ``uses:`` of a workflow's text not pinned by a 40-hex SHA with its tag in a comment."""
    bad = []
    for line in text.splitlines():
        match = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
        if not match:
            continue
        ref, rest = match.groups()
        if ref.startswith(("./", "docker://")):
            continue  # the repository's own actions, or an image by digest: not third-party tags
        if not _PINNED.match(ref) or not _TAG_COMMENT.search(rest):
            bad.append(line.strip())
    return bad


def test_actionlint_is_clean(actionlint, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert actionlint(*all_workflows()) == []
    # The linter really looks: a broken copy is reported.
    broken = tmp_path / "broken.yml"
    broken.write_text(PREVIEW.read_text().replace("${{ github.event.pull_request.number }}",
                                                  "${{ github.event.pull_request.number( }}", 1))
    assert actionlint(broken) != []


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_every_third_party_action_is_pinned_by_commit_sha(path: Path) -> None:
    text = path.read_text()
    assert unpinned(text) == []
    uses = [step["uses"] for step in steps_of(load(path)) if "uses" in step]
    assert uses and all(_PINNED.match(u) for u in uses)


def test_the_pin_check_catches_tags_branches_and_missing_comments() -> None:
    sha = "11d5960a326750d5838078e36cf38b85af677262"
    assert unpinned(f"      - uses: actions/checkout@{sha} # v4.4.0") == []
    for line in ("      - uses: actions/checkout@v4", "        uses: actions/checkout@main",
                 f"      - uses: actions/checkout@{sha}", f"      - uses: actions/checkout@{sha[:12]} # v4.4.0",
                 f"      - uses: actions/checkout@{sha.upper()} # v4.4.0"):
        assert unpinned(line) == [line.strip()]


def test_release_environment_is_a_fixed_choice() -> None:
    workflow = load(RELEASE)
    stack = workflow["on"]["workflow_dispatch"]["inputs"]["stack"]
    assert stack["type"] == "choice" and stack["options"] and stack["default"] in stack["options"]
    # Every option is a production stack of the project (its GitHub environment holds its secrets).
    for option in stack["options"]:
        config = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{option}.yaml").read_text())["config"]
        assert config["tricolor:environment"] == "production"
    assert workflow["jobs"]["release"]["environment"] == "${{ inputs.stack }}"
    for name, spec in workflow["on"]["workflow_dispatch"]["inputs"].items():
        assert name == "stack" or spec["type"] != "environment"


def _code(path: Path) -> str:
    return "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))


def test_forks_never_get_a_secret_or_a_write_token_without_approval() -> None:
    for path in (PREVIEW, FORK, REAPER):
        assert "pull_request_target" not in _code(path)
    workflow = load(PREVIEW)
    assert set(workflow["on"]) == {"pull_request"}
    assert set(workflow["on"]["pull_request"]["types"]) == {"opened", "synchronize", "reopened", "closed"}
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    same_repo = "github.event.pull_request.head.repo.full_name == github.repository"
    # Deploying and destroying with credentials: pull requests of this repository only.
    for name in ("up", "down"):
        assert same_repo in jobs[name]["if"] and jobs[name]["environment"]["name"] == "preview"
    # A fork builds without pushing, holds no secret and no write permission.
    fork = jobs["build-fork"]
    assert "github.event.pull_request.head.repo.full_name != github.repository" in fork["if"]
    assert fork["permissions"] == {"contents": "read"}
    build = next(s for s in fork["steps"] if s.get("uses", "").startswith("docker/build-push-action"))
    assert build["with"]["push"] is False
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in fork["steps"])
    for name in ("plan", "build-fork"):  # jobs that run the fork's code
        assert "secrets." not in yaml.safe_dump(jobs[name])
        assert "id-token" not in jobs[name]["permissions"] and "packages" not in jobs[name]["permissions"]
    # Pull-request text never lands in a shell script: it goes through env variables.
    for path in (PREVIEW, FORK):
        for step in steps_of(load(path)):
            for field in ("head.ref", "title", "body", "head_branch", "outputs.head_ref"):
                assert field not in step.get("run", "")


def test_the_fork_path_deploys_after_approval_from_the_base_repository() -> None:
    workflow = load(FORK)
    assert set(workflow["on"]) == {"workflow_run"}
    assert workflow["on"]["workflow_run"]["workflows"] == ["preview"]
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    # The pull request comes from the API, matched on the run's head commit and repository.
    find = jobs["inspect"]["steps"][0]["with"]["script"]
    assert "run.head_sha" in find and "head_repository.full_name" in find and "pulls.list" in find
    assert "secrets." not in yaml.safe_dump(jobs["inspect"]) + yaml.safe_dump(jobs["plan"])
    deploy = jobs["deploy"]
    assert deploy["environment"]["name"] == "preview-fork" and deploy["needs"] == "inspect"
    # The base branch's code runs: the checkout names no pull-request ref.
    checkout = next(s for s in deploy["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert "ref" not in checkout.get("with", {})
    runs = "\n".join(s.get("run", "") for s in deploy["steps"])
    assert "docker push" in runs and "tricolor preview up" in runs
    # The secrets sit only behind the approval.
    for name, job in jobs.items():
        if name != "deploy":
            assert "secrets." not in yaml.safe_dump(job)


def test_every_pull_request_gets_the_staging_plan_as_one_updated_comment() -> None:
    workflow = load(PREVIEW)
    plan = workflow["jobs"]["plan"]
    assert plan["if"] == "${{ github.event.action != 'closed' }}"
    runs = "\n".join(s.get("run", "") for s in plan["steps"])
    assert PLAN_COMMAND in runs
    checkout = plan["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0  # the base commit is there to compare with
    comment = next(s for s in plan["steps"] if s.get("uses", "").startswith("actions/github-script"))
    script = comment["with"]["script"]
    assert "<!-- tricolor-plan -->" in script and "updateComment" in script and "createComment" in script
    # For a fork the same comment comes from preview-fork.yml, from the plan artifact.
    fork_comment = load(FORK)["jobs"]["plan"]["steps"][-1]["with"]["script"]
    assert "<!-- tricolor-plan -->" in fork_comment and "updateComment" in fork_comment


def test_up_comments_one_updated_comment_and_down_runs_on_close() -> None:
    workflow = load(PREVIEW)
    up, down = workflow["jobs"]["up"], workflow["jobs"]["down"]
    assert "github.event.action != 'closed'" in up["if"] and "github.event.action == 'closed'" in down["if"]
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
