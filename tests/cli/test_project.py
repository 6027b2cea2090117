"""The project is found from the working directory, like git finds its root: which
Pulumi.yaml is a tricolor project, where its files are, and what happens outside one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tricolor.spec.errors import SpecError
from tricolor.stacks.config import read_stack_config, spec_path
from tricolor.stacks.project import ProjectError, find_project, project_of, shared_backend, uses_tricolor

MARKED = ("name: shop\nruntime: python\nmain: stacks/\nstackConfigDir: stacks\n"
          "config:\n  tricolor:spec:\n    value: spec/app.yaml\n")


def _project(folder: Path, text: str = MARKED) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text(text)
    (folder / "stacks").mkdir(exist_ok=True)
    return folder


def test_found_from_any_subfolder_with_its_files_resolved_from_its_root(tmp_path: Path) -> None:
    root = _project(tmp_path / "shop")
    deep = root / "a" / "b"
    deep.mkdir(parents=True)
    for start in (root, deep, root / "stacks"):
        project = find_project(start)
        assert project.root == root.resolve() and project.name == "shop"
        assert project.stacks_dir == root.resolve() / "stacks"
        assert project.spec == root.resolve() / "spec" / "app.yaml"
        assert project.drift_history == root.resolve() / ".tricolor" / "drift-history.sqlite"
        assert project.reports == root.resolve() / ".tricolor" / "reports"


def test_a_program_importing_tricolor_marks_a_project_too(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", "name: p\nruntime: python\nmain: infra/\n")
    assert not uses_tricolor(root / "Pulumi.yaml")
    (root / "infra").mkdir()
    (root / "infra" / "__main__.py").write_text("from tricolor.stacks.__main__ import main\n\nmain()\n")
    assert uses_tricolor(root / "Pulumi.yaml")
    project = find_project(root / "infra")
    assert project.stacks_dir == root.resolve()  # no stackConfigDir: beside Pulumi.yaml, as Pulumi does
    assert project.spec == root.resolve() / "service.yaml"


def test_a_pulumi_project_not_using_tricolor_is_stepped_over_and_named(tmp_path: Path) -> None:
    outer = _project(tmp_path / "mono")
    inner = _project(outer / "network", "name: network\nruntime: go\n")
    assert find_project(inner).root == outer.resolve()
    (tmp_path / "alone").mkdir()
    _project(tmp_path / "alone" / "net", "name: net\nruntime: go\n")
    with pytest.raises(ProjectError) as caught:
        find_project(tmp_path / "alone" / "net")
    message = str(caught.value)
    assert "not in a tricolor project" in message and "tricolor init" in message and "-C DIR" in message
    assert "'net'" in message and "does not use tricolor" in message


def test_outside_any_project_the_error_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"tricolor init .*--name NAME --backend"):
        find_project(tmp_path)
    assert project_of(tmp_path) is None


def test_a_broken_project_file_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    text = "name: ''\nruntime: python\nstackConfigDir: 3\nconfig:\n  tricolor:spec:\n    value: [a]\n"
    root = _project(tmp_path / "bad", text)
    with pytest.raises(SpecError) as caught:
        find_project(root)
    lines = {(p.path, p.line) for p in caught.value.problems}
    assert {("name", 1), ("stackConfigDir", 3), ("config.tricolor:spec", 5)} <= lines, lines
    (root / "Pulumi.yaml").write_text("name: x\nname: y\nconfig: {tricolor:spec: {value: s.yaml}}\n")
    with pytest.raises(SpecError, match=r"Pulumi.yaml:2"):
        find_project(root)


def test_stack_files_resolve_the_spec_and_their_namespace_from_their_project(tmp_path: Path) -> None:
    root = _project(tmp_path / "shop")
    (root / "stacks" / "Pulumi.staging.yaml").write_text(
        "config:\n  environment: staging\n  tricolor:backend: docker\n")
    config, _ = read_stack_config("staging", root / "stacks")
    # as Pulumi reads them: a key without a namespace belongs to the project (shop), not to tricolor
    assert config == {"shop:environment": "staging", "tricolor:backend": "docker"}
    assert spec_path(None, None, root) == root.resolve() / "spec" / "app.yaml"
    assert spec_path("other.yaml", None, root) == root / "other.yaml"
    assert spec_path("other.yaml", tmp_path / "given.yaml", root) == tmp_path / "given.yaml"


def test_shared_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    root = _project(tmp_path / "shop", MARKED + "backend:\n  url: s3://state/shop\n")
    assert shared_backend(find_project(root)) == "s3://state/shop"
    monkeypatch.setenv("PULUMI_BACKEND_URL", "file:///var/state")
    assert shared_backend(find_project(root)) is None
    monkeypatch.setenv("PULUMI_BACKEND_URL", "https://api.pulumi.com")
    assert shared_backend(find_project(root)) == "https://api.pulumi.com"
