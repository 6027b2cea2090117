"""``tricolor drift``: compare the live configuration of environments with each other.

Exit codes as ``terraform plan -detailed-exitcode``: 0 parity, 2 drift, 1 error.
``tricolor drift history`` shows the trend kept in the SQLite history.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import DEFAULT_SPEC, STACKS_DIR
from .common import console, err_console, guarded

app = typer.Typer(help="Compare environments with each other and report every difference the spec does not allow.",
                  no_args_is_help=False, add_completion=False)

DEFAULT_HISTORY = Path(".tricolor/drift-history.sqlite")


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
    from ..drift import DriftError

    out = {}
    for value in values:
        stack, sep, target = value.partition("=")
        if not sep or not stack or not target:
            raise DriftError(f"{option} {value!r}: expected STACK=VALUE")
        out[stack] = target
    return out


def _namespaces(stacks: list[str], given: dict[str, str], service: str) -> dict[str, str]:
    """Each stack's namespace: --namespace, else the stack file's tricolor:namespace,
    else ``<service>-<stack>`` as the components name it."""
    import yaml

    from ..spec.naming import dns_label

    out = {}
    for stack in stacks:
        if stack in given:
            out[stack] = given[stack]
            continue
        configured = None
        path = STACKS_DIR / f"Pulumi.{stack}.yaml"
        if path.is_file():
            config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
            configured = config.get("tricolor:namespace")
        out[stack] = str(configured) if configured else dns_label(service, stack)
    return out


def _source(kind: SourceName, stacks: list[str], backend_url: str | None, project: str, exports: dict[str, str],
            namespaces: dict[str, str], service: str, kube_context: str | None, region: str | None,
            endpoint_url: str | None) -> Any:
    from ..drift.source import get_source

    if kind is SourceName.state:
        return get_source("state", backend_url=backend_url, project=project, exports=exports)
    if kind is SourceName.kubernetes:
        from ..drift.kubernetes_live import load_client

        return get_source("kubernetes", namespaces=_namespaces(stacks, namespaces, service),
                          client_factory=lambda: load_client(kube_context))
    return get_source("aws", region=region, endpoint_url=endpoint_url)


def _emit(result: Any, formats: list[Format], out: Path | None) -> None:
    from ..drift.report import render, summary_line, table, write_reports

    names = [f.value for f in formats]
    if out is not None:
        for path in write_reports(result, names, out):
            err_console.print(f"wrote {path}")
        err_console.print(summary_line(result), soft_wrap=True)
        return
    if len(names) > 1:
        from ..drift import ReportError

        raise ReportError("more than one --format needs --out DIR")
    if names[0] == "text":
        console.print(table(result))
    else:
        import sys

        sys.stdout.write(render(result, names[0]))


@app.callback(invoke_without_command=True)
@guarded
def drift(
    ctx: typer.Context,
    stacks: Annotated[str | None, typer.Option(
        "--stacks", help="Stacks to compare, comma separated: staging,prod.")] = None,
    backend_url: Annotated[str | None, typer.Option(
        "--backend-url", envvar="PULUMI_BACKEND_URL",
        help="DIY backend: folder, file://PATH or s3://BUCKET/PREFIX.")] = None,
    source: Annotated[SourceName, typer.Option("--source", help="Where to read each stack.")] = SourceName.state,
    formats: Annotated[list[Format] | None, typer.Option("--format", help="Report format (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the reports into this folder.")] = None,
    ignore: Annotated[Path | None, typer.Option(
        "--ignore", help="Accepted differences (RESOURCE [PATH] per line).")] = None,
    spec_file: Annotated[Path, typer.Option("--spec", help="The shared spec (its parity.allowed).")] = DEFAULT_SPEC,
    project: Annotated[str, typer.Option("--project", help="Pulumi project name in the backend.")] = "tricolor",
    export: Annotated[list[str] | None, typer.Option(
        "--export", help="STACK=FILE of 'pulumi stack export' ('-' = stdin).")] = None,
    namespace: Annotated[list[str] | None, typer.Option(
        "--namespace", help="STACK=NAMESPACE for --source kubernetes.")] = None,
    kube_context: Annotated[str | None, typer.Option("--kube-context", help="kubeconfig context.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="AWS region for --source aws.")] = None,
    endpoint_url: Annotated[str | None, typer.Option(
        "--endpoint-url", help="AWS endpoint (tests, LocalStack).")] = None,
    history: Annotated[Path, typer.Option("--history", envvar="TRICOLOR_DRIFT_HISTORY",
                                          help="SQLite file each run is appended to.")] = DEFAULT_HISTORY,
    no_history: Annotated[bool, typer.Option("--no-history", help="Do not record this run.")] = False,
    desired: Annotated[str | None, typer.Option("--desired", help="Desired versus live for this stack "
                                                "(Automation API refresh preview; needs the Pulumi CLI).")] = None,
) -> None:
    """Compare environments; exit 0 on parity, 2 on drift, 1 on error."""
    if ctx.invoked_subcommand is not None:
        return
    from ..drift import DriftError, IgnoreRules
    from ..spec import load_spec

    spec = load_spec(spec_file)
    rules = IgnoreRules.load(ignore) if ignore else None
    chosen = formats or [Format.text]
    if desired:
        from ..drift.desired import desired_vs_live

        result = desired_vs_live(desired, Path(os.getcwd()), backend_url, spec.parity.allowed, rules)
        _emit(result, chosen, out)
        raise typer.Exit(result.exit_code)
    if not stacks:
        raise DriftError("give the stacks to compare: --stacks staging,prod")
    names = [s.strip() for s in stacks.split(",") if s.strip()]
    src = _source(source, names, backend_url, project, _pairs(export or [], "--export"),
                  _pairs(namespace or [], "--namespace"), spec.name, kube_context, region, endpoint_url)
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from ..drift.run import run

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console, transient=True) as bar:
        task = bar.add_task("reading stacks", total=len(names))

        def step(stack: str, where: str) -> None:
            bar.update(task, description=f"reading {stack} from {where}")
            bar.advance(task)

        result = run(src, names, spec.parity.allowed, rules, None if no_history else history, step)
    _emit(result, chosen, out)
    raise typer.Exit(result.exit_code)


@app.command("history")
@guarded
def show_history(
    history: Annotated[Path, typer.Option("--history", envvar="TRICOLOR_DRIFT_HISTORY",
                                          help="The SQLite history file.")] = DEFAULT_HISTORY,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many runs.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """The trend of drift over the recorded runs."""
    from rich.table import Table

    from ..drift import HistoryError
    from ..drift.history import History
    from .common import print_json

    if not history.is_file():
        raise HistoryError(f"drift history {history} does not exist yet (run 'tricolor drift' first)")
    with History(history) as db:
        runs = db.runs(limit=limit)
    if as_json:
        print_json([run.__dict__ for run in runs])
        return
    grid = Table("run", "at", "environments", "drift", "allowed", "ignored", "new", "resolved", "trend",
                 title=f"drift history ({history})")
    for run in runs:
        bar = "[red]" + "█" * min(run.drift, 40) + "[/]" if run.drift else "[green]parity[/]"
        grid.add_row(str(run.id), run.at, run.environments, str(run.drift), str(run.allowed), str(run.ignored),
                     str(run.new), str(run.resolved), bar)
    console.print(grid)
