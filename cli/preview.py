"""``tricolor preview``: per-pull-request staging - name, up, down, list, reap.

Exit codes are the one table's (``tricolor.errors.ExitCode``): 0 done, 1 bad input or
an error (including a preview that could not be destroyed, or was kept by ``down``
for a reason it shows). Every value printed comes from outside (branches, stack names,
problems read from the backend) and is printed as ``rich.text.Text`` or escaped: data
is never markup.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import ExitCode
from ..lazy import later
from ..previews.automation import Workspace, require_pulumi, up_preview
from ..previews.backends import open_backend
from ..previews.config import base_spec, preview_config, secrets_from_env
from ..previews.destroy import DestroyerContext
from ..previews.destroyers import get_destroyer
from ..previews.github import DEFAULT_API, GitHubPulls, pr_states
from ..previews.listing import StackRecord, list_previews, list_stacks, reread
from ..previews.naming import parse_pr, preview_names
from ..previews.reaper import Decision, ReapReport, decide, decide_down, decide_one, reap
from ..previews.store import BackendStore
from ..previews.tags import PreviewMeta
from ..previews.ttl import DEFAULT_TTL, age, describe, expires_at, format_time, is_expired, parse_ttl, remaining, utcnow
from .common import console, deprecated, err_console, guarded, print_json
from .group import TricolorGroup
from .project import pulumi_project

if TYPE_CHECKING:
    import rich.markup as rich_markup
    import rich.table as rich_table
    import rich.text as rich_text
else:  # only the verbs that print tables import rich (``preview name`` prints JSON: start-up)
    rich_markup, rich_table, rich_text = later("rich.markup"), later("rich.table"), later("rich.text")

app = typer.Typer(name="preview", cls=TricolorGroup,
                  help="Ephemeral staging per pull request: name, up, down, list, reap.", no_args_is_help=True)


class Output(StrEnum):
    text = "text"
    json = "json"


Pr = Annotated[str, typer.Option("--pr", metavar="NUMBER", help="Pull-request number (a positive integer).")]
Branch = Annotated[str, typer.Option("--branch", metavar="BRANCH", help="The pull request's head branch.")]
Backend = Annotated[str | None, typer.Option("--backend-url", metavar="URL", envvar="PULUMI_BACKEND_URL",
                                             help="Self-managed backend: a folder, file://... or s3://bucket/prefix.")]
OldBackend = Annotated[str | None, typer.Option("--backend", hidden=True, help="Deprecated: --backend-url.")]
Project = Annotated[str | None, typer.Option(
    "--project", metavar="NAME", help="Pulumi project whose stacks to read (default: the project's name).")]
Spec = Annotated[Path | None, typer.Option("--spec", metavar="FILE",
                                           help="Use this spec file instead of service.yaml.")]
StacksDir = Annotated[Path | None, typer.Option(
    "--stacks-dir", metavar="DIR", help="Where the Pulumi.<stack>.yaml files are (default: the project's "
                                        "stackConfigDir).")]
OutputOpt = Annotated[Output, typer.Option("--output", "-o", help="text or json.")]
GitHubRepo = Annotated[str | None, typer.Option(
    "--github-repo", metavar="OWNER/NAME", envvar="GITHUB_REPOSITORY",
    help="Ask GitHub which pull requests are closed.")]
GitHubToken = Annotated[str | None, typer.Option(
    "--github-token", metavar="TOKEN", envvar="GITHUB_TOKEN", show_default=False,
    help="GitHub API token (optional).")]
GitHubApi = Annotated[str, typer.Option("--github-api", metavar="URL", envvar="GITHUB_API_URL",
                                        help="GitHub API base URL.")]


def _stderr_line(line: str) -> None:
    sys.stderr.write(line.rstrip("\n") + "\n")


def _backend_url(url: str | None, old: str | None) -> str | None:
    """``--backend-url`` (or ``$PULUMI_BACKEND_URL``); the old ``--backend`` still works."""
    deprecated(old, "--backend URL", "--backend-url URL")
    return old or url


def _url(host: str, domain: str | None) -> str | None:
    return f"https://{host}.{domain.strip('.')}" if domain else None


@app.command("name")
@guarded
def name(pr: Pr, branch: Branch, spec: Spec = None, stacks_dir: StacksDir = None,
         domain: Annotated[str | None, typer.Option("--domain", metavar="DOMAIN", envvar="TRICOLOR_PREVIEW_DOMAIN",
                                                    help="Preview DNS domain: the URL is https://<host>.<domain>.")]
         = None) -> None:
    """Print the preview's names as JSON: stack, namespace, slug, host (and url)."""
    names = preview_names(parse_pr(pr), branch, base_spec(stacks_dir, spec).name)
    document: dict[str, Any] = {"stack": names.stack, "namespace": names.namespace, "slug": names.slug,
                                "host": names.host, "pr": names.pr}
    if domain:
        document["url"] = _url(names.host, domain)
    print_json(document)


@app.command("up")
@guarded
def up(
    pr: Pr,
    branch: Branch,
    image: Annotated[str | None, typer.Option("--image", metavar="IMAGE",
                                              help="The pull request's image.")] = None,
    ttl: Annotated[str, typer.Option("--ttl", metavar="DURATION",
                                     help="Time to live from creation (72h, 2d).")] = DEFAULT_TTL,
    commit: Annotated[str | None, typer.Option("--commit", metavar="SHA", envvar="GITHUB_SHA",
                                               help="Head commit.")] = None,
    backend: Annotated[str | None, typer.Option("--backend-url", metavar="URL", envvar="PULUMI_BACKEND_URL",
                                                help="Backend URL (else Pulumi's login).")] = None,
    old_backend: OldBackend = None,
    secrets_provider: Annotated[str | None, typer.Option("--secrets-provider", metavar="PROVIDER",
                                                         help="Secrets provider of a new stack.")] = None,
    domain: Annotated[str | None, typer.Option("--domain", metavar="DOMAIN", envvar="TRICOLOR_PREVIEW_DOMAIN",
                                               help="Preview DNS domain for the printed URL.")] = None,
    spec: Spec = None,
    stacks_dir: StacksDir = None,
) -> None:
    """Create or update the preview stack from the staging config, tag it, deploy it."""
    backend = _backend_url(backend, old_backend)
    number = parse_pr(pr)
    lifetime = parse_ttl(ttl)
    service = base_spec(stacks_dir, spec)
    names = preview_names(number, branch, service.name)
    meta = PreviewMeta(pr=number, created_at=utcnow(), ttl=lifetime, branch=names.branch,
                       commit=commit or None)
    derived = preview_config(names, meta, image, stacks_dir, spec)  # validated like the program will
    secrets = secrets_from_env(derived.spec)
    for note in derived.dropped:
        err_console.print(f"[yellow]note:[/] preview override not applied: {rich_markup.escape(note)}")
    workspace = Workspace(backend_url=backend, secrets_provider=secrets_provider, on_output=_stderr_line)
    outputs = up_preview(names.stack, meta, derived.config, secrets, workspace)
    print_json({**names.as_dict(), "url": _url(names.host, domain), "ttl": describe(lifetime),
                "outputs": outputs})


def _destroyer(backend: str, project: str) -> Any:
    return get_destroyer("automation", DestroyerContext(project=project, backend_url=backend,
                                                        on_output=_stderr_line))


def _recheck(store: BackendStore, decide_again: Any) -> Any:
    """Read a decided stack again right before destroying it, and decide again."""
    return lambda decision: decide_again(reread(store, decision.record))


@app.command("down")
@guarded
def down(
    pr: Pr,
    backend: Backend = None,
    branch: Annotated[str | None, typer.Option("--branch", metavar="BRANCH",
                                               help="Only this branch's preview.")] = None,
    project: Project = None,
    old_backend: OldBackend = None,
) -> None:
    """Destroy the pull request's preview and remove its stack (nothing to do is fine)."""
    backend = _backend_url(backend, old_backend) or ""  # none: open_backend says how to give one
    number = parse_pr(pr)
    project = pulumi_project(project)
    wanted = preview_names(number, branch).stack if branch else None
    store = open_backend(backend)
    decisions = [decide_down(r, number, wanted) for r in list_stacks(store, project)]
    mine = [d for d in decisions if d.action != "skip"]
    if not mine:
        err_console.print(rich_text.Text(f"no preview of pull request #{number} in {backend}"))
        return
    if any(d.action == "destroy" for d in mine):
        require_pulumi()
    report = reap(mine, _destroyer(backend, project), _recheck(store, lambda r: decide_down(r, number, wanted)))
    for outcome in report.outcomes:
        line = f"{outcome.status} {outcome.decision.qualified}"
        if outcome.status != "destroyed":
            line += f": {outcome.error or outcome.decision.reason}"
        (console if outcome.status == "destroyed" else err_console).print(rich_text.Text(line), soft_wrap=True)
    if any(o.status != "destroyed" for o in report.outcomes):
        raise typer.Exit(ExitCode.ERROR)


def _status(record: StackRecord, states: dict[int, Any]) -> str:
    if record.meta is None or record.problem:
        return "unreadable"
    if record.locked is not False:
        return "updating"
    if states.get(record.meta.pr) == "closed":
        return "pr closed"
    return "expired" if is_expired(record.meta.created_at, record.meta.ttl, utcnow()) else "active"


def _pr_states(records: list[StackRecord], repo: str | None, token: str | None, api: str) -> dict[int, Any]:
    """What GitHub says about each preview's pull request (``{}`` without a repository)."""
    if not repo:
        return {}
    with GitHubPulls(repo, token, api) as lookup:
        states, problems = pr_states([r.meta.pr for r in records if r.meta], lookup)
    for pr, problem in problems.items():
        err_console.print(f"[yellow]warning:[/] PR #{pr}: state unknown, TTL alone applies "
                          f"({rich_markup.escape(problem)})", soft_wrap=True)
    return states


def _row(record: StackRecord, states: dict[int, Any]) -> dict[str, Any]:
    meta, now = record.meta, utcnow()
    return {
        "stack": record.name,
        "project": record.project,
        "qualified": record.qualified,
        "pr": meta.pr if meta else None,
        "branch": meta.branch if meta else None,
        "commit": meta.commit if meta else None,
        "createdAt": format_time(meta.created_at) if meta else None,
        "expiresAt": format_time(expires_at(meta.created_at, meta.ttl)) if meta else None,
        "age": describe(age(meta.created_at, now)) if meta else None,
        "ttl": describe(meta.ttl) if meta else None,
        "ttlLeft": describe(remaining(meta.created_at, meta.ttl, now)) if meta else None,
        "status": _status(record, states),
        "resources": record.resources,
        "source": meta.source if meta else None,
        "problem": record.problem or record.unreachable,
    }


def _shown_name(stack: str, project: str | None) -> str:
    """The stack as the table shows it: its name, marked when it is in the old unscoped
    layout (the JSON output has the fully qualified name)."""
    return stack if project else f"{stack} (unscoped)"


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> rich_table.Table:
    """A table whose every cell is plain text (``Text``), never markup."""
    table = rich_table.Table(*columns, title=rich_text.Text(title), title_justify="left")
    for row in rows:
        table.add_row(*(rich_text.Text("-" if cell is None else str(cell)) for cell in row))
    return table


@app.command("list")
@guarded
def list_(backend: Backend = None, project: Project = None, output: OutputOpt = Output.text,
          github_repo: GitHubRepo = None, github_token: GitHubToken = None, github_api: GitHubApi = DEFAULT_API,
          old_backend: OldBackend = None) -> None:
    """Every preview in the backend with its age, TTL left and status (and any stack whose
    marker cannot be read, with why)."""
    backend = _backend_url(backend, old_backend) or ""
    project = pulumi_project(project)
    records = list_previews(open_backend(backend), project)
    states = _pr_states(records, github_repo, github_token, github_api)
    rows = [_row(r, states) for r in records]
    if output is Output.json:
        print_json({"previews": rows})
        return
    cells = [(_shown_name(r["stack"], r["project"]), r["pr"] or "?", r["branch"], r["age"], r["ttlLeft"],
              r["status"] + (f" ({r['problem']})" if r["problem"] else "")) for r in rows]
    if not rows:
        console.print(rich_text.Text("no previews"))
        return
    console.print(_table(f"previews in {backend}", ("stack", "pr", "branch", "age", "ttl left", "status"), cells))


def _print_report(report: ReapReport, dry_run: bool) -> None:
    title = "preview reaper" + (" (dry run)" if dry_run else "")
    cells = [(_shown_name(o.decision.stack, o.decision.record.project), o.decision.pr or "?", o.status,
              o.decision.reason + (f": {o.error}" if o.error else ""))
             for o in report.outcomes if o.status != "skipped"]
    console.print(_table(title, ("stack", "pr", "status", "reason"), cells))
    skipped = len(report.with_status("skipped"))
    console.print(rich_text.Text(f"{skipped} stack(s) without the preview marker left alone"))


@app.command("reap")
@guarded
def reap_(
    backend: Backend = None,
    project: Project = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be destroyed; destroy nothing.")]
    = False,
    github_repo: GitHubRepo = None,
    github_token: GitHubToken = None,
    github_api: GitHubApi = DEFAULT_API,
    output: OutputOpt = Output.text,
    old_backend: OldBackend = None,
) -> None:
    """Destroy previews whose TTL ran out or whose pull request is closed; a stack whose
    facts cannot be read is kept and reported, and one failure never stops the others."""
    backend = _backend_url(backend, old_backend) or ""
    project = pulumi_project(project)
    store = open_backend(backend)
    records = list_stacks(store, project)
    states = _pr_states(records, github_repo, github_token, github_api)
    decisions: list[Decision] = decide(records, utcnow(), states)
    if not dry_run and any(d.action == "destroy" for d in decisions):
        require_pulumi()
    recheck = _recheck(store, lambda record: decide_one(record, utcnow(), states))
    report = reap(decisions, _destroyer(backend, project), recheck, dry_run=dry_run)
    if output is Output.json:
        print_json({"dryRun": dry_run, "outcomes": [o.as_json() for o in report.outcomes]})
    else:
        _print_report(report, dry_run)
    if not report.ok:
        raise typer.Exit(ExitCode.ERROR)
