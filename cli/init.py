"""``tricolor init [DIR] --name NAME --backend kubernetes|aws|docker [--image IMAGE]``:
write a new project of the user's own (``--example``: the bundled example).

The project plans, passes the policies and actionlint as written. Nothing is written
when a file would be overwritten (every one is named) or an input is wrong (the name
must be a DNS label; the image a valid, pinned reference: production refuses
``:latest``). Exit codes: 0 written, 1 bad input or a file in the way.
"""

from __future__ import annotations

import shlex
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..policies.rules_images import ImageOptions, image_finding
from ..spec.naming import service_name_problem
from ..stacks.project import ProjectError
from ..stacks.scaffold import INIT_BACKENDS, Scaffold, example_project, render_project, write_project
from .common import console, guarded

__all__ = ["init"]

Backend = StrEnum("Backend", {name: name for name in INIT_BACKENDS})  # type: ignore[misc]


@guarded
def init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Where (made if missing; default: here).")]
    = Path("."),
    name: Annotated[str | None, typer.Option(
        "--name", "-n", metavar="NAME", help="The service (and Pulumi project): a DNS label, e.g. checkout.")] = None,
    backend: Annotated[Backend | None, typer.Option("--backend", "-b", help="Where it runs.")] = None,
    image: Annotated[str | None, typer.Option(
        "--image", metavar="IMAGE", help="Its image, pinned (default: registry.example.com/NAME:0.1.0).")] = None,
    example: Annotated[bool, typer.Option(
        "--example", help="Write the bundled example (service checkout, every backend) instead.")] = False,
) -> None:
    """Write a new project: Pulumi.yaml, service.yaml, staging and prod stacks for the
    backend, the program's entry point, requirements.txt, the GitHub workflows (drift,
    preview, preview-reaper, release) and .gitignore. Refuses to overwrite files."""
    if example:
        if name or backend or image:
            raise ProjectError("--example writes the bundled example as it is: give either --example or "
                               "--name/--backend/--image")
        files = example_project()
    else:
        if not name or backend is None:
            missing = " and ".join(o for o, v in (("--name NAME", name), ("--backend BACKEND", backend)) if not v)
            raise ProjectError(f"give {missing} (backends: {', '.join(INIT_BACKENDS)}), or --example")
        problem = service_name_problem(name)
        if problem:
            raise ProjectError(f"--name: {problem}")
        chosen = image or f"registry.example.com/{name}:0.1.0"
        finding = image_finding(chosen, ImageOptions.model_validate({}))
        if finding:
            raise ProjectError(f"--image: {finding} (production refuses it)")
        files = render_project(Scaffold(name, str(backend), chosen))
    written = write_project(directory, files)
    where = escape(str(directory))
    console.print(f"wrote {len(written)} files in {where}:", soft_wrap=True)
    for path in written:
        console.print(f"  {escape(str(path.relative_to(directory)))}", soft_wrap=True)
    go = "" if directory == Path(".") else f"cd {escape(shlex.quote(str(directory)))} && "  # a shell line
    console.print(f"next: {go}tricolor plan   (then: pulumi up -s staging; see README, "
                  "'Use tricolor for your own service')", soft_wrap=True)
