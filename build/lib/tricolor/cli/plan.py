"""``tricolor plan``: render every environment offline and show what it would create."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.tree import Tree

from .. import STACKS_DIR
from ..drift.matrix import parity_matrix
from ..policies import check_rendered, violations_renderable
from ..policies import document as policy_document
from ..previews import preview_plan_config
from ..spec import describe_step
from ..stacks import Rendered, load_stacks, render, stack_names
from ..stacks.config import stack_file
from .common import console, guarded, print_json


class Output(StrEnum):
    text = "text"
    json = "json"


def plan_document(rendered: list[Rendered]) -> dict[str, Any]:
    """The stable ``--output json`` document (see README, "Plan format")."""
    return {
        "stacks": [
            {
                "stack": r.stack.name,
                "environment": r.stack.environment,
                "backend": r.stack.backend,
                "resources": [
                    {"urn": x.urn, "type": x.type, "name": x.name, "parent": x.parent, "inputs": x.inputs}
                    for x in r.resources
                ],
            }
            for r in rendered
        ]
    }


def resource_tree(r: Rendered) -> Tree:
    stack = r.stack
    tree = Tree(f"[bold]{stack.name}[/] ({stack.environment}, {stack.backend}) - {len(r.resources)} resources")
    nodes: dict[str | None, Tree] = {}
    for res in sorted(r.resources, key=lambda x: x.urn.count("$")):
        parent = nodes.get(res.parent, tree)
        label = f"[cyan]{res.type}[/] {res.name}" if res.custom else f"[magenta]{res.type}[/] [bold]{res.name}[/]"
        nodes[res.urn] = parent.add(label)
    return tree


def schedule_table(r: Rendered) -> Table:
    release = r.stack.spec.release
    title = f"release schedule ({release.preset or 'explicit steps'})"
    table = Table("#", "step", title=title, title_justify="left")
    for index, step in enumerate(release.schedule):
        table.add_row(str(index), describe_step(step))
    return table


def preview_configs(names: list[str], stacks_dir: Path, spec: Path | None) -> dict[str, tuple[dict, set[str]]]:
    """Configs of the named preview stacks that have no file: derived from staging."""
    configs = {}
    for name in names:
        if not stack_file(name, stacks_dir).exists():
            derived = preview_plan_config(name, stacks_dir, spec)
            if derived is not None:
                configs[name] = derived
    return configs


@guarded
def plan(
    stack: Annotated[list[str] | None, typer.Option("--stack", "-s", help="Only this stack (repeatable).")] = None,
    spec: Annotated[Path | None, typer.Option("--spec", help="Use this spec file instead of service.yaml.")] = None,
    output: Annotated[Output, typer.Option("--output", "-o", help="text or json.")] = Output.text,
    stacks_dir: Annotated[
        Path, typer.Option("--stacks-dir", help="Where the Pulumi.<stack>.yaml files are.")
    ] = STACKS_DIR,
) -> None:
    """Render every environment from the spec offline: resources, parity, release schedule."""
    names = stack or stack_names(stacks_dir)
    inputs = load_stacks(names, spec, stacks_dir, configs=preview_configs(names, stacks_dir, spec))
    # (every stack is validated above, before anything renders)
    rendered = [render(item) for item in inputs]
    violations = check_rendered(rendered)
    parity_view, parity_rows = parity_matrix(rendered, changed_only=True)
    if output is Output.json:
        document = plan_document(rendered)
        document["parity"] = parity_rows
        document["policies"] = policy_document(violations)["violations"]
        print_json(document)
        return
    for r in rendered:
        console.print(resource_tree(r))
    console.print(parity_view)
    console.print(violations_renderable(violations, [r.stack.name for r in rendered]), soft_wrap=True)
    production = next((r for r in rendered if r.stack.environment == "production"), rendered[0])
    console.print(schedule_table(production))
