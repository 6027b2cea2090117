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
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from .model import PACK_NAME, PACK_VERSION, Violation

EXIT_CLEAN, EXIT_ERROR, EXIT_MANDATORY = 0, 1, 2
_ORDER = {"mandatory": 0, "advisory": 1, "disabled": 2}


def exit_code(violations: Sequence[Violation]) -> int:
    """2 when a mandatory rule is violated (as ``pulumi preview`` fails), else 0."""
    return EXIT_MANDATORY if any(v.mandatory for v in violations) else EXIT_CLEAN


def document(violations: Sequence[Violation]) -> dict[str, Any]:
    """The ``--output json`` document: ``{"violations": [{policy, resource, message, enforcement}]}``."""
    return {"violations": [v.as_json() for v in _sorted(violations)]}


def _sorted(violations: Sequence[Violation]) -> list[Violation]:
    return sorted(
        violations,
        key=lambda v: (v.stack or "", _ORDER.get(v.enforcement, 3), v.policy, v.resource, v.message),
    )


def resource_label(resource: str) -> str:
    """``type: name`` of a URN (``urn:pulumi:prod::p::parent$type::name``), else the text."""
    parts = resource.split("::")
    if resource.startswith("urn:pulumi:") and len(parts) >= 4:
        return f"{parts[2].rsplit('$', 1)[-1]}: {parts[-1]}"
    return resource


def _icon(violations: Sequence[Violation]) -> Text:
    if any(v.mandatory for v in violations):
        return Text("❌ ", style="bold red")
    if violations:
        return Text("⚠️  ", style="bold yellow")
    return Text("✅ ", style="bold green")


def violations_renderable(
    violations: Sequence[Violation], stacks: Sequence[str] = (), source: str = "local: policies"
) -> RenderableType:
    """The policy section for ``stacks`` (every stack named, even a clean one)."""
    by_stack: dict[str, list[Violation]] = {name: [] for name in stacks}
    for violation in _sorted(violations):
        by_stack.setdefault(violation.stack or "", []).append(violation)
    lines: list[RenderableType] = []
    for stack, found in by_stack.items():
        lines.append(Text(f"Policies (stack {stack}):" if stack else "Policies:", style="bold"))
        lines.append(
            Text.assemble("    ", _icon(found), (f"{PACK_NAME}@v{PACK_VERSION}", "bold"), f" ({source})")
        )
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
