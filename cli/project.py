"""What the commands take from the user's project (``stacks.project``) when an option
is not given: the Pulumi project's name, the defaults under ``.tricolor/`` (where the
release ledger is: ``ledger.ledger_at``).

Every default resolves from the project found from the working directory (``-C DIR``
moves it), never from where tricolor is installed. A command that needs a project
and is run outside one fails with ``ProjectError`` (exit 1: how to start one); a
command given every location explicitly (``release list --ledger s3://...``) needs none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import TricolorError
from ..stacks.project import Project, ProjectError, find_project

__all__ = ["pulumi_project", "reports_default", "working_project"]


def working_project() -> Project | None:
    """The project of the working directory, or ``None`` outside any (a broken project
    file is still an error)."""
    try:
        return find_project()
    except ProjectError:
        return None


def pulumi_project(given: str | None) -> str:
    """``--project``, else the working project's name (what ``pulumi up`` uses)."""
    if given:
        return given
    return find_project().name


def reports_default(ctx: Any, param: Any, value: Path | None) -> Path | None:
    """An option callback: the default ``.tricolor/reports`` is the project's (the
    value given on the command line is kept as it is)."""
    source = ctx.get_parameter_source(param.name) if param.name else None
    if value is None or source is None or source.name != "DEFAULT":
        return value
    try:
        return find_project().reports
    except TricolorError:
        return value
