"""Expand/contract migrations are safe only with a rollback window and a contract that
can run: a spec whose release has migrations is flagged, per production stack, when

- its rollback window is shorter than ``minRollbackWindow`` (none at all by default):
  the contract would run as soon as the release succeeds, and nothing could be rolled
  back to the old version once it ran;
- it has a contract step but ``scaleDownIdle: false`` (blueGreen): the old color keeps
  running the old version, so the release never runs the contract (it would break that
  version), and the contract silently never happens;
- its backend runs no migrations (``lambda``): a release would be refused.

The release settings are the spec's, not resources: CrossGuard sees only resources, so
this rule runs offline, over the rendered stacks (``tricolor plan``, ``tricolor policy
check``), like the cross-stack rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import Field

from ..spec.durations import format_duration
from ..spec.fields import Duration
from .model import Context, Finding, Options, Rule

if TYPE_CHECKING:
    from ..stacks.render import Rendered

NAME = "release-migrations"
NO_MIGRATIONS = ("lambda",)  # backends with no one-off task to run a migration in


class MigrationOptions(Options):
    min_rollback_window: Duration = Field(
        timedelta(seconds=1), alias="minRollbackWindow",
        description="The shortest rollback window a release with migrations may have (a duration such as 15m).")
    contract_needs_scale_down: bool = Field(
        True, alias="contractNeedsScaleDown",
        description="Flag a contract step with scaleDownIdle: false (the old color keeps the old version).")
    environments: list[str] = Field(
        default_factory=lambda: ["production"], description="The environments whose stacks are checked.")


def _stack_findings(rendered: Rendered, options: MigrationOptions) -> list[Finding]:
    stack = rendered.stack
    release = stack.spec.release
    migrations = release.migrations
    if migrations is None or stack.environment not in options.environments:
        return []
    where = f"stack:{stack.name}"
    findings = []
    if release.rollback_window < options.min_rollback_window:
        findings.append(Finding(
            f"stack {stack.name}: release.migrations with a rollback window of "
            f"{format_duration(release.rollback_window)} (at least {format_duration(options.min_rollback_window)}): "
            "the contract would run as soon as the release succeeds, leaving no time to roll back to the old "
            "version; give release.rollbackWindow", where))
    if (options.contract_needs_scale_down and migrations.contract is not None and not release.scale_down_idle
            and release.strategy == "blueGreen"):
        findings.append(Finding(
            f"stack {stack.name}: release.migrations.contract with scaleDownIdle: false: the old color keeps "
            "running the old version, so the release never runs the contract; set scaleDownIdle: true, or run "
            "the contract yourself once the old version is gone", where))
    if stack.backend in NO_MIGRATIONS:
        findings.append(Finding(
            f"stack {stack.name}: release.migrations on the {stack.backend} backend: it has no one-off task to "
            "run a migration in, so a release is refused; run expand/contract from your pipeline", where))
    return findings


def check(stacks: Sequence[Rendered], options: MigrationOptions, context: Context) -> list[Finding]:
    return [finding for rendered in stacks for finding in _stack_findings(rendered, options)]


RULE = Rule(
    name=NAME,
    description="Releases with expand/contract migrations keep a rollback window and a contract that can run.",
    kind="stacks",
    enforcement="mandatory",
    options=MigrationOptions,
    check=check,
)
