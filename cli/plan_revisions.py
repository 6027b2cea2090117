"""``tricolor plan`` with a release ledger: what production runs, and whether the spec is
a revision no color runs yet.

A ledger is read only when ``plan`` is given ``--ledger`` (``plan_state.py``); otherwise
every render stays pure. A production stack is then rendered with the state in force
recorded there, as the program builds it; with a record of revisions each color from
its own revision, and when the spec as it is makes another revision than the one in
force on the active color, ``plan`` says so (``spec revision r8 differs from the
revision in force on blue (r7): run `tricolor release start` to roll it out``) and shows,
per color, what bringing it to that revision changes, and what it changes in the
resources both colors share (not canaried).

Secret values in secure config cannot be read offline: their versions are taken as in
force (a changed secret value shows once ``release start`` reads it through the
Automation API).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..drift.changes import StackChanges
from ..rollout.ledger import Ledger, state_in_force
from ..rollout.program_state import as_release_state
from ..rollout.record import LedgerRecord
from ..rollout.revisions import candidate_of, changes_by_part, config_versions, prepare_state, render_state
from ..spec.revision import config_key
from ..stacks.config import StackInput
from ..stacks.render import SECRET_TEXT, Rendered, render
from .ledger import ledger_at
from .plan_output import properties_document, property_line, resource_line
from .progress import each

__all__ = ["RevisionNotice", "fenced", "render_all", "text_lines", "with_ledger"]


@dataclass(frozen=True)
class RevisionNotice:
    """What one production stack's ledger says against the spec."""

    stack: str
    message: str
    differs: bool
    in_force: dict[str, str] = field(default_factory=dict)  # color -> revision label
    spec_revision: str = ""
    changes: dict[str, StackChanges] = field(default_factory=dict)  # part -> changes

    def document(self) -> dict[str, Any]:
        return {"stack": self.stack, "message": self.message, "differs": self.differs, "in_force": self.in_force,
                "spec_revision": self.spec_revision,
                "changes": {part: [{"action": r.action, "key": r.key, "properties": properties_document(r)}
                                   for r in c.resources] for part, c in self.changes.items() if c.resources}}


def _versions(item: StackInput, rec: LedgerRecord) -> dict[str, str]:
    """The spec's secret versions; a value offline plan cannot read is taken as in force."""
    versions = config_versions(item)
    active = rec.catalog.get((rec.revisions or {}).get(rec.weights.active, ""))
    for variable in list(versions):
        value = item.config.get(config_key(item.stack, variable))
        if (value is None or value == SECRET_TEXT) and active is not None and variable in active.secrets:
            versions[variable] = active.secrets[variable]
    return versions


def with_ledger(item: StackInput, rec: LedgerRecord | None) -> tuple[Rendered, RevisionNotice | None]:
    """The render of ``item`` as its ledger record says it runs, and the notice (``None``:
    not production, no release yet, or a record of no revisions)."""
    if rec is None or item.stack.environment != "production":
        return render(item), None
    state = state_in_force(rec)
    if rec.revisions is None or state.revisions is None:
        return render(item, as_release_state(state)), None
    rendered = render_state(item, state, rec.catalog)
    candidate = candidate_of(item.stack, None, _versions(item, rec))
    _, catalog, revision = prepare_state(rec, state, candidate, time.time(), "plan")
    active = state.weights.active
    running = catalog[rec.revisions[active]]
    labels: dict[str, str] = {str(color): catalog[rid].label for color, rid in rec.revisions.items()}
    if revision.same_as(running) and revision.shared == catalog[rec.shared or running.id].shared:
        return rendered, RevisionNotice(item.stack.name, f"{item.stack.name}: the spec is revision {running.id}, "
                                        f"in force on {active}", False, labels, running.label)
    changes: dict[str, StackChanges] = {}
    for color, rid in rec.revisions.items():
        if rid == revision.id:
            continue
        moved = state.model_copy(update={"revisions": {**rec.revisions, color: revision.id}, "shared": revision.id,
                                         "scaled_down": None})
        after = render_state(item, moved, catalog)
        by_part = changes_by_part(rendered, after, f"{color} at {revision.id}")
        changes[color] = by_part[color]
        changes.setdefault("shared", StackChanges(item.stack.name, "shared", by_part["shared"].resources))
    message = (f"spec revision {revision.id} differs from the revision in force on {active} ({running.id}): "
               "run `tricolor release start` to roll it out")
    return rendered, RevisionNotice(item.stack.name, message, True, labels, revision.label, changes)


def render_all(items: list[StackInput], location: str | None,
               stacks_dir: Path | None) -> tuple[list[Rendered], list[RevisionNotice]]:
    """Every stack rendered (with ``location``, ``--ledger``: a production stack as its
    record there says it runs), and the notices."""
    ledger = Ledger.open(ledger_at(location, None, stacks_dir)) if location else None
    out, found = [], []
    for item in each(items, "rendering", lambda item: item.stack.name):
        record = ledger.read(item.stack.name) if ledger is not None and item.stack.environment == "production" \
            else None
        rendered, notice = with_ledger(item, record)
        out.append(rendered)
        if notice is not None:
            found.append(notice)
    return out, found


def text_lines(found: list[RevisionNotice]) -> list[tuple[str, str]]:
    """(line, style) pairs: the notice, then per color and shared its changes."""
    lines: list[tuple[str, str]] = []
    for notice in found:
        lines.append((notice.message, "heading" if notice.differs else "plain"))
        for color, label in sorted(notice.in_force.items()):
            lines.append((f"  {color} runs {label}", "plain"))
        for part, changes in notice.changes.items():
            if not changes.resources:
                continue
            title = ("  shared by both colors (NOT canaried; needs --include-shared):" if part == "shared"
                     else f"  {part} at {notice.spec_revision}:")
            lines.append((title, "heading"))
            for change in changes.resources:
                lines.append(("    " + resource_line(change), change.action))
                lines += [("        " + property_line(p, change.type), "property") for p in change.properties]
    return lines


def fenced(lines: list[str]) -> str:
    """``lines`` in a Markdown code block whose fence no line can close."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return "\n".join([fence + "text", *lines, fence, ""])
