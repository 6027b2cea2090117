"""``tricolor policy``: the CrossGuard pack's rules offline, over rendered stacks or a state file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import STACKS_DIR
from .common import console, guarded, print_json

app = typer.Typer(name="policy", help="Run the CrossGuard policy pack's rules offline.", no_args_is_help=True)


class Output(StrEnum):
    text = "text"
    json = "json"


@app.command("check")
@guarded
def check(
    stack: Annotated[
        list[str] | None, typer.Option("--stack", "-s", help="Only this stack (repeatable).")
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="Check a `pulumi stack export` or checkpoint file instead of rendering."),
    ] = None,
    environment: Annotated[
        str | None,
        typer.Option(
            "--environment",
            help="With --state: the stack's environment (production, staging, preview) "
            "for resources without a tricolor.dev/environment label.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Policy configuration (the --policy-pack-config format)."),
    ] = None,
    output: Annotated[Output, typer.Option("--output", "-o", help="text or json.")] = Output.text,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Use this spec file instead of service.yaml.")
    ] = None,
    stacks_dir: Annotated[
        Path, typer.Option("--stacks-dir", help="Where the Pulumi.<stack>.yaml files are.")
    ] = STACKS_DIR,
) -> None:
    """Check the rendered stacks (or a state file) against every rule; exit 2 on a mandatory violation."""
    from ..policies import (
        check_rendered,
        check_state_resources,
        document,
        exit_code,
        load_config,
        read_state,
        resolve,
        violations_renderable,
    )
    from ..policies.errors import PolicyInputError

    # The configuration is validated before anything is rendered or read.
    settings = resolve(load_config(config), source=str(config)) if config else resolve(None)
    if state is not None:
        if stack:
            raise PolicyInputError("give either --state FILE or --stack, not both")
        resources = read_state(state)
        violations = check_state_resources(resources, settings, environment=environment)
        stacks = [resources.stack]
    else:
        if environment:
            raise PolicyInputError("--environment only applies to --state (rendered stacks know theirs)")
        from ..stacks import load_stacks, render, stack_names

        inputs = load_stacks(stack or stack_names(stacks_dir), spec, stacks_dir)
        rendered = [render(item) for item in inputs]
        violations = check_rendered(rendered, settings)
        stacks = [r.stack.name for r in rendered]
    if output is Output.json:
        print_json(document(violations))
    else:
        console.print(violations_renderable(violations, stacks), soft_wrap=True)
    code = exit_code(violations)
    if code:
        raise typer.Exit(code)


@app.command("rules")
@guarded
def rules(
    config: Annotated[
        Path | None, typer.Option("--config", help="Show the levels this configuration sets.")
    ] = None,
) -> None:
    """List every rule: what it checks (a resource, a stack, several stacks: offline only), its
    enforcement level and what it guards."""
    from ..policies import load_config, resolve

    settings = resolve(load_config(config), source=str(config)) if config else resolve(None)
    table = Table(title="tricolor policies", title_justify="left")
    table.add_column("rule", no_wrap=True)
    table.add_column("checks", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("guards")
    for setting in settings.values():
        rule = setting.rule
        where = "stacks (offline)" if rule.kind == "stacks" else rule.kind
        table.add_row(rule.name, where, setting.enforcement, rule.description)
    console.print(table)
