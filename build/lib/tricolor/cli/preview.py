"""``tricolor preview``: per-pull-request staging - name, up, down, list, reap."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .. import STACKS_DIR
from ..previews import (
    DEFAULT_TTL,
    PreviewMeta,
    StackRecord,
    decide,
    list_previews,
    list_stacks,
    open_backend,
    parse_pr,
    parse_ttl,
    pr_states,
    preview_config,
    preview_names,
    reap,
    secrets_from_env,
)
from ..previews.automation import AutomationDestroyer, Workspace, require_pulumi, up_preview
from ..previews.config import base_spec
from ..previews.github import DEFAULT_API, GitHubPulls
from ..previews.ttl import age, describe, expires_at, format_time, is_expired, remaining, utcnow
from ..stacks.config import PROJECT
from .common import console, err_console, guarded, print_json

app = typer.Typer(name="preview", help="Ephemeral staging per pull request: name, up, down, list, reap.",
                  no_args_is_help=True)


class Output(StrEnum):
    text = "text"
    json = "json"


Pr = Annotated[str, typer.Option("--pr", help="Pull-request number (a positive integer).")]
Branch = Annotated[str, typer.Option("--branch", help="The pull request's head branch.")]
Backend = Annotated[str, typer.Option("--backend", envvar="PULUMI_BACKEND_URL",
                                      help="Self-managed backend: a folder, file://... or s3://bucket/prefix.")]
Project = Annotated[str, typer.Option("--project", help="Pulumi project whose stacks to read.")]
Spec = Annotated[Path | None, typer.Option("--spec", help="Use this spec file instead of service.yaml.")]
StacksDir = Annotated[Path, typer.Option("--stacks-dir", help="Where the Pulumi.<stack>.yaml files are.")]
OutputOpt = Annotated[Output, typer.Option("--output", "-o", help="text or json.")]
GitHubRepo = Annotated[str | None, typer.Option(
    "--github-repo", envvar="GITHUB_REPOSITORY", help="owner/name: ask GitHub which pull requests are closed.")]
GitHubToken = Annotated[str | None, typer.Option(
    "--github-token", envvar="GITHUB_TOKEN", show_default=False, help="GitHub API token (optional).")]
GitHubApi = Annotated[str, typer.Option("--github-api", envvar="GITHUB_API_URL", help="GitHub API base URL.")]


def _stderr_line(line: str) -> None:
    sys.stderr.write(line.rstrip("\n") + "\n")


def _url(host: str, domain: str | None) -> str | None:
    return f"https://{host}.{domain.strip('.')}" if domain else None


@app.command("name")
@guarded
def name(pr: Pr, branch: Branch, spec: Spec = None, stacks_dir: StacksDir = STACKS_DIR,
         domain: Annotated[str | None, typer.Option("--domain", envvar="TRICOLOR_PREVIEW_DOMAIN",
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
    image: Annotated[str | None, typer.Option("--image", help="The pull request's image.")] = None,
    ttl: Annotated[str, typer.Option("--ttl", help="Time to live from creation (72h, 2d).")] = DEFAULT_TTL,
    commit: Annotated[str | None, typer.Option("--commit", envvar="GITHUB_SHA", help="Head commit.")] = None,
    backend: Annotated[str | None, typer.Option("--backend", envvar="PULUMI_BACKEND_URL",
                                                help="Backend URL (else Pulumi's login).")] = None,
    secrets_provider: Annotated[str | None, typer.Option("--secrets-provider",
                                                         help="Secrets provider of a new stack.")] = None,
    domain: Annotated[str | None, typer.Option("--domain", envvar="TRICOLOR_PREVIEW_DOMAIN",
                                               help="Preview DNS domain for the printed URL.")] = None,
    spec: Spec = None,
    stacks_dir: StacksDir = STACKS_DIR,
) -> None:
    """Create or update the preview stack from the staging config, tag it, deploy it."""
    number = parse_pr(pr)
    lifetime = parse_ttl(ttl)
    service = base_spec(stacks_dir, spec)
    names = preview_names(number, branch, service.name)
    meta = PreviewMeta(pr=number, created_at=utcnow(), ttl=lifetime, branch=names.branch,
                       commit=commit or None)
    derived = preview_config(names, meta, image, stacks_dir, spec)  # validated like the program will
    secrets = secrets_from_env(derived.spec)
    for note in derived.dropped:
        err_console.print(f"[yellow]note:[/] preview override not applied: {note}")
    workspace = Workspace(backend_url=backend, secrets_provider=secrets_provider, on_output=_stderr_line)
    outputs = up_preview(names.stack, meta, derived.config, secrets, workspace)
    print_json({**names.as_dict(), "url": _url(names.host, domain), "ttl": describe(lifetime),
                "outputs": outputs})


@app.command("down")
@guarded
def down(
    pr: Pr,
    backend: Backend,
    branch: Annotated[str | None, typer.Option("--branch", help="Only this branch's preview.")] = None,
    project: Project = PROJECT,
) -> None:
    """Destroy the pull request's preview and remove its stack (nothing to do is fine)."""
    number = parse_pr(pr)
    store = open_backend(backend)
    wanted = preview_names(number, branch).stack if branch else None
    targets = [r for r in list_previews(store, project)
               if r.meta is not None and r.meta.pr == number and (wanted is None or r.name == wanted)]
    if not targets:
        err_console.print(f"no preview of pull request #{number} in {backend}")
        return
    destroyer = AutomationDestroyer(Workspace(backend_url=backend, on_output=_stderr_line))
    require_pulumi()
    for record in targets:
        destroyer.destroy(record.name)
        console.print(f"destroyed {record.name}")


def _status(record: StackRecord, states: dict[int, Any]) -> str:
    if record.meta is None:
        return "unreadable"
    if record.locked:
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
        err_console.print(f"[yellow]warning:[/] PR #{pr}: state unknown, TTL alone applies ({problem})")
    return states


def _row(record: StackRecord, states: dict[int, Any]) -> dict[str, Any]:
    meta, now = record.meta, utcnow()
    return {
        "stack": record.name,
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
        "problem": record.problem,
    }


@app.command("list")
@guarded
def list_(backend: Backend, project: Project = PROJECT, output: OutputOpt = Output.text,
          github_repo: GitHubRepo = None, github_token: GitHubToken = None, github_api: GitHubApi = DEFAULT_API,
          ) -> None:
    """Every preview in the backend with its age, TTL left and status."""
    records = list_previews(open_backend(backend), project)
    states = _pr_states(records, github_repo, github_token, github_api)
    rows = [_row(r, states) for r in records]
    if output is Output.json:
        print_json({"previews": rows})
        return
    table = Table("stack", "pr", "branch", "age", "ttl left", "status", title=f"previews in {backend}",
                  title_justify="left")
    for row in rows:
        status = row["status"] + (f" ({row['problem']})" if row["problem"] else "")
        table.add_row(row["stack"], str(row["pr"] or "?"), row["branch"] or "-", row["age"] or "-",
                      row["ttlLeft"] or "-", status)
    console.print(table if rows else "no previews")


@app.command("reap")
@guarded
def reap_(
    backend: Backend,
    project: Project = PROJECT,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be destroyed; destroy nothing.")]
    = False,
    github_repo: GitHubRepo = None,
    github_token: GitHubToken = None,
    github_api: GitHubApi = DEFAULT_API,
    output: OutputOpt = Output.text,
) -> None:
    """Destroy previews whose TTL ran out or whose pull request is closed."""
    records = list_stacks(open_backend(backend), project)
    states = _pr_states(records, github_repo, github_token, github_api)
    decisions = decide(records, utcnow(), states)
    destroyer = AutomationDestroyer(Workspace(backend_url=backend, on_output=_stderr_line))
    if not dry_run and any(d.action == "destroy" for d in decisions):
        require_pulumi()
    report = reap(decisions, destroyer, dry_run=dry_run)
    if output is Output.json:
        print_json({"dryRun": dry_run, "outcomes": [o.as_json() for o in report.outcomes]})
    else:
        title = "preview reaper" + (" (dry run)" if dry_run else "")
        table = Table("stack", "pr", "status", "reason", title=title, title_justify="left")
        for outcome in report.outcomes:
            if outcome.status == "skipped":
                continue
            reason = outcome.decision.reason + (f": {outcome.error}" if outcome.error else "")
            table.add_row(outcome.decision.stack, str(outcome.decision.pr or "?"), outcome.status, reason)
        skipped = len(report.with_status("skipped"))
        console.print(table)
        console.print(f"{skipped} stack(s) without the preview marker left alone")
    if not report.ok:
        raise typer.Exit(1)
