"""Staging and production match apart from the spec's allowed differences (a policy
that spans stacks, so only the offline runner has it: CrossGuard sees one stack).

It runs the drift module's pure diff core on rendered resources: each stack becomes
drift snapshots (production: its blue and green environments), staging is compared
with each production color of a stack on the same backend, and every difference the
spec's ``parity.allowed`` (or the release engine's image, color and weight) does not
cover is a violation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field

from ..drift.diff import compare
from ..drift.normalize import color_of as drift_color
from ..drift.normalize import role_from_urn, snapshots_from_rendered
from .model import Context, Finding, Options, Rule

if TYPE_CHECKING:
    from ..stacks.render import Rendered

NAME = "cross-stack-parity"


class CrossStackOptions(Options):
    reference: str = Field("staging", description="The environment production is compared with.")
    target: str = Field("production", description="The environment compared with the reference.")
    max_paths: int = Field(10, ge=1, alias="maxPaths", description="Differing fields listed per resource.")


def _show(value: Any) -> str:
    return "(absent)" if value is None else json.dumps(value, default=str)


def _urns(rendered: Rendered) -> dict[str, str]:
    """Drift role -> URN of a rendered stack's resources (for naming them in violations)."""
    out: dict[str, str] = {}
    for resource in rendered.resources:
        meta = resource.inputs.get("metadata") if isinstance(resource.inputs, dict) else None
        labels = meta.get("labels") if isinstance(meta, dict) else None
        color = drift_color(resource.name, labels if isinstance(labels, dict) else None)
        out.setdefault(role_from_urn(resource.urn, color), resource.urn)
    return out


def check(stacks: Sequence[Rendered], options: CrossStackOptions, context: Context) -> list[Finding]:
    references = [r for r in stacks if r.stack.environment == options.reference]
    targets = [r for r in stacks if r.stack.environment == options.target]
    findings: list[Finding] = []
    for reference in references:
        for target in targets:
            if reference.stack.backend != target.stack.backend:
                continue  # different backends render different resources by design
            allowed = list(target.stack.base_spec.parity.allowed)
            urns = {**_urns(reference), **_urns(target)}
            grouped: dict[str, list[str]] = {}
            left = snapshots_from_rendered(reference)[0]
            rights = snapshots_from_rendered(target)
            for difference in compare([left, *rights], allowed).of_status("drift"):
                values = difference.values
                if all(values.get(r.environment) == values.get(left.environment) for r in rights):
                    continue  # blue and green differ from each other only: color-parity's business
                shown = ", ".join(
                    f"{label} {_show(values.get(label))}"
                    for label in (left.environment, *(r.environment for r in rights))
                )
                grouped.setdefault(difference.resource, []).append(
                    f"{difference.path or '(whole resource)'}: {shown}"
                )
            for role, lines in sorted(grouped.items()):
                more = (
                    f"; and {len(lines) - options.max_paths} more" if len(lines) > options.max_paths else ""
                )
                findings.append(
                    Finding(
                        f"{role}: {reference.stack.name} and {target.stack.name} differ outside "
                        "parity.allowed: "
                        + "; ".join(lines[: options.max_paths])
                        + more,
                        urns.get(role, role),
                    )
                )
    return findings


RULE = Rule(
    name=NAME,
    description="Staging and production match apart from the spec's allowed differences.",
    kind="stacks",
    enforcement="mandatory",
    options=CrossStackOptions,
    check=check,
)
