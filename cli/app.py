"""The ``tricolor`` command: thin wiring of the packages."""

from __future__ import annotations

import typer

from .plan import plan

app = typer.Typer(
    name="tricolor",
    help="Staging, blue and green environments from one spec: plan, drift, release, previews.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("plan")(plan)


@app.callback()
def _root() -> None:
    """tricolor: one spec, staging + blue + green, drift reports and automatic releases."""


def main() -> None:
    app()
