"""``tricolor policy``: the CrossGuard pack's rules offline, over rendered stacks or a state file.

Exit codes are the one table's (``tricolor.errors.ExitCode``): 0 no mandatory
violation, 2 a mandatory violation, 1 bad input (an unreadable state file, a bad
configuration, an unknown ``--environment``). Messages quote values only through
``policies.quote`` (redacted, cut) and are printed as ``rich.text.Text``: data is never
markup, never an emoji code, never a secret.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from ..policies import (
    PolicyInputError,
    assumptions,
    check_rendered,
    document,
    exit_code,
    load_config,
    read_state,
    resolve,
    run,
    subject_of_state,
    violations_renderable,
)
from ..spec.stack import ENVIRONMENTS
from ..stacks.config import load_stacks, stack_names
from ..stacks.render import render
from .common import console, guarded, print_json
from .group import TricolorGroup
from .progress import each

app = typer.Typer(name="policy", cls=TricolorGroup, help="Run the CrossGuard policy pack's rules offline.",
                  no_args_is_help=True)


class Output(StrEnum):
    text = "text"
    json = "json"


def _environment(value: str | None) -> str | None:
    if value is not None and value not in ENVIRONMENTS:
        shown = value if len(value) <= 40 else f"{value[:40]}..."
        raise PolicyInputError(f"--environment: {shown!r} is not an environment; known: {', '.join(ENVIRONMENTS)}")
    return value


@app.command("check")
@guarded
def check(
    stack: Annotated[list[str] | None, typer.Option(
        "--stack", "-s", metavar="STACK", help="Only these stacks: repeat it, or a,b.")] = None,
    state: Annotated[
        Path | None,
        typer.Option("--state", metavar="FILE",
                     help="Check a `pulumi stack export` or checkpoint file instead of rendering."),
    ] = None,
    environment: Annotated[
        str | None,
        typer.Option(
            "--environment", metavar="ENVIRONMENT",
            help="With --state: the stack's environment (production, staging, preview). Resources' own "
            "labels, color labels and blue/green pairs count too; production wins, and where nothing "
            "tells it production is assumed.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", metavar="FILE", help="Policy configuration (the --policy-pack-config format)."),
    ] = None,
    output: Annotated[Output, typer.Option("--output", "-o", help="text or json.")] = Output.text,
    spec: Annotated[
        Path | None, typer.Option("--spec", metavar="FILE", help="Use this spec file instead of service.yaml.")
    ] = None,
    stacks_dir: Annotated[Path | None, typer.Option(
        "--stacks-dir", metavar="DIR", help="Where the Pulumi.<stack>.yaml files are (default: the project's "
                                            "stackConfigDir).")] = None,
) -> None:
    """Check the rendered stacks (or a state file) against every rule; exit 2 on a mandatory violation."""
    # Every input is validated before anything is rendered or read.
    settings = resolve(load_config(config), source=str(config)) if config else resolve(None)
    environment = _environment(environment)
    if state is not None:
        if stack:
            raise PolicyInputError("give either --state FILE or --stack, not both")
        subject = subject_of_state(read_state(state), environment)
        violations = run([subject], settings)
        stacks, notes = [subject.stack], assumptions([subject])
    else:
        if environment:
            raise PolicyInputError("--environment only applies to --state (rendered stacks know theirs)")
        inputs = load_stacks(stack or stack_names(stacks_dir), spec, stacks_dir)
        rendered = [render(item) for item in each(inputs, "rendering", lambda item: item.stack.name)]
        violations = check_rendered(rendered, settings)
        stacks, notes = [r.stack.name for r in rendered], []
    if output is Output.json:
        print_json(document(violations, notes))
    else:
        console.print(violations_renderable(violations, stacks, assumptions=notes), soft_wrap=True)
    code = exit_code(violations)
    if code:
        raise typer.Exit(code)


@app.command("rules")
@guarded
def rules(
    config: Annotated[
        Path | None, typer.Option("--config", metavar="FILE", help="Show the levels this configuration sets.")
    ] = None,
) -> None:
    """List every rule: what it checks (a resource, a stack, several stacks: offline only), its
    enforcement level and what it guards."""
    settings = resolve(load_config(config), source=str(config)) if config else resolve(None)
    table = Table(title="tricolor policies", title_justify="left")
    table.add_column("rule", no_wrap=True)
    table.add_column("checks", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("guards")
    for setting in settings.values():
        rule = setting.rule
        where = "stacks (offline)" if rule.kind == "stacks" else rule.kind
        table.add_row(Text(rule.name), Text(where), Text(setting.enforcement), Text(rule.description))
    console.print(table)
