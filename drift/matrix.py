"""The parity matrix of offline-rendered stacks (for ``tricolor plan``).

Renders nothing itself: it takes ``tricolor.stacks.Rendered`` stacks, turns them into
snapshots (production as blue and green), compares them with the spec's
``parity.allowed``, and returns a rich table plus a JSON-able list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .diff import compare
from .html import matrix
from .model import DriftResult
from .normalize import snapshots_from_rendered

if TYPE_CHECKING:
    from rich.table import Table

    from ..stacks.render import Rendered

CELL = {"parity": "[dim]same[/]", "allowed": "[green]allowed[/]", "ignored": "[yellow]ignored[/]",
        "drift": "[bold red]DRIFT[/]"}


def parity_result(rendered: Sequence[Rendered], allowed: Sequence[str] | None = None) -> DriftResult:
    snapshots = [s for r in rendered for s in snapshots_from_rendered(r)]
    if allowed is None:
        allowed = list(rendered[0].stack.base_spec.parity.allowed) if rendered else []
    return compare(snapshots, allowed)


def parity_matrix(rendered: Sequence[Rendered], allowed: Sequence[str] | None = None
                  ) -> tuple[Table, list[dict[str, Any]]]:
    """A rich table (resources by environments, each cell its status and differing
    fields) and the same matrix as JSON-able rows. Fewer than two environments give an
    empty matrix."""
    from rich.table import Table

    labels = [s.environment for r in rendered for s in snapshots_from_rendered(r)]
    table = Table(title="parity matrix", title_justify="left")
    table.add_column("resource", overflow="fold")
    if len(labels) < 2:
        table.caption = "one environment: nothing to compare"
        return table, []
    result = parity_result(rendered, allowed)
    for label in result.environments:
        table.add_column(label, overflow="fold")
    rows = matrix(result)
    for row in rows:
        cells = []
        for cell in row["cells"]:
            fields = [f"{f['path']}={f['value']}" for f in cell["fields"] if f["status"] != "allowed"
                      or cell["status"] == "allowed"]
            detail = "\n".join(fields[:4]) + ("\n…" if len(fields) > 4 else "")
            cells.append(CELL[cell["status"]] + (f"\n[dim]{detail}[/]" if detail else ""))
        table.add_row(row["resource"], *cells)
    counts = result.counts
    table.caption = (f"{counts['drift']} drift, {counts['allowed']} allowed (parity.allowed or release-managed), "
                     f"{result.resources} resources")
    return table, rows
