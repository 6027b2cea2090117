"""The ``tricolor`` command: thin wiring of the packages."""

from __future__ import annotations

import typer

from .drift import app as drift_app
from .import_argo import app as import_app
from .judge import judge
from .plan import plan
from .policy import app as policy_app
from .preview import app as preview_app
from .release import app as release_app

app = typer.Typer(
    name="tricolor",
    help="Staging, blue and green environments from one spec: plan, drift, release, previews.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("plan")(plan)
app.command("judge")(judge)
app.add_typer(release_app, name="release")
app.add_typer(drift_app, name="drift")
app.add_typer(policy_app, name="policy")
app.add_typer(preview_app, name="preview")
app.add_typer(import_app, name="import")


@app.callback()
def _root() -> None:
    """tricolor: one spec, staging + blue + green, drift reports and automatic releases."""


def main() -> None:
    app()
