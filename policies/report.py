"""Violations as ``pulumi preview`` shows its policy section, and as JSON.

::

    Policies (stack prod):
        ❌ tricolor-policies@v0.1.0 (local: policies)
            - [mandatory]  images-pinned  (kubernetes:apps/v1:Deployment: checkout-blue-deployment)
              Images are pinned by digest or an immutable tag; ...
              kubernetes:apps/v1:Deployment 'checkout-blue-deployment': spec...image 'app:latest' uses ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from ..errors import ExitCode
from ..vocab.wire import Urn
from .model import PACK_NAME, PACK_VERSION, Violation

_ORDER = {"mandatory": 0, "advisory": 1, "disabled": 2}


@dataclass(frozen=True)
class Assumption:
    """Resources of ``stack`` whose environment nothing said outright: it was assumed
    (``environment``, from ``basis``: color labels, a blue/green pair, or nothing at all)."""

    stack: str
    environment: str
    basis: str
    resources: tuple[str, ...]  # URNs

    def note(self) -> str:
        return (f"environment assumed for {len(self.resources)} resource(s): {self.environment}, from {self.basis}; "
                f"{self.environment} rules applied")

    def as_json(self) -> dict[str, Any]:
        return {"stack": self.stack, "environment": self.environment, "assumed": True, "basis": self.basis,
                "resources": list(self.resources)}


def exit_code(violations: Sequence[Violation]) -> int:
    """2 when a mandatory rule is violated (as ``pulumi preview`` fails), else 0 (the one
    table: ``tricolor.errors.ExitCode``)."""
    return ExitCode.FINDING if any(v.mandatory for v in violations) else ExitCode.OK


def document(violations: Sequence[Violation], assumptions: Sequence[Assumption] = ()) -> dict[str, Any]:
    """The ``--output json`` document: ``{"violations": [{policy, resource, message,
    enforcement}]}``, plus ``"assumptions"`` when an environment was assumed."""
    out: dict[str, Any] = {"violations": [v.as_json() for v in _sorted(violations)]}
    if assumptions:
        out["assumptions"] = [a.as_json() for a in assumptions]
    return out


def _sorted(violations: Sequence[Violation]) -> list[Violation]:
    return sorted(
        violations,
        key=lambda v: (v.stack or "", _ORDER.get(v.enforcement, 3), v.policy, v.resource, v.message),
    )


def resource_label(resource: str) -> str:
    """``type: name`` of a URN (``urn:pulumi:prod::p::parent$type::name``), else the text."""
    try:
        urn = Urn.parse(resource)
    except ValueError:
        return resource
    return f"{urn.type}: {urn.name}"


def _icon(violations: Sequence[Violation]) -> Text:
    if any(v.mandatory for v in violations):
        return Text("❌ ", style="bold red")
    if violations:
        return Text("⚠️  ", style="bold yellow")
    return Text("✅ ", style="bold green")


def violations_renderable(
    violations: Sequence[Violation], stacks: Sequence[str] = (), source: str = "local: policies",
    assumptions: Sequence[Assumption] = (),
) -> RenderableType:
    """The policy section for ``stacks`` (every stack named, even a clean one). Every
    value is a ``Text``: nothing in a message is read as markup or an emoji code."""
    notes: dict[str, list[str]] = {}
    for assumption in assumptions:
        notes.setdefault(assumption.stack, []).append(assumption.note())
    by_stack: dict[str, list[Violation]] = {name: [] for name in stacks}
    for violation in _sorted(violations):
        by_stack.setdefault(violation.stack or "", []).append(violation)
    lines: list[RenderableType] = []
    for stack, found in by_stack.items():
        lines.append(Text(f"Policies (stack {stack}):" if stack else "Policies:", style="bold"))
        lines.append(
            Text.assemble("    ", _icon(found), (f"{PACK_NAME}@v{PACK_VERSION}", "bold"), f" ({source})")
        )
        for note in notes.get(stack, ()):
            lines.append(Text(f"        note: {note}", style="yellow"))
        for v in found:
            style = "red" if v.mandatory else "yellow"
            lines.append(
                Text.assemble(
                    "        - ",
                    (f"[{v.enforcement}]", style),
                    "  ",
                    (v.policy, "bold"),
                    f"  ({resource_label(v.resource)})",
                )
            )
            if v.description:
                lines.append(Text(f"          {v.description}", style="dim"))
            lines.append(Text(f"          {v.message}"))
    mandatory = sum(v.mandatory for v in violations)
    advisory = sum(v.enforcement == "advisory" for v in violations)
    summary = (
        f"{mandatory} mandatory and {advisory} advisory violation(s)"
        if violations
        else "no policy violations"
    )
    lines.append(
        Text(summary, style="bold red" if mandatory else "bold yellow" if advisory else "bold green")
    )
    return Group(*lines)
