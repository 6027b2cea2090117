"""The thin layer over Pulumi's Automation API: bring a preview up (destroying one is
``automation_destroyer``).

Everything here drives the Pulumi CLI; without it, ``require_pulumi`` raises
``PulumiUnavailable`` before anything is created. The program is the project's own
(``Pulumi.yaml`` at the project root, ``main: stacks/``), so a preview runs exactly
the code ``pulumi up -s staging`` runs.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..stacks.config import to_runtime
from ..stacks.project import find_project
from ..vocab.redact import redact, redact_text
from .errors import PreviewError, PreviewExistsError, PulumiUnavailable
from .tags import TAG_CREATED, TAG_MARKER, MetadataError, PreviewMeta, from_tags

FAILURE_LIMIT = 4000
INSTALL_HINT = "install it (https://www.pulumi.com/docs/install/) and put `pulumi` on PATH"
Output = Callable[[str], Any]


def require_pulumi() -> Any:
    """A ``PulumiCommand`` for the installed CLI; ``PulumiUnavailable`` when there is none."""
    from pulumi.automation import PulumiCommand
    from pulumi.automation.errors import InvalidVersionError

    if shutil.which("pulumi") is None:
        raise PulumiUnavailable(f"the Pulumi CLI is not installed: this command drives it through the "
                                f"Automation API; {INSTALL_HINT}. Nothing was created or destroyed.")
    try:
        return PulumiCommand()
    except (OSError, subprocess.CalledProcessError, InvalidVersionError) as exc:
        raise PulumiUnavailable(f"the Pulumi CLI cannot be used ({exc}); {INSTALL_HINT}") from None


def project_dir() -> Path:
    """The Pulumi project to run: the root of the project the working directory is in
    (``ProjectError`` outside any), never the installed package."""
    return find_project().root


@dataclass
class Workspace:
    """Where and how the Automation API runs: the project folder, the backend, the
    secrets provider (for new stacks), extra environment."""

    backend_url: str | None = None
    work_dir: Path = field(default_factory=project_dir)
    secrets_provider: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    on_output: Output | None = None

    def options(self, command: Any) -> Any:
        from pulumi.automation import LocalWorkspaceOptions

        env = dict(self.env)
        if self.backend_url:
            env["PULUMI_BACKEND_URL"] = self.backend_url
        return LocalWorkspaceOptions(work_dir=str(self.work_dir), env_vars=env, pulumi_command=command,
                                     secrets_provider=self.secrets_provider)


def up_preview(stack_name: str, meta: PreviewMeta, config: Mapping[str, Any], secrets: Mapping[str, str],
               workspace: Workspace) -> dict[str, Any]:
    """Create or update the preview stack, tag it, run ``up``; return its outputs.

    An existing stack keeps its creation time (the TTL counts from creation, not from the
    last push). A stack of that name without the preview marker is refused, untouched."""
    from pulumi import automation as auto

    command = require_pulumi()
    opts = workspace.options(command)
    try:
        try:
            stack = auto.select_stack(stack_name, work_dir=str(workspace.work_dir), opts=opts)
        except auto.StackNotFoundError:
            stack = auto.create_stack(stack_name, work_dir=str(workspace.work_dir), opts=opts)
        else:
            meta = _adopt(stack, stack_name, meta)
        # Tags first: even if ``up`` fails half way, the reaper knows the stack is a preview.
        for key, value in meta.to_tags().items():
            stack.set_tag(key, value)
        full = dict(config)
        full["tricolor:preview"] = meta.to_config()
        values = {k: auto.ConfigValue(v) for k, v in to_runtime(full).items()}
        values.update({k: auto.ConfigValue(v, secret=True) for k, v in secrets.items()})
        stack.set_all_config(values)
        result = stack.up(on_output=workspace.on_output, color="never")
    except auto.CommandError as exc:
        raise PreviewError(f"pulumi up of preview {stack_name} failed: {command_failure(exc)}") from None
    return shown_outputs(result.outputs)


def shown_outputs(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """Stack outputs fit to print: those marked secret left out, every other value
    redacted by name and structure (``vocab.redact``: a ``databaseUrl`` keeps its host
    but not its password, a ``apiToken`` output that was not marked secret is hidden)."""
    shown: dict[str, Any] = redact({key: output.value for key, output in outputs.items() if not output.secret})
    return shown


def command_failure(exc: Exception, limit: int = FAILURE_LIMIT) -> str:
    """What a failed Pulumi command said, URL passwords redacted, cut to ``limit`` characters
    (its tail, where the error is)."""
    text = redact_text(str(exc))
    return text if len(text) <= limit else f"...{text[-limit:]}"


def _adopt(stack: Any, stack_name: str, meta: PreviewMeta) -> PreviewMeta:
    """Check an existing stack is a preview and keep its creation time.

    An empty stack without tags is one a crashed ``preview up`` left half made: adopted."""
    existing = stack.list_tags()
    empty = not (stack.export_stack().deployment or {}).get("resources")
    if existing.get(TAG_MARKER) != "true" and not empty:
        raise PreviewExistsError(f"stack {stack_name} exists and is not a preview (no {TAG_MARKER} tag); "
                                 "refusing to touch it")
    try:
        kept = from_tags(existing)
    except MetadataError:
        kept = None  # broken tags are rewritten; the TTL counts from now
    if kept is None or not existing.get(TAG_CREATED):
        return meta
    return PreviewMeta(pr=meta.pr, created_at=kept.created_at, ttl=meta.ttl, branch=meta.branch, commit=meta.commit)
