"""``tricolor plan``: render every environment offline and show what it would create, or
(``--against SOURCE``) what it would change.

Exit codes: 0 success; 1 bad input, an unreadable ``--against`` source, or a mandatory
policy violation (unless ``--no-policy-gate``); with ``--detailed-exitcode`` 2 when
there are changes and 0 when there are none. Nothing printed is read as markup.

With a release ledger (``--ledger``) a production stack is rendered with the state in
force recorded there, each color from its revision, and ``plan`` tells whether
the spec is a revision not rolled out yet (``plan_revisions.py``).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text
from rich.tree import Tree

from ..drift.changes import StackChanges, diff_stack, planned
from ..drift.errors import PlanBaseError
from ..drift.matrix import parity_matrix
from ..drift.report import json_bytes
from ..errors import ExitCode
from ..policies import check_rendered, violations_renderable
from ..policies import document as policy_document
from ..previews.config import preview_plan_config
from ..stacks.config import load_stacks, stack_file, stack_names, stacks_folder
from ..stacks.render import Rendered
from ..vocab.redact import mask
from .common import console, err_console, guarded
from .plan_base import Base, read_base, render_stacks
from .plan_output import changes_document, markdown, text_lines, totals
from .plan_release import cost_table, release_document, schedule_tables
from .plan_revisions import RevisionNotice, render_all
from .plan_revisions import fenced as md_fenced
from .plan_revisions import text_lines as revision_lines
from .plan_state import ledger_warnings
from .project import pulumi_project

STYLES = {"heading": "bold", "add": "green", "change": "yellow", "delete": "red", "property": "", "plain": "dim"}


class Output(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def plan_document(rendered: list[Rendered]) -> dict[str, Any]:
    """The stable ``--output json`` document (see README, "Plan format"); inputs masked
    (secret values as ``[secret]``, the shape kept)."""
    return {
        "stacks": [
            {
                "stack": r.stack.name,
                "environment": r.stack.environment,
                "backend": r.stack.backend,
                "resources": [
                    {"urn": x.urn, "type": x.type, "name": x.name, "parent": x.parent,
                     "inputs": mask(x.inputs, type_=x.type)}
                    for x in r.resources
                ],
            }
            for r in rendered
        ]
    }


def resource_tree(r: Rendered) -> Tree:
    stack = r.stack
    tree = Tree(Text.assemble((stack.name, "bold"), f" ({stack.environment}, {stack.backend}) - "
                              f"{len(r.resources)} resources"))
    nodes: dict[str | None, Tree] = {}
    for res in sorted(r.resources, key=lambda x: x.urn.count("$")):
        parent = nodes.get(res.parent, tree)
        label = (Text.assemble((res.type, "cyan"), " ", res.name) if res.custom
                 else Text.assemble((res.type, "magenta"), " ", (res.name, "bold")))
        nodes[res.urn] = parent.add(label)
    return tree


def preview_configs(names: list[str], stacks_dir: Path | None, spec: Path | None) -> dict[str, tuple[dict, set[str]]]:
    """Configs of the named preview stacks that have no file: derived from staging."""
    configs = {}
    for name in names:
        if not stack_file(name, stacks_dir).exists():
            derived = preview_plan_config(name, stacks_dir, spec)
            if derived is not None:
                configs[name] = derived
    return configs


def _render_at(names: list[str], stacks_dir: Path, spec: Path) -> dict[str, Any]:
    """A base's stacks rendered (``git:REF``): previews derived from that staging."""
    present = [n for n in names if stack_file(n, stacks_dir).is_file()]
    configs = preview_configs([n for n in names if n not in present], stacks_dir, spec) if present else {}
    return render_stacks(names, stacks_dir, spec, configs)


def compare_with(base: Base, rendered: list[Rendered]) -> list[StackChanges]:
    out = []
    for r in rendered:
        name = r.stack.name
        if name in base.skipped:
            continue
        before = base.stacks.get(name)
        now = [planned(x.urn, x.inputs) for x in r.resources if x.custom]
        label = base.label if before is not None else f"{base.label}: no such stack there, every resource is new"
        out.append(diff_stack(name, before or [], now, label))
    return out


def _policy_lines(violations: list[Any]) -> list[tuple[str, str, str, str]]:
    return [(v.enforcement, v.policy, v.resource, v.message) for v in violations]


@guarded
def plan(
    stack: Annotated[list[str] | None, typer.Option(
        "--stack", "-s", metavar="STACK", help="Only these stacks: repeat it, or a,b.")] = None,
    spec: Annotated[Path | None, typer.Option("--spec", metavar="FILE",
                                              help="Use this spec file instead of service.yaml.")] = None,
    output: Annotated[Output, typer.Option("--output", "-o", help="text, json or markdown.")] = Output.text,
    stacks_dir: Annotated[Path | None, typer.Option(
        "--stacks-dir", metavar="DIR", help="Where the Pulumi.<stack>.yaml files are (default: the project's "
                                            "stackConfigDir).")] = None,
    against: Annotated[str | None, typer.Option(
        "--against", metavar="SOURCE", help="Show what changes against: git:REF, a saved plan JSON, a 'pulumi "
        "stack export' or checkpoint file, or a DIY backend (folder, file://, s3://).")] = None,
    project: Annotated[str | None, typer.Option(
        "--project", metavar="NAME", help="Pulumi project name in a backend (default: the project's name).")] = None,
    ledger: Annotated[str | None, typer.Option(
        "--ledger", metavar="LOCATION", help="Render production stacks with the state in force in this release "
        "ledger (a folder or s3://bucket/prefix): each color from its revision, and say whether the spec is a "
        "revision not rolled out yet.")] = None,
    detailed_exitcode: Annotated[bool, typer.Option(
        "--detailed-exitcode", help="With --against: exit 0 without changes, 2 with changes, 1 on error.")] = False,
    no_policy_gate: Annotated[bool, typer.Option(
        "--no-policy-gate", help="Exit 0 even when a mandatory policy is violated.")] = False,
) -> None:
    """Render every environment from the spec offline: resources (or, with --against, what
    would change), parity, policies, release schedule."""
    if detailed_exitcode and against is None:
        raise PlanBaseError("--detailed-exitcode needs --against SOURCE (what the plan is compared with)")
    names = stack or stack_names(stacks_dir)
    inputs = load_stacks(names, spec, stacks_dir, configs=preview_configs(names, stacks_dir, spec))
    # (every stack is validated above, before anything renders)
    base = read_base(against, names, stacks_folder(stacks_dir), spec, pulumi_project(project), _render_at) \
        if against else None
    for warning in ledger_warnings(inputs, stacks_dir):
        err_console.print(Text.assemble(("warning: ", "yellow"), warning), soft_wrap=True)
    rendered, found = render_all(inputs, ledger, stacks_dir)
    changes = compare_with(base, rendered) if base is not None else []
    violations = check_rendered(rendered)
    parity_view, parity_rows = parity_matrix(rendered, changed_only=True, width=console.width)
    if output is Output.json:
        document = plan_document(rendered)
        document["parity"] = parity_rows
        document["policies"] = policy_document(violations)["violations"]
        document["release"] = release_document(rendered)
        if base is not None:
            document["changes"] = changes_document(changes, base.skipped, against or "")
        if found:
            document["revisions"] = [notice.document() for notice in found]
        sys.stdout.write(json_bytes(document).decode())
    elif output is Output.markdown:
        sys.stdout.write(_markdown(rendered, changes, base, violations) + _markdown_revisions(found))
    else:
        _text(rendered, changes, base, parity_view, violations)
        for line, style in revision_lines(found):
            console.print(Text(line, style=STYLES.get(style, "")), soft_wrap=True)
    if any(v.mandatory for v in violations) and not no_policy_gate:
        raise typer.Exit(ExitCode.ERROR)
    if detailed_exitcode:
        raise typer.Exit(ExitCode.FINDING if any(totals(changes).values()) else ExitCode.OK)


def _markdown(rendered: list[Rendered], changes: list[StackChanges], base: Base | None,
              violations: list[Any]) -> str:
    if base is not None:
        return markdown(changes, base.skipped, _policy_lines(violations))
    summary = [StackChanges(r.stack.name, "nothing (no --against)",
                            tuple(diff_stack(r.stack.name, [], [planned(x.urn, x.inputs) for x in r.resources
                                                                if x.custom], "").resources)) for r in rendered]
    return markdown(summary, {}, _policy_lines(violations))


def _markdown_revisions(found: list[RevisionNotice]) -> str:
    if not found:
        return ""
    body = [line for line, _ in revision_lines(found)]
    return "\n#### Revisions\n\n" + md_fenced(body)


def _text(rendered: list[Rendered], changes: list[StackChanges], base: Base | None, parity_view: Any,
          violations: list[Any]) -> None:
    if base is None:
        for r in rendered:
            console.print(resource_tree(r))
    else:
        for line, style in text_lines(changes, base.skipped):
            console.print(Text(line, style=STYLES.get(style, "")), soft_wrap=True)
    console.print(parity_view)
    console.print(violations_renderable(violations, [r.stack.name for r in rendered]), soft_wrap=True)
    for table in schedule_tables(rendered):
        console.print(table)
    costs = cost_table(rendered)
    if costs is not None:
        console.print(costs)
