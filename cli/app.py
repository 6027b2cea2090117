"""The ``tricolor`` command: thin wiring of the packages.

The top-level group is lazy (``group.LazyGroup``): it knows each command by name,
module and short help, and imports a command's module only when that command runs, so
``--help``, ``--version`` and a light command do not pay for Pulumi, scipy or boto3.
Global options: ``-C DIR`` (run as if started in DIR: the project is found from there,
and relative paths are read from there, as ``git -C`` and ``make -C`` do) and
``--version``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from .group import Entry, LazyGroup

__all__ = ["COMMANDS", "app", "main"]

#: name -> (module, attribute, short help); the module is imported when the command runs
COMMANDS: dict[str, Entry] = {
    "init": ("tricolor.cli.init", "init", "Write a new project: spec, stacks, workflows (or the example)."),
    "plan": ("tricolor.cli.plan", "plan", "Render every environment offline: resources, parity, policies, "
             "schedule (or --against: the changes)."),
    "policy": ("tricolor.cli.policy", "app", "Run the CrossGuard policy pack's rules offline."),
    "drift": ("tricolor.cli.drift", "app", "Compare environments and report every difference the spec does "
              "not allow."),
    "release": ("tricolor.cli.release", "app", "Canary and blue-green releases with automatic analysis: start, "
                "status, promote, abort..."),
    "preview": ("tricolor.cli.preview", "app", "Ephemeral staging per pull request: name, up, down, list, reap."),
    "judge": ("tricolor.cli.judge", "judge", "Judge recorded baseline and canary windows; the verdict as JSON."),
    "import": ("tricolor.cli.import_argo", "app", "Convert another tool's release definition (argo) into the spec's "
               "release block."),
}


class Commands(LazyGroup):
    entries = COMMANDS


app = typer.Typer(
    name="tricolor",
    cls=Commands,
    help="Staging, blue and green environments from one spec: plan, drift, release, previews.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tricolor {__version__}")
        raise typer.Exit()


def _enter(ctx: typer.Context, directory: Path) -> None:
    """Work in ``directory`` until the command ends (the working directory comes back)."""
    if not directory.is_dir():
        raise typer.BadParameter(f"{str(directory)[:200]} is not a folder", ctx=ctx, param_hint="-C")
    previous = os.getcwd()
    os.chdir(directory)
    ctx.call_on_close(lambda: os.chdir(previous))


@app.callback()
def _root(
    ctx: typer.Context,
    directory: Annotated[Path | None, typer.Option(
        "-C", "--directory", metavar="DIR", show_default=False,
        help="Run as if tricolor was started in DIR: the project is the nearest Pulumi.yaml using tricolor "
             "at or above it.")] = None,
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_version, help="Print tricolor's version and exit.")] = False,
) -> None:
    """tricolor: one spec, staging + blue + green, drift reports and automatic releases.

    Every command works on the project found from the working directory (the nearest
    Pulumi.yaml using tricolor, as git finds its root), or from -C DIR. Exit codes: 0 ok,
    1 bad input or error, 2 a finding, 3 inconclusive or still running, 4 locked.
    """
    if directory is not None:
        _enter(ctx, directory)


def main() -> None:
    app()
