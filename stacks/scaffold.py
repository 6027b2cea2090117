"""``tricolor init``: a complete project of the user's own, from templates.

``render_project`` is pure: it returns every file of a new project (relative path ->
text) rendered from the Jinja templates in ``templates/`` (package data; ``[[ ]]`` and
``[% %]`` are their delimiters, so the workflows' ``${{ }}`` stay as they are):

- ``Pulumi.yaml`` (with a ``template:`` section: the folder is also a ``pulumi new``
  template), ``service.yaml``, ``stacks/Pulumi.staging.yaml`` and
  ``stacks/Pulumi.prod.yaml`` for the backend, ``stacks/__main__.py`` (tricolor's
  program), ``requirements.txt``, ``.gitignore``;
- the GitHub workflows: drift (nightly), preview (per pull request), preview-reaper,
  release; every action pinned to a commit.

``example_project`` is the bundled example instead (its spec and stack files, as they
are, under the Pulumi project ``tricolor``). ``write_project`` writes the files and
refuses to overwrite: when any file exists, none is written and every one is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from .. import __version__
from ..spec.load import read_yaml
from .project import ProjectError

__all__ = ["EXAMPLE_PROJECT", "INIT_BACKENDS", "Scaffold", "example_project", "render_project", "write_project"]

INIT_BACKENDS = ("kubernetes", "aws", "docker")
EXAMPLE_PROJECT = "tricolor"  # the example's Pulumi project (its config keys are tricolor:...)
DEFAULT_REGION = "us-east-1"

#: file of the new project -> its template
COMMON = {
    "Pulumi.yaml": "Pulumi.yaml.j2",
    "stacks/__main__.py": "main.py.j2",
    "requirements.txt": "requirements.txt.j2",
    ".gitignore": "gitignore.j2",
    ".github/workflows/drift.yml": "workflow-drift.yml.j2",
    ".github/workflows/preview.yml": "workflow-preview.yml.j2",
    ".github/workflows/preview-reaper.yml": "workflow-preview-reaper.yml.j2",
    ".github/workflows/release.yml": "workflow-release.yml.j2",
}
SERVICE = {
    "service.yaml": "service.yaml.j2",
    "stacks/Pulumi.staging.yaml": "stack-staging.yaml.j2",
    "stacks/Pulumi.prod.yaml": "stack-prod.yaml.j2",
}


@dataclass(frozen=True)
class Scaffold:
    """What a new project is made of."""

    name: str  # the service and the Pulumi project
    backend: str
    image: str
    production: tuple[str, ...] = ("prod",)  # the production stacks (the release workflow's choices)
    region: str = DEFAULT_REGION

    def values(self) -> dict[str, object]:
        return {"name": self.name, "backend": self.backend, "image": self.image, "region": self.region,
                "production": list(self.production), "version": __version__}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tricolor.stacks", "templates"),
        variable_start_string="[[", variable_end_string="]]",
        block_start_string="[%", block_end_string="%]",
        comment_start_string="[#", comment_end_string="#]",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        autoescape=False,  # YAML, Python and text, never HTML
    )


def _render(files: dict[str, str], scaffold: Scaffold) -> dict[str, str]:
    env = _environment()
    return {path: env.get_template(template).render(scaffold.values()) for path, template in files.items()}


def render_project(scaffold: Scaffold) -> dict[str, str]:
    """Every file of a new project for ``scaffold`` (relative path -> text)."""
    return _render({**COMMON, **SERVICE}, scaffold)


def _example_files() -> dict[str, str]:
    package = resources.files("tricolor")
    files = {"service.yaml": (package / "service.yaml").read_text(encoding="utf-8")}
    for item in sorted((package / "stacks").iterdir(), key=lambda i: i.name):
        if item.name.startswith("Pulumi.") and item.name.endswith(".yaml"):
            files[f"stacks/{item.name}"] = item.read_text(encoding="utf-8")
    return files


def example_project() -> dict[str, str]:
    """The bundled example as a project of its own (Pulumi project ``tricolor``)."""
    files = _example_files()
    production = []
    for path in files:
        if path.startswith("stacks/"):
            with resources.as_file(resources.files("tricolor") / path) as real:
                config = (read_yaml(real) or {}).get("config") or {}
            if config.get("tricolor:environment") == "production":
                production.append(path[len("stacks/Pulumi."):-len(".yaml")])
    order = sorted(production, key=lambda name: (name != "prod", name))
    scaffold = Scaffold(EXAMPLE_PROJECT, "kubernetes", "", tuple(order))
    return {**_render(COMMON, scaffold), **files}


def write_project(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` under ``folder`` (made if missing); nothing is written when any
    of them exists (``ProjectError`` names every one)."""
    targets = {relative: folder / relative for relative in files}
    existing = sorted(relative for relative, path in targets.items() if path.exists() or path.is_symlink())
    if existing:
        raise ProjectError(f"{folder}: {len(existing)} file(s) would be overwritten: {', '.join(existing)}; "
                           "nothing was written (init a new folder, or move them away)")
    written = []
    for relative, text in files.items():
        path = targets[relative]
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": a file that appeared meanwhile is not replaced
            handle.write(text)
        written.append(path)
    return written
