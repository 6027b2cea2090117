"""``tricolor drift``: compare the live configuration of environments with each other.

Exit codes from the one table (``tricolor.errors``): 0 parity, 2 drift, 1 error.
``tricolor drift history`` shows the trend kept in the SQLite history, which only
``--record`` runs write. Reports given ``--out`` are written before anything is printed,
and nothing printed is ever read as markup.

Defaults come from the project found from the working directory: the spec (its
``parity.allowed``), the stacks folder (namespaces), the Pulumi project's name, the
history (``.tricolor/drift-history.sqlite``). ``--stacks a,b`` and ``--format`` are the
old spellings of ``--stack`` and ``--output``: still read (every use, never only the
last), with a warning.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from ..drift import DriftError, DriftResult, HistoryError, IgnoreRules, ReportError
from ..drift.desired import desired_vs_live
from ..drift.history import History
from ..drift.kubernetes_live import load_client
from ..drift.present import summary_line
from ..drift.pulumi_state import DEFAULT_PROJECT
from ..drift.report import json_bytes, render, write_reports
from ..drift.run import run
from ..drift.source import SourceContext
from ..drift.sources import get_source
from ..drift.text_report import lines
from ..spec.load import load_spec
from ..spec.naming import STACK_NAME_MAX, dns_label, stack_name_problem
from ..stacks.config import read_stack_config, stack_file
from ..stacks.project import Project, find_project
from .common import console, deprecated, err_console, guarded
from .group import TricolorGroup, split_stacks
from .project import working_project

app = typer.Typer(help="Compare environments with each other and report every difference the spec does not allow.",
                  cls=TricolorGroup, no_args_is_help=False, add_completion=False)
STYLES = {"title": "bold", "heading-drift": "bold red", "heading-ignored": "bold yellow",
          "heading-allowed": "green", "resource": "bold", "path": "cyan", "odd": "red", "note": "dim"}


class SourceName(StrEnum):
    state = "state"
    kubernetes = "kubernetes"
    aws = "aws"


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"
    junit = "junit"


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        stack, sep, target = value.partition("=")
        if not sep or not stack or not target:
            raise DriftError(f"{option} {value[:200]!r}: expected STACK=VALUE")
        out[stack] = target
    return out


def _namespaces(stacks: list[str], given: dict[str, str], service: str, project: Project | None) -> dict[str, str]:
    """Each stack's namespace: --namespace, else the project's stack file's
    tricolor:namespace (read strictly, like every stack file), else ``<service>-<stack>``
    as the components name it."""
    out = {}
    for stack in stacks:
        if stack in given:
            out[stack] = given[stack]
            continue
        configured = None
        if project is not None and stack_file(stack, project.stacks_dir).is_file():
            config, _ = read_stack_config(stack, project.stacks_dir)
            configured = config.get("tricolor:namespace")
        out[stack] = str(configured) if configured else dns_label(service, stack)
    return out


def _context(kind: SourceName, stacks: list[str], backend_url: str | None, project: str,
             exports: dict[str, str], namespaces: dict[str, str], service: str, kube_context: str | None,
             region: str | None, endpoint_url: str | None, here: Project | None) -> SourceContext:
    if kind is SourceName.kubernetes:
        return SourceContext(namespaces=_namespaces(stacks, namespaces, service, here),
                             client_factory=lambda: load_client(kube_context))
    return SourceContext(backend_url=backend_url, project=project, exports=exports, region=region,
                         endpoint_url=endpoint_url)


def print_lines(result: DriftResult, width: int | None, show_allowed: bool) -> None:
    """The text report on the terminal: each line a ``Text`` (data never markup)."""
    for text, style in lines(result, width or console.width, show_allowed):
        console.print(Text(text, style=STYLES.get(style, "")), soft_wrap=True)


def _emit(result: DriftResult, formats: list[Format], out: Path | None, show_allowed: bool,
          width: int | None) -> None:
    names = [f.value for f in formats]
    if out is not None:
        for path in write_reports(result, names, out, show_allowed):
            err_console.print(Text(f"wrote {path}"), soft_wrap=True)
        err_console.print(Text(summary_line(result)), soft_wrap=True)
        return
    if len(names) > 1:
        raise ReportError("more than one --output needs --out DIR")
    if names[0] == "text":
        print_lines(result, width, show_allowed)
    else:
        sys.stdout.write(render(result, names[0], show_allowed))


@app.callback(invoke_without_command=True)
@guarded
def drift(
    ctx: typer.Context,
    stack: Annotated[list[str] | None, typer.Option(
        "--stack", "-s", metavar="STACK", help="Stacks to compare: repeat it, or staging,prod.")] = None,
    stacks: Annotated[list[str] | None, typer.Option(
        "--stacks", hidden=True, help="Deprecated: --stack staging,prod.")] = None,
    backend_url: Annotated[str | None, typer.Option(
        "--backend-url", envvar="PULUMI_BACKEND_URL",
        help="DIY backend: folder, file://PATH or s3://BUCKET/PREFIX.")] = None,
    source: Annotated[SourceName, typer.Option("--source", help="Where to read each stack.")] = SourceName.state,
    formats: Annotated[list[Format] | None, typer.Option(
        "--output", "-o", help="Report format; repeat it with --out DIR to write several.")] = None,
    old_formats: Annotated[list[Format] | None, typer.Option(
        "--format", hidden=True, help="Deprecated: --output.")] = None,
    out: Annotated[Path | None, typer.Option("--out", metavar="DIR", help="Write the reports into this folder.")] \
        = None,
    show_allowed: Annotated[bool, typer.Option(
        "--show-allowed", help="List allowed differences (by default only counted).")] = False,
    width: Annotated[int | None, typer.Option(
        "--width", min=40, max=1000, help="Columns of the text report (default: the terminal's).")] = None,
    ignore: Annotated[Path | None, typer.Option(
        "--ignore", help="Accepted differences (RESOURCE [PATH] per line).")] = None,
    spec_file: Annotated[Path | None, typer.Option(
        "--spec", metavar="FILE", help="The shared spec (its parity.allowed; default: the project's).")] = None,
    project: Annotated[str | None, typer.Option(
        "--project", metavar="NAME", help="Pulumi project name in the backend (default: the project's name).")] = None,
    export: Annotated[list[str] | None, typer.Option(
        "--export", help="STACK=FILE of 'pulumi stack export' ('-' = stdin).")] = None,
    namespace: Annotated[list[str] | None, typer.Option(
        "--namespace", help="STACK=NAMESPACE for --source kubernetes.")] = None,
    kube_context: Annotated[str | None, typer.Option("--kube-context", help="kubeconfig context.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="AWS region for --source aws.")] = None,
    endpoint_url: Annotated[str | None, typer.Option(
        "--endpoint-url", help="AWS endpoint (tests, LocalStack).")] = None,
    history: Annotated[Path | None, typer.Option(
        "--history", metavar="FILE", envvar="TRICOLOR_DRIFT_HISTORY", help="The SQLite history: read to tell new "
        "differences, written with --record (default: .tricolor/drift-history.sqlite in the project).")] = None,
    record: Annotated[bool, typer.Option(
        "--record", help="Append this run to the history (the scheduled job does).")] = False,
    no_history: Annotated[bool, typer.Option("--no-history", help="Neither read nor write the history.")] = False,
    desired: Annotated[str | None, typer.Option("--desired", help="Desired versus live for this stack "
                                                "(Automation API refresh preview; needs the Pulumi CLI).")] = None,
) -> None:
    """Compare environments; exit 0 on parity, 2 on drift, 1 on error."""
    if ctx.invoked_subcommand is not None:
        return
    if record and no_history:
        raise DriftError("--record and --no-history contradict each other")
    deprecated(stacks, "--stacks a,b", "--stack a,b")
    deprecated(old_formats, "--format", "--output")
    here = working_project()
    spec = load_spec(spec_file if spec_file is not None else find_project().spec)
    rules = IgnoreRules.load(ignore) if ignore else None
    chosen = [*(formats or []), *(old_formats or [])] or [Format.text]
    history = history if history is not None else (here.drift_history if here is not None else None)
    if desired:
        root = here.root if here is not None else Path(os.getcwd())
        result = desired_vs_live(desired, root, backend_url, spec.parity.allowed, rules)
        _emit(result, chosen, out, show_allowed, width)
        raise typer.Exit(result.exit_code)
    names = [*(stack or []), *(n for n in split_stacks(stacks) if n not in (stack or []))]
    if not names:
        raise DriftError("give the stacks to compare: --stack staging,prod")
    for name in names:
        problem = (f"stack name {name[:60]!r}... is {len(name)} characters; the limit is {STACK_NAME_MAX}"
                   if len(name) > STACK_NAME_MAX else stack_name_problem(name))
        if problem:
            raise DriftError(f"--stack: {problem}")
    pulumi_project = project or (here.name if here is not None else DEFAULT_PROJECT)
    context = _context(source, names, backend_url, pulumi_project, _pairs(export or [], "--export"),
                       _pairs(namespace or [], "--namespace"), spec.name, kube_context, region, endpoint_url, here)
    src = get_source(source.value, context)
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), console=err_console,
                  transient=True) as bar:
        task = bar.add_task("reading stacks", total=len(names))

        def step(stack: str, where: str) -> None:
            bar.update(task, description=f"reading {stack} from {where}")
            bar.advance(task)

        if record and history is None:
            raise DriftError("--record needs a history: give --history FILE (outside a project there is no default)")
        result = run(src, names, spec.parity.allowed, rules, None if no_history else history, step, record)
    _emit(result, chosen, out, show_allowed, width)
    raise typer.Exit(result.exit_code)


class HistoryOutput(StrEnum):
    text = "text"
    json = "json"


@app.command("history")
@guarded
def show_history(
    history: Annotated[Path | None, typer.Option(
        "--history", metavar="FILE", envvar="TRICOLOR_DRIFT_HISTORY", help="The SQLite history file (default: "
        ".tricolor/drift-history.sqlite in the project).")] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="How many runs.")] = 20,
    output: Annotated[HistoryOutput, typer.Option("--output", "-o", help="text or json.")] = HistoryOutput.text,
    as_json: Annotated[bool, typer.Option("--json", hidden=True, help="Deprecated: --output json.")] = False,
) -> None:
    """The trend of drift over the recorded runs."""
    from rich.table import Table

    deprecated(as_json, "--json", "--output json")
    as_json = as_json or output is HistoryOutput.json
    history = history if history is not None else find_project().drift_history
    if not history.is_file():
        raise HistoryError(f"drift history {history} does not exist yet (run 'tricolor drift --record' first)")
    with History(history, readonly=True) as db:
        runs = db.runs(limit=limit)
    if as_json:
        sys.stdout.write(json_bytes([run.__dict__ for run in runs]).decode())
        return
    grid = Table("run", "at", "environments", "drift", "allowed", "ignored", "new", "resolved", "trend",
                 title=Text(f"drift history ({history})"))
    for entry in runs:
        bar = Text("█" * min(entry.drift, 40), style="red") if entry.drift else Text("parity", style="green")
        grid.add_row(*(Text("-" if v is None else str(v)) for v in (
            entry.id, entry.at, entry.environments, entry.drift, entry.allowed, entry.ignored, entry.new,
            entry.resolved)), bar)
    console.print(grid)

