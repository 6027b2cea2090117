"""``tricolor policy check``: the policy pack's rules, offline, over rendered stacks or a state file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import STACKS_DIR
from .common import console, guarded, print_json

app = typer.Typer(name="policy", help="Run the CrossGuard policy pack's rules offline.", no_args_is_help=True)


class Output(str, Enum):
    text = "text"
    json = "json"


@app.command("check")
@guarded
def check(
    stack: Annotated[list[str] | None, typer.Option("--stack", "-s", help="Only this stack (repeatable).")] = None,
    state: Annotated[Path | None, typer.Option(
        "--state", help="Check a `pulumi stack export` or checkpoint file instead of rendering.")] = None,
    environment: Annotated[str | None, typer.Option(
        "--environment", help="With --state: the stack's environment (production, staging, preview) "
                              "for resources without a tricolor.dev/environment label.")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Policy configuration (the --policy-pack-config format): levels and options.")] = None,
    output: Annotated[Output, typer.Option("--output", "-o", help="text or json.")] = Output.text,
    spec: Annotated[Path | None, typer.Option("--spec", help="Use this spec file instead of service.yaml.")] = None,
    stacks_dir: Annotated[Path, typer.Option("--stacks-dir", help="Where the Pulumi.<stack>.yaml files are.")]
    = STACKS_DIR,
) -> None:
    """Check the rendered stacks (or a state file) against every rule; exit 2 on a mandatory violation."""
    from ..policies import check_rendered, check_state, document, exit_code, load_config, resolve, violations_renderable
    from ..policies.errors import PolicyInputError

    settings = resolve(load_config(config), source=str(config)) if config else resolve(None)
    if state is not None:
        if stack:
            raise PolicyInputError("give either --state FILE or --stack, not both")
        violations = check_state(state, settings, environment=environment)
        stacks = sorted({v.stack for v in violations if v.stack}) or [state.name]
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
