"""What the ``release`` verbs show: the status of a release (or, before the first one,
what the stack config puts in force), the history of a stack, the stacks of a ledger.

The active color is the one with the traffic (``weights``), named with its image; the
idle one says whether it is scaled down. Every value is printed escaped: data is never
markup. Secrets in provider settings never reach the JSON documents.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from rich.markup import escape
from rich.table import Table

from ...rollout.canary_state import describe_extras
from ...rollout.record import InForce, LedgerRecord, Status
from ...spec.canary import describe_match
from ...spec.weights import Color, other
from ...vocab.redact import redact

__all__ = ["configured_table", "document", "history_table", "iso", "list_table", "status_table"]


def iso(ts: float | None) -> str:
    return "-" if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"


def _color_row(state: InForce, color: Color) -> str:
    weight = state.weights.of(color)
    down = ", scaled down" if state.scaled_down == color else ""
    revision = f"{state.revisions[color]} " if state.revisions else ""
    return f"{color}  {revision}{escape(state.images[color])}  ({weight} %{down})"


def document(rec: LedgerRecord) -> dict[str, Any]:
    """The record as JSON, with the active color named and provider settings redacted."""
    doc = rec.model_dump(mode="json")
    doc["active"] = rec.active
    analysis = doc.get("settings", {}).get("analysis", {})
    if "provider_settings" in analysis:
        analysis["provider_settings"] = redact(analysis["provider_settings"])
    doc["catalog"] = redact(doc.get("catalog") or {})  # the spec's env as shown anywhere: redacted by name
    return doc


def configured_table(stack: str, state: InForce, where: str) -> Table:
    table = Table(show_header=False, title=f"{stack}: no release yet", title_justify="left")
    active = state.weights.active
    table.add_row("in force", "from the stack config (no release recorded in " + escape(where) + ")")
    table.add_row("active", _color_row(state, active))
    table.add_row("idle", _color_row(state, other(active)))
    return table


def status_table(rec: LedgerRecord, now: float | None = None) -> Table:
    now = time.time() if now is None else now
    table = Table(show_header=False, title=f"release {rec.release_id} on {escape(rec.stack)}", title_justify="left")
    table.add_row("status", f"[bold]{rec.status}[/]" + (f" ({escape(rec.reason)})" if rec.reason else ""))
    landed = rec.status in (Status.SUCCEEDED, Status.COMPLETED)  # after the flip the new color is ``stable``
    what = rec.new_revision.label if rec.new_revision is not None else rec.image
    table.add_row("release", f"{escape(what)} to {rec.stable if landed else rec.canary}")
    state = rec.in_force
    table.add_row("active", _color_row(state, rec.active))
    table.add_row("idle", _color_row(state, other(rec.active)))
    for route in state.header_routes:
        table.add_row("header route", escape(f"{route.name}: {' or '.join(map(describe_match, route.match))} "
                                             f"go to {route.color}"))
    if state.canary_scale is not None:
        table.add_row("canary scale", escape(describe_extras((), state.canary_scale).removeprefix("; ")))
    if rec.target is not None:
        table.add_row("applying", f"blue {rec.target.weights.blue} %, green {rec.target.weights.green} %")
    step = rec.current_step
    if step is not None and not rec.terminal and rec.status in (Status.RUNNING, Status.PAUSED):
        table.add_row("step", f"{step.index + 1}/{len(rec.plan)} {step.action}: {escape(step.description)}")
        if step.action == "pause" and step.duration is not None and rec.status == Status.RUNNING:
            left = (now if rec.step_started_at is None else rec.step_started_at) + step.duration - now
            table.add_row("pause left", _ago(left))
    if rec.status == Status.SUCCEEDED and rec.rollback_until:
        left = rec.rollback_until - now
        table.add_row("rollback window", f"{_ago(left)} left" if left > 0 else
                      "over: the next release command scales the old color down")
    for entry in rec.migrations:  # expand/contract runs, by name
        table.add_row(f"{entry.phase} migration", f"{entry.state}: {escape(entry.name or '-')}"
                      + (f" ({escape(entry.detail[:120])})" if entry.detail else ""))
    table.add_row("started", f"{iso(rec.started_at)} by {escape(rec.started_by or '?')}")
    if rec.finished_at:
        table.add_row("finished", iso(rec.finished_at))
    if rec.verdicts:
        last = rec.verdicts[-1]
        table.add_row("last verdict", f"{last.verdict}: {escape(last.reason)}")
    if rec.events:
        event = rec.events[-1]
        table.add_row("last event", f"{iso(event.at)} {escape(event.detail or event.kind)}")
    if rec.lock:
        table.add_row("lock", f"{escape(rec.lock.actor or rec.lock.owner)} (pid {rec.lock.pid} on "
                      f"{escape(rec.lock.host)}), heartbeat {_ago(now - rec.lock.heartbeat)} ago")
    if rec.request:
        why = f" ({escape(rec.request.reason)})" if rec.request.reason else ""
        table.add_row("pending request", f"{rec.request.action} by {escape(rec.request.by)}{why}")
    return table


def history_table(stack: str, records: list[LedgerRecord]) -> Table:
    table = Table("release", "image", "status", "started", "by", "finished", "reason",
                  title=f"releases of {escape(stack)}", title_justify="left")
    for rec in records:
        table.add_row(rec.release_id, escape(rec.image), str(rec.status), iso(rec.started_at),
                      escape(rec.started_by or "-"), iso(rec.finished_at), escape(rec.reason or ""))
    return table


def list_table(where: str, records: list[LedgerRecord]) -> Table:
    table = Table("stack", "release", "status", "active", "weights", "updated",
                  title=f"stacks in {escape(where)}", title_justify="left")
    for rec in records:
        table.add_row(escape(rec.stack), rec.release_id, str(rec.status),
                      f"{rec.active} {escape(rec.images[rec.active])}",
                      f"blue {rec.weights.blue} %, green {rec.weights.green} %", iso(rec.updated_at))
    return table
