"""How ``tricolor plan`` shows what it would change: text, Markdown and JSON.

Per stack, one line per resource to add (``+``), change (``~``) or delete (``-``), and
under each change one line per property with its old and new value (``~ spec.replicas:
4 -> 6``, ``~ data.CART_TTL: + "900"``, ``~ data.OLD: - "x"``), then ``Plan: 1 to add, 2
to change, 0 to delete``. Values are JSON (text quoted), already redacted, control
characters escaped, cut with ``…`` around where old and new start to differ; routes are
shown as rules. Nothing here is read as markup: the CLI prints ``Text``, Markdown puts
every value in a code block or escapes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson

from ..drift.changes import PropertyChange, ResourceChange, StackChanges
from ..drift.markdown import code as md_code
from ..drift.markdown import text as md_text
from ..drift.present import describe, show

__all__ = ["changes_document", "markdown", "summary", "text_lines", "totals"]

SIGN = {"add": "+", "change": "~", "delete": "-"}
WIDTH = 120
_ROUTERS = (":HTTPRoute", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule")


def totals(stacks: Sequence[StackChanges]) -> dict[str, int]:
    return {action: sum(s.counts[action] for s in stacks) for action in ("add", "change", "delete")}


def summary(counts: dict[str, int]) -> str:
    return f"Plan: {counts['add']} to add, {counts['change']} to change, {counts['delete']} to delete"


def _json(value: Any, type_: str) -> str:
    if type_.endswith(_ROUTERS):
        described = describe(value)
        if described is not None:
            return show(described, None)
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str).decode()
    except (orjson.JSONEncodeError, TypeError):
        text = repr(value)
    return show(text, None)


def _cut(text: str, other: str) -> str:
    if len(text) <= WIDTH:
        return text
    common = 0
    for a, b in zip(text, other, strict=False):
        if a != b:
            break
        common += 1
    start = max(0, min(common - WIDTH // 4, len(text) - (WIDTH - 1)))
    if start == 0:
        return text[:WIDTH - 1] + "…"
    return "…" + text[start:start + WIDTH - 2] + ("…" if start + WIDTH - 2 < len(text) else "")


def property_line(change: PropertyChange, type_: str) -> str:
    old, new = _json(change.old, type_), _json(change.new, type_)
    if change.action == "add":
        return f"~ {change.path}: + {_cut(new, old)}"
    if change.action == "remove":
        return f"~ {change.path}: - {_cut(old, new)}"
    return f"~ {change.path}: {_cut(old, new)} -> {_cut(new, old)}"


def resource_line(change: ResourceChange) -> str:
    return f"{SIGN[change.action]} {change.type} {show(change.name, None)}"


def stack_heading(changes: StackChanges) -> str:
    counts = changes.counts
    return (f"{show(changes.stack, None)}: {counts['add']} to add, {counts['change']} to change, "
            f"{counts['delete']} to delete (against {show(changes.base, None)})")


def text_lines(stacks: Sequence[StackChanges], skipped: dict[str, str]) -> list[tuple[str, str]]:
    """The diff as (line, style) pairs; styles: heading, add, change, delete, property, plain."""
    out: list[tuple[str, str]] = []
    for changes in stacks:
        out.append((stack_heading(changes), "heading"))
        for change in changes.resources:
            out.append(("  " + resource_line(change), change.action))
            out += [("      " + property_line(p, change.type), "property") for p in change.properties]
        if not changes.resources:
            out.append(("  no changes", "plain"))
    for stack, why in skipped.items():
        out.append((f"{show(stack, None)}: not compared ({why})", "plain"))
    out.append((summary(totals(stacks)), "heading"))
    return out


def _fence(lines: Sequence[str]) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


PolicyLine = tuple[str, str, str, str]  # enforcement, policy, resource, message


def markdown(stacks: Sequence[StackChanges], skipped: dict[str, str], policy_lines: Sequence[PolicyLine]) -> str:
    """A pull-request comment: the summary, then per stack a ``diff`` block."""
    counts = totals(stacks)
    out = [f"### tricolor plan: {counts['add']} to add, {counts['change']} to change, {counts['delete']} to delete",
           ""]
    for changes in stacks:
        out += [f"#### {md_text(stack_heading(changes))}", ""]
        body = []
        for change in changes.resources:
            body.append(resource_line(change))
            body += ["    " + property_line(p, change.type) for p in change.properties]
        if body:
            fence = _fence(body)
            out += [fence + "diff", *body, fence, ""]
        else:
            out += ["No changes.", ""]
    for stack, why in skipped.items():
        out += [md_text(f"{stack}: not compared ({why})"), ""]
    out += [md_text(summary(counts)), ""]
    if policy_lines:
        mandatory = sum(1 for line in policy_lines if line[0] == "mandatory")
        out += [f"#### Policies: {mandatory} mandatory, {len(policy_lines) - mandatory} other violation(s)", ""]
        out += [f"- **{md_text(enforcement)}** {md_code(policy)} {md_code(resource)}: {md_text(message)}"
                for enforcement, policy, resource, message in policy_lines]
        out.append("")
    return "\n".join(out)


def properties_document(change: ResourceChange) -> list[dict[str, Any]]:
    """A changed resource's properties as JSON: path, action, old and new value."""
    return [{"path": p.path, "action": p.action, "old": p.old, "new": p.new} for p in change.properties]


def changes_document(stacks: Sequence[StackChanges], skipped: dict[str, str], source: str) -> dict[str, Any]:
    """The ``changes`` key of ``plan --output json`` with ``--against``."""
    return {
        "against": source,
        "summary": totals(stacks),
        "skipped": [{"stack": s, "reason": why} for s, why in skipped.items()],
        "stacks": [{
            "stack": s.stack, "base": s.base, **s.counts,
            "resources": [{"action": r.action, "key": r.key, "type": r.type, "name": r.name,
                           "properties": properties_document(r)} for r in s.resources],
        } for s in stacks],
    }
